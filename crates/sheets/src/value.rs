//! One cell's value, and the two rules for reading numbers and dates out of text.

mod cell;
mod date;
mod number;

pub use cell::{Cell, CellProblem};
pub(crate) use date::{date_from_excel, parse_iso_date};
pub(crate) use number::{decimal_from_f64, parse_decimal};
