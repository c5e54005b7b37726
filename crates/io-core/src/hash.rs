//! Hashing whole files: md5 and the SHA-1/SHA-2 family, in bounded memory.
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use digest::Digest;

use crate::IoError;
use crate::file::{file_status, open_unchecked, refuse_directory};

/// Largest read buffer used to hash a file (the Python reference uses the same 256 KiB).
const MAX_BUFFER: usize = 256 * 1024;
/// Read buffer for a file whose size `fstat` does not know (reported as 0).
const UNKNOWN_SIZE_BUFFER: usize = 64 * 1024;

/// An algorithm hashed natively. Every other name is left to the caller (Python's `hashlib`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlgorithm {
    /// The file size above which OpenSSL (through `hashlib`) hashes this algorithm faster
    /// than this crate, per-call overhead of the hand-off included; `None`: never.
    ///
    /// Measured cross-overs (`x86_64` with SHA-NI and AVX2, `RustCrypto` 0.11 against the
    /// OpenSSL of `CPython` 3.11; best of 60 interleaved runs of `hash_file(...).hexdigest()`,
    /// Rust hasher against the hand-off to `hashlib`):
    /// - md5: Rust 1.51x the hand-off at 4 KiB, 1.07x at 16 KiB, 1.02x at 24 KiB, 0.99x at
    ///   28 KiB, 0.92x at 64 KiB (`RustCrypto`'s portable md5 runs at ~0.87x OpenSSL's assembly).
    /// - sha384 and sha512 (one compression function): 1.08 to 1.26x at 4 to 5 KiB, 0.95 to
    ///   1.07x at 6 KiB, 0.91 to 0.95x at 8 KiB, 0.62 to 0.68x at 64 KiB (~0.7x OpenSSL's
    ///   AVX2 assembly).
    /// - sha1, sha224, sha256: SHA-NI in both; Rust ahead at every size (1.11 to 1.27x at 1 and
    ///   16 MB), so never handed off.
    pub fn openssl_above(self) -> Option<u64> {
        match self {
            Self::Md5 => Some(24 * 1024),
            Self::Sha384 | Self::Sha512 => Some(6 * 1024),
            Self::Sha1 | Self::Sha224 | Self::Sha256 => None,
        }
    }

    /// Every algorithm, in the order of their names' lengths then values.
    pub const ALL: [Self; 6] = [
        Self::Md5,
        Self::Sha1,
        Self::Sha224,
        Self::Sha256,
        Self::Sha384,
        Self::Sha512,
    ];

    /// The algorithm `name` means, matched ASCII-case-insensitively like
    /// `hashlib.new` (`'SHA256'` is sha256). Aliases such as `'sha-256'` are not
    /// recognised here: they are `hashlib`'s business.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|alg| alg.name().eq_ignore_ascii_case(name))
    }

    /// The canonical (hashlib) name: `'md5'`, `'sha256'`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha224 => "sha224",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        }
    }

    /// Size of the digest in bytes.
    pub fn digest_size(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 => 20,
            Self::Sha224 => 28,
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    /// Internal block size in bytes.
    pub fn block_size(self) -> usize {
        match self {
            Self::Md5 | Self::Sha1 | Self::Sha224 | Self::Sha256 => 64,
            Self::Sha384 | Self::Sha512 => 128,
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A running hash, like a `hashlib` object: feed it with [`Hasher::update`],
/// read it with [`Hasher::digest`] as often as you like.
#[derive(Clone)]
pub struct Hasher(State);

#[derive(Clone)]
enum State {
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    Sha224(sha2::Sha224),
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// A fresh hash of nothing.
    pub fn new(algorithm: HashAlgorithm) -> Self {
        Self(match algorithm {
            HashAlgorithm::Md5 => State::Md5(md5::Md5::new()),
            HashAlgorithm::Sha1 => State::Sha1(sha1::Sha1::new()),
            HashAlgorithm::Sha224 => State::Sha224(sha2::Sha224::new()),
            HashAlgorithm::Sha256 => State::Sha256(sha2::Sha256::new()),
            HashAlgorithm::Sha384 => State::Sha384(sha2::Sha384::new()),
            HashAlgorithm::Sha512 => State::Sha512(sha2::Sha512::new()),
        })
    }

    /// The algorithm of this hash.
    pub fn algorithm(&self) -> HashAlgorithm {
        match self.0 {
            State::Md5(_) => HashAlgorithm::Md5,
            State::Sha1(_) => HashAlgorithm::Sha1,
            State::Sha224(_) => HashAlgorithm::Sha224,
            State::Sha256(_) => HashAlgorithm::Sha256,
            State::Sha384(_) => HashAlgorithm::Sha384,
            State::Sha512(_) => HashAlgorithm::Sha512,
        }
    }

    /// Feed `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            State::Md5(h) => h.update(data),
            State::Sha1(h) => h.update(data),
            State::Sha224(h) => h.update(data),
            State::Sha256(h) => h.update(data),
            State::Sha384(h) => h.update(data),
            State::Sha512(h) => h.update(data),
        }
    }

    /// The digest of everything fed so far. The hash stays usable.
    pub fn digest(&self) -> Vec<u8> {
        match self.0.clone() {
            State::Md5(h) => h.finalize().to_vec(),
            State::Sha1(h) => h.finalize().to_vec(),
            State::Sha224(h) => h.finalize().to_vec(),
            State::Sha256(h) => h.finalize().to_vec(),
            State::Sha384(h) => h.finalize().to_vec(),
            State::Sha512(h) => h.finalize().to_vec(),
        }
    }

    /// [`Hasher::digest`] as lowercase hex.
    pub fn hexdigest(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = self.digest();
        let mut out = String::with_capacity(digest.len() * 2);
        for byte in digest {
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
        out
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Hasher").field(&self.algorithm()).finish()
    }
}

/// Feed `hasher` from `reader` until end of file (`Ok(true)`) or until at least
/// `limit` bytes were read (`Ok(false)`), `buf.len()` bytes at a time.
fn feed(
    reader: &mut impl Read,
    hasher: &mut Hasher,
    buf: &mut [u8],
    limit: u64,
) -> io::Result<bool> {
    let mut total = 0u64;
    while total < limit {
        match reader.read(buf) {
            Ok(0) => return Ok(true),
            Ok(read) => {
                hasher.update(&buf[..read]);
                total += read as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

/// The read buffer for a file of `size` bytes: big enough to read it whole
/// (then one more read sees the end), at most [`MAX_BUFFER`]; `None`: the size is unknown
/// (`fstat` failed on a file longer than the first read).
fn buffer_len(size: Option<u64>) -> usize {
    let Some(size) = size else {
        return MAX_BUFFER;
    };
    match usize::try_from(size) {
        Ok(0) => UNKNOWN_SIZE_BUFFER,
        Ok(size) => size.saturating_add(1).min(MAX_BUFFER),
        Err(_) => MAX_BUFFER,
    }
}

/// The first read of a file being hashed, before its size is known. A file shorter than this
/// is hashed with `open`, `read`, `read` (the end) and `close`, with no `fstat`; a longer one
/// pays one `fstat` to size the buffer (and the caller's choice of hasher).
const FIRST_READ: usize = 16 * 1024;

/// A file being hashed, a segment at a time, so that a caller can do something
/// else (check for Ctrl-C) between segments. One whole file, as each of [`hash_files`] is hashed.
#[derive(Debug)]
pub struct FileHasher {
    size: Option<u64>,
    file: File,
    hasher: Hasher,
    buffer: Vec<u8>,
    /// `buffer[..pending]` was read by [`FileHasher::open`] and is not hashed yet.
    pending: usize,
}

impl FileHasher {
    /// Open `path` like Python's `open(path, 'rb')` to hash it with `algorithm`, and read its
    /// first bytes (a directory fails here, with `open`'s own error).
    pub fn open(path: &Path, algorithm: HashAlgorithm) -> Result<Self, IoError> {
        let mut file = open_unchecked(path)?;
        let mut buffer = vec![0u8; FIRST_READ];
        let pending = match read_retrying(&mut file, &mut buffer) {
            Ok(read) => read,
            Err(err) => {
                refuse_directory(&file, path)?;
                return Err(IoError::Read(err));
            }
        };
        let size = if pending < FIRST_READ {
            Some(pending as u64)
        } else {
            // A long file (or a special one): its size sizes the buffer. Only a hint: when
            // `fstat` fails the file is read with the largest buffer (SkyPilot makes no `fstat`).
            file_status(&file).map(|meta| meta.len())
        };
        Ok(Self {
            size,
            file,
            hasher: Hasher::new(algorithm),
            buffer,
            pending,
        })
    }

    /// Hash at least `limit` more bytes (one read more at most), or up to the
    /// end of the file. `Ok(true)` once the end is reached.
    pub fn advance(&mut self, limit: u64) -> Result<bool, IoError> {
        let pending = std::mem::take(&mut self.pending);
        self.hasher.update(&self.buffer[..pending]);
        // Grown only here, so a file handed to someone else by `into_parts` never pays for it.
        let wanted = buffer_len(self.size);
        if self.buffer.len() < wanted {
            self.buffer.resize(wanted, 0);
        }
        let limit = limit.saturating_sub(pending as u64);
        feed(&mut self.file, &mut self.hasher, &mut self.buffer, limit).map_err(IoError::Read)
    }

    /// The file's size: from `fstat` when the first read filled its buffer, else the bytes
    /// that read got (the file is shorter than `FIRST_READ`, 16 KiB). `None` when that `fstat`
    /// failed: the file is at least 16 KiB long.
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// Give up hashing here: the bytes read but not hashed yet (before any
    /// [`FileHasher::advance`], the start of the file) and the open file, to be read by
    /// someone else from there.
    pub fn into_parts(mut self) -> (Vec<u8>, File) {
        self.buffer.truncate(self.pending);
        (self.buffer, self.file)
    }

    /// The hash of what was read so far.
    pub fn finish(self) -> Hasher {
        let mut hasher = self.hasher;
        hasher.update(&self.buffer[..self.pending]);
        hasher
    }
}

/// `read`, retried when interrupted.
fn read_retrying(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// Hash the whole file at `path` with `algorithm`, in bounded memory.
///
/// Errors are those of Python's `open(path, 'rb')` ([`IoError::Open`], a
/// directory included) and of reading ([`IoError::Read`]).
pub(crate) fn hash_file(path: &Path, algorithm: HashAlgorithm) -> Result<Hasher, IoError> {
    let mut job = FileHasher::open(path, algorithm)?;
    job.advance(u64::MAX)?;
    Ok(job.finish())
}

/// Bytes hashed between two questions "stop?" of [`hash_files_interruptible`]: about half a
/// millisecond of SHA-256 here.
pub const CHECK_CHUNK: u64 = 1024 * 1024;

/// How often the calling thread of [`hash_files_interruptible`] asks "stop?" while it waits
/// for the other workers.
const WAIT_POLL: Duration = Duration::from_millis(5);

/// [`hash_file`], asking `stop` before each [`CHECK_CHUNK`]: `None` once it says yes.
fn hash_file_until(
    path: &Path,
    algorithm: HashAlgorithm,
    stop: &mut dyn FnMut() -> bool,
) -> Option<Result<Hasher, IoError>> {
    let mut job = match FileHasher::open(path, algorithm) {
        Ok(job) => job,
        Err(err) => return Some(Err(err)),
    };
    loop {
        if stop() {
            return None;
        }
        match job.advance(CHECK_CHUNK) {
            Ok(true) => return Some(Ok(job.finish())),
            Ok(false) => {}
            Err(err) => return Some(Err(err)),
        }
    }
}

/// Hash the whole file at each of `paths` with `algorithm` (as [`FileHasher`] does, with its
/// errors), in parallel; results in input order.
///
/// The calling thread and one scoped thread per further usable CPU take the
/// next path from a shared counter until none is left. The threads end with
/// the call: nothing lingers to make a later `fork()` unsafe (or, on Python
/// 3.12+, warn). One path, or one CPU, means no thread at all.
pub fn hash_files<P: AsRef<Path> + Sync>(
    paths: &[P],
    algorithm: HashAlgorithm,
) -> Vec<Result<Hasher, IoError>> {
    hash_files_interruptible(paths, algorithm, || false).unwrap_or_default()
}

/// [`hash_files`] that can be stopped (Ctrl-C): the calling thread asks `interrupted` before
/// each [`CHECK_CHUNK`] it hashes and every few milliseconds while it waits for the others.
/// Once it says yes, a shared cancel flag stops every worker at its next chunk, every thread
/// is joined and every file closed, and the answer is `None`.
pub fn hash_files_interruptible<P: AsRef<Path> + Sync>(
    paths: &[P],
    algorithm: HashAlgorithm,
    mut interrupted: impl FnMut() -> bool,
) -> Option<Vec<Result<Hasher, IoError>>> {
    let cancel = AtomicBool::new(false);
    let mut stop_here = || {
        if cancel.load(Ordering::Relaxed) {
            return true;
        }
        let stop = interrupted();
        if stop {
            cancel.store(true, Ordering::Relaxed);
        }
        stop
    };
    let workers = usable_cpus().min(paths.len());
    if workers <= 1 {
        return paths
            .iter()
            .map(|p| hash_file_until(p.as_ref(), algorithm, &mut stop_here))
            .collect();
    }
    let next = AtomicUsize::new(0);
    // `None` in the list: stopped.
    let work = |stop: &mut dyn FnMut() -> bool| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(path) = paths.get(i) else {
                return Some(done);
            };
            done.push((i, hash_file_until(path.as_ref(), algorithm, stop)?));
        }
    };
    let done = std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel();
        // A thread that cannot be spawned leaves its share to the others.
        let helpers = (1..workers)
            .filter_map(|_| {
                let sender = sender.clone();
                let (work, cancel) = (&work, &cancel);
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || {
                        let done = work(&mut || cancel.load(Ordering::Relaxed));
                        // The receiver outlives the scope's threads.
                        let _ = sender.send(done);
                    })
                    .ok()
            })
            .collect::<Vec<_>>();
        drop(sender);
        let mut done = work(&mut stop_here);
        // Wait for the helpers, still answering Ctrl-C: a plain join would not.
        let mut reported = 0;
        while reported < helpers.len() {
            match receiver.recv_timeout(WAIT_POLL) {
                Ok(theirs) => {
                    reported += 1;
                    match (&mut done, theirs) {
                        (Some(done), Some(theirs)) => done.extend(theirs),
                        _ => done = None,
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    stop_here();
                }
                // A helper panicked (`hash_file` does not; were it to, the paths it took
                // are missing and are hashed again below).
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        // Joined here, not by the scope: its implicit join returns before the threads are
        // gone, and the call must leave none behind.
        for helper in helpers {
            let _ = helper.join();
        }
        done
    });
    let mut done = done?;
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    done.sort_unstable_by_key(|&(i, _)| i);
    let mut results = Vec::with_capacity(paths.len());
    let mut done = done.into_iter().peekable();
    for (i, path) in paths.iter().enumerate() {
        match done.next_if(|&(j, _)| j == i) {
            Some((_, result)) => results.push(result),
            None => results.push(hash_file(path.as_ref(), algorithm)),
        }
    }
    Some(results)
}

/// `std::thread::available_parallelism`, asked once per process (it reads cgroup files).
fn usable_cpus() -> usize {
    static CPUS: OnceLock<usize> = OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

#[cfg(test)]
mod tests;
