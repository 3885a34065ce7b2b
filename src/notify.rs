//! systemd notifications (`sd_notify`), sent by hand as datagrams to `$NOTIFY_SOCKET`.
//!
//! `Notifier::from_env` reads `NOTIFY_SOCKET` and `WATCHDOG_USEC`; without them every call is
//! a no-op, so the same binary runs under systemd and from a shell. The loop sends `READY=1`
//! once it listens, `WATCHDOG=1` with a `STATUS=` line at half the watchdog interval, `READY=1`
//! after a reload and `STOPPING=1` when it shuts down; the signal thread sends `RELOADING=1`.

use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// Where notifications go, if anywhere.
#[derive(Debug)]
pub struct Notifier {
    target: Option<(UnixDatagram, SocketAddr)>,
    watchdog: Option<Duration>,
}

impl Notifier {
    /// From the environment systemd sets; a no-op notifier outside systemd.
    pub fn from_env() -> Notifier {
        let target = std::env::var("NOTIFY_SOCKET").ok().and_then(|path| {
            let addr = match path.strip_prefix('@') {
                Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
                None => SocketAddr::from_pathname(&path),
            };
            Some((UnixDatagram::unbound().ok()?, addr.ok()?))
        });
        let ours =
            std::env::var("WATCHDOG_PID").map_or(true, |p| p == std::process::id().to_string());
        let usec = std::env::var("WATCHDOG_USEC")
            .ok()
            .and_then(|u| u.parse::<u64>().ok());
        let watchdog = usec
            .filter(|u| ours && *u > 0)
            .map(|u| Duration::from_micros(u / 2));
        Notifier { target, watchdog }
    }

    /// Sends one notification (`KEY=value` lines); failures are logged, never fatal.
    pub fn send(&self, state: &str) {
        if let Some((socket, addr)) = &self.target
            && let Err(e) = socket.send_to_addr(state.as_bytes(), addr)
        {
            log::warn!("sd_notify: {e}");
        }
    }

    /// How often to send `WATCHDOG=1`: half of `WATCHDOG_USEC`, if it is set.
    pub fn watchdog_every(&self) -> Option<Duration> {
        self.watchdog
    }
}
