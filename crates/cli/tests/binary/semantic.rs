//! Semantic re-ranking as an operator sees it, in the real binary's own log: a failing
//! embeddings endpoint is reported once with its cause, searches keep answering, and the API key
//! appears nowhere. (Ranking itself is tested through the API in `tests/api/semantic_search.rs`.)

use serde_json::Value;

use crate::embeddings_provider::{self, Behaviour};
use crate::support::{Served, http, run, stderr, stdout};

const KEY: &str = "sk-embed-secret-binary-5512";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_embeddings_endpoint_is_logged_once_with_its_cause_and_never_with_the_key() {
    let provider = embeddings_provider::start(Behaviour::ServerError).await;
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("EMBEDDINGS_BASE_URL", provider.base.as_str()),
        ("EMBEDDINGS_MODEL", "fake-embed-64"),
        ("EMBEDDINGS_API_KEY", KEY),
        // Everything, dependencies included: the key must not show up at any level.
        ("RUST_LOG", "debug"),
    ];
    let csv = dir.path().join("catalog.csv");
    std::fs::write(
        &csv,
        "sku,name,unit,stock,warehouse\nTB-1-ORI,Teh Botol Original,krt,5,main\nTB-2-MLT,Teh Botol Melati,krt,5,main\n",
    )
    .unwrap();
    let mut logs = String::new();
    let mut key = String::new();
    for args in [
        &["migrate"][..],
        &["import", "catalog", csv.to_str().unwrap()][..],
        &["admin", "create-key", "--name", "reader", "--role", "staff"][..],
    ] {
        let out = run(dir.path(), &vars, args, None);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        logs.push_str(&stderr(&out));
        key = stdout(&out).lines().last().unwrap_or_default().trim().to_owned();
    }

    let served = Served::start(dir.path(), &vars);
    for _ in 0..3 {
        let response = http()
            .get(format!("{}/api/v1/items?q=teh+botol+wangi&limit=5", served.base))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["items"][0]["sku"], "TB-1-ORI", "the lexical order: {body}");
        assert!(!body.to_string().contains("PROVIDER-DETAIL-42"));
    }
    assert_eq!(provider.requests().len(), 1, "a failing endpoint is left alone for a while");
    assert_eq!(provider.requests()[0].authorization.as_deref(), Some(format!("Bearer {KEY}").as_str()));

    logs.push_str(&served.output());
    let warnings: Vec<&str> = logs.lines().filter(|l| l.contains("semantic re-ranking is off")).collect();
    assert_eq!(warnings.len(), 1, "one warning per outage: {logs}");
    assert!(
        warnings[0].contains("500") && warnings[0].contains("PROVIDER-DETAIL-42"),
        "with its cause: {}",
        warnings[0]
    );
    assert!(!logs.contains(KEY), "the API key is never logged");

    let out = run(dir.path(), &vars, &["config", "check"], None);
    assert!(out.status.success());
    assert!(!stdout(&out).contains(KEY) && stdout(&out).contains("fake-embed-64"));
}
