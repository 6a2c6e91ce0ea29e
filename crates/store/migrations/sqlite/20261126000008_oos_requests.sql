-- Out-of-stock requests already applied, by idempotency key: a replayed request (a Work run resumed
-- after a crash) finds the registration it made here and adds nothing. Written in the same
-- transaction as the registration it names.
CREATE TABLE oos_requests (
    idempotency_key TEXT PRIMARY KEY NOT NULL,
    oos_id          BLOB NOT NULL REFERENCES oos (id),
    created_at      INTEGER NOT NULL
) STRICT;
