//! Private channels over TCP: join requests, decisions, and what non-members cannot see.

mod common;
use common::*;

#[test]
fn joining_a_private_channel_is_a_request_the_moderators_decide() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut own = s.user("own");
    root.expect("ONLINE own");
    own.ok("JOIN #p", "OK JOIN #p");
    own.send("MSG #p secret plans");
    own.expect("OK MSG #p 1 ");
    let mut ben = s.user("ben");
    root.expect("ONLINE ben");
    own.expect("ONLINE ben");
    ben.fails("CHANNEL #p PRIVATE", "NOT_ALLOWED");
    own.fails("CHANNEL #p SECRET", "BAD_PARAM");
    own.ok("channel #p private", "OK CHANNEL #p PRIVATE");
    assert_eq!(ben.cmd("LIST"), vec!["OK LIST 0"]);
    ben.fails("NAMES #p", "NOT_IN_CHANNEL");
    ben.fails("HISTORY #p", "NOT_IN_CHANNEL");
    ben.ok("JOIN #p", "OK JOIN #p PENDING");
    assert_eq!(own.recv(), "REQUEST #p ben");
    assert_eq!(root.recv(), "REQUEST #p ben");
    ben.ok("JOIN #p", "OK JOIN #p PENDING");
    own.expect_quiet(); // asking twice is not news
    ben.fails("MSG #p hi", "NOT_IN_CHANNEL");
    ben.fails("REQUESTS #p", "NOT_ALLOWED");
    ben.fails("ACCEPT #p ben", "NOT_ALLOWED");
    ben.fails("REJECT #p ben", "NOT_ALLOWED");
    let reqs = own.cmd("REQUESTS #p");
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[0].starts_with("REQUEST #p ben 20") && reqs[0].ends_with('Z'),
        "{}",
        reqs[0]
    );
    assert_eq!(reqs[1], "OK REQUESTS #p 1");
    own.ok("ACCEPT #p ben", "OK ACCEPT #p ben");
    assert_eq!(ben.recv(), "ACCEPTED #p");
    own.fails("ACCEPT #p ben", "NO_SUCH_REQUEST");
    assert_eq!(own.cmd("REQUESTS #p"), vec!["OK REQUESTS #p 0"]);
    assert!(ben.cmd("HISTORY #p")[0].ends_with(":secret plans"));
    assert_eq!(ben.cmd("LIST"), vec!["CHANNEL #p 2", "OK LIST 1"]);
    // an admin joins directly and sees everything
    assert_eq!(root.cmd("LIST"), vec!["CHANNEL #p 2", "OK LIST 1"]);
    assert_eq!(root.cmd("JOIN #p").last().unwrap(), "OK JOIN #p");
}

#[test]
fn rejected_requests_and_state_survive_a_restart() {
    let s = TestServer::start();
    let mut own = s.user("own");
    own.ok("JOIN #p", "OK JOIN #p");
    own.ok("CHANNEL #p PRIVATE", "OK CHANNEL #p PRIVATE");
    let mut cat = s.user("cat");
    let mut dan = s.user("dan");
    own.expect("ONLINE cat");
    own.expect("ONLINE dan");
    cat.expect("ONLINE dan");
    cat.ok("JOIN #p", "OK JOIN #p PENDING");
    dan.ok("JOIN #p", "OK JOIN #p PENDING");
    own.expect("REQUEST #p cat");
    own.expect("REQUEST #p dan");
    own.ok("REJECT #p cat", "OK REJECT #p cat");
    assert_eq!(cat.recv(), "REJECTED #p");
    own.fails("REJECT #p cat", "NO_SUCH_REQUEST");
    drop((own, cat, dan));
    let s = s.restart();
    let db = s.db();
    let dangling: i64 = db
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        dangling, 0,
        "requests, ops and memberships point at stored rows"
    );
    let status = |who: &str| -> String {
        db.query_row(
            "SELECT r.status FROM join_requests r JOIN accounts a ON a.id = r.account WHERE a.name = ?1",
            [who],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(
        (status("cat"), status("dan")),
        ("rejected".into(), "pending".into())
    );
    let mut own = s.login("own");
    let reqs = own.cmd("REQUESTS #p");
    assert!(reqs[0].starts_with("REQUEST #p dan "), "{reqs:?}");
    let mut cat = s.login("cat");
    cat.ok("JOIN #p", "OK JOIN #p PENDING"); // still private after the restart; may ask again
}
