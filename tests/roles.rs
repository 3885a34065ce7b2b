//! Roles and moderation over TCP: operators, KICK off the server, WHOIS, AUDIT.

mod common;
use common::*;

/// Owner `own` with channel `#r`, member `mem`, both seen by each other; plus the admin.
fn setup(s: &TestServer) -> (TestClient, TestClient, TestClient) {
    let mut root = s.admin();
    let mut own = s.user("own");
    let mut mem = s.user("mem");
    root.expect("ONLINE own");
    root.expect("ONLINE mem");
    own.expect("ONLINE mem");
    own.ok("JOIN #r", "OK JOIN #r");
    mem.ok("JOIN #r", "OK JOIN #r");
    own.expect("JOIN #r mem");
    (root, own, mem)
}

#[test]
fn the_owner_names_operators_who_moderate_until_deopped() {
    let s = TestServer::start();
    let (mut root, mut own, mut mem) = setup(&s);
    let mut third = s.user("third");
    for c in [&mut root, &mut own, &mut mem] {
        c.expect("ONLINE third");
    }
    third.ok("JOIN #r", "OK JOIN #r");
    own.expect("JOIN #r third");
    mem.expect("JOIN #r third");
    mem.fails("OP #r mem", "NOT_ALLOWED");
    own.fails("OP #r root", "NOT_IN_CHANNEL");
    own.fails("OP #r ghost", "NO_SUCH_USER");
    own.ok("OP #r mem", "OK OP #r mem");
    mem.fails("OP #r third", "NOT_ALLOWED");
    mem.fails("KICK #r own", "NOT_ALLOWED");
    mem.ok("KICK #r third :op power", "OK KICK #r third");
    assert_eq!(third.recv(), "KICK #r third mem :op power");
    own.expect("KICK #r third mem :op power");
    own.ok("DEOP #r mem", "OK DEOP #r mem");
    third.ok("JOIN #r", "OK JOIN #r");
    own.expect("JOIN #r third");
    mem.expect("JOIN #r third");
    mem.fails("KICK #r third", "NOT_ALLOWED");
    root.ok("OP #r third", "OK OP #r third");
    third.fails("DEOP #r third", "NOT_ALLOWED");
}

#[test]
fn an_admin_kicks_a_user_off_the_server() {
    let s = TestServer::start();
    let (mut root, mut own, mut mem) = setup(&s);
    let mut mem2 = s.login("mem");
    mem.fails("KICK own", "NOT_ALLOWED");
    root.ok("KICK mem :cool down", "OK KICK mem");
    assert_eq!(mem.read_to_close(), vec!["BYE :kicked by root: cool down"]);
    assert_eq!(mem2.read_to_close(), vec!["BYE :kicked by root: cool down"]);
    own.expect("OFFLINE mem :kicked by root: cool down");
    root.expect("OFFLINE mem :kicked by root: cool down");
    root.fails("KICK mem", "NO_SUCH_USER");
    root.fails("KICK nobody", "NO_SUCH_USER");
    // a kick is not a ban: they come back
    s.login("mem");
}

#[test]
fn whois_knows_where_a_name_is_connected_from() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut a1 = s.connect_from("127.0.0.2");
    a1.ok("REGISTER amy password1 password1", "OK REGISTER amy");
    let mut a2 = s.connect_from("127.0.0.3");
    a2.ok("LOGIN amy password1", "OK LOGIN amy");
    root.expect("ONLINE amy");
    let w = root.cmd("WHOIS AMY");
    assert_eq!(w.len(), 2);
    let f: Vec<&str> = w[0].split(' ').collect();
    assert_eq!(&f[..4], ["WHOIS", "amy", "online", "127.0.0.2,127.0.0.3"]);
    assert!(f[4].ends_with('Z') && f[5] == "127.0.0.3", "{}", w[0]);
    assert_eq!(f[6], "plain", "{}", w[0]);
    assert_eq!(w[1], "OK WHOIS amy");
    a1.ok("QUIT", "BYE :quit");
    a2.ok("QUIT", "BYE :quit");
    root.expect("OFFLINE amy");
    let w = root.cmd("WHOIS amy");
    let f: Vec<&str> = w[0].split(' ').collect();
    assert_eq!((f[2], f[3], f[5], f[6]), ("offline", "-", "127.0.0.3", "-"));
    let mut a3 = s.connect_from("127.0.0.4");
    a3.ok("LOGIN amy password1", "OK LOGIN amy");
    root.expect("ONLINE amy");
    assert!(root.cmd("WHOIS amy")[0].contains(" online 127.0.0.4 "));
    a3.fails("WHOIS root", "NOT_ALLOWED");
    root.fails("WHOIS ghost", "NO_SUCH_USER");
}

#[test]
fn the_audit_log_records_who_did_what() {
    let s = TestServer::start();
    let (mut root, mut own, mut mem) = setup(&s);
    own.ok("OP #r mem", "OK OP #r mem");
    own.ok("CHANNEL #r PRIVATE", "OK CHANNEL #r PRIVATE");
    own.ok("KICK #r mem :tidy up", "OK KICK #r mem");
    mem.expect("KICK #r mem own :tidy up");
    let mut guess = s.connect_from("127.0.0.9");
    guess.fails("LOGIN own wrong-password", "BAD_CREDENTIALS");
    root.ok("BAN mem 1h :audit me", "OK BAN mem");
    root.expect("OFFLINE mem :banned: audit me");
    root.ok("UNBAN mem", "OK UNBAN mem");
    own.expect("OFFLINE mem :banned: audit me");
    own.fails("AUDIT", "NOT_ALLOWED");
    let log = root.cmd("AUDIT 100");
    let actions: Vec<(String, String, String)> = log[..log.len() - 1]
        .iter()
        .map(|l| {
            let f: Vec<&str> = l.splitn(6, ' ').collect();
            assert_eq!(f[0], "AUDIT");
            assert!(f[1].ends_with('Z'));
            (f[2].to_owned(), f[3].to_owned(), f[4].to_owned())
        })
        .collect();
    let has = |actor: &str, action: &str, target: &str| {
        actions.contains(&(actor.to_owned(), action.to_owned(), target.to_owned()))
    };
    assert!(has("root", "LOGIN", "root") && has("own", "LOGIN", "own"));
    assert!(has("own", "OP", "mem") && has("own", "CHANNEL", "#r") && has("own", "KICK", "mem"));
    assert!(
        has("-", "LOGIN_FAILED", "own") && has("root", "BAN", "mem") && has("root", "UNBAN", "mem")
    );
    assert!(
        log.iter()
            .any(|l| l.contains(" - LOGIN_FAILED own :127.0.0.9")),
        "the failed login's detail is its IP"
    );
    assert_eq!(log.last().unwrap(), &format!("OK AUDIT {}", log.len() - 1));
    let two = root.cmd("AUDIT 2");
    assert_eq!(two.len(), 3);
    assert!(two[1].contains(" UNBAN mem"), "latest last: {two:?}");
}
