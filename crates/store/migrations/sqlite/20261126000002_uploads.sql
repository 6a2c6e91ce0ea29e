-- Uploaded files. The bytes live in the object store under `object_key` (chosen by the server);
-- `filename` is display metadata only, already sanitised. The owner is a user or an API key.
CREATE TABLE uploads (
    id           BLOB PRIMARY KEY NOT NULL,
    owner_id     BLOB NOT NULL,
    filename     TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size > 0),
    content_type TEXT NOT NULL,
    kind         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    object_key   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX uploads_owner ON uploads (owner_id, created_at);
