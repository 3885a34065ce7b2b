//! Parsing: one client line into a `Command`, or a `Rejection` that says which FAIL to send.
//!
//! The rules are the contract's: `VERB [param ...] [:trailing]`, verbs case-insensitive, params
//! one word each, separated by one or more spaces. Only the free-text arguments (MSG and PRIVMSG
//! text, reasons) take the rest of the line, with one leading `:` removed; every other parameter
//! is taken literally, so `BAN ::1` names an address. Checks that need no state are done here:
//! parameter counts, channel syntax, numbers, durations, control and invisible direction or line
//! characters in text (`forbidden_in_text`).

pub use super::command::Command;
use super::{Code, valid_channel};

/// Why a line was refused before it reached the core: becomes `FAIL <verb> <code> :<text>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub verb: String,
    pub code: Code,
    pub text: &'static str,
}

/// A parsed line: the verb as it is echoed in replies, and the command or why it was refused.
pub type Parsed = (String, Result<Command, Rejection>);

/// Parses a line that is not blank. The verb is upper-cased, or `*` if it is not a plain word.
pub fn parse(line: &str) -> Parsed {
    let mut cur = Cursor { rest: line };
    let raw = cur.word().unwrap_or("");
    let verb = display_verb(raw);
    let result = parse_args(&verb, &mut cur).map_err(|(code, text)| Rejection {
        verb: verb.clone(),
        code,
        text,
    });
    (verb, result)
}

/// True for a line the server ignores (empty, or spaces only).
pub fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ')
}

fn display_verb(raw: &str) -> String {
    let plain =
        !raw.is_empty() && raw.len() <= 32 && raw.bytes().all(|b| b.is_ascii_alphanumeric());
    if plain {
        raw.to_ascii_uppercase()
    } else {
        "*".into()
    }
}

type ArgResult<T> = Result<T, (Code, &'static str)>;

fn parse_args(verb: &str, c: &mut Cursor) -> ArgResult<Command> {
    let cmd = match verb {
        "REGISTER" => Command::Register {
            name: c.need()?,
            password: c.need()?,
            confirm: c.need()?,
        },
        "LOGIN" => Command::Login {
            name: c.need()?,
            password: c.need()?,
        },
        "LOGOUT" => Command::Logout,
        "QUIT" => Command::Quit { reason: c.text()? },
        "JOIN" => Command::Join {
            channel: c.channel()?,
        },
        "PART" => Command::Part {
            channel: c.channel()?,
            reason: c.text()?,
        },
        "MSG" => Command::Msg {
            channel: c.channel()?,
            text: c.need_text()?,
        },
        "PRIVMSG" => Command::Privmsg {
            target: c.need()?,
            text: c.need_text()?,
        },
        "HISTORY" => history(c)?,
        "KICK" => kick(c)?,
        "OP" => Command::Op {
            channel: c.channel()?,
            name: c.need()?,
        },
        "DEOP" => Command::Deop {
            channel: c.channel()?,
            name: c.need()?,
        },
        "WHOIS" => Command::Whois { name: c.need()? },
        "CHANNEL" => channel_mode(c)?,
        "TOPIC" => topic(c)?,
        "REQUESTS" => Command::Requests {
            channel: c.channel()?,
        },
        "ACCEPT" => Command::Accept {
            channel: c.channel()?,
            name: c.need()?,
        },
        "REJECT" => Command::Reject {
            channel: c.channel()?,
            name: c.need()?,
        },
        "AUDIT" => Command::Audit {
            limit: c.number("the limit must be a number")?.map(|n| n as usize),
        },
        "BAN" => ban(c)?,
        "UNBAN" => Command::Unban { target: c.need()? },
        "BANS" => Command::Bans,
        "AWAY" => Command::Away { text: c.text()? },
        "BACK" => Command::Back,
        "USERS" => Command::Users,
        "RENAME" => Command::Rename { name: c.need()? },
        "NAMES" => Command::Names {
            channel: c.channel()?,
        },
        "WHO" => Command::Who,
        "LIST" => Command::List,
        "HELP" => Command::Help { topic: c.opt()? },
        "PING" => Command::Ping { token: c.opt()? },
        "PONG" => Command::Pong { token: c.opt()? },
        _ => return Err((Code::UnknownCommand, "unknown command; try HELP")),
    };
    c.end()?;
    Ok(cmd)
}

fn kick(c: &mut Cursor) -> ArgResult<Command> {
    let first = c.need()?;
    if !first.starts_with('#') {
        return Ok(Command::Kick {
            channel: None,
            name: first,
            reason: c.text()?,
        });
    }
    if !valid_channel(&first) {
        return Err((Code::BadChannel, "not a channel name"));
    }
    Ok(Command::Kick {
        channel: Some(first),
        name: c.need()?,
        reason: c.text()?,
    })
}

fn channel_mode(c: &mut Cursor) -> ArgResult<Command> {
    let channel = c.channel()?;
    let private = match c.need()?.to_ascii_uppercase().as_str() {
        "PRIVATE" => true,
        "PUBLIC" => false,
        "DROP" => return Ok(Command::DropChannel { channel }),
        _ => return Err((Code::BadParam, "say PRIVATE, PUBLIC or DROP")),
    };
    Ok(Command::ChannelMode { channel, private })
}

/// `TOPIC <#channel>` asks; `TOPIC <#channel> :<text>` sets, and `TOPIC <#channel> :` clears.
fn topic(c: &mut Cursor) -> ArgResult<Command> {
    let channel = c.channel()?;
    let set = !c.rest.trim_start_matches(' ').is_empty();
    let text = c.text()?;
    Ok(Command::Topic {
        channel,
        text: set.then(|| text.unwrap_or_default()),
    })
}

fn history(c: &mut Cursor) -> ArgResult<Command> {
    let target = c.need()?;
    if target.starts_with('#') && !valid_channel(&target) {
        return Err((Code::BadChannel, "not a channel name"));
    }
    let limit = c.number("the limit must be a number")?;
    let before = c.number("before-id must be a message id")?;
    Ok(Command::History {
        target,
        limit: limit.map(|n| n as usize),
        before,
    })
}

fn ban(c: &mut Cursor) -> ArgResult<Command> {
    let target = c.need()?;
    let duration_secs = match c.peek_word().and_then(parse_duration) {
        Some(secs) => {
            c.word();
            Some(secs.ok_or((Code::BadParam, "that duration is too long"))?)
        }
        None => None,
    };
    Ok(Command::Ban {
        target,
        duration_secs,
        reason: c.text()?,
    })
}

/// `[0-9]+[smhd]` as seconds: `None` if the word is not a duration, `Some(None)` on overflow.
pub fn parse_duration(word: &str) -> Option<Option<u64>> {
    let unit = match word.as_bytes().last()? {
        b's' => 1,
        b'm' => 60,
        b'h' => 3600,
        b'd' => 86_400,
        _ => return None,
    };
    let digits = &word[..word.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse::<u64>().ok().and_then(|n| n.checked_mul(unit)))
}

/// True for a character free text may not carry: control characters but TAB (they reach other
/// users' terminals raw), and the invisible ones that reorder or break what others see: the
/// direction embeddings and overrides U+202A-U+202E, the isolates U+2066-U+2069, the line and
/// paragraph separators U+2028 and U+2029, and U+200B-U+200F but the emoji joiner U+200D.
pub fn forbidden_in_text(ch: char) -> bool {
    (ch.is_control() && ch != '\t')
        || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
        || (matches!(ch, '\u{200B}'..='\u{200F}') && ch != '\u{200D}')
}

/// True if `text` holds a character `forbidden_in_text`; printable ASCII is checked bytewise.
fn has_forbidden(text: &str) -> bool {
    let printable = |b: u8| (0x20..0x7f).contains(&b) || b == b'\t';
    !text.bytes().all(printable) && text.chars().any(forbidden_in_text)
}

/// Reads words and the trailing text off a line.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn peek_word(&self) -> Option<&'a str> {
        let s = self.rest.trim_start_matches(' ');
        let w = s.split(' ').next().unwrap_or("");
        (!w.is_empty()).then_some(w)
    }

    fn word(&mut self) -> Option<&'a str> {
        let w = self.peek_word()?;
        let s = self.rest.trim_start_matches(' ');
        self.rest = &s[w.len()..];
        Some(w)
    }

    fn opt(&mut self) -> ArgResult<Option<String>> {
        match self.word() {
            Some(w) if w.chars().any(char::is_control) => {
                Err((Code::BadParam, "control characters are not allowed here"))
            }
            w => Ok(w.map(str::to_owned)),
        }
    }

    fn need(&mut self) -> ArgResult<String> {
        self.opt()?
            .ok_or((Code::NeedMoreParams, "not enough parameters"))
    }

    fn channel(&mut self) -> ArgResult<String> {
        let w = self.need()?;
        if valid_channel(&w) {
            Ok(w)
        } else {
            Err((
                Code::BadChannel,
                "a channel is # then 1 to 49 of A-Z a-z 0-9 _ -",
            ))
        }
    }

    fn number(&mut self, why: &'static str) -> ArgResult<Option<u64>> {
        match self.word() {
            None => Ok(None),
            Some(w) => w.parse().map(Some).map_err(|_| (Code::BadParam, why)),
        }
    }

    /// The rest of the line as free text, one leading `:` removed; `None` if there is none.
    fn text(&mut self) -> ArgResult<Option<String>> {
        let s = self.rest.trim_start_matches(' ');
        self.rest = "";
        let s = s.strip_prefix(':').unwrap_or(s);
        if has_forbidden(s) {
            return Err((
                Code::BadText,
                "control, direction and invisible line characters are not allowed in text",
            ));
        }
        Ok((!s.is_empty()).then(|| s.to_owned()))
    }

    fn need_text(&mut self) -> ArgResult<String> {
        self.text()?
            .ok_or((Code::NeedMoreParams, "no text to send"))
    }

    fn end(&self) -> ArgResult<()> {
        if self.peek_word().is_some() {
            Err((Code::BadParam, "too many parameters"))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
