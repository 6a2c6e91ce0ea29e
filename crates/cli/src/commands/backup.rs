//! `agent-team backup --out FILE` and `agent-team restore FILE`: one archive holding a consistent
//! snapshot of the database and the objects its rows reference (format and guarantees:
//! `store::backup`).
//!
//! The archive holds password hashes and API-key hashes: it is created with mode 0600, written
//! to a temporary file beside FILE, fsynced and renamed into place, so a failed backup never
//! leaves a partial file under FILE. With `--out -` it goes to stdout (pipe it into age or gpg);
//! a failed backup then exits non-zero and whatever was written must be discarded.
//!
//! Exit codes: 0 done; 1 failed (a damaged archive, an unreachable store, a full disk); 2 a
//! configuration error, or a restore refused because the deployment is not empty.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use config::Settings;
use domain::{Error, ErrorCode};
use store::backup::{self, BackupSummary, Database};
use store::objects::ObjectStore;

use crate::logging::Sink;
use crate::wiring;

mod output;

#[derive(Args)]
pub struct BackupArgs {
    /// Where to write the archive (created 0600); `-` for stdout.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// An archive made by `agent-team backup`.
    file: PathBuf,
}

pub async fn backup(args: BackupArgs) -> ExitCode {
    let (settings, _log) = match wiring::settings_and_logs(Sink::Stderr) {
        Ok(wired) => wired,
        Err(code) => return code,
    };
    let (db, objects) = match stores(&settings, false).await {
        Ok(stores) => stores,
        Err(code) => return code,
    };
    let to_stdout = args.out.as_os_str() == "-";
    let result = if to_stdout {
        let mut stdout = tokio::io::stdout();
        backup::create(&db, &*objects, &std::env::temp_dir(), &mut stdout).await
    } else {
        to_file(&db, &*objects, &args.out).await
    };
    match result {
        Ok(summary) => {
            let line = describe(&summary, &args.out);
            if to_stdout {
                eprintln!("{line}");
            } else {
                print_out(&line);
            }
            tracing::info!(
                rows = summary.rows,
                objects = summary.objects,
                migration = summary.migration_version,
                "backup written"
            );
            ExitCode::SUCCESS
        }
        Err(err) => failed("backup failed", &err),
    }
}

async fn to_file(db: &Database, objects: &dyn ObjectStore, out: &Path) -> Result<BackupSummary, Error> {
    let mut file = output::Partial::create(out).await?;
    let dir = file.dir().to_owned();
    let result = backup::create(db, objects, &dir, file.writer()).await;
    match result {
        Ok(summary) => {
            file.persist().await?;
            Ok(summary)
        }
        Err(err) => {
            file.discard().await;
            Err(err)
        }
    }
}

fn describe(s: &BackupSummary, out: &Path) -> String {
    let target = if out.as_os_str() == "-" { "stdout".to_owned() } else { out.display().to_string() };
    format!(
        "backup written to {target}: {} rows in {} tables, {} objects ({} bytes), migration {}",
        s.rows, s.tables, s.objects, s.object_bytes, s.migration_version
    )
}

pub async fn restore(args: RestoreArgs) -> ExitCode {
    let (settings, _log) = match wiring::settings_and_logs(Sink::Stderr) {
        Ok(wired) => wired,
        Err(code) => return code,
    };
    // Checked in full before the database or the object store is even opened.
    let verified = match backup::verify(&args.file).await {
        Ok(verified) => verified,
        Err(err) => return failed("nothing restored", &err),
    };
    if let Err(err) = std::fs::create_dir_all(&settings.data_dir) {
        tracing::error!(data_dir = %settings.data_dir.display(), error = %err, "cannot create DATA_DIR");
        return ExitCode::FAILURE;
    }
    let (db, objects) = match stores(&settings, true).await {
        Ok(stores) => stores,
        Err(code) => return code,
    };
    let source = verified.manifest().source_backend.clone();
    let taken = verified.manifest().created_at;
    match backup::restore(&db, &*objects, &args.file, verified).await {
        Ok(s) => {
            print_out(&format!(
                "restored {} rows in {} tables and {} objects from {} ({source} backup taken {})",
                s.rows,
                s.tables,
                s.objects,
                args.file.display(),
                taken.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ));
            tracing::info!(rows = s.rows, objects = s.objects, "restore complete");
            ExitCode::SUCCESS
        }
        Err(err) if err.code() == ErrorCode::Conflict => {
            eprintln!("error: {}; nothing restored", err.detail());
            ExitCode::from(2)
        }
        Err(err) => failed("nothing restored", &err),
    }
}

/// The database and the object store. A backup needs a database that exists; a restore may
/// create the SQLite file.
async fn stores(settings: &Settings, create: bool) -> Result<(Database, Arc<dyn ObjectStore>), ExitCode> {
    let db = if create {
        Database::open(&settings.database_url).await
    } else {
        Database::open_existing(&settings.database_url).await
    };
    let db = db.map_err(|err| failed("cannot open the database", &err))?;
    let objects = store::objects::open(&settings.object_store_url, &settings.s3)
        .await
        .map_err(|err| failed("cannot open the object store", &err))?;
    Ok((db, objects))
}

/// Prints the client-safe detail; the whole cause goes to the log when it is ours.
fn failed(context: &str, err: &Error) -> ExitCode {
    eprintln!("error: {context}: {}", err.detail());
    if err.code().is_internal() || err.code() == ErrorCode::Unavailable {
        tracing::error!(error = %err, "{context}");
    }
    ExitCode::FAILURE
}

#[allow(clippy::print_stdout, reason = "the summary is the command's output")]
fn print_out(line: &str) {
    println!("{line}");
}
