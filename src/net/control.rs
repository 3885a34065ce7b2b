//! The loop's dealings with the rest of the process: messages from other threads (completions,
//! reloads, TLS configs, shutdown) and the state it reports to systemd.

use super::{EventLoop, FLUSH_AT, LoopMsg, NetLimits};
use crate::core::{Input, Settings};
use crate::jobs::Completion;
use std::time::Instant;

impl EventLoop {
    /// Tells systemd how things are; `state` is the notification's first line.
    pub(super) fn notify(&self, state: &str) {
        let clients = self.core.session_count();
        let status = match self.core.storage_failure() {
            None => format!("{state}\nSTATUS={clients} clients connected"),
            Some(why) => format!(
                "{state}\nSTATUS=STORAGE FAILING, writes refused: {why}; {clients} clients connected"
            ),
        };
        self.notifier.send(&status);
    }

    /// Sends `WATCHDOG=1` when due: a stuck loop stops sending it and systemd restarts chatd.
    pub(super) fn watchdog(&mut self) {
        let (Some(at), Some(every)) = (self.next_watchdog, self.notifier.watchdog_every()) else {
            return;
        };
        if at <= Instant::now() {
            self.notify("WATCHDOG=1");
            self.next_watchdog = Some(Instant::now() + every);
        }
    }

    pub(super) fn drain_inbox(&mut self) {
        while let Ok(msg) = self.inbox.try_recv() {
            match msg {
                LoopMsg::Done(done @ Completion::Storage { .. }) => {
                    self.input(Input::Done(done));
                    self.notify(if self.stopping.is_some() {
                        "STOPPING=1"
                    } else {
                        "READY=1"
                    });
                }
                LoopMsg::Done(done) => {
                    self.input(Input::Done(done));
                    if self.unflushed > FLUSH_AT {
                        self.writer.flush(); // the writer has the jobs before clients see OKs
                        self.flush_dirty();
                    }
                }
                LoopMsg::Reload(settings) => self.reload(*settings),
                LoopMsg::Tls(config) => {
                    self.tls = Some(config);
                    log::info!("TLS certificate reloaded: new connections get it");
                }
                LoopMsg::Shutdown => self.shutdown(),
            }
        }
    }

    /// New settings: the core's, and the byte limits for every connection.
    pub(super) fn reload(&mut self, settings: Settings) {
        self.limits = NetLimits::new(&settings.limits);
        for (_, c) in self.conns.iter_mut().filter(|(_, c)| !c.irc) {
            c.framer.set_max(self.limits.max_line);
        }
        self.hasher.set_cost(settings.bcrypt_cost);
        self.core.set_settings(settings);
        log::info!("configuration reloaded");
        self.notify("READY=1");
    }

    pub(super) fn shutdown(&mut self) {
        if self.stopping.is_none() {
            log::info!("shutting down");
            self.notify("STOPPING=1");
            self.stopping = Some(Instant::now());
            for l in &mut self.listeners {
                let _ = self.poll.registry().deregister(&mut l.socket);
            }
            self.input(Input::Shutdown);
            let slots: Vec<usize> = self.conns.iter().map(|(s, _)| s).collect();
            for slot in slots {
                self.close_conn(slot);
            }
        }
    }
}
