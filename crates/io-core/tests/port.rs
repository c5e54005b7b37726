//! Tests of `find_free_port`.
#![allow(missing_docs)]

use std::net::TcpListener;

use sky_rs_io_core::{IoError, find_free_port};

#[test]
fn port_zero_binds() {
    assert_eq!(find_free_port(0).unwrap(), 0);
}

#[test]
fn start_at_65535_finds_nothing() {
    assert!(matches!(find_free_port(65535), Err(IoError::NoFreePorts)));
    assert_eq!(IoError::NoFreePorts.to_string(), "No free ports available.");
}

#[test]
fn a_listening_port_is_skipped_and_the_result_binds() {
    let held = TcpListener::bind(("0.0.0.0", 0)).unwrap();
    let port = held.local_addr().unwrap().port();
    if port >= 65534 {
        return; // nothing after it to find
    }
    let found = find_free_port(port).unwrap();
    assert!(found > port);
    // A port can be taken in between by another process; retry a few times.
    let bindable = (0..5).any(|_| {
        let p = find_free_port(port + 1).unwrap();
        TcpListener::bind(("0.0.0.0", p)).is_ok()
    });
    assert!(bindable);
}
