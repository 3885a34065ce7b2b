//! BAN, UNBAN and BANS by name and by address, over TCP.

mod common;
use common::*;

#[test]
fn a_name_ban_closes_sessions_and_refuses_login_after_the_right_password() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut m = s.user("mallory");
    root.expect("ONLINE mallory");
    m.fails("BAN root", "NOT_ALLOWED");
    m.fails("BANS", "NOT_ALLOWED");
    m.fails("UNBAN mallory", "NOT_ALLOWED");
    root.ok("BAN Mallory 7d :spamming", "OK BAN mallory");
    assert_eq!(m.read_to_close(), vec!["BYE :banned: spamming"]);
    assert_eq!(root.recv(), "OFFLINE mallory :banned: spamming");
    let mut again = s.connect();
    again.fails("LOGIN mallory wrong-password", "BAD_CREDENTIALS");
    let banned = again.fails("LOGIN mallory password-mallory", "BANNED");
    assert!(banned.contains("spamming"), "{banned}");
    let bans = root.cmd("BANS");
    assert_eq!(bans.len(), 2);
    let w: Vec<&str> = bans[0].splitn(5, ' ').collect();
    assert_eq!(&w[..3], ["BANNED", "mallory", "root"]);
    assert!(
        w[3].ends_with('Z') && w[3] != "never",
        "expiry is a time: {}",
        w[3]
    );
    assert_eq!(w[4], ":spamming");
    assert_eq!(bans[1], "OK BANS 1");
    root.ok("UNBAN mallory", "OK UNBAN mallory");
    root.fails("UNBAN mallory", "NOT_BANNED");
    again.ok("LOGIN mallory password-mallory", "OK LOGIN mallory");
}

#[test]
fn bad_targets_and_admins_cannot_be_banned() {
    let s = TestServer::start();
    let mut root = s.admin();
    root.fails("BAN nobody", "BAD_TARGET");
    root.fails("BAN 300.1.1.1", "BAD_TARGET");
    root.fails("BAN 10.0.0.0/33", "BAD_TARGET");
    root.fails("BAN root", "NOT_ALLOWED");
    root.fails("BAN", "NEED_MORE_PARAMS");
    root.ok("BAN ::1 :v6 loopback", "OK BAN ::1");
    root.ok("BAN 10.1.2.3/8 12h", "OK BAN 10.0.0.0/8");
    let bans = root.cmd("BANS");
    assert_eq!(bans[0], "BANNED ::1 root never :v6 loopback");
    assert!(
        bans[1].starts_with("BANNED 10.0.0.0/8 root 20") && bans[1].ends_with(" :banned"),
        "{}",
        bans[1]
    );
    // neither covers 127.0.0.1: clients still connect
    s.connect().ok("PING", "OK PING");
}

#[test]
fn an_address_ban_closes_matching_connections_and_refuses_new_ones() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut m = s.user("mallory");
    let mut anon = s.connect();
    root.expect("ONLINE mallory");
    root.ok("BAN 127.0.0.0/8 :go away", "OK BAN 127.0.0.0/8");
    assert_eq!(m.read_to_close(), vec!["BYE :banned: go away"]);
    assert_eq!(anon.read_to_close(), vec!["BYE :banned: go away"]);
    root.expect("OFFLINE mallory");
    let mut refused = s.connect();
    assert!(
        refused.hello.starts_with("FAIL CONNECT BANNED :"),
        "{}",
        refused.hello
    );
    assert_eq!(refused.read_to_close(), Vec::<String>::new());
    root.ok("UNBAN 127.0.0.1/8", "OK UNBAN 127.0.0.0/8");
    assert!(s.connect().hello.starts_with("HELLO "));
}

#[test]
fn a_timed_ban_expires() {
    let s = TestServer::start();
    let mut root = s.admin();
    s.user("tim").ok("QUIT", "BYE :quit");
    root.expect("ONLINE tim");
    root.expect("OFFLINE tim");
    root.ok("BAN tim 1s", "OK BAN tim");
    let mut t = s.connect();
    t.fails("LOGIN tim password-tim", "BANNED");
    // wait for the expiry by polling: a ban that never expired would fail the test here
    let start = std::time::Instant::now();
    loop {
        let reply = t.cmd("LOGIN tim password-tim");
        if reply == ["OK LOGIN tim"] {
            break;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "the ban did not expire: {reply:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(root.cmd("BANS"), vec!["ONLINE tim", "OK BANS 0"]);
}

#[test]
fn an_admin_drops_a_channel_with_its_history() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut amy = s.user("amy");
    let mut bob = s.user("bob");
    amy.expect("ONLINE bob");
    root.expect("ONLINE amy");
    root.expect("ONLINE bob");
    amy.ok("JOIN #gone", "OK JOIN #gone");
    bob.ok("JOIN #gone", "OK JOIN #gone");
    amy.expect("JOIN #gone bob");
    amy.cmd("MSG #gone first");
    bob.expect("MSG #gone amy ");
    amy.ok("JOIN #stays", "OK JOIN #stays");
    amy.fails("CHANNEL #gone DROP", "NOT_ALLOWED");
    root.fails("CHANNEL #nowhere DROP", "NO_SUCH_CHANNEL");
    root.ok("CHANNEL #gone DROP", "OK CHANNEL #gone DROP");
    assert_eq!(amy.recv(), "PART #gone amy :channel dropped");
    assert_eq!(bob.recv(), "PART #gone bob :channel dropped");
    let list = amy.cmd("LIST");
    assert_eq!(list, vec!["CHANNEL #stays 1", "OK LIST 1"]);
    amy.fails("MSG #gone still here?", "NO_SUCH_CHANNEL");
    let audit = root.cmd("AUDIT 1");
    let words: Vec<&str> = audit[0].split(' ').collect();
    assert_eq!(
        &words[2..],
        ["root", "CHANNEL", "#gone", ":DROP"],
        "{audit:?}"
    );
    let s = s.restart();
    let db = s.db();
    let left: i64 = db
        .query_row(
            "SELECT (SELECT count(*) FROM channels WHERE name = '#gone') + (SELECT count(*) FROM messages WHERE text = 'first')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        left, 0,
        "the channel and its history are gone from the database"
    );
    let mut bob = s.login("bob");
    bob.ok("JOIN #gone", "OK JOIN #gone");
    assert_eq!(bob.cmd("HISTORY #gone"), vec!["OK HISTORY #gone 0"]);
}
