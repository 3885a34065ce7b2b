//! chatd: a chat server with a plaintext line protocol over TCP.
//!
//! `proto` turns bytes into commands and replies into text; `core` is the protocol state machine
//! (no I/O); `net` runs the mio loop; `store` is the SQLite writer thread; `auth` the bcrypt
//! workers; `server` wires them together. `config` reads the TOML file; `tls` its certificates.

pub mod admin;
pub mod auth;
pub mod config;
pub mod core;
pub mod jobs;
pub mod net;
pub mod notify;
pub mod proto;
pub mod server;
pub mod store;
pub mod time;
pub mod tls;
