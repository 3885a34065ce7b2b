//! Quotas on what one address or account may create: accounts registered per address per hour
//! (`limits.registrations_per_ip_per_hour`; IPv6 counted per /64) and channels created per
//! account (`limits.channels_per_user`; admins are not counted).
//!
//! Addresses in `server.exempt_addresses` (loopback by default: the operator's own bots and
//! tools) are not counted. A REGISTER takes its place in the hour when it starts (`take_registration`), so parallel
//! attempts cannot pass the limit together, and gives it back if the account is not created
//! (`refund_registration`).

use super::Core;
use crate::proto::Code;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

const HOUR_MS: u64 = 3_600_000;

/// Registrations by address group, each a start time (monotonic ms).
#[derive(Debug, Default)]
pub struct Registrations {
    by_ip: HashMap<IpAddr, VecDeque<u64>>,
}

/// The address group a limit counts: the address itself for IPv4, its /64 for IPv6.
pub fn ip_group(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
        v4 => v4,
    }
}

impl Registrations {
    /// Takes a place for `ip` if fewer than `limit` were taken in the last hour.
    fn take(&mut self, ip: IpAddr, now_ms: u64, limit: usize) -> bool {
        let times = self.by_ip.entry(ip_group(ip)).or_default();
        while times.front().is_some_and(|&t| t + HOUR_MS <= now_ms) {
            times.pop_front();
        }
        if times.len() >= limit {
            return false;
        }
        times.push_back(now_ms);
        true
    }

    fn refund(&mut self, ip: IpAddr) {
        if let Some(times) = self.by_ip.get_mut(&ip_group(ip)) {
            times.pop_back();
        }
    }
}

impl Core {
    /// REGISTER's place in its address's hourly quota, or RATE_LIMITED.
    pub(super) fn take_registration(&mut self, ip: IpAddr) -> Result<(), (Code, &'static str)> {
        let limit = self.settings.limits.registrations_per_ip_per_hour;
        if self.exempt(ip) || self.registrations.take(ip, self.now.mono_ms, limit) {
            Ok(())
        } else {
            Err((
                Code::RateLimited,
                "too many accounts registered from your address; try again later",
            ))
        }
    }

    /// True for an address in `server.exempt_addresses`: the per-address quotas skip it.
    pub(super) fn exempt(&self, ip: IpAddr) -> bool {
        self.settings.exempt.iter().any(|n| n.contains(ip))
    }

    /// Gives back a place taken by a REGISTER that did not create an account.
    pub(super) fn refund_registration(&mut self, ip: IpAddr) {
        self.registrations.refund(ip);
    }

    /// Whether `me` may create one more channel, or TOO_MANY_CHANNELS.
    pub(super) fn may_create_channel(&self, me: i64) -> Result<(), (Code, String)> {
        let limit = self.settings.limits.channels_per_user;
        if self.is_admin(me) {
            return Ok(());
        }
        let owned = self
            .world
            .channels
            .values()
            .filter(|c| c.owner == me)
            .count();
        if owned < limit {
            return Ok(());
        }
        Err((
            Code::TooManyChannels,
            format!("you own {owned} channels, the most one account may create"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_holds_the_limit_per_address_group() {
        let mut r = Registrations::default();
        let a: IpAddr = "2001:db8::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8::ffff:2".parse().unwrap();
        let other_64: IpAddr = "2001:db8:0:1::1".parse().unwrap();
        assert!(r.take(a, 0, 2));
        assert!(r.take(same_64, 10, 2));
        assert!(!r.take(a, 20, 2), "the /64 is one group");
        assert!(r.take(other_64, 20, 2));
        r.refund(a);
        assert!(r.take(a, 30, 2), "a refunded place is free again");
        assert!(!r.take(a, HOUR_MS - 1, 2));
        assert!(
            r.take(a, HOUR_MS, 2),
            "an hour later the first place is free"
        );
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(ip_group(mapped), "127.0.0.1".parse::<IpAddr>().unwrap());
    }
}
