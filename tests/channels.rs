//! JOIN, PART, MSG, NAMES, LIST, WHO, KICK, PRIVMSG and HISTORY over TCP.

mod common;
use common::*;

/// The id and time of an `OK MSG`/`OK PRIVMSG` reply.
fn id_time(ok: &str) -> (u64, String) {
    let w: Vec<&str> = ok.split(' ').collect();
    (w[3].parse().unwrap(), w[4].to_owned())
}

#[test]
fn join_creates_and_events_reach_members_but_not_the_sender() {
    let s = TestServer::start();
    let mut a = s.user("amy");
    let mut b = s.user("ben");
    assert_eq!(a.recv(), "ONLINE ben");
    a.ok("JOIN #Lobby", "OK JOIN #Lobby");
    b.ok("join #LOBBY", "OK JOIN #Lobby");
    assert_eq!(a.recv(), "JOIN #Lobby ben");
    let (id, time) = id_time(&b.cmd("MSG #lobby hello there")[0]);
    assert_eq!(a.recv(), format!("MSG #Lobby ben {id} {time} :hello there"));
    b.expect_quiet();
    b.ok("PART #lobby :bye all", "OK PART #Lobby");
    assert_eq!(a.recv(), "PART #Lobby ben :bye all");
    b.fails("MSG #Lobby hi", "NOT_IN_CHANNEL");
    b.fails("PART #Lobby", "NOT_IN_CHANNEL");
    b.fails("MSG #nowhere hi", "NO_SUCH_CHANNEL");
    b.fails("JOIN lobby", "BAD_CHANNEL");
    b.fails(&format!("JOIN #{}", "c".repeat(50)), "BAD_CHANNEL");
    b.ok(
        &format!("JOIN #{}", "c".repeat(49)),
        &format!("OK JOIN #{}", "c".repeat(49)),
    );
}

#[test]
fn a_users_other_sessions_see_what_it_sends() {
    let s = TestServer::start();
    let mut a1 = s.user("amy");
    let mut a2 = s.login("amy");
    a1.ok("JOIN #x", "OK JOIN #x");
    assert_eq!(a2.recv(), "JOIN #x amy");
    let (id, time) = id_time(&a1.cmd("MSG #x from one")[0]);
    assert_eq!(a2.recv(), format!("MSG #x amy {id} {time} :from one"));
}

#[test]
fn join_replays_the_last_ten_messages() {
    let s = TestServer::start();
    let mut a = s.user("amy");
    a.ok("JOIN #h", "OK JOIN #h");
    let sent: Vec<(u64, String)> = (1..=12)
        .map(|i| id_time(&a.cmd(&format!("MSG #h m{i}"))[0]))
        .collect();
    let mut b = s.user("ben");
    let reply = b.cmd("JOIN #h");
    let expected: Vec<String> = (3..=12)
        .map(|i| format!("HIST MSG #h amy {} {} :m{i}", sent[i - 1].0, sent[i - 1].1))
        .chain(["OK JOIN #h".to_owned()])
        .collect();
    assert_eq!(reply, expected);
    // joining again replays again and tells no one
    assert_eq!(b.cmd("JOIN #h"), expected);
    a.expect("ONLINE ben");
    a.expect("JOIN #h ben");
    a.expect_quiet();
}

#[test]
fn history_pages_back_by_id_and_caps_the_limit() {
    let s = TestServer::with(|c| c.limits.history_max = 5);
    let mut a = s.user("amy");
    a.ok("JOIN #h", "OK JOIN #h");
    let ids: Vec<u64> = (1..=8)
        .map(|i| id_time(&a.cmd(&format!("MSG #h m{i}"))[0]).0)
        .collect();
    let page = a.cmd("HISTORY #h 3");
    assert_eq!(page.len(), 4);
    assert!(
        page[0].starts_with(&format!("HIST MSG #h amy {} ", ids[5])) && page[0].ends_with(":m6")
    );
    assert!(page[2].ends_with(":m8"));
    assert_eq!(page[3], "OK HISTORY #h 3");
    let older = a.cmd(&format!("HISTORY #h 3 {}", ids[5]));
    assert!(
        older[0].ends_with(":m3") && older[2].ends_with(":m5"),
        "{older:?}"
    );
    let capped = a.cmd("HISTORY #h 1000");
    assert_eq!(capped.last().unwrap(), "OK HISTORY #h 5");
    assert_eq!(
        a.cmd(&format!("HISTORY #h 10 {}", ids[0])),
        vec!["OK HISTORY #h 0"]
    );
    a.fails("HISTORY #h many", "BAD_PARAM");
    a.fails("HISTORY #h 5 x", "BAD_PARAM");
    a.fails("HISTORY #none", "NO_SUCH_CHANNEL");
    let mut b = s.user("ben");
    b.fails("HISTORY #h", "NOT_IN_CHANNEL");
    b.fails("HISTORY nobody", "NO_SUCH_USER");
}

#[test]
fn private_messages_reach_every_session_and_wait_for_offline_users() {
    let s = TestServer::start();
    let mut a1 = s.user("amy");
    let mut a2 = s.login("amy");
    s.user("ben").ok("QUIT", "BYE :quit");
    a1.expect("ONLINE ben");
    a2.expect("ONLINE ben");
    a1.expect("OFFLINE ben");
    a2.expect("OFFLINE ben");
    let (id, time) = id_time(&a1.cmd("PRIVMSG BEN are you there?")[0]);
    assert_eq!(
        a2.recv(),
        format!("PRIVMSG amy ben {id} {time} :are you there?")
    );
    a1.fails("PRIVMSG nobody hi", "NO_SUCH_USER");
    a1.fails("PRIVMSG ben", "NEED_MORE_PARAMS");
    let mut b = s.login("ben");
    a1.expect("ONLINE ben");
    a2.expect("ONLINE ben");
    let hist = b.cmd("HISTORY amy");
    assert_eq!(
        hist,
        vec![
            format!("HIST PRIVMSG amy ben {id} {time} :are you there?"),
            "OK HISTORY amy 1".into()
        ]
    );
    let (id2, time2) = id_time(&b.cmd("PRIVMSG amy yes")[0]);
    let event = format!("PRIVMSG ben amy {id2} {time2} :yes");
    assert_eq!(a1.recv(), event);
    assert_eq!(a2.recv(), event);
    assert_eq!(a1.cmd("HISTORY ben").len(), 3);
}

#[test]
fn names_list_and_who_show_presence() {
    let s = TestServer::start();
    let mut a = s.user("amy");
    let mut b = s.user("ben");
    a.expect("ONLINE ben");
    a.ok("JOIN #b", "OK JOIN #b");
    b.ok("JOIN #a", "OK JOIN #a");
    b.ok("JOIN #b", "OK JOIN #b");
    a.expect("JOIN #b ben");
    b.ok("QUIT", "BYE :quit");
    a.expect("OFFLINE ben");
    assert_eq!(
        a.cmd("NAMES #b"),
        vec!["NAME #b amy online", "NAME #b ben offline", "OK NAMES #b 2"]
    );
    assert_eq!(
        a.cmd("LIST"),
        vec!["CHANNEL #a 1", "CHANNEL #b 2", "OK LIST 2"]
    );
    assert_eq!(a.cmd("WHO"), vec!["USER amy online", "OK WHO 1"]);
    a.fails("NAMES #zzz", "NO_SUCH_CHANNEL");
}

#[test]
fn the_owner_and_admins_kick_others_may_not() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut o = s.user("owner");
    let mut m = s.user("mallory");
    root.expect("ONLINE owner");
    root.expect("ONLINE mallory");
    o.expect("ONLINE mallory");
    o.ok("JOIN #k", "OK JOIN #k");
    m.ok("JOIN #k", "OK JOIN #k");
    o.expect("JOIN #k mallory");
    m.fails("KICK #k owner", "NOT_ALLOWED");
    o.fails("KICK #k nobody", "NO_SUCH_USER");
    o.fails("KICK #k root", "NOT_IN_CHANNEL");
    o.fails("KICK #nope mallory", "NO_SUCH_CHANNEL");
    o.ok("KICK #k mallory :be nice", "OK KICK #k mallory");
    assert_eq!(m.recv(), "KICK #k mallory owner :be nice");
    m.fails("MSG #k hi", "NOT_IN_CHANNEL");
    m.ok("JOIN #k", "OK JOIN #k");
    o.expect("JOIN #k mallory");
    root.ok("KICK #k mallory", "OK KICK #k mallory");
    assert_eq!(m.recv(), "KICK #k mallory root");
    assert_eq!(o.recv(), "KICK #k mallory root");
}

#[test]
fn a_topic_is_set_by_moderators_seen_by_members_and_kept() {
    let s = TestServer::start();
    let mut amy = s.user("amy");
    let mut bob = s.user("bob");
    amy.expect("ONLINE bob");
    amy.ok("JOIN #t", "OK JOIN #t");
    bob.ok("JOIN #t", "OK JOIN #t");
    amy.expect("JOIN #t bob");
    assert_eq!(amy.cmd("TOPIC #t"), vec!["OK TOPIC #t NONE"]);
    bob.fails("TOPIC #t :mine now", "NOT_ALLOWED");
    amy.ok("TOPIC #t :release on Friday", "OK TOPIC #t SET");
    assert_eq!(bob.recv(), "TOPIC #t amy :release on Friday");
    let shown = bob.cmd("TOPIC #t");
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].starts_with("TOPIC #t amy 20"), "{shown:?}");
    assert!(shown[0].ends_with(" :release on Friday"), "{shown:?}");
    assert_eq!(shown[1], "OK TOPIC #t");
    amy.fails("TOPIC #t :\u{202e}sneaky", "BAD_TEXT");
    amy.ok("OP #t bob", "OK OP #t bob");
    bob.ok("TOPIC #t :", "OK TOPIC #t CLEARED");
    assert_eq!(amy.recv(), "TOPIC #t bob :");
    bob.ok("TOPIC #t :kept across a restart", "OK TOPIC #t SET");
    let s = s.restart();
    let mut amy = s.login("amy");
    let shown = amy.cmd("TOPIC #t");
    assert!(shown[0].starts_with("TOPIC #t bob "), "{shown:?}");
    assert!(shown[0].ends_with(" :kept across a restart"), "{shown:?}");
    amy.fails("TOPIC #nowhere", "NO_SUCH_CHANNEL");
}
