//! Plain text (notes, CSV exports): valid UTF-8 without control bytes that no text needs.
//!
//! Validated incrementally; a multibyte char split between chunks is carried over (at most
//! three bytes), so memory stays constant and invalid bytes are caught in the chunk they
//! arrive in.

use std::str;

use super::FileKind;
use super::verdict::Verdict;

/// C0 controls that real text files contain: TAB, LF, FF and CR. NUL in particular marks a
/// binary (or UTF-16) file.
fn is_allowed_control(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | 0x0C | b'\r')
}

fn has_forbidden_control(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| b < 0x20 && !is_allowed_control(b))
}

#[derive(Debug, Clone)]
pub(super) struct Text {
    /// The start of a char whose remaining bytes have not arrived yet.
    pending: [u8; 4],
    pending_len: usize,
    seen_any: bool,
    rejected: bool,
}

impl Text {
    pub(super) fn new() -> Self {
        Text { pending: [0; 4], pending_len: 0, seen_any: false, rejected: false }
    }

    /// Text can only be ruled out while streaming; it is confirmed by [`Text::finish`].
    pub(super) fn verdict(&self) -> Verdict {
        if self.rejected { Verdict::Rejected } else { Verdict::Open }
    }

    pub(super) fn feed(&mut self, chunk: &[u8]) {
        if self.rejected || chunk.is_empty() {
            return;
        }
        self.seen_any = true;
        let rest = self.complete_pending(chunk);
        if self.rejected || self.pending_len > 0 {
            return;
        }
        if has_forbidden_control(rest) {
            self.rejected = true;
            return;
        }
        if let Err(e) = str::from_utf8(rest) {
            match e.error_len() {
                Some(_) => self.rejected = true,
                // Only the chunk ended: keep the incomplete char for the next one.
                None => {
                    let tail = &rest[e.valid_up_to()..];
                    self.pending[..tail.len()].copy_from_slice(tail);
                    self.pending_len = tail.len();
                }
            }
        }
    }

    /// Feeds bytes into a char split across chunks until it is complete or proven invalid;
    /// returns what is left of the chunk.
    fn complete_pending<'a>(&mut self, mut chunk: &'a [u8]) -> &'a [u8] {
        while self.pending_len > 0 {
            let Some((&byte, rest)) = chunk.split_first() else {
                break;
            };
            chunk = rest;
            self.pending[self.pending_len] = byte;
            self.pending_len += 1;
            match str::from_utf8(&self.pending[..self.pending_len]) {
                Ok(_) => self.pending_len = 0,
                Err(e) if e.error_len().is_some() => {
                    self.rejected = true;
                    break;
                }
                Err(_) => {} // still a valid prefix; a char is at most four bytes
            }
        }
        chunk
    }

    /// Text if every byte was valid and the body did not stop inside a char.
    pub(super) fn finish(&self) -> Verdict {
        if self.seen_any && !self.rejected && self.pending_len == 0 {
            Verdict::Matched(FileKind::Text)
        } else {
            Verdict::Rejected
        }
    }
}
