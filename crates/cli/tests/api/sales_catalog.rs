use domain::Role;
use serde_json::Value;

use crate::sales_support::{PRODUCTS, d, seed};
use crate::support::{TestServer, assert_problem};

#[tokio::test]
async fn a_loose_query_finds_the_imported_item_and_its_detail_shows_stock() {
    let server = TestServer::start().await;
    seed(&server).await;
    let staff = server.token("sari", Role::Staff).await;

    for (query, sku) in [("aqua 600ml 2 dus", "AQ-600"), ("indomie grg 40", "IM-GRG"), ("雪碧 330 一箱", "SP-330")]
    {
        let url = format!("/api/v1/items?q={}&limit=5", urlencode(query));
        let response = server.get(&url, Some(&staff)).await;
        assert_eq!(response.status(), 200, "{query}");
        let body: Value = response.json().await.unwrap();
        let items = body["items"].as_array().unwrap();
        assert!(!items.is_empty() && items.len() <= 5, "{query}: {body}");
        assert_eq!(items[0]["sku"], sku, "{query}: {body}");
        assert!(items[0]["name"].is_string() && items[0]["unit"].is_string());
        let confidence = items[0]["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&confidence), "{body}");
        let scores: Vec<f64> = items.iter().map(|i| i["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    }

    let detail: Value = server.get("/api/v1/items/SP-330", Some(&staff)).await.json().await.unwrap();
    let (_, name, unit, alias, stock, warehouse) = PRODUCTS[1];
    assert_eq!(detail["name"], name);
    assert_eq!(detail["unit"], unit);
    assert_eq!(detail["aliases"][0], alias);
    assert_eq!(detail["stock"][0]["warehouse"], warehouse);
    assert_eq!(d(detail["stock"][0]["quantity"].as_str().unwrap()), d(stock), "exact decimal string");
    assert_eq!(detail["total_stock"], stock);

    assert_problem(server.get("/api/v1/items/NOPE-1", Some(&staff)).await, 404, "not_found").await;
    assert_problem(server.get("/api/v1/items", Some(&staff)).await, 422, "validation_failed").await;
    let long = "x".repeat(300);
    assert_problem(server.get(&format!("/api/v1/items?q={long}"), Some(&staff)).await, 422, "validation_failed").await;
    let body =
        assert_problem(server.get("/api/v1/items?q=aqua&limit=51", Some(&staff)).await, 422, "validation_failed").await;
    assert!(body["detail"].as_str().unwrap().starts_with("limit"), "{body}");
    assert_problem(server.get("/api/v1/items?q=aqua&bogus=1", Some(&staff)).await, 422, "validation_failed").await;
}

#[tokio::test]
async fn prices_read_the_row_in_effect_and_the_schedule() {
    let server = TestServer::start().await;
    seed(&server).await;
    let staff = server.token("sari", Role::Staff).await;

    let response = server.get("/api/v1/prices?sku=AQ-600", Some(&staff)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("etag").unwrap(), "\"1\"");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["price_list"], "default");
    assert_eq!(body["current"]["amount"], "3500", "money is an exact string");
    assert_eq!(body["current"]["currency"], "IDR");
    assert_eq!(body["schedule"].as_array().unwrap().len(), 2, "today's row and the future one: {body}");
    assert_eq!(body["schedule"][1]["amount"], "3650.75");

    let future: Value = server.get("/api/v1/prices?sku=AQ-600&on=2099-06-01", Some(&staff)).await.json().await.unwrap();
    assert_eq!(future["current"]["amount"], "3650.75");
    let grosir: Value =
        server.get("/api/v1/prices?sku=AQ-600&price_list=grosir", Some(&staff)).await.json().await.unwrap();
    assert_eq!(grosir["current"]["amount"], "3300");
    let none: Value = server.get("/api/v1/prices?sku=IM-GRG", Some(&staff)).await.json().await.unwrap();
    assert!(none["current"].is_null(), "an item without a price: {none}");

    assert_problem(server.get("/api/v1/prices?sku=NOPE", Some(&staff)).await, 404, "not_found").await;
    let body = assert_problem(server.get("/api/v1/prices", Some(&staff)).await, 422, "validation_failed").await;
    assert!(body["detail"].as_str().unwrap().starts_with("sku"), "{body}");
    let body = assert_problem(
        server.get("/api/v1/prices?sku=AQ-600&on=yesterday", Some(&staff)).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().starts_with("on"), "{body}");
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
