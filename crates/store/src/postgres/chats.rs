use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Result;
use sqlx::Row as _;
use uuid::Uuid;

use super::error::db;
use super::{PostgresStore, int, unsigned};
use crate::{ChatMessageRecord, ChatSessionRecord, Chats};

const SESSION_COLUMNS: &str = "id, owner_id, mode, title, created_at, updated_at";

fn session(row: &sqlx::postgres::PgRow) -> Result<ChatSessionRecord> {
    Ok(ChatSessionRecord {
        id: row.try_get("id").map_err(db)?,
        owner_id: row.try_get("owner_id").map_err(db)?,
        mode: row.try_get("mode").map_err(db)?,
        title: row.try_get("title").map_err(db)?,
        created_at: row.try_get("created_at").map_err(db)?,
        updated_at: row.try_get("updated_at").map_err(db)?,
    })
}

#[async_trait]
impl Chats for PostgresStore {
    async fn create_session(&self, s: &ChatSessionRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO chat_sessions (id, owner_id, mode, title, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.id)
        .bind(s.owner_id)
        .bind(&s.mode)
        .bind(&s.title)
        .bind(s.created_at)
        .bind(s.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn session(&self, id: Uuid) -> Result<Option<ChatSessionRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {SESSION_COLUMNS} FROM chat_sessions WHERE id = $1"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(session).transpose()
    }

    async fn list_sessions(&self, owner_id: Uuid, limit: u32) -> Result<Vec<ChatSessionRecord>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SESSION_COLUMNS} FROM chat_sessions WHERE owner_id = $1 ORDER BY updated_at DESC, id DESC LIMIT $2"
        ));
        let rows = sqlx::query(sql).bind(owner_id).bind(i64::from(limit)).fetch_all(&self.pool).await.map_err(db)?;
        rows.iter().map(session).collect()
    }

    async fn delete_session(&self, id: Uuid) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM chat_sessions WHERE id = $1").bind(id).execute(&self.pool).await.map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn append_message(
        &self,
        session_id: Uuid,
        role: &str,
        content: &str,
        meta: Option<&serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        // The session's counter numbers the message and its row lock orders concurrent appends
        // (see `runs::append_run_event`); the same statement marks the session active.
        let seq: i64 = sqlx::query_scalar(
            "WITH next AS (
                 UPDATE chat_sessions SET message_seq = message_seq + 1, updated_at = $5 WHERE id = $1
                 RETURNING message_seq
             )
             INSERT INTO chat_messages (session_id, seq, role, content, meta, created_at)
             SELECT $1, message_seq, $2, $3, $4, $5 FROM next
             RETURNING seq",
        )
        .bind(session_id)
        .bind(role)
        .bind(content)
        .bind(meta)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(unsigned(seq))
    }

    async fn recent_messages(&self, session_id: Uuid, limit: u32) -> Result<Vec<ChatMessageRecord>> {
        let rows = sqlx::query(
            "SELECT seq, role, content, meta, created_at FROM
               (SELECT * FROM chat_messages WHERE session_id = $1 ORDER BY seq DESC LIMIT $2) AS latest
             ORDER BY seq",
        )
        .bind(session_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(ChatMessageRecord {
                    seq: unsigned(row.try_get("seq").map_err(db)?),
                    role: row.try_get("role").map_err(db)?,
                    content: row.try_get("content").map_err(db)?,
                    meta: row.try_get("meta").map_err(db)?,
                    created_at: row.try_get("created_at").map_err(db)?,
                })
            })
            .collect()
    }

    async fn add_llm_tokens(&self, principal_id: Uuid, day: NaiveDate, tokens: u64) -> Result<u64> {
        let total: i64 = sqlx::query_scalar(
            "INSERT INTO llm_usage AS u (principal_id, day, tokens) VALUES ($1, $2, $3)
             ON CONFLICT (principal_id, day) DO UPDATE SET tokens = u.tokens + $3
             RETURNING tokens",
        )
        .bind(principal_id)
        .bind(day)
        .bind(int(tokens))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(unsigned(total))
    }

    async fn llm_tokens(&self, principal_id: Uuid, day: NaiveDate) -> Result<u64> {
        let total: Option<i64> =
            sqlx::query_scalar("SELECT tokens FROM llm_usage WHERE principal_id = $1 AND day = $2")
                .bind(principal_id)
                .bind(day)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        Ok(total.map_or(0, unsigned))
    }
}
