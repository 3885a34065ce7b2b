//! The writer's plain writes: one statement per job, prepared once; messages, the hot path,
//! many rows per statement (`insert_messages`).

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
        StoreJob::SetTopic { channel, topic } => run(
            "UPDATE channels SET topic = ?1, topic_by = ?2, topic_ms = ?3 WHERE id = ?4",
            params![
                topic.as_ref().map(|t| &t.text),
                topic.as_ref().map(|t| &t.by),
                topic.as_ref().map(|t| t.at_ms),
                channel
            ],
        ),
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
    insert_messages(db, std::slice::from_ref(&m))
}

/// The most rows in one `INSERT INTO messages` statement (7 parameters each).
const ROWS_PER_INSERT: usize = 32;

/// `INSERT INTO messages ... VALUES (...), (...)` for 1..=ROWS_PER_INSERT rows, built once.
fn insert_sql(rows: usize) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| {
        (0..=ROWS_PER_INSERT)
            .map(|n| {
                let values = vec!["(?,?,?,?,?,?,?)"; n].join(",");
                format!(
                    "INSERT INTO messages (id, time_ms, sender, channel, recipient, conv, text) VALUES {values}"
                )
            })
            .collect()
    });
    &all[rows]
}

/// Inserts messages, up to `ROWS_PER_INSERT` rows per statement: one statement's set-up and
/// tear-down (cursors, cache look-up, bindings reset) for many rows. A statement is all or
/// nothing, so a refused chunk is retried row by row and only the refused row is lost.
pub fn insert_messages(db: &Connection, rows: &[&MessageRow]) -> Res<usize> {
    let (mut n, mut rest) = (0, rows);
    while !rest.is_empty() {
        // 32, 16, 8, 4, 2, 1 rows: few statement shapes, so the statement cache keeps them all
        let take = ROWS_PER_INSERT.min(1 << rest.len().ilog2());
        let (chunk, after) = rest.split_at(take);
        rest = after;
        n += match insert_chunk(db, chunk) {
            Err(e) if super::rows::is_constraint(&e) => one_by_one(db, chunk)?,
            other => other?,
        };
    }
    Ok(n)
}

/// A refused chunk, row by row: the refused rows are logged and skipped.
fn one_by_one(db: &Connection, chunk: &[&MessageRow]) -> Res<usize> {
    let mut n = 0;
    for m in chunk {
        match insert_chunk(db, std::slice::from_ref(m)) {
            Ok(k) => n += k,
            Err(e) if super::rows::is_constraint(&e) => {
                log::error!("the database refused message {}: {e}", m.id)
            }
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn insert_chunk(db: &Connection, chunk: &[&MessageRow]) -> Res<usize> {
    let mut stmt = db.prepare_cached(insert_sql(chunk.len()))?;
    for (i, m) in chunk.iter().enumerate() {
        let (channel, recipient, conv) = match m.target {
            MessageTarget::Channel(c) => (Some(c), None, None),
            MessageTarget::Account(a) => (None, Some(a), Some(conv_key(m.sender, a))),
        };
        let at = i * 7;
        stmt.raw_bind_parameter(at + 1, m.id as i64)?;
        stmt.raw_bind_parameter(at + 2, m.time_ms)?;
        stmt.raw_bind_parameter(at + 3, m.sender)?;
        stmt.raw_bind_parameter(at + 4, channel)?;
        stmt.raw_bind_parameter(at + 5, recipient)?;
        stmt.raw_bind_parameter(at + 6, conv)?;
        stmt.raw_bind_parameter(at + 7, m.text.as_str())?;
    }
    stmt.raw_execute()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u64, text: &str) -> MessageRow {
        MessageRow {
            id,
            time_ms: 1,
            sender: 1,
            target: MessageTarget::Channel(1),
            text: text.into(),
        }
    }

    #[test]
    fn a_refused_row_costs_only_itself_and_every_chunk_shape_lands() {
        let mut db = Connection::open_in_memory().unwrap();
        super::super::schema::migrate(&mut db).unwrap();
        db.execute_batch(
            "INSERT INTO accounts (id, name, hash, created_ms) VALUES (1, 'a', 'h', 0);
             INSERT INTO channels (id, name, owner, created_ms) VALUES (1, '#c', 1, 0);",
        )
        .unwrap();
        for n in [1, 2, 3, 31, 32, 33, 70] {
            db.execute("DELETE FROM messages", []).unwrap();
            let rows: Vec<MessageRow> = (1..=n).map(|i| row(i, &format!("m{i}"))).collect();
            let refs: Vec<&MessageRow> = rows.iter().collect();
            assert_eq!(insert_messages(&db, &refs).unwrap(), n as usize);
            let texts: Vec<String> = db
                .prepare("SELECT text FROM messages ORDER BY id")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let want: Vec<String> = (1..=n).map(|i| format!("m{i}")).collect();
            assert_eq!(texts, want, "{n} rows");
        }
        // id 5 is taken: the other rows of its chunk still land
        let rows: Vec<MessageRow> = (71..=80).chain([5]).map(|i| row(i, "x")).collect();
        let refs: Vec<&MessageRow> = rows.iter().collect();
        assert_eq!(insert_messages(&db, &refs).unwrap(), 10);
        let count: i64 = db
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 80);
    }
}
