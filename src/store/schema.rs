//! The database file: opening it, its pragmas, and the schema with its migrations.
//!
//! Foreign keys are declared but not enforced on every insert (`PRAGMA foreign_keys = OFF`,
//! set explicitly: the bundled SQLite is built with enforcement on by default): the core only
//! writes rows for ids it knows, checking costs lookups per message on the writer's hot path,
//! and the tests run `PRAGMA foreign_key_check` after their workloads instead.
//!
//! The schema version is `PRAGMA user_version`; `MIGRATIONS[i]` takes a database from version
//! `i` to `i + 1`, each in its own transaction. A database newer than this binary is refused.

use rusqlite::Connection;
use std::path::Path;

/// Each entry moves the schema one version up. Append; never edit a released entry.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    hash TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'user',
    created_ms INTEGER NOT NULL,
    last_ip TEXT,
    last_seen_ms INTEGER
);
CREATE TABLE channels (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    owner INTEGER NOT NULL REFERENCES accounts(id),
    created_ms INTEGER NOT NULL
);
CREATE TABLE memberships (
    account INTEGER NOT NULL REFERENCES accounts(id),
    channel INTEGER NOT NULL REFERENCES channels(id),
    joined_ms INTEGER NOT NULL,
    PRIMARY KEY (account, channel)
) WITHOUT ROWID;
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    sender INTEGER NOT NULL REFERENCES accounts(id),
    channel INTEGER REFERENCES channels(id),
    recipient INTEGER REFERENCES accounts(id),
    conv INTEGER,
    text TEXT NOT NULL,
    CHECK ((channel IS NULL) <> (recipient IS NULL))
);
CREATE INDEX messages_by_channel ON messages(channel, id) WHERE channel IS NOT NULL;
CREATE INDEX messages_by_conv ON messages(conv, id) WHERE conv IS NOT NULL;
CREATE TABLE bans (
    id INTEGER PRIMARY KEY,
    account INTEGER REFERENCES accounts(id),
    net TEXT,
    by_name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER,
    reason TEXT NOT NULL,
    CHECK ((account IS NULL) <> (net IS NULL))
);
"#,
    r#"
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"#,
    r#"
ALTER TABLE channels ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
CREATE TABLE channel_ops (
    channel INTEGER NOT NULL REFERENCES channels(id),
    account INTEGER NOT NULL REFERENCES accounts(id),
    PRIMARY KEY (channel, account)
) WITHOUT ROWID;
CREATE TABLE join_requests (
    channel INTEGER NOT NULL REFERENCES channels(id),
    account INTEGER NOT NULL REFERENCES accounts(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    requested_ms INTEGER NOT NULL,
    decided_ms INTEGER,
    decided_by TEXT,
    PRIMARY KEY (channel, account)
) WITHOUT ROWID;
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    time_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
"#,
    // Version 4: a channel may have no owner (`server.default_channels`; admins moderate them).
    // SQLite cannot drop a NOT NULL, so the table is rebuilt (foreign keys are off here).
    r#"
CREATE TABLE channels_v4 (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    owner INTEGER REFERENCES accounts(id),
    created_ms INTEGER NOT NULL,
    private INTEGER NOT NULL DEFAULT 0
);
INSERT INTO channels_v4 (id, name, owner, created_ms, private)
    SELECT id, name, owner, created_ms, private FROM channels;
DROP TABLE channels;
ALTER TABLE channels_v4 RENAME TO channels;
"#,
    // 5: channel topics (NULL: none)
    r#"
ALTER TABLE channels ADD COLUMN topic TEXT;
ALTER TABLE channels ADD COLUMN topic_by TEXT;
ALTER TABLE channels ADD COLUMN topic_ms INTEGER;
"#,
];

/// The schema version this binary writes.
pub fn current_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Opens (creating it and its folder if missing) and migrates the database at `path`.
/// `synchronous` is `normal` or `full`.
pub fn open(path: &Path, synchronous: &str) -> Result<Connection, String> {
    let shown = path.display();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create folder: {e}", dir.display()))?;
    }
    let mut conn = Connection::open(path).map_err(|e| format!("{shown}: cannot open: {e}"))?;
    let setup = format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 5000; \
         PRAGMA foreign_keys = OFF;"
    );
    conn.execute_batch(&setup)
        .map_err(|e| format!("{shown}: cannot set up: {e}"))?;
    // every statement the writer runs stays prepared (rusqlite keeps 16 by default: the insert
    // shapes and the history queries alone take 14)
    conn.set_prepared_statement_cache_capacity(64);
    // Plans that do not depend on bound values: without it a statement that meets the partial
    // indexes (HISTORY) is compiled again at every new binding (the bundled SQLite has STAT4).
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )
    .map_err(|e| format!("{shown}: cannot set up: {e}"))?;
    migrate(&mut conn).map_err(|e| format!("{shown}: {e}"))?;
    Ok(conn)
}

/// Brings the schema of an open database up to `current_version`.
pub fn migrate(conn: &mut Connection) -> Result<(), String> {
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| format!("not a chatd database: {e}"))?;
    if version > current_version() {
        return Err(format!(
            "schema version {version} is newer than this chatd understands ({}); use a newer chatd",
            current_version()
        ));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(sql)
            .map_err(|e| format!("migration to version {}: {e}", i + 1))?;
        tx.pragma_update(None, "user_version", i as u32 + 1)
            .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        log::info!("database migrated to schema version {}", i + 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer_schemas() {
        let dir = std::env::temp_dir().join(format!("chatd-schema-{}", std::process::id()));
        let path = dir.join("sub/db.sqlite3");
        let conn = open(&path, "normal").unwrap();
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, current_version());
        drop(conn);
        open(&path, "normal").expect("reopening an up-to-date database");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", current_version() + 1)
            .unwrap();
        drop(conn);
        let err = open(&path, "normal").unwrap_err();
        assert!(err.contains("newer"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
