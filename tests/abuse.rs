//! Floods, password guessing and address bans from other addresses: limits that hold while
//! everyone else is served.

mod common;
use common::*;

#[test]
fn commands_past_the_burst_are_held_back_not_dropped() {
    let s = TestServer::with(|c| {
        c.limits.flood_burst = 5;
        c.limits.flood_per_second = 50;
    });
    let mut c = s.connect();
    let burst: String = (0..40).map(|i| format!("PING {i}\n")).collect();
    c.send_raw(burst.as_bytes());
    for i in 0..40 {
        assert_eq!(c.recv(), format!("OK PING {i}"));
    }
}

#[test]
fn a_client_that_keeps_flooding_is_closed_and_others_are_served() {
    let s = TestServer::with(|c| c.limits.flood_per_second = 1);
    let mut calm = s.user("calm");
    let mut flooder = s.connect();
    let flood = "PING flood-flood-flood-flood\n".repeat(2000);
    flooder.send_raw(flood.as_bytes());
    calm.ok("PING still-here", "OK PING still-here");
    let lines = flooder.read_to_close();
    assert_eq!(lines.last().unwrap(), "BYE :flooding");
    assert!(
        lines.len() < 100,
        "most of the flood was never handled: {}",
        lines.len()
    );
    calm.ok("PING after", "OK PING after");
}

#[test]
fn repeated_failed_logins_lock_out_that_address_only() {
    let s = TestServer::with(|c| c.limits.login_failures = 3);
    s.user("amy").ok("QUIT", "BYE :quit");
    let mut guesser = s.connect();
    for _ in 0..3 {
        guesser.fails("LOGIN amy not-the-password", "BAD_CREDENTIALS");
    }
    guesser.fails("LOGIN amy password-amy", "RATE_LIMITED");
    let mut same_ip = s.connect();
    same_ip.fails("LOGIN amy password-amy", "RATE_LIMITED");
    let mut elsewhere = s.connect_from("127.0.0.2");
    elsewhere.ok("LOGIN amy password-amy", "OK LOGIN amy");
}

#[test]
fn an_address_ban_spares_other_addresses() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut victim = s.connect_from("127.0.0.2");
    let mut bystander = s.connect_from("127.0.0.3");
    root.ok("BAN 127.0.0.2 1h :bad neighbour", "OK BAN 127.0.0.2");
    assert_eq!(victim.read_to_close(), vec!["BYE :banned: bad neighbour"]);
    bystander.ok("PING", "OK PING");
    assert!(
        s.connect_from("127.0.0.2")
            .hello
            .starts_with("FAIL CONNECT BANNED")
    );
    assert!(s.connect_from("127.0.0.3").hello.starts_with("HELLO "));
}

#[test]
fn every_kind_of_line_counts_against_the_flood_limit() {
    let s = TestServer::with(|c| c.limits.flood_per_second = 1);
    let mut calm = s.user("calm");
    let long = format!("{}\n", "x".repeat(600));
    let floods: [(&str, Vec<u8>); 5] = [
        ("PONG", b"PONG token\n".repeat(4000)),
        ("blank lines", b"  \n".repeat(8000)),
        ("bad UTF-8", b"\xff\xfe\n".repeat(8000)),
        ("too long", long.repeat(200).into_bytes()),
        ("unknown verb", b"FROB x\n".repeat(4000)),
    ];
    for (kind, flood) in floods {
        let mut flooder = s.connect();
        flooder.send_raw(&flood);
        calm.ok("PING still-here", "OK PING still-here");
        let lines = flooder.read_to_close();
        assert_eq!(
            lines.last().map(String::as_str),
            Some("BYE :flooding"),
            "{kind}: held back, then closed"
        );
        assert!(
            lines.len() < 100,
            "{kind}: {} lines were handled",
            lines.len()
        );
    }
}

#[test]
fn registrations_per_address_per_hour_are_limited_but_not_for_exempt_addresses() {
    let s = TestServer::with(|c| {
        c.limits.registrations_per_ip_per_hour = 2;
        c.server.exempt_addresses = vec!["127.0.0.9".into()];
    });
    let mut a = s.connect_from("127.0.0.2");
    a.ok("REGISTER ann password1 password1", "OK REGISTER ann");
    let mut b = s.connect_from("127.0.0.2");
    b.fails("REGISTER ann password1 password1", "NAME_TAKEN"); // takes no place
    b.ok("REGISTER ben password1 password1", "OK REGISTER ben");
    let mut c = s.connect_from("127.0.0.2");
    c.fails("REGISTER cat password1 password1", "RATE_LIMITED");
    let mut elsewhere = s.connect_from("127.0.0.3");
    elsewhere.ok("REGISTER cat password1 password1", "OK REGISTER cat");
    for name in ["dan", "eve", "fay"] {
        let mut tool = s.connect_from("127.0.0.9");
        tool.ok(
            &format!("REGISTER {name} password1 password1"),
            &format!("OK REGISTER {name}"),
        );
    }
}

#[test]
fn an_account_creates_a_limited_number_of_channels() {
    let s = TestServer::with(|c| c.limits.channels_per_user = 2);
    let mut amy = s.user("amy");
    let mut bob = s.user("bob");
    amy.expect("ONLINE bob");
    amy.ok("JOIN #a", "OK JOIN #a");
    amy.ok("JOIN #b", "OK JOIN #b");
    let refused = amy.fails("JOIN #c", "TOO_MANY_CHANNELS");
    assert!(
        refused.starts_with("FAIL JOIN TOO_MANY_CHANNELS #c :"),
        "{refused}"
    );
    bob.ok("JOIN #c", "OK JOIN #c");
    amy.ok("JOIN #c", "OK JOIN #c"); // joining is not creating
    let mut root = s.admin();
    for ch in ["#r1", "#r2", "#r3"] {
        root.ok(&format!("JOIN {ch}"), &format!("OK JOIN {ch}"));
    }
}
