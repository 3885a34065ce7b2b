//! The chat state the core owns: sessions, accounts, channels, and the snapshot they start from.
//!
//! Accounts and channels are indexed by id and by case-insensitive key. Membership is kept on
//! both sides (account → channels, channel → members) and changed only through `World::join`
//! and `World::leave`, so the two never disagree.

use super::idmap::{IdMap, IdSet};
use crate::jobs::ConnId;
use crate::proto::key;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::IpAddr;
use std::rc::Rc;

/// What a session is waiting for, if anything; its input is held until then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    Register,
    /// `exempt`: the address is the one the account last logged in from (`guard::Attempt`).
    Login {
        name: String,
        password: String,
        exempt: bool,
    },
    History {
        target: String,
    },
    Audit,
    /// IRC's OPER: the admin's password is being checked (counted like a LOGIN).
    Oper {
        name: String,
        password: String,
        exempt: bool,
    },
    Rename {
        old: String,
        new: String,
    },
}

/// How a session talks: decided by its first non-empty line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Undecided,
    /// The strict protocol, for programs.
    Protocol,
    /// Chat mode, for people: `/` lines are commands, others are messages.
    Chat,
}

/// Why a user is away.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Away {
    pub text: Option<String>,
    /// Set by the server after `limits.away_after_secs` without a command; the next command
    /// ends it. An explicit AWAY lasts until BACK.
    pub auto: bool,
}

/// One connection's state.
#[derive(Debug)]
pub struct Session {
    pub ip: IpAddr,
    /// The connection came in over TLS.
    pub tls: bool,
    pub account: Option<i64>,
    /// Boxed: most sessions wait on nothing most of the time.
    pub pending: Option<Box<Pending>>,
    pub last_rx_ms: u64,
    pub ping_sent_ms: Option<u64>,
    pub login_deadline_ms: Option<u64>,
    pub bucket: super::guard::Bucket,
    /// Input is held back until then (the flood bucket ran dry).
    pub throttled_until: Option<u64>,
    pub mode: Mode,
    /// Chat mode: the channel plain lines go to.
    pub current: Option<i64>,
    /// Chat mode: the protocol line the person's last command became (its OK is read with it).
    pub asked: Option<Box<str>>,
    /// The connection's number, in the order they came (`slots::Slots`).
    pub seq: u64,
    /// Admitted into an admin slot: must log in as an admin soon.
    pub admin_slot: bool,
    /// An IRC session's state (`None`: a native one).
    pub irc: Option<Box<super::irc::IrcState>>,
}

/// An account known to the server, with its live sessions and its channels.
#[derive(Debug)]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub sessions: Vec<ConnId>,
    pub channels: IdSet<i64>,
    pub last_seen_ms: Option<i64>,
    pub last_ip: Option<IpAddr>,
    /// Boxed: few are away at once.
    pub away: Option<Box<Away>>,
    /// When the account last sent a command (monotonic ms), for going away by itself.
    pub last_command_ms: u64,
    /// The USER name of its IRC session, for its IRC mask (`Account::user`).
    pub user: Option<Box<str>>,
}

impl Account {
    /// The user part of its IRC mask (`nick!user@host`): the USER name of its IRC session, or
    /// its name; up to 9 characters.
    pub fn user(&self) -> &str {
        match &self.user {
            Some(u) => u,
            None => self
                .name
                .char_indices()
                .nth(9)
                .map_or(&self.name[..], |(i, _)| &self.name[..i]),
        }
    }
}

/// A recent channel message, kept for JOIN's replay and recent HISTORY.
#[derive(Debug, Clone)]
pub struct Recent {
    pub id: u64,
    pub time_ms: i64,
    pub sender: i64,
    pub text: Rc<str>,
    /// Its `HIST` line for programs, rendered at the first HISTORY that shows it and shared
    /// by the next ones (forgotten when an account is renamed).
    pub hist: std::cell::OnceCell<crate::proto::render::Line>,
}

impl Recent {
    /// The message as a history row of `channel`.
    pub fn row(&self, channel: i64) -> crate::jobs::HistoryRow {
        crate::jobs::HistoryRow {
            id: self.id,
            time_ms: self.time_ms,
            sender: self.sender,
            channel: Some(channel),
            recipient: None,
            text: self.text.to_string(),
        }
    }
}

/// A channel: its creator owns it.
#[derive(Debug)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub owner: i64,
    pub private: bool,
    /// Operators the owner named: they moderate the channel too.
    pub ops: IdSet<i64>,
    /// Pending join requests (private channels): account → when.
    pub requests: BTreeMap<i64, i64>,
    pub members: IdSet<i64>,
    /// The latest `limits.history_max` messages: JOIN replays the last ones, and a HISTORY
    /// they cover is answered from here without the database.
    pub recent: VecDeque<Recent>,
    /// `recent` holds the channel's whole history (nothing older was ever dropped from it).
    pub recent_complete: bool,
    pub topic: Option<Topic>,
    /// IRC modes chatd keeps in memory only (`core::irc::modes`).
    pub modes: super::irc::ChanModes,
}

/// A channel's topic: its text, who set it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub text: String,
    pub by: String,
    pub at_ms: i64,
}

/// Accounts and channels, by id and by key.
#[derive(Debug, Default)]
pub struct World {
    /// Boxed, like the core's sessions: the table's spare slots are pointers.
    pub accounts: IdMap<i64, Box<Account>>,
    pub account_keys: HashMap<String, i64>,
    pub channels: IdMap<i64, Channel>,
    pub channel_keys: HashMap<String, i64>,
}

impl World {
    pub fn add_account(&mut self, id: i64, name: &str) {
        self.account_keys.insert(key(name), id);
        self.accounts.entry(id).or_insert_with(|| {
            Box::new(Account {
                id,
                name: name.to_owned(),
                sessions: Vec::new(),
                channels: IdSet::default(),
                last_seen_ms: None,
                last_ip: None,
                away: None,
                last_command_ms: 0,
                user: None,
            })
        });
    }

    pub fn add_channel(&mut self, id: i64, name: &str, owner: i64) {
        self.channel_keys.insert(key(name), id);
        let recent = VecDeque::new();
        let members = IdSet::default();
        self.channels.insert(
            id,
            Channel {
                id,
                name: name.to_owned(),
                owner,
                private: false,
                ops: IdSet::default(),
                requests: BTreeMap::new(),
                members,
                recent,
                recent_complete: true,
                topic: None,
                modes: Default::default(),
            },
        );
    }

    /// Removes a channel and every membership in it; returns it.
    pub fn remove_channel(&mut self, id: i64) -> Channel {
        let c = self.channels.remove(&id).expect("a known channel");
        self.channel_keys.remove(&key(&c.name));
        for m in c.members.iter() {
            if let Some(a) = self.accounts.get_mut(m) {
                a.channels.remove(&id);
            }
        }
        c
    }

    pub fn account_by_name(&self, name: &str) -> Option<&Account> {
        by_key(&self.account_keys, name).and_then(|id| self.accounts.get(&id).map(|a| &**a))
    }

    pub fn channel_by_name(&self, name: &str) -> Option<&Channel> {
        by_key(&self.channel_keys, name).and_then(|id| self.channels.get(&id))
    }

    /// The account's name, or `?` for an id the server does not know.
    pub fn name_of(&self, id: i64) -> &str {
        self.accounts.get(&id).map_or("?", |a| a.name.as_str())
    }

    /// Adds a membership; false if it was there already.
    pub fn join(&mut self, account: i64, channel: i64) -> bool {
        let (Some(a), Some(c)) = (
            self.accounts.get_mut(&account),
            self.channels.get_mut(&channel),
        ) else {
            return false;
        };
        a.channels.insert(channel);
        c.members.insert(account)
    }

    /// Removes a membership; false if there was none.
    pub fn leave(&mut self, account: i64, channel: i64) -> bool {
        if let Some(a) = self.accounts.get_mut(&account) {
            a.channels.remove(&channel);
        }
        self.channels
            .get_mut(&channel)
            .is_some_and(|c| c.members.remove(&account))
    }

    /// Keeps a channel message for JOIN's replay, at most `keep` per channel.
    pub fn remember(
        &mut self,
        channel: i64,
        id: u64,
        time_ms: i64,
        sender: i64,
        text: Rc<str>,
        keep: usize,
    ) {
        if let Some(c) = self.channels.get_mut(&channel) {
            c.recent.push_back(Recent {
                id,
                time_ms,
                sender,
                text,
                hist: Default::default(),
            });
            while c.recent.len() > keep {
                c.recent.pop_front();
                c.recent_complete = false;
            }
        }
    }

    /// Every session of every member of `channel`.
    pub fn member_sessions(&self, channel: i64) -> impl Iterator<Item = ConnId> + '_ {
        let members = self
            .channels
            .get(&channel)
            .into_iter()
            .flat_map(|c| c.members.iter());
        members.flat_map(move |m| self.sessions_of(*m))
    }

    /// Every session of `account`.
    pub fn sessions_of(&self, account: i64) -> impl Iterator<Item = ConnId> + '_ {
        self.accounts
            .get(&account)
            .into_iter()
            .flat_map(|a| a.sessions.iter().copied())
    }

    /// `online`, `away` or `offline`.
    pub fn presence(&self, account: i64) -> &'static str {
        match self.accounts.get(&account) {
            Some(a) if a.sessions.is_empty() => "offline",
            Some(a) if a.away.is_some() => "away",
            Some(_) => "online",
            None => "offline",
        }
    }

    /// Gives an account a new name (its id, and so everything it owns, stays); the rendered
    /// history lines, which carry names, are rendered again when next asked for.
    pub fn rename(&mut self, id: i64, new: &str) {
        for c in self.channels.values_mut() {
            for m in c.recent.iter_mut() {
                m.hist.take();
            }
        }
        let Some(a) = self.accounts.get_mut(&id) else {
            return;
        };
        self.account_keys.remove(&key(&a.name));
        self.account_keys.insert(key(new), id);
        a.name = new.to_owned();
    }

    /// Sessions of the other accounts that share a channel with `account`.
    pub fn sharing_sessions(&self, account: i64) -> Vec<ConnId> {
        let mut others: Vec<i64> = self
            .accounts
            .get(&account)
            .into_iter()
            .flat_map(|a| a.channels.iter())
            .filter_map(|c| self.channels.get(c))
            .flat_map(|c| c.members.iter().copied())
            .filter(|m| *m != account)
            .collect();
        others.sort_unstable();
        others.dedup();
        others
            .into_iter()
            .flat_map(|a| self.sessions_of(a))
            .collect()
    }
}

/// Looks `name` up by its key; a name already in lower case (the usual case, on every MSG)
/// needs no new string.
fn by_key(keys: &HashMap<String, i64>, name: &str) -> Option<i64> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        keys.get(&key(name)).copied()
    } else {
        keys.get(name).copied()
    }
}
