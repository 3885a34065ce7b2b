//! Channels and who is in them: JOIN, PART, NAMES, WHO, LIST.
//!
//! Membership belongs to the account, so it survives logout and restarts. Events caused by a
//! command go to every session they concern except the one that sent the command, which gets
//! the OK instead.

use super::{Core, Fail, Handled};
use crate::jobs::{ConnId, StoreJob};
use crate::proto::Verb;
use crate::proto::{Code, render::MessageView};
use crate::proto::{Data, Event};

impl Core {
    /// The channel's id, or NO_SUCH_CHANNEL.
    pub(super) fn channel_id(&self, channel: &str) -> Result<i64, Fail> {
        self.world
            .channel_by_name(channel)
            .map(|c| c.id)
            .ok_or_else(|| Fail::on(Code::NoSuchChannel, channel, "no such channel"))
    }

    /// The channel's id if `allowed` holds for it; else the failure (`code`, `text`).
    pub(super) fn channel_where(
        &self,
        channel: &str,
        allowed: impl Fn(&Core, i64) -> bool,
        (code, text): (Code, &'static str),
    ) -> Result<i64, Fail> {
        let id = self.channel_id(channel)?;
        if allowed(self, id) {
            return Ok(id);
        }
        Err(Fail::on(code, &self.world.channels[&id].name, text))
    }

    /// The channel's id if `me` is a member, or NOT_IN_CHANNEL.
    pub(super) fn member_channel(&self, me: i64, channel: &str) -> Result<i64, Fail> {
        let member = |core: &Core, id: i64| core.world.channels[&id].members.contains(&me);
        let refusal = (Code::NotInChannel, "you are not in that channel");
        self.channel_where(channel, member, refusal)
    }

    /// # Format
    /// `JOIN <#channel>` → `HIST` lines (the latest messages), then `OK JOIN <#channel>`.
    /// Creates the channel, owned by the joiner, if it does not exist.
    pub(super) fn join(&mut self, conn: ConnId, me: i64, channel: &str) -> Handled {
        let id = match self.world.channel_by_name(channel) {
            Some(c) => c.id,
            None => match self.may_create_channel(me) {
                Ok(()) => self.create_channel(me, channel),
                Err((code, text)) => return Err(Fail::on(code, channel, text)),
            },
        };
        let id = match id < 0 && me > 0 {
            true => self.promote_channel(id),
            false => id,
        };
        let c = &self.world.channels[&id];
        let invited = c.modes.invited.contains(&me);
        if c.private && !c.members.contains(&me) && !self.can_moderate(me, id) && !invited {
            return self.request_join(conn, me, id);
        }
        if let Some(c) = self.world.channels.get_mut(&id) {
            c.modes.invited.remove(&me);
        }
        if self.world.join(me, id) {
            let at_ms = self.now.wall_ms;
            self.store(StoreJob::AddMember {
                account: me,
                channel: id,
                at_ms,
            });
            let channel = &self.world.channels[&id].name;
            let line = self.rendered(&Event::Join {
                channel,
                name: self.world.name_of(me),
            });
            self.fan_out_channel(id, &line, self.others(conn));
            self.irc_away_on_join(me, id);
        }
        let c = &self.world.channels[&id];
        let replay = c
            .recent
            .len()
            .saturating_sub(self.settings.limits.history_default);
        let lines: Vec<_> = c
            .recent
            .iter()
            .skip(replay)
            .filter_map(|m| {
                let sender = self.world.name_of(m.sender);
                let view = MessageView {
                    id: m.id,
                    time_ms: m.time_ms,
                    sender,
                    target: &c.name,
                    text: &m.text,
                };
                self.data_line(conn, &Data::Hist(view))
            })
            .collect();
        let name = c.name.clone();
        self.reply(conn, lines, Verb::Join, &[&name]);
        if let Some(s) = self.sessions.get_mut(&conn) {
            s.current = Some(id);
        }
        Ok(())
    }

    /// A new channel; one a guest makes lives in memory (a negative id) until an account joins.
    pub(super) fn create_channel(&mut self, owner: i64, name: &str) -> i64 {
        let id = if owner < 0 {
            self.next_transient_channel -= 1;
            self.next_transient_channel + 1
        } else {
            self.next_channel_id += 1;
            self.next_channel_id - 1
        };
        self.world.add_channel(id, name, owner);
        let at_ms = self.now.wall_ms;
        if let Some(c) = self.world.channels.get_mut(&id) {
            c.modes.created_secs = at_ms / 1000;
        }
        self.store(StoreJob::CreateChannel {
            id,
            name: name.to_owned(),
            owner,
            at_ms,
        });
        id
    }

    /// # Format
    /// `PART <#channel> [:reason]` → `OK PART <#channel>`; members get `PART <#channel> <name>`.
    pub(super) fn part(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: &str,
        reason: Option<String>,
    ) -> Handled {
        let id = self.member_channel(me, channel)?;
        let name = self.world.channels[&id].name.clone();
        let line = self.rendered(&Event::Part {
            channel: &name,
            name: self.world.name_of(me),
            reason: reason.as_deref(),
        });
        self.fan_out_channel(id, &line, self.others(conn));
        self.world.leave(me, id);
        self.store(StoreJob::RemoveMember {
            account: me,
            channel: id,
        });
        self.end_op(me, id);
        if let Some(s) = self
            .sessions
            .get_mut(&conn)
            .filter(|s| s.current == Some(id))
        {
            s.current = None;
        }
        self.ok(conn, Verb::Part, &[&name]);
        Ok(())
    }

    /// A member who leaves (PART) or is kicked stops being an operator of the channel: a
    /// kicked operator cannot kick back or walk into a private channel again.
    pub(super) fn end_op(&mut self, account: i64, channel: i64) {
        let was_op = self
            .world
            .channels
            .get_mut(&channel)
            .is_some_and(|c| c.ops.remove(&account));
        if was_op {
            self.store(StoreJob::RemoveOp { channel, account });
        }
    }

    /// # Format
    /// `NAMES <#channel>` → `NAME <#channel> <name> <status>` lines, `OK NAMES <#channel> <count>`.
    pub(super) fn names(&mut self, conn: ConnId, me: i64, channel: &str) -> Handled {
        let id = self.channel_id(channel)?;
        if !self.can_see(me, id) {
            let text = "the channel is private and you are not in it";
            return Err(Fail::on(Code::NotInChannel, channel, text));
        }
        let c = &self.world.channels[&id];
        let mut members: Vec<(&str, &str)> = c
            .members
            .iter()
            .map(|m| (self.world.name_of(*m), self.world.presence(*m)))
            .collect();
        members.sort_by_key(|(n, _)| n.to_ascii_lowercase());
        let lines: Vec<_> = members
            .iter()
            .filter_map(|(name, status)| {
                let channel = &c.name;
                self.data_line(
                    conn,
                    &Data::Name {
                        channel,
                        name,
                        status,
                    },
                )
            })
            .collect();
        let (name, count) = (c.name.clone(), lines.len().to_string());
        self.reply(conn, lines, Verb::Names, &[&name, &count]);
        Ok(())
    }

    /// # Format
    /// `WHO` → `USER <name> <online|away>` for each user online, then `OK WHO <count>`.
    pub(super) fn who(&mut self, conn: ConnId) -> Handled {
        let mut online: Vec<(&str, &str)> = self
            .world
            .accounts
            .values()
            .filter(|a| !a.sessions.is_empty())
            .map(|a| (a.name.as_str(), self.world.presence(a.id)))
            .collect();
        online.sort_by_key(|(n, _)| n.to_ascii_lowercase());
        let lines: Vec<_> = online
            .iter()
            .filter_map(|&(name, status)| self.data_line(conn, &Data::User { name, status }))
            .collect();
        let count = lines.len().to_string();
        self.reply(conn, lines, Verb::Who, &[&count]);
        Ok(())
    }

    /// # Format
    /// `LIST` → `CHANNEL <#channel> <members>` lines, then `OK LIST <count>`.
    pub(super) fn list(&mut self, conn: ConnId, me: i64) -> Handled {
        let mut chans: Vec<(&str, usize)> = self
            .world
            .channels
            .values()
            .filter(|c| self.can_see(me, c.id))
            .map(|c| (c.name.as_str(), c.members.len()))
            .collect();
        chans.sort_by_key(|(n, _)| n.to_ascii_lowercase());
        let lines: Vec<_> = chans
            .iter()
            .filter_map(|&(name, members)| self.data_line(conn, &Data::Channel { name, members }))
            .collect();
        let count = lines.len().to_string();
        self.reply(conn, lines, Verb::List, &[&count]);
        Ok(())
    }
}
