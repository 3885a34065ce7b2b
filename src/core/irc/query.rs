//! Who is there, on IRC: WHO, WHOIS, USERHOST, ISON, AWAY, LUSERS, MOTD.

use crate::core::Core;
use crate::jobs::ConnId;

/// A user as WHO and WHOIS show them.
struct Seen {
    nick: String,
    user: String,
    host: String,
    realname: String,
    away: Option<String>,
    oper: bool,
    invisible: bool,
    bot: bool,
    tls: bool,
    account: bool,
    signon_ms: i64,
    idle_secs: u64,
}

/// `*` and `?` wildcards, ASCII case-insensitive.
fn matches(mask: &[u8], name: &[u8]) -> bool {
    match (mask.first(), name.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            matches(&mask[1..], name) || (!name.is_empty() && matches(mask, &name[1..]))
        }
        (Some(b'?'), Some(_)) => matches(&mask[1..], &name[1..]),
        (Some(m), Some(n)) if m.eq_ignore_ascii_case(n) => matches(&mask[1..], &name[1..]),
        _ => false,
    }
}

impl Core {
    /// What others see of an online account, from its first IRC session if it has one.
    fn seen(&self, id: i64) -> Option<Seen> {
        let a = self.world.accounts.get(&id)?;
        let first = *a.sessions.first()?;
        let irc = a
            .sessions
            .iter()
            .find_map(|s| self.irc_state(*s).map(|st| (s, st)));
        let s = &self.sessions[irc.map_or(&first, |(s, _)| s)];
        let st = irc.map(|(_, st)| st);
        Some(Seen {
            nick: a.name.clone(),
            user: a.user().to_owned(),
            host: s.ip.to_string(),
            realname: st.map_or(a.name.clone(), |st| st.realname.clone()),
            away: a
                .away
                .as_ref()
                .map(|w| w.text.clone().unwrap_or_else(|| "away".into())),
            oper: st.is_some_and(|st| st.oper) || self.is_admin(id),
            invisible: st.is_some_and(|st| st.invisible),
            bot: st.is_some_and(|st| st.bot),
            tls: s.tls,
            account: id > 0,
            signon_ms: st.map_or(a.last_seen_ms.unwrap_or(0), |st| st.signon_ms),
            idle_secs: self.now.mono_ms.saturating_sub(a.last_command_ms) / 1000,
        })
    }

    /// `WHO <#channel | nick | mask>`: 352 per user, then 315.
    pub(super) fn irc_who(&mut self, conn: ConnId, p: &[&str]) {
        let mask = p.first().copied().unwrap_or("*");
        let me = self.account_of(conn).unwrap_or(0);
        let mut rows: Vec<(i64, Option<i64>)> = Vec::new();
        if mask.starts_with('#') {
            if let Some(c) = self
                .world
                .channel_by_name(mask)
                .filter(|c| self.irc_visible(me, c.id))
            {
                rows = c.members.iter().map(|m| (*m, Some(c.id))).collect();
            }
        } else if let Some(a) = self.world.account_by_name(mask) {
            rows.push((a.id, None));
        } else {
            let mine = self.world.accounts.get(&me).map(|a| &a.channels);
            rows = self
                .world
                .accounts
                .values()
                .filter(|a| matches(mask.as_bytes(), a.name.as_bytes()))
                .filter(|a| {
                    let hidden = self.seen(a.id).is_some_and(|s| s.invisible);
                    !hidden
                        || a.id == me
                        || mine.is_some_and(|m| a.channels.iter().any(|c| m.contains(c)))
                })
                .map(|a| (a.id, None))
                .collect();
        }
        rows.sort_by_key(|(a, _)| self.world.name_of(*a).to_ascii_lowercase());
        let server = self.server_name().to_owned();
        for (a, chan) in rows {
            let Some(s) = self.seen(a) else {
                continue;
            };
            let mut flags = if s.away.is_some() { "G" } else { "H" }.to_owned();
            if s.oper {
                flags.push('*');
            }
            if s.bot {
                flags.push('B');
            }
            let chan_name = match chan {
                Some(c) => {
                    flags.push_str(&self.prefix(conn, a, c));
                    self.world.channels[&c].name.clone()
                }
                None => "*".into(),
            };
            let line = self
                .num(conn, 352)
                .arg(&chan_name)
                .arg(&s.user)
                .arg(&s.host);
            let line = line.arg(&server).arg(&s.nick).arg(&flags);
            let line = line.text(&format!("0 {}", s.realname)).line();
            self.irc_send(conn, line);
        }
        self.irc_num(conn, 315, mask, "End of /WHO list.");
    }

    /// `WHOIS [server] nick`.
    pub(super) fn irc_whois(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&nick) = p.last() else {
            return self.need_more(conn, "WHOIS");
        };
        let nick = nick.split(',').next().unwrap_or(nick);
        let found = self.world.account_by_name(nick).map(|a| a.id);
        let Some((id, s)) = found.and_then(|id| self.seen(id).map(|s| (id, s))) else {
            self.irc_num(conn, 401, nick, "No such nick/channel");
            return self.irc_num(conn, 318, nick, "End of /WHOIS list.");
        };
        let n = s.nick.clone();
        let line = self
            .num(conn, 311)
            .arg(&n)
            .arg(&s.user)
            .arg(&s.host)
            .arg("*");
        let line = line.text(&s.realname).line();
        self.irc_send(conn, line);
        let me = self.account_of(conn).unwrap_or(0);
        let mut chans: Vec<String> = self.world.accounts[&id]
            .channels
            .iter()
            .filter(|c| self.irc_visible(me, **c))
            .map(|c| {
                format!(
                    "{}{}",
                    self.prefix(conn, id, *c),
                    self.world.channels[c].name
                )
            })
            .collect();
        chans.sort();
        if !chans.is_empty() {
            self.irc_num(conn, 319, &n, &chans.join(" "));
        }
        let server = self.server_name().to_owned();
        let line = self
            .num(conn, 312)
            .arg(&n)
            .arg(&server)
            .text("chatd")
            .line();
        self.irc_send(conn, line);
        if s.oper {
            self.irc_num(conn, 313, &n, "is an IRC operator");
        }
        if s.bot {
            self.irc_num(conn, 335, &n, "is a bot");
        }
        if let Some(away) = &s.away {
            self.irc_num(conn, 301, &n, away);
        }
        if s.tls {
            self.irc_num(conn, 671, &n, "is using a secure connection");
        }
        if s.account {
            let line = self
                .num(conn, 330)
                .arg(&n)
                .arg(&n)
                .text("is logged in as")
                .line();
            self.irc_send(conn, line);
        }
        let (idle, signon) = (s.idle_secs.to_string(), (s.signon_ms / 1000).to_string());
        let line = self.num(conn, 317).arg(&n).arg(&idle).arg(&signon);
        let line = line.text("seconds idle, signon time").line();
        self.irc_send(conn, line);
        self.irc_num(conn, 318, &n, "End of /WHOIS list.");
    }

    /// `USERHOST nick...` → `302 me :nick=+user@host ...` (`-` when away, `*` for an operator).
    pub(super) fn irc_userhost(&mut self, conn: ConnId, p: &[&str]) {
        if p.is_empty() {
            return self.need_more(conn, "USERHOST");
        }
        let replies: Vec<String> = p
            .iter()
            .take(5)
            .filter_map(|n| self.world.account_by_name(n))
            .filter_map(|a| self.seen(a.id))
            .map(|s| {
                let op = if s.oper { "*" } else { "" };
                let away = if s.away.is_some() { '-' } else { '+' };
                format!("{}{op}={away}{}@{}", s.nick, s.user, s.host)
            })
            .collect();
        let line = self.num(conn, 302).text(&replies.join(" ")).line();
        self.irc_send(conn, line);
    }

    /// `ISON nick...` → `303 me :<those online>`.
    pub(super) fn irc_ison(&mut self, conn: ConnId, p: &[&str]) {
        let online: Vec<String> = p
            .iter()
            .flat_map(|w| w.split(' '))
            .filter_map(|n| self.world.account_by_name(n))
            .filter(|a| !a.sessions.is_empty())
            .map(|a| a.name.clone())
            .collect();
        let line = self.num(conn, 303).text(&online.join(" ")).line();
        self.irc_send(conn, line);
    }

    /// `AWAY [:text]`: 306 and away, or 305 and back.
    pub(super) fn irc_away(&mut self, conn: ConnId, p: &[&str]) {
        let Some(me) = self.account_of(conn) else {
            return;
        };
        let _ = match p.first().filter(|t| !t.is_empty()) {
            Some(text) => self.away(conn, me, Some((*text).to_owned())),
            None => self.back(conn, me),
        };
    }

    /// 251-255, 265, 266.
    pub(super) fn irc_lusers(&mut self, conn: ConnId) {
        let registered = self.sessions.values().filter(|s| s.account.is_some());
        let (mut users, mut invisible, mut opers) = (0, 0, 0);
        for s in registered {
            users += 1;
            let st = s.irc.as_deref();
            invisible += usize::from(st.is_some_and(|st| st.invisible));
            opers += usize::from(st.is_some_and(|st| st.oper));
        }
        let unknown = self.sessions.len() - users;
        let channels = self.world.channels.len();
        let max = self.peak_sessions.max(users).to_string();
        let n = users.to_string();
        let text = format!(
            "There are {} users and {invisible} invisible on 1 servers",
            users - invisible
        );
        let line = self.num(conn, 251).text(&text).line();
        self.irc_send(conn, line);
        self.irc_num(conn, 252, &opers.to_string(), "operator(s) online");
        self.irc_num(conn, 253, &unknown.to_string(), "unknown connection(s)");
        self.irc_num(conn, 254, &channels.to_string(), "channels formed");
        let text = format!("I have {users} clients and 1 servers");
        let line = self.num(conn, 255).text(&text).line();
        self.irc_send(conn, line);
        for (code, what) in [(265, "local"), (266, "global")] {
            let text = format!("Current {what} users {n}, max {max}");
            let line = self.num(conn, code).arg(&n).arg(&max).text(&text).line();
            self.irc_send(conn, line);
        }
    }

    /// 375, 372 per line of the server's motd, 376.
    pub(super) fn irc_motd(&mut self, conn: ConnId) {
        let server = self.server_name().to_owned();
        let line = self.num(conn, 375);
        let line = line
            .text(&format!("- {server} Message of the day -"))
            .line();
        self.irc_send(conn, line);
        let motd = self.settings.motd.clone();
        for l in motd.lines() {
            let line = self.num(conn, 372).text(&format!("- {l}")).line();
            self.irc_send(conn, line);
        }
        let line = self.num(conn, 376).text("End of /MOTD command.").line();
        self.irc_send(conn, line);
    }

    /// An away user joined: IRC members with away-notify hear that they are away.
    pub(in crate::core) fn irc_away_on_join(&mut self, me: i64, channel: i64) {
        if self.irc_conns.is_empty() {
            return;
        }
        let Some(a) = self.world.accounts.get(&me) else {
            return;
        };
        let Some(away) = &a.away else {
            return;
        };
        let line = self.rendered(&crate::proto::Event::Away {
            name: &a.name,
            text: away.text.as_deref(),
        });
        let to: Vec<ConnId> = self
            .world
            .member_sessions(channel)
            .filter(|s| self.is_irc(*s) && self.sessions[s].account != Some(me))
            .collect();
        self.fan_out(to, &line, None);
    }

    /// `KILL nick :reason` (IRC operators): every session of nick is closed.
    pub(super) fn irc_kill(&mut self, conn: ConnId, p: &[&str]) {
        let [nick, ..] = p else {
            return self.need_more(conn, "KILL");
        };
        if !self.irc_state(conn).is_some_and(|s| s.oper) {
            let line = self.num(conn, 481);
            let line = line
                .text("Permission Denied- You're not an IRC operator")
                .line();
            return self.irc_send(conn, line);
        }
        let Some(a) = self.world.account_by_name(nick) else {
            return self.irc_num(conn, 401, nick, "No such nick/channel");
        };
        let sessions = a.sessions.clone();
        let by = self.nick(conn);
        let reason = format!(
            "Killed ({by} ({}))",
            p.get(1).copied().unwrap_or("no reason")
        );
        for s in sessions {
            self.close(s, &reason, true);
        }
    }

    /// A registered IRC session ends: WHOWAS remembers it.
    pub(in crate::core) fn remember_departed(&mut self, conn: ConnId) {
        let Some(a) = self.account_of(conn) else {
            return;
        };
        let Some(seen) = self.seen(a) else {
            return;
        };
        let Some(st) = self.irc_state(conn) else {
            return;
        };
        let row = (seen.nick, seen.user, seen.host, st.realname.clone());
        self.whowas.push_front(row);
        self.whowas.truncate(WHOWAS_KEPT);
    }

    /// `WHOWAS nick [count]`: 314 and 312 per time nick left, newest first, then 369.
    pub(super) fn irc_whowas(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&nick) = p.first().filter(|n| !n.is_empty()) else {
            let line = self.num(conn, 431).text("No nickname given").line();
            return self.irc_send(conn, line);
        };
        let count = p
            .get(1)
            .and_then(|c| c.parse::<i64>().ok())
            .filter(|c| *c > 0)
            .map_or(usize::MAX, |c| c as usize);
        let rows: Vec<_> = self
            .whowas
            .iter()
            .filter(|r| r.0.eq_ignore_ascii_case(nick))
            .take(count)
            .cloned()
            .collect();
        if rows.is_empty() {
            self.irc_num(conn, 406, nick, "There was no such nickname");
        }
        let server = self.server_name().to_owned();
        for (n, user, host, real) in rows {
            let line = self.num(conn, 314).arg(&n).arg(&user).arg(&host).arg("*");
            let line = line.text(&real).line();
            self.irc_send(conn, line);
            let line = self
                .num(conn, 312)
                .arg(&n)
                .arg(&server)
                .text("chatd")
                .line();
            self.irc_send(conn, line);
        }
        self.irc_num(conn, 369, nick, "End of WHOWAS");
    }
}

impl Core {
    /// `WALLOPS :text` (IRC operators): to every IRC session with `+w`, and the sender.
    pub(super) fn irc_wallops(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&text) = p.first() else {
            return self.need_more(conn, "WALLOPS");
        };
        if !self.irc_state(conn).is_some_and(|s| s.oper) {
            let line = self.num(conn, 481);
            let line = line
                .text("Permission Denied- You're not an IRC operator")
                .line();
            return self.irc_send(conn, line);
        }
        let mask = self.mask_of(&self.nick(conn));
        let line = crate::proto::irc::Out::new(Some(&mask), "WALLOPS")
            .text(text)
            .line();
        let mut to: Vec<ConnId> = self
            .irc_conns
            .iter()
            .copied()
            .filter(|c| *c != conn && self.irc_state(*c).is_some_and(|s| s.wallops))
            .collect();
        to.push(conn);
        for c in to {
            self.irc_send(c, line.clone());
        }
    }
}

/// How many departed IRC users WHOWAS remembers.
const WHOWAS_KEPT: usize = 100;
