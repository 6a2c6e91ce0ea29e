//! `agent-team import catalog|prices|customers|sales FILE`: a bulk import from .csv, .xlsx or
//! .xls. Bad rows go to stderr as `row N, column C: message`; the summary goes to stdout. Any bad
//! row means nothing is written and a non-zero exit, unless `--partial`, which writes the good
//! rows and lists the bad ones.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use app::sales::{ImportKind, ImportOutcome};
use clap::{Args, ValueEnum};
use domain::audit::Actor;

use crate::logging::Sink;
use crate::progress::Bar;
use crate::wiring;

/// The largest file read; the sheet reader refuses more anyway, this stops reading early.
const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Clone, Copy, ValueEnum)]
pub enum Kind {
    /// sku, name, unit [, brand, category, barcode, aliases (a|b), stock, warehouse]
    Catalog,
    /// price_list, sku, price [, currency (IDR), effective_from]
    Prices,
    /// customer, price_list [, name, salesperson]
    Customers,
    /// date, customer, sku, quantity, unit_price [, salesperson, invoice]
    Sales,
}

#[derive(Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    kind: Kind,
    /// A .csv (UTF-8), .xlsx or .xls file; the first row names the columns.
    file: PathBuf,
    /// Import the good rows even when some are bad (the bad ones are listed and left out).
    #[arg(long)]
    partial: bool,
}

impl Kind {
    fn service_kind(self) -> ImportKind {
        match self {
            Kind::Catalog => ImportKind::Catalog,
            Kind::Prices => ImportKind::Prices,
            Kind::Customers => ImportKind::Customers,
            Kind::Sales => ImportKind::Sales,
        }
    }
}

pub async fn run(args: ImportArgs) -> ExitCode {
    let bytes = match read_capped(&args.file) {
        Ok(bytes) => bytes,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    let (app, _log) = match wiring::app(Sink::Stderr, true).await {
        Ok(wired) => wired,
        Err(code) => return code,
    };
    let kind = args.kind.service_kind();
    let mut bar = Bar::stderr();
    let mut on_progress = |p| bar.update(p);
    let result = app.sales.import.import(kind, &bytes, args.partial, &Actor::system("cli"), &mut on_progress).await;
    bar.finish();
    match result {
        Ok(outcome) => report(kind, &args, &outcome),
        Err(err) => {
            eprintln!("error: {}", err.detail());
            if err.code().is_internal() {
                tracing::error!(error = %err, "import failed");
            }
            println_out("nothing imported");
            ExitCode::FAILURE
        }
    }
}

fn report(kind: ImportKind, args: &ImportArgs, outcome: &ImportOutcome) -> ExitCode {
    {
        let mut err = std::io::stderr().lock();
        for e in &outcome.errors {
            let _ = match &e.column {
                Some(column) => writeln!(err, "row {}, column {column}: {}", e.row, e.message),
                None => writeln!(err, "row {}: {}", e.row, e.message),
            };
        }
        let unlisted = outcome.error_count.saturating_sub(outcome.errors.len() as u64);
        if unlisted > 0 {
            let _ = writeln!(err, "… and {unlisted} more problems");
        }
    }
    let bad = outcome.error_count;
    let file = args.file.display();
    if outcome.imported == 0 {
        let hint =
            if bad > 0 && !args.partial { "; fix the rows above, or use --partial to import the rest" } else { "" };
        println_out(&format!(
            "nothing imported from {file}: {bad} problem(s) in {} row(s){hint}",
            outcome.rows_in_file
        ));
        return ExitCode::FAILURE;
    }
    let mut line = format!("imported {} {} row(s) from {file}", outcome.imported, kind.as_str());
    if outcome.stock_levels > 0 {
        line.push_str(&format!(", {} stock level(s)", outcome.stock_levels));
    }
    if bad > 0 {
        line.push_str(&format!("; skipped rows with {bad} problem(s)"));
    }
    if let Some(version) = outcome.catalog_version {
        line.push_str(&format!(" (catalog version {version})"));
    }
    println_out(&line);
    ExitCode::SUCCESS
}

#[allow(clippy::print_stdout, reason = "the summary is the command's output")]
fn println_out(line: &str) {
    println!("{line}");
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("{} is larger than {} MB", path.display(), MAX_FILE_BYTES / (1024 * 1024)));
    }
    Ok(bytes)
}
