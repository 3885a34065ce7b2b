//! REGISTER, LOGIN, LOGOUT, QUIT, ONLINE/OFFLINE and several sessions per account, over TCP.

mod common;
use common::*;

#[test]
fn hello_then_ping_and_pong() {
    let s = TestServer::start();
    let mut c = s.connect();
    assert_eq!(
        c.hello,
        format!(
            "HELLO chatd {} :Welcome to chatd. People: type /help to start. Programs: HELP.",
            env!("CARGO_PKG_VERSION")
        )
    );
    c.ok("PING abc", "OK PING abc");
    c.ok("ping", "OK PING");
    c.send("PONG whatever");
    c.expect_quiet();
}

#[test]
fn register_logs_in_and_names_are_case_insensitive() {
    let s = TestServer::start();
    let mut a = s.user("Alice");
    a.fails("REGISTER bob password1 password1", "ALREADY_LOGGED_IN");
    let mut b = s.connect();
    b.fails("REGISTER alice password1 password1", "NAME_TAKEN");
    b.fails("REGISTER bob password1 password2", "PASSWORD_MISMATCH");
    b.fails("REGISTER 1bob password1 password1", "BAD_NAME");
    b.fails(
        &format!("REGISTER a{} password1 password1", "b".repeat(32)),
        "BAD_NAME",
    );
    b.fails("REGISTER bob short short", "WEAK_PASSWORD");
    let long = "p".repeat(73);
    b.fails(&format!("REGISTER bob {long} {long}"), "PASSWORD_TOO_LONG");
    b.fails("REGISTER ROOT password1 password1", "NOT_ALLOWED");
    b.fails("REGISTER bob password1", "NEED_MORE_PARAMS");
    let max = format!("a{}", "b".repeat(31));
    b.ok(
        &format!("REGISTER {max} password1 password1"),
        &format!("OK REGISTER {max}"),
    );
}

#[test]
fn login_checks_the_password_and_keeps_the_registered_spelling() {
    let s = TestServer::start();
    s.user("Alice").ok("QUIT", "BYE :quit");
    let mut c = s.connect();
    c.fails("LOGIN alice wrong-password", "BAD_CREDENTIALS");
    c.fails("LOGIN nobody password-alice", "BAD_CREDENTIALS");
    c.fails("LOGIN", "NEED_MORE_PARAMS");
    c.ok("LOGIN ALICE password-Alice", "OK LOGIN Alice");
    c.fails("LOGIN Alice password-Alice", "ALREADY_LOGGED_IN");
    c.ok("LOGOUT", "OK LOGOUT");
    c.fails("JOIN #a", "NOT_LOGGED_IN");
    c.ok("LOGIN alice password-Alice", "OK LOGIN Alice");
}

#[test]
fn commands_need_a_login() {
    let s = TestServer::start();
    let mut c = s.connect();
    for line in [
        "JOIN #a",
        "MSG #a hi",
        "PRIVMSG bob hi",
        "HISTORY #a",
        "WHO",
        "LIST",
        "NAMES #a",
        "LOGOUT",
        "BANS",
    ] {
        c.fails(line, "NOT_LOGGED_IN");
    }
    assert_eq!(c.cmd("HELP PING")[0], "HELP :PING [token]");
}

#[test]
fn pipelined_commands_are_answered_in_order_across_slow_ones() {
    let s = TestServer::start();
    let mut c = s.connect();
    c.send_raw(b"REGISTER zed password1 password1\r\nJOIN #q\r\nMSG #q one\r\nHISTORY #q\r\nLOGOUT\r\nLOGIN zed password1\r\nPING end\r\n");
    assert_eq!(c.recv(), "OK REGISTER zed");
    assert_eq!(c.recv(), "OK JOIN #q");
    let ok = c.expect("OK MSG #q 1 ");
    let time = ok.rsplit(' ').next().unwrap().to_owned();
    assert_eq!(c.recv(), format!("HIST MSG #q zed 1 {time} :one"));
    assert_eq!(c.recv(), "OK HISTORY #q 1");
    assert_eq!(c.recv(), "OK LOGOUT");
    assert_eq!(c.recv(), "OK LOGIN zed");
    assert_eq!(c.recv(), "OK PING end");
}

#[test]
fn online_and_offline_go_to_logged_in_users_once_per_account() {
    let s = TestServer::start();
    let mut a = s.user("amy");
    let mut b1 = s.user("ben");
    assert_eq!(a.recv(), "ONLINE ben");
    let mut b2 = s.login("ben");
    a.expect_quiet(); // a second session is not news
    b2.ok("QUIT :gone", "BYE :gone");
    a.expect_quiet();
    b1.ok("QUIT :for lunch", "BYE :for lunch");
    assert_eq!(a.recv(), "OFFLINE ben :Quit: for lunch");
    let mut anon = s.connect();
    anon.expect_quiet();
}

#[test]
fn quit_says_bye_and_closes() {
    let s = TestServer::start();
    let mut c = s.connect();
    c.send("QUIT");
    assert_eq!(c.read_to_close(), vec!["BYE :quit"]);
}

#[test]
fn user_add_creates_an_admin_account_while_the_server_runs() {
    let s = TestServer::start();
    s.add_user("root", "admin-pass");
    let mut c = s.connect();
    c.ok("LOGIN root admin-pass", "OK LOGIN root");
    c.ok("BANS", "OK BANS 0");
}

#[test]
fn user_add_checks_names_and_passwords_like_register() {
    let s = TestServer::start();
    let err = chatd::admin::add_user(&s.config, "1root", "long-enough").unwrap_err();
    assert!(err.contains("not a valid name"), "{err}");
    let err = chatd::admin::add_user(&s.config, "root", "short").unwrap_err();
    assert!(err.contains("too short"), "{err}");
    let err = chatd::admin::add_user(&s.config, "root", &"p".repeat(73)).unwrap_err();
    assert!(err.contains("72 bytes"), "{err}");
    s.add_user("root", "long-enough");
    let err = chatd::admin::add_user(&s.config, "ROOT", "long-enough").unwrap_err();
    assert!(err.contains("taken"), "{err}");
}
