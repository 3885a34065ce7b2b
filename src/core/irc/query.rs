//! Who is there, on IRC: WHO, WHOIS, USERHOST, ISON, AWAY, LUSERS, MOTD.

use crate::core::Core;
use crate::jobs::ConnId;

/// A user as WHO and WHOIS show them.
pub(super) struct Seen {
    pub nick: String,
    pub user: String,
    pub host: String,
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
    /// 312 (WHOIS, WHOWAS): `nick` is on this server.
    pub(super) fn irc_whois_server(&mut self, conn: ConnId, nick: &str) {
        let server = self.server_name().to_owned();
        let line = self
            .num(conn, 312)
            .arg(nick)
            .arg(&server)
            .text("chatd")
            .line();
        self.irc_send(conn, line);
    }

    /// What others see of an online account, from its first IRC session if it has one.
    pub(super) fn seen(&self, id: i64) -> Option<Seen> {
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
            self.irc_send_data(conn, line);
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
        self.irc_whois_server(conn, &n);
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
            Some(text) => self.away(conn, me, Some(crate::proto::irc::plain_text(text))),
            None => self.back(conn, me),
        };
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
}

impl Core {
    /// `WALLOPS :text` (IRC operators): to every IRC session with `+w`, and the sender.
    pub(super) fn irc_wallops(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&text) = p.first() else {
            return self.need_more(conn, "WALLOPS");
        };
        if !self.irc_oper_or_481(conn) {
            return;
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
