//! Two live `agent-team serve` processes on different ports sharing PostgreSQL, Redis and the
//! S3-compatible server, as two instances behind one address would: a run started on A is
//! answered through B and followed live from B; a chat reply written on A reaches a socket on B;
//! a credential revoked on A is refused on B, and a socket on B holding it is closed; the rate
//! limit counts requests to both; the instance executing a run is killed and the other finishes it.

use std::time::{Duration, Instant};

use domain::sales::Item;
use futures::{SinkExt as _, StreamExt as _};
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::shared_services::{TestDatabase, redis_url, s3_bucket};
use crate::support::{Served, http, run, stdout};

use crate::durable::CUSTOMER;
const PASSWORD: &str = "a long enough password";

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Deployment {
    dir: tempfile::TempDir,
    vars: Vec<(&'static str, String)>,
    db: TestDatabase,
    items: Vec<Item>,
}

impl Deployment {
    async fn prepare(extra: &[(&'static str, &str)]) -> Option<Self> {
        let db = TestDatabase::create().await?;
        let redis = redis_url()?;
        let mut vars = s3_bucket().await?;
        vars.push(("DATABASE_URL", db.url.clone()));
        vars.push(("REDIS_URL", redis));
        vars.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let dir = tempfile::tempdir().unwrap();
        let deployment = Self { dir, vars, db, items: Vec::new() };
        assert!(deployment.cli(&["migrate"], None).status.success());
        Some(deployment.with_catalog().await)
    }

    /// A generated catalog with nothing in stock, and one customer.
    async fn with_catalog(mut self) -> Self {
        let store = store::open(&::config::DatabaseUrl::Postgres { url: SecretString::from(self.db.url.clone()) })
            .await
            .unwrap();
        let items = crate::durable::seed_out_of_stock(store.as_ref(), 400).await;
        self.items = items;
        self
    }

    fn env(&self) -> Vec<(&str, &str)> {
        self.vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }

    fn cli(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        run(self.dir.path(), &self.env(), args, stdin)
    }

    /// An instance: same shared services, same secret (from the shared DATA_DIR), its own port.
    fn serve(&self) -> Served {
        Served::start(self.dir.path(), &self.env())
    }

    fn key(&self, name: &str) -> String {
        let made = self.cli(&["admin", "create-key", "--name", name, "--role", "staff"], None);
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        stdout(&made).lines().last().unwrap().trim().to_owned()
    }

    async fn login(&self, served: &Served, username: &str) -> String {
        let made = self.cli(&["admin", "create-user", "--username", username, "--role", "staff"], Some(PASSWORD));
        assert!(made.status.success());
        let response = http()
            .post(format!("{}/api/v1/auth/login", served.base))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }
}

async fn socket(served: &Served, bearer: &str) -> Socket {
    let mut request = format!("ws://{}/api/v1/ws", served.addr).into_client_request().unwrap();
    request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {bearer}")).unwrap());
    tokio_tungstenite::connect_async(request).await.expect("the gateway opens").0
}

async fn send(socket: &mut Socket, frame: Value) {
    socket.send(Message::Text(frame.to_string().into())).await.unwrap();
}

/// The next JSON frame that satisfies `wanted`, within `limit`; None on close or timeout.
async fn frame_where(socket: &mut Socket, limit: Duration, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let next = tokio::time::timeout_at(deadline, socket.next()).await.ok()??;
        match next {
            Ok(Message::Text(text)) => {
                let frame: Value = serde_json::from_str(&text).unwrap();
                if wanted(&frame) {
                    return Some(frame);
                }
            }
            Ok(Message::Close(frame)) => return Some(json!({"closed": frame.map(|f| u16::from(f.code))})),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

async fn start(base: &str, key: &str, text: &str) -> String {
    let started = http()
        .post(format!("{base}/api/v1/runs"))
        .bearer_auth(key)
        .json(&json!({"task": "process_order", "input": {"customer": CUSTOMER, "text": text}}))
        .send()
        .await
        .unwrap();
    assert_eq!(started.status(), 202);
    started.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn get_run(base: &str, key: &str, id: &str) -> Value {
    http().get(format!("{base}/api/v1/runs/{id}")).bearer_auth(key).send().await.unwrap().json().await.unwrap()
}

fn answers(run: &Value, right: &dyn Fn(u64) -> String) -> Value {
    let lines: Vec<Value> = run["question"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({"line": l["line"], "sku": right(l["line"].as_u64().unwrap())}))
        .collect();
    json!({"answer": {"lines": lines}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_started_on_a_is_followed_from_b_answered_through_b_and_chat_replies_reach_b() {
    let Some(deployment) = Deployment::prepare(&[]).await else { return };
    let key = deployment.key("sari");
    let (a, b) = (deployment.serve(), deployment.serve());
    let items = &deployment.items;

    // The socket on B follows a run that A started.
    let brand = items[0].brand.clone().unwrap();
    let text = [format!("{} 1", items[5].name), format!("{brand} 2")].join("\n");
    let id = start(&a.base, &key, &text).await;
    let mut on_b = socket(&b, &key).await;
    send(&mut on_b, json!({"type": "subscribe", "run_id": id})).await;
    let waiting = frame_where(&mut on_b, Duration::from_secs(30), |f| f["type"] == "run.waiting")
        .await
        .expect("B's socket hears the question of the run");
    assert_eq!(waiting["run_id"], id.as_str());
    let run = get_run(&b.base, &key, &id).await;
    assert_eq!(run["question"], waiting["question"]);

    // Answered through B; the socket on B sees it finish, wherever it ran.
    let right = |line: u64| if line == 2 { items[0].sku.clone() } else { items[5].sku.clone() };
    let resumed = http()
        .post(format!("{}/api/v1/runs/{id}/resume", b.base))
        .bearer_auth(&key)
        .json(&answers(&run, &right))
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), 202);
    let done = frame_where(&mut on_b, Duration::from_secs(30), |f| f["type"] == "run.done").await.expect("run.done");
    assert_eq!(done["status"], "succeeded", "{done}");
    let skus: Vec<&str> =
        done["result"]["order"]["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, [items[5].sku.as_str(), items[0].sku.as_str()]);
    // The same run's event stream, as an SSE client on B reads it: every step, ending with done.
    let stream = http().get(format!("{}/api/v1/runs/{id}/events", b.base)).bearer_auth(&key).send().await.unwrap();
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let events = stream.text().await.unwrap();
    for kind in ["event: queued", "event: question", "event: answer", "event: done"] {
        assert!(events.contains(kind), "{kind} in {events}");
    }

    // A chat reply written on A reaches a socket on B that follows the session: only the bus
    // carries it (nothing polls for chat).
    let token = deployment.login(&a, "dewi").await;
    let session: Value = http()
        .post(format!("{}/api/v1/sessions", a.base))
        .bearer_auth(&token)
        .json(&json!({"mode": "chat"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session_id = session["id"].as_str().unwrap().to_owned();
    let mut follower = socket(&b, &token).await;
    send(&mut follower, json!({"type": "subscribe", "session_id": session_id})).await;
    // Subscribing is confirmed by nothing; a ping round trip shows the frame was handled.
    send(&mut follower, json!({"type": "ping"})).await;
    assert!(frame_where(&mut follower, Duration::from_secs(5), |f| f["type"] == "pong").await.is_some());
    let replied: Value = http()
        .post(format!("{}/api/v1/sessions/{session_id}/messages", a.base))
        .bearer_auth(&token)
        .json(&json!({"content": "stok aqua 600ml?"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let done = frame_where(&mut follower, Duration::from_secs(10), |f| f["type"] == "message.done")
        .await
        .expect("B's follower gets the reply A wrote");
    assert_eq!(done["session_id"], session_id.as_str());
    assert_eq!(done["message"]["content"], replied["message"]["content"], "{replied}");

    // Someone else's session cannot be followed.
    let mut stranger = socket(&b, &key).await;
    send(&mut stranger, json!({"type": "subscribe", "session_id": session_id})).await;
    let refused = frame_where(&mut stranger, Duration::from_secs(5), |f| f["type"] == "error").await.unwrap();
    assert_eq!(refused["code"], "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_on_one_instance_hold_on_the_other_and_the_rate_limit_counts_both() {
    let Some(deployment) = Deployment::prepare(&[("RATE_LIMIT_PER_MINUTE", "40")]).await else { return };
    let (a, b) = (deployment.serve(), deployment.serve());

    // A login token used on B (so B has it cached), then logged out on A.
    let token = deployment.login(&a, "dewi").await;
    let me = |base: &str| http().get(format!("{base}/api/v1/me")).bearer_auth(&token).send();
    assert_eq!(me(&b.base).await.unwrap().status(), 200);
    let mut held = socket(&b, &token).await;
    let logout = http().post(format!("{}/api/v1/auth/logout", a.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(logout.status(), 204);
    let revoked_at = Instant::now();
    loop {
        if me(&b.base).await.unwrap().status() == 401 {
            break;
        }
        assert!(revoked_at.elapsed() < Duration::from_secs(5), "B still honours the token 5 s after logout");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let closed = frame_where(&mut held, Duration::from_secs(5), |f| f.get("closed").is_some())
        .await
        .expect("B closes the socket opened with the revoked token");
    assert_eq!(closed["closed"], 1008);

    // An API key revoked with the administration command, while B holds a socket opened with it.
    let key = deployment.key("integration");
    assert_eq!(http().get(format!("{}/api/v1/me", b.base)).bearer_auth(&key).send().await.unwrap().status(), 200);
    let mut held = socket(&b, &key).await;
    assert!(deployment.cli(&["admin", "revoke-key", "--name", "integration"], None).status.success());
    let revoked_at = Instant::now();
    let closed = frame_where(&mut held, Duration::from_secs(5), |f| f.get("closed").is_some())
        .await
        .expect("B closes the key's socket within 5 s");
    assert_eq!(closed["closed"], 1008);
    assert!(revoked_at.elapsed() < Duration::from_secs(5));
    assert_eq!(http().get(format!("{}/api/v1/me", b.base)).bearer_auth(&key).send().await.unwrap().status(), 401);

    // One quota of 40 a minute, drawn from by requests to either instance.
    let key = deployment.key("counted");
    let mut remaining = Vec::new();
    for n in 0..40 {
        let base = if n % 2 == 0 { &a.base } else { &b.base };
        let response = http().get(format!("{base}/api/v1/me")).bearer_auth(&key).send().await.unwrap();
        assert_eq!(response.status(), 200, "request {n} is within the quota");
        remaining.push(response.headers()["ratelimit-remaining"].to_str().unwrap().parse::<u32>().unwrap());
    }
    // Counted per instance, 20 requests each would leave about 20; one shared quota leaves about
    // none (a request's worth comes back every 1.5 s, so a slow machine may see one or two).
    assert!(remaining.windows(2).all(|w| w[1] <= w[0]), "{remaining:?}");
    assert!(*remaining.last().unwrap() <= 3, "each instance counts the other's requests: {remaining:?}");
    let mut refused = [false, false];
    for _ in 0..5 {
        for (n, base) in [&a.base, &b.base].into_iter().enumerate() {
            let response = http().get(format!("{base}/api/v1/me")).bearer_auth(&key).send().await.unwrap();
            refused[n] |= response.status() == 429;
        }
    }
    assert_eq!(refused, [true, true], "past the quota, both instances refuse");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_instance_executing_a_run_is_killed_and_the_other_finishes_it() {
    let Some(deployment) = Deployment::prepare(&[("WORK_LEASE", "2s")]).await else { return };
    let key = deployment.key("sari");
    let mut instances = [Some(deployment.serve()), Some(deployment.serve())];
    let pids: Vec<u32> = instances.iter().map(|s| s.as_ref().unwrap().child.id()).collect();
    let ordered: Vec<&Item> = deployment.items.iter().take(300).collect();
    let text: Vec<String> = ordered.iter().map(|i| format!("{} 2", i.name)).collect();
    let base = instances[0].as_ref().unwrap().base.clone();
    let id = start(&base, &key, &text.join("\n")).await;
    let store = store::open(&::config::DatabaseUrl::Postgres { url: SecretString::from(deployment.db.url.clone()) })
        .await
        .unwrap();
    let run_id = uuid::Uuid::parse_str(&id).unwrap();
    let right = |line: u64| ordered[line as usize - 1].sku.clone();

    // Answer its question, then wait until an instance is registering the out-of-stock lines.
    let deadline = Instant::now() + Duration::from_secs(120);
    let executing = loop {
        let run = get_run(&base, &key, &id).await;
        if run["status"] == "waiting" {
            let resumed = http()
                .post(format!("{base}/api/v1/runs/{id}/resume"))
                .bearer_auth(&key)
                .json(&answers(&run, &right))
                .send()
                .await
                .unwrap();
            assert_eq!(resumed.status(), 202);
        }
        let record = store.run(run_id).await.unwrap().unwrap();
        let registered = store.list_oos(&store::OosQuery { limit: 1000, ..Default::default() }).await.unwrap().len();
        if record.status == domain::RunStatus::Running && registered > 0 {
            // Leases are named "<pid>-<random>/<worker>": whose process is it?
            let owner = record.lease_owner.clone().unwrap_or_default();
            let pid: u32 = owner.split('-').next().unwrap().parse().unwrap();
            break pids.iter().position(|p| *p == pid).expect("the lease names one of the two instances");
        }
        assert_ne!(run["status"], "succeeded", "the run finished before it could be killed; make it longer");
        assert!(Instant::now() < deadline, "the run never reached its side effects: {run}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let mut victim = instances[executing].take().unwrap();
    victim.signal("KILL");
    victim.wait_exit(Duration::from_secs(10));
    let survivor = instances[1 - executing].take().unwrap();

    let deadline = Instant::now() + Duration::from_secs(120);
    let done = loop {
        let run = get_run(&survivor.base, &key, &id).await;
        if run["status"] == "succeeded" || run["status"] == "failed" {
            break run;
        }
        assert!(Instant::now() < deadline, "the survivor did not finish the run: {run}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(done["status"], "succeeded", "{done}");
    let record = store.run(run_id).await.unwrap().unwrap();
    assert!(record.attempts >= 2, "the survivor claimed the run again");
    let all = store.list_oos(&store::OosQuery { limit: 1000, ..Default::default() }).await.unwrap();
    assert_eq!(all.len(), ordered.len(), "one registration per short line");
    assert!(all.iter().all(|o| o.quantity == Decimal::from(2)), "none applied twice across the two instances");
}
