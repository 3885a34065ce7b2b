//! The IRC dialect in the core, without sockets: registration, labels, guests in memory, and
//! what crosses to native sessions.

use super::Harness;
use crate::jobs::ConnId;

fn irc_harness() -> Harness {
    Harness::with(|c| {
        c.irc.server_name = "S".into();
        c.irc.guests = true;
    })
}

/// A registered IRC guest; its burst is read.
fn guest(h: &mut Harness, nick: &str) -> ConnId {
    let c = h.connect_irc();
    h.line(c, &format!("NICK {nick}"));
    h.line(c, &format!("USER {nick} 0 * :{nick}"));
    let burst = h.take(c);
    assert!(burst.last().unwrap().contains(" 376 "), "{burst:?}");
    c
}

/// An IRC session of the account `name` (password `password1`), logged in with PASS.
fn irc_account(h: &mut Harness, name: &str) -> ConnId {
    let c = h.connect_irc();
    h.line(c, &format!("PASS {name}:password1"));
    h.line(c, &format!("NICK {name}"));
    h.line(c, &format!("USER {name} 0 * :{name}"));
    h.take(c);
    c
}

#[test]
fn registration_waits_for_cap_end_and_sends_the_burst_in_order() {
    let mut h = irc_harness();
    let c = h.connect_irc();
    assert!(h.take(c).is_empty(), "no HELLO on IRC");
    h.line(c, "CAP LS 302");
    h.line(c, "NICK amy");
    h.line(c, "USER amy 0 * :Amy");
    let got = h.take(c);
    assert_eq!(
        got.len(),
        1,
        "nothing but the CAP LS before CAP END: {got:?}"
    );
    assert!(got[0].starts_with(":S CAP * LS :") && got[0].contains("sasl=PLAIN"));
    h.line(c, "CAP END");
    let codes: Vec<String> = h
        .take(c)
        .iter()
        .map(|l| l.split(' ').nth(1).unwrap().to_owned())
        .collect();
    let first: Vec<&str> = codes.iter().take(4).map(String::as_str).collect();
    assert_eq!(first, ["001", "002", "003", "004"]);
    assert_eq!(codes[4], "005");
    assert_eq!(codes.last().unwrap(), "376");
}

#[test]
fn labeled_replies_are_one_line_a_batch_or_ack() {
    let mut h = irc_harness();
    let c = h.connect_irc();
    h.line(c, "CAP REQ :labeled-response batch");
    h.line(c, "NICK amy");
    h.line(c, "USER amy 0 * :Amy");
    h.line(c, "CAP END");
    h.take(c);
    h.line(c, "@label=one PING x");
    assert_eq!(h.take(c), ["@label=one :S PONG S :x"]);
    h.line(c, "@label=two PONG x");
    assert_eq!(h.take(c), ["@label=two :S ACK"]);
    h.line(c, "@label=three JOIN #a");
    let lines = h.take(c); // reply data (NAMES is in it): read line by line
    assert!(lines[0].starts_with("@label=three :S BATCH +"), "{lines:?}");
    assert!(lines[1].contains(" JOIN #a") && lines[1].starts_with("@batch="));
    assert!(lines.last().unwrap().starts_with(":S BATCH -"));
}

#[test]
fn guests_and_their_channels_live_in_memory_only() {
    let mut h = irc_harness();
    let a = guest(&mut h, "gina");
    let b = guest(&mut h, "gus");
    h.line(a, "JOIN #tmp");
    h.line(b, "JOIN #tmp");
    h.line(a, "PRIVMSG #tmp :hello");
    assert!(
        h.take(b)
            .iter()
            .any(|l| l == ":gina!gina@127.0.0.1 PRIVMSG #tmp :hello")
    );
    let count = |h: &Harness, table: &str| -> i64 {
        h.db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(count(&h, "messages") + count(&h, "channels"), 0);
    // an account joining makes the channel real: stored from then on
    let amy = h.user("amy");
    h.line(amy, "JOIN #tmp");
    h.line(amy, "MSG #tmp :kept");
    assert_eq!((count(&h, "channels"), count(&h, "messages")), (1, 1));
    assert!(h.take(a).iter().any(|l| l.ends_with("PRIVMSG #tmp :kept")));
}

#[test]
fn notice_never_answers_with_an_error_and_privmsg_does() {
    let mut h = irc_harness();
    let a = guest(&mut h, "gina");
    h.line(a, "NOTICE #nowhere :x");
    h.line(a, "NOTICE nobody :x");
    assert!(h.take(a).is_empty());
    h.line(a, "PRIVMSG nobody :x");
    assert_eq!(h.take(a), [":S 401 gina nobody :No such nick/channel"]);
    h.line(a, "PRIVMSG #c :");
    assert_eq!(h.take(a), [":S 412 gina :No text to send"]);
}

#[test]
fn native_events_reach_irc_in_irc_form_and_back() {
    let mut h = irc_harness();
    let amy = h.user("amy");
    h.line(amy, "JOIN #c");
    let g = guest(&mut h, "gina");
    h.line(g, "JOIN #c");
    h.take(g);
    h.take(amy);
    h.line(amy, "TOPIC #c :hello there");
    assert_eq!(h.take(amy), ["OK TOPIC #c SET"]);
    assert_eq!(h.take(g), [":amy!amy@127.0.0.1 TOPIC #c :hello there"]);
    h.line(g, "PART #c :bye");
    assert_eq!(h.take(amy), ["PART #c gina :bye"]);
    assert_eq!(h.take(g), [":gina!gina@127.0.0.1 PART #c :bye"]);
}

#[test]
fn bot_mode_shows_in_who_whois_and_a_tag() {
    let mut h = irc_harness();
    let bot = guest(&mut h, "robo");
    let user = h.connect_irc();
    h.line(user, "CAP REQ :message-tags");
    h.line(user, "NICK ann");
    h.line(user, "USER ann 0 * :Ann");
    h.line(user, "CAP END");
    h.take(user);
    h.line(bot, "MODE robo +B");
    assert_eq!(h.take(bot), [":robo MODE robo :+B"]);
    h.line(bot, "PRIVMSG ann :beep");
    let got = h.take(user);
    assert!(
        got[0].starts_with("@msgid=") && got[0].contains(";bot "),
        "{got:?}"
    );
    h.line(user, "WHO robo");
    assert!(h.take(user)[0].contains(" robo HB :0 robo"));
    h.line(user, "WHOIS robo");
    assert!(
        h.take(user)
            .contains(&":S 335 ann robo :is a bot".to_owned())
    );
}

#[test]
fn wallops_reach_those_with_w_and_need_an_operator() {
    let mut h = irc_harness();
    let a = guest(&mut h, "ann");
    let b = guest(&mut h, "bea");
    let c = guest(&mut h, "cid");
    h.line(b, "MODE bea +w");
    assert_eq!(h.take(b), [":bea MODE bea :+w"]);
    h.line(a, "WALLOPS :hello");
    assert_eq!(
        h.take(a)[0],
        ":S 481 ann :Permission Denied- You're not an IRC operator"
    );
    h.core.irc_state_mut(a).unwrap().oper = true;
    h.line(a, "WALLOPS :hello");
    assert_eq!(h.take(a), [":ann!ann@127.0.0.1 WALLOPS :hello"]);
    assert_eq!(h.take(b), [":ann!ann@127.0.0.1 WALLOPS :hello"]);
    assert!(h.take(c).is_empty());
}

#[test]
fn guests_cannot_take_an_admin_s_name() {
    let mut h = irc_harness();
    let c = h.connect_irc();
    h.line(c, "NICK root");
    h.line(c, "USER r 0 * :r");
    assert_eq!(h.take(c), [":S 433 * root :Nickname is already in use"]);
    let g = guest(&mut h, "gina");
    h.line(g, "NICK Root");
    assert_eq!(h.take(g), [":S 433 gina Root :Nickname is already in use"]);
}

#[test]
fn only_the_owner_names_operators_of_a_stored_channel_from_irc_too() {
    let mut h = irc_harness();
    let amy = h.user("amy");
    let bob = h.user("bob");
    h.line(amy, "JOIN #c");
    h.line(bob, "JOIN #c");
    h.line(amy, "OP #c bob");
    h.take(amy);
    let irc = irc_account(&mut h, "bob");
    h.line(irc, "MODE #c +o amy");
    assert_eq!(h.take(irc), [":S 482 bob #c :You're not the channel owner"]);
    h.line(irc, "MODE #c +i");
    assert_eq!(h.take(irc), [":S 482 bob #c :You're not the channel owner"]);
    h.line(irc, "MODE #c +t");
    assert!(h.take(irc).is_empty(), "+t is already set: nothing changes");
}

#[test]
fn oper_counts_as_a_login_and_never_says_which_names_are_admins() {
    let mut h = Harness::with(|c| {
        c.irc.server_name = "S".into();
        c.irc.guests = true;
        c.limits.login_failures = 2;
    });
    let g = guest(&mut h, "gina");
    h.line(g, "OPER nobody x");
    assert_eq!(h.take(g), [":S 464 gina :Password incorrect"]);
    h.line(g, "OPER root wrong");
    assert_eq!(h.take(g), [":S 464 gina :Password incorrect"]);
    h.line(g, "OPER root wrong");
    assert_eq!(
        h.take(g),
        [":S 464 gina :Too many failed attempts; try later"]
    );
}

#[test]
fn irc_free_text_reaches_native_sessions_without_control_characters() {
    let mut h = irc_harness();
    let amy = h.user("amy");
    h.line(amy, "JOIN #c");
    h.take(amy);
    let irc = irc_account(&mut h, "amy");
    h.line(irc, "TOPIC #c :\x02bold\x02 \x1b[2J\u{202e}x");
    assert_eq!(h.take(amy), ["TOPIC #c amy :bold [2Jx"]);
    h.line(irc, "MODE #c +k sesame");
    h.take(irc);
    let g = guest(&mut h, "gus");
    h.line(g, "MODE #c");
    assert_eq!(
        h.take(g)[0],
        ":S 324 gus #c +knt",
        "the key is for members only"
    );
    let root = h.admin();
    h.line(root, "BAN gus");
    let got = h.take(root);
    assert!(
        got[0].starts_with("FAIL BAN BAD_TARGET gus :an IRC guest"),
        "{got:?}"
    );
}

#[test]
fn keys_bans_and_invitations_decide_who_joins() {
    let mut h = irc_harness();
    let op = guest(&mut h, "opal");
    h.line(op, "JOIN #g");
    h.line(op, "MODE #g +k sesame");
    h.take(op);
    let g = guest(&mut h, "gus");
    h.line(g, "JOIN #g");
    assert_eq!(h.take(g), [":S 475 gus #g :Cannot join channel (+k)"]);
    h.line(g, "JOIN #g sesame");
    assert!(h.take(g)[0].ends_with("JOIN #g"));
    h.line(op, "MODE #g -k");
    h.line(op, "MODE #g +b ivy!*@*");
    h.take(op);
    let ivy = guest(&mut h, "ivy");
    h.line(ivy, "JOIN #g");
    assert_eq!(h.take(ivy), [":S 474 ivy #g :Cannot join channel (+b)"]);
    h.line(op, "MODE #g -b ivy!*@*");
    h.line(op, "MODE #g +i");
    h.take(op);
    h.line(ivy, "JOIN #g");
    assert_eq!(h.take(ivy), [":S 473 ivy #g :Cannot join channel (+i)"]);
    h.line(op, "INVITE ivy #g");
    assert_eq!(h.take(op), [":S 341 opal ivy #g"]);
    assert_eq!(h.take(ivy), [":opal!opal@127.0.0.1 INVITE ivy #g"]);
    h.line(ivy, "JOIN #g");
    assert!(h.take(ivy)[0].ends_with("JOIN #g"));
}

#[test]
fn kill_closes_its_target_and_whowas_remembers_it() {
    let mut h = irc_harness();
    let op = guest(&mut h, "opal");
    let v = guest(&mut h, "vic");
    h.line(v, "KILL opal :no");
    assert!(h.take(v)[0].starts_with(":S 481 vic "));
    h.core.irc_state_mut(op).unwrap().oper = true;
    h.line(op, "KILL vic :spam");
    assert_eq!(
        h.take(v),
        ["ERROR :Closing Link: 127.0.0.1 (Killed (opal (spam)))"]
    );
    assert!(h.closed.contains(&v));
    h.line(op, "WHOWAS vic");
    let got = h.take(op);
    assert_eq!(got[0], ":S 314 opal vic vic 127.0.0.1 * :vic");
    assert_eq!(got.last().unwrap(), ":S 369 opal vic :End of WHOWAS");
    h.line(op, "WHOWAS nobody");
    assert_eq!(
        h.take(op)[0],
        ":S 406 opal nobody :There was no such nickname"
    );
}
