//! Storage faults against the binary: an acknowledgement is a promise. A disk that fills and
//! frees again (a small tmpfs; skipped with a message where it cannot be mounted), the database
//! file deleted under the server, the writer's lag bound under kill -9, and a backup under a
//! steady chat load.

mod common;
use common::*;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_chatd");

/// A config file in `dir` with the database at `db` and `storage` keys added to `[storage]`.
fn config(dir: &Path, db: &Path, storage: &str, rest: &str) -> PathBuf {
    let text = base_config(dir, "", rest).replace(
        &format!("[storage]\npath = {:?}\n", dir.join("data/chatd.sqlite3")),
        &format!("[storage]\npath = {db:?}\n{storage}\n"),
    );
    assert!(text.contains(storage), "the storage keys are in:\n{text}");
    let path = dir.join("chatd.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// A tmpfs of `size` mounted on a folder of a temporary directory, unmounted on drop.
struct SmallDisk {
    mount: PathBuf,
    dir: TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = TempDir::new();
        let mount = dir.0.join("disk");
        std::fs::create_dir_all(&mount).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&mount)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED: cannot mount a tmpfs here (needs root); CI runs this as root");
            return None;
        }
        Some(SmallDisk { mount, dir })
    }

    /// Fills the disk with a file until it is full.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.mount.join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
        let _ = f.write_all(&[0u8; 512]); // the last partial block
        let _ = f.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

fn notifications(dir: &Path) -> (UnixDatagram, PathBuf) {
    let path = dir.join("notify.sock");
    let sock = UnixDatagram::bind(&path).unwrap();
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    (sock, path)
}

/// Waits for a notification containing `text`.
fn heard(sock: &UnixDatagram, text: &str) -> String {
    let mut buf = [0u8; 1024];
    loop {
        let n = sock.recv(&mut buf).expect("a notification in time");
        let s = String::from_utf8_lossy(&buf[..n]).into_owned();
        if s.contains(text) {
            return s;
        }
    }
}

fn msg_id(ok: &str) -> u64 {
    ok.split(' ').nth(3).unwrap().parse().unwrap()
}

/// Waits for the child to exit, at most `limit`.
fn wait_exit(d: &mut Daemon, limit: Duration) -> std::process::ExitStatus {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = d.child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < until, "chatd did not exit in {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stored_ids(db: &Path) -> Vec<u64> {
    let db = rusqlite::Connection::open(db).unwrap();
    let mut st = db.prepare("SELECT id FROM messages ORDER BY id").unwrap();
    st.query_map([], |r| r.get::<_, i64>(0).map(|i| i as u64))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_full_disk_refuses_writes_keeps_every_acknowledged_message_and_recovers() {
    let Some(disk) = SmallDisk::mount("2m") else {
        return;
    };
    let db = disk.mount.join("chatd.sqlite3");
    let cfg = config(&disk.dir.0, &db, "", "");
    let (sock, sock_path) = notifications(&disk.dir.0);
    let env = [("NOTIFY_SOCKET", sock_path.to_str().unwrap())];
    let mut d = Daemon::start_with(&cfg, None, &env);
    heard(&sock, "READY=1");
    let mut amy = TestClient::connect(d.addr);
    amy.ok("REGISTER amy password1 password1", "OK REGISTER amy");
    amy.ok("JOIN #d", "OK JOIN #d");
    let mut acked = Vec::new();
    for i in 0..20 {
        acked.push(msg_id(&amy.cmd(&format!("MSG #d before {i}"))[0]));
    }
    let filler = disk.fill();
    let refused = loop {
        let reply = amy.cmd(&format!("MSG #d while full {}", acked.len()))[0].clone();
        if reply.starts_with("OK MSG") {
            acked.push(msg_id(&reply));
            assert!(acked.len() < 50_000, "the full disk was never noticed");
            continue;
        }
        break reply;
    };
    assert!(
        refused.starts_with("FAIL MSG UNAVAILABLE "),
        "refused as unavailable: {refused}"
    );
    d.wait_log("storage is failing");
    heard(&sock, "STORAGE FAILING");
    amy.fails("REGISTER ann password1 password1", "UNAVAILABLE");
    let mut bob = TestClient::connect(d.addr);
    bob.fails("REGISTER bob password1 password1", "UNAVAILABLE");
    let history = amy.cmd("HISTORY #d 3");
    assert!(
        history.last().unwrap().starts_with("OK HISTORY #d"),
        "reads go on: {history:?}"
    );

    std::fs::remove_file(filler).unwrap();
    let until = Instant::now() + Duration::from_secs(30);
    let ok = loop {
        let reply = amy.cmd("MSG #d after")[0].clone();
        if reply.starts_with("OK MSG") {
            break reply;
        }
        assert!(Instant::now() < until, "storage never recovered: {reply}");
        std::thread::sleep(Duration::from_millis(100));
    };
    acked.push(msg_id(&ok));
    d.wait_log("storage recovered");
    bob.ok("REGISTER bob password1 password1", "OK REGISTER bob");
    d.signal(libc::SIGTERM);
    assert!(wait_exit(&mut d, Duration::from_secs(20)).success());
    let stored = stored_ids(&db);
    let missing: Vec<&u64> = acked.iter().filter(|id| !stored.contains(id)).collect();
    assert!(missing.is_empty(), "acknowledged but lost: {missing:?}");
}

#[test]
fn a_deleted_database_is_noticed_refused_and_the_stop_says_what_was_lost() {
    let dir = TempDir::new();
    let db = dir.0.join("data/chatd.sqlite3");
    let cfg = config(&dir.0, &db, "stop_timeout_secs = 1", "");
    let mut d = Daemon::start(&cfg, None);
    let mut amy = TestClient::connect(d.addr);
    amy.ok("REGISTER amy password1 password1", "OK REGISTER amy");
    amy.ok("JOIN #d", "OK JOIN #d");
    amy.cmd("MSG #d kept");
    // a private HISTORY is answered by the writer after it committed what came before (a
    // channel's recent HISTORY comes from memory)
    amy.cmd("HISTORY amy 1");
    std::fs::remove_file(&db).unwrap();
    let first = amy.cmd("MSG #d acknowledged before the writer looks")[0].clone();
    assert!(first.starts_with("OK MSG #d "), "{first}");
    d.wait_log("storage is failing");
    let refused = amy.cmd("MSG #d after the deletion")[0].clone();
    assert!(refused.starts_with("FAIL MSG UNAVAILABLE "), "{refused}");
    let history = amy.cmd("HISTORY #d 5");
    assert!(
        history.last().unwrap().starts_with("OK HISTORY #d"),
        "{history:?}"
    );
    d.signal(libc::SIGTERM);
    let status = wait_exit(&mut d, Duration::from_secs(20));
    assert!(!status.success(), "a stop that lost data never exits 0");
    let lost = d.wait_log("could not be written");
    assert!(
        lost.contains("1 acknowledged messages"),
        "says exactly how many: {lost}"
    );
    let again = Command::new(BIN)
        .arg("--config")
        .arg(&cfg)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success(), "no silent empty database");
    assert!(err.contains("deleted while chatd ran"), "{err}");
}

#[test]
fn a_kill_9_loses_at_most_the_lag_bound() {
    let dir = TempDir::new();
    let db = dir.0.join("data/chatd.sqlite3");
    let limits = "[limits]\nflood_burst = 100000\nflood_per_second = 100000\nrecvq_bytes = 1048576\nsendq_bytes = 16777216";
    let cfg = config(&dir.0, &db, "max_lag_messages = 300", limits);
    let mut d = Daemon::start(&cfg, None);
    let mut c = TestClient::connect(d.addr);
    c.ok("REGISTER amy password1 password1", "OK REGISTER amy");
    c.ok("JOIN #crash", "OK JOIN #crash");
    c.cmd("HISTORY #crash 1"); // the account and channel are committed
    // Another connection holds SQLite's write lock: the writer stalls (for its 5 s busy
    // timeout), as on a slow disk, while the burst arrives.
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let burst: String = (0..30_000).map(|i| format!("MSG #crash m{i}\n")).collect();
    let mut writer = c.stream();
    let sender = std::thread::spawn(move || {
        use std::io::Write;
        let _ = writer.write_all(burst.as_bytes());
    });
    let mut acked = Vec::new();
    let first_refusal = loop {
        if acked.len() == 30_000 {
            break "every message acknowledged".to_owned();
        }
        let line = c.recv();
        if !line.starts_with("OK MSG") {
            break line;
        }
        acked.push(msg_id(&line));
    };
    d.child.kill().unwrap();
    d.child.wait().unwrap();
    drop(blocker);
    let _ = sender.join();
    assert!(
        first_refusal.starts_with("FAIL MSG UNAVAILABLE"),
        "the stalled writer is reported: {first_refusal}"
    );
    let stored = stored_ids(&db);
    let lost = acked
        .iter()
        .filter(|id| stored.binary_search(id).is_err())
        .count();
    assert!(!acked.is_empty());
    assert!(
        lost <= 300,
        "{lost} acknowledged messages lost, more than the bound 300"
    );
}

#[test]
fn a_backup_finishes_while_people_chat() {
    let dir = TempDir::new();
    let db = dir.0.join("data/chatd.sqlite3");
    let limits = "[limits]\nflood_burst = 100000\nflood_per_second = 100000\nrecvq_bytes = 1048576\nsendq_bytes = 16777216";
    let cfg = config(&dir.0, &db, "", limits);
    let d = Daemon::start(&cfg, None);
    let mut c = TestClient::connect(d.addr);
    c.ok("REGISTER amy password1 password1", "OK REGISTER amy");
    c.ok("JOIN #b", "OK JOIN #b");
    let burst: String = (0..20_000).map(|i| format!("MSG #b fill {i}\n")).collect();
    c.send_raw(burst.as_bytes());
    for _ in 0..20_000 {
        c.expect("OK MSG #b ");
    }
    c.cmd("HISTORY amy 1"); // the writer answers it after committing what came before
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let chat = {
        let (stop, addr) = (stop.clone(), d.addr);
        std::thread::spawn(move || {
            let mut c = TestClient::connect(addr);
            c.ok("LOGIN amy password1", "OK LOGIN amy");
            let mut sent = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                c.cmd("MSG #b steady");
                sent += 1;
                std::thread::sleep(Duration::from_millis(10));
            }
            sent
        })
    };
    let dest = dir.0.join("copy.sqlite3");
    let mut backup = Command::new(BIN)
        .arg("backup")
        .arg(&dest)
        .arg("--config")
        .arg(&cfg)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = backup.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > until {
            let _ = backup.kill();
            panic!("the backup did not finish in 60 s under a chat load");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let sent = chat.join().unwrap();
    assert!(status.success(), "backup failed");
    assert!(sent >= 1, "people chatted during the backup");
    let copy = rusqlite::Connection::open(&dest).unwrap();
    let n: i64 = copy
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert!(
        n >= 20_000,
        "the copy has what was committed before it: {n}"
    );
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
