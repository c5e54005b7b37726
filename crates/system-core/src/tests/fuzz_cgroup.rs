//! Property-based fuzzing of the system core's parsers: Python's `float()`/`int()` rules, the
//! meminfo reader and the cgroup file readers, on arbitrary bytes and on well-formed values
//! compared with a model.
//!
//! Case counts follow proptest's `PROPTEST_CASES` (256 by default); the fuzz run sets it to
//! 20,000: `PROPTEST_CASES=20000 cargo test -p sky-rs-system-core --lib fuzz_cgroup`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use proptest::prelude::*;

use crate::cgroup::{cgroup_cpu_limit, cgroup_memory_limit, is_cgroup_v2};
use crate::memory::mem_total_from_meminfo;
use crate::pytext::{
    AsciiDigitsOnly, MAX_EXACT_DIGITS, PyInt, parse_float_ascii, parse_int_ascii, py_float, py_int,
};
use crate::{MemoryLimit, Roots, TotalMemory};

const D: AsciiDigitsOnly = AsciiDigitsOnly;

#[expect(clippy::needless_pass_by_value, reason = "called as map_err(fail)")]
fn fail(e: impl ToString) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// A decimal float both Python's `float()` and Rust's `str::parse::<f64>` accept, with
/// optional surrounding ASCII whitespace: `(text, text without the whitespace)`.
fn decimal_float() -> impl Strategy<Value = (String, String)> {
    (
        "[ \t\n\r\x0b\x0c]{0,2}",
        prop::sample::select(vec!["", "+", "-"]),
        "[0-9]{1,25}",
        prop::option::of("[0-9]{0,25}"),
        prop::option::of((
            prop::sample::select(vec!["e", "E"]),
            prop::sample::select(vec!["", "+", "-"]),
            "[0-9]{1,3}",
        )),
        "[ \t\n\r\x0b\x0c]{0,2}",
    )
        .prop_map(|(lead, sign, int, frac, exp, trail)| {
            let mut core = format!("{sign}{int}");
            if let Some(frac) = frac {
                core = format!("{core}.{frac}");
            }
            if let Some((e, s, digits)) = exp {
                core = format!("{core}{e}{s}{digits}");
            }
            (format!("{lead}{core}{trail}"), core)
        })
}

/// Digits with single underscores between some of them, as Python allows.
fn underscored(digits: &str, cuts: &[bool]) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && cuts[i % cuts.len()] {
            out.push('_');
        }
        out.push(c);
    }
    out
}

fn write(path: &Path, content: &[u8]) -> Result<(), TestCaseError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(fail)?;
    }
    fs::write(path, content).map_err(fail)
}

fn bytes_or_text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        "[0-9 _.eEinfaxm+\\-\t\n]{0,16}".prop_map(String::into_bytes),
        any::<String>().prop_map(String::into_bytes),
    ]
}

proptest! {
    #[test]
    fn number_parsers_never_panic(text in any::<String>(), bytes in prop::collection::vec(any::<u8>(), 0..60)) {
        let _ = py_float(&text, &D);
        let _ = py_int(&text, &D);
        let _ = parse_float_ascii(&bytes);
        let _ = parse_int_ascii(&bytes);
        let _ = mem_total_from_meminfo(&bytes);
        let _ = mem_total_from_meminfo(text.as_bytes());
    }

    #[test]
    fn decimal_floats_parse_like_rust((text, core) in decimal_float()) {
        let expected: f64 = core.parse().map_err(fail)?;
        let got = py_float(&text, &D);
        prop_assert_eq!(got.map(f64::to_bits), Some(expected.to_bits()), "{:?}", text);
    }

    #[test]
    fn underscores_between_digits_are_ignored(digits in "[0-9]{2,30}", cuts in prop::collection::vec(any::<bool>(), 1..8)) {
        let with = underscored(&digits, &cuts);
        prop_assert_eq!(py_float(&with, &D).map(f64::to_bits), py_float(&digits, &D).map(f64::to_bits));
        prop_assert_eq!(py_int(&with, &D), py_int(&digits, &D));
        for bad in [format!("_{digits}"), format!("{digits}_"), format!("{}__{}", &digits[..1], &digits[1..])] {
            prop_assert_eq!(py_int(&bad, &D), None, "{:?}", bad);
            prop_assert_eq!(py_float(&bad, &D), None, "{:?}", bad);
        }
    }

    #[test]
    fn ints_parse_like_rust(value in any::<i128>(), lead in "[ \t\n]{0,2}", trail in "[ \t\n]{0,2}") {
        let text = format!("{lead}{value}{trail}");
        let expected = if value.unsigned_abs().to_string().len() <= MAX_EXACT_DIGITS {
            PyInt::Exact(value)
        } else {
            PyInt::TooLong
        };
        prop_assert_eq!(py_int(&text, &D), Some(expected));
    }

    #[test]
    fn long_ints_are_left_to_python(digits in "[0-9]{33,80}", sign in "[+-]?", cuts in prop::collection::vec(any::<bool>(), 1..8)) {
        let text = format!("{sign}{}", underscored(&digits, &cuts));
        prop_assert_eq!(py_int(&text, &D), Some(PyInt::TooLong));
        prop_assert_eq!(parse_int_ascii(text.as_bytes()), Some(PyInt::TooLong));
        prop_assert_eq!(py_int(&format!("{text}_"), &D), None);
    }

    #[test]
    fn meminfo_total(kib in any::<u64>(), before in prop::collection::vec("[A-Za-z]{1,12}: +[0-9]{1,8} kB", 0..5), sep in "[ \t]{1,4}") {
        let mut text = before.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        let _ = write!(text, "MemTotal:{sep}{kib} kB\nMemFree: 1 kB\n");
        let expected = if before.iter().any(|l| l.starts_with("MemTotal:")) {
            None // an earlier MemTotal line wins; not what this property checks
        } else {
            Some(i128::from(kib) * 1024)
        };
        if let Some(expected) = expected {
            prop_assert_eq!(mem_total_from_meminfo(text.as_bytes()).ok(), Some(TotalMemory::Bytes(expected)));
        }
    }

    #[test]
    fn cgroup_files_never_panic(
        v2 in any::<bool>(),
        cpu_max in bytes_or_text(),
        quota in bytes_or_text(),
        period in bytes_or_text(),
        memory in bytes_or_text(),
    ) {
        let dir = tempfile::tempdir().map_err(fail)?;
        let cgroup = dir.path().join("cgroup");
        if v2 {
            write(&cgroup.join("cgroup.controllers"), b"cpu memory\n")?;
        }
        write(&cgroup.join("cpu.max"), &cpu_max)?;
        write(&cgroup.join("cpu/cpu.cfs_quota_us"), &quota)?;
        write(&cgroup.join("cpu/cpu.cfs_period_us"), &period)?;
        write(&cgroup.join("memory.max"), &memory)?;
        write(&cgroup.join("memory/memory.limit_in_bytes"), &memory)?;
        let roots = Roots::new(&cgroup, dir.path().join("proc"));
        prop_assert_eq!(is_cgroup_v2(&roots), v2);
        let _ = cgroup_cpu_limit(&roots, &D);
        match cgroup_memory_limit(&roots, &D) {
            Some(MemoryLimit::Bytes(limit)) => prop_assert!(limit > 0),
            Some(MemoryLimit::Text(text)) => {
                prop_assert_eq!(py_int(&text, &D), Some(PyInt::TooLong));
                prop_assert!(!text.starts_with('-'));
            }
            None => {}
        }
    }

    #[test]
    fn well_formed_cgroup_limits(
        v2 in any::<bool>(),
        quota in -5_i64..2_000_000,
        period in 0_i64..1_000_000,
        memory in -5_i128..(1_i128 << 70),
        spaces in "[ \t]{1,3}",
    ) {
        let dir = tempfile::tempdir().map_err(fail)?;
        let cgroup = dir.path().join("cgroup");
        if v2 {
            write(&cgroup.join("cgroup.controllers"), b"cpu memory\n")?;
            write(&cgroup.join("cpu.max"), format!("{quota}{spaces}{period}\n").as_bytes())?;
            write(&cgroup.join("memory.max"), format!("{memory}\n").as_bytes())?;
        } else {
            write(&cgroup.join("cpu/cpu.cfs_quota_us"), format!("{quota}\n").as_bytes())?;
            write(&cgroup.join("cpu/cpu.cfs_period_us"), format!("{period}\n").as_bytes())?;
            write(&cgroup.join("memory/memory.limit_in_bytes"), format!("{memory}\n").as_bytes())?;
        }
        let roots = Roots::new(&cgroup, dir.path().join("proc"));
        let (q, p) = (quota as f64, period as f64);
        let cpu = cgroup_cpu_limit(&roots, &D);
        if quota <= 0 {
            prop_assert_eq!(cpu, Ok(None));
        } else if period == 0 {
            // v2: quota / 0.0 raises ZeroDivisionError in the reference; v1: no limit.
            prop_assert_eq!(cpu.is_err(), v2);
        } else {
            prop_assert_eq!(cpu, Ok(Some(q / p)));
        }
        prop_assert_eq!(cgroup_memory_limit(&roots, &D), (memory > 0).then_some(MemoryLimit::Bytes(memory)));
    }

    #[test]
    fn max_means_no_limit(period in "[0-9]{1,7}", v2 in any::<bool>()) {
        let dir = tempfile::tempdir().map_err(fail)?;
        let cgroup = dir.path().join("cgroup");
        if v2 {
            write(&cgroup.join("cgroup.controllers"), b"")?;
        }
        write(&cgroup.join("cpu.max"), format!("max {period}\n").as_bytes())?;
        write(&cgroup.join("memory.max"), b"max\n")?;
        write(&cgroup.join("memory/memory.limit_in_bytes"), b"max\n")?;
        let roots = Roots::new(&cgroup, dir.path().join("proc"));
        if v2 {
            prop_assert_eq!(cgroup_cpu_limit(&roots, &D), Ok(None));
        }
        prop_assert_eq!(cgroup_memory_limit(&roots, &D), None);
    }
}
