//! The default channels (`server.default_channels`): a new account is made a member of each,
//! and a person in chat mode lands in the first one after a login.
//!
//! Called right after a REGISTER or LOGIN attached the session, before its OK: `land` joins
//! a new account (one made by REGISTER, or by `chatd user add` while the server ran, which the
//! core first sees at its LOGIN) and picks the session's current channel; `greet` then tells a
//! person where they are. Accounts that existed before are never added.

use super::{Core, NO_OWNER};
use crate::jobs::{ConnId, StoreJob};
use crate::proto::Event;
use crate::proto::human;

impl Core {
    /// Joins a `fresh` account to the default channels (creating missing ones, owned by no one)
    /// and makes the first one it is a member of the session's current channel.
    pub(super) fn land(&mut self, conn: ConnId, account: i64, fresh: bool) {
        let defaults = self.settings.default_channels.clone();
        if fresh {
            for name in &defaults {
                let id = match self.world.channel_by_name(name) {
                    Some(c) => c.id,
                    None => self.create_channel(NO_OWNER, name),
                };
                self.add_member(conn, account, id);
            }
        }
        let first = defaults
            .iter()
            .filter_map(|n| self.world.channel_by_name(n))
            .find(|c| c.members.contains(&account))
            .map(|c| c.id);
        if let Some(s) = self.sessions.get_mut(&conn).filter(|_| first.is_some()) {
            s.current = first;
        }
    }

    /// Makes `account` a member of `channel`; the other members hear `JOIN`.
    fn add_member(&mut self, conn: ConnId, account: i64, channel: i64) {
        if !self.world.join(account, channel) {
            return;
        }
        let at_ms = self.now.wall_ms;
        self.store(StoreJob::AddMember {
            account,
            channel,
            at_ms,
        });
        let line = self.rendered(&Event::Join {
            channel: &self.world.channels[&channel].name,
            name: self.world.name_of(account),
        });
        self.fan_out_channel(channel, &line, Some(conn));
    }

    /// Tells a person in chat mode, after the OK of their REGISTER or LOGIN, where what they
    /// type goes.
    pub(super) fn greet(&mut self, conn: ConnId) {
        if !self.chat.contains(&conn) {
            return;
        }
        let current = self.sessions.get(&conn).and_then(|s| s.current);
        let text = match current.and_then(|c| self.world.channels.get(&c)) {
            Some(c) => format!("you are in {}; what you type now goes there", c.name),
            None => "/join #channel to choose where you talk (/list shows the channels)".to_owned(),
        };
        self.out
            .push_back(super::Output::Send(conn, human::note(&text)));
    }
}
