//! The `chatd` binary: the server, and the operator's commands.
//!
//! ```text
//! chatd [--config PATH]                    run the server (default config/chatd.toml)
//! chatd --check-config [--config PATH]     check the config file; exit 0, or 2 with the errors
//! chatd user add NAME [--config PATH]      create an account; password from standard input
//! chatd backup DEST [--config PATH]        write a consistent copy of the database, also live
//! ```
//! Signals are taken by a thread of their own (signal-hook's iterator) and forwarded to the
//! event loop through its channel and Waker, the same path tests use; so the config file is
//! read off the loop. SIGTERM and SIGINT stop cleanly; SIGHUP reloads the config file and the
//! TLS certificate (a renewed one goes to new connections).

use chatd::config::Config;
use chatd::notify::Notifier;
use chatd::server::{self, Control};
use clap::{Parser, Subcommand};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A chat server with a plaintext line protocol over TCP.
#[derive(Parser)]
#[command(
    name = "chatd",
    version,
    after_help = "Signals: SIGTERM or SIGINT stop cleanly, SIGHUP reloads the config file.\nLogs go to standard error; RUST_LOG sets the level (default info)."
)]
struct Cli {
    /// The config file.
    #[arg(long, global = true, default_value = "config/chatd.toml")]
    config: PathBuf,
    /// Check the config file and exit: 0 if it is good, 2 with the errors if not.
    #[arg(long)]
    check_config: bool,
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserCmd,
    },
    /// Write a consistent copy of the database to DEST (SQLite online backup), also while the
    /// server runs.
    Backup { dest: PathBuf },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account. The password is the first line of standard input; on a terminal it
    /// is asked twice, without echo. Works while the server runs.
    Add { name: String },
}

fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("chatd: {e}");
            ExitCode::from(2)
        }
    }
}

fn init_logging() {
    let env = env_logger::Env::default().default_filter_or("info");
    let mut builder = env_logger::Builder::from_env(env);
    if std::env::var_os("JOURNAL_STREAM").is_some() {
        builder.format_timestamp(None);
    }
    builder.init();
}

fn run(cli: Cli) -> Result<(), String> {
    let config = Config::load(&cli.config)?;
    if cli.check_config {
        server::settings(&config)?;
        if config.server.tls_listen.is_some() {
            chatd::tls::load(&config.tls)?;
        }
        println!("{}: ok", cli.config.display());
        return Ok(());
    }
    match cli.command {
        None => serve(&config, &cli.config),
        Some(Cmd::User {
            action: UserCmd::Add { name },
        }) => {
            let password = chatd::admin::read_password()?;
            let name = chatd::admin::add_user(&config, &name, &password)?;
            println!("account {name} created");
            Ok(())
        }
        Some(Cmd::Backup { dest }) => {
            chatd::admin::backup(&config, &dest)?;
            println!("backup written to {}", dest.display());
            Ok(())
        }
    }
}

/// Runs the server until a signal stops it or its loop fails (then the exit code says so).
fn serve(config: &Config, path: &Path) -> Result<(), String> {
    let mut signals =
        Signals::new([SIGTERM, SIGINT, SIGHUP]).map_err(|e| format!("signals: {e}"))?;
    let mut handle = server::start(config)?;
    let control = handle.control();
    let path = path.to_owned();
    std::thread::spawn(move || {
        let notifier = Notifier::from_env();
        for signal in signals.forever() {
            if signal == SIGHUP {
                reload(&control, &path, &notifier);
            } else {
                log::info!("signal {signal}: stopping");
                control.shutdown();
            }
        }
    });
    handle.join()?;
    log::info!("stopped");
    Ok(())
}

fn reload(control: &Control, path: &Path, notifier: &Notifier) {
    notifier.send("RELOADING=1");
    log::info!("SIGHUP: reloading {}", path.display());
    let loaded = Config::load(path).and_then(|c| server::settings(&c).map(|s| (c, s)));
    let config = match loaded {
        Ok((config, settings)) => {
            control.reload(settings);
            config
        }
        Err(e) => {
            log::error!("reload failed, keeping the old config: {e}");
            return notifier.send("READY=1");
        }
    };
    if let Err(e) = control.reload_tls(&config) {
        log::error!("reload: keeping the old TLS certificate: {e}");
    }
}
