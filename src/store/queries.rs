//! The jobs someone waits on: account creation and renaming, and the reads (accounts,
//! history, the audit log). Plain writes are in `writes`; `apply` dispatches between them.
//!
//! Every statement goes through `prepare_cached`, so the writer prepares each one once.

use super::rows::{conv_key, is_constraint};
use crate::jobs::{AccountRecord, AuditRow, CreateError, HistoryQuery, HistoryRow, MessageTarget};
use rusqlite::{Connection, OptionalExtension, params};

type Res<T> = rusqlite::Result<T>;

/// Inserts an account; `NameTaken` if the name (case-insensitively) exists. An outer `Err` is
/// a storage error.
pub fn create_account(
    db: &Connection,
    name: &str,
    hash: &str,
    admin: bool,
    at_ms: i64,
) -> Res<Result<AccountRecord, CreateError>> {
    let role = if admin { "admin" } else { "user" };
    let sql = "INSERT INTO accounts (name, hash, role, created_ms) VALUES (?1, ?2, ?3, ?4)";
    match db
        .prepare_cached(sql)
        .and_then(|mut st| st.execute(params![name, hash, role, at_ms]))
    {
        Ok(_) => Ok(Ok(AccountRecord {
            id: db.last_insert_rowid(),
            name: name.to_owned(),
            hash: hash.to_owned(),
        })),
        Err(e) if is_constraint(&e) => Ok(Err(CreateError::NameTaken)),
        Err(e) => Err(e),
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

/// The latest `limit` messages before `before`, oldest first.
pub fn history(db: &Connection, q: &HistoryQuery) -> Res<Vec<HistoryRow>> {
    let (column, key) = match q.target {
        MessageTarget::Channel(c) => ("channel", c),
        MessageTarget::Account(a) => ("conv", conv_key(q.me, a)),
    };
    // the latest before `before`, or the first after `after`: oldest first either way
    let order = if q.after.is_some() { "ASC" } else { "DESC" };
    let sql = format!(
        "SELECT id, time_ms, sender, channel, recipient, text FROM messages \
         WHERE {column} = ?1 AND id < ?2 AND id > ?3 ORDER BY id {order} LIMIT ?4"
    );
    let before = q.before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
    let after = q.after.map_or(-1, |a| a.min(i64::MAX as u64) as i64);
    let mut st = db.prepare_cached(&sql)?;
    let rows = st.query_map(params![key, before, after, q.limit as i64], |r| {
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
    if q.after.is_none() {
        rows.reverse();
    }
    Ok(rows)
}

/// The latest `limit` audit records, oldest first.
pub fn audit(db: &Connection, limit: usize) -> Res<Vec<AuditRow>> {
    let sql = "SELECT time_ms, actor, action, target, detail FROM audit ORDER BY id DESC LIMIT ?1";
    let mut st = db.prepare_cached(sql)?;
    let rows = st.query_map([limit as i64], |r| {
        Ok(AuditRow {
            time_ms: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
            target: r.get(3)?,
            detail: r.get(4)?,
        })
    })?;
    let mut rows = rows.collect::<Res<Vec<_>>>()?;
    rows.reverse();
    Ok(rows)
}

/// Renames an account; `NameTaken` if another account has the name. An outer `Err` is a
/// storage error.
pub fn rename_account(db: &Connection, id: i64, name: &str) -> Res<Result<(), CreateError>> {
    let sql = "UPDATE accounts SET name = ?1 WHERE id = ?2";
    match db
        .prepare_cached(sql)
        .and_then(|mut st| st.execute(params![name, id]))
    {
        Ok(_) => Ok(Ok(())),
        Err(e) if is_constraint(&e) => Ok(Err(CreateError::NameTaken)),
        Err(e) => Err(e),
    }
}
