//! The IRC dialect's wire text (../shared/IRC.md): parsing a client line into tags, verb and
//! parameters (`parse`), tag escaping, and building server lines with CRLF (`Out`). What a line
//! means is the core's business (`core::irc`); how each event and reply reads on IRC is in
//! `render`. Nothing here knows chat state.

pub mod render;
#[cfg(test)]
mod tests;
mod text;

pub use text::{action_to_text, base64_decode, plain_text, strip_formatting, text_to_action};

use std::fmt::Write;

/// Most bytes of the tag section a client may send (`@` and the space included).
pub const MAX_TAGS: usize = 4096;
/// Most bytes of the rest of a client line, CRLF included.
pub const MAX_LINE: usize = 512;

/// A client line, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// The raw tag section, without `@`.
    pub tags: Option<&'a str>,
    /// The command, upper case.
    pub verb: String,
    pub params: Vec<&'a str>,
}

/// Why a line was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    /// Over the length limits: `417`.
    TooLong,
    /// Nothing but tags or a source: ignored.
    Empty,
}

/// Splits a line (without its line end): `[@tags] [:source] VERB params... [:trailing]`.
pub fn parse(line: &str) -> Result<Message<'_>, Bad> {
    let mut rest = line;
    let mut tags = None;
    if let Some(t) = rest.strip_prefix('@') {
        let (t, r) = t.split_once(' ').unwrap_or((t, ""));
        if t.len() + 2 > MAX_TAGS {
            return Err(Bad::TooLong);
        }
        tags = Some(t);
        rest = r.trim_start_matches(' ');
    }
    if rest.len() + 2 > MAX_LINE {
        return Err(Bad::TooLong);
    }
    if rest.starts_with(':') {
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    let mut params = Vec::new();
    let mut words = rest.trim_start_matches(' ');
    let verb = match words.split_once(' ') {
        Some((v, r)) => {
            words = r;
            v
        }
        None => std::mem::take(&mut words),
    };
    if verb.is_empty() || verb.starts_with([':', '@']) {
        return Err(Bad::Empty);
    }
    loop {
        words = words.trim_start_matches(' ');
        if words.is_empty() {
            break;
        }
        if let Some(trailing) = words.strip_prefix(':') {
            params.push(trailing);
            break;
        }
        let (w, r) = words.split_once(' ').unwrap_or((words, ""));
        params.push(w);
        words = r;
    }
    Ok(Message {
        tags,
        verb: verb.to_ascii_uppercase(),
        params,
    })
}

/// The tags of a tag section, values unescaped; a tag without `=` has an empty value.
pub fn tags(raw: &str) -> Vec<(&str, String)> {
    raw.split(';')
        .filter(|t| !t.is_empty())
        .map(|t| {
            let (k, v) = t.split_once('=').unwrap_or((t, ""));
            (k, unescape(v))
        })
        .collect()
}

/// A tag value as sent: `\:` `\s` `\\` `\r` `\n` decoded, other `\x` read as `x`.
pub fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(':') => out.push(';'),
            Some('s') => out.push(' '),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Appends a tag value escaped for the wire.
pub fn push_escaped(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            ';' => out.push_str("\\:"),
            ' ' => out.push_str("\\s"),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// The client-only tags (`+name[=value]`) of a tag section, re-escaped, joined with `;`.
pub fn client_tags(raw: &str) -> Option<String> {
    let mut out = String::new();
    for (k, v) in tags(raw).iter().filter(|(k, _)| k.starts_with('+')) {
        if !out.is_empty() {
            out.push(';');
        }
        out.push_str(k);
        if !v.is_empty() {
            out.push('=');
            push_escaped(&mut out, v);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A server line being built: `[:source] VERB params... [:trailing]` and CRLF.
pub struct Out(String);

impl Out {
    /// A line from `source` (none: the line has no prefix).
    pub fn new(source: Option<&str>, verb: &str) -> Out {
        let mut s = String::with_capacity(80);
        if let Some(src) = source {
            s.push(':');
            s.push_str(src);
            s.push(' ');
        }
        s.push_str(verb);
        Out(s)
    }

    /// A numeric from the server to `me`.
    pub fn numeric(server: &str, code: u16, me: &str) -> Out {
        let mut o = Out::new(Some(server), "");
        let _ = write!(o.0, "{code:03} {me}");
        o
    }

    /// A middle parameter (no spaces, not starting with `:`, not empty).
    pub fn arg(mut self, a: &str) -> Out {
        self.0.push(' ');
        self.0.push_str(a);
        self
    }

    /// The trailing parameter.
    pub fn text(mut self, t: &str) -> Out {
        self.0.push_str(" :");
        self.0.push_str(t);
        self
    }

    /// The last parameter: trailing only when it must be (empty, a space, a leading `:`).
    pub fn last(self, a: &str) -> Out {
        if a.is_empty() || a.contains(' ') || a.starts_with(':') {
            self.text(a)
        } else {
            self.arg(a)
        }
    }

    /// The finished line, CRLF included.
    pub fn line(mut self) -> String {
        self.0.push_str("\r\n");
        self.0
    }
}

/// A server name: letters, digits, `.` and `-`, 1 to 63 bytes.
pub fn valid_server_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// `nick!user@host`.
pub fn mask(nick: &str, user: &str, host: &str) -> String {
    format!("{nick}!{user}@{host}")
}

/// A line with one more tag (`key=value` already escaped).
pub fn with_tag(line: &str, tag: &str) -> String {
    match line.strip_prefix('@') {
        Some(rest) => format!("@{tag};{rest}"),
        None => format!("@{tag} {line}"),
    }
}

/// The replies to a labeled command (lines without CRLF): none is `ACK`, one is labeled, more
/// go in a `labeled-response` batch named `batch`. Returns the lines with CRLF.
pub fn labeled(lines: &[String], label: &str, server: &str, batch: &str) -> String {
    let mut value = String::new();
    push_escaped(&mut value, label);
    let tag = format!("label={value}");
    let mut out = String::new();
    match lines {
        [] => out.push_str(&with_tag(&format!(":{server} ACK"), &tag)),
        [one] => out.push_str(&with_tag(one, &tag)),
        many => {
            let open = format!(":{server} BATCH +{batch} labeled-response");
            out.push_str(&with_tag(&open, &tag));
            for l in many {
                out.push_str("\r\n");
                out.push_str(&with_tag(l, &format!("batch={batch}")));
            }
            out.push_str(&format!("\r\n:{server} BATCH -{batch}"));
        }
    }
    out.push_str("\r\n");
    out
}
