//! Excel 2007+ workbooks: a ZIP whose entries include `[Content_Types].xml` and something
//! under `xl/`. A plain zip, or a Word document (`word/`), is not an order sheet.
//!
//! The local file headers are read as they stream past; file data is skipped, never kept.
//! When an entry's size is unknown up front (general-purpose flag bit 3, streaming writers),
//! the scanner searches for the next local header signature instead. State is a few dozen
//! bytes whatever the archive's size.

use super::FileKind;
use super::verdict::Verdict;

const LOCAL_HEADER: [u8; 4] = *b"PK\x03\x04";
/// Signatures that follow the last local header: the central directory and its end records.
const AFTER_LAST_ENTRY: [[u8; 4]; 3] = [*b"PK\x01\x02", *b"PK\x05\x06", *b"PK\x06\x06"];
/// The fixed part of a local file header; the name starts right after it.
const FIXED_HEADER_LEN: usize = 30;
const CONTENT_TYPES: &[u8] = b"[Content_Types].xml";
const WORKBOOK_DIR: &[u8] = b"xl/";
/// Only this much of a name can matter: the longest name we compare against.
const KEPT_NAME_LEN: usize = CONTENT_TYPES.len();
const SIZE_IN_DESCRIPTOR: u16 = 1 << 3;
/// The Zip64 marker: the real size is elsewhere, so the size field cannot be used to skip.
const SIZE_IN_ZIP64_EXTRA: u32 = u32::MAX;

#[derive(Debug, Clone)]
enum State {
    /// Reading a local file header's fixed part.
    Header { bytes: [u8; FIXED_HEADER_LEN], len: usize },
    /// Reading an entry name; only its first [`KEPT_NAME_LEN`] bytes are kept.
    Name { kept: [u8; KEPT_NAME_LEN], name_len: usize, read: usize, after: After },
    /// Skipping an extra field and, when its size is known, the entry's data.
    Skip { remaining: u64, then_search: bool },
    /// Looking for the next local header; `matched` signature bytes seen so far.
    Search { matched: usize },
    /// The answer is known; later bytes cannot change it.
    Done,
}

/// What follows an entry's name.
#[derive(Debug, Clone, Copy)]
struct After {
    skip: u64,
    then_search: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Zip {
    state: State,
    /// Whether a local header has been recognised yet; the first must sit at offset 0.
    started: bool,
    has_content_types: bool,
    has_workbook: bool,
    verdict: Verdict,
}

impl Zip {
    pub(super) fn new() -> Self {
        Zip {
            state: State::Header { bytes: [0; FIXED_HEADER_LEN], len: 0 },
            started: false,
            has_content_types: false,
            has_workbook: false,
            verdict: Verdict::Open,
        }
    }

    pub(super) fn verdict(&self) -> Verdict {
        self.verdict
    }

    pub(super) fn feed(&mut self, mut input: &[u8]) {
        while let Some((&byte, rest)) = input.split_first() {
            match &mut self.state {
                State::Done => return,
                // Header and search go byte by byte: both are short or rare.
                State::Header { bytes, len } => {
                    input = rest;
                    bytes[*len] = byte;
                    *len += 1;
                    let (bytes, len) = (*bytes, *len);
                    if len == LOCAL_HEADER.len() {
                        self.on_signature(&bytes[..len]);
                    } else if len == FIXED_HEADER_LEN {
                        self.on_fixed_header(&bytes);
                    }
                }
                State::Search { matched } => {
                    input = rest;
                    *matched = search_step(*matched, byte);
                    if *matched == LOCAL_HEADER.len() {
                        self.state = header_after_signature();
                    }
                }
                State::Name { kept, name_len, read, after } => {
                    let take = input.len().min(*name_len - *read);
                    let keep_until = (*read + take).min(KEPT_NAME_LEN);
                    if *read < keep_until {
                        kept[*read..keep_until].copy_from_slice(&input[..keep_until - *read]);
                    }
                    *read += take;
                    input = &input[take..];
                    if *read == *name_len {
                        let (kept, name_len, after) = (*kept, *name_len, *after);
                        self.on_name(&kept[..name_len.min(KEPT_NAME_LEN)], name_len, after);
                    }
                }
                State::Skip { remaining, then_search } => {
                    let take = usize::try_from(*remaining).map_or(input.len(), |r| r.min(input.len()));
                    *remaining -= take as u64; // usize never exceeds u64
                    input = &input[take..];
                    if *remaining == 0 {
                        self.state = next_entry(*then_search);
                    }
                }
            }
        }
    }

    /// The four bytes where a local header should start.
    fn on_signature(&mut self, signature: &[u8]) {
        if signature == LOCAL_HEADER {
            self.started = true;
        } else if !self.started || AFTER_LAST_ENTRY.iter().any(|s| s == signature) {
            // Not a zip at all, or the last entry went by without the workbook parts.
            self.reject();
        } else {
            // Not where a header should be (say, a data descriptor the flags did not announce):
            // resynchronise on the next signature, starting inside the bytes just read.
            let matched = signature[1..].iter().fold(0, |m, &b| search_step(m, b));
            self.state = State::Search { matched };
        }
    }

    fn on_fixed_header(&mut self, header: &[u8; FIXED_HEADER_LEN]) {
        let u16_at = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
        let u32_at = |at: usize| u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
        let flags = u16_at(6);
        let compressed_size = u32_at(18);
        let name_len = usize::from(u16_at(26));
        let extra_len = u64::from(u16_at(28));
        let size_known = flags & SIZE_IN_DESCRIPTOR == 0 && compressed_size != SIZE_IN_ZIP64_EXTRA;
        let after = After {
            skip: extra_len + if size_known { u64::from(compressed_size) } else { 0 },
            then_search: !size_known,
        };
        if name_len == 0 {
            self.on_name(&[], 0, after);
        } else {
            self.state = State::Name { kept: [0; KEPT_NAME_LEN], name_len, read: 0, after };
        }
    }

    fn on_name(&mut self, kept: &[u8], name_len: usize, after: After) {
        if name_len == CONTENT_TYPES.len() && kept == CONTENT_TYPES {
            self.has_content_types = true;
        }
        if kept.starts_with(WORKBOOK_DIR) {
            self.has_workbook = true;
        }
        if self.has_content_types && self.has_workbook {
            self.verdict = Verdict::Matched(FileKind::Xlsx);
            self.state = State::Done;
        } else if after.skip > 0 {
            self.state = State::Skip { remaining: after.skip, then_search: after.then_search };
        } else {
            self.state = next_entry(after.then_search);
        }
    }

    fn reject(&mut self) {
        self.verdict = Verdict::Rejected;
        self.state = State::Done;
    }

    pub(super) fn finish(&self) -> Verdict {
        match self.verdict {
            Verdict::Open => Verdict::Rejected,
            decided => decided,
        }
    }
}

/// One step of matching [`LOCAL_HEADER`]; its first byte does not recur in it, so on a mismatch
/// only that byte can start a new match.
fn search_step(matched: usize, byte: u8) -> usize {
    if byte == LOCAL_HEADER[matched] { matched + 1 } else { usize::from(byte == LOCAL_HEADER[0]) }
}

fn header_after_signature() -> State {
    let mut bytes = [0; FIXED_HEADER_LEN];
    bytes[..LOCAL_HEADER.len()].copy_from_slice(&LOCAL_HEADER);
    State::Header { bytes, len: LOCAL_HEADER.len() }
}

fn next_entry(search: bool) -> State {
    if search { State::Search { matched: 0 } } else { State::Header { bytes: [0; FIXED_HEADER_LEN], len: 0 } }
}
