use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use agent::runs::{RunContext, StepOutcome, Task, TaskRegistry};
use async_trait::async_trait;
use domain::{Error, Role};
use serde_json::{Value, json};

use crate::support::{TestServer, assert_problem, vars};

/// Asks a person to confirm, then applies one side effect and finishes. With `crash_once`, the
/// first execution after the answer dies right after applying its effect (as a killed process
/// would), so the replay must not apply it again.
struct ConfirmEcho {
    effects: Arc<AtomicUsize>,
    crash_once: Arc<AtomicUsize>,
}

#[async_trait]
impl Task for ConfirmEcho {
    fn name(&self) -> &'static str {
        "confirm_echo"
    }

    fn validate(&self, input: &Value) -> domain::Result<()> {
        input["text"].as_str().map(|_| ()).ok_or_else(|| Error::validation("`text` is required"))
    }

    async fn execute(&self, ctx: &mut RunContext) -> domain::Result<StepOutcome> {
        ctx.progress(1, 2, "read").await?;
        let Some(answer) = ctx.answer().cloned() else {
            return Ok(StepOutcome::NeedsPerson {
                question: json!({"kind": "confirm", "text": ctx.input()["text"]}),
                checkpoint: json!({"stage": "asked"}),
            });
        };
        let effects = self.effects.clone();
        let applied = ctx
            .effect("record", || async move {
                effects.fetch_add(1, Ordering::SeqCst);
                Ok(json!({"recorded": true}))
            })
            .await?;
        if self.crash_once.fetch_sub(1, Ordering::SeqCst) == 1 {
            panic!("simulated crash after the side effect");
        }
        ctx.progress(2, 2, "done").await?;
        Ok(StepOutcome::Done(json!({"text": ctx.input()["text"], "answer": answer, "applied": applied})))
    }
}

pub(crate) fn tasks(effects: &Arc<AtomicUsize>, crash_once: usize) -> TaskRegistry {
    TaskRegistry::default()
        .with(Arc::new(ConfirmEcho { effects: effects.clone(), crash_once: Arc::new(AtomicUsize::new(crash_once)) }))
}

async fn start(server: &TestServer, token: &str, text: &str) -> Value {
    let response = server
        .http
        .post(server.url("/api/v1/runs"))
        .bearer_auth(token)
        .json(&json!({"task": "confirm_echo", "input": {"text": text}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    response.json().await.unwrap()
}

/// Polls the run until it reaches `status` (or fails the test after a while).
pub(crate) async fn until(server: &TestServer, token: &str, id: &str, status: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let run: Value = server.get(&format!("/api/v1/runs/{id}"), Some(token)).await.json().await.unwrap();
        if run["status"] == status {
            return run;
        }
        assert!(Instant::now() < deadline, "run never reached {status}: {run}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn post(server: &TestServer, token: &str, path: &str, body: Value) -> reqwest::Response {
    server.http.post(server.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_waits_for_a_person_and_the_answer_completes_it() {
    let effects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start_full(&[], None, Some(tasks(&effects, 0))).await;
    let token = server.token("ana", Role::Staff).await;
    let run = start(&server, &token, "aqua 600ml 2 dus").await;
    assert_eq!(run["status"], "queued");
    let id = run["id"].as_str().unwrap();

    let waiting = until(&server, &token, id, "waiting").await;
    assert_eq!(waiting["question"], json!({"kind": "confirm", "text": "aqua 600ml 2 dus"}));
    assert!(waiting["expires_at"].is_string());
    assert_eq!(waiting["progress"]["note"], "read");
    assert_eq!(effects.load(Ordering::SeqCst), 0, "nothing is applied before the person answers");

    let resumed = post(&server, &token, &format!("/api/v1/runs/{id}/resume"), json!({"answer": "yes"})).await;
    assert_eq!(resumed.status(), 202);
    let done = until(&server, &token, id, "succeeded").await;
    assert_eq!(done["result"]["answer"], "yes");
    assert_eq!(done["question"], Value::Null, "no pending question once finished");
    assert_eq!(effects.load(Ordering::SeqCst), 1);

    // The event log replays in order, as server-sent events with ids.
    let events = server.get(&format!("/api/v1/runs/{id}/events"), Some(&token)).await;
    assert_eq!(events.headers().get("content-type").unwrap(), "text/event-stream");
    let text = events.text().await.unwrap();
    let kinds: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("event: ")).collect();
    assert_eq!(
        kinds,
        ["queued", "running", "progress", "question", "answer", "running", "progress", "effect", "progress", "done"]
    );
    // Reconnecting with Last-Event-ID replays only what came after.
    let later = server
        .http
        .get(server.url(&format!("/api/v1/runs/{id}/events")))
        .bearer_auth(&token)
        .header("last-event-id", "8")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let ids: Vec<&str> = later.lines().filter_map(|l| l.strip_prefix("id: ")).collect();
    assert_eq!(ids, ["9", "10"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_waiting_run_can_be_answered_and_a_finished_one_not_cancelled() {
    let effects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start_full(&[], None, Some(tasks(&effects, 0))).await;
    let token = server.token("ana", Role::Staff).await;
    let id = start(&server, &token, "x").await["id"].as_str().unwrap().to_owned();
    until(&server, &token, &id, "waiting").await;
    let cancelled = post(&server, &token, &format!("/api/v1/runs/{id}/cancel"), json!({})).await;
    assert_eq!(cancelled.status(), 200);
    assert_eq!(cancelled.json::<Value>().await.unwrap()["status"], "cancelled");
    let again = post(&server, &token, &format!("/api/v1/runs/{id}/cancel"), json!({})).await;
    assert_problem(again, 409, "conflict").await;
    let answer = post(&server, &token, &format!("/api/v1/runs/{id}/resume"), json!({"answer": "yes"})).await;
    assert_problem(answer, 409, "conflict").await;
    assert_eq!(effects.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unanswered_run_expires_after_its_ttl_and_cannot_be_resumed() {
    let effects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start_full(&[("WORK_INTERRUPT_TTL", "1s")], None, Some(tasks(&effects, 0))).await;
    let token = server.token("ana", Role::Staff).await;
    let id = start(&server, &token, "x").await["id"].as_str().unwrap().to_owned();
    until(&server, &token, &id, "waiting").await;
    until(&server, &token, &id, "expired").await;
    let answer = post(&server, &token, &format!("/api/v1/runs/{id}/resume"), json!({"answer": "late"})).await;
    assert_problem(answer, 409, "conflict").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_paused_on_one_server_is_resumed_through_another_sharing_the_database() {
    let effects = Arc::new(AtomicUsize::new(0));
    let a = TestServer::start_full(&[], None, Some(tasks(&effects, 0))).await;
    let data_dir = a.dir.path().join("data").display().to_string();
    let dir_b = tempfile::tempdir().unwrap();
    let settings_b = config::Settings::load(config::EnvSource::from_vars(
        vars(dir_b.path(), &[("DATA_DIR", data_dir.as_str())]),
        dir_b.path(),
    ))
    .unwrap();
    let store_b = store::open(&settings_b.database_url).await.unwrap();
    let b = TestServer::serve_tasks(dir_b, settings_b, store_b, None, Some(tasks(&effects, 0))).await;

    let token = a.token("ana", Role::Staff).await;
    let id = start(&a, &token, "x").await["id"].as_str().unwrap().to_owned();
    until(&a, &token, &id, "waiting").await;
    let resumed = post(&b, &token, &format!("/api/v1/runs/{id}/resume"), json!({"answer": "from b"})).await;
    assert_eq!(resumed.status(), 202, "the other instance accepts the answer");
    let done = until(&b, &token, &id, "succeeded").await;
    assert_eq!(done["result"]["answer"], "from b");
    assert_eq!(effects.load(Ordering::SeqCst), 1, "exactly one instance applied the effect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_a_side_effect_is_recovered_without_applying_it_twice() {
    let effects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start_full(&[("WORK_LEASE", "1s")], None, Some(tasks(&effects, 1))).await;
    let token = server.token("ana", Role::Staff).await;
    let id = start(&server, &token, "x").await["id"].as_str().unwrap().to_owned();
    until(&server, &token, &id, "waiting").await;
    post(&server, &token, &format!("/api/v1/runs/{id}/resume"), json!({"answer": "yes"})).await;
    // The first execution dies after its effect; the lease lapses and a worker replays the run.
    let done = until(&server, &token, &id, "succeeded").await;
    assert_eq!(done["result"]["applied"], json!({"recorded": true}));
    assert_eq!(effects.load(Ordering::SeqCst), 1, "the replay found the effect already applied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_are_owner_scoped_and_inputs_checked() {
    let effects = Arc::new(AtomicUsize::new(0));
    let server = TestServer::start_full(&[], None, Some(tasks(&effects, 0))).await;
    let ana = server.token("ana", Role::Staff).await;
    let budi = server.token("budi", Role::Staff).await;
    let manager = server.token("mira", Role::Manager).await;
    let id = start(&server, &ana, "x").await["id"].as_str().unwrap().to_owned();
    until(&server, &ana, &id, "waiting").await;
    for path in [format!("/api/v1/runs/{id}"), format!("/api/v1/runs/{id}/events")] {
        assert_problem(server.get(&path, Some(&budi)).await, 404, "not_found").await;
    }
    for action in ["resume", "cancel"] {
        let r = post(&server, &budi, &format!("/api/v1/runs/{id}/{action}"), json!({"answer": 1})).await;
        assert_problem(r, 404, "not_found").await;
    }
    assert_eq!(server.get(&format!("/api/v1/runs/{id}"), Some(&manager)).await.status(), 200);

    let unknown = post(&server, &ana, "/api/v1/runs", json!({"task": "rm_rf", "input": {}})).await;
    assert_problem(unknown, 422, "validation_failed").await;
    let invalid = post(&server, &ana, "/api/v1/runs", json!({"task": "confirm_echo", "input": {}})).await;
    assert_problem(invalid, 422, "validation_failed").await;
    let foreign_upload = post(
        &server,
        &ana,
        "/api/v1/runs",
        json!({"task": "confirm_echo", "input": {"text": "x"}, "upload_ids": ["018f0000-0000-7000-8000-000000000000"]}),
    )
    .await;
    assert_problem(foreign_upload, 404, "not_found").await;
}

/// Holds its worker for a moment and records how many runs were executing at once.
struct Gate {
    running: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

#[async_trait]
impl Task for Gate {
    fn name(&self) -> &'static str {
        "gate"
    }

    fn validate(&self, _input: &Value) -> domain::Result<()> {
        Ok(())
    }

    async fn execute(&self, _ctx: &mut RunContext) -> domain::Result<StepOutcome> {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        Ok(StepOutcome::Done(json!({})))
    }
}

/// How many of six runs executed at once on a server with `workers` run workers.
async fn most_at_once(workers: &str) -> usize {
    let most = Arc::new(AtomicUsize::new(0));
    let gate = Gate { running: Arc::new(AtomicUsize::new(0)), most: most.clone() };
    let tasks = TaskRegistry::default().with(Arc::new(gate));
    let server = TestServer::start_full(&[("WORK_WORKERS", workers)], None, Some(tasks)).await;
    let token = server.token("sari", Role::Staff).await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        let response = server.post_json("/api/v1/runs", &token, &json!({"task": "gate"})).await;
        assert_eq!(response.status(), 202);
        ids.push(response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    for id in &ids {
        until(&server, &token, id, "succeeded").await;
    }
    most.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_workers_bound_how_many_runs_execute_at_once() {
    assert_eq!(most_at_once("1").await, 1, "one worker runs one at a time");
    assert!(most_at_once("3").await >= 2, "three workers run several at once");
}
