//! The system functions against fake cgroup and proc trees (this machine's real ones are
//! whatever they are), plus the environment overrides.
use std::fs;
use std::path::Path;

use proptest::prelude::*;
use tempfile::TempDir;

use crate::cgroup::{cgroup_cpu_limit, cgroup_memory_limit, is_cgroup_v2};
use crate::cpu::affinity_cpu_count;
use crate::memory::{mem_total_from_meminfo, total_memory};
use crate::pytext::AsciiDigitsOnly;
use crate::{
    CpuCount, MemSize, MemoryLimit, MemoryUnit, OverrideFailure, Roots, SystemError, TotalMemory,
    cpu_count, cpu_count_override, mem_size_gb, mem_size_override, memory_override,
};

const D: AsciiDigitsOnly = AsciiDigitsOnly;
const GIB: f64 = 1_073_741_824.0;
const MEMINFO: &str = "MemTotal:        8000000 kB\nMemFree:         1000 kB\n";

/// A fake tree: `files` are (path below the cgroup root, content); the proc root gets a
/// meminfo of 8,000,000 kB.
fn tree(files: &[(&str, &str)]) -> (TempDir, Roots) {
    let dir = TempDir::new().unwrap();
    let cgroup = dir.path().join("cgroup");
    let proc = dir.path().join("proc");
    fs::create_dir_all(&proc).unwrap();
    fs::write(proc.join("meminfo"), MEMINFO).unwrap();
    for (path, content) in files {
        let path = cgroup.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    fs::create_dir_all(&cgroup).unwrap();
    (dir, Roots::new(cgroup, proc))
}

fn v2(cpu_max: &str) -> (TempDir, Roots) {
    tree(&[("cgroup.controllers", "cpu memory\n"), ("cpu.max", cpu_max)])
}

fn v1(quota: &str, period: &str) -> (TempDir, Roots) {
    tree(&[
        ("cpu/cpu.cfs_quota_us", quota),
        ("cpu/cpu.cfs_period_us", period),
    ])
}

fn affinity() -> f64 {
    affinity_cpu_count().unwrap() as f64
}

fn count(roots: &Roots) -> Result<f64, SystemError> {
    cpu_count(roots, &D).map(CpuCount::as_f64)
}

#[test]
fn cgroup_v2_cpu_max() {
    assert_eq!(cgroup_cpu_limit(&v2("max 100000\n").1, &D), Ok(None));
    assert_eq!(
        cgroup_cpu_limit(&v2("150000 100000\n").1, &D),
        Ok(Some(1.5))
    );
    assert_eq!(count(&v2("max 100000\n").1), Ok(affinity()));
    assert_eq!(count(&v2("150000 100000\n").1), Ok(1.0));
    assert_eq!(
        count(&v2("50000 100000\n").1),
        Ok(0.0),
        "half a CPU truncates to 0"
    );
    assert_eq!(count(&v2(" 400000\t100000 ").1), Ok(affinity().min(4.0)));
    assert_eq!(count(&v2("-1 100000").1), Ok(affinity()));
    assert_eq!(count(&v2("0 100000").1), Ok(affinity()));
    for garbage in [
        "",
        "max",
        "100000",
        "1 2 3",
        "abc 100000",
        "100000 abc",
        "\u{ff}",
    ] {
        assert_eq!(count(&v2(garbage).1), Ok(affinity()), "{garbage:?}");
    }
}

#[test]
fn cgroup_v2_cpu_max_errors_the_reference_lets_through() {
    assert_eq!(count(&v2("100000 0").1), Err(SystemError::ZeroDivision));
    assert_eq!(count(&v2("100000 -0.0").1), Err(SystemError::ZeroDivision));
    assert_eq!(count(&v2("inf 100000").1), Err(SystemError::InfinityToInt));
    assert_eq!(count(&v2("1 nan").1), Err(SystemError::NanToInt));
    assert_eq!(
        count(&v2("nan 1").1),
        Ok(affinity()),
        "a NaN quota is not > 0"
    );
    let huge = (1.0 / -1e-300_f64).trunc();
    assert_eq!(
        count(&v2("1 -1e-300").1),
        Ok(huge),
        "int() of a huge negative limit wins"
    );
    assert_eq!(cpu_count(&v2("1 -1e-300").1, &D).unwrap().to_i64(), None);
}

#[test]
fn cgroup_v1_cfs_quota() {
    assert_eq!(count(&v1("-1\n", "100000\n").1), Ok(affinity()));
    assert_eq!(count(&v1("100000\n", "100000\n").1), Ok(1.0));
    assert_eq!(count(&v1("50000", "100000").1), Ok(0.0));
    assert_eq!(
        count(&v1("100000", "0").1),
        Ok(affinity()),
        "v1 checks the period first"
    );
    assert_eq!(count(&v1("100000", "-5").1), Ok(affinity()));
    assert_eq!(count(&v1("inf", "1").1), Err(SystemError::InfinityToInt));
    assert_eq!(count(&v1("inf", "inf").1), Err(SystemError::NanToInt));
    assert_eq!(count(&v1("1_000_00", "1e5").1), Ok(1.0));
    assert_eq!(
        count(&v1("\x1c100000\u{3000}", "100000").1),
        Ok(1.0),
        "str.strip() is Unicode-aware"
    );
    let (_dir, roots) = tree(&[("cpu/cpu.cfs_quota_us", "100000")]);
    assert_eq!(count(&roots), Ok(affinity()), "no period file");
    let (_dir, roots) = tree(&[]);
    assert_eq!(count(&roots), Ok(affinity()), "no cgroup files at all");
}

#[test]
fn unreadable_files_mean_no_limit() {
    let (_dir, roots) = tree(&[
        ("cgroup.controllers", ""),
        ("cpu.max/x", ""),
        ("memory.max/x", ""),
    ]);
    assert_eq!(cgroup_cpu_limit(&roots, &D), Ok(None));
    assert_eq!(cgroup_memory_limit(&roots, &D), None);
    // cgroup.controllers as a directory is not a file: v1 is read.
    let (_dir, roots) = tree(&[
        ("cgroup.controllers/x", ""),
        ("cpu/cpu.cfs_quota_us", "100000"),
        ("cpu/cpu.cfs_period_us", "100000"),
    ]);
    assert_eq!(count(&roots), Ok(1.0));
    let (_dir, roots) = v2("\u{0}");
    assert_eq!(cgroup_cpu_limit(&roots, &D), Ok(None));
    let (dir, roots) = tree(&[("cgroup.controllers", ""), ("memory.max", "\u{ff}")]);
    fs::write(dir.path().join("cgroup/memory.max"), b"1\xff").unwrap();
    assert_eq!(cgroup_memory_limit(&roots, &D), None, "invalid UTF-8");
}

#[test]
fn memory_limits() {
    let v2_mem = |content: &str| tree(&[("cgroup.controllers", ""), ("memory.max", content)]);
    let v1_mem = |content: &str| tree(&[("memory/memory.limit_in_bytes", content)]);
    let total = 8_000_000.0 * 1024.0;
    for (content, want) in [
        ("max\n", total),
        ("1073741824\n", 1.0 * GIB),
        ("0\n", total),
        ("-5", total),
        ("", total),
        ("  \n", total),
        ("garbage", total),
        ("1.5e9", total),
        ("1_073_741_824", GIB),
        ("-99999999999999999999999999999999999999999999", total),
        ("99999999999999999999999999999999", 1e32 - 1.0),
    ] {
        assert_eq!(
            mem_size_gb(&v2_mem(content).1, &D),
            Ok(MemSize::Gb(want.min(total) / GIB)),
            "v2 {content:?}"
        );
        assert_eq!(
            mem_size_gb(&v1_mem(content).1, &D),
            Ok(MemSize::Gb(want.min(total) / GIB)),
            "v1 {content:?}"
        );
    }
    // More digits than are read here: Python's int() finishes (it may refuse the text).
    for content in [
        "999999999999999999999999999999999",
        "\n 99999999999999999999999999999999999999999999\n",
        "0000000000000000000000000000000001",
        "1_000_000_000_000_000_000_000_000_000_000_000",
    ] {
        let want = Ok(MemSize::NeedsPythonInt {
            total: TotalMemory::Bytes(8_000_000 * 1024),
            limit: Some(MemoryLimit::Text(content.trim().to_owned())),
        });
        assert_eq!(mem_size_gb(&v2_mem(content).1, &D), want, "v2 {content:?}");
        assert_eq!(mem_size_gb(&v1_mem(content).1, &D), want, "v1 {content:?}");
    }
}

#[test]
fn meminfo() {
    assert_eq!(
        mem_total_from_meminfo(MEMINFO.as_bytes()),
        Ok(TotalMemory::Bytes(8_000_000 * 1024))
    );
    // A number too long to read here: it and the later candidates, up to the first readable.
    let long = format!("9{}", "0".repeat(40));
    let text = format!(
        "MemTotal: {long} kB\nMemTotal: x\nMemFree: 1\nMemTotal: 1_{long}\nMemTotal: 7 kB\nMemTotal: 9"
    );
    assert_eq!(
        mem_total_from_meminfo(text.as_bytes()),
        Ok(TotalMemory::KibTexts(vec![
            long.clone().into_bytes(),
            format!("1_{long}").into_bytes(),
            b"7".to_vec(),
        ]))
    );
    assert_eq!(
        mem_total_from_meminfo(format!("MemTotal: -{long}").as_bytes()),
        Ok(TotalMemory::KibTexts(vec![format!("-{long}").into_bytes()]))
    );
    assert_eq!(
        mem_total_from_meminfo(format!("MemTotal: {}", "9".repeat(32)).as_bytes()),
        Ok(TotalMemory::Bytes((10_i128.pow(32) - 1) * 1024))
    );
    // A NUL in the path: Python's open() raises ValueError('embedded null byte').
    let roots = Roots::new("/nonexistent", "/tmp/\0");
    assert_eq!(total_memory(&roots), Err(SystemError::EmbeddedNul));
    assert_eq!(SystemError::EmbeddedNul.to_string(), "embedded null byte");
    assert_eq!(mem_size_gb(&roots, &D), Err(SystemError::EmbeddedNul));
    assert_eq!(
        mem_total_from_meminfo(b"MemFree: 1 kB\n"),
        Err(SystemError::MemTotalMissing)
    );
    assert_eq!(
        mem_total_from_meminfo(b"MemTotal:\n"),
        Err(SystemError::MemTotalMissing)
    );
    assert_eq!(
        mem_total_from_meminfo(b"\x0bMemTotal:\x0b2\x0bkB"),
        Ok(TotalMemory::Bytes(2048))
    );
    let dir = TempDir::new().unwrap();
    let roots = Roots::new(dir.path(), dir.path().join("nowhere"));
    let err = total_memory(&roots).unwrap_err();
    assert_eq!(
        err,
        SystemError::Os {
            errno: 2,
            path: Some(dir.path().join("nowhere/meminfo"))
        }
    );
    assert!(
        err.to_string()
            .starts_with("[Errno 2] No such file or directory: '"),
        "{err}"
    );
}

#[test]
fn the_real_machine() {
    // sysinfo(2) and /proc/meminfo agree, as the shortcut in total_memory() assumes.
    let meminfo = fs::read("/proc/meminfo").unwrap();
    assert_eq!(
        total_memory(&Roots::default()),
        mem_total_from_meminfo(&meminfo)
    );
    let roots = Roots::new("/nonexistent-cgroup", "/proc");
    assert_eq!(count(&roots), Ok(affinity()));
    assert!(Path::new("/proc/meminfo").exists());
}

#[test]
fn the_mount_cache_changes_no_answer() {
    // The default roots learn their mounts once (cgroup version, file system types, short
    // reads of kernel cgroup files); roots at the same paths without the cache ask every time.
    let cached = Roots::default();
    let fresh = Roots::new(Roots::DEFAULT_CGROUP, Roots::DEFAULT_PROC);
    for _ in 0..3 {
        assert_eq!(is_cgroup_v2(&cached), is_cgroup_v2(&fresh));
        assert_eq!(cgroup_cpu_limit(&cached, &D), cgroup_cpu_limit(&fresh, &D));
        assert_eq!(
            cgroup_memory_limit(&cached, &D),
            cgroup_memory_limit(&fresh, &D)
        );
        assert_eq!(total_memory(&cached), total_memory(&fresh));
        assert_eq!(mem_size_gb(&cached, &D), mem_size_gb(&fresh, &D));
    }
}

#[test]
fn overrides() {
    let cpus = |value: &str| cpu_count_override(value, &D).map(CpuCount::as_f64);
    assert_eq!(cpus("2.5"), Ok(2.0));
    assert_eq!(cpus(" 3 "), Ok(3.0));
    assert_eq!(cpus("1e1"), Ok(10.0));
    assert_eq!(cpus("1_0"), Ok(10.0));
    assert_eq!(cpus("-0.5"), Ok(0.0));
    assert_eq!(cpus("inf"), Err(SystemError::InfinityToInt));
    assert_eq!(cpus("-inf"), Err(SystemError::InfinityToInt));
    let parse_error = |value: &str, cause| {
        Err(SystemError::CpuOverride {
            value: value.into(),
            cause,
        })
    };
    assert_eq!(cpus("abc"), parse_error("abc", OverrideFailure::NotAFloat));
    assert_eq!(cpus(""), parse_error("", OverrideFailure::NotAFloat));
    assert_eq!(cpus("nan"), parse_error("nan", OverrideFailure::NanToInt));
    assert_eq!(
        cpus("abc").unwrap_err().to_string(),
        "Failed to parse the number of CPUs from abc"
    );
    let huge = cpu_count_override("1e300", &D).unwrap();
    assert_eq!(huge.to_string(), format!("{:.0}", 1e300));
    assert_eq!(huge.to_i64(), None);

    let mem = |gb: Option<&str>, bytes: Option<&str>| {
        let getenv = |unit| {
            Ok::<_, std::convert::Infallible>(match unit {
                MemoryUnit::Gigabytes => gb,
                MemoryUnit::Bytes => bytes,
            })
        };
        match memory_override(getenv) {
            Ok(Some((value, unit))) => mem_size_override(value, unit, &D),
            Ok(None) => panic!("no override set"),
        }
    };
    let unset = memory_override(|_| Ok::<Option<&str>, std::convert::Infallible>(None));
    assert_eq!(unset, Ok(None));
    // The GB override wins over the bytes override, whatever the bytes value.
    assert_eq!(mem(Some("2.5"), Some("1073741824")), Ok(2.5));
    assert_eq!(mem(Some("2.5"), Some("junk")), Ok(2.5));
    assert_eq!(mem(None, Some("1073741824")), Ok(1.0));
    assert!(mem(Some("nan"), None).unwrap().is_nan());
    assert_eq!(mem(Some("-inf"), None), Ok(f64::NEG_INFINITY));
    let err = mem(Some("x"), None).unwrap_err();
    assert_eq!(
        err,
        SystemError::MemoryOverride {
            value: "x".into(),
            unit: MemoryUnit::Gigabytes
        }
    );
    assert_eq!(
        err.to_string(),
        "Failed to parse the memory size from x (GB)"
    );
    assert_eq!(
        mem(None, Some(" ")).unwrap_err().to_string(),
        "Failed to parse the memory size from   (bytes)"
    );
}

proptest! {
    /// Any finite float printed by Rust (shortest round-trip, or in exponent form) reads back
    /// as the same float, with underscores between digits or without.
    #[test]
    fn floats_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite()), exp in any::<bool>()) {
        use crate::pytext::py_float;
        let text = if exp { format!("{x:e}") } else { format!("{x}") };
        prop_assert_eq!(py_float(&text, &D).map(f64::to_bits), Some(x.to_bits()));
        let spaced = format!(" \t{text}\n");
        prop_assert_eq!(py_float(&spaced, &D).map(f64::to_bits), Some(x.to_bits()));
    }

    /// Integers read back exactly, underscores or not.
    #[test]
    fn ints_round_trip(n in any::<i64>()) {
        use crate::pytext::{PyInt, py_int};
        prop_assert_eq!(py_int(&n.to_string(), &D), Some(PyInt::Exact(i128::from(n))));
        let digits = n.unsigned_abs().to_string();
        let grouped: String = digits.chars().flat_map(|c| [c, '_']).collect();
        let text = format!("{}{}", if n < 0 { "-" } else { "" }, grouped.trim_end_matches('_'));
        prop_assert_eq!(py_int(&text, &D), Some(PyInt::Exact(i128::from(n))));
    }

    /// A cgroup v2 quota over a period gives int(quota / period), capped by the affinity count.
    #[test]
    fn v2_quota(quota in 1u32..10_000_000, period in 1u32..1_000_000) {
        let (_dir, roots) = v2(&format!("{quota} {period}\n"));
        let want = (f64::from(quota) / f64::from(period)).trunc().min(affinity());
        prop_assert_eq!(count(&roots), Ok(want));
    }
}
