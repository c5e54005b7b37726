//! The last `n` lines of a file, read backwards in chunks.
use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::IoError;
use crate::file::{open_unchecked, refuse_directory};

/// Smallest first chunk read from the end of the file; each further chunk doubles, up to
/// [`MAX_CHUNK`]. The result does not depend on the chunk size, only the speed does.
const FIRST_CHUNK: usize = 8 * 1024;
const MAX_CHUNK: usize = 1024 * 1024;
/// Bytes per line the first chunk assumes, so that typical logs need one read, not four.
const TYPICAL_LINE: usize = 128;

/// The first chunk for `n` lines: room for `n` typical lines, within the chunk bounds.
fn first_chunk(n: usize) -> usize {
    n.saturating_mul(TYPICAL_LINE).clamp(FIRST_CHUNK, MAX_CHUNK)
}

/// The selected lines of [`read_last_n_lines`]: raw bytes, without their `b'\n'`.
///
/// The lines are `buffer()[region]` split on `b'\n'`; every line but the last
/// is followed by a `b'\n'` in [`LastLines::buffer`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastLines {
    /// Storage; the bytes read are `storage[start..]`.
    storage: Vec<u8>,
    start: usize,
    /// The selected lines, relative to `storage[start..]`.
    region: Option<Range<usize>>,
}

impl LastLines {
    /// The bytes read from the end of the file (a suffix of it).
    pub fn buffer(&self) -> &[u8] {
        &self.storage[self.start..]
    }

    /// Whether no line was selected (`n == 0` or an empty file).
    pub fn is_empty(&self) -> bool {
        self.region.is_none()
    }

    /// The number of selected lines.
    pub fn len(&self) -> usize {
        self.region.as_ref().map_or(0, |r| {
            memchr::memchr_iter(b'\n', &self.buffer()[r.clone()]).count() + 1
        })
    }

    /// The positions of the selected lines in [`LastLines::buffer`], in file order.
    pub fn ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let region = self.region.clone();
        let (start, end, mut done) = region.map_or((0, 0, true), |r| (r.start, r.end, false));
        let mut line_start = start;
        let mut newlines = memchr::memchr_iter(b'\n', &self.buffer()[start..end]);
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            if let Some(i) = newlines.next() {
                let range = line_start..start + i;
                line_start = start + i + 1;
                Some(range)
            } else {
                done = true;
                Some(line_start..end)
            }
        })
    }

    /// The selected lines, in file order, without their `b'\n'`.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> + '_ {
        self.ranges().map(|r| &self.buffer()[r])
    }

    /// The storage, to reuse its capacity in [`read_last_n_lines_interruptible`].
    pub fn into_storage(self) -> Vec<u8> {
        self.storage
    }
}

/// Read the last `n` lines of `path`, as raw bytes.
///
/// Reads backwards until more than `n` newline bytes have been seen or the
/// start of the file is reached, splits on `b'\n'`, and keeps the last `n`
/// elements, not counting the empty one after a final newline. Decoding,
/// stripping `'\r'` and adding `'\n'` are left to the caller (see
/// the integration tests' lossy decoding). `n == 0` gives no lines without opening the
/// file; an empty file gives none either, and so does a file whose size
/// `lseek` reports as 0 (`/dev/null`). A file that has a size but yields no
/// byte (emptied after its size was taken) fails with [`IoError::FileEmptied`],
/// as the reference fails with `IndexError`.
pub fn read_last_n_lines(path: &Path, n: usize) -> Result<LastLines, IoError> {
    read_last_n_lines_interruptible(path, n, Vec::new(), &mut || false)
}

/// [`read_last_n_lines`], reading into `storage`, that can be stopped (Ctrl-C).
///
/// `storage`'s contents are ignored and its length and capacity reused: a caller that keeps
/// it between calls avoids a fresh allocation, the page faults of a large one, and zeroing it,
/// each time. `interrupted` is asked before each chunk read after the first, and
/// [`IoError::Interrupted`] returned once it says yes.
pub fn read_last_n_lines_interruptible(
    path: &Path,
    n: usize,
    storage: Vec<u8>,
    interrupted: &mut dyn FnMut() -> bool,
) -> Result<LastLines, IoError> {
    if n == 0 {
        return Ok(LastLines {
            start: storage.len(),
            storage,
            region: None,
        });
    }
    // `open`, `lseek`, `pread`: no `fstat`. A directory either fails `lseek` or reads as
    // `EISDIR`, and an empty size is checked too; only then is it told apart (see
    // `refuse_directory`), so the errors stay those of `open(path, 'rb')`.
    let mut file = open_unchecked(path)?;
    // An interrupted `lseek` is retried (PEP 475; Python's `f.seek` would raise).
    let size = loop {
        match file.seek(SeekFrom::End(0)) {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            other => break other,
        }
    };
    let size = match size {
        Ok(size) if size > 0 => size,
        Ok(size) => {
            refuse_directory(&file, path)?;
            size
        }
        Err(err) => {
            refuse_directory(&file, path)?;
            return Err(IoError::Read(err));
        }
    };
    match last_lines_of(&file, size, n, storage, interrupted) {
        Err(IoError::Read(err)) => {
            refuse_directory(&file, path)?;
            Err(IoError::Read(err))
        }
        other => other,
    }
}

/// The last `n` (at least 1) lines of `file`, whose size was found to be `size`.
fn last_lines_of(
    file: &File,
    size: u64,
    n: usize,
    mut storage: Vec<u8>,
    interrupted: &mut dyn FnMut() -> bool,
) -> Result<LastLines, IoError> {
    let start = read_tail(file, size, n, &mut storage, interrupted)?;
    let data = &storage[start..];
    let region = match (size, data.is_empty()) {
        (0, _) => None,
        // Emptied after its size was taken: the reference splits b'' into [b''], selects
        // no line from it and fails on `selected[-1]`.
        (_, true) => return Err(IoError::FileEmptied),
        (_, false) => Some(select_lines(data, n)),
    };
    Ok(LastLines {
        storage,
        start,
        region,
    })
}

/// Read backwards from `size` in doubling chunks until more than `n` newlines
/// were seen or the start of the file is reached. The bytes read, in file
/// order, end up in `storage[start..]`; returns `start`. What `storage` held
/// before is room to read into, not data.
fn read_tail(
    file: &File,
    size: u64,
    n: usize,
    storage: &mut Vec<u8>,
    interrupted: &mut dyn FnMut() -> bool,
) -> Result<usize, IoError> {
    let mut pos = size;
    let mut start = storage.len(); // the data read so far is storage[start..]
    let mut newlines = 0usize;
    let mut chunk_len = first_chunk(n);
    while pos > 0 && newlines <= n {
        if pos < size && interrupted() {
            return Err(IoError::Interrupted);
        }
        let len = usize::try_from(pos).map_or(chunk_len, |pos| pos.min(chunk_len));
        if start < len {
            // Room at the front: grow, moving the data to the end.
            let data_len = storage.len() - start;
            let new_len = (storage.len() * 2).max(data_len + len);
            storage.resize(new_len, 0);
            storage.copy_within(start..start + data_len, new_len - data_len);
            start = new_len - data_len;
        }
        pos -= len as u64;
        let read = read_at(file, pos, &mut storage[start - len..start]).map_err(IoError::Read)?;
        if read < len {
            // The file shrank: keep what was read next to the data, like Python's
            // concatenation of a short chunk.
            storage.copy_within(start - len..start - len + read, start - read);
        }
        start -= read;
        newlines += memchr::memchr_iter(b'\n', &storage[start..start + read]).count();
        chunk_len = (chunk_len * 2).min(MAX_CHUNK);
    }
    Ok(start)
}

/// The last `n` (at least 1) elements of `data` split on `b'\n'`, ignoring the
/// empty element after a final newline, as one range of `data`.
fn select_lines(data: &[u8], n: usize) -> Range<usize> {
    let end = if data.last() == Some(&b'\n') {
        data.len() - 1
    } else {
        data.len()
    };
    let start = memchr::memrchr_iter(b'\n', &data[..end])
        .nth(n - 1)
        .map_or(0, |i| i + 1);
    start..end
}

/// Fill `buf` from `offset`, stopping early only at end of file; returns the bytes read.
fn read_at(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(content: &[u8], size: u64, n: usize) -> Result<Vec<Vec<u8>>, IoError> {
        let mut file = tempfile::tempfile().unwrap();
        io::Write::write_all(&mut file, content).unwrap();
        let lines = last_lines_of(&file, size, n, Vec::new(), &mut || false)?;
        Ok(lines.iter().map(<[u8]>::to_vec).collect())
    }

    #[test]
    fn a_file_emptied_after_its_size_was_taken_is_an_index_error() {
        for size in [1, 4, 8192, 1 << 20] {
            for n in [1, 2, 1000] {
                let err = lines_of(b"", size, n).unwrap_err();
                assert!(matches!(err, IoError::FileEmptied), "{err:?}");
                assert_eq!(err.to_string(), "list index out of range");
                assert!(err.io_error().is_none());
            }
        }
    }

    #[test]
    fn reused_storage_is_room_not_data() {
        let content = b"one\ntwo\r\nthree\nfour";
        let mut file = tempfile::NamedTempFile::new().unwrap();
        io::Write::write_all(&mut file, content).unwrap();
        let fresh: Vec<Vec<u8>> = read_last_n_lines(file.path(), 3)
            .unwrap()
            .iter()
            .map(<[u8]>::to_vec)
            .collect();
        for stale in [vec![b'\n'; 3], vec![b'x'; 100_000], Vec::with_capacity(10)] {
            let lines =
                read_last_n_lines_interruptible(file.path(), 3, stale, &mut || false).unwrap();
            let got: Vec<Vec<u8>> = lines.iter().map(<[u8]>::to_vec).collect();
            assert_eq!(got, fresh);
            assert!(content.ends_with(lines.buffer()));
            let none =
                read_last_n_lines_interruptible(file.path(), 0, lines.into_storage(), &mut || {
                    false
                })
                .unwrap();
            assert!(none.is_empty() && none.buffer().is_empty());
        }
        assert_eq!(
            fresh,
            vec![b"two\r".to_vec(), b"three".to_vec(), b"four".to_vec()]
        );
    }

    #[test]
    fn a_size_of_zero_gives_no_lines_and_a_shrunk_file_what_is_left() {
        assert_eq!(lines_of(b"", 0, 3).unwrap(), Vec::<Vec<u8>>::new());
        assert_eq!(lines_of(b"abc\n", 0, 3).unwrap(), Vec::<Vec<u8>>::new());
        // Shrunk but not empty: the bytes that are left, as the reference reads them.
        assert_eq!(lines_of(b"ab\ncd", 100, 1).unwrap(), vec![b"cd".to_vec()]);
        assert_eq!(lines_of(b"\n", 9000, 1).unwrap(), vec![b"".to_vec()]);
    }
}
