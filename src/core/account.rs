//! Accounts and sessions: REGISTER, LOGOUT, QUIT, and going online and offline (LOGIN is in
//! `login`).
//!
//! REGISTER: checks here, then a bcrypt hash (`AuthJob::Hash`), then the insert
//! (`StoreJob::CreateAccount`, the database decides if the name is free), then the login.

use super::state::Pending;
use super::{Core, Fail, Handled};
use crate::jobs::{AccountRecord, AuthJob, ConnId, CreateError, StoreJob};
use crate::proto::Event;
use crate::proto::Verb;
use crate::proto::{Code, NAME_RULE, key, password_problem, valid_name};

impl Core {
    /// # Format
    /// `REGISTER <name> <password> <confirm>` → `OK REGISTER <name>`, logged in.
    pub(super) fn register(
        &mut self,
        conn: ConnId,
        name: &str,
        password: String,
        confirm: &str,
    ) -> Handled {
        if let Err((code, text)) = self
            .check_registration(conn, name, &password, confirm)
            .and_then(|()| self.take_registration(self.sessions[&conn].ip))
        {
            return Err(Fail::new(code, text));
        }
        if self.sessions.get(&conn).is_some_and(|s| s.admin_slot) {
            self.close(conn, "server full", false); // admin slots are for admins
            return Ok(());
        }
        self.start_pending(conn, Pending::Register);
        let cost = self.settings.bcrypt_cost;
        let job = AuthJob::Hash {
            conn,
            name: name.to_owned(),
            password,
            cost,
        };
        self.out.push_back(super::Output::Auth(Box::new(job)));
        Ok(())
    }

    fn check_registration(
        &self,
        conn: ConnId,
        name: &str,
        password: &str,
        confirm: &str,
    ) -> Result<(), (Code, &'static str)> {
        let min = self.settings.min_password_len;
        if self.account_of(conn).is_some() {
            Err((Code::AlreadyLoggedIn, "log out first"))
        } else if !valid_name(name) {
            Err((Code::BadName, NAME_RULE))
        } else if self.settings.admins.contains(&key(name)) {
            Err((Code::NotAllowed, "that name is reserved"))
        } else if self.world.account_by_name(name).is_some() {
            Err((Code::NameTaken, "that name is taken"))
        } else if password != confirm {
            Err((
                Code::PasswordMismatch,
                "the password and its confirmation differ",
            ))
        } else if let Some(problem) = password_problem(password, min) {
            Err(problem)
        } else {
            Ok(())
        }
    }

    pub(super) fn hashed(&mut self, conn: ConnId, name: String, hash: Option<String>) {
        if !self.sessions.contains_key(&conn) {
            return;
        }
        let Some(hash) = hash else {
            self.finish_pending(conn);
            self.refund_registration(self.sessions[&conn].ip);
            let text = "could not hash the password; try again";
            return self.fail(conn, "REGISTER", Code::Unavailable, text);
        };
        let admin = self.settings.admins.contains(&key(&name));
        let at_ms = self.now.wall_ms;
        self.store(StoreJob::CreateAccount {
            conn,
            name,
            hash,
            admin,
            at_ms,
        });
    }

    pub(super) fn account_created(
        &mut self,
        conn: ConnId,
        result: Result<AccountRecord, CreateError>,
    ) {
        if self.finish_pending(conn).is_none() {
            return;
        }
        if result.is_err()
            && let Some(s) = self.sessions.get(&conn)
        {
            self.refund_registration(s.ip);
        }
        match result {
            Ok(rec) => match self.may_log_in(conn, rec.id, &rec.name) {
                Ok(()) => {
                    self.attach(conn, rec.id, &rec.name);
                    self.land(conn, rec.id, true);
                    self.ok(conn, Verb::Register, &[&rec.name]);
                    self.greet(conn);
                }
                Err((code, text)) => self.fail(conn, "REGISTER", code, &text),
            },
            Err(CreateError::NameTaken) => {
                self.fail(conn, "REGISTER", Code::NameTaken, "that name is taken")
            }
            Err(CreateError::Storage) => self.fail(
                conn,
                "REGISTER",
                Code::Unavailable,
                "storage failed; try again",
            ),
        }
    }

    /// # Format
    /// `LOGOUT` → `OK LOGOUT`; the connection stays.
    pub(super) fn logout(&mut self, conn: ConnId) -> Handled {
        self.detach(conn, None, true);
        let deadline = self.now.mono_ms + self.settings.limits.login_timeout_secs * 1000;
        if let Some(s) = self.sessions.get_mut(&conn) {
            s.login_deadline_ms = Some(deadline);
        }
        self.ok(conn, Verb::Logout, &[]);
        Ok(())
    }

    /// # Format
    /// `QUIT [:reason]` → `BYE :<reason>`, then the server closes. Others get
    /// `OFFLINE <name> :Quit: <reason>` (`:quit` without a reason).
    pub(super) fn quit(&mut self, conn: ConnId, reason: Option<String>) -> Handled {
        match reason {
            Some(r) => self.close_saying(conn, &r, &format!("Quit: {r}"), true),
            None => self.close(conn, "quit", true),
        }
        Ok(())
    }

    /// Logs the session in to `account`; ONLINE goes out if it is the account's first session.
    pub(super) fn attach(&mut self, conn: ConnId, account: i64, name: &str) {
        let Some(s) = self.sessions.get_mut(&conn) else {
            return;
        };
        s.account = Some(account);
        s.login_deadline_ms = None;
        self.slots.logged_in(conn, s.seq);
        let addr = s.ip;
        let ip = addr.to_string();
        log::info!("login {name} from {ip}");
        self.world.add_account(account, name);
        let a = self.world.accounts.get_mut(&account).expect("added above");
        a.sessions.push(conn);
        a.last_seen_ms = Some(self.now.wall_ms);
        a.last_ip = Some(addr);
        a.last_command_ms = self.now.mono_ms;
        if a.sessions.len() == 1 {
            let others = self.logged_in_sessions();
            let online = self.rendered(&Event::Online { name });
            self.fan_out(others, &online, Some(conn));
        }
        if account > 0 {
            self.audit(Some(account), "LOGIN", name, &ip);
        }
        let logged_in = self
            .sessions
            .values()
            .filter(|s| s.account.is_some())
            .count();
        self.peak_sessions = self.peak_sessions.max(logged_in);
        let at = self.session_deadline(conn);
        self.timers.schedule(conn, at);
        self.store(StoreJob::TouchAccount {
            id: account,
            ip,
            at_ms: self.now.wall_ms,
        });
    }

    /// Logs the session out; OFFLINE goes out (if `notify`) when it was the account's last one.
    pub(super) fn detach(&mut self, conn: ConnId, reason: Option<&str>, notify: bool) {
        let Some(s) = self.sessions.get_mut(&conn) else {
            return;
        };
        let Some(account) = s.account.take() else {
            return;
        };
        self.slots.logged_out(conn, s.seq, s.admin_slot);
        let ip = self.sessions[&conn].ip.to_string();
        let Some(a) = self.world.accounts.get_mut(&account) else {
            return;
        };
        a.sessions.retain(|c| *c != conn);
        a.last_seen_ms = Some(self.now.wall_ms);
        if a.sessions.is_empty() && notify {
            let name = self.world.name_of(account);
            let line = self.rendered(&Event::Offline { name, reason });
            let others = self.logged_in_sessions();
            self.fan_out(others, &line, Some(conn));
        }
        self.store(StoreJob::TouchAccount {
            id: account,
            ip,
            at_ms: self.now.wall_ms,
        });
    }

    /// Every logged-in session.
    pub(super) fn logged_in_sessions(&self) -> Vec<ConnId> {
        self.sessions
            .iter()
            .filter(|(_, s)| s.account.is_some())
            .map(|(c, _)| *c)
            .collect()
    }
}
