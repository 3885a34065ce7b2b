//! Connection slots: who gets in when, so that one client cannot lock everyone else out.
//!
//! On connect the core asks `Slots::admit` and then records the session with `add`; it tells
//! `logged_in` / `logged_out` as sessions log in and out, and `remove` when one closes.
//! The rules, in order:
//! - at most `server.max_clients_per_ip` connections per address (IPv4 address, IPv6 /64);
//! - up to `server.max_clients` connections are admitted;
//! - when those are all taken, the oldest connection that is not logged in is evicted
//!   (`BYE :server full`) for the newcomer; logged-in users are never evicted;
//! - when every one of them is logged in, up to `server.admin_slots` more are admitted, but must
//!   log in as an admin within `ADMIN_SLOT_SECS` or get `BYE :server full`;
//! - else `FAIL CONNECT SERVER_FULL`.
//!
//! Everything here is O(log n) per connection.

use crate::jobs::ConnId;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;

/// How long a connection in an admin slot has to log in as an admin.
pub const ADMIN_SLOT_SECS: u64 = 10;

/// What a new connection gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A slot is free.
    Normal,
    /// The slot of this connection, the oldest not logged in, is given to the newcomer.
    Evict(ConnId),
    /// One of the admin slots: log in as an admin within `ADMIN_SLOT_SECS`.
    Admin,
    /// Refused: too many connections from the address.
    AddressFull,
    /// Refused: every slot is taken by a logged-in user.
    Full,
}

/// The limits `admit` applies.
#[derive(Debug, Clone, Copy)]
pub struct SlotLimits {
    pub max_clients: usize,
    pub per_address: usize,
    pub admin_slots: usize,
}

/// Connections by address group, the ones not logged in by age, and the admin slots in use.
#[derive(Debug, Default)]
pub struct Slots {
    by_group: HashMap<IpAddr, usize>,
    /// Normal-slot connections not logged in, oldest first: (connection number, id).
    waiting: BTreeSet<(u64, ConnId)>,
    normal: usize,
    admin: usize,
    next_seq: u64,
}

impl Slots {
    /// Decides what a connection from `group` gets.
    pub fn admit(&self, group: IpAddr, l: SlotLimits) -> Admission {
        if self.by_group.get(&group).copied().unwrap_or(0) >= l.per_address {
            Admission::AddressFull
        } else if self.normal < l.max_clients {
            Admission::Normal
        } else if let Some((_, oldest)) = self.waiting.first() {
            Admission::Evict(*oldest)
        } else if self.admin < l.admin_slots {
            Admission::Admin
        } else {
            Admission::Full
        }
    }

    /// Records an admitted connection; returns its number (its age) for the other calls.
    pub fn add(&mut self, conn: ConnId, group: IpAddr, admin_slot: bool) -> u64 {
        self.next_seq += 1;
        *self.by_group.entry(group).or_default() += 1;
        if admin_slot {
            self.admin += 1;
        } else {
            self.normal += 1;
            self.waiting.insert((self.next_seq, conn));
        }
        self.next_seq
    }

    /// The connection logged in: it can no longer be evicted.
    pub fn logged_in(&mut self, conn: ConnId, seq: u64) {
        self.waiting.remove(&(seq, conn));
    }

    /// The connection logged out: it can be evicted again (as old as it is).
    pub fn logged_out(&mut self, conn: ConnId, seq: u64, admin_slot: bool) {
        if !admin_slot {
            self.waiting.insert((seq, conn));
        }
    }

    /// The connection closed.
    pub fn remove(&mut self, conn: ConnId, group: IpAddr, seq: u64, admin_slot: bool) {
        self.waiting.remove(&(seq, conn));
        if let Some(n) = self.by_group.get_mut(&group) {
            *n -= 1;
            if *n == 0 {
                self.by_group.remove(&group);
            }
        }
        if admin_slot {
            self.admin -= 1;
        } else {
            self.normal -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: SlotLimits = SlotLimits {
        max_clients: 2,
        per_address: 2,
        admin_slots: 1,
    };

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn id(n: usize) -> ConnId {
        ConnId::new(n, n as u32)
    }

    #[test]
    fn the_oldest_not_logged_in_makes_room_then_the_admin_slot_then_full() {
        let mut s = Slots::default();
        let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
        assert_eq!(s.admit(a, L), Admission::Normal);
        let first = s.add(id(1), a, false);
        let second = s.add(id(2), b, false);
        assert_eq!(s.admit(b, L), Admission::Evict(id(1)), "the oldest goes");
        s.logged_in(id(1), first);
        assert_eq!(s.admit(b, L), Admission::Evict(id(2)));
        s.logged_in(id(2), second);
        assert_eq!(s.admit(b, L), Admission::Admin, "all logged in");
        s.add(id(3), b, true);
        assert_eq!(s.admit(ip("10.0.0.3"), L), Admission::Full);
        assert_eq!(s.admit(b, L), Admission::AddressFull);
        s.logged_out(id(1), first, false);
        assert_eq!(s.admit(ip("10.0.0.3"), L), Admission::Evict(id(1)));
        s.remove(id(3), b, 3, true);
        s.remove(id(2), b, second, false);
        assert_eq!(s.admit(b, L), Admission::Normal);
    }
}
