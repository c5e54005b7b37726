//! Criterion benches for the io core.
#![allow(missing_docs)]
#![expect(clippy::unwrap_used, reason = "benches")]

use std::hint::black_box;
use std::io::Write;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sky_rs_io_core::{HashAlgorithm, find_free_port, hash_files, read_last_n_lines};

fn log_file(dir: &tempfile::TempDir, bytes: usize) -> PathBuf {
    let path = dir.path().join("log.txt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut written = 0;
    let mut i = 0u64;
    while written < bytes {
        let line = format!(
            "2024-01-01 12:00:00 INFO worker-{} processed request {i}\n",
            i % 16
        );
        file.write_all(line.as_bytes()).unwrap();
        written += line.len();
        i += 1;
    }
    file.flush().unwrap();
    path
}

fn data_file(dir: &tempfile::TempDir, name: &str, bytes: usize) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(
        &path,
        (0..bytes).map(|i| (i % 251) as u8).collect::<Vec<u8>>(),
    )
    .unwrap();
    path
}

fn bench_tail(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let log = log_file(&dir, 10 << 20);
    let mut group = c.benchmark_group("read_last_n_lines/10MB");
    for n in [10usize, 1000, 100_000] {
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| read_last_n_lines(black_box(&log), n).unwrap());
        });
    }
    group.finish();
}

/// One whole file: [`hash_files`] of one path hashes it on the calling thread.
fn hash_file(path: &PathBuf, algorithm: HashAlgorithm) {
    let [result] = &hash_files(std::slice::from_ref(path), algorithm)[..] else {
        unreachable!("one result per path");
    };
    assert!(result.is_ok());
}

fn bench_hash(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let small = data_file(&dir, "small", 4096);
    let big = data_file(&dir, "big", 64 << 20);
    let mut group = c.benchmark_group("hash_file/4KB");
    for alg in HashAlgorithm::ALL {
        group.bench_function(alg.name(), |b| {
            b.iter(|| hash_file(black_box(&small), alg));
        });
    }
    group.finish();
    let mut group = c.benchmark_group("hash_file/64MB");
    group
        .sample_size(10)
        .throughput(Throughput::Bytes(64 << 20));
    for alg in HashAlgorithm::ALL {
        group.bench_function(alg.name(), |b| {
            b.iter(|| hash_file(black_box(&big), alg));
        });
    }
    group.finish();
}

fn bench_hash_files(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..64)
        .map(|i| data_file(&dir, &format!("f{i}"), 4 << 20))
        .collect();
    let mut group = c.benchmark_group("hash_files/64x4MB");
    group
        .sample_size(10)
        .throughput(Throughput::Bytes(64 * (4 << 20)));
    group.bench_function("sha256", |b| {
        b.iter(|| hash_files(&paths, HashAlgorithm::Sha256));
    });
    group.finish();
}

fn bench_port(c: &mut Criterion) {
    c.bench_function("find_free_port/0", |b| {
        b.iter(|| find_free_port(black_box(0)).unwrap());
    });
}

criterion_group!(
    benches,
    bench_tail,
    bench_hash,
    bench_hash_files,
    bench_port
);
criterion_main!(benches);
