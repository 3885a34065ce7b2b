//! The built binary, end to end: config file, `user add`, a chat, SIGTERM, exit 0, data kept.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_chatd");

fn write_config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("chatd.toml");
    let help = concat!(env!("CARGO_MANIFEST_DIR"), "/config/help.txt");
    let db = dir.join("data/chatd.sqlite3");
    let text = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\nhelp_file = {help:?}\n[storage]\npath = {db:?}\n[auth]\nbcrypt_cost = 4\nadmins = [\"root\"]\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_binary_serves_creates_users_and_stops_cleanly_on_sigterm() {
    let dir = TempDir::new();
    let config = write_config(&dir.0);
    let mut add = Command::new(BIN)
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

    let mut server = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "chatd exited before listening"
        );
        if let Some(addr) = line.trim().split("listening on ").nth(1) {
            break addr.parse().unwrap();
        }
    };
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));

    let mut root = TestClient::connect(addr);
    root.ok("LOGIN root root-password", "OK LOGIN root");
    let mut amy = TestClient::connect(addr);
    amy.ok("REGISTER amy amy-password amy-password", "OK REGISTER amy");
    amy.ok("JOIN #e2e", "OK JOIN #e2e");
    amy.send("MSG #e2e end to end");
    amy.expect("OK MSG #e2e 1 ");
    root.expect("ONLINE amy");

    let kill = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    assert_eq!(amy.read_to_close(), vec!["BYE :server shutting down"]);
    assert!(
        server.wait().unwrap().success(),
        "chatd exits 0 after SIGTERM"
    );

    let db = rusqlite::Connection::open(dir.0.join("data/chatd.sqlite3")).unwrap();
    let text: String = db
        .query_row("SELECT text FROM messages WHERE id = 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(text, "end to end");
}

#[test]
fn a_bad_config_is_refused_with_a_clear_error() {
    let dir = TempDir::new();
    let path = dir.0.join("bad.toml");
    std::fs::write(&path, "[limits]\nmax_line_byte = 100\n").unwrap();
    let out = Command::new(BIN)
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
