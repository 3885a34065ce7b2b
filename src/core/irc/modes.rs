//! MODE on IRC. Channel modes: `+o`/`+v` (operators are chatd's channel operators), `+i`
//! (a private channel), and `+t`, `+s`, `+k`, `+l`, `+m`, `+n` and the mask lists `+b`
//! (bans), `+e` (their exceptions) and `+I` (invitations past +i), kept in memory only (server
//! bans are BAN's). User modes: `+i`, `+B` (a bot), `+w` (WALLOPS), and `+o` by OPER.

use super::lists::LISTS;
use crate::core::Core;
use crate::core::idmap::IdSet;
use crate::jobs::{ConnId, StoreJob};
use crate::proto::irc::Out;

/// IRC channel modes chatd keeps in memory only.
#[derive(Debug, Default)]
pub struct ChanModes {
    /// `-t`: members may set the topic (chatd's channels are `+t` otherwise).
    pub topic_open: bool,
    pub secret: bool,
    pub moderated: bool,
    pub key: Option<String>,
    pub limit: Option<usize>,
    pub voiced: IdSet<i64>,
    /// Invited by INVITE: may join past +i, +k, +l once.
    pub invited: IdSet<i64>,
    /// `-n`: non-members may send to the channel.
    pub external: bool,
    /// The `b`, `e` and `I` lists: mask, set by, when (seconds).
    pub lists: [Vec<(String, String, i64)>; 3],
    /// When the channel was made here (seconds; 0: before this start), for 329.
    pub created_secs: i64,
}

impl Core {
    /// `MODE <target> [modes [args]]`.
    pub(super) fn irc_mode(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&target) = p.first() else {
            return self.need_more(conn, "MODE");
        };
        if target.starts_with('#') {
            self.channel_mode_irc(conn, target, &p[1..]);
        } else {
            self.user_mode(conn, target, p.get(1).copied());
        }
    }

    fn user_mode(&mut self, conn: ConnId, target: &str, modes: Option<&str>) {
        let me = self.nick(conn);
        if !target.eq_ignore_ascii_case(&me) {
            return match self.world.account_by_name(target) {
                None => self.irc_num(conn, 401, target, "No such nick/channel"),
                Some(_) => {
                    let line = self.num(conn, 502);
                    let line = line.text("Can't change mode for other users").line();
                    self.irc_send(conn, line)
                }
            };
        }
        let Some(modes) = modes else {
            let st = self.irc_state(conn);
            let mut m = "+".to_owned();
            m.push_str(if st.is_some_and(|s| s.invisible) {
                "i"
            } else {
                ""
            });
            m.push_str(if st.is_some_and(|s| s.oper) { "o" } else { "" });
            m.push_str(if st.is_some_and(|s| s.bot) { "B" } else { "" });
            let line = self.num(conn, 221).arg(&m).line();
            return self.irc_send(conn, line);
        };
        let mut on = true;
        let mut applied = String::new();
        for c in modes.chars() {
            match c {
                '+' | '-' => on = c == '+',
                'i' | 'B' | 'w' | 'o' if c != 'o' || !on => {
                    if let Some(s) = self.irc_state_mut(conn) {
                        match c {
                            'i' => s.invisible = on,
                            'B' => s.bot = on,
                            'w' => s.wallops = on,
                            _ => s.oper = false,
                        }
                    }
                    applied.push(if on { '+' } else { '-' });
                    applied.push(c);
                }
                _ => {}
            }
        }
        if !applied.is_empty() {
            let line = Out::new(Some(&me), "MODE").arg(&me).text(&applied).line();
            self.irc_send(conn, line);
        }
    }

    /// The modes a channel shows in 324; its key only to members.
    fn mode_string(&self, id: i64, member: bool) -> String {
        let c = &self.world.channels[&id];
        let m = &c.modes;
        let mut s = "+".to_owned();
        for (on, ch) in [
            (c.private, 'i'),
            (m.key.is_some(), 'k'),
            (m.limit.is_some(), 'l'),
            (m.moderated, 'm'),
            (!m.external, 'n'),
            (m.secret, 's'),
            (!m.topic_open, 't'),
        ] {
            if on {
                s.push(ch);
            }
        }
        if let Some(k) = m.key.as_ref().filter(|_| member) {
            s.push(' ');
            s.push_str(k);
        }
        if let Some(l) = m.limit {
            s.push_str(&format!(" {l}"));
        }
        s
    }

    fn channel_mode_irc(&mut self, conn: ConnId, name: &str, args: &[&str]) {
        let me = self.account_of(conn).unwrap_or(0);
        let id = self.world.channel_by_name(name).map(|c| c.id);
        let Some(id) = id.filter(|id| self.irc_visible(me, *id)) else {
            return self.irc_num(conn, 403, name, "No such channel");
        };
        let chan = self.world.channels[&id].name.clone();
        let Some(&modes) = args.first() else {
            let line = self.num(conn, 324).arg(&chan);
            let mut line = line.line();
            line.truncate(line.len() - 2);
            let member = self.world.channels[&id].members.contains(&me);
            let line = format!("{line} {}\r\n", self.mode_string(id, member));
            self.irc_send(conn, line);
            let created = self.world.channels[&id].modes.created_secs.to_string();
            let line = self.num(conn, 329).arg(&chan).arg(&created).line();
            return self.irc_send(conn, line);
        };
        let asked = modes.trim_start_matches('+');
        if args.len() == 1
            && let Some(i) = LISTS.iter().position(|(c, ..)| asked == c.to_string())
        {
            return self.send_list(conn, id, i);
        }
        if !self.can_moderate(me, id) {
            return self.irc_num(conn, 482, &chan, "You're not channel operator");
        }
        self.apply_modes(conn, id, modes, &args[1..]);
    }

    /// Applies a mode string by an operator and tells the channel's IRC members.
    fn apply_modes(&mut self, conn: ConnId, id: i64, modes: &str, args: &[&str]) {
        let mut args = args.iter().copied();
        let (mut on, mut changed, mut params) = (true, String::new(), Vec::new());
        let mut sign = ' ';
        for c in modes.chars() {
            if c == '+' || c == '-' {
                on = c == '+';
                continue;
            }
            let arg = match c {
                'o' | 'v' | 'b' | 'e' | 'I' => args.next(),
                'k' | 'l' if on => args.next(),
                'k' => args.next().or(Some("*")),
                _ => None,
            };
            match self.set_mode(conn, id, c, on, arg) {
                Ok(true) => {
                    let s = if on { '+' } else { '-' };
                    if s != sign {
                        changed.push(s);
                        sign = s;
                    }
                    changed.push(c);
                    params.extend(arg.filter(|_| c != 'k' || on).map(str::to_owned));
                }
                Ok(false) => {}
                Err((n, a, text)) => self.irc_num(conn, n, &a, text),
            }
        }
        if changed.is_empty() {
            return;
        }
        let chan = self.world.channels[&id].name.clone();
        let mask = self.mask_of(&self.nick(conn));
        let mut o = Out::new(Some(&mask), "MODE").arg(&chan).arg(&changed);
        for p in &params {
            o = o.arg(p);
        }
        let line = o.line();
        let to: Vec<ConnId> = self.world.member_sessions(id).collect();
        let to: Vec<ConnId> = to.into_iter().filter(|s| self.is_irc(*s)).collect();
        for s in to {
            self.irc_send(s, line.clone());
        }
    }

    /// One mode change: `Ok(true)` if it changed something, or the numeric to send.
    fn set_mode(
        &mut self,
        conn: ConnId,
        id: i64,
        c: char,
        on: bool,
        arg: Option<&str>,
    ) -> Result<bool, (u16, String, &'static str)> {
        let me = self.account_of(conn).unwrap_or(0);
        let chan = self.world.channels[&id].name.clone();
        // as natively, only the owner or an admin names operators and makes a channel
        // private; a guests' channel (negative id) is classic IRC, where any operator may
        let owns = self.world.channels[&id].owner == me || self.is_admin(me);
        if matches!(c, 'o' | 'i') && id > 0 && !owns {
            return Err((482, chan, "You're not the channel owner"));
        }
        if matches!(c, 'o' | 'v') {
            let Some(nick) = arg else {
                return Ok(false);
            };
            let Some(who) = self.world.account_by_name(nick).map(|a| a.id) else {
                return Err((401, nick.to_owned(), "No such nick/channel"));
            };
            if !self.world.channels[&id].members.contains(&who) {
                return Err((441, nick.to_owned(), "They aren't on that channel"));
            }
            let changed = self.set_member_mode(id, who, c == 'o', on);
            if changed && c == 'o' {
                let action = if on { "OP" } else { "DEOP" };
                self.audit(Some(me), action, nick, &chan);
            }
            return Ok(changed);
        }
        if c == 'i' {
            let changed = self.set_private(id, on);
            if changed {
                let mode = if on { "PRIVATE" } else { "PUBLIC" };
                self.audit(Some(me), "CHANNEL", &chan, mode);
            }
            return Ok(changed);
        }
        if let Some(i) = LISTS.iter().position(|(l, ..)| *l == c) {
            return Ok(arg.is_some_and(|mask| self.set_list(conn, id, i, mask, on)));
        }
        let param = arg
            .filter(|a| !a.is_empty() && !a.contains(' '))
            .unwrap_or("*");
        let bad = |what: &'static str| Err((696, format!("{chan} {c} {param}"), what));
        if c == 'k' && on && arg.is_none_or(|k| k.is_empty() || k.contains(' ')) {
            return bad("Invalid key");
        }
        if c == 'l'
            && on
            && arg
                .and_then(|a| a.parse::<usize>().ok())
                .is_none_or(|l| l == 0)
        {
            return bad("Invalid limit");
        }
        let m = &mut self.world.channels.get_mut(&id).expect("known").modes;
        let changed = match c {
            't' => std::mem::replace(&mut m.topic_open, !on) == on,
            's' => std::mem::replace(&mut m.secret, on) != on,
            'm' => std::mem::replace(&mut m.moderated, on) != on,
            'n' => std::mem::replace(&mut m.external, !on) == on,
            'k' => {
                let new = arg.filter(|_| on).map(str::to_owned);
                std::mem::replace(&mut m.key, new.clone()) != new
            }
            'l' => {
                let new = arg.filter(|_| on).and_then(|a| a.parse().ok());
                std::mem::replace(&mut m.limit, new) != new
            }
            _ => return Err((472, c.to_string(), "is unknown mode char to me")),
        };
        Ok(changed)
    }

    /// `+o`/`-o` (a channel operator, stored) or `+v`/`-v` (in memory).
    fn set_member_mode(&mut self, id: i64, who: i64, op: bool, on: bool) -> bool {
        let c = self.world.channels.get_mut(&id).expect("known");
        if !op {
            return match on {
                true => c.modes.voiced.insert(who),
                false => c.modes.voiced.remove(&who),
            };
        }
        // a guest's channel is classic IRC: its creator is an operator like any other
        if !on && c.owner == who && who < 0 {
            c.owner = crate::core::NO_OWNER;
            return true;
        }
        let changed = match on {
            true => c.ops.insert(who),
            false => c.ops.remove(&who),
        };
        if changed {
            let job = match on {
                true => StoreJob::AddOp {
                    channel: id,
                    account: who,
                },
                false => StoreJob::RemoveOp {
                    channel: id,
                    account: who,
                },
            };
            self.store(job);
        }
        changed
    }

    /// `+i`/`-i`: chatd's private channel, stored.
    fn set_private(&mut self, id: i64, on: bool) -> bool {
        let c = self.world.channels.get_mut(&id).expect("known");
        if c.private == on {
            return false;
        }
        c.private = on;
        self.store(StoreJob::SetPrivate {
            channel: id,
            private: on,
        });
        true
    }
}
