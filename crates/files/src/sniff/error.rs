//! The one way sniffing fails. Deliberately without detail: the client learns that the upload
//! is refused, not which detector came closest.

use std::fmt;

/// The bytes are not one of the supported kinds (or the body was empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unrecognized;

impl fmt::Display for Unrecognized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the content is not a supported file type")
    }
}

impl std::error::Error for Unrecognized {}
