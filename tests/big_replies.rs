//! Big replies reach a reader that reads: LIST, USERS and NAMES over 10,000 channels and
//! 10,000 accounts are longer than the send queue, and arrive whole; a reader that stops is
//! sent nothing more until it reads, and then gets every reply in order.

mod common;
use common::*;

/// A server whose database holds `n` accounts (`user00001`..) who are all members of `#big`,
/// and `n` channels (`#channel-number-00001`..) owned by the first account; 64 KiB send queue.
fn crowded(n: usize) -> TestServer {
    let dir = TempDir::new();
    let mut config = test_config(&dir.0);
    config.limits.sendq_bytes = 65_536;
    let db = chatd::store::schema::open(&config.storage.path, "normal").unwrap();
    db.execute_batch("BEGIN").unwrap();
    for i in 1..=n {
        db.execute(
            "INSERT INTO accounts (id, name, hash, created_ms) VALUES (?1, ?2, 'x', 0)",
            rusqlite::params![i as i64, format!("user{i:05}")],
        )
        .unwrap();
        db.execute(
            "INSERT INTO channels (id, name, owner, created_ms) VALUES (?1, ?2, 1, 0)",
            rusqlite::params![i as i64, format!("#channel-number-{i:05}")],
        )
        .unwrap();
    }
    db.execute(
        "INSERT INTO channels (id, name, owner, created_ms) VALUES (?1, '#big', 1, 0)",
        [n as i64 + 1],
    )
    .unwrap();
    db.execute(
        "INSERT INTO memberships SELECT id, ?1, 0 FROM accounts",
        [n as i64 + 1],
    )
    .unwrap();
    db.execute_batch("COMMIT").unwrap();
    drop(db);
    TestServer::start_in(dir, config)
}

#[test]
fn list_users_and_names_longer_than_the_send_queue_arrive_whole() {
    let s = crowded(10_000);
    let mut amy = s.user("amy");
    amy.ok("JOIN #big", "OK JOIN #big");
    let sendq = s.config.limits.sendq_bytes;
    for (cmd, data, ok) in [
        ("LIST", "CHANNEL ", "OK LIST 10001"),
        ("USERS", "", "OK USERS 10001"),
        ("NAMES #big", "NAME #big ", "OK NAMES #big 10001"),
    ] {
        let lines = amy.cmd(cmd);
        let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        assert!(
            bytes > sendq,
            "{cmd}: {bytes} bytes, more than the send queue"
        );
        assert_eq!(lines.last().unwrap(), ok, "{cmd}");
        assert_eq!(lines.len(), 10_002, "{cmd}");
        assert!(lines[..lines.len() - 1].iter().all(|l| l.starts_with(data)));
    }
    amy.ok("PING", "OK PING");
}

#[test]
fn a_reader_that_stops_gets_its_big_replies_in_order_once_it_reads() {
    let s = crowded(10_000);
    let mut stopped = s.user("amy");
    stopped.send_raw("LIST\n".repeat(20).as_bytes());
    let mut other = s.user("bob");
    other.ok("PING", "OK PING");
    // The stopped reader's commands wait while its first reply is unread; once it reads,
    // the rest are answered in order.
    for _ in 0..20 {
        let lines = stopped.until_final("LIST");
        assert_eq!(lines.last().unwrap(), "OK LIST 10001");
    }
    stopped.ok("PING", "OK PING");
}
