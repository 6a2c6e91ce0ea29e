//! The streaming front: every detector sees every chunk until one of them is sure.

use super::magic::Magic;
use super::text::Text;
use super::verdict::Verdict;
use super::zip::Zip;
use super::{FileKind, Unrecognized};

/// Incremental sniffer: the body streams through it chunk by chunk (chunks of ANY size, including 1 byte) alongside the upload; memory stays bounded (a few KiB) whatever the file size.
///
/// The answer depends only on the bytes, never on how they were split into chunks.
#[derive(Debug, Clone)]
pub struct Sniffer {
    magic: Magic,
    zip: Zip,
    text: Text,
    /// Set once the answer can no longer change; later chunks are ignored.
    decided: Option<Result<FileKind, Unrecognized>>,
}

impl Default for Sniffer {
    fn default() -> Self {
        Sniffer::new()
    }
}

impl Sniffer {
    pub fn new() -> Self {
        Sniffer { magic: Magic::new(), zip: Zip::new(), text: Text::new(), decided: None }
    }

    /// Err as soon as the bytes seen rule out every kind (e.g. an ELF header, or invalid UTF-8 in a file that matched no binary magic), so the upload can stop early.
    ///
    /// Once it has returned Err it keeps doing so.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), Unrecognized> {
        if let Some(decided) = self.decided {
            return decided.map(|_| ());
        }
        self.magic.feed(chunk);
        self.zip.feed(chunk);
        self.text.feed(chunk);
        // Binary signatures outrank text ("%PDF-" is valid UTF-8); they never both match
        // because their first bytes differ.
        let binary = [self.magic.verdict(), self.zip.verdict()];
        if let Some(kind) = binary.into_iter().find_map(matched) {
            self.decided = Some(Ok(kind));
        } else if binary.into_iter().chain([self.text.verdict()]).all(|v| v == Verdict::Rejected) {
            self.decided = Some(Err(Unrecognized));
        }
        match self.decided {
            Some(Err(unrecognized)) => Err(unrecognized),
            Some(Ok(_)) | None => Ok(()),
        }
    }

    /// After the last chunk. An empty body is Err.
    pub fn finish(self) -> Result<FileKind, Unrecognized> {
        if let Some(decided) = self.decided {
            return decided;
        }
        [self.magic.finish(), self.zip.finish(), self.text.finish()].into_iter().find_map(matched).ok_or(Unrecognized)
    }
}

fn matched(verdict: Verdict) -> Option<FileKind> {
    match verdict {
        Verdict::Matched(kind) => Some(kind),
        Verdict::Open | Verdict::Rejected => None,
    }
}
