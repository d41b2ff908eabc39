//! The kernel's view of a loopback TCP connection, for what a stalled client cannot see
//! without reading: whether the server has closed its end.
//!
//! Look at the server's socket, not the client's: a server that closes a socket whose peer
//! stopped reading cannot send its FIN (it queues behind the unsent data), so the client's
//! socket stays ESTABLISHED; the server's leaves ESTABLISHED at once (FIN_WAIT1, or gone
//! after a reset).

use std::net::{IpAddr, SocketAddr};

/// A TCP state from `/proc/net/tcp` (see `include/net/tcp_states.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpState {
    /// Open.
    Established,
    /// This end has closed and its FIN waits to be sent or acknowledged.
    FinWait1,
    /// The peer has closed its end (sent FIN); this end has not.
    CloseWait,
    /// Any other state, by its number.
    Other(u8),
    /// No such socket (closed, or reset by the peer).
    Gone,
}

/// The state of the IPv4 socket with local address `local` connected to `remote`.
pub fn tcp_state(local: SocketAddr, remote: SocketAddr) -> TcpState {
    let (local, remote) = (proc_address(local), proc_address(remote));
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap();
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) == Some(&local.as_str()) && fields.get(2) == Some(&remote.as_str()) {
            let state = u8::from_str_radix(fields[3], 16).unwrap();
            return match state {
                1 => TcpState::Established,
                4 => TcpState::FinWait1,
                8 => TcpState::CloseWait,
                n => TcpState::Other(n),
            };
        }
    }
    TcpState::Gone
}

/// An address as /proc/net/tcp writes it: the IPv4 address as a host-order u32 in hex, then
/// the port.
fn proc_address(addr: SocketAddr) -> String {
    let IpAddr::V4(ip) = addr.ip() else {
        panic!("only IPv4 sockets are looked up")
    };
    format!(
        "{:08X}:{:04X}",
        u32::from_le_bytes(ip.octets()),
        addr.port()
    )
}
