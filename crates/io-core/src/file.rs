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
    let open_error = |source| IoError::Open {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(open_error)?;
    let meta = file.metadata().map_err(open_error)?;
    if meta.is_dir() {
        return Err(open_error(io::Error::from(nix::errno::Errno::EISDIR)));
    }
    Ok((file, meta.len()))
}
