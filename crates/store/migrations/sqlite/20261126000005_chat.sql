-- Chat: sessions and their messages, and each principal's daily LLM token use.
CREATE TABLE chat_sessions (
    id         BLOB PRIMARY KEY NOT NULL,
    owner_id   BLOB NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('chat', 'work')),
    title      TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX chat_sessions_owner ON chat_sessions (owner_id, updated_at);

CREATE TABLE chat_messages (
    session_id BLOB NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content    TEXT NOT NULL,
    meta       TEXT,                        -- JSON: degraded code, pending approval, …
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
) STRICT;

CREATE TABLE llm_usage (
    principal_id BLOB NOT NULL,
    day          TEXT NOT NULL,             -- UTC date, YYYY-MM-DD
    tokens       INTEGER NOT NULL,
    PRIMARY KEY (principal_id, day)
) STRICT;
