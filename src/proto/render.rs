//! Rendering: every line the server sends is built here, so wire text lives in one place.
//!
//! Each function returns a complete line with its LF (`hist_page`: a HISTORY page, several).
//! Callers share a rendered line among all its recipients (`Line` is reference-counted), so a
//! broadcast is rendered once. Lines are written into one scratch buffer per thread (`shared`),
//! so each costs one allocation.

use super::{Code, Data, Event};
use crate::time::rfc3339;
use std::rc::Rc;

/// A rendered line, LF included, shared among recipients (a HISTORY page: its lines).
pub type Line = Rc<str>;

thread_local! {
    /// Where lines are written before they are shared: one allocation per line (the `Line`),
    /// however it was put together.
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A line written by `write` into the scratch buffer, then shared.
pub fn shared(write: impl FnOnce(&mut String)) -> Line {
    SCRATCH.with(|scratch| {
        let Ok(mut s) = scratch.try_borrow_mut() else {
            let mut own = String::new(); // a line built while another is: its own buffer
            write(&mut own);
            return Rc::from(own);
        };
        s.clear();
        write(&mut s);
        let line = Rc::from(s.as_str());
        if s.capacity() > 64 * 1024 {
            *s = String::new(); // an odd huge line leaves no memory behind
        }
        line
    })
}

fn build(words: &[&str], trailing: Option<&str>) -> Line {
    shared(|s| push_words(s, words, trailing))
}

/// Appends `n` in decimal, without the formatting machinery (it is on every message's path).
fn push_u64(s: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
}

/// `words` with a space between them.
fn push_joined(s: &mut String, words: &[&str]) {
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(w);
    }
}

fn push_words(s: &mut String, words: &[&str], trailing: Option<&str>) {
    push_joined(s, words);
    if let Some(t) = trailing {
        s.push_str(" :");
        s.push_str(t);
    }
    s.push('\n');
}

/// `HELLO <server-name> <version> :<motd>`.
pub fn hello(server: &str, version: &str, motd: &str) -> Line {
    build(&["HELLO", server, version], Some(motd))
}

/// `OK <VERB> [detail ...]`.
pub fn ok(verb: &str, details: &[&str]) -> Line {
    let mut words = vec!["OK", verb];
    words.extend_from_slice(details);
    build(&words, None)
}

/// `FAIL <VERB> <CODE> [context ...] :<human text>`.
pub fn fail(verb: &str, code: Code, context: &[&str], text: &str) -> Line {
    let mut words = vec!["FAIL", verb, code.as_str()];
    words.extend_from_slice(context);
    build(&words, Some(text))
}

/// `BYE :<reason>`.
pub fn bye(reason: &str) -> Line {
    build(&["BYE"], Some(reason))
}

/// `PING <token>` sent by the server.
pub fn ping(token: &str) -> Line {
    build(&["PING", token], None)
}

/// A stored message, as an event or a history line.
#[derive(Debug, Clone, Copy)]
pub struct MessageView<'a> {
    pub id: u64,
    pub time_ms: i64,
    pub sender: &'a str,
    /// `#channel` for a channel message, the recipient's name for a private one.
    pub target: &'a str,
    pub text: &'a str,
}

impl MessageView<'_> {
    fn render(&self, prefix: &str) -> Line {
        shared(|s| self.write(s, prefix))
    }

    fn write(&self, s: &mut String, prefix: &str) {
        s.push_str(prefix);
        if self.target.starts_with('#') {
            push_joined(s, &["MSG", self.target, self.sender]);
        } else {
            push_joined(s, &["PRIVMSG", self.sender, self.target]);
        }
        s.push(' ');
        push_u64(s, self.id);
        s.push(' ');
        crate::time::push_rfc3339(s, self.time_ms);
        s.push_str(" :");
        s.push_str(&super::irc::strip_formatting(self.text));
        s.push('\n');
    }

    /// `MSG <#channel> <sender> <id> <time> :<text>` or `PRIVMSG <sender> <recipient> ...`.
    pub fn event(&self) -> Line {
        self.render("")
    }

    /// The same line behind `HIST `.
    pub fn hist(&self) -> Line {
        self.render("HIST ")
    }
}

/// A page of `HIST` lines as one shared text (one allocation and one queued write for a whole
/// HISTORY answer, however many lines).
pub fn hist_page<'a>(views: impl IntoIterator<Item = MessageView<'a>>) -> Line {
    shared(|s| views.into_iter().for_each(|v| v.write(s, "HIST ")))
}

/// `OK MSG <#channel> <id> <time>` or `OK PRIVMSG <name> <id> <time>`.
pub fn ok_sent(verb: &str, target: &str, id: u64, time_ms: i64) -> Line {
    shared(|s| {
        push_joined(s, &["OK", verb, target]);
        s.push(' ');
        push_u64(s, id);
        s.push(' ');
        crate::time::push_rfc3339(s, time_ms);
        s.push('\n');
    })
}

/// `JOIN <#channel> <name>`.
pub fn join(channel: &str, name: &str) -> Line {
    build(&["JOIN", channel, name], None)
}

/// `PART <#channel> <name> [:reason]`.
pub fn part(channel: &str, name: &str, reason: Option<&str>) -> Line {
    build(&["PART", channel, name], reason)
}

/// `KICK <#channel> <name> <by> [:reason]`.
pub fn kick(channel: &str, name: &str, by: &str, reason: Option<&str>) -> Line {
    build(&["KICK", channel, name, by], reason)
}

/// `ONLINE <name>`.
pub fn online(name: &str) -> Line {
    build(&["ONLINE", name], None)
}

/// `OFFLINE <name> [:reason]`.
pub fn offline(name: &str, reason: Option<&str>) -> Line {
    build(&["OFFLINE", name], reason)
}

/// `NAME <#channel> <name> <status>`.
pub fn name(channel: &str, name: &str, status: &str) -> Line {
    build(&["NAME", channel, name, status], None)
}

/// `USER <name> <status>`.
pub fn user(name: &str, status: &str) -> Line {
    build(&["USER", name, status], None)
}

/// `CHANNEL <#channel> <members>`.
pub fn channel(channel: &str, members: usize) -> Line {
    build(&["CHANNEL", channel, &members.to_string()], None)
}

/// `HELP :<line>`.
pub fn help(text: &str) -> Line {
    build(&["HELP"], Some(text))
}

/// `BANNED <target> <by> <expires or never> :<reason>`.
pub fn banned(target: &str, by: &str, expires_ms: Option<i64>, reason: &str) -> Line {
    let expires = expires_ms.map_or_else(|| "never".to_owned(), rfc3339);
    build(&["BANNED", target, by, &expires], Some(reason))
}

/// `AWAY <name> [:text]`.
pub fn away(name: &str, text: Option<&str>) -> Line {
    build(&["AWAY", name], text)
}

/// `BACK <name>`.
pub fn back(name: &str) -> Line {
    build(&["BACK", name], None)
}

/// `RENAMED <old> <new>`.
pub fn renamed(old: &str, new: &str) -> Line {
    build(&["RENAMED", old, new], None)
}

/// `ACCOUNT <name> <status>`.
pub fn account(name: &str, status: &str) -> Line {
    build(&["ACCOUNT", name, status], None)
}

/// `REQUEST <#channel> <name>` (event) or `REQUEST <#channel> <name> <time>` (REQUESTS data).
pub fn request(channel: &str, name: &str, time_ms: Option<i64>) -> Line {
    match time_ms {
        Some(t) => build(&["REQUEST", channel, name, &rfc3339(t)], None),
        None => build(&["REQUEST", channel, name], None),
    }
}

/// `ACCEPTED <#channel>` or `REJECTED <#channel>`.
pub fn decided(accepted: bool, channel: &str) -> Line {
    build(
        &[if accepted { "ACCEPTED" } else { "REJECTED" }, channel],
        None,
    )
}

/// `WHOIS <name> <status> <current IPs or -> <last seen or -> <last IP or -> <transports>`.
pub fn whois(
    name: &str,
    status: &str,
    ips: &str,
    last_seen_ms: Option<i64>,
    last_ip: Option<&str>,
    transports: &str,
) -> Line {
    let seen = last_seen_ms.map_or_else(|| "-".to_owned(), rfc3339);
    let last_ip = last_ip.unwrap_or("-");
    build(
        &["WHOIS", name, status, ips, &seen, last_ip, transports],
        None,
    )
}

/// `AUDIT <time> <actor> <action> <target> :<detail>`.
pub fn audit(time_ms: i64, actor: &str, action: &str, target: &str, detail: &str) -> Line {
    build(
        &["AUDIT", &rfc3339(time_ms), actor, action, target],
        Some(detail),
    )
}

/// An event as programs read it: one protocol line.
pub fn event(ev: &Event) -> Line {
    match *ev {
        Event::Message(m) => m.event(),
        Event::Join { channel, name } => join(channel, name),
        Event::Part {
            channel,
            name,
            reason,
        } => part(channel, name, reason),
        Event::Kick {
            channel,
            name,
            by,
            reason,
        } => kick(channel, name, by, reason),
        Event::Online { name } => online(name),
        Event::Offline { name, reason } => offline(name, reason),
        Event::Away { name, text } => away(name, text),
        Event::Back { name } => back(name),
        Event::Renamed { old, new } => renamed(old, new),
        Event::Request { channel, name } => request(channel, name, None),
        Event::Decided { accepted, channel } => decided(accepted, channel),
        Event::Topic { channel, by, text } => build(&["TOPIC", channel, by], Some(text)),
        Event::Ping { token } => ping(token),
    }
}

/// A data line as programs read it.
pub fn data(d: &Data) -> Line {
    match *d {
        Data::Hist(m) => m.hist(),
        Data::Name {
            channel,
            name: n,
            status,
        } => name(channel, n, status),
        Data::User { name, status } => user(name, status),
        Data::Account { name, status } => account(name, status),
        Data::Channel { name, members } => channel(name, members),
        Data::Help { line } => help(line),
        Data::Banned {
            target,
            by,
            expires_ms,
            reason,
        } => banned(target, by, expires_ms, reason),
        Data::Request {
            channel,
            name,
            time_ms,
        } => request(channel, name, Some(time_ms)),
        Data::Topic {
            channel,
            by,
            time_ms,
            text,
        } => build(&["TOPIC", channel, by, &rfc3339(time_ms)], Some(text)),
        Data::Whois {
            name,
            status,
            ips,
            last_seen_ms,
            last_ip,
            transports,
        } => whois(name, status, ips, last_seen_ms, last_ip, transports),
        Data::Audit {
            time_ms,
            actor,
            action,
            target,
            detail,
        } => audit(time_ms, actor, action, target, detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_built_inside_another_gets_its_own_buffer() {
        let outer = shared(|s| {
            s.push_str("outer ");
            s.push_str(&ok("PING", &["inner"]));
        });
        assert_eq!(&*outer, "outer OK PING inner\n");
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 1_000_001, u64::MAX] {
            let mut s = String::from("x");
            push_u64(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn lines_match_the_contract() {
        assert_eq!(
            &*fail("MSG", Code::NotInChannel, &["#a"], "join first"),
            "FAIL MSG NOT_IN_CHANNEL #a :join first\n"
        );
        assert_eq!(&*ok("PING", &[]), "OK PING\n");
        let m = MessageView {
            id: 7,
            time_ms: 0,
            sender: "bob",
            target: "#a",
            text: "hi",
        };
        assert_eq!(
            &*m.hist(),
            "HIST MSG #a bob 7 1970-01-01T00:00:00.000Z :hi\n"
        );
        let p = MessageView { target: "amy", ..m };
        assert_eq!(
            &*p.event(),
            "PRIVMSG bob amy 7 1970-01-01T00:00:00.000Z :hi\n"
        );
        assert_eq!(
            &*banned("10.0.0.0/8", "root", None, "spam"),
            "BANNED 10.0.0.0/8 root never :spam\n"
        );
    }
}
