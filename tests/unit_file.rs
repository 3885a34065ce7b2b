//! The systemd unit, config/chatd.service, checked by systemd's own tools with its ExecStart
//! pointing at the binary this test run built: `systemd-analyze verify` finds no problem, and
//! `systemd-analyze security --offline=yes` rates its sandbox 1.5 or lower ("OK"). Each test
//! skips with a message where systemd-analyze is missing (`.ci/run` installs Debian's systemd).

mod common;
use common::TempDir;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The unit with ExecStart rewritten to the built binary, written into `dir`.
fn unit_in(dir: &TempDir) -> PathBuf {
    let unit =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/chatd.service"))
            .unwrap();
    let path = dir.0.join("chatd.service");
    let bin = env!("CARGO_BIN_EXE_chatd");
    std::fs::write(&path, unit.replace("/usr/local/bin/chatd", bin)).unwrap();
    path
}

/// `systemd-analyze ARGS`, or `None` (with a message) where it is not installed.
fn systemd_analyze(test: &str, args: &[&str]) -> Option<Output> {
    match Command::new("systemd-analyze").args(args).output() {
        Ok(out) => Some(out),
        Err(e) => {
            eprintln!("SKIPPED {test}: systemd-analyze is missing ({e}); apt-get install systemd");
            None
        }
    }
}

#[test]
fn the_unit_file_passes_systemd_analyze_verify() {
    let dir = TempDir::new();
    let path = unit_in(&dir);
    let test = "the_unit_file_passes_systemd_analyze_verify";
    let Some(out) = systemd_analyze(test, &["verify", path.to_str().unwrap()]) else {
        return;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !err.contains("chatd.service"),
        "{err}"
    );
}

#[test]
fn systemd_rates_the_units_sandbox_ok() {
    let dir = TempDir::new();
    let path = unit_in(&dir);
    let test = "systemd_rates_the_units_sandbox_ok";
    let args = ["security", "--offline=yes", "--threshold=15"];
    let Some(out) = systemd_analyze(test, &[&args[..], &[path.to_str().unwrap()]].concat()) else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exposure above 1.5:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let level = text
        .lines()
        .find_map(|l| l.split("exposure level for chatd.service: ").nth(1))
        .expect("an overall exposure line");
    let score: f64 = level.split(' ').next().unwrap().parse().unwrap();
    assert!(score <= 1.5 && level.contains("OK"), "{level}");
}
