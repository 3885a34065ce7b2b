//! Messages on IRC: PRIVMSG, NOTICE and TAGMSG (over the native MSG and PRIVMSG, so they are
//! stored and reach native users), CHATHISTORY (over HISTORY), RENAME.
//!
//! Text keeps IRC formatting for IRC clients (the other dialects strip it when they render);
//! `\x01ACTION x\x01` is kept as `* nick x`, what chat mode's `/me` writes. NOTICE is stored
//! and reaches native sessions as a message like any other. NOTICE never gets an error back.

use super::{Sent, cap};
use crate::core::{Core, Output};
use crate::jobs::{ConnId, HistoryRow};
use crate::proto::irc::{self, Message, Out};
use crate::proto::parse::forbidden_in_text;
use crate::proto::render::Line;

/// A formatting code IRC text may carry.
fn is_irc_format(c: char) -> bool {
    matches!(
        c,
        '\x01' | '\x02' | '\x03' | '\x0f' | '\x16' | '\x1d' | '\x1e' | '\x1f'
    )
}

impl Core {
    /// `PRIVMSG|NOTICE|TAGMSG <target> [:text]`.
    pub(super) fn irc_message(&mut self, conn: ConnId, m: &Message) {
        let notice = m.verb == "NOTICE";
        let Some(me) = self.account_of(conn) else {
            return;
        };
        let Some(&target) = m.params.first().filter(|t| !t.is_empty()) else {
            if !notice {
                let text = format!("No recipient given ({})", m.verb);
                let line = self.num(conn, 411).text(&text).line();
                self.irc_send(conn, line);
            }
            return;
        };
        let target = target.split(',').next().unwrap_or(target);
        let client_tags = m.tags.and_then(irc::client_tags);
        if m.verb == "TAGMSG" {
            return self.tagmsg(conn, target, client_tags);
        }
        let text = m.params.get(1).copied().unwrap_or("");
        if text.is_empty() {
            if !notice {
                let line = self.num(conn, 412).text("No text to send").line();
                self.irc_send(conn, line);
            }
            return;
        }
        if text
            .chars()
            .any(|c| forbidden_in_text(c) && !is_irc_format(c))
        {
            if !notice {
                let o = self.server_line("FAIL").arg(&m.verb).arg("BAD_TEXT");
                let line = o.text("text may not carry control or direction characters");
                self.irc_send(conn, line.line());
            }
            return;
        }
        let nick = self.world.name_of(me).to_owned();
        let text = irc::action_to_text(&nick, text).unwrap_or_else(|| text.to_owned());
        let sent = Sent {
            notice,
            client_tags,
        };
        let refusal = match target.starts_with('#') {
            true => self.send_to_channel(conn, me, target, text, &sent),
            false => self.send_to_user(conn, me, target, text, &sent),
        };
        if let Some((n, text)) = refusal.filter(|_| !notice) {
            self.irc_num(conn, n, target, text);
        }
    }

    fn send_to_channel(
        &mut self,
        conn: ConnId,
        me: i64,
        target: &str,
        text: String,
        sent: &Sent,
    ) -> Option<(u16, &'static str)> {
        let Some(c) = self.world.channel_by_name(target) else {
            return Some((403, "No such channel"));
        };
        let (id, member) = (c.id, c.members.contains(&me));
        let muted = c.modes.moderated && self.prefix(conn, me, id).is_empty();
        if (!member && !c.modes.external) || muted {
            return Some((404, "Cannot send to channel"));
        }
        self.msg(conn, me, target, text, sent)
            .err()
            .map(|_| (404, "Cannot send to channel"))
    }

    fn send_to_user(
        &mut self,
        conn: ConnId,
        me: i64,
        target: &str,
        text: String,
        sent: &Sent,
    ) -> Option<(u16, &'static str)> {
        let away = match self.world.account_by_name(target) {
            None => return Some((401, "No such nick/channel")),
            Some(a) => a
                .away
                .as_ref()
                .map(|w| w.text.clone().unwrap_or_else(|| "away".into())),
        };
        if let Err(f) = self.privmsg(conn, me, target, text, sent) {
            self.irc_failed(conn, "PRIVMSG", f);
            return None;
        }
        if let Some(away) = away.filter(|_| !sent.notice) {
            let name = self.world.account_by_name(target).map(|a| a.name.clone());
            self.irc_num(conn, 301, &name.unwrap_or_default(), &away);
        }
        None
    }

    /// `TAGMSG`: client tags only, to IRC sessions with message-tags; not stored.
    fn tagmsg(&mut self, conn: ConnId, target: &str, tags: Option<String>) {
        let Some(me) = self.account_of(conn) else {
            return;
        };
        let to: Vec<ConnId> = match self.world.channel_by_name(target) {
            Some(c) if c.members.contains(&me) => self.world.member_sessions(c.id).collect(),
            Some(_) => return self.irc_num(conn, 404, target, "Cannot send to channel"),
            None if target.starts_with('#') => {
                return self.irc_num(conn, 403, target, "No such channel");
            }
            None => match self.world.account_by_name(target) {
                Some(a) => a.sessions.clone(),
                None => return self.irc_num(conn, 401, target, "No such nick/channel"),
            },
        };
        let (msg_id, _) = self.next_message();
        let mask = self.mask_of(self.world.name_of(me));
        let body = Out::new(Some(&mask), "TAGMSG").arg(target).line();
        let tags = tags.map_or(String::new(), |t| format!(";{t}"));
        let line = Line::from(format!("@msgid={msg_id}{tags} {body}"));
        for s in to {
            if self.has_cap(s, cap::MESSAGE_TAGS) && s != conn {
                self.out.push_back(Output::Send(s, line.clone()));
            }
        }
        if self.irc_echoes(conn) {
            self.out.push_back(Output::Send(conn, line.clone()));
        }
        let to_self = self.world.account_by_name(target).map(|a| a.id) == Some(me);
        if to_self && let Some(s) = self.irc_state_mut(conn) {
            s.aside.push(line);
        }
    }

    /// `RENAME <new>`: the account's new name (the native RENAME).
    pub(super) fn irc_rename(&mut self, conn: ConnId, p: &[&str]) {
        let (Some(&new), Some(me)) = (p.first(), self.account_of(conn)) else {
            return self.need_more(conn, "RENAME");
        };
        if me < 0 {
            return self.irc_nick(conn, p);
        }
        if let Err(f) = self.rename(conn, me, new) {
            self.irc_failed(conn, "RENAME", f);
        }
    }

    /// `CHATHISTORY LATEST <target> * <limit>`, `BEFORE|AFTER <target> msgid=<id> <limit>`,
    /// `BETWEEN <target> msgid=<a> msgid=<b> <limit>` (the first after the older of the two).
    pub(super) fn irc_chathistory(&mut self, conn: ConnId, p: &[&str]) {
        let Some(me) = self.account_of(conn) else {
            return;
        };
        let [sub, target, first, rest @ ..] = p else {
            return self.need_more(conn, "CHATHISTORY");
        };
        let sub = sub.to_ascii_uppercase();
        let msgid = |r: &str| r.strip_prefix("msgid=").and_then(|i| i.parse::<u64>().ok());
        let page = match (sub.as_str(), *first, rest) {
            ("LATEST", "*", [limit, ..]) => Some(((None, None), *limit)),
            ("BEFORE", r, [limit, ..]) => msgid(r).map(|id| ((Some(id), None), *limit)),
            ("AFTER", r, [limit, ..]) => msgid(r).map(|id| ((None, Some(id)), *limit)),
            ("BETWEEN", a, [b, limit, ..]) => msgid(a).zip(msgid(b)).map(|(a, b)| {
                let (lo, hi) = (a.min(b), a.max(b));
                ((Some(hi), Some(lo)), *limit)
            }),
            _ => None,
        };
        let Some((page, limit)) = page else {
            let text = "supported: LATEST *, BEFORE, AFTER and BETWEEN with msgid= references";
            return self.chathistory_fail(conn, &sub, target, "INVALID_PARAMS", text);
        };
        let limit = limit.parse().ok();
        if self
            .history_page(conn, me, (*target).to_owned(), limit, page)
            .is_err()
        {
            let text = "no such target, or you are not in it";
            self.chathistory_fail(conn, &sub, target, "INVALID_TARGET", text);
        }
    }

    /// `FAIL CHATHISTORY <code> <subcommand> <target> :<text>`.
    fn chathistory_fail(&mut self, conn: ConnId, sub: &str, target: &str, code: &str, text: &str) {
        let o = self
            .server_line("FAIL")
            .arg("CHATHISTORY")
            .arg(code)
            .arg(sub);
        let line = o.arg(target).text(text).line();
        self.irc_send(conn, line);
    }

    /// HISTORY's rows for an IRC session: a `chathistory` batch.
    pub(in crate::core) fn irc_history(&mut self, conn: ConnId, target: &str, rows: &[HistoryRow]) {
        let batch = format!("H{}", self.now.mono_ms);
        let open = Out::new(Some(self.server_name()), "BATCH");
        let open = open
            .arg(&format!("+{batch}"))
            .arg("chathistory")
            .arg(target)
            .line();
        self.irc_send(conn, open);
        for r in rows {
            let sender = self.world.name_of(r.sender).to_owned();
            let body = Out::new(Some(&self.mask_of(&sender)), "PRIVMSG").arg(target);
            let body = body.text(&irc::text_to_action(&sender, &r.text)).line();
            let mut tags = format!("batch={batch};msgid={};time=", r.id);
            crate::time::push_rfc3339(&mut tags, r.time_ms);
            let line = format!("@{tags} {body}");
            self.out.push_back(Output::Data(conn, Line::from(line)));
        }
        let close = Out::new(Some(self.server_name()), "BATCH");
        let close = close.arg(&format!("-{batch}")).line();
        self.irc_send(conn, close);
    }

    /// `[irc] replay_on_join`: the channel's latest messages as a `chathistory` batch, to a
    /// client that negotiated batch and server-time (others count lines and get none).
    pub(in crate::core) fn replay_on_join(&mut self, conn: ConnId, id: i64) {
        let want = self.settings.irc.replay_on_join;
        if want == 0 || !self.has_cap(conn, cap::BATCH) || !self.has_cap(conn, cap::SERVER_TIME) {
            return;
        }
        let c = &self.world.channels[&id];
        let want = want.min(self.settings.limits.history_default);
        let skip = c.recent.len().saturating_sub(want);
        let rows: Vec<HistoryRow> = c.recent.iter().skip(skip).map(|m| m.row(id)).collect();
        let name = c.name.clone();
        self.irc_history(conn, &name, &rows);
    }
}
