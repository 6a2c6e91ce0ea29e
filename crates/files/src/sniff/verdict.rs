//! What one detector currently thinks of the bytes seen so far.

use super::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Still possible; more bytes needed.
    Open,
    /// Ruled out for good: no continuation can make it match.
    Rejected,
    /// Matched for good: no continuation can undo it.
    Matched(FileKind),
}
