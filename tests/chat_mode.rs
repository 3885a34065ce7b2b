//! Chat mode for every command: one conversation over TCP walks each reply and event kind
//! through a person's session and checks the sentences, and that no protocol line (OK, FAIL,
//! HIST, an upper-case verb) ever reaches a person.

mod common;
use common::*;

/// A person in chat mode: every line they got is kept, to check none of it is protocol.
struct Person {
    c: TestClient,
    seen: Vec<String>,
}

impl Person {
    fn new(c: TestClient) -> Person {
        Person {
            c,
            seen: Vec::new(),
        }
    }

    /// The next line, with its times masked (`[hh:mm]`, `<when>`).
    fn next(&mut self) -> String {
        let line = self.c.recv();
        self.seen.push(line.clone());
        masked(&line)
    }

    /// Types `line` and asserts the next lines are exactly `expected` (times masked).
    fn says(&mut self, line: &str, expected: &[&str]) {
        self.c.send(line);
        let got: Vec<String> = expected.iter().map(|_| self.next()).collect();
        assert_eq!(got, expected, "after {line:?}");
    }

    /// Reads until a line equal to `expected` (times masked) arrives.
    fn hears(&mut self, expected: &str) {
        let mut skipped = Vec::new();
        loop {
            let line = self.next();
            if line == expected {
                return;
            }
            skipped.push(line);
            assert!(skipped.len() < 50, "never heard {expected:?}: {skipped:?}");
        }
    }
}

/// Replaces `[02:13]` by `[hh:mm]` and `2026-11-22 02:13 UTC` by `<when>`.
fn masked(line: &str) -> String {
    let shape = |s: &str, pat: &str| {
        s.len() >= pat.len()
            && s.bytes().zip(pat.bytes()).all(|(c, p)| match p {
                b'9' => c.is_ascii_digit(),
                p => c == p,
            })
    };
    let mut out = String::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if shape(rest, "9999-99-99 99:99 UTC") {
            out.push_str("<when>");
            rest = &rest[20..];
        } else if shape(rest, "[99:99]") {
            out.push_str("[hh:mm]");
            rest = &rest[7..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// A program's command, its events skipped: asserts the final reply.
fn program(c: &mut TestClient, line: &str, expected: &str) {
    c.send(line);
    let verb = line.split(' ').next().unwrap();
    assert_eq!(c.until_final(verb).last().unwrap(), expected);
}

/// True if the line looks like protocol: it starts with an upper-case word.
fn is_protocol(line: &str) -> bool {
    let word = line.split(' ').next().unwrap_or("");
    word.len() >= 2 && word.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
}

#[test]
fn every_reply_and_event_reads_as_a_sentence() {
    let s = TestServer::with(|c| c.server.default_channels = vec!["#lobby".into()]);
    s.add_user("root", "password-root");
    let mut root = Person::new(s.connect());
    root.says(
        "/login root password-root",
        &[
            "* welcome back, root",
            "* you are in #lobby; what you type now goes there",
        ],
    );
    let mut amy = Person::new(s.connect());
    amy.says(
        "/register amy password-amy password-amy",
        &[
            "* welcome, amy: your account is made",
            "* you are in #lobby; what you type now goes there",
        ],
    );
    root.hears("* amy is online");
    root.hears("* amy joined #lobby");
    let mut bob = s.user("bob"); // a program, in #lobby too
    amy.hears("* bob joined #lobby");

    amy.says("hello all", &["[hh:mm] #lobby <amy> hello all"]);
    root.hears("[hh:mm] #lobby <amy> hello all");
    assert!(bob.expect("MSG #lobby amy ").ends_with(" :hello all"));
    amy.says("/msg bob :)", &["[hh:mm] <amy -> bob> :)"]);
    assert!(
        bob.expect("PRIVMSG amy bob ").ends_with(" ::)"),
        "sent as typed"
    );
    bob.send("PRIVMSG amy hi amy");
    bob.expect("OK PRIVMSG");
    amy.hears("[hh:mm] <bob -> amy> hi amy");
    amy.says(
        "/history bob",
        &[
            "[hh:mm] <amy -> bob> :)",
            "[hh:mm] <bob -> amy> hi amy",
            "* 2 messages with bob",
        ],
    );
    amy.says(
        "/history",
        &["[hh:mm] #lobby <amy> hello all", "* 1 message in #lobby"],
    );
    let three = ["  amy (online)", "  bob (online)", "  root (online)"];
    amy.says("/names", &[&three[..], &["* 3 in #lobby"]].concat());
    amy.says("/who", &[&three[..], &["* 3 online"]].concat());
    amy.says("/users", &[&three[..], &["* 3 accounts"]].concat());
    amy.says("/list", &["  #lobby (3 members)", "* 1 channel"]);

    // a channel of her own: operators, privacy, requests, kicks
    amy.says(
        "/join #dev",
        &["* you are in #dev; what you type now goes there"],
    );
    bob.ok("JOIN #dev", "OK JOIN #dev");
    amy.hears("* bob joined #dev");
    amy.says("/op #dev bob", &["* bob is now an operator of #dev"]);
    amy.says(
        "/deop #dev bob",
        &["* bob is no longer an operator of #dev"],
    );
    amy.says(
        "/channel #dev private",
        &["* #dev is now private: others ask to join"],
    );
    let mut cat = Person::new(s.connect());
    cat.says(
        "/register cat password-cat password-cat",
        &[
            "* welcome, cat: your account is made",
            "* you are in #lobby; what you type now goes there",
        ],
    );
    cat.says(
        "/join #dev",
        &["* #dev is private: your request to join waits for its owner"],
    );
    amy.hears("* cat asks to join #dev (/accept #dev cat)");
    amy.says(
        "/requests #dev",
        &[
            "  cat asked to join #dev at <when>",
            "* 1 request to join #dev",
        ],
    );
    amy.says(
        "/reject #dev cat",
        &["* you turned down cat's request to join #dev"],
    );
    cat.hears("! your request to join #dev was turned down");
    cat.says(
        "/join #dev",
        &["* #dev is private: your request to join waits for its owner"],
    );
    amy.hears("* cat asks to join #dev (/accept #dev cat)");
    amy.says("/accept #dev cat", &["* cat is now a member of #dev"]);
    cat.hears("* you are now in #dev (/join #dev to talk there)");
    amy.says("/kick #dev cat go away", &["* you kicked cat out of #dev"]);
    cat.hears("* cat was kicked from #dev by amy (go away)");
    amy.says(
        "/channel #dev public",
        &["* #dev is now public: anyone may join"],
    );
    amy.says("/part #dev", &["* you left #dev"]);

    // presence and names
    program(&mut bob, "AWAY :lunch", "OK AWAY");
    amy.hears("* bob is away (lunch)");
    program(&mut bob, "BACK", "OK BACK");
    amy.hears("* bob is back");
    amy.says("/away", &["* you are away"]);
    root.hears("* amy is away");
    amy.says("/back", &["* you are back"]);
    root.hears("* amy is back");
    program(&mut bob, "RENAME bobby", "OK RENAME bob bobby");
    amy.hears("* bob is now known as bobby");
    amy.says("/name amelia", &["* amy is now amelia"]);
    root.hears("* amy is now known as amelia");

    // what admins do
    root.says(
        "/whois bobby",
        &[
            "* bobby is online, connected from 127.0.0.1 in plain text",
            "  last seen <when> from 127.0.0.1",
        ],
    );
    root.says("/ban cat 2h spam", &["* cat is banned for 2h: spam"]);
    cat.hears("* bye (banned: spam)");
    root.hears("* cat went offline (banned: spam)");
    root.says(
        "/bans",
        &["  cat was banned by root until <when>: spam", "* 1 ban"],
    );
    root.says("/unban cat", &["* cat is no longer banned"]);
    root.says(
        "/audit 4",
        &[
            "  [<when>] amy kicked cat (#dev: go away)",
            "  [<when>] amy made #dev public",
            "  [<when>] root banned cat until <when>: spam",
            "  [<when>] root lifted the ban on cat",
            "* 4 audit records",
        ],
    );
    root.says(
        "/channel #dev drop",
        &["* #dev is dropped, with its history"],
    );
    root.says(
        "/audit 1",
        &[
            "  [<when>] root dropped #dev and its history",
            "* 1 audit record",
        ],
    );
    root.says(
        "/kick bobby bye now",
        &["* bobby was thrown off the server"],
    );
    assert_eq!(
        bob.read_to_close().last().unwrap(),
        "BYE :kicked by root: bye now"
    );
    amy.hears("* bobby went offline (kicked by root: bye now)");

    // the rest: ping, failures, help, logout, quit
    amy.says("/ping", &["* pong"]);
    amy.says("/frob", &["! unknown command; try HELP"]);
    amy.says(
        "/help ping",
        &[
            "PING [token]",
            "Answers OK PING [token]. Handy to check the connection.",
            "Example: PING 42",
        ],
    );
    amy.says("/logout", &["* logged out"]);
    root.hears("* amelia went offline");
    amy.says("/login amelia nope-nope", &["! wrong name or password"]);
    amy.says("/quit bye all", &["* bye (bye all)"]);
    root.says("/ping", &["* pong"]);

    for p in [&root, &amy, &cat] {
        let raw: Vec<&String> = p.seen.iter().filter(|l| is_protocol(l)).collect();
        let help = ["PING [token]", "PING 42"]; // the manual's own text, shown as it is
        assert!(
            raw.iter().all(|l| help.contains(&l.as_str())),
            "protocol reached a person: {raw:?}"
        );
    }
}
