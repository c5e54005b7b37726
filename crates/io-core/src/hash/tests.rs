//! Tests of the hashing functions.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{FileHasher, HashAlgorithm, Hasher, feed, hash_file, hash_files};
use crate::IoError;

/// Hash everything `reader` yields, reading `buffer_len` bytes at a time.
fn hash_reader(
    mut reader: impl Read,
    algorithm: HashAlgorithm,
    buffer_len: usize,
) -> io::Result<Hasher> {
    let mut hasher = Hasher::new(algorithm);
    let mut buf = vec![0u8; buffer_len.max(1)];
    feed(&mut reader, &mut hasher, &mut buf, u64::MAX)?;
    Ok(hasher)
}

const ABC: [(HashAlgorithm, &str); 6] = [
    (HashAlgorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
    (
        HashAlgorithm::Sha1,
        "a9993e364706816aba3e25717850c26c9cd0d89d",
    ),
    (
        HashAlgorithm::Sha224,
        "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
    ),
    (
        HashAlgorithm::Sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    (
        HashAlgorithm::Sha384,
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
    ),
    (
        HashAlgorithm::Sha512,
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    ),
];

fn file_with(content: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(content).unwrap();
    file.flush().unwrap();
    file
}

#[test]
fn known_digests_of_abc() {
    let file = file_with(b"abc");
    for (alg, hex) in ABC {
        let h = hash_file(file.path(), alg).unwrap();
        assert_eq!(h.hexdigest(), hex);
        assert_eq!(h.digest().len(), alg.digest_size());
        assert_eq!(h.algorithm(), alg);
    }
}

#[test]
fn names_sizes_and_case_insensitive_lookup() {
    for alg in HashAlgorithm::ALL {
        assert_eq!(HashAlgorithm::from_name(alg.name()), Some(alg));
        assert_eq!(
            HashAlgorithm::from_name(&alg.name().to_uppercase()),
            Some(alg)
        );
        assert_eq!(alg.to_string(), alg.name());
    }
    assert_eq!(
        HashAlgorithm::from_name("ShA384"),
        Some(HashAlgorithm::Sha384)
    );
    assert_eq!(HashAlgorithm::Sha512.block_size(), 128);
    assert_eq!(HashAlgorithm::Md5.block_size(), 64);
    for other in ["sha-256", "sha3_256", "blake2b", "", "md5 ", "ſha256"] {
        assert_eq!(HashAlgorithm::from_name(other), None, "{other}");
    }
}

#[test]
fn digest_does_not_finalize() {
    let mut h = Hasher::new(HashAlgorithm::Sha256);
    h.update(b"a");
    let copy = h.clone();
    assert_eq!(h.digest(), h.digest());
    h.update(b"bc");
    assert_eq!(h.hexdigest(), ABC[3].1);
    assert_ne!(copy.digest(), h.digest());
}

#[test]
fn files_larger_than_the_buffer() {
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let file = file_with(&content);
    for alg in HashAlgorithm::ALL {
        let mut whole = Hasher::new(alg);
        whole.update(&content);
        assert_eq!(
            hash_file(file.path(), alg).unwrap().digest(),
            whole.digest()
        );
        let small_buffer = hash_reader(&content[..], alg, 7).unwrap();
        assert_eq!(small_buffer.digest(), whole.digest());
    }
}

#[test]
fn empty_and_special_files() {
    let empty = file_with(b"");
    assert_eq!(
        hash_file(empty.path(), HashAlgorithm::Md5)
            .unwrap()
            .hexdigest(),
        "d41d8cd98f00b204e9800998ecf8427e"
    );
    assert_eq!(
        hash_file(Path::new("/dev/null"), HashAlgorithm::Md5)
            .unwrap()
            .hexdigest(),
        "d41d8cd98f00b204e9800998ecf8427e"
    );
}

#[test]
fn open_errors() {
    let dir = tempfile::tempdir().unwrap();
    match hash_file(dir.path(), HashAlgorithm::Md5) {
        Err(IoError::Open { path, source }) => {
            assert_eq!(path, dir.path());
            assert_eq!(source.raw_os_error(), Some(21));
        }
        other => panic!("unexpected {other:?}"),
    }
    let err = hash_file(&dir.path().join("missing"), HashAlgorithm::Md5).unwrap_err();
    assert_eq!(err.io_error().and_then(io::Error::raw_os_error), Some(2));
}

#[test]
fn hash_files_keeps_input_order_and_reports_each_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths: Vec<PathBuf> = (0..40)
        .map(|i| {
            let path = dir.path().join(format!("f{i}"));
            std::fs::write(&path, vec![i as u8; i * 10_000]).unwrap();
            path
        })
        .collect();
    paths.insert(7, dir.path().join("missing"));
    paths.insert(20, dir.path().to_path_buf());
    let results = hash_files(&paths, HashAlgorithm::Sha1);
    assert_eq!(results.len(), paths.len());
    for (path, result) in paths.iter().zip(&results) {
        match hash_file(path, HashAlgorithm::Sha1) {
            Ok(h) => assert_eq!(result.as_ref().unwrap().digest(), h.digest()),
            Err(e) => {
                let got = result.as_ref().unwrap_err();
                assert_eq!(got.to_string(), e.to_string());
            }
        }
    }
    assert!(hash_files::<PathBuf>(&[], HashAlgorithm::Md5).is_empty());
}

proptest! {
    #[test]
    fn update_in_pieces_equals_one_update(data in proptest::collection::vec(any::<u8>(), 0..2000), cut in 0..2000usize) {
        let cut = cut.min(data.len());
        for alg in HashAlgorithm::ALL {
            let mut whole = Hasher::new(alg);
            whole.update(&data);
            let mut parts = Hasher::new(alg);
            parts.update(&data[..cut]);
            parts.update(&data[cut..]);
            prop_assert_eq!(whole.digest(), parts.digest());
        }
    }
}

#[test]
fn file_hasher_in_segments() {
    let content: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
    let file = file_with(&content);
    let mut job = FileHasher::open(file.path(), HashAlgorithm::Sha256).unwrap();
    let mut steps = 0;
    while !job.advance(100_000).unwrap() {
        steps += 1;
    }
    assert!(steps >= 3);
    let mut whole = Hasher::new(HashAlgorithm::Sha256);
    whole.update(&content);
    assert_eq!(job.finish().digest(), whole.digest());
}

#[test]
fn hash_files_interruptible_stops_every_worker_and_answers_none() {
    let big = file_with(&vec![7u8; 8 * 1024 * 1024]);
    let paths: Vec<PathBuf> = (0..6).map(|_| big.path().to_path_buf()).collect();
    let mut asked = 0;
    let stopped = super::hash_files_interruptible(&paths, HashAlgorithm::Sha256, || {
        asked += 1;
        asked > 2
    });
    assert!(stopped.is_none());
    assert!(asked >= 3);
    // Not interrupted: the same answers as `hash_files`.
    let all = super::hash_files_interruptible(&paths, HashAlgorithm::Sha256, || false).unwrap();
    let plain = hash_files(&paths, HashAlgorithm::Sha256);
    assert_eq!(all.len(), plain.len());
    for (a, b) in all.iter().zip(&plain) {
        assert_eq!(a.as_ref().unwrap().digest(), b.as_ref().unwrap().digest());
    }
}

#[test]
fn a_long_file_of_unknown_size_hashes_with_the_largest_buffer() {
    assert_eq!(super::buffer_len(None), super::MAX_BUFFER);
    assert_eq!(super::buffer_len(Some(0)), super::UNKNOWN_SIZE_BUFFER);
    assert_eq!(super::buffer_len(Some(10)), 11);
}
