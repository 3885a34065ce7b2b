//! chatd-bench: a load generator and report for chatd, speaking the protocol over loopback.
//!
//! Each scenario is bounded in time and count, talks to one server on this machine, reads the
//! server's CPU and memory from /proc (so its figures do not depend on how fast the generator
//! is), and prints a table row and one JSON line. scripts/bench.sh starts a server and runs them.

mod client;
mod fanout;
mod handshake;
mod history;
mod idle;
mod login;
mod persist;
mod stats;

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "chatd-bench", about = "Load generator and report for chatd")]
struct Cli {
    /// The server to measure (loopback only).
    #[arg(long, default_value = "127.0.0.1:6667")]
    addr: SocketAddr,
    /// The server's pid, for its CPU and memory.
    #[arg(long)]
    pid: u32,
    /// The server's database (persistence scenario).
    #[arg(long)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Subcommand)]
enum Scenario {
    /// N members in one channel, S senders.
    Fanout {
        #[arg(long, default_value_t = 10)]
        members: usize,
        #[arg(long, default_value_t = 10)]
        senders: usize,
        #[arg(long, default_value_t = 16)]
        window: usize,
        /// Messages per second in all (fixed rate instead of the closed loop).
        #[arg(long)]
        rate: Option<f64>,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        #[arg(long, default_value_t = 1)]
        threads: usize,
        /// Bytes of padding in each message.
        #[arg(long, default_value_t = 0)]
        size: usize,
        /// The server's IRC listener (loopback only): `--irc-share` of the members use it.
        #[arg(long)]
        irc_addr: Option<SocketAddr>,
        /// The share of members on IRC, 0 to 1 (0.5: every other member).
        #[arg(long, default_value_t = 0.5)]
        irc_share: f64,
    },
    /// C connections doing REGISTER or LOGIN, K at once, while two clients chat.
    Login {
        #[arg(long, default_value = "register")]
        mode: String,
        #[arg(long, default_value_t = 200)]
        count: usize,
        #[arg(long, default_value_t = 50)]
        inflight: usize,
    },
    /// C TLS handshakes (connect, handshake, HELLO, close), K at once, while two plaintext
    /// clients chat at a fixed rate: the chat latency during the storm.
    Handshake {
        /// The server's TLS listener (loopback only).
        #[arg(long)]
        tls_addr: SocketAddr,
        #[arg(long, default_value_t = 200)]
        count: usize,
        #[arg(long, default_value_t = 8)]
        inflight: usize,
    },
    /// C logged-in idle connections: server memory per connection.
    Idle {
        #[arg(long, default_value_t = 1000)]
        count: usize,
    },
    /// HISTORY against a channel of M messages.
    History {
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        #[arg(long, default_value_t = 20_000)]
        requests: usize,
        #[arg(long, default_value_t = 4)]
        clients: usize,
        /// Requests in flight per client.
        #[arg(long, default_value_t = 4)]
        window: usize,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        /// Ask for the latest messages (no `before`) instead of pages from all over.
        #[arg(long)]
        latest: bool,
    },
    /// Sustained MSG load: committed messages/s and how far the writer lags.
    Persist {
        #[arg(long, default_value_t = 10)]
        senders: usize,
        #[arg(long, default_value_t = 16)]
        window: usize,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
    },
}

/// Where the server is.
pub struct Setup {
    pub addr: SocketAddr,
    pub pid: String,
    pub db: Option<PathBuf>,
}

/// One scenario's result: a table row and a JSON line.
pub struct Report {
    scenario: String,
    params: String,
    fields: Vec<(String, f64)>,
}

impl Report {
    pub fn new(scenario: &str, params: &str) -> Report {
        Report {
            scenario: scenario.into(),
            params: params.into(),
            fields: Vec::new(),
        }
    }

    pub fn num(&mut self, key: &str, value: f64) {
        self.fields.push((key.into(), value));
    }

    pub fn latency(&mut self, h: &stats::Histogram) {
        self.num("latency_p50_ms", h.quantile_ms(0.50));
        self.num("latency_p99_ms", h.quantile_ms(0.99));
        self.num("latency_p999_ms", h.quantile_ms(0.999));
        self.num("latency_max_ms", h.max_ms());
        self.num("samples", h.count() as f64);
    }

    fn print(&self) {
        let cells: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("{k}={}", short(*v)))
            .collect();
        println!(
            "| {} | {} | {} |",
            self.scenario,
            self.params,
            cells.join(" ")
        );
        let json: Vec<String> = self
            .fields
            .iter()
            .map(|(k, v)| format!("\"{k}\":{}", json_num(*v)))
            .collect();
        println!(
            "{{\"scenario\":\"{}\",\"params\":\"{}\",{}}}",
            self.scenario,
            self.params,
            json.join(",")
        );
    }
}

fn short(v: f64) -> String {
    if v >= 1000.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

fn json_num(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        "null".into()
    }
}

fn main() {
    let cli = Cli::parse();
    assert!(
        cli.addr.ip().is_loopback(),
        "chatd-bench only talks to loopback addresses"
    );
    let setup = Setup {
        addr: cli.addr,
        pid: cli.pid.to_string(),
        db: cli.db,
    };
    let result = match cli.scenario {
        Scenario::Fanout {
            members,
            senders,
            window,
            rate,
            seconds,
            threads,
            size,
            irc_addr,
            irc_share,
        } => {
            assert!(
                irc_addr.is_none_or(|a| a.ip().is_loopback()),
                "loopback only"
            );
            let p = fanout::Params {
                irc: irc_addr.map(|a| (a, irc_share.clamp(0.0, 1.0))),
                members,
                senders,
                window,
                rate,
                seconds,
                threads: threads.max(1),
                size,
            };
            fanout::run(&setup, &p)
        }
        Scenario::Login {
            mode,
            count,
            inflight,
        } => login::run(&setup, mode == "login", count, inflight),
        Scenario::Handshake {
            tls_addr,
            count,
            inflight,
        } => {
            assert!(tls_addr.ip().is_loopback(), "loopback addresses only");
            handshake::run(&setup, tls_addr, count, inflight)
        }
        Scenario::Idle { count } => idle::run(&setup, count),
        Scenario::History {
            messages,
            requests,
            clients,
            window,
            limit,
            latest,
        } => history::run(&setup, messages, requests, clients, window, limit, latest),
        Scenario::Persist {
            senders,
            window,
            seconds,
        } => persist::run(&setup, senders, window, seconds),
    };
    match result {
        Ok(report) => report.print(),
        Err(e) => {
            eprintln!("chatd-bench: {e}");
            std::process::exit(1);
        }
    }
}
