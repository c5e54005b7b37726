//! Ctrl-C for work done with the GIL released.
use std::time::{Duration, Instant};

use pyo3::prelude::*;

/// Runs Python's signal handlers now and then from code that has released the GIL, as
/// PEP 475 asks of a long call: a handler that raises (`KeyboardInterrupt` from Ctrl-C, or
/// any exception from a `SIGTERM` handler) stops the call, and the caller raises its exception.
///
/// Made before `py.detach`, asked [`SignalCheck::interrupted`] between chunks inside it, and
/// turned into the result with [`SignalCheck::finish`] once attached again. A call shorter
/// than [`SignalCheck::INTERVAL`] never takes the GIL back.
#[derive(Debug, Default)]
pub struct SignalCheck {
    /// When the next check is due; `None` before the first question.
    next: Option<Instant>,
    /// The exception a handler raised.
    error: Option<PyErr>,
}

impl SignalCheck {
    /// The longest time between two checks: well under the 100 ms a Ctrl-C may take.
    pub const INTERVAL: Duration = Duration::from_millis(10);

    /// A check whose first due time starts at the first question.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether to stop: `true` once a signal handler raised. Called without the GIL; takes it
    /// (and runs the handlers, `PyErr_CheckSignals`) at most every [`SignalCheck::INTERVAL`].
    pub fn interrupted(&mut self) -> bool {
        if self.error.is_some() {
            return true;
        }
        let now = Instant::now();
        match self.next {
            Some(due) if now >= due => {}
            Some(_) => return false,
            None => {
                self.next = Some(now + Self::INTERVAL);
                return false;
            }
        }
        self.next = Some(now + Self::INTERVAL);
        self.error = Python::attach(|py| py.check_signals().err());
        self.error.is_some()
    }

    /// The exception a handler raised, if any (called attached).
    pub fn finish(self) -> PyResult<()> {
        self.error.map_or(Ok(()), Err)
    }
}
