//! Operator commands that work on the database directly: `chatd user add`.
//!
//! They open the same SQLite file as the server (WAL mode lets them run while it does) and use
//! the same queries. A running server learns of a new account at its first LOGIN.

use crate::config::Config;
use crate::proto::{NAME_RULE, password_problem, valid_name};
use crate::store::{lobby, queries, schema};
use std::io::{BufRead, IsTerminal, Write};

/// Creates an account with `password`. Names in `auth.admins` are allowed here.
pub fn add_user(config: &Config, name: &str, password: &str) -> Result<String, String> {
    if !valid_name(name) {
        return Err(format!("{name:?} is not a valid name: {NAME_RULE}"));
    }
    let min = config.auth.min_password_len;
    if let Some((_, why)) = password_problem(password, min) {
        return Err(format!(
            "{why} (at least {min} characters, at most 72 bytes)"
        ));
    }
    let db = schema::open(&config.storage.path, &config.storage.synchronous)?;
    let hash =
        bcrypt::hash(password, config.auth.bcrypt_cost).map_err(|e| format!("bcrypt: {e}"))?;
    let admin = config
        .auth
        .admins
        .iter()
        .any(|a| a.eq_ignore_ascii_case(name));
    let now = crate::time::Now::read(std::time::Instant::now()).wall_ms;
    let rec = match queries::create_account(&db, name, &hash, admin, now) {
        Ok(Ok(rec)) => rec,
        Ok(Err(_)) => return Err(format!("the name {name} is taken")),
        Err(e) => return Err(format!("the database refused the account: {e}")),
    };
    join_default_channels(config, &db, rec.id, now)?;
    Ok(rec.name)
}

/// Makes a new account a member of `server.default_channels`. When no server runs on the
/// database (its lock is free) the missing ones are created first, as a server would at start;
/// while one runs it has created them, and it learns the memberships at the account's LOGIN.
fn join_default_channels(
    config: &Config,
    db: &rusqlite::Connection,
    account: i64,
    now: i64,
) -> Result<(), String> {
    let names = &config.server.default_channels;
    let failed = |e: rusqlite::Error| format!("joining the default channels: {e}");
    if let Ok(_lock) = crate::store::lock(&config.storage.path) {
        lobby::ensure_channels(db, names, now).map_err(failed)?;
    }
    lobby::join_existing(db, account, names, now).map_err(failed)
}

/// Reads the password: the first line of standard input, or asked twice without echo on a
/// terminal.
pub fn read_password() -> Result<String, String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the password: {e}"))?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = prompt("Password: ")?;
    let second = prompt("Again: ")?;
    if first != second {
        return Err("the passwords differ".into());
    }
    Ok(first)
}

fn prompt(text: &str) -> Result<String, String> {
    eprint!("{text}");
    let _ = std::io::stderr().flush();
    let stty = |arg: &str| {
        std::process::Command::new("stty")
            .arg(arg)
            .stdin(std::process::Stdio::inherit())
            .status()
    };
    let _ = stty("-echo");
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    let _ = stty("echo");
    eprintln!();
    read.map_err(|e| format!("reading the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Writes a consistent copy of the database to `dest` with `VACUUM INTO`: one pass under one
/// read transaction, so it finishes however busy the server is (the online backup API restarts
/// whenever the server commits). `dest` must not exist.
pub fn backup(config: &Config, dest: &std::path::Path) -> Result<(), String> {
    if dest.exists() {
        return Err(format!("{}: already exists", dest.display()));
    }
    let src = rusqlite::Connection::open_with_flags(
        &config.storage.path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .map_err(|e| format!("{}: cannot open: {e}", config.storage.path.display()))?;
    src.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    let dest_text = dest
        .to_str()
        .ok_or_else(|| format!("{}: not a UTF-8 path", dest.display()))?;
    src.execute("VACUUM INTO ?1", [dest_text])
        .map(|_| ())
        .map_err(|e| format!("backup to {}: {e}", dest.display()))
}
