-- Out-of-stock requests already applied, by idempotency key: a replayed request (a Work run resumed
-- after a crash) finds the registration it made here and adds nothing. Written in the same
-- transaction as the registration it names.
CREATE TABLE oos_requests (
    idempotency_key text PRIMARY KEY,
    oos_id          uuid NOT NULL REFERENCES oos (id),
    created_at      timestamptz NOT NULL
);
