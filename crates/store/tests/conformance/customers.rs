//! Customer stories: all-or-nothing import, pricing from the customer's list or `default`.

use std::sync::Arc;

use chrono::Utc;
use domain::ErrorCode;
use domain::sales::PriceRow;
use store::Store;

use super::fixtures::{actor, customer, date, dec, item};

pub async fn customers_are_priced_from_their_list_or_the_default(store: Arc<dyn Store>) {
    store.import_items(&[item("A")], &actor(), Utc::now()).await.unwrap();
    let price = |list: &str, amount: &str| PriceRow {
        price_list: list.into(),
        sku: "A".into(),
        effective_from: date(2026, 1, 1),
        amount: dec(amount),
    };
    store.import_prices(&[price("default", "3500"), price("grosir", "3300")], &actor(), Utc::now()).await.unwrap();
    let customers = [customer("C1", None), customer("C2", Some("grosir")), customer("C3", Some("vip"))];
    assert_eq!(store.import_customers(&customers, &actor(), Utc::now()).await.unwrap().rows, 3);

    let day = date(2026, 5, 1);
    let amount = |code: &'static str| {
        let store = store.clone();
        async move { store.customer_price(code, "A", day).await.map(|p| p.map(|p| (p.price_list, p.amount))) }
    };
    assert_eq!(amount("C1").await.unwrap(), Some(("default".into(), dec("3500"))), "no list: the default");
    assert_eq!(amount("C2").await.unwrap(), Some(("grosir".into(), dec("3300"))));
    assert_eq!(amount("C3").await.unwrap(), None, "a list without the item has no price");
    assert_eq!(amount("C9").await.unwrap_err().code(), ErrorCode::NotFound);

    // A code twice, or a blank name, refuses the whole file.
    let twice = [customer("C4", None), customer("C4", Some("grosir"))];
    assert_eq!(store.import_customers(&twice, &actor(), Utc::now()).await.unwrap_err().code(), ErrorCode::Validation);
    let mut blank = customer("C5", None);
    blank.name = "".into();
    let mut renamed = customer("C1", Some("grosir"));
    renamed.name = "Renamed".into();
    assert!(store.import_customers(&[renamed.clone(), blank], &actor(), Utc::now()).await.is_err());
    assert_eq!(store.customer("C1").await.unwrap().unwrap().name, "Toko C1");
    assert!(store.customer("C4").await.unwrap().is_none());

    // A later import replaces by code.
    store.import_customers(&[renamed], &actor(), Utc::now()).await.unwrap();
    assert_eq!(amount("C1").await.unwrap(), Some(("grosir".into(), dec("3300"))));
    let codes: Vec<_> = store.customers_after(Some("C1"), 10).await.unwrap().into_iter().map(|c| c.code).collect();
    assert_eq!(codes, ["C2", "C3"]);
}
