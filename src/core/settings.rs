//! The core's view of the configuration: what it needs, ready to use (admin names folded to
//! their keys, the help file parsed). Replaced whole on a reload.

use super::Help;
use crate::config::{Config, Limits};
use std::collections::HashSet;

/// What the core needs from the configuration, ready to use.
#[derive(Debug, Clone)]
pub struct Settings {
    pub server_name: String,
    pub version: String,
    pub motd: String,
    pub max_clients: usize,
    pub max_clients_per_ip: usize,
    pub admin_slots: usize,
    pub bcrypt_cost: u32,
    pub min_password_len: usize,
    pub admins: HashSet<String>,
    /// Addresses the per-address quotas do not count.
    pub exempt: Vec<super::addr::Net>,
    pub limits: Limits,
    pub help: Help,
    /// `server.default_channels`: where new accounts land.
    pub default_channels: Vec<String>,
    /// `[irc]`.
    pub irc: crate::config::IrcConfig,
}

impl Settings {
    /// Settings from a config and the text of its help file.
    pub fn new(config: &Config, help_text: &str) -> Settings {
        Settings {
            server_name: config.server.name.clone(),
            version: env!("CARGO_PKG_VERSION").into(),
            motd: config.server.motd.clone(),
            max_clients: config.server.max_clients,
            max_clients_per_ip: config.server.max_clients_per_ip,
            admin_slots: config.server.admin_slots,
            bcrypt_cost: config.auth.bcrypt_cost,
            min_password_len: config.auth.min_password_len,
            admins: config
                .auth
                .admins
                .iter()
                .map(|a| crate::proto::key(a))
                .collect(),
            exempt: config
                .server
                .exempt_addresses
                .iter()
                .filter_map(|a| super::addr::Net::parse(a))
                .collect(),
            limits: config.limits.clone(),
            help: Help::parse(help_text),
            default_channels: config.server.default_channels.clone(),
            irc: config.irc.clone(),
        }
    }
}
