//! Password work: bcrypt hashing and verification on worker threads, never on the loop.
//!
//! `Hasher::spawn(n, notify)` starts `n` workers sharing one queue; `send` queues an
//! `AuthJob`; each result goes back through `notify` as a `Completion`. For an unknown name a
//! worker verifies against a dummy hash of the same cost, so a failed LOGIN takes as long
//! whether or not the name exists. Passwords are never logged.

use crate::jobs::{AuthJob, Completion, Notify};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The pool of bcrypt workers.
pub struct Hasher {
    tx: Option<Sender<AuthJob>>,
    threads: Vec<JoinHandle<()>>,
}

impl Hasher {
    /// Starts `n` workers.
    pub fn spawn(n: usize, notify: Notify) -> Hasher {
        let (tx, rx) = channel();
        let rx = Arc::new(Mutex::new(rx));
        let threads = (0..n.max(1))
            .map(|i| {
                let (rx, notify) = (rx.clone(), notify.clone());
                std::thread::Builder::new()
                    .name(format!("chatd-bcrypt-{i}"))
                    .spawn(move || work(&rx, &notify))
                    .expect("spawning a bcrypt worker")
            })
            .collect();
        Hasher {
            tx: Some(tx),
            threads,
        }
    }

    /// Queues a job.
    pub fn send(&self, job: AuthJob) {
        if let Some(tx) = &self.tx
            && tx.send(job).is_err()
        {
            log::error!("the bcrypt workers are gone");
        }
    }

    /// Stops the workers after the jobs they hold.
    pub fn finish(&mut self) {
        self.tx = None;
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Hasher {
    fn drop(&mut self) {
        self.finish();
    }
}

fn work(rx: &Mutex<Receiver<AuthJob>>, notify: &Notify) {
    let mut dummies = Dummies::new();
    loop {
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        notify(perform(job, &mut dummies));
    }
}

/// Dummy hashes by cost, for unknown names.
pub type Dummies = HashMap<u32, String>;

/// Does one job on the calling thread.
pub fn perform(job: AuthJob, dummies: &mut Dummies) -> Completion {
    match job {
        AuthJob::Hash {
            conn,
            name,
            password,
            cost,
        } => {
            let hash = bcrypt::hash(password.as_bytes(), cost)
                .map_err(|e| log::error!("bcrypt: {e}"))
                .ok();
            Completion::Hashed { conn, name, hash }
        }
        AuthJob::Verify {
            conn,
            account: Some(rec),
            password,
            ..
        } => {
            let ok = bcrypt::verify(password.as_bytes(), &rec.hash).unwrap_or(false);
            Completion::Verified {
                conn,
                account: ok.then_some(rec),
            }
        }
        AuthJob::Verify {
            conn,
            account: None,
            password,
            cost,
        } => {
            let dummy = dummies
                .entry(cost)
                .or_insert_with(|| bcrypt::hash("chatd-dummy-password", cost).unwrap_or_default());
            let _ = bcrypt::verify(password.as_bytes(), dummy);
            Completion::Verified {
                conn,
                account: None,
            }
        }
    }
}
