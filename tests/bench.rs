//! chatd-bench runs every scenario at a tiny size against the real binary, so the tool cannot
//! rot. (The figures come from scripts/bench.sh; nothing here asserts a speed.)

mod common;
use common::*;
use std::process::Command;

fn bench(d: &Daemon, dir: &TempDir, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_chatd-bench"))
        .args([
            "--addr",
            &d.addr.to_string(),
            "--pid",
            &d.child.id().to_string(),
            "--db",
        ])
        .arg(dir.0.join("data/chatd.sqlite3"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON line's number for `key`.
fn field(out: &str, key: &str) -> f64 {
    let json = out
        .lines()
        .find(|l| l.starts_with('{'))
        .expect("a JSON line");
    let at = json
        .find(&format!("\"{key}\":"))
        .unwrap_or_else(|| panic!("{key} in {json}"));
    let rest = &json[at + key.len() + 3..];
    rest[..rest.find([',', '}']).unwrap()].parse().unwrap()
}

#[test]
fn every_scenario_runs_at_a_tiny_size() {
    let dir = TempDir::new();
    let limits = "[limits]\nflood_burst = 1000000\nflood_per_second = 1000000\nrecvq_bytes = 1048576\nsendq_bytes = 16777216\nsessions_per_account = 1000\nlogin_failures = 1000\naccount_login_failures = 1000";
    let path = dir.0.join("chatd.toml");
    std::fs::write(&path, base_config(&dir.0, "max_clients = 200", limits)).unwrap();
    let d = Daemon::start(&path, None);

    let out = bench(
        &d,
        &dir,
        &[
            "fanout",
            "--members",
            "3",
            "--senders",
            "2",
            "--window",
            "2",
            "--seconds",
            "0.3",
        ],
    );
    assert!(out.starts_with("| fanout | N=3 S=2 window 2 |"), "{out}");
    assert!(field(&out, "deliveries_per_s") > 0.0 && field(&out, "samples") > 0.0);
    let out = bench(
        &d,
        &dir,
        &[
            "fanout",
            "--members",
            "3",
            "--senders",
            "1",
            "--rate",
            "200",
            "--seconds",
            "0.3",
            "--threads",
            "2",
        ],
    );
    assert!(field(&out, "messages_per_s") > 0.0);
    let out = bench(
        &d,
        &dir,
        &[
            "persist",
            "--senders",
            "2",
            "--window",
            "4",
            "--seconds",
            "0.3",
        ],
    );
    assert!(field(&out, "committed_per_s") > 0.0);
    let out = bench(&d, &dir, &["login", "--count", "6", "--inflight", "3"]);
    assert_eq!(field(&out, "failures"), 0.0);
    let out = bench(
        &d,
        &dir,
        &[
            "login",
            "--mode",
            "login",
            "--count",
            "4",
            "--inflight",
            "2",
        ],
    );
    assert_eq!(field(&out, "failures"), 0.0);
    let out = bench(&d, &dir, &["idle", "--count", "20"]);
    assert!(field(&out, "server_rss_after_kib") > 0.0);
    let out = bench(
        &d,
        &dir,
        &[
            "history",
            "--messages",
            "300",
            "--requests",
            "20",
            "--clients",
            "2",
            "--limit",
            "50",
        ],
    );
    assert_eq!(field(&out, "samples"), 20.0);
}

#[test]
fn the_tls_handshake_storm_runs_at_a_tiny_size() {
    let dir = TempDir::new();
    let (cert, key) = common::tls::TestCa::new().leaf().write(&dir.0);
    let tls = format!("[tls]\ncert = {cert:?}\nkey = {key:?}");
    let server = "max_clients = 20\ntls_listen = \"127.0.0.1:0\"";
    let path = dir.0.join("chatd.toml");
    std::fs::write(&path, base_config(&dir.0, server, &tls)).unwrap();
    let mut d = Daemon::start(&path, None);
    let line = d.wait_log("listening for TLS on ");
    let tls_addr = line.rsplit(' ').next().unwrap().trim().to_owned();
    let args = [
        "handshake",
        "--tls-addr",
        &tls_addr,
        "--count",
        "10",
        "--inflight",
        "2",
    ];
    let out = bench(&d, &dir, &args);
    assert!(out.starts_with("| handshake | TLS C=10 K=2 |"), "{out}");
    assert_eq!(field(&out, "failures"), 0.0);
    assert!(field(&out, "handshake_p50_ms") > 0.0 && field(&out, "chat_samples") > 0.0);
}
