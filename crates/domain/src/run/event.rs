//! What can happen to a run.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEvent {
    /// An instance takes the run: a queued one, or a running one whose holder's lease lapsed
    /// (the instance died). Whether the lease really lapsed is the store's check, not ours.
    Claim,
    /// The run needs a person's answer.
    Pause,
    /// A person answered. The run is queued again rather than continued in place, so whichever
    /// instance is free picks it up; the one that paused it may be gone.
    Resume,
    Succeed,
    Fail,
    /// A person stopped it; allowed from every state that is not already final.
    Cancel,
    /// Nobody answered within the interrupt TTL.
    Expire,
}

impl RunEvent {
    pub const ALL: [RunEvent; 7] = [
        RunEvent::Claim,
        RunEvent::Pause,
        RunEvent::Resume,
        RunEvent::Succeed,
        RunEvent::Fail,
        RunEvent::Cancel,
        RunEvent::Expire,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunEvent::Claim => "claim",
            RunEvent::Pause => "pause",
            RunEvent::Resume => "resume",
            RunEvent::Succeed => "succeed",
            RunEvent::Fail => "fail",
            RunEvent::Cancel => "cancel",
            RunEvent::Expire => "expire",
        }
    }
}

impl fmt::Display for RunEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
