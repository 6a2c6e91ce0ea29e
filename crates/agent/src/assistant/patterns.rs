//! The requests the offline assistant understands, by keyword, in priority order (the most
//! specific first: "stok habis" is an out-of-stock registration, not a stock lookup).

use chrono::{Datelike as _, Duration, NaiveDate};
use serde_json::{Map, Value, json};

use super::{Intent, Language};

const PROCESS_ORDER: &[&str] = &[
    "proses pesanan",
    "proses order",
    "olah pesanan",
    "process this order",
    "process the order",
    "process order",
    "order sheet",
    "处理订单",
    "处理这个订单",
    "处理这份订单",
];
const REGISTER_OOS: &[&str] =
    &["stok habis", "stock habis", "barang kosong", "stok kosong", "out of stock", "out-of-stock", "缺货", "断货"];
const SALES_REPORT: &[&str] =
    &["laporan penjualan", "sales report", "report of sales", "销售报告", "销售报表", "销量报告"];
const PRICE: &[&str] = &["harga", "price", "how much", "berapa", "价格", "多少钱", "价钱", "报价"];
const FIND: &[&str] = &[
    "carikan",
    "cari",
    "ada stok",
    "cek stok",
    "stok",
    "find",
    "search",
    "look up",
    "stock of",
    "查一下",
    "查找",
    "查",
    "找",
    "库存",
    "有没有",
];
const GREETING: &[&str] = &["halo", "hai", "hi", "hello", "help", "bantuan", "tolong bantu", "你好", "帮助", "?"];
/// Words that introduce the customer: "untuk Toko Maju", "for Toko Maju", "给 Toko Maju".
const CUSTOMER: &[&str] = &[" untuk pelanggan ", " untuk ", " for customer ", " for ", "给客户", "给", "客户"];
/// Filler words dropped from an item query.
const FILLER: &[&str] = &[
    "tolong", "please", "dong", "ya", "yang", "the", "of", "a", "an", "is", "there", "any", "ada", "apakah", "me",
    "what", "what's", "berapa", "item", "barang", "untuk",
];
const UNITS: &[&str] = &[
    "dus", "karton", "ctn", "krt", "pcs", "pc", "box", "pack", "bal", "lusin", "botol", "kaleng", "箱", "个", "瓶",
    "包", "件",
];

pub fn is_greeting(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.is_empty()
        || GREETING.iter().any(|g| t == *g || t.starts_with(&format!("{g} ")) || t.starts_with(&format!("{g},")))
}

fn find_keyword<'a>(lower: &str, keywords: &[&'a str]) -> Option<&'a str> {
    keywords.iter().copied().find(|k| {
        if k.is_ascii() {
            // Whole words only, so "price" does not fire inside "priceless" nor "cari" in "carib".
            lower.match_indices(k).any(|(i, _)| {
                let before = lower[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                let after = lower[i + k.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                before && after
            })
        } else {
            lower.contains(k)
        }
    })
}

pub fn recognise(text: &str, language: Language, today: NaiveDate) -> Option<Intent> {
    let lower = format!(" {} ", text.trim().to_lowercase());
    // "proses order untuk TOKO-MAJU" on the first line; the order's lines, pasted, below it.
    let (first, pasted) = text.trim().split_once('\n').unwrap_or((text.trim(), ""));
    let first = format!(" {} ", first.to_lowercase());
    if let Some(k) = find_keyword(&first, PROCESS_ORDER) {
        let (_, customer) = split_customer(&first.replacen(k, " ", 1));
        let mut args = Map::new();
        if let Some(c) = customer {
            args.insert("customer".into(), json!(c));
        }
        if !pasted.trim().is_empty() {
            args.insert("text".into(), json!(pasted.trim()));
        }
        return Some(Intent { tool: "process_order", arguments: Value::Object(args) });
    }
    if let Some(k) = find_keyword(&lower, REGISTER_OOS) {
        let (rest, customer) = split_customer(&lower.replacen(k, " ", 1));
        let (rest, quantity) = split_quantity(&rest);
        let q = clean_query(&rest, &["catat", "daftarkan", "register", "record", "登记", "记录"]);
        let mut args = Map::new();
        args.insert("q".into(), json!(q));
        if let Some((n, unit)) = quantity {
            args.insert("quantity".into(), json!(n));
            if let Some(unit) = unit {
                args.insert("unit".into(), json!(unit));
            }
        }
        if let Some(c) = customer {
            args.insert("customer".into(), json!(c));
        }
        return (!q.is_empty()).then_some(Intent { tool: "register_oos", arguments: Value::Object(args) });
    }
    if find_keyword(&lower, SALES_REPORT).is_some()
        || (language == Language::Indonesian && lower.contains(" penjualan "))
    {
        let (from, to) = period(&lower, today);
        let group_by = group_by(&lower);
        return Some(Intent {
            tool: "sales_report",
            arguments: json!({"from": from.to_string(), "to": to.to_string(), "group_by": group_by}),
        });
    }
    if let Some(k) = find_keyword(&lower, PRICE) {
        let (rest, customer) = split_customer(&lower.replacen(k, " ", 1));
        let q = clean_query(&rest, &["cek", "check", "查", "问"]);
        if q.is_empty() {
            return None;
        }
        return Some(intent_with("get_price", q, customer));
    }
    if let Some(k) = find_keyword(&lower, FIND) {
        let (rest, _) = split_customer(&lower.replacen(k, " ", 1));
        let q = clean_query(&rest, &["stock", "stok", "库存", "吗", "的"]);
        return (!q.is_empty()).then(|| intent("search_items", Some(("q", json!(q)))));
    }
    None
}

fn intent(tool: &'static str, arg: Option<(&str, Value)>) -> Intent {
    let mut args = Map::new();
    if let Some((k, v)) = arg {
        args.insert(k.into(), v);
    }
    Intent { tool, arguments: Value::Object(args) }
}

fn intent_with(tool: &'static str, q: String, customer: Option<String>) -> Intent {
    let mut args = Map::new();
    args.insert("q".into(), json!(q));
    if let Some(c) = customer {
        args.insert("customer".into(), json!(c));
    }
    Intent { tool, arguments: Value::Object(args) }
}

/// Splits off "untuk <customer>" / "for <customer>" / "给<customer>" at the end of a request.
fn split_customer(text: &str) -> (String, Option<String>) {
    for marker in CUSTOMER {
        if let Some(at) = text.rfind(marker) {
            let customer = text[at + marker.len()..].trim().trim_end_matches(['?', '.', '!', '？', '。']).trim();
            if !customer.is_empty() && customer.chars().count() <= 80 {
                return (text[..at].to_owned(), Some(title_case(customer)));
            }
        }
    }
    (text.to_owned(), None)
}

/// Customer names were lowercased for matching; give them back a readable capitalisation.
fn title_case(name: &str) -> String {
    name.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Finds "10 dus", "10dus", "10 箱", "10" (the last number followed by a unit, or a bare number
/// that is not part of a size like "600ml").
fn split_quantity(text: &str) -> (String, Option<(u32, Option<String>)>) {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for (i, token) in tokens.iter().enumerate().rev() {
        let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
        if digits.is_empty() {
            continue;
        }
        let tail = &token[digits.len()..];
        let unit = if tail.is_empty() {
            tokens.get(i + 1).filter(|next| UNITS.contains(next)).map(|u| (*u).to_owned())
        } else if UNITS.contains(&tail) {
            Some(tail.to_owned())
        } else {
            continue; // a size such as 600ml or 330ml, part of the item
        };
        let Ok(n) = digits.parse::<u32>() else { continue };
        let skip = if tail.is_empty() && unit.is_some() { 2 } else { 1 };
        let rest: Vec<&str> =
            tokens.iter().enumerate().filter(|(j, _)| *j < i || *j >= i + skip).map(|(_, t)| *t).collect();
        return (rest.join(" "), Some((n, unit)));
    }
    (text.to_owned(), None)
}

fn clean_query(text: &str, extra: &[&str]) -> String {
    let mut out = text.to_owned();
    for word in extra {
        if !word.is_ascii() {
            out = out.replace(word, " ");
        }
    }
    out.split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, '?' | '.' | ',' | '!' | '？' | '。' | '，' | ':')))
        .filter(|w| !w.is_empty() && !FILLER.contains(w) && !extra.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

fn period(lower: &str, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["hari ini", "today", "今天", "今日"]) {
        (today, today)
    } else if has(&["kemarin", "yesterday", "昨天"]) {
        let y = today - Duration::days(1);
        (y, y)
    } else if has(&["minggu ini", "this week", "本周", "这周", "这个星期"]) {
        (today - Duration::days(i64::from(today.weekday().num_days_from_monday())), today)
    } else if has(&["bulan lalu", "last month", "上个月", "上月"]) {
        let first_this = today.with_day(1).unwrap_or(today);
        let last_prev = first_this - Duration::days(1);
        (last_prev.with_day(1).unwrap_or(last_prev), last_prev)
    } else if has(&["tahun ini", "this year", "今年"]) {
        (NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today), today)
    } else {
        // "bulan ini" / "this month" / "本月", and the default.
        (today.with_day(1).unwrap_or(today), today)
    }
}

fn group_by(lower: &str) -> &'static str {
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["per pelanggan", "by customer", "按客户", "每个客户"]) {
        "customer"
    } else if has(&["per barang", "per item", "by item", "by product", "按商品", "按产品"]) {
        "item"
    } else if has(&["per sales", "by salesperson", "by sales", "按销售员", "按业务员"]) {
        "salesperson"
    } else {
        "day"
    }
}

#[cfg(test)]
mod tests;
