//! Property-based fuzzing of the `Tgid:` reader of `/proc/<pid>/status` on arbitrary bytes in a
//! fake procfs, against a model of psutil's `int(line.split()[1]) == pid`, and of the `/proc`
//! listing lookup. Unit tests: both readers are private steps of [`ProcFs::is_process_alive`].
//!
//! Case counts follow proptest's `PROPTEST_CASES` (256 by default); the fuzz run sets it to
//! 20,000: `PROPTEST_CASES=20000 cargo test -p sky-rs-process-core --lib fuzz_tgid`.
use std::fs;

use proptest::prelude::*;

use super::ProcFs;

#[expect(clippy::needless_pass_by_value, reason = "called as map_err(fail)")]
fn fail(e: impl ToString) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// psutil's `int(token)` for an ASCII token (optional sign, digits, single underscores).
fn python_int(token: &[u8]) -> Option<i128> {
    let text = std::str::from_utf8(token).ok()?;
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value = clean.parse::<i128>().unwrap_or(i128::MAX);
    Some(if negative { -value } else { value })
}

/// What `is_process_id` answers for a status file with `content`, in a fake root where
/// `<root>/<pid>` is listed: `Some(answer)`, or `None` for the "no Tgid value" error.
fn tgid_model(content: &[u8], pid: i32) -> Option<bool> {
    for line in content.split_inclusive(|b| *b == b'\n') {
        if !line.starts_with(b"Tgid:") {
            continue;
        }
        let mut fields = line
            .split(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c'))
            .filter(|f| !f.is_empty());
        fields.next();
        let value = fields.next()?;
        return Some(python_int(value).is_none_or(|tgid| tgid == i128::from(pid)));
    }
    Some(true) // no Tgid line: listed in the root
}

fn status_content() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        "Name:\t[a-z]{1,8}\n".prop_map(String::into_bytes),
        "Tgid:[ \t]{1,3}[0-9]{1,7}\n".prop_map(String::into_bytes),
        "Tgid:[ \t\x0b]{0,2}[-+_0-9a]{0,6}[ \t]{0,2}[0-9]{0,3}\n?".prop_map(String::into_bytes),
        "Pid:\t[0-9]{1,6}\n".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..30),
    ];
    prop::collection::vec(line, 0..8).prop_map(|lines| lines.concat())
}

proptest! {
    #[test]
    fn tgid_lines_are_read_like_psutil(content in status_content(), pid in 1_i32..i32::MAX) {
        let root = tempfile::tempdir().map_err(fail)?;
        let dir = root.path().join(pid.to_string());
        fs::create_dir_all(&dir).map_err(fail)?;
        fs::write(dir.join("status"), &content).map_err(fail)?;
        let procfs = ProcFs::new(root.path());
        let got = procfs.is_process_id(pid);
        match tgid_model(&content, pid) {
            Some(expected) => prop_assert_eq!(got.map_err(fail)?, expected, "{:?}", String::from_utf8_lossy(&content)),
            None => prop_assert!(got.is_err(), "{:?}", String::from_utf8_lossy(&content)),
        }
    }

    #[test]
    fn unlisted_ids_without_status(pid in 1_i32..i32::MAX, listed in prop::collection::vec(1_u32..5_000_000, 0..20)) {
        let root = tempfile::tempdir().map_err(fail)?;
        for other in &listed {
            fs::create_dir_all(root.path().join(other.to_string())).map_err(fail)?;
        }
        fs::create_dir_all(root.path().join("self")).map_err(fail)?;
        let procfs = ProcFs::new(root.path());
        let expected = listed.iter().any(|&l| i64::from(l) == i64::from(pid));
        prop_assert_eq!(procfs.is_listed(i128::from(pid)).map_err(fail)?, expected);
    }
}
