//! Abuse guards: the per-connection command rate (a token bucket) and the limits on failed
//! logins, per address and per account.
//!
//! `Bucket::take` is called for each command; when the bucket runs dry it says how long until
//! the next token, and the core holds the connection's input back until then (nothing is
//! dropped).
//!
//! `LoginGuard` is asked in this order for each LOGIN: `refusal` (is the address or the account
//! cooling down, or are as many checks in flight as the limit allows?), `started` (the attempt
//! counts as a failure from now: ten parallel guesses with a limit of five get five checks),
//! then `succeeded` (the count is taken back) or `failed` (past the limit the address or
//! account cools down). Addresses are counted per IPv4 address or IPv6 /64 (`addr_group`).
//!
//! Each `Limiter` keeps its keys in a map and their expiry times in an ordered set, so a LOGIN
//! costs O(log n) however many addresses are counted, and keys are forgotten in expiry order
//! (each once), never by scanning them all.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr};

/// A token bucket: `burst` commands at once, `per_second` sustained.
#[derive(Debug, Clone)]
pub struct Bucket {
    tokens: f64,
    at_ms: u64,
}

impl Bucket {
    /// A full bucket.
    pub fn full(burst: u32, now_ms: u64) -> Bucket {
        Bucket {
            tokens: f64::from(burst),
            at_ms: now_ms,
        }
    }

    /// Takes a token. `Some(ms)` if the bucket is now empty: the wait until the next token.
    pub fn take(&mut self, now_ms: u64, burst: u32, per_second: u32) -> Option<u64> {
        let rate = f64::from(per_second) / 1000.0;
        let elapsed = now_ms.saturating_sub(self.at_ms) as f64;
        self.tokens = (self.tokens + elapsed * rate).min(f64::from(burst)) - 1.0;
        self.at_ms = now_ms;
        (self.tokens < 1.0).then(|| ((1.0 - self.tokens) / rate).ceil() as u64)
    }
}

/// The group an address is counted in: an IPv4 address (IPv4-mapped IPv6 too), or the /64 of
/// an IPv6 address (one subscriber usually holds a whole /64).
pub fn addr_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
        v4 => v4,
    }
}

/// One limit, in the units the guard counts in.
#[derive(Debug, Clone, Copy)]
pub struct GuardLimits {
    pub failures: usize,
    pub window_ms: u64,
    pub cooldown_ms: u64,
}

/// Failures (and checks in flight) by key within a sliding window, and cool-downs.
#[derive(Debug)]
pub struct Limiter<K> {
    by_key: HashMap<K, Failures>,
    /// (when the key can be forgotten, key): exactly one per key in `by_key`.
    expiry: BTreeSet<(u64, K)>,
    /// Expiry entries looked at so far (for tests: the work done to forget keys).
    pub examined: u64,
}

#[derive(Debug, Default)]
struct Failures {
    /// Start times of failed or unfinished attempts, oldest first, at most the limit.
    times: VecDeque<u64>,
    blocked_until: u64,
    expires: u64,
}

impl<K> Default for Limiter<K> {
    fn default() -> Self {
        Limiter {
            by_key: HashMap::new(),
            expiry: BTreeSet::new(),
            examined: 0,
        }
    }
}

impl<K: Hash + Ord + Clone> Limiter<K> {
    /// How many keys are counted now.
    #[cfg(test)]
    pub fn keys(&self) -> usize {
        self.by_key.len()
    }

    /// True while `key` cools down, or has as many failures in the window as the limit.
    pub fn blocked(&self, key: &K, now_ms: u64, l: GuardLimits) -> bool {
        self.by_key.get(key).is_some_and(|f| {
            f.blocked_until > now_ms
                || f.times.iter().filter(|t| *t + l.window_ms > now_ms).count() >= l.failures
        })
    }

    /// An attempt starts: it counts as a failure until `succeeded` takes it back.
    pub fn started(&mut self, key: &K, now_ms: u64, l: GuardLimits) {
        self.forget_expired(now_ms);
        self.update(key, l, |f| {
            f.times.push_back(now_ms);
            while f.times.len() > l.failures.max(1)
                || f.times.front().is_some_and(|t| t + l.window_ms <= now_ms)
            {
                f.times.pop_front();
            }
        });
    }

    /// The attempt succeeded: its count is taken back.
    pub fn succeeded(&mut self, key: &K, l: GuardLimits) {
        if self.by_key.contains_key(key) {
            self.update(key, l, |f| {
                f.times.pop_back();
            });
        }
    }

    /// The attempt failed (it was counted when it started); true if `key` now cools down.
    pub fn failed(&mut self, key: &K, now_ms: u64, l: GuardLimits) -> bool {
        if !self.by_key.contains_key(key) || !self.blocked(key, now_ms, l) {
            return false;
        }
        if self.by_key[key].blocked_until > now_ms {
            return false; // cooling down already: another attempt that was in flight
        }
        self.update(key, l, |f| {
            f.blocked_until = now_ms + l.cooldown_ms;
            f.times.clear();
        });
        true
    }

    /// Changes a key's entry and files its new expiry time.
    fn update(&mut self, key: &K, l: GuardLimits, change: impl FnOnce(&mut Failures)) {
        let f = self.by_key.entry(key.clone()).or_default();
        let old = f.expires;
        change(f);
        let newest = f.times.back().map_or(0, |t| t + l.window_ms);
        f.expires = f.blocked_until.max(newest);
        let new = f.expires;
        self.expiry.remove(&(old, key.clone()));
        self.expiry.insert((new, key.clone()));
    }

    /// Forgets the keys whose failures left the window and whose cool-down is over, oldest
    /// first: each key is looked at once when it expires, plus one look that stops.
    fn forget_expired(&mut self, now_ms: u64) {
        while let Some((at, _)) = self.expiry.first() {
            self.examined += 1;
            if *at > now_ms {
                return;
            }
            if let Some((_, key)) = self.expiry.pop_first() {
                self.by_key.remove(&key);
            }
        }
    }
}

/// Why a LOGIN is refused before its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Address,
    Account,
}

/// Failed LOGINs by address group and by account name.
#[derive(Debug, Default)]
pub struct LoginGuard {
    pub by_addr: Limiter<IpAddr>,
    pub by_account: Limiter<String>,
}

/// The two limits a LOGIN is checked against.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub addr: GuardLimits,
    pub account: GuardLimits,
}

/// A LOGIN attempt: where from, and for which account key (`None` for a name off the rule;
/// `exempt` when the address is the one the account last logged in from).
#[derive(Debug, Clone)]
pub struct Attempt {
    pub addr: IpAddr,
    pub account: Option<String>,
    pub exempt: bool,
}

impl LoginGuard {
    /// Why the attempt may not be checked now, if it may not.
    pub fn refusal(&self, a: &Attempt, now_ms: u64, l: LoginLimits) -> Option<Refusal> {
        let group = addr_group(a.addr);
        if self.by_addr.blocked(&group, now_ms, l.addr) {
            return Some(Refusal::Address);
        }
        let account = a.account.as_ref().filter(|_| !a.exempt)?;
        self.by_account
            .blocked(account, now_ms, l.account)
            .then_some(Refusal::Account)
    }

    /// The attempt's check starts: counted against the address and the account.
    pub fn started(&mut self, a: &Attempt, now_ms: u64, l: LoginLimits) {
        self.by_addr.started(&addr_group(a.addr), now_ms, l.addr);
        if let Some(account) = a.account.as_ref().filter(|_| !a.exempt) {
            self.by_account.started(account, now_ms, l.account);
        }
    }

    /// The right password: the attempt's counts are taken back.
    pub fn succeeded(&mut self, a: &Attempt, l: LoginLimits) {
        self.by_addr.succeeded(&addr_group(a.addr), l.addr);
        if let Some(account) = a.account.as_ref().filter(|_| !a.exempt) {
            self.by_account.succeeded(account, l.account);
        }
    }

    /// A wrong name or password: which of the two now cools down.
    pub fn failed(&mut self, a: &Attempt, now_ms: u64, l: LoginLimits) -> Option<Refusal> {
        let addr = self.by_addr.failed(&addr_group(a.addr), now_ms, l.addr);
        let account = a
            .account
            .as_ref()
            .filter(|_| !a.exempt)
            .is_some_and(|k| self.by_account.failed(k, now_ms, l.account));
        match (addr, account) {
            (true, _) => Some(Refusal::Address),
            (false, true) => Some(Refusal::Account),
            _ => None,
        }
    }
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
