//! Conversations: channels and private talks, their messages, and what the server says.
//!
//! `Model::line` takes one server line. Events (MSG, PRIVMSG, JOIN, ...) change the
//! conversations at once; data lines (HIST, NAME, CHANNEL) belong to the command at the front
//! of `expect`, and its final line (OK or FAIL) ends it.

use crate::model::{Model, Screen};
use chatd::proto::human::hhmm;
use std::collections::BTreeMap;

/// A message as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub id: u64,
    /// `02:13`
    pub time: String,
    pub sender: String,
    pub text: String,
}

/// A channel (`#...`) or a private conversation (the other's name).
#[derive(Debug, Clone, Default)]
pub struct Conv {
    pub target: String,
    /// By id, so pages fetched in any order merge without duplicates.
    pub msgs: BTreeMap<u64, Msg>,
    pub unread: usize,
    /// Lines scrolled up from the bottom.
    pub scroll: usize,
    /// No older messages on the server.
    pub complete: bool,
    pub fetching: bool,
}

/// What the reply at the front of the queue belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Login,
    List(Vec<String>),
    Names(String, Vec<(String, String)>),
    History(String, usize),
    Sent(String, String),
    Join(String),
    Other,
}

/// How many messages one page fetches.
pub const PAGE: usize = 50;

impl Model {
    /// One line from the server.
    pub fn line(&mut self, line: &str) {
        let (head, text) = line.split_once(" :").map_or((line, ""), |(h, t)| (h, t));
        let w: Vec<&str> = head.split(' ').collect();
        match w[0] {
            "OK" | "FAIL" => self.final_reply(&w, text),
            "HIST" => self.data_hist(line.strip_prefix("HIST ").unwrap_or("")),
            "NAME" | "CHANNEL" => self.data(&w),
            "MSG" | "PRIVMSG" => {
                let (target, msg) = parse_msg(&w, text, self.me.as_deref());
                self.add(&target, msg, true);
            }
            "JOIN" | "PART" | "KICK" | "ONLINE" | "OFFLINE" | "AWAY" | "BACK" | "RENAMED" => {
                self.presence(&w)
            }
            "REQUEST" => {
                self.notice = Some(format!(
                    "{} asks to join {}: /accept {} {}",
                    w[2], w[1], w[1], w[2]
                ))
            }
            "ACCEPTED" => self.send(format!("JOIN {}", w[1]), Expect::Join(w[1].to_owned())),
            "REJECTED" => {
                self.notice = Some(format!("your request to join {} was turned down", w[1]))
            }
            "PING" => self.out.push(crate::model::Effect::Send(format!(
                "PONG {}",
                w.get(1).unwrap_or(&"")
            ))),
            "BYE" => self.notice = Some(format!("the server said goodbye: {text}")),
            _ => {}
        }
    }

    fn final_reply(&mut self, w: &[&str], text: &str) {
        let expect = self.expect.pop_front().unwrap_or(Expect::Other);
        if w[0] == "FAIL" {
            self.notice = Some(text.to_owned());
            if let Expect::History(t, _) = &expect
                && let Some(c) = self.conv_mut(t)
            {
                c.fetching = false;
            }
            return;
        }
        match expect {
            Expect::Login => self.logged_in(w[2]),
            Expect::List(chans) => {
                for c in chans {
                    self.send(format!("NAMES {c}"), Expect::Names(c.clone(), Vec::new()));
                }
            }
            Expect::Names(chan, names) => self.names_done(&chan, names),
            Expect::History(target, n) => self.history_done(&target, n),
            Expect::Sent(target, text) => {
                let me = self.me.clone().unwrap_or_default();
                let time = w.get(4).map_or("", |t| hhmm(t)).to_owned();
                let id = w.get(3).and_then(|i| i.parse().ok()).unwrap_or(0);
                self.add(
                    &target,
                    Msg {
                        id,
                        time,
                        sender: me,
                        text,
                    },
                    false,
                );
            }
            Expect::Join(chan) if w.get(3) != Some(&"PENDING") => {
                let chan = w.get(2).map_or(chan, |c| (*c).to_owned());
                let i = self.open(&chan);
                self.current = i;
                self.refresh_members();
            }
            Expect::Join(chan) => {
                self.notice = Some(format!("{chan} is private: your request waits"))
            }
            Expect::Other => {}
        }
    }

    fn logged_in(&mut self, name: &str) {
        self.me = Some(name.to_owned());
        self.screen = Screen::Chat;
        self.notice = Some(format!(
            "logged in as {name}. /join #channel, /pm name text, Ctrl-N/Ctrl-P switch, PageUp scrolls"
        ));
        self.send("LIST".into(), Expect::List(Vec::new()));
    }

    fn data(&mut self, w: &[&str]) {
        match (self.expect.front_mut(), w[0]) {
            (Some(Expect::List(chans)), "CHANNEL") => chans.push(w[1].to_owned()),
            (Some(Expect::Names(_, names)), "NAME") if w.len() == 4 => {
                names.push((w[2].to_owned(), w[3].to_owned()))
            }
            _ => {}
        }
    }

    fn data_hist(&mut self, event: &str) {
        let (head, text) = event.split_once(" :").unwrap_or((event, ""));
        let w: Vec<&str> = head.split(' ').collect();
        let (target, msg) = parse_msg(&w, text, self.me.as_deref());
        if let Some(Expect::History(_, n)) = self.expect.front_mut() {
            *n += 1;
        }
        self.add(&target, msg, false);
    }

    fn names_done(&mut self, chan: &str, names: Vec<(String, String)>) {
        let me = self.me.clone().unwrap_or_default();
        let member = names.iter().any(|(n, _)| n.eq_ignore_ascii_case(&me));
        if member && self.conv_index(chan).is_none() {
            self.open(chan);
        }
        if self
            .convs
            .get(self.current)
            .is_some_and(|c| c.target.eq_ignore_ascii_case(chan))
        {
            self.members = names;
        }
    }

    fn history_done(&mut self, target: &str, n: usize) {
        if let Some(c) = self.conv_mut(target) {
            c.fetching = false;
            c.complete |= n < PAGE;
        }
    }

    /// Adds a message to its conversation (opening it if needed).
    fn add(&mut self, target: &str, msg: Msg, live: bool) {
        let i = self.conv_index(target).unwrap_or_else(|| self.open(target));
        let current = i == self.current && self.screen == Screen::Chat;
        let c = &mut self.convs[i];
        if c.msgs.insert(msg.id, msg).is_none() && live && !current {
            c.unread += 1;
        }
    }

    /// Opens a conversation and fetches its latest page; returns its index.
    pub(crate) fn open(&mut self, target: &str) -> usize {
        if let Some(i) = self.conv_index(target) {
            return i;
        }
        self.convs.push(Conv {
            target: target.to_owned(),
            fetching: true,
            ..Default::default()
        });
        self.send(
            format!("HISTORY {target} {PAGE}"),
            Expect::History(target.to_owned(), 0),
        );
        self.convs.len() - 1
    }

    pub(crate) fn conv_index(&self, target: &str) -> Option<usize> {
        self.convs
            .iter()
            .position(|c| c.target.eq_ignore_ascii_case(target))
    }

    fn conv_mut(&mut self, target: &str) -> Option<&mut Conv> {
        let i = self.conv_index(target)?;
        self.convs.get_mut(i)
    }

    /// Asks for the current channel's members.
    pub(crate) fn refresh_members(&mut self) {
        self.members.clear();
        if let Some(c) = self
            .convs
            .get(self.current)
            .filter(|c| c.target.starts_with('#'))
        {
            let t = c.target.clone();
            self.send(format!("NAMES {t}"), Expect::Names(t, Vec::new()));
        }
    }

    fn presence(&mut self, w: &[&str]) {
        let me = self.me.clone().unwrap_or_default();
        match w {
            ["KICK", chan, name, ..] if name.eq_ignore_ascii_case(&me) => {
                self.notice = Some(format!("you were kicked from {chan}"));
                if let Some(i) = self.conv_index(chan) {
                    self.convs.remove(i);
                    self.current = 0;
                }
            }
            ["RENAMED", old, new] => {
                for m in &mut self.members {
                    if m.0 == *old {
                        m.0 = (*new).to_owned();
                    }
                }
            }
            _ => self.refresh_members(),
        }
    }
}

/// (conversation, message) from the words of a MSG or PRIVMSG line. A private conversation
/// is named after the other party.
fn parse_msg(w: &[&str], text: &str, me: Option<&str>) -> (String, Msg) {
    let get = |i: usize| w.get(i).copied().unwrap_or("");
    let (sender, target) = if get(0) == "MSG" {
        (get(2), get(1))
    } else if me.is_some_and(|m| m.eq_ignore_ascii_case(get(1))) {
        (get(1), get(2))
    } else {
        (get(1), get(1))
    };
    let id = get(3).parse().unwrap_or(0);
    let msg = Msg {
        id,
        time: hhmm(get(4)).to_owned(),
        sender: sender.to_owned(),
        text: text.to_owned(),
    };
    (target.to_owned(), msg)
}
