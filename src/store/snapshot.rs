//! Start-up: the clean-stop marker and the snapshot of state the core starts from.

use super::rows::ban_row;
use crate::core::Snapshot;
use crate::core::snapshot::{AccountRow, ChannelRow};
use crate::jobs::{MessageRow, MessageTarget};
use rusqlite::{Connection, OptionalExtension, params};

type Res<T> = rusqlite::Result<T>;

/// Marks the database in use; true if the previous run never marked a clean stop.
pub fn mark_running(db: &Connection) -> Res<bool> {
    let sql = "SELECT value FROM meta WHERE key = 'running'";
    let was: Option<String> = db.query_row(sql, [], |r| r.get(0)).optional()?;
    db.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('running', '1')",
        [],
    )?;
    Ok(was.as_deref() == Some("1"))
}

/// Marks a clean stop.
pub fn mark_stopped(db: &Connection) -> Res<usize> {
    db.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('running', '0')",
        [],
    )
}

fn pairs(db: &Connection, sql: &str) -> Res<Vec<(i64, i64)>> {
    let mut st = db.prepare(sql)?;
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect()
}

/// Loads what the core starts from, with the latest `recent` messages of each channel.
pub fn load(db: &Connection, recent: usize) -> Res<Snapshot> {
    let mut snap = Snapshot::default();
    let mut st = db.prepare("SELECT id, name, last_seen_ms, last_ip FROM accounts")?;
    snap.accounts = st
        .query_map([], |r| {
            Ok(AccountRow {
                id: r.get(0)?,
                name: r.get(1)?,
                last_seen_ms: r.get(2)?,
                last_ip: r.get(3)?,
            })
        })?
        .collect::<Res<_>>()?;
    let mut st =
        db.prepare("SELECT id, name, owner, private, topic, topic_by, topic_ms FROM channels")?;
    snap.channels = st
        .query_map([], |r| {
            let topic: Option<String> = r.get(4)?;
            Ok(ChannelRow {
                id: r.get(0)?,
                name: r.get(1)?,
                owner: r.get::<_, Option<i64>>(2)?.unwrap_or(crate::core::NO_OWNER),
                private: r.get(3)?,
                topic: match topic {
                    Some(text) => Some(crate::core::Topic {
                        text,
                        by: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                        at_ms: r.get::<_, Option<i64>>(6)?.unwrap_or_default(),
                    }),
                    None => None,
                },
            })
        })?
        .collect::<Res<_>>()?;
    snap.members = pairs(db, "SELECT account, channel FROM memberships")?;
    snap.ops = pairs(db, "SELECT channel, account FROM channel_ops")?;
    let mut st = db.prepare(
        "SELECT channel, account, requested_ms FROM join_requests WHERE status = 'pending'",
    )?;
    snap.requests = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Res<_>>()?;
    let mut st =
        db.prepare("SELECT id, account, net, by_name, created_ms, expires_ms, reason FROM bans")?;
    snap.bans = st.query_map([], ban_row)?.collect::<Res<_>>()?;
    for c in &snap.channels {
        snap.recent.extend(recent_messages(db, c.id, recent)?);
    }
    let max = |sql: &str| {
        db.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
            .map(Option::unwrap_or_default)
    };
    snap.max_message_id = max("SELECT max(id) FROM messages")? as u64;
    snap.max_channel_id = max("SELECT max(id) FROM channels")?;
    snap.max_ban_id = max("SELECT max(id) FROM bans")?;
    Ok(snap)
}

fn recent_messages(db: &Connection, channel: i64, n: usize) -> Res<Vec<MessageRow>> {
    let sql = "SELECT id, time_ms, sender, text FROM messages WHERE channel = ?1 ORDER BY id DESC LIMIT ?2";
    let mut st = db.prepare_cached(sql)?;
    let rows = st.query_map(params![channel, n as i64], |r| {
        Ok(MessageRow {
            id: r.get::<_, i64>(0)? as u64,
            time_ms: r.get(1)?,
            sender: r.get(2)?,
            target: MessageTarget::Channel(channel),
            text: r.get(3)?,
        })
    })?;
    let mut rows = rows.collect::<Res<Vec<_>>>()?;
    rows.reverse();
    Ok(rows)
}
