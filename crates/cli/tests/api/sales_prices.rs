use domain::Role;
use serde_json::{Value, json};

use crate::sales_support::seed;
use crate::support::{TestServer, assert_problem};

async fn put(server: &TestServer, token: &str, if_match: Option<&str>, body: &Value) -> reqwest::Response {
    let mut req = server.http.put(server.url("/api/v1/prices/default/AQ-600")).bearer_auth(token).json(body);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn changing_a_price_needs_the_current_etag_and_a_manager_and_is_audited() {
    let server = TestServer::start().await;
    seed(&server).await;
    let manager = server.token("mira", Role::Manager).await;
    let staff = server.token("sari", Role::Staff).await;
    let admin = server.token("ana", Role::Admin).await;
    let etag =
        server.get("/api/v1/prices?sku=AQ-600", Some(&manager)).await.headers()["etag"].to_str().unwrap().to_owned();

    let change = json!({"amount": "3575.50"});
    assert_problem(put(&server, &staff, Some(&etag), &change).await, 403, "forbidden").await;
    assert_problem(put(&server, &manager, None, &change).await, 428, "precondition_required").await;
    assert_problem(put(&server, &manager, Some("\"999\""), &change).await, 412, "precondition_failed").await;
    let body =
        assert_problem(put(&server, &manager, Some(&etag), &json!({"amount": 3575.5})).await, 422, "validation_failed")
            .await;
    assert!(body["detail"].as_str().unwrap().starts_with("amount"), "a JSON number is refused, naming the field");
    assert_problem(put(&server, &manager, Some(&etag), &json!({"amount": "-1"})).await, 422, "validation_failed").await;

    let response = put(&server, &manager, Some(&etag), &change).await;
    assert_eq!(response.status(), 200);
    let new_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["amount"], "3575.5");
    assert_eq!(format!("\"{}\"", body["version"]), new_etag);

    // The old ETag is stale now; the read shows the new price and ETag.
    assert_problem(put(&server, &manager, Some(&etag), &json!({"amount": "1"})).await, 412, "precondition_failed")
        .await;
    let read = server.get("/api/v1/prices?sku=AQ-600", Some(&staff)).await;
    assert_eq!(read.headers()["etag"].to_str().unwrap(), new_etag);
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["current"]["amount"], "3575.5");

    let audit = server.get("/api/v1/audit?action=price.update", Some(&admin)).await;
    assert_eq!(audit.status(), 200);
    let audit: Value = audit.json().await.unwrap();
    let entries = audit["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "only the successful change is recorded: {audit}");
    let entry = &entries[0];
    assert_eq!(entry["actor"]["name"], "mira");
    assert_eq!(entry["old"]["amount"], "3500");
    assert_eq!(entry["new"]["amount"], "3575.5");
    assert_problem(server.get("/api/v1/audit", Some(&manager)).await, 403, "forbidden").await;
}
