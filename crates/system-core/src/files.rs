//! Reading the small files of `/proc` and `/sys/fs/cgroup` with as few system calls as
//! possible: `open`, `read` until end of file, `close`. No `fstat` for a size hint.
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The whole content of the file at `path`.
pub(crate) fn read_small(path: &Path) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut chunk = [0u8; 512];
    let mut content = Vec::new();
    loop {
        match file.read(&mut chunk) {
            Ok(0) => return Ok(content),
            Ok(n) => content.extend_from_slice(&chunk[..n]),
            // Python retries an interrupted read (PEP 475), and so do we.
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// The file as text the way `open(path, encoding='utf-8').read()` reads it, or `None` where
/// that raises `OSError` or `UnicodeDecodeError`. Newlines are not translated: every caller
/// only splits on whitespace, for which `\r` and `\n` are the same.
pub(crate) fn read_utf8(path: &Path) -> Option<String> {
    String::from_utf8(read_small(path).ok()?).ok()
}
