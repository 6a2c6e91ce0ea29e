//! Run-engine overhead per step, with a no-op task on the embedded SQLite store.
//!
//!     cargo bench -p agent --bench engine
//!
//! Each run is one step: claim under a lease, one idempotent no-op effect, success. The reference,
//! measured in the same run, is the bare store work such a step cannot avoid (an insert, a claim,
//! an effect record, a status update and two event appends) issued directly, without the engine.

// A benchmark's output is its report; the workspace lint keeps printing out of library code.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use agent::runs::{EngineConfig, RunContext, RunEngine, RunService, StepOutcome, Task, TaskRegistry};
use async_trait::async_trait;
use chrono::Utc;
use domain::{RunEvent, RunStatus};
use serde_json::{Value, json};
use store::{NewRun, RunChange, Store};
use uuid::Uuid;

struct NoOp;

#[async_trait]
impl Task for NoOp {
    fn name(&self) -> &'static str {
        "noop"
    }
    fn validate(&self, _input: &Value) -> domain::Result<()> {
        Ok(())
    }
    async fn execute(&self, ctx: &mut RunContext) -> domain::Result<StepOutcome> {
        let done = ctx.effect("noop", || async { Ok(json!({})) }).await?;
        Ok(StepOutcome::Done(done))
    }
}

async fn open() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store::open(&config::DatabaseUrl::Sqlite { path: dir.path().join("bench.db") }).await.expect("store");
    store.migrate().await.expect("migrate");
    (store, dir)
}

fn new_run(task: &str) -> NewRun {
    NewRun {
        id: Uuid::now_v7(),
        owner_id: Uuid::nil(),
        session_id: None,
        task: task.into(),
        input: json!({}),
        created_at: Utc::now(),
    }
}

async fn engine(n: usize) -> Duration {
    let (store, _dir) = open().await;
    let service =
        RunService::new(store.clone(), TaskRegistry::default().with(Arc::new(NoOp)), Duration::from_secs(3600));
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(store.create_run(&new_run("noop")).await.expect("create").id);
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut config = EngineConfig::new(Duration::from_secs(3600), Duration::from_secs(30));
    config.poll = Duration::from_millis(5);
    let started = Instant::now();
    RunEngine::spawn(service, config, stopped);
    let last = *ids.last().expect("runs");
    loop {
        if store.run(last).await.expect("read").is_some_and(|r| r.status == RunStatus::Succeeded) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let elapsed = started.elapsed();
    let _ = stop.send(true);
    for id in ids {
        assert_eq!(store.run(id).await.expect("read").expect("run").status, RunStatus::Succeeded);
    }
    elapsed
}

async fn reference(n: usize) -> Duration {
    let (store, _dir) = open().await;
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(store.create_run(&new_run("noop")).await.expect("create").id);
    }
    let started = Instant::now();
    for id in ids {
        let now = Utc::now();
        store.claim_run("w", now, now + chrono::Duration::seconds(30)).await.expect("claim");
        store.append_run_event(id, "running", &json!({}), now).await.expect("event");
        store.record_effect(&id.to_string(), id, &json!({}), now).await.expect("effect");
        let change = RunChange { result: Some(json!({})), ..RunChange::default() };
        store.transition_run(id, RunStatus::Running, RunEvent::Succeed, Some("w"), &change, now).await.expect("done");
        store.append_run_event(id, "done", &json!({}), now).await.expect("event");
    }
    started.elapsed()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = 2000;
    let bare = reference(n).await;
    let full = engine(n).await;
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "machine: {} cores; {n} one-step runs on SQLite",
        std::thread::available_parallelism().map_or(0, |p| p.get())
    );
    println!("reference (the store writes of a step, issued directly): {:.0} µs per step", per(bare));
    println!("engine (claim, lease, heartbeat, effect, outcome, events): {:.0} µs per step", per(full));
    println!("engine overhead: {:.0} µs per step", per(full) - per(bare));
}
