//! Finding a free TCP port.
//!
//! std's `TcpListener::bind` sets `SO_REUSEADDR` on Unix, which lets it bind
//! ports that Python's plain `socket.bind` refuses (e.g. ones with connections
//! in `TIME_WAIT`), so the socket is made with `socket(2)` and `bind(2)` here.
#![expect(
    unsafe_code,
    reason = "socket(2)/bind(2): std offers no TCP socket without SO_REUSEADDR"
)]

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::IoError;

/// A new IPv4 TCP socket (close-on-exec, like Python's), closed when dropped.
fn tcp_socket() -> io::Result<OwnedFd> {
    // SAFETY: socket(2) takes plain integers and has no memory-safety preconditions.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just returned by socket(2), is open, and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Bind `socket` to `0.0.0.0:port` (Python's `('', port)`), without `SO_REUSEADDR`.
fn bind_any(socket: &OwnedFd, port: u16) -> io::Result<()> {
    let addr = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: libc::INADDR_ANY.to_be(),
        },
        sin_zero: [0; 8],
    };
    let len = libc::socklen_t::try_from(size_of::<libc::sockaddr_in>())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: `addr` is a valid, initialised sockaddr_in that outlives the call, and
    // `len` is its exact size; the descriptor is open for as long as `socket` lives.
    let rc = unsafe {
        libc::bind(
            socket.as_raw_fd(),
            (&raw const addr).cast::<libc::sockaddr>(),
            len,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
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
