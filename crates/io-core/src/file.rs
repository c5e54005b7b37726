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
/// file and its size from `fstat` (0 for most special files).
pub fn open_file(path: &Path) -> Result<(File, u64), IoError> {
    let file = open_unchecked(path)?;
    let meta = file.metadata().map_err(|source| open_error(path, source))?;
    if meta.is_dir() {
        return Err(open_error(path, io::Error::from(nix::errno::Errno::EISDIR)));
    }
    Ok((file, meta.len()))
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

/// The second half of [`open_file`]: `Err` (`EISDIR`, or `fstat`'s own error) where `open_file`
/// would have refused `file`, opened from `path`.
pub fn refuse_directory(file: &File, path: &Path) -> Result<(), IoError> {
    let meta = file.metadata().map_err(|source| open_error(path, source))?;
    if meta.is_dir() {
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
