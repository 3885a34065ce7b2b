//! The default channels (`server.default_channels`) in the database: creating the missing
//! ones (no owner) and making an account a member of those that exist. The server creates them
//! at start, before its writer runs; `chatd user add` joins a new account to them.

use rusqlite::{Connection, params};

type Res<T> = rusqlite::Result<T>;

/// Creates each channel of `names` that does not exist yet, with no owner.
pub fn ensure_channels(db: &Connection, names: &[String], at_ms: i64) -> Res<()> {
    let sql = "INSERT OR IGNORE INTO channels (name, owner, created_ms) VALUES (?1, NULL, ?2)";
    for name in names {
        db.prepare_cached(sql)?.execute(params![name, at_ms])?;
    }
    Ok(())
}

/// Makes `account` a member of each channel of `names` that exists.
pub fn join_existing(db: &Connection, account: i64, names: &[String], at_ms: i64) -> Res<()> {
    let sql = "INSERT OR IGNORE INTO memberships (account, channel, joined_ms) \
               SELECT ?1, id, ?3 FROM channels WHERE name = ?2";
    for name in names {
        db.prepare_cached(sql)?
            .execute(params![account, name, at_ms])?;
    }
    Ok(())
}
