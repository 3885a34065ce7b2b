//! Unit tests of chat mode's two translations.
use super::*;
use crate::proto::render::MessageView;
use crate::proto::{Data, Event, Verb};

const T: i64 = 1795313617123; // 2026-11-22T02:13:37.123Z

fn view<'a>(target: &'a str, text: &'a str) -> MessageView<'a> {
    MessageView {
        id: 7,
        time_ms: T,
        sender: "alice",
        target,
        text,
    }
}

#[test]
fn values_read_like_a_chat() {
    let msg = view("#lobby", "hello: there");
    assert_eq!(
        event(&Event::Message(msg)).unwrap(),
        "[02:13] #lobby <alice> hello: there"
    );
    assert_eq!(
        data(&Data::Hist(msg)).unwrap(),
        "[02:13] #lobby <alice> hello: there"
    );
    let join = Event::Join {
        channel: "#lobby",
        name: "bob",
    };
    assert_eq!(event(&join).unwrap(), "* bob joined #lobby");
    assert_eq!(fail("that name is taken"), "! that name is taken");
    let offline = Event::Offline {
        name: "bob",
        reason: Some("gone"),
    };
    assert_eq!(event(&offline).unwrap(), "* bob went offline (gone)");
    assert_eq!(reply(Verb::Msg, &["#lobby", "7", "t"], None), None);
    assert_eq!(event(&Event::Ping { token: "chatd-1" }), None);
    assert_eq!(bye("quit"), "* bye (quit)");
}

#[test]
fn person_lines_become_protocol_lines() {
    let here = Some("#lobby");
    assert_eq!(
        from_person("hi all", here, "amy").unwrap(),
        "MSG #lobby :hi all"
    );
    assert_eq!(from_person(":)", here, "amy").unwrap(), "MSG #lobby ::)");
    assert_eq!(
        from_person("/msg bob :)", here, "amy").unwrap(),
        "PRIVMSG bob ::)"
    );
    assert!(from_person("hi", None, "amy").is_err());
    assert_eq!(
        from_person("/msg bob yo", here, "amy").unwrap(),
        "PRIVMSG bob :yo"
    );
    assert_eq!(
        from_person("/msg #x yo", here, "amy").unwrap(),
        "MSG #x :yo"
    );
    assert_eq!(
        from_person("/me waves", here, "amy").unwrap(),
        "MSG #lobby :* amy waves"
    );
    assert_eq!(
        from_person("/shrug", here, "amy").unwrap(),
        "MSG #lobby :¯\\_(ツ)_/¯"
    );
    assert_eq!(from_person("/name zed", here, "amy").unwrap(), "RENAME zed");
    assert_eq!(from_person("/JOIN #a", here, "amy").unwrap(), "JOIN #a");
}

#[test]
fn free_text_arrives_as_typed() {
    let here = Some("#lobby");
    let p = |line| from_person(line, here, "amy").unwrap();
    assert_eq!(p("/pm bob  :D  hi"), "PRIVMSG bob ::D  hi");
    assert_eq!(p("/away :lunch"), "AWAY ::lunch");
    assert_eq!(p("/away"), "AWAY");
    assert_eq!(p("/quit"), "QUIT");
    assert_eq!(p("/part"), "PART #lobby");
    assert_eq!(p("/part see you"), "PART #lobby :see you");
    assert_eq!(p("/part #dev bye"), "PART #dev :bye");
    assert_eq!(p("/kick #dev bob :rude"), "KICK #dev bob ::rude");
    assert_eq!(p("/kick bob go"), "KICK bob :go");
    assert_eq!(p("/ban bob 2h spam"), "BAN bob 2h :spam");
    assert_eq!(p("/ban bob spam again"), "BAN bob :spam again");
    assert_eq!(p("/ban 10.0.0.0/8"), "BAN 10.0.0.0/8");
    assert_eq!(p("/history"), "HISTORY #lobby");
    assert_eq!(p("/history 5"), "HISTORY #lobby 5");
    assert_eq!(p("/history bob"), "HISTORY bob");
    assert_eq!(p("/history #dev 5 40"), "HISTORY #dev 5 40");
    assert_eq!(p("/whois bob"), "WHOIS bob");
    assert_eq!(p("/bans"), "BANS");
    assert_eq!(p("/topic"), "TOPIC #lobby");
    assert_eq!(p("/topic #dev"), "TOPIC #dev");
    assert_eq!(p("/topic release :) soon"), "TOPIC #lobby :release :) soon");
    assert_eq!(p("/topic #dev on Friday"), "TOPIC #dev :on Friday");
    assert!(from_person("/history", None, "amy").is_err());
    assert_eq!(
        from_person("/history bob", None, "amy").unwrap(),
        "HISTORY bob"
    );
}

#[test]
fn replies_read_as_sentences() {
    let r =
        |verb: Verb, details: &[&str], asked: Option<&str>| reply(verb, details, asked).unwrap();
    assert_eq!(
        r(Verb::Ban, &["bob"], Some("BAN bob 2h :spam")),
        "* bob is banned for 2h: spam"
    );
    assert_eq!(
        r(Verb::Ban, &["bob"], Some("BAN bob")),
        "* bob is banned for ever: banned"
    );
    assert_eq!(
        r(Verb::Op, &["#dev", "alice"], None),
        "* alice is now an operator of #dev"
    );
    assert_eq!(
        r(Verb::History, &["bob", "1"], None),
        "* 1 message with bob"
    );
    assert_eq!(r(Verb::List, &["0"], None), "* no channels");
    assert_eq!(
        r(Verb::History, &["#dev", "3"], None),
        "* 3 messages in #dev"
    );
    assert_eq!(
        r(Verb::Channel, &["#a", "DROP"], None),
        "* #a is dropped, with its history"
    );
    assert_eq!(
        r(Verb::Kick, &["bob"], None),
        "* bob was thrown off the server"
    );
}

#[test]
fn data_lines_read_as_sentences() {
    let whois = Data::Whois {
        name: "bob",
        status: "online",
        ips: "127.0.0.1,::1",
        last_seen_ms: Some(T),
        last_ip: Some("127.0.0.1"),
        transports: "tls,plain",
    };
    assert_eq!(
        data(&whois).unwrap(),
        "* bob is online, connected from 127.0.0.1, ::1 over TLS and in plain text\n  last seen 2026-11-22 02:13 UTC from 127.0.0.1"
    );
    let never = Data::Whois {
        name: "zed",
        status: "offline",
        ips: "-",
        last_seen_ms: None,
        last_ip: None,
        transports: "-",
    };
    assert_eq!(data(&never).unwrap(), "* zed is offline\n  never seen");
    let audit = Data::Audit {
        time_ms: T,
        actor: "root",
        action: "BAN",
        target: "bob",
        detail: "until never: spam",
    };
    assert_eq!(
        data(&audit).unwrap(),
        "  [2026-11-22 02:13 UTC] root banned bob for ever: spam"
    );
    let banned = Data::Banned {
        target: "bob",
        by: "root",
        expires_ms: Some(T),
        reason: "spam",
    };
    assert_eq!(
        data(&banned).unwrap(),
        "  bob was banned by root until 2026-11-22 02:13 UTC: spam"
    );
    let channel = Data::Channel {
        name: "#a",
        members: 1,
    };
    assert_eq!(data(&channel).unwrap(), "  #a (1 member)");
}

#[test]
fn every_event_reads_as_a_sentence_and_as_one_protocol_line() {
    use crate::proto::{Event, render};
    let m = render::MessageView {
        id: 7,
        time_ms: 0,
        sender: "amy",
        target: "#c",
        text: "hi",
    };
    let events = [
        (Event::Message(m), "MSG", Some("[00:00] #c <amy> hi")),
        (
            Event::Message(render::MessageView { target: "bob", ..m }),
            "PRIVMSG",
            Some("[00:00] <amy -> bob> hi"),
        ),
        (
            Event::Join {
                channel: "#c",
                name: "amy",
            },
            "JOIN",
            Some("* amy joined #c"),
        ),
        (
            Event::Part {
                channel: "#c",
                name: "amy",
                reason: Some("bye"),
            },
            "PART",
            Some("* amy left #c (bye)"),
        ),
        (
            Event::Kick {
                channel: "#c",
                name: "bob",
                by: "amy",
                reason: None,
            },
            "KICK",
            Some("* bob was kicked from #c by amy"),
        ),
        (
            Event::Online { name: "amy" },
            "ONLINE",
            Some("* amy is online"),
        ),
        (
            Event::Offline {
                name: "amy",
                reason: Some("Quit: zzz"),
            },
            "OFFLINE",
            Some("* amy went offline (Quit: zzz)"),
        ),
        (
            Event::Away {
                name: "amy",
                text: None,
            },
            "AWAY",
            Some("* amy is away"),
        ),
        (Event::Back { name: "amy" }, "BACK", Some("* amy is back")),
        (
            Event::Renamed {
                old: "amy",
                new: "amelia",
            },
            "RENAMED",
            Some("* amy is now known as amelia"),
        ),
        (
            Event::Request {
                channel: "#c",
                name: "bob",
            },
            "REQUEST",
            Some("* bob asks to join #c (/accept #c bob)"),
        ),
        (
            Event::Decided {
                accepted: false,
                channel: "#c",
            },
            "REJECTED",
            Some("! your request to join #c was turned down"),
        ),
        (
            Event::Topic {
                channel: "#c",
                by: "amy",
                text: "hi",
            },
            "TOPIC",
            Some("* amy set the topic of #c: hi"),
        ),
        (Event::Ping { token: "t" }, "PING", None),
    ];
    for (event, verb, person) in events {
        let line = render::event(&event);
        assert!(line.starts_with(&format!("{verb} ")), "{line}");
        assert!(
            line.ends_with('\n') && line.matches('\n').count() == 1,
            "{line:?}"
        );
        assert_eq!(super::event(&event).as_deref(), person, "{event:?}");
    }
}

#[test]
fn every_reply_reads_as_a_sentence_or_is_left_out() {
    use Verb::*;
    let all = [
        Register, Login, Logout, Join, Part, Msg, Privmsg, History, Kick, Op, Deop, Whois, Channel,
        Requests, Accept, Reject, Audit, Away, Back, Users, Rename, Ban, Unban, Bans, Names, Who,
        List, Help, Ping, Topic,
    ];
    // the person saw the message, the text, the card, the topic line
    let left_out = [Msg, Privmsg, Help, Whois, Topic];
    for verb in all {
        let details = ["#c", "bob"];
        match reply(verb, &details, None) {
            None => assert!(left_out.contains(&verb), "{verb:?} has no sentence"),
            Some(s) => {
                assert!(s.starts_with("* "), "{verb:?}: {s}");
                assert!(
                    !s.contains(verb.as_str()),
                    "{verb:?} reads as protocol: {s}"
                );
            }
        }
    }
}
