//! [`SystemError`]: every way the system functions can fail, worded as Python words it.
use std::fmt;
use std::path::PathBuf;

/// Why an override value was rejected. Each has the message of the Python `ValueError`
/// that SkyPilot chains as the `__cause__`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverrideFailure {
    /// `float(value)` failed: `could not convert string to float: {value!r}`.
    NotAFloat,
    /// `int(float(value))` of a NaN: `cannot convert float NaN to integer`.
    NanToInt,
}

/// Which memory override variable a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryUnit {
    /// `SKYPILOT_POD_MEMORY_GB_LIMIT`.
    Gigabytes,
    /// `SKYPILOT_POD_MEMORY_BYTES_LIMIT`.
    Bytes,
}

impl MemoryUnit {
    /// The word SkyPilot puts in parentheses after the value: `GB` or `bytes`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            MemoryUnit::Gigabytes => "GB",
            MemoryUnit::Bytes => "bytes",
        }
    }
}

/// An error of the system functions. `Display` gives the `str()` of the Python exception
/// the reference raises (for [`SystemError::Os`], with Rust's `strerror` table).
#[derive(Clone, Debug, PartialEq)]
pub enum SystemError {
    /// `ValueError: Failed to parse the number of CPUs from {value}`.
    CpuOverride {
        /// The environment value, as read.
        value: String,
        /// What failed inside.
        cause: OverrideFailure,
    },
    /// `ValueError: Failed to parse the memory size from {value} ({unit})`.
    MemoryOverride {
        /// The environment value, as read.
        value: String,
        /// Which variable it came from.
        unit: MemoryUnit,
    },
    /// `OverflowError: cannot convert float infinity to integer` (`int(inf)`).
    InfinityToInt,
    /// `ValueError: cannot convert float NaN to integer` (`int(nan)` of a cgroup limit, which
    /// SkyPilot does not wrap).
    NanToInt,
    /// `ZeroDivisionError: float division by zero` (cgroup v2 `cpu.max` with a zero period).
    ZeroDivision,
    /// An `OSError` from a system call, with its errno and, for file errors, the path.
    Os {
        /// The raw `errno`.
        errno: i32,
        /// The file name Python would attach, if any.
        path: Option<PathBuf>,
    },
    /// `sched_getaffinity` needs a mask larger than the 1,024 CPUs of a `cpu_set_t`. Python
    /// grows its mask; a caller that has Python should ask it instead.
    AffinityMaskTooSmall,
    /// `KeyError: b'MemTotal:'`: the meminfo file has no `MemTotal:` line with an integer.
    MemTotalMissing,
    /// `ValueError: embedded null byte`: a file to open has a NUL byte in its path.
    EmbeddedNul,
}

impl fmt::Display for SystemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SystemError::CpuOverride { value, .. } => {
                write!(f, "Failed to parse the number of CPUs from {value}")
            }
            SystemError::MemoryOverride { value, unit } => {
                write!(
                    f,
                    "Failed to parse the memory size from {value} ({})",
                    unit.label()
                )
            }
            SystemError::InfinityToInt => f.write_str("cannot convert float infinity to integer"),
            SystemError::NanToInt => f.write_str("cannot convert float NaN to integer"),
            SystemError::ZeroDivision => f.write_str("float division by zero"),
            SystemError::Os { errno, path } => {
                let text = nix::errno::Errno::from_raw(*errno).desc();
                match path {
                    Some(path) => write!(f, "[Errno {errno}] {text}: '{}'", path.display()),
                    None => write!(f, "[Errno {errno}] {text}"),
                }
            }
            SystemError::AffinityMaskTooSmall => {
                f.write_str("sched_getaffinity needs a CPU mask of more than 1024 CPUs")
            }
            SystemError::MemTotalMissing => f.write_str("b'MemTotal:'"),
            SystemError::EmbeddedNul => f.write_str("embedded null byte"),
        }
    }
}

impl std::error::Error for SystemError {}

impl SystemError {
    /// An [`SystemError::Os`] from an I/O error on `path`. Errors without an errno (none
    /// of the calls made here produce one) count as `EIO`.
    pub(crate) fn from_io(err: &std::io::Error, path: Option<PathBuf>) -> Self {
        SystemError::Os {
            errno: err.raw_os_error().unwrap_or(nix::errno::Errno::EIO as i32),
            path,
        }
    }
}
