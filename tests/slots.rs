//! Connection slots over TCP: the per-address limit (at its default), eviction of the oldest
//! connection that is not logged in, the admin slot, sessions per account, and the idle limit
//! of people in chat mode.

mod common;
use chatd::config::Config;
use common::*;

const FULL: &str = "FAIL CONNECT SERVER_FULL :the server is full (10 clients); try again later";

#[test]
fn one_address_gets_three_connections_by_default() {
    let per_ip = Config::default().server.max_clients_per_ip;
    assert_eq!(per_ip, 3);
    let loopback = Config::default().server.exempt_addresses;
    assert_eq!(
        loopback,
        ["127.0.0.0/8", "::1"],
        "loopback is exempt by default"
    );
    let s = TestServer::with(|c| c.server.exempt_addresses = vec![]);
    let mut three: Vec<TestClient> = (0..3).map(|_| s.connect()).collect();
    assert!(three.iter().all(|c| c.hello.starts_with("HELLO ")));
    let mut fourth = s.connect();
    assert_eq!(
        fourth.hello,
        "FAIL CONNECT SERVER_FULL :too many connections from your address (3); close one and try again"
    );
    assert_eq!(fourth.read_to_close(), Vec::<String>::new());
    let mut elsewhere = s.connect_from("127.0.0.2");
    elsewhere.ok("PING", "OK PING");
    three[0].ok("QUIT", "BYE :quit");
    let mut again = s.connect();
    again.ok("PING", "OK PING");
    three[1].ok("PING", "OK PING");
}

#[test]
fn a_full_server_evicts_the_oldest_connection_not_logged_in() {
    let s = TestServer::start();
    let mut amy = s.user("amy");
    let mut silent: Vec<TestClient> = (0..9).map(|_| s.connect()).collect();
    let mut newcomer = s.connect();
    assert!(newcomer.hello.starts_with("HELLO "), "{}", newcomer.hello);
    assert_eq!(silent[0].read_to_close(), vec!["BYE :server full"]);
    silent[1].send("LOGIN amy password-amy");
    assert_eq!(silent[1].recv(), "OK LOGIN amy");
    let second = s.connect();
    assert!(second.hello.starts_with("HELLO "));
    assert_eq!(
        silent[2].read_to_close(),
        vec!["BYE :server full"],
        "silent[1] logged in: the next oldest goes"
    );
    newcomer.ok("PING", "OK PING");
    amy.ok("PING", "OK PING");
    silent[1].ok("PING", "OK PING");
}

#[test]
fn with_everyone_logged_in_the_admin_slot_admits_only_an_admin() {
    let s = TestServer::with(|c| c.limits.login_timeout_secs = 1);
    s.add_user("root", "password-root");
    let mut users: Vec<TestClient> = (0..10).map(|i| s.user(&format!("user{i}"))).collect();
    let mut spare = s.connect();
    assert!(spare.hello.starts_with("HELLO "), "the admin slot");
    assert_eq!(s.connect().hello, FULL, "one admin slot, taken");
    spare.send("LOGIN user0 password-user0");
    assert_eq!(spare.read_to_close(), vec!["BYE :server full"]);
    let mut root = s.connect();
    root.ok("LOGIN root password-root", "OK LOGIN root");
    assert_eq!(s.connect().hello, FULL, "root holds the admin slot");
    root.ok("KICK user3 :make room", "OK KICK user3");
    let mut room = s.connect();
    room.ok("LOGIN user3 password-user3", "OK LOGIN user3");
    assert_eq!(root.cmd("QUIT").last().unwrap(), "BYE :quit");
    let mut idle = s.connect_from("127.0.0.2");
    assert!(idle.hello.starts_with("HELLO "), "the admin slot again");
    assert_eq!(
        idle.read_to_close(),
        vec!["BYE :server full"],
        "no admin login in time"
    );
    assert_eq!(users[0].cmd("PING").last().unwrap(), "OK PING");
}

#[test]
fn an_account_has_at_most_three_sessions() {
    assert_eq!(Config::default().limits.sessions_per_account, 3);
    assert_eq!(Config::default().limits.login_timeout_secs, 30);
    let s = TestServer::start();
    let mut first = s.user("amy");
    let _more = [s.login("amy"), s.login("amy")];
    let mut fourth = s.connect();
    let fail = fourth.fails("LOGIN amy password-amy", "TOO_MANY_SESSIONS");
    assert!(fail.contains("3"), "{fail}");
    first.ok("QUIT", "BYE :quit");
    fourth.ok("LOGIN amy password-amy", "OK LOGIN amy");
}

#[test]
fn a_silent_person_is_told_and_closed() {
    let s = TestServer::with(|c| {
        c.limits.idle_timeout_secs = 1;
        c.limits.ping_interval_secs = 1;
    });
    let mut program = s.user("ben");
    let mut amy = s.connect();
    amy.send("/register amy password1 password1");
    amy.expect("* welcome, amy");
    amy.expect("* /join #channel"); // where to talk: no default channels here
    let lines = amy.read_to_close();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("! You have been silent for 1 second, so "),
        "{lines:?}"
    );
    assert_eq!(lines[1], "* bye (idle timeout)");
    let seen = program.cmd("PING");
    assert!(seen.iter().any(|l| l.starts_with("PING ")), "{seen:?}");
    assert_eq!(
        seen.last().unwrap(),
        "OK PING",
        "programs are kept by PING, not idled out"
    );
}
