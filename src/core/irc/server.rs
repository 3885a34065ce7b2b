//! The server's own IRC commands: LUSERS, MOTD, KILL and WHOWAS (with the departed users it
//! remembers).

use crate::core::Core;
use crate::jobs::ConnId;

/// How many departed IRC users WHOWAS remembers.
const WHOWAS_KEPT: usize = 100;

impl Core {
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

    /// `KILL nick :reason` (IRC operators): every session of nick is closed.
    pub(super) fn irc_kill(&mut self, conn: ConnId, p: &[&str]) {
        let [nick, ..] = p else {
            return self.need_more(conn, "KILL");
        };
        if !self.irc_oper_or_481(conn) {
            return;
        }
        let Some(a) = self.world.account_by_name(nick) else {
            return self.irc_num(conn, 401, nick, "No such nick/channel");
        };
        let sessions = a.sessions.clone();
        let by = self.nick(conn);
        let why = p
            .get(1)
            .map_or("no reason".into(), |r| crate::proto::irc::plain_text(r));
        let reason = format!("Killed ({by} ({why}))");
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
        for (n, user, host, real) in rows {
            let line = self.num(conn, 314).arg(&n).arg(&user).arg(&host).arg("*");
            let line = line.text(&real).line();
            self.irc_send(conn, line);
            self.irc_whois_server(conn, &n);
        }
        self.irc_num(conn, 369, nick, "End of WHOWAS");
    }

    /// True for an IRC operator; else 481 to the session.
    pub(super) fn irc_oper_or_481(&mut self, conn: ConnId) -> bool {
        let oper = self.irc_state(conn).is_some_and(|s| s.oper);
        if !oper {
            let line = self.num(conn, 481);
            let text = "Permission Denied- You're not an IRC operator";
            self.irc_send(conn, line.text(text).line());
        }
        oper
    }
}
