//! What an upload really is, decided from its bytes as they stream in.
//!
//! The client's file name and declared content type are not trusted: a renamed executable stays
//! an executable. Each supported kind has a detector; binary signatures outrank text because
//! "%PDF-" is also valid UTF-8. Detection never buffers the body, so it can run alongside the
//! upload and stop it as soon as no supported kind is possible.

mod error;
mod kind;
mod magic;
mod sniffer;
mod text;
mod verdict;
mod zip;

pub use error::Unrecognized;
pub use kind::FileKind;
pub use sniffer::Sniffer;

/// Convenience over a whole buffer.
pub fn sniff(bytes: &[u8]) -> Result<FileKind, Unrecognized> {
    let mut sniffer = Sniffer::new();
    sniffer.feed(bytes)?;
    sniffer.finish()
}
