//! Messages and history: MSG, PRIVMSG, HISTORY.
//!
//! A message gets its id and time from the loop's counter (`next_message`), is delivered at
//! once and handed to the writer; acknowledged before its commit. A private message is kept whether or not its recipient is online; they read it with
//! `HISTORY <name>`. A channel's latest `limits.history_max` messages are kept in memory
//! (the ring that also serves JOIN's replay): a HISTORY they cover is answered at once, with the
//! HIST lines for programs rendered once and shared. Anything older, and private history, asks
//! the writer thread, which answers after everything queued before it; either way a client
//! always sees its own accepted messages.

use super::irc::Sent;
use super::state::Pending;
use super::{Core, Fail, Handled, render};
use crate::jobs::{ConnId, HistoryQuery, HistoryRow, MessageRow, MessageTarget, StoreJob};
use crate::proto::Verb;
use crate::proto::{Code, render::Line, render::MessageView};
use crate::proto::{Data, Event};
use std::ops::Range;
use std::rc::Rc;

impl Core {
    /// # Format
    /// `MSG <#channel> <text>` → `OK MSG <#channel> <id> <time>`; every member's sessions but
    /// the sender's get `MSG <#channel> <sender> <id> <time> :<text>`.
    pub(super) fn msg(
        &mut self,
        conn: ConnId,
        me: i64,
        channel: &str,
        text: String,
        sent: &Sent,
    ) -> Handled {
        let id = match self.member_channel(me, channel) {
            Ok(id) => id,
            // IRC's -n: a channel open to messages from outside
            Err(f) => self
                .world
                .channel_by_name(channel)
                .filter(|c| c.modes.external)
                .map(|c| c.id)
                .ok_or(f)?,
        };
        let (msg_id, time_ms) = self.next_message();
        let c = &self.world.channels[&id];
        let sender = self.world.name_of(me);
        let view = MessageView {
            id: msg_id,
            time_ms,
            sender,
            target: &c.name,
            text: &text,
        };
        let line = self.rendered_as(&Event::Message(view), sent);
        let ok = (!self.is_person(conn) && !self.is_irc(conn))
            .then(|| render::ok_sent("MSG", &c.name, msg_id, time_ms));
        self.fan_out_channel(id, &line, Some(conn));
        if me > 0 {
            let keep = self.settings.limits.history_max;
            self.world
                .remember(id, msg_id, time_ms, me, Rc::from(text.as_str()), keep);
        }
        let target = MessageTarget::Channel(id);
        self.store(StoreJob::InsertMessage(MessageRow {
            id: msg_id,
            time_ms,
            sender: me,
            target,
            text,
        }));
        self.echo(conn, &line);
        if let Some(ok) = ok {
            self.send(conn, ok);
        }
        Ok(())
    }

    /// A new message id and time stamp.
    pub(super) fn next_message(&mut self) -> (u64, i64) {
        let id = self.next_message_id;
        self.next_message_id += 1;
        (id, self.now.wall_ms)
    }

    /// # Format
    /// `PRIVMSG <name> <text>` → `OK PRIVMSG <name> <id> <time>`; the recipient's sessions and
    /// the sender's other sessions get `PRIVMSG <sender> <recipient> <id> <time> :<text>`.
    pub(super) fn privmsg(
        &mut self,
        conn: ConnId,
        me: i64,
        target: &str,
        text: String,
        sent: &Sent,
    ) -> Handled {
        let Some(to) = self.world.account_by_name(target).map(|a| a.id) else {
            return Err(Fail::on(Code::NoSuchUser, target, "no such user"));
        };
        let (id, time_ms) = self.next_message();
        let (sender, recipient) = (self.world.name_of(me), self.world.name_of(to));
        let view = MessageView {
            id,
            time_ms,
            sender,
            target: recipient,
            text: &text,
        };
        let line = self.rendered_as(&Event::Message(view), sent);
        let recipient = recipient.to_owned();
        let mut sessions: Vec<ConnId> = self.world.sessions_of(to).collect();
        if to != me {
            sessions.extend(self.world.sessions_of(me));
        }
        self.fan_out(sessions, &line, Some(conn));
        if to == me {
            self.irc_to_self(conn, &line);
        }
        let row = MessageRow {
            id,
            time_ms,
            sender: me,
            target: MessageTarget::Account(to),
            text,
        };
        self.store(StoreJob::InsertMessage(row));
        self.echo(conn, &line);
        if !self.is_person(conn) && !self.is_irc(conn) {
            self.send(conn, render::ok_sent("PRIVMSG", &recipient, id, time_ms));
        }
        Ok(())
    }

    /// # Format
    /// `HISTORY <#channel or name> [limit] [before-id]` → `HIST` lines oldest first, then
    /// `OK HISTORY <target> <count>`. The limit is capped at `limits.history_max`.
    pub(super) fn history(
        &mut self,
        conn: ConnId,
        me: i64,
        target: String,
        limit: Option<usize>,
        before: Option<u64>,
    ) -> Handled {
        self.history_page(conn, me, target, limit, (before, None))
    }

    /// HISTORY's page of `target`: before `before`, or (`after` set) the first after `after`.
    pub(super) fn history_page(
        &mut self,
        conn: ConnId,
        me: i64,
        target: String,
        limit: Option<usize>,
        (before, after): (Option<u64>, Option<u64>),
    ) -> Handled {
        let (target, shown) = if target.starts_with('#') {
            let id = self.member_channel(me, &target)?;
            (
                MessageTarget::Channel(id),
                self.world.channels[&id].name.clone(),
            )
        } else {
            let Some(a) = self.world.account_by_name(&target) else {
                return Err(Fail::on(Code::NoSuchUser, &target, "no such user"));
            };
            (MessageTarget::Account(a.id), a.name.clone())
        };
        let limits = &self.settings.limits;
        let limit = limit
            .unwrap_or(limits.history_default)
            .min(limits.history_max);
        if let MessageTarget::Channel(id) = target
            && after.is_none()
            && let Some(range) = self.recent_range(id, before, limit)
        {
            self.recent_history(conn, id, range, &shown);
            return Ok(());
        }
        self.start_pending(conn, Pending::History { target: shown });
        self.store(StoreJob::History {
            conn,
            query: HistoryQuery {
                target,
                me,
                before,
                after,
                limit,
            },
        });
        Ok(())
    }

    pub(super) fn history_done(&mut self, conn: ConnId, rows: Option<Vec<HistoryRow>>) {
        let Some(Pending::History { target }) = self.finish_pending(conn) else {
            return;
        };
        let Some(rows) = rows else {
            let text = "history is unavailable; try again";
            return self.fail_on(conn, "HISTORY", Code::Unavailable, &target, text);
        };
        self.history_rows(conn, &target, &rows);
    }

    /// Where in a channel's in-memory ring a HISTORY's answer lies: the `limit` latest
    /// messages before `before`, if the ring holds them all (or the channel has no older ones).
    fn recent_range(&self, id: i64, before: Option<u64>, limit: usize) -> Option<Range<usize>> {
        let c = self.world.channels.get(&id)?;
        let upto = c
            .recent
            .partition_point(|m| before.is_none_or(|b| m.id < b));
        if upto < limit && !c.recent_complete {
            return None;
        }
        Some(upto.saturating_sub(limit)..upto)
    }

    /// HISTORY from the ring: programs get the shared rendered lines, the other dialects rows.
    fn recent_history(&mut self, conn: ConnId, id: i64, range: Range<usize>, shown: &str) {
        let c = &self.world.channels[&id];
        if self.is_person(conn) || self.is_irc(conn) {
            let rows: Vec<HistoryRow> = c.recent.range(range).map(|m| m.row(id)).collect();
            return self.history_rows(conn, shown, &rows);
        }
        let lines: Vec<Line> = c
            .recent
            .range(range)
            .map(|m| {
                let line = m.hist.get_or_init(|| {
                    let view = MessageView {
                        id: m.id,
                        time_ms: m.time_ms,
                        sender: self.world.name_of(m.sender),
                        target: &c.name,
                        text: &m.text,
                    };
                    render::data(&Data::Hist(view))
                });
                line.clone()
            })
            .collect();
        let count = lines.len().to_string();
        self.reply(conn, lines, Verb::History, &[shown, &count]);
    }

    /// HISTORY's answer: the rows in the session's dialect, then `OK HISTORY`.
    fn history_rows(&mut self, conn: ConnId, target: &str, rows: &[HistoryRow]) {
        if self.is_irc(conn) {
            return self.irc_history(conn, target, rows);
        }
        if !self.is_person(conn) {
            let page = (!rows.is_empty())
                .then(|| render::hist_page(rows.iter().map(|r| self.hist_view(r))));
            let count = rows.len().to_string();
            return self.reply(
                conn,
                page.into_iter().collect(),
                Verb::History,
                &[target, &count],
            );
        }
        let lines: Vec<Line> = rows
            .iter()
            .filter_map(|r| self.hist_line(conn, r))
            .collect();
        let count = lines.len().to_string();
        self.reply(conn, lines, Verb::History, &[target, &count]);
    }

    fn hist_line(&self, conn: ConnId, r: &HistoryRow) -> Option<Line> {
        self.data_line(conn, &Data::Hist(self.hist_view(r)))
    }

    /// A stored row as a message, under the current names of its sender and target.
    fn hist_view<'a>(&'a self, r: &'a HistoryRow) -> MessageView<'a> {
        let channel = r.channel.map(|c| {
            self.world
                .channels
                .get(&c)
                .map_or("#?", |c| c.name.as_str())
        });
        let recipient = r.recipient.map(|a| self.world.name_of(a));
        MessageView {
            id: r.id,
            time_ms: r.time_ms,
            sender: self.world.name_of(r.sender),
            target: channel.or(recipient).unwrap_or("?"),
            text: &r.text,
        }
    }
}
