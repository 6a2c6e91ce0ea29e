//! Writes the synthetic benchmark data as JSON Lines for tools outside Rust (the Python references):
//! `catalog.jsonl`, `calibration.jsonl` and `test.jsonl` in the directory given.
//!
//! Usage: `matching-data DIR [ITEMS [LINES]]` (defaults 100000 items, 20000 lines per split).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use matching::synth::{self, CALIBRATION_SEED, CATALOG_SEED, TEST_SEED};
use serde::Serialize;

fn write_jsonl<T: Serialize>(path: &Path, rows: &[T]) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BufWriter::new(file);
    for row in rows {
        let line = serde_json::to_string(row).map_err(|e| e.to_string())?;
        writeln!(out, "{line}").map_err(|e| format!("{}: {e}", path.display()))?;
    }
    out.flush().map_err(|e| format!("{}: {e}", path.display()))
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().ok_or("usage: matching-data DIR [ITEMS [LINES]]")?;
    let number = |i: usize, default: usize| -> Result<usize, String> {
        args.get(i).map_or(Ok(default), |s| s.parse().map_err(|_| format!("not a count: {s}")))
    };
    let (items, lines) = (number(1, 100_000)?, number(2, 20_000)?);
    let dir = Path::new(dir);
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let catalog = synth::catalog(CATALOG_SEED, items);
    write_jsonl(&dir.join("catalog.jsonl"), &synth::entries(&catalog))?;
    write_jsonl(&dir.join("calibration.jsonl"), &synth::order_lines(&catalog, CALIBRATION_SEED, lines))?;
    write_jsonl(&dir.join("test.jsonl"), &synth::order_lines(&catalog, TEST_SEED, lines))?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("matching-data: {e}");
            ExitCode::FAILURE
        }
    }
}
