//! What a person does in the chat screen: typed lines, switching and scrolling.

use crate::conv::{Expect, PAGE};
use crate::model::{Effect, Model, Screen};

impl Model {
    /// A line typed in the chat: a `/` command, or a message to the current conversation.
    pub(crate) fn submit_line(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        let target = self.convs.get(self.current).map(|c| c.target.clone());
        let words: Vec<&str> = line.splitn(3, ' ').collect();
        match words.as_slice() {
            ["/quit", ..] => self.out.push(Effect::Quit),
            ["/logout"] => {
                self.send("LOGOUT".into(), Expect::Other);
                let out = std::mem::take(&mut self.out);
                *self = Model {
                    screen: Screen::Login,
                    connected: true,
                    out,
                    ..Model::new(&self.server, false)
                };
            }
            ["/join", chan] => self.send(format!("JOIN {chan}"), Expect::Join((*chan).to_owned())),
            ["/pm" | "/msg", name, text] if !name.starts_with('#') => {
                self.current = self.open(name);
                self.say(name, text);
            }
            ["/pm" | "/query", name] => self.current = self.open(name),
            _ if !line.starts_with('/') => match target {
                Some(t) => self.say(&t, line),
                None => self.notice = Some("join a channel first: /join #lobby".into()),
            },
            _ => self.command(line, target.as_deref()),
        }
    }

    /// Sends text to a conversation; it is shown when the server acknowledges it.
    fn say(&mut self, target: &str, text: &str) {
        let verb = if target.starts_with('#') {
            "MSG"
        } else {
            "PRIVMSG"
        };
        self.send(
            format!("{verb} {target} :{text}"),
            Expect::Sent(target.to_owned(), text.to_owned()),
        );
    }

    /// Any other `/command`, as chat mode reads it (`/shrug`, `/away`, `/part`, `/kick` ...).
    fn command(&mut self, line: &str, target: Option<&str>) {
        let channel = target.filter(|t| t.starts_with('#'));
        let me = self.me.clone().unwrap_or_default();
        match chatd::proto::human::from_person(line, channel, &me) {
            Ok(proto) if proto.starts_with("MSG ") => {
                let (chan, text) = proto[4..].split_once(" :").unwrap_or(("", ""));
                let expect = Expect::Sent(chan.to_owned(), text.to_owned());
                self.send(proto, expect);
            }
            Ok(proto) => {
                if let Some(chan) = proto.strip_prefix("PART ")
                    && let Some(i) = self.conv_index(chan.split(' ').next().unwrap_or(""))
                {
                    self.convs.remove(i);
                    self.current = 0;
                }
                self.send(proto, Expect::Other);
            }
            Err(why) => self.notice = Some(why.to_owned()),
        }
    }

    /// Moves `by` conversations along (wrapping).
    pub(crate) fn switch(&mut self, by: usize) {
        if self.convs.is_empty() {
            return;
        }
        self.current = (self.current + by) % self.convs.len();
        self.convs[self.current].unread = 0;
        self.refresh_members();
    }

    /// Scrolls back; near the oldest loaded message, fetches the page before it.
    pub(crate) fn scroll_up(&mut self, lines: usize) {
        let Some(c) = self.convs.get_mut(self.current) else {
            return;
        };
        c.scroll += lines;
        if c.scroll + 20 >= c.msgs.len() && !c.complete && !c.fetching {
            c.fetching = true;
            let (target, before) = (
                c.target.clone(),
                c.msgs.keys().next().copied().unwrap_or(u64::MAX),
            );
            self.send(
                format!("HISTORY {target} {PAGE} {before}"),
                Expect::History(target, 0),
            );
        }
    }

    pub(crate) fn scroll_down(&mut self, lines: usize) {
        if let Some(c) = self.convs.get_mut(self.current) {
            c.scroll = c.scroll.saturating_sub(lines);
        }
    }
}
