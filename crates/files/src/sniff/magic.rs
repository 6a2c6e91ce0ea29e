//! Fixed signatures at fixed offsets: the formats that announce themselves in their first bytes.

use super::FileKind;
use super::verdict::Verdict;

/// A signature is one or more byte runs at given offsets; bytes between runs are free (the
/// RIFF chunk size in WebP, for instance).
struct Signature {
    kind: FileKind,
    parts: &'static [(usize, &'static [u8])],
}

const SIGNATURES: [Signature; 5] = [
    Signature {
        kind: FileKind::Xls, // OLE compound file; legacy Excel
        parts: &[(0, &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])],
    },
    Signature { kind: FileKind::Pdf, parts: &[(0, b"%PDF-")] },
    Signature { kind: FileKind::Png, parts: &[(0, &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A])] },
    Signature { kind: FileKind::Jpeg, parts: &[(0, &[0xFF, 0xD8, 0xFF])] },
    Signature { kind: FileKind::Webp, parts: &[(0, b"RIFF"), (8, b"WEBP")] },
];

/// Enough leading bytes to decide every signature above.
const PREFIX_LEN: usize = 12;

impl Signature {
    fn len(&self) -> usize {
        self.parts.iter().map(|(at, bytes)| at + bytes.len()).max().unwrap_or_default()
    }

    /// Whether the bytes seen so far agree with this signature wherever they overlap it.
    fn agrees_with(&self, seen: &[u8]) -> bool {
        self.parts
            .iter()
            .all(|(at, bytes)| bytes.iter().enumerate().all(|(i, b)| seen.get(at + i).is_none_or(|s| s == b)))
    }
}

/// Keeps only the first [`PREFIX_LEN`] bytes; everything after them cannot change the answer.
#[derive(Debug, Clone)]
pub(super) struct Magic {
    prefix: [u8; PREFIX_LEN],
    len: usize,
    verdict: Verdict,
}

impl Magic {
    pub(super) fn new() -> Self {
        Magic { prefix: [0; PREFIX_LEN], len: 0, verdict: Verdict::Open }
    }

    pub(super) fn verdict(&self) -> Verdict {
        self.verdict
    }

    pub(super) fn feed(&mut self, chunk: &[u8]) {
        if self.verdict != Verdict::Open {
            return;
        }
        let take = chunk.len().min(PREFIX_LEN - self.len);
        self.prefix[self.len..self.len + take].copy_from_slice(&chunk[..take]);
        self.len += take;
        let seen = &self.prefix[..self.len];
        let agreeing = || SIGNATURES.iter().filter(|s| s.agrees_with(seen));
        // The signatures differ in their first byte, so at most one ever agrees: deciding on
        // the first complete one gives the same answer however the bytes were chunked.
        self.verdict = match agreeing().find(|s| self.len >= s.len()) {
            Some(complete) => Verdict::Matched(complete.kind),
            None if agreeing().next().is_some() => Verdict::Open,
            None => Verdict::Rejected,
        };
    }

    /// A body that ended inside a signature does not have it.
    pub(super) fn finish(&self) -> Verdict {
        match self.verdict {
            Verdict::Open => Verdict::Rejected,
            decided => decided,
        }
    }
}
