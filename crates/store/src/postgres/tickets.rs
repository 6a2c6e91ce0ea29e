//! Single-use WebSocket tickets.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;

use super::PostgresStore;
use super::error::db;
use crate::{TicketGrant, Tickets};

#[async_trait]
impl Tickets for PostgresStore {
    async fn create_ticket(&self, ticket_hash: &[u8], grant: &TicketGrant, expires_at: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO ws_tickets (ticket_hash, principal_id, principal_kind, credential_id, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ticket_hash)
        .bind(grant.principal_id)
        .bind(&grant.principal_kind)
        .bind(grant.credential_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn consume_ticket(&self, ticket_hash: &[u8], now: DateTime<Utc>) -> Result<Option<TicketGrant>> {
        // One conditional UPDATE: a concurrent redeemer waits for our row lock, then re-checks
        // `used_at IS NULL` on the row we wrote and finds nothing.
        let row = sqlx::query(
            "UPDATE ws_tickets SET used_at = $2
             WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > $2
             RETURNING principal_id, principal_kind, credential_id",
        )
        .bind(ticket_hash)
        .bind(now)
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
