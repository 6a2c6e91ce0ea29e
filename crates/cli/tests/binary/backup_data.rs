//! What the backup stories put into a deployment (a row in every table, through the binary where
//! a user would, through the Store API for the rest) and how they read an archive back.

use std::path::Path;

use chrono::{Duration, Utc};
use domain::audit::Actor;
use domain::sales::{MappingSource, NewMapping, NewOos};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use store::{ApprovalRecord, ApprovalStatus, ChatSessionRecord, ItemVector, NewRun, TicketGrant};

use crate::deployment::Deployment;
use crate::support::{http, stderr, stdout};

pub const PASSWORD: &str = "a long pass phrase for the boss";

/// What a populated deployment holds that the stories check after a restore.
pub struct Populated {
    pub key: String,
    /// (upload id, its bytes)
    pub uploads: Vec<(String, Vec<u8>)>,
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A multipart body with one `file` field; returns (content type, body).
pub fn multipart(filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "agent-team-backup-boundary";
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload(base: &str, key: &str, filename: &str, bytes: &[u8]) -> String {
    let (content_type, body) = multipart(filename, bytes);
    let response = http()
        .post(format!("{base}/api/v1/uploads"))
        .bearer_auth(key)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let created: Value = response.json().await.unwrap();
    created["id"].as_str().unwrap().to_owned()
}

pub async fn login(base: &str, username: &str, password: &str) -> reqwest::Response {
    http()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

fn ok(out: &std::process::Output) {
    assert!(out.status.success(), "{}{}", stdout(out), stderr(out));
}

/// Users, a key, the catalog, prices, customers and sales through the binary; logins and uploads
/// through the served binary; runs, chats, tickets, approvals, mappings, out-of-stock and item
/// vectors through the Store API.
pub async fn populate(dep: &Deployment) -> Populated {
    ok(&dep.run(&["admin", "create-user", "--username", "boss", "--role", "admin"], Some(PASSWORD)));
    ok(&dep.run(&["admin", "create-user", "--username", "Sam", "--role", "staff"], Some("another long pass phrase")));
    let made = dep.run(&["admin", "create-key", "--name", "erp", "--role", "manager"], None);
    ok(&made);
    let key = stdout(&made).lines().last().unwrap().trim().to_owned();
    let dir = dep.path();
    let files = [
        (
            "catalog",
            "sku,name,unit,aliases,stock,warehouse\nAQ-600,Aqua 600ml,dus,aqua|air,40,main\nTB-1,Teh Botol,krt,,5,main\n",
        ),
        ("prices", "price_list,sku,price\ndefault,AQ-600,3500.50\ndefault,TB-1,12000\n"),
        ("customers", "customer,price_list,name,salesperson\nTOKO-1,default,Toko Maju,budi\n"),
        (
            "sales",
            "date,customer,sku,quantity,unit_price\n2026-01-05,TOKO-1,AQ-600,2,3500.50\n2026-01-06,TOKO-1,TB-1,1.5,12000\n",
        ),
    ];
    for (kind, csv) in files {
        ok(&dep.run(&["import", kind, &write(dir, &format!("{kind}.csv"), csv)], None));
    }

    let served = dep.serve();
    assert_eq!(login(&served.base, "boss", PASSWORD).await.status(), 200);
    assert_eq!(login(&served.base, "boss", "wrong password").await.status(), 401, "a throttle row");
    let big: Vec<u8> = (0..300_000).map(|i| b"sku,qty\nAQ-600,2\n"[i % 17]).collect();
    let mut uploads = Vec::new();
    for (name, bytes) in [("order.csv", b"sku,qty\nAQ-600,2\n".to_vec()), ("big.csv", big)] {
        uploads.push((upload(&served.base, &key, name, &bytes).await, bytes));
    }
    let ticket = http().post(format!("{}/api/v1/ws/ticket", served.base)).bearer_auth(&key).send().await.unwrap();
    assert!(ticket.status().is_success(), "{}", ticket.status());
    drop(served);

    let store = dep.store().await;
    let (now, actor) = (Utc::now(), Actor::system("backup-test"));
    let owner = store.user_by_username("boss").await.unwrap().unwrap().id;
    let session = ChatSessionRecord {
        id: uuid::Uuid::now_v7(),
        owner_id: owner,
        mode: "chat".into(),
        title: Some("harga aqua".into()),
        created_at: now,
        updated_at: now,
    };
    store.create_session(&session).await.unwrap();
    store.append_message(session.id, "user", "berapa harga aqua?", None, now).await.unwrap();
    store
        .append_message(session.id, "assistant", "Rp3.500,50", Some(&json!({"b": 1, "a": [true]})), now)
        .await
        .unwrap();
    store.add_llm_tokens(owner, now.date_naive(), 321).await.unwrap();
    let run = NewRun {
        id: uuid::Uuid::now_v7(),
        owner_id: owner,
        session_id: Some(session.id),
        task: "agent".into(),
        input: json!({"prompt": "cek stok", "n": 1.5}),
        created_at: now,
    };
    store.create_run(&run).await.unwrap();
    store.append_run_event(run.id, "progress", &json!({"step": 1}), now).await.unwrap();
    store.append_run_event(run.id, "progress", &json!({"step": 2}), now).await.unwrap();
    store.record_effect("effect-1", run.id, &json!({"ok": true}), now).await.unwrap();
    let grant = TicketGrant { principal_id: owner, principal_kind: "user".into(), credential_id: owner };
    store.create_ticket(&[7u8; 32], &grant, now + Duration::seconds(30)).await.unwrap();
    let approval = ApprovalRecord {
        id: uuid::Uuid::now_v7(),
        owner_id: owner,
        scope: format!("session:{}", session.id),
        tool: "update_price".into(),
        arguments: json!({"sku": "AQ-600", "amount": "3600"}),
        args_hash: "0".repeat(64),
        status: ApprovalStatus::Pending,
        created_at: now,
        expires_at: now + Duration::hours(1),
        approver_id: None,
        approver_role: None,
        decided_at: None,
        used_at: None,
    };
    store.create_approval(&approval).await.unwrap();
    let mapping = NewMapping {
        customer: "TOKO-1".into(),
        wording: "Aqua botol".into(),
        sku: "AQ-600".into(),
        source: MappingSource::Manual,
    };
    store.upsert_mapping(&mapping, &actor, now).await.unwrap();
    let oos = NewOos {
        id: uuid::Uuid::now_v7(),
        customer: "TOKO-1".into(),
        sku: "TB-1".into(),
        day: now.date_naive(),
        quantity: Decimal::new(25, 1),
        note: Some("minta minggu depan".into()),
        idempotency_key: Some("oos-key-1".into()),
    };
    store.create_oos(&oos, &actor, now).await.unwrap();
    let vector = ItemVector {
        sku: "AQ-600".into(),
        model: "embed-test".into(),
        text_hash: vec![9u8; 32],
        // Bits that survive only a byte-exact archive: a subnormal, a negative zero, a long fraction.
        vector: vec![1.0e-40, -0.0, 0.333_333_34, -1.5],
    };
    store.upsert_item_vectors(&[vector], now).await.unwrap();
    Populated { key, uploads }
}
