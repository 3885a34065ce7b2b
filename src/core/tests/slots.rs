//! Slots, sessions and idle limits through the core harness, on its fake clock.

use super::Harness;

#[test]
fn an_admin_slot_gives_ten_seconds_to_log_in_as_an_admin() {
    let mut h = Harness::with(|c| c.server.max_clients = 1);
    h.db.execute(
        "INSERT INTO accounts (name, hash, created_ms) VALUES ('root', ?1, 0)",
        [bcrypt::hash("password1", 4).unwrap()],
    )
    .unwrap();
    h.user("amy");
    let slow = h.connect();
    assert!(h.take(slow)[0].starts_with("HELLO "), "the admin slot");
    let full = h.connect();
    assert!(h.take(full)[0].starts_with("FAIL CONNECT SERVER_FULL"));
    h.advance(9_999);
    assert!(h.take(slow).is_empty());
    h.advance(1);
    assert_eq!(h.take(slow), ["BYE :server full"]);
    let root = h.connect();
    h.line(root, "LOGIN root password1");
    assert_eq!(h.take(root).last().unwrap(), "OK LOGIN root");
    h.advance(60_000);
    assert!(!h.closed.contains(&root), "an admin stays");
}

#[test]
fn a_fourth_session_is_refused_after_the_password() {
    let mut h = Harness::with(|c| c.server.max_clients_per_ip = 10);
    h.user("amy");
    for _ in 0..2 {
        let c = h.connect();
        h.line(c, "LOGIN amy password1");
        assert_eq!(h.take(c).last().unwrap(), "OK LOGIN amy");
    }
    let c = h.connect();
    h.line(c, "LOGIN amy wrong-password");
    assert!(
        h.take(c)
            .last()
            .unwrap()
            .starts_with("FAIL LOGIN BAD_CREDENTIALS")
    );
    h.line(c, "LOGIN amy password1");
    let fail = h.take(c).pop().unwrap();
    assert!(fail.starts_with("FAIL LOGIN TOO_MANY_SESSIONS "), "{fail}");
}

#[test]
fn a_person_is_closed_after_an_hour_of_silence_and_not_before() {
    let mut h = Harness::new();
    let c = h.connect();
    h.line(c, "/register amy password1 password1");
    h.take(c);
    h.advance(3_599_999);
    assert!(h.take(c).is_empty(), "no PING and no close for people");
    h.advance(1);
    let lines = h.take(c);
    assert!(
        lines[0].starts_with("! You have been silent for 1 hour, "),
        "{lines:?}"
    );
    assert_eq!(h.closed, [c]);
}

#[test]
fn a_quit_reason_is_relayed_as_quit() {
    let mut h = Harness::new();
    let a = h.user("amy");
    let b = h.user("ben");
    h.take(a);
    h.line(b, "QUIT :server restarting");
    assert_eq!(h.take(b), ["BYE :server restarting"]);
    assert_eq!(h.take(a), ["OFFLINE ben :Quit: server restarting"]);
}
