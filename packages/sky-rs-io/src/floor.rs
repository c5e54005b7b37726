//! The benchmark's floor for the io functions: the system calls they cannot avoid, timed
//! alone in Rust (no Python call, GIL released) for `sky-rs bench`; the cost of building the
//! `str` objects a result must hold; and the core's hashing speed on an in-memory buffer, to
//! compare with OpenSSL's.
use std::fs::File;
use std::hint::black_box;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use sky_rs_io_core::{HashAlgorithm, Hasher, find_free_port};

/// The kinds [`_floor`] knows, for its error message.
const KINDS: &str = "'read_tail', 'read_all', 'bind', 'hash_memory', 'py_strings'";

/// Read size of `read_all`: the 256 KiB both implementations hash with.
const READ_ALL_BUFFER: usize = 256 * 1024;

/// One repeatable set of system calls (or, for `hash_memory`, of hashing work).
enum Work {
    /// `open`, `lseek(SEEK_END)`, one `pread` of the last `len` bytes, `close`.
    ReadTail(PathBuf, Vec<u8>),
    /// `open`, `read` in 256 KiB chunks to the end, `close` (the page cache serves it).
    ReadAll(PathBuf, Vec<u8>),
    /// `socket(AF_INET, SOCK_STREAM)`, `bind(('', port))` without `SO_REUSEADDR`, `close`:
    /// the core's own port search started at a free port, which makes exactly those calls.
    Bind(u16),
    /// The core's hasher over an in-memory buffer, `hexdigest` included: not a floor, the
    /// Rust side of the "OpenSSL or `RustCrypto`" comparison.
    HashMemory(HashAlgorithm, Vec<u8>),
}

impl Work {
    fn parse(kind: &str, arg: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(match kind {
            "read_tail" => {
                let (path, len): (PathBuf, usize) = arg.extract()?;
                Self::ReadTail(path, vec![0; len])
            }
            "read_all" => Self::ReadAll(arg.extract()?, vec![0; READ_ALL_BUFFER]),
            "bind" => Self::Bind(arg.extract()?),
            "hash_memory" => {
                let (name, len): (String, usize) = arg.extract()?;
                let algorithm = HashAlgorithm::from_name(&name).ok_or_else(|| {
                    PyValueError::new_err(format!("no native hash algorithm {name:?}"))
                })?;
                let data = (0..len).map(|i| (i % 251) as u8).collect();
                Self::HashMemory(algorithm, data)
            }
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown floor kind {kind:?}; known kinds are {KINDS}"
                )));
            }
        })
    }

    /// Does the work once. A port search that fails is an answer, not an error.
    fn run(&mut self) -> io::Result<()> {
        match self {
            Self::ReadTail(path, buffer) => {
                let file = File::open(&*path)?;
                let size = (&file).seek(SeekFrom::End(0))?;
                let len = buffer
                    .len()
                    .min(usize::try_from(size).unwrap_or(usize::MAX));
                file.read_exact_at(&mut buffer[..len], size - len as u64)?;
                black_box(&buffer);
            }
            Self::ReadAll(path, buffer) => {
                let mut file = File::open(&*path)?;
                let mut total = 0_usize;
                loop {
                    match file.read(buffer)? {
                        0 => break,
                        n => total += n,
                    }
                }
                black_box(total);
            }
            Self::Bind(port) => {
                black_box(find_free_port(*port).is_ok());
            }
            Self::HashMemory(algorithm, data) => {
                let mut hasher = Hasher::new(*algorithm);
                hasher.update(data);
                black_box(hasher.hexdigest());
            }
        }
        Ok(())
    }
}

/// Builds `iterations` lists of `lines` as new `str` objects (then drops them): the least
/// work that returns lines to Python. The one kind timed holding the GIL, which it needs.
fn py_strings(py: Python<'_>, lines: &[String], iterations: u64) -> PyResult<Duration> {
    let start = Instant::now();
    for _ in 0..iterations {
        let list = PyList::new(py, lines.iter().map(|line| PyString::new(py, line)))?;
        drop(black_box(list));
    }
    Ok(start.elapsed())
}

/// Nanoseconds per iteration of the work `kind` names, done `iterations` times in a loop
/// timed with [`Instant`], with the GIL released. Hidden: for `sky-rs bench` only.
///
/// Kinds: `read_tail` (`arg` = `(path, n_bytes)`), `read_all` (`arg` a path), `bind`
/// (`arg` a port), `hash_memory` (`arg` = `(algorithm, n_bytes)`), `py_strings` (`arg` a
/// list of `str`; timed holding the GIL).
#[pyfunction]
#[pyo3(signature = (kind, arg, iterations))]
pub fn _floor(
    py: Python<'_>,
    kind: &str,
    arg: &Bound<'_, PyAny>,
    iterations: u64,
) -> PyResult<f64> {
    let iterations = iterations.max(1);
    if kind == "py_strings" {
        let lines: Vec<String> = arg.extract()?;
        let elapsed = py_strings(py, &lines, iterations)?;
        return Ok(elapsed.as_nanos() as f64 / iterations as f64);
    }
    let mut work = Work::parse(kind, arg)?;
    let elapsed = py.detach(|| {
        let start = Instant::now();
        for _ in 0..iterations {
            work.run()?;
        }
        Ok::<_, io::Error>(start.elapsed())
    })?;
    Ok(elapsed.as_nanos() as f64 / iterations as f64)
}
