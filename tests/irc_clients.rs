//! Real IRC clients, irssi and WeeChat, driven in tmux as a person would, against the IRC
//! listener (../shared/IRC.md, "Beyond irctest"): SASL PLAIN login as an account, a channel
//! shared with a native user, messages both ways, a kick by the channel's owner, a quit.
//! A recording proxy sits between the client and the server: the tests check what the client
//! queried after joining and how the server answered, that no error numeric reached the client,
//! and a failing test prints the whole IRC transcript and the client's screen.

mod common;
use common::irc::irc_server;
use common::recorder::{Recorder, bare};
use common::*;
use std::process::Command;
use std::time::{Duration, Instant};

/// True if tmux and `program` are installed; else prints why the calling test skips (`.ci/run`
/// installs Debian's tmux, irssi and weechat-curses, so CI always runs these tests).
fn installed(test: &str, program: &str, package: &str) -> bool {
    if !Tmux::available(test) {
        return false;
    }
    let found = Command::new(program).arg("--version").output().is_ok();
    if !found {
        eprintln!("SKIPPED {test}: {program} is not installed (apt-get install {package})");
    }
    found
}

/// An IRC client in tmux, with the recorder it connects through.
struct Client {
    t: Tmux,
    rec: Recorder,
}

impl Client {
    fn screen(&self) -> String {
        self.t.run(&["capture-pane", "-p", "-t", &self.t.0])
    }

    /// Polls the screen until a line shows `text`; returns that line. Fails after the read
    /// timeout.
    fn shows(&self, text: &str) -> String {
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            if let Some(line) = self.screen().lines().find(|l| l.contains(text)) {
                return line.trim_end().to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {text:?}"
            );
            std::thread::sleep(Duration::from_millis(50)); // polling a screen
        }
    }

    /// Types a line and Enter.
    fn types(&self, line: &str) {
        self.t.keys(&[line, "Enter"]);
    }

    /// Polls the transcript until the server has sent a line starting with `reply` (tags and
    /// source aside) after the client sent `query`; fails after the read timeout.
    fn answered(&self, query: &str, reply: &str) {
        let deadline = Instant::now() + READ_TIMEOUT;
        loop {
            let lines = self.rec.lines();
            let asked = lines.iter().position(|l| l == &format!("C: {query}"));
            if let Some(at) = asked {
                let server = lines[at..].iter().filter_map(|l| l.strip_prefix("S: "));
                if server.map(bare).any(|l| l.starts_with(reply)) {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "{query:?} was {} answered {reply:?}",
                if asked.is_some() {
                    "sent, not"
                } else {
                    "never sent, nor"
                }
            );
            std::thread::sleep(Duration::from_millis(50)); // polling a log
        }
    }

    /// Polls until the program has exited (its tmux session ends with it); fails after the read
    /// timeout.
    fn exits(&self) {
        let deadline = Instant::now() + READ_TIMEOUT;
        let session = format!("={}", self.t.0); // `=`: this name exactly, not a prefix
        let running = || {
            Command::new("tmux")
                .args(["has-session", "-t", &session])
                .output()
                .is_ok_and(|out| out.status.success())
        };
        while running() {
            assert!(Instant::now() < deadline, "the client is still running");
            std::thread::sleep(Duration::from_millis(50)); // polling a process
        }
    }

    /// The error replies the client got: numerics 400-599 and FAIL, tags and source aside.
    fn errors(&self) -> Vec<String> {
        let lines = self.rec.lines();
        let server = lines.iter().filter_map(|l| l.strip_prefix("S: ")).map(bare);
        server
            .filter(|l| {
                let verb = l.split(' ').next().unwrap_or("");
                verb == "FAIL" || matches!(verb.parse::<u16>(), Ok(400..=599))
            })
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let lines = self.rec.lines().join("\n");
            eprintln!("IRC transcript (C: client, S: server):\n{lines}");
            // not self.screen(): a second panic here would abort; the client may have exited
            let screen = Command::new("tmux")
                .args(["capture-pane", "-p", "-t", &self.t.0])
                .output();
            match screen {
                Ok(out) if out.status.success() => eprintln!(
                    "the client's screen:\n{}",
                    String::from_utf8_lossy(&out.stdout).trim_end()
                ),
                _ => eprintln!("the client is no longer running"),
            }
        }
    }
}

/// What differs between the clients: how to start and set one up, what it queries after a
/// join, and how it shows things.
struct Spec {
    test: &'static str,
    program: &'static str,
    package: &'static str,
    /// The shell command, given the temporary home folder.
    command: fn(&str) -> String,
    /// Screen text once the program is ready for input.
    ready: &'static str,
    /// The lines typed to configure SASL as bob and connect, given the port.
    connect: fn(u16) -> Vec<String>,
    /// Queries the client sends after joining #c, with the server's final reply to each.
    queries: &'static [(&'static str, &'static str)],
    /// Screen text once the client has taken in the channel.
    synced: &'static str,
    /// How the client shows alice's message `hi bob, from native`, and the kick.
    alice_says: &'static str,
    kicked: &'static str,
    /// Error replies the client provokes on purpose.
    expected_errors: &'static [&'static str],
}

/// Bob, in `spec`'s client, logs in with SASL, joins alice's #c, they talk, alice kicks bob,
/// bob quits.
fn bob_chats_with_alice(spec: Spec) {
    if !installed(spec.test, spec.program, spec.package) {
        return;
    }
    let s = irc_server(false);
    s.add_user("bob", "password-bob");
    let mut alice = s.user("alice");
    alice.ok("JOIN #c", "OK JOIN #c"); // alice creates #c: she owns it
    let home = TempDir::new();
    let c = Client {
        rec: Recorder::to(s.irc_addr()),
        t: Tmux::start(
            &format!("chatd-{}", spec.program),
            &(spec.command)(&home.0.display().to_string()),
            150,
            45,
        ),
    };
    c.shows(spec.ready);

    for line in (spec.connect)(c.rec.addr.port()) {
        c.types(&line);
    }
    c.answered(
        "CAP END",
        "001 bob :Welcome to the chatd IRC network, bob!bob@127.0.0.1",
    );
    assert_eq!(alice.recv(), "ONLINE bob");
    c.shows("Welcome to the chatd IRC network");

    c.types("/join #c");
    assert_eq!(alice.recv(), "JOIN #c bob");
    c.answered("JOIN #c", "366 bob #c :End of /NAMES list.");
    for (query, reply) in spec.queries {
        c.answered(query, reply);
    }
    c.shows(spec.synced);

    let hello = format!("hello from {}", spec.program);
    c.types(&hello);
    let got = alice.recv();
    assert!(
        got.starts_with("MSG #c bob ") && got.ends_with(&format!(" :{hello}")),
        "{got}"
    );
    let sent = alice.cmd("MSG #c :hi bob, from native");
    assert!(
        sent.len() == 1 && sent[0].starts_with("OK MSG #c "),
        "{sent:?}"
    );
    c.shows(spec.alice_says);

    alice.ok("KICK #c bob :out", "OK KICK #c bob");
    c.shows(spec.kicked);

    c.types("/quit see you");
    assert_eq!(alice.recv(), "OFFLINE bob :Quit: see you");
    c.answered("QUIT :see you", "ERROR :Closing Link: ");
    c.exits(); // and its files are written before its home is removed
    assert_eq!(c.errors(), spec.expected_errors, "error replies");
}

#[test]
fn irssi_logs_in_with_sasl_and_chats_with_a_native_user() {
    bob_chats_with_alice(Spec {
        test: "irssi_logs_in_with_sasl_and_chats_with_a_native_user",
        program: "irssi",
        package: "irssi",
        command: |home| format!("env HOME={home} irssi --home={home}/irssi"),
        ready: "irssi.org",
        // -cmdspeed: irssi's pacing of queued commands (2200 ms by default) made shorter
        connect: |port| {
            vec![
                "/network add -nick bob -user bob -realname Bob -cmdspeed 100 \
                 -sasl_mechanism PLAIN -sasl_username bob -sasl_password password-bob chatd"
                    .into(),
                format!("/server add -network chatd 127.0.0.1 {port}"),
                "/connect chatd".into(),
            ]
        },
        queries: &[
            ("MODE #c", "324 bob #c +nt"),
            ("WHO #c", "315 bob #c :End of /WHO list."),
            ("MODE #c b", "368 bob #c :End of channel ban list"),
        ],
        synced: "Join to #c was synced",
        alice_says: "<@alice> hi bob, from native",
        kicked: "bob was kicked from #c by alice [out]",
        // irssi's probe for servers without CAP, sent right after `CAP LS 302`: 451 (not 461)
        // is what tells it the server is fine (irssi issue #1531)
        expected_errors: &["451 * JOIN :You have not registered"],
    });
}

#[test]
fn weechat_logs_in_with_sasl_and_chats_with_a_native_user() {
    bob_chats_with_alice(Spec {
        test: "weechat_logs_in_with_sasl_and_chats_with_a_native_user",
        program: "weechat",
        package: "weechat-curses",
        // -a: no autoconnect; -d: a configuration folder of its own
        command: |home| format!("env HOME={home} weechat -a -d {home}/weechat"),
        ready: "WeeChat ",
        connect: |port| {
            // WeeChat 4 connects with TLS by default, 3.x without (and has no -notls)
            let tls = if weechat_major() >= 4 { " -notls" } else { "" };
            vec![
                format!(
                    "/server add chatd 127.0.0.1/{port}{tls} -nicks=bob -username=bob \
                     -realname=Bob -sasl_mechanism=plain -sasl_username=bob \
                     -sasl_password=password-bob"
                ),
                "/connect chatd".into(),
            ]
        },
        queries: &[
            ("MODE #c", "324 bob #c +nt"),
            ("WHO #c", "315 bob #c :End of /WHO list."),
        ],
        synced: "Channel created on",
        alice_says: "@alice | hi bob, from native",
        kicked: "alice has kicked bob (out)",
        expected_errors: &[],
    });
}

/// WeeChat's major version, from `weechat --version` (e.g. `3.8`).
fn weechat_major() -> u32 {
    let out = Command::new("weechat").arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&out.stdout);
    version.trim().split('.').next().unwrap().parse().unwrap()
}
