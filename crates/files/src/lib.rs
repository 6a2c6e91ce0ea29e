//! Upload hygiene that must not depend on anything the client claims.
//!
//! The server chooses storage keys itself; the client's file name survives only as display
//! metadata, after [`filename::sanitize`]. The file's type comes from its bytes, via
//! [`sniff::Sniffer`], never from the name or the declared content type.
//!
//! Nothing here performs I/O, so the same code runs in the HTTP layer, in tests and under a fuzzer.

pub mod filename;
pub mod sniff;
