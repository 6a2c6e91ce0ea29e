//! Building test files in code.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use sheets::{Table, TableKind};

/// A cell to put into a generated .xlsx.
pub enum X<'a> {
    S(&'a str),
    N(f64),
    /// A real date cell (y, m, d).
    D(u16, u8, u8),
    Blank,
}

/// An .xlsx whose first sheet holds `rows` from A1.
pub fn xlsx(rows: &[Vec<X<'_>>]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell {
                X::S(s) => sheet.write_string(r, c, *s).map(|_| ()),
                X::N(n) => sheet.write_number(r, c, *n).map(|_| ()),
                X::D(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    sheet.write_datetime_with_format(r, c, &dt, &date).map(|_| ())
                }
                X::Blank => Ok(()),
            }
            .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

pub fn csv(text: &str) -> Table {
    sheets::read_table(text.as_bytes(), Some(TableKind::Csv)).unwrap()
}
