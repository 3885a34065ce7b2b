//! Connection registration on IRC: CAP negotiation, NICK, USER, PASS (the server password),
//! when registration completes (`try_register`), guests, QUIT. A logged-in user's nick is their
//! account name; a guest's is their own. Logging in is `sasl`, the burst `welcome`.

use super::cap;
use crate::core::Core;
use crate::jobs::ConnId;
use crate::proto::{key, valid_name};

impl Core {
    /// `CAP LS [302] | LIST | REQ :caps | END`.
    pub(super) fn irc_cap(&mut self, conn: ConnId, p: &[&str]) {
        let sub = p
            .first()
            .map(|s| s.to_ascii_uppercase())
            .unwrap_or_default();
        let me = self.nick(conn);
        let registered = self.irc_state(conn).is_some_and(|s| s.registered);
        let reply = |core: &Core, sub: &str, text: &str| {
            core.server_line("CAP").arg(&me).arg(sub).text(text).line()
        };
        let line = match sub.as_str() {
            "LS" => {
                let v302 = p.get(1).and_then(|v| v.parse::<u32>().ok()) >= Some(302);
                let names: Vec<String> = cap::ALL
                    .iter()
                    .map(|(n, _, v)| match v {
                        v if v302 && !v.is_empty() => format!("{n}={v}"),
                        _ => (*n).to_owned(),
                    })
                    .collect();
                reply(self, "LS", &names.join(" "))
            }
            "LIST" => {
                let caps = self.irc_state(conn).map_or(0, |s| s.caps);
                let on: Vec<&str> = cap::ALL
                    .iter()
                    .filter(|(_, b, _)| caps & b != 0)
                    .map(|(n, ..)| *n)
                    .collect();
                reply(self, "LIST", &on.join(" "))
            }
            "REQ" => {
                let asked = p.get(1).copied().unwrap_or("");
                match requested(asked) {
                    Some((on, off)) => {
                        if let Some(s) = self.irc_state_mut(conn) {
                            s.caps = (s.caps | on) & !off;
                        }
                        reply(self, "ACK", asked)
                    }
                    None => reply(self, "NAK", asked),
                }
            }
            "END" => {
                if let Some(s) = self.irc_state_mut(conn) {
                    s.cap_open = false;
                }
                return self.try_register(conn);
            }
            _ => {
                let o = self
                    .num(conn, 410)
                    .arg(if sub.is_empty() { "*" } else { &sub });
                return self.irc_send(conn, o.text("Invalid CAP command").line());
            }
        };
        if !registered && let Some(s) = self.irc_state_mut(conn) {
            s.cap_open = true;
        }
        self.irc_send(conn, line);
    }

    /// `NICK <nick>`: before registration, the nick asked for; after, a guest's new nick.
    pub(super) fn irc_nick(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&nick) = p.first().filter(|n| !n.is_empty()) else {
            let line = self.num(conn, 431).text("No nickname given").line();
            return self.irc_send(conn, line);
        };
        if !valid_name(nick) {
            let line = self
                .num(conn, 432)
                .arg(nick)
                .text("Erroneous nickname")
                .line();
            return self.irc_send(conn, line);
        }
        let registered = self.irc_state(conn).is_some_and(|s| s.registered);
        if !registered {
            if let Some(s) = self.irc_state_mut(conn) {
                s.nick = Some(nick.to_owned());
            }
            return self.try_register(conn);
        }
        let Some(me) = self.account_of(conn) else {
            return;
        };
        let old = self.world.name_of(me).to_owned();
        if old == nick {
            return;
        }
        if me > 0 {
            let text =
                format!("Your nick is your account name, {old}; RENAME {nick} renames the account");
            let line = self.num(conn, 435).arg(nick).text(&text).line();
            return self.irc_send(conn, line);
        }
        if !self.guest_may_take(nick, Some(me)) {
            let line = self.num(conn, 433).arg(nick);
            let line = line.text("Nickname is already in use").line();
            return self.irc_send(conn, line);
        }
        self.rename_guest(me, &old, nick);
    }

    /// `USER <user> <mode> <unused> :<realname>`.
    pub(super) fn irc_user(&mut self, conn: ConnId, p: &[&str]) {
        if self.irc_state(conn).is_some_and(|s| s.registered) {
            let line = self.num(conn, 462).text("You may not reregister").line();
            return self.irc_send(conn, line);
        }
        if p.len() < 4 || p[0].is_empty() || p[3].is_empty() {
            return self.need_more(conn, "USER");
        }
        let user: String = p[0]
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .take(9)
            .collect();
        if let Some(s) = self.irc_state_mut(conn) {
            s.user = Some(if user.is_empty() { "user".into() } else { user });
            s.realname = p[3].to_owned();
        }
        self.try_register(conn);
    }

    /// `PASS <password>`: the server password, or `account:password` when there is none.
    pub(super) fn irc_pass(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&given) = p.first() else {
            return self.need_more(conn, "PASS");
        };
        if self.irc_state(conn).is_some_and(|s| s.registered) {
            let line = self.num(conn, 462).text("You may not reregister").line();
            return self.irc_send(conn, line);
        }
        let password = self.settings.irc.password.clone();
        if password.is_empty() {
            if let Some((name, pass)) = given.split_once(':') {
                self.start_login(conn, name, pass);
            }
        } else if given == password {
            if let Some(s) = self.irc_state_mut(conn) {
                s.pass_ok = true;
            }
        } else {
            let line = self.num(conn, 464).text("Password incorrect").line();
            self.irc_send(conn, line);
            self.close(conn, "Access denied: Bad password?", false);
        }
    }

    /// Registers the connection once it has a nick and a user, CAP is done, no login is
    /// under way and the server password (if any) was given.
    pub(super) fn try_register(&mut self, conn: ConnId) {
        let needs_pass = !self.settings.irc.password.is_empty();
        let Some(s) = self.sessions.get(&conn) else {
            return;
        };
        let Some(st) = s.irc.as_deref() else {
            return;
        };
        let ready = !st.registered
            && st.nick.is_some()
            && st.user.is_some()
            && !st.cap_open
            && s.pending.is_none();
        if !ready {
            return;
        }
        if needs_pass && !st.pass_ok {
            let line = self.num(conn, 464).text("Password incorrect").line();
            self.irc_send(conn, line);
            return self.close(conn, "Access denied: Bad password?", false);
        }
        let nick = st.nick.clone().unwrap_or_default();
        let account = s.account;
        if account.is_none() && !self.settings.irc.guests {
            let text = "this server needs an account: log in with SASL PLAIN or PASS name:password";
            let line = self.server_line("NOTICE").arg("*").text(text).line();
            self.irc_send(conn, line);
            return self.close(conn, "an account is needed", false);
        }
        if account.is_none() && !self.guest_may_take(&nick, None) {
            let line = self.num(conn, 433).arg(&nick);
            let line = line.text("Nickname is already in use").line();
            return self.irc_send(conn, line);
        }
        if account.is_none() && s.admin_slot {
            return self.close(conn, "server full", false); // admin slots are for admins
        }
        let me = match account {
            Some(me) => me,
            None => self.add_guest(conn, &nick),
        };
        let user = self.irc_state(conn).and_then(|s| s.user.clone());
        if let (Some(a), Some(user)) = (self.world.accounts.get_mut(&me), user) {
            a.user = Some(user.into_boxed_str());
        }
        if let Some(s) = self.irc_state_mut(conn) {
            s.registered = true;
        }
        self.welcome(conn, me);
    }

    /// True if a guest (`me`, when it has a nick already) may be called `nick`: not another
    /// account's or guest's name, and never an admin's (admins are known by name).
    fn guest_may_take(&self, nick: &str, me: Option<i64>) -> bool {
        let taken = self
            .world
            .account_by_name(nick)
            .is_some_and(|a| Some(a.id) != me);
        !taken && !self.settings.admins.contains(&key(nick))
    }

    /// A guest: an account in memory under a negative id, logged in on this connection.
    fn add_guest(&mut self, conn: ConnId, nick: &str) -> i64 {
        let id = self.next_guest;
        self.next_guest -= 1;
        self.attach(conn, id, nick);
        id
    }

    /// A guest's NICK: renamed in memory, `NICK` to them and those sharing a channel.
    fn rename_guest(&mut self, me: i64, old: &str, new: &str) {
        let line = self.rendered(&crate::proto::Event::Renamed { old, new });
        self.world.rename(me, new);
        let mut to = self.world.sharing_sessions(me);
        to.extend(self.world.sessions_of(me));
        self.fan_out(to, &line, None);
    }

    /// The guest's session ended: its memberships go, and the channels only guests had.
    pub(in crate::core) fn forget_guest(&mut self, guest: i64) {
        let Some(a) = self.world.accounts.get(&guest) else {
            return;
        };
        let chans: Vec<i64> = a.channels.iter().copied().collect();
        for c in chans {
            self.world.leave(guest, c);
            self.end_op(guest, c);
            self.vacate(c);
        }
        for c in self.world.channels.values_mut() {
            c.requests.remove(&guest);
        }
        if let Some(a) = self.world.accounts.remove(&guest) {
            let k = key(&a.name);
            if self.world.account_keys.get(&k) == Some(&guest) {
                self.world.account_keys.remove(&k);
            }
        }
    }

    /// `QUIT [:reason]`: `ERROR`, then close; those sharing a channel get `QUIT :Quit: reason`.
    pub(super) fn irc_quit(&mut self, conn: ConnId, reason: Option<&str>) {
        let reason = reason
            .map(crate::proto::irc::plain_text)
            .filter(|r| !r.is_empty());
        let _ = self.quit(conn, reason);
    }
}

/// The capabilities a `CAP REQ` asks to turn on and off, or `None` if one is unknown.
fn requested(asked: &str) -> Option<(u16, u16)> {
    let (mut on, mut off) = (0, 0);
    for word in asked.split(' ').filter(|w| !w.is_empty()) {
        let (minus, name) = match word.strip_prefix('-') {
            Some(n) => (true, n),
            None => (false, word),
        };
        let (_, bit, _) = cap::ALL.iter().find(|(n, ..)| *n == name)?;
        if minus {
            off |= bit;
        } else {
            on |= bit;
        }
    }
    Some((on, off))
}
