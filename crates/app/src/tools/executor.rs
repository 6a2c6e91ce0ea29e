//! Runs the assistant's validated tool calls against the sales services, as the caller.

use std::sync::{Arc, RwLock};

use agent::chat::ToolExecutor;
use agent::runs::RunService;
use agent::tools::ValidatedCall;
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use domain::sales::{DEFAULT_PRICE_LIST, SalesGroup};
use domain::{Error, Principal, Result};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use store::{SalesReportQuery, Store};

use crate::catalog::CatalogService;
use crate::sales::SalesServices;

/// The run service, known only once it is built (it needs the agent, which needs these tools).
pub type LateRuns = Arc<RwLock<Option<RunService>>>;

pub struct SalesTools {
    store: Arc<dyn Store>,
    catalog: CatalogService,
    sales: SalesServices,
    runs: LateRuns,
}

/// What a text reference to an item resolved to.
enum Resolved {
    Item {
        sku: String,
        name: String,
    },
    /// Not sure enough to act on: the person picks.
    Ambiguous(Value),
}

impl SalesTools {
    pub fn new(store: Arc<dyn Store>, catalog: CatalogService, sales: SalesServices, runs: LateRuns) -> Self {
        Self { store, catalog, sales, runs }
    }

    async fn resolve(&self, args: &Value) -> Result<Resolved> {
        if let Some(sku) = args["sku"].as_str() {
            let item = self.store.item(sku).await?.ok_or_else(|| Error::not_found("item"))?;
            return Ok(Resolved::Item { sku: item.sku, name: item.name });
        }
        let q = args["q"].as_str().unwrap_or_default();
        // For a named customer, what it usually buys breaks the ties the wording leaves open; an
        // unknown customer is reported by the tool's own customer lookup, not here.
        let history = match args["customer"].as_str() {
            Some(code) => match self.customer(code).await {
                Ok(found) => Some(self.catalog.history(&found.code, Utc::now().date_naive()).await?),
                Err(err) if err.code() == domain::ErrorCode::NotFound => None,
                Err(err) => return Err(err),
            },
            None => None,
        };
        let candidates = self.catalog.search_for(q, 5, history.as_ref()).await?;
        match candidates.first() {
            Some(top) if top.confidence >= matching::AUTO_ACCEPT => {
                Ok(Resolved::Item { sku: top.sku.clone(), name: top.name.clone() })
            }
            _ => Ok(Resolved::Ambiguous(json!({"ambiguous": true, "q": q, "candidates": candidates}))),
        }
    }

    /// A customer by code, forgiving case ("Toko-maju" finds TOKO-MAJU), or by its name when
    /// exactly one customer has it ("Toko Maju").
    async fn customer(&self, code: &str) -> Result<domain::sales::Customer> {
        if let Some(found) = self.store.customer(code).await? {
            return Ok(found);
        }
        if let Some(found) = self.store.customer(&code.to_uppercase()).await? {
            return Ok(found);
        }
        self.sales.customers.named(code).await?.ok_or_else(|| Error::not_found("customer"))
    }

    async fn search_items(&self, args: &Value) -> Result<Value> {
        let limit = args["limit"].as_u64().unwrap_or(5) as usize;
        let items = self.catalog.search(args["q"].as_str().unwrap_or_default(), limit).await?;
        Ok(json!({"items": items}))
    }

    async fn get_price(&self, args: &Value) -> Result<Value> {
        let (sku, name) = match self.resolve(args).await? {
            Resolved::Item { sku, name } => (sku, name),
            Resolved::Ambiguous(choices) => return Ok(choices),
        };
        let list = match (args["price_list"].as_str(), args["customer"].as_str()) {
            (Some(list), _) => list.to_owned(),
            (None, Some(code)) => self.customer(code).await?.price_list.unwrap_or_else(|| DEFAULT_PRICE_LIST.into()),
            (None, None) => DEFAULT_PRICE_LIST.to_owned(),
        };
        let price = self.store.price_on(&list, &sku, Utc::now().date_naive()).await?;
        Ok(json!({"sku": sku, "name": name, "price_list": list,
                  "price": price.as_ref().map(|p| p.amount.to_string()),
                  "effective_from": price.as_ref().map(|p| p.effective_from), "version": price.map(|p| p.version)}))
    }

    async fn sales_report(&self, args: &Value) -> Result<Value> {
        let day = |k: &str| {
            args[k]
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .ok_or_else(|| Error::validation(format!("`{k}` is a date")))
        };
        let (from, to) = (day("from")?, day("to")?);
        let group = SalesGroup::parse(args["group_by"].as_str().unwrap_or_default())
            .ok_or_else(|| Error::validation("`group_by` is day, customer, item or salesperson"))?;
        let rows = self.store.sales_report(&SalesReportQuery { from, to, group, limit: 50 }).await?;
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|r| json!({"key": r.key, "quantity": r.quantity.to_string(), "amount": r.amount.to_string(), "lines": r.lines}))
            .collect();
        Ok(json!({"from": from, "to": to, "group_by": group.as_str(), "rows": rows}))
    }

    async fn register_oos(&self, caller: &Principal, args: &Value, key: Option<&str>) -> Result<Value> {
        let (sku, name) = match self.resolve(args).await? {
            Resolved::Item { sku, name } => (sku, name),
            Resolved::Ambiguous(choices) => return Ok(choices),
        };
        let customer = self.customer(args["customer"].as_str().unwrap_or_default()).await?;
        let quantity = match &args["quantity"] {
            Value::Number(n) => n.as_u64().map(Decimal::from),
            Value::String(s) => s.parse::<Decimal>().ok(),
            _ => None,
        }
        .ok_or_else(|| Error::validation("`quantity` is a positive number"))?;
        let note = args["note"].as_str();
        let oos = self.sales.oos.register(caller, &customer.code, &sku, quantity, None, note, key).await?;
        Ok(json!({"id": oos.id, "sku": sku, "name": name, "customer": oos.customer,
                  "quantity": oos.quantity.to_string(), "day": oos.day}))
    }

    async fn update_price(&self, caller: &Principal, args: &Value) -> Result<Value> {
        let amount: Decimal = args["price"]
            .as_str()
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| Error::validation("`price` is a decimal number"))?;
        let effective_from = args["effective_from"]
            .as_str()
            .map(|d| {
                NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| Error::validation("`effective_from` is a date"))
            })
            .transpose()?;
        let (list, sku) = (args["price_list"].as_str().unwrap_or_default(), args["sku"].as_str().unwrap_or_default());
        // The same rules as the HTTP route: manager+, the row in effect unless a date is named.
        let price =
            self.sales.prices.change(caller, list, sku, amount, effective_from, args["version"].as_u64()).await?;
        Ok(json!({"price_list": price.price_list, "sku": price.sku, "price": price.amount.to_string(),
                  "effective_from": price.effective_from, "version": price.version}))
    }

    async fn process_order(&self, caller: &Principal, args: &Value) -> Result<Value> {
        let runs = self.runs.read().unwrap_or_else(|e| e.into_inner()).clone();
        let runs = runs.ok_or_else(|| Error::unavailable(std::io::Error::other("run service not wired")))?;
        let input = json!({"customer": args["customer"], "text": args["text"]});
        let run = runs.start(caller, "process_order", input, None).await?;
        Ok(json!({"run_id": run.id, "status": run.status.as_str()}))
    }
}

#[async_trait]
impl ToolExecutor for SalesTools {
    async fn execute(&self, caller: &Principal, call: &ValidatedCall, key: Option<&str>) -> Result<Value> {
        let args = &call.arguments;
        match call.tool {
            "search_items" => self.search_items(args).await,
            "get_price" => self.get_price(args).await,
            "sales_report" => self.sales_report(args).await,
            "register_oos" => self.register_oos(caller, args, key).await,
            "update_price" => self.update_price(caller, args).await,
            "process_order" => self.process_order(caller, args).await,
            _ => Err(Error::not_found("tool")),
        }
    }
}
