//! CSV: UTF-8 (a BOM is tolerated), `,` or `;` as delimiter, decided from the header line.
//! Records are read as bytes so that a non-UTF-8 file is reported with the row it breaks in.

use crate::error::SheetError;
use crate::limits::Limits;
use crate::read::Table;
use crate::read::builder::Builder;

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(super) fn read(bytes: &[u8], limits: &Limits) -> Result<Table, SheetError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(detect_delimiter(bytes))
        .from_reader(bytes);
    let mut builder = Builder::new(limits);
    let mut record = csv::ByteRecord::new();
    // Quoted line breaks make one record span several lines, but a spreadsheet shows it as one row.
    let mut embedded_newlines = 0u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(SheetError::Unreadable { reason: "the CSV structure is broken" }),
        }
        let line = record.position().map_or(1, |p| p.line() + blank_lines_at(bytes, p.byte()));
        let row = usize::try_from(line.saturating_sub(embedded_newlines)).unwrap_or(usize::MAX);
        embedded_newlines += record.iter().map(|f| f.iter().filter(|b| **b == b'\n').count() as u64).sum::<u64>();
        let mut cells = Vec::with_capacity(record.len().min(limits.max_columns));
        for field in record.iter().take(limits.max_columns) {
            let text = std::str::from_utf8(field).map_err(|_| SheetError::NotUtf8 { row })?;
            cells.push(builder.text(text));
        }
        // The rest of an over-wide row is still checked: a bad byte anywhere is the file's problem.
        if record.iter().skip(limits.max_columns).any(|f| std::str::from_utf8(f).is_err()) {
            return Err(SheetError::NotUtf8 { row });
        }
        builder.push(row, cells, record.len() > limits.max_columns)?;
    }
    builder.finish()
}

/// Blank lines the reader skipped before a record: its position points at the first of them.
fn blank_lines_at(bytes: &[u8], at: u64) -> u64 {
    let rest = usize::try_from(at).ok().and_then(|at| bytes.get(at..)).unwrap_or_default();
    rest.iter().take_while(|b| matches!(b, b'\r' | b'\n')).filter(|b| **b == b'\n').count() as u64
}

/// `;` when the first line (outside quotes) has more semicolons than commas, else `,`.
/// Excel writes `;` where the locale's decimal separator is `,` (Indonesia among them).
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

#[cfg(test)]
mod tests {
    use super::detect_delimiter;

    #[test]
    fn delimiter_follows_the_header_line_outside_quotes() {
        assert_eq!(detect_delimiter(b"sku;name;unit\n1,2,3,4,5"), b';');
        assert_eq!(detect_delimiter(b"sku,name,unit\n1;2;3;4"), b',');
        assert_eq!(detect_delimiter(b"\"a;b;c\",d\n"), b',');
        assert_eq!(detect_delimiter(b"single\n"), b',');
    }
}
