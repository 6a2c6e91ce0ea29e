-- Embeddings of catalog items, for the optional semantic re-ranking of search candidates. One row
-- per item and embedding model (vectors of two models are not comparable). `text_hash` is the
-- SHA-256 of the text that was embedded: an item whose text changed no longer matches it and is
-- embedded again. `vector` is little-endian f32. Rows are filled lazily by searches; losing them
-- costs only new embedding calls.
CREATE TABLE item_vectors (
    sku        TEXT NOT NULL REFERENCES items (sku),
    model      TEXT NOT NULL,
    text_hash  BLOB NOT NULL,
    vector     BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (sku, model)
) STRICT;
