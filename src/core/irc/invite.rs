//! Channel moderation and discovery on IRC: KICK, LIST, INVITE and KNOCK (a private channel's
//! join request).

use crate::core::Core;
use crate::jobs::ConnId;

impl Core {
    /// `KICK #c nick [:reason]`.
    pub(super) fn irc_kick(&mut self, conn: ConnId, p: &[&str]) {
        let ([name, who, ..], Some(me)) = (p, self.account_of(conn)) else {
            return self.need_more(conn, "KICK");
        };
        let Some(id) = self.world.channel_by_name(name).map(|c| c.id) else {
            return self.irc_num(conn, 403, name, "No such channel");
        };
        if !self.world.channels[&id].members.contains(&me) {
            return self.irc_num(conn, 442, name, "You're not on that channel");
        }
        if !self.can_moderate(me, id) {
            return self.irc_num(conn, 482, name, "You're not channel operator");
        }
        let target = self.world.account_by_name(who).map(|a| a.id);
        match target {
            None => return self.irc_num(conn, 401, who, "No such nick/channel"),
            Some(t) if !self.world.channels[&id].members.contains(&t) => {
                let line = self.num(conn, 441).arg(who).arg(name);
                let line = line.text("They aren't on that channel").line();
                return self.irc_send(conn, line);
            }
            Some(_) => {}
        }
        let reason = p.get(2).filter(|r| !r.is_empty());
        let reason = reason.map(|r| crate::proto::irc::plain_text(r));
        if let Err(f) = self.kick(conn, me, Some((*name).to_owned()), who, reason) {
            self.irc_failed(conn, "KICK", f);
        }
        self.vacate(id);
    }

    /// `LIST [#a,#b]`: 321, a 322 per visible channel, 323.
    pub(super) fn irc_list(&mut self, conn: ConnId, p: &[&str]) {
        let me = self.account_of(conn).unwrap_or(0);
        let only: Option<Vec<String>> = p
            .first()
            .filter(|f| f.starts_with('#'))
            .map(|f| f.split(',').map(crate::proto::key).collect());
        let mut rows: Vec<(String, usize, String)> = self
            .world
            .channels
            .values()
            .filter(|c| {
                only.as_ref()
                    .is_none_or(|o| o.contains(&crate::proto::key(&c.name)))
            })
            .filter(|c| self.irc_visible(me, c.id))
            .map(|c| {
                let present = c
                    .members
                    .iter()
                    .filter(|m| {
                        self.world
                            .accounts
                            .get(m)
                            .is_some_and(|a| !a.sessions.is_empty())
                    })
                    .count();
                let topic = c.topic.as_ref().map_or(String::new(), |t| t.text.clone());
                (c.name.clone(), present, topic)
            })
            .collect();
        rows.sort();
        let line = self
            .num(conn, 321)
            .arg("Channel")
            .text("Users  Name")
            .line();
        self.irc_send(conn, line);
        for (name, n, topic) in rows {
            let line = self.num(conn, 322).arg(&name).arg(&n.to_string());
            let line = line.text(&topic).line();
            self.irc_send_data(conn, line);
        }
        let line = self.num(conn, 323).text("End of /LIST").line();
        self.irc_send(conn, line);
    }

    /// `INVITE nick #c`: the invited may join past +i, +k and +l.
    pub(super) fn irc_invite(&mut self, conn: ConnId, p: &[&str]) {
        let ([who, name, ..], Some(me)) = (p, self.account_of(conn)) else {
            return self.need_more(conn, "INVITE");
        };
        let Some(target) = self.world.account_by_name(who).map(|a| a.id) else {
            return self.irc_num(conn, 401, who, "No such nick/channel");
        };
        let Some(id) = self.world.channel_by_name(name).map(|c| c.id) else {
            return self.irc_num(conn, 403, name, "No such channel");
        };
        let c = &self.world.channels[&id];
        if !c.members.contains(&me) {
            return self.irc_num(conn, 442, name, "You're not on that channel");
        }
        if c.members.contains(&target) {
            let line = self.num(conn, 443).arg(who).arg(name);
            return self.irc_send(conn, line.text("is already on channel").line());
        }
        if c.private && !self.can_moderate(me, id) {
            return self.irc_num(conn, 482, name, "You're not channel operator");
        }
        let chan = c.name.clone();
        if let Some(c) = self.world.channels.get_mut(&id) {
            c.modes.invited.insert(target);
        }
        let line = self.num(conn, 341).arg(who).arg(&chan).line();
        self.irc_send(conn, line);
        let mask = self.mask_of(self.world.name_of(me));
        let invite = crate::proto::irc::Out::new(Some(&mask), "INVITE");
        let invite = invite.arg(who).arg(&chan).line();
        let to: Vec<ConnId> = self.world.sessions_of(target).collect();
        let to: Vec<ConnId> = to.into_iter().filter(|s| self.is_irc(*s)).collect();
        let account = format!("account={}", self.world.name_of(me));
        for s in to {
            let line = match me > 0 && self.has_cap(s, super::cap::ACCOUNT_TAG) {
                true => crate::proto::irc::with_tag(&invite, &account),
                false => invite.clone(),
            };
            self.irc_send(s, line);
        }
    }

    /// `KNOCK #c`: a join request to a private channel's moderators.
    pub(super) fn irc_knock(&mut self, conn: ConnId, p: &[&str]) {
        let (Some(&name), Some(me)) = (p.first(), self.account_of(conn)) else {
            return self.need_more(conn, "KNOCK");
        };
        let Some(id) = self.world.channel_by_name(name).map(|c| c.id) else {
            return self.irc_num(conn, 403, name, "No such channel");
        };
        if !self.world.channels[&id].private {
            return self.irc_num(conn, 713, name, "Channel is open");
        }
        if let Err(f) = self.request_join(conn, me, id) {
            self.irc_failed(conn, "KNOCK", f);
        }
    }
}
