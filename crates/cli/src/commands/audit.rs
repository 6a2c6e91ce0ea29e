//! `agent-team audit verify`: walks the whole audit log and checks its hash chain and head record.
//! Exit 0 when intact; 1 with every problem listed (which entry, what kind) when not.

use std::process::ExitCode;

use clap::Subcommand;
use domain::audit::Problem;

use crate::logging::Sink;
use crate::wiring;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain end to end; non-zero exit on any break.
    Verify,
}

pub async fn run(command: AuditCommand) -> ExitCode {
    let AuditCommand::Verify = command;
    let (app, _log) = match wiring::app(Sink::Stderr, false).await {
        Ok(wired) => wired,
        Err(code) => return code,
    };
    let report = match store::verify_audit(&*app.store).await {
        Ok(report) => report,
        Err(err) => {
            eprintln!("error: cannot read the audit log: {}", err.detail());
            tracing::error!(error = %err, "audit verification failed to run");
            return ExitCode::FAILURE;
        }
    };
    let last = report.last_seq.map_or_else(|| "none".to_owned(), |s| s.to_string());
    if report.is_intact() {
        out(&format!("audit log intact: {} entries, last seq {last}", report.entries));
        return ExitCode::SUCCESS;
    }
    for problem in &report.problems {
        out(&describe(problem));
    }
    let unlisted = report.problem_count.saturating_sub(report.problems.len() as u64);
    if unlisted > 0 {
        out(&format!("… and {unlisted} more problems"));
    }
    out(&format!(
        "audit log BROKEN: {} problem(s) in {} entries, last seq {last}",
        report.problem_count, report.entries
    ));
    ExitCode::FAILURE
}

fn describe(problem: &Problem) -> String {
    match problem {
        Problem::HashMismatch { seq } => format!("seq {seq}: hash_mismatch (the entry was changed)"),
        Problem::PrevHashMismatch { seq } => {
            format!("seq {seq}: prev_hash_mismatch (an entry before it was changed, inserted, deleted or moved)")
        }
        Problem::SeqGap { expected, found } => {
            format!("seq {found}: seq_gap (expected seq {expected}; entries deleted)")
        }
        Problem::SeqOutOfOrder { after, found } => {
            format!("seq {found}: seq_out_of_order (after seq {after}; inserted or reordered)")
        }
        Problem::HeadMismatch { head_seq, last_seq } => format!(
            "head_mismatch: the head record names seq {} but the log ends at seq {} (newest entries deleted or appended behind the store)",
            head_seq.map_or_else(|| "none".to_owned(), |s| s.to_string()),
            last_seq.map_or_else(|| "none".to_owned(), |s| s.to_string()),
        ),
    }
}

#[allow(clippy::print_stdout, reason = "the verdict is the command's output")]
fn out(line: &str) {
    println!("{line}");
}
