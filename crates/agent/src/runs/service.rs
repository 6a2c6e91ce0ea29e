//! The use cases of Work runs, owner-scoped: start, read, answer, cancel, replay events.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use domain::{Error, ErrorCode, Principal, Result, Role, RunEvent, RunStatus};
use serde_json::{Value, json};
use store::{NewRun, RunChange, RunEventRecord, RunRecord, Store};
use tokio::sync::Notify;
use uuid::Uuid;

use super::{NoSignals, RunSignals, TaskRegistry};

/// A run as its owner sees it.
pub type RunView = RunRecord;

#[derive(Clone)]
pub struct RunService {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) tasks: TaskRegistry,
    /// How long a paused run waits for a person (`WORK_INTERRUPT_TTL`).
    pub(crate) ttl: Duration,
    /// Wakes an idle worker of this instance when there is new work, instead of its next poll.
    pub(crate) wake: Arc<Notify>,
    pub(crate) signals: Arc<dyn RunSignals>,
}

fn not_waiting() -> Error {
    Error::new(ErrorCode::Conflict, "the run is not waiting for an answer")
}

impl RunService {
    pub fn new(store: Arc<dyn Store>, tasks: TaskRegistry, ttl: Duration) -> Self {
        Self { store, tasks, ttl, wake: Arc::default(), signals: Arc::new(NoSignals) }
    }

    /// Tells `signals` about new work and grown event logs (the app shares them across instances).
    pub fn with_signals(mut self, signals: Arc<dyn RunSignals>) -> Self {
        self.signals = signals;
        self
    }

    /// Wakes an idle worker of this instance (another instance announced work).
    pub fn wake_workers(&self) {
        self.wake.notify_one();
    }

    pub fn task_names(&self) -> Vec<&'static str> {
        self.tasks.names()
    }

    pub async fn start(
        &self,
        caller: &Principal,
        task: &str,
        input: Value,
        session_id: Option<Uuid>,
    ) -> Result<RunRecord> {
        caller.require(Role::Staff)?;
        let Some(handler) = self.tasks.get(task) else {
            return Err(Error::validation(format!("unknown task; available: {}", self.tasks.names().join(", "))));
        };
        handler.validate(&input)?;
        let run = self
            .store
            .create_run(&NewRun {
                id: Uuid::now_v7(),
                owner_id: caller.id,
                session_id,
                task: handler.name().into(),
                input,
                created_at: Utc::now(),
            })
            .await?;
        self.store.append_run_event(run.id, "queued", &json!({"task": run.task}), Utc::now()).await?;
        tracing::info!(run_id = %run.id, task = %run.task, owner = %caller.id, "run queued");
        self.wake.notify_one();
        self.signals.work_available();
        self.signals.run_changed(run.id);
        Ok(run)
    }

    /// The run if `caller` may see it: another owner's run is `not_found`, like a missing one,
    /// unless the caller is a manager or admin.
    pub async fn get(&self, caller: &Principal, id: Uuid) -> Result<RunRecord> {
        self.store
            .run(id)
            .await?
            .filter(|r| caller.can_read_owned_by(r.owner_id, Role::Manager))
            .ok_or_else(|| Error::not_found("run"))
    }

    /// Answers a waiting run; it is queued again and continues on whichever instance claims it.
    pub async fn resume(&self, caller: &Principal, id: Uuid, answer: Value) -> Result<RunRecord> {
        let run = self.get(caller, id).await?;
        if run.owner_id != caller.id {
            caller.require(Role::Manager)?;
        }
        if run.status != RunStatus::Waiting {
            return Err(not_waiting());
        }
        let mut checkpoint = run.checkpoint.clone().unwrap_or_else(|| json!({}));
        if let Some(object) = checkpoint.as_object_mut() {
            object.insert("answer".into(), answer.clone());
        } else {
            checkpoint = json!({"previous": checkpoint, "answer": answer});
        }
        let change = RunChange { checkpoint: Some(checkpoint), ..RunChange::default() };
        if !self.store.transition_run(id, RunStatus::Waiting, RunEvent::Resume, None, &change, Utc::now()).await? {
            return Err(not_waiting());
        }
        self.store.append_run_event(id, "answer", &json!({"by": caller.id, "answer": answer}), Utc::now()).await?;
        tracing::info!(run_id = %id, by = %caller.id, "run resumed");
        self.wake.notify_one();
        self.signals.work_available();
        self.signals.run_changed(id);
        self.get(caller, id).await
    }

    pub async fn cancel(&self, caller: &Principal, id: Uuid) -> Result<RunRecord> {
        // A status can change under us (a worker finishes); try the fresh one a few times.
        for _ in 0..3 {
            let run = self.get(caller, id).await?;
            if run.owner_id != caller.id {
                caller.require(Role::Manager)?;
            }
            if run.status.is_terminal() {
                return Err(Error::new(ErrorCode::Conflict, "the run has already finished"));
            }
            if self
                .store
                .transition_run(id, run.status, RunEvent::Cancel, None, &RunChange::default(), Utc::now())
                .await?
            {
                self.store.append_run_event(id, "cancelled", &json!({"by": caller.id}), Utc::now()).await?;
                tracing::info!(run_id = %id, by = %caller.id, "run cancelled");
                self.signals.run_changed(id);
                return self.get(caller, id).await;
            }
        }
        Err(Error::new(ErrorCode::Conflict, "the run changed while cancelling; try again"))
    }

    pub async fn events(
        &self,
        caller: &Principal,
        id: Uuid,
        after: u64,
        limit: u32,
    ) -> Result<(RunRecord, Vec<RunEventRecord>)> {
        let run = self.get(caller, id).await?;
        let events = self.store.run_events(id, after, limit.clamp(1, 1000)).await?;
        Ok((run, events))
    }
}
