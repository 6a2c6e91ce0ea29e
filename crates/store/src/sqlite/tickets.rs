//! Single-use WebSocket tickets.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;

use super::{SqliteStore, ms};
use crate::error::db;
use crate::{TicketGrant, Tickets};

#[async_trait]
impl Tickets for SqliteStore {
    async fn create_ticket(&self, ticket_hash: &[u8], grant: &TicketGrant, expires_at: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO ws_tickets (ticket_hash, principal_id, principal_kind, credential_id, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(ticket_hash)
        .bind(grant.principal_id)
        .bind(&grant.principal_kind)
        .bind(grant.credential_id)
        .bind(ms(expires_at))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn consume_ticket(&self, ticket_hash: &[u8], now: DateTime<Utc>) -> Result<Option<TicketGrant>> {
        // One statement: the check and the mark cannot be separated by a concurrent redeemer.
        let row = sqlx::query(
            "UPDATE ws_tickets SET used_at = ?
             WHERE ticket_hash = ? AND used_at IS NULL AND expires_at > ?
             RETURNING principal_id, principal_kind, credential_id",
        )
        .bind(ms(now))
        .bind(ticket_hash)
        .bind(ms(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(TicketGrant {
            principal_id: row.try_get("principal_id").map_err(db)?,
            principal_kind: row.try_get("principal_kind").map_err(db)?,
            credential_id: row.try_get("credential_id").map_err(db)?,
        }))
    }
}
