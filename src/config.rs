//! Configuration: the TOML file's structure, its defaults and its validation.
//!
//! Every key has a default (so an empty file is a working config) and unknown keys are errors,
//! so a typo is never silently ignored. `Config::load` reads and checks a file;
//! `Config::from_toml` does the same for text. config/chatd.toml documents every key.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub auth: AuthConfig,
    pub limits: Limits,
    pub tls: TlsConfig,
    pub irc: IrcConfig,
}

/// `[irc]`: the IRC dialect's listeners and what IRC clients are told (../shared/IRC.md).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct IrcConfig {
    /// IRC in plain text; absent: no IRC listener.
    pub listen: Option<String>,
    /// IRC over TLS (needs [tls] cert and key); absent: none.
    pub tls_listen: Option<String>,
    /// The server name in numerics and sources.
    pub server_name: String,
    /// NICK/USER without an account may chat, as on classic IRC.
    pub guests: bool,
    /// A server password every IRC client must send with PASS; empty: none.
    pub password: String,
    /// Messages replayed on JOIN to clients that negotiated batch and server-time.
    pub replay_on_join: usize,
}

impl Default for IrcConfig {
    fn default() -> Self {
        IrcConfig {
            listen: None,
            tls_listen: None,
            server_name: "chatd.local".into(),
            guests: false,
            password: String::new(),
            replay_on_join: 0,
        }
    }
}

/// `[server]`: where to listen and what to tell clients.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    pub listen: String,
    pub max_clients: usize,
    pub max_clients_per_ip: usize,
    pub admin_slots: usize,
    pub name: String,
    pub motd: String,
    /// The manual HELP shows; empty: the one built into the binary.
    pub help_file: PathBuf,
    /// Channels every new account joins (REGISTER, `chatd user add`); the server creates the
    /// missing ones at start, with no owner. Empty: none.
    pub default_channels: Vec<String>,
    /// Addresses and CIDRs not counted by the per-address quotas (the operator's own tools).
    pub exempt_addresses: Vec<String>,
    /// The native protocol over TLS; absent: no TLS listener.
    pub tls_listen: Option<String>,
    /// After a turn that handled several clients' lines and wrote many small batches, the next
    /// turn starts no sooner than this many microseconds after it began (`net::pace`); 0: off.
    pub coalesce_us: u64,
}

/// `[tls]`: the certificate chain and key for the TLS listeners. A relative path is read from
/// `$CREDENTIALS_DIRECTORY` when that is set (systemd `LoadCredential=`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// PEM certificate chain, the server's certificate first.
    pub cert: Option<PathBuf>,
    /// PEM private key: PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
    pub key: Option<PathBuf>,
}

/// `[storage]`: the SQLite database.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StorageConfig {
    pub path: PathBuf,
    /// `normal` (survives a process crash) or `full` (also survives power loss, slower).
    pub synchronous: String,
    /// How long a stop keeps retrying writes that fail before it gives up (and exits non-zero).
    pub stop_timeout_secs: u64,
    /// Acknowledged messages the writer may trail by before the loop stops reading from clients.
    pub max_lag_messages: u64,
}

/// `[auth]`: passwords and admins.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    pub bcrypt_cost: u32,
    pub admins: Vec<String>,
    pub min_password_len: usize,
    pub hash_threads: usize,
}

/// `[limits]`: what one client may do.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_line_bytes: usize,
    pub history_default: usize,
    pub history_max: usize,
    pub flood_burst: u32,
    pub flood_per_second: u32,
    pub recvq_bytes: usize,
    pub sendq_bytes: usize,
    pub ping_interval_secs: u64,
    pub ping_timeout_secs: u64,
    pub login_timeout_secs: u64,
    pub login_failures: usize,
    pub login_failure_window_secs: u64,
    pub login_cooldown_secs: u64,
    pub away_after_secs: u64,
    pub channels_per_user: usize,
    pub registrations_per_ip_per_hour: usize,
    pub sessions_per_account: usize,
    pub idle_timeout_secs: u64,
    pub account_login_failures: usize,
    pub account_login_window_secs: u64,
    pub account_login_cooldown_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:6667".into(),
            max_clients: 10,
            max_clients_per_ip: 3,
            admin_slots: 1,
            name: "chatd".into(),
            motd: "Welcome to chatd. People: type /help to start. Programs: HELP.".into(),
            help_file: PathBuf::new(),
            default_channels: Vec::new(),
            exempt_addresses: vec!["127.0.0.0/8".into(), "::1".into()],
            tls_listen: None,
            coalesce_us: 250,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            path: "data/chatd.sqlite3".into(),
            synchronous: "normal".into(),
            stop_timeout_secs: 30,
            max_lag_messages: 10_000,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            bcrypt_cost: 12,
            admins: Vec::new(),
            min_password_len: 8,
            hash_threads: 2,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_line_bytes: 512,
            history_default: 10,
            history_max: 100,
            flood_burst: 10,
            flood_per_second: 5,
            recvq_bytes: 8192,
            sendq_bytes: 262_144,
            ping_interval_secs: 60,
            ping_timeout_secs: 120,
            login_timeout_secs: 30,
            login_failures: 5,
            login_failure_window_secs: 60,
            login_cooldown_secs: 60,
            away_after_secs: 60,
            channels_per_user: 20,
            registrations_per_ip_per_hour: 5,
            sessions_per_account: 3,
            idle_timeout_secs: 3600,
            account_login_failures: 10,
            account_login_window_secs: 600,
            account_login_cooldown_secs: 600,
        }
    }
}

impl Config {
    /// Reads and checks the file at `path`. The error is `path:line:column: what is wrong`.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Config::from_toml(&text).map_err(|e| format!("{}:{e}", path.display()))
    }

    /// Parses and checks TOML text. The error is `line:column: what is wrong`.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            located(text, at, e.message().trim_end())
        })?;
        if let Some((key, why)) = config.first_problem().or_else(|| config.tls_problem()) {
            return Err(located(
                text,
                key_offset(text, key),
                &format!("{key}: {why}"),
            ));
        }
        Ok(config)
    }

    /// The listen address, parsed.
    pub fn listen_addr(&self) -> Result<SocketAddr, String> {
        self.server
            .listen
            .parse()
            .map_err(|_| format!("server.listen: not an address: {:?}", self.server.listen))
    }

    /// The IRC listen addresses, parsed: plain and TLS, each `None` when absent.
    pub fn irc_addrs(&self) -> Result<(Option<SocketAddr>, Option<SocketAddr>), String> {
        let parse = |key: &str, v: &Option<String>| {
            v.as_ref()
                .map(|t| {
                    t.parse()
                        .map_err(|_| format!("{key}: not an address: {t:?}"))
                })
                .transpose()
        };
        Ok((
            parse("irc.listen", &self.irc.listen)?,
            parse("irc.tls_listen", &self.irc.tls_listen)?,
        ))
    }

    /// The TLS listen address, parsed; `None` when there is no TLS listener.
    pub fn tls_listen_addr(&self) -> Result<Option<SocketAddr>, String> {
        let Some(text) = &self.server.tls_listen else {
            return Ok(None);
        };
        let addr = text
            .parse()
            .map_err(|_| format!("server.tls_listen: not an address: {text:?}"))?;
        Ok(Some(addr))
    }
}

#[path = "config_check.rs"]
mod check;
use check::{key_offset, located};

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
