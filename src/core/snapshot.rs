//! What the store loads at start-up for the core, and how the core's world is built from it.

use super::state::World;
use crate::jobs::{BanRow, MessageRow, MessageTarget};
use std::rc::Rc;

/// An account as loaded.
#[derive(Debug, Clone, Default)]
pub struct AccountRow {
    pub id: i64,
    pub name: String,
    pub last_seen_ms: Option<i64>,
    pub last_ip: Option<String>,
}

/// A channel as loaded.
#[derive(Debug, Clone, Default)]
pub struct ChannelRow {
    pub id: i64,
    pub name: String,
    pub owner: i64,
    pub private: bool,
    pub topic: Option<super::state::Topic>,
}

/// The stored state the core starts from.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    pub accounts: Vec<AccountRow>,
    pub channels: Vec<ChannelRow>,
    /// (account, channel)
    pub members: Vec<(i64, i64)>,
    /// (channel, account)
    pub ops: Vec<(i64, i64)>,
    /// Pending join requests: (channel, account, requested at)
    pub requests: Vec<(i64, i64, i64)>,
    pub bans: Vec<BanRow>,
    /// The latest messages of each channel, oldest first.
    pub recent: Vec<MessageRow>,
    pub max_message_id: u64,
    pub max_channel_id: i64,
    pub max_ban_id: i64,
    /// The previous run did not stop cleanly: acknowledged messages may be missing, and their
    /// ids must not be given out again.
    pub unclean: bool,
}

impl World {
    /// Builds the world from a snapshot, keeping `keep_recent` messages per channel.
    pub fn from_snapshot(snap: &Snapshot, keep_recent: usize) -> World {
        let mut w = World::default();
        for a in &snap.accounts {
            w.add_account(a.id, &a.name);
            let acc = w.accounts.get_mut(&a.id).expect("just added");
            acc.last_seen_ms = a.last_seen_ms;
            acc.last_ip = a.last_ip.as_deref().and_then(|t| t.parse().ok());
        }
        for c in &snap.channels {
            w.add_channel(c.id, &c.name, c.owner);
            let channel = w.channels.get_mut(&c.id).expect("just added");
            channel.private = c.private;
            channel.topic = c.topic.clone();
        }
        for (account, channel) in &snap.members {
            w.join(*account, *channel);
        }
        for (channel, account) in &snap.ops {
            if let Some(c) = w.channels.get_mut(channel) {
                c.ops.insert(*account);
            }
        }
        for (channel, account, at) in &snap.requests {
            if let Some(c) = w.channels.get_mut(channel) {
                c.requests.insert(*account, *at);
            }
        }
        for m in &snap.recent {
            if let MessageTarget::Channel(c) = m.target {
                let text = Rc::from(m.text.as_str());
                w.remember(c, m.id, m.time_ms, m.sender, text, keep_recent);
            }
        }
        // a channel with as many messages as were loaded may have older ones on disk
        for c in w.channels.values_mut() {
            c.recent_complete = c.recent.len() < keep_recent;
        }
        w
    }
}
