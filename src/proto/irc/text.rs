//! IRC text as chatd keeps it: formatting removed for the other dialects, `/me` and CTCP
//! ACTION as one act, and SASL's base64.

/// True for formatting codes and CTCP markers (`\x02 \x03 \x0f \x16 \x1d \x1e \x1f \x01`).
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\x01' | '\x02' | '\x0f' | '\x16' | '\x1d' | '\x1e' | '\x1f'
    )
}

/// Text with IRC formatting (bold, colours with their numbers, reset, ...) and CTCP markers
/// removed, for the dialects whose contract forbids control characters. Cheap when there is
/// nothing to remove.
pub fn strip_formatting(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.bytes().any(|b| b < 0x20 && b != b'\t') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x03' {
            skip_colour(&mut chars);
        } else if !(is_format(c) || c.is_control() && c != '\t') {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Skips `fg[,bg]` (one or two digits each) after a colour code.
fn skip_colour(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    let digits = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        let mut n = 0;
        while n < 2 && chars.peek().is_some_and(|c| c.is_ascii_digit()) {
            chars.next();
            n += 1;
        }
        n
    };
    if digits(chars) > 0 && chars.peek() == Some(&',') {
        let mut probe = chars.clone();
        probe.next();
        if probe.peek().is_some_and(|c| c.is_ascii_digit()) {
            chars.next();
            digits(chars);
        }
    }
}

/// The action an IRC `\x01ACTION text\x01` stands for, as chatd keeps it: `* nick text`
/// (chat mode's `/me` writes the same).
pub fn action_to_text(nick: &str, text: &str) -> Option<String> {
    let body = text.strip_prefix("\x01ACTION")?;
    let body = body.strip_suffix('\x01').unwrap_or(body);
    Some(format!(
        "* {nick}{}",
        if body.is_empty() { "" } else { body }
    ))
}

/// The IRC form of a kept message: `* nick text` by `nick` is `\x01ACTION text\x01`.
pub fn text_to_action<'a>(sender: &str, text: &'a str) -> std::borrow::Cow<'a, str> {
    let action = text
        .strip_prefix("* ")
        .and_then(|t| t.strip_prefix(sender))
        .and_then(|t| t.strip_prefix(' '));
    match action {
        Some(body) => std::borrow::Cow::Owned(format!("\x01ACTION {body}\x01")),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// Standard base64 decoding (padding optional); `None` for anything else.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let s = s.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

/// Free text of an IRC command that other dialects show and chatd may store (a topic, an away
/// text, a reason): formatting removed, and the characters native text may not carry
/// (`forbidden_in_text`: control and direction characters) dropped.
pub fn plain_text(text: &str) -> String {
    strip_formatting(text)
        .chars()
        .filter(|c| !crate::proto::parse::forbidden_in_text(*c))
        .collect()
}
