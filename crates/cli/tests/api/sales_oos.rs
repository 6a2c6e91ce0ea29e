use domain::Role;
use serde_json::{Value, json};

use crate::sales_support::{d, seed};
use crate::support::{TestServer, assert_problem};

async fn patch(server: &TestServer, token: &str, id: &str, body: &Value) -> reqwest::Response {
    server.http.patch(server.url(&format!("/api/v1/oos/{id}"))).bearer_auth(token).json(body).send().await.unwrap()
}

#[tokio::test]
async fn registrations_add_up_per_day_are_resolved_by_managers_and_filter() {
    let server = TestServer::start().await;
    seed(&server).await;
    let staff = server.token("sari", Role::Staff).await;
    let manager = server.token("mira", Role::Manager).await;

    let first = server
        .post_json(
            "/api/v1/oos",
            &staff,
            &json!({"customer": "C1", "sku": "TB-250", "quantity": "3", "note": "urgent"}),
        )
        .await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again =
        server.post_json("/api/v1/oos", &staff, &json!({"customer": "C1", "sku": "TB-250", "quantity": "2.5"})).await;
    assert_eq!(again.status(), 200, "the same customer, item and day adds to the open one");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(d(again["quantity"].as_str().unwrap()), d("3") + d("2.5"));

    let other_day = json!({"customer": "C1", "sku": "TB-250", "quantity": "1", "day": "2026-01-15"});
    assert_eq!(server.post_json("/api/v1/oos", &staff, &other_day).await.status(), 201);
    let other_customer = json!({"customer": "C2", "sku": "AQ-600", "quantity": "4"});
    assert_eq!(server.post_json("/api/v1/oos", &staff, &other_customer).await.status(), 201);

    for bad in [
        json!({"customer": "C1", "sku": "TB-250", "quantity": "0"}),
        json!({"customer": "C1", "sku": "TB-250", "quantity": 2}),
        json!({"customer": "C1", "sku": "NOPE", "quantity": "1"}),
        json!({"customer": "C1", "sku": "TB-250", "quantity": "1", "day": "15/01/2026"}),
    ] {
        assert_problem(server.post_json("/api/v1/oos", &staff, &bad).await, 422, "validation_failed").await;
    }

    let id = first["id"].as_str().unwrap();
    let resolve = json!({"status": "resolved", "resolution": "restocked"});
    assert_problem(patch(&server, &staff, id, &resolve).await, 403, "forbidden").await;
    assert_problem(patch(&server, &manager, id, &json!({"status": "open"})).await, 422, "validation_failed").await;
    let resolved = patch(&server, &manager, id, &resolve).await;
    assert_eq!(resolved.status(), 200);
    let resolved: Value = resolved.json().await.unwrap();
    assert_eq!((resolved["status"].as_str(), resolved["resolution"].as_str()), (Some("resolved"), Some("restocked")));
    assert_problem(patch(&server, &manager, id, &resolve).await, 409, "conflict").await;
    assert_problem(patch(&server, &manager, "0190b3d4-0000-7000-8000-000000000000", &resolve).await, 404, "not_found")
        .await;

    let list = |query: &'static str| {
        let server = &server;
        let staff = staff.clone();
        async move {
            let body: Value = server.get(&format!("/api/v1/oos{query}"), Some(&staff)).await.json().await.unwrap();
            body["registrations"].as_array().unwrap().clone()
        }
    };
    assert_eq!(list("").await.len(), 3);
    let open = list("?status=open").await;
    assert_eq!(open.len(), 2);
    assert!(open.iter().all(|o| o["status"] == "open"));
    assert_eq!(list("?status=resolved").await[0]["id"], first["id"]);
    assert_eq!(list("?customer=C2").await.len(), 1);
    let january = list("?from=2026-01-01&to=2026-01-31").await;
    assert_eq!((january.len(), january[0]["day"].as_str()), (1, Some("2026-01-15")));
    let page = list("?limit=2").await;
    assert_eq!(page.len(), 2);
    assert_problem(server.get("/api/v1/oos?status=closed", Some(&staff)).await, 422, "validation_failed").await;
    assert_problem(
        server.get("/api/v1/oos?from=2026-02-01&to=2026-01-01", Some(&staff)).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(server.get("/api/v1/oos?limit=100000", Some(&staff)).await, 422, "validation_failed").await;
}
