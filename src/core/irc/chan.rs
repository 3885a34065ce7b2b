//! Channels on IRC: JOIN (several at once, keys, limits, invitations), PART, NAMES, TOPIC,
//! KICK, LIST, INVITE, KNOCK; and the life of channels only guests were ever in (`vacate`,
//! `promote_channel`).

use crate::core::{Core, Fail, NO_OWNER};
use crate::jobs::{ConnId, StoreJob};
use crate::proto::irc::plain_text;
use crate::proto::valid_channel;

impl Core {
    /// A failure of a shared handler, as the IRC numeric for `verb`.
    pub(super) fn irc_failed(&mut self, conn: ConnId, verb: &str, f: Fail) {
        let context: Vec<&str> = f.context.as_deref().into_iter().collect();
        self.irc_fail(conn, verb, f.code, &context, &f.text);
    }

    /// Sends `<n> me <arg> :<text>`.
    pub(super) fn irc_num(&mut self, conn: ConnId, n: u16, arg: &str, text: &str) {
        let line = self.num(conn, n).arg(arg).text(text).line();
        self.irc_send(conn, line);
    }

    /// `JOIN #a,#b [k1,k2]`.
    pub(super) fn irc_join(&mut self, conn: ConnId, p: &[&str]) {
        let (Some(&chans), Some(me)) = (p.first(), self.account_of(conn)) else {
            return self.need_more(conn, "JOIN");
        };
        let mut keys = p.get(1).map(|k| k.split(',')).into_iter().flatten();
        for name in chans.split(',').filter(|c| !c.is_empty()) {
            let key = keys.next();
            if !valid_channel(name) {
                self.irc_num(conn, 403, name, "No such channel");
                continue;
            }
            if let Some((n, why)) = self.join_refusal(me, name, key) {
                self.irc_num(conn, n, name, why);
                continue;
            }
            self.invite_by_mask(me, name);
            if let Err(f) = self.join(conn, me, name) {
                self.irc_failed(conn, "JOIN", f);
            }
        }
    }

    /// Why IRC's channel modes keep `me` out: +k, +l, +i.
    fn join_refusal(&self, me: i64, name: &str, key: Option<&str>) -> Option<(u16, &'static str)> {
        let c = self.world.channel_by_name(name)?;
        if c.members.contains(&me) {
            return None;
        }
        let m = &c.modes;
        let who = self.mask_of(self.world.name_of(me));
        let invited = m.invited.contains(&me) || self.can_moderate(me, c.id);
        if m.banned(&who) && !invited {
            return Some((474, "Cannot join channel (+b)"));
        }
        let invited = invited || m.invex(&who);
        if m.key.as_deref().is_some_and(|k| Some(k) != key) && !invited {
            return Some((475, "Cannot join channel (+k)"));
        }
        if m.limit.is_some_and(|l| c.members.len() >= l) && !invited {
            return Some((471, "Cannot join channel (+l)"));
        }
        if c.private && !invited && me < 0 {
            return Some((473, "Cannot join channel (+i)"));
        }
        None
    }

    /// A `+I` mask that matches `me` lets them past +i, as an INVITE does.
    fn invite_by_mask(&mut self, me: i64, name: &str) {
        let who = self.mask_of(self.world.name_of(me));
        let Some(id) = self.world.channel_by_name(name).map(|c| c.id) else {
            return;
        };
        let c = self.world.channels.get_mut(&id).expect("found");
        if c.modes.invex(&who) {
            c.modes.invited.insert(me);
        }
    }

    /// `PART #a,#b [:reason]`.
    pub(super) fn irc_part(&mut self, conn: ConnId, p: &[&str]) {
        let (Some(&chans), Some(me)) = (p.first(), self.account_of(conn)) else {
            return self.need_more(conn, "PART");
        };
        let reason = p.get(1).filter(|r| !r.is_empty()).map(|r| plain_text(r));
        for name in chans.split(',').filter(|c| !c.is_empty()) {
            let id = self.world.channel_by_name(name).map(|c| c.id);
            match self.part(conn, me, name, reason.clone()) {
                Ok(()) => self.vacate(id.unwrap_or(0)),
                Err(f) => self.irc_failed(conn, "PART", f),
            }
        }
    }

    /// A channel only guests were ever in goes when its last member does.
    pub(in crate::core) fn vacate(&mut self, channel: i64) {
        if channel < 0
            && self
                .world
                .channels
                .get(&channel)
                .is_some_and(|c| c.members.is_empty())
        {
            self.world.remove_channel(channel);
        }
    }

    /// An account joins a channel only guests were in: it is stored from now on, under a new
    /// id. The guest who made it stays its owner while connected.
    pub(in crate::core) fn promote_channel(&mut self, old: i64) -> i64 {
        let new = self.next_channel_id;
        self.next_channel_id += 1;
        let Some(mut c) = self.world.channels.remove(&old) else {
            return old;
        };
        c.id = new;
        for m in c.members.iter() {
            if let Some(a) = self.world.accounts.get_mut(m) {
                a.channels.remove(&old);
                a.channels.insert(new);
            }
        }
        for s in self
            .sessions
            .values_mut()
            .filter(|s| s.current == Some(old))
        {
            s.current = Some(new);
        }
        let owner = if c.owner < 0 { NO_OWNER } else { c.owner };
        self.store(StoreJob::CreateChannel {
            id: new,
            name: c.name.clone(),
            owner,
            at_ms: self.now.wall_ms,
        });
        if c.private {
            self.store(StoreJob::SetPrivate {
                channel: new,
                private: true,
            });
        }
        if let Some(t) = &c.topic {
            let topic = Some(t.clone());
            self.store(StoreJob::SetTopic {
                channel: new,
                topic,
            });
        }
        self.world
            .channel_keys
            .insert(crate::proto::key(&c.name), new);
        self.world.channels.insert(new, c);
        new
    }

    /// `NAMES [#channel]`.
    pub(super) fn irc_names_cmd(&mut self, conn: ConnId, p: &[&str]) {
        let name = p.first().map_or("*", |n| n.split(',').next().unwrap_or(n));
        let me = self.account_of(conn).unwrap_or(0);
        match self.world.channel_by_name(name).map(|c| c.id) {
            Some(id) if self.irc_visible(me, id) => self.irc_names(conn, id),
            _ => self.irc_num(conn, 366, name, "End of /NAMES list."),
        }
    }

    /// True if `me` may see the channel and its members: a member, or it is neither secret
    /// nor private.
    pub(super) fn irc_visible(&self, me: i64, id: i64) -> bool {
        let c = &self.world.channels[&id];
        c.members.contains(&me) || (!c.modes.secret && self.can_see(me, id))
    }

    /// The channel prefix of a member: `@` moderator, `+` voiced (all of them with
    /// multi-prefix).
    pub(super) fn prefix(&self, conn: ConnId, member: i64, id: i64) -> String {
        let mut p = String::new();
        if self.can_moderate(member, id) {
            p.push('@');
        }
        let voiced = self.world.channels[&id].modes.voiced.contains(&member);
        if voiced && (p.is_empty() || self.has_cap(conn, super::cap::MULTI_PREFIX)) {
            p.push('+');
        }
        p
    }

    /// 353 lines of the members present, then 366.
    pub(in crate::core) fn irc_names(&mut self, conn: ConnId, id: i64) {
        let c = &self.world.channels[&id];
        let sym = if c.modes.secret || c.private {
            "@"
        } else {
            "="
        };
        let full = self.has_cap(conn, super::cap::USERHOST_IN_NAMES);
        let mut names: Vec<String> = c
            .members
            .iter()
            .filter_map(|m| self.world.accounts.get(m))
            .filter(|a| !a.sessions.is_empty())
            .map(|a| {
                let who = if full {
                    self.mask_of(&a.name)
                } else {
                    a.name.clone()
                };
                format!("{}{who}", self.prefix(conn, a.id, id))
            })
            .collect();
        names.sort_by_key(|n| n.trim_start_matches(['@', '+']).to_ascii_lowercase());
        let chan = c.name.clone();
        let mut line = String::new();
        for n in names {
            if line.len() + n.len() > 400 {
                let l = self.num(conn, 353).arg(sym).arg(&chan).text(&line).line();
                self.irc_send_data(conn, l);
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&n);
        }
        if !line.is_empty() {
            let l = self.num(conn, 353).arg(sym).arg(&chan).text(&line).line();
            self.irc_send_data(conn, l);
        }
        self.irc_num(conn, 366, &chan, "End of /NAMES list.");
    }

    /// 332 and 333 if the channel has a topic; 331 if not and `or_none`.
    pub(in crate::core) fn irc_topic_lines(&mut self, conn: ConnId, id: i64, or_none: bool) {
        let c = &self.world.channels[&id];
        let name = c.name.clone();
        match c.topic.clone() {
            Some(t) => {
                self.irc_num(conn, 332, &name, &t.text);
                let secs = (t.at_ms / 1000).to_string();
                let line = self.num(conn, 333).arg(&name).arg(&t.by).arg(&secs);
                let line = line.line();
                self.irc_send(conn, line);
            }
            None if or_none => self.irc_num(conn, 331, &name, "No topic is set"),
            None => {}
        }
    }

    /// `TOPIC #c [:text]`.
    pub(super) fn irc_topic(&mut self, conn: ConnId, p: &[&str]) {
        let (Some(&name), Some(me)) = (p.first(), self.account_of(conn)) else {
            return self.need_more(conn, "TOPIC");
        };
        let Some(id) = self.world.channel_by_name(name).map(|c| c.id) else {
            return self.irc_num(conn, 403, name, "No such channel");
        };
        let c = &self.world.channels[&id];
        let member = c.members.contains(&me);
        let Some(&text) = p.get(1) else {
            if !self.irc_visible(me, id) {
                return self.irc_num(conn, 442, name, "You're not on that channel");
            }
            return self.irc_topic_lines(conn, id, true);
        };
        if !member {
            return self.irc_num(conn, 442, name, "You're not on that channel");
        }
        if !c.modes.topic_open && !self.can_moderate(me, id) {
            return self.irc_num(conn, 482, name, "You're not channel operator");
        }
        let _ = self.put_topic(conn, me, id, crate::proto::irc::plain_text(text));
    }
}
