//! Abuse guards: the per-connection command rate (a token bucket) and the per-address limit on
//! failed logins.
//!
//! `Bucket::take` is called for each command; when the bucket runs dry it says how long until
//! the next token, and the core holds the connection's input back until then (nothing is
//! dropped). `LoginGuard` counts failed LOGINs per IP in a sliding window; past the limit the
//! address is refused LOGIN for a cool-down, even with the right password.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

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

/// Failed LOGINs by address.
#[derive(Debug, Default)]
pub struct LoginGuard {
    by_ip: HashMap<IpAddr, Failures>,
}

#[derive(Debug, Default)]
struct Failures {
    times: VecDeque<u64>,
    blocked_until: u64,
}

/// The guard's limits, in the units it counts in.
#[derive(Debug, Clone, Copy)]
pub struct GuardLimits {
    pub failures: usize,
    pub window_ms: u64,
    pub cooldown_ms: u64,
}

impl LoginGuard {
    /// True while `ip` is cooling down.
    pub fn blocked(&self, ip: IpAddr, now_ms: u64) -> bool {
        self.by_ip
            .get(&ip)
            .is_some_and(|f| f.blocked_until > now_ms)
    }

    /// Counts a failed LOGIN; true if the address now cools down.
    pub fn failed(&mut self, ip: IpAddr, now_ms: u64, l: GuardLimits) -> bool {
        if self.by_ip.len() > 10_000 {
            self.by_ip.retain(|_, f| {
                f.blocked_until > now_ms || f.times.back().is_some_and(|t| t + l.window_ms > now_ms)
            });
        }
        let f = self.by_ip.entry(ip).or_default();
        f.times.push_back(now_ms);
        while f.times.front().is_some_and(|t| t + l.window_ms <= now_ms)
            || f.times.len() > l.failures
        {
            f.times.pop_front();
        }
        if f.times.len() >= l.failures {
            f.blocked_until = now_ms + l.cooldown_ms;
            f.times.clear();
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_a_burst_then_the_rate() {
        let mut b = Bucket::full(3, 0);
        assert_eq!(b.take(0, 3, 2), None);
        assert_eq!(b.take(0, 3, 2), None);
        assert_eq!(
            b.take(0, 3, 2),
            Some(500),
            "empty: the next token comes in 1/2 s"
        );
        assert_eq!(b.take(500, 3, 2), Some(500));
        assert_eq!(b.take(10_000, 3, 2), None, "refills to the burst, no more");
        assert_eq!(b.take(10_000, 3, 2), None);
        assert!(b.take(10_000, 3, 2).is_some());
    }

    #[test]
    fn login_guard_blocks_after_failures_in_the_window_only() {
        let l = GuardLimits {
            failures: 3,
            window_ms: 1000,
            cooldown_ms: 5000,
        };
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let mut g = LoginGuard::default();
        assert!(!g.failed(a, 0, l));
        assert!(!g.failed(a, 600, l));
        assert!(!g.failed(a, 1100, l), "the first failure left the window");
        assert!(g.failed(a, 1200, l));
        assert!(g.blocked(a, 1201) && !g.blocked(b, 1201));
        assert!(g.blocked(a, 6199) && !g.blocked(a, 6200));
    }
}
