//! The jobs someone waits on: account creation and renaming, and the reads (accounts,
//! history, the audit log). Plain writes are in `writes`; `apply` dispatches between them.
//!
//! Every statement goes through `prepare_cached` (the cache holds 64, `schema::open`), so the
//! writer prepares each one once.

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

/// The latest `limit` messages before `before` (or the first after `after`), oldest first.
///
/// Two steps: the page's ids from the (target, id) index alone, then its rows. When the ids lie
/// close together (the target had most of the traffic in that stretch, as a busy channel
/// does) the rows come from one range scan of the table; otherwise from one seek per id.
pub fn history(db: &Connection, q: &HistoryQuery) -> Res<Vec<HistoryRow>> {
    let (by_conv, key) = match q.target {
        MessageTarget::Channel(c) => (false, c),
        MessageTarget::Account(a) => (true, conv_key(q.me, a)),
    };
    let before = q.before.map_or(i64::MAX, |b| b.min(i64::MAX as u64) as i64);
    let after = q.after.map_or(-1, |a| a.min(i64::MAX as u64) as i64);
    let mut ids = db.prepare_cached(ids_sql(by_conv, q.after.is_some()))?;
    let ids: Vec<i64> = ids
        .query_map(params![key, before, after, q.limit as i64], |r| r.get(0))?
        .collect::<Res<_>>()?;
    let (Some(&lo), Some(&hi)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    let dense = hi - lo < 2 * ids.len() as i64;
    let mut rows = db.prepare_cached(rows_sql(by_conv, dense))?;
    let mut out = Vec::with_capacity(ids.len());
    let mut found = rows.query(params![key, lo, hi])?;
    while let Some(r) = found.next()? {
        out.push(HistoryRow {
            id: r.get::<_, i64>(0)? as u64,
            time_ms: r.get(1)?,
            sender: r.get(2)?,
            channel: r.get(3)?,
            recipient: r.get(4)?,
            text: r.get(5)?,
        });
    }
    Ok(out)
}

/// The page's ids from the target's index: the latest before ?2, or the first after ?3; at
/// most ?4.
macro_rules! page_ids {
    ($column:literal, $order:literal) => {
        concat!(
            "SELECT id FROM messages WHERE ",
            $column,
            " = ?1 AND id < ?2 AND id > ?3 ORDER BY id ",
            $order,
            " LIMIT ?4"
        )
    };
}

/// The target's rows with ids from ?2 to ?3, oldest first, read as `$how` says.
macro_rules! page_rows {
    ($column:literal, $how:literal) => {
        concat!(
            "SELECT id, time_ms, sender, channel, recipient, text FROM messages ",
            $how,
            " WHERE ",
            $column,
            " = ?1 AND id BETWEEN ?2 AND ?3 ORDER BY id"
        )
    };
}

fn ids_sql(by_conv: bool, forward: bool) -> &'static str {
    match (by_conv, forward) {
        (false, false) => page_ids!("channel", "DESC"),
        (false, true) => page_ids!("channel", "ASC"),
        (true, false) => page_ids!("conv", "DESC"),
        (true, true) => page_ids!("conv", "ASC"),
    }
}

/// A scan of the table's id range when `dense`, else through the target's index.
fn rows_sql(by_conv: bool, dense: bool) -> &'static str {
    match (by_conv, dense) {
        (false, true) => page_rows!("channel", "NOT INDEXED"),
        (false, false) => page_rows!("channel", "INDEXED BY messages_by_channel"),
        (true, true) => page_rows!("conv", "NOT INDEXED"),
        (true, false) => page_rows!("conv", "INDEXED BY messages_by_conv"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::MessageRow;

    /// Channel 1 alone for ids 1..=50, then interleaved with channel 2 and a private
    /// conversation (1 <-> 2) up to 200: pages from the dense stretch, the sparse one and across
    /// both must be exactly what a scan of all rows says, oldest first.
    #[test]
    fn pages_are_exact_whether_their_ids_are_dense_or_sparse() {
        let mut db = Connection::open_in_memory().unwrap();
        super::super::schema::migrate(&mut db).unwrap();
        db.execute_batch(
            "INSERT INTO accounts (id, name, hash, created_ms) VALUES (1, 'a', 'h', 0), (2, 'b', 'h', 0);
             INSERT INTO channels (id, name, owner, created_ms) VALUES (1, '#c', 1, 0), (2, '#d', 1, 0);",
        )
        .unwrap();
        let target = |id: u64| match id {
            _ if id <= 50 || id.is_multiple_of(3) => MessageTarget::Channel(1),
            _ if id % 3 == 1 => MessageTarget::Channel(2),
            _ => MessageTarget::Account(2),
        };
        let rows: Vec<MessageRow> = (1..=200)
            .map(|id| MessageRow {
                id,
                time_ms: id as i64,
                sender: 1,
                target: target(id),
                text: format!("m{id}"),
            })
            .collect();
        let refs: Vec<&MessageRow> = rows.iter().collect();
        super::super::writes::insert_messages(&db, &refs).unwrap();
        for t in [
            MessageTarget::Channel(1),
            MessageTarget::Channel(2),
            MessageTarget::Account(2),
        ] {
            let all: Vec<u64> = (1..=200).filter(|&id| target(id) == t).collect();
            for (before, after, limit) in [
                (Some(40), None, 10),
                (Some(150), None, 20),
                (None, None, 60),
                (None, Some(45), 30),
                (Some(120), Some(10), 500),
            ] {
                let q = HistoryQuery {
                    target: t,
                    me: 1,
                    before,
                    after,
                    limit,
                };
                let got: Vec<u64> = history(&db, &q).unwrap().iter().map(|r| r.id).collect();
                let fits: Vec<u64> = all
                    .iter()
                    .copied()
                    .filter(|&id| before.is_none_or(|b| id < b) && after.is_none_or(|a| id > a))
                    .collect();
                let want = match after {
                    Some(_) => fits[..limit.min(fits.len())].to_vec(),
                    None => fits[fits.len().saturating_sub(limit)..].to_vec(),
                };
                assert_eq!(
                    got, want,
                    "{t:?} before {before:?} after {after:?} limit {limit}"
                );
            }
        }
    }
}
