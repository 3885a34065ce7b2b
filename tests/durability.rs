//! Nothing accepted is lost: clean stops commit everything, state survives restarts.

mod common;
use common::*;

#[test]
fn every_acknowledged_message_is_in_the_database_after_a_clean_stop() {
    let mut s = TestServer::with(|c| {
        c.limits.flood_burst = 1000;
        c.limits.recvq_bytes = 65536;
    });
    let mut a = s.user("amy");
    let mut b = s.user("ben");
    a.expect("ONLINE ben");
    a.ok("JOIN #d", "OK JOIN #d");
    // pipeline 300 messages without waiting, then collect the acknowledgements
    let burst: String = (0..300).map(|i| format!("MSG #d burst {i}\n")).collect();
    a.send_raw(burst.as_bytes());
    let acked: Vec<u64> = (0..300)
        .map(|_| {
            a.expect("OK MSG #d ")
                .split(' ')
                .nth(3)
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    b.send_raw(b"PRIVMSG amy a private one\n");
    b.expect("OK PRIVMSG amy ");
    s.stop();
    assert_eq!(
        a.read_to_close().last().unwrap(),
        "BYE :server shutting down"
    );
    let db = s.db();
    let stored: Vec<u64> = db
        .prepare("SELECT id FROM messages WHERE channel IS NOT NULL ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|r| r.unwrap() as u64)
        .collect();
    assert_eq!(stored, acked);
    let text: String = db
        .query_row(
            "SELECT text FROM messages WHERE recipient IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(text, "a private one");
    let dangling: i64 = db
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(dangling, 0, "every stored reference points at a stored row");
}

#[test]
fn memberships_history_and_ids_survive_a_restart() {
    let s = TestServer::start();
    let mut a = s.user("amy");
    a.ok("JOIN #keep", "OK JOIN #keep");
    a.send("MSG #keep before restart");
    let first = a.expect("OK MSG #keep ");
    let first_id: u64 = first.split(' ').nth(3).unwrap().parse().unwrap();
    a.ok("JOIN #other", "OK JOIN #other");
    a.ok("PART #other", "OK PART #other");
    let s = s.restart();
    let mut a = s.login("amy");
    let before = a.cmd("HISTORY #keep");
    assert!(
        before[0].ends_with(":before restart") && before[1] == "OK HISTORY #keep 1",
        "{before:?}"
    );
    // still a member without joining again
    a.send("MSG #keep after restart");
    let second = a.expect("OK MSG #keep ");
    let second_id: u64 = second.split(' ').nth(3).unwrap().parse().unwrap();
    assert!(
        second_id > first_id,
        "ids keep increasing: {first_id} then {second_id}"
    );
    let hist = a.cmd("HISTORY #keep");
    assert_eq!(hist.len(), 3);
    assert!(hist[0].ends_with(":before restart") && hist[1].ends_with(":after restart"));
    assert_eq!(a.cmd("NAMES #other"), vec!["OK NAMES #other 0"]);
    // the channel's owner is still its creator, and JOIN replays across the restart
    let mut b = s.user("ben");
    let join = b.cmd("JOIN #keep");
    assert_eq!(join.len(), 3, "{join:?}");
    b.fails("KICK #keep amy", "NOT_ALLOWED");
    a.expect("ONLINE ben");
    a.expect("JOIN #keep ben");
    a.ok("KICK #keep ben", "OK KICK #keep ben");
}

#[test]
fn accounts_and_bans_survive_a_restart() {
    let s = TestServer::start();
    let mut root = s.admin();
    s.user("mallory").ok("QUIT", "BYE :quit");
    root.expect("ONLINE mallory");
    root.expect("OFFLINE mallory :quit");
    root.ok("BAN mallory :persistent", "OK BAN mallory");
    root.ok("BAN 10.9.0.0/16", "OK BAN 10.9.0.0/16");
    drop(root);
    let s = s.restart();
    let mut c = s.connect();
    c.fails("LOGIN mallory password-mallory", "BANNED");
    let mut root = s.login("root");
    assert_eq!(
        root.cmd("BANS"),
        vec![
            "BANNED mallory root never :persistent",
            "BANNED 10.9.0.0/16 root never :banned",
            "OK BANS 2"
        ]
    );
}
