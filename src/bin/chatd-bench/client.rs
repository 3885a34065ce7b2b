//! Clients for the generator: a blocking one for setting things up, and a non-blocking peer
//! that a mio loop drives under load.

use mio::net::TcpStream as MioStream;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A blocking protocol client with a read timeout (one descriptor per connection).
pub struct Client {
    reader: BufReader<TcpStream>,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> io::Result<Client> {
        let stream = TcpStream::connect(addr)?;
        // close with a reset: thousands of short connections leave no TIME_WAIT behind
        socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.set_nodelay(true)?;
        let mut c = Client {
            reader: BufReader::new(stream),
        };
        let hello = c.line()?;
        if !hello.starts_with("HELLO ") {
            return Err(io::Error::other(format!("refused: {hello}")));
        }
        Ok(c)
    }

    /// How long `line` waits before it fails with WouldBlock or TimedOut.
    pub fn set_timeout(&self, d: Duration) -> io::Result<()> {
        self.reader.get_ref().set_read_timeout(Some(d))
    }

    pub fn send(&mut self, line: &str) -> io::Result<()> {
        self.reader
            .get_mut()
            .write_all(format!("{line}\n").as_bytes())
    }

    pub fn line(&mut self) -> io::Result<String> {
        let mut l = String::new();
        if self.reader.read_line(&mut l)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(l.trim_end().to_owned())
    }

    /// Reads one line if one is waiting, without blocking; false when none was.
    pub fn try_drain(&mut self) -> bool {
        if !self.reader.buffer().is_empty() {
            return self.line().is_ok();
        }
        let _ = self.reader.get_ref().set_nonblocking(true);
        let got = self
            .reader
            .fill_buf()
            .map(|b| !b.is_empty())
            .unwrap_or(false);
        let _ = self.reader.get_ref().set_nonblocking(false);
        got && self.line().is_ok()
    }

    /// Sends a command and waits for its final reply (skipping events and data lines).
    pub fn call(&mut self, line: &str) -> io::Result<String> {
        let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
        self.send(line)?;
        loop {
            let l = self.line()?;
            if l.starts_with(&format!("OK {verb}")) || l.starts_with(&format!("FAIL {verb}")) {
                return Ok(l);
            }
        }
    }

    /// An IRC client of the account `name` (made with `sign_in` first): logged in with PASS,
    /// with echo-message (its own messages come back: the IRC side's acknowledgement), in
    /// `channel`.
    pub fn irc(addr: SocketAddr, irc: SocketAddr, name: &str, channel: &str) -> io::Result<Client> {
        Client::sign_in(addr, name)?.send("QUIT")?;
        let stream = TcpStream::connect(irc)?;
        socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.set_nodelay(true)?;
        let mut c = Client {
            reader: BufReader::new(stream),
        };
        let pw = format!("bench-{name}");
        c.reader.get_mut().write_all(
            format!(
                "CAP REQ :echo-message\r\nPASS {name}:{pw}\r\nNICK {name}\r\n\
                 USER {name} 0 * :bench\r\nCAP END\r\nJOIN {channel}\r\nPING ready\r\n"
            )
            .as_bytes(),
        )?;
        while !c.line()?.ends_with(" :ready") {}
        Ok(c)
    }

    /// Logs in as `name`, registering it first if needed.
    pub fn sign_in(addr: SocketAddr, name: &str) -> io::Result<Client> {
        let mut c = Client::connect(addr)?;
        let pw = format!("bench-{name}");
        let r = c.call(&format!("REGISTER {name} {pw} {pw}"))?;
        if !r.starts_with("OK ") && !c.call(&format!("LOGIN {name} {pw}"))?.starts_with("OK ") {
            return Err(io::Error::other(format!("cannot sign in as {name}: {r}")));
        }
        Ok(c)
    }

    /// Hands the socket over to a mio peer.
    pub fn into_peer(self) -> io::Result<Peer> {
        let buffered = self.reader.buffer().to_vec();
        let stream = self.reader.into_inner();
        stream.set_nonblocking(true)?;
        Ok(Peer {
            stream: MioStream::from_std(stream),
            rbuf: buffered,
            wbuf: Vec::new(),
        })
    }
}

/// A non-blocking connection with line buffers.
pub struct Peer {
    pub stream: MioStream,
    rbuf: Vec<u8>,
    pub wbuf: Vec<u8>,
}

impl Peer {
    /// Reads what is there; calls `on_line` for each complete line. False when closed.
    pub fn read_lines(&mut self, scratch: &mut [u8], mut on_line: impl FnMut(&[u8])) -> bool {
        let mut open = true;
        loop {
            match self.stream.read(scratch) {
                Ok(0) => {
                    open = false;
                    break;
                }
                Ok(n) => self.rbuf.extend_from_slice(&scratch[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => {
                    open = false;
                    break;
                }
            }
        }
        let mut start = 0;
        while let Some(i) = self.rbuf[start..].iter().position(|&b| b == b'\n') {
            on_line(&self.rbuf[start..start + i]);
            start += i + 1;
        }
        self.rbuf.drain(..start);
        open
    }

    /// Writes what is queued, as far as the kernel takes it.
    pub fn flush(&mut self) -> io::Result<()> {
        while !self.wbuf.is_empty() {
            match self.stream.write(&self.wbuf) {
                Ok(n) => {
                    self.wbuf.drain(..n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}
