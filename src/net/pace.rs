//! Write coalescing: how long the loop waits before its next poll while clients keep it busy.
//!
//! Every write to a socket costs about the same in the kernel whether it carries one line or
//! fifty (on loopback the receiver's TCP work runs inside the sender's system call). A busy
//! channel makes each turn write a few lines to every member, so most of the server's time
//! goes to writes that carry little. When a turn handled several clients' lines and wrote many
//! small batches, the loop starts its next turn no sooner than `server.coalesce_us` after this
//! one started: the lines that arrive meanwhile go out in the same writes. A quiet server never
//! waits: a lone message to a big channel, a timer's pings or a login's `ONLINE`s are one line
//! or none, and a turn that wrote to few connections or whose writes averaged `SMALL_WRITE` or
//! more (big replies) does not wait. Nor does a turn that took longer than the interval, so
//! the wait adds at most the interval to a line's latency and costs nothing when the loop is
//! the bottleneck.

use std::time::{Duration, Instant};

/// A turn that handled at least this many lines from clients...
pub const BUSY_LINES: usize = 2;
/// ...and wrote to at least this many connections may be followed by a wait...
pub const BUSY_WRITES: usize = 8;
/// ...when its writes averaged less than this many bytes (a HISTORY page, a LIST or a burst
/// of joins is already a big write: no wait).
pub const SMALL_WRITE: usize = 2048;

/// The loop's pacing between turns.
#[derive(Debug)]
pub struct Pace {
    interval: Duration,
    turn_start: Instant,
    lines: usize,
    writes: usize,
    bytes: usize,
    wait: bool,
}

impl Pace {
    /// `interval`: the shortest time between two busy turns' starts; zero turns it off.
    pub fn new(interval: Duration, now: Instant) -> Pace {
        Pace {
            interval,
            turn_start: now,
            lines: 0,
            writes: 0,
            bytes: 0,
            wait: false,
        }
    }

    /// A turn begins (the poll returned).
    pub fn begin(&mut self, now: Instant) {
        self.turn_start = now;
        self.lines = 0;
        self.writes = 0;
        self.bytes = 0;
    }

    /// The turn handled a line from a client.
    pub fn line(&mut self) {
        self.lines += 1;
    }

    /// The turn wrote `bytes` to one connection.
    pub fn wrote(&mut self, bytes: usize) {
        self.writes += 1;
        self.bytes += bytes;
    }

    /// The turn's writes are done: decides whether the next poll waits.
    pub fn end(&mut self) {
        self.wait = !self.interval.is_zero()
            && self.lines >= BUSY_LINES
            && self.writes >= BUSY_WRITES
            && self.bytes < SMALL_WRITE * self.writes;
    }

    /// How long to wait before the next poll, at `now`.
    pub fn delay(&self, now: Instant) -> Option<Duration> {
        if !self.wait {
            return None;
        }
        (self.turn_start + self.interval)
            .checked_duration_since(now)
            .filter(|d| !d.is_zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(p: &mut Pace, at: Instant, writes: &[usize]) {
        turn_of(p, at, BUSY_LINES, writes);
    }

    fn turn_of(p: &mut Pace, at: Instant, lines: usize, writes: &[usize]) {
        p.begin(at);
        (0..lines).for_each(|_| p.line());
        writes.iter().for_each(|&b| p.wrote(b));
        p.end();
    }

    #[test]
    fn busy_turns_wait_out_the_interval_from_the_turn_start() {
        let t0 = Instant::now();
        let mut p = Pace::new(Duration::from_micros(250), t0);
        turn_of(&mut p, t0, 1, &[100; 10]);
        assert_eq!(p.delay(t0), None, "a lone message to a big channel");
        turn_of(&mut p, t0, 0, &[100; 10]);
        assert_eq!(p.delay(t0), None, "a timer's pings");
        turn(&mut p, t0, &[100; 10]);
        let later = t0 + Duration::from_micros(100);
        assert_eq!(p.delay(later), Some(Duration::from_micros(150)));
        let long = t0 + Duration::from_micros(300);
        assert_eq!(p.delay(long), None, "a long turn");
    }

    #[test]
    fn quiet_turns_big_writes_and_a_zero_interval_never_wait() {
        let t0 = Instant::now();
        let mut p = Pace::new(Duration::from_micros(250), t0);
        for (quiet, why) in [
            (&[100; BUSY_WRITES - 1][..], "few connections written"),
            (&[SMALL_WRITE; 16][..], "big writes"),
            (&[][..], "nothing written"),
        ] {
            turn(&mut p, t0, quiet);
            assert_eq!(p.delay(t0), None, "{why}");
        }
        let mut p = Pace::new(Duration::ZERO, t0);
        turn(&mut p, t0, &[100; BUSY_WRITES]);
        assert_eq!(p.delay(t0), None, "coalescing off");
    }
}
