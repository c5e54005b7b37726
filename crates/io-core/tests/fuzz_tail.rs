//! Property-based fuzzing of the line splitter behind `read_last_n_lines`, over files large
//! enough to span several backward reads, and of the hash-name parser.
//!
//! Case counts follow proptest's `PROPTEST_CASES` (256 by default); the fuzz run sets it to
//! 20,000: `PROPTEST_CASES=20000 cargo test -p sky-rs-io-core --test fuzz_tail`.
#![allow(missing_docs)]

use std::io::Write;

mod common;

use common::{model, read_last_n_lines_lossy};
use proptest::prelude::*;
use sky_rs_io_core::{HashAlgorithm, read_last_n_lines};

/// `read_last_n_lines(path, n)` with its defaults (`utf-8`, `errors='replace'`), from SPEC.md
/// and independently of the code under test: read the whole file, decode all of it at once
/// (a `'\n'` byte is ASCII, so it never joins an invalid sequence: decoding the whole equals
/// decoding each line), split the text on `'\n'`, drop the empty piece after a final newline,
/// keep the last `n`, strip trailing `'\r'`s and re-join with `'\n'` after all but the last.
fn model_lossy(path: &std::path::Path, n: usize) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let mut pieces: Vec<&str> = text.split('\n').collect();
    if pieces.last() == Some(&"") {
        pieces.pop();
    }
    let kept = &pieces[pieces.len() - n.min(pieces.len())..];
    let last = kept.len().saturating_sub(1);
    kept.iter()
        .map(|line| line.trim_end_matches('\r'))
        .enumerate()
        .map(|(i, line)| {
            if i < last {
                format!("{line}\n")
            } else {
                line.to_owned()
            }
        })
        .collect()
}

/// File contents: random bytes, line-ish text, and long repetitions crossing the 8 KiB,
/// 16 KiB, 32 KiB ... read boundaries, with `\n` runs, CRs and invalid UTF-8.
fn contents() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            b"\n".to_vec(),
            b"\r\n".to_vec(),
            b"\r".to_vec(),
            b"\n\n\n".to_vec(),
            b"\xff".to_vec(),
            b"\xe2\x82".to_vec(),
            "é€😀".as_bytes().to_vec(),
        ]),
        prop::collection::vec(any::<u8>(), 0..40),
        "[a-z ]{0,120}".prop_map(String::into_bytes),
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        prop::collection::vec(piece.clone(), 0..80).prop_map(|p| p.concat()),
        (prop::collection::vec(piece, 1..10), 1_usize..3_000)
            .prop_map(|(p, times)| p.concat().repeat(times)),
    ]
}

fn counts() -> impl Strategy<Value = usize> {
    prop_oneof![0_usize..10, 0_usize..5_000, Just(usize::MAX)]
}

proptest! {
    #[test]
    fn last_lines_match_the_model(content in contents(), n in counts()) {
        let mut file = tempfile::NamedTempFile::new().map_err(|e| TestCaseError::fail(e.to_string()))?;
        file.write_all(&content).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let got = read_last_n_lines(file.path(), n).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let lines: Vec<Vec<u8>> = got.iter().map(<[u8]>::to_vec).collect();
        prop_assert_eq!(got.len(), lines.len());
        prop_assert_eq!(got.is_empty(), lines.is_empty());
        prop_assert_eq!(&lines, &model(&content, n));
        // The buffer is a suffix of the file, and the ranges point into it.
        prop_assert!(content.ends_with(got.buffer()));
        let lossy = read_last_n_lines_lossy(file.path(), n).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(lossy, model_lossy(file.path(), n));
    }

    #[test]
    fn hash_names_never_panic_and_ignore_ascii_case(name in any::<String>(), flips in prop::collection::vec(any::<bool>(), 6)) {
        let _ = HashAlgorithm::from_name(&name);
        for known in ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"] {
            let cased: String = known
                .chars()
                .zip(flips.iter().cycle())
                .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            let algorithm = HashAlgorithm::from_name(&cased);
            prop_assert!(algorithm.is_some(), "{}", cased);
            prop_assert_eq!(algorithm.map(HashAlgorithm::name), Some(known));
        }
    }
}
