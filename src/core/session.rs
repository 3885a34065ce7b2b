//! Session lifecycle: connect (HELLO, or SERVER_FULL / BANNED), each line in (with the flood
//! bucket), waiting on jobs, and closing (BYE, then the account goes offline if it was the
//! last session).

use super::guard::Bucket;
use super::state::{Mode, Pending, Session};
use super::{Core, Output, render};
use crate::jobs::ConnId;
use crate::proto::{Code, Frame, human, parse, parse::is_blank};
use std::net::IpAddr;

impl Core {
    pub(super) fn connected(&mut self, conn: ConnId, ip: IpAddr, tls: bool) {
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
            log::info!("connection {conn} refused: {}", code.as_str());
            self.send(conn, render::fail("CONNECT", code, &[], &text));
            self.out.push_back(Output::Close(conn));
            return;
        }
        let now = self.now.mono_ms;
        let session = Session {
            ip,
            tls,
            account: None,
            pending: None,
            last_rx_ms: now,
            ping_sent_ms: None,
            login_deadline_ms: Some(now + s.limits.login_timeout_secs * 1000),
            bucket: Bucket::full(s.limits.flood_burst, now),
            throttled_until: None,
            mode: Mode::Undecided,
            current: None,
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
        let Some(line) = self.in_mode(conn, line) else {
            return;
        };
        let (verb, parsed) = parse(&line);
        if verb != "PONG" {
            self.take_token(conn);
        }
        if let Some(me) = self
            .account_of(conn)
            .filter(|_| !matches!(verb.as_str(), "PING" | "PONG" | "AWAY"))
        {
            self.active(me);
        }
        match parsed {
            Ok(cmd) => self.command(conn, &verb, cmd),
            Err(r) => self.fail(conn, &r.verb, r.code, r.text),
        }
    }

    /// The protocol line a session's line stands for. The first non-empty line decides the
    /// mode: a `/` starts chat mode, where lines are translated (`proto::human::from_person`);
    /// `None` when the person was told something instead.
    fn in_mode(&mut self, conn: ConnId, line: String) -> Option<String> {
        let s = self.sessions.get_mut(&conn)?;
        if s.mode == Mode::Undecided {
            s.mode = if line.starts_with('/') {
                Mode::Chat
            } else {
                Mode::Protocol
            };
            if s.mode == Mode::Chat {
                self.chat.insert(conn);
            }
        }
        if s.mode == Mode::Protocol {
            return Some(line);
        }
        let current = s
            .current
            .and_then(|c| self.world.channels.get(&c))
            .map(|c| c.name.as_str());
        let me = s.account.map_or("you", |a| self.world.name_of(a));
        match human::from_person(&line, current, me) {
            Ok(proto) => Some(proto),
            Err(text) => {
                self.out
                    .push_back(Output::Send(conn, render::to_person(text)));
                None
            }
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
            log::info!("connection {conn} closed: {reason}");
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
            self.chat.remove(&conn);
        }
    }
}
