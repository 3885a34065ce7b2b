//! Events as values: what happened, for the sessions it concerns. Each dialect renders an event
//! its own way (`render::event` for programs, `human::event` for people); the core renders an
//! event at most once per dialect present and shares the lines among the recipients.

use super::render::MessageView;

/// Something that happened, as the core tells it.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A channel message (`target` is the channel) or a private one (`target` is the recipient).
    Message(MessageView<'a>),
    Join {
        channel: &'a str,
        name: &'a str,
    },
    Part {
        channel: &'a str,
        name: &'a str,
        reason: Option<&'a str>,
    },
    Kick {
        channel: &'a str,
        name: &'a str,
        by: &'a str,
        reason: Option<&'a str>,
    },
    Online {
        name: &'a str,
    },
    Offline {
        name: &'a str,
        reason: Option<&'a str>,
    },
    Away {
        name: &'a str,
        text: Option<&'a str>,
    },
    Back {
        name: &'a str,
    },
    Renamed {
        old: &'a str,
        new: &'a str,
    },
    /// Someone asks to join a private channel (to its moderators).
    Request {
        channel: &'a str,
        name: &'a str,
    },
    /// A join request was decided (to the requester).
    Decided {
        accepted: bool,
        channel: &'a str,
    },
    /// The server checks that a silent session is still there.
    Ping {
        token: &'a str,
    },
}
