use agent::runs::{RunContext, StepOutcome, Task};
use async_trait::async_trait;
use chrono::Utc;
use domain::audit::Actor;
use domain::sales::{MappingSource, NewMapping};
use domain::{Error, Principal, Result};
use futures::TryStreamExt as _;
use serde_json::{Value, json};
use uuid::Uuid;

use super::OrderDeps;
use super::draft::{customer_of, finish};
use super::lines::{self, InputLine};
use super::matched::{LineState, MatchedBy, match_line, question};
use crate::catalog::CustomerHistory;

const MAX_TEXT_CHARS: usize = 200_000;
const MAX_CUSTOMER_CHARS: usize = 64;

pub struct ProcessOrder {
    deps: OrderDeps,
}

impl ProcessOrder {
    pub fn new(deps: OrderDeps) -> Self {
        Self { deps }
    }
}

#[async_trait]
impl Task for ProcessOrder {
    fn name(&self) -> &'static str {
        "process_order"
    }

    fn validate(&self, input: &Value) -> Result<()> {
        let customer = input["customer"].as_str().map(str::trim).unwrap_or_default();
        if customer.is_empty() || customer.chars().count() > MAX_CUSTOMER_CHARS {
            return Err(Error::validation(format!("`customer` is required, 1 to {MAX_CUSTOMER_CHARS} characters")));
        }
        let text = input["text"].as_str().map(str::trim).filter(|t| !t.is_empty());
        let uploads = input["upload_ids"].as_array().map_or(0, Vec::len);
        match (text, uploads) {
            (Some(text), 0) if text.chars().count() <= MAX_TEXT_CHARS => Ok(()),
            (Some(_), 0) => Err(Error::validation(format!("`text` has at most {MAX_TEXT_CHARS} characters"))),
            (None, 1) => Ok(()),
            _ => Err(Error::validation("give the order as `text` or as exactly one upload in `upload_ids`")),
        }
    }

    async fn execute(&self, ctx: &mut RunContext) -> Result<StepOutcome> {
        let owner = crate::owner::run_owner(self.deps.store.as_ref(), ctx.run.owner_id).await?;
        let code = ctx.input()["customer"].as_str().unwrap_or_default().trim().to_owned();
        let found = self.deps.store.customer(&code).await?;
        let customer = customer_of(&code, found);
        let (mut lines, problems) = match ctx.checkpoint().and_then(|c| c.get("lines")).cloned() {
            Some(saved) => {
                let lines: Vec<LineState> = serde_json::from_value(saved).map_err(Error::internal)?;
                let problems = ctx.checkpoint().map(|c| c["problems"].clone()).unwrap_or(Value::Null);
                (lines, serde_json::from_value(problems).unwrap_or_default())
            }
            None => {
                let (input, problems) = match self.read(ctx, &owner).await {
                    Ok(read) => read,
                    // A sheet that cannot be read is the order's problem, not the server's.
                    Err(err) if !err.code().is_internal() => return Ok(StepOutcome::Failed("order_unreadable")),
                    Err(err) => return Err(err),
                };
                (self.match_all(ctx, &code, customer.name.is_some(), input).await?, problems)
            }
        };
        if let Some(answer) = ctx.answer().cloned() {
            self.apply(ctx, &owner, &code, &mut lines, &answer).await?;
        }
        if lines.iter().any(LineState::unsure) {
            return Ok(StepOutcome::NeedsPerson {
                question: question(customer.name.as_ref().map(|_| code.as_str()), &lines),
                checkpoint: json!({"lines": lines, "problems": problems}),
            });
        }
        let result = finish(ctx, &self.deps, &owner, &customer, &lines, &problems, Utc::now().date_naive()).await?;
        Ok(StepOutcome::Done(result))
    }
}

impl ProcessOrder {
    async fn read(&self, ctx: &RunContext, owner: &Principal) -> Result<(Vec<InputLine>, Vec<String>)> {
        if let Some(text) = ctx.input()["text"].as_str() {
            return Ok((lines::from_text(text)?, Vec::new()));
        }
        let id = ctx.input()["upload_ids"][0].as_str().and_then(|s| Uuid::try_parse(s).ok());
        let id = id.ok_or_else(|| Error::validation("the order sheet upload id is malformed"))?;
        let (record, body) = self.deps.uploads.content(owner, id).await?;
        let cap = self.deps.uploads.limits().max_bytes;
        if record.size > cap {
            return Err(Error::validation("the order sheet is too large"));
        }
        let chunks: Vec<bytes::Bytes> = body.stream.try_collect().await.map_err(Error::internal)?;
        let bytes = chunks.concat();
        lines::from_sheet(&bytes)
    }

    /// `known`: the customer is in the directory (only then can it have a history).
    async fn match_all(
        &self,
        ctx: &RunContext,
        customer: &str,
        known: bool,
        input: Vec<InputLine>,
    ) -> Result<Vec<LineState>> {
        let total = u64::try_from(input.len()).unwrap_or(u64::MAX);
        let mut matched = Vec::with_capacity(input.len());
        // Read once per order: the customer's purchases break ties the lines leave open.
        let history = if known {
            self.deps.catalog.history(customer, Utc::now().date_naive()).await?
        } else {
            CustomerHistory::default()
        };
        for (done, line) in input.into_iter().enumerate() {
            if done % 50 == 0 {
                ctx.progress(done as u64, total, "matching").await?;
            }
            matched.push(match_line(self.deps.store.as_ref(), &self.deps.catalog, customer, &history, line).await?);
        }
        ctx.progress(total, total, "matched").await?;
        Ok(matched)
    }

    /// Applies a person's choices (`{"lines": [{"line": 3, "sku": "…" | null}]}`) and learns each
    /// confirmed wording as a mapping for this customer. Lines left out, or naming a SKU that is not
    /// in the catalog, stay unsure and are asked again.
    async fn apply(
        &self,
        ctx: &RunContext,
        owner: &Principal,
        customer: &str,
        lines: &mut [LineState],
        answer: &Value,
    ) -> Result<()> {
        let choices = answer["lines"].as_array().cloned().unwrap_or_default();
        for line in lines.iter_mut().filter(|l| l.unsure()) {
            let Some(choice) = choices.iter().find(|c| c["line"].as_u64() == Some(u64::from(line.input.line))) else {
                continue;
            };
            match &choice["sku"] {
                Value::Null => line.dropped = true,
                Value::String(sku) if sku.chars().count() <= 64 => {
                    if let Some(item) = self.deps.store.item(sku).await? {
                        line.sku = Some(item.sku.clone());
                        line.name = Some(item.name);
                        line.matched_by = Some(MatchedBy::Person);
                        line.confidence = None;
                        line.candidates.clear();
                        self.learn(ctx, owner, customer, line).await?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    async fn learn(&self, ctx: &RunContext, owner: &Principal, customer: &str, line: &LineState) -> Result<()> {
        let (Some(sku), false) = (&line.sku, line.input.description.is_empty()) else { return Ok(()) };
        let mapping = NewMapping {
            customer: customer.to_owned(),
            wording: line.input.description.clone(),
            sku: sku.clone(),
            source: MappingSource::Learned,
        };
        let store = self.deps.store.clone();
        let actor = Actor::from_principal(owner);
        ctx.effect(&format!("mapping:line-{}", line.input.line), move || async move {
            let mapping = store.upsert_mapping(&mapping, &actor, Utc::now()).await?;
            Ok(json!({"sku": mapping.sku}))
        })
        .await?;
        Ok(())
    }
}
