//! How events read on IRC: `event` turns a core `Event` into the line IRC clients get (without
//! tags, which depend on each recipient's capabilities) and says to whom it goes. Sources are
//! `nick!user@host` masks the caller looks up (`source`).

use super::{Out, text_to_action};
use crate::proto::Event;

/// Which IRC sessions among the event's recipients get it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every recipient the core chose.
    All,
    /// Only those sharing a channel with `name` (QUIT).
    Sharing,
    /// Only those sharing a channel, with `away-notify`.
    AwayNotify,
    /// `JOIN` of `name` to each channel shared with the recipient (an account came online).
    Joins,
    /// Nothing on IRC.
    None,
}

/// An event in IRC form.
#[derive(Debug, Clone)]
pub struct IrcEvent {
    /// The line, CRLF included, without tags (empty for `Scope::Joins` and `Scope::None`).
    pub line: String,
    pub scope: Scope,
    /// The name whose mask is the source (for `Joins` and `Sharing`).
    pub subject: String,
    /// A message's id and time (`msgid`, `time` tags).
    pub message: Option<(u64, i64)>,
}

/// The IRC form of an event; `source` gives the `nick!user@host` of a name, `notice` makes a
/// message a NOTICE.
pub fn event(e: &Event, source: &dyn Fn(&str) -> String, notice: bool) -> IrcEvent {
    let (line, scope, subject) = match *e {
        Event::Message(m) => {
            let verb = if notice { "NOTICE" } else { "PRIVMSG" };
            let text = text_to_action(m.sender, m.text);
            let line = Out::new(Some(&source(m.sender)), verb)
                .arg(m.target)
                .text(&text)
                .line();
            return IrcEvent {
                line,
                scope: Scope::All,
                subject: m.sender.to_owned(),
                message: Some((m.id, m.time_ms)),
            };
        }
        Event::Join { channel, name } => (
            Out::new(Some(&source(name)), "JOIN").arg(channel).line(),
            Scope::All,
            name,
        ),
        Event::Part {
            channel,
            name,
            reason,
        } => {
            let o = Out::new(Some(&source(name)), "PART").arg(channel);
            let o = match reason {
                Some(r) => o.text(r),
                None => o,
            };
            (o.line(), Scope::All, name)
        }
        Event::Kick {
            channel,
            name,
            by,
            reason,
        } => (
            Out::new(Some(&source(by)), "KICK")
                .arg(channel)
                .arg(name)
                .text(reason.unwrap_or(by))
                .line(),
            Scope::All,
            by,
        ),
        Event::Online { name } => (String::new(), Scope::Joins, name),
        Event::Offline { name, reason } => (
            Out::new(Some(&source(name)), "QUIT")
                .text(reason.unwrap_or("Quit"))
                .line(),
            Scope::Sharing,
            name,
        ),
        Event::Away { name, text } => (
            Out::new(Some(&source(name)), "AWAY")
                .text(text.unwrap_or("away"))
                .line(),
            Scope::AwayNotify,
            name,
        ),
        Event::Back { name } => (
            Out::new(Some(&source(name)), "AWAY").line(),
            Scope::AwayNotify,
            name,
        ),
        Event::Renamed { old, new } => (
            Out::new(Some(&source(old)), "NICK").last(new).line(),
            Scope::All,
            new,
        ),
        Event::Request { channel, name } => (
            Out::new(None, "NOTICE")
                .arg(channel)
                .text(&format!(
                    "{name} asks to join {channel} (INVITE {name} {channel} to let them in)"
                ))
                .line(),
            Scope::All,
            name,
        ),
        Event::Decided { accepted, channel } => {
            let text = if accepted {
                format!("your request to join {channel} was accepted: JOIN {channel}")
            } else {
                format!("your request to join {channel} was rejected")
            };
            (
                Out::new(None, "NOTICE").arg("*").text(&text).line(),
                Scope::All,
                "",
            )
        }
        Event::Topic { channel, by, text } => (
            Out::new(Some(&source(by)), "TOPIC")
                .arg(channel)
                .text(text)
                .line(),
            Scope::All,
            by,
        ),
        Event::Ping { token } => (Out::new(None, "PING").text(token).line(), Scope::All, ""),
    };
    IrcEvent {
        line,
        scope,
        subject: subject.to_owned(),
        message: None,
    }
}
