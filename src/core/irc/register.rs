//! Connection registration on IRC: CAP negotiation, NICK, USER, PASS, SASL PLAIN (over the
//! LOGIN pipeline: the same guard, lookup and bcrypt workers), the welcome burst, guests,
//! OPER and QUIT. A logged-in user's nick is their account name; a guest's is their own.

use super::cap;
use crate::core::Core;
use crate::core::state::Pending;
use crate::jobs::{ConnId, StoreJob};
use crate::proto::irc::{self, Out};
use crate::proto::{key, valid_name};

/// The most bytes of a SASL payload (base64) before 905.
const MAX_SASL: usize = 2000;

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
        if self.world.account_by_name(nick).is_some_and(|a| a.id != me) {
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

    /// `AUTHENTICATE PLAIN`, then the base64 payload in chunks of 400.
    pub(super) fn irc_authenticate(&mut self, conn: ConnId, p: &[&str]) {
        let Some(&arg) = p.first() else {
            return self.need_more(conn, "AUTHENTICATE");
        };
        if self.account_of(conn).is_some() {
            let line = self.num(conn, 907);
            let line = line
                .text("You have already authenticated using SASL")
                .line();
            return self.irc_send(conn, line);
        }
        let started = self.irc_state(conn).and_then(|s| s.sasl.clone());
        let Some(mut payload) = started else {
            if !arg.eq_ignore_ascii_case("PLAIN") {
                let line = self.num(conn, 908).arg("PLAIN");
                let line = line.text("are available SASL mechanisms").line();
                self.irc_send(conn, line);
                return self.sasl_failed(conn, "unknown mechanism");
            }
            if let Some(s) = self.irc_state_mut(conn) {
                s.sasl = Some(String::new());
            }
            return self.irc_send(conn, Out::new(None, "AUTHENTICATE").arg("+").line());
        };
        if arg == "*" {
            self.irc_state_mut(conn).map(|s| s.sasl.take());
            let line = self
                .num(conn, 906)
                .text("SASL authentication aborted")
                .line();
            return self.irc_send(conn, line);
        }
        if arg != "+" {
            payload.push_str(arg);
        }
        if payload.len() > MAX_SASL {
            self.irc_state_mut(conn).map(|s| s.sasl.take());
            self.sasl_failed(conn, "payload too long");
            let line = self.num(conn, 905).text("SASL message too long").line();
            return self.irc_send(conn, line);
        }
        if arg.len() == 400 {
            if let Some(s) = self.irc_state_mut(conn) {
                s.sasl = Some(payload);
            }
            return;
        }
        self.irc_state_mut(conn).map(|s| s.sasl.take());
        let plain = irc::base64_decode(&payload).and_then(|b| String::from_utf8(b).ok());
        let parts: Vec<&str> = plain.as_deref().map_or(vec![], |p| p.split('\0').collect());
        match parts.as_slice() {
            [authz, name, password] if authz.is_empty() || authz.eq_ignore_ascii_case(name) => {
                self.start_login(conn, name, password)
            }
            _ => self.sasl_failed(conn, "bad payload"),
        }
    }

    /// Starts LOGIN for SASL or PASS; the reply comes as `irc_ok(Login)` or `irc_fail(LOGIN)`.
    fn start_login(&mut self, conn: ConnId, name: &str, password: &str) {
        if let Err(f) = self.login(conn, name, password.to_owned()) {
            self.sasl_failed(conn, &f.text);
        }
    }

    /// 900 and 903, then registration may go on.
    pub(super) fn sasl_success(&mut self, conn: ConnId, name: &str) {
        let mask = self.mask_of(name);
        let line = self.num(conn, 900).arg(&mask).arg(name);
        let line = line
            .text(&format!("You are now logged in as {name}"))
            .line();
        self.irc_send(conn, line);
        let line = self
            .num(conn, 903)
            .text("SASL authentication successful")
            .line();
        self.irc_send(conn, line);
        self.try_register(conn);
    }

    pub(super) fn sasl_failed(&mut self, conn: ConnId, why: &str) {
        log::debug!("connection {conn}: SASL failed: {why}");
        let line = self
            .num(conn, 904)
            .text("SASL authentication failed")
            .line();
        self.irc_send(conn, line);
        self.try_register(conn);
    }

    /// Registers the connection once it has a nick and a user, CAP is done, no login is
    /// under way and the server password (if any) was given.
    fn try_register(&mut self, conn: ConnId) {
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
        if account.is_none() && self.world.account_by_name(&nick).is_some() {
            let line = self.num(conn, 433).arg(&nick);
            let line = line.text("Nickname is already in use").line();
            return self.irc_send(conn, line);
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
        if let Some(a) = self.world.accounts.remove(&guest) {
            self.world.account_keys.remove(&key(&a.name));
        }
    }

    /// 001-005, LUSERS, MOTD, then the account's channels.
    fn welcome(&mut self, conn: ConnId, me: i64) {
        let nick = self.world.name_of(me).to_owned();
        let mask = self.mask_of(&nick);
        let (server, version) = (self.server_name().to_owned(), self.settings.version.clone());
        let texts = [
            (1, format!("Welcome to the chatd IRC network, {mask}")),
            (
                2,
                format!("Your host is {server}, running version chatd-{version}"),
            ),
            (3, "This server was created when it started".to_owned()),
        ];
        for (n, text) in texts {
            let line = self.num(conn, n).text(&text).line();
            self.irc_send(conn, line);
        }
        let v = format!("chatd-{version}");
        let line = self.num(conn, 4).arg(&server).arg(&v).arg("iowB");
        let line = line.arg("biklmnostv").arg("bklov").line();
        self.irc_send(conn, line);
        for tokens in self.isupport().chunks(12) {
            let mut o = self.num(conn, 5);
            for t in tokens {
                o = o.arg(t);
            }
            let line = o.text("are supported by this server").line();
            self.irc_send(conn, line);
        }
        self.irc_lusers(conn);
        self.irc_motd(conn);
        self.join_burst(conn, me);
    }

    /// RPL_ISUPPORT's tokens.
    fn isupport(&self) -> Vec<String> {
        let l = &self.settings.limits;
        vec![
            "AWAYLEN=390".into(),
            "BOT=B".into(),
            "CASEMAPPING=ascii".into(),
            "CHANLIMIT=#:".to_owned() + &l.channels_per_user.to_string(),
            "CHANMODES=beI,k,l,imnst".into(),
            "CHANNELLEN=50".into(),
            "CHANTYPES=#".into(),
            format!("CHATHISTORY={}", l.history_max),
            "ELIST=".into(),
            "EXCEPTS=e".into(),
            "INVEX=I".into(),
            "KICKLEN=390".into(),
            "LINELEN=512".into(),
            "MODES=4".into(),
            "MSGREFTYPES=msgid,timestamp".into(),
            format!("NETWORK={}", self.settings.server_name),
            "NICKLEN=32".into(),
            "PREFIX=(ov)@+".into(),
            "TARGMAX=JOIN:,PART:,KICK:1,NAMES:1,PRIVMSG:1,NOTICE:1,TAGMSG:1,WHOIS:1".into(),
            "TOPICLEN=390".into(),
            "UTF8ONLY".into(),
        ]
    }

    /// An account's IRC session starts in all its channels: JOIN, topic and names each.
    fn join_burst(&mut self, conn: ConnId, me: i64) {
        let Some(a) = self.world.accounts.get(&me) else {
            return;
        };
        let mut chans: Vec<(String, i64)> = a
            .channels
            .iter()
            .filter_map(|c| self.world.channels.get(c).map(|c| (c.name.clone(), c.id)))
            .collect();
        chans.sort();
        let mask = self.mask_of(self.world.name_of(me));
        for (name, id) in chans {
            let line = Out::new(Some(&mask), "JOIN").arg(&name).line();
            self.irc_send(conn, line);
            self.irc_topic_lines(conn, id, false);
            self.irc_names(conn, id);
        }
    }

    /// `QUIT [:reason]`: `ERROR`, then close; those sharing a channel get `QUIT :Quit: reason`.
    pub(super) fn irc_quit(&mut self, conn: ConnId, reason: Option<&str>) {
        let reason = reason.filter(|r| !r.is_empty()).map(str::to_owned);
        let _ = self.quit(conn, reason);
    }

    /// `OPER <name> <password>`: an admin's name and that account's password.
    pub(super) fn irc_oper(&mut self, conn: ConnId, p: &[&str]) {
        let [name, password, ..] = p else {
            return self.need_more(conn, "OPER");
        };
        if !self.settings.admins.contains(&key(name)) || !valid_name(name) {
            let line = self.num(conn, 491).text("No O-lines for your host").line();
            return self.irc_send(conn, line);
        }
        self.start_pending(
            conn,
            Pending::Oper {
                name: (*name).to_owned(),
                password: (*password).to_owned(),
            },
        );
        self.store(StoreJob::FindAccount {
            conn,
            name: (*name).to_owned(),
        });
    }

    /// OPER's password was checked.
    pub(in crate::core) fn opered(&mut self, conn: ConnId, ok: bool) {
        if !ok {
            let line = self.num(conn, 464).text("Password incorrect").line();
            return self.irc_send(conn, line);
        }
        if let Some(s) = self.irc_state_mut(conn) {
            s.oper = true;
        }
        let line = self
            .num(conn, 381)
            .text("You are now an IRC operator")
            .line();
        self.irc_send(conn, line);
        let me = self.nick(conn);
        let line = Out::new(Some(&me), "MODE").arg(&me).text("+o").line();
        self.irc_send(conn, line);
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
