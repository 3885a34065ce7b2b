//! The `chatd` binary: the server, and the operator's `user add` command.
//!
//! ```text
//! chatd [--config PATH]                  run the server (default config/chatd.toml)
//! chatd user add NAME [--config PATH]    create an account; password from standard input
//! chatd --version | --help
//! ```
//! SIGTERM and SIGINT stop the server cleanly; SIGHUP reloads the config file.

use chatd::config::Config;
use chatd::server::{self, Control};
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  chatd [--config PATH]                 run the server (default: config/chatd.toml)
  chatd user add NAME [--config PATH]   create an account; the password is the first line of
                                        standard input (asked twice, without echo, on a terminal)
  chatd --version | --help

Signals: SIGTERM or SIGINT stop cleanly, SIGHUP reloads the config file.
Logs go to standard error; RUST_LOG sets the level (default info).";

fn main() -> ExitCode {
    init_logging();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
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

fn run(args: &[String]) -> Result<(), String> {
    let mut config_path = PathBuf::from("config/chatd.toml");
    let mut words = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--config" => config_path = it.next().ok_or("--config needs a path")?.into(),
            "--version" | "-V" => {
                println!("chatd {}", env!("CARGO_PKG_VERSION"));
                return Ok(());
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown option {other}\n{USAGE}"));
            }
            word => words.push(word),
        }
    }
    let config = Config::load(&config_path)?;
    match words.as_slice() {
        [] => serve(&config, &config_path),
        ["user", "add", name] => {
            let password = chatd::admin::read_password()?;
            let name = chatd::admin::add_user(&config, name, &password)?;
            println!("account {name} created");
            Ok(())
        }
        _ => Err(format!("unknown command {:?}\n{USAGE}", words.join(" "))),
    }
}

/// Runs the server until a signal stops it or its loop fails (then the exit code says so).
fn serve(config: &Config, path: &std::path::Path) -> Result<(), String> {
    let mut signals =
        Signals::new([SIGTERM, SIGINT, SIGHUP]).map_err(|e| format!("signals: {e}"))?;
    let mut handle = server::start(config)?;
    let control = handle.control();
    let path = path.to_owned();
    std::thread::spawn(move || {
        for signal in signals.forever() {
            if signal == SIGHUP {
                reload(&control, &path);
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

fn reload(control: &Control, path: &std::path::Path) {
    match Config::load(path).and_then(|c| server::settings(&c)) {
        Ok(settings) => {
            log::info!("SIGHUP: reloading {}", path.display());
            control.reload(settings);
        }
        Err(e) => log::error!("reload failed, keeping the old config: {e}"),
    }
}
