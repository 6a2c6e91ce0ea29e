//! Caps applied while reading, before memory is spent. The defaults fit the largest import the
//! sales team sends (a full catalog or a year of sales) with room to spare, and keep the worst
//! hostile file to a few hundred MiB of memory.

/// Hard limits for [`crate::read_table_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of the uploaded file.
    pub max_bytes: usize,
    /// Data rows (the header row not counted).
    pub max_rows: usize,
    /// Columns read; cells further right are ignored.
    pub max_columns: usize,
    /// Characters in one cell; a longer cell is kept only as "too long" and reported per row.
    pub max_cell_chars: usize,
    /// Cells held in memory (every row counted up to its last non-empty cell).
    pub max_cells: usize,
    /// Text held in memory, in bytes: shared strings in .xlsx can repeat one long text everywhere.
    pub max_text_bytes: usize,
    /// What an .xlsx may decompress to in total: the zip-bomb bound.
    pub max_unzipped_bytes: u64,
    /// Sheets in a legacy .xls (calamine expands every sheet of one, not just the first).
    pub max_xls_sheets: usize,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_bytes: 32 * 1024 * 1024,
        max_rows: 500_000,
        max_columns: 200,
        // Excel's own limit for one cell.
        max_cell_chars: 32_767,
        max_cells: 6_000_000,
        max_text_bytes: 192 * 1024 * 1024,
        max_unzipped_bytes: 320 * 1024 * 1024,
        max_xls_sheets: 64,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
