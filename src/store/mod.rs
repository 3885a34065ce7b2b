//! Storage: the writer thread that owns the SQLite connection.
//!
//! `Store::open` opens and migrates the database and loads the core's snapshot; `Store::spawn`
//! starts the writer. Jobs go in through `Writer::send`, in order; the thread takes whatever
//! has queued, applies it in one transaction, commits, then hands back the completions of the
//! jobs someone waits on (through the callback, which wakes the loop). Dropping the `Writer`'s
//! sender (`Writer::finish`) lets the thread drain, commit and exit, so a clean stop loses
//! nothing that was sent.

pub mod lobby;
pub mod queries;
pub mod schema;
pub mod snapshot;
mod writes;

use crate::core::Snapshot;
use crate::jobs::{Completion, Notify, StoreJob};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

/// The most jobs applied in one transaction.
const MAX_BATCH: usize = 20_000;

/// How long the writer waits for more plain writes before it commits (group commit).
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);

/// An open database, before its writer starts.
pub struct Store {
    db: Connection,
    /// The previous run did not stop cleanly.
    unclean: bool,
    lock: std::fs::File,
}

impl Store {
    /// Locks (one server per database), opens (creating and migrating) the database, and
    /// marks it in use until the writer exits cleanly.
    pub fn open(path: &Path, synchronous: &str) -> Result<Store, String> {
        let lock = lock(path)?;
        let db = schema::open(path, synchronous)?;
        let unclean =
            snapshot::mark_running(&db).map_err(|e| format!("{}: {e}", path.display()))?;
        if unclean {
            log::warn!("{}: the last run did not stop cleanly", path.display());
        }
        Ok(Store { db, unclean, lock })
    }

    /// Loads the start-up state, keeping `recent` messages per channel.
    pub fn snapshot(&self, recent: usize) -> Result<Snapshot, String> {
        let mut snap =
            snapshot::load(&self.db, recent).map_err(|e| format!("loading the database: {e}"))?;
        snap.unclean = self.unclean;
        Ok(snap)
    }

    /// Creates the channels of `server.default_channels` that do not exist, with no owner.
    pub fn ensure_channels(&self, names: &[String], at_ms: i64) -> Result<(), String> {
        lobby::ensure_channels(&self.db, names, at_ms)
            .map_err(|e| format!("creating the default channels: {e}"))
    }

    /// Starts the writer thread.
    pub fn spawn(self, notify: Notify) -> Writer {
        let (tx, rx) = channel();
        let (db, lock) = (self.db, self.lock);
        let thread = std::thread::Builder::new()
            .name("chatd-writer".into())
            .spawn(move || {
                run(db, rx, notify);
                drop(lock);
            })
            .expect("spawning the writer thread");
        Writer {
            tx: Some(tx),
            queued: Vec::new(),
            thread: Some(thread),
        }
    }
}

/// The loop's handle on the writer thread. Jobs queued with `send` during a loop turn go to
/// the thread together at `flush` (one channel message and at most one wake-up per turn).
pub struct Writer {
    tx: Option<Sender<Vec<StoreJob>>>,
    queued: Vec<StoreJob>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Queues a job for the next `flush`.
    pub fn send(&mut self, job: StoreJob) {
        self.queued.push(job);
    }

    /// Hands the queued jobs to the thread.
    pub fn flush(&mut self) {
        if self.queued.is_empty() {
            return;
        }
        let jobs = std::mem::take(&mut self.queued);
        if let Some(tx) = &self.tx
            && tx.send(jobs).is_err()
        {
            log::error!("the writer thread is gone; jobs were not stored");
        }
    }

    /// Lets the writer commit everything queued, and waits for it to exit.
    pub fn finish(&mut self) {
        self.flush();
        self.tx = None;
        if let Some(t) = self.thread.take()
            && t.join().is_err()
        {
            log::error!("the writer thread panicked");
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.finish();
    }
}

fn run(mut db: Connection, rx: Receiver<Vec<StoreJob>>, notify: Notify) {
    while let Ok(batch) = rx.recv() {
        let batch = gather(&rx, batch);
        for done in apply_batch(&mut db, batch) {
            notify(done);
        }
    }
    if let Err(e) = db.execute_batch("PRAGMA optimize") {
        log::warn!("optimize on close: {e}");
    }
    if let Err(e) = snapshot::mark_stopped(&db) {
        log::error!("marking a clean stop: {e}");
    }
}

/// Group commit: adds what arrives within `GATHER` to a batch of plain writes, so a trickle of
/// messages costs one transaction per few milliseconds rather than one each. A batch with a job
/// someone waits on (a query, an account) is committed at once.
fn gather(rx: &Receiver<Vec<StoreJob>>, mut batch: Vec<StoreJob>) -> Vec<StoreJob> {
    let until = std::time::Instant::now() + GATHER;
    while batch.len() < MAX_BATCH && !batch.iter().any(awaited) {
        let left = until.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(more) => batch.extend(more),
            Err(_) => break,
        }
    }
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(more) => batch.extend(more),
            Err(_) => break,
        }
    }
    batch
}

/// True for a job whose completion someone waits on.
fn awaited(job: &StoreJob) -> bool {
    matches!(
        job,
        StoreJob::CreateAccount { .. }
            | StoreJob::FindAccount { .. }
            | StoreJob::History { .. }
            | StoreJob::Audit { .. }
            | StoreJob::RenameAccount { .. }
    )
}

/// Takes the database's lock file (`<path>.lock`), so a second server on it refuses to start.
pub(crate) fn lock(path: &Path) -> Result<std::fs::File, String> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create folder: {e}", dir.display()))?;
    }
    let file = std::fs::File::create(&name)
        .map_err(|e| format!("{}: cannot create: {e}", Path::new(&name).display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(format!(
            "{}: another chatd is using this database",
            path.display()
        )),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(format!("{}: cannot lock: {e}", Path::new(&name).display()))
        }
    }
}

/// Applies the jobs in one transaction; returns the completions to hand back.
fn apply_batch(db: &mut Connection, batch: Vec<StoreJob>) -> Vec<Completion> {
    let tx = match db.transaction() {
        Ok(tx) => tx,
        Err(e) => {
            log::error!("cannot begin a transaction: {e}");
            return Vec::new();
        }
    };
    let done: Vec<Completion> = batch
        .into_iter()
        .filter_map(|job| queries::apply(&tx, job))
        .collect();
    if let Err(e) = tx.commit() {
        log::error!("commit failed, a batch of writes is lost: {e}");
    }
    done
}
