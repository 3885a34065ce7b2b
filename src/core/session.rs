//! Session lifecycle: connect (HELLO, or SERVER_FULL / BANNED), each line in (with the flood
//! bucket), waiting on jobs, and closing (BYE, then the account goes offline if it was the
//! last session).

use super::guard::Bucket;
use super::state::{Pending, Session};
use super::{Core, Output, render};
use crate::jobs::ConnId;
use crate::proto::{Code, Frame, parse, parse::is_blank};
use std::net::IpAddr;

impl Core {
    pub(super) fn connected(&mut self, conn: ConnId, ip: IpAddr) {
        let s = &self.settings;
        let refuse = if let Some(reason) = self.bans.address_ban(ip, self.now.wall_ms) {
            Some((Code::Banned, format!("this address is banned: {reason}")))
        } else if self.sessions.len() >= s.max_clients {
            let text = format!(
                "the server is full ({} clients); try again later",
                s.max_clients
            );
            Some((Code::ServerFull, text))
        } else {
            None
        };
        if let Some((code, text)) = refuse {
            self.send(conn, render::fail("CONNECT", code, &[], &text));
            self.out.push_back(Output::Close(conn));
            return;
        }
        let now = self.now.mono_ms;
        let session = Session {
            ip,
            account: None,
            pending: None,
            last_rx_ms: now,
            ping_sent_ms: None,
            login_deadline_ms: Some(now + s.limits.login_timeout_secs * 1000),
            bucket: Bucket::full(s.limits.flood_burst, now),
            throttled_until: None,
        };
        let hello = render::hello(&s.server_name, &s.version, &s.motd);
        self.sessions.insert(conn, session);
        self.timers.schedule(conn, self.session_deadline(conn));
        self.send(conn, hello);
    }

    pub(super) fn frame(&mut self, conn: ConnId, frame: Frame) {
        let Some(session) = self.sessions.get_mut(&conn) else {
            return;
        };
        session.last_rx_ms = self.now.mono_ms;
        session.ping_sent_ms = None;
        let line = match frame {
            Frame::Line(line) if is_blank(&line) => return,
            Frame::Line(line) => line,
            Frame::TooLong => {
                let max = self.settings.limits.max_line_bytes;
                let text = format!("line too long (at most {max} bytes)");
                return self.fail(conn, "*", Code::LineTooLong, &text);
            }
            Frame::BadEncoding => {
                return self.fail(conn, "*", Code::BadEncoding, "lines must be UTF-8");
            }
        };
        let (verb, parsed) = parse(&line);
        if verb != "PONG" {
            self.take_token(conn);
        }
        match parsed {
            Ok(cmd) => self.command(conn, &verb, cmd),
            Err(r) => self.fail(conn, &r.verb, r.code, r.text),
        }
    }

    /// Counts a command against the flood bucket; an empty bucket holds the input back.
    fn take_token(&mut self, conn: ConnId) {
        let (now, l) = (self.now.mono_ms, &self.settings.limits);
        let Some(s) = self.sessions.get_mut(&conn) else {
            return;
        };
        if let Some(wait) = s.bucket.take(now, l.flood_burst, l.flood_per_second) {
            s.throttled_until = Some(now + wait);
            self.timers.schedule(conn, now + wait);
        }
    }

    pub(super) fn shutdown(&mut self) {
        let conns: Vec<ConnId> = self.sessions.keys().copied().collect();
        for conn in conns {
            self.close(conn, "server shutting down", false);
        }
    }

    /// Marks the session as waiting on a job; its input is held until `finish_pending`.
    pub(super) fn start_pending(&mut self, conn: ConnId, pending: Pending) {
        if let Some(s) = self.sessions.get_mut(&conn) {
            s.pending = Some(pending);
        }
    }

    /// Ends a wait: returns what it was, and lets the connection's input flow again.
    pub(super) fn finish_pending(&mut self, conn: ConnId) -> Option<Pending> {
        let pending = self.sessions.get_mut(&conn)?.pending.take();
        self.out.push_back(Output::Resume(conn));
        pending
    }

    /// Says BYE, closes, and removes the session.
    pub(super) fn close(&mut self, conn: ConnId, reason: &str, notify: bool) {
        if self.sessions.contains_key(&conn) {
            self.send(conn, render::bye(reason));
            self.out.push_back(Output::Close(conn));
            self.drop_session(conn, reason, notify);
        }
    }

    /// Removes a session; its account goes offline if it was the last one.
    pub(super) fn drop_session(&mut self, conn: ConnId, reason: &str, notify: bool) {
        if self.sessions.contains_key(&conn) {
            self.detach(conn, Some(reason), notify);
            self.sessions.remove(&conn);
        }
    }
}
