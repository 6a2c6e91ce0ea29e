//! The catalog: item search through the matcher (an index each instance keeps in memory and
//! rebuilds when the catalog changes), optionally re-ranked by semantic similarity where the
//! matcher has ties ([`semantic`]), and item detail with stock.

mod history;
mod index;
pub mod semantic;
mod service;

pub use history::{CustomerHistory, HISTORY_DAYS};

pub use index::CatalogIndex;
pub use service::{CatalogService, ItemDetail, MAX_QUERY_CHARS};
