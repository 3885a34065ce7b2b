//! The event loop: the only code that touches sockets.
//!
//! One thread runs `EventLoop::run`: a mio `Poll` over the listeners, the Waker and a slab of
//! connections. Each listener says whether its connections speak TLS (`tls::Transport`); TLS
//! configs arrive ready-made from other threads and are swapped in for new connections. Each
//! turn it accepts until WouldBlock, reads from ready connections (lines go to the core one at
//! a time, and only while the core says the connection is `ready`; at most
//! `HANDSHAKES_PER_TURN` TLS handshake reads), drains the completion channel, fires due timers,
//! applies the core's outputs, and then writes each connection that has output once. WRITABLE
//! interest is registered only while output is queued. An error on one connection ends that
//! connection, never the loop. A plain read that comes back short of the buffer ends the
//! connection's reads for the turn (the socket is empty; epoll reports the next bytes), and
//! `pace` spaces out busy turns so that their writes carry more lines.

mod accept;
mod conn;
mod conn_io;
mod control;
mod pace;
mod tls;

use crate::auth::Hasher;
use crate::core::{Core, Input, Output, Settings};
use crate::jobs::{Completion, ConnId};
use crate::notify::Notifier;
use crate::store::Writer;
use crate::time::Now;
pub use accept::{Dialect, Listener};
use conn::Conn;
use mio::{Events, Interest, Poll, Token};
use rustls::ServerConfig;
use slab::Slab;
use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// The first listener's token, the next ones count down; connections use their slab key.
const FIRST_LISTENER: usize = usize::MAX - 3;
/// The Waker's token.
pub const WAKER: Token = Token(usize::MAX - 2);
/// Reads per connection per turn, so one fast sender cannot starve the others.
const READS_PER_TURN: usize = 8;
/// TLS handshake reads per turn (one may cost a key exchange and a signature, ~0.2 ms): the
/// rest wait for the next turn, so a storm of handshakes cannot hold up everyone's lines for
/// long (chatd-bench's handshake storm: 2 keeps chat latency near its quiet level and the
/// handshake rate where 8 or no cap had it).
const HANDSHAKES_PER_TURN: usize = 2;
/// Output queued in one turn past which the loop writes it out before it goes on: a burst of
/// completions (a storm of logins, each telling every user ONLINE) then never holds more
/// than this in the connections' buffers, so it leaves no memory behind.
const FLUSH_AT: usize = 16 * 1024;
/// How long a closing connection may take to drain its last lines.
const LINGER: Duration = Duration::from_secs(2);

/// Messages for the loop from other threads, each followed by a wake-up.
pub enum LoopMsg {
    Done(Completion),
    Shutdown,
    Reload(Box<Settings>),
    /// A new TLS config for new connections (live ones keep theirs).
    Tls(Arc<ServerConfig>),
}

/// The byte limits the loop enforces per connection.
#[derive(Debug, Clone, Copy)]
pub struct NetLimits {
    /// Longest line, line end included.
    pub max_line: usize,
    /// Output queued for a client that does not read.
    pub sendq: usize,
    /// Input waiting to be handled (held back or pipelined behind a slow command).
    pub recvq: usize,
}

/// What the loop is built from.
pub struct Parts {
    pub poll: Poll,
    /// `server.coalesce_us` (see `pace`).
    pub coalesce: Duration,
    /// `storage.max_lag_messages`: past it, input waits until the writer catches up.
    pub max_lag: u64,
    pub listeners: Vec<Listener>,
    /// Needed when a listener has `tls`.
    pub tls: Option<Arc<ServerConfig>>,
    pub core: Core,
    pub writer: Writer,
    pub hasher: Hasher,
    pub inbox: Receiver<LoopMsg>,
    pub limits: NetLimits,
    pub notifier: Notifier,
}

impl NetLimits {
    pub fn new(l: &crate::config::Limits) -> NetLimits {
        NetLimits {
            max_line: l.max_line_bytes,
            sendq: l.sendq_bytes,
            recvq: l.recvq_bytes,
        }
    }
}

/// The loop and everything it owns.
pub struct EventLoop {
    poll: Poll,
    listeners: Vec<Listener>,
    tls: Option<Arc<ServerConfig>>,
    core: Core,
    writer: Writer,
    hasher: Hasher,
    inbox: Receiver<LoopMsg>,
    limits: NetLimits,
    notifier: Notifier,
    next_watchdog: Option<Instant>,
    conns: Slab<Conn>,
    generation: u32,
    origin: Instant,
    now: Now,
    dirty: Vec<usize>,
    again: Vec<usize>,
    lingering: VecDeque<(Instant, ConnId)>,
    scratch: Vec<u8>,
    /// Handshake reads left this turn.
    handshakes_left: usize,
    /// Bytes queued for clients since the last `flush_dirty`.
    unflushed: usize,
    stopping: Option<Instant>,
    max_lag: u64,
    /// Connections not read while the writer lags; pumped again when it catches up.
    paused: Vec<usize>,
    /// A spare descriptor, given up to refuse a connection when the process runs out.
    reserve_fd: Option<std::fs::File>,
    pace: pace::Pace,
}

impl EventLoop {
    /// Sets up the loop; `run` starts it.
    pub fn new(parts: Parts) -> EventLoop {
        let origin = Instant::now();
        EventLoop {
            poll: parts.poll,
            listeners: parts.listeners,
            tls: parts.tls,
            core: parts.core,
            writer: parts.writer,
            hasher: parts.hasher,
            inbox: parts.inbox,
            limits: parts.limits,
            next_watchdog: parts.notifier.watchdog_every().map(|_| origin),
            notifier: parts.notifier,
            conns: Slab::new(),
            generation: 0,
            origin,
            now: Now::read(origin),
            dirty: Vec::new(),
            again: Vec::new(),
            lingering: VecDeque::new(),
            scratch: vec![0; 16 * 1024],
            handshakes_left: HANDSHAKES_PER_TURN,
            unflushed: 0,
            stopping: None,
            max_lag: parts.max_lag,
            paused: Vec::new(),
            reserve_fd: std::fs::File::open("/dev/null").ok(),
            pace: pace::Pace::new(parts.coalesce, origin),
        }
    }

    /// Runs until a shutdown has been handled and every connection is closed. `Err` if the
    /// poller failed or acknowledged writes could not be stored.
    pub fn run(mut self) -> Result<(), String> {
        for (i, l) in self.listeners.iter_mut().enumerate() {
            let token = Token(FIRST_LISTENER - i);
            self.poll
                .registry()
                .register(&mut l.socket, token, Interest::READABLE)
                .map_err(|e| format!("cannot poll the listener: {e}"))?;
        }
        let mut events = Events::with_capacity(1024);
        self.notify("READY=1");
        loop {
            self.writer.flush();
            if let Some(wait) = self.pace.delay(Instant::now()) {
                std::thread::sleep(wait); // lines arriving meanwhile share the next writes
            }
            let timeout = self.timeout();
            if let Err(e) = self.poll.poll(&mut events, timeout)
                && e.kind() != io::ErrorKind::Interrupted
            {
                return Err(format!("poll: {e}"));
            }
            self.pace.begin(Instant::now());
            self.now = Now::read(self.origin);
            if !self.paused.is_empty() && !self.lagging() {
                self.again.append(&mut self.paused);
            }
            self.drain_inbox(); // completions first: a storage failure is known before input
            self.handshakes_left = HANDSHAKES_PER_TURN;
            for slot in std::mem::take(&mut self.again) {
                self.pump(slot);
            }
            for ev in events.iter() {
                match ev.token() {
                    WAKER => {}
                    Token(t) if self.listener_index(t).is_some() => {
                        self.accept_all(FIRST_LISTENER - t)
                    }
                    Token(slot) if ev.is_writable() && !ev.is_readable() => self.dirty.push(slot),
                    Token(slot) => {
                        let hup = ev.is_read_closed() || ev.is_error() || ev.is_priority();
                        self.readable(slot, hup)
                    }
                }
            }
            self.drain_inbox();
            if self
                .core
                .next_deadline()
                .is_some_and(|d| d <= self.now.mono_ms)
            {
                self.input(Input::Tick);
            }
            self.writer.flush(); // the writer has the jobs before clients see their OKs
            self.flush_dirty();
            self.pace.end();
            self.expire_lingering();
            self.watchdog();
            if self
                .stopping
                .is_some_and(|at| self.conns.is_empty() || at.elapsed() > LINGER)
            {
                break;
            }
        }
        let stored = self.writer.finish();
        self.hasher.finish();
        stored
    }

    /// True while the writer trails the acknowledged messages by more than `max_lag` and
    /// storage works (while it fails, writes are refused anyway and reads must go on).
    fn lagging(&self) -> bool {
        self.writer.lag() >= self.max_lag && self.core.storage_failure().is_none()
    }

    fn timeout(&self) -> Option<Duration> {
        if !self.again.is_empty() {
            return Some(Duration::ZERO);
        }
        if !self.paused.is_empty() {
            return Some(Duration::from_millis(1)); // the writer does not wake the loop
        }
        let now = Now::read(self.origin).mono_ms;
        let core = self
            .core
            .next_deadline()
            .map(|d| Duration::from_millis(d.saturating_sub(now)));
        let linger = self
            .lingering
            .front()
            .map(|(at, _)| at.saturating_duration_since(Instant::now()));
        let stop = self.stopping.map(|_| Duration::from_millis(50));
        let watchdog = self
            .next_watchdog
            .map(|at| at.saturating_duration_since(Instant::now()));
        [core, linger, stop, watchdog].into_iter().flatten().min()
    }

    /// Hands an input to the core and carries out what it asks.
    fn input(&mut self, input: Input) {
        self.core.handle(self.now, input);
        while let Some(out) = self.core.poll_output() {
            match out {
                Output::Send(id, line) => self.queue(id, line.as_bytes()),
                Output::Data(id, line) => self.queue_data(id, line.as_bytes()),
                Output::Close(id) => {
                    if let Some(slot) = self.slot(id) {
                        self.close_conn(slot);
                    }
                }
                Output::Store(job) => self.writer.send(*job),
                Output::Auth(job) => self.hasher.send(*job),
                Output::Resume(id) => self.again.extend(self.slot(id)),
            }
        }
    }

    /// The listener a token stands for.
    fn listener_index(&self, token: usize) -> Option<usize> {
        FIRST_LISTENER
            .checked_sub(token)
            .filter(|&i| i < self.listeners.len())
    }

    fn slot(&self, id: ConnId) -> Option<usize> {
        self.conns
            .get(id.slot())
            .filter(|c| c.id == id)
            .map(|_| id.slot())
    }
}
