//! Storage: the writer thread that owns the SQLite connection.
//!
//! `Store::open` opens and migrates the database and loads the core's snapshot; `Store::spawn`
//! starts the writer. Jobs go in through `Writer::send`, in order; the thread takes whatever
//! has queued, applies it in one transaction, commits, then hands back the completions of the
//! jobs someone waits on (through the callback, which wakes the loop). Dropping the `Writer`'s
//! sender (`Writer::finish`) lets the thread drain, commit and exit, so a clean stop loses
//! nothing that was sent.

pub mod queries;
pub mod schema;

use crate::core::Snapshot;
use crate::jobs::{Completion, Notify, StoreJob};
use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

/// The most jobs applied in one transaction.
const MAX_BATCH: usize = 20_000;

/// An open database, before its writer starts.
pub struct Store {
    db: Connection,
}

impl Store {
    /// Opens (creating and migrating) the database.
    pub fn open(path: &Path, synchronous: &str) -> Result<Store, String> {
        Ok(Store {
            db: schema::open(path, synchronous)?,
        })
    }

    /// Loads the start-up state, keeping `recent` messages per channel.
    pub fn snapshot(&self, recent: usize) -> Result<Snapshot, String> {
        queries::load_snapshot(&self.db, recent).map_err(|e| format!("loading the database: {e}"))
    }

    /// Starts the writer thread.
    pub fn spawn(self, notify: Notify) -> Writer {
        let (tx, rx) = channel();
        let db = self.db;
        let thread = std::thread::Builder::new()
            .name("chatd-writer".into())
            .spawn(move || run(db, rx, notify))
            .expect("spawning the writer thread");
        Writer {
            tx: Some(tx),
            thread: Some(thread),
        }
    }
}

/// The loop's handle on the writer thread.
pub struct Writer {
    tx: Option<Sender<StoreJob>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Queues a job.
    pub fn send(&self, job: StoreJob) {
        if let Some(tx) = &self.tx
            && tx.send(job).is_err()
        {
            log::error!("the writer thread is gone; a job was not stored");
        }
    }

    /// Lets the writer commit everything queued, and waits for it to exit.
    pub fn finish(&mut self) {
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

fn run(mut db: Connection, rx: Receiver<StoreJob>, notify: Notify) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        for done in apply_batch(&mut db, batch) {
            notify(done);
        }
    }
    if let Err(e) = db.execute_batch("PRAGMA optimize") {
        log::warn!("optimize on close: {e}");
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
