//! Chat mode's renderer: protocol lines turned into lines for people on telnet or netcat.
//!
//! The core renders every reply and event once, in the protocol's form; for a session in chat
//! mode it passes the line through `for_people`, which reads the line's first word (what it is)
//! and writes it the way a person wants it: `[02:13] #lobby <alice> hello`, `* bob joined
//! #lobby`, `! that name is taken`. `None` means a person does not need to see it.

/// The person's view of a protocol line (without its LF), or `None` to leave it out.
pub fn for_people(line: &str) -> Option<String> {
    let (head, text) = match line.split_once(" :") {
        Some((h, t)) => (h, Some(t)),
        None => (line, None),
    };
    let w: Vec<&str> = head.split(' ').collect();
    let reason = |t: Option<&str>| t.map(|t| format!(" ({t})")).unwrap_or_default();
    let out = match (w[0], w.len()) {
        ("HIST", _) => return for_people(line.strip_prefix("HIST ")?),
        ("MSG", 5) => format!(
            "[{}] {} <{}> {}",
            hhmm(w[4]),
            w[1],
            w[2],
            text.unwrap_or("")
        ),
        ("PRIVMSG", 5) => format!(
            "[{}] <{} -> {}> {}",
            hhmm(w[4]),
            w[1],
            w[2],
            text.unwrap_or("")
        ),
        ("JOIN", 3) => format!("* {} joined {}", w[2], w[1]),
        ("PART", 3) => format!("* {} left {}{}", w[2], w[1], reason(text)),
        ("KICK", 4) => format!(
            "* {} was kicked from {} by {}{}",
            w[2],
            w[1],
            w[3],
            reason(text)
        ),
        ("ONLINE", 2) => format!("* {} is online", w[1]),
        ("OFFLINE", 2) => format!("* {} went offline{}", w[1], reason(text)),
        ("AWAY", 2) => format!("* {} is away{}", w[1], reason(text)),
        ("BACK", 2) => format!("* {} is back", w[1]),
        ("RENAMED", 3) => format!("* {} is now known as {}", w[1], w[2]),
        ("REQUEST", 3) => format!(
            "* {} asks to join {} (/accept {} {})",
            w[2], w[1], w[1], w[2]
        ),
        ("REQUEST", 4) => format!("  {} asked to join {} at {}", w[2], w[1], hhmm(w[3])),
        ("ACCEPTED", 2) => format!("* you are now in {} (/join {} to talk there)", w[1], w[1]),
        ("REJECTED", 2) => format!("! your request to join {} was turned down", w[1]),
        ("NAME", 4) | ("USER", 3) | ("ACCOUNT", 3) => {
            format!("  {} ({})", w[w.len() - 2], w[w.len() - 1])
        }
        ("CHANNEL", 3) => format!("  {} ({} members)", w[1], w[2]),
        ("HELP", 1) => text.unwrap_or("").to_owned(),
        ("BANNED", 4) => format!(
            "  {} banned by {} until {}{}",
            w[1],
            w[2],
            w[3],
            reason(text)
        ),
        ("WHOIS", _) | ("AUDIT", _) => format!("  {}", &line[w[0].len() + 1..]),
        ("BYE", 1) => format!("* bye{}", reason(text)),
        ("FAIL", _) => format!("! {}", text.unwrap_or("that did not work")),
        ("OK", _) => return ok_for_people(&w[1..]),
        ("PING", _) => return None,
        _ => line.to_owned(),
    };
    Some(out)
}

fn ok_for_people(w: &[&str]) -> Option<String> {
    let out = match w {
        ["MSG", ..] | ["PRIVMSG", ..] | ["HELP"] => return None,
        ["REGISTER", name] => {
            format!("* welcome, {name}: your account is made. /join #lobby to start")
        }
        ["LOGIN", name] => format!("* welcome back, {name}"),
        ["LOGOUT"] => "* logged out".into(),
        ["JOIN", chan] => format!("* you are in {chan}; what you type now goes there"),
        ["JOIN", chan, "PENDING"] => {
            format!("* {chan} is private: your request to join waits for its owner")
        }
        ["PART", chan] => format!("* you left {chan}"),
        ["HISTORY", _, n] => format!("* {n} messages"),
        ["NAMES", chan, n] => format!("* {n} in {chan}"),
        ["WHO", n] => format!("* {n} online"),
        ["USERS", n] => format!("* {n} accounts"),
        ["LIST", n] => format!("* {n} channels"),
        ["AWAY"] => "* you are away".into(),
        ["BACK"] => "* you are back".into(),
        ["RENAME", old, new] => format!("* {old} is now {new}"),
        ["PING", rest @ ..] => format!("* pong {}", rest.join(" ")),
        rest => format!("* ok: {}", rest.join(" ")),
    };
    Some(out)
}

/// `02:13` from an RFC 3339 time stamp.
pub fn hhmm(time: &str) -> &str {
    time.get(11..16).unwrap_or(time)
}

/// The protocol line a chat-mode line stands for, given the current channel and the user's
/// name; `Err` is what to tell the person instead.
pub fn from_person(line: &str, current: Option<&str>, me: &str) -> Result<String, &'static str> {
    let Some(cmd) = line.strip_prefix('/') else {
        return current
            .map(|c| format!("MSG {c} :{line}"))
            .ok_or("join a channel first: /join #lobby");
    };
    let (verb, rest) = cmd.split_once(' ').unwrap_or((cmd, ""));
    let rest = rest.trim_start();
    let here = || current.ok_or("join a channel first: /join #lobby");
    let face = |face: &str| {
        if rest.is_empty() {
            face.to_owned()
        } else {
            format!("{rest} {face}")
        }
    };
    Ok(match verb.to_ascii_lowercase().as_str() {
        "msg" if !rest.starts_with('#') => format!("PRIVMSG {rest}"),
        "pm" | "query" => format!("PRIVMSG {rest}"),
        "me" => format!("MSG {} :* {me} {rest}", here()?),
        "shrug" => format!("MSG {} :{}", here()?, face("¯\\_(ツ)_/¯")),
        "tableflip" => format!("MSG {} :{}", here()?, face("(╯°□°)╯︵ ┻━┻")),
        "unflip" => format!("MSG {} :{}", here()?, face("┬─┬ノ( º _ ºノ)")),
        "name" | "nick" => format!("RENAME {rest}"),
        "history" => format!("HISTORY {} {rest}", here()?),
        "names" if rest.is_empty() => format!("NAMES {}", here()?),
        "part" if rest.is_empty() => format!("PART {}", here()?),
        "help" if rest.is_empty() => "HELP CHAT".to_owned(),
        "help" => format!("HELP {}", rest.trim_start_matches('/')),
        "" => return Err("type /help for the commands"),
        v => format!("{} {rest}", v.to_ascii_uppercase()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_lines_read_like_a_chat() {
        let t = "2026-11-22T02:13:37.123Z";
        let msg = format!("MSG #lobby alice 7 {t} :hello: there");
        assert_eq!(
            for_people(&msg).unwrap(),
            "[02:13] #lobby <alice> hello: there"
        );
        assert_eq!(
            for_people(&format!("HIST {msg}")).unwrap(),
            "[02:13] #lobby <alice> hello: there"
        );
        assert_eq!(
            for_people("JOIN #lobby bob").unwrap(),
            "* bob joined #lobby"
        );
        assert_eq!(
            for_people("FAIL REGISTER NAME_TAKEN :that name is taken").unwrap(),
            "! that name is taken"
        );
        assert_eq!(
            for_people("OFFLINE bob :gone").unwrap(),
            "* bob went offline (gone)"
        );
        assert_eq!(for_people(&format!("OK MSG #lobby 7 {t}")), None);
        assert_eq!(for_people("PING chatd-1"), None);
    }

    #[test]
    fn person_lines_become_protocol_lines() {
        let here = Some("#lobby");
        assert_eq!(
            from_person("hi all", here, "amy").unwrap(),
            "MSG #lobby :hi all"
        );
        assert_eq!(from_person(":)", here, "amy").unwrap(), "MSG #lobby ::)");
        assert!(from_person("hi", None, "amy").is_err());
        assert_eq!(
            from_person("/msg bob yo", here, "amy").unwrap(),
            "PRIVMSG bob yo"
        );
        assert_eq!(from_person("/msg #x yo", here, "amy").unwrap(), "MSG #x yo");
        assert_eq!(
            from_person("/me waves", here, "amy").unwrap(),
            "MSG #lobby :* amy waves"
        );
        assert_eq!(
            from_person("/shrug", here, "amy").unwrap(),
            "MSG #lobby :¯\\_(ツ)_/¯"
        );
        assert_eq!(from_person("/name zed", here, "amy").unwrap(), "RENAME zed");
        assert_eq!(from_person("/JOIN #a", here, "amy").unwrap(), "JOIN #a");
    }
}
