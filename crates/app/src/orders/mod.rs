//! The Work task `process_order`: an order sheet (an upload) or pasted lines for a customer become
//! a priced draft order. Each line is matched (the customer's stored mapping first, then the
//! matcher, accepted alone only above the calibrated threshold); every unsure line goes into one
//! question with its candidates and the run waits for a person; confirmed choices are learned as
//! mappings; lines are priced from the customer's list, short lines registered as out-of-stock,
//! and the draft written as an .xlsx upload. Deterministic: no language model is involved.
//!
//! Out-of-stock registration is part of the task the person started, so it is their own direct
//! action and needs no approval beyond their role; it is audited under their name.

mod draft;
mod lines;
mod matched;
mod task;

use std::sync::Arc;

use store::Store;

use crate::catalog::CatalogService;
use crate::uploads::UploadService;

pub use lines::MAX_LINES;
pub use task::ProcessOrder;

/// What the task works with.
#[derive(Clone)]
pub struct OrderDeps {
    pub store: Arc<dyn Store>,
    pub catalog: CatalogService,
    pub uploads: UploadService,
    pub oos: crate::sales::OosService,
}
