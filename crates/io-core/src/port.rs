//! Finding a free TCP port.
//!
//! std's `TcpListener::bind` sets `SO_REUSEADDR` on Unix, which lets it bind
//! ports that Python's plain `socket.bind` refuses (e.g. ones with connections
//! in `TIME_WAIT`), so the socket is made with `socket(2)` and `bind(2)` here,
//! through nix's safe wrappers, and no socket option is ever set.

use std::io;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::os::fd::{AsRawFd, OwnedFd};

use nix::sys::socket::{AddressFamily, SockFlag, SockType, SockaddrIn, bind, socket};

use crate::IoError;

/// A new IPv4 TCP socket (close-on-exec, like Python's), closed when dropped.
/// An interrupted call is retried (PEP 475; Python's `socket.socket()` would raise).
fn tcp_socket() -> io::Result<OwnedFd> {
    loop {
        match socket(
            AddressFamily::Inet,
            SockType::Stream,
            SockFlag::SOCK_CLOEXEC,
            None,
        ) {
            Err(nix::errno::Errno::EINTR) => {}
            other => return other.map_err(io::Error::from),
        }
    }
}

/// Bind `socket` to `0.0.0.0:port` (Python's `('', port)`), without `SO_REUSEADDR`.
fn bind_any(socket: &OwnedFd, port: u16) -> io::Result<()> {
    let addr = SockaddrIn::from(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port));
    // The descriptor stays open for as long as `socket` is borrowed. An interrupted bind is
    // retried: taking it for a busy port would skip a free one.
    loop {
        match bind(socket.as_raw_fd(), &addr) {
            Err(nix::errno::Errno::EINTR) => {}
            other => return other.map_err(io::Error::from),
        }
    }
}

/// Whether a fresh IPv4 TCP socket binds to `('', port)` (no `SO_REUSEADDR`).
/// The socket is closed before returning. Fails only if no socket can be created.
pub fn port_is_free(port: u16) -> Result<bool, IoError> {
    let socket = tcp_socket().map_err(IoError::Socket)?;
    Ok(bind_any(&socket, port).is_ok())
}

/// The first port in `start_port..65535` that an IPv4 TCP socket can bind to
/// `('', port)`; 65535 itself is never tried. Each try uses a fresh socket,
/// closed before the next. Port 0 binds (the kernel picks a port), so
/// `find_free_port(0)` is `Ok(0)`.
///
/// Fails with [`IoError::Socket`] when a socket cannot be created and with
/// [`IoError::NoFreePorts`] when no port binds (or `start_port` is 65535).
pub fn find_free_port(start_port: u16) -> Result<u16, IoError> {
    for port in start_port..u16::MAX {
        if port_is_free(port)? {
            return Ok(port);
        }
    }
    Err(IoError::NoFreePorts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::socket::{getsockname, getsockopt, listen, sockopt};

    #[test]
    fn socket_has_no_reuseaddr_and_cloexec() {
        let socket = tcp_socket().unwrap();
        assert!(!getsockopt(&socket, sockopt::ReuseAddr).unwrap());
        let flags = nix::fcntl::fcntl(&socket, nix::fcntl::FcntlArg::F_GETFD).unwrap();
        assert_ne!(flags & nix::libc::FD_CLOEXEC, 0);
    }

    #[test]
    fn bind_any_binds_the_wildcard_address() {
        let socket = tcp_socket().unwrap();
        bind_any(&socket, 0).unwrap();
        let addr: SockaddrIn = getsockname(socket.as_raw_fd()).unwrap();
        assert_eq!(addr.ip(), Ipv4Addr::UNSPECIFIED);
        assert_ne!(addr.port(), 0);
    }

    #[test]
    fn a_listening_port_is_not_free_and_errors_keep_errno() {
        let listener = tcp_socket().unwrap();
        bind_any(&listener, 0).unwrap();
        listen(&listener, nix::sys::socket::Backlog::new(1).unwrap()).unwrap();
        let port = getsockname::<SockaddrIn>(listener.as_raw_fd())
            .unwrap()
            .port();
        assert!(!port_is_free(port).unwrap());
        let other = tcp_socket().unwrap();
        let err = bind_any(&other, port).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(nix::libc::EADDRINUSE));
    }

    #[test]
    fn the_socket_is_closed() {
        let port = {
            let probe = tcp_socket().unwrap();
            bind_any(&probe, 0).unwrap();
            getsockname::<SockaddrIn>(probe.as_raw_fd()).unwrap().port()
        };
        // Closed on drop: the same port binds again, many times over.
        for _ in 0..100 {
            assert!(port_is_free(port).unwrap());
        }
    }
}
