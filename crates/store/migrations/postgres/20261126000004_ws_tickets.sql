-- Single-use WebSocket tickets (browsers cannot set headers on an upgrade). Only a keyed hash of
-- the ticket is stored. `credential_id` is the login session or API key that asked for it, so a
-- ticket dies with its credential (logout, revocation) even inside its 30 seconds.
CREATE TABLE ws_tickets (
    ticket_hash    bytea PRIMARY KEY,
    principal_id   uuid NOT NULL,
    principal_kind text NOT NULL CHECK (principal_kind IN ('user', 'api_key')),
    credential_id  uuid NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);
CREATE INDEX ws_tickets_expires ON ws_tickets (expires_at);
