//! Criterion benches for the string core.
#![allow(missing_docs)]
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sky_rs_string_core::{base36_encode, base36_encode_bytes, format_float, truncate_long_string};

const UUID_HEX: &str = "3f2b9c1e8d7a4b6c9e0f1a2b3c4d5e6f";
#[expect(
    clippy::approx_constant,
    reason = "the value the Python-side benchmark uses"
)]
const PI_ISH: f64 = 3.14159;
const SENTENCE: &str = "The quick brown fox jumps over the lazy dog again and again!!";

fn bench_base36(c: &mut Criterion) {
    let mut group = c.benchmark_group("base36_encode");
    group.bench_function("uuid_hex", |b| {
        b.iter(|| base36_encode(black_box(UUID_HEX)));
    });
    group.bench_function("uuid_hex_bytes", |b| {
        b.iter(|| base36_encode_bytes(black_box(UUID_HEX.as_bytes())));
    });
    group.bench_function("decorated", |b| {
        b.iter(|| base36_encode(black_box(" 0x3f2b_9c1e_8d7a_4b6c\n")));
    });
    group.bench_function("unicode_digits", |b| {
        b.iter(|| base36_encode(black_box("\u{3000}\u{FF11}\u{FF12}\u{0663}abc\u{2028}")));
    });
    let long = "f".repeat(1000);
    group.bench_function("1000_digits", |b| {
        b.iter(|| base36_encode(black_box(&long)));
    });
    group.finish();
}

fn bench_format_float(c: &mut Criterion) {
    let mut group = c.benchmark_group("format_float");
    group.bench_function("pi_2", |b| {
        b.iter(|| format_float(black_box(PI_ISH), black_box(2)));
    });
    group.bench_function("whole", |b| {
        b.iter(|| format_float(black_box(1234.0), black_box(1)));
    });
    group.bench_function("tiny_17", |b| {
        b.iter(|| format_float(black_box(1.5e-300), black_box(17)));
    });
    group.bench_function("1e300", |b| {
        b.iter(|| format_float(black_box(1e300), black_box(1)));
    });
    group.finish();
}

fn bench_truncate(c: &mut Criterion) {
    let mut group = c.benchmark_group("truncate_long_string");
    group.bench_function("sentence_end", |b| {
        b.iter(|| truncate_long_string(black_box(SENTENCE), black_box(35), black_box(false)));
    });
    group.bench_function("sentence_middle", |b| {
        b.iter(|| truncate_long_string(black_box(SENTENCE), black_box(35), black_box(true)));
    });
    let unicode = "Ünïcödé wörds with \u{1F600} émojis and combining e\u{301} marks everywhere";
    group.bench_function("unicode_end", |b| {
        b.iter(|| truncate_long_string(black_box(unicode), black_box(35), black_box(false)));
    });
    group.bench_function("short", |b| {
        b.iter(|| truncate_long_string(black_box("short"), black_box(35), black_box(false)));
    });
    group.finish();
}

criterion_group!(benches, bench_base36, bench_format_float, bench_truncate);
criterion_main!(benches);
