//! Fuzzes framing, parsing and the core together: arbitrary bytes from two clients go through
//! the framer into a core backed by an in-memory database. The first is a native client, the
//! second speaks IRC (guests allowed), so both dialects and what crosses between them are
//! reached. Password work is answered at once (every password is right), so the fuzzer reaches
//! the logged-in commands quickly.
#![no_main]

use chatd::config::Config;
use chatd::core::{Core, Input, Output, Settings};
use chatd::jobs::{AuthJob, Completion, ConnId};
use chatd::proto::Framer;
use chatd::store::{apply, schema};
use chatd::time::Now;
use libfuzzer_sys::fuzz_target;

fn run(core: &mut Core, db: &rusqlite::Connection, now: Now) {
    while let Some(out) = core.poll_output() {
        let done = match out {
            Output::Store(job) => apply::apply_now(db, &job),
            Output::Auth(AuthJob::Hash { conn, name, .. }) => {
                Some(Completion::Hashed { conn, name, hash: Some("$2b$04$fuzz".into()) })
            }
            Output::Auth(AuthJob::Verify { conn, account, .. }) => Some(Completion::Verified { conn, account }),
            _ => None,
        };
        if let Some(done) = done {
            core.handle(now, Input::Done(done));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut config = Config::default();
    config.auth.admins = vec!["root".into()];
    config.limits.max_line_bytes = 64;
    config.irc.guests = true;
    let mut db = rusqlite::Connection::open_in_memory().unwrap();
    schema::migrate(&mut db).unwrap();
    let snapshot = chatd::store::snapshot::load(&db, 10).unwrap();
    let mut core = Core::new(Settings::new(&config, "help\n== PING\nPING\n"), snapshot);
    let mut now = Now { wall_ms: 1_000_000, mono_ms: 0 };
    let conns = [ConnId::new(1, 1), ConnId::new(2, 2)];
    let mut framers = [Framer::new(64), Framer::new(64)];
    for (i, c) in conns.into_iter().enumerate() {
        let ip = "127.0.0.1".parse().unwrap();
        core.handle(now, Input::Connected { conn: c, ip, tls: false, irc: i == 1 });
    }
    run(&mut core, &db, now);
    for chunk in data.chunks(7) {
        let who = usize::from(chunk[0] & 1);
        now.mono_ms += u64::from(chunk[0] >> 4) * 100;
        now.wall_ms += i64::from(chunk[0] >> 4) * 100;
        framers[who].push(&chunk[1..]);
        while let Some(frame) = framers[who].next_frame() {
            core.handle(now, Input::Frame { conn: conns[who], frame });
            run(&mut core, &db, now);
        }
        core.handle(now, Input::Tick);
        run(&mut core, &db, now);
    }
});
