//! Channel settings: CHANNEL PRIVATE|PUBLIC|DROP, join requests, REQUESTS, ACCEPT, REJECT.
//!
//! In a private channel a JOIN by someone who does not moderate it becomes a request
//! (`OK JOIN <#channel> PENDING`); the owner, operators and admins online hear
//! `REQUEST <#channel> <name>`, and one of them decides. Requests keep their status in the
//! database; the core keeps the pending ones.

use super::{Core, Fail, Handled};
use crate::jobs::{ConnId, RequestStatus, StoreJob};
use crate::proto::Code;
use crate::proto::Verb;
use crate::proto::{Data, Event};

impl Core {
    /// True if `me` may see the channel's members and history without being a member... or is.
    pub(super) fn can_see(&self, me: i64, channel: i64) -> bool {
        let c = &self.world.channels[&channel];
        !c.private || c.members.contains(&me) || self.is_admin(me)
    }

    /// A JOIN that becomes a request: `OK JOIN <#channel> PENDING`.
    pub(super) fn request_join(&mut self, conn: ConnId, me: i64, channel: i64) -> Handled {
        let c = self
            .world
            .channels
            .get_mut(&channel)
            .expect("known channel");
        let name = c.name.clone();
        let at_ms = self.now.wall_ms;
        if let std::collections::btree_map::Entry::Vacant(e) = c.requests.entry(me) {
            e.insert(at_ms);
            let status = RequestStatus::Pending;
            self.store(StoreJob::SetRequest {
                channel,
                account: me,
                status,
                at_ms,
                by: None,
            });
            let line = self.rendered(&Event::Request {
                channel: &name,
                name: self.world.name_of(me),
            });
            let to = self.moderator_sessions(channel);
            self.fan_out(to, &line, Some(conn));
        }
        self.ok(conn, Verb::Join, &[&name, "PENDING"]);
        Ok(())
    }

    /// # Format
    /// `CHANNEL <#channel> DROP` (admin) → `OK CHANNEL <#channel> DROP`; the channel, its
    /// memberships and its history are deleted; each member's sessions get
    /// `PART <#channel> <their name> :channel dropped`.
    pub(super) fn drop_channel(&mut self, conn: ConnId, me: i64, channel: &str) -> Handled {
        if !self.is_admin(me) {
            let text = "only an admin may drop a channel";
            return Err(Fail::on(Code::NotAllowed, channel, text));
        }
        let id = self.channel_id(channel)?;
        let c = self.world.remove_channel(id);
        for member in c.members.iter().copied() {
            let line = self.rendered(&Event::Part {
                channel: &c.name,
                name: self.world.name_of(member),
                reason: Some("channel dropped"),
            });
            let to: Vec<ConnId> = self.world.sessions_of(member).collect();
            for s in &to {
                if let Some(session) = self.sessions.get_mut(s)
                    && session.current == Some(id)
                {
                    session.current = None;
                }
            }
            self.fan_out(to, &line, None);
        }
        self.store(StoreJob::DropChannel { id });
        self.audit(Some(me), "CHANNEL", &c.name, "DROP");
        self.ok(conn, Verb::Channel, &[&c.name, "DROP"]);
        Ok(())
    }

    /// Sessions of the channel's owner, its operators and every admin online.
    fn moderator_sessions(&self, channel: i64) -> Vec<ConnId> {
        let c = &self.world.channels[&channel];
        let mut accounts: Vec<i64> = std::iter::once(c.owner)
            .chain(c.ops.iter().copied())
            .collect();
        for a in self.world.accounts.values() {
            if !a.sessions.is_empty() && self.is_admin(a.id) {
                accounts.push(a.id);
            }
        }
        accounts.sort_unstable();
        accounts.dedup();
        accounts
            .into_iter()
            .flat_map(|a| self.world.sessions_of(a))
            .collect()
    }

    /// # Format
    /// `CHANNEL <#channel> PRIVATE|PUBLIC` (owner, admin) → `OK CHANNEL <#channel> PRIVATE`.
    pub(super) fn channel_mode(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: &str,
        private: bool,
    ) -> Handled {
        let id = self.owned_channel(me, channel)?;
        let name = self.world.channels[&id].name.clone();
        self.world.channels.get_mut(&id).expect("checked").private = private;
        self.store(StoreJob::SetPrivate {
            channel: id,
            private,
        });
        let mode = if private { "PRIVATE" } else { "PUBLIC" };
        self.audit(Some(me), "CHANNEL", &name, mode);
        self.ok(conn, Verb::Channel, &[&name, mode]);
        Ok(())
    }

    /// # Format
    /// `REQUESTS <#channel>` (owner, operator, admin) → `REQUEST <#channel> <name> <time>` lines
    /// for the pending requests, then `OK REQUESTS <#channel> <count>`.
    pub(super) fn requests(&mut self, conn: ConnId, me: i64, channel: &str) -> Handled {
        let id = self.moderated_channel(me, channel)?;
        let c = &self.world.channels[&id];
        let mut pending: Vec<(i64, i64)> = c.requests.iter().map(|(a, t)| (*t, *a)).collect();
        pending.sort_unstable();
        let lines = pending
            .iter()
            .filter_map(|&(time_ms, a)| {
                let (channel, name) = (c.name.as_str(), self.world.name_of(a));
                self.data_line(
                    conn,
                    &Data::Request {
                        channel,
                        name,
                        time_ms,
                    },
                )
            })
            .collect();
        let (name, count) = (c.name.clone(), pending.len().to_string());
        self.reply(conn, lines, Verb::Requests, &[&name, &count]);
        Ok(())
    }

    /// # Format
    /// `ACCEPT <#channel> <name>` / `REJECT <#channel> <name>` (owner, operator, admin) →
    /// `OK ACCEPT <#channel> <name>`; the requester gets `ACCEPTED <#channel>` (and is a member)
    /// or `REJECTED <#channel>`. NO_SUCH_REQUEST if nothing is pending.
    pub(super) fn decide(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: &str,
        name: &str,
        accept: bool,
    ) -> Handled {
        let v = if accept { Verb::Accept } else { Verb::Reject };
        let verb = v.as_str();
        let id = self.moderated_channel(me, channel)?;
        let (who, who_name) = self.account_named(name)?;
        let c = self.world.channels.get_mut(&id).expect("checked");
        let chan = c.name.clone();
        if c.requests.remove(&who).is_none() {
            return Err(Fail::on(
                Code::NoSuchRequest,
                &who_name,
                "no pending request from them",
            ));
        }
        let status = if accept {
            RequestStatus::Accepted
        } else {
            RequestStatus::Rejected
        };
        let by = Some(self.world.name_of(me).to_owned());
        self.store(StoreJob::SetRequest {
            channel: id,
            account: who,
            status,
            at_ms: self.now.wall_ms,
            by,
        });
        if accept && self.world.join(who, id) {
            self.store(StoreJob::AddMember {
                account: who,
                channel: id,
                at_ms: self.now.wall_ms,
            });
            let line = self.rendered(&Event::Join {
                channel: &chan,
                name: &who_name,
            });
            let to: Vec<ConnId> = self
                .world
                .member_sessions(id)
                .filter(|s| self.sessions[s].account != Some(who))
                .collect();
            self.fan_out(to, &line, Some(conn));
        }
        let line = self.rendered(&Event::Decided {
            accepted: accept,
            channel: &chan,
        });
        let to = self.world.sessions_of(who).collect();
        self.fan_out(to, &line, None);
        self.audit(Some(me), verb, &who_name, &chan);
        self.ok(conn, v, &[&chan, &who_name]);
        Ok(())
    }
}
