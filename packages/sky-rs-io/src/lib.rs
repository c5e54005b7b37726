//! Python bindings for [`sky_rs_io_core`]: argument conversion and error mapping only.
//!
//! Fast paths take `str`/`bytes`/`os.PathLike` paths, exact `int`/`bool` counts and ports, and
//! the six natively hashed algorithms. Anything else goes to Python itself: the whole call to
//! the pure-Python contract (`sky_rs._fallback.io`, or without `sky_rs` the wheel's own copy
//! `sky_rs_io._fallback`) for exotic paths and numbers, `bytes.decode` for every encoding but
//! utf-8 (and for utf-8 lines the fast path cannot decode), `hashlib.new` for other algorithms.
//! File and socket work runs with the GIL released.
mod args;
mod errors;
mod hash_object;

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Mutex;

use pyo3::exceptions::{PyAssertionError, PyRuntimeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyInt, PyList};
use sky_rs_io_core::{self as core, FileHasher, IoError};
use sky_rs_py_support::{
    ExactInt, Fallback, NativePath, SignalCheck, exact_int, fstring, native_path, raised_from,
};

use crate::args::{Count, Decoder, Given, exact_count, native_algorithm};
use crate::errors::to_py_err;
use crate::hash_object::PyHash;

/// The contract in Python, for arguments outside the fast paths.
static FALLBACK: Fallback = Fallback::new("sky_rs._fallback.io", "sky_rs_io._fallback");

/// Read size when the file is hashed by a `hashlib` object (the reference's 256 KiB).
const HASHLIB_READ_SIZE: usize = 256 * 1024;
/// Largest read buffer of `read_last_n_lines` kept for the next call on the same thread.
const MAX_KEPT_STORAGE: usize = 4 * 1024 * 1024;

thread_local! {
    /// The read buffer of the last `read_last_n_lines` call on this thread: reusing it saves
    /// the allocation (and the page faults of a fresh `mmap`) of every call.
    static TAIL_STORAGE: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// Read the last `n` lines of a file.
///
/// Same contract as `sky_rs.fallback.read_last_n_lines`.
#[pyfunction]
#[pyo3(
    signature = (file_path, n, chunk_size = Given::Missing, encoding = Given::Missing, errors = Given::Missing),
    text_signature = "(file_path, n, chunk_size=8192, encoding='utf-8', errors='replace')"
)]
fn read_last_n_lines<'py>(
    py: Python<'py>,
    file_path: &Bound<'py, PyAny>,
    n: &Bound<'py, PyAny>,
    chunk_size: Given<'py>,
    encoding: Given<'py>,
    errors: Given<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let chunk_size = chunk_size.or(|| PyInt::new(py, 8192).into_any());
    let encoding = encoding.or(|| intern!(py, "utf-8").clone().into_any());
    let errors = errors.or(|| intern!(py, "replace").clone().into_any());
    let to_python = || {
        FALLBACK.function(py, "read_last_n_lines")?.call1((
            file_path,
            n,
            &chunk_size,
            &encoding,
            &errors,
        ))
    };
    let count = match exact_count(n) {
        None => return to_python(),
        Some(Count::Negative) => {
            let message = fstring(py, "n must be non-negative. Got {}", (n,))?;
            return Err(PyAssertionError::new_err(message.unbind()));
        }
        Some(Count::NonNegative(count)) => count,
    };
    match exact_count(&chunk_size) {
        None => return to_python(),
        Some(Count::NonNegative(1..)) => {}
        Some(_) => {
            let message = fstring(py, "chunk_size must be positive. Got {}", (&chunk_size,))?;
            return Err(PyAssertionError::new_err(message.unbind()));
        }
    }
    let Some(native) = native_path(file_path) else {
        return to_python();
    };
    let path = native.path;
    // `None`: `os.path.exists` is false. Asked only when `n == 0` or the open failed: a file
    // that opens exists, which saves a `stat` on the common path.
    let mut signals = SignalCheck::new();
    let outcome = py.detach(|| {
        let storage = TAIL_STORAGE.take();
        // n == 0: no open.
        let result = core::read_last_n_lines_interruptible(&path, count, storage, &mut || {
            signals.interrupted()
        });
        let opened = count > 0 && !matches!(result, Err(IoError::Open { .. }));
        (opened || core::path_exists(&path)).then_some(result)
    });
    match outcome {
        // A signal handler raised (Ctrl-C): its exception.
        Some(Err(err @ IoError::Interrupted)) => Err(signals
            .finish()
            .err()
            .unwrap_or_else(|| to_py_err(py, &err, None))),
        None => {
            let message = fstring(py, "File not found: {}", (file_path,))?;
            Err(PyAssertionError::new_err(message.unbind()))
        }
        // Not an `OSError`: raised as it is, as the reference's `IndexError` is.
        Some(Err(err @ IoError::FileEmptied)) => Err(to_py_err(py, &err, None)),
        Some(Err(err)) => {
            let os_error = to_py_err(py, &err, Some(&native.filename));
            let os_value = os_error.value(py).clone();
            let message = fstring(
                py,
                "Failed to read last {} lines from {}: {}",
                (n, file_path, &os_value),
            )?;
            // `raise RuntimeError(...) from e` inside `except OSError as e`.
            let error = PyRuntimeError::new_err(message.unbind());
            Err(raised_from(py, error, os_error))
        }
        Some(Ok(lines)) => {
            let result = if lines.is_empty() {
                PyList::empty(py)
            } else {
                Decoder::new(encoding, errors).decode(py, &lines)?
            };
            let storage = lines.into_storage();
            if storage.capacity() <= MAX_KEPT_STORAGE {
                TAIL_STORAGE.set(storage);
            }
            Ok(result.into_any())
        }
    }
}

/// Open `native` (GIL released), then hash it with `hashlib.new(hash_alg)`: the algorithms
/// this module does not hash itself, with the reference's order of errors (open first).
fn hash_with_hashlib<'py>(
    py: Python<'py>,
    native: &NativePath<'py>,
    hash_alg: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let path = &native.path;
    let (file, _) = py
        .detach(|| core::open_file(path))
        .map_err(|e| to_py_err(py, &e, Some(&native.filename)))?;
    feed_hashlib(py, &[], file, hash_alg)
}

/// `hashlib.new(hash_alg)` fed with `start` (bytes already read from `file`), then with the
/// rest of `file`, read in Rust with the GIL released.
fn feed_hashlib<'py>(
    py: Python<'py>,
    start: &[u8],
    mut file: File,
    hash_alg: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    static NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let hash = NEW.import(py, "hashlib", "new")?.call1((hash_alg,))?;
    if !start.is_empty() {
        hash.call_method1(intern!(py, "update"), (PyBytes::new(py, start),))?;
    }
    // One `bytearray`, read into in place and handed whole to `update`: no copy per chunk
    // (a copy would cost ~2 % at these hash rates, enough to trail the Python reference). It is
    // kept for the next call: a fresh 256 KiB buffer costs ~90 page faults (~7 % at 1 MiB).
    // `try_lock`: never wait (nor hang in a child forked while another thread held the lock);
    // when the spare is busy, a fresh buffer does.
    let chunk = SPARE_CHUNK
        .try_lock()
        .ok()
        .and_then(|mut spare| spare.take())
        .map_or_else(
            || PyByteArray::new_with(py, HASHLIB_READ_SIZE, |_| Ok(())),
            |chunk| Ok(chunk.into_bound(py)),
        )?;
    let result = feed_chunks(py, &hash, &chunk, &mut file);
    // Kept only if nobody else holds it (an `update` that kept its argument would see it change).
    #[expect(unsafe_code, reason = "reading a reference count; see SAFETY")]
    // SAFETY: `chunk` is a live object and we are attached to the interpreter.
    let alone = unsafe { pyo3::ffi::Py_REFCNT(chunk.as_ptr()) } == 1;
    if alone && let Ok(mut spare) = SPARE_CHUNK.try_lock() {
        *spare = Some(chunk.unbind());
    }
    result.map(|()| hash)
}

/// The `bytearray` of the last hand-off to `hashlib`, if no call is using it.
static SPARE_CHUNK: Mutex<Option<Py<PyByteArray>>> = Mutex::new(None);

/// Reads the rest of `file` into `chunk`, and feeds each read to `hash.update`.
fn feed_chunks(
    py: Python<'_>,
    hash: &Bound<'_, PyAny>,
    chunk: &Bound<'_, PyByteArray>,
    file: &mut File,
) -> PyResult<()> {
    loop {
        // `chunk` is ours alone: made by the caller or taken from `SPARE_CHUNK`, which only holds
        // one that nobody else references.
        #[expect(unsafe_code, reason = "reading into our own bytearray; see SAFETY")]
        // SAFETY: `chunk` is never given to Python code that keeps it (`update` only reads it
        // while it runs, and returns before this line runs again), so nothing else can resize,
        // read or write its buffer while this slice lives.
        let buffer = unsafe { chunk.as_bytes_mut() };
        let read = py
            .detach(|| read_some(file, buffer))
            .map_err(|e| to_py_err(py, &IoError::Read(e), None))?;
        if read == 0 {
            return Ok(());
        }
        py.check_signals()?;
        if read == HASHLIB_READ_SIZE {
            hash.call_method1(intern!(py, "update"), (chunk,))?;
        } else {
            let part = PyBytes::new(py, &buffer[..read]);
            hash.call_method1(intern!(py, "update"), (part,))?;
        }
    }
}

fn read_some(file: &mut File, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buffer) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// Hash the whole file at `path` with `hash_alg` and return the hash object.
///
/// Same contract as `sky_rs.fallback.hash_file`.
#[pyfunction]
fn hash_file<'py>(
    py: Python<'py>,
    path: &Bound<'py, PyAny>,
    hash_alg: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let Some(native) = native_path(path) else {
        return FALLBACK.function(py, "hash_file")?.call1((path, hash_alg));
    };
    let Some(algorithm) = native_algorithm(hash_alg) else {
        return hash_with_hashlib(py, &native, hash_alg);
    };
    let filename = Some(&native.filename);
    let path = &native.path;
    // Large files: hash in segments, letting Python handle Ctrl-C in between like a read loop.
    let job = py
        .detach(|| FileHasher::open(path, algorithm))
        .map_err(|e| to_py_err(py, &e, filename))?;
    if algorithm
        .openssl_above()
        .is_some_and(|above| job.size().is_none_or(|size| size > above))
    {
        // Long inputs of these algorithms hash faster in OpenSSL: hand the open file to a real
        // `hashlib` object (it behaves like ours, being the original).
        let (start, file) = job.into_parts();
        return feed_hashlib(py, &start, file, hash_alg);
    }
    // Hashed with the GIL released, a chunk at a time; Ctrl-C is checked between chunks.
    let mut signals = SignalCheck::new();
    let finished = py.detach(|| {
        let mut job = job;
        loop {
            if signals.interrupted() {
                return Ok(None);
            }
            if job.advance(core::CHECK_CHUNK)? {
                return Ok(Some(job));
            }
        }
    });
    let finished = finished.map_err(|e| to_py_err(py, &e, filename))?;
    signals.finish()?;
    let Some(job) = finished else {
        return Err(PyRuntimeError::new_err("interrupted"));
    };
    let hasher = job.finish();
    Ok(Bound::new(py, PyHash::new(hasher))?.into_any())
}

/// `hash_file` for each path, in parallel when the algorithm is native; results in input order.
///
/// Raises exactly what `hash_file` raises for the first failing path in input order (an error
/// while iterating `paths` counts at its position). Every path is hashed before that, in parallel.
#[pyfunction]
fn hash_files<'py>(
    py: Python<'py>,
    paths: &Bound<'py, PyAny>,
    hash_alg: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyList>> {
    let mut items = Vec::new();
    let mut iteration_error = None;
    for item in paths.try_iter()? {
        match item {
            Ok(item) => items.push(item),
            Err(err) => {
                iteration_error = Some(err);
                break;
            }
        }
    }
    let algorithm = native_algorithm(hash_alg);
    let natives: Option<Vec<NativePath<'py>>> =
        algorithm.and_then(|_| items.iter().map(native_path).collect());
    let hashes = match (algorithm, natives) {
        (Some(algorithm), Some(natives)) => {
            let paths: Vec<PathBuf> = natives.iter().map(|n| n.path.clone()).collect();
            let mut signals = SignalCheck::new();
            let results = py.detach(|| {
                core::hash_files_interruptible(&paths, algorithm, || signals.interrupted())
            });
            signals.finish()?;
            let Some(results) = results else {
                return Err(PyRuntimeError::new_err("interrupted"));
            };
            let mut hashes = Vec::with_capacity(results.len());
            for (result, native) in results.into_iter().zip(&natives) {
                let state = result.map_err(|e| to_py_err(py, &e, Some(&native.filename)))?;
                hashes.push(Bound::new(py, PyHash::new(state))?.into_any());
            }
            hashes
        }
        _ => items
            .iter()
            .map(|item| hash_file(py, item, hash_alg))
            .collect::<PyResult<_>>()?,
    };
    match iteration_error {
        Some(err) => Err(err),
        None => PyList::new(py, hashes),
    }
}

/// Return the first port from `start_port` up to 65534 that an IPv4 TCP socket can bind.
///
/// Same contract as `sky_rs.fallback.find_free_port`.
#[pyfunction]
fn find_free_port(py: Python<'_>, start_port: &Bound<'_, PyAny>) -> PyResult<u16> {
    let to_python = || {
        FALLBACK
            .function(py, "find_free_port")?
            .call1((start_port,))?
            .extract()
    };
    // Not an exact int (a float, a str, an int subclass with its own comparisons, which
    // `range()` may call depending on the interpreter): let Python judge it. Negative: Python's
    // socket.bind() raises its own OverflowError. 65535 and above: an empty range, no socket is
    // ever created.
    let start = match exact_int(start_port) {
        Some(ExactInt::Fits(start)) if start >= 0 => u16::try_from(start).unwrap_or(u16::MAX),
        Some(ExactInt::Above) => u16::MAX,
        _ => return to_python(),
    };
    py.detach(|| core::find_free_port(start))
        .map_err(|e| to_py_err(py, &e, None))
}

/// The `sky_rs_io._core` extension module.
#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn sky_rs_io_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(read_last_n_lines, m)?)?;
    m.add_function(wrap_pyfunction!(hash_file, m)?)?;
    m.add_function(wrap_pyfunction!(hash_files, m)?)?;
    m.add_function(wrap_pyfunction!(find_free_port, m)?)?;
    m.add_class::<PyHash>()?;
    Ok(())
}
