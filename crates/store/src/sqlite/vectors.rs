//! Item embeddings: read by (model, SKUs), upserted in one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;

use super::batch::{BATCH_ROWS, insert_batches};
use super::{SqliteStore, ms};
use crate::ItemVectors;
use crate::error::db;
use crate::vectors::{self, ItemVector, decode_stored, encode};

#[async_trait]
impl ItemVectors for SqliteStore {
    async fn item_vectors(&self, model: &str, skus: &[String]) -> Result<Vec<ItemVector>> {
        let mut found = Vec::new();
        for chunk in skus.chunks(BATCH_ROWS) {
            let placeholders = vec!["?"; chunk.len()].join(", ");
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT sku, text_hash, vector FROM item_vectors WHERE model = ? AND sku IN ({placeholders})"
            ));
            let mut query = sqlx::query(sql).bind(model);
            for sku in chunk {
                query = query.bind(sku);
            }
            for row in query.fetch_all(&self.pool).await.map_err(db)? {
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
        let sql = (
            "INSERT INTO item_vectors (sku, model, text_hash, vector, updated_at)",
            5,
            "ON CONFLICT (sku, model) DO UPDATE SET text_hash = excluded.text_hash, vector = excluded.vector,
             updated_at = excluded.updated_at",
        );
        let mut tx = self.write_tx().await?;
        insert_batches(&mut tx, sql, &vectors, |q, v| {
            Ok(q.bind(v.sku.clone())
                .bind(v.model.clone())
                .bind(v.text_hash.clone())
                .bind(encode(&v.vector))
                .bind(ms(now)))
        })
        .await?;
        tx.commit().await.map_err(db)
    }
}
