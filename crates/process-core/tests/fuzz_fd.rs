//! Property-based fuzzing of the process core's directory entry counts against
//! `std::fs::read_dir` (the `Tgid:` reader is fuzzed by the unit tests in `src/liveness/`).
//!
//! Case counts follow proptest's `PROPTEST_CASES` (256 by default); the fuzz run sets it to
//! 20,000: `PROPTEST_CASES=20000 cargo test -p sky-rs-process-core --test fuzz_fd`.
#![allow(missing_docs)]

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use proptest::prelude::*;
use sky_rs_process_core::{
    count_dir_entries, estimate_fd_for_directory_interruptible, fd_per_rsync,
};

#[expect(clippy::needless_pass_by_value, reason = "called as map_err(fail)")]
fn fail(e: impl ToString) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// A file name: any bytes but `/` and NUL (mapped to `_`), not `.` or `..`, at most 40 bytes.
fn entry_name() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 1..40).prop_map(|mut name| {
        for b in &mut name {
            if *b == b'/' || *b == 0 {
                *b = b'_';
            }
        }
        if name == b"." || name == b".." {
            name.push(b'x');
        }
        name
    })
}

proptest! {
    #[test]
    fn entry_counts_match_read_dir(names in prop::collection::vec(entry_name(), 0..60), subdirs in 0_usize..4) {
        let dir = tempfile::tempdir().map_err(fail)?;
        for name in &names {
            fs::write(dir.path().join(OsStr::from_bytes(name)), b"").map_err(fail)?;
        }
        for i in 0..subdirs {
            fs::create_dir_all(dir.path().join(format!("sub-{i}"))).map_err(fail)?;
        }
        let expected = fs::read_dir(dir.path()).map_err(fail)?.count() as u64;
        prop_assert_eq!(count_dir_entries(dir.path()).map_err(fail)?, expected);
        prop_assert_eq!(estimate_fd_for_directory_interruptible(dir.path(), &mut || false).map_err(fail)?, Some(expected * 5));
        prop_assert_eq!(fd_per_rsync(dir.path()).map_err(fail)?, Some(expected * 5));
        // A file and a missing path are "not a directory" for the sizing function.
        let file = dir.path().join("sub-file");
        fs::write(&file, b"x").map_err(fail)?;
        prop_assert_eq!(fd_per_rsync(&file).map_err(fail)?, None);
        prop_assert_eq!(fd_per_rsync(Path::new("/nonexistent/sky-rs")).map_err(fail)?, None);
    }
}
