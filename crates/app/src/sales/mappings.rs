//! A customer's wording for an item. Reading is open to every signed-in caller; creating and
//! deleting change how every colleague's order lines match, so they need a manager.

use std::sync::Arc;

use chrono::Utc;
use domain::audit::Actor;
use domain::sales::{Mapping, MappingSource, NewMapping, limits};
use domain::{Error, ErrorCode, Principal, Result, Role};
use store::Store;

#[derive(Clone)]
pub struct MappingService {
    store: Arc<dyn Store>,
}

impl MappingService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    pub async fn list(&self, customer: &str, after: Option<&str>, limit: u32) -> Result<Vec<Mapping>> {
        self.store.list_mappings(customer, after, limits::page_size(limit)).await
    }

    /// Creates the mapping, or points an existing one (same customer and wording) at `sku`.
    pub async fn upsert(&self, caller: &Principal, customer: &str, wording: &str, sku: &str) -> Result<Mapping> {
        caller.require(Role::Manager)?;
        let new = NewMapping {
            customer: customer.to_owned(),
            wording: wording.to_owned(),
            sku: sku.to_owned(),
            source: MappingSource::Manual,
        }
        .clean()?;
        let actor = Actor::from_principal(caller);
        self.store.upsert_mapping(&new, &actor, Utc::now()).await.map_err(unknown_reference)
    }

    /// Returns false when there was no such mapping.
    pub async fn delete(&self, caller: &Principal, customer: &str, wording: &str) -> Result<bool> {
        caller.require(Role::Manager)?;
        self.store.delete_mapping(customer, wording, &Actor::from_principal(caller), Utc::now()).await
    }
}

/// A body naming a customer or SKU that does not exist is invalid input, not a missing resource.
pub(super) fn unknown_reference(err: Error) -> Error {
    if err.code() != ErrorCode::NotFound {
        return err;
    }
    let field = if err.detail().starts_with("customer") { "customer" } else { "sku" };
    Error::validation(format!("{field}: no such {}", if field == "sku" { "item" } else { "customer" }))
}
