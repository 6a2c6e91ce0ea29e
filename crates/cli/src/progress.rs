//! A one-line progress bar on stderr, drawn only when stderr is a terminal (never into a log file
//! or a pipe) and at most ten times a second.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

use app::sales::Progress;

const WIDTH: u64 = 30;
const EVERY: Duration = Duration::from_millis(100);

pub struct Bar {
    enabled: bool,
    last: Option<Instant>,
    drawn: bool,
}

impl Bar {
    pub fn stderr() -> Self {
        Self { enabled: std::io::stderr().is_terminal(), last: None, drawn: false }
    }

    pub fn update(&mut self, p: Progress) {
        let finished = p.total > 0 && p.done >= p.total;
        if !self.enabled || (!finished && self.last.is_some_and(|t| t.elapsed() < EVERY)) {
            return;
        }
        self.last = Some(Instant::now());
        let filled = (p.done.min(p.total) * WIDTH).checked_div(p.total).unwrap_or(0);
        let bar: String = (0..WIDTH).map(|i| if i < filled { '#' } else { '-' }).collect();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K[{bar}] {}/{} {}", p.done, p.total, p.stage);
        let _ = err.flush();
        self.drawn = true;
    }

    /// Clears the line so what follows starts clean.
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            self.drawn = false;
        }
    }
}
