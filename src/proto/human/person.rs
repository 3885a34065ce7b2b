//! Chat mode's parser: a person's line (`/msg bob hi`, plain text) turned into the protocol line
//! it stands for. Free text (a message, a reason, an away text) always goes behind ` :`, so what
//! a person types arrives as typed, a leading `:` included.

/// How many words come before a command's free text, given all its words.
type WordsBefore = fn(&[&str]) -> usize;

/// Verbs whose last argument is free text: the slash verb, the protocol verb (empty: MSG or
/// PRIVMSG by the target), and how many words come before the text.
const TEXT_VERBS: &[(&str, &str, WordsBefore)] = &[
    ("msg", "", |_| 1),
    ("pm", "PRIVMSG", |_| 1),
    ("query", "PRIVMSG", |_| 1),
    ("privmsg", "PRIVMSG", |_| 1),
    ("away", "AWAY", |_| 0),
    ("quit", "QUIT", |_| 0),
    ("part", "PART", |_| 1),
    ("kick", "KICK", |w| if is_channel(w[0]) { 2 } else { 1 }),
    ("ban", "BAN", |w| {
        1 + usize::from(w.len() > 1 && is_duration(w[1]))
    }),
];

fn is_channel(word: &str) -> bool {
    word.starts_with('#')
}

/// `[0-9]+[smhd]`, as BAN reads its second word.
fn is_duration(word: &str) -> bool {
    let digits = word.trim_end_matches(['s', 'm', 'h', 'd']);
    word.len() == digits.len() + 1
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The protocol line a chat-mode line stands for, given the current channel and the user's
/// name; `Err` is what to tell the person instead.
pub fn from_person(line: &str, current: Option<&str>, me: &str) -> Result<String, &'static str> {
    let here = || current.ok_or("join a channel first: /join #lobby");
    let Some(cmd) = line.strip_prefix('/') else {
        return Ok(format!("MSG {} :{line}", here()?));
    };
    let (verb, rest) = cmd.split_once(' ').unwrap_or((cmd, ""));
    let (verb, rest) = (verb.to_ascii_lowercase(), rest.trim_start());
    let face = |face: &str| match rest {
        "" => face.to_owned(),
        _ => format!("{rest} {face}"),
    };
    Ok(match verb.as_str() {
        "" => return Err("type /help for the commands"),
        "me" => format!("MSG {} :* {me} {rest}", here()?),
        "shrug" => format!("MSG {} :{}", here()?, face("¯\\_(ツ)_/¯")),
        "tableflip" => format!("MSG {} :{}", here()?, face("(╯°□°)╯︵ ┻━┻")),
        "unflip" => format!("MSG {} :{}", here()?, face("┬─┬ノ( º _ ºノ)")),
        "name" | "nick" => format!("RENAME {rest}"),
        "history" => history(rest, current)?,
        "topic" => topic(rest, current)?,
        "names" if rest.is_empty() => format!("NAMES {}", here()?),
        "part" if rest.is_empty() || !is_channel(rest) => with_text("PART", &[here()?], rest),
        "help" if rest.is_empty() => "HELP CHAT".to_owned(),
        "help" => format!("HELP {}", rest.trim_start_matches('/')),
        v => match TEXT_VERBS.iter().find(|(name, ..)| *name == v) {
            Some((_, proto, words)) => text_command(proto, *words, rest),
            None => format!("{} {rest}", v.to_ascii_uppercase())
                .trim_end()
                .to_owned(),
        },
    })
}

/// `/history` (the current channel), `/history 5`, `/history bob`, `/history #dev 5`.
fn history(rest: &str, current: Option<&str>) -> Result<String, &'static str> {
    let first = rest.split(' ').next().unwrap_or("");
    if !first.is_empty() && !first.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(format!("HISTORY {rest}"));
    }
    let here = current.ok_or("join a channel first, or say whose: /history bob")?;
    Ok(format!("HISTORY {here} {rest}").trim_end().to_owned())
}

/// `/topic` or `/topic #dev` shows a topic; `/topic text` or `/topic #dev text` sets it.
fn topic(rest: &str, current: Option<&str>) -> Result<String, &'static str> {
    let (channel, text) = match rest.split_once(' ') {
        Some((c, text)) if is_channel(c) => (c, text.trim_start()),
        _ if is_channel(rest) => (rest, ""),
        _ => (
            current.ok_or("join a channel first, or say which: /topic #dev")?,
            rest,
        ),
    };
    Ok(with_text("TOPIC", &[channel], text))
}

/// A command with free text: its first `words(..)` words as they are, the rest behind ` :`.
fn text_command(proto: &str, words: WordsBefore, rest: &str) -> String {
    let all: Vec<&str> = rest.split(' ').filter(|w| !w.is_empty()).collect();
    let proto = match proto {
        "" if all.first().is_some_and(|w| is_channel(w)) => "MSG",
        "" => "PRIVMSG",
        p => p,
    };
    if all.is_empty() {
        return proto.to_owned();
    }
    let n = words(&all).min(all.len());
    let mut text = rest;
    for _ in 0..n {
        text = text.trim_start();
        text = text.split_once(' ').map_or("", |(_, t)| t);
    }
    with_text(proto, &all[..n], text.trim_start())
}

/// `VERB word ... :text`, or without ` :text` when the text is empty.
fn with_text(verb: &str, words: &[&str], text: &str) -> String {
    let mut out = verb.to_owned();
    for w in words {
        out.push(' ');
        out.push_str(w);
    }
    if !text.is_empty() {
        out.push_str(" :");
        out.push_str(text);
    }
    out
}
