use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use domain::Role;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::sales_support::{SALES, d, seed};
use crate::support::{TestServer, assert_problem};

/// Expected sums per customer, computed from the generated lines.
fn by_customer(from: &str, to: &str) -> BTreeMap<String, (Decimal, Decimal, u64)> {
    let mut sums = BTreeMap::new();
    for (date, customer, _, quantity, price, _) in SALES {
        if (from..=to).contains(&date) {
            let entry = sums.entry(customer.to_owned()).or_insert((Decimal::ZERO, Decimal::ZERO, 0));
            entry.0 += d(quantity);
            entry.1 += d(quantity) * d(price);
            entry.2 += 1;
        }
    }
    sums
}

#[tokio::test]
async fn the_sales_report_sums_exactly_as_json_xlsx_and_svg() {
    let server = TestServer::start().await;
    seed(&server).await;
    let staff = server.token("sari", Role::Staff).await;
    let base = "/api/v1/reports/sales?from=2026-03-01&to=2026-03-31&group_by=customer";

    let json: Value = server.get(base, Some(&staff)).await.json().await.unwrap();
    let expected = by_customer("2026-03-01", "2026-03-31");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.len(), "{json}");
    for row in rows {
        let (quantity, amount, lines) = expected[row["key"].as_str().unwrap()];
        assert_eq!(d(row["quantity"].as_str().unwrap()), quantity, "{row}");
        assert_eq!(d(row["amount"].as_str().unwrap()), amount, "{row}");
        assert_eq!(row["lines"], lines);
    }
    let amounts: Vec<Decimal> = rows.iter().map(|r| d(r["amount"].as_str().unwrap())).collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "largest first");
    let total: Decimal = expected.values().map(|v| v.1).sum();
    assert_eq!(d(json["total_amount"].as_str().unwrap()), total);

    let days: Value = server
        .get("/api/v1/reports/sales?from=2026-03-01&to=2026-04-30&group_by=day", Some(&staff))
        .await
        .json()
        .await
        .unwrap();
    let keys: Vec<&str> = days["rows"].as_array().unwrap().iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["2026-03-01", "2026-03-02", "2026-03-05", "2026-04-10"]);

    let xlsx = server.get(&format!("{base}&format=xlsx"), Some(&staff)).await;
    assert_eq!(xlsx.status(), 200);
    let disposition = xlsx.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    let row_of = |key: &str| cells.iter().find(|r| r.first() == Some(&Data::String(key.into()))).unwrap().clone();
    for (customer, (_, amount, _)) in &expected {
        let row = row_of(customer);
        let shown = match &row[2] {
            Data::Float(f) => Decimal::try_from(*f).unwrap(),
            other => panic!("amount cell {other:?}"),
        };
        assert_eq!(shown.round_dp(4), amount.round_dp(4), "{customer}");
    }
    assert!(row_of("Total").len() >= 3);

    let svg = server.get(&format!("{base}&format=svg"), Some(&staff)).await;
    assert_eq!(svg.status(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    let csp = svg.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'none'") && csp.contains("sandbox"), "{csp}");
    let text = svg.text().await.unwrap();
    assert!(text.starts_with("<svg"), "{text}");
    assert!(!text.contains("<script"), "the customer named <script> is escaped");
    assert!(text.contains("&lt;script&gt;"), "and still shown");
}

#[tokio::test]
async fn report_parameters_are_validated_by_name() {
    let server = TestServer::start().await;
    let staff = server.token("sari", Role::Staff).await;
    for (query, field) in [
        ("from=2026-03-01&to=2026-03-31", "group_by"),
        ("to=2026-03-31&group_by=day", "from"),
        ("from=2026-03-31&to=2026-03-01&group_by=day", "from"),
        ("from=2025-01-01&to=2026-03-01&group_by=day", "to"),
        ("from=2026-03-01&to=2026-03-31&group_by=week", "group_by"),
        ("from=2026-03-01&to=2026-03-31&group_by=day&format=pdf", "format"),
    ] {
        let response = server.get(&format!("/api/v1/reports/sales?{query}"), Some(&staff)).await;
        let body = assert_problem(response, 422, "validation_failed").await;
        assert!(body["detail"].as_str().unwrap().starts_with(field), "{query}: {body}");
    }
    let ok = server.get("/api/v1/reports/sales?from=2024-01-01&to=2024-12-31&group_by=item", Some(&staff)).await;
    assert_eq!(ok.status(), 200, "a leap year is 366 days and allowed");
}
