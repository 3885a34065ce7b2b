//! Unit tests of the core through an in-memory harness: no sockets, no threads, a fake clock.
//! Storage jobs run against an in-memory SQLite with the real queries; bcrypt jobs run inline
//! at cost 4, or are held to look at what happens while a client waits.

use super::*;
use crate::config::Config;
use crate::store::{apply, schema};
use rusqlite::Connection;
use std::collections::{HashMap, VecDeque};

struct Harness {
    core: Core,
    db: Connection,
    now: Now,
    sent: HashMap<ConnId, VecDeque<String>>,
    closed: Vec<ConnId>,
    held: Vec<AuthJob>,
    hold_auth: bool,
    next: u32,
}

impl Harness {
    fn new() -> Harness {
        Harness::with(|_| {})
    }

    fn with(tweak: impl FnOnce(&mut Config)) -> Harness {
        let mut config = Config::default();
        config.auth.bcrypt_cost = 4;
        config.auth.admins = vec!["root".into()];
        tweak(&mut config);
        let help = "overview\n== PING\nPING [token]\n";
        let mut db = Connection::open_in_memory().unwrap();
        schema::migrate(&mut db).unwrap();
        let snap = crate::store::snapshot::load(&db, 10).unwrap();
        let core = Core::new(Settings::new(&config, help), snap);
        let now = Now {
            wall_ms: 1_000_000,
            mono_ms: 0,
        };
        Harness {
            core,
            db,
            now,
            sent: HashMap::new(),
            closed: Vec::new(),
            held: Vec::new(),
            hold_auth: false,
            next: 0,
        }
    }

    fn input(&mut self, input: Input) {
        self.core.handle(self.now, input);
        self.run();
    }

    fn run(&mut self) {
        while let Some(out) = self.core.poll_output() {
            match out {
                Output::Send(c, line) => {
                    let q = self.sent.entry(c).or_default();
                    q.push_back(line.trim_end().to_owned());
                }
                // reply data as a client reads it: one output may hold several lines (a
                // HISTORY page)
                Output::Data(c, text) => {
                    let q = self.sent.entry(c).or_default();
                    q.extend(text.lines().map(|l| l.trim_end().to_owned()));
                }
                Output::Close(c) => self.closed.push(c),
                Output::Store(job) => {
                    if let Some(done) = apply::apply_now(&self.db, &job) {
                        self.core.handle(self.now, Input::Done(done));
                    }
                }
                Output::Auth(job) if self.hold_auth => self.held.push(*job),
                Output::Auth(job) => {
                    let done = crate::auth::perform(*job, &mut Default::default());
                    self.core.handle(self.now, Input::Done(done));
                }
                Output::Resume(_) => {}
            }
        }
    }

    fn connect(&mut self) -> ConnId {
        self.connect_as(false)
    }

    /// A connection on the IRC listener.
    fn connect_irc(&mut self) -> ConnId {
        self.connect_as(true)
    }

    fn connect_as(&mut self, irc: bool) -> ConnId {
        self.next += 1;
        let c = ConnId::new(self.next as usize, self.next);
        self.input(Input::Connected {
            conn: c,
            ip: "127.0.0.1".parse().unwrap(),
            tls: false,
            irc,
        });
        c
    }

    fn line(&mut self, c: ConnId, line: &str) {
        self.input(Input::Frame {
            conn: c,
            frame: Frame::Line(line.into()),
        });
    }

    fn take(&mut self, c: ConnId) -> Vec<String> {
        self.sent
            .get_mut(&c)
            .map(|q| q.drain(..).collect())
            .unwrap_or_default()
    }

    fn user(&mut self, name: &str) -> ConnId {
        let c = self.connect();
        self.line(c, &format!("REGISTER {name} password1 password1"));
        let got = self.take(c);
        assert_eq!(got.last().unwrap(), &format!("OK REGISTER {name}"));
        c
    }

    /// The admin `root` (made the operator's way, as REGISTER refuses admin names), logged in.
    fn admin(&mut self) -> ConnId {
        self.db
            .execute(
                "INSERT INTO accounts (name, hash, created_ms) VALUES ('root', ?1, 0)",
                [bcrypt::hash("password1", 4).unwrap()],
            )
            .unwrap();
        let root = self.connect();
        self.line(root, "LOGIN root password1");
        self.take(root);
        root
    }

    /// Sends `line` and asserts its whole answer is `expected`.
    fn ok(&mut self, c: ConnId, line: &str, expected: &str) {
        self.line(c, line);
        assert_eq!(self.take(c), [expected], "reply to {line:?}");
    }

    /// Sends `line` and asserts it fails with `code`; returns the FAIL line.
    fn fails(&mut self, c: ConnId, line: &str, code: &str) -> String {
        self.line(c, line);
        let got = self.take(c);
        let last = got.last().cloned().unwrap_or_default();
        let verb = line.split(' ').next().unwrap().to_ascii_uppercase();
        assert!(
            last.starts_with(&format!("FAIL {verb} {code} ")),
            "{line:?} should fail with {code}: {got:?}"
        );
        last
    }

    /// Asserts the next line sent to `c` starts with `prefix`; returns it.
    fn expect(&mut self, c: ConnId, prefix: &str) -> String {
        let line = self.sent.get_mut(&c).and_then(|q| q.pop_front());
        let line = line.unwrap_or_else(|| panic!("no line for {c}, expected {prefix:?}"));
        assert!(
            line.starts_with(prefix),
            "expected {prefix:?}, got {line:?}"
        );
        line
    }

    fn advance(&mut self, ms: u64) {
        self.now.mono_ms += ms;
        self.now.wall_ms += ms as i64;
        self.input(Input::Tick);
    }
}

#[test]
fn a_waiting_client_takes_no_input_until_its_job_completes() {
    let mut h = Harness::new();
    let c = h.connect();
    h.take(c);
    h.hold_auth = true;
    h.line(c, "REGISTER amy password1 password1");
    assert!(!h.core.ready(c), "input is held while the hash runs");
    assert!(h.take(c).is_empty());
    let other = h.connect();
    h.line(other, "PING x");
    let got = h.take(other);
    assert!(got[0].starts_with("HELLO chatd "), "{got:?}");
    assert_eq!(got[1..], ["OK PING x"]);
    let job = h.held.pop().unwrap();
    h.hold_auth = false;
    let done = crate::auth::perform(job, &mut Default::default());
    h.input(Input::Done(done));
    assert!(h.core.ready(c));
    assert_eq!(h.take(c), ["OK REGISTER amy"]);
}

#[test]
fn a_late_completion_for_a_closed_connection_is_dropped() {
    let mut h = Harness::new();
    h.user("amy");
    let c = h.connect();
    h.hold_auth = true;
    h.line(c, "LOGIN amy password1");
    h.input(Input::Closed {
        conn: c,
        reason: "gone".into(),
    });
    let job = h.held.pop().unwrap();
    let done = crate::auth::perform(job, &mut Default::default());
    h.input(Input::Done(done));
    assert!(h.take(c).iter().all(|l| !l.starts_with("OK LOGIN")));
    assert_eq!(h.core.session_count(), 1);
}

#[test]
fn timers_ping_then_close_and_activity_postpones_them() {
    let mut h = Harness::with(|c| {
        c.limits.ping_interval_secs = 10;
        c.limits.ping_timeout_secs = 5;
    });
    let c = h.user("amy");
    assert_eq!(h.core.next_deadline(), Some(10_000));
    h.advance(6_000);
    h.line(c, "PING");
    h.take(c);
    h.advance(6_000);
    assert!(
        h.take(c).is_empty(),
        "activity at 6 s moved the ping to 16 s"
    );
    h.advance(4_000);
    let ping = h.take(c);
    assert_eq!(ping.len(), 1);
    assert!(ping[0].starts_with("PING chatd-"));
    h.advance(5_000);
    assert_eq!(h.take(c), ["BYE :ping timeout"]);
    assert_eq!(h.closed, [c]);
}

#[test]
fn a_pong_keeps_the_session() {
    let mut h = Harness::with(|c| {
        c.limits.ping_interval_secs = 10;
        c.limits.ping_timeout_secs = 5;
    });
    let c = h.user("amy");
    h.advance(10_000);
    let ping = h.take(c).pop().unwrap();
    h.advance(4_000);
    h.line(c, &format!("PONG {}", &ping[5..]));
    h.advance(4_000);
    assert!(h.take(c).is_empty());
    assert!(h.closed.is_empty());
}

#[test]
fn a_ban_expires_with_the_clock() {
    let mut h = Harness::new();
    let m = h.user("mal");
    h.line(m, "QUIT");
    let root = h.admin();
    h.line(root, "BAN mal 90s :cool off");
    assert_eq!(h.take(root).last().unwrap(), "OK BAN mal");
    let c = h.connect();
    h.line(c, "LOGIN mal password1");
    assert!(h.take(c).last().unwrap().starts_with("FAIL LOGIN BANNED"));
    h.now.wall_ms += 91_000;
    h.line(c, "LOGIN mal password1");
    assert_eq!(h.take(c).last().unwrap(), "OK LOGIN mal");
}

#[test]
fn replies_go_only_to_the_session_that_asked() {
    let mut h = Harness::new();
    let a = h.user("amy");
    let b = h.user("ben");
    h.take(a);
    h.line(b, "WHO");
    assert_eq!(
        h.take(b),
        ["USER amy online", "USER ben online", "OK WHO 2"]
    );
    assert!(h.take(a).is_empty());
}

#[test]
fn a_full_core_evicts_the_oldest_not_logged_in_never_a_user() {
    let mut h = Harness::with(|c| {
        c.server.max_clients = 2;
        c.server.admin_slots = 0;
    });
    let a = h.connect();
    let b = h.connect();
    let c = h.connect();
    assert_eq!(h.take(a).last().unwrap(), "BYE :server full");
    assert!(h.take(c)[0].starts_with("HELLO "));
    h.line(b, "REGISTER amy password1 password1");
    h.line(c, "REGISTER ben password1 password1");
    let d = h.connect();
    assert!(h.take(d)[0].starts_with("FAIL CONNECT SERVER_FULL"));
    h.line(b, "QUIT");
    let e = h.connect();
    assert!(h.take(e)[0].starts_with("HELLO "));
    assert!(!h.closed.contains(&c));
}

mod props;

#[test]
fn while_storage_fails_writes_are_refused_and_reads_go_on() {
    let mut h = Harness::new();
    let amy = h.user("amy");
    h.ok(amy, "JOIN #a", "OK JOIN #a");
    let fresh = h.connect();
    h.take(fresh);
    let failing = Some("disk full".to_owned());
    h.input(Input::Done(Completion::Storage { failing }));
    assert_eq!(h.core.storage_failure(), Some("disk full"));
    for line in [
        "MSG #a hi",
        "PRIVMSG amy hi",
        "JOIN #b",
        "PART #a",
        "RENAME amelia",
        "CHANNEL #a PRIVATE",
    ] {
        let fail = h.fails(amy, line, "UNAVAILABLE");
        assert!(fail.ends_with(":storage is failing"), "{fail}");
    }
    h.fails(fresh, "REGISTER bob password1 password1", "UNAVAILABLE");
    h.line(amy, "HISTORY #a");
    assert_eq!(h.take(amy), ["OK HISTORY #a 0"]);
    h.ok(amy, "PING", "OK PING");
    h.input(Input::Done(Completion::Storage { failing: None }));
    h.line(amy, "MSG #a back");
    h.expect(amy, "OK MSG #a ");
}
mod irc;
mod rules;
mod slots;

#[test]
fn recent_history_comes_from_memory_and_older_pages_from_the_database() {
    let mut h = Harness::with(|c| c.limits.history_max = 20);
    let amy = h.user("amy");
    h.ok(amy, "JOIN #h", "OK JOIN #h");
    for i in 0..50 {
        h.line(amy, &format!("MSG #h m{i}"));
    }
    h.take(amy);
    let texts = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| l.rsplit_once(" :").map(|(_, t)| t.to_owned()))
            .collect()
    };
    // the ring holds the 20 latest: answered from memory (what the database says about them
    // does not matter)
    h.db.execute("DELETE FROM messages WHERE text = 'm49'", [])
        .unwrap();
    h.line(amy, "HISTORY #h 5");
    let got = h.take(amy);
    assert_eq!(texts(&got[..5]), ["m45", "m46", "m47", "m48", "m49"]);
    assert_eq!(got[5], "OK HISTORY #h 5");
    // a page that reaches past the ring comes from the database, the same way
    let id_of_m40: i64 =
        h.db.query_row("SELECT id FROM messages WHERE text = 'm40'", [], |r| {
            r.get(0)
        })
        .unwrap();
    h.line(amy, &format!("HISTORY #h 20 {id_of_m40}"));
    let got = h.take(amy);
    let want: Vec<String> = (20..40).map(|i| format!("m{i}")).collect();
    assert_eq!(texts(&got[..20]), want);
    // the lines the ring rendered carry names: a rename shows in the next answer
    h.line(amy, "RENAME amelia");
    h.take(amy);
    h.line(amy, "HISTORY #h 1");
    assert!(h.take(amy)[0].starts_with("HIST MSG #h amelia "));
}
