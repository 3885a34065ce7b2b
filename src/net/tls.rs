//! The transport between a connection's socket bytes and its lines: `Plain`, or `Tls` through a
//! sans-IO rustls `ServerConnection`.
//!
//! The loop reads the socket and hands the bytes here: for TLS they are fed to rustls and the
//! plaintext it yields goes to the framer. Output stays plaintext in the connection's queue
//! until `flush`, which moves what rustls accepts (its buffer limit bounds what it holds, so the
//! send queue limit still counts) and writes its records. Nothing here knows the dialect, so
//! any listener can use either transport.

use crate::proto::Framer;
use rustls::{ServerConfig, ServerConnection};
use std::io::{self, Read, Write};
use std::sync::Arc;

/// How a connection's bytes are carried.
pub enum Transport {
    Plain,
    Tls(Box<TlsState>),
}

/// A TLS connection's state.
pub struct TlsState {
    conn: ServerConnection,
    /// close_notify is queued.
    notified: bool,
}

impl Transport {
    /// A transport for a connection from a listener with `tls` (its config) or without.
    pub fn new(tls: Option<&Arc<ServerConfig>>) -> Result<Transport, String> {
        let Some(config) = tls else {
            return Ok(Transport::Plain);
        };
        let conn = ServerConnection::new(config.clone()).map_err(|e| e.to_string())?;
        Ok(Transport::Tls(Box::new(TlsState {
            conn,
            notified: false,
        })))
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, Transport::Tls(_))
    }

    /// A TLS handshake is still under way.
    pub fn handshaking(&self) -> bool {
        match self {
            Transport::Plain => false,
            Transport::Tls(t) => t.conn.is_handshaking(),
        }
    }

    /// Bytes read from the socket: their plaintext goes to `framer`. True when the peer said
    /// close_notify. A TLS error is `InvalidData`; `socket` gets rustls' alert if it takes it.
    pub fn receive(
        &mut self,
        bytes: &[u8],
        framer: &mut Framer,
        socket: &mut impl Write,
    ) -> io::Result<bool> {
        let t = match self {
            Transport::Plain => {
                framer.push(bytes);
                return Ok(false);
            }
            Transport::Tls(t) => t,
        };
        let mut rest = bytes;
        while !rest.is_empty() {
            t.conn.read_tls(&mut rest)?;
            if let Err(e) = t.conn.process_new_packets() {
                let _ = t.conn.write_tls(socket);
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("TLS: {e}"),
                ));
            }
            if t.plaintext(framer)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Writes `out[*sent..]` to `socket`, advancing `sent`. True when everything is out (for TLS
    /// during a handshake: buffered in rustls until it completes, unless `closing`, which
    /// waits for the handshake so that a refused client still reads why).
    pub fn send(
        &mut self,
        out: &[u8],
        sent: &mut usize,
        closing: bool,
        socket: &mut impl Write,
    ) -> io::Result<bool> {
        let t = match self {
            Transport::Plain => return write_plain(out, sent, socket),
            Transport::Tls(t) => t,
        };
        loop {
            if *sent < out.len() {
                *sent += t.conn.writer().write(&out[*sent..])?;
            }
            if closing && *sent == out.len() && !t.notified && !t.conn.is_handshaking() {
                t.conn.send_close_notify();
                t.notified = true;
            }
            if !t.conn.wants_write() {
                return Ok(*sent == out.len() && !(closing && t.conn.is_handshaking()));
            }
            match t.conn.write_tls(socket) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl TlsState {
    /// Moves decrypted bytes to the framer; true at the peer's close_notify.
    fn plaintext(&mut self, framer: &mut Framer) -> io::Result<bool> {
        let mut buf = [0u8; 4096];
        loop {
            match self.conn.reader().read(&mut buf) {
                Ok(0) => return Ok(true),
                Ok(n) => framer.push(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) => return Err(e),
            }
        }
    }
}

fn write_plain(out: &[u8], sent: &mut usize, socket: &mut impl Write) -> io::Result<bool> {
    while *sent < out.len() {
        match socket.write(&out[*sent..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => *sent += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}
