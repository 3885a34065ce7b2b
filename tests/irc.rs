//! The IRC dialect against the real server: IRC users and native users share channels,
//! private messages, history, topics, away, kicks and bans (../shared/IRC.md).

mod common;
use common::TestServer;
use common::irc::{irc_server, tag, untagged};

/// The native MSG's id and time, from `OK MSG #c <id> <time>`.
fn sent(ok: &str) -> (String, String) {
    let w: Vec<&str> = ok.split(' ').collect();
    (w[3].to_owned(), w[4].to_owned())
}

#[test]
fn irc_and_native_users_share_a_channel() {
    let s = irc_server(false);
    let mut alice = s.user("alice");
    alice.ok("JOIN #c", "OK JOIN #c");
    s.add_user("bob", "password-bob");
    let mut bob = s.irc_account("bob", "server-time message-tags account-tag");
    let joined = bob.cmd("JOIN #c");
    let joined: Vec<&str> = joined.iter().map(|l| untagged(l)).collect();
    assert_eq!(
        joined[0],
        "JOIN #c".replace("JOIN", ":bob!someuser@127.0.0.1 JOIN")
    );
    assert!(
        joined.contains(&":irc.test 353 bob = #c :@alice bob"),
        "{joined:?}"
    );
    assert_eq!(
        *joined.last().unwrap(),
        ":irc.test 366 bob #c :End of /NAMES list."
    );
    alice.expect("ONLINE bob");
    alice.expect("JOIN #c bob");

    // native to IRC: the same id and time, as PRIVMSG with msgid, time and account tags
    let ok = alice.cmd("MSG #c :hello from native").pop().unwrap();
    let (id, time) = sent(&ok);
    let got = bob.recv();
    assert_eq!(
        untagged(&got),
        ":alice!alice@127.0.0.1 PRIVMSG #c :hello from native"
    );
    assert_eq!(tag(&got, "msgid"), Some(id.as_str()));
    assert_eq!(tag(&got, "time"), Some(time.as_str()));
    assert_eq!(tag(&got, "account"), Some("alice"));

    // IRC to native: formatting is stripped for the native side, the id is the stored one
    bob.send("PRIVMSG #c :hi \x02there\x02");
    let got = alice.expect("MSG #c bob ");
    assert!(got.ends_with(" :hi there"), "{got}");
    bob.send("PRIVMSG #c :\x01ACTION waves\x01");
    let action = alice.expect("MSG #c bob ");
    assert!(action.ends_with(" :* bob waves"), "{action}");
    let hist = alice.cmd("HISTORY #c 5");
    assert_eq!(hist.len(), 4, "{hist:?}");
    assert!(hist[1].starts_with("HIST MSG #c bob ") && hist[1].ends_with(" :hi there"));

    // a native /me reaches IRC as a CTCP ACTION
    alice.cmd("MSG #c :* alice nods");
    assert_eq!(
        untagged(&bob.recv()),
        ":alice!alice@127.0.0.1 PRIVMSG #c :\x01ACTION nods\x01"
    );
}

#[test]
fn private_messages_topics_and_away_cross_dialects() {
    let s = irc_server(false);
    let mut alice = s.user("alice");
    alice.ok("JOIN #c", "OK JOIN #c");
    s.add_user("bob", "password-bob");
    let mut bob = s.irc_account("bob", "away-notify");
    bob.cmd("JOIN #c");
    alice.expect("ONLINE bob");
    alice.expect("JOIN #c bob");

    alice.cmd("PRIVMSG bob :psst");
    assert_eq!(bob.recv(), ":alice!alice@127.0.0.1 PRIVMSG bob :psst");
    bob.send("PRIVMSG alice :hey you");
    let got = alice.expect("PRIVMSG bob alice ");
    assert!(got.ends_with(" :hey you"));

    // bob is not an operator of #c: 482; alice owns it
    assert_eq!(
        bob.cmd("TOPIC #c :mine"),
        vec![":irc.test 482 bob #c :You're not channel operator"]
    );
    alice.cmd("TOPIC #c :welcome all");
    assert_eq!(bob.recv(), ":alice!alice@127.0.0.1 TOPIC #c :welcome all");
    let topic = bob.cmd("TOPIC #c");
    assert_eq!(topic[0], ":irc.test 332 bob #c :welcome all");
    assert!(
        topic[1].starts_with(":irc.test 333 bob #c alice "),
        "{topic:?}"
    );

    assert_eq!(
        bob.cmd("AWAY :lunch"),
        vec![":irc.test 306 bob :You have been marked as being away"]
    );
    alice.expect("AWAY bob :lunch");
    alice.cmd("AWAY :meeting");
    assert_eq!(bob.recv(), ":alice!alice@127.0.0.1 AWAY :meeting");
    let replies = bob.cmd("PRIVMSG alice :you there?");
    assert_eq!(replies, vec![":irc.test 301 bob alice :meeting"]);
}

#[test]
fn kicks_bans_and_quits_cross_dialects() {
    let s = irc_server(false);
    let mut root = s.admin();
    root.ok("JOIN #c", "OK JOIN #c");
    s.add_user("bob", "password-bob");
    s.add_user("carol", "password-carol");
    let mut bob = s.irc_account("bob", "");
    let mut carol = s.irc_account("carol", "");
    bob.cmd("JOIN #c");
    carol.cmd("JOIN #c");
    bob.sync();
    root.expect("ONLINE bob");
    root.expect("ONLINE carol");
    root.expect("JOIN #c bob");
    root.expect("JOIN #c carol");

    root.ok("KICK #c bob :behave", "OK KICK #c bob");
    assert_eq!(bob.recv(), ":root!root@127.0.0.1 KICK #c bob :behave");
    assert_eq!(carol.recv(), ":root!root@127.0.0.1 KICK #c bob :behave");

    carol.send("QUIT :gone home");
    assert_eq!(
        carol.read_to_close(),
        vec!["ERROR :Closing Link: 127.0.0.1 (gone home)"]
    );
    root.expect("OFFLINE carol :Quit: gone home");

    root.cmd("BAN bob :spam");
    let last = bob.read_to_close();
    assert!(
        last.last().unwrap().starts_with("ERROR :Closing Link"),
        "{last:?}"
    );
}

#[test]
fn an_account_s_irc_session_starts_in_its_channels() {
    let s = irc_server(false);
    let mut alice = s.user("alice");
    alice.ok("JOIN #a", "OK JOIN #a");
    alice.ok("TOPIC #a :the topic", "OK TOPIC #a SET");
    let mut irc = s.irc();
    irc.send("PASS alice:password-alice");
    irc.send("NICK whatever");
    irc.send("USER x 0 * :Alice");
    let burst = irc.until(" 366 ");
    let burst: Vec<&str> = burst.iter().map(|l| untagged(l)).collect();
    assert!(
        burst.contains(&":irc.test 001 alice :Welcome to the chatd IRC network, alice!x@127.0.0.1")
    );
    let at = burst
        .iter()
        .position(|l| *l == ":alice!x@127.0.0.1 JOIN #a")
        .unwrap();
    assert_eq!(burst[at + 1], ":irc.test 332 alice #a :the topic");
    assert_eq!(burst[at + 3], ":irc.test 353 alice = #a :@alice");
    // the nick is the account: another NICK is refused
    let refused = irc.cmd("NICK other");
    assert!(
        refused[0].starts_with(":irc.test 435 alice other :"),
        "{refused:?}"
    );
}

#[test]
fn without_guests_an_account_is_needed_and_bad_sasl_fails() {
    let s = irc_server(false);
    let mut c = s.irc();
    c.send("NICK nobody");
    c.send("USER x 0 * :x");
    let lines = c.read_to_close();
    assert!(
        lines[0].contains("NOTICE * :this server needs an account"),
        "{lines:?}"
    );
    assert!(lines.last().unwrap().starts_with("ERROR :Closing Link"));

    s.add_user("bob", "password-bob");
    let mut c = s.irc();
    c.send("CAP REQ :sasl");
    c.until(" ACK ");
    c.send("AUTHENTICATE PLAIN");
    c.expect_line("AUTHENTICATE +");
    let payload = common::irc::base64(b"\0bob\0wrong-password");
    c.send(&format!("AUTHENTICATE {payload}"));
    assert_eq!(c.recv(), ":irc.test 904 * :SASL authentication failed");
}

#[test]
fn guests_are_classic_irc_and_leave_nothing_behind() {
    let s = irc_server(true);
    let mut a = s.irc_guest("gina");
    let mut b = s.irc_guest("gus");
    a.cmd("JOIN #tmp");
    b.cmd("JOIN #tmp");
    assert_eq!(a.recv(), ":gus!gus@127.0.0.1 JOIN #tmp");
    a.cmd("PRIVMSG #tmp :not kept");
    assert_eq!(b.recv(), ":gina!gina@127.0.0.1 PRIVMSG #tmp :not kept");
    // the nick of a guest is taken while it is connected
    let mut c = s.irc();
    c.send("NICK gina");
    c.send("USER g 0 * :g");
    assert_eq!(c.recv(), ":irc.test 433 * gina :Nickname is already in use");
    let renamed = a.cmd("NICK gina2");
    assert_eq!(renamed, vec![":gina!gina@127.0.0.1 NICK gina2"]);
    assert_eq!(b.recv(), ":gina!gina@127.0.0.1 NICK gina2");
    a.send("QUIT");
    a.read_to_close();
    assert_eq!(b.recv(), ":gina2!gina@127.0.0.1 QUIT :quit");
    b.send("QUIT");
    b.read_to_close();
    c.send("NICK carl");
    c.until(" 376 ");
    let list = c.cmd("LIST");
    assert_eq!(list.len(), 2, "the guests' channel is gone: {list:?}");
    let mut s = s;
    s.stop();
    let db = s.db();
    let n: i64 = db
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    let ch: i64 = db
        .query_row("SELECT count(*) FROM channels", [], |r| r.get(0))
        .unwrap();
    assert_eq!((n, ch), (0, 0), "guests keep nothing");
}

#[test]
fn irc_lines_keep_the_limits() {
    let s = TestServer::with(|c| {
        c.irc.listen = Some("127.0.0.1:0".into());
        c.irc.server_name = "irc.test".into();
        c.irc.guests = true;
        c.server.max_clients = 2;
        c.server.admin_slots = 0;
        c.limits.flood_burst = 5;
        c.limits.flood_per_second = 1;
    });
    let _native = s.user("nat");
    let mut a = s.irc_guest("alpha");
    // the cap counts both listeners
    let mut third = s.irc();
    let lines = third.read_to_close();
    assert!(
        lines[0].starts_with("ERROR :Closing Link") && lines[0].contains("full"),
        "{lines:?}"
    );
    // a line over 512 bytes: 417, and the connection stays
    a.send(&format!("PRIVMSG #x :{}", "y".repeat(600)));
    assert_eq!(a.recv(), ":irc.test 417 alpha :Input line was too long");
    // flooding ends in ERROR, like BYE :flooding natively
    a.send_raw(&b"PING x\r\n".repeat(2000));
    let rest = a.read_to_close();
    assert!(
        rest.iter()
            .any(|l| l.starts_with("ERROR") && l.contains("flood")),
        "{rest:?}"
    );
}

#[test]
fn irc_over_tls_meets_plaintext_users_and_whois_says_so() {
    let ca = common::tls::TestCa::new();
    let leaf = ca.leaf();
    let s = TestServer::with(|c| {
        let (cert, key) = leaf.write(c.storage.path.parent().unwrap());
        c.irc.listen = Some("127.0.0.1:0".into());
        c.irc.tls_listen = Some("127.0.0.1:0".into());
        c.irc.server_name = "irc.test".into();
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
    });
    let tls_addr = s.handle.as_ref().unwrap().irc_tls_addr().unwrap();
    let mut alice = s.user("alice");
    alice.ok("JOIN #c", "OK JOIN #c");
    s.add_user("bob", "password-bob");
    s.add_user("carol", "password-carol");
    let tls = common::irc::IrcClient::over(ca.stream(tls_addr));
    let mut bob = s.irc_login(tls, "bob", "");
    let mut carol = s.irc_account("carol", "");
    bob.cmd("JOIN #c");
    bob.send("PRIVMSG #c :over tls");
    alice.expect("ONLINE bob");
    alice.expect("ONLINE carol");
    alice.expect("JOIN #c bob");
    assert!(alice.expect("MSG #c bob ").ends_with(" :over tls"));
    alice.cmd("MSG #c :plain reply");
    assert_eq!(bob.recv(), ":alice!alice@127.0.0.1 PRIVMSG #c :plain reply");
    let whois = carol.cmd("WHOIS bob");
    assert!(whois.contains(&":irc.test 671 carol bob :is using a secure connection".to_owned()));
    let whois = bob.cmd("WHOIS carol");
    assert!(!whois.iter().any(|l| l.contains(" 671 ")), "{whois:?}");
    assert!(whois.last().unwrap().contains(" 318 bob carol "));
}

#[test]
fn history_reaches_irc_as_chathistory_batches() {
    let s = TestServer::with(|c| {
        c.irc.listen = Some("127.0.0.1:0".into());
        c.irc.server_name = "irc.test".into();
        c.irc.replay_on_join = 2;
    });
    let mut alice = s.user("alice");
    alice.ok("JOIN #c", "OK JOIN #c");
    let ids: Vec<String> = ["one", "two", "three"]
        .iter()
        .map(|t| sent(&alice.cmd(&format!("MSG #c :{t}")).pop().unwrap()).0)
        .collect();
    s.add_user("bob", "password-bob");
    let mut bob = s.irc_account("bob", "batch server-time message-tags draft/chathistory");
    let joined = bob.cmd("JOIN #c");
    let at = joined.iter().position(|l| l.contains(" 366 ")).unwrap();
    let replay = &joined[at + 1..];
    assert_eq!(replay.len(), 4, "BATCH, two messages, BATCH: {replay:?}");
    assert!(untagged(&replay[0]).contains(" BATCH +") && replay[0].ends_with("chathistory #c"));
    assert_eq!(
        untagged(&replay[1]),
        ":alice!alice@127.0.0.1 PRIVMSG #c :two"
    );
    assert_eq!(tag(&replay[1], "msgid"), Some(ids[1].as_str()));
    let hist = bob.cmd("CHATHISTORY LATEST #c * 10");
    let texts: Vec<&str> = hist[1..hist.len() - 1]
        .iter()
        .map(|l| untagged(l))
        .collect();
    assert_eq!(
        texts,
        [
            ":alice!alice@127.0.0.1 PRIVMSG #c :one",
            ":alice!alice@127.0.0.1 PRIVMSG #c :two",
            ":alice!alice@127.0.0.1 PRIVMSG #c :three"
        ]
    );
    let before = bob.cmd(&format!("CHATHISTORY BEFORE #c msgid={} 10", ids[2]));
    assert_eq!(before.len(), 4, "{before:?}");
    let texts_of = |lines: &[String]| -> Vec<String> {
        let inner = &lines[1..lines.len() - 1];
        inner
            .iter()
            .map(|l| untagged(l).rsplit(':').next().unwrap().to_owned())
            .collect()
    };
    let after = bob.cmd(&format!("CHATHISTORY AFTER #c msgid={} 10", ids[0]));
    assert_eq!(texts_of(&after), ["two", "three"]);
    let between = bob.cmd(&format!(
        "CHATHISTORY BETWEEN #c msgid={} msgid={} 10",
        ids[2], ids[0]
    ));
    assert_eq!(texts_of(&between), ["two"]);
    let refused = bob.cmd("CHATHISTORY LATEST #nowhere * 10");
    assert!(
        refused[0].contains("FAIL CHATHISTORY INVALID_TARGET"),
        "{refused:?}"
    );
}
