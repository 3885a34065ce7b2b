//! The one dispatcher from a job to its SQL: which kind a job is, and applying it.
//!
//! Jobs are of three kinds (`Kind`): plain writes (acknowledged to clients before they are
//! committed, so they must never be dropped), writes someone waits on (REGISTER, RENAME: they
//! answer only after their own commit), and reads. `apply` runs one job inside the writer's
//! transaction; an `Err` is a storage fault (see `rows::is_fault`) that aborts the batch, while
//! a job the database refuses for its content is logged and skipped.

use super::rows::is_fault;
use super::{queries, writes};
use crate::jobs::{Completion, CreateError, StoreJob};
use rusqlite::Connection;

/// What a job is, for the writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A write nobody waits on; kept and retried until it commits.
    Write,
    /// A write whose completion someone waits on; answered after its commit, or failed.
    AwaitedWrite,
    /// A read; needs no commit.
    Read,
}

/// The kind of `job`.
pub fn kind(job: &StoreJob) -> Kind {
    match job {
        StoreJob::CreateAccount { .. } | StoreJob::RenameAccount { .. } => Kind::AwaitedWrite,
        StoreJob::FindAccount { .. } | StoreJob::History { .. } | StoreJob::Audit { .. } => {
            Kind::Read
        }
        _ => Kind::Write,
    }
}

/// Applies one job; a job someone waits on yields its completion. `Err` only for a storage
/// fault.
pub fn apply(db: &Connection, job: &StoreJob) -> rusqlite::Result<Option<Completion>> {
    match kind(job) {
        Kind::Write => match writes::write(db, job) {
            Err(e) if is_fault(&e) => Err(e),
            Err(e) => {
                log::error!("the database refused {job:?}: {e}");
                Ok(None)
            }
            Ok(_) => Ok(None),
        },
        Kind::AwaitedWrite | Kind::Read => awaited(db, job).map(Some),
    }
}

/// Applies `jobs` in order (inside the writer's transaction), each run of messages as
/// multi-row inserts; the completions of the jobs someone waits on. `Err` only for a storage
/// fault.
pub fn apply_all(db: &Connection, jobs: &[StoreJob]) -> rusqlite::Result<Vec<Completion>> {
    let mut done = Vec::new();
    let mut run = Vec::new();
    for job in jobs {
        if let StoreJob::InsertMessage(m) = job {
            run.push(m);
            continue;
        }
        insert_run(db, &mut run)?;
        done.extend(apply(db, job)?);
    }
    insert_run(db, &mut run)?;
    Ok(done)
}

fn insert_run(db: &Connection, run: &mut Vec<&crate::jobs::MessageRow>) -> rusqlite::Result<()> {
    if !run.is_empty() {
        match writes::insert_messages(db, run) {
            Err(e) if is_fault(&e) => return Err(e),
            Err(e) => log::error!("the database refused {} messages: {e}", run.len()),
            Ok(_) => {}
        }
        run.clear();
    }
    Ok(())
}

/// The completion that says a waited-on job could not be done: storage is failing.
pub fn failed(job: &StoreJob) -> Option<Completion> {
    Some(match job {
        StoreJob::CreateAccount { conn, .. } => Completion::AccountCreated {
            conn: *conn,
            result: Err(CreateError::Storage),
        },
        StoreJob::RenameAccount { conn, .. } => Completion::Renamed {
            conn: *conn,
            result: Err(CreateError::Storage),
        },
        StoreJob::FindAccount { conn, .. } => Completion::AccountFound {
            conn: *conn,
            account: None,
        },
        StoreJob::History { conn, .. } => Completion::History {
            conn: *conn,
            rows: None,
        },
        StoreJob::Audit { conn, .. } => Completion::Audit {
            conn: *conn,
            rows: None,
        },
        _ => return None,
    })
}

fn awaited(db: &Connection, job: &StoreJob) -> rusqlite::Result<Completion> {
    Ok(match job {
        StoreJob::CreateAccount {
            conn,
            name,
            hash,
            admin,
            at_ms,
        } => Completion::AccountCreated {
            conn: *conn,
            result: queries::create_account(db, name, hash, *admin, *at_ms)?,
        },
        StoreJob::RenameAccount { conn, id, name } => Completion::Renamed {
            conn: *conn,
            result: queries::rename_account(db, *id, name)?,
        },
        StoreJob::FindAccount { conn, name } => Completion::AccountFound {
            conn: *conn,
            account: queries::find_account(db, name)?,
        },
        StoreJob::History { conn, query } => Completion::History {
            conn: *conn,
            rows: Some(queries::history(db, query)?),
        },
        StoreJob::Audit { conn, limit } => Completion::Audit {
            conn: *conn,
            rows: Some(queries::audit(db, *limit)?),
        },
        other => unreachable!("not a waited-on job: {other:?}"),
    })
}

/// Applies a job outside the writer (tests, tools): a storage error becomes the job's failed
/// completion.
pub fn apply_now(db: &Connection, job: &StoreJob) -> Option<Completion> {
    apply(db, job).unwrap_or_else(|e| {
        log::error!("applying {job:?}: {e}");
        failed(job)
    })
}
