//! Verifying the audit chain through the port, page by page, for any backend and the CLI.

use domain::Result;
use domain::audit::{Report, Verifier};
use domain::sales::limits::MAX_PAGE;

use crate::Audit;

/// Walks the whole log oldest first and compares its end with the head record. Entries appended
/// while the walk runs move the head on, and the walk follows; entries past a head that does not
/// move were written by no append, and are walked so the mismatch shows.
pub async fn verify_audit(audit: &dyn Audit) -> Result<Report> {
    let mut head = audit.audit_head().await?;
    let mut end = head.map_or(u64::MAX, |h| h.seq);
    let mut verifier = Verifier::new();
    let mut after = 0;
    loop {
        let page = audit.audit_after(after, MAX_PAGE).await?;
        if page.is_empty() {
            break;
        }
        for entry in page.iter().take_while(|e| e.seq <= end) {
            verifier.push(entry);
            after = entry.seq;
        }
        if page.iter().all(|e| e.seq <= end) {
            continue;
        }
        let newer = audit.audit_head().await?;
        if newer == head {
            end = u64::MAX;
        } else {
            head = newer;
            end = head.map_or(u64::MAX, |h| h.seq);
        }
    }
    Ok(verifier.finish(head.as_ref()))
}
