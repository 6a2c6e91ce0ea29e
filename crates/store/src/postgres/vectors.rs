//! Item embeddings: read by (model, SKUs), upserted through `UNNEST` in key order so concurrent
//! writers (two instances embedding the same candidates) lock rows in the same order.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;

use super::PostgresStore;
use super::batch::ROWS_PER_STATEMENT;
use super::error::db;
use crate::ItemVectors;
use crate::vectors::{self, ItemVector, decode_stored, encode};

#[async_trait]
impl ItemVectors for PostgresStore {
    async fn item_vectors(&self, model: &str, skus: &[String]) -> Result<Vec<ItemVector>> {
        let mut found = Vec::new();
        for chunk in skus.chunks(ROWS_PER_STATEMENT) {
            let rows =
                sqlx::query("SELECT sku, text_hash, vector FROM item_vectors WHERE model = $1 AND sku = ANY($2)")
                    .bind(model)
                    .bind(chunk)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db)?;
            for row in rows {
                let bytes: Vec<u8> = row.try_get("vector").map_err(db)?;
                found.push(ItemVector {
                    sku: row.try_get("sku").map_err(db)?,
                    model: model.to_owned(),
                    text_hash: row.try_get("text_hash").map_err(db)?,
                    vector: decode_stored(&bytes)?,
                });
            }
        }
        Ok(found)
    }

    async fn upsert_item_vectors(&self, vectors: &[ItemVector], now: DateTime<Utc>) -> Result<()> {
        let vectors = vectors::prepare(vectors)?;
        if vectors.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(db)?;
        for chunk in vectors.chunks(ROWS_PER_STATEMENT) {
            sqlx::query(
                "INSERT INTO item_vectors (sku, model, text_hash, vector, updated_at)
                 SELECT sku, model, text_hash, vector, $5
                 FROM UNNEST($1::text[], $2::text[], $3::bytea[], $4::bytea[]) AS t (sku, model, text_hash, vector)
                 ON CONFLICT (sku, model) DO UPDATE SET text_hash = excluded.text_hash, vector = excluded.vector,
                     updated_at = excluded.updated_at",
            )
            .bind(chunk.iter().map(|v| v.sku.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|v| v.model.as_str()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|v| v.text_hash.clone()).collect::<Vec<_>>())
            .bind(chunk.iter().map(|v| encode(&v.vector)).collect::<Vec<_>>())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)
    }
}
