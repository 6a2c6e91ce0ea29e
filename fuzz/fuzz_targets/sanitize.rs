//! Any bytes as a client file name: the result must be safe, stable under re-sanitizing, and
//! give a header value of visible ASCII only.

#![no_main]

use files::filename::{content_disposition, is_safe, sanitize, sanitize_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let name = sanitize_bytes(data);
    assert!(is_safe(&name), "unsafe output {name:?}");
    assert_eq!(sanitize(&name), name, "not idempotent");
    let header = content_disposition(&name);
    assert!(
        header.bytes().all(|b| (0x20..0x7F).contains(&b)),
        "header {header:?}"
    );
});
