//! The writer's plain writes: one statement per job, prepared once.

use super::rows::conv_key;
use crate::jobs::{MessageRow, MessageTarget, RequestStatus, StoreJob};
use rusqlite::{Connection, params};

type Res<T> = rusqlite::Result<T>;

/// Applies a job that only writes.
pub fn write(db: &Connection, job: &StoreJob) -> Res<usize> {
    let run = |sql: &str, p: &[&dyn rusqlite::ToSql]| db.prepare_cached(sql)?.execute(p);
    match job {
        StoreJob::InsertMessage(m) => insert_message(db, m),
        StoreJob::TouchAccount { id, ip, at_ms } => run(
            "UPDATE accounts SET last_ip = ?1, last_seen_ms = ?2 WHERE id = ?3",
            params![ip, at_ms, id],
        ),
        StoreJob::CreateChannel {
            id,
            name,
            owner,
            at_ms,
        } => run(
            "INSERT INTO channels (id, name, owner, created_ms) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                name,
                (*owner != crate::core::NO_OWNER).then_some(owner),
                at_ms
            ],
        ),
        StoreJob::AddMember {
            account,
            channel,
            at_ms,
        } => run(
            "INSERT OR IGNORE INTO memberships (account, channel, joined_ms) VALUES (?1, ?2, ?3)",
            params![account, channel, at_ms],
        ),
        StoreJob::RemoveMember { account, channel } => run(
            "DELETE FROM memberships WHERE account = ?1 AND channel = ?2",
            params![account, channel],
        ),
        StoreJob::AddBan(b) => run(
            "INSERT INTO bans (id, account, net, by_name, created_ms, expires_ms, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                b.id,
                b.account,
                b.net,
                b.by,
                b.created_ms,
                b.expires_ms,
                b.reason
            ],
        ),
        StoreJob::RemoveBan { id } => run("DELETE FROM bans WHERE id = ?1", params![id]),
        StoreJob::DropChannel { id } => drop_channel(db, *id),
        StoreJob::SetPrivate { channel, private } => run(
            "UPDATE channels SET private = ?1 WHERE id = ?2",
            params![private, channel],
        ),
        StoreJob::AddOp { channel, account } => run(
            "INSERT OR IGNORE INTO channel_ops (channel, account) VALUES (?1, ?2)",
            params![channel, account],
        ),
        StoreJob::RemoveOp { channel, account } => run(
            "DELETE FROM channel_ops WHERE channel = ?1 AND account = ?2",
            params![channel, account],
        ),
        StoreJob::SetRequest {
            channel,
            account,
            status: RequestStatus::Pending,
            at_ms,
            ..
        } => run(
            "INSERT OR REPLACE INTO join_requests (channel, account, status, requested_ms) VALUES (?1, ?2, 'pending', ?3)",
            params![channel, account, at_ms],
        ),
        StoreJob::SetRequest {
            channel,
            account,
            status,
            at_ms,
            by,
        } => run(
            "UPDATE join_requests SET status = ?1, decided_ms = ?2, decided_by = ?3 WHERE channel = ?4 AND account = ?5",
            params![status.as_str(), at_ms, by, channel, account],
        ),
        StoreJob::InsertAudit(a) => run(
            "INSERT INTO audit (time_ms, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![a.time_ms, a.actor, a.action, a.target, a.detail],
        ),
        StoreJob::CreateAccount { .. }
        | StoreJob::FindAccount { .. }
        | StoreJob::History { .. }
        | StoreJob::Audit { .. }
        | StoreJob::RenameAccount { .. } => unreachable!("not a plain write: {job:?}"),
    }
}

fn insert_message(db: &Connection, m: &MessageRow) -> Res<usize> {
    let (channel, recipient, conv) = match m.target {
        MessageTarget::Channel(c) => (Some(c), None, None),
        MessageTarget::Account(a) => (None, Some(a), Some(conv_key(m.sender, a))),
    };
    let sql = "INSERT INTO messages (id, time_ms, sender, channel, recipient, conv, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    db.prepare_cached(sql)?.execute(params![
        m.id as i64,
        m.time_ms,
        m.sender,
        channel,
        recipient,
        conv,
        m.text
    ])
}

fn drop_channel(db: &Connection, id: i64) -> Res<usize> {
    let mut n = 0;
    for table in ["messages", "memberships", "channel_ops", "join_requests"] {
        let sql = format!("DELETE FROM {table} WHERE channel = ?1");
        n += db.prepare_cached(&sql)?.execute([id])?;
    }
    n += db
        .prepare_cached("DELETE FROM channels WHERE id = ?1")?
        .execute([id])?;
    Ok(n)
}
