//! Presence: AWAY, BACK, going away by itself, USERS.
//!
//! A user is away after an explicit AWAY (until BACK) or after `limits.away_after_secs`
//! without a command (PING and PONG do not count; the next command brings them back). Either
//! way the users who share a channel with them hear `AWAY <name> [:text]` and `BACK <name>`.

use super::state::Away;
use super::{Core, Handled};
use crate::jobs::ConnId;
use crate::proto::Verb;
use crate::proto::{Data, Event};

impl Core {
    /// A command from a logged-in session: the account is active; if it had gone away by
    /// itself, it is back.
    pub(super) fn active(&mut self, account: i64) {
        let now = self.now.mono_ms;
        let Some(a) = self.world.accounts.get_mut(&account) else {
            return;
        };
        a.last_command_ms = now;
        if a.away.as_ref().is_some_and(|w| w.auto) {
            self.set_back(account);
        }
    }

    /// When the account goes away by itself, if it is not away already.
    pub(super) fn away_deadline(&self, account: i64) -> Option<u64> {
        let a = self.world.accounts.get(&account)?;
        let after = self.settings.limits.away_after_secs * 1000;
        a.away.is_none().then_some(a.last_command_ms + after)
    }

    /// Called by the timers: the account has been idle long enough.
    pub(super) fn go_away(&mut self, account: i64) {
        if self
            .away_deadline(account)
            .is_some_and(|d| d <= self.now.mono_ms)
        {
            self.set_away(account, None, true);
        }
    }

    fn set_away(&mut self, account: i64, text: Option<String>, auto: bool) {
        let Some(a) = self.world.accounts.get(&account) else {
            return;
        };
        let line = self.rendered(&Event::Away {
            name: &a.name,
            text: text.as_deref(),
        });
        let a = self.world.accounts.get_mut(&account).expect("found above");
        a.away = Some(Box::new(Away { text, auto }));
        let to = self.world.sharing_sessions(account);
        self.fan_out(to, &line, None);
    }

    fn set_back(&mut self, account: i64) {
        let Some(a) = self.world.accounts.get_mut(&account) else {
            return;
        };
        if a.away.take().is_none() {
            return;
        }
        let sessions: Vec<ConnId> = a.sessions.clone();
        let line = self.rendered(&Event::Back {
            name: self.world.name_of(account),
        });
        let to = self.world.sharing_sessions(account);
        self.fan_out(to, &line, None);
        let at = self.away_deadline(account).unwrap_or(u64::MAX);
        for s in sessions {
            self.timers.schedule(s, at);
        }
    }

    /// # Format
    /// `AWAY [:text]` → `OK AWAY`; users who share a channel get `AWAY <name> [:text]`.
    pub(super) fn away(&mut self, conn: ConnId, me: i64, text: Option<String>) -> Handled {
        self.set_away(me, text, false);
        self.ok(conn, Verb::Away, &[]);
        Ok(())
    }

    /// # Format
    /// `BACK` → `OK BACK`; users who share a channel get `BACK <name>`.
    pub(super) fn back(&mut self, conn: ConnId, me: i64) -> Handled {
        self.set_back(me);
        self.ok(conn, Verb::Back, &[]);
        Ok(())
    }

    /// # Format
    /// `USERS` → `ACCOUNT <name> <online|away|offline>` for every account but banned ones,
    /// then `OK USERS <count>`.
    pub(super) fn users(&mut self, conn: ConnId) -> Handled {
        let now = self.now.wall_ms;
        let mut all: Vec<(&str, &str)> = self
            .world
            .accounts
            .values()
            .filter(|a| self.bans.account_ban(a.id, now).is_none())
            .map(|a| (a.name.as_str(), self.world.presence(a.id)))
            .collect();
        all.sort_by_key(|(n, _)| n.to_ascii_lowercase());
        let lines: Vec<_> = all
            .iter()
            .filter_map(|&(name, status)| self.data_line(conn, &Data::Account { name, status }))
            .collect();
        let count = lines.len().to_string();
        self.reply(conn, lines, Verb::Users, &[&count]);
        Ok(())
    }
}
