//! Out-of-stock registrations: any signed-in caller registers what a customer asked for and could
//! not get; a manager resolves it.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use domain::audit::Actor;
use domain::sales::{NewOos, Oos, OosStatus, limits};
use domain::{Principal, Result, Role};
use rust_decimal::Decimal;
use store::{OosQuery, Store};
use uuid::Uuid;

use super::mappings::unknown_reference;

#[derive(Clone)]
pub struct OosService {
    store: Arc<dyn Store>,
}

/// What a listing may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct OosFilter {
    pub status: Option<OosStatus>,
    pub customer: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub before: Option<Uuid>,
    pub limit: u32,
}

impl OosService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Registers the request for `day` (default today); a repeat for the same customer, item and
    /// day adds its quantity to the open registration. With an idempotency key (an approved
    /// agent call), a retry of the same request returns the first registration instead.
    #[allow(clippy::too_many_arguments)]
    pub async fn register(
        &self,
        caller: &Principal,
        customer: &str,
        sku: &str,
        quantity: Decimal,
        day: Option<NaiveDate>,
        note: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<Oos> {
        let new = NewOos {
            id: Uuid::now_v7(),
            customer: customer.to_owned(),
            sku: sku.to_owned(),
            day: day.unwrap_or_else(super::today),
            quantity,
            note: note.map(str::to_owned),
            idempotency_key: idempotency_key.map(str::to_owned),
        }
        .clean()?;
        self.store.create_oos(&new, &Actor::from_principal(caller), Utc::now()).await.map_err(unknown_reference)
    }

    pub async fn resolve(&self, caller: &Principal, id: Uuid, resolution: Option<&str>) -> Result<Oos> {
        caller.require(Role::Manager)?;
        let resolution = Oos::clean_resolution(resolution)?;
        self.store.resolve_oos(id, resolution.as_deref(), &Actor::from_principal(caller), Utc::now()).await
    }

    pub async fn list(&self, filter: OosFilter) -> Result<Vec<Oos>> {
        if let (Some(from), Some(to)) = (filter.from, filter.to)
            && from > to
        {
            return Err(domain::Error::validation("from: must not be after `to`"));
        }
        let query = OosQuery {
            status: filter.status,
            customer: filter.customer,
            from: filter.from,
            to: filter.to,
            before: filter.before,
            limit: limits::page_size(filter.limit),
        };
        self.store.list_oos(&query).await
    }
}
