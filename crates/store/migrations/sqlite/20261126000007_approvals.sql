-- Proposed changes waiting for a person: each is bound to the hash of its exact arguments, decided
-- once (pending -> approved -> used, or pending -> declined) and only before it expires.
CREATE TABLE approvals (
    id            BLOB PRIMARY KEY NOT NULL,
    owner_id      BLOB NOT NULL,            -- whose conversation or run proposed it
    scope         TEXT NOT NULL,            -- 'session:<uuid>' or 'run:<uuid>'
    tool          TEXT NOT NULL,
    arguments     TEXT NOT NULL,            -- JSON, exactly as proposed
    args_hash     TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'used', 'declined')),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    approver_id   BLOB,
    approver_role TEXT,
    decided_at    INTEGER,
    used_at       INTEGER
) STRICT;
CREATE INDEX approvals_scope ON approvals (scope, created_at);
