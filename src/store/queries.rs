//! The SQL: loading the start-up snapshot, applying writer jobs, answering history queries.
//!
//! Every statement goes through `prepare_cached`, so the writer prepares each one once.

use crate::core::Snapshot;
use crate::jobs::{
    AccountRecord, BanRow, Completion, CreateError, HistoryQuery, HistoryRow, MessageRow,
    MessageTarget, StoreJob,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

type Res<T> = rusqlite::Result<T>;

/// The key of the private conversation between two accounts.
pub fn conv_key(a: i64, b: i64) -> i64 {
    (a.min(b) << 32) | a.max(b)
}

/// Marks the database in use; true if the previous run never marked a clean stop.
pub fn mark_running(db: &Connection) -> Res<bool> {
    let was: Option<String> = db
        .query_row("SELECT value FROM meta WHERE key = 'running'", [], |r| {
            r.get(0)
        })
        .optional()?;
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

/// Loads what the core starts from, with the latest `recent` messages of each channel.
pub fn load_snapshot(db: &Connection, recent: usize) -> Res<Snapshot> {
    let mut snap = Snapshot::default();
    let mut st = db.prepare("SELECT id, name FROM accounts")?;
    snap.accounts = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Res<_>>()?;
    let mut st = db.prepare("SELECT id, name, owner FROM channels")?;
    snap.channels = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Res<_>>()?;
    let mut st = db.prepare("SELECT account, channel FROM memberships")?;
    snap.members = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Res<_>>()?;
    let mut st =
        db.prepare("SELECT id, account, net, by_name, created_ms, expires_ms, reason FROM bans")?;
    snap.bans = st.query_map([], ban_row)?.collect::<Res<_>>()?;
    let mut st = db.prepare(
        "SELECT id, time_ms, sender, channel, text FROM messages WHERE channel = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    for (channel, _, _) in &snap.channels {
        let rows = st.query_map(params![channel, recent as i64], |r| {
            let target = MessageTarget::Channel(r.get(3)?);
            Ok(MessageRow {
                id: r.get::<_, i64>(0)? as u64,
                time_ms: r.get(1)?,
                sender: r.get(2)?,
                target,
                text: r.get(4)?,
            })
        })?;
        let mut rows = rows.collect::<Res<Vec<_>>>()?;
        rows.reverse();
        snap.recent.extend(rows);
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

fn ban_row(r: &Row) -> Res<BanRow> {
    Ok(BanRow {
        id: r.get(0)?,
        account: r.get(1)?,
        net: r.get(2)?,
        by: r.get(3)?,
        created_ms: r.get(4)?,
        expires_ms: r.get(5)?,
        reason: r.get(6)?,
    })
}

/// Inserts an account; `NameTaken` if the name (case-insensitively) exists.
pub fn create_account(
    db: &Connection,
    name: &str,
    hash: &str,
    admin: bool,
    at_ms: i64,
) -> Result<AccountRecord, CreateError> {
    let role = if admin { "admin" } else { "user" };
    let sql = "INSERT INTO accounts (name, hash, role, created_ms) VALUES (?1, ?2, ?3, ?4)";
    match db
        .prepare_cached(sql)
        .and_then(|mut st| st.execute(params![name, hash, role, at_ms]))
    {
        Ok(_) => Ok(AccountRecord {
            id: db.last_insert_rowid(),
            name: name.to_owned(),
            hash: hash.to_owned(),
        }),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(CreateError::NameTaken)
        }
        Err(e) => {
            log::error!("creating account {name}: {e}");
            Err(CreateError::Storage)
        }
    }
}

/// Finds an account by name, case-insensitively.
pub fn find_account(db: &Connection, name: &str) -> Res<Option<AccountRecord>> {
    let mut st = db.prepare_cached("SELECT id, name, hash FROM accounts WHERE name = ?1")?;
    st.query_row([name], |r| {
        Ok(AccountRecord {
            id: r.get(0)?,
            name: r.get(1)?,
            hash: r.get(2)?,
        })
    })
    .optional()
}

/// Applies one job; a job someone waits on yields its completion.
pub fn apply(db: &Connection, job: StoreJob) -> Option<Completion> {
    match job {
        StoreJob::CreateAccount {
            conn,
            name,
            hash,
            admin,
            at_ms,
        } => {
            let result = create_account(db, &name, &hash, admin, at_ms);
            Some(Completion::AccountCreated { conn, result })
        }
        StoreJob::FindAccount { conn, name } => {
            let account = find_account(db, &name).unwrap_or_else(|e| {
                log::error!("looking up account {name}: {e}");
                None
            });
            Some(Completion::AccountFound { conn, account })
        }
        StoreJob::History { conn, query } => {
            let rows = history(db, &query)
                .map_err(|e| log::error!("history query: {e}"))
                .ok();
            Some(Completion::History { conn, rows })
        }
        write => {
            if let Err(e) = write_job(db, &write) {
                log::error!("storing {write:?}: {e}");
            }
            None
        }
    }
}

fn write_job(db: &Connection, job: &StoreJob) -> Res<usize> {
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
            params![id, name, owner, at_ms],
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
        StoreJob::CreateAccount { .. }
        | StoreJob::FindAccount { .. }
        | StoreJob::History { .. } => Ok(0),
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

/// The latest `limit` messages before `before`, oldest first.
pub fn history(db: &Connection, q: &HistoryQuery) -> Res<Vec<HistoryRow>> {
    let (column, key) = match q.target {
        MessageTarget::Channel(c) => ("channel", c),
        MessageTarget::Account(a) => ("conv", conv_key(q.me, a)),
    };
    let sql = format!(
        "SELECT m.id, m.time_ms, s.name, m.channel, r.name, m.text FROM messages m \
         JOIN accounts s ON s.id = m.sender LEFT JOIN accounts r ON r.id = m.recipient \
         WHERE m.{column} = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3"
    );
    let before = q.before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
    let mut st = db.prepare_cached(&sql)?;
    let rows = st.query_map(params![key, before, q.limit as i64], |r| {
        Ok(HistoryRow {
            id: r.get::<_, i64>(0)? as u64,
            time_ms: r.get(1)?,
            sender: r.get(2)?,
            channel: r.get(3)?,
            recipient: r.get(4)?,
            text: r.get(5)?,
        })
    })?;
    let mut rows = rows.collect::<Res<Vec<_>>>()?;
    rows.reverse();
    Ok(rows)
}
