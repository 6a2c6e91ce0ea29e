//! Run-engine overhead per step, with a no-op task on the embedded SQLite store; and, when
//! `AGENT_TEAM_BENCH_POSTGRES_URL` names a PostgreSQL server, runs claimed per second there by one
//! engine and by two engines competing for the same runs.
//!
//!     cargo bench -p agent --bench engine
//!     AGENT_TEAM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p agent --bench engine
//!
//! Each run is one step: claim under a lease, one idempotent no-op effect, success. The reference,
//! measured in the same run, is the bare store work such a step cannot avoid (an insert, a claim,
//! an effect record, a status update and two event appends) issued directly, without the engine.
//!
//! On PostgreSQL every case gets a database of its own (created on that server, dropped after).
//! "Two engines" are two `RunEngine::spawn` with different worker ids, each over its own store and
//! connection pool, as two instances would be, but in this one process and tokio runtime. After
//! each drain the bench checks that no run was executed twice: the task counts its executions
//! and effect applications, and every run must have succeeded on its first claim with exactly
//! one `running`, one `effect` and one `done` event.

// A benchmark's output is its report; the workspace lint keeps printing out of library code.
#![allow(clippy::print_stdout)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use agent::runs::{EngineConfig, RunContext, RunEngine, RunService, RunSignals, StepOutcome, Task, TaskRegistry};
use async_trait::async_trait;
use chrono::Utc;
use config::DatabaseUrl;
use domain::{RunEvent, RunStatus};
use serde_json::{Value, json};
use sqlx::Connection as _;
use store::{NewRun, RunChange, Store};
use uuid::Uuid;

const POSTGRES_VAR: &str = "AGENT_TEAM_BENCH_POSTGRES_URL";

/// Counts what one engine's task did, to prove afterwards that nothing ran twice.
#[derive(Default)]
struct Counts {
    executions: AtomicUsize,
    effects_applied: AtomicUsize,
}

struct NoOp(Arc<Counts>);

#[async_trait]
impl Task for NoOp {
    fn name(&self) -> &'static str {
        "noop"
    }
    fn validate(&self, _input: &Value) -> domain::Result<()> {
        Ok(())
    }
    async fn execute(&self, ctx: &mut RunContext) -> domain::Result<StepOutcome> {
        self.0.executions.fetch_add(1, Ordering::Relaxed);
        let counts = self.0.clone();
        let done = ctx
            .effect("noop", || async move {
                counts.effects_applied.fetch_add(1, Ordering::Relaxed);
                Ok(json!({}))
            })
            .await?;
        Ok(StepOutcome::Done(done))
    }
}

/// The engine announces a run's "running" event and its outcome: two signals per finished run.
#[derive(Default)]
struct Signals(AtomicUsize);

impl RunSignals for Signals {
    fn work_available(&self) {}
    fn run_changed(&self, _run_id: Uuid) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

enum Backend {
    Sqlite,
    Postgres {
        /// The server's URL (its maintenance database); cases create their own databases on it.
        server: String,
        /// `false`: the case's database commits without waiting for the disk
        /// (`synchronous_commit = off`), to tell the disk's share from the CPU's.
        wait_for_disk: bool,
    },
}

/// Where one case's runs live, removed on drop.
enum Database {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String, url: String },
}

impl Database {
    async fn create(backend: &Backend) -> Self {
        match backend {
            Backend::Sqlite => Database::Sqlite(tempfile::tempdir().expect("tempdir")),
            Backend::Postgres { server: admin_url, wait_for_disk } => {
                let name = format!("bench_engine_{}", Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(admin_url).await.expect("connect to PostgreSQL");
                let mut statements = vec![format!("CREATE DATABASE {name}")];
                if !wait_for_disk {
                    statements.push(format!("ALTER DATABASE {name} SET synchronous_commit = off"));
                }
                for sql in statements {
                    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await.expect("create the bench database");
                }
                let _ = admin.close().await;
                let (base, _) = admin_url.rsplit_once('/').expect("a postgres URL names its database");
                Database::Postgres { admin_url: admin_url.clone(), url: format!("{base}/{name}"), name }
            }
        }
    }

    /// A store over this database with a pool of its own, as one instance would have.
    async fn open(&self) -> Arc<dyn Store> {
        let url = match self {
            Database::Sqlite(dir) => DatabaseUrl::Sqlite { path: dir.path().join("bench.db") },
            Database::Postgres { url, .. } => DatabaseUrl::parse(url, std::path::Path::new(".")).expect("url"),
        };
        let store = store::open(&url).await.expect("store");
        store.migrate().await.expect("migrate");
        store
    }

    async fn drop_database(self) {
        if let Database::Postgres { admin_url, name, .. } = self
            && let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await
        {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await;
        }
    }
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

async fn queue(store: &dyn Store, n: usize) -> Vec<Uuid> {
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(store.create_run(&new_run("noop")).await.expect("create").id);
    }
    ids
}

/// Busy and total CPU time of the whole machine so far (Linux), to show whether a drain used it all.
fn machine_cpu() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat.lines().next()?.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some((total - idle, total))
}

/// What one drain measured.
struct Drain {
    elapsed: Duration,
    /// The share of the machine's CPU time that was busy meanwhile (anyone's), if known.
    busy: Option<f64>,
    /// Runs each engine executed.
    per_engine: Vec<usize>,
}

/// Queues `n` runs, then lets `engines` engines of `workers` workers each drain them.
async fn drain(backend: &Backend, engines: usize, workers: usize, n: usize) -> Drain {
    let db = Database::create(backend).await;
    let mut stores = Vec::with_capacity(engines);
    for _ in 0..engines {
        stores.push(db.open().await);
    }
    let ids = queue(stores[0].as_ref(), n).await;
    let signals = Arc::new(Signals::default());
    let counts: Vec<Arc<Counts>> = (0..engines).map(|_| Arc::default()).collect();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (cpu, started) = (machine_cpu(), Instant::now());
    for (e, (store, counts)) in stores.iter().zip(&counts).enumerate() {
        let tasks = TaskRegistry::default().with(Arc::new(NoOp(counts.clone())));
        let service = RunService::new(store.clone(), tasks, Duration::from_secs(3600)).with_signals(signals.clone());
        let mut config = EngineConfig::new(Duration::from_secs(3600), Duration::from_secs(30));
        config.worker_id = format!("engine-{e}");
        config.workers = workers;
        config.poll = Duration::from_millis(5);
        RunEngine::spawn(service, config, stopped.clone());
    }
    let deadline = started + Duration::from_secs(600);
    while signals.0.load(Ordering::Relaxed) < 2 * n {
        assert!(Instant::now() < deadline, "the runs were not drained within 10 minutes");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let elapsed = started.elapsed();
    let busy = cpu.zip(machine_cpu()).map(|((b0, t0), (b1, t1))| (b1 - b0) as f64 / (t1 - t0).max(1) as f64);
    let _ = stop.send(true);
    verify(stores[0].as_ref(), &ids, &counts).await;
    drop(stores);
    db.drop_database().await;
    Drain { elapsed, busy, per_engine: counts.iter().map(|c| c.executions.load(Ordering::Relaxed)).collect() }
}

/// Every run succeeded on its first claim, was executed once and applied its effect once.
async fn verify(store: &dyn Store, ids: &[Uuid], counts: &[Arc<Counts>]) {
    let executions: usize = counts.iter().map(|c| c.executions.load(Ordering::Relaxed)).sum();
    let applied: usize = counts.iter().map(|c| c.effects_applied.load(Ordering::Relaxed)).sum();
    assert_eq!(executions, ids.len(), "task executions");
    assert_eq!(applied, ids.len(), "effects applied");
    for &id in ids {
        let run = store.run(id).await.expect("read").expect("run");
        assert_eq!((run.status, run.attempts), (RunStatus::Succeeded, 1), "run {id}");
        let kinds: Vec<String> =
            store.run_events(id, 0, 100).await.expect("events").into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["running", "effect", "done"], "events of run {id}");
    }
}

/// The store writes of one step, issued directly and one after another.
async fn reference(backend: &Backend, n: usize) -> Duration {
    let db = Database::create(backend).await;
    let store = db.open().await;
    let ids = queue(store.as_ref(), n).await;
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
    let elapsed = started.elapsed();
    drop(store);
    db.drop_database().await;
    elapsed
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = 2000;
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    let rate = |d: Duration| n as f64 / d.as_secs_f64();
    let bare = reference(&Backend::Sqlite, n).await;
    let full = drain(&Backend::Sqlite, 1, 2, n).await.elapsed;
    println!(
        "machine: {} cores; {n} one-step runs on SQLite",
        std::thread::available_parallelism().map_or(0, |p| p.get())
    );
    println!("reference (the store writes of a step, issued directly): {:.0} µs per step", per(bare));
    println!("engine (claim, lease, heartbeat, effect, outcome, events): {:.0} µs per step", per(full));
    println!("engine overhead: {:.0} µs per step", per(full) - per(bare));

    let Some(server) = std::env::var(POSTGRES_VAR).ok().filter(|u| !u.trim().is_empty()) else {
        println!("PostgreSQL: skipped (set {POSTGRES_VAR}=postgres://USER@HOST:5432/postgres to run)");
        return;
    };
    // The disk's commit latency varies from minute to minute here: the cases take turns, three
    // rounds, and each line compares with the reference of its own round.
    println!("{n} one-step runs on PostgreSQL, a database of its own per case; no run executed twice in any case");
    let pg = Backend::Postgres { server: server.clone(), wait_for_disk: true };
    let no_wait = Backend::Postgres { server, wait_for_disk: false };
    let cases = [
        (&pg, 1, 2, "one engine (one instance), 2 workers"),
        (&pg, 2, 2, "two competing engines (two instances), 2 workers each"),
        (&pg, 1, 4, "one engine, 4 workers (as many as two instances)"),
        (&no_wait, 1, 2, "synchronous_commit off: one engine, 2 workers"),
        (&no_wait, 2, 2, "synchronous_commit off: two competing engines, 2 workers each"),
    ];
    for round in 1..=3 {
        let bare = reference(&pg, n).await;
        println!("round {round}: reference, the store writes of a step one after another: {:.0} steps/s", rate(bare));
        for (backend, engines, workers, what) in cases {
            let d = drain(backend, engines, workers, n).await;
            let split = d.per_engine.iter().map(usize::to_string).collect::<Vec<_>>().join(" + ");
            let busy = d.busy.map_or(String::new(), |b| format!(", machine {:.0} % busy", b * 100.0));
            println!("round {round}: {what}: {:.0} runs/s (runs per engine {split}{busy})", rate(d.elapsed));
        }
    }
}
