//! The one table of allowed moves.

use super::{RunEvent, RunStatus};

/// An event that does not apply to the run's current status: a duplicate command, a race lost to
/// another instance, or a client resuming a run that is no longer waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} run cannot {event}")]
pub struct InvalidTransition {
    pub from: RunStatus,
    pub event: RunEvent,
}

/// The status after `event`, or why it does not apply. Terminal states accept nothing.
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
    use proptest::prelude::*;

    use super::*;
    use RunEvent as E;
    use RunStatus as S;

    /// Written out independently of the `match` above, so a slip in either is caught.
    const ALLOWED: [(RunStatus, RunEvent, RunStatus); 10] = [
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

    fn allowed(from: RunStatus, event: RunEvent) -> Option<RunStatus> {
        ALLOWED.iter().find(|(f, e, _)| *f == from && *e == event).map(|(_, _, to)| *to)
    }

    #[test]
    fn every_allowed_edge_leads_where_the_table_says() {
        for (from, event, to) in ALLOWED {
            assert_eq!(transition(from, event), Ok(to), "{from} --{event}-->");
        }
    }

    #[test]
    fn every_other_pair_is_refused_naming_status_and_event() {
        let mut refused = 0;
        for from in RunStatus::ALL {
            for event in RunEvent::ALL {
                if allowed(from, event).is_none() {
                    assert_eq!(transition(from, event), Err(InvalidTransition { from, event }), "{from} --{event}-->");
                    refused += 1;
                }
            }
        }
        assert_eq!(refused, RunStatus::ALL.len() * RunEvent::ALL.len() - ALLOWED.len());
    }

    #[test]
    fn no_event_leaves_a_terminal_state() {
        for from in RunStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            for event in RunEvent::ALL {
                assert!(transition(from, event).is_err(), "{from} --{event}-->");
            }
        }
    }

    #[test]
    fn a_resumed_run_is_queued_for_any_instance() {
        assert_eq!(transition(S::Waiting, E::Resume), Ok(S::Queued));
    }

    #[test]
    fn refusal_reads_as_plain_words() {
        let err = transition(S::Succeeded, E::Resume).unwrap_err();
        assert_eq!(err.to_string(), "a succeeded run cannot resume");
    }

    proptest! {
        #[test]
        fn once_terminal_a_run_stays_where_it_ended(
            events in proptest::collection::vec(proptest::sample::select(RunEvent::ALL.to_vec()), 0..64)
        ) {
            let mut status = S::Queued;
            let mut ended: Option<RunStatus> = None;
            for event in events {
                // A refused event leaves the stored status as it was.
                if let Ok(next) = transition(status, event) {
                    status = next;
                }
                if let Some(end) = ended {
                    prop_assert_eq!(status, end);
                }
                if status.is_terminal() {
                    ended = Some(status);
                }
            }
        }
    }
}
