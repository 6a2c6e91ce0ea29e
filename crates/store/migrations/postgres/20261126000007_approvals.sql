-- Proposed changes waiting for a person: each is bound to the hash of its exact arguments, decided
-- once (pending -> approved -> used, or pending -> declined) and only before it expires.
CREATE TABLE approvals (
    id            uuid PRIMARY KEY,
    owner_id      uuid NOT NULL,
    scope         text NOT NULL,
    tool          text NOT NULL,
    arguments     text NOT NULL,            -- JSON, exactly as proposed
    args_hash     text NOT NULL,
    status        text NOT NULL CHECK (status IN ('pending', 'approved', 'used', 'declined')),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    approver_id   uuid,
    approver_role text,
    decided_at    timestamptz,
    used_at       timestamptz
);
CREATE INDEX approvals_scope ON approvals (scope, created_at);
