//! Where a run stands. The strings are part of the public contract (`GET /api/v1/runs/{id}`)
//! and are stored in the database: never rename one.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Ready for any instance to claim.
    Queued,
    /// Claimed by one instance, under a lease.
    Running,
    /// Paused for a person's answer; expires after the interrupt TTL.
    Waiting,
    Succeeded,
    Failed,
    Cancelled,
    Expired,
}

impl RunStatus {
    pub const ALL: [RunStatus; 7] = [
        RunStatus::Queued,
        RunStatus::Running,
        RunStatus::Waiting,
        RunStatus::Succeeded,
        RunStatus::Failed,
        RunStatus::Cancelled,
        RunStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Waiting => "waiting",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Expired => "expired",
        }
    }

    /// The exact stored form only: a status read back from the database that is not one of ours
    /// is corruption, not something to guess at.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Whether the run is over: nothing moves it again.
    pub fn is_terminal(self) -> bool {
        matches!(self, RunStatus::Succeeded | RunStatus::Failed | RunStatus::Cancelled | RunStatus::Expired)
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTRACT: [&str; 7] = ["queued", "running", "waiting", "succeeded", "failed", "cancelled", "expired"];

    #[test]
    fn text_form_is_the_contracts_and_round_trips() {
        let texts: Vec<&str> = RunStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(texts, CONTRACT);
        for status in RunStatus::ALL {
            assert_eq!(RunStatus::parse(status.as_str()), Some(status));
            assert_eq!(status.to_string(), status.as_str());
        }
    }

    #[test]
    fn json_form_is_the_contracts_and_round_trips() {
        for (status, text) in RunStatus::ALL.into_iter().zip(CONTRACT) {
            let json = serde_json::to_string(&status).expect("serialise");
            assert_eq!(json, format!("\"{text}\""));
            assert_eq!(serde_json::from_str::<RunStatus>(&json).expect("deserialise"), status);
        }
    }

    #[test]
    fn parse_accepts_only_the_exact_stored_form() {
        for text in ["", "Queued", " queued", "queued ", "done", "canceled"] {
            assert_eq!(RunStatus::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn only_finished_runs_are_terminal() {
        let terminal: Vec<RunStatus> = RunStatus::ALL.into_iter().filter(|s| s.is_terminal()).collect();
        assert_eq!(terminal, [RunStatus::Succeeded, RunStatus::Failed, RunStatus::Cancelled, RunStatus::Expired]);
    }
}
