//! The first minute: the binary started from any directory has its manual, and a new account
//! lands in `server.default_channels` (REGISTER over TCP, `chatd user add` on the binary).

mod common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The config text for the binary without a `help_file` key, with `server` keys added.
fn config_without_help(dir: &Path, server: &str) -> String {
    let db = dir.join("data/chatd.sqlite3");
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\n{server}\n[storage]\npath = {db:?}\n[auth]\nbcrypt_cost = 4\nadmins = [\"root\"]\n"
    )
}

#[test]
fn the_binary_started_from_another_directory_has_its_manual() {
    let conf_dir = TempDir::new();
    let elsewhere = TempDir::new();
    let config = conf_dir.0.join("chatd.toml");
    std::fs::write(&config, config_without_help(&conf_dir.0, "")).unwrap();
    let d = Daemon::start_in(&config, &elsewhere.0);
    let mut c = TestClient::connect(d.addr);
    let help = c.cmd("HELP");
    assert!(
        help[0].starts_with("HELP :chatd speaks one command per line"),
        "{help:?}"
    );
    assert_eq!(help.last().unwrap(), "OK HELP");
    assert_eq!(c.cmd("HELP JOIN")[0], "HELP :JOIN <#channel>");
}

#[test]
fn a_help_file_replaces_the_built_in_manual() {
    let dir = TempDir::new();
    let file = dir.0.join("manual.txt");
    std::fs::write(&file, "Our own words.\n== JOIN\nJoin away.\n").unwrap();
    let s = TestServer::with(|c| c.server.help_file = file.clone());
    let mut c = s.connect();
    assert_eq!(c.cmd("HELP"), vec!["HELP :Our own words.", "OK HELP"]);
    assert_eq!(c.cmd("HELP JOIN"), vec!["HELP :Join away.", "OK HELP"]);
}

/// Runs `chatd user add NAME --config PATH` with the password on standard input.
fn user_add(config: &Path, name: &str, password: &str) {
    let mut add = Command::new(env!("CARGO_BIN_EXE_chatd"))
        .args(["user", "add", name, "--config"])
        .arg(config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = add.stdin.take().unwrap();
    stdin.write_all(format!("{password}\n").as_bytes()).unwrap();
    drop(stdin);
    let out = add.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "user add {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
