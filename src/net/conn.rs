//! One client connection's socket and buffers.
//!
//! Input bytes go through the `Framer`; output lines are appended to `out` and written by
//! `flush`, once per loop turn, everything queued in one write where the kernel takes it.
//! Idle connections hold no buffers: both are released when empty.

use crate::jobs::ConnId;
use crate::proto::Framer;
use mio::net::TcpStream;
use std::io::{self, Read, Write};

/// What a read found.
pub enum ReadResult {
    /// Bytes were added to the framer.
    Data,
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
    out: Vec<u8>,
    sent: usize,
    /// Where reply data lies in `out` (absolute offsets, contiguous runs merged): bytes that do
    /// not count against the send queue.
    data: std::collections::VecDeque<(usize, usize)>,
    /// Input is held until the output drains (a big reply is on its way).
    pub held_for_output: bool,
    /// Close once the output is flushed.
    pub closing: bool,
    /// The peer sent EOF.
    pub read_closed: bool,
    /// WRITABLE interest is registered.
    pub wants_write: bool,
    /// Closing: our side is shut down, the peer's last bytes are read and dropped.
    pub draining: bool,
    /// Reads done while draining.
    pub drained: usize,
}

impl Conn {
    pub fn new(id: ConnId, stream: TcpStream, max_line: usize) -> Conn {
        Conn {
            id,
            stream,
            framer: Framer::new(max_line),
            out: Vec::new(),
            sent: 0,
            data: Default::default(),
            held_for_output: false,
            closing: false,
            read_closed: false,
            wants_write: false,
            draining: false,
            drained: 0,
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
                Ok(n) => {
                    if !self.draining {
                        self.framer.push(&scratch[..n]);
                    }
                    Ok(ReadResult::Data)
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(ReadResult::WouldBlock),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
        }
    }

    /// Writes what is queued until done or the kernel is full. True when all is written.
    pub fn flush(&mut self) -> io::Result<bool> {
        while self.sent < self.out.len() {
            match self.stream.write(&self.out[self.sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
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
