//! The core's values in IRC form: events for each IRC recipient (with the tags its
//! capabilities ask for), final replies by verb (`irc_ok`), failures as numerics
//! (`irc_fail`), data lines (`irc_data`), `ERROR` on close, and labeled-response.

use super::cap;
use crate::core::{Core, Output, Rendered};
use crate::jobs::ConnId;
use crate::proto::irc::{self, Out, render::IrcEvent, render::Scope};
use crate::proto::render::Line;
use crate::proto::{Code, Data, Event, Verb};

/// An event rendered for IRC once, shared by its IRC recipients.
#[derive(Debug)]
pub struct IrcRendered {
    pub ev: IrcEvent,
    /// The line without tags, for recipients that asked for none.
    pub line: Line,
    /// A message (its sender has an `account-tag`, unless a guest).
    pub message: bool,
    pub client_tags: Option<String>,
}

impl Core {
    /// The `nick!user@host` of a name: the account's user field and its last address.
    pub(in crate::core) fn mask_of(&self, name: &str) -> String {
        match self.world.account_by_name(name) {
            Some(a) => {
                let host = a
                    .last_ip
                    .map_or_else(|| "chatd".to_owned(), |ip| ip.to_string());
                irc::mask(&a.name, a.user(), &host)
            }
            None => irc::mask(name, name, "chatd"),
        }
    }

    pub(in crate::core) fn irc_rendered(&self, event: &Event, sent: &super::Sent) -> IrcRendered {
        let source = |name: &str| self.mask_of(name);
        let mut ev = irc::render::event(event, &source, sent.notice);
        IrcRendered {
            line: Line::from(std::mem::take(&mut ev.line)),
            ev,
            message: matches!(event, Event::Message(_)),
            client_tags: sent.client_tags.clone(),
        }
    }

    /// True if the account named `name` has an IRC session in bot mode (`+B`).
    fn is_bot(&self, name: &str) -> bool {
        let sessions = self
            .world
            .account_by_name(name)
            .map(|a| a.sessions.as_slice());
        sessions
            .unwrap_or_default()
            .iter()
            .any(|s| self.irc_state(*s).is_some_and(|st| st.bot))
    }

    /// True if the IRC session wants its own messages back.
    pub(in crate::core) fn irc_echoes(&self, conn: ConnId) -> bool {
        self.has_cap(conn, cap::ECHO_MESSAGE)
    }

    /// True if the session's account shares a channel with the account named `name`.
    fn shares_channel(&self, conn: ConnId, name: &str) -> bool {
        let (Some(me), Some(other)) = (
            self.account_of(conn)
                .and_then(|a| self.world.accounts.get(&a)),
            self.world.account_by_name(name),
        ) else {
            return false;
        };
        me.channels.iter().any(|c| other.channels.contains(c))
    }

    /// Queues an event for one IRC session, if it concerns it, with its tags.
    pub(in crate::core) fn irc_deliver(&mut self, conn: ConnId, event: &Rendered) {
        if let Some(line) = self.irc_line_for(conn, event) {
            self.out.push_back(Output::Send(conn, line));
        }
    }

    /// An IRC client that messaged itself gets it as its recipient too, after the reply.
    pub(in crate::core) fn irc_to_self(&mut self, conn: ConnId, event: &Rendered) {
        if let Some(line) = self.irc_line_for(conn, event)
            && let Some(s) = self.irc_state_mut(conn)
        {
            s.aside.push(line);
        }
    }

    /// The line an event is for this IRC session, if it concerns it.
    fn irc_line_for(&mut self, conn: ConnId, event: &Rendered) -> Option<Line> {
        let r = event.irc.as_ref()?;
        let wanted = match r.ev.scope {
            Scope::All => true,
            Scope::None => false,
            Scope::Sharing => self.shares_channel(conn, &r.ev.subject),
            Scope::AwayNotify => {
                self.has_cap(conn, cap::AWAY_NOTIFY) && self.shares_channel(conn, &r.ev.subject)
            }
            Scope::Joins => {
                self.joins_of(conn, &r.ev.subject);
                return None;
            }
        };
        if !wanted {
            return None;
        }
        Some(match self.tags_for(conn, r) {
            None => r.line.clone(),
            Some(tags) => Line::from(format!("@{tags} {}", r.line)),
        })
    }

    /// An account came online: a JOIN for each channel it shares with the session.
    fn joins_of(&mut self, conn: ConnId, name: &str) {
        let (Some(me), Some(other)) = (
            self.account_of(conn)
                .and_then(|a| self.world.accounts.get(&a)),
            self.world.account_by_name(name),
        ) else {
            return;
        };
        let mut chans: Vec<&str> = me
            .channels
            .iter()
            .filter(|c| other.channels.contains(c))
            .filter_map(|c| self.world.channels.get(c).map(|c| c.name.as_str()))
            .collect();
        chans.sort_unstable();
        let mask = self.mask_of(name);
        let lines: Vec<String> = chans
            .iter()
            .map(|c| Out::new(Some(&mask), "JOIN").arg(c).line())
            .collect();
        for line in lines {
            self.irc_send(conn, line);
        }
    }

    /// The tags an event carries for this recipient, if any.
    fn tags_for(&self, conn: ConnId, r: &IrcRendered) -> Option<String> {
        let caps = self.irc_state(conn).map_or(0, |s| s.caps);
        let mut t = String::new();
        if caps & cap::SERVER_TIME != 0 {
            t.push_str("time=");
            let at = r.ev.message.map_or(self.now.wall_ms, |(_, at)| at);
            crate::time::push_rfc3339(&mut t, at);
        }
        if caps & cap::MESSAGE_TAGS != 0 {
            if let Some((id, _)) = r.ev.message {
                sep(&mut t);
                t.push_str(&format!("msgid={id}"));
            }
            if let Some(c) = &r.client_tags {
                sep(&mut t);
                t.push_str(c);
            }
            if r.message && self.is_bot(&r.ev.subject) {
                sep(&mut t);
                t.push_str("bot");
            }
        }
        let account = (r.message && caps & cap::ACCOUNT_TAG != 0)
            .then(|| self.world.account_by_name(&r.ev.subject))
            .flatten()
            .filter(|a| a.id > 0);
        if let Some(a) = account {
            sep(&mut t);
            t.push_str("account=");
            t.push_str(&a.name);
        }
        (!t.is_empty()).then_some(t)
    }

    /// A command's final reply on IRC: most acts answer with their own event (JOIN, PART,
    /// KICK, TOPIC, NICK), so only some verbs say more.
    pub(in crate::core) fn irc_ok(&mut self, conn: ConnId, verb: Verb, details: &[&str]) {
        match (verb, details) {
            (Verb::Join, [channel]) => {
                if let Some(id) = self.world.channel_by_name(channel).map(|c| c.id) {
                    self.irc_topic_lines(conn, id, false);
                    self.irc_names(conn, id);
                    self.replay_on_join(conn, id);
                }
            }
            (Verb::Join, [channel, "PENDING"]) => {
                let line = self.num(conn, 711).arg(channel);
                let line = line.text("Your KNOCK has been delivered.").line();
                self.irc_send(conn, line);
            }
            (Verb::Topic, [channel, "NONE"]) => {
                let line = self.num(conn, 331).arg(channel);
                let line = line.text("No topic is set").line();
                self.irc_send(conn, line);
            }
            (Verb::Away, _) => {
                let line = self.num(conn, 306);
                let line = line.text("You have been marked as being away").line();
                self.irc_send(conn, line);
            }
            (Verb::Back, _) => {
                let line = self.num(conn, 305);
                let line = line.text("You are no longer marked as being away").line();
                self.irc_send(conn, line);
            }
            (Verb::Login, [name]) => self.sasl_success(conn, name),
            _ => {}
        }
    }

    /// A failure on IRC: the numeric a client expects for it, else an IRCv3 standard reply.
    pub(in crate::core) fn irc_fail(
        &mut self,
        conn: ConnId,
        verb: &str,
        code: Code,
        context: &[&str],
        text: &str,
    ) {
        let ctx = context.first().copied().unwrap_or("*");
        let (n, words): (u16, &str) = match code {
            _ if verb == "LOGIN" => return self.sasl_failed(conn, text),
            _ if verb == "RENAME" && code == Code::NameTaken => (433, "Nickname is already in use"),
            Code::NoSuchChannel | Code::BadChannel => (403, "No such channel"),
            Code::NotInChannel if verb == "KICK" => (441, "They aren't on that channel"),
            Code::NotInChannel => (442, "You're not on that channel"),
            Code::NotAllowed => (482, "You're not channel operator"),
            Code::NoSuchUser => (401, "No such nick/channel"),
            Code::Banned => (474, "Cannot join channel (+b)"),
            Code::TooManyChannels => (405, "You have joined too many channels"),
            Code::NotLoggedIn => (451, "You have not registered"),
            Code::BadName => (432, "Erroneous nickname"),
            Code::NameTaken => (433, "Nickname is already in use"),
            Code::NeedMoreParams => {
                return self.need_more(conn, verb);
            }
            _ => {
                let mut o = self.server_line("FAIL").arg(verb).arg(code.as_str());
                for c in context {
                    o = o.arg(c);
                }
                let line = o.text(text).line();
                return self.irc_send(conn, line);
            }
        };
        let line = self.num(conn, n).arg(ctx).text(words).line();
        self.irc_send(conn, line);
    }

    /// A data line on IRC: a topic as 332 and 333; the others are sent by IRC's own commands.
    pub(in crate::core) fn irc_data(&self, conn: ConnId, data: &Data) -> Option<Line> {
        match *data {
            Data::Topic {
                channel,
                by,
                time_ms,
                text,
            } => {
                let a = self.num(conn, 332).arg(channel).text(text).line();
                let secs = (time_ms / 1000).to_string();
                let b = self.num(conn, 333).arg(channel).arg(by).arg(&secs).line();
                Some(Line::from(format!("{a}{b}")))
            }
            _ => None,
        }
    }

    /// `ERROR :Closing Link: <host> (<reason>)`, before the server closes.
    pub(in crate::core) fn irc_error(&mut self, conn: ConnId, reason: &str) {
        let host = self.sessions.get(&conn).map(|s| s.ip.to_string());
        let text = format!("Closing Link: {} ({reason})", host.unwrap_or_default());
        let line = Out::new(None, "ERROR").text(&text).line();
        self.irc_send(conn, line);
    }
}

fn sep(t: &mut String) {
    if !t.is_empty() {
        t.push(';');
    }
}
