//! An IRC client for tests: CRLF lines with read timeouts, registration as a guest or with
//! SASL PLAIN, and `sync` (a PING round trip) to collect everything a command caused.

use super::tls::Stream;
use super::{READ_TIMEOUT, TestServer};
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};

/// A test server with an IRC listener (`guests` as given) on port 0.
pub fn irc_server(guests: bool) -> TestServer {
    TestServer::with(|c| {
        c.irc.listen = Some("127.0.0.1:0".into());
        c.irc.server_name = "irc.test".into();
        c.irc.guests = guests;
    })
}

impl TestServer {
    /// The IRC listener's address.
    pub fn irc_addr(&self) -> SocketAddr {
        self.handle
            .as_ref()
            .unwrap()
            .irc_addr()
            .expect("an IRC listener")
    }

    /// An IRC connection, not registered yet.
    pub fn irc(&self) -> IrcClient {
        IrcClient::connect(self.irc_addr())
    }

    /// An IRC guest registered as `nick` (the welcome burst read).
    pub fn irc_guest(&self, nick: &str) -> IrcClient {
        let mut c = self.irc();
        c.send(&format!("NICK {nick}"));
        c.send(&format!("USER {nick} 0 * :{nick} the guest"));
        c.until(" 376 ");
        c
    }

    /// An IRC client logged in with SASL as the account `name` (password `password-<name>`),
    /// with `caps` negotiated too; everything up to the end of its channel burst is read.
    pub fn irc_account(&self, name: &str, caps: &str) -> IrcClient {
        self.irc_login(self.irc(), name, caps)
    }

    /// `irc_account` over a connection already open (e.g. TLS).
    pub fn irc_login(&self, mut c: IrcClient, name: &str, caps: &str) -> IrcClient {
        c.send("CAP LS 302");
        c.send("NICK somenick");
        c.send("USER someuser 0 * :Some One");
        c.send(format!("CAP REQ :sasl {caps}").trim_end());
        c.until(" ACK ");
        c.send("AUTHENTICATE PLAIN");
        c.expect_line("AUTHENTICATE +");
        let payload = base64(format!("\0{name}\0password-{name}").as_bytes());
        c.send(&format!("AUTHENTICATE {payload}"));
        c.until(" 903 ");
        c.send("CAP END");
        c.until(" 376 ");
        c.sync();
        c
    }
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An IRC client whose reads time out.
pub struct IrcClient {
    reader: BufReader<Stream>,
    syncs: usize,
}

impl IrcClient {
    pub fn connect(addr: SocketAddr) -> IrcClient {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        IrcClient::over(Stream::Plain(stream))
    }

    /// An IRC client over a stream (plain, or TLS from `TestCa::stream`).
    pub fn over(stream: Stream) -> IrcClient {
        IrcClient {
            reader: BufReader::new(stream),
            syncs: 0,
        }
    }

    /// Sends a line with CRLF.
    pub fn send(&mut self, line: &str) {
        self.send_raw(format!("{line}\r\n").as_bytes());
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let w = self.reader.get_mut();
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    /// The next line without its CRLF (asserted), or `None` at EOF.
    pub fn try_recv(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => {
                assert!(line.ends_with("\r\n"), "IRC lines end with CRLF: {line:?}");
                Some(line.trim_end_matches("\r\n").to_owned())
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("no line from the server within {READ_TIMEOUT:?}")
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => None,
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => None, // TLS without close_notify
            Err(e) => panic!("read failed: {e}"),
        }
    }

    pub fn recv(&mut self) -> String {
        self.try_recv()
            .expect("connection closed while a line was expected")
    }

    /// Reads lines until one contains `text`; returns them all, that one last.
    pub fn until(&mut self, text: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let l = self.recv();
            let done = l.contains(text);
            lines.push(l);
            if done {
                return lines;
            }
        }
    }

    /// Asserts the next line is `expected`, tags aside.
    pub fn expect_line(&mut self, expected: &str) {
        let l = self.recv();
        assert_eq!(untagged(&l), expected);
    }

    /// A PING round trip: every line the server sent before its PONG.
    pub fn sync(&mut self) -> Vec<String> {
        self.syncs += 1;
        let token = format!("sync{}", self.syncs);
        self.send(&format!("PING {token}"));
        let mut lines = self.until(&format!("PONG irc.test :{token}"));
        lines.pop();
        lines
    }

    /// Sends a command and returns what it caused (up to a PING round trip).
    pub fn cmd(&mut self, line: &str) -> Vec<String> {
        self.send(line);
        self.sync()
    }

    /// Reads until EOF.
    pub fn read_to_close(&mut self) -> Vec<String> {
        std::iter::from_fn(|| self.try_recv()).collect()
    }
}

/// A line without its tags.
pub fn untagged(line: &str) -> &str {
    match line.strip_prefix('@') {
        Some(rest) => rest.split_once(' ').map_or("", |(_, l)| l),
        None => line,
    }
}

/// The value of tag `key` on a line.
pub fn tag<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let tags = line.strip_prefix('@')?.split(' ').next()?;
    tags.split(';')
        .find_map(|t| t.strip_prefix(key)?.strip_prefix('='))
}
