//! Start-up and wiring: opens the database, builds the core, starts the writer, the bcrypt
//! workers and the loop thread, and hands back a `ServerHandle`.
//!
//! `ServerHandle::shutdown` is the clean stop (the binary calls it on SIGTERM and SIGINT):
//! BYE to everyone, the writer commits what it holds, every thread is joined.

use crate::auth::Hasher;
use crate::config::Config;
use crate::core::{Core, Settings};
use crate::jobs::Notify;
use crate::net::{Dialect, EventLoop, Listener, LoopMsg, NetLimits, Parts, WAKER};
use crate::notify::Notifier;
use crate::store::Store;
use mio::net::TcpListener;
use mio::{Poll, Waker};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

/// A running server.
pub struct ServerHandle {
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    irc_addr: Option<SocketAddr>,
    irc_tls_addr: Option<SocketAddr>,
    control: Control,
    thread: Option<JoinHandle<Result<(), String>>>,
}

/// Tells a running server to stop or reload, from any thread.
#[derive(Clone)]
pub struct Control {
    tx: Sender<LoopMsg>,
    waker: Arc<Waker>,
}

impl Control {
    /// Asks for a clean stop: BYE to everyone, every accepted message committed.
    pub fn shutdown(&self) {
        self.send(LoopMsg::Shutdown);
    }

    /// Applies new settings without dropping anyone.
    pub fn reload(&self, settings: Settings) {
        self.send(LoopMsg::Reload(Box::new(settings)));
    }

    /// Gives new TLS connections this config; live ones keep theirs.
    pub fn set_tls(&self, config: Arc<rustls::ServerConfig>) {
        self.send(LoopMsg::Tls(config));
    }

    /// Re-reads the certificate and key when there is a TLS listener (on the calling thread,
    /// never the loop's). On an error the loop keeps the config it has.
    pub fn reload_tls(&self, config: &Config) -> Result<(), String> {
        if config.server.tls_listen.is_some() {
            self.set_tls(crate::tls::load(&config.tls)?);
        }
        Ok(())
    }

    fn send(&self, msg: LoopMsg) {
        let _ = self.tx.send(msg);
        let _ = self.waker.wake();
    }
}

/// The manual built into the binary: HELP shows it unless `server.help_file` names another.
pub const BUILTIN_HELP: &str = include_str!("../config/help.txt");

/// The settings of a config, with the help file it names read (or the built-in manual).
pub fn settings(config: &Config) -> Result<Settings, String> {
    let path = &config.server.help_file;
    if path.as_os_str().is_empty() {
        return Ok(Settings::new(config, BUILTIN_HELP));
    }
    let help = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the help file: {e}", path.display()))?;
    Ok(Settings::new(config, &help))
}

/// Starts a server; returns once it listens.
pub fn start(config: &Config) -> Result<ServerHandle, String> {
    let settings = settings(config)?;
    let addr = config.listen_addr()?;
    let store = Store::open(&config.storage.path, &config.storage.synchronous)?;
    let now = crate::time::Now::read(std::time::Instant::now()).wall_ms;
    store.ensure_channels(&config.server.default_channels, now)?;
    let snapshot = store.snapshot(config.limits.history_max)?;
    let poll = Poll::new().map_err(|e| format!("cannot create the poller: {e}"))?;
    let waker = Arc::new(
        Waker::new(poll.registry(), WAKER).map_err(|e| format!("cannot create the waker: {e}"))?,
    );
    let tls_addr = config.tls_listen_addr()?;
    let tls = match tls_addr.or(config.irc_addrs()?.1) {
        Some(_) => Some(crate::tls::load(&config.tls)?),
        None => None,
    };
    let mut listeners = vec![listen(addr, Dialect::Native, false)?];
    listeners.extend(
        tls_addr
            .map(|a| listen(a, Dialect::Native, true))
            .transpose()?,
    );
    let (irc_plain, irc_tls) = config.irc_addrs()?;
    listeners.extend(
        irc_plain
            .map(|a| listen(a, Dialect::Irc, false))
            .transpose()?,
    );
    listeners.extend(irc_tls.map(|a| listen(a, Dialect::Irc, true)).transpose()?);
    let kinds: Vec<(Dialect, bool)> = listeners.iter().map(|l| (l.dialect, l.tls)).collect();
    let addrs: Vec<SocketAddr> = listeners
        .iter()
        .map(|l| l.socket.local_addr())
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let (tx, inbox) = channel();
    let notify: Notify = {
        let (tx, waker) = (tx.clone(), waker.clone());
        Arc::new(move |done| {
            let _ = tx.send(LoopMsg::Done(done));
            let _ = waker.wake();
        })
    };
    let stop_timeout = std::time::Duration::from_secs(config.storage.stop_timeout_secs);
    let writer = store.spawn(notify.clone(), stop_timeout);
    let max_lag = config.storage.max_lag_messages;
    let coalesce = std::time::Duration::from_micros(config.server.coalesce_us);
    let hasher = Hasher::spawn(config.auth.hash_threads, config.auth.bcrypt_cost, notify);
    let l = &config.limits;
    let limits = NetLimits {
        max_line: l.max_line_bytes,
        sendq: l.sendq_bytes,
        recvq: l.recvq_bytes,
    };
    let thread = std::thread::Builder::new()
        .name("chatd-loop".into())
        .spawn(move || {
            let core = Core::new(settings, snapshot);
            let notifier = Notifier::from_env();
            let parts = Parts {
                coalesce,
                max_lag,
                notifier,
                poll,
                listeners,
                tls,
                core,
                writer,
                hasher,
                inbox,
                limits,
            };
            EventLoop::new(parts).run()
        })
        .map_err(|e| format!("cannot start the loop thread: {e}"))?;
    for (a, (dialect, tls)) in addrs.iter().zip(&kinds) {
        let what = match (dialect, tls) {
            (Dialect::Native, false) => "listening on",
            (Dialect::Native, true) => "listening for TLS on",
            (Dialect::Irc, false) => "listening for IRC on",
            (Dialect::Irc, true) => "listening for IRC over TLS on",
        };
        log::info!("{what} {a}");
    }
    let find = |d: Dialect, t: bool| kinds.iter().position(|&k| k == (d, t)).map(|i| addrs[i]);
    Ok(ServerHandle {
        addr: addrs[0],
        tls_addr: find(Dialect::Native, true),
        irc_addr: find(Dialect::Irc, false),
        irc_tls_addr: find(Dialect::Irc, true),
        control: Control { tx, waker },
        thread: Some(thread),
    })
}

impl ServerHandle {
    /// The address the server listens on (with the real port when the config said 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The TLS listener's address, if there is one.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }

    /// The IRC listener's address, if there is one.
    pub fn irc_addr(&self) -> Option<SocketAddr> {
        self.irc_addr
    }

    /// The IRC-over-TLS listener's address, if there is one.
    pub fn irc_tls_addr(&self) -> Option<SocketAddr> {
        self.irc_tls_addr
    }

    /// A handle to stop or reload the server from another thread.
    pub fn control(&self) -> Control {
        self.control.clone()
    }

    /// Stops cleanly and waits: BYE to everyone, every accepted message committed.
    pub fn shutdown(mut self) -> Result<(), String> {
        self.control.shutdown();
        self.join()
    }

    /// Waits for the loop to end.
    pub fn join(&mut self) -> Result<(), String> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(Ok(()))) | None => Ok(()),
            Some(Ok(Err(e))) => Err(e),
            Some(Err(_)) => Err("event loop panicked".into()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if self.thread.is_some() {
            self.control.shutdown();
            let _ = self.join();
        }
    }
}

/// Binds a listener.
fn listen(addr: SocketAddr, dialect: Dialect, tls: bool) -> Result<Listener, String> {
    let socket = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    Ok(Listener {
        socket,
        dialect,
        tls,
    })
}
