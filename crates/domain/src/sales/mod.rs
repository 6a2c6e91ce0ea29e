//! The sales domain: catalog items and stock, prices, customers, wording mappings, out-of-stock
//! registrations and sales lines. Every input type cleans and validates itself (`clean`), so all
//! store backends apply the same rules to hostile input; the caps are in [`limits`].

mod customer;
mod exact;
mod import;
mod item;
pub mod limits;
mod mapping;
mod oos;
mod price;
mod sale;
mod text;

pub use customer::Customer;
pub use exact::{
    MAX_MONEY_UNITS, MAX_QUANTITY_UNITS, MONEY_SCALE, QUANTITY_SCALE, line_amount, money_from_minor, money_minor,
    quantity_from_minor, quantity_minor,
};
pub use import::{ImportSummary, at_row, check_import_size};
pub use item::{Item, StockLevel};
pub use mapping::{Mapping, MappingSource, NewMapping};
pub use oos::{NewOos, Oos, OosStatus};
pub use price::{DEFAULT_PRICE_LIST, Price, PriceChange, PriceRow};
pub use sale::{SaleLine, SalesGroup, SalesReportRow};
pub use text::normalize_wording;
