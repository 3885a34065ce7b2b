//! Password work: bcrypt hashing and verification on worker threads, never on the loop.
//!
//! `Hasher::spawn(n, cost, notify)` starts `n` workers sharing one queue; `send` queues an
//! `AuthJob`; each result goes back through `notify` as a `Completion`. Passwords are never
//! logged.
//!
//! # Unknown names cost what known ones cost
//! A LOGIN check costs the time of one bcrypt verification at the current `auth.bcrypt_cost`,
//! whether or not the name exists:
//! - for an unknown name a worker verifies against a dummy hash made at the current cost. The
//!   dummy is made before the server takes connections (`Hasher::spawn`) and again, off the loop,
//!   when a reload changes the cost (`Hasher::set_cost`), so no LOGIN pays for making it.
//! - an account whose hash was made at a lower cost (before the cost was raised) is padded up:
//!   after its check, one throw-away hash at each cost from its own up to the current one less
//!   one (bcrypt doubles per step, so 2^c + 2^c + ... + 2^(n-1) = 2^n).
//! - an account whose hash was made at a higher cost (before the cost was lowered) still costs
//!   its own, longer, time: nothing can make an unknown name match it without slowing every
//!   LOGIN. Such accounts are told apart until their password is set again; lowering the cost
//!   is documented as revealing them.

use crate::jobs::{AuthJob, Completion, Notify};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;

/// The pool of bcrypt workers.
pub struct Hasher {
    tx: Option<Sender<AuthJob>>,
    threads: Vec<JoinHandle<()>>,
    dummies: Dummies,
}

impl Hasher {
    /// Makes the dummy hash for `cost`, then starts `n` workers.
    pub fn spawn(n: usize, cost: u32, notify: Notify) -> Hasher {
        let dummies = Dummies::default();
        dummies.prepare(cost);
        let (tx, rx) = channel();
        let rx = Arc::new(Mutex::new(rx));
        let threads = (0..n.max(1))
            .map(|i| {
                let (rx, notify, mut dummies) = (rx.clone(), notify.clone(), dummies.clone());
                std::thread::Builder::new()
                    .name(format!("chatd-bcrypt-{i}"))
                    .spawn(move || work(&rx, &notify, &mut dummies))
                    .expect("spawning a bcrypt worker")
            })
            .collect();
        Hasher {
            tx: Some(tx),
            threads,
            dummies,
        }
    }

    /// A reload changed `auth.bcrypt_cost`: makes the dummy for the new cost on a thread of its
    /// own (until it is ready, unknown names are checked at the old cost, as are the accounts).
    pub fn set_cost(&self, cost: u32) {
        if self.dummies.has(cost) {
            return;
        }
        let dummies = self.dummies.clone();
        let made = std::thread::Builder::new()
            .name("chatd-bcrypt-dummy".into())
            .spawn(move || dummies.prepare(cost));
        if let Err(e) = made {
            log::error!("cannot start a thread for the dummy hash: {e}");
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

fn work(rx: &Mutex<Receiver<AuthJob>>, notify: &Notify, dummies: &mut Dummies) {
    loop {
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        notify(perform(job, dummies));
    }
}

/// Dummy hashes by cost, for unknown names, shared by the workers.
#[derive(Debug, Clone, Default)]
pub struct Dummies(Arc<RwLock<HashMap<u32, String>>>);

impl Dummies {
    /// True if the dummy for `cost` is made.
    pub fn has(&self, cost: u32) -> bool {
        self.0.read().is_ok_and(|m| m.contains_key(&cost))
    }

    /// Makes the dummy for `cost` if it is not made yet (one bcrypt hash).
    pub fn prepare(&self, cost: u32) {
        if !self.has(cost) {
            let hash = bcrypt::hash("chatd-dummy-password", cost).unwrap_or_default();
            if let Ok(mut m) = self.0.write() {
                m.insert(cost, hash);
            }
            log::info!("dummy hash for unknown names made at cost {cost}");
        }
    }

    /// The dummy for `cost`, or while it is being made the one of the nearest lower cost.
    fn get(&self, cost: u32) -> String {
        let found = self.0.read().ok().and_then(|m| {
            m.iter()
                .filter(|(c, _)| **c <= cost)
                .max_by_key(|(c, _)| **c)
                .map(|(_, h)| h.clone())
        });
        found.unwrap_or_else(|| {
            self.prepare(cost);
            self.get(cost)
        })
    }
}

/// The cost a bcrypt hash was made at (`$2b$12$...` → 12).
pub fn cost_of(hash: &str) -> Option<u32> {
    hash.split('$').nth(2)?.parse().ok()
}

/// The throw-away hashes that pad a check against a hash of cost `own` up to the time of one
/// at `current`: one at each cost from `own` to `current - 1` (none if `own >= current`).
pub fn padding(own: u32, current: u32) -> std::ops::Range<u32> {
    own..current.max(own)
}

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
            cost,
        } => {
            let ok = bcrypt::verify(password.as_bytes(), &rec.hash).unwrap_or(false);
            for c in padding(cost_of(&rec.hash).unwrap_or(cost), cost) {
                let _ = bcrypt::hash("chatd-padding", c);
            }
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
            let _ = bcrypt::verify(password.as_bytes(), &dummies.get(cost));
            Completion::Verified {
                conn,
                account: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dummy_is_made_at_the_current_cost_before_any_login() {
        let d = Dummies::default();
        d.prepare(5);
        assert!(d.has(5) && !d.has(4));
        assert_eq!(cost_of(&d.get(5)), Some(5));
        assert_eq!(
            cost_of(&d.get(6)),
            Some(5),
            "while 6 is made, the nearest lower"
        );
        d.prepare(4);
        assert_eq!(cost_of(&d.get(4)), Some(4));
    }

    #[test]
    fn older_cheaper_hashes_are_padded_up_to_the_current_cost() {
        let h = bcrypt::hash("pw", 4).unwrap();
        assert_eq!(cost_of(&h), Some(4));
        assert_eq!(padding(4, 4), 4..4, "same cost: nothing to add");
        assert_eq!(padding(10, 12).collect::<Vec<_>>(), [10, 11]);
        let time =
            |own: u32, now: u32| (1u64 << own) + padding(own, now).map(|c| 1u64 << c).sum::<u64>();
        assert_eq!(time(10, 12), 1 << 12, "2^10 + 2^10 + 2^11 = 2^12");
        assert_eq!(time(4, 12), 1 << 12);
        assert_eq!(time(13, 12), 1 << 13, "a dearer hash keeps its own cost");
    }
}
