//! Customers, as the import file has them: `customer`, `price_list`, `name`, `salesperson`.

use serde::{Deserialize, Serialize};

use super::limits::{MAX_CODE_CHARS, MAX_NAME_CHARS};
use super::price::DEFAULT_PRICE_LIST;
use super::text::{optional, required};
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    /// The customer code (the import's `customer` column).
    pub code: String,
    pub name: String,
    /// `None`: priced from [`DEFAULT_PRICE_LIST`].
    pub price_list: Option<String>,
    pub salesperson: Option<String>,
}

impl Customer {
    pub fn clean(&self) -> Result<Customer> {
        Ok(Customer {
            code: required("customer", &self.code, MAX_CODE_CHARS)?,
            name: required("name", &self.name, MAX_NAME_CHARS)?,
            price_list: optional("price_list", self.price_list.as_deref(), MAX_CODE_CHARS)?,
            salesperson: optional("salesperson", self.salesperson.as_deref(), MAX_CODE_CHARS)?,
        })
    }

    /// The list this customer is priced from.
    pub fn effective_price_list(&self) -> &str {
        self.price_list.as_deref().unwrap_or(DEFAULT_PRICE_LIST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_without_a_list_uses_the_default() {
        let c =
            Customer { code: "C1".into(), name: "Toko Maju".into(), price_list: Some(" ".into()), salesperson: None }
                .clean()
                .unwrap();
        assert_eq!(c.effective_price_list(), "default");
        let c = Customer { price_list: Some("grosir".into()), ..c };
        assert_eq!(c.effective_price_list(), "grosir");
    }
}
