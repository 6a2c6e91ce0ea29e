-- Work runs: a persisted state machine. Everything needed to continue a run on any instance lives
-- here; no run state is kept only in memory.
CREATE TABLE runs (
    id            uuid PRIMARY KEY,
    owner_id      uuid NOT NULL,
    session_id    uuid,
    task          text NOT NULL,
    input         jsonb NOT NULL,
    status        text NOT NULL CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'expired')),
    checkpoint    jsonb,                      -- where a resumed or re-claimed run continues
    progress      jsonb,                      -- the latest progress report
    question      jsonb,                      -- while waiting
    result        jsonb,                      -- when succeeded
    error_code    text,                       -- when failed
    lease_owner   text,                       -- the instance executing it
    lease_until   timestamptz,                -- a lapsed lease lets another instance claim the run
    attempts      bigint NOT NULL DEFAULT 0,
    expires_at    timestamptz,                -- while waiting: when it expires (WORK_INTERRUPT_TTL)
    -- The last event's sequence number. Incrementing it in the same statement that appends the
    -- event serialises concurrent appenders on this row (SQLite gets that from its single writer).
    event_seq     bigint NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
-- Claiming walks the unfinished runs oldest first.
CREATE INDEX runs_claimable ON runs (created_at, id) WHERE status IN ('queued', 'running');
CREATE INDEX runs_waiting_expiry ON runs (expires_at) WHERE status = 'waiting';
CREATE INDEX runs_owner ON runs (owner_id, created_at);

-- The append-only event log of each run (progress, tool calls and results, questions, answers);
-- `seq` is per run and doubles as the SSE event id for Last-Event-ID replay.
CREATE TABLE run_events (
    run_id     uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq        bigint NOT NULL,
    kind       text NOT NULL,
    data       jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (run_id, seq)
);

-- Side effects already applied, by idempotency key: a replayed step finds its earlier result here
-- instead of applying the effect twice.
CREATE TABLE run_effects (
    idempotency_key text PRIMARY KEY,
    run_id          uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    result          jsonb NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX run_effects_run ON run_effects (run_id);
