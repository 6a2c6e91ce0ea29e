use domain::Role;
use serde_json::{Value, json};

use crate::sales_support::seed;
use crate::support::{TestServer, assert_problem};

#[tokio::test]
async fn managers_create_and_delete_mappings_everyone_reads_them() {
    let server = TestServer::start().await;
    seed(&server).await;
    let manager = server.token("mira", Role::Manager).await;
    let staff = server.token("sari", Role::Staff).await;
    let admin = server.token("ana", Role::Admin).await;
    let mapping = json!({"customer": "C1", "wording": "  AQUA  600 Dus ", "sku": "AQ-600"});

    assert_problem(server.post_json("/api/v1/mappings", &staff, &mapping).await, 403, "forbidden").await;
    let created = server.post_json("/api/v1/mappings", &manager, &mapping).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["wording"], "aqua 600 dus", "stored normalised");
    assert_eq!(created["source"], "manual");

    // Re-pointing the same wording replaces the SKU instead of adding a second mapping.
    let moved = json!({"customer": "C1", "wording": "aqua 600 dus", "sku": "SP-330"});
    assert_eq!(server.post_json("/api/v1/mappings", &manager, &moved).await.status(), 201);
    let other = json!({"customer": "C1", "wording": "mie goreng", "sku": "IM-GRG"});
    assert_eq!(server.post_json("/api/v1/mappings", &admin, &other).await.status(), 201);

    let list: Value = server.get("/api/v1/mappings?customer=C1", Some(&staff)).await.json().await.unwrap();
    let rows = list["mappings"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{list}");
    assert_eq!((rows[0]["wording"].as_str(), rows[0]["sku"].as_str()), (Some("aqua 600 dus"), Some("SP-330")));
    assert_eq!(rows[1]["wording"], "mie goreng");
    let page: Value = server.get("/api/v1/mappings?customer=C1&limit=1", Some(&staff)).await.json().await.unwrap();
    assert_eq!(page["mappings"].as_array().unwrap().len(), 1);
    let next = page["next_after"].as_str().unwrap();
    let rest: Value = server
        .get(&format!("/api/v1/mappings?customer=C1&after={}", crate::sales_catalog::urlencode(next)), Some(&staff))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["mappings"][0]["wording"], "mie goreng");
    let empty: Value = server.get("/api/v1/mappings?customer=C2", Some(&staff)).await.json().await.unwrap();
    assert!(empty["mappings"].as_array().unwrap().is_empty(), "mappings are per customer");

    let unknown_sku = json!({"customer": "C1", "wording": "x", "sku": "NOPE"});
    let body =
        assert_problem(server.post_json("/api/v1/mappings", &manager, &unknown_sku).await, 422, "validation_failed")
            .await;
    assert!(body["detail"].as_str().unwrap().starts_with("sku"), "{body}");
    let unknown_customer = json!({"customer": "C9", "wording": "x", "sku": "AQ-600"});
    let body = assert_problem(
        server.post_json("/api/v1/mappings", &manager, &unknown_customer).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().starts_with("customer"), "{body}");
    let blank = json!({"customer": "C1", "wording": "   ", "sku": "AQ-600"});
    assert_problem(server.post_json("/api/v1/mappings", &manager, &blank).await, 422, "validation_failed").await;
    assert_problem(server.get("/api/v1/mappings", Some(&staff)).await, 422, "validation_failed").await;

    let delete = |token: &str, query: &str| {
        server.http.delete(server.url(&format!("/api/v1/mappings?{query}"))).bearer_auth(token.to_owned()).send()
    };
    assert_problem(delete(&staff, "customer=C1&wording=mie%20goreng").await.unwrap(), 403, "forbidden").await;
    assert_eq!(delete(&manager, "customer=C1&wording=MIE%20%20Goreng").await.unwrap().status(), 204);
    assert_problem(delete(&manager, "customer=C1&wording=mie%20goreng").await.unwrap(), 404, "not_found").await;
    let list: Value = server.get("/api/v1/mappings?customer=C1", Some(&staff)).await.json().await.unwrap();
    assert_eq!(list["mappings"].as_array().unwrap().len(), 1);

    let audit: Value = server.get("/api/v1/audit?action=mapping.", Some(&admin)).await.json().await.unwrap();
    let actions: Vec<&str> =
        audit["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["mapping.delete", "mapping.upsert", "mapping.upsert", "mapping.upsert"], "newest first");
}
