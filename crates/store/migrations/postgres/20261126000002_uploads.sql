-- Uploaded files. The bytes live in the object store under `object_key` (chosen by the server);
-- `filename` is display metadata only, already sanitised. The owner is a user or an API key.
CREATE TABLE uploads (
    id           uuid PRIMARY KEY,
    owner_id     uuid NOT NULL,
    filename     text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    content_type text NOT NULL,
    kind         text NOT NULL,
    sha256       text NOT NULL,
    object_key   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL
);
CREATE INDEX uploads_owner ON uploads (owner_id, created_at);
