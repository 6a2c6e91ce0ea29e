-- Work runs: a persisted state machine. Everything needed to continue a run on any instance lives
-- here; no run state is kept only in memory.
CREATE TABLE runs (
    id            BLOB PRIMARY KEY NOT NULL,
    owner_id      BLOB NOT NULL,
    session_id    BLOB,
    task          TEXT NOT NULL,
    input         TEXT NOT NULL,              -- JSON
    status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'expired')),
    checkpoint    TEXT,                       -- JSON: where a resumed or re-claimed run continues
    progress      TEXT,                       -- JSON: the latest progress report
    question      TEXT,                       -- JSON, while waiting
    result        TEXT,                       -- JSON, when succeeded
    error_code    TEXT,                       -- when failed
    lease_owner   TEXT,                       -- the instance executing it
    lease_until   INTEGER,                    -- a lapsed lease lets another instance claim the run
    attempts      INTEGER NOT NULL DEFAULT 0,
    expires_at    INTEGER,                    -- while waiting: when it expires (WORK_INTERRUPT_TTL)
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX runs_claimable ON runs (status, lease_until);
CREATE INDEX runs_waiting_expiry ON runs (expires_at) WHERE status = 'waiting';
CREATE INDEX runs_owner ON runs (owner_id, created_at);

-- The append-only event log of each run (progress, tool calls and results, questions, answers);
-- `seq` is per run and doubles as the SSE event id for Last-Event-ID replay.
CREATE TABLE run_events (
    run_id     BLOB NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    data       TEXT NOT NULL,                 -- JSON
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, seq)
) STRICT;

-- Side effects already applied, by idempotency key: a replayed step finds its earlier result here
-- instead of applying the effect twice.
CREATE TABLE run_effects (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    run_id          BLOB NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    result          TEXT NOT NULL,            -- JSON
    created_at      INTEGER NOT NULL
) STRICT;
