use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Result;
use sqlx::Row as _;
use uuid::Uuid;

use super::{SqliteStore, ms, time};
use crate::error::{corrupt, db};
use crate::{ChatMessageRecord, ChatSessionRecord, Chats};

fn session(row: &sqlx::sqlite::SqliteRow) -> Result<ChatSessionRecord> {
    Ok(ChatSessionRecord {
        id: row.try_get("id").map_err(db)?,
        owner_id: row.try_get("owner_id").map_err(db)?,
        mode: row.try_get("mode").map_err(db)?,
        title: row.try_get("title").map_err(db)?,
        created_at: time(row.try_get("created_at").map_err(db)?)?,
        updated_at: time(row.try_get("updated_at").map_err(db)?)?,
    })
}

#[async_trait]
impl Chats for SqliteStore {
    async fn create_session(&self, s: &ChatSessionRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO chat_sessions (id, owner_id, mode, title, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(s.id)
        .bind(s.owner_id)
        .bind(&s.mode)
        .bind(&s.title)
        .bind(ms(s.created_at))
        .bind(ms(s.updated_at))
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn session(&self, id: Uuid) -> Result<Option<ChatSessionRecord>> {
        let row =
            sqlx::query("SELECT id, owner_id, mode, title, created_at, updated_at FROM chat_sessions WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        row.as_ref().map(session).transpose()
    }

    async fn list_sessions(&self, owner_id: Uuid, limit: u32) -> Result<Vec<ChatSessionRecord>> {
        let rows = sqlx::query(
            "SELECT id, owner_id, mode, title, created_at, updated_at FROM chat_sessions
             WHERE owner_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?",
        )
        .bind(owner_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter().map(session).collect()
    }

    async fn delete_session(&self, id: Uuid) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM chat_sessions WHERE id = ?").bind(id).execute(&self.pool).await.map_err(db)?;
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
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO chat_messages (session_id, seq, role, content, meta, created_at)
             SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5 FROM chat_messages WHERE session_id = ?1
             RETURNING seq",
        )
        .bind(session_id)
        .bind(role)
        .bind(content)
        .bind(meta.map(ToString::to_string))
        .bind(ms(now))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        sqlx::query("UPDATE chat_sessions SET updated_at = ? WHERE id = ?")
            .bind(ms(now))
            .bind(session_id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(u64::try_from(seq).unwrap_or(0))
    }

    async fn recent_messages(&self, session_id: Uuid, limit: u32) -> Result<Vec<ChatMessageRecord>> {
        let rows = sqlx::query(
            "SELECT seq, role, content, meta, created_at FROM
               (SELECT * FROM chat_messages WHERE session_id = ? ORDER BY seq DESC LIMIT ?)
             ORDER BY seq",
        )
        .bind(session_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let meta: Option<String> = row.try_get("meta").map_err(db)?;
                Ok(ChatMessageRecord {
                    seq: u64::try_from(row.try_get::<i64, _>("seq").map_err(db)?).unwrap_or(0),
                    role: row.try_get("role").map_err(db)?,
                    content: row.try_get("content").map_err(db)?,
                    meta: meta
                        .map(|m| serde_json::from_str(&m).map_err(|_| corrupt("chat message meta")))
                        .transpose()?,
                    created_at: time(row.try_get("created_at").map_err(db)?)?,
                })
            })
            .collect()
    }

    async fn add_llm_tokens(&self, principal_id: Uuid, day: NaiveDate, tokens: u64) -> Result<u64> {
        let total: i64 = sqlx::query_scalar(
            "INSERT INTO llm_usage (principal_id, day, tokens) VALUES (?1, ?2, ?3)
             ON CONFLICT (principal_id, day) DO UPDATE SET tokens = llm_usage.tokens + ?3
             RETURNING tokens",
        )
        .bind(principal_id)
        .bind(day.to_string())
        .bind(i64::try_from(tokens).unwrap_or(i64::MAX))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    async fn llm_tokens(&self, principal_id: Uuid, day: NaiveDate) -> Result<u64> {
        let total: Option<i64> = sqlx::query_scalar("SELECT tokens FROM llm_usage WHERE principal_id = ? AND day = ?")
            .bind(principal_id)
            .bind(day.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0))
    }
}
