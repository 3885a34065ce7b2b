//! Chat mode's renderer: each protocol line a session can receive, written as a sentence.
//!
//! One arm per kind of line, events and data lines in `for_people`, final replies in `ok`, so a
//! later per-dialect renderer can take the table over as it is. Nothing reaches a person raw:
//! a line of a kind this table does not know yet is shown lower-cased behind `* `.

use crate::proto::Event;

/// The person's view of a protocol line (without its LF), or `None` to leave it out. `asked`
/// is the protocol line the person's last command became, which an `OK` answers.
pub fn for_people(line: &str, asked: Option<&str>) -> Option<String> {
    let (head, text) = match line.split_once(" :") {
        Some((h, t)) => (h, Some(t)),
        None => (line, None),
    };
    let w: Vec<&str> = head.split(' ').collect();
    let t = text.unwrap_or("");
    let why = || text.map(|t| format!(" ({t})")).unwrap_or_default();
    let out = match (w[0], w.len()) {
        ("HIST", _) => return for_people(line.strip_prefix("HIST ")?, None),
        ("MSG", 5) => message(w[4], w[1], w[2], t),
        ("PRIVMSG", 5) => private(w[4], w[1], w[2], t),
        ("JOIN", 3) => {
            return event(&Event::Join {
                channel: w[1],
                name: w[2],
            });
        }
        ("PART", 3) => {
            let (channel, name, reason) = (w[1], w[2], text);
            return event(&Event::Part {
                channel,
                name,
                reason,
            });
        }
        ("KICK", 4) => {
            let (channel, name, by, reason) = (w[1], w[2], w[3], text);
            return event(&Event::Kick {
                channel,
                name,
                by,
                reason,
            });
        }
        ("ONLINE", 2) => return event(&Event::Online { name: w[1] }),
        ("OFFLINE", 2) => {
            return event(&Event::Offline {
                name: w[1],
                reason: text,
            });
        }
        ("AWAY", 2) => return event(&Event::Away { name: w[1], text }),
        ("BACK", 2) => return event(&Event::Back { name: w[1] }),
        ("RENAMED", 3) => {
            return event(&Event::Renamed {
                old: w[1],
                new: w[2],
            });
        }
        ("REQUEST", 3) => {
            return event(&Event::Request {
                channel: w[1],
                name: w[2],
            });
        }
        ("REQUEST", 4) => format!("  {} asked to join {} at {}", w[2], w[1], when(w[3])),
        ("ACCEPTED", 2) => {
            return event(&Event::Decided {
                accepted: true,
                channel: w[1],
            });
        }
        ("REJECTED", 2) => {
            return event(&Event::Decided {
                accepted: false,
                channel: w[1],
            });
        }
        ("NAME", 4) | ("USER", 3) | ("ACCOUNT", 3) => {
            format!("  {} ({})", w[w.len() - 2], w[w.len() - 1])
        }
        ("CHANNEL", 3) => format!("  {} ({})", w[1], count(w[2], "member", "members")),
        ("HELP", 1) => t.to_owned(),
        ("BANNED", 4) => format!("  {} was banned by {} {}: {t}", w[1], w[2], until(w[3])),
        ("WHOIS", 6 | 7) => whois(&w[1..]),
        ("AUDIT", 5) => format!("  [{}] {}", when(w[1]), audit(w[2], w[3], w[4], t)),
        ("HELLO", 3) => format!("* {t}"),
        ("BYE", 1) => format!("* bye{}", why()),
        ("FAIL", _) => format!("! {}", text.unwrap_or("that did not work")),
        ("OK", _) => return ok(&w[1..], asked),
        ("PING", _) => return event(&Event::Ping { token: "" }),
        _ => format!(
            "* {}{}{}",
            w[0].to_lowercase(),
            &head[w[0].len()..],
            why_colon(text)
        ),
    };
    Some(out)
}

/// An event as a person reads it; `None` for what a person need not see (the server's PING:
/// chat mode relies on TCP keepalive). Every kind has its arm: a new event does not compile
/// until people can read it.
pub fn event(ev: &Event) -> Option<String> {
    let why = |text: Option<&str>| text.map(|t| format!(" ({t})")).unwrap_or_default();
    let out = match *ev {
        Event::Message(m) => {
            let time = crate::time::rfc3339(m.time_ms);
            if m.target.starts_with('#') {
                message(&time, m.target, m.sender, m.text)
            } else {
                private(&time, m.sender, m.target, m.text)
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
        Event::Ping { .. } => return None,
    };
    Some(out)
}

/// `[02:13] #lobby <alice> hello`.
fn message(time: &str, channel: &str, sender: &str, text: &str) -> String {
    format!("[{}] {channel} <{sender}> {text}", hhmm(time))
}

/// `[02:13] <alice -> bob> hi`.
fn private(time: &str, sender: &str, recipient: &str, text: &str) -> String {
    format!("[{}] <{sender} -> {recipient}> {text}", hhmm(time))
}

/// The sentence for a final `OK <VERB> ...` (`w` without the `OK`); `None` when the person
/// already saw what happened (their own message, the help text).
fn ok(w: &[&str], asked: Option<&str>) -> Option<String> {
    let out = match w {
        ["MSG", ..] | ["PRIVMSG", ..] | ["HELP"] | ["WHOIS", _] => return None,
        ["REGISTER", name] => format!("* welcome, {name}: your account is made"),
        ["LOGIN", name] => format!("* welcome back, {name}"),
        ["LOGOUT"] => "* logged out".into(),
        ["JOIN", chan] => format!("* you are in {chan}; what you type now goes there"),
        ["JOIN", chan, "PENDING"] => {
            format!("* {chan} is private: your request to join waits for its owner")
        }
        ["PART", chan] => format!("* you left {chan}"),
        ["HISTORY", who, n] if who.starts_with('#') => {
            format!("* {} in {who}", count(n, "message", "messages"))
        }
        ["HISTORY", who, n] => format!("* {} with {who}", count(n, "message", "messages")),
        ["NAMES", chan, n] => format!("* {n} in {chan}"),
        ["WHO", n] => format!("* {n} online"),
        ["USERS", n] => format!("* {}", count(n, "account", "accounts")),
        ["LIST", n] => format!("* {}", count(n, "channel", "channels")),
        ["AWAY"] => "* you are away".into(),
        ["BACK"] => "* you are back".into(),
        ["RENAME", old, new] => format!("* {old} is now {new}"),
        ["PING", ..] => "* pong".into(),
        ["BAN", target] => format!("* {target} is banned {}", ban_terms(asked)),
        ["UNBAN", target] => format!("* {target} is no longer banned"),
        ["BANS", n] => format!("* {}", count(n, "ban", "bans")),
        ["KICK", chan, name] => format!("* you kicked {name} out of {chan}"),
        ["KICK", name] => format!("* {name} was thrown off the server"),
        ["OP", chan, name] => format!("* {name} is now an operator of {chan}"),
        ["DEOP", chan, name] => format!("* {name} is no longer an operator of {chan}"),
        ["CHANNEL", chan, "PRIVATE"] => format!("* {chan} is now private: others ask to join"),
        ["CHANNEL", chan, "PUBLIC"] => format!("* {chan} is now public: anyone may join"),
        ["CHANNEL", chan, "DROP"] => format!("* {chan} is dropped, with its history"),
        ["REQUESTS", chan, n] => format!("* {} to join {chan}", count(n, "request", "requests")),
        ["ACCEPT", chan, name] => format!("* {name} is now a member of {chan}"),
        ["REJECT", chan, name] => format!("* you turned down {name}'s request to join {chan}"),
        ["AUDIT", n] => format!("* {}", count(n, "audit record", "audit records")),
        [verb, rest @ ..] => format!("* done: {} {}", verb.to_lowercase(), rest.join(" ")),
        [] => "* done".into(),
    };
    Some(out)
}

/// `: <text>` for a line's text, if any.
fn why_colon(text: Option<&str>) -> String {
    text.map(|t| format!(": {t}")).unwrap_or_default()
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
