//! Python bindings for [`sky_rs_io_core`]: argument conversion and error mapping only.
//!
//! Fast paths take `str`/`bytes`/`os.PathLike` paths, exact `int`/`bool` counts and ports, and
//! the six natively hashed algorithms. Anything else goes to Python itself: the whole call to
//! `sky_rs._fallback.io` for exotic paths and numbers, `bytes.decode` for every encoding but
//! utf-8 (and for utf-8 lines the fast path cannot decode), `hashlib.new` for other algorithms.
//! File and socket work runs with the GIL released.
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use pyo3::exceptions::{PyAssertionError, PyOSError, PyRuntimeError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyInt, PyList, PyMemoryView, PyString, PyTuple,
};
use sky_rs_io_core::{self as core, HashAlgorithm, Hasher, IoError, LastLines};

/// Read size when the file is hashed by a `hashlib` object (the reference's 256 KiB).
const HASHLIB_READ_SIZE: usize = 256 * 1024;
/// `hashlib` releases the GIL for updates of at least this many bytes; so do we.
const GIL_MINSIZE: usize = 2048;

/// The one mapping from [`IoError`] to the Python exception the caller sees.
///
/// OS errors become `OSError(errno, os.strerror(errno)[, filename])`, which Python turns into
/// the matching subclass (`FileNotFoundError`, ...). Only a failed open names the file, as
/// Python's `open()` does; `filename` is the object `open()` would have been given.
fn to_py_err(py: Python<'_>, err: &IoError, filename: Option<&Bound<'_, PyAny>>) -> PyErr {
    let (source, filename) = match err {
        IoError::NoFreePorts => return PyOSError::new_err(err.to_string()),
        IoError::Open { source, .. } => (source, filename),
        IoError::Read(source) | IoError::Socket(source) => (source, None),
    };
    let Some(errno) = source.raw_os_error() else {
        return PyOSError::new_err(source.to_string());
    };
    let strerror = python_strerror(py, errno).unwrap_or_else(|_| {
        // Rust's text is strerror(3)'s plus " (os error N)".
        let text = source.to_string();
        text.rsplit_once(" (os error")
            .map_or(text.clone(), |(head, _)| head.to_owned())
    });
    match filename {
        Some(filename) => PyOSError::new_err((errno, strerror, filename.clone().unbind())),
        None => PyOSError::new_err((errno, strerror)),
    }
}

/// `os.strerror(errno)`: the very text `CPython` puts in its own `OSError`s.
fn python_strerror(py: Python<'_>, errno: i32) -> PyResult<String> {
    static STRERROR: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    STRERROR
        .import(py, "os", "strerror")?
        .call1((errno,))?
        .extract()
}

/// `sky_rs._fallback.io.<name>`: the contract in Python, for arguments outside the fast paths.
fn fallback<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || py.import("sky_rs._fallback.io").map(Bound::unbind))?
        .bind(py)
        .getattr(name)
}

/// `template.format(*args)`: what an f-string with these values gives, built by Python so that
/// any `__format__` (and any string, lone surrogates included) comes out exactly.
fn fstring<'py>(
    py: Python<'py>,
    template: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    PyString::new(py, template).call_method1(intern!(py, "format"), args)
}

/// An optional argument: [`Given::Missing`] when the caller left it out, so that an explicit
/// `None` is passed on (and fails) exactly as in the reference.
enum Given<'py> {
    Missing,
    Value(Bound<'py, PyAny>),
}

impl<'py> FromPyObject<'_, 'py> for Given<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        Ok(Self::Value(obj.to_owned()))
    }
}

impl<'py> Given<'py> {
    fn or(self, default: impl FnOnce() -> Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        match self {
            Self::Missing => default(),
            Self::Value(value) => value,
        }
    }
}

/// An exact `int` or `bool`, as a count: `None` for any other type (Python decides those).
enum Count {
    Negative,
    NonNegative(usize),
}

fn exact_count(obj: &Bound<'_, PyAny>) -> Option<Count> {
    if !(obj.is_exact_instance_of::<PyInt>() || obj.is_exact_instance_of::<PyBool>()) {
        return None;
    }
    match obj.extract::<i64>() {
        Ok(value) if value < 0 => Some(Count::Negative),
        // Beyond usize::MAX every count means "the whole file".
        Ok(value) => Some(Count::NonNegative(
            usize::try_from(value).unwrap_or(usize::MAX),
        )),
        Err(_) => match obj.lt(0) {
            Ok(true) => Some(Count::Negative),
            Ok(false) => Some(Count::NonNegative(usize::MAX)),
            Err(_) => None,
        },
    }
}

/// A path the Rust side opens itself, and the object Python's `open()` names in its errors.
struct NativePath<'py> {
    path: PathBuf,
    filename: Bound<'py, PyAny>,
}

/// `path` as [`NativePath`]: a `str` (encoded like `os.fsencode`), `bytes`, or an `os.PathLike`
/// giving one of those. `None` for anything else, or a path Python would reject on its own terms
/// (NUL byte, unencodable surrogate): the caller hands those to Python.
fn native_path<'py>(path: &Bound<'py, PyAny>) -> Option<NativePath<'py>> {
    let py = path.py();
    let fspath = if path.is_instance_of::<PyString>() || path.is_instance_of::<PyBytes>() {
        path.clone()
    } else {
        static FSPATH: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        FSPATH
            .import(py, "os", "fspath")
            .ok()?
            .call1((path,))
            .ok()?
    };
    let raw = if let Ok(bytes) = fspath.cast::<PyBytes>() {
        bytes.as_bytes().to_vec()
    } else {
        fspath
            .cast::<PyString>()
            .ok()?
            .extract::<OsString>()
            .ok()?
            .into_vec()
    };
    if raw.contains(&0) {
        return None;
    }
    Some(NativePath {
        path: PathBuf::from(OsString::from_vec(raw)),
        filename: fspath,
    })
}

/// How lines are decoded.
enum Decoder<'py> {
    /// utf-8: valid lines in Rust; invalid ones lossily in Rust when `errors == 'replace'`,
    /// else by Python.
    Utf8 {
        replace: bool,
        encoding: Bound<'py, PyAny>,
        errors: Bound<'py, PyAny>,
    },
    /// Every line by Python's `bytes.decode(encoding, errors=errors)`.
    Python {
        encoding: Bound<'py, PyAny>,
        errors: Bound<'py, PyAny>,
    },
}

impl<'py> Decoder<'py> {
    fn new(encoding: Bound<'py, PyAny>, errors: Bound<'py, PyAny>) -> Self {
        let fast = |obj: &Bound<'py, PyAny>| {
            // Exact str, encodable as UTF-8 and without NUL (Python refuses NUL in both names).
            obj.cast_exact::<PyString>()
                .ok()
                .and_then(|s| s.to_cow().ok().map(std::borrow::Cow::into_owned))
                .filter(|s| !s.contains('\0'))
        };
        match (fast(&encoding), fast(&errors)) {
            (Some(name), Some(handler)) if is_utf8(encoding.py(), &name) => Self::Utf8 {
                replace: handler == "replace",
                encoding,
                errors,
            },
            _ => Self::Python { encoding, errors },
        }
    }

    /// Decode the lines of `lines`: trailing `'\r'`s stripped, `'\n'` after all but the last.
    fn decode(&self, py: Python<'py>, lines: &LastLines) -> PyResult<Bound<'py, PyList>> {
        let ranges: Vec<_> = lines.ranges().collect();
        let buffer = lines.buffer();
        let mut out = Vec::with_capacity(ranges.len());
        // Fast path: every selected line (and the newlines between them) is valid UTF-8, so each
        // line with its newline is a substring of one validated text.
        if let (Self::Utf8 { .. }, Some(first), Some(last)) = (self, ranges.first(), ranges.last())
            && let Ok(text) = std::str::from_utf8(&buffer[first.start..last.end])
        {
            for (i, range) in ranges.iter().enumerate() {
                let line = &text[range.start - first.start..range.end - first.start];
                let trimmed = line.trim_end_matches('\r');
                let item = if i + 1 == ranges.len() {
                    PyString::new(py, trimmed)
                } else if trimmed.len() == line.len() {
                    PyString::new(
                        py,
                        &text[range.start - first.start..=range.end - first.start],
                    )
                } else {
                    PyString::new(py, &[trimmed, "\n"].concat())
                };
                out.push(item.into_any());
            }
            return PyList::new(py, out);
        }
        for (i, range) in ranges.iter().enumerate() {
            out.push(self.decode_line(py, &buffer[range.clone()], i + 1 == ranges.len())?);
        }
        PyList::new(py, out)
    }

    fn decode_line(&self, py: Python<'py>, line: &[u8], last: bool) -> PyResult<Bound<'py, PyAny>> {
        let (encoding, errors) = match self {
            Self::Utf8 {
                replace,
                encoding,
                errors,
            } => {
                let text = match std::str::from_utf8(line) {
                    Ok(text) => std::borrow::Cow::Borrowed(text),
                    Err(_) if *replace => String::from_utf8_lossy(line),
                    Err(_) => return python_decode(py, line, encoding, errors, last),
                };
                let trimmed = text.trim_end_matches('\r');
                let item = if last {
                    PyString::new(py, trimmed)
                } else {
                    PyString::new(py, &[trimmed, "\n"].concat())
                };
                return Ok(item.into_any());
            }
            Self::Python { encoding, errors } => (encoding, errors),
        };
        python_decode(py, line, encoding, errors, last)
    }
}

/// `line.decode(encoding, errors=errors).rstrip('\r')` (`+ '\n'` unless `last`), by Python.
fn python_decode<'py>(
    py: Python<'py>,
    line: &[u8],
    encoding: &Bound<'py, PyAny>,
    errors: &Bound<'py, PyAny>,
    last: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let kwargs = PyDict::new(py);
    kwargs.set_item(intern!(py, "errors"), errors)?;
    let text = PyBytes::new(py, line)
        .call_method(intern!(py, "decode"), (encoding,), Some(&kwargs))?
        .call_method1(intern!(py, "rstrip"), ("\r",))?;
    if last { Ok(text) } else { text.add("\n") }
}

/// Whether Python's codec registry resolves `encoding` to its utf-8 codec (`'UTF8'`, `'u8'`,
/// `'utf_8'`, ...). Unknown names are not utf-8: decoding them raises `LookupError` later, exactly
/// when the reference does. Results are cached.
fn is_utf8(py: Python<'_>, encoding: &str) -> bool {
    static CACHE: Mutex<Vec<(String, bool)>> = Mutex::new(Vec::new());
    const CACHE_SIZE: usize = 64;
    if matches!(encoding, "utf-8" | "utf8" | "UTF-8" | "utf_8" | "UTF8") {
        return true;
    }
    let cached = CACHE
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(name, _)| name == encoding)
        .map(|&(_, utf8)| utf8);
    if let Some(utf8) = cached {
        return utf8;
    }
    // Same decode function as the registry's own utf-8 entry.
    let decoder = |name: &str| -> PyResult<Bound<'_, PyAny>> {
        static LOOKUP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        LOOKUP
            .import(py, "codecs", "lookup")?
            .call1((name,))?
            .getattr(intern!(py, "decode"))
    };
    let utf8 = match (decoder(encoding), decoder("utf-8")) {
        (Ok(this), Ok(utf8)) => this.is(&utf8),
        _ => false,
    };
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if cache.len() < CACHE_SIZE {
        cache.push((encoding.to_owned(), utf8));
    }
    utf8
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
        fallback(py, "read_last_n_lines")?.call1((file_path, n, &chunk_size, &encoding, &errors))
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
    let outcome =
        py.detach(|| core::path_exists(&path).then(|| core::read_last_n_lines(&path, count)));
    match outcome {
        None => {
            let message = fstring(py, "File not found: {}", (file_path,))?;
            Err(PyAssertionError::new_err(message.unbind()))
        }
        Some(Err(err)) => {
            let os_error = to_py_err(py, &err, Some(&native.filename));
            let os_value = os_error.value(py).clone();
            let message = fstring(
                py,
                "Failed to read last {} lines from {}: {}",
                (n, file_path, &os_value),
            )?;
            let error = PyRuntimeError::new_err(message.unbind());
            // `raise RuntimeError(...) from e` inside `except OSError as e`.
            error
                .value(py)
                .setattr(intern!(py, "__context__"), &os_value)?;
            error.set_cause(py, Some(os_error));
            Err(error)
        }
        Some(Ok(lines)) if lines.is_empty() => Ok(PyList::empty(py).into_any()),
        Some(Ok(lines)) => Ok(Decoder::new(encoding, errors)
            .decode(py, &lines)?
            .into_any()),
    }
}

/// The natively hashed algorithm `hash_alg` names, if any (any `str`, ASCII case ignored).
fn native_algorithm(hash_alg: &Bound<'_, PyAny>) -> Option<HashAlgorithm> {
    let name = hash_alg.cast::<PyString>().ok()?.to_cow().ok()?;
    HashAlgorithm::from_name(&name)
}

/// A `hashlib`-like hash object computed in Rust: md5, sha1, sha224, sha256, sha384, sha512.
#[pyclass(name = "HASH", module = "sky_rs_io", frozen)]
struct PyHash {
    algorithm: HashAlgorithm,
    state: Mutex<Hasher>,
}

impl PyHash {
    fn new(hasher: Hasher) -> Self {
        Self {
            algorithm: hasher.algorithm(),
            state: Mutex::new(hasher),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Hasher> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn feed(&self, py: Python<'_>, data: &[u8]) {
        if data.len() >= GIL_MINSIZE {
            py.detach(|| self.state().update(data));
        } else {
            self.state().update(data);
        }
    }
}

#[pymethods]
impl PyHash {
    /// Feed a bytes-like object (anything with the buffer protocol, C-contiguous).
    #[pyo3(signature = (data, /))]
    fn update(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            self.feed(py, bytes.as_bytes());
            return Ok(());
        }
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "Strings must be encoded before hashing",
            ));
        }
        if let Ok(array) = data.cast::<PyByteArray>() {
            self.feed(py, &array.to_vec());
            return Ok(());
        }
        let view = PyMemoryView::from(data).map_err(|err| {
            if err.is_instance_of::<PyTypeError>(py) {
                PyTypeError::new_err("object supporting the buffer API required")
            } else {
                err
            }
        })?;
        if !view.getattr(intern!(py, "c_contiguous"))?.is_truthy()? {
            // hashlib refuses it with the exporter's own error: let it say so.
            static SHA256: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
            SHA256
                .import(py, "hashlib", "sha256")?
                .call0()?
                .call_method1("update", (data,))?;
        }
        let bytes = view.call_method0(intern!(py, "tobytes"))?;
        self.feed(py, bytes.cast::<PyBytes>()?.as_bytes());
        Ok(())
    }

    /// The digest of the data fed so far, as bytes.
    fn digest<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.state().digest())
    }

    /// The digest of the data fed so far, as lowercase hex.
    fn hexdigest(&self) -> String {
        self.state().hexdigest()
    }

    /// An independent copy of this hash.
    fn copy(&self) -> Self {
        Self::new(self.state().clone())
    }

    /// The canonical algorithm name, e.g. `'sha256'`.
    #[getter]
    fn name(&self) -> &'static str {
        self.algorithm.name()
    }

    /// Size of the digest in bytes.
    #[getter]
    fn digest_size(&self) -> usize {
        self.algorithm.digest_size()
    }

    /// Internal block size in bytes.
    #[getter]
    fn block_size(&self) -> usize {
        self.algorithm.block_size()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> String {
        format!(
            "<{} sky_rs_io.HASH object @ {:p}>",
            slf.get().algorithm.name(),
            slf.as_ptr()
        )
    }
}

/// Open `native` (GIL released), then hash it with `hashlib.new(hash_alg)`: the algorithms
/// this module does not hash itself, with the reference's order of errors (open first).
fn hash_with_hashlib<'py>(
    py: Python<'py>,
    native: &NativePath<'py>,
    hash_alg: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    static NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let path = &native.path;
    let (mut file, _) = py
        .detach(|| core::open_file(path))
        .map_err(|e| to_py_err(py, &e, Some(&native.filename)))?;
    let hash = NEW.import(py, "hashlib", "new")?.call1((hash_alg,))?;
    let mut buffer = vec![0u8; HASHLIB_READ_SIZE];
    loop {
        let read = py
            .detach(|| read_some(&mut file, &mut buffer))
            .map_err(|e| to_py_err(py, &IoError::Read(e), None))?;
        if read == 0 {
            return Ok(hash);
        }
        hash.call_method1(intern!(py, "update"), (PyBytes::new(py, &buffer[..read]),))?;
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
        return fallback(py, "hash_file")?.call1((path, hash_alg));
    };
    let Some(algorithm) = native_algorithm(hash_alg) else {
        return hash_with_hashlib(py, &native, hash_alg);
    };
    let hasher = py
        .detach(|| core::hash_file(&native.path, algorithm))
        .map_err(|e| to_py_err(py, &e, Some(&native.filename)))?;
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
    let natives: Option<Vec<NativePath<'py>>> =
        native_algorithm(hash_alg).and_then(|_| items.iter().map(native_path).collect());
    let hashes = match (native_algorithm(hash_alg), natives) {
        (Some(algorithm), Some(natives)) => {
            let paths: Vec<PathBuf> = natives.iter().map(|n| n.path.clone()).collect();
            let results = py.detach(|| core::hash_files(&paths, algorithm));
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
        fallback(py, "find_free_port")?
            .call1((start_port,))?
            .extract()
    };
    if !start_port.is_instance_of::<PyInt>() {
        return to_python();
    }
    let start = match start_port.extract::<i64>() {
        Ok(start) => start,
        Err(_) if !start_port.lt(0)? => i64::MAX,
        // Negative: Python's socket.bind() raises its own OverflowError.
        Err(_) => return to_python(),
    };
    if start < 0 {
        return to_python();
    }
    // 65535 and above: an empty range, no socket is ever created.
    let start = u16::try_from(start).unwrap_or(u16::MAX);
    py.detach(|| core::find_free_port(start))
        .map_err(|e| to_py_err(py, &e, None))
}

/// Does nothing. The benchmark's floor for the cost of one `PyO3` call.
#[pyfunction]
#[pyo3(signature = (*_args, **_kwargs))]
fn _noop(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) {}

/// The `sky_rs_io._core` extension module.
#[pymodule(gil_used = false)]
#[pyo3(name = "_core")]
fn sky_rs_io_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(_noop, m)?)?;
    m.add_function(wrap_pyfunction!(read_last_n_lines, m)?)?;
    m.add_function(wrap_pyfunction!(hash_file, m)?)?;
    m.add_function(wrap_pyfunction!(hash_files, m)?)?;
    m.add_function(wrap_pyfunction!(find_free_port, m)?)?;
    m.add_class::<PyHash>()?;
    Ok(())
}
