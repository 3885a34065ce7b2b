//! One client connection's socket and buffers.
//!
//! Input bytes go through the `Transport` (plain or TLS) to the `Framer`; output lines are
//! appended to `out` and written by `flush` through the transport, once per loop turn,
//! everything queued in one write where the kernel takes it.
//! Idle connections hold no buffers: both are released when empty. Its life is one `Phase`
//! (open, the peer done, closing, draining), and `Conn::interest` says what to poll it for.

use super::tls::Transport;
use crate::jobs::ConnId;
use crate::proto::Framer;
use mio::Interest;
use mio::net::TcpStream;
use std::io::{self, Read};

/// What a read found.
pub enum ReadResult {
    /// Bytes were added to the framer; more may wait in the socket.
    Data,
    /// Bytes were added and the socket is empty: a plain read came back short of the buffer.
    /// Reading again would only find WouldBlock; epoll (edge-triggered) reports the next bytes.
    Drained,
    /// Nothing to read now.
    WouldBlock,
    /// The peer closed its side.
    Eof,
}

/// A connection in the slab.
pub struct Conn {
    pub id: ConnId,
    pub stream: TcpStream,
    pub framer: Framer,
    pub transport: Transport,
    out: Vec<u8>,
    sent: usize,
    /// Where reply data lies in `out` (absolute offsets, contiguous runs merged): bytes that do
    /// not count against the send queue.
    data: std::collections::VecDeque<(usize, usize)>,
    /// Input is held until the output drains (a big reply is on its way).
    pub held_for_output: bool,
    pub phase: Phase,
    /// WRITABLE interest is registered (see `Conn::interest`).
    pub registered_write: bool,
    /// An IRC connection: its line limit is IRC's, not `limits.max_line_bytes`.
    pub irc: bool,
    /// epoll reported the peer's FIN, an error or TCP urgent data: read until WouldBlock or EOF,
    /// never stop at a short read (a read stops early at the urgent mark, and no further event
    /// would come for what is already queued).
    pub hup: bool,
}

/// Where a connection is in its life; it only moves forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Lines in, replies out.
    Open,
    /// The peer sent EOF: its last lines are handled, then the core has it closed.
    PeerClosed,
    /// The server closes it: the output is flushed first, then our side is shut down.
    /// `peer_closed`: the peer's EOF came already, so there is nothing to drain.
    Closing { peer_closed: bool },
    /// Our side is shut down; what the peer still sends is read and dropped (`reads` so far)
    /// until its EOF, a bound, or the linger limit, so the last lines are not lost to a reset.
    Draining { reads: usize },
}

impl Conn {
    pub fn new(id: ConnId, stream: TcpStream, max_line: usize, transport: Transport) -> Conn {
        Conn {
            id,
            stream,
            framer: Framer::new(max_line),
            transport,
            out: Vec::new(),
            sent: 0,
            data: Default::default(),
            held_for_output: false,
            phase: Phase::Open,
            registered_write: false,
            irc: false,
            hup: false,
        }
    }

    /// The server is closing it (flushing, or draining after the flush).
    pub fn closing(&self) -> bool {
        matches!(self.phase, Phase::Closing { .. } | Phase::Draining { .. })
    }

    /// The peer sent EOF.
    pub fn peer_closed(&self) -> bool {
        matches!(
            self.phase,
            Phase::PeerClosed | Phase::Closing { peer_closed: true }
        )
    }

    /// The peer's EOF arrived.
    pub fn peer_eof(&mut self) {
        self.phase = match self.phase {
            Phase::Open => Phase::PeerClosed,
            Phase::Closing { .. } => Phase::Closing { peer_closed: true },
            draining => draining,
        };
    }

    /// Starts closing; false if it already was.
    pub fn start_closing(&mut self) -> bool {
        let peer_closed = match self.phase {
            Phase::Open => false,
            Phase::PeerClosed => true,
            _ => return false,
        };
        self.phase = Phase::Closing { peer_closed };
        true
    }

    /// The interest the connection needs: always READABLE (and PRIORITY: TCP urgent data ends
    /// a read early, see `hup`), and WRITABLE while output waits.
    pub fn interest(all_written: bool) -> Interest {
        let read = Interest::READABLE | Interest::PRIORITY;
        if all_written {
            read
        } else {
            read | Interest::WRITABLE
        }
    }

    /// Bytes queued and not yet written.
    pub fn queued(&self) -> usize {
        self.out.len() - self.sent
    }

    /// Queued bytes that count against the send queue: all but unsent reply data.
    pub fn counted(&mut self) -> usize {
        while self.data.front().is_some_and(|&(_, end)| end <= self.sent) {
            self.data.pop_front();
        }
        let data: usize = self
            .data
            .iter()
            .map(|&(start, end)| end - start.max(self.sent))
            .sum();
        self.queued() - data
    }

    /// Queues bytes for the next flush.
    pub fn queue(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// Queues reply data, which does not count against the send queue.
    pub fn queue_data(&mut self, bytes: &[u8]) {
        let (start, end) = (self.out.len(), self.out.len() + bytes.len());
        match self.data.back_mut() {
            Some(last) if last.1 == start => last.1 = end,
            _ => self.data.push_back((start, end)),
        }
        self.out.extend_from_slice(bytes);
    }

    /// One read into `scratch`, fed to the framer (or dropped while draining).
    pub fn read(&mut self, scratch: &mut [u8]) -> io::Result<ReadResult> {
        loop {
            return match self.stream.read(scratch) {
                Ok(0) => Ok(ReadResult::Eof),
                Ok(_) if matches!(self.phase, Phase::Draining { .. }) => Ok(ReadResult::Data),
                Ok(n) => {
                    let short = n < scratch.len() && !self.hup && !self.transport.is_tls();
                    let (bytes, stream) = (&scratch[..n], &mut self.stream);
                    match self.transport.receive(bytes, &mut self.framer, stream)? {
                        true => Ok(ReadResult::Eof),
                        false if short => Ok(ReadResult::Drained),
                        false => Ok(ReadResult::Data),
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(ReadResult::WouldBlock),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
        }
    }

    /// Writes what is queued until done or the kernel is full. True when all is written.
    pub fn flush(&mut self) -> io::Result<bool> {
        let (out, closing) = (&self.out, self.closing());
        if !self
            .transport
            .send(out, &mut self.sent, closing, &mut self.stream)?
        {
            return Ok(false);
        }
        self.sent = 0;
        self.out.clear();
        self.data.clear();
        if self.out.capacity() > 16 * 1024 {
            self.out = Vec::new();
        }
        Ok(true)
    }
}
