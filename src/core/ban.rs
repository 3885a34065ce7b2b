//! Bans: BAN, UNBAN, BANS, and the checks at connect and login.
//!
//! A target is a name if it could be one (a letter, then letters, digits, `_`, `-`), else an
//! address or CIDR block, IPv4 or IPv6 (so `BAN ::1` and `BAN 10.0.0.0/8` work). Bans expire on
//! time; an expired ban is ignored and dropped from the list the next time the list is read.

use super::addr::Net;
use super::{Core, Fail, Handled};
use crate::jobs::{BanRow, ConnId, StoreJob};
use crate::proto::Data;
use crate::proto::Verb;
use crate::proto::{Code, valid_name};
use std::net::IpAddr;

/// The ban list.
#[derive(Debug, Default)]
pub struct Bans {
    list: Vec<(BanRow, Option<Net>)>,
    next_id: i64,
}

impl Bans {
    pub fn new(rows: Vec<BanRow>, max_id: i64) -> Bans {
        let list = rows
            .into_iter()
            .map(|r| (r.net.as_deref().and_then(Net::parse), r))
            .map(|(n, r)| (r, n))
            .collect();
        Bans {
            list,
            next_id: max_id + 1,
        }
    }

    fn live(&self, now_ms: i64) -> impl Iterator<Item = &(BanRow, Option<Net>)> {
        self.list
            .iter()
            .filter(move |(r, _)| r.expires_ms.is_none_or(|e| e > now_ms))
    }

    /// The reason of a live ban covering `ip`.
    pub fn address_ban(&self, ip: IpAddr, now_ms: i64) -> Option<&str> {
        self.live(now_ms)
            .find(|(_, n)| n.is_some_and(|n| n.contains(ip)))
            .map(|(r, _)| r.reason.as_str())
    }

    /// The reason of a live ban on the account.
    pub fn account_ban(&self, account: i64, now_ms: i64) -> Option<&str> {
        self.live(now_ms)
            .find(|(r, _)| r.account == Some(account))
            .map(|(r, _)| r.reason.as_str())
    }

    /// Removes the ban with this account or net; its id if there was one.
    fn remove(&mut self, account: Option<i64>, net: Option<Net>, now_ms: i64) -> Option<i64> {
        let live = |r: &BanRow| r.expires_ms.is_none_or(|e| e > now_ms);
        let i = self
            .list
            .iter()
            .position(|(r, n)| live(r) && r.account == account && *n == net)?;
        Some(self.list.remove(i).0.id)
    }
}

/// What a BAN or UNBAN names.
enum Target {
    Account(i64, String),
    Net(Net),
}

impl Core {
    /// What a BAN or UNBAN names, or BAD_TARGET.
    fn ban_target(&self, target: &str) -> Result<Target, Fail> {
        let found = if valid_name(target) {
            self.world
                .account_by_name(target)
                .map(|a| Target::Account(a.id, a.name.clone()))
        } else {
            Net::parse(target).map(Target::Net)
        };
        if let Some(Target::Account(id, _)) = &found
            && *id < 0
        {
            let text = "an IRC guest has no account to ban: ban their address";
            return Err(Fail::on(Code::BadTarget, target, text));
        }
        let text = "not a known name, an address or a CIDR block";
        found.ok_or_else(|| Fail::on(Code::BadTarget, target, text))
    }

    /// NOT_ALLOWED unless `me` is an admin.
    pub(super) fn require_admin(&self, me: i64) -> Handled {
        if self.is_admin(me) {
            Ok(())
        } else {
            Err(Fail::new(Code::NotAllowed, "only admins may do that"))
        }
    }

    /// # Format
    /// `BAN <name or IP or CIDR> [duration] [:reason]` (admin) → `OK BAN <target>`; the
    /// target's sessions get `BYE` and are closed.
    pub(super) fn ban(
        &mut self,
        conn: ConnId,
        me: i64,
        target: &str,
        secs: Option<u64>,
        reason: Option<String>,
    ) -> Handled {
        self.require_admin(me)?;
        let t = self.ban_target(target)?;
        if let Target::Account(id, _) = t
            && self.is_admin(id)
        {
            return Err(Fail::on(
                Code::NotAllowed,
                target,
                "admins cannot be banned",
            ));
        }
        let now = self.now.wall_ms;
        let (account, net, shown) = match &t {
            Target::Account(id, name) => (Some(*id), None, name.clone()),
            Target::Net(n) => (None, Some(*n), n.to_string()),
        };
        if let Some(old) = self.bans.remove(account, net, now) {
            self.store(StoreJob::RemoveBan { id: old });
        }
        let expires_ms =
            secs.map(|s| now.saturating_add(s.saturating_mul(1000).min(i64::MAX as u64) as i64));
        let by = self.world.name_of(me).to_owned();
        let reason = reason.unwrap_or_else(|| "banned".into());
        let row = BanRow {
            id: self.bans.next_id,
            account,
            net: net.map(|n| n.to_string()),
            by,
            created_ms: now,
            expires_ms,
            reason,
        };
        self.bans.next_id += 1;
        self.store(StoreJob::AddBan(row.clone()));
        log::info!("ban {shown} by {} ({})", row.by, row.reason);
        let until = row
            .expires_ms
            .map_or_else(|| "never".to_owned(), crate::time::rfc3339);
        self.audit(
            Some(me),
            "BAN",
            &shown,
            &format!("until {until}: {}", row.reason),
        );
        let bye = format!("banned: {}", row.reason);
        self.bans.list.push((row, net));
        self.ok(conn, Verb::Ban, &[&shown]);
        self.close_banned(account, net, &bye);
        Ok(())
    }

    /// Closes the sessions a new ban covers. Admins' sessions are spared by address bans.
    fn close_banned(&mut self, account: Option<i64>, net: Option<Net>, bye: &str) {
        let hit: Vec<ConnId> = self
            .sessions
            .iter()
            .filter(|(_, s)| match (account, net) {
                (Some(a), _) => s.account == Some(a),
                (_, Some(n)) => n.contains(s.ip) && !s.account.is_some_and(|a| self.is_admin(a)),
                _ => false,
            })
            .map(|(c, _)| *c)
            .collect();
        for conn in hit {
            self.close(conn, bye, true);
        }
    }

    /// # Format
    /// `UNBAN <name or IP or CIDR>` (admin) → `OK UNBAN <target>`, or NOT_BANNED.
    pub(super) fn unban(&mut self, conn: ConnId, me: i64, target: &str) -> Handled {
        self.require_admin(me)?;
        let t = self.ban_target(target)?;
        let (account, net, shown) = match t {
            Target::Account(id, name) => (Some(id), None, name),
            Target::Net(n) => (None, Some(n), n.to_string()),
        };
        let Some(id) = self.bans.remove(account, net, self.now.wall_ms) else {
            return Err(Fail::on(Code::NotBanned, &shown, "that is not banned"));
        };
        self.store(StoreJob::RemoveBan { id });
        log::info!("unban {shown} by {}", self.world.name_of(me));
        self.audit(Some(me), "UNBAN", &shown, "");
        self.ok(conn, Verb::Unban, &[&shown]);
        Ok(())
    }

    /// # Format
    /// `BANS` (admin) → `BANNED <target> <by> <expires or never> :<reason>` lines, `OK BANS <count>`.
    pub(super) fn list_bans(&mut self, conn: ConnId, me: i64) -> Handled {
        self.require_admin(me)?;
        let now = self.now.wall_ms;
        self.bans
            .list
            .retain(|(r, _)| r.expires_ms.is_none_or(|e| e > now));
        let lines: Vec<_> = self
            .bans
            .list
            .iter()
            .filter_map(|(r, n)| {
                let target = n.map_or_else(
                    || self.world.name_of(r.account.unwrap_or(0)).to_owned(),
                    |n| n.to_string(),
                );
                let banned = Data::Banned {
                    target: &target,
                    by: &r.by,
                    expires_ms: r.expires_ms,
                    reason: &r.reason,
                };
                self.data_line(conn, &banned)
            })
            .collect();
        let count = lines.len().to_string();
        self.reply(conn, lines, Verb::Bans, &[&count]);
        Ok(())
    }
}
