-- Identity and access. Times are timestamptz (UTC), ids are uuid, hashes are bytea.

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    username      text NOT NULL,
    -- Case-folded by the application (Unicode-aware, trimmed) exactly as in the SQLite adapter,
    -- so "Ana" and "ana" are one account whatever the server's locale.
    username_key  text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'manager', 'staff')),
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);

-- One row per issued login token; the token itself is never stored, only signed over this id.
CREATE TABLE login_sessions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);
CREATE INDEX login_sessions_expires ON login_sessions (expires_at);

-- API keys are stored only as a keyed hash (HMAC-SHA-256 peppered with AUTH_SECRET).
CREATE TABLE api_keys (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    key_hash   bytea NOT NULL UNIQUE,
    prefix     text NOT NULL,
    role       text NOT NULL CHECK (role IN ('admin', 'manager', 'staff')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz
);
-- A name identifies one live key; a revoked key's name may be reused.
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

-- Failed-login counters per key ("user:<name>" or "ip:<addr>"), shared by every instance.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY,
    failures     bigint NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);
