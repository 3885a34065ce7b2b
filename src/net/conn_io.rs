//! Per-connection I/O on the loop: reading lines into the core, queueing and writing output,
//! and closing (flush, shut down our side, drain, drop).

use super::conn::{Conn, Phase, ReadResult};
use super::{EventLoop, Input, LINGER, READS_PER_TURN};
use crate::jobs::ConnId;
use crate::proto::render;
use mio::Token;
use std::time::Instant;

impl EventLoop {
    /// epoll says the connection has input (`hup`: or its peer's FIN, an error or urgent data):
    /// read it.
    pub(super) fn readable(&mut self, slot: usize, hup: bool) {
        if let Some(c) = self.conns.get_mut(slot) {
            c.hup |= hup;
        }
        self.dirty.push(slot);
        self.pump(slot);
    }

    /// Feeds a connection's lines to the core while it is ready, reading more as needed.
    pub(super) fn pump(&mut self, slot: usize) {
        let (mut reads, mut drained) = (0, false);
        loop {
            let Some(c) = self.conns.get_mut(slot) else {
                return;
            };
            if c.closing() && !c.transport.handshaking() {
                return self.drain(slot); // a refused TLS client first reads why
            }
            let (id, ready) = (c.id, self.core.ready(c.id));
            if ready && self.lagging() {
                return self.paused.push(slot);
            }
            let c = &mut self.conns[slot];
            if ready && c.queued() > self.limits.sendq / 2 {
                c.held_for_output = true; // `flush` pumps it again once the output drains
                return;
            }
            if ready {
                if let Some(frame) = c.framer.next_frame() {
                    self.pace.line();
                    self.input(Input::Frame { conn: id, frame });
                    continue;
                }
                if c.peer_closed() {
                    match c.framer.finish() {
                        Some(frame) => self.input(Input::Frame { conn: id, frame }),
                        None => self.hang_up(slot),
                    }
                    continue;
                }
            } else if c.peer_closed() {
                return;
            }
            if c.framer.buffered() > self.limits.recvq {
                return self.input(Input::Flood { conn: id });
            }
            if drained {
                return; // the socket is empty: its next bytes come with an event
            }
            if reads == READS_PER_TURN {
                if ready {
                    self.again.push(slot);
                }
                return;
            }
            if c.transport.handshaking() {
                if self.handshakes_left == 0 {
                    return self.again.push(slot); // this turn's handshake work is done
                }
                self.handshakes_left -= 1;
            }
            reads += 1;
            match c.read(&mut self.scratch) {
                Ok(ReadResult::Data) if c.transport.is_tls() => self.dirty.push(slot), // replies
                Ok(ReadResult::Data) => {}
                Ok(ReadResult::Drained) => drained = true,
                Ok(ReadResult::WouldBlock) => return,
                Ok(ReadResult::Eof) => c.peer_eof(),
                Err(e) => return self.drop_conn(slot, &format!("read error: {e}")),
            }
        }
    }

    pub(super) fn queue(&mut self, id: ConnId, bytes: &[u8]) {
        let Some(slot) = self.slot(id) else { return };
        let c = &mut self.conns[slot];
        if c.counted() + bytes.len() > self.limits.sendq {
            return self.overflow(slot);
        }
        if c.queued() == 0 {
            self.dirty.push(slot);
        }
        c.queue(bytes);
        self.unflushed += bytes.len();
    }

    /// Queues a reply's data line: not counted against the send queue (a prompt reader gets
    /// any size of reply); `pump` takes no further command until the output drains, so a reader
    /// that stops holds at most one reply beyond its send queue.
    pub(super) fn queue_data(&mut self, id: ConnId, bytes: &[u8]) {
        let Some(slot) = self.slot(id) else { return };
        let c = &mut self.conns[slot];
        if c.queued() == 0 {
            self.dirty.push(slot);
        }
        c.queue_data(bytes);
        self.unflushed += bytes.len();
    }

    /// The client does not read: tell the core, say BYE if it fits, and close at once.
    pub(super) fn overflow(&mut self, slot: usize) {
        let c = &mut self.conns[slot];
        let bye = render::bye("send queue exceeded");
        if c.queued() + bye.len() <= self.limits.sendq {
            c.queue(bye.as_bytes());
        }
        let _ = c.flush();
        self.drop_conn(slot, "send queue exceeded");
    }

    /// The peer is done and all its lines are handled: close after the replies are out.
    pub(super) fn hang_up(&mut self, slot: usize) {
        let id = self.conns[slot].id;
        self.input(Input::Eof { conn: id });
        self.close_conn(slot);
    }

    pub(super) fn close_conn(&mut self, slot: usize) {
        if let Some(c) = self.conns.get_mut(slot)
            && c.start_closing()
        {
            self.lingering.push_back((Instant::now() + LINGER, c.id));
            self.dirty.push(slot);
        }
    }

    /// Everything is sent: shut our side down so the last lines arrive before the FIN (closing
    /// with unread input would send a reset, and the peer could lose them), then drain.
    pub(super) fn finish_close(&mut self, slot: usize) {
        let c = &mut self.conns[slot];
        let shut = c.stream.shutdown(std::net::Shutdown::Write);
        if c.peer_closed() || shut.is_err() || self.stopping.is_some() {
            return self.drop_conn(slot, "closed by server");
        }
        c.phase = Phase::Draining { reads: 0 };
        self.drain(slot);
    }

    /// Reads and drops what a closing peer still sends, until its EOF or the linger limit.
    pub(super) fn drain(&mut self, slot: usize) {
        let Some(c) = self.conns.get_mut(slot) else {
            return;
        };
        let Phase::Draining { mut reads } = c.phase else {
            return;
        };
        for _ in 0..READS_PER_TURN {
            match c.read(&mut self.scratch) {
                Ok(ReadResult::Data | ReadResult::Drained) => reads += 1,
                Ok(ReadResult::WouldBlock) => {
                    c.phase = Phase::Draining { reads };
                    return;
                }
                Ok(ReadResult::Eof) | Err(_) => return self.drop_conn(slot, "closed by server"),
            }
        }
        c.phase = Phase::Draining { reads };
        if reads > 4 * READS_PER_TURN {
            // it keeps sending after our BYE: no more reading for it
            return self.drop_conn(slot, "closed by server");
        }
        self.again.push(slot);
    }

    /// Removes a connection now; the core forgets its session.
    pub(super) fn drop_conn(&mut self, slot: usize, reason: &str) {
        if !self.conns.contains(slot) {
            return;
        }
        let mut c = self.conns.remove(slot);
        let _ = self.poll.registry().deregister(&mut c.stream);
        if !c.closing() {
            log::info!("connection {} closed: {reason}", c.id); // else the core said why
        }
        self.input(Input::Closed {
            conn: c.id,
            reason: reason.to_owned(),
        });
    }

    pub(super) fn flush_dirty(&mut self) {
        self.unflushed = 0;
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.sort_unstable();
        dirty.dedup();
        for &slot in &dirty {
            self.flush(slot);
        }
        dirty.clear();
        self.dirty = dirty;
    }

    pub(super) fn flush(&mut self, slot: usize) {
        let Some(c) = self.conns.get_mut(slot) else {
            return;
        };
        if c.queued() > 0 {
            self.pace.wrote(c.queued());
        }
        let flushed = c.flush();
        if c.held_for_output && c.queued() <= self.limits.sendq / 2 {
            c.held_for_output = false;
            self.again.push(slot);
        }
        match flushed {
            Ok(true) if c.closing() => self.finish_close(slot),
            Ok(done) if done == c.registered_write => {
                c.registered_write = !done;
                let interest = Conn::interest(done);
                if let Err(e) =
                    self.poll
                        .registry()
                        .reregister(&mut c.stream, Token(slot), interest)
                {
                    self.drop_conn(slot, &format!("reregister failed: {e}"));
                }
            }
            Ok(_) => {}
            Err(e) => self.drop_conn(slot, &format!("write error: {e}")),
        }
    }

    pub(super) fn expire_lingering(&mut self) {
        let now = Instant::now();
        while let Some(&(at, id)) = self.lingering.front() {
            if at > now {
                break;
            }
            self.lingering.pop_front();
            if let Some(slot) = self.slot(id) {
                self.drop_conn(slot, "linger timeout");
            }
        }
    }
}
