//! Runs, their event log and the side-effect ledger. Every state change is one conditional
//! statement: under READ COMMITTED a concurrent writer waits for the row lock and then re-checks
//! the condition against the row as committed, so two instances racing on one run cannot both win.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{Error, Result, RunEvent, RunStatus};
use sqlx::Row as _;
use uuid::Uuid;

use super::error::db;
use super::{PostgresStore, unsigned};
use crate::error::corrupt;
use crate::{EffectRecord, NewRun, RunChange, RunEventRecord, RunRecord, Runs};

const COLUMNS: &str = "id, owner_id, session_id, task, input, status, checkpoint, progress, question, result, error_code, \
                       lease_owner, lease_until, attempts, expires_at, created_at, updated_at";

fn record(row: &sqlx::postgres::PgRow) -> Result<RunRecord> {
    let status: String = row.try_get("status").map_err(db)?;
    Ok(RunRecord {
        id: row.try_get("id").map_err(db)?,
        owner_id: row.try_get("owner_id").map_err(db)?,
        session_id: row.try_get("session_id").map_err(db)?,
        task: row.try_get("task").map_err(db)?,
        input: row.try_get("input").map_err(db)?,
        status: RunStatus::parse(&status).ok_or_else(|| corrupt("run status"))?,
        checkpoint: row.try_get("checkpoint").map_err(db)?,
        progress: row.try_get("progress").map_err(db)?,
        question: row.try_get("question").map_err(db)?,
        result: row.try_get("result").map_err(db)?,
        error_code: row.try_get("error_code").map_err(db)?,
        lease_owner: row.try_get("lease_owner").map_err(db)?,
        lease_until: row.try_get("lease_until").map_err(db)?,
        attempts: u32::try_from(row.try_get::<i64, _>("attempts").map_err(db)?).unwrap_or(u32::MAX),
        expires_at: row.try_get("expires_at").map_err(db)?,
        created_at: row.try_get("created_at").map_err(db)?,
        updated_at: row.try_get("updated_at").map_err(db)?,
    })
}

#[async_trait]
impl Runs for PostgresStore {
    async fn create_run(&self, run: &NewRun) -> Result<RunRecord> {
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO runs (id, owner_id, session_id, task, input, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6) RETURNING {COLUMNS}"
        ));
        let row = sqlx::query(sql)
            .bind(run.id)
            .bind(run.owner_id)
            .bind(run.session_id)
            .bind(&run.task)
            .bind(&run.input)
            .bind(run.created_at)
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        record(&row)
    }

    async fn run(&self, id: Uuid) -> Result<Option<RunRecord>> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM runs WHERE id = $1"));
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn claim_run(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<RunRecord>> {
        // SKIP LOCKED: a run another claimer is taking right now is passed over instead of waited
        // for, so claimers never block each other and never both get one run. NO KEY UPDATE is
        // the lock the UPDATE takes anyway; it does not clash with foreign-key checks of events
        // being appended. The outer WHERE repeats the condition as a guard.
        let sql = sqlx::AssertSqlSafe(format!(
            "WITH next AS (
                 SELECT id AS next_id FROM runs
                 WHERE status = 'queued' OR (status = 'running' AND lease_until < $2)
                 ORDER BY created_at, id LIMIT 1
                 FOR NO KEY UPDATE SKIP LOCKED
             )
             UPDATE runs SET status = 'running', lease_owner = $1, lease_until = $3, attempts = attempts + 1,
                             updated_at = $2
             FROM next
             WHERE id = next_id AND (status = 'queued' OR (status = 'running' AND lease_until < $2))
             RETURNING {COLUMNS}"
        ));
        let row =
            sqlx::query(sql).bind(worker).bind(now).bind(lease_until).fetch_optional(&self.pool).await.map_err(db)?;
        row.as_ref().map(record).transpose()
    }

    async fn renew_lease(&self, id: Uuid, worker: &str, lease_until: DateTime<Utc>) -> Result<bool> {
        let done =
            sqlx::query("UPDATE runs SET lease_until = $1 WHERE id = $2 AND status = 'running' AND lease_owner = $3")
                .bind(lease_until)
                .bind(id)
                .bind(worker)
                .execute(&self.pool)
                .await
                .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn transition_run(
        &self,
        id: Uuid,
        from: RunStatus,
        event: RunEvent,
        worker: Option<&str>,
        change: &RunChange,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let to = domain::transition(from, event).map_err(|e| Error::conflict(e.to_string()))?;
        if event == RunEvent::Claim {
            return Err(Error::internal(std::io::Error::other("claims go through claim_run")));
        }
        let leaves_running = from == RunStatus::Running;
        let question = if event == RunEvent::Pause { change.question.as_ref() } else { None };
        let expires_at = if event == RunEvent::Pause { change.expires_at } else { None };
        let result = if event == RunEvent::Succeed { change.result.as_ref() } else { None };
        let error_code = if event == RunEvent::Fail { change.error_code.as_deref() } else { None };
        let done = sqlx::query(
            "UPDATE runs SET
                status = $3,
                checkpoint = COALESCE($4, checkpoint),
                question = $5,
                expires_at = $6,
                result = COALESCE($7, result),
                error_code = COALESCE($8, error_code),
                lease_owner = CASE WHEN $9 THEN NULL ELSE lease_owner END,
                lease_until = CASE WHEN $9 THEN NULL ELSE lease_until END,
                updated_at = $10
             WHERE id = $1 AND status = $2 AND ($11::text IS NULL OR lease_owner = $11)",
        )
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(change.checkpoint.as_ref())
        .bind(question)
        .bind(expires_at)
        .bind(result)
        .bind(error_code)
        .bind(leaves_running)
        .bind(now)
        .bind(if leaves_running { worker } else { None })
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(done.rows_affected() == 1)
    }

    async fn report_run_progress(&self, id: Uuid, progress: &serde_json::Value, now: DateTime<Utc>) -> Result<u64> {
        sqlx::query("UPDATE runs SET progress = $1, updated_at = $2 WHERE id = $3")
            .bind(progress)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        self.append_run_event(id, "progress", progress, now).await
    }

    async fn expire_waiting_runs(&self, now: DateTime<Utc>) -> Result<Vec<Uuid>> {
        let ids = sqlx::query_scalar(
            "UPDATE runs SET status = 'expired', question = NULL, updated_at = $1
             WHERE status = 'waiting' AND expires_at IS NOT NULL AND expires_at <= $1
             RETURNING id",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(ids)
    }

    async fn append_run_event(
        &self,
        run_id: Uuid,
        kind: &str,
        data: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        // The counter on the run row hands out the number: concurrent appenders queue on that row
        // lock, where MAX(seq) + 1 would give two of them the same number.
        let seq: i64 = sqlx::query_scalar(
            "WITH next AS (UPDATE runs SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq)
             INSERT INTO run_events (run_id, seq, kind, data, created_at)
             SELECT $1, event_seq, $2, $3, $4 FROM next
             RETURNING seq",
        )
        .bind(run_id)
        .bind(kind)
        .bind(data)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        Ok(unsigned(seq))
    }

    async fn run_events(&self, run_id: Uuid, after: u64, limit: u32) -> Result<Vec<RunEventRecord>> {
        let rows = sqlx::query(
            "SELECT run_id, seq, kind, data, created_at FROM run_events
             WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(run_id)
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                Ok(RunEventRecord {
                    run_id: row.try_get("run_id").map_err(db)?,
                    seq: unsigned(row.try_get("seq").map_err(db)?),
                    kind: row.try_get("kind").map_err(db)?,
                    data: row.try_get("data").map_err(db)?,
                    created_at: row.try_get("created_at").map_err(db)?,
                })
            })
            .collect()
    }

    async fn record_effect(
        &self,
        key: &str,
        run_id: Uuid,
        result: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<EffectRecord> {
        // A concurrent insert of the same key waits for the first to commit and then does
        // nothing; the read after it sees the first result either way.
        let inserted = sqlx::query(
            "INSERT INTO run_effects (idempotency_key, run_id, result, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(key)
        .bind(run_id)
        .bind(result)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(db)?
        .rows_affected()
            == 1;
        let stored = self.effect(key).await?.ok_or_else(|| corrupt("run effect"))?;
        Ok(EffectRecord { fresh: inserted, result: stored })
    }

    async fn effect(&self, key: &str) -> Result<Option<serde_json::Value>> {
        sqlx::query_scalar("SELECT result FROM run_effects WHERE idempotency_key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)
    }
}
