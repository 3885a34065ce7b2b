//! Storage: the writer thread that owns the SQLite connection.
//!
//! `Store::open` opens and migrates the database and loads the core's snapshot; `Store::spawn`
//! starts the writer. Jobs go in through `Writer::send`, in order; the thread takes whatever
//! has queued, applies it in one transaction, commits, then hands back the completions of the
//! jobs someone waits on (through the callback, which wakes the loop); a failing commit is kept
//! and retried (`writer`). `Writer::lag` tells the loop how many acknowledged messages are not
//! committed yet. Dropping the `Writer`'s sender (`Writer::finish`) lets the thread drain,
//! commit and exit, so a clean stop loses nothing that was sent, or says what it lost.
//!
//! Files: `apply` (job -> SQL, the one dispatcher), `queries` (waited-on jobs and reads),
//! `writes` (plain writes), `rows` (shared row helpers), `schema`, `snapshot` (start-up),
//! `writer` (the thread's retry machine).

pub mod apply;
pub mod lobby;
pub mod queries;
mod rows;
pub mod schema;
pub mod snapshot;
mod writer;
mod writes;

use crate::core::Snapshot;
use crate::jobs::{Notify, StoreJob};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;
use writer::{Committed, Machine};

/// The most jobs applied in one transaction.
const MAX_BATCH: usize = 20_000;

/// How long the writer waits for more plain writes before it commits (group commit). 8 ms
/// saved the writer a fifth of its CPU at a fixed 60,000 messages/s, but raised the N=10
/// fanout's p99 from 1.6 to 2.9 ms (bigger commits take a core in longer bursts) for no
/// throughput: 2 ms it is.
const GATHER: std::time::Duration = std::time::Duration::from_millis(2);

/// An open database, before its writer starts.
pub struct Store {
    db: Connection,
    path: PathBuf,
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
        Ok(Store {
            db,
            path: path.to_owned(),
            unclean,
            lock,
        })
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

    /// Starts the writer thread; at a stop it retries a failing commit for `stop_timeout`.
    pub fn spawn(self, notify: Notify, stop_timeout: Duration) -> Writer {
        let (tx, rx) = channel();
        let committed = Committed::default();
        let machine = Machine::new(self.db, notify, committed.clone(), &self.path);
        let lock = self.lock;
        let thread = std::thread::Builder::new()
            .name("chatd-writer".into())
            .spawn(move || {
                let result = machine.run(&rx, gather, stop_timeout);
                drop(lock);
                result
            })
            .expect("spawning the writer thread");
        Writer {
            tx: Some(tx),
            queued: Vec::new(),
            thread: Some(thread),
            sent: 0,
            committed,
        }
    }
}

/// The loop's handle on the writer thread. Jobs queued with `send` during a loop turn go to
/// the thread together at `flush` (one channel message and at most one wake-up per turn).
pub struct Writer {
    tx: Option<Sender<Vec<StoreJob>>>,
    queued: Vec<StoreJob>,
    thread: Option<JoinHandle<Result<(), String>>>,
    /// Messages handed to the writer (acknowledged to their senders).
    sent: u64,
    committed: Committed,
}

impl Writer {
    /// Queues a job for the next `flush`.
    pub fn send(&mut self, job: StoreJob) {
        self.sent += u64::from(matches!(job, StoreJob::InsertMessage(_)));
        self.queued.push(job);
    }

    /// Acknowledged messages not committed yet.
    pub fn lag(&self) -> u64 {
        self.sent
            .saturating_sub(self.committed.load(Ordering::Acquire))
    }

    /// Hands the queued jobs to the thread.
    pub fn flush(&mut self) {
        if self.queued.is_empty() {
            return;
        }
        let jobs = std::mem::take(&mut self.queued);
        let urgent = !all_plain(&jobs);
        if let Some(tx) = &self.tx
            && tx.send(jobs).is_err()
        {
            log::error!("the writer thread is gone; jobs were not stored");
        }
        if urgent && let Some(t) = &self.thread {
            t.thread().unpark(); // it may be gathering: someone waits on these
        }
    }

    /// Lets the writer commit everything queued, and waits for it to exit. `Err` says what
    /// could not be written.
    pub fn finish(&mut self) -> Result<(), String> {
        self.flush();
        self.tx = None;
        if let Some(t) = &self.thread {
            t.thread().unpark();
        }
        match self.thread.take().map(JoinHandle::join) {
            None | Some(Ok(Ok(()))) => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(_)) => Err("the writer thread panicked".into()),
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if let Err(e) = self.finish() {
            log::error!("{e}");
        }
    }
}

/// Group commit: adds what arrives within `GATHER` to a batch of plain writes, so a trickle of
/// messages costs one transaction per few milliseconds rather than one each. A batch with a job
/// someone waits on (a query, an account) is committed at once. The thread parks meanwhile
/// rather than waiting on the channel, so the loop's sends do not wake it at every turn; the
/// loop unparks it when it sends a job someone waits on (`Writer::flush`).
fn gather(rx: &Receiver<Vec<StoreJob>>, mut batch: Vec<StoreJob>) -> Vec<StoreJob> {
    let until = std::time::Instant::now() + GATHER;
    loop {
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(more) => batch.extend(more),
                Err(_) => break,
            }
        }
        let now = std::time::Instant::now();
        if batch.len() >= MAX_BATCH || now >= until || !all_plain(&batch) {
            return batch;
        }
        std::thread::park_timeout(until - now);
    }
}

fn all_plain(jobs: &[StoreJob]) -> bool {
    jobs.iter().all(|j| apply::kind(j) == apply::Kind::Write)
}

/// The lock file's name: `<path>.lock`.
fn lock_name(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// What the lock file says after the database file was deleted under a running server.
const DELETED_NOTE: &str = "deleted while chatd ran";

/// Notes in the lock file that the database was deleted while the server ran.
fn mark_deleted(path: &Path) {
    let note = format!("{} {DELETED_NOTE}\n", path.display());
    if let Err(e) = std::fs::write(lock_name(path), note) {
        log::error!("{}: cannot write the lock file: {e}", path.display());
    }
}

/// Takes the database's lock file (`<path>.lock`), so a second server on it refuses to start.
/// If the lock file says the database was deleted under the last server and it is still
/// missing, refuses to start with an empty one.
pub(crate) fn lock(path: &Path) -> Result<std::fs::File, String> {
    let name = lock_name(path);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("{}: cannot create folder: {e}", dir.display()))?;
    }
    let note = std::fs::read_to_string(&name).unwrap_or_default();
    if note.contains(DELETED_NOTE) && !path.exists() {
        return Err(format!(
            "{}: the database file was deleted while chatd ran; restore it from a backup, or remove {} to start with an empty database",
            path.display(),
            name.display()
        ));
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
