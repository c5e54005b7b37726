//! Tests of `read_last_n_lines`.
#![allow(missing_docs)]
#![expect(clippy::unwrap_used, reason = "tests")]

use std::io::Write;
use std::path::Path;

mod common;

use common::{model, read_last_n_lines_lossy};
use proptest::prelude::*;
use sky_rs_io_core::{IoError, read_last_n_lines, read_last_n_lines_interruptible};

fn file_with(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file.flush().unwrap();
    file
}

fn lines(content: &[u8], n: usize) -> Vec<Vec<u8>> {
    let file = file_with(content);
    read_last_n_lines(file.path(), n)
        .unwrap()
        .iter()
        .map(<[u8]>::to_vec)
        .collect()
}

fn lossy(content: &[u8], n: usize) -> Vec<String> {
    read_last_n_lines_lossy(file_with(content).path(), n).unwrap()
}

#[test]
fn spec_examples() {
    assert_eq!(lossy(b"a\nb\n", 2), ["a\n", "b"]);
    assert_eq!(lossy(b"a\nb", 5), ["a\n", "b"]);
    assert_eq!(lossy(b"\n", 1), [""]);
    assert_eq!(lossy(b"x\r\n\r\ny\r\r\n", 3), ["x\n", "\n", "y"]);
    assert_eq!(lossy(b"\xff\xfeA\n", 1), ["\u{fffd}\u{fffd}A"]);
}

#[test]
fn zero_lines_and_empty_files() {
    assert!(lines(b"a\nb\n", 0).is_empty());
    assert!(lines(b"", 3).is_empty());
    assert!(
        read_last_n_lines(Path::new("/dev/null"), 3)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn raw_lines_keep_carriage_returns() {
    assert_eq!(lines(b"a\r\nb\r\n", 2), [b"a\r".to_vec(), b"b\r".to_vec()]);
    assert_eq!(lines(b"\n\n\n", 2), [Vec::<u8>::new(), Vec::new()]);
    assert_eq!(lines(b"only", usize::MAX), [b"only".to_vec()]);
}

#[test]
fn many_chunks() {
    let content: Vec<u8> = (0..200_000)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    assert_eq!(lines(&content, 3), model(&content, 3));
    assert_eq!(lines(&content, 150_000), model(&content, 150_000));
    assert_eq!(lines(&content, usize::MAX).len(), 200_000);
    let last = read_last_n_lines(file_with(&content).path(), 2).unwrap();
    assert_eq!(last.len(), 2);
    assert!(
        last.buffer().len() < 64 * 1024,
        "reads only the end of the file"
    );
}

#[test]
fn long_last_line_without_newline() {
    let mut content = b"first\nsecond\n".to_vec();
    content.extend(std::iter::repeat_n(b'x', 3_000_000));
    let got = lines(&content, 2);
    assert_eq!(got, model(&content, 2));
    assert_eq!(got[0], b"second");
}

#[test]
fn ranges_are_followed_by_newlines() {
    let file = file_with(b"a\nbb\nccc");
    let last = read_last_n_lines(file.path(), 5).unwrap();
    let ranges: Vec<_> = last.ranges().collect();
    assert_eq!(ranges.len(), 3);
    for r in &ranges[..2] {
        assert_eq!(last.buffer()[r.end], b'\n');
    }
}

#[test]
fn open_errors_carry_errno_and_path() {
    let missing = Path::new("/nonexistent/sky-rs/file");
    match read_last_n_lines(missing, 1) {
        Err(IoError::Open { path, source }) => {
            assert_eq!(path, missing);
            assert_eq!(source.raw_os_error(), Some(libc_errno::ENOENT));
        }
        other => panic!("unexpected {other:?}"),
    }
    let dir = tempfile::tempdir().unwrap();
    match read_last_n_lines(dir.path(), 1) {
        Err(IoError::Open { source, .. }) => {
            assert_eq!(source.raw_os_error(), Some(libc_errno::EISDIR));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unseekable_proc_file_is_a_read_error() {
    // procfs seq files refuse SEEK_END with EINVAL, as Python's f.seek(0, 2) reports.
    match read_last_n_lines(Path::new("/proc/self/status"), 1) {
        Err(IoError::Read(e)) => assert_eq!(e.raw_os_error(), Some(libc_errno::EINVAL)),
        other => panic!("unexpected {other:?}"),
    }
}

/// errno values, without a libc dev-dependency.
mod libc_errno {
    pub const ENOENT: i32 = 2;
    pub const EISDIR: i32 = 21;
    pub const EINVAL: i32 = 22;
}

fn byte_strategy() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => Just(b'\n'),
        2 => Just(b'\r'),
        1 => Just(0xffu8),
        1 => Just(0xe2u8),
        8 => any::<u8>(),
    ]
}

/// Short random contents, or long ones (past the first read chunks) made of a
/// random pattern repeated, with random bytes around it.
fn content_strategy() -> impl Strategy<Value = Vec<u8>> {
    let bytes = || proptest::collection::vec(byte_strategy(), 0..64);
    prop_oneof![
        bytes(),
        (bytes(), bytes(), 0..5000usize, bytes()).prop_map(|(head, pattern, times, tail)| {
            let mut content = head;
            for _ in 0..times {
                content.extend_from_slice(&pattern);
            }
            content.extend(tail);
            content
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn matches_the_whole_file_model(content in content_strategy(), n in prop_oneof![0..8usize, Just(usize::MAX), 0..50_000usize]) {
        prop_assert_eq!(lines(&content, n), model(&content, n));
    }

    #[test]
    fn reused_storage_changes_nothing(content in content_strategy(), n in 1..300usize, junk in proptest::collection::vec(any::<u8>(), 0..70_000)) {
        let file = file_with(&content);
        let lines = read_last_n_lines_interruptible(file.path(), n, junk, &mut || false).unwrap();
        let got: Vec<Vec<u8>> = lines.iter().map(<[u8]>::to_vec).collect();
        prop_assert_eq!(got, model(&content, n));
        let again = read_last_n_lines_interruptible(file.path(), n, lines.into_storage(), &mut || false).unwrap();
        prop_assert_eq!(again.iter().count(), model(&content, n).len());
    }

    #[test]
    fn lossy_strips_carriage_returns_and_joins(content in proptest::collection::vec(byte_strategy(), 0..200), n in 1..20usize) {
        let got = lossy(&content, n);
        let raw = model(&content, n);
        prop_assert_eq!(got.len(), raw.len());
        for (i, (text, line)) in got.iter().zip(&raw).enumerate() {
            let mut want = String::from_utf8_lossy(line).trim_end_matches('\r').to_owned();
            if i + 1 < raw.len() {
                want.push('\n');
            }
            prop_assert_eq!(text, &want);
        }
    }
}

#[test]
fn an_interrupted_tail_stops_between_chunks() {
    let content: Vec<u8> = (0..200_000u32)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    let file = file_with(&content);
    let mut asked = 0;
    let err = read_last_n_lines_interruptible(file.path(), usize::MAX, Vec::new(), &mut || {
        asked += 1;
        true
    })
    .unwrap_err();
    assert!(matches!(err, IoError::Interrupted), "{err:?}");
    assert_eq!(asked, 1, "asked before the second chunk, not the first");
    // One chunk is enough for a few lines: never asked.
    let lines = read_last_n_lines_interruptible(file.path(), 2, Vec::new(), &mut || unreachable!())
        .unwrap();
    assert_eq!(lines.len(), 2);
}
