//! chatd-client: a terminal client for chatd (ratatui + crossterm), speaking the protocol.
//!
//! `chatd-client [--server host:port]` (or CHATD_SERVER; default 127.0.0.1:6667). With a
//! server given it connects at once and opens on the login screen. The pure model is in
//! `model`, `conv` and `actions`, the drawing in `view`; this file owns the terminal and the
//! socket: a reader thread turns server lines into events, the main loop draws, reads keys,
//! and carries out the model's effects, reconnecting with back-off when the server goes away.

mod actions;
mod conv;
mod model;
#[cfg(test)]
mod tests;
mod view;

use model::{Effect, Model};
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

enum Net {
    Line(u64, String),
    Closed(u64, String),
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = args
        .iter()
        .position(|a| a == "--server")
        .and_then(|i| args.get(i + 1))
        .cloned();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!(
            "usage: chatd-client [--server host:port]   (or CHATD_SERVER; default 127.0.0.1:6667)"
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
    let mut terminal = ratatui::init();
    let result = run(&mut terminal, Model::new(&server, flag.is_some()));
    ratatui::restore();
    if let Err(e) = result {
        eprintln!("chatd-client: {e}");
        std::process::exit(1);
    }
}

fn run(terminal: &mut ratatui::DefaultTerminal, mut model: Model) -> std::io::Result<()> {
    let (tx, rx): (Sender<Net>, Receiver<Net>) = channel();
    let mut conn: Option<(u64, TcpStream)> = None;
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
                        let _ = s.write_all(format!("{line}\n").as_bytes());
                    }
                }
                Effect::Connect(addr) => {
                    generation += 1;
                    match connect(&addr, generation, tx.clone()) {
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

/// Connects, reads HELLO, and starts the reader thread.
fn connect(addr: &str, generation: u64, tx: Sender<Net>) -> std::io::Result<TcpStream> {
    let sock = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| std::io::Error::other("no such address"))?;
    let stream = TcpStream::connect_timeout(&sock, Duration::from_secs(3))?;
    let mut reader = BufReader::new(stream.try_clone()?);
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
    Ok(stream)
}
