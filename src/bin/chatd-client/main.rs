//! chatd-client: a terminal client for chatd (ratatui + crossterm), speaking the protocol.
//!
//! `chatd-client [--server host:port] [--tls] [--ca FILE]` (or CHATD_SERVER; default
//! 127.0.0.1:6667). With a server given it connects at once and opens on the login screen.
//! `--tls` (or the connect screen's switch) speaks TLS, checking the server against `--ca FILE`
//! (which implies `--tls`) or the system's roots. The pure model is in
//! `model`, `conv` and `actions`, the drawing in `view`; this file owns the terminal and the
//! socket: a reader thread turns server lines into events, the main loop draws, reads keys,
//! and carries out the model's effects, reconnecting with back-off when the server goes away.

mod actions;
mod conv;
mod model;
#[cfg(test)]
mod tests;
mod tls;
#[cfg(test)]
mod tls_tests;
mod view;

use model::{Effect, Model};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::io::{BufRead, BufReader, Read};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

enum Net {
    Line(u64, String),
    Closed(u64, String),
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        let at = args.iter().position(|a| a == name)?;
        args.get(at + 1).cloned()
    };
    let flag = value("--server");
    let ca = value("--ca").map(PathBuf::from);
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!(
            "usage: chatd-client [--server host:port] [--tls] [--ca FILE]   (or CHATD_SERVER; default 127.0.0.1:6667)"
        );
        println!(
            "      --tls: connect over TLS, checking the server with the system's CA roots, or --ca FILE (PEM)"
        );
        println!(
            "keys: Tab/Shift-Tab fields, Enter submit, Ctrl-R register, Esc back, PageUp/PageDown scroll,"
        );
        println!("      Ctrl-N/Ctrl-P switch conversation, Ctrl-Q quit");
        return;
    }
    let server = flag
        .clone()
        .or_else(|| std::env::var("CHATD_SERVER").ok())
        .unwrap_or_else(|| "127.0.0.1:6667".into());
    let mut model = Model::new(&server, flag.is_some());
    model.tls = ca.is_some() || args.iter().any(|a| a == "--tls");
    let mut terminal = ratatui::init();
    let result = run(&mut terminal, model, ca.as_deref());
    ratatui::restore();
    if let Err(e) = result {
        eprintln!("chatd-client: {e}");
        std::process::exit(1);
    }
}

fn run(
    terminal: &mut ratatui::DefaultTerminal,
    mut model: Model,
    ca: Option<&Path>,
) -> std::io::Result<()> {
    let (tx, rx): (Sender<Net>, Receiver<Net>) = channel();
    let mut conn: Option<(u64, tls::Conn)> = None;
    let mut generation = 0;
    let mut retry_at: Option<Instant> = None;
    loop {
        terminal.draw(|f| view::draw(f, &model))?;
        while let Ok(net) = rx.try_recv() {
            match net {
                Net::Line(g, l) if Some(g) == conn.as_ref().map(|c| c.0) => model.line(&l),
                Net::Closed(g, why) if Some(g) == conn.as_ref().map(|c| c.0) => {
                    conn = None;
                    model.disconnected(&why);
                    retry_at = (model.me.is_some())
                        .then(|| Instant::now() + Duration::from_secs(model.backoff_secs()));
                }
                _ => {}
            }
        }
        if retry_at.is_some_and(|t| t <= Instant::now()) {
            retry_at = None;
            model.out.push(Effect::Connect(model.server.clone()));
        }
        if event::poll(Duration::from_millis(50))?
            && let Event::Key(k) = event::read()?
            && k.kind == KeyEventKind::Press
        {
            model.key(k);
        }
        for effect in model.effects() {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::Send(line) => {
                    if let Some((_, s)) = &mut conn {
                        let _ = s.send(&line);
                    }
                }
                Effect::Connect(addr) => {
                    generation += 1;
                    let tls = model.tls.then_some(ca);
                    match connect(&addr, tls, generation, tx.clone()) {
                        Ok(s) => {
                            conn = Some((generation, s));
                            model.connected();
                        }
                        Err(e) => {
                            model.disconnected(&e.to_string());
                            retry_at = (model.me.is_some()).then(|| {
                                Instant::now() + Duration::from_secs(model.backoff_secs())
                            });
                        }
                    }
                }
            }
        }
    }
}

/// Connects (over TLS when `tls` is given, with its CA file if any), reads HELLO, and starts
/// the reader thread.
fn connect(
    addr: &str,
    tls: Option<Option<&Path>>,
    generation: u64,
    tx: Sender<Net>,
) -> std::io::Result<tls::Conn> {
    let sock = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("no such address"))?;
    let stream = TcpStream::connect_timeout(&sock, Duration::from_secs(3))?;
    let (conn, reader): (tls::Conn, Box<dyn Read + Send>) = match tls {
        None => (
            tls::Conn::Plain(stream.try_clone()?),
            Box::new(stream) as Box<dyn Read + Send>,
        ),
        Some(ca) => {
            let config = tls::config(ca).map_err(std::io::Error::other)?;
            let (conn, reader) = tls::start(stream, tls::host_of(addr), config)?;
            (conn, Box::new(reader))
        }
    };
    let mut reader = BufReader::new(reader);
    let mut hello = String::new();
    reader.read_line(&mut hello)?;
    if !hello.starts_with("HELLO ") {
        return Err(std::io::Error::other(hello.trim().to_owned()));
    }
    std::thread::spawn(move || {
        for line in reader.lines() {
            match line {
                Ok(l) => {
                    if tx.send(Net::Line(generation, l)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Net::Closed(generation, e.to_string()));
                    return;
                }
            }
        }
        let _ = tx.send(Net::Closed(
            generation,
            "the server closed the connection".into(),
        ));
    });
    Ok(conn)
}
