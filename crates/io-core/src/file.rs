//! Opening files the way Python's `open(path, 'rb')` does.
use std::fs::File;
use std::io;
use std::path::Path;

use crate::IoError;

/// Whether `path` exists, as `os.path.exists` decides it: `stat` (following
/// symlinks) succeeds. Any error, a NUL byte in the path included, means no.
pub fn path_exists(path: &Path) -> bool {
    std::fs::metadata(path).is_ok()
}

/// Open `path` for reading like Python's `open(path, 'rb')`.
///
/// Python opens the descriptor (a directory opens fine with `O_RDONLY`) and
/// then refuses a directory with `EISDIR`; this does the same. Returns the
/// file and its size from `fstat` (0 for most special files), or `None` when
/// `fstat` failed: like `CPython`'s `FileIO`, which tolerates any `fstat` error
/// but `EBADF` (bpo-25717), a failed `fstat` is not an error of the open.
pub fn open_file(path: &Path) -> Result<(File, Option<u64>), IoError> {
    let file = open_unchecked(path)?;
    let meta = file_status(&file);
    if meta.as_ref().is_some_and(std::fs::Metadata::is_dir) {
        return Err(open_error(path, io::Error::from(nix::errno::Errno::EISDIR)));
    }
    Ok((file, meta.map(|meta| meta.len())))
}

/// `fstat(file)`, retried when interrupted (PEP 475); `None` when it fails otherwise. Every
/// caller uses it as a hint (a size, "is it a directory"), which must never fail a call.
pub(crate) fn file_status(file: &File) -> Option<std::fs::Metadata> {
    loop {
        match file.metadata() {
            Ok(meta) => return Some(meta),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// The first half of [`open_file`]: the `open`, without the `fstat` that refuses a directory.
///
/// Saves a system call where the caller's next call tells a directory apart anyway: a read of
/// a directory fails (`EISDIR`), and `lseek` gives a size or fails. Where that happens, or the
/// size is 0, the caller asks [`refuse_directory`], which turns a directory into the error
/// [`open_file`] gives; so the errors are exactly those of `open(path, 'rb')`.
pub fn open_unchecked(path: &Path) -> Result<File, IoError> {
    File::open(path).map_err(|source| open_error(path, source))
}

/// The second half of [`open_file`]: `Err` (`EISDIR`) where `open_file` would have refused
/// `file`, opened from `path`. A failed `fstat` is tolerated, as in [`open_file`].
pub fn refuse_directory(file: &File, path: &Path) -> Result<(), IoError> {
    if file_status(file).is_some_and(|meta| meta.is_dir()) {
        return Err(open_error(path, io::Error::from(nix::errno::Errno::EISDIR)));
    }
    Ok(())
}

fn open_error(path: &Path, source: io::Error) -> IoError {
    IoError::Open {
        path: path.to_path_buf(),
        source,
    }
}
