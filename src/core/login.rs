//! LOGIN, and who may log in where: the failed-login limits, the sessions per account, the
//! admin slots.
//!
//! LOGIN: the guard is asked first (`guard::LoginGuard`: the address or the account may be
//! cooling down), and the attempt counts as a failure from then on; the account is looked up
//! in the database (`StoreJob::FindAccount`, which also finds accounts made by `chatd user add`
//! while the server runs), then the password is verified (`AuthJob::Verify`, against a dummy
//! hash for an unknown name). The session waits meanwhile. With the right password the count
//! is taken back, then the account ban, the session limit and the admin slot are checked.

use super::guard::{Attempt, GuardLimits, LoginLimits, Refusal, addr_group};
use super::state::Pending;
use super::{Core, Fail, Handled};
use crate::jobs::{AccountRecord, AuthJob, ConnId, StoreJob};
use crate::proto::Verb;
use crate::proto::{Code, key, shown_name, valid_name};

impl Core {
    /// # Format
    /// `LOGIN <name> <password>` → `OK LOGIN <name>` (the name as registered).
    pub(super) fn login(&mut self, conn: ConnId, name: &str, password: String) -> Handled {
        if self.account_of(conn).is_some() {
            return Err(Fail::new(Code::AlreadyLoggedIn, "log out first"));
        }
        let attempt = self.attempt(conn, name, None);
        let (now, limits) = (self.now.mono_ms, self.login_limits());
        if let Some(why) = self.guard.refusal(&attempt, now, limits) {
            let text = match why {
                Refusal::Address => "too many failed logins from your address; try again later",
                Refusal::Account => "too many failed logins for this account; try again later",
            };
            return Err(Fail::new(Code::RateLimited, text));
        }
        self.guard.started(&attempt, now, limits);
        if !valid_name(name) {
            self.login_failed(conn, &attempt, name);
            return Ok(());
        }
        self.start_pending(
            conn,
            Pending::Login {
                name: name.to_owned(),
                password,
                exempt: attempt.exempt,
            },
        );
        self.store(StoreJob::FindAccount {
            conn,
            name: name.to_owned(),
        });
        Ok(())
    }

    /// The attempt as the guard counts it. `exempt` is decided when the LOGIN starts (`Some`
    /// when it is known): the account's last address is not held back by the account limit.
    pub(super) fn attempt(&self, conn: ConnId, name: &str, exempt: Option<bool>) -> Attempt {
        let addr = self.sessions[&conn].ip;
        let last = self.world.account_by_name(name).and_then(|a| {
            let ip = a.last_ip?;
            Some(addr_group(ip))
        });
        Attempt {
            addr,
            account: valid_name(name).then(|| key(name)),
            exempt: exempt.unwrap_or(last == Some(addr_group(addr))),
        }
    }

    pub(super) fn login_limits(&self) -> LoginLimits {
        let l = &self.settings.limits;
        LoginLimits {
            addr: GuardLimits {
                failures: l.login_failures,
                window_ms: l.login_failure_window_secs * 1000,
                cooldown_ms: l.login_cooldown_secs * 1000,
            },
            account: GuardLimits {
                failures: l.account_login_failures,
                window_ms: l.account_login_window_secs * 1000,
                cooldown_ms: l.account_login_cooldown_secs * 1000,
            },
        }
    }

    pub(super) fn account_found(&mut self, conn: ConnId, account: Option<AccountRecord>) {
        let password = match self
            .sessions
            .get_mut(&conn)
            .and_then(|s| s.pending.as_deref_mut())
        {
            Some(Pending::Login { password, .. } | Pending::Oper { password, .. }) => {
                std::mem::take(password)
            }
            _ => return,
        };
        let cost = self.settings.bcrypt_cost;
        self.out
            .push_back(super::Output::Auth(Box::new(AuthJob::Verify {
                conn,
                account,
                password,
                cost,
            })));
    }

    pub(super) fn verified(&mut self, conn: ConnId, account: Option<AccountRecord>) {
        let (name, exempt) = match self.finish_pending(conn) {
            Some(Pending::Login { name, exempt, .. }) => (name, exempt),
            Some(Pending::Oper { name, exempt, .. }) => {
                return self.opered(conn, &name, exempt, account.is_some());
            }
            _ => return,
        };
        let attempt = self.attempt(conn, &name, Some(exempt));
        let Some(rec) = account else {
            return self.login_failed(conn, &attempt, &name);
        };
        self.guard.succeeded(&attempt, self.login_limits());
        if let Some(reason) = self.bans.account_ban(rec.id, self.now.wall_ms) {
            let text = format!("this account is banned: {reason}");
            return self.fail(conn, "LOGIN", Code::Banned, &text);
        }
        if let Err((code, text)) = self.may_log_in(conn, rec.id, &rec.name) {
            return self.fail(conn, "LOGIN", code, &text);
        }
        if self.sessions.contains_key(&conn) {
            let fresh = !self.world.accounts.contains_key(&rec.id); // made by `chatd user add`
            self.attach(conn, rec.id, &rec.name);
            self.land(conn, rec.id, fresh);
            self.ok(conn, Verb::Login, &[&rec.name]);
            self.greet(conn);
        }
    }

    /// The account's session limit (`limits.sessions_per_account`), and the admin slots: a
    /// connection in one that logs in as anyone but an admin is closed (`BYE :server full`,
    /// and then `Ok` with no session left).
    pub(super) fn may_log_in(
        &mut self,
        conn: ConnId,
        account: i64,
        name: &str,
    ) -> Result<(), (Code, String)> {
        let most = self.settings.limits.sessions_per_account;
        let open = self
            .world
            .accounts
            .get(&account)
            .map_or(0, |a| a.sessions.len());
        if open >= most {
            let text = format!("{name} is logged in {open} times already, the most allowed");
            return Err((Code::TooManySessions, text));
        }
        let admin_slot = self.sessions.get(&conn).is_some_and(|s| s.admin_slot);
        if admin_slot && !self.settings.admins.contains(&key(name)) {
            log::info!("{name} logged in on an admin slot: closed");
            self.close(conn, "server full", false);
        }
        Ok(())
    }

    /// A wrong name or password: counted against the address and the account, logged,
    /// BAD_CREDENTIALS.
    fn login_failed(&mut self, conn: ConnId, attempt: &Attempt, name: &str) {
        let ip = attempt.addr;
        let name = shown_name(name);
        log::info!("failed login for {name} from {ip}");
        match self
            .guard
            .failed(attempt, self.now.mono_ms, self.login_limits())
        {
            Some(Refusal::Address) => log::warn!("{ip}: too many failed logins, cooling down"),
            Some(Refusal::Account) => log::warn!("{name}: too many failed logins, cooling down"),
            None => {}
        }
        self.audit(None, "LOGIN_FAILED", &name, &ip.to_string());
        self.fail(
            conn,
            "LOGIN",
            Code::BadCredentials,
            "wrong name or password",
        );
    }
}
