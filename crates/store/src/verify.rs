//! Verifying the audit chain through the port, page by page, for any backend and the CLI.

use domain::Result;
use domain::audit::{Report, Verifier};
use domain::sales::limits::MAX_PAGE;

use crate::Audit;

/// Walks the whole log oldest first against the head read at the start. Entries appended during
/// the walk (beyond that head) are left for the next run, so a busy log does not look cut.
pub async fn verify_audit(audit: &dyn Audit) -> Result<Report> {
    let head = audit.audit_head().await?;
    let end = head.map_or(0, |h| h.seq);
    let mut verifier = Verifier::new();
    let mut after = 0;
    loop {
        let page = audit.audit_after(after, MAX_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for entry in page.iter().filter(|e| head.is_none() || e.seq <= end) {
            verifier.push(entry);
        }
        if head.is_some() && after >= end {
            break;
        }
    }
    Ok(verifier.finish(head.as_ref()))
}
