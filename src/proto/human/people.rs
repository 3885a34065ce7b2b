//! Chat mode's renderer: the core's values written as sentences for people. Events (`event`)
//! and data lines (`data`) are exhaustive `match`es over their enums, so a new kind does not
//! compile until a person can read it; final replies (`reply`) read the command's verb and
//! details, failures are `! <text>` (`fail`). Nothing reaches a person as protocol.

use crate::proto::irc::strip_formatting;
use crate::proto::{Data, Event, Verb};
use crate::time::rfc3339;

/// An event as a person reads it; `None` for what a person need not see (the server's PING:
/// chat mode relies on TCP keepalive). Every kind has its arm: a new event does not compile
/// until people can read it.
pub fn event(ev: &Event) -> Option<String> {
    let why = |text: Option<&str>| text.map(|t| format!(" ({t})")).unwrap_or_default();
    let out = match *ev {
        Event::Message(m) => {
            let time = crate::time::rfc3339(m.time_ms);
            if m.target.starts_with('#') {
                message(&time, m.target, m.sender, &strip_formatting(m.text))
            } else {
                private(&time, m.sender, m.target, &strip_formatting(m.text))
            }
        }
        Event::Join { channel, name } => format!("* {name} joined {channel}"),
        Event::Part {
            channel,
            name,
            reason,
        } => format!("* {name} left {channel}{}", why(reason)),
        Event::Kick {
            channel,
            name,
            by,
            reason,
        } => format!("* {name} was kicked from {channel} by {by}{}", why(reason)),
        Event::Online { name } => format!("* {name} is online"),
        Event::Offline { name, reason } => format!("* {name} went offline{}", why(reason)),
        Event::Away { name, text } => format!("* {name} is away{}", why(text)),
        Event::Back { name } => format!("* {name} is back"),
        Event::Renamed { old, new } => format!("* {old} is now known as {new}"),
        Event::Request { channel, name } => {
            format!("* {name} asks to join {channel} (/accept {channel} {name})")
        }
        Event::Decided {
            accepted: true,
            channel,
        } => format!("* you are now in {channel} (/join {channel} to talk there)"),
        Event::Decided {
            accepted: false,
            channel,
        } => format!("! your request to join {channel} was turned down"),
        Event::Topic {
            channel,
            by,
            text: "",
        } => format!("* {by} cleared the topic of {channel}"),
        Event::Topic { channel, by, text } => format!("* {by} set the topic of {channel}: {text}"),
        Event::Ping { .. } => return None,
    };
    Some(out)
}

/// A data line of a reply as a person reads it.
pub fn data(d: &Data) -> Option<String> {
    let out = match *d {
        Data::Hist(m) => return event(&Event::Message(m)),
        Data::Name { name, status, .. }
        | Data::User { name, status }
        | Data::Account { name, status } => format!("  {name} ({status})"),
        Data::Channel { name, members } => {
            let n = members.to_string();
            format!("  {name} ({})", count(&n, "member", "members"))
        }
        Data::Help { line } => line.to_owned(),
        Data::Banned {
            target,
            by,
            expires_ms,
            reason,
        } => {
            let expires = expires_ms.map_or_else(|| "never".to_owned(), rfc3339);
            format!(
                "  {target} was banned by {by} {}: {reason}",
                until(&expires)
            )
        }
        Data::Topic {
            channel,
            by,
            time_ms,
            text,
        } => format!(
            "* the topic of {channel}: {text} (set by {by}, {})",
            when(&rfc3339(time_ms))
        ),
        Data::Request {
            channel,
            name,
            time_ms,
        } => format!(
            "  {name} asked to join {channel} at {}",
            when(&rfc3339(time_ms))
        ),
        Data::Whois {
            name,
            status,
            ips,
            last_seen_ms,
            last_ip,
            transports,
        } => {
            let seen = last_seen_ms.map_or_else(|| "-".to_owned(), rfc3339);
            whois(&[name, status, ips, &seen, last_ip.unwrap_or("-"), transports])
        }
        Data::Audit {
            time_ms,
            actor,
            action,
            target,
            detail,
        } => {
            let at = when(&rfc3339(time_ms));
            format!("  [{at}] {}", audit(actor, action, target, detail))
        }
    };
    Some(out)
}

/// A command's final reply as a person reads it; `None` when the person already saw what
/// happened (their own message, the help text). `asked` is the protocol line the person's
/// command became (BAN's reply words its terms). One arm per verb, so a new command does not
/// compile until people can read that it worked.
pub fn reply(verb: Verb, details: &[&str], asked: Option<&str>) -> Option<String> {
    let d = details;
    let out = match verb {
        Verb::Msg | Verb::Privmsg | Verb::Help | Verb::Whois => return None,
        Verb::Register => format!("* welcome, {}: your account is made", at(d, 0)),
        Verb::Login => format!("* welcome back, {}", at(d, 0)),
        Verb::Logout => "* logged out".into(),
        Verb::Join => match d {
            [chan, "PENDING"] => {
                format!("* {chan} is private: your request to join waits for its owner")
            }
            _ => format!("* you are in {}; what you type now goes there", at(d, 0)),
        },
        Verb::Part => format!("* you left {}", at(d, 0)),
        Verb::History => {
            let (who, n) = (at(d, 0), count(at(d, 1), "message", "messages"));
            let place = if who.starts_with('#') { "in" } else { "with" };
            format!("* {n} {place} {who}")
        }
        Verb::Names => format!("* {} in {}", at(d, 1), at(d, 0)),
        Verb::Who => format!("* {} online", at(d, 0)),
        Verb::Users => format!("* {}", count(at(d, 0), "account", "accounts")),
        Verb::List => format!("* {}", count(at(d, 0), "channel", "channels")),
        Verb::Away => "* you are away".into(),
        Verb::Back => "* you are back".into(),
        Verb::Rename => format!("* {} is now {}", at(d, 0), at(d, 1)),
        Verb::Ping => "* pong".into(),
        Verb::Ban => format!("* {} is banned {}", at(d, 0), ban_terms(asked)),
        Verb::Unban => format!("* {} is no longer banned", at(d, 0)),
        Verb::Bans => format!("* {}", count(at(d, 0), "ban", "bans")),
        Verb::Kick => match d {
            [chan, name] => format!("* you kicked {name} out of {chan}"),
            _ => format!("* {} was thrown off the server", at(d, 0)),
        },
        Verb::Op => format!("* {} is now an operator of {}", at(d, 1), at(d, 0)),
        Verb::Deop => format!("* {} is no longer an operator of {}", at(d, 1), at(d, 0)),
        Verb::Channel => {
            let chan = at(d, 0);
            match at(d, 1) {
                "PRIVATE" => format!("* {chan} is now private: others ask to join"),
                "PUBLIC" => format!("* {chan} is now public: anyone may join"),
                _ => format!("* {chan} is dropped, with its history"),
            }
        }
        Verb::Topic => match d {
            [chan, "NONE"] => format!("* {chan} has no topic"),
            [chan, "CLEARED"] => format!("* the topic of {chan} is cleared"),
            [chan, "SET"] => format!("* the topic of {chan} is set"),
            _ => return None, // the topic line itself said it
        },
        Verb::Requests => {
            let n = count(at(d, 1), "request", "requests");
            format!("* {n} to join {}", at(d, 0))
        }
        Verb::Accept => format!("* {} is now a member of {}", at(d, 1), at(d, 0)),
        Verb::Reject => format!(
            "* you turned down {}'s request to join {}",
            at(d, 1),
            at(d, 0)
        ),
        Verb::Audit => format!("* {}", count(at(d, 0), "audit record", "audit records")),
    };
    Some(out)
}

/// The reply's `i`th detail, or `?`.
fn at<'a>(details: &[&'a str], i: usize) -> &'a str {
    details.get(i).copied().unwrap_or("?")
}

/// A failed command as a person reads it.
pub fn fail(text: &str) -> String {
    format!("! {text}")
}

/// The server closing the connection, as a person reads it.
pub fn bye(reason: &str) -> String {
    format!("* bye ({reason})")
}

/// `[02:13] #lobby <alice> hello`.
fn message(time: &str, channel: &str, sender: &str, text: &str) -> String {
    format!("[{}] {channel} <{sender}> {text}", hhmm(time))
}

/// `[02:13] <alice -> bob> hi`.
fn private(time: &str, sender: &str, recipient: &str, text: &str) -> String {
    format!("[{}] <{sender} -> {recipient}> {text}", hhmm(time))
}

/// `for 2h: spam` or `for ever: spam`, from the BAN line the person sent.
fn ban_terms(asked: Option<&str>) -> String {
    let (head, reason) = match asked.and_then(|a| a.split_once(" :")) {
        Some((h, r)) => (h, r),
        None => (asked.unwrap_or(""), "banned"),
    };
    let duration = head.split(' ').nth(2).unwrap_or("ever");
    format!("for {duration}: {reason}")
}

/// The WHOIS card: `WHOIS <name> <status> <ips or -> <last seen or -> <last ip or ->
/// [<transports>]`.
fn whois(w: &[&str]) -> String {
    let (name, status, ips, seen, last_ip) = (w[0], w[1], w[2], w[3], w[4]);
    let how = match w.get(5).copied() {
        Some("tls") => " over TLS",
        Some("plain") => " in plain text",
        Some("tls,plain") => " over TLS and in plain text",
        _ => "",
    };
    let now = match ips {
        "-" => format!("* {name} is {status}"),
        ips => format!(
            "* {name} is {status}, connected from {}{how}",
            ips.replace(',', ", ")
        ),
    };
    let last = match (seen, last_ip) {
        ("-", _) => "never seen".to_owned(),
        (seen, "-") => format!("last seen {}", when(seen)),
        (seen, ip) => format!("last seen {} from {ip}", when(seen)),
    };
    format!("{now}\n  {last}")
}

/// An audit record as a sentence.
fn audit(actor: &str, action: &str, target: &str, detail: &str) -> String {
    match action {
        "LOGIN" => format!("{target} logged in from {detail}"),
        "LOGIN_FAILED" => format!("a login as {target} failed, from {detail}"),
        "KICK" => format!("{actor} kicked {target} ({detail})"),
        "BAN" => format!("{actor} banned {target} {}", readable_until(detail)),
        "UNBAN" => format!("{actor} lifted the ban on {target}"),
        "OP" => format!("{actor} made {target} an operator of {detail}"),
        "DEOP" => format!("{actor} ended {target}'s operator status in {detail}"),
        "CHANNEL" if detail == "DROP" => format!("{actor} dropped {target} and its history"),
        "CHANNEL" => format!("{actor} made {target} {}", detail.to_lowercase()),
        "ACCEPT" => format!("{actor} let {target} into {detail}"),
        "REJECT" => format!("{actor} turned down {target}'s request to join {detail}"),
        other => format!("{actor}: {} {target} {detail}", other.to_lowercase()),
    }
}

/// A BAN record's `until <time or never>: <reason>`, readable.
fn readable_until(detail: &str) -> String {
    match detail
        .strip_prefix("until ")
        .and_then(|d| d.split_once(": "))
    {
        Some((time, reason)) => format!("{}: {reason}", until(time)),
        None => detail.to_owned(),
    }
}

/// `until 2026-11-22 04:13 UTC`, or `for ever` for `never`.
fn until(time: &str) -> String {
    match time {
        "never" => "for ever".into(),
        t => format!("until {}", when(t)),
    }
}

/// `2026-11-22 02:13 UTC` from an RFC 3339 time stamp.
fn when(time: &str) -> String {
    match (time.get(..10), time.get(11..16)) {
        (Some(day), Some(clock)) => format!("{day} {clock} UTC"),
        _ => time.to_owned(),
    }
}

/// `1 message`, `3 messages`, `no messages`.
fn count(n: &str, one: &str, many: &str) -> String {
    match n {
        "0" => format!("no {many}"),
        "1" => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// `02:13` from an RFC 3339 time stamp.
pub fn hhmm(time: &str) -> &str {
    time.get(11..16).unwrap_or(time)
}
