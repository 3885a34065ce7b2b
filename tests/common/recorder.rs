//! A recording TCP proxy for tests of real clients: every line that crosses it, both ways.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// The IRC lines that crossed the proxy, in order: `C: ` from the client, `S: ` from the server.
pub type Transcript = Arc<Mutex<Vec<String>>>;

/// A TCP proxy in front of the IRC listener that records every line.
pub struct Recorder {
    pub addr: SocketAddr,
    lines: Transcript,
}

impl Recorder {
    pub fn to(server: SocketAddr) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let lines = Transcript::default();
        let log = lines.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let server = TcpStream::connect(server).unwrap();
                pipe(
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                    "C",
                    &log,
                );
                pipe(server, client, "S", &log);
            }
        });
        Recorder { addr, lines }
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }
}

/// Copies `from` to `to` in a thread, recording each complete line as `<dir>: <line>`.
fn pipe(mut from: TcpStream, mut to: TcpStream, dir: &'static str, log: &Transcript) {
    let log = log.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        let mut partial = Vec::new();
        while let Ok(n @ 1..) = from.read(&mut buf) {
            // recorded before it is forwarded: whatever the other side saw is in the log
            partial.extend_from_slice(&buf[..n]);
            while let Some(end) = partial.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = partial.drain(..=end).collect();
                let line = String::from_utf8_lossy(&line);
                let line = line.trim_end_matches(['\r', '\n']);
                log.lock().unwrap().push(format!("{dir}: {line}"));
            }
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}

/// A server line without its tags and source: `:irc.test 324 bob #c +nt` → `324 bob #c +nt`.
pub fn bare(line: &str) -> &str {
    let mut l = line;
    if l.starts_with('@') {
        l = l.split_once(' ').map_or("", |(_, rest)| rest);
    }
    if l.starts_with(':') {
        l = l.split_once(' ').map_or("", |(_, rest)| rest);
    }
    l
}
