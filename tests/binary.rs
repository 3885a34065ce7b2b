//! The built binary, end to end: config file, `user add`, a chat, SIGHUP, SIGTERM, exit 0.

mod common;
use common::*;
use std::io::Write;
use std::process::{Command, Stdio};

fn config_text(dir: &std::path::Path, motd: &str) -> String {
    base_config(dir, &format!("motd = {motd:?}"), "")
}

#[test]
fn the_binary_serves_creates_users_and_stops_cleanly_on_sigterm() {
    let dir = TempDir::new();
    let config = dir.0.join("chatd.toml");
    std::fs::write(&config, config_text(&dir.0, "hi")).unwrap();
    let mut add = Command::new(env!("CARGO_BIN_EXE_chatd"))
        .args(["user", "add", "root", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"root-password\n")
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "account root created\n"
    );

    let mut d = Daemon::start(&config, None);
    let mut root = TestClient::connect(d.addr);
    root.ok("LOGIN root root-password", "OK LOGIN root");
    let mut amy = TestClient::connect(d.addr);
    amy.ok("REGISTER amy amy-password amy-password", "OK REGISTER amy");
    amy.ok("JOIN #e2e", "OK JOIN #e2e");
    amy.send("MSG #e2e end to end");
    amy.expect("OK MSG #e2e 1 ");
    root.expect("ONLINE amy");

    d.signal(libc::SIGTERM);
    assert_eq!(amy.read_to_close(), vec!["BYE :server shutting down"]);
    assert!(
        d.child.wait().unwrap().success(),
        "chatd exits 0 after SIGTERM"
    );

    let db = rusqlite::Connection::open(dir.0.join("data/chatd.sqlite3")).unwrap();
    let text: String = db
        .query_row("SELECT text FROM messages WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(text, "end to end");
}

#[test]
fn sighup_reloads_without_dropping_anyone_and_keeps_the_old_config_on_errors() {
    let dir = TempDir::new();
    let config = dir.0.join("chatd.toml");
    std::fs::write(&config, config_text(&dir.0, "first motd")).unwrap();
    let mut d = Daemon::start(&config, None);
    let mut amy = TestClient::connect(d.addr);
    assert!(amy.hello.ends_with(":first motd"));
    amy.ok("REGISTER amy amy-password amy-password", "OK REGISTER amy");

    std::fs::write(&config, config_text(&dir.0, "second motd")).unwrap();
    d.signal(libc::SIGHUP);
    d.wait_log("configuration reloaded");
    assert!(TestClient::connect(d.addr).hello.ends_with(":second motd"));
    amy.ok("PING still", "OK PING still");

    std::fs::write(&config, "[server]\nmotd = 5\n").unwrap();
    d.signal(libc::SIGHUP);
    d.wait_log("reload failed, keeping the old config");
    assert!(TestClient::connect(d.addr).hello.ends_with(":second motd"));
    amy.ok("PING again", "OK PING again");
}

#[test]
fn a_bad_config_is_refused_with_a_clear_error() {
    let dir = TempDir::new();
    let path = dir.0.join("bad.toml");
    std::fs::write(&path, "[limits]\nmax_line_byte = 100\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_chatd"))
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("max_line_byte"),
        "{err}"
    );
}
