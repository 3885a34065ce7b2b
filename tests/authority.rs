//! Authority and spoofing over TCP: a kicked or departed operator is no operator, invisible
//! direction and line characters are refused in text, a QUIT reason cannot pass for a server
//! action, a name that breaks the rule never reaches the audit table raw, and the dummy hash
//! for unknown names follows `auth.bcrypt_cost`.

mod common;
use common::*;

/// Reads lines until one equals `line`.
fn until(c: &mut TestClient, line: &str) {
    while c.recv() != line {}
}

/// Sends a command; its final reply (events before it aside) must be `want`.
fn done(c: &mut TestClient, line: &str, want: &str) {
    assert_eq!(c.cmd(line).last().unwrap(), want, "reply to {line:?}");
}

fn op_rows(s: &TestServer) -> i64 {
    s.db()
        .query_row("SELECT count(*) FROM channel_ops", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_kicked_operator_cannot_kick_or_walk_back_into_a_private_channel() {
    let s = TestServer::start();
    let mut amy = s.user("amy");
    done(&mut amy, "JOIN #den", "OK JOIN #den");
    for name in ["ben", "cal"] {
        done(&mut s.user(name), "JOIN #den", "OK JOIN #den");
    }
    done(&mut amy, "OP #den ben", "OK OP #den ben");
    done(&mut amy, "CHANNEL #den PRIVATE", "OK CHANNEL #den PRIVATE");
    drop(amy);
    let s = s.restart();
    assert_eq!(op_rows(&s), 1, "ben is an operator, stored");
    let (mut amy, mut ben) = (s.login("amy"), s.login("ben"));
    done(&mut amy, "KICK #den ben :enough", "OK KICK #den ben");
    until(&mut ben, "KICK #den ben amy :enough");
    done(&mut ben, "JOIN #den", "OK JOIN #den PENDING");
    ben.fails("KICK #den cal", "NOT_ALLOWED");
    drop((amy, ben));
    let s = s.restart();
    assert_eq!(op_rows(&s), 0, "the channel_ops row is gone");
    let mut ben = s.login("ben");
    done(&mut ben, "JOIN #den", "OK JOIN #den PENDING");
}

#[test]
fn an_operator_who_parts_is_no_longer_one() {
    let s = TestServer::start();
    let mut amy = s.user("amy");
    let mut ben = s.user("ben");
    let mut cal = s.user("cal");
    for c in [&mut amy, &mut ben, &mut cal] {
        done(c, "JOIN #den", "OK JOIN #den");
    }
    done(&mut amy, "OP #den ben", "OK OP #den ben");
    done(&mut ben, "PART #den :brb", "OK PART #den");
    done(&mut ben, "JOIN #den", "OK JOIN #den");
    ben.fails("KICK #den cal", "NOT_ALLOWED");
    drop((amy, ben, cal));
    assert_eq!(op_rows(&s.restart()), 0);
}

#[test]
fn invisible_direction_and_line_characters_are_bad_text() {
    let s = TestServer::start();
    let mut amy = s.user("amy");
    amy.ok("JOIN #den", "OK JOIN #den");
    for ch in [
        '\u{202E}', '\u{2066}', '\u{2028}', '\u{2029}', '\u{200B}', '\u{200F}',
    ] {
        amy.fails(&format!("MSG #den evil{ch}txt.exe"), "BAD_TEXT");
        amy.fails(&format!("AWAY :gone{ch}"), "BAD_TEXT");
        amy.fails(&format!("PART #den :bye{ch}"), "BAD_TEXT");
    }
    amy.fails("PRIVMSG amy :\u{202D}x", "BAD_TEXT");
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
    let ok = amy.cmd(&format!("MSG #den {family}"));
    assert!(ok[0].starts_with("OK MSG #den "), "{ok:?}: ZWJ is allowed");
}

#[test]
fn a_quit_reason_reaches_others_as_quit() {
    let s = TestServer::start();
    let mut amy = s.user("amy");
    let mut ben = s.user("ben");
    until(&mut amy, "ONLINE ben");
    ben.ok("QUIT :banned by root", "BYE :banned by root");
    assert_eq!(amy.recv(), "OFFLINE ben :Quit: banned by root");
    let mut ben = s.login("ben");
    until(&mut amy, "ONLINE ben");
    ben.ok("QUIT", "BYE :quit");
    assert_eq!(amy.recv(), "OFFLINE ben :quit");
}

#[test]
fn a_name_that_breaks_the_rule_reaches_the_audit_log_escaped() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut guesser = s.connect();
    guesser.fails("LOGIN r\u{202E}oot\u{2069}x password", "BAD_CREDENTIALS");
    let audit = root.cmd("AUDIT 5");
    let row = audit
        .iter()
        .find(|l| l.contains("LOGIN_FAILED"))
        .expect("the failure is audited");
    assert!(row.is_ascii(), "nothing raw: {row:?}");
    assert!(row.contains(r#""r\u{202e}oot\u{2069}x""#), "{row:?}");
}

#[test]
fn the_dummy_hash_is_made_again_when_a_reload_changes_the_cost() {
    let dir = TempDir::new();
    let path = dir.0.join("chatd.toml");
    let text = base_config(&dir.0, "", "");
    std::fs::write(&path, &text).unwrap();
    let mut d = Daemon::start(&path, None); // the cost-4 dummy is logged before "listening on"
    let mut c = TestClient::connect(d.addr);
    c.fails("LOGIN nobody some-password", "BAD_CREDENTIALS");
    std::fs::write(&path, text.replace("bcrypt_cost = 4", "bcrypt_cost = 5")).unwrap();
    d.signal(libc::SIGHUP);
    d.wait_log("dummy hash for unknown names made at cost 5");
    c.fails("LOGIN nobody some-password", "BAD_CREDENTIALS");
}
