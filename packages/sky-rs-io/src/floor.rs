//! The benchmark's floor for the io functions: the system calls (and, for `py_strings`, the
//! Python objects) they cannot avoid, timed alone in Rust for `sky-rs bench`.
use std::fs::File;
use std::hint::black_box;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use sky_rs_io_core::{HashAlgorithm, Hasher, IoError, port_is_free};

use crate::errors::to_py_err;

/// The kinds [`_floor`] knows, for its error message.
const KINDS: &str = "'read_tail', 'read_all', 'bind', 'hash_memory', 'py_strings'";
/// Read buffer of `read_all`, as large as `hash_file`'s.
const READ_BUFFER: usize = 256 * 1024;

/// One repeatable piece of unavoidable work.
enum Work {
    /// `open`, `lseek(SEEK_END)`, `pread` of the last `n` bytes, `close`: the tail of a log.
    ReadTail(PathBuf, usize),
    /// `open`, `read` to the end, `close`: reading a whole file.
    ReadAll(PathBuf),
    /// `socket`, `bind`, `close`: one try of `find_free_port`.
    Bind(u16),
    /// Hashing `data` in memory with the Rust core: the compute part of hashing a file.
    HashMemory(HashAlgorithm, Vec<u8>),
    /// A list of new `str` objects with these texts: the result of `read_last_n_lines`.
    PyStrings(Vec<String>),
}

impl Work {
    fn parse(kind: &str, arg: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(match kind {
            "read_tail" => {
                let (path, n): (PathBuf, usize) = arg.extract()?;
                Self::ReadTail(path, n)
            }
            "read_all" => Self::ReadAll(arg.extract()?),
            "bind" => Self::Bind(arg.extract()?),
            "hash_memory" => {
                let (name, size): (String, usize) = arg.extract()?;
                let algorithm = HashAlgorithm::from_name(&name)
                    .ok_or_else(|| PyValueError::new_err(format!("no Rust hash for {name:?}")))?;
                Self::HashMemory(algorithm, vec![0x5a; size])
            }
            "py_strings" => Self::PyStrings(arg.extract()?),
            _ => {
                return Err(PyValueError::new_err(format!(
                    "unknown floor kind {kind:?}; known kinds are {KINDS}"
                )));
            }
        })
    }

    /// Does the work once, without Python.
    fn run(&self, buffer: &mut Vec<u8>) -> Result<(), IoError> {
        match self {
            Self::ReadTail(path, n) => {
                let mut file = open(path)?;
                let size = file.seek(SeekFrom::End(0)).map_err(IoError::Read)?;
                let len = (*n).min(usize::try_from(size).unwrap_or(usize::MAX));
                buffer.resize(len, 0);
                let read = file
                    .read_at(buffer, size - len as u64)
                    .map_err(IoError::Read)?;
                black_box(read);
            }
            Self::ReadAll(path) => {
                let mut file = open(path)?;
                buffer.resize(READ_BUFFER, 0);
                while file.read(buffer).map_err(IoError::Read)? > 0 {}
            }
            Self::Bind(port) => {
                black_box(port_is_free(*port)?);
            }
            Self::HashMemory(algorithm, data) => {
                let mut hasher = Hasher::new(*algorithm);
                hasher.update(data);
                black_box(hasher.digest());
            }
            Self::PyStrings(_) => {}
        }
        Ok(())
    }
}

fn open(path: &Path) -> Result<File, IoError> {
    File::open(path).map_err(|source: io::Error| IoError::Open {
        path: path.to_owned(),
        source,
    })
}

/// Nanoseconds per iteration of the work `kind` names, done `iterations` times in a loop timed
/// with [`Instant`], with the GIL released (held for `py_strings`, which makes Python objects).
/// Hidden: for `sky-rs bench` only.
///
/// Kinds: `read_tail` (`arg` = `(path, n_bytes)`), `read_all` (a path), `bind` (a port),
/// `hash_memory` (`(algorithm, n_bytes)`), `py_strings` (a list of `str`).
#[pyfunction]
#[pyo3(signature = (kind, arg, iterations))]
pub fn _floor(
    py: Python<'_>,
    kind: &str,
    arg: &Bound<'_, PyAny>,
    iterations: u64,
) -> PyResult<f64> {
    let work = Work::parse(kind, arg)?;
    let iterations = iterations.max(1);
    let elapsed = if let Work::PyStrings(texts) = &work {
        let start = Instant::now();
        for _ in 0..iterations {
            let strings = texts.iter().map(|text| PyString::new(py, text));
            black_box(PyList::new(py, strings)?);
        }
        start.elapsed()
    } else {
        py.detach(|| {
            let mut buffer = Vec::new();
            let start = Instant::now();
            for _ in 0..iterations {
                work.run(&mut buffer)?;
            }
            Ok(start.elapsed())
        })
        .map_err(|err| to_py_err(py, &err, Some(arg)))?
    };
    Ok(elapsed.as_nanos() as f64 / iterations as f64)
}
