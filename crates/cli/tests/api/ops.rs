use std::time::Duration;

use config::{EnvSource, Settings};
use domain::Role;

use crate::support::{TestServer, assert_problem, client, faults_with, vars};

#[tokio::test]
async fn health_and_readiness_answer_without_credentials() {
    let server = TestServer::start().await;
    assert_eq!(server.get("/healthz", None).await.status(), 200);
    let ready: serde_json::Value = server.get("/readyz", None).await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
}

#[tokio::test]
async fn readiness_is_503_until_migrations_are_applied() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::load(EnvSource::from_vars(vars(dir.path(), &[]), dir.path())).unwrap();
    std::fs::create_dir_all(&settings.data_dir).unwrap();
    let store = store::open(&settings.database_url).await.unwrap();
    let server = TestServer::serve(dir, settings, store.clone(), None).await;
    assert_eq!(server.get("/healthz", None).await.status(), 200, "alive even when not ready");
    let body = assert_problem(server.get("/readyz", None).await, 503, "unavailable").await;
    assert!(body["detail"].as_str().unwrap().contains("migrations"));
    store.migrate().await.unwrap();
    assert_eq!(server.get("/readyz", None).await.status(), 200);
}

#[tokio::test]
async fn the_openapi_document_is_served_to_any_principal() {
    let server = TestServer::start().await;
    let token = server.token("sam", Role::Staff).await;
    let doc: serde_json::Value = server.get("/api/v1/openapi.json", Some(&token)).await.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc["paths"]["/api/v1/auth/login"]["post"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn metrics_port_serves_on_loopback_without_credentials() {
    // Port 0: the system picks a free one, so parallel tests cannot collide.
    let server = TestServer::start_with(&[("METRICS_PORT", "0")], None).await;
    let metrics = server.metrics_addr.expect("a metrics listener");
    assert!(metrics.ip().is_loopback(), "metrics never listen beyond loopback");
    server.get("/healthz", None).await;
    let response = client().get(format!("http://{metrics}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("http_requests_total"));
    // The main port still demands an admin for the same data.
    assert_problem(server.get("/metrics", None).await, 401, "unauthorized").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_an_in_flight_request_finish_and_refuses_new_ones() {
    let entered = std::sync::Arc::new(tokio::sync::Notify::new());
    let server = TestServer::start_with(&[], Some(faults_with(entered.clone()))).await;
    let key = server.key("k", Role::Staff, None).await;
    let in_flight = {
        let http = server.http.clone();
        let url = server.url("/__test/slow");
        let key = key.clone();
        tokio::spawn(async move {
            let r = http.get(url).bearer_auth(key).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    };
    entered.notified().await;
    let addr = server.addr;
    server.stop(Duration::from_secs(10)).await.expect("drained cleanly");
    assert_eq!(in_flight.await.unwrap(), (200, "done".to_owned()));
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no new connections after shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_that_overruns_its_grace_is_reported() {
    let entered = std::sync::Arc::new(tokio::sync::Notify::new());
    let server = TestServer::start_with(&[], Some(faults_with(entered.clone()))).await;
    let key = server.key("k", Role::Staff, None).await;
    let http = server.http.clone();
    let url = server.url("/__test/slow");
    let _in_flight = tokio::spawn(async move { http.get(url).bearer_auth(key).send().await });
    entered.notified().await;
    let result = server.stop(Duration::from_millis(100)).await;
    assert!(matches!(result, Err(server::StopError::DrainTimeout)), "{result:?}");
}
