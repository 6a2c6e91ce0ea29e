-- Identity and access. Times are Unix milliseconds (UTC); ids are UUIDs (16-byte blobs).

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL,
    -- Case-folded for uniqueness and lookup, so "Ana" and "ana" are one account.
    username_key  TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'staff')),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL
) STRICT;

-- One row per issued login token; the token itself is never stored, only signed over this id.
CREATE TABLE login_sessions (
    id         BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;
CREATE INDEX login_sessions_user ON login_sessions (user_id);
CREATE INDEX login_sessions_expires ON login_sessions (expires_at);

-- API keys are stored only as a keyed hash (HMAC-SHA-256 peppered with AUTH_SECRET).
CREATE TABLE api_keys (
    id         BLOB PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    key_hash   BLOB NOT NULL UNIQUE,
    prefix     TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'staff')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
) STRICT;
-- A name identifies one live key; a revoked key's name may be reused.
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

-- Failed-login counters per key ("user:<name>" or "ip:<addr>"), shared by every instance.
CREATE TABLE login_throttle (
    key          TEXT PRIMARY KEY NOT NULL,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    locked_until INTEGER
) STRICT;
