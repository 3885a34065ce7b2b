//! The client cap and the timers: SERVER_FULL, login timeout, PING and ping timeout (the slot
//! rules in detail: tests/slots.rs).

mod common;
use common::*;

#[test]
fn with_ten_logged_in_the_twelfth_connection_is_refused_and_a_slot_frees_when_one_leaves() {
    let s = TestServer::start();
    let mut users: Vec<TestClient> = (0..10).map(|i| s.user(&format!("user{i}"))).collect();
    let _admin_slot = s.connect();
    let mut extra = s.connect();
    assert_eq!(
        extra.hello,
        "FAIL CONNECT SERVER_FULL :the server is full (10 clients); try again later"
    );
    assert_eq!(extra.read_to_close(), Vec::<String>::new());
    assert_eq!(users[3].cmd("QUIT").last().unwrap(), "BYE :quit");
    let mut next = s.connect();
    assert!(next.hello.starts_with("HELLO "), "{}", next.hello);
    next.ok("PING", "OK PING");
    assert_eq!(users[0].cmd("PING").last().unwrap(), "OK PING");
}

#[test]
fn a_connection_that_does_not_log_in_is_closed() {
    let s = TestServer::with(|c| c.limits.login_timeout_secs = 1);
    let mut c = s.connect();
    c.ok("PING", "OK PING");
    assert_eq!(c.read_to_close(), vec!["BYE :login timeout"]);
    let mut u = s.user("amy");
    u.ok("PING", "OK PING");
}

#[test]
fn a_silent_client_gets_ping_and_is_closed_without_pong() {
    let s = TestServer::with(|c| {
        c.limits.ping_interval_secs = 1;
        c.limits.ping_timeout_secs = 1;
    });
    // ben first: his timeout comes a second before amy's would (she stops answering after
    // her second PONG), so what he hears cannot depend on which of two timers fires first
    let mut silent = s.user("ben");
    let mut answering = s.user("amy");
    let next_ping = |c: &mut TestClient| loop {
        let line = c.recv();
        if line.starts_with("PING ") {
            return line;
        }
        assert!(
            line.contains(" ben"),
            "only news of ben comes between: {line}"
        );
    };
    let ping = next_ping(&mut answering);
    answering.send(&format!("PONG {}", &ping[5..]));
    let ping2 = next_ping(&mut answering);
    assert_ne!(ping, ping2, "each PING has its own token");
    answering.send(&format!("PONG {}", &ping2[5..]));
    let lines = silent.read_to_close();
    assert!(
        lines.len() == 3
            && lines[0] == "ONLINE amy"
            && lines[1].starts_with("PING ")
            && lines[2] == "BYE :ping timeout",
        "{lines:?}"
    );
}

#[test]
fn half_a_line_is_silence() {
    let s = TestServer::with(|c| {
        c.limits.ping_interval_secs = 1;
        c.limits.ping_timeout_secs = 1;
    });
    let mut c = s.user("amy");
    c.send_raw(b"PIN"); // no line end: not a line, so not a sign of life
    let lines = c.read_to_close();
    assert!(
        lines[0].starts_with("PING ") && lines[1] == "BYE :ping timeout",
        "{lines:?}"
    );
}
