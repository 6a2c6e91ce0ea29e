//! Bounds an .xlsx before calamine opens it. calamine trusts the archive: it inflates whole
//! parts into memory and reserves room for as many shared strings as the file claims, so a
//! small hostile file could exhaust memory. Here every part is inflated once into nothing,
//! counting bytes, and the shared-strings count is checked. Same zip crate, same parsing.

use std::io::{Cursor, Read};

use quick_xml::events::Event;

use crate::error::SheetError;
use crate::limits::Limits;

/// Parts in a workbook; real ones have a few dozen.
const MAX_ENTRIES: usize = 10_000;
/// How far into sharedStrings.xml its `<sst>` element must start.
const SST_HEAD_BYTES: u64 = 64 * 1024;

const DAMAGED: SheetError = SheetError::Unreadable { reason: "the .xlsx file is damaged or not a workbook" };

pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| DAMAGED)?;
    if archive.len() > MAX_ENTRIES {
        return Err(SheetError::TooBig { what: "too many parts in the workbook" });
    }
    let mut budget = limits.max_unzipped_bytes;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| DAMAGED)?;
        let name = entry.name().map(|n| n.to_ascii_lowercase()).map_err(|_| DAMAGED)?;
        if name.ends_with("sharedstrings.xml") {
            let mut head = Vec::new();
            (&mut entry).take(SST_HEAD_BYTES).read_to_end(&mut head).map_err(|_| DAMAGED)?;
            budget = spend(budget, head.len())?;
            check_shared_strings_head(&head, limits)?;
        }
        loop {
            let n = entry.read(&mut buf).map_err(|_| DAMAGED)?;
            if n == 0 {
                break;
            }
            budget = spend(budget, n)?;
        }
    }
    Ok(())
}

fn spend(budget: u64, n: usize) -> Result<u64, SheetError> {
    budget.checked_sub(n as u64).ok_or(SheetError::TooBig { what: "it expands to too much data" })
}

/// calamine reserves `uniqueCount` strings up front; a claim beyond what the cell limit could
/// ever use is refused (as is an `<sst>` hidden beyond the head, which no real writer produces).
fn check_shared_strings_head(head: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let mut reader = quick_xml::Reader::from_reader(head);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                for attr in e.attributes().with_checks(false) {
                    let attr = attr.map_err(|_| DAMAGED)?;
                    if attr.key.local_name().as_ref() == "uniqueCount" && !count_is_sane(attr.value.as_bytes(), limits)
                    {
                        return Err(SheetError::TooBig { what: "it declares too many distinct texts" });
                    }
                }
                return Ok(());
            }
            Ok(Event::Eof) | Err(_) => return Err(DAMAGED),
            Ok(_) => {}
        }
    }
}

/// Plain digits, at most the cell limit. Real writers write nothing else; refusing any other
/// spelling means no form calamine might parse to a huge number slips through.
fn count_is_sane(raw: &[u8], limits: &Limits) -> bool {
    let significant = raw.iter().skip_while(|d| **d == b'0').count();
    raw.iter().all(u8::is_ascii_digit)
        && significant <= 12
        && std::str::from_utf8(raw)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .is_some_and(|n| n <= limits.max_cells as u64)
}
