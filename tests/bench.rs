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
