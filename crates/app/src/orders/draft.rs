//! The order drafted from the chosen lines: priced from the customer's list (or `default`), checked
//! against stock — a short line is registered as out-of-stock — and written as a downloadable .xlsx.
//! Each side effect goes through the run's effect ledger with a stable step name, and the
//! out-of-stock registration also carries the ledger's key into the store, so a replayed run
//! applies none of them twice.

use agent::runs::RunContext;
use bytes::Bytes;
use chrono::NaiveDate;
use domain::sales::{DEFAULT_PRICE_LIST, line_amount};
use domain::{Principal, Result};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::OrderDeps;
use super::matched::LineState;

pub struct Customer {
    pub code: String,
    pub name: Option<String>,
    pub price_list: String,
}

struct Priced<'a> {
    line: &'a LineState,
    quantity: Decimal,
    unit_price: Option<Decimal>,
    amount: Option<Decimal>,
}

pub async fn finish(
    ctx: &RunContext,
    deps: &OrderDeps,
    owner: &Principal,
    customer: &Customer,
    lines: &[LineState],
    problems: &[String],
    today: NaiveDate,
) -> Result<Value> {
    let chosen: Vec<&LineState> = lines.iter().filter(|l| l.sku.is_some() && !l.dropped).collect();
    let total_lines = u64::try_from(chosen.len()).unwrap_or(u64::MAX);
    ctx.progress(0, total_lines, "pricing").await?;
    let mut priced = Vec::with_capacity(chosen.len());
    let mut out_of_stock = Vec::new();
    for line in chosen {
        let sku = line.sku.as_deref().unwrap_or_default();
        // A missing quantity is not guessed silently: it is 1 and the line says so.
        let quantity = line.input.quantity.unwrap_or(Decimal::ONE);
        let unit_price = deps.store.price_on(&customer.price_list, sku, today).await?.map(|p| p.amount);
        let amount = unit_price.map(|p| line_amount(quantity, p)).transpose()?;
        let available: Decimal = deps.store.stock_of(sku).await?.iter().map(|s| s.quantity).sum();
        if quantity > available {
            let step = format!("oos:line-{}", line.input.line);
            let key = agent::runs::effect_key(ctx.run.id, &step);
            let short = quantity - available.max(Decimal::ZERO);
            let note = format!("order run {}, line {}", ctx.run.id, line.input.line);
            let (oos, owner, code, sku_owned) =
                (deps.oos.clone(), owner.clone(), customer.code.clone(), sku.to_owned());
            let oos = ctx
                .effect(&step, move || async move {
                    let registered =
                        oos.register(&owner, &code, &sku_owned, short, Some(today), Some(&note), Some(&key)).await?;
                    Ok(json!({"id": registered.id}))
                })
                .await?;
            out_of_stock.push(json!({"line": line.input.line, "sku": sku, "requested": quantity.to_string(),
                                     "available": available.to_string(), "registration_id": oos["id"]}));
        }
        priced.push(Priced { line, quantity, unit_price, amount });
    }
    let total: Decimal = priced.iter().filter_map(|p| p.amount).sum();
    let draft = draft_upload(ctx, deps, owner, customer, &priced).await?;
    ctx.progress(total_lines, total_lines, "drafted").await?;
    let order_lines: Vec<Value> = priced
        .iter()
        .map(|p| {
            json!({"line": p.line.input.line, "text": p.line.input.text, "sku": p.line.sku, "name": p.line.name,
                   "quantity": p.quantity.to_string(), "quantity_missing": p.line.input.quantity.is_none(),
                   "unit": p.line.input.unit, "unit_price": p.unit_price.map(|d| d.to_string()),
                   "amount": p.amount.map(|d| d.to_string()), "priced": p.unit_price.is_some(),
                   "matched_by": p.line.matched_by, "confidence": p.line.confidence})
        })
        .collect();
    let dropped: Vec<u32> = lines.iter().filter(|l| l.dropped).map(|l| l.input.line).collect();
    Ok(json!({
        "order": {"customer": customer.code, "price_list": customer.price_list, "currency": "IDR",
                  "total": total.to_string(), "lines": order_lines},
        "out_of_stock": out_of_stock,
        "dropped_lines": dropped,
        "sheet_problems": problems,
        "draft_upload_id": draft,
    }))
}

/// The draft as an .xlsx upload owned by the run's owner, created once.
async fn draft_upload(
    ctx: &RunContext,
    deps: &OrderDeps,
    owner: &Principal,
    customer: &Customer,
    priced: &[Priced<'_>],
) -> Result<Value> {
    let draft = sheets::DraftOrder {
        customer_code: customer.code.clone(),
        customer_name: customer.name.clone(),
        price_list: Some(customer.price_list.clone()),
        currency: "IDR".into(),
        lines: priced
            .iter()
            .map(|p| sheets::DraftLine {
                line_no: p.line.input.line,
                text: p.line.input.text.clone(),
                sku: p.line.sku.clone(),
                name: p.line.name.clone(),
                quantity: Some(p.quantity),
                unit: p.line.input.unit.clone(),
                unit_price: p.unit_price,
                matched_by: p.line.matched_by.map(|m| m.as_str().to_owned()),
            })
            .collect(),
    };
    let bytes = sheets::write_draft_order(&draft)?;
    let uploads = deps.uploads.clone();
    let owner = owner.clone();
    let name = format!("order-{}-{}.xlsx", customer.code, ctx.run.id.simple());
    let made = ctx
        .effect("draft", move || async move {
            let body = futures::stream::once(async move { Ok::<_, domain::Error>(Bytes::from(bytes)) });
            let pending = uploads.receive(&owner, Some(&name), body).await?;
            let record = uploads.commit(pending).await?;
            Ok(json!({"upload_id": record.id}))
        })
        .await?;
    Ok(made["upload_id"].clone())
}

/// The customer as the order is priced for: their list, or `default` when they have none.
pub fn customer_of(code: &str, found: Option<domain::sales::Customer>) -> Customer {
    match found {
        Some(c) => Customer {
            code: c.code,
            name: Some(c.name),
            price_list: c.price_list.unwrap_or_else(|| DEFAULT_PRICE_LIST.to_owned()),
        },
        None => Customer { code: code.to_owned(), name: None, price_list: DEFAULT_PRICE_LIST.to_owned() },
    }
}
