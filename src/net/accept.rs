//! The listeners (address, dialect, TLS or not) and accepting their connections, also when the
//! process is out of file descriptors.
//!
//! `accept_all` accepts until WouldBlock. On EMFILE/ENFILE the loop gives up its spare
//! descriptor, accepts the waiting connection, tells it `FAIL CONNECT SERVER_FULL` (on a TLS
//! listener: nothing) and closes it, then takes the spare back: the backlog drains with an
//! answer instead of clients hanging, and the loop does not spin (mio is edge-triggered, so
//! nothing re-fires until a new connection).

use super::conn::Conn;
use super::tls::Transport;
use super::{EventLoop, Input};
use crate::jobs::ConnId;
use crate::proto::{Code, render};
use mio::Token;
use mio::net::{TcpListener, TcpStream};
use std::io::{self, Write};
use std::net::SocketAddr;

/// The protocol a listener's clients speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// chatd's own line protocol (PROTOCOL.md).
    Native,
    /// IRC (../shared/IRC.md).
    Irc,
}

/// A listening socket and what its connections speak.
pub struct Listener {
    pub socket: TcpListener,
    pub dialect: Dialect,
    /// Its connections start with a TLS handshake.
    pub tls: bool,
}

impl EventLoop {
    /// Accepts what waits on listener `index`.
    pub(super) fn accept_all(&mut self, index: usize) {
        while self.stopping.is_none() {
            match self.listeners[index].socket.accept() {
                Ok((stream, addr)) => self.add_conn(stream, addr, index),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if matches!(e.raw_os_error(), Some(23 | 24)) => {
                    if !self.refuse_without_fds(index) {
                        return;
                    }
                }
                Err(e) => {
                    log::warn!("accept failed: {e}");
                    return;
                }
            }
        }
    }

    fn add_conn(&mut self, stream: TcpStream, addr: SocketAddr, index: usize) {
        let (tls, dialect) = (self.listeners[index].tls, self.listeners[index].dialect);
        let transport = match Transport::new(self.tls.as_ref().filter(|_| tls)) {
            Ok(t) => t,
            Err(e) => return log::warn!("cannot start TLS for {addr}: {e}"),
        };
        let _ = stream.set_nodelay(true);
        // people in chat mode get no PING: keepalive finds their dead connections
        let keepalive = socket2::TcpKeepalive::new()
            .with_time(std::time::Duration::from_secs(60))
            .with_interval(std::time::Duration::from_secs(10))
            .with_retries(6);
        let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive);
        let entry = self.conns.vacant_entry();
        let slot = entry.key();
        self.generation = self.generation.wrapping_add(1);
        let id = ConnId::new(slot, self.generation);
        let max_line = match dialect {
            Dialect::Native => self.limits.max_line,
            Dialect::Irc => crate::proto::irc::MAX_TAGS + crate::proto::irc::MAX_LINE,
        };
        let mut conn = Conn::new(id, stream, max_line, transport);
        conn.irc = dialect == Dialect::Irc;
        let registry = self.poll.registry();
        if let Err(e) = registry.register(&mut conn.stream, Token(slot), Conn::interest(true)) {
            log::warn!("cannot register a connection from {addr}: {e}");
            return;
        }
        entry.insert(conn);
        let over = if tls { " over TLS" } else { "" };
        log::info!("connection {id} from {addr}{over}");
        self.input(Input::Connected {
            conn: id,
            ip: addr.ip(),
            tls,
            irc: dialect == Dialect::Irc,
        });
        self.dirty.push(slot);
    }

    /// Out of descriptors: refuse one waiting connection with the spare. False when there is
    /// nothing more to do (no connection was waiting: Linux says EMFILE before it looks), or no
    /// spare.
    fn refuse_without_fds(&mut self, index: usize) -> bool {
        let Some(spare) = self.reserve_fd.take() else {
            log::warn!("out of file descriptors and no spare: connections wait in the backlog");
            return false;
        };
        drop(spare);
        let refused = self.listeners[index].socket.accept();
        let waiting = refused.is_ok();
        // a TLS client cannot read a plaintext FAIL: it is just closed
        if let Ok((mut stream, addr)) = refused {
            log::warn!("out of file descriptors: refusing {addr}");
            if !self.listeners[index].tls && self.listeners[index].dialect == Dialect::Native {
                let text = "the server is out of resources; try again later";
                let fail = render::fail("CONNECT", Code::ServerFull, &[], text);
                let _ = stream.write(fail.as_bytes());
            }
        }
        self.reserve_fd = std::fs::File::open("/dev/null").ok();
        waiting && self.reserve_fd.is_some()
    }
}
