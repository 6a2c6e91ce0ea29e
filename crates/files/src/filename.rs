//! Client-supplied file names, reduced to something safe to show, log and send back in a header.
//!
//! The name is display metadata only: storage keys are chosen by the server, so nothing here has
//! to be a valid path. What it must never be is a path *component* that means something else
//! (`..`, a device, a hidden file), text that lies about itself (bidi overrides, invisible or
//! look-alike characters), or bytes that break a header or a log line (CR, LF, NUL, quotes).

mod chars;
#[cfg(any(test, feature = "corpus"))]
mod corpus;
mod device;
mod disposition;
mod length;

use unicode_normalization::{UnicodeNormalization, is_nfc};

use chars::{is_edge_space, is_removed, is_replaced, is_separator};
#[cfg(any(test, feature = "corpus"))]
pub use corpus::hostile_corpus;
use device::is_device_name;
pub use disposition::content_disposition;

/// Longest display name kept, in bytes; well under every file system's 255-byte limit.
pub const MAX_NAME_BYTES: usize = 200;

/// What a name becomes when nothing displayable is left of it.
pub const DEFAULT_NAME: &str = "upload";

/// Any client-supplied name -> a safe display name. Never fails, never empty.
///
/// The output always satisfies [`is_safe`], and `sanitize(&sanitize(x)) == sanitize(x)`.
/// Percent-encoding is deliberately not decoded: `%2e%2e%2f` stays literal text, which is
/// harmless because no separator survives.
pub fn sanitize(raw: &str) -> String {
    // Only the last segment can be a file name; whatever precedes it is a path we never honour.
    let segment = raw.rsplit(is_separator).next().unwrap_or_default();
    let composed: String = segment.nfc().collect();
    let cleaned: String =
        composed.chars().filter(|&c| !is_removed(c)).map(|c| if is_replaced(c) { '_' } else { c }).collect();
    // Dropping an invisible char can bring a letter and its combining mark together again.
    let cleaned = if is_nfc(&cleaned) { cleaned } else { cleaned.nfc().collect() };
    let shaped = shape(cleaned);
    // The rules above must already guarantee safety; tests, proptests and the fuzzer run with
    // debug assertions, so a gap in the rules fails them loudly instead of hiding behind the net.
    debug_assert!(is_safe(&shaped), "sanitize produced an unsafe name: {shaped:?}");
    // Belt and braces in release builds: show a neutral name rather than an unsafe one.
    if is_safe(&shaped) { shaped } else { DEFAULT_NAME.to_owned() }
}

/// The same for raw bytes (lossy UTF-8 decode first), for fuzzing and for non-UTF-8 multipart names.
pub fn sanitize_bytes(raw: &[u8]) -> String {
    sanitize(&String::from_utf8_lossy(raw))
}

/// The invariant every output of [`sanitize`] satisfies (used by tests, proptest and the fuzz target).
pub fn is_safe(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name != "."
        && name != ".."
        && !name.starts_with('.')
        && !name.starts_with(is_edge_space)
        && !name.ends_with(|c| is_edge_space(c) || c == '.')
        && name.chars().all(|c| !is_separator(c) && !is_removed(c) && !is_replaced(c))
        && !is_device_name(name)
        && is_nfc(name)
}

/// Trims the edges, defuses hidden-file and device names, and caps the length.
///
/// Repeated until nothing changes because capping can expose a trailing space or dot, and
/// trimming that can in turn expose a device name. Each pass either shrinks the name or adds the
/// single '_' prefix (after which no prefix rule fires again), so a handful of passes suffices.
fn shape(mut name: String) -> String {
    for _ in 0..8 {
        let next = shape_once(&name);
        if next == name {
            break;
        }
        name = next;
    }
    name
}

fn shape_once(name: &str) -> String {
    let trimmed = name.trim_start_matches(is_edge_space).trim_end_matches(|c| is_edge_space(c) || c == '.');
    // ".", ".." and names made only of dots and spaces all end up here.
    if trimmed.is_empty() {
        return DEFAULT_NAME.to_owned();
    }
    let mut out = String::with_capacity(trimmed.len() + 1);
    if trimmed.starts_with('.') || is_device_name(trimmed) {
        out.push('_');
    }
    out.push_str(trimmed);
    length::cap(&out)
}
