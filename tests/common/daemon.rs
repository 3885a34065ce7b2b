//! chatd as a child process, for tests of the binary and of its resource use.

use super::READ_TIMEOUT;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};

const BIN: &str = env!("CARGO_BIN_EXE_chatd");

/// chatd running as a child process; its log lines arrive on a channel.
pub struct Daemon {
    pub child: Child,
    log: Receiver<String>,
    pub addr: SocketAddr,
}

impl Daemon {
    /// Starts `chatd --config PATH`, with at most `nofile` file descriptors if given.
    pub fn start(config: &Path, nofile: Option<u64>) -> Daemon {
        Daemon::start_with(config, nofile, &[])
    }

    /// The same, with environment variables set.
    pub fn start_with(config: &Path, nofile: Option<u64>, env: &[(&str, &str)]) -> Daemon {
        let mut cmd = Command::new(BIN);
        cmd.arg("--config").arg(config).stderr(Stdio::piped());
        cmd.envs(env.iter().copied());
        if let Some(n) = nofile {
            let limit = libc::rlimit {
                rlim_cur: n,
                rlim_max: n,
            };
            // SAFETY: setrlimit is async-signal-safe and touches only the child being started.
            unsafe {
                cmd.pre_exec(move || {
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let (tx, log) = channel();
        std::thread::spawn(move || {
            for line in stderr.lines() {
                let _ = tx.send(line.unwrap_or_default());
            }
        });
        let mut d = Daemon {
            child,
            log,
            addr: "0.0.0.0:0".parse().unwrap(),
        };
        let line = d.wait_log("listening on ");
        d.addr = line
            .split("listening on ")
            .nth(1)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        d
    }

    /// Waits for a log line containing `text`; fails the test if none comes in time.
    pub fn wait_log(&mut self, text: &str) -> String {
        loop {
            match self.log.recv_timeout(READ_TIMEOUT) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(e) => panic!("no log line with {text:?}: {e}"),
            }
        }
    }

    pub fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on the pid of a child this test started and has not reaped yet.
        assert_eq!(
            unsafe { libc::kill(self.child.id() as libc::pid_t, sig) },
            0
        );
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Daemon {
    fn proc_file(&self, name: &str) -> String {
        std::fs::read_to_string(format!("/proc/{}/{name}", self.child.id())).unwrap()
    }

    /// Resident memory in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = self.proc_file("status");
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// Open file descriptors.
    pub fn fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .unwrap()
            .count()
    }

    /// CPU time used so far, in clock ticks (user + system).
    pub fn cpu_ticks(&self) -> u64 {
        let stat = self.proc_file("stat");
        let after = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = after.split(' ').collect();
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
    }
}

/// A config file's text for the binary: port 0, a database in `dir`, cost 4, admin root, and
/// `max_clients_per_ip` raised as in `test_config` unless `server` sets it.
/// `server` adds keys to `[server]`; `rest` adds whole tables (e.g. `[limits]`).
pub fn base_config(dir: &Path, server: &str, rest: &str) -> String {
    let help = concat!(env!("CARGO_MANIFEST_DIR"), "/config/help.txt");
    let per_ip = format!("max_clients_per_ip = {}\n", super::TEST_CLIENTS_PER_IP);
    let server = if server.contains("max_clients_per_ip") {
        server.to_owned()
    } else {
        format!("{per_ip}{server}")
    };
    let db = dir.join("data/chatd.sqlite3");
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\nhelp_file = {help:?}\n{server}\n[storage]\npath = {db:?}\n[auth]\nbcrypt_cost = 4\nadmins = [\"root\"]\n{rest}\n"
    )
}
