//! Customer import: `customer` (the customer's code) and `price_list` required; `name` and
//! `salesperson` optional.

use crate::error::SheetError;
use crate::parse::Parsed;
use crate::parse::catalog::{MAX_LABEL, MAX_NAME};
use crate::parse::columns::{Spec, optional, required};
use crate::parse::fields::each_row;
use crate::read::Table;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub customer: String,
    pub price_list: String,
    pub name: Option<String>,
    pub salesperson: Option<String>,
}

const SPECS: [Spec; 4] = [required("customer"), required("price_list"), optional("name"), optional("salesperson")];
const CUSTOMER: usize = 0;
const PRICE_LIST: usize = 1;
const NAME: usize = 2;
const SALESPERSON: usize = 3;

pub fn parse_customers(table: &Table) -> Result<Parsed<CustomerRow>, SheetError> {
    each_row(table, &SPECS, |f| {
        let customer = f.text(CUSTOMER, MAX_LABEL, true);
        let price_list = f.text(PRICE_LIST, MAX_LABEL, true);
        let name = f.text(NAME, MAX_NAME, false);
        let salesperson = f.text(SALESPERSON, MAX_LABEL, false);
        match (customer, price_list) {
            (Some(customer), Some(price_list)) => Some(CustomerRow { customer, price_list, name, salesperson }),
            _ => None,
        }
    })
}
