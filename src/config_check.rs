//! Checking a parsed config: the first value out of range, named by its key, and where that key
//! sits in the file (`line:column`), so `chatd --check-config` points at it.

use super::Config;

impl Config {
    /// A TLS key that is wrong: its key and why.
    pub(super) fn tls_problem(&self) -> Option<(&'static str, &'static str)> {
        let listens = self.server.tls_listen.is_some() || self.irc.tls_listen.is_some();
        let needs = if self.server.tls_listen.is_some() {
            "is needed by server.tls_listen"
        } else {
            "is needed by irc.tls_listen"
        };
        let irc = self.irc_addrs();
        if self.tls_listen_addr().is_err() {
            Some(("server.tls_listen", "not an address like 0.0.0.0:6697"))
        } else if irc.as_ref().is_err_and(|e| e.starts_with("irc.listen")) {
            Some(("irc.listen", "not an address like 127.0.0.1:6668"))
        } else if irc.is_err() {
            Some(("irc.tls_listen", "not an address like 0.0.0.0:6698"))
        } else if !crate::proto::irc::valid_server_name(&self.irc.server_name) {
            Some((
                "irc.server_name",
                "must be a host name like irc.example.org",
            ))
        } else if listens && self.tls.cert.is_none() {
            Some(("tls.cert", needs))
        } else if listens && self.tls.key.is_none() {
            Some(("tls.key", needs))
        } else {
            None
        }
    }

    /// The first value out of range: its key and why.
    pub(super) fn first_problem(&self) -> Option<(&'static str, &'static str)> {
        let (s, a, l) = (&self.server, &self.auth, &self.limits);
        let rules: &[(bool, &str, &str)] = &[
            (
                self.listen_addr().is_ok(),
                "server.listen",
                "not an address like 127.0.0.1:6667",
            ),
            (
                s.max_clients >= 1,
                "server.max_clients",
                "must be at least 1",
            ),
            (
                s.max_clients_per_ip >= 1,
                "server.max_clients_per_ip",
                "must be at least 1",
            ),
            (
                s.coalesce_us <= 10_000,
                "server.coalesce_us",
                "must be at most 10000 (10 ms)",
            ),
            (
                l.sessions_per_account >= 1,
                "limits.sessions_per_account",
                "must be at least 1",
            ),
            (
                l.idle_timeout_secs >= 1,
                "limits.idle_timeout_secs",
                "must be at least 1",
            ),
            (
                l.account_login_failures >= 1 && l.account_login_window_secs >= 1,
                "limits.account_login_failures",
                "it and the window must be at least 1",
            ),
            (
                (4..=31).contains(&a.bcrypt_cost),
                "auth.bcrypt_cost",
                "must be 4 to 31",
            ),
            (
                a.hash_threads >= 1,
                "auth.hash_threads",
                "must be at least 1",
            ),
            (
                a.min_password_len <= 72,
                "auth.min_password_len",
                "must be at most 72",
            ),
            (
                l.max_line_bytes >= 64,
                "limits.max_line_bytes",
                "must be at least 64",
            ),
            (
                l.history_max >= 1,
                "limits.history_max",
                "must be at least 1",
            ),
            (
                l.history_default <= l.history_max,
                "limits.history_default",
                "must not exceed limits.history_max",
            ),
            (
                l.flood_burst >= 1,
                "limits.flood_burst",
                "must be at least 1",
            ),
            (
                l.flood_per_second >= 1,
                "limits.flood_per_second",
                "must be at least 1",
            ),
            (
                l.sendq_bytes >= 4096,
                "limits.sendq_bytes",
                "must be at least 4096",
            ),
            (
                l.recvq_bytes >= l.max_line_bytes,
                "limits.recvq_bytes",
                "must be at least limits.max_line_bytes",
            ),
            (
                l.ping_interval_secs >= 1,
                "limits.ping_interval_secs",
                "must be at least 1",
            ),
            (
                l.ping_timeout_secs >= 1,
                "limits.ping_timeout_secs",
                "must be at least 1",
            ),
            (
                l.login_timeout_secs >= 1,
                "limits.login_timeout_secs",
                "must be at least 1",
            ),
            (
                l.away_after_secs >= 1,
                "limits.away_after_secs",
                "must be at least 1",
            ),
            (
                l.login_failures >= 1 && l.login_failure_window_secs >= 1,
                "limits.login_failures",
                "it and the window must be at least 1",
            ),
            (
                s.default_channels
                    .iter()
                    .all(|c| crate::proto::valid_channel(c)),
                "server.default_channels",
                "each must be # then 1 to 49 of A-Z a-z 0-9 _ -",
            ),
            (
                s.exempt_addresses
                    .iter()
                    .all(|a| crate::core::addr::Net::parse(a).is_some()),
                "server.exempt_addresses",
                "each must be an address or a CIDR like 10.0.0.0/8",
            ),
            (
                l.channels_per_user >= 1,
                "limits.channels_per_user",
                "must be at least 1",
            ),
            (
                l.registrations_per_ip_per_hour >= 1,
                "limits.registrations_per_ip_per_hour",
                "must be at least 1",
            ),
            (
                self.storage.max_lag_messages >= 1,
                "storage.max_lag_messages",
                "must be at least 1",
            ),
            (
                matches!(self.storage.synchronous.as_str(), "normal" | "full"),
                "storage.synchronous",
                "must be \"normal\" or \"full\"",
            ),
        ];
        rules
            .iter()
            .find(|(ok, _, _)| !ok)
            .map(|(_, key, why)| (*key, *why))
    }
}

/// `line:column: message` for a byte offset into the text.
pub(super) fn located(text: &str, offset: usize, message: &str) -> String {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{column}: {message}")
}

/// Where `table.key` is set in the text (or its table, or the start).
pub(super) fn key_offset(text: &str, dotted: &str) -> usize {
    let (table, key) = dotted.split_once('.').unwrap_or(("", dotted));
    let header = format!("[{table}]");
    let mut offset = 0;
    let mut in_table = false;
    let mut table_at = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('[') {
            in_table = t.trim_end() == header;
            table_at = table_at.or(in_table.then_some(offset));
        } else if in_table && t.split(['=', ' ']).next() == Some(key) {
            return offset + (line.len() - t.len());
        }
        offset += line.len();
    }
    table_at.unwrap_or(0)
}
