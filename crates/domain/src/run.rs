//! The Work run state machine: queued → running ⇄ waiting → succeeded / failed / cancelled /
//! expired. Every status change anywhere goes through [`transition`], so an impossible move (a
//! finished run resumed, an expired run succeeding) is refused in one place.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Running,
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

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, RunStatus::Succeeded | RunStatus::Failed | RunStatus::Cancelled | RunStatus::Expired)
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunEvent {
    /// An instance takes the run (a queued one, or a running one whose lease lapsed).
    Claim,
    /// The run needs a person and waits for an answer.
    Pause,
    /// A person answered: the run is queued again so that any instance may continue it.
    Resume,
    Succeed,
    Fail,
    Cancel,
    /// Nobody answered within `WORK_INTERRUPT_TTL`.
    Expire,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} run cannot take the event {event:?}")]
pub struct InvalidTransition {
    pub from: RunStatus,
    pub event: RunEvent,
}

pub fn transition(from: RunStatus, event: RunEvent) -> Result<RunStatus, InvalidTransition> {
    use RunEvent as E;
    use RunStatus as S;
    let to = match (from, event) {
        (S::Queued | S::Running, E::Claim) => S::Running,
        (S::Running, E::Pause) => S::Waiting,
        (S::Waiting, E::Resume) => S::Queued,
        (S::Running, E::Succeed) => S::Succeeded,
        (S::Running, E::Fail) => S::Failed,
        (S::Queued | S::Running | S::Waiting, E::Cancel) => S::Cancelled,
        (S::Waiting, E::Expire) => S::Expired,
        _ => return Err(InvalidTransition { from, event }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: [RunEvent; 7] = [
        RunEvent::Claim,
        RunEvent::Pause,
        RunEvent::Resume,
        RunEvent::Succeed,
        RunEvent::Fail,
        RunEvent::Cancel,
        RunEvent::Expire,
    ];

    #[test]
    fn exactly_the_documented_edges_are_allowed() {
        use RunEvent as E;
        use RunStatus as S;
        let allowed = [
            (S::Queued, E::Claim, S::Running),
            (S::Running, E::Claim, S::Running),
            (S::Running, E::Pause, S::Waiting),
            (S::Waiting, E::Resume, S::Queued),
            (S::Running, E::Succeed, S::Succeeded),
            (S::Running, E::Fail, S::Failed),
            (S::Queued, E::Cancel, S::Cancelled),
            (S::Running, E::Cancel, S::Cancelled),
            (S::Waiting, E::Cancel, S::Cancelled),
            (S::Waiting, E::Expire, S::Expired),
        ];
        for from in RunStatus::ALL {
            for event in EVENTS {
                let expected = allowed.iter().find(|(f, e, _)| *f == from && *e == event).map(|(_, _, to)| *to);
                assert_eq!(transition(from, event).ok(), expected, "{from} + {event:?}");
            }
        }
    }

    #[test]
    fn nothing_leaves_a_terminal_state() {
        for from in RunStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            for event in EVENTS {
                assert!(transition(from, event).is_err(), "{from} + {event:?}");
            }
        }
    }

    #[test]
    fn statuses_read_and_write_as_the_contract_names_them() {
        for status in RunStatus::ALL {
            assert_eq!(RunStatus::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_string(&status).unwrap(), format!("\"{}\"", status.as_str()));
        }
        assert_eq!(RunStatus::parse("paused"), None);
    }
}
