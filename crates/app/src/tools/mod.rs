//! The sales tools of the assistant (chat and the `agent` Work task) and what executes them.

mod defs;
mod executor;

pub use defs::registry;
pub use executor::{LateRuns, SalesTools};

#[cfg(test)]
mod tests {
    #[test]
    fn every_tool_definition_is_accepted() {
        let registry = super::registry();
        for name in ["search_items", "get_price", "sales_report", "register_oos", "update_price", "process_order"] {
            assert!(registry.get(name).is_some(), "{name}");
        }
    }
}
