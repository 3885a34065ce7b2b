//! Address blocks for bans: an IPv4 or IPv6 address or CIDR block, and matching peers
//! against it (IPv4-mapped IPv6 peers match IPv4 blocks).

use std::net::IpAddr;

/// An address block: `addr/prefix` with host bits zero. IPv4-mapped IPv6 is matched as IPv4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    /// Parses `1.2.3.4`, `1.2.0.0/16`, `::1`, `2001:db8::/32`.
    pub fn parse(s: &str) -> Option<Net> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) if !p.starts_with('+') => {
                (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?))
            }
            Some(_) => return None,
            None => (s.parse::<IpAddr>().ok()?, None),
        };
        let addr = canonical(addr);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then(|| Net {
            addr: mask(addr, prefix),
            prefix,
        })
    }

    /// True if `ip` is inside the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.prefix) == self.addr
    }
}

impl std::fmt::Display for Net {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let full = if self.addr.is_ipv4() { 32 } else { 128 };
        if self.prefix == full {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.prefix)
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(a) => {
            let m = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4((u32::from(a) & m).into())
        }
        IpAddr::V6(a) => {
            let m = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6((u128::from(a) & m).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Net;

    #[test]
    fn nets_parse_mask_and_match() {
        let n = Net::parse("10.1.2.3/8").unwrap();
        assert_eq!(n.to_string(), "10.0.0.0/8");
        assert!(n.contains("10.200.0.1".parse().unwrap()));
        assert!(!n.contains("11.0.0.1".parse().unwrap()));
        assert!(n.contains("::ffff:10.0.0.9".parse().unwrap()));
        let one = Net::parse("::1").unwrap();
        assert_eq!(one.to_string(), "::1");
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("127.0.0.1".parse().unwrap()));
        assert!(
            Net::parse("2001:db8::/32")
                .unwrap()
                .contains("2001:db8:ffff::1".parse().unwrap())
        );
        assert_eq!(Net::parse("0.0.0.0/0").unwrap().to_string(), "0.0.0.0/0");
        assert!(Net::parse("1.2.3.4/33").is_none());
        assert!(Net::parse("bob").is_none());
        assert!(Net::parse("1.2.3").is_none());
    }
}
