//! Login sessions and API keys.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::Result;
use sqlx::Row as _;
use uuid::Uuid;

use super::error::db;
use super::{PostgresStore, role};
use crate::{ApiKeyRecord, ApiKeys, LoginSessionRecord, LoginSessions, NewApiKey};

#[async_trait]
impl LoginSessions for PostgresStore {
    async fn create_login_session(
        &self,
        id: Uuid,
        user_id: Uuid,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("INSERT INTO login_sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(user_id)
            .bind(created_at)
            .bind(expires_at)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn login_session(&self, id: Uuid) -> Result<Option<LoginSessionRecord>> {
        let row = sqlx::query(
            "SELECT s.id, s.user_id, s.expires_at, s.revoked_at IS NOT NULL AS revoked, u.username, u.role, u.disabled
             FROM login_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(LoginSessionRecord {
            id: row.try_get("id").map_err(db)?,
            user_id: row.try_get("user_id").map_err(db)?,
            username: row.try_get("username").map_err(db)?,
            role: role(row.try_get("role").map_err(db)?)?,
            user_disabled: row.try_get("disabled").map_err(db)?,
            expires_at: row.try_get("expires_at").map_err(db)?,
            revoked: row.try_get("revoked").map_err(db)?,
        }))
    }

    async fn revoke_login_session(&self, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query("UPDATE login_sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }
}

const KEY_COLUMNS: &str = "id, name, key_hash, prefix, role, created_at, expires_at, revoked_at";

fn key_record(row: &sqlx::postgres::PgRow) -> Result<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: row.try_get("id").map_err(db)?,
        name: row.try_get("name").map_err(db)?,
        key_hash: row.try_get("key_hash").map_err(db)?,
        prefix: row.try_get("prefix").map_err(db)?,
        role: role(row.try_get("role").map_err(db)?)?,
        created_at: row.try_get("created_at").map_err(db)?,
        expires_at: row.try_get("expires_at").map_err(db)?,
        revoked_at: row.try_get("revoked_at").map_err(db)?,
    })
}

#[async_trait]
impl ApiKeys for PostgresStore {
    async fn create_api_key(&self, key: NewApiKey) -> Result<ApiKeyRecord> {
        sqlx::query(
            "INSERT INTO api_keys (id, name, key_hash, prefix, role, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(key.id)
        .bind(&key.name)
        .bind(&key.key_hash)
        .bind(&key.prefix)
        .bind(key.role.as_str())
        .bind(key.created_at)
        .bind(key.expires_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(ApiKeyRecord {
            id: key.id,
            name: key.name,
            key_hash: key.key_hash,
            prefix: key.prefix,
            role: key.role,
            created_at: key.created_at,
            expires_at: key.expires_at,
            revoked_at: None,
        })
    }

    async fn api_key_by_hash(&self, key_hash: &[u8]) -> Result<Option<ApiKeyRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1"));
        let row = sqlx::query(sql).bind(key_hash).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(key_record).transpose()
    }

    async fn api_key_by_id(&self, id: Uuid) -> Result<Option<ApiKeyRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE id = $1"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(key_record).transpose()
    }

    async fn revoke_api_key(&self, name: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(done.rows_affected() > 0)
    }

    async fn list_api_keys(&self) -> Result<Vec<ApiKeyRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"));
        let rows = sqlx::query(sql).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(key_record).collect()
    }
}
