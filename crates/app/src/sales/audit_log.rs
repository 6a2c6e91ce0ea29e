//! Reading the audit log: administrators only, newest first, by action or action family.

use std::sync::Arc;

use domain::audit::AuditEntry;
use domain::sales::limits;
use domain::{Error, Principal, Result, Role};
use store::{AuditQuery, Store};

/// Longest action filter accepted (`price.update`, or a family such as `price.`).
pub const MAX_ACTION_FILTER_CHARS: usize = 64;

#[derive(Clone)]
pub struct AuditLogService {
    store: Arc<dyn Store>,
}

impl AuditLogService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    pub async fn list(
        &self,
        caller: &Principal,
        action: Option<&str>,
        before_seq: Option<u64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>> {
        caller.require(Role::Admin)?;
        if let Some(action) = action {
            let plain = action.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
            if action.is_empty() || action.len() > MAX_ACTION_FILTER_CHARS || !plain {
                return Err(Error::validation(format!(
                    "action: 1 to {MAX_ACTION_FILTER_CHARS} lower-case letters, digits, '.' or '_'"
                )));
            }
        }
        let query = AuditQuery { action: action.map(str::to_owned), before_seq, limit: limits::page_size(limit) };
        self.store.list_audit(&query).await
    }
}
