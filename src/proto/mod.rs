//! The wire protocol: framing (`frame`), parsing (`parse`) and rendering (`render`), plus the
//! name rules and failure codes they share. This module is the one place that knows wire text.

pub mod command;
pub mod event;
pub mod frame;
pub mod human;
pub mod irc;
pub mod parse;
pub mod render;

pub use command::Verb;
pub use event::{Data, Event};
pub use frame::{Frame, Framer};
pub use parse::{Command, Rejection, parse};

/// The stable failure codes of `FAIL <VERB> <CODE>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    AlreadyLoggedIn,
    BadChannel,
    BadCredentials,
    BadEncoding,
    BadName,
    BadParam,
    BadTarget,
    BadText,
    Banned,
    LineTooLong,
    NameTaken,
    NeedMoreParams,
    NoSuchChannel,
    NoSuchRequest,
    NoSuchUser,
    NotAllowed,
    NotBanned,
    NotInChannel,
    NotLoggedIn,
    PasswordMismatch,
    PasswordTooLong,
    RateLimited,
    ServerFull,
    TooManyChannels,
    TooManySessions,
    Unavailable,
    UnknownCommand,
    WeakPassword,
}

impl Code {
    /// The token as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            AlreadyLoggedIn => "ALREADY_LOGGED_IN",
            BadChannel => "BAD_CHANNEL",
            BadCredentials => "BAD_CREDENTIALS",
            BadEncoding => "BAD_ENCODING",
            BadName => "BAD_NAME",
            BadParam => "BAD_PARAM",
            BadTarget => "BAD_TARGET",
            BadText => "BAD_TEXT",
            Banned => "BANNED",
            LineTooLong => "LINE_TOO_LONG",
            NameTaken => "NAME_TAKEN",
            NeedMoreParams => "NEED_MORE_PARAMS",
            NoSuchChannel => "NO_SUCH_CHANNEL",
            NoSuchRequest => "NO_SUCH_REQUEST",
            NoSuchUser => "NO_SUCH_USER",
            NotAllowed => "NOT_ALLOWED",
            NotBanned => "NOT_BANNED",
            NotInChannel => "NOT_IN_CHANNEL",
            NotLoggedIn => "NOT_LOGGED_IN",
            PasswordMismatch => "PASSWORD_MISMATCH",
            PasswordTooLong => "PASSWORD_TOO_LONG",
            RateLimited => "RATE_LIMITED",
            ServerFull => "SERVER_FULL",
            TooManyChannels => "TOO_MANY_CHANNELS",
            TooManySessions => "TOO_MANY_SESSIONS",
            Unavailable => "UNAVAILABLE",
            UnknownCommand => "UNKNOWN_COMMAND",
            WeakPassword => "WEAK_PASSWORD",
        }
    }
}

/// What a valid name is, for people.
pub const NAME_RULE: &str = "a name is a letter then up to 31 of A-Z a-z 0-9 _ -";

/// bcrypt uses at most this many bytes of a password.
pub const MAX_PASSWORD_BYTES: usize = 72;

/// Why a new password is refused (too short in characters, or over bcrypt's 72 bytes), if it is.
pub fn password_problem(password: &str, min_chars: usize) -> Option<(Code, &'static str)> {
    if password.chars().count() < min_chars {
        Some((Code::WeakPassword, "the password is too short"))
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some((
            Code::PasswordTooLong,
            "the password is longer than 72 bytes",
        ))
    } else {
        None
    }
}

/// `[A-Za-z][A-Za-z0-9_-]{0,31}`.
pub fn valid_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 32
        && b[0].is_ascii_alphabetic()
        && b[1..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

/// A name as it may be written to a log or the audit table: as it is when it keeps the name
/// rule, else quoted with every character outside printable ASCII escaped (`\u{202e}`), so no
/// control or direction character gets through raw, and cut to 64 characters.
pub fn shown_name(s: &str) -> std::borrow::Cow<'_, str> {
    if valid_name(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let cut: String = s.chars().take(64).collect();
    std::borrow::Cow::Owned(format!("\"{}\"", cut.escape_default()))
}

/// `#` then `[A-Za-z0-9_-]{1,49}`.
pub fn valid_channel(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && b.len() <= 50
        && b[0] == b'#'
        && b[1..]
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

/// The case-insensitive key of a name or channel.
pub fn key(s: &str) -> String {
    s.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rules_at_their_limits() {
        assert!(valid_name("a"));
        assert!(valid_name(&format!("a{}", "b".repeat(31))));
        assert!(!valid_name(&format!("a{}", "b".repeat(32))));
        assert!(!valid_name("1abc"));
        assert!(!valid_name("ab.c"));
        assert!(!valid_name(""));
    }

    #[test]
    fn names_that_break_the_rule_are_shown_escaped() {
        assert_eq!(shown_name("amy"), "amy");
        assert_eq!(shown_name("a\u{202e}b"), "\"a\\u{202e}b\"");
        assert_eq!(shown_name("x\u{1b}[2J"), "\"x\\u{1b}[2J\"");
        assert!(shown_name(&"z".repeat(500)).len() < 80, "cut short");
    }

    #[test]
    fn channel_rules_at_their_limits() {
        assert!(valid_channel("#a"));
        assert!(valid_channel(&format!("#{}", "c".repeat(49))));
        assert!(!valid_channel(&format!("#{}", "c".repeat(50))));
        assert!(!valid_channel("#"));
        assert!(!valid_channel("lobby"));
        assert!(!valid_channel("#a b"));
    }
}

#[cfg(test)]
mod props;
