//! Row helpers shared by the store's queries, writes and start-up: a leaf module, so the
//! others import it and not each other.

use crate::jobs::BanRow;
use rusqlite::Row;

/// The key of the private conversation between two accounts.
pub fn conv_key(a: i64, b: i64) -> i64 {
    (a.min(b) << 32) | a.max(b)
}

/// A `bans` row read with the columns `id, account, net, by_name, created_ms, expires_ms,
/// reason`.
pub fn ban_row(r: &Row) -> rusqlite::Result<BanRow> {
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

/// True for an error that says the storage itself fails (disk full, I/O error, read-only, file
/// gone, locked): retrying later may succeed. False for a job the database refuses (a
/// constraint), which no retry would change.
pub fn is_fault(e: &rusqlite::Error) -> bool {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => f.code != rusqlite::ErrorCode::ConstraintViolation,
        _ => false,
    }
}

/// True if `e` is a uniqueness or other constraint violation.
pub fn is_constraint(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation)
}
