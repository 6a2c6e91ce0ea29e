use std::future::Future;
use std::sync::Arc;

use chrono::Utc;
use domain::Result;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use store::{RunRecord, Store};

/// What a task sees while it executes: its run, the answer a person gave (after a pause), and
/// the means to report progress and apply side effects exactly once.
pub struct RunContext {
    pub run: RunRecord,
    store: Arc<dyn Store>,
    signals: Arc<dyn super::RunSignals>,
}

impl RunContext {
    pub(crate) fn new(run: RunRecord, store: Arc<dyn Store>, signals: Arc<dyn super::RunSignals>) -> Self {
        Self { run, store, signals }
    }

    pub fn input(&self) -> &Value {
        &self.run.input
    }

    /// The checkpoint the run continues from (None on its first execution).
    pub fn checkpoint(&self) -> Option<&Value> {
        self.run.checkpoint.as_ref()
    }

    /// The answer a person gave to the last question, if any.
    pub fn answer(&self) -> Option<&Value> {
        self.run.checkpoint.as_ref().and_then(|c| c.get("answer"))
    }

    /// Appends a progress event to the run's log.
    pub async fn progress(&self, done: u64, total: u64, note: &str) -> Result<()> {
        let data = json!({"done": done, "total": total, "note": note});
        self.store.report_run_progress(self.run.id, &data, Utc::now()).await?;
        self.signals.run_changed(self.run.id);
        Ok(())
    }

    /// Applies a side effect at most once per (run, `step`): when a replayed execution reaches
    /// the same step again it gets the recorded result instead of applying the effect a second
    /// time. `step` must name the effect stably (for example "oos:line-4").
    pub async fn effect<F, Fut>(&self, step: &str, apply: F) -> Result<Value>
    where
        F: FnOnce() -> Fut + Send,
        Fut: Future<Output = Result<Value>> + Send,
    {
        let key = effect_key(self.run.id, step);
        if let Some(done) = self.store.effect(&key).await? {
            return Ok(done);
        }
        let result = apply().await?;
        let recorded = self.store.record_effect(&key, self.run.id, &result, Utc::now()).await?;
        self.store
            .append_run_event(self.run.id, "effect", &json!({"step": step, "fresh": recorded.fresh}), Utc::now())
            .await?;
        Ok(recorded.result)
    }
}

/// Stable across replays of the same run and step, distinct across runs and steps.
pub fn effect_key(run_id: uuid::Uuid, step: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(run_id.as_bytes());
    hasher.update([0]);
    hasher.update(step.as_bytes());
    hex::encode(hasher.finalize())
}
