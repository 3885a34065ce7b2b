//! The protocol core: a sans-IO state machine that owns all chat state.
//!
//! Order of calls: `Core::new(settings, snapshot)`, then for every event `handle(now, input)`,
//! then `poll_output` until `None` and act on each output (send a line, close a connection,
//! hand a job to the writer or a bcrypt worker). Before feeding a connection's next line, ask
//! `ready(conn)`: a connection waiting on a job takes no input until the core yields
//! `Output::Resume` for it, which keeps every client's replies in the order of its commands.
//! `next_deadline` tells when to call `handle(now, Input::Tick)` for timeouts.
//!
//! Command handlers return `Handled` (`fail`): a refusal is a `Fail` value, and `command`
//! renders it once with the verb; lookups shared by handlers return `Result` for `?`. Events
//! are `proto::Event` values, rendered at most once per dialect present (`rendered`) and
//! shared by their recipients (`fan_out`, `fan_out_channel`); data lines (`proto::Data`),
//! final replies and failures are rendered in the session's dialect (`data_line`, `ok`,
//! `fail_with`): `proto::render` for programs, `proto::human` for people in chat mode.
//!
//! No sockets, threads, clocks or disk here; `now` is passed in. The command families live in
//! submodules: `dispatch` (command -> handler), `session` (connect, lines in, close), `slots`
//! (who gets a connection slot), `account` (REGISTER, LOGOUT, QUIT), `login` (LOGIN and who
//! may log in), `rename` (RENAME), `chan` (JOIN, PART, NAMES, WHO, LIST), `messages` (MSG,
//! PRIVMSG, HISTORY), `presence` (AWAY, BACK, USERS), `moderation` (KICK, OP, DEOP, WHOIS,
//! AUDIT), `chanadmin` (CHANNEL PRIVATE|PUBLIC|DROP, REQUESTS, ACCEPT, REJECT), `topic`
//! (TOPIC), `ban` (BAN, UNBAN, BANS), `quota` (channels per account, registrations per
//! address), `guard` (flood and login limits), `timers`, `help`, `lobby` (the default channels
//! a new account lands in), `deliver` (events to their recipients, once per dialect), `irc`
//! (the IRC dialect's commands and forms over the same world).

mod account;
pub(crate) mod addr;
mod ban;
mod chan;
mod chanadmin;
mod deliver;
mod dispatch;
mod fail;
mod guard;
pub mod help;
mod idmap;
mod irc;
mod lobby;
mod login;
mod messages;
mod moderation;
mod presence;
mod quota;
mod rename;
mod session;
mod settings;
mod slots;
pub mod snapshot;
mod state;
mod timers;
mod topic;

pub use fail::{Fail, Handled};
pub use help::Help;
pub use settings::Settings;
pub use snapshot::Snapshot;
pub use state::Topic;

use crate::jobs::{AuthJob, Completion, ConnId, StoreJob};
use crate::proto::{Code, Data, Frame, Verb, human, render, render::Line};
use crate::time::Now;
use ban::Bans;
use idmap::IdMap;
use state::{Session, World};
use std::collections::VecDeque;
use std::net::IpAddr;
use timers::Timers;

/// Ids skipped after an unclean stop: more than the writer ever holds in flight, so an id that
/// was acknowledged but lost in a crash is never given to another message.
pub const UNCLEAN_ID_GAP: u64 = 1_000_000;

/// Outputs the queue keeps room for once a burst is over.
const OUTPUTS_KEPT: usize = 1024;

/// The owner of a channel nobody owns (a default channel): no account has this id.
pub const NO_OWNER: i64 = 0;

/// An event for the core.
#[derive(Debug)]
pub enum Input {
    /// A connection was accepted from `ip`; `tls` when it came in on a TLS listener, `irc`
    /// when on an IRC one.
    Connected {
        conn: ConnId,
        ip: IpAddr,
        tls: bool,
        irc: bool,
    },
    /// A line (or framing error) from a connection.
    Frame { conn: ConnId, frame: Frame },
    /// The peer sent EOF and every line it sent is handled: BYE, then close.
    Eof { conn: ConnId },
    /// The client has more unhandled input than `limits.recvq_bytes`: BYE, then close.
    Flood { conn: ConnId },
    /// The connection is gone (error, send queue overflow): nothing more can be sent.
    Closed { conn: ConnId, reason: String },
    /// A job finished.
    Done(Completion),
    /// Time passed: check timeouts.
    Tick,
    /// Stop: say BYE to everyone.
    Shutdown,
}

/// What the core asks the outside to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Output {
    /// A line: an event, or a command's final reply.
    Send(ConnId, Line),
    /// A data line (a HISTORY page: its lines) of a reply the client asked for (LIST, USERS,
    /// NAMES, HISTORY, ...): not counted against the send queue, so a big reply reaches a
    /// reader that reads; the loop takes no further command from the connection until its
    /// output drains.
    Data(ConnId, Line),
    /// Close after what was sent so far is flushed.
    Close(ConnId),
    /// The jobs are boxed: outputs are mostly lines and each moves through the queue, so the
    /// enum stays the size of a line.
    Store(Box<StoreJob>),
    Auth(Box<AuthJob>),
    /// The connection may take input again.
    Resume(ConnId),
}

/// A sentence for a person, as a line.
fn person_line(text: String) -> Line {
    Line::from(format!("{text}\n"))
}

/// An event rendered once per dialect present, shared by its recipients.
struct Rendered {
    proto: Line,
    /// `None` when no one is in chat mode, or people need not see it.
    people: Option<Line>,
    /// `None` when no one speaks IRC.
    irc: Option<irc::IrcRendered>,
}

/// The state machine. See the module doc for the order of calls.
pub struct Core {
    settings: Settings,
    /// Boxed: a hash table keeps up to twice the slots it holds, so only pointers are spare.
    sessions: IdMap<ConnId, Box<Session>>,
    /// The sessions in chat mode (few: people), so protocol deliveries skip the check.
    chat: idmap::IdSet<ConnId>,
    /// The IRC sessions, likewise.
    irc_conns: idmap::IdSet<ConnId>,
    /// Guests, and channels only guests were ever in, live in memory under negative ids.
    next_guest: i64,
    next_transient_channel: i64,
    /// The most sessions at once since the start (LUSERS).
    peak_sessions: usize,
    /// IRC users who left, newest first (WHOWAS): nick, user, host, realname.
    whowas: VecDeque<(String, String, String, String)>,
    world: World,
    bans: Bans,
    guard: guard::LoginGuard,
    registrations: quota::Registrations,
    slots: slots::Slots,
    timers: Timers,
    next_message_id: u64,
    next_channel_id: i64,
    /// Why storage fails, while it does: commands that write are refused.
    storage_failure: Option<String>,
    out: VecDeque<Output>,
    now: Now,
}

impl Core {
    /// A core starting from what the store loaded.
    pub fn new(settings: Settings, snapshot: Snapshot) -> Core {
        let world = World::from_snapshot(&snapshot, settings.limits.history_max);
        Core {
            bans: Bans::new(snapshot.bans.clone(), snapshot.max_ban_id),
            settings,
            sessions: IdMap::default(),
            chat: Default::default(),
            irc_conns: Default::default(),
            next_guest: -1,
            next_transient_channel: -1,
            peak_sessions: 0,
            whowas: VecDeque::new(),
            world,
            guard: guard::LoginGuard::default(),
            registrations: Default::default(),
            slots: slots::Slots::default(),
            timers: Timers::default(),
            next_message_id: snapshot.max_message_id
                + 1
                + if snapshot.unclean { UNCLEAN_ID_GAP } else { 0 },
            next_channel_id: snapshot.max_channel_id + 1,
            storage_failure: None,
            out: VecDeque::new(),
            now: Now {
                wall_ms: 0,
                mono_ms: 0,
            },
        }
    }

    /// Handles one input; its effects are then read with `poll_output`.
    pub fn handle(&mut self, now: Now, input: Input) {
        self.now = now;
        match input {
            Input::Connected { conn, ip, tls, irc } => self.connected(conn, ip, tls, irc),
            Input::Frame { conn, frame } => self.frame(conn, frame),
            Input::Eof { conn } => self.close(conn, "connection closed", true),
            Input::Flood { conn } => self.close(conn, "flooding", true),
            Input::Closed { conn, reason } => self.drop_session(conn, &reason, true),
            Input::Done(done) => {
                let (conn, start) = (done.conn(), self.out.len());
                self.completion(done);
                if let Some(conn) = conn.filter(|c| self.is_irc(*c)) {
                    self.label_after_job(conn, start);
                }
            }
            Input::Tick => self.tick(),
            Input::Shutdown => self.shutdown(),
        }
    }

    /// The next thing to do, in order. When the queue runs empty after a burst (an event to
    /// thousands of sessions), its memory goes back.
    pub fn poll_output(&mut self) -> Option<Output> {
        let next = self.out.pop_front();
        if next.is_none() && self.out.capacity() > OUTPUTS_KEPT {
            self.out.shrink_to(OUTPUTS_KEPT);
        }
        next
    }

    /// True if the connection may take its next line now.
    pub fn ready(&self, conn: ConnId) -> bool {
        self.sessions
            .get(&conn)
            .is_some_and(|s| s.pending.is_none() && s.throttled_until.is_none())
    }

    /// The monotonic time (ms) by which `Input::Tick` should be handled, if any.
    pub fn next_deadline(&self) -> Option<u64> {
        self.timers.next()
    }

    /// Why storage fails, while it does.
    pub fn storage_failure(&self) -> Option<&str> {
        self.storage_failure.as_deref()
    }

    /// Number of open sessions.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Replaces the settings (config reload); sessions and state stay.
    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
    }

    fn completion(&mut self, done: Completion) {
        match done {
            Completion::Hashed { conn, name, hash } => self.hashed(conn, name, hash),
            Completion::AccountCreated { conn, result } => self.account_created(conn, result),
            Completion::AccountFound { conn, account } => self.account_found(conn, account),
            Completion::Verified { conn, account } => self.verified(conn, account),
            Completion::History { conn, rows } => self.history_done(conn, rows),
            Completion::Audit { conn, rows } => self.audit_done(conn, rows),
            Completion::Renamed { conn, result } => self.renamed(conn, result),
            Completion::Storage { failing } => self.storage_failure = failing,
        }
    }

    // ---- helpers shared by the command families ----

    fn account_of(&self, conn: ConnId) -> Option<i64> {
        self.sessions.get(&conn).and_then(|s| s.account)
    }

    fn is_admin(&self, account: i64) -> bool {
        let name = self.world.name_of(account);
        self.settings.admins.contains(&crate::proto::key(name))
    }

    /// Queues a line already in the session's dialect.
    fn send(&mut self, conn: ConnId, line: Line) {
        self.out.push_back(Output::Send(conn, line));
    }

    /// True for a session in chat mode (a person), which gets the people dialect.
    fn is_person(&self, conn: ConnId) -> bool {
        !self.chat.is_empty() && self.chat.contains(&conn)
    }

    /// A data line in the session's dialect (`None`: a person need not see it).
    fn data_line(&self, conn: ConnId, data: &Data) -> Option<Line> {
        if self.is_irc(conn) {
            self.irc_data(conn, data)
        } else if self.is_person(conn) {
            human::data(data).map(person_line)
        } else {
            Some(render::data(data))
        }
    }

    /// The final reply `OK <verb> [detail ...]`, in the session's dialect.
    fn ok(&mut self, conn: ConnId, verb: Verb, details: &[&str]) {
        let details: Vec<&str> = details.iter().copied().filter(|d| !d.is_empty()).collect();
        if self.is_irc(conn) {
            return self.irc_ok(conn, verb, &details);
        }
        if !self.is_person(conn) {
            return self.send(conn, render::ok(verb.as_str(), &details));
        }
        let asked = self.sessions.get(&conn).and_then(|s| s.asked.as_deref());
        if let Some(text) = human::reply(verb, &details, asked) {
            self.send(conn, person_line(text));
        }
    }

    fn fail(&mut self, conn: ConnId, verb: &str, code: Code, text: &str) {
        self.fail_with(conn, verb, code, &[], text);
    }

    fn fail_on(&mut self, conn: ConnId, verb: &str, code: Code, context: &str, text: &str) {
        self.fail_with(conn, verb, code, &[context], text);
    }

    /// The final reply `FAIL <verb> <code> [context] :<text>`, in the session's dialect.
    fn fail_with(&mut self, conn: ConnId, verb: &str, code: Code, context: &[&str], text: &str) {
        if self.is_irc(conn) {
            return self.irc_fail(conn, verb, code, context, text);
        }
        let line = if self.is_person(conn) {
            person_line(human::fail(text))
        } else {
            render::fail(verb, code, context, text)
        };
        self.send(conn, line);
    }

    /// `BYE :<reason>`, in the session's dialect.
    fn send_bye(&mut self, conn: ConnId, reason: &str) {
        if self.is_irc(conn) {
            return self.irc_error(conn, reason);
        }
        let line = if self.is_person(conn) {
            person_line(human::bye(reason))
        } else {
            render::bye(reason)
        };
        self.send(conn, line);
    }

    /// A reply with data lines (see `Output::Data`), then `OK <verb> [detail ...]`.
    fn reply(&mut self, conn: ConnId, lines: Vec<Line>, verb: Verb, details: &[&str]) {
        for line in lines {
            self.out.push_back(Output::Data(conn, line));
        }
        self.ok(conn, verb, details);
    }

    /// Hands a job to the writer; one about guests or their channels (negative ids), which
    /// live in memory only, is dropped.
    fn store(&mut self, job: StoreJob) {
        if !job.in_memory_only() {
            self.out.push_back(Output::Store(Box::new(job)));
        }
    }

    /// True for an IRC session.
    fn is_irc(&self, conn: ConnId) -> bool {
        !self.irc_conns.is_empty() && self.irc_conns.contains(&conn)
    }
}

#[cfg(test)]
mod tests;
