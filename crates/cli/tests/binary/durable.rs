//! Durable Work runs against the real binary: a run survives SIGKILL mid-way and its side effects
//! happen once; a run paused by one server process is resumed through another on the same database.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::audit::Actor;
use domain::sales::{Customer, Item, StockLevel};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support::{Served, http, run, stdout};

pub(crate) const CUSTOMER: &str = "TOKO-MAJU";

/// A migrated database with a generated catalog, nothing in stock, one customer, and a staff API key.
async fn prepare(dir: &Path, items: usize) -> (Vec<Item>, String) {
    let url = ::config::DatabaseUrl::Sqlite { path: dir.join("data/agent-team.db") };
    prepare_on(dir, &[], &url, items).await
}

/// A generated catalog of `items` with nothing in stock, and the customer [`CUSTOMER`].
pub(crate) async fn seed_out_of_stock(store: &dyn store::Store, items: usize) -> Vec<Item> {
    let catalog: Vec<Item> = matching::synth::catalog(matching::synth::CATALOG_SEED, items)
        .into_iter()
        .map(|i| Item {
            sku: i.entry.sku,
            name: i.entry.name,
            brand: i.entry.brand,
            category: i.entry.category,
            unit: Some(i.entry.unit),
            barcode: i.entry.barcode,
            aliases: i.entry.aliases,
        })
        .collect();
    let (actor, now) = (Actor::system("test"), Utc::now());
    store.import_items(&catalog, &actor, now).await.unwrap();
    let empty: Vec<StockLevel> = catalog
        .iter()
        .map(|i| StockLevel { sku: i.sku.clone(), warehouse: "main".into(), quantity: Decimal::ZERO })
        .collect();
    store.import_stock(&empty, &actor, now).await.unwrap();
    let customer = Customer { code: CUSTOMER.into(), name: "Toko Maju".into(), price_list: None, salesperson: None };
    store.import_customers(&[customer], &actor, now).await.unwrap();
    catalog
}

/// As [`prepare`], on the database `url` names (`vars` carry it to the binary).
pub(crate) async fn prepare_on(
    dir: &Path,
    vars: &[(&str, &str)],
    url: &::config::DatabaseUrl,
    items: usize,
) -> (Vec<Item>, String) {
    assert!(run(dir, vars, &["migrate"], None).status.success());
    let store = store::open(url).await.unwrap();
    let catalog = seed_out_of_stock(store.as_ref(), items).await;
    let made = run(dir, vars, &["admin", "create-key", "--name", "sari", "--role", "staff"], None);
    assert!(made.status.success());
    let key = stdout(&made).lines().last().unwrap().trim().to_owned();
    (catalog, key)
}

async fn oos_count(dir: &Path) -> usize {
    let url = ::config::DatabaseUrl::Sqlite { path: dir.join("data/agent-team.db") };
    let store = store::open(&url).await.unwrap();
    store.list_oos(&store::OosQuery { limit: 1000, ..Default::default() }).await.unwrap().len()
}

async fn get_run(base: &str, key: &str, id: &str) -> Value {
    http().get(format!("{base}/api/v1/runs/{id}")).bearer_auth(key).send().await.unwrap().json().await.unwrap()
}

/// Answers any question with the right SKUs until the run ends; returns the finished run.
pub(crate) async fn finish(base: &str, key: &str, id: &str, right: &dyn Fn(u64) -> String) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let run = get_run(base, key, id).await;
        match run["status"].as_str().unwrap_or_default() {
            "succeeded" | "failed" | "cancelled" | "expired" => return run,
            "waiting" => {
                let answers: Vec<Value> = run["question"]["lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| json!({"line": l["line"], "sku": right(l["line"].as_u64().unwrap())}))
                    .collect();
                let resumed = http()
                    .post(format!("{base}/api/v1/runs/{id}/resume"))
                    .bearer_auth(key)
                    .json(&json!({"answer": {"lines": answers}}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(resumed.status(), 202);
            }
            _ => {}
        }
        assert!(Instant::now() < deadline, "the run did not finish: {run}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn start(base: &str, key: &str, text: &str) -> String {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_with_sigkill_completes_after_a_restart_and_applies_each_side_effect_once() {
    let dir = tempfile::tempdir().unwrap();
    let (items, key) = prepare(dir.path(), 400).await;
    let ordered: Vec<&Item> = items.iter().take(300).collect();
    let text: Vec<String> = ordered.iter().map(|i| format!("{} 2", i.name)).collect();
    let vars = [("WORK_LEASE", "2s")];
    let mut first = Served::start(dir.path(), &vars);
    let id = start(&first.base, &key, &text.join("\n")).await;

    // Every line is short of stock, so finishing the order registers 300 out-of-stock lines, one
    // effect each. Kill the process while it is doing that.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let run = get_run(&first.base, &key, &id).await;
        if run["status"] == "waiting" {
            let right = |line: u64| ordered[line as usize - 1].sku.clone();
            let answers: Vec<Value> = run["question"]["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| json!({"line": l["line"], "sku": right(l["line"].as_u64().unwrap())}))
                .collect();
            http()
                .post(format!("{}/api/v1/runs/{id}/resume", first.base))
                .bearer_auth(&key)
                .json(&json!({"answer": {"lines": answers}}))
                .send()
                .await
                .unwrap();
        }
        let pricing = run["progress"]["note"] == "pricing" && run["status"] == "running";
        let registered = oos_count(dir.path()).await;
        if pricing && registered > 0 {
            break;
        }
        assert_ne!(run["status"], "succeeded", "the run finished before it could be killed; make it longer");
        assert!(Instant::now() < deadline, "the run never reached its side effects: {run}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.signal("KILL");
    first.wait_exit(Duration::from_secs(10));
    let applied_before_kill = oos_count(dir.path()).await;
    assert!(applied_before_kill < ordered.len(), "killed part-way ({applied_before_kill} applied)");

    let second = Served::start(dir.path(), &vars);
    let right = |line: u64| ordered[line as usize - 1].sku.clone();
    let done = finish(&second.base, &key, &id, &right).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(done["result"]["out_of_stock"].as_array().unwrap().len(), ordered.len());

    let url = ::config::DatabaseUrl::Sqlite { path: dir.path().join("data/agent-team.db") };
    let store = store::open(&url).await.unwrap();
    let run = store.run(uuid::Uuid::parse_str(&id).unwrap()).await.unwrap().unwrap();
    assert!(run.attempts >= 2, "the run was picked up again after the kill");
    let all = store.list_oos(&store::OosQuery { limit: 1000, ..Default::default() }).await.unwrap();
    assert_eq!(all.len(), ordered.len(), "one registration per short line");
    assert!(all.iter().all(|o| o.quantity == Decimal::from(2)), "no registration was applied twice");
    let audited = store
        .list_audit(&store::AuditQuery { action: Some("oos.".into()), limit: 1000, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(audited.len(), ordered.len(), "and each was audited once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_paused_by_one_server_process_is_resumed_through_another() {
    let dir = tempfile::tempdir().unwrap();
    let (items, key) = prepare(dir.path(), 300).await;
    let a = Served::start(dir.path(), &[]);
    let b = Served::start(dir.path(), &[]);
    let brand = items[0].brand.clone().unwrap();
    let lines = [format!("{} 1", items[5].name), format!("{brand} 2")];
    let id = start(&a.base, &key, &lines.join("\n")).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let waiting = loop {
        let run = get_run(&a.base, &key, &id).await;
        if run["status"] == "waiting" {
            break run;
        }
        assert!(Instant::now() < deadline, "{run}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(get_run(&b.base, &key, &id).await["question"], waiting["question"], "B sees A's question");
    drop(a);
    let right = |line: u64| if line == 2 { items[0].sku.clone() } else { items[5].sku.clone() };
    let done = finish(&b.base, &key, &id, &right).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let skus: Vec<&str> =
        done["result"]["order"]["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, [items[5].sku.as_str(), items[0].sku.as_str()]);
}
