//! Timeouts: login timeout (and the admin slots' shorter one), keep-alive PING and ping
//! timeout, the idle limit of people in chat mode, driven by the loop's poll timeout.
//!
//! Each session has one deadline, derived from its state (`Core::session_deadline`). The heap
//! holds (deadline, connection) entries lazily: activity does not touch the heap; when an entry
//! comes due the real deadline is recomputed and the entry pushed again if it moved. So each
//! live session has at least one entry, and a busy connection costs nothing here.

use super::Core;
use super::state::Mode;
use crate::jobs::ConnId;
use crate::proto::{Event, human};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Due times by connection.
#[derive(Debug, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(u64, ConnId)>>,
    tokens: u64,
}

impl Timers {
    pub fn schedule(&mut self, conn: ConnId, at_ms: u64) {
        self.heap.push(Reverse((at_ms, conn)));
    }

    pub fn next(&self) -> Option<u64> {
        self.heap.peek().map(|Reverse((at, _))| *at)
    }

    fn pop_due(&mut self, now_ms: u64) -> Option<ConnId> {
        match self.heap.peek() {
            Some(Reverse((at, _))) if *at <= now_ms => self.heap.pop().map(|Reverse((_, c))| c),
            _ => None,
        }
    }
}

impl Core {
    /// When the session next needs attention.
    pub(super) fn session_deadline(&self, conn: ConnId) -> u64 {
        let s = &self.sessions[&conn];
        let l = &self.settings.limits;
        let ping = match s.ping_sent_ms {
            // people cannot answer PING (TCP keepalive finds dead connections): an idle limit
            _ if s.mode == Mode::Chat => s.last_rx_ms + l.idle_timeout_secs * 1000,
            Some(sent) => sent + l.ping_timeout_secs * 1000,
            None => s.last_rx_ms + l.ping_interval_secs * 1000,
        };
        let away = s.account.and_then(|a| self.away_deadline(a));
        [s.login_deadline_ms, s.throttled_until, away]
            .into_iter()
            .flatten()
            .fold(ping, u64::min)
    }

    /// Fires every due timer.
    pub(super) fn tick(&mut self) {
        let now = self.now.mono_ms;
        while let Some(conn) = self.timers.pop_due(now) {
            if !self.sessions.contains_key(&conn) {
                continue;
            }
            if self.session_deadline(conn) <= now {
                self.fire(conn);
            }
            if self.sessions.contains_key(&conn) {
                let at = self.session_deadline(conn);
                self.timers.schedule(conn, at);
            }
        }
    }

    /// A person silent for `limits.idle_timeout_secs`: told so in words, then closed.
    fn idle_out(&mut self, conn: ConnId) {
        let span = span(self.settings.limits.idle_timeout_secs);
        let text = format!(
            "You have been silent for {span}, so the server is closing this connection. \
             Connect again whenever you like."
        );
        self.out.push_back(super::Output::Send(
            conn,
            super::person_line(human::fail(&text)),
        ));
        self.close(conn, "idle timeout", true);
    }

    fn fire(&mut self, conn: ConnId) {
        let now = self.now.mono_ms;
        let l = &self.settings.limits;
        let (timeout, interval) = (l.ping_timeout_secs * 1000, l.ping_interval_secs * 1000);
        let idle = l.idle_timeout_secs * 1000;
        let s = self.sessions.get_mut(&conn).expect("live session");
        if s.throttled_until.is_some_and(|t| t <= now) {
            s.throttled_until = None;
            self.out.push_back(super::Output::Resume(conn));
        }
        if let Some(account) = s.account {
            self.go_away(account);
        }
        let s = &self.sessions[&conn];
        if s.login_deadline_ms.is_some_and(|d| d <= now) {
            let why = if s.admin_slot {
                "server full"
            } else {
                "login timeout"
            };
            self.close(conn, why, true);
        } else if s.mode == Mode::Chat {
            if s.last_rx_ms + idle <= now {
                self.idle_out(conn);
            }
        } else if s.ping_sent_ms.is_some_and(|p| p + timeout <= now) {
            self.close(conn, "ping timeout", true);
        } else if s.ping_sent_ms.is_none() && s.last_rx_ms + interval <= now {
            self.timers.tokens += 1;
            let token = format!("chatd-{}", self.timers.tokens);
            self.sessions
                .get_mut(&conn)
                .expect("live session")
                .ping_sent_ms = Some(now);
            self.send_event(conn, &Event::Ping { token: &token });
        }
    }
}

/// `1 second`, `90 seconds`, `1 minute`, `2 hours`: a span in words.
fn span(secs: u64) -> String {
    let (n, unit) = match secs {
        s if s >= 3600 && s % 3600 == 0 => (s / 3600, "hour"),
        s if s >= 60 && s % 60 == 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}
