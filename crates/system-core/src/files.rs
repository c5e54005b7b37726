//! Reading the small files of `/proc` and `/sys/fs/cgroup` with as few system calls as
//! possible: `open`, `read` until end of file, `close`. No `fstat` for a size hint.
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The whole content of the file at `path`.
///
/// With `short_read_ends`, a read that returns fewer bytes than asked for is taken as the end
/// of the file, which saves the final empty read. The caller passes it only for files where
/// that holds: single-value files of a kernel cgroup file system, rendered whole (one
/// `seq_file` record) by the first read whose buffer holds them.
pub(crate) fn read_small(path: &Path, short_read_ends: bool) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut chunk = [0u8; 512];
    let mut content = Vec::new();
    loop {
        match file.read(&mut chunk) {
            Ok(0) => return Ok(content),
            Ok(n) => {
                content.extend_from_slice(&chunk[..n]);
                if short_read_ends && n < chunk.len() {
                    return Ok(content);
                }
            }
            // Python retries an interrupted read (PEP 475), and so do we.
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// The file as text the way `open(path, encoding='utf-8').read()` reads it, or `None` where
/// that raises `OSError` or `UnicodeDecodeError`. Newlines are not translated: every caller
/// only splits on whitespace, for which `\r` and `\n` are the same. `short_read_ends`: see
/// [`read_small`].
pub(crate) fn read_utf8(path: &Path, short_read_ends: bool) -> Option<String> {
    String::from_utf8(read_small(path, short_read_ends).ok()?).ok()
}
