//! Criterion benches for the system core, and the floor: the system calls no
//! implementation of the contract can avoid, timed alone.
#![allow(missing_docs)]
use std::hint::black_box;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use nix::sched::sched_getaffinity;
use nix::sys::statfs::statfs;
use nix::unistd::{Pid, SysconfVar, sysconf};
use sky_rs_system_core::{
    DecimalDigits, MemoryUnit, Roots, cpu_count, cpu_count_override, mem_size_gb, mem_size_override,
};

/// No non-ASCII digits: the texts timed here are ASCII (the binding asks Python instead).
struct AsciiDigits;

impl DecimalDigits for AsciiDigits {
    fn decimal(&self, _c: char) -> Option<u8> {
        None
    }
}

const D: AsciiDigits = AsciiDigits;

fn read_to_end(path: &str) -> usize {
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut buf))
        .unwrap_or(0)
}

fn functions(c: &mut Criterion) {
    let real = Roots::default();
    c.bench_function("cpu_count/this machine", |b| {
        b.iter(|| cpu_count(black_box(&real), &D));
    });
    c.bench_function("mem_size_gb/this machine", |b| {
        b.iter(|| mem_size_gb(black_box(&real), &D));
    });
    c.bench_function("cpu_count_override/' 4 '", |b| {
        b.iter(|| cpu_count_override(black_box(" 4 "), &D));
    });
    c.bench_function("mem_size_override/bytes", |b| {
        b.iter(|| mem_size_override(black_box("17179869184"), MemoryUnit::Bytes, &D));
    });
}

fn floor(c: &mut Criterion) {
    c.bench_function("floor/sched_getaffinity", |b| {
        b.iter(|| sched_getaffinity(Pid::from_raw(0)));
    });
    c.bench_function("floor/stat cgroup.controllers", |b| {
        b.iter(|| std::fs::metadata(black_box("/sys/fs/cgroup/cgroup.controllers")).is_ok());
    });
    c.bench_function("floor/read cpu.cfs_quota_us", |b| {
        b.iter(|| read_to_end(black_box("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")));
    });
    c.bench_function("floor/open missing cpu.max", |b| {
        b.iter(|| std::fs::File::open(black_box("/nonexistent/cgroup/cpu.max")).is_ok());
    });
    c.bench_function("floor/sysinfo", |b| b.iter(nix::sys::sysinfo::sysinfo));
    c.bench_function("avoided/statfs /proc/meminfo", |b| {
        b.iter(|| statfs(black_box(Path::new("/proc/meminfo"))).is_ok());
    });
    c.bench_function("avoided/statfs cpu/online", |b| {
        b.iter(|| statfs(black_box(Path::new("/sys/devices/system/cpu/online"))).is_ok());
    });
    c.bench_function("avoided/sysconf NPROCESSORS_ONLN", |b| {
        b.iter(|| sysconf(SysconfVar::_NPROCESSORS_ONLN));
    });
    c.bench_function("avoided/read /proc/meminfo", |b| {
        b.iter(|| read_to_end(black_box("/proc/meminfo")));
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(1))
        .sample_size(30);
    targets = functions, floor
}
criterion_main!(benches);
