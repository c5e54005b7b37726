//! The error type of the io core.
use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why an io core function failed.
///
/// Each variant keeps the [`io::Error`] (with its errno) so a binding can
/// raise the same `OSError` subclass the Python reference raises. Only a failed
/// open carries the path: Python's `f.read()` and `f.seek()` errors have no
/// `filename`.
#[derive(Debug)]
pub enum IoError {
    /// Opening `path` failed, as Python's `open(path, 'rb')` reports it
    /// (a directory is refused with `EISDIR`).
    Open {
        /// The path that was opened.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// Seeking or reading an open file failed.
    Read(io::Error),
    /// Creating a socket failed.
    Socket(io::Error),
    /// No port in the searched range could be bound.
    NoFreePorts,
    /// The file had a size when it was measured but nothing could be read from it (it was
    /// emptied in between). The reference then indexes the last of no lines:
    /// `IndexError('list index out of range')`.
    FileEmptied,
    /// The caller's check between chunks said stop (a Ctrl-C is pending).
    Interrupted,
}

#[cfg(test)]
impl IoError {
    /// The underlying OS error, if there is one.
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            Self::Open { source, .. } | Self::Read(source) | Self::Socket(source) => Some(source),
            Self::NoFreePorts | Self::FileEmptied | Self::Interrupted => None,
        }
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Open { path, source } => write!(f, "cannot open {}: {source}", path.display()),
            Self::Read(source) => write!(f, "cannot read: {source}"),
            Self::Socket(source) => write!(f, "cannot create a socket: {source}"),
            Self::NoFreePorts => f.write_str("No free ports available."),
            Self::FileEmptied => f.write_str("list index out of range"),
            Self::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Open { source, .. } | Self::Read(source) | Self::Socket(source) => Some(source),
            Self::NoFreePorts | Self::FileEmptied | Self::Interrupted => None,
        }
    }
}
