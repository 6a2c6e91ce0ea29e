//! Test data for the sales stories, made in code.

use std::str::FromStr;

use chrono::NaiveDate;
use domain::audit::Actor;
use domain::sales::{Customer, Item};
use rust_decimal::Decimal;
use uuid::Uuid;

pub fn actor() -> Actor {
    Actor { id: Uuid::now_v7(), kind: "user".into(), name: "ana".into() }
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn item(sku: &str) -> Item {
    Item {
        sku: sku.into(),
        name: format!("Item {sku}"),
        brand: Some("Aqua".into()),
        category: Some("Minuman".into()),
        unit: Some("dus".into()),
        barcode: Some(format!("899{sku}")),
        aliases: vec![format!("{sku} botol")],
    }
}

pub fn customer(code: &str, price_list: Option<&str>) -> Customer {
    Customer {
        code: code.into(),
        name: format!("Toko {code}"),
        price_list: price_list.map(Into::into),
        salesperson: Some("budi".into()),
    }
}
