//! Operating chatd: systemd notifications, config checks, start-up failures, crash safety,
//! live backups and the install script (the unit file: tests/unit_file.rs).

mod common;
use common::*;
use std::os::unix::net::UnixDatagram;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_chatd");

fn chatd(args: &[&str], config: &std::path::Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--config")
        .arg(config)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn write(dir: &TempDir, server: &str, rest: &str) -> std::path::PathBuf {
    let path = dir.0.join("chatd.toml");
    std::fs::write(&path, base_config(&dir.0, server, rest)).unwrap();
    path
}

fn notification(sock: &UnixDatagram) -> String {
    let mut buf = [0u8; 512];
    let n = sock
        .recv(&mut buf)
        .expect("a notification within the timeout");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn systemd_hears_ready_watchdog_reloading_and_stopping() {
    let dir = TempDir::new();
    let config = write(&dir, "", "");
    let sock_path = dir.0.join("notify.sock");
    let sock = UnixDatagram::bind(&sock_path).unwrap();
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let env = [
        ("NOTIFY_SOCKET", sock_path.to_str().unwrap()),
        ("WATCHDOG_USEC", "200000"),
    ];
    let mut d = Daemon::start_with(&config, None, &env);
    assert_eq!(notification(&sock), "READY=1\nSTATUS=0 clients connected");
    let mut c = TestClient::connect(d.addr);
    c.ok("PING", "OK PING");
    let watchdog = loop {
        let n = notification(&sock);
        if n.contains("clients connected")
            && n.starts_with("WATCHDOG=1")
            && n.contains("=1 clients")
        {
            break n;
        }
    };
    assert_eq!(watchdog, "WATCHDOG=1\nSTATUS=1 clients connected");
    d.signal(libc::SIGHUP);
    let reload: Vec<String> = std::iter::from_fn(|| Some(notification(&sock)))
        .filter(|n| !n.starts_with("WATCHDOG"))
        .take(2)
        .collect();
    assert_eq!(reload[0], "RELOADING=1");
    assert!(reload[1].starts_with("READY=1"), "{reload:?}");
    d.signal(libc::SIGTERM);
    let stopping = std::iter::from_fn(|| Some(notification(&sock)))
        .find(|n| !n.starts_with("WATCHDOG"))
        .unwrap();
    assert!(stopping.starts_with("STOPPING=1"), "{stopping}");
    assert!(d.child.wait().unwrap().success());
}

#[test]
fn logs_carry_no_time_stamp_of_their_own_under_the_journal() {
    let dir = TempDir::new();
    let config = write(&dir, "", "");
    let mut plain = Daemon::start(&config, None);
    TestClient::connect(plain.addr).ok("PING", "OK PING");
    assert!(
        plain
            .wait_log("connection #1 from 127.0.0.1")
            .starts_with("[20"),
        "a time stamp on a terminal"
    );
    drop(plain);
    let mut journal = Daemon::start_with(&config, None, &[("JOURNAL_STREAM", "8:1234")]);
    let mut c = TestClient::connect(journal.addr);
    c.fails("LOGIN nobody wrong-password", "BAD_CREDENTIALS");
    let line = journal.wait_log("failed login for nobody from 127.0.0.1");
    assert!(
        line.starts_with("[INFO"),
        "no time stamp under the journal: {line}"
    );
}

#[test]
fn check_config_reports_file_line_and_column() {
    let dir = TempDir::new();
    let good = write(&dir, "", "");
    let out = chatd(&["--check-config"], &good);
    assert_eq!(out.status.code(), Some(0));
    let bad = dir.0.join("bad.toml");
    std::fs::write(
        &bad,
        "[server]\nmax_clients = 10\n[limits]\nhistory_max = 0\n",
    )
    .unwrap();
    let out = chatd(&["--check-config"], &bad);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim(),
        format!(
            "chatd: {}:4:1: limits.history_max: must be at least 1",
            bad.display()
        )
    );
    std::fs::write(&bad, "[server]\nmax_client = 10\n").unwrap();
    let err = String::from_utf8_lossy(&chatd(&["--check-config"], &bad).stderr).into_owned();
    assert!(
        err.contains("bad.toml:2:1: ") && err.contains("max_client"),
        "{err}"
    );
    let version = Command::new(BIN).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("chatd {}\n", env!("CARGO_PKG_VERSION"))
    );
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--check-config"));
}

/// Starts chatd expecting it to fail; returns its one-line error.
fn start_failure(config: &std::path::Path) -> String {
    let out = chatd(&[], config);
    assert!(!out.status.success(), "chatd should have refused to start");
    let err = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("chatd: ")).collect();
    assert_eq!(errors.len(), 1, "one line says why: {err}");
    errors[0].to_owned()
}

#[test]
fn start_up_failures_are_one_clear_line() {
    let dir = TempDir::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let config = write(&dir, "", "");
    let busy = dir.0.join("busy.toml");
    std::fs::write(
        &busy,
        std::fs::read_to_string(&config)
            .unwrap()
            .replace("127.0.0.1:0", &format!("127.0.0.1:{port}")),
    )
    .unwrap();
    assert!(start_failure(&busy).contains("cannot listen on 127.0.0.1:"));

    let first = Daemon::start(&config, None);
    assert!(start_failure(&config).contains("another chatd is using this database"));
    drop(first);

    let nowhere = dir.0.join("nowhere.toml");
    std::fs::write(
        &nowhere,
        std::fs::read_to_string(&config)
            .unwrap()
            .replace(dir.0.join("data").to_str().unwrap(), "/dev/null/data"),
    )
    .unwrap();
    assert!(start_failure(&nowhere).contains("/dev/null/data"));

    let db = rusqlite::Connection::open(dir.0.join("data/chatd.sqlite3")).unwrap();
    db.pragma_update(None, "user_version", 999).unwrap();
    drop(db);
    assert!(start_failure(&config).contains("schema version 999 is newer"));
}

#[test]
fn a_kill_9_during_a_burst_loses_at_most_the_batch_in_flight() {
    let dir = TempDir::new();
    let config = write(
        &dir,
        "",
        "[limits]\nflood_burst = 100000\nflood_per_second = 100000\nrecvq_bytes = 1048576\nsendq_bytes = 16777216",
    );
    let mut d = Daemon::start(&config, None);
    let mut c = TestClient::connect(d.addr);
    c.ok("REGISTER amy password1 password1", "OK REGISTER amy");
    c.ok("JOIN #crash", "OK JOIN #crash");
    let burst: String = (0..20_000).map(|i| format!("MSG #crash m{i}\n")).collect();
    let mut writer = c.stream();
    let sender = std::thread::spawn(move || {
        use std::io::Write;
        let _ = writer.write_all(burst.as_bytes());
    });
    let mut last_acked = 0u64;
    for _ in 0..5000 {
        last_acked = c
            .expect("OK MSG #crash ")
            .split(' ')
            .nth(3)
            .unwrap()
            .parse()
            .unwrap();
    }
    d.child.kill().unwrap();
    d.child.wait().unwrap();
    let _ = sender.join();

    let db_path = dir.0.join("data/chatd.sqlite3");
    let db = rusqlite::Connection::open(&db_path).unwrap();
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let (count, max): (u64, u64) = db
        .query_row(
            "SELECT count(*), coalesce(max(id), 0) FROM messages",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )
        .unwrap();
    assert_eq!(count, max, "the stored messages are 1..={max}, no holes");
    drop(db);

    let d2 = Daemon::start(&config, None);
    let mut c = TestClient::connect(d2.addr);
    c.ok("LOGIN amy password1", "OK LOGIN amy");
    let next: u64 = c.cmd("MSG #crash after the crash")[0]
        .split(' ')
        .nth(3)
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        next > last_acked && next > max,
        "ids keep increasing: {next} after {last_acked} acked, {max} stored"
    );
}

#[test]
fn backup_copies_a_live_database_consistently() {
    let dir = TempDir::new();
    let config = write(&dir, "", "");
    let d = Daemon::start(&config, None);
    let mut c = TestClient::connect(d.addr);
    c.ok("REGISTER amy password1 password1", "OK REGISTER amy");
    c.ok("JOIN #b", "OK JOIN #b");
    for i in 0..5 {
        c.send(&format!("MSG #b keep {i}"));
        c.expect("OK MSG #b ");
    }
    c.cmd("HISTORY amy 1"); // the writer answers it after committing what came before
    let dest = dir.0.join("copy.sqlite3");
    let out = chatd(&["backup", dest.to_str().unwrap()], &config);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = rusqlite::Connection::open(&dest).unwrap();
    let n: i64 = copy
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 5);
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    assert!(
        !chatd(&["backup", dest.to_str().unwrap()], &config)
            .status
            .success(),
        "never overwrites"
    );
    c.ok("PING", "OK PING");
}

#[test]
fn install_script_installs_twice_and_keeps_an_edited_config() {
    let dir = TempDir::new();
    let root = dir.0.join("root");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/install.sh");
    let run = || {
        // --no-build: install the binary this test run built, copied where the script looks
        let out = Command::new("bash")
            .args([
                script,
                "--no-build",
                "--prefix",
                "/usr",
                "--destdir",
                root.to_str().unwrap(),
            ])
            .env("CHATD_BIN", BIN)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run();
    for f in [
        "usr/bin/chatd",
        "etc/chatd/chatd.toml",
        "etc/chatd/help.txt",
        "etc/systemd/system/chatd.service",
        "usr/share/doc/chatd/README.md",
    ] {
        assert!(root.join(f).exists(), "{f} installed");
    }
    let conf = root.join("etc/chatd/chatd.toml");
    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(
        text.contains("path = \"/var/lib/chatd/chatd.sqlite3\"")
            && text.contains("help_file = \"/etc/chatd/help.txt\"")
    );
    std::fs::write(&conf, format!("{text}\n# edited by the operator\n")).unwrap();
    run();
    assert!(
        std::fs::read_to_string(&conf)
            .unwrap()
            .contains("# edited by the operator")
    );
    assert!(root.join("etc/chatd/chatd.toml.new").exists());
    let unit = std::fs::read_to_string(root.join("etc/systemd/system/chatd.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/bin/chatd --config /etc/chatd/chatd.toml"));
}
