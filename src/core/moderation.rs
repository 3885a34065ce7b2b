//! Moderation: roles, KICK (from a channel or off the server), OP/DEOP, WHOIS, AUDIT.
//!
//! Admins (`auth.admins`) moderate everywhere; a channel's owner (its creator) and the
//! operators the owner names moderate that channel, until they PART or are kicked. Whoever
//! lacks the role gets NOT_ALLOWED.
//! Every moderation act is written to the audit table (`audit`).

use super::state::Pending;
use super::{Core, Fail, Handled};
use crate::jobs::{AuditRow, ConnId, StoreJob};
use crate::proto::Code;
use crate::proto::Verb;
use crate::proto::{Data, Event};

impl Core {
    /// True if `me` moderates the channel: its owner, one of its operators, or an admin.
    pub(super) fn can_moderate(&self, me: i64, channel: i64) -> bool {
        let c = &self.world.channels[&channel];
        c.owner == me || c.ops.contains(&me) || self.is_admin(me)
    }

    /// The channel's id if `me` moderates it; else NOT_ALLOWED.
    pub(super) fn moderated_channel(&self, me: i64, channel: &str) -> Result<i64, Fail> {
        let moderates = |core: &Core, id: i64| core.can_moderate(me, id);
        let text = "only the channel's owner, its operators or an admin may do that";
        self.channel_where(channel, moderates, (Code::NotAllowed, text))
    }

    /// The channel's id if `me` owns it or is an admin; else NOT_ALLOWED.
    pub(super) fn owned_channel(&self, me: i64, channel: &str) -> Result<i64, Fail> {
        let owns = |core: &Core, id: i64| core.world.channels[&id].owner == me || core.is_admin(me);
        let text = "only the channel's owner or an admin may do that";
        self.channel_where(channel, owns, (Code::NotAllowed, text))
    }

    /// The account's id and name, or NO_SUCH_USER.
    pub(super) fn account_named(&self, name: &str) -> Result<(i64, String), Fail> {
        self.world
            .account_by_name(name)
            .map(|a| (a.id, a.name.clone()))
            .ok_or_else(|| Fail::on(Code::NoSuchUser, name, "no such user"))
    }

    /// Records an act in the audit table.
    pub(super) fn audit(&mut self, actor: Option<i64>, action: &str, target: &str, detail: &str) {
        let actor = actor.map_or("-", |a| self.world.name_of(a)).to_owned();
        let (action, target, detail) = (action.to_owned(), target.to_owned(), detail.to_owned());
        let time_ms = self.now.wall_ms;
        self.store(StoreJob::InsertAudit(AuditRow {
            time_ms,
            actor,
            action,
            target,
            detail,
        }));
    }

    /// # Format
    /// `KICK <#channel> <name> [:reason]` (owner, operator, admin) → `OK KICK <#channel> <name>`;
    /// members, the kicked one included, get `KICK <#channel> <name> <by> [:reason]`.
    /// `KICK <name> [:reason]` (admin) closes all their sessions → `OK KICK <name>`.
    pub(super) fn kick(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: Option<String>,
        name: &str,
        reason: Option<String>,
    ) -> Handled {
        match channel {
            Some(channel) => self.kick_from(conn, me, &channel, name, reason),
            None => self.kick_off(conn, me, name, reason),
        }
    }

    fn kick_from(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: &str,
        name: &str,
        reason: Option<String>,
    ) -> Handled {
        let id = self.moderated_channel(me, channel)?;
        let (target, target_name) = self.account_named(name)?;
        let c = &self.world.channels[&id];
        let chan = c.name.clone();
        if !c.members.contains(&target) {
            return Err(Fail::on(
                Code::NotInChannel,
                &target_name,
                "they are not in that channel",
            ));
        }
        // a guest's channel is classic IRC: its creator may be kicked like any operator
        if target == c.owner && target > 0 && c.owner != me && !self.is_admin(me) {
            return Err(Fail::on(
                Code::NotAllowed,
                &target_name,
                "operators cannot kick the owner",
            ));
        }
        let line = self.rendered(&Event::Kick {
            channel: &chan,
            name: &target_name,
            by: self.world.name_of(me),
            reason: reason.as_deref(),
        });
        self.fan_out_channel(id, &line, self.others(conn));
        self.world.leave(target, id);
        self.store(StoreJob::RemoveMember {
            account: target,
            channel: id,
        });
        self.end_op(target, id);
        log::info!(
            "kick {target_name} from {chan} by {}",
            self.world.name_of(me)
        );
        self.audit(
            Some(me),
            "KICK",
            &target_name,
            &format!("{chan}: {}", reason.as_deref().unwrap_or("")),
        );
        self.ok(conn, Verb::Kick, &[&chan, &target_name]);
        Ok(())
    }

    fn kick_off(&mut self, conn: ConnId, me: i64, name: &str, reason: Option<String>) -> Handled {
        self.require_admin(me)?;
        let (target, target_name) = self.account_named(name)?;
        let sessions: Vec<ConnId> = self.world.sessions_of(target).collect();
        if sessions.is_empty() {
            return Err(Fail::on(
                Code::NoSuchUser,
                &target_name,
                "they are not online",
            ));
        }
        let by = self.world.name_of(me).to_owned();
        let bye = format!(
            "kicked by {by}{}",
            reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default()
        );
        log::info!("kick {target_name} off the server by {by}");
        self.audit(
            Some(me),
            "KICK",
            &target_name,
            reason.as_deref().unwrap_or(""),
        );
        self.ok(conn, Verb::Kick, &[&target_name]);
        for s in sessions {
            self.close(s, &bye, true);
        }
        Ok(())
    }

    /// # Format
    /// `OP <#channel> <name>` / `DEOP <#channel> <name>` (owner, admin) → `OK OP <#channel> <name>`.
    pub(super) fn set_op(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: &str,
        name: &str,
        op: bool,
    ) -> Handled {
        let v = if op { Verb::Op } else { Verb::Deop };
        let verb = v.as_str();
        let id = self.owned_channel(me, channel)?;
        let chan = self.world.channels[&id].name.clone();
        let (target, target_name) = self.account_named(name)?;
        let c = self.world.channels.get_mut(&id).expect("checked");
        if op && !c.members.contains(&target) {
            return Err(Fail::on(
                Code::NotInChannel,
                &target_name,
                "they are not in that channel",
            ));
        }
        if op {
            c.ops.insert(target);
            self.store(StoreJob::AddOp {
                channel: id,
                account: target,
            });
        } else {
            c.ops.remove(&target);
            self.store(StoreJob::RemoveOp {
                channel: id,
                account: target,
            });
        }
        self.audit(Some(me), verb, &target_name, &chan);
        self.ok(conn, v, &[&chan, &target_name]);
        Ok(())
    }

    /// # Format
    /// `WHOIS <name>` (admin) → `WHOIS <name> <status> <current IPs or -> <last seen> <last IP>
    /// <transports>`, then `OK WHOIS <name>`; transports: `tls`, `plain`, `tls,plain` or `-`.
    pub(super) fn whois(&mut self, conn: ConnId, me: i64, name: &str) -> Handled {
        self.require_admin(me)?;
        let (id, name) = self.account_named(name)?;
        let mut ips: Vec<String> = Vec::new();
        let (mut tls, mut plain) = (false, false);
        for s in self.world.sessions_of(id) {
            let session = &self.sessions[&s];
            let ip = session.ip.to_string();
            if !ips.contains(&ip) {
                ips.push(ip);
            }
            tls |= session.tls;
            plain |= !session.tls;
        }
        let ips = if ips.is_empty() {
            "-".to_owned()
        } else {
            ips.join(",")
        };
        let a = &self.world.accounts[&id];
        let last_ip = a.last_ip.map(|ip| ip.to_string());
        let whois = Data::Whois {
            name: &name,
            status: self.world.presence(id),
            ips: &ips,
            last_seen_ms: a.last_seen_ms,
            last_ip: last_ip.as_deref(),
            transports: transports(tls, plain),
        };
        let lines = self.data_line(conn, &whois).into_iter().collect();
        self.reply(conn, lines, Verb::Whois, &[&name]);
        Ok(())
    }

    /// # Format
    /// `AUDIT [limit]` (admin) → the latest `limit` (20) records oldest first as
    /// `AUDIT <time> <actor> <action> <target> :<detail>`, then `OK AUDIT <count>`.
    pub(super) fn audit_log(&mut self, conn: ConnId, me: i64, limit: Option<usize>) -> Handled {
        self.require_admin(me)?;
        self.start_pending(conn, Pending::Audit);
        self.store(StoreJob::Audit {
            conn,
            limit: limit.unwrap_or(20).min(1000),
        });
        Ok(())
    }

    pub(super) fn audit_done(&mut self, conn: ConnId, rows: Option<Vec<AuditRow>>) {
        let Some(Pending::Audit) = self.finish_pending(conn) else {
            return;
        };
        let Some(rows) = rows else {
            let text = "the audit log is unavailable; try again";
            return self.fail(conn, "AUDIT", Code::Unavailable, text);
        };
        let lines: Vec<_> = rows
            .iter()
            .filter_map(|r| {
                let record = Data::Audit {
                    time_ms: r.time_ms,
                    actor: &r.actor,
                    action: &r.action,
                    target: &r.target,
                    detail: &r.detail,
                };
                self.data_line(conn, &record)
            })
            .collect();
        let count = lines.len().to_string();
        self.reply(conn, lines, Verb::Audit, &[&count]);
    }
}

/// WHOIS's last field: how the current sessions are connected.
fn transports(tls: bool, plain: bool) -> &'static str {
    match (tls, plain) {
        (true, true) => "tls,plain",
        (true, false) => "tls",
        (false, true) => "plain",
        (false, false) => "-",
    }
}
