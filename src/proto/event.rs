//! Events and data lines as values: what happened, for the sessions it concerns (`Event`), and
//! what a reply lists (`Data`). Each dialect renders them its own way (`render::event` and
//! `render::data` for programs, `human::event` and `human::data` for people); the core renders
//! an event at most once per dialect present and shares the lines among the recipients.

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
    /// A channel's topic was set (`text` empty: cleared).
    Topic {
        channel: &'a str,
        by: &'a str,
        text: &'a str,
    },
    /// The server checks that a silent session is still there.
    Ping {
        token: &'a str,
    },
}

/// A data line of a reply: what comes before its final `OK`.
#[derive(Debug, Clone, Copy)]
pub enum Data<'a> {
    /// A stored message (HISTORY, JOIN's replay).
    Hist(MessageView<'a>),
    /// A channel member and their presence (NAMES).
    Name {
        channel: &'a str,
        name: &'a str,
        status: &'a str,
    },
    /// A user online (WHO).
    User { name: &'a str, status: &'a str },
    /// An account and its presence (USERS).
    Account { name: &'a str, status: &'a str },
    /// A channel and its member count (LIST).
    Channel { name: &'a str, members: usize },
    /// A line of the manual (HELP).
    Help { line: &'a str },
    /// A ban (BANS).
    Banned {
        target: &'a str,
        by: &'a str,
        expires_ms: Option<i64>,
        reason: &'a str,
    },
    /// A channel's topic, who set it and when (TOPIC).
    Topic {
        channel: &'a str,
        by: &'a str,
        time_ms: i64,
        text: &'a str,
    },
    /// A pending join request (REQUESTS).
    Request {
        channel: &'a str,
        name: &'a str,
        time_ms: i64,
    },
    /// What an admin learns of an account (WHOIS).
    Whois {
        name: &'a str,
        status: &'a str,
        /// Current addresses, comma-separated, or `-`.
        ips: &'a str,
        last_seen_ms: Option<i64>,
        last_ip: Option<&'a str>,
        /// `tls`, `plain`, `tls,plain` or `-`.
        transports: &'a str,
    },
    /// An audit record (AUDIT).
    Audit {
        time_ms: i64,
        actor: &'a str,
        action: &'a str,
        target: &'a str,
        detail: &'a str,
    },
}
