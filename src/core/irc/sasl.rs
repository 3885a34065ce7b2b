//! Logging in on IRC: SASL PLAIN (`AUTHENTICATE`, chunks of 400, 900/903 or 904) and
//! `PASS name:password`, both over the LOGIN pipeline (the guard, the lookup, the bcrypt
//! workers); and OPER, which checks an admin's password the same way.

use crate::core::Core;
use crate::core::state::Pending;
use crate::jobs::{ConnId, StoreJob};
use crate::proto::irc::{self, Out};
use crate::proto::{key, valid_name};

/// The most bytes of a SASL payload (base64) before 904 and 905.
const MAX_SASL: usize = 2000;

impl Core {
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
    pub(super) fn start_login(&mut self, conn: ConnId, name: &str, password: &str) {
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

    /// `OPER <name> <password>`: an admin's name and that account's password. It counts as
    /// a LOGIN for the failed-login limits, and every failure gets the same 464, so OPER can
    /// neither guess passwords faster than LOGIN nor tell which names are admins.
    pub(super) fn irc_oper(&mut self, conn: ConnId, p: &[&str]) {
        let [name, password, ..] = p else {
            return self.need_more(conn, "OPER");
        };
        let attempt = self.attempt(conn, name, None);
        let (now, limits) = (self.now.mono_ms, self.login_limits());
        if self.guard.refusal(&attempt, now, limits).is_some() {
            let line = self
                .num(conn, 464)
                .text("Too many failed attempts; try later");
            return self.irc_send(conn, line.line());
        }
        self.guard.started(&attempt, now, limits);
        if !self.settings.admins.contains(&key(name)) || !valid_name(name) {
            return self.opered(conn, name, attempt.exempt, false);
        }
        self.start_pending(
            conn,
            Pending::Oper {
                name: (*name).to_owned(),
                password: (*password).to_owned(),
                exempt: attempt.exempt,
            },
        );
        self.store(StoreJob::FindAccount {
            conn,
            name: (*name).to_owned(),
        });
    }

    /// OPER's password was checked: 381 and `+o`, or 464 counted as a failed login.
    pub(in crate::core) fn opered(&mut self, conn: ConnId, name: &str, exempt: bool, ok: bool) {
        let attempt = self.attempt(conn, name, Some(exempt));
        let limits = self.login_limits();
        if !ok {
            self.guard.failed(&attempt, self.now.mono_ms, limits);
            let ip = attempt.addr.to_string();
            self.audit(None, "OPER_FAILED", &crate::proto::shown_name(name), &ip);
            let line = self.num(conn, 464).text("Password incorrect").line();
            return self.irc_send(conn, line);
        }
        self.guard.succeeded(&attempt, limits);
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
