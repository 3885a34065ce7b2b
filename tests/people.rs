//! People on telnet or netcat: chat mode, presence, USERS and RENAME, over TCP; and one test
//! as a person would do it, in tmux running a plain TCP line client (bash's /dev/tcp, which
//! every machine with bash has, where nc may be missing).

mod common;
use common::*;

/// `[02:13] ...`: a line with a clock in front.
fn timed(line: &str, rest: &str) {
    let b = line.as_bytes();
    assert!(
        b.len() > 8 && b[0] == b'[' && b[3] == b':' && b[6] == b']',
        "{line}"
    );
    assert_eq!(&line[8..], rest);
}

#[test]
fn chat_mode_reads_like_a_chat() {
    let s = TestServer::start();
    let mut amy = s.connect();
    assert!(
        amy.hello.contains("/help"),
        "the motd tells a person how to start: {}",
        amy.hello
    );
    amy.send("/register amy password1 password1");
    assert_eq!(amy.recv(), "* welcome, amy: your account is made");
    assert_eq!(
        amy.recv(),
        "* /join #channel to choose where you talk (/list shows the channels)"
    );
    amy.send("hello?");
    assert_eq!(amy.recv(), "! join a channel first: /join #lobby");
    amy.send("/join #lobby");
    assert_eq!(
        amy.recv(),
        "* you are in #lobby; what you type now goes there"
    );
    let mut bob = s.user("bob");
    assert_eq!(amy.recv(), "* bob is online");
    bob.ok("JOIN #lobby", "OK JOIN #lobby");
    assert_eq!(amy.recv(), "* bob joined #lobby");
    amy.send("hello world");
    timed(&amy.recv(), "#lobby <amy> hello world");
    assert!(bob.expect("MSG #lobby amy ").ends_with(" :hello world"));
    bob.send("MSG #lobby hi amy");
    bob.expect("OK MSG");
    timed(&amy.recv(), "#lobby <bob> hi amy");
    for (cmd, text) in [
        ("/shrug ok then", "ok then ¯\\_(ツ)_/¯"),
        ("/tableflip", "(╯°□°)╯︵ ┻━┻"),
        ("/unflip fine", "fine ┬─┬ノ( º _ ºノ)"),
        ("/me waves", "* amy waves"),
    ] {
        amy.send(cmd);
        timed(&amy.recv(), &format!("#lobby <amy> {text}"));
        assert!(
            bob.expect("MSG #lobby amy ")
                .ends_with(&format!(" :{text}")),
            "{cmd}"
        );
    }
    amy.send("/msg bob psst");
    timed(&amy.recv(), "<amy -> bob> psst");
    assert!(bob.expect("PRIVMSG amy bob ").ends_with(" :psst"));
    amy.send("/names");
    assert_eq!(
        [amy.recv(), amy.recv(), amy.recv()],
        ["  amy (online)", "  bob (online)", "* 2 in #lobby"]
    );
    amy.send("/frob");
    assert_eq!(amy.recv(), "! unknown command; try HELP");
    amy.send("/history 1");
    timed(&amy.recv(), "#lobby <amy> * amy waves");
    assert_eq!(amy.recv(), "* 1 message in #lobby");
    amy.send("/help");
    assert_eq!(
        amy.recv(),
        "Chat mode: lines starting with / are commands; anything else goes to your current channel."
    );
    while !amy.recv().starts_with("  /help") {}
    amy.send("/quit see you");
    assert_eq!(amy.read_to_close(), vec!["* bye (see you)"]);
    assert_eq!(bob.recv(), "OFFLINE amy :Quit: see you");
}

#[test]
fn people_get_no_ping_programs_do() {
    let s = TestServer::with(|c| {
        c.limits.ping_interval_secs = 1;
        c.limits.ping_timeout_secs = 1;
    });
    let mut person = s.connect();
    person.send("/list");
    assert_eq!(person.recv(), "! log in first (LOGIN or REGISTER)");
    let mut program = s.connect();
    program.ok("PING", "OK PING");
    let closed = program.read_to_close(); // about two seconds of silence
    assert_eq!(closed.last().unwrap(), "BYE :ping timeout");
    person.send("/help quit");
    assert_eq!(person.recv(), "QUIT [:reason]", "no PING came before");
}

#[test]
fn away_and_back_by_command_and_by_themselves() {
    let s = TestServer::with(|c| c.limits.away_after_secs = 1);
    let mut obs = s.user("obs");
    let mut sub = s.user("sub");
    obs.expect("ONLINE sub");
    obs.ok("JOIN #a", "OK JOIN #a");
    sub.ok("JOIN #a", "OK JOIN #a");
    obs.expect("JOIN #a sub");
    obs.ok("AWAY :watching", "OK AWAY"); // explicit: obs stays away, quietly, from now on
    assert_eq!(sub.recv(), "AWAY obs :watching");
    sub.ok("AWAY :lunch", "OK AWAY");
    assert_eq!(obs.recv(), "AWAY sub :lunch");
    assert_eq!(
        obs.cmd("WHO"),
        vec!["USER obs away", "USER sub away", "OK WHO 2"]
    );
    assert_eq!(
        obs.cmd("NAMES #a"),
        vec!["NAME #a obs away", "NAME #a sub away", "OK NAMES #a 2"]
    );
    assert_eq!(sub.cmd("LIST"), vec!["CHANNEL #a 2", "OK LIST 1"]);
    obs.expect_quiet(); // a command does not end an explicit AWAY
    sub.ok("BACK", "OK BACK");
    assert_eq!(obs.recv(), "BACK sub");
    // now sub sends nothing: a second later they are away by themselves
    assert_eq!(obs.recv(), "AWAY sub");
    sub.ok("PING", "OK PING");
    obs.expect_quiet(); // PING does not count
    assert_eq!(sub.cmd("LIST").len(), 2);
    assert_eq!(obs.recv(), "BACK sub");
}

#[test]
fn users_is_the_directory_without_banned_accounts() {
    let s = TestServer::start();
    let mut root = s.admin();
    s.user("zed").ok("QUIT", "BYE :quit");
    let mut amy = s.user("amy");
    root.expect("ONLINE zed");
    root.expect("OFFLINE zed :quit");
    root.expect("ONLINE amy");
    assert_eq!(
        amy.cmd("USERS"),
        vec![
            "ACCOUNT amy online",
            "ACCOUNT root online",
            "ACCOUNT zed offline",
            "OK USERS 3"
        ]
    );
    root.ok("BAN zed", "OK BAN zed");
    assert_eq!(
        amy.cmd("USERS"),
        vec!["ACCOUNT amy online", "ACCOUNT root online", "OK USERS 2"]
    );
}

#[test]
fn rename_carries_history_memberships_and_messages() {
    let s = TestServer::start();
    let mut root = s.admin();
    let mut amy = s.user("amy");
    let mut bob = s.user("bob");
    root.expect("ONLINE amy");
    root.expect("ONLINE bob");
    amy.expect("ONLINE bob");
    amy.ok("JOIN #r", "OK JOIN #r");
    bob.ok("JOIN #r", "OK JOIN #r");
    amy.expect("JOIN #r bob");
    amy.send("MSG #r before the rename");
    amy.expect("OK MSG");
    bob.expect("MSG #r amy ");
    bob.send("PRIVMSG amy for amy");
    bob.expect("OK PRIVMSG");
    amy.expect("PRIVMSG bob amy ");
    amy.fails("RENAME bob", "NAME_TAKEN");
    amy.fails("RENAME 9lives", "BAD_NAME");
    amy.fails("RENAME root", "NOT_ALLOWED");
    root.fails("RENAME groot", "NOT_ALLOWED");
    amy.ok("RENAME Amelia", "OK RENAME amy Amelia");
    assert_eq!(bob.recv(), "RENAMED amy Amelia");
    root.expect_quiet(); // root shares no channel with her
    assert!(bob.cmd("HISTORY #r")[0].starts_with("HIST MSG #r Amelia "));
    assert!(bob.cmd("HISTORY amelia")[0].starts_with("HIST PRIVMSG bob Amelia "));
    amy.send("MSG #r after");
    amy.expect("OK MSG #r");
    assert!(bob.expect("MSG #r Amelia ").ends_with(":after"));
    // the old name is free again, and the new one logs in (also after a restart)
    s.user("amy");
    drop((root, amy, bob));
    let s = s.restart();
    let mut again = s.connect();
    again.ok("LOGIN amelia password-amy", "OK LOGIN Amelia");
    assert_eq!(again.cmd("NAMES #r").last().unwrap(), "OK NAMES #r 2");
}

#[test]
fn a_person_chats_in_tmux_over_plain_tcp() {
    if !Tmux::available("a_person_chats_in_tmux_over_plain_tcp") {
        return;
    }
    let s = TestServer::start();
    let mut pro = s.user("pro");
    pro.ok("JOIN #tmux", "OK JOIN #tmux");
    // what nc does: the terminal's lines to the socket, the socket's bytes to the terminal
    let port = s.addr.port();
    let client = format!("bash -c 'exec 3<>/dev/tcp/127.0.0.1/{port}; cat <&3 & cat >&3'");
    let t = Tmux::start("chatd-test", &client, 100, 30);
    t.shows("type /help to start");
    for keys in [
        "/register tia password1 password1",
        "/join #tmux",
        "hi from tmux",
    ] {
        t.keys(&[keys, "Enter"]);
    }
    pro.expect("ONLINE tia");
    pro.expect("JOIN #tmux tia");
    assert!(pro.expect("MSG #tmux tia ").ends_with(":hi from tmux"));
    pro.send("MSG #tmux welcome, tia");
    pro.expect("OK MSG");
    let screen = t.shows("#tmux <pro> welcome, tia");
    assert!(
        screen.contains("* you are in #tmux") && screen.contains("#tmux <tia> hi from tmux"),
        "{screen}"
    );
    t.keys(&["/quit", "Enter"]);
    assert_eq!(pro.recv(), "OFFLINE tia :quit");
}
