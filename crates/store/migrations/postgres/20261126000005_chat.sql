-- Chat: sessions and their messages, and each principal's daily LLM token use.
CREATE TABLE chat_sessions (
    id          uuid PRIMARY KEY,
    owner_id    uuid NOT NULL,
    mode        text NOT NULL CHECK (mode IN ('chat', 'work')),
    title       text,
    -- The last message's sequence number, incremented by the statement that appends a message
    -- (see runs.event_seq).
    message_seq bigint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX chat_sessions_owner ON chat_sessions (owner_id, updated_at);

CREATE TABLE chat_messages (
    session_id uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    role       text NOT NULL CHECK (role IN ('user', 'assistant')),
    content    text NOT NULL,
    meta       jsonb,                       -- degraded code, pending approval, …
    created_at timestamptz NOT NULL,
    PRIMARY KEY (session_id, seq)
);

CREATE TABLE llm_usage (
    principal_id uuid NOT NULL,
    day          date NOT NULL,             -- UTC date
    tokens       bigint NOT NULL,
    PRIMARY KEY (principal_id, day)
);
