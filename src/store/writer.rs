//! The writer thread: applies jobs in batches, one transaction each, and keeps every
//! acknowledged write until it commits.
//!
//! Normal service: a batch (what queued, plus group commit) is applied in order and committed;
//! then the completions go back. A storage fault (disk full, I/O error, the database file
//! deleted or replaced) aborts the batch: its plain writes go to the backlog, its waited-on
//! writes fail (their clients hear UNAVAILABLE), its reads run on what is committed. The thread
//! reports the failure (`Completion::Storage`), and while failing it retries the backlog with
//! back-off (`RETRY_MIN` doubling to `RETRY_MAX`); new plain writes join the backlog behind it.
//! The first commit that succeeds reports recovery. At a stop (the job channel closed) a
//! failing writer keeps retrying for `stop_timeout`, then gives up and returns how many
//! acknowledged messages it could not write, leaving the database marked unclean (so the ids
//! skip ahead at the next start: an id is never given twice).

use super::apply::{Kind, apply, apply_all, failed, kind};
use super::snapshot;
use crate::jobs::{Completion, Notify, StoreJob};
use rusqlite::Connection;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const RETRY_MIN: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// Messages committed so far, shared with the loop, which counts those it acknowledged.
pub type Committed = Arc<AtomicU64>;

/// The thread's state.
pub(super) struct Machine {
    db: Connection,
    notify: Notify,
    committed: Committed,
    file: FileCheck,
    backlog: Vec<StoreJob>,
    failing: Option<String>,
    retry_in: Duration,
    next_try: Instant,
}

impl Machine {
    pub(super) fn new(db: Connection, notify: Notify, committed: Committed, path: &Path) -> Self {
        Machine {
            file: FileCheck::new(path),
            db,
            notify,
            committed,
            backlog: Vec::new(),
            failing: None,
            retry_in: RETRY_MIN,
            next_try: Instant::now(),
        }
    }

    /// Runs until the job channel closes; `gather` builds a batch from a first message. `Err`
    /// says what could not be written.
    pub(super) fn run(
        mut self,
        rx: &Receiver<Vec<StoreJob>>,
        gather: impl Fn(&Receiver<Vec<StoreJob>>, Vec<StoreJob>) -> Vec<StoreJob>,
        stop_timeout: Duration,
    ) -> Result<(), String> {
        loop {
            let got = match self.failing {
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(_) => rx.recv_timeout(self.next_try.saturating_duration_since(Instant::now())),
            };
            match got {
                Ok(first) => self.take(gather(rx, first)),
                Err(RecvTimeoutError::Timeout) => self.retry(),
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if self.failing.is_some() && Instant::now() >= self.next_try {
                self.retry();
            }
        }
        self.stop(stop_timeout)
    }

    /// Applies a new batch, or diverts it while storage fails.
    fn take(&mut self, batch: Vec<StoreJob>) {
        if self.failing.is_none() {
            match self.commit(&batch) {
                Ok(done) => return self.finish(&batch, done),
                Err(why) => self.fail(why),
            }
        }
        self.divert(batch);
    }

    /// Applies `jobs` in one transaction and commits; the completions, or why it failed.
    fn commit(&mut self, jobs: &[StoreJob]) -> Result<Vec<Completion>, String> {
        self.file.check()?;
        if !self.db.is_autocommit() {
            let _ = self.db.execute_batch("ROLLBACK"); // a rollback that failed earlier
        }
        let tx = self.db.transaction().map_err(|e| e.to_string())?;
        let done = apply_all(&tx, jobs).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(done)
    }

    /// After a commit: count the messages, hand back the completions.
    fn finish(&mut self, jobs: &[StoreJob], done: Vec<Completion>) {
        let messages = jobs.iter().filter(|j| is_message(j)).count() as u64;
        self.committed.fetch_add(messages, Ordering::Release);
        for d in done {
            (self.notify)(d);
        }
    }

    /// While failing: plain writes wait in the backlog, waited-on writes fail, reads run on
    /// what is committed.
    fn divert(&mut self, batch: Vec<StoreJob>) {
        for job in batch {
            match kind(&job) {
                Kind::Write => self.backlog.push(job),
                Kind::AwaitedWrite => (self.notify)(failed(&job).expect("waited on")),
                Kind::Read => {
                    let done = apply(&self.db, &job)
                        .ok()
                        .flatten()
                        .or_else(|| failed(&job));
                    (self.notify)(done.expect("waited on"));
                }
            }
        }
    }

    fn fail(&mut self, why: String) {
        self.next_try = Instant::now() + self.retry_in;
        if self.failing.is_none() {
            (self.notify)(Completion::Storage {
                failing: Some(why.clone()),
            });
            log::error!("storage is failing, writes are refused until it recovers: {why}");
        } else {
            log::debug!("storage still failing: {why}");
        }
        self.failing = Some(why);
    }

    /// Tries the backlog again; on success normal service resumes.
    fn retry(&mut self) {
        let backlog = std::mem::take(&mut self.backlog);
        match self.commit(&backlog) {
            Ok(done) => {
                self.finish(&backlog, done);
                log::warn!("storage recovered: {} held writes committed", backlog.len());
                self.failing = None;
                self.retry_in = RETRY_MIN;
                (self.notify)(Completion::Storage { failing: None });
            }
            Err(why) => {
                self.backlog = backlog;
                self.retry_in = (self.retry_in * 2).min(RETRY_MAX);
                self.fail(why);
            }
        }
    }

    /// The channel is closed: keep trying for `timeout`, then report what is lost.
    fn stop(mut self, timeout: Duration) -> Result<(), String> {
        let until = Instant::now() + timeout;
        while self.failing.is_some() && Instant::now() < until {
            let wait = self
                .next_try
                .min(until)
                .saturating_duration_since(Instant::now());
            std::thread::sleep(wait);
            self.retry();
        }
        if let Some(why) = &self.failing {
            let lost = self.backlog.iter().filter(|j| is_message(j)).count();
            return Err(format!(
                "storage failed ({why}): {lost} acknowledged messages (of {} held writes) could not be written",
                self.backlog.len()
            ));
        }
        if let Err(e) = self.db.execute_batch("PRAGMA optimize") {
            log::warn!("optimize on close: {e}");
        }
        if let Err(e) = snapshot::mark_stopped(&self.db) {
            log::error!("marking a clean stop: {e}");
        }
        Ok(())
    }
}

fn is_message(job: &StoreJob) -> bool {
    matches!(job, StoreJob::InsertMessage(_))
}

/// Notices the database file deleted or replaced under the running server, before each
/// commit (an fstat and a stat): the open file's link count dropped to 0, or the path names
/// another file. A deletion is also written into the lock file, so that the next start refuses
/// to begin silently with an empty database (`super::lock`).
struct FileCheck {
    path: PathBuf,
    file: Option<std::fs::File>,
    ino: u64,
}

impl FileCheck {
    fn new(path: &Path) -> FileCheck {
        let file = std::fs::File::open(path).ok();
        let ino = file
            .as_ref()
            .and_then(|f| f.metadata().ok())
            .map_or(0, |m| m.ino());
        FileCheck {
            path: path.to_owned(),
            file,
            ino,
        }
    }

    fn check(&mut self) -> Result<(), String> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let deleted = file.metadata().map_err(|e| e.to_string())?.nlink() == 0;
        match std::fs::metadata(&self.path) {
            Ok(m) if m.ino() == self.ino && !deleted => Ok(()),
            Ok(_) => Err(format!(
                "{}: the database file was replaced by another file",
                self.path.display()
            )),
            Err(_) => {
                super::mark_deleted(&self.path);
                Err(format!(
                    "{}: the database file was deleted",
                    self.path.display()
                ))
            }
        }
    }
}
