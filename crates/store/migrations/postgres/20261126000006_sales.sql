-- The sales domain and the audit log, as on SQLite. Money is bigint ten-thousandths and
-- quantities bigint thousandths (domain::sales::exact): exact, and summed exactly by SQL. Days are
-- date, times timestamptz. Keys are COLLATE "C", so they sort and page byte by byte as on SQLite,
-- whatever the server's locale.

CREATE TABLE items (
    sku        text COLLATE "C" PRIMARY KEY,
    name       text NOT NULL,
    brand      text,
    category   text,
    unit       text,
    barcode    text,
    aliases    jsonb NOT NULL DEFAULT '[]',  -- array of strings
    updated_at timestamptz NOT NULL
);
CREATE INDEX items_barcode ON items (barcode) WHERE barcode IS NOT NULL;

CREATE TABLE stock (
    sku        text COLLATE "C" NOT NULL REFERENCES items (sku),
    warehouse  text COLLATE "C" NOT NULL,
    quantity   bigint NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (sku, warehouse)
);

-- One row: bumped by every catalog or stock change, in the same transaction, so each server
-- instance can tell when to rebuild its in-memory search index. Its row lock also makes
-- concurrent catalog imports take turns at the end.
CREATE TABLE catalog_meta (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO catalog_meta (id, version) VALUES (1, 0);

CREATE TABLE price_lists (
    name       text COLLATE "C" PRIMARY KEY,
    created_at timestamptz NOT NULL
);

CREATE TABLE prices (
    price_list     text COLLATE "C" NOT NULL REFERENCES price_lists (name),
    sku            text COLLATE "C" NOT NULL REFERENCES items (sku),
    effective_from date NOT NULL,
    amount         bigint NOT NULL CHECK (amount >= 0),
    version        bigint NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (price_list, sku, effective_from)
);

CREATE TABLE customers (
    code        text COLLATE "C" PRIMARY KEY,
    name        text NOT NULL,
    price_list  text COLLATE "C",            -- NULL: the list named 'default'
    salesperson text COLLATE "C",
    updated_at  timestamptz NOT NULL
);

CREATE TABLE mappings (
    customer   text COLLATE "C" NOT NULL REFERENCES customers (code),
    wording    text COLLATE "C" NOT NULL,    -- domain::sales::normalize_wording
    sku        text COLLATE "C" NOT NULL REFERENCES items (sku),
    source     text NOT NULL CHECK (source IN ('manual', 'learned')),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (customer, wording)
);

CREATE TABLE oos (
    id          uuid PRIMARY KEY,            -- UUIDv7: sorts by creation
    customer    text COLLATE "C" NOT NULL REFERENCES customers (code),
    sku         text COLLATE "C" NOT NULL REFERENCES items (sku),
    day         date NOT NULL,
    quantity    bigint NOT NULL CHECK (quantity > 0),
    note        text,
    status      text NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution  text,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    resolved_at timestamptz
);
-- At most one open registration per customer, item and day; a repeat upserts into it.
CREATE UNIQUE INDEX oos_one_open ON oos (customer, sku, day) WHERE status = 'open';
CREATE INDEX oos_day ON oos (day);

CREATE TABLE sales (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day         date NOT NULL,
    customer    text COLLATE "C" NOT NULL REFERENCES customers (code),
    sku         text COLLATE "C" NOT NULL REFERENCES items (sku),
    quantity    bigint NOT NULL,
    unit_price  bigint NOT NULL,
    amount      bigint NOT NULL,             -- quantity × unit_price, rounded to money precision
    salesperson text COLLATE "C",
    invoice     text,
    created_at  timestamptz NOT NULL
);
CREATE INDEX sales_day ON sales (day);

-- Append-only and hash-chained (domain::audit). `seq` is assigned by the appender as head + 1
-- under a transaction-scoped advisory lock held until the commit that also moves the head, so the
-- chain never forks. old and new are text, not jsonb: the hashed bytes must come back unchanged.
CREATE TABLE audit_log (
    seq        bigint PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor_id   uuid NOT NULL,
    actor_kind text NOT NULL,
    actor_name text NOT NULL,
    action     text COLLATE "C" NOT NULL,
    target     text NOT NULL,
    old        text,                         -- canonical JSON, byte for byte as hashed
    new        text,
    prev_hash  bytea NOT NULL,
    hash       bytea NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, seq);

-- The newest entry's seq and hash: a cut tail no longer matches it.
CREATE TABLE audit_head (
    id   integer PRIMARY KEY CHECK (id = 1),
    seq  bigint NOT NULL,
    hash bytea NOT NULL
);

-- The application never updates, deletes or truncates audit entries; refuse it at the database too.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
