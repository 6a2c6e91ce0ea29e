use async_trait::async_trait;
use domain::Result;
use sqlx::Row as _;
use uuid::Uuid;

use super::error::db;
use super::{PostgresStore, role, unsigned};
use crate::{NewUser, UserRecord, Users};

const COLUMNS: &str = "id, username, password_hash, role, disabled, created_at";

fn record(row: &sqlx::postgres::PgRow) -> Result<UserRecord> {
    Ok(UserRecord {
        id: row.try_get("id").map_err(db)?,
        username: row.try_get("username").map_err(db)?,
        password_hash: row.try_get("password_hash").map_err(db)?,
        role: role(row.try_get("role").map_err(db)?)?,
        disabled: row.try_get("disabled").map_err(db)?,
        created_at: row.try_get("created_at").map_err(db)?,
    })
}

/// The same folding as the SQLite adapter (trimmed, Unicode lowercase) computed here rather than
/// by the server, whose `lower()` depends on its locale.
fn username_key(username: &str) -> String {
    username.trim().to_lowercase()
}

#[async_trait]
impl Users for PostgresStore {
    async fn create_user(&self, user: NewUser) -> Result<UserRecord> {
        sqlx::query(
            "INSERT INTO users (id, username, username_key, password_hash, role, disabled, created_at)
             VALUES ($1, $2, $3, $4, $5, false, $6)",
        )
        .bind(user.id)
        .bind(&user.username)
        .bind(username_key(&user.username))
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(user.created_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(UserRecord {
            id: user.id,
            username: user.username,
            password_hash: user.password_hash,
            role: user.role,
            disabled: false,
            created_at: user.created_at,
        })
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users WHERE username_key = $1"));
        let row = sqlx::query(sql).bind(username_key(username)).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users WHERE id = $1"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn count_users(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await.map_err(db)?;
        Ok(unsigned(n))
    }

    async fn list_users(&self, limit: u32) -> Result<Vec<UserRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM users ORDER BY username_key LIMIT $1"));
        let rows = sqlx::query(sql).bind(i64::from(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(record).collect()
    }

    async fn update_user(
        &self,
        id: Uuid,
        disabled: Option<bool>,
        role: Option<domain::Role>,
    ) -> Result<Option<UserRecord>> {
        // One statement, so a concurrent change of the other field is never overwritten.
        let sql = "UPDATE users SET disabled = COALESCE($1, disabled), role = COALESCE($2, role) WHERE id = $3";
        sqlx::query(sql)
            .bind(disabled)
            .bind(role.map(|r| r.as_str()))
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        self.user_by_id(id).await
    }
}
