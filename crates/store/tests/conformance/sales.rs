//! Sales stories: all-or-nothing import, the report's grouping, order and exact sums.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use domain::ErrorCode;
use domain::sales::{SaleLine, SalesGroup, SalesReportRow};
use store::{SalesReportQuery, Store};

use super::fixtures::{actor, customer, date, dec, item};

fn line(day: NaiveDate, customer: &str, sku: &str, quantity: &str, unit_price: &str, who: Option<&str>) -> SaleLine {
    SaleLine {
        date: day,
        customer: customer.into(),
        sku: sku.into(),
        quantity: dec(quantity),
        unit_price: dec(unit_price),
        salesperson: who.map(Into::into),
        invoice: Some("INV-1".into()),
    }
}

fn report(rows: &[SalesReportRow]) -> Vec<(String, String, String, u64)> {
    rows.iter().map(|r| (r.key.clone(), r.quantity.to_string(), r.amount.to_string(), r.lines)).collect()
}

fn row(key: &str, quantity: &str, amount: &str, lines: u64) -> (String, String, String, u64) {
    (key.into(), quantity.into(), amount.into(), lines)
}

pub async fn the_sales_report_groups_and_sums_exactly(store: Arc<dyn Store>) {
    store.import_items(&[item("A"), item("B")], &actor(), Utc::now()).await.unwrap();
    store.import_customers(&[customer("C1", None), customer("C2", None)], &actor(), Utc::now()).await.unwrap();
    let (d1, d2, d3) = (date(2026, 5, 1), date(2026, 5, 2), date(2026, 5, 3));

    // A thousand lines of 0.1: a float sum would drift; ours is exactly 100.
    let mut lines: Vec<_> = (0..1_000).map(|_| line(d1, "C1", "A", "1", "0.1", Some("budi"))).collect();
    lines.push(line(d2, "C2", "B", "2.5", "3333.3333", Some("sari")));
    lines.push(line(d2, "C1", "B", "3", "0.3333", None));
    lines.push(line(d3, "C2", "A", "-1", "0.1", Some("budi")));
    lines.push(line(date(2026, 6, 1), "C2", "A", "100", "100", Some("budi")));
    assert_eq!(store.import_sales(&lines, &actor(), Utc::now()).await.unwrap().rows, 1_004);

    let q = |group| SalesReportQuery { from: d1, to: d3, group, limit: 100 };
    let by_day = store.sales_report(&q(SalesGroup::Day)).await.unwrap();
    assert_eq!(
        report(&by_day),
        [
            row("2026-05-01", "1000", "100", 1_000),
            row("2026-05-02", "5.5", "8334.3332", 2),
            row("2026-05-03", "-1", "-0.1", 1)
        ],
        "by day, in day order, the June line outside the range"
    );
    // 2.5 × 3333.3333 = 8333.33325, rounded half away from zero to 8333.3333.
    let by_customer = store.sales_report(&q(SalesGroup::Customer)).await.unwrap();
    assert_eq!(report(&by_customer), [row("C2", "1.5", "8333.2333", 2), row("C1", "1003", "100.9999", 1_001)]);
    let by_item = store.sales_report(&q(SalesGroup::Item)).await.unwrap();
    assert_eq!(report(&by_item), [row("B", "5.5", "8334.3332", 2), row("A", "999", "99.9", 1_001)]);
    let by_salesperson = store.sales_report(&q(SalesGroup::Salesperson)).await.unwrap();
    assert_eq!(
        report(&by_salesperson),
        [row("sari", "2.5", "8333.3333", 1), row("budi", "999", "99.9", 1_001), row("", "3", "0.9999", 1)],
        "lines without a salesperson group under the empty key"
    );
    let top = store.sales_report(&SalesReportQuery { limit: 1, ..q(SalesGroup::Customer) }).await.unwrap();
    assert_eq!(top.len(), 1);
    let backwards = SalesReportQuery { from: d3, to: d1, group: SalesGroup::Day, limit: 10 };
    assert_eq!(store.sales_report(&backwards).await.unwrap_err().code(), ErrorCode::Validation);

    // A file with a sale for an unknown SKU or customer writes nothing at all.
    for bad in [line(d1, "C1", "ZZ", "1", "1", None), line(d1, "C9", "A", "1", "1", None)] {
        let file = [line(d1, "C1", "A", "1", "1", None), line(d1, "C2", "B", "1", "1", None), bad];
        let err = store.import_sales(&file, &actor(), Utc::now()).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Validation);
        assert!(err.detail().starts_with("row 3: unknown"), "{}", err.detail());
    }
    let zero = [line(d1, "C1", "A", "1", "1", None), line(d1, "C1", "A", "0", "1", None)];
    assert!(store.import_sales(&zero, &actor(), Utc::now()).await.unwrap_err().detail().starts_with("row 2:"));
    assert_eq!(store.sales_report(&q(SalesGroup::Day)).await.unwrap(), by_day, "nothing was added");
}

pub async fn a_customers_history_counts_what_it_bought_recently(store: Arc<dyn Store>) {
    store.import_items(&[item("A"), item("B"), item("C"), item("D")], &actor(), Utc::now()).await.unwrap();
    store.import_customers(&[customer("C1", None), customer("C2", None)], &actor(), Utc::now()).await.unwrap();
    let (old, recent) = (date(2025, 1, 1), date(2026, 5, 1));
    let mut lines = vec![line(old, "C1", "C", "9", "1", None)];
    lines.extend((0..3).map(|_| line(recent, "C1", "A", "1", "1", None)));
    lines.extend((0..3).map(|_| line(recent, "C1", "B", "2", "1", None)));
    lines.push(line(recent, "C1", "B", "-1", "1", None));
    lines.push(line(recent, "C1", "D", "1", "1", None));
    lines.extend((0..7).map(|_| line(recent, "C2", "D", "1", "1", None)));
    store.import_sales(&lines, &actor(), Utc::now()).await.unwrap();
    let since = date(2026, 1, 1);
    let history = store.customer_history("C1", since, 10).await.unwrap();
    let expected: Vec<(String, u32)> = vec![("A".into(), 3), ("B".into(), 3), ("D".into(), 1)];
    assert_eq!(history, expected, "recent lines only, returns left out, most first then by SKU");
    assert_eq!(store.customer_history("C1", since, 2).await.unwrap(), expected[..2]);
    assert_eq!(store.customer_history("C1", old, 10).await.unwrap().len(), 4, "an older start sees C");
    assert_eq!(store.customer_history("C2", since, 10).await.unwrap(), [("D".to_owned(), 7)]);
    assert!(store.customer_history("NOBODY", since, 10).await.unwrap().is_empty());
}
