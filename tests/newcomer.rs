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

#[test]
fn a_new_account_lands_in_the_default_channels() {
    let lobby = |c: &mut chatd::config::Config| {
        c.server.default_channels = vec!["#lobby".into(), "#help".into()];
    };
    let s = TestServer::with(lobby);
    let owners: Vec<(String, Option<i64>)> = s
        .db()
        .prepare("SELECT name, owner FROM channels ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let created = [("#lobby".to_owned(), None), ("#help".to_owned(), None)];
    assert_eq!(owners, created, "created at start, owned by no one");
    let mut amy = s.user("amy");
    assert_eq!(
        amy.cmd("LIST"),
        vec!["CHANNEL #help 1", "CHANNEL #lobby 1", "OK LIST 2"]
    );
    // a person's first typed line goes to the first default channel
    let mut bob = s.connect();
    bob.send("/register bob password-bob password-bob");
    assert_eq!(bob.recv(), "* welcome, bob: your account is made");
    assert_eq!(
        bob.recv(),
        "* you are in #lobby; what you type now goes there"
    );
    amy.expect("ONLINE bob");
    assert_eq!(amy.recv(), "JOIN #lobby bob");
    assert_eq!(amy.recv(), "JOIN #help bob");
    bob.send("hi, first words");
    assert!(bob.recv().ends_with("#lobby <bob> hi, first words"));
    assert!(amy.expect("MSG #lobby bob ").ends_with(" :hi, first words"));
    // no owner: members cannot moderate it, admins can
    amy.fails("CHANNEL #lobby PRIVATE", "NOT_ALLOWED");
    amy.fails("KICK #lobby bob", "NOT_ALLOWED");
    let mut root = s.admin();
    root.ok("KICK #lobby bob :calm down", "OK KICK #lobby bob");
    drop((amy, bob, root));

    // the list changes: accounts that exist are not added, new ones are
    let mut s = s;
    s.stop();
    let mut config = s.config.clone();
    config.server.default_channels = vec!["#news".into()];
    let dir = std::mem::replace(&mut s.dir, TempDir(std::path::PathBuf::new()));
    let s = TestServer::start_in(dir, config);
    let mut cy = s.user("cy");
    assert_eq!(
        cy.cmd("NAMES #news"),
        vec!["NAME #news cy online", "OK NAMES #news 1"]
    );
    let mut amy = s.connect();
    amy.send("/login amy password-amy");
    assert_eq!(amy.recv(), "* welcome back, amy");
    assert_eq!(
        amy.recv(),
        "* /join #channel to choose where you talk (/list shows the channels)",
        "amy is not in #news"
    );
}

#[test]
fn user_add_joins_the_default_channels_before_and_while_the_server_runs() {
    let dir = TempDir::new();
    let config = dir.0.join("chatd.toml");
    let text = config_without_help(&dir.0, "default_channels = [\"#lobby\"]");
    std::fs::write(&config, text).unwrap();
    user_add(&config, "root", "password-root"); // no server yet: #lobby is created now
    let mut d = Daemon::start(&config, None);
    let mut root = TestClient::connect(d.addr);
    root.ok("LOGIN root password-root", "OK LOGIN root");
    assert_eq!(
        root.cmd("NAMES #lobby"),
        vec!["NAME #lobby root online", "OK NAMES #lobby 1"]
    );
    user_add(&config, "zed", "password-zed"); // the server runs: it learns at zed's LOGIN
    let mut zed = TestClient::connect(d.addr);
    zed.ok("LOGIN zed password-zed", "OK LOGIN zed");
    root.expect("ONLINE zed");
    assert_eq!(root.recv(), "JOIN #lobby zed");
    zed.send("MSG #lobby hello");
    zed.expect("OK MSG #lobby ");
    root.expect("MSG #lobby zed ");
    d.signal(libc::SIGTERM);
    assert!(d.child.wait().unwrap().success());
    let db = rusqlite::Connection::open(dir.0.join("data/chatd.sqlite3")).unwrap();
    let members: i64 = db
        .query_row(
            "SELECT count(*) FROM memberships JOIN channels ON id = channel WHERE name = '#lobby'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(members, 2);
    let broken: i64 = db
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "a channel with no owner breaks no foreign key");
}
