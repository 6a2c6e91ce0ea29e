//! A customer's purchases as the matcher's prior, over HTTP: `GET /api/v1/items?customer=` and
//! the Work task `process_order` rank what the customer usually buys first when the text leaves
//! the item open, and never against what the text says.

use chrono::{Days, Utc};
use domain::Role;
use domain::audit::Actor;
use domain::sales::{Customer, Item, SaleLine};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::runs::until;
use crate::sales_catalog::urlencode;
use crate::support::{TestServer, assert_problem};

const AQUA: [(&str, &str); 4] = [
    ("AQ-330", "Aqua Air Mineral 330ml"),
    ("AQ-600", "Aqua Air Mineral 600ml"),
    ("AQ-1500", "Aqua Air Mineral 1500ml"),
    ("AQ-19L", "Aqua Galon 19L"),
];

fn item(sku: &str, name: &str, brand: &str) -> Item {
    Item {
        sku: sku.into(),
        name: name.into(),
        brand: Some(brand.into()),
        category: Some("Air Mineral".into()),
        unit: Some("dus".into()),
        barcode: None,
        aliases: Vec::new(),
    }
}

fn customer(code: &str) -> Customer {
    Customer { code: code.into(), name: format!("Toko {code}"), price_list: None, salesperson: None }
}

/// Four Aqua items among other brands' filler; C1 buys the 1.5 L, C2 mostly the 330 ml, C3 bought
/// the gallon only longer ago than a year.
async fn seed(server: &TestServer) {
    let (store, actor, now) = (&server.app.store, Actor::system("test"), Utc::now());
    let mut items: Vec<Item> = AQUA.iter().map(|(sku, name)| item(sku, name, "Aqua")).collect();
    items.extend((0..40).map(|i| item(&format!("FL-{i:03}"), &format!("Cleo Air Mineral {}ml", 200 + i), "Cleo")));
    store.import_items(&items, &actor, now).await.unwrap();
    store.import_customers(&[customer("C1"), customer("C2"), customer("C3")], &actor, now).await.unwrap();
    let today = now.date_naive();
    let sale = |days: u64, customer: &str, sku: &str| SaleLine {
        date: today - Days::new(days),
        customer: customer.into(),
        sku: sku.into(),
        quantity: Decimal::from(2),
        unit_price: Decimal::from(3000),
        salesperson: None,
        invoice: None,
    };
    let mut sales: Vec<SaleLine> = (1..=5).map(|d| sale(d * 7, "C1", "AQ-1500")).collect();
    sales.extend((1..=3).map(|d| sale(d * 5, "C2", "AQ-330")));
    sales.push(sale(3, "C2", "AQ-600"));
    sales.push(sale(400, "C3", "AQ-19L"));
    store.import_sales(&sales, &actor, now).await.unwrap();
}

async fn hits(server: &TestServer, token: &str, q: &str, customer: Option<&str>) -> Vec<(String, f64)> {
    let mut url = format!("/api/v1/items?q={}&limit=4", urlencode(q));
    if let Some(c) = customer {
        url.push_str(&format!("&customer={}", urlencode(c)));
    }
    let response = server.get(&url, Some(token)).await;
    assert_eq!(response.status(), 200, "{url}");
    let body: Value = response.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["sku"].as_str().unwrap().to_owned(), i["confidence"].as_f64().unwrap()))
        .collect()
}

#[tokio::test]
async fn a_search_for_a_customer_ranks_what_it_buys_first() {
    let server = TestServer::start().await;
    seed(&server).await;
    let staff = server.token("sari", Role::Staff).await;

    // "aqua 2 dus" names the brand only: each customer's own Aqua comes first.
    let for_c1 = hits(&server, &staff, "aqua 2 dus", Some("C1")).await;
    let for_c2 = hits(&server, &staff, "aqua 2 dus", Some("C2")).await;
    assert_eq!(for_c1[0].0, "AQ-1500", "{for_c1:?}");
    assert_eq!(for_c2[0].0, "AQ-330", "{for_c2:?}");
    assert_eq!(for_c2[1].0, "AQ-600", "the less often bought next: {for_c2:?}");
    let matching_threshold = f64::from(matching::AUTO_ACCEPT);
    assert!(for_c1[0].1 < matching_threshold, "a brand alone is still for a person to confirm: {for_c1:?}");
    // Sales older than a year do not count: C3's search is the one without a customer.
    let plain = hits(&server, &staff, "aqua 2 dus", None).await;
    assert_eq!(hits(&server, &staff, "aqua 2 dus", Some("C3")).await, plain);
    // What the text says wins over what the customer usually buys.
    let written = hits(&server, &staff, "aqua 600ml 2 dus", Some("C1")).await;
    assert_eq!(written[0].0, "AQ-600", "{written:?}");
    assert!(written[0].1 >= matching_threshold, "{written:?}");

    assert_problem(server.get("/api/v1/items?q=aqua&customer=NOBODY", Some(&staff)).await, 404, "not_found").await;
    let long = "C".repeat(500);
    let url = format!("/api/v1/items?q=aqua&customer={long}");
    assert_problem(server.get(&url, Some(&staff)).await, 422, "validation_failed").await;
    assert_problem(server.get("/api/v1/items?q=aqua&customer=", Some(&staff)).await, 422, "validation_failed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn process_order_asks_with_the_customers_usual_item_first() {
    let server = TestServer::start().await;
    seed(&server).await;
    let token = server.token("sari", Role::Staff).await;
    let input = json!({"customer": "C1", "text": "aqua 2 dus\naqua 600ml 1 dus"});
    let response = server.post_json("/api/v1/runs", &token, &json!({"task": "process_order", "input": input})).await;
    assert_eq!(response.status(), 202);
    let id = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let waiting = until(&server, &token, &id, "waiting").await;
    let asked = waiting["question"]["lines"].as_array().unwrap();
    assert_eq!(asked.len(), 1, "only the brand-only line is unsure: {waiting}");
    assert_eq!(waiting["question"]["customer"], "C1", "the person sees whose order it is");
    assert_eq!(asked[0]["line"], 1);
    assert_eq!(asked[0]["candidates"][0]["sku"], "AQ-1500", "C1's usual Aqua first: {waiting}");

    let answer = json!({"answer": {"lines": [{"line": 1, "sku": "AQ-1500"}]}});
    let resumed = server.post_json(&format!("/api/v1/runs/{id}/resume"), &token, &answer).await;
    assert_eq!(resumed.status(), 202);
    let done = until(&server, &token, &id, "succeeded").await;
    let lines = done["result"]["order"]["lines"].as_array().unwrap();
    let skus: Vec<&str> = lines.iter().map(|l| l["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, ["AQ-1500", "AQ-600"], "{done}");
    assert_eq!(lines[1]["matched_by"], "auto");
}
