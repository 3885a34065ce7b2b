//! Test helpers: a real server on 127.0.0.1 port 0 with a temporary database and bcrypt cost 4,
//! and a line client whose reads time out, so a failing test never hangs.
#![allow(dead_code)]

pub mod daemon;
pub mod irc;
pub mod recorder;
pub mod tls;
pub mod tmux;
#[allow(unused_imports)]
pub use daemon::{Daemon, base_config};
#[allow(unused_imports)]
pub use tmux::Tmux;

use chatd::config::Config;
use chatd::server::{self, ServerHandle};
use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tls::Stream;

/// How long a test waits for a line before it fails.
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A fresh temporary folder, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::SeqCst);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir =
            std::env::temp_dir().join(format!("chatd-test-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The config tests start from: port 0, a database in `dir`, cost 4, admin `root`. Test clients
/// come from loopback, which `server.exempt_addresses` spares the per-address quotas by
/// default; tests of those quotas empty the list.
pub fn test_config(dir: &Path) -> Config {
    let mut c = Config::default();
    c.server.listen = "127.0.0.1:0".into();
    c.server.help_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/help.txt");
    c.storage.path = dir.join("chatd.sqlite3");
    c.auth.bcrypt_cost = 4;
    c.auth.admins = vec!["root".into()];
    c
}

/// A server running in this process, over its real socket and database.
pub struct TestServer {
    pub handle: Option<ServerHandle>,
    pub config: Config,
    pub addr: SocketAddr,
    pub dir: TempDir,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::with(|_| {})
    }

    /// Starts with a config changed by `tweak`.
    pub fn with(tweak: impl FnOnce(&mut Config)) -> TestServer {
        let dir = TempDir::new();
        let mut config = test_config(&dir.0);
        tweak(&mut config);
        TestServer::start_in(dir, config)
    }

    /// Starts on an existing folder and config (for restarts).
    pub fn start_in(dir: TempDir, config: Config) -> TestServer {
        let handle = server::start(&config).expect("server starts");
        let addr = handle.addr();
        TestServer {
            handle: Some(handle),
            config,
            addr,
            dir,
        }
    }

    /// Stops cleanly and starts again on the same database.
    pub fn restart(mut self) -> TestServer {
        self.handle.take().unwrap().shutdown().unwrap();
        let mut config = self.config.clone();
        config.server.listen = "127.0.0.1:0".into();
        let dir = std::mem::replace(&mut self.dir, TempDir(PathBuf::new()));
        TestServer::start_in(dir, config)
    }

    /// Stops cleanly (BYE to everyone, the writer commits).
    pub fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown().unwrap();
        }
    }

    /// Creates an account the operator's way (`chatd user add`), e.g. the admin `root`.
    pub fn add_user(&self, name: &str, password: &str) {
        chatd::admin::add_user(&self.config, name, password).unwrap();
    }

    pub fn connect(&self) -> TestClient {
        TestClient::connect(self.addr)
    }

    /// A client connecting from another loopback address, e.g. 127.0.0.2.
    pub fn connect_from(&self, ip: &str) -> TestClient {
        let socket =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        let local: SocketAddr = format!("{ip}:0").parse().unwrap();
        socket.bind(&local.into()).unwrap();
        socket.connect(&self.addr.into()).unwrap();
        TestClient::from_stream(socket.into())
    }

    /// A client connected and registered as `name` (password `password-<name>`).
    pub fn user(&self, name: &str) -> TestClient {
        let mut c = self.connect();
        let pw = format!("password-{name}");
        c.ok(
            &format!("REGISTER {name} {pw} {pw}"),
            &format!("OK REGISTER {name}"),
        );
        c
    }

    /// A client logged in as `name`, whose account exists.
    pub fn login(&self, name: &str) -> TestClient {
        let mut c = self.connect();
        c.ok(
            &format!("LOGIN {name} password-{name}"),
            &format!("OK LOGIN {name}"),
        );
        c
    }

    /// A client logged in as the admin `root`.
    pub fn admin(&self) -> TestClient {
        if chatd::admin::add_user(&self.config, "root", "password-root").is_err() {
            // already there
        }
        self.login("root")
    }

    /// The database, opened read-only.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            &self.config.storage.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A protocol client with read timeouts.
pub struct TestClient {
    reader: BufReader<Stream>,
    pub hello: String,
}

impl TestClient {
    /// Connects and reads the first line (HELLO, or a FAIL CONNECT).
    pub fn connect(addr: SocketAddr) -> TestClient {
        let stream = TcpStream::connect(addr).expect("connect");
        TestClient::from_stream(stream)
    }

    pub fn from_stream(stream: TcpStream) -> TestClient {
        stream.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        TestClient::over(Stream::Plain(stream))
    }

    /// A client over `stream` (plain or TLS); reads the first line.
    pub fn over(stream: Stream) -> TestClient {
        let mut c = TestClient {
            reader: BufReader::new(stream),
            hello: String::new(),
        };
        c.hello = c.recv();
        c
    }

    /// Another handle on the socket (e.g. for a writer thread; plaintext only).
    pub fn stream(&self) -> TcpStream {
        self.reader.get_ref().tcp().try_clone().unwrap()
    }

    /// The transport, e.g. to see the server's TLS certificate.
    pub fn transport(&self) -> &Stream {
        self.reader.get_ref()
    }

    /// Sends raw bytes.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let w = self.reader.get_mut();
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    /// Sends one line (LF added).
    pub fn send(&mut self, line: &str) {
        self.send_raw(format!("{line}\n").as_bytes());
    }

    /// The next line, without its LF; fails the test after `READ_TIMEOUT`.
    pub fn recv(&mut self) -> String {
        self.try_recv()
            .expect("connection closed while a line was expected")
    }

    /// The next line, or `None` at EOF.
    pub fn try_recv(&mut self) -> Option<String> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => Some(line.trim_end_matches('\n').to_owned()),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("no line from the server within {READ_TIMEOUT:?}")
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => None,
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => None, // TLS without close_notify
            Err(e) => panic!("read failed: {e}"),
        }
    }

    /// Sends a command and returns every line up to and including its final reply.
    pub fn cmd(&mut self, line: &str) -> Vec<String> {
        let verb = line.split(' ').next().unwrap().to_ascii_uppercase();
        self.send(line);
        self.until_final(&verb)
    }

    /// Reads lines until the final reply to `verb` (`OK`, `FAIL` or `BYE`).
    pub fn until_final(&mut self, verb: &str) -> Vec<String> {
        let (ok, fail) = (format!("OK {verb}"), format!("FAIL {verb} "));
        let mut lines = Vec::new();
        loop {
            let l = self.recv();
            let last = l == ok
                || l.starts_with(&format!("{ok} "))
                || l.starts_with(&fail)
                || l.starts_with("BYE");
            lines.push(l);
            if last {
                return lines;
            }
        }
    }

    /// Sends a command and asserts its only reply line is exactly `expected`.
    pub fn ok(&mut self, line: &str, expected: &str) {
        assert_eq!(
            self.cmd(line),
            vec![expected.to_owned()],
            "reply to {line:?}"
        );
    }

    /// Sends a command and asserts it fails with `code`; returns the FAIL line.
    pub fn fails(&mut self, line: &str, code: &str) -> String {
        let reply = self.cmd(line);
        let last = reply.last().unwrap().clone();
        let verb = line.split(' ').next().unwrap().to_ascii_uppercase();
        assert!(
            last.starts_with(&format!("FAIL {verb} {code}")),
            "{line:?} answered {reply:?}, wanted {code}"
        );
        assert_eq!(reply.len(), 1, "a failure has no data lines: {reply:?}");
        last
    }

    /// Reads the next line and asserts it starts with `prefix`.
    pub fn expect(&mut self, prefix: &str) -> String {
        let l = self.recv();
        assert!(l.starts_with(prefix), "expected {prefix:?}, got {l:?}");
        l
    }

    /// Asserts the server sends nothing more before a PING round trip.
    pub fn expect_quiet(&mut self) {
        self.send("PING quiet-check");
        assert_eq!(
            self.recv(),
            "OK PING quiet-check",
            "an unexpected line came first"
        );
    }

    /// Reads until EOF, returning the lines; fails if the server does not close.
    pub fn read_to_close(&mut self) -> Vec<String> {
        std::iter::from_fn(|| self.try_recv()).collect()
    }
}
