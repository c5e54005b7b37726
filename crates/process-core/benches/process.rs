//! Criterion benches for the process core, with the system-call floors next to them.
#![allow(missing_docs)]
#![expect(clippy::unwrap_used, reason = "bench setup")]

use std::hint::black_box;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use nix::sys::signal::kill;
use nix::unistd::Pid;
use sky_rs_process_core::{
    ProcFs, count_dir_entries, fd_per_rsync, is_kubernetes, max_workers, online_cpu_count,
    parallel_threads, soft_fd_limit, thread_multiplier,
};

fn dir_with(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        std::fs::write(dir.path().join(format!("f{i}")), b"").unwrap();
    }
    dir
}

fn threads(c: &mut Criterion) {
    c.bench_function("online_cpu_count (sysconf floor)", |b| {
        b.iter(online_cpu_count);
    });
    c.bench_function("parallel_threads(kubernetes)", |b| {
        b.iter(|| {
            parallel_threads(
                online_cpu_count(),
                thread_multiplier(is_kubernetes(black_box("Kubernetes"))),
            )
        });
    });
}

fn fd(c: &mut Criterion) {
    c.bench_function("soft_fd_limit (getrlimit)", |b| b.iter(soft_fd_limit));
    c.bench_function("max_workers arithmetic", |b| {
        b.iter(|| max_workers(black_box(20_000), black_box(250), black_box(7)));
    });
    for n in [50, 1000] {
        let dir = dir_with(n);
        c.bench_function(&format!("count_dir_entries ({n})"), |b| {
            b.iter(|| count_dir_entries(dir.path()).unwrap());
        });
        c.bench_function(&format!("fd_per_rsync ({n})"), |b| {
            b.iter(|| fd_per_rsync(dir.path()).unwrap());
        });
        // Floor: std's read_dir over the same directory (the same getdents calls).
        c.bench_function(&format!("floor: std::fs::read_dir count ({n})"), |b| {
            b.iter(|| std::fs::read_dir(dir.path()).unwrap().count());
        });
    }
}

fn liveness(c: &mut Criterion) {
    let proc = ProcFs::default();
    let me = i32::try_from(std::process::id()).unwrap();
    c.bench_function("is_process_alive(own)", |b| {
        b.iter(|| proc.is_process_alive(black_box(me)).unwrap());
    });
    c.bench_function("is_process_alive(1)", |b| {
        b.iter(|| proc.is_process_alive(black_box(1)).unwrap());
    });
    c.bench_function("is_process_alive(absent)", |b| {
        b.iter(|| proc.is_process_alive(black_box(i32::MAX)).unwrap());
    });
    c.bench_function("floor: kill(own, 0)", |b| {
        b.iter(|| kill(Pid::from_raw(black_box(me)), None));
    });
    let status = format!("/proc/{me}/status");
    c.bench_function("floor: read /proc/<own>/status", |b| {
        b.iter(|| {
            let mut buf = [0_u8; 4096];
            std::fs::File::open(Path::new(&status))
                .unwrap()
                .read(&mut buf)
                .unwrap()
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    targets = threads, fd, liveness
}
criterion_main!(benches);
