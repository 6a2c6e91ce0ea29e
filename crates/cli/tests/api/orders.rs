//! The Work task `process_order` over HTTP, on a generated catalog: lines are matched, the unsure
//! ones asked in one question, the answer applied and learned, the order priced, short lines
//! registered as out-of-stock, and the draft downloadable as .xlsx.

use chrono::Utc;
use domain::Role;
use domain::audit::Actor;
use domain::sales::{Customer, Item, PriceRow, StockLevel};
use matching::synth;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::runs::until;
use crate::support::{TestServer, assert_problem};

const CUSTOMER: &str = "TOKO-MAJU";

/// A generated catalog with stock and a customer price list; the first item is out of stock and
/// the second has no price.
async fn seed(server: &TestServer) -> Vec<synth::SynthItem> {
    let items = synth::catalog(synth::CATALOG_SEED, 1500);
    let store = &server.app.store;
    let actor = Actor::system("test");
    let now = Utc::now();
    let catalog: Vec<Item> = items
        .iter()
        .map(|i| Item {
            sku: i.entry.sku.clone(),
            name: i.entry.name.clone(),
            brand: i.entry.brand.clone(),
            category: i.entry.category.clone(),
            unit: Some(i.entry.unit.clone()),
            barcode: i.entry.barcode.clone(),
            aliases: i.entry.aliases.clone(),
        })
        .collect();
    store.import_items(&catalog, &actor, now).await.unwrap();
    let stock: Vec<StockLevel> = items
        .iter()
        .enumerate()
        .map(|(n, i)| StockLevel {
            sku: i.entry.sku.clone(),
            warehouse: "main".into(),
            quantity: if n == 0 { Decimal::ZERO } else { Decimal::from(1000) },
        })
        .collect();
    store.import_stock(&stock, &actor, now).await.unwrap();
    let prices: Vec<PriceRow> = items
        .iter()
        .enumerate()
        .skip(2)
        .map(|(n, i)| PriceRow {
            price_list: "retail".into(),
            sku: i.entry.sku.clone(),
            effective_from: now.date_naive() - chrono::Days::new(30),
            amount: Decimal::new(250_000 + n as i64, 2),
        })
        .collect();
    // The first two items are priced too, except the second: an unpriced line is flagged, never guessed.
    let first = PriceRow {
        price_list: "retail".into(),
        sku: items[0].entry.sku.clone(),
        effective_from: now.date_naive() - chrono::Days::new(30),
        amount: Decimal::new(1_250_050, 2),
    };
    store.import_prices(&[prices, vec![first]].concat(), &actor, now).await.unwrap();
    let customer = Customer {
        code: CUSTOMER.into(),
        name: "Toko Maju".into(),
        price_list: Some("retail".into()),
        salesperson: None,
    };
    store.import_customers(&[customer], &actor, now).await.unwrap();
    items
}

async fn start(server: &TestServer, token: &str, input: Value) -> reqwest::Response {
    server.post_json("/api/v1/runs", token, &json!({"task": "process_order", "input": input})).await
}

async fn started(server: &TestServer, token: &str, input: Value) -> String {
    let response = start(server, token, input).await;
    assert_eq!(response.status(), 202);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

/// Waits until the run is waiting or done, whichever comes.
async fn settled(server: &TestServer, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let run: Value = server.get(&format!("/api/v1/runs/{id}"), Some(token)).await.json().await.unwrap();
        if ["waiting", "succeeded", "failed"].contains(&run["status"].as_str().unwrap_or_default()) {
            return run;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("run {id} did not settle");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_matched_asked_answered_priced_checked_drafted_and_learned() {
    let server = TestServer::start().await;
    let items = seed(&server).await;
    let token = server.token("sari", Role::Staff).await;

    // Generated noisy lines with their right SKUs, plus three lines of our own: the out-of-stock
    // item, the unpriced one, and a brand alone, which no matcher should dare to decide.
    let mut labelled: Vec<(String, String)> = synth::order_lines(&items, synth::TEST_SEED, 12)
        .into_iter()
        .filter(|l| l.sku != items[0].entry.sku && l.sku != items[1].entry.sku)
        .map(|l| (l.text, l.sku))
        .collect();
    labelled.push((format!("{} 5 dus", items[0].entry.name), items[0].entry.sku.clone()));
    labelled.push((format!("{} 2", items[1].entry.name), items[1].entry.sku.clone()));
    let brand = items[0].entry.brand.clone().unwrap();
    labelled.push((format!("{brand} 3"), items[0].entry.sku.clone()));
    let text: Vec<&str> = labelled.iter().map(|(t, _)| t.as_str()).collect();
    let id = started(&server, &token, json!({"customer": CUSTOMER, "text": text.join("\n")})).await;

    let waiting = settled(&server, &token, &id).await;
    assert_eq!(waiting["status"], "waiting", "{waiting}");
    let question = &waiting["question"];
    assert_eq!(question["kind"], "confirm_lines");
    let asked = question["lines"].as_array().unwrap();
    let brand_line = labelled.len() as u64;
    assert!(asked.iter().any(|l| l["line"] == brand_line), "a brand alone goes to a person: {question}");
    assert!(asked.iter().all(|l| l["candidates"].as_array().is_some_and(|c| c.len() <= 5)));

    // The person picks the right item for every asked line.
    let answers: Vec<Value> = asked
        .iter()
        .map(|l| {
            let line = l["line"].as_u64().unwrap() as usize;
            json!({"line": line, "sku": labelled[line - 1].1})
        })
        .collect();
    let resumed =
        server.post_json(&format!("/api/v1/runs/{id}/resume"), &token, &json!({"answer": {"lines": answers}})).await;
    assert_eq!(resumed.status(), 202);
    let done = until(&server, &token, &id, "succeeded").await;
    let result = &done["result"];
    let order = &result["order"];
    assert_eq!(order["customer"], CUSTOMER);
    let lines = order["lines"].as_array().unwrap();
    assert_eq!(lines.len(), labelled.len(), "{result}");
    for line in lines {
        let n = line["line"].as_u64().unwrap() as usize;
        assert_eq!(line["sku"], labelled[n - 1].1, "line {n} ({}) was matched to the right item", labelled[n - 1].0);
        let by = line["matched_by"].as_str().unwrap();
        let was_asked = asked.iter().any(|l| l["line"] == n as u64);
        assert_eq!(by, if was_asked { "person" } else { "auto" }, "{line}");
    }

    // Priced from the customer's list, exactly; the unpriced line is flagged and left out of the total.
    let unpriced = lines.iter().find(|l| l["sku"] == items[1].entry.sku.as_str()).unwrap();
    assert_eq!((unpriced["unit_price"].clone(), unpriced["priced"].clone()), (Value::Null, json!(false)));
    let oos_line = lines.iter().find(|l| l["line"] == (labelled.len() - 2) as u64).unwrap();
    let money = |v: &Value| v.as_str().map(|s| s.parse::<Decimal>().unwrap());
    assert_eq!(money(&oos_line["unit_price"]), Some(Decimal::new(1_250_050, 2)));
    assert_eq!(money(&oos_line["amount"]), Some(Decimal::new(6_250_250, 2)), "5 × 12500.50, exactly");
    let total: Decimal = lines.iter().filter_map(|l| l["amount"].as_str()).map(|a| a.parse::<Decimal>().unwrap()).sum();
    assert_eq!(order["total"].as_str().unwrap().parse::<Decimal>().unwrap(), total);

    // The out-of-stock item is registered once, for what is missing.
    let short: Vec<&Value> = result["out_of_stock"].as_array().unwrap().iter().collect();
    assert!(short.iter().all(|s| s["sku"] == items[0].entry.sku.as_str()), "{short:?}");
    let five = short.iter().find(|s| s["requested"] == "5").expect("the 5-carton line is short");
    assert_eq!(five["available"], "0");
    let registered = server.app.store.list_oos(&Default::default()).await.unwrap();
    let mine: Vec<_> = registered.iter().filter(|o| o.sku == items[0].entry.sku).collect();
    assert_eq!(mine.len(), 1, "one open registration per customer, item and day");
    assert_eq!(mine[0].quantity, Decimal::from(5 + 3), "both short lines add up on it");

    // The draft downloads as a real workbook.
    let draft = result["draft_upload_id"].as_str().unwrap();
    let bytes = server.get(&format!("/api/v1/uploads/{draft}/content"), Some(&token)).await.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip");

    // The confirmed wording is learned: the same brand-only line now needs nobody.
    let again = started(&server, &token, json!({"customer": CUSTOMER, "text": format!("{brand} 1")})).await;
    let learned = settled(&server, &token, &again).await;
    assert_eq!(learned["status"], "succeeded", "{learned}");
    assert_eq!(learned["result"]["order"]["lines"][0]["matched_by"], "mapping");
    assert_eq!(learned["result"]["order"]["lines"][0]["sku"], items[0].entry.sku.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_sheet_upload_is_processed_and_bad_input_is_refused() {
    let server = TestServer::start().await;
    let items = seed(&server).await;
    let token = server.token("sari", Role::Staff).await;
    let sheet = format!("Nama Barang;Jumlah;Unit\n{};4;dus\n", items[7].entry.name);
    let form = crate::uploads_support::body(&[crate::uploads_support::part(b"order.csv", sheet.as_bytes())]);
    let uploaded: Value = server
        .http
        .post(server.url("/api/v1/uploads"))
        .bearer_auth(&token)
        .header("content-type", crate::uploads_support::content_type())
        .body(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let upload = uploaded["id"].as_str().unwrap();
    let response = server
        .post_json(
            "/api/v1/runs",
            &token,
            &json!({"task": "process_order", "input": {"customer": CUSTOMER}, "upload_ids": [upload]}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let id = response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let done = settled(&server, &token, &id).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let line = &done["result"]["order"]["lines"][0];
    assert_eq!((line["line"].as_u64(), line["quantity"].as_str()), (Some(2), Some("4")));
    assert_eq!(line["sku"], items[7].entry.sku.as_str());

    for bad in [json!({"text": "aqua 2"}), json!({"customer": CUSTOMER}), json!({"customer": "", "text": "aqua"})] {
        assert_problem(start(&server, &token, bad).await, 422, "validation_failed").await;
    }
}
