//! Workers and the sweeper. A worker claims a run under a lease, renews the lease while the task
//! executes, and records the outcome only while it still holds the lease; if the process dies,
//! the lease lapses and another instance continues the run from its last checkpoint. While the
//! database is down, the workers back off (logging the outage once, not per attempt) and claim
//! again as soon as it answers.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use domain::{RunEvent, RunStatus};
use futures::FutureExt as _;
use serde_json::json;
use store::{RunChange, RunRecord};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::Instrument as _;

use super::{RunContext, RunService, StepOutcome};
use crate::outage::Outage;

/// A run claimed more often than this (crash loops, repeated outages) fails instead of looping.
const MAX_ATTEMPTS: u32 = 5;

/// The longest a worker waits between two failed claims. Each attempt against a database that is
/// down already takes up to the pool's acquire timeout; a new run on this instance wakes the
/// workers at once.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Identifies this instance's workers in leases.
    pub worker_id: String,
    pub workers: usize,
    pub lease: Duration,
    /// How often an idle worker looks for work it was not woken for (another instance's runs).
    pub poll: Duration,
    pub sweep_every: Duration,
}

impl EngineConfig {
    pub fn new(ttl: Duration, lease: Duration) -> Self {
        Self {
            worker_id: format!("{}-{:08x}", std::process::id(), rand::random::<u32>()),
            workers: 2,
            lease,
            poll: Duration::from_millis(500),
            // Expiry is checked often enough to be punctual for short TTLs, cheaply for long ones.
            sweep_every: (ttl / 4).clamp(Duration::from_millis(200), Duration::from_secs(30)),
        }
    }
}

pub struct RunEngine;

impl RunEngine {
    /// Starts the workers and the sweeper; they stop when `stopped` turns true.
    pub fn spawn(service: RunService, config: EngineConfig, stopped: watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let mut handles = Vec::new();
        // One outage for all the workers, so they log it once between them.
        let outage = Arc::new(Outage::new("run workers", config.poll, MAX_BACKOFF));
        for n in 0..config.workers {
            let worker = format!("{}/{n}", config.worker_id);
            let (service, config, outage) = (service.clone(), config.clone(), outage.clone());
            handles.push(tokio::spawn(work(service, config, worker, outage, stopped.clone())));
        }
        handles.push(tokio::spawn(sweep(service, config.sweep_every, stopped)));
        handles
    }
}

async fn work(
    service: RunService,
    config: EngineConfig,
    worker: String,
    outage: Arc<Outage>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        if *stopped.borrow() {
            break;
        }
        let now = Utc::now();
        let lease_until =
            now + chrono::Duration::from_std(config.lease).unwrap_or_else(|_| chrono::Duration::seconds(30));
        match service.store.claim_run(&worker, now, lease_until).await {
            Ok(Some(run)) => {
                outage.succeeded();
                tokio::select! {
                    () = execute(&service, &config, &worker, run) => {}
                    // Shutting down mid-run: stop here; the lease lapses and the run continues
                    // elsewhere (or after restart) from its last checkpoint.
                    _ = stopped.changed() => break,
                }
            }
            Ok(None) => {
                outage.succeeded();
                tokio::select! {
                    () = service.wake.notified() => {}
                    () = tokio::time::sleep(config.poll) => {}
                    _ = stopped.changed() => break,
                }
            }
            Err(err) => {
                let wait = outage.failed(&err);
                tokio::select! {
                    () = service.wake.notified() => {}
                    () = tokio::time::sleep(wait) => {}
                    _ = stopped.changed() => break,
                }
            }
        }
    }
}

async fn execute(service: &RunService, config: &EngineConfig, worker: &str, run: RunRecord) {
    let id = run.id;
    let store = service.store.clone();
    let finish = |event: RunEvent, change: RunChange, kind: &'static str, data: serde_json::Value| {
        let store = store.clone();
        async move {
            match store.transition_run(id, RunStatus::Running, event, Some(worker), &change, Utc::now()).await {
                Ok(true) => {
                    let _ = store.append_run_event(id, kind, &data, Utc::now()).await;
                    service.signals.run_changed(id);
                }
                Ok(false) => {
                    tracing::info!(run_id = %id, "run changed meanwhile (cancelled or re-claimed); outcome dropped")
                }
                Err(err) => tracing::warn!(run_id = %id, error = %err, "recording a run outcome failed"),
            }
        }
    };
    if run.attempts > MAX_ATTEMPTS {
        let change = RunChange { error_code: Some("too_many_attempts".into()), ..RunChange::default() };
        finish(RunEvent::Fail, change, "failed", json!({"code": "too_many_attempts"})).await;
        return;
    }
    let Some(task) = service.tasks.get(&run.task) else {
        let change = RunChange { error_code: Some("task_unavailable".into()), ..RunChange::default() };
        finish(RunEvent::Fail, change, "failed", json!({"code": "task_unavailable"})).await;
        return;
    };
    let _ = store.append_run_event(id, "running", &json!({"attempt": run.attempts}), Utc::now()).await;
    service.signals.run_changed(id);
    let heartbeat = tokio::spawn(
        renew(store.clone(), id, worker.to_owned(), config.lease).instrument(tracing::info_span!("run", run_id = %id)),
    );
    let mut ctx = RunContext::new(run, store.clone(), service.signals.clone());
    let outcome = std::panic::AssertUnwindSafe(task.execute(&mut ctx)).catch_unwind().await;
    heartbeat.abort();
    let Ok(outcome) = outcome else {
        // Treated like a crash of this worker: the lease lapses and the run is claimed again,
        // replaying from its checkpoint (effects already applied are not applied twice); a run
        // that keeps crashing fails after MAX_ATTEMPTS.
        tracing::error!(run_id = %id, "run step panicked; it will be retried after its lease lapses");
        return;
    };
    match outcome {
        Ok(StepOutcome::Done(result)) => {
            let change = RunChange { result: Some(result.clone()), ..RunChange::default() };
            finish(RunEvent::Succeed, change, "done", json!({"result": result})).await;
        }
        Ok(StepOutcome::NeedsPerson { question, checkpoint }) => {
            let ttl = chrono::Duration::from_std(service.ttl).unwrap_or_else(|_| chrono::Duration::hours(24));
            let change = RunChange {
                question: Some(question.clone()),
                checkpoint: Some(checkpoint),
                expires_at: Some(Utc::now() + ttl),
                ..RunChange::default()
            };
            finish(RunEvent::Pause, change, "question", json!({"question": question})).await;
        }
        Ok(StepOutcome::Failed(code)) => {
            let change = RunChange { error_code: Some(code.into()), ..RunChange::default() };
            finish(RunEvent::Fail, change, "failed", json!({"code": code})).await;
        }
        Err(err) if err.code() == domain::ErrorCode::Unavailable => {
            // A dependency is down: leave the run to be claimed again once the lease lapses.
            tracing::warn!(run_id = %id, error = %err, "run step hit an unavailable dependency; it will be retried");
        }
        Err(err) => {
            tracing::error!(run_id = %id, error = %err, "run step failed");
            let code = err.code().as_str();
            let change = RunChange { error_code: Some(code.into()), ..RunChange::default() };
            finish(RunEvent::Fail, change, "failed", json!({"code": code})).await;
        }
    }
}

/// Renews the lease at a third of its length while the task executes.
async fn renew(store: Arc<dyn store::Store>, id: uuid::Uuid, worker: String, lease: Duration) {
    let mut tick = tokio::time::interval(lease / 3);
    let outage = Outage::new("lease renewal", lease / 3, lease / 3);
    tick.tick().await;
    loop {
        tick.tick().await;
        let until = Utc::now() + chrono::Duration::from_std(lease).unwrap_or_else(|_| chrono::Duration::seconds(30));
        match store.renew_lease(id, &worker, until).await {
            Ok(true) => outage.succeeded(),
            Ok(false) => {
                tracing::warn!(run_id = %id, "lease lost; another instance owns the run now");
                break;
            }
            Err(err) => {
                outage.failed(&err);
            }
        }
    }
}

/// Expires runs nobody answered in time. Stateless, so it survives restarts and runs safely on
/// every instance at once (the store's conditional update decides).
async fn sweep(service: RunService, every: Duration, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(every);
    let outage = Outage::new("run sweeper", every, every);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                match service.store.expire_waiting_runs(Utc::now()).await {
                    Ok(expired) => {
                        outage.succeeded();
                        for id in expired {
                            tracing::info!(run_id = %id, "run expired waiting for a person");
                            let _ = service.store.append_run_event(id, "expired", &json!({}), Utc::now()).await;
                            service.signals.run_changed(id);
                        }
                    }
                    Err(err) => {
                        outage.failed(&err);
                    }
                }
            }
            _ = stopped.changed() => break,
        }
    }
}
