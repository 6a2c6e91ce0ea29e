//! PostgreSQL going away under load, against the real binary on a private cluster: while the
//! database is down every answer is a clean 503 `unavailable` problem within a bound, `/readyz`
//! says not ready and the log keeps the full cause; once it is back, the same process recovers by
//! itself, keeps what was written before, and its workers claim Work runs again.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use domain::sales::Item;
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::durable::{CUSTOMER, finish, prepare_on, start};
use crate::pg_cluster::PgCluster;
use crate::support::{Served, http};

/// The longest any answer may take while the database is down. A handler stops at its first
/// failed database call, and a call waits at most the pool's acquire timeout (5 s) for a
/// connection (connecting to a dead server included); the rest is slack for a debug build under
/// load. Anything slower counts as a hang.
fn answer_bound() -> Duration {
    store::PgPoolLimits::default().acquire_timeout + Duration::from_secs(3)
}

/// `/readyz` bounds each of its checks to 2 s.
const READY_BOUND: Duration = Duration::from_secs(4);

/// How soon after PostgreSQL accepts connections again the process must serve normally: the pool
/// opens connections on demand (its connect retries back off to at most a fifth of the acquire
/// timeout), and the dead ones are dropped by the ping before each hand-out.
const RECOVERY: Duration = Duration::from_secs(10);

/// How long the database stays stopped: longer than the acquire timeout, so requests that began
/// during the outage are answered (503) while it lasts.
const DOWN_FOR: Duration = Duration::from_secs(7);

/// The day the load registers out-of-stock lines on, apart from the Work run's (today).
const LOAD_DAY: &str = "2024-06-01";
const CLIENTS: usize = 6;

/// One answer a load client got (or did not get).
struct Seen {
    route: &'static str,
    status: u16,
    content_type: String,
    body: String,
    elapsed: Duration,
    error: Option<String>,
    sku: String,
}

impl Seen {
    fn ok(&self) -> bool {
        matches!(self.status, 200 | 201)
    }

    /// Why this answer is not acceptable while the database comes and goes, if it is not.
    fn fault(&self, port: u16) -> Option<String> {
        let what = format!("{} answered {} after {:?}: {}", self.route, self.status, self.elapsed, self.body);
        if let Some(err) = &self.error {
            return Some(format!("{} got no answer after {:?}: {err}", self.route, self.elapsed));
        }
        if self.elapsed > answer_bound() {
            return Some(format!("too slow: {what}"));
        }
        if self.ok() {
            return None;
        }
        if self.status != 503 || self.content_type != "application/problem+json" {
            return Some(format!("not a clean 503 problem ({}): {what}", self.content_type));
        }
        let problem: Value = serde_json::from_str(&self.body).unwrap_or_default();
        if problem["code"] != "unavailable" || problem["status"] != 503 {
            return Some(format!("not the unavailable code: {what}"));
        }
        leaks(&self.body, port).map(|word| format!("internal detail ({word}) in the body: {what}"))
    }
}

/// A word of driver, SQL or network detail in a client-facing body, if any.
fn leaks(body: &str, port: u16) -> Option<String> {
    let lower = body.to_lowercase();
    let words = [
        "sql",
        "postgres",
        "pool",
        "127.0.0.1",
        "refused",
        "terminating",
        "administrator",
        "connection",
        "socket",
        "timed out",
        "select ",
        "insert ",
    ];
    words.iter().find(|w| lower.contains(*w)).map(|w| (*w).to_owned()).or_else(|| {
        let port = port.to_string();
        lower.contains(&format!(":{port}")).then_some(port)
    })
}

async fn search(base: &str, key: &str, q: &str) -> reqwest::Result<reqwest::Response> {
    let url = reqwest::Url::parse_with_params(&format!("{base}/api/v1/items"), [("q", q), ("limit", "5")]).unwrap();
    http().get(url).bearer_auth(key).send().await
}

async fn register(base: &str, key: &str, sku: &str) -> reqwest::Result<reqwest::Response> {
    let body = json!({"customer": CUSTOMER, "sku": sku, "quantity": "1", "day": LOAD_DAY});
    http().post(format!("{base}/api/v1/oos")).bearer_auth(key).json(&body).send().await
}

async fn seen(route: &'static str, sku: &str, started: Instant, answer: reqwest::Result<reqwest::Response>) -> Seen {
    let mut seen = Seen {
        route,
        status: 0,
        content_type: String::new(),
        body: String::new(),
        elapsed: Duration::ZERO,
        error: None,
        sku: sku.to_owned(),
    };
    match answer {
        Ok(response) => {
            seen.status = response.status().as_u16();
            seen.content_type =
                response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            match response.text().await {
                Ok(body) => seen.body = body,
                Err(err) => seen.error = Some(err.to_string()),
            }
        }
        Err(err) => seen.error = Some(err.to_string()),
    }
    seen.elapsed = started.elapsed();
    seen
}

/// One load client: even ones search the catalog, odd ones register out-of-stock lines (one SKU
/// each, so the stored quantity can be checked against what was acknowledged).
async fn client(n: usize, base: String, key: String, items: Arc<Vec<Item>>, stop: Arc<AtomicBool>) -> Vec<Seen> {
    let mut log = Vec::new();
    let mut i = n;
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        if n.is_multiple_of(2) {
            let q = &items[i % items.len()].name;
            log.push(seen("GET /api/v1/items", "", started, search(&base, &key, q).await).await);
        } else {
            let sku = &items[n].sku;
            log.push(seen("POST /api/v1/oos", sku, started, register(&base, &key, sku).await).await);
        }
        i += CLIENTS;
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    log
}

/// The load day's registrations: id → (sku, quantity).
async fn load_day_oos(base: &str, key: &str) -> HashMap<String, (String, Decimal)> {
    let query = [("customer", CUSTOMER), ("from", LOAD_DAY), ("to", LOAD_DAY), ("limit", "1000")];
    let url = reqwest::Url::parse_with_params(&format!("{base}/api/v1/oos"), query).unwrap();
    let response = http().get(url).bearer_auth(key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let list: Value = response.json().await.unwrap();
    list["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let quantity = o["quantity"].as_str().unwrap().parse().unwrap();
            (o["id"].as_str().unwrap().to_owned(), (o["sku"].as_str().unwrap().to_owned(), quantity))
        })
        .collect()
}

async fn readyz(base: &str) -> Seen {
    let started = Instant::now();
    seen("GET /readyz", "", started, http().get(format!("{base}/readyz")).send().await).await
}

/// Waits until readiness, a search and a write all succeed again; returns how long that took.
async fn recovered(base: &str, key: &str, items: &[Item], since: Instant) -> Duration {
    loop {
        let ready = readyz(base).await;
        let searched = search(base, key, &items[0].name).await.map(|r| r.status().as_u16());
        let written = register(base, key, &items[CLIENTS + 1].sku).await.map(|r| r.status().as_u16());
        if ready.status == 200 && matches!(searched, Ok(200)) && matches!(written, Ok(200 | 201)) {
            return since.elapsed();
        }
        assert!(
            since.elapsed() < RECOVERY,
            "not recovered {RECOVERY:?} after PostgreSQL came back: readyz {} {}, search {searched:?}, write {written:?}",
            ready.status,
            ready.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarting_under_load_answers_503_and_the_same_process_recovers() {
    let Some(pg) = PgCluster::start_or_skip() else { return };
    let dir = tempfile::tempdir().unwrap();
    let url = pg.url();
    let vars = [("DATABASE_URL", url.as_str()), ("RATE_LIMIT_PER_MINUTE", "100000")];
    let database = ::config::DatabaseUrl::Postgres { url: SecretString::from(url.clone()) };
    let (items, key) = prepare_on(dir.path(), &vars, &database, 200).await;
    let served = Served::start(dir.path(), &vars);
    let base = served.base.clone();

    let items = Arc::new(items);
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> =
        (0..CLIENTS).map(|n| tokio::spawn(client(n, base.clone(), key.clone(), items.clone(), stop.clone()))).collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = load_day_oos(&base, &key).await;
    assert!(!before.is_empty(), "the load wrote something before the outage");

    // A fast restart: sessions are ended (57P01), the server is away for a moment.
    tokio::task::block_in_place(|| pg.restart());
    let took = recovered(&base, &key, &items, Instant::now()).await;
    eprintln!("recovered {took:?} after `pg_ctl restart -m fast`");

    // Stopped for longer than the acquire timeout, then started again.
    tokio::task::block_in_place(|| pg.stop());
    let down = Instant::now();
    let mut probes = 0;
    while down.elapsed() < DOWN_FOR {
        let ready = readyz(&base).await;
        assert_eq!(ready.status, 503, "/readyz says not ready while the database is down: {}", ready.body);
        assert!(ready.fault(pg.port()).is_none(), "{:?}", ready.fault(pg.port()));
        assert!(ready.elapsed <= READY_BOUND, "/readyz answered within its bound: {:?}", ready.elapsed);
        probes += 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(probes >= 2);
    tokio::task::block_in_place(|| pg.start());
    let took = recovered(&base, &key, &items, Instant::now()).await;
    eprintln!("recovered {took:?} after a stop of {DOWN_FOR:?} and a start");

    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut seen = Vec::new();
    for joined in clients {
        seen.extend(joined.await.unwrap());
    }
    let faults: Vec<String> = seen.iter().filter_map(|s| s.fault(pg.port())).collect();
    assert!(
        faults.is_empty(),
        "{} of {} answers were not acceptable:\n{}",
        faults.len(),
        seen.len(),
        faults.join("\n")
    );
    for route in ["GET /api/v1/items", "POST /api/v1/oos"] {
        let (ok, unavailable) = seen
            .iter()
            .filter(|s| s.route == route)
            .fold((0, 0), |(ok, un), s| (ok + usize::from(s.ok()), un + usize::from(s.status == 503)));
        eprintln!("{route}: {ok} succeeded, {unavailable} unavailable");
        assert!(ok > 0 && unavailable > 0, "{route} both served and saw the outage ({ok} ok, {unavailable} 503)");
    }
    let slowest = seen.iter().map(|s| s.elapsed).max().unwrap_or_default();
    eprintln!("slowest answer: {slowest:?} (bound {:?})", answer_bound());

    // What was written stays written: every registration from before the outage is still there,
    // and each load SKU holds at least every acknowledged unit and no more than were sent.
    let after = load_day_oos(&base, &key).await;
    for (id, (sku, quantity)) in &before {
        let kept = after.get(id).unwrap_or_else(|| panic!("registration {id} ({sku}) from before the outage is gone"));
        assert!(kept.1 >= *quantity, "{id} kept its quantity: {} < {quantity}", kept.1);
    }
    for sku in seen.iter().filter(|s| !s.sku.is_empty()).map(|s| s.sku.as_str()) {
        let writes = seen.iter().filter(|s| s.sku == sku);
        let acknowledged = Decimal::from(writes.clone().filter(|s| s.ok()).count());
        let sent = Decimal::from(writes.count());
        let stored: Decimal = after.values().filter(|(s, _)| s == sku).map(|(_, q)| *q).sum();
        assert!(acknowledged <= stored && stored <= sent, "{sku}: acknowledged {acknowledged}, stored {stored}");
    }

    // The run engine claims again: a Work run started now finishes.
    let text = format!("{} 2\n{} 1", items[10].name, items[11].name);
    let id = start(&base, &key, &text).await;
    let right = |line: u64| items[if line == 1 { 10 } else { 11 }].sku.clone();
    let done = finish(&base, &key, &id, &right).await;
    assert_eq!(done["status"], "succeeded", "{done}");

    // Operators get the whole cause; the workers said once per outage that they are waiting.
    let output = served.output();
    let failures: Vec<&str> =
        output.lines().filter(|l| l.contains("request failed") && l.contains("unavailable")).collect();
    assert!(!failures.is_empty(), "the failed requests were logged");
    assert!(
        failures.iter().any(|l| l.contains("cause:") && (l.contains("pool timed out") || l.contains("refused"))),
        "the log carries the driver's error: {failures:?}"
    );
    let paused = output.lines().filter(|l| l.contains("run workers") && l.contains("unavailable")).count();
    assert!((1..=2).contains(&paused), "the run workers logged the outage once each time, not per attempt: {output}");
    assert!(output.lines().any(|l| l.contains("run workers") && l.contains("available again")), "{output}");
}
