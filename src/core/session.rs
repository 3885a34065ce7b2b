//! Session lifecycle: connect (HELLO, or SERVER_FULL / BANNED, after the slot rules of
//! `slots`), each line in (with the flood bucket), waiting on jobs, and closing (BYE, then the
//! account goes offline if it was the last session).

use super::guard::{Bucket, addr_group};
use super::slots::{ADMIN_SLOT_SECS, Admission, SlotLimits};
use super::state::{Mode, Pending, Session};
use super::{Core, Output, render};
use crate::jobs::ConnId;
use crate::proto::{Code, Frame, human, parse, parse::is_blank};
use std::net::IpAddr;

impl Core {
    pub(super) fn connected(&mut self, conn: ConnId, ip: IpAddr, tls: bool, irc: bool) {
        let group = addr_group(ip);
        let admission = self.slots.admit(group, self.slot_limits(ip));
        if let Some((code, text)) = self.refusal(ip, admission) {
            log::info!("connection {conn} refused: {}", code.as_str());
            let line = match irc {
                true => crate::proto::irc::Out::new(None, "ERROR")
                    .text(&format!("Closing Link: {ip} ({text})"))
                    .line()
                    .into(),
                false => render::fail("CONNECT", code, &[], &text),
            };
            self.send(conn, line);
            self.out.push_back(Output::Close(conn));
            return;
        }
        if let Admission::Evict(oldest) = admission {
            self.close(oldest, "server full", false);
        }
        let admin_slot = admission == Admission::Admin;
        let seq = self.slots.add(conn, group, admin_slot);
        let s = &self.settings;
        let now = self.now.mono_ms;
        let mut login_secs = s.limits.login_timeout_secs;
        if admin_slot {
            login_secs = login_secs.min(ADMIN_SLOT_SECS);
        }
        let session = Session {
            ip,
            tls,
            account: None,
            pending: None,
            last_rx_ms: now,
            ping_sent_ms: None,
            login_deadline_ms: Some(now + login_secs * 1000),
            bucket: Bucket::full(s.limits.flood_burst, now),
            throttled_until: None,
            mode: Mode::Undecided,
            current: None,
            asked: None,
            seq,
            admin_slot,
            irc: irc.then(|| Box::new(super::irc::IrcState::new(self.now.wall_ms))),
        };
        let hello = render::hello(&s.server_name, &s.version, &s.motd);
        self.sessions.insert(conn, Box::new(session));
        self.timers.schedule(conn, self.session_deadline(conn));
        if irc {
            self.irc_conns.insert(conn);
        } else {
            self.send(conn, hello);
        }
    }

    /// The slot limits for a connection from `ip` (no per-address limit for an exempt one).
    fn slot_limits(&self, ip: IpAddr) -> SlotLimits {
        let s = &self.settings;
        SlotLimits {
            max_clients: s.max_clients,
            per_address: if self.exempt(ip) {
                usize::MAX
            } else {
                s.max_clients_per_ip
            },
            admin_slots: s.admin_slots,
        }
    }

    /// Why a new connection is refused (`FAIL CONNECT <code> :<text>`), if it is.
    fn refusal(&self, ip: IpAddr, admission: Admission) -> Option<(Code, String)> {
        let s = &self.settings;
        if let Some(reason) = self.bans.address_ban(ip, self.now.wall_ms) {
            return Some((Code::Banned, format!("this address is banned: {reason}")));
        }
        let text = match admission {
            Admission::AddressFull => format!(
                "too many connections from your address ({}); close one and try again",
                s.max_clients_per_ip
            ),
            Admission::Full => format!(
                "the server is full ({} clients); try again later",
                s.max_clients
            ),
            _ => return None,
        };
        Some((Code::ServerFull, text))
    }

    pub(super) fn frame(&mut self, conn: ConnId, frame: Frame) {
        let Some(session) = self.sessions.get_mut(&conn) else {
            return;
        };
        session.last_rx_ms = self.now.mono_ms;
        session.ping_sent_ms = None;
        // Every line costs a token, answered or not (PONG, blank, too long, bad UTF-8), so
        // no kind of line is free to flood with.
        self.take_token(conn);
        if self.is_irc(conn) {
            return self.irc_frame(conn, frame);
        }
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
            Ok(proto) => {
                // kept to word the reply; never a password
                let secret = proto.starts_with("REGISTER ") || proto.starts_with("LOGIN ");
                self.sessions.get_mut(&conn)?.asked = (!secret).then(|| proto.as_str().into());
                Some(proto)
            }
            Err(text) => {
                self.out
                    .push_back(Output::Send(conn, super::person_line(human::fail(text))));
                None
            }
        }
    }

    /// Counts a line against the flood bucket; an empty bucket holds the input back.
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
            s.pending = Some(Box::new(pending));
        }
    }

    /// Ends a wait: returns what it was, and lets the connection's input flow again.
    pub(super) fn finish_pending(&mut self, conn: ConnId) -> Option<Pending> {
        let pending = self.sessions.get_mut(&conn)?.pending.take().map(|p| *p);
        self.out.push_back(Output::Resume(conn));
        pending
    }

    /// Says BYE, closes, and removes the session.
    pub(super) fn close(&mut self, conn: ConnId, reason: &str, notify: bool) {
        self.close_saying(conn, reason, reason, notify);
    }

    /// `close`, with a different reason for the others' OFFLINE (a user's QUIT reason is
    /// shown to others as `Quit: <reason>`, so it cannot pass for a server action).
    pub(super) fn close_saying(&mut self, conn: ConnId, bye: &str, offline: &str, notify: bool) {
        if self.sessions.contains_key(&conn) {
            log::info!("connection {conn} closed: {bye}");
            self.send_bye(conn, bye);
            self.out.push_back(Output::Close(conn));
            self.drop_session(conn, offline, notify);
        }
    }

    /// Removes a session; its account goes offline if it was the last one.
    pub(super) fn drop_session(&mut self, conn: ConnId, reason: &str, notify: bool) {
        if self.sessions.contains_key(&conn) {
            if self.is_irc(conn) {
                self.remember_departed(conn);
            }
            let guest = self.account_of(conn).filter(|a| *a < 0);
            self.detach(conn, Some(reason), notify);
            if let Some(guest) = guest {
                self.forget_guest(guest);
            }
            if let Some(s) = self.sessions.remove(&conn) {
                self.slots
                    .remove(conn, addr_group(s.ip), s.seq, s.admin_slot);
            }
            self.chat.remove(&conn);
            self.irc_conns.remove(&conn);
        }
    }
}
