use super::*;

const L: GuardLimits = GuardLimits {
    failures: 3,
    window_ms: 1000,
    cooldown_ms: 5000,
};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn limits() -> LoginLimits {
    LoginLimits {
        addr: L,
        account: GuardLimits {
            failures: 4,
            window_ms: 10_000,
            cooldown_ms: 60_000,
        },
    }
}

fn attempt(addr: &str, account: &str) -> Attempt {
    Attempt {
        addr: ip(addr),
        account: Some(account.into()),
        exempt: false,
    }
}

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

/// One sequential failed attempt.
fn fail(g: &mut Limiter<IpAddr>, a: IpAddr, at: u64) -> bool {
    g.started(&a, at, L);
    g.failed(&a, at, L)
}

#[test]
fn failures_block_in_the_window_only() {
    let (a, b) = (ip("10.0.0.1"), ip("10.0.0.2"));
    let mut g = Limiter::default();
    assert!(!fail(&mut g, a, 0));
    assert!(!fail(&mut g, a, 600));
    assert!(!fail(&mut g, a, 1100), "the first failure left the window");
    assert!(fail(&mut g, a, 1200));
    assert!(g.blocked(&a, 1201, L) && !g.blocked(&b, 1201, L));
    assert!(g.blocked(&a, 6199, L) && !g.blocked(&a, 6200, L));
}

#[test]
fn attempts_in_flight_count_and_a_success_takes_its_count_back() {
    let a = ip("10.0.0.1");
    let mut g = Limiter::default();
    for _ in 0..3 {
        assert!(!g.blocked(&a, 0, L));
        g.started(&a, 0, L);
    }
    assert!(
        g.blocked(&a, 0, L),
        "three checks in flight: the fourth waits"
    );
    g.succeeded(&a, L);
    assert!(!g.blocked(&a, 0, L), "a right password frees its place");
    g.started(&a, 0, L);
    assert!(
        g.failed(&a, 1, L),
        "the limit reached by failures: cool-down"
    );
    assert!(
        !g.failed(&a, 2, L),
        "the others in flight do not start it again"
    );
    assert!(g.blocked(&a, 5000, L) && !g.blocked(&a, 5001, L));
}

#[test]
fn ipv6_is_counted_per_64_and_mapped_ipv4_as_ipv4() {
    assert_eq!(addr_group(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
    assert_eq!(addr_group(ip("::ffff:10.1.2.3")), ip("10.1.2.3"));
    let mut g = LoginGuard::default();
    let l = limits();
    for host in 1..=3 {
        let a = attempt(&format!("2001:db8:0:7:{host}::1"), "x");
        g.started(&a, 0, l);
        g.failed(&a, 0, l);
    }
    let same64 = attempt("2001:db8:0:7:ffff::9", "y");
    assert_eq!(g.refusal(&same64, 1, l), Some(Refusal::Address));
    let other64 = attempt("2001:db8:0:8::1", "y");
    assert_eq!(g.refusal(&other64, 1, l), None);
}

#[test]
fn an_account_guessed_from_many_addresses_cools_down() {
    let mut g = LoginGuard::default();
    let l = limits();
    for i in 0..4 {
        let a = attempt(&format!("10.0.0.{i}"), "amy");
        assert_eq!(g.refusal(&a, 0, l), None);
        g.started(&a, 0, l);
        let cooled = g.failed(&a, 0, l);
        assert_eq!(cooled, (i == 3).then_some(Refusal::Account));
    }
    let fresh = attempt("10.9.9.9", "amy");
    assert_eq!(g.refusal(&fresh, 59_999, l), Some(Refusal::Account));
    assert_eq!(g.refusal(&fresh, 60_000, l), None, "the cool-down ends");
    let home = Attempt {
        exempt: true,
        ..fresh.clone()
    };
    assert_eq!(g.refusal(&home, 1, l), None, "her last address gets in");
    assert_eq!(g.refusal(&attempt("10.9.9.9", "ben"), 1, l), None);
}

#[test]
fn a_hundred_thousand_addresses_cost_log_n_per_login_and_expire_in_order() {
    let mut g: Limiter<IpAddr> = Limiter::default();
    let n: u32 = 100_000;
    for i in 0..n {
        let a = IpAddr::from((0x0a00_0000 + i).to_be_bytes());
        fail(&mut g, a, u64::from(i) / 100); // 1,000 ms of logins
    }
    assert_eq!(g.keys(), n as usize);
    let before = g.examined;
    for i in 0..1000u32 {
        fail(&mut g, ip("192.0.2.1"), 999 + u64::from(i % 2));
    }
    assert!(
        g.examined - before <= 1000 + 100,
        "1,000 logins while few expire look at about one entry each, not at 100,000: {}",
        g.examined - before
    );
    assert!(g.keys() >= n as usize - 100);
    fail(&mut g, ip("192.0.2.2"), 1_000_000);
    assert_eq!(
        g.keys(),
        1,
        "every other address left the window and is forgotten"
    );
    assert!(
        g.examined <= u64::from(n) * 2 + 2000,
        "each key was looked at about once in all: {}",
        g.examined
    );
}
