//! Catalog matching for loosely written order lines.
//!
//! [`parse_order_line`] splits "aqua 600ml 2 dus" into description, quantity and unit;
//! [`normalize`] holds the text rules. Nothing here performs I/O.

pub mod normalize;
mod order_line;

pub use order_line::{OrderLine, parse_order_line};
