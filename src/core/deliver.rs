//! Delivering events: an event is rendered at most once per dialect present (`rendered`:
//! for programs always, for people while someone is in chat mode, for IRC while someone speaks
//! it) and the lines are shared by its recipients (`deliver`, `fan_out`, `fan_out_channel`,
//! the path of every message). Who sees their own act (`others`, `echo`) is decided here too.

use super::idmap::IdSet;
use super::{Core, Output, Rendered, irc, person_line};
use crate::jobs::ConnId;
use crate::proto::render::Line;
use crate::proto::{Event, human, render};

impl Core {
    /// Whom an act's event skips: the session that did it gets the OK instead, but an IRC
    /// client sees its own JOIN, PART, KICK, TOPIC and NICK as the others do.
    pub(super) fn others(&self, conn: ConnId) -> Option<ConnId> {
        (!self.is_irc(conn)).then_some(conn)
    }

    /// The sender sees their own message as the others do when they are a person, or an IRC
    /// client with `echo-message` (a program gets the OK).
    pub(super) fn echo(&mut self, conn: ConnId, event: &Rendered) {
        if self.chat.contains(&conn) || self.irc_echoes(conn) {
            self.deliver(conn, event);
        }
    }

    /// An event rendered once for each dialect present: for programs always, for people only
    /// while someone is in chat mode, for IRC while someone speaks it.
    pub(super) fn rendered(&self, event: &Event) -> Rendered {
        self.rendered_as(event, &irc::Sent::default())
    }

    /// `rendered`, for a message sent from IRC with its NOTICE flag and client tags.
    pub(super) fn rendered_as(&self, event: &Event, sent: &irc::Sent) -> Rendered {
        let people = if self.chat.is_empty() {
            None
        } else {
            human::event(event).map(person_line)
        };
        let irc = (!self.irc_conns.is_empty()).then(|| self.irc_rendered(event, sent));
        Rendered {
            proto: render::event(event),
            people,
            irc,
        }
    }

    /// Sends an event to one session.
    pub(super) fn send_event(&mut self, conn: ConnId, event: &Event) {
        let rendered = self.rendered(event);
        self.deliver(conn, &rendered);
    }

    /// Queues a rendered event for one session, in its dialect.
    pub(super) fn deliver(&mut self, conn: ConnId, event: &Rendered) {
        if self.is_irc(conn) {
            return self.irc_deliver(conn, event);
        }
        if let Some(line) = native_line(&self.chat, conn, event) {
            self.out.push_back(Output::Send(conn, line.clone()));
        }
    }

    /// Sends an event to each connection in `to` but `except`.
    pub(super) fn fan_out(&mut self, to: Vec<ConnId>, event: &Rendered, except: Option<ConnId>) {
        for c in to.into_iter().filter(|c| Some(*c) != except) {
            self.deliver(c, event);
        }
    }

    /// Sends an event to every session of the channel's members but `except`, without building
    /// a list first (the delivery path of every message).
    pub(super) fn fan_out_channel(
        &mut self,
        channel: i64,
        event: &Rendered,
        except: Option<ConnId>,
    ) {
        let members = self.world.channels.get(&channel).map(|c| &c.members);
        let mut irc = Vec::new();
        for m in members.into_iter().flatten() {
            let Some(a) = self.world.accounts.get(m) else {
                continue;
            };
            for &s in a.sessions.iter().filter(|s| Some(**s) != except) {
                if !self.irc_conns.is_empty() && self.irc_conns.contains(&s) {
                    irc.push(s);
                    continue;
                }
                if let Some(line) = native_line(&self.chat, s, event) {
                    self.out.push_back(Output::Send(s, line.clone()));
                }
            }
        }
        for s in irc {
            self.irc_deliver(s, event);
        }
    }
}

/// The line a program or a person (in `chat`) gets for an event; `None` when a person need
/// not see it.
fn native_line<'a>(chat: &IdSet<ConnId>, conn: ConnId, event: &'a Rendered) -> Option<&'a Line> {
    if chat.is_empty() || !chat.contains(&conn) {
        Some(&event.proto)
    } else {
        event.people.as_ref()
    }
}
