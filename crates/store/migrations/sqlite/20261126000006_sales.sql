-- The sales domain and the audit log. Money is INTEGER ten-thousandths and quantities INTEGER
-- thousandths (domain::sales::exact): exact, and summed exactly by SQL. Days are TEXT YYYY-MM-DD,
-- which sorts as dates. Times are INTEGER Unix milliseconds, as elsewhere.

CREATE TABLE items (
    sku        TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    brand      TEXT,
    category   TEXT,
    unit       TEXT,
    barcode    TEXT,
    aliases    TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings
    updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX items_barcode ON items (barcode) WHERE barcode IS NOT NULL;

CREATE TABLE stock (
    sku        TEXT NOT NULL REFERENCES items (sku),
    warehouse  TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (sku, warehouse)
) STRICT;

-- One row: bumped by every catalog or stock change, in the same transaction, so each server
-- instance can tell when to rebuild its in-memory search index.
CREATE TABLE catalog_meta (
    id      INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version INTEGER NOT NULL
) STRICT;
INSERT INTO catalog_meta (id, version) VALUES (1, 0);

CREATE TABLE price_lists (
    name       TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE prices (
    price_list     TEXT NOT NULL REFERENCES price_lists (name),
    sku            TEXT NOT NULL REFERENCES items (sku),
    effective_from TEXT NOT NULL,
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    version        INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (price_list, sku, effective_from)
) STRICT;

CREATE TABLE customers (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    price_list  TEXT,                      -- NULL: the list named 'default'
    salesperson TEXT,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE mappings (
    customer   TEXT NOT NULL REFERENCES customers (code),
    wording    TEXT NOT NULL,               -- domain::sales::normalize_wording
    sku        TEXT NOT NULL REFERENCES items (sku),
    source     TEXT NOT NULL CHECK (source IN ('manual', 'learned')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (customer, wording)
) STRICT;

CREATE TABLE oos (
    id          BLOB PRIMARY KEY NOT NULL,  -- UUIDv7: sorts by creation
    customer    TEXT NOT NULL REFERENCES customers (code),
    sku         TEXT NOT NULL REFERENCES items (sku),
    day         TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    note        TEXT,
    status      TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution  TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    resolved_at INTEGER
) STRICT;
-- At most one open registration per customer, item and day; a repeat upserts into it.
CREATE UNIQUE INDEX oos_one_open ON oos (customer, sku, day) WHERE status = 'open';
CREATE INDEX oos_day ON oos (day);

CREATE TABLE sales (
    id          INTEGER PRIMARY KEY NOT NULL,
    day         TEXT NOT NULL,
    customer    TEXT NOT NULL REFERENCES customers (code),
    sku         TEXT NOT NULL REFERENCES items (sku),
    quantity    INTEGER NOT NULL,
    unit_price  INTEGER NOT NULL,
    amount      INTEGER NOT NULL,           -- quantity × unit_price, rounded to money precision
    salesperson TEXT,
    invoice     TEXT,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX sales_day ON sales (day);

-- Append-only and hash-chained (domain::audit). `seq` is assigned by the appender as head + 1
-- inside the write transaction that also moves the head, so the chain never forks.
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY NOT NULL,
    at             INTEGER NOT NULL,
    actor_id       BLOB NOT NULL,
    actor_kind     TEXT NOT NULL,
    actor_name     TEXT NOT NULL,
    action         TEXT NOT NULL,
    target         TEXT NOT NULL,
    old            TEXT,                    -- canonical JSON, byte for byte as hashed
    new            TEXT,
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL
) STRICT;
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- The newest entry's seq and hash: a cut tail no longer matches it.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
) STRICT;

-- The application never updates or deletes audit entries; refuse it at the database too.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
