//! Choosing each line's item: a stored mapping for this customer's wording first, then the
//! matcher, accepted on its own only at or above [`matching::AUTO_ACCEPT`] (calibrated for
//! ≥ 99.5 % precision); every other line waits for a person with its candidates.

use domain::Result;
use matching::Candidate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::Store;

use super::lines::InputLine;
use crate::catalog::{CatalogService, CustomerHistory};

/// Candidates shown to a person for an unsure line.
pub const CANDIDATES_SHOWN: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Mapping,
    Auto,
    Person,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Mapping => "mapping",
            MatchedBy::Auto => "auto",
            MatchedBy::Person => "person",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineState {
    #[serde(flatten)]
    pub input: InputLine,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub matched_by: Option<MatchedBy>,
    pub confidence: Option<f32>,
    /// While the line is unsure: what the person chooses from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    /// A person said the line is not to be ordered.
    #[serde(default)]
    pub dropped: bool,
}

impl LineState {
    pub fn unsure(&self) -> bool {
        self.sku.is_none() && !self.dropped
    }
}

pub async fn match_line(
    store: &dyn Store,
    catalog: &CatalogService,
    customer: &str,
    history: &CustomerHistory,
    input: InputLine,
) -> Result<LineState> {
    let mut state = LineState {
        input,
        sku: None,
        name: None,
        matched_by: None,
        confidence: None,
        candidates: Vec::new(),
        dropped: false,
    };
    if !state.input.description.is_empty()
        && let Some(mapping) = store.mapping(customer, &state.input.description).await?
        && let Some(item) = store.item(&mapping.sku).await?
    {
        state.sku = Some(item.sku);
        state.name = Some(item.name);
        state.matched_by = Some(MatchedBy::Mapping);
        state.confidence = Some(1.0);
        return Ok(state);
    }
    // Text the matcher cannot use (only digits, say) leaves the line to a person.
    let candidates = catalog.search_for(&state.input.text, CANDIDATES_SHOWN, Some(history)).await.unwrap_or_default();
    match candidates.first() {
        Some(top) if top.confidence >= matching::AUTO_ACCEPT => {
            state.sku = Some(top.sku.clone());
            state.name = Some(top.name.clone());
            state.matched_by = Some(MatchedBy::Auto);
            state.confidence = Some(top.confidence);
        }
        _ => state.candidates = candidates,
    }
    Ok(state)
}

/// The one question gathering every unsure line, with the customer the order is for when it is in
/// the directory (a person searching for another item searches with its purchases), else null.
pub fn question(customer: Option<&str>, lines: &[LineState]) -> Value {
    let unsure: Vec<Value> = lines
        .iter()
        .filter(|l| l.unsure())
        .map(|l| {
            let candidates: Vec<Value> = l
                .candidates
                .iter()
                .map(|c| json!({"sku": c.sku, "name": c.name, "unit": c.unit, "confidence": c.confidence}))
                .collect();
            json!({"line": l.input.line, "text": l.input.text, "candidates": candidates})
        })
        .collect();
    json!({"kind": "confirm_lines", "customer": customer, "lines": unsure})
}
