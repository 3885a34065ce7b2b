//! TLS listeners: the protocol's key scenarios over TLS next to plaintext clients, WHOIS's
//! transport field, bad clients on the TLS port, and certificates reloaded on SIGHUP.

mod common;
use common::tls::{TestCa, tls_server};
use common::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

/// The 6th field of an `OK MSG`: the message's time.
fn msg_tail(ok: &str) -> String {
    let w: Vec<&str> = ok.split(' ').collect();
    format!("{} {}", w[3], w[4])
}

#[test]
fn tls_and_plaintext_clients_chat_and_are_moderated_alike() {
    let ca = TestCa::new();
    let (s, _) = tls_server(&ca);
    let mut root = s.admin();
    let mut t = s.tls_user(&ca, "tina");
    assert!(t.hello.starts_with("HELLO "), "{}", t.hello);
    root.expect("ONLINE tina");
    let mut p = s.user("paul");
    root.expect("ONLINE paul");
    t.expect("ONLINE paul");
    t.ok("JOIN #x", "OK JOIN #x");
    p.ok("JOIN #x", "OK JOIN #x");
    assert_eq!(t.recv(), "JOIN #x paul");
    let from_plain = msg_tail(&p.cmd("MSG #x from plain")[0]);
    assert_eq!(t.recv(), format!("MSG #x paul {from_plain} :from plain"));
    let from_tls = msg_tail(&t.cmd("MSG #x from tls")[0]);
    assert_eq!(p.recv(), format!("MSG #x tina {from_tls} :from tls"));
    let history = t.cmd("HISTORY #x 2");
    assert_eq!(
        history,
        [
            format!("HIST MSG #x paul {from_plain} :from plain"),
            format!("HIST MSG #x tina {from_tls} :from tls"),
            "OK HISTORY #x 2".to_owned(),
        ]
    );
    let whois = |root: &mut TestClient, name: &str| {
        let w = root.cmd(&format!("WHOIS {name}"));
        w[0].split(' ').nth(6).unwrap().to_owned()
    };
    assert_eq!(whois(&mut root, "tina"), "tls");
    assert_eq!(whois(&mut root, "paul"), "plain");
    t.ok("KICK #x paul :out", "OK KICK #x paul");
    assert_eq!(p.recv(), "KICK #x paul tina :out");
    root.ok("KICK #x tina", "OK KICK #x tina");
    assert_eq!(t.recv(), "KICK #x tina root");
    root.ok("BAN tina :spam", "OK BAN tina");
    assert_eq!(t.read_to_close(), ["BYE :banned: spam"]);
    assert_eq!(root.recv(), "OFFLINE tina :banned: spam");
}

#[test]
fn one_account_over_both_transports_shows_both_in_whois() {
    let ca = TestCa::new();
    let (s, _) = tls_server(&ca);
    let mut root = s.admin();
    let _t = s.tls_user(&ca, "tina");
    root.expect("ONLINE tina");
    let _p = s.login("tina");
    let w = root.cmd("WHOIS tina");
    assert_eq!(w[0].split(' ').nth(6), Some("tls,plain"), "{w:?}");
}

/// Sends `bytes` to `addr` and reads until the server closes; what it sent back.
fn closed_after(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut sock = TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    sock.write_all(bytes).unwrap();
    let mut got = Vec::new();
    match sock.read_to_end(&mut got) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the server did not close the connection: {e}"),
    }
    got
}

#[test]
fn plaintext_and_garbage_on_the_tls_port_are_closed_while_tls_clients_chat() {
    let ca = TestCa::new();
    let (s, _) = tls_server(&ca);
    let mut t = s.tls_user(&ca, "tina");
    let mut p = s.user("paul");
    t.expect("ONLINE paul");
    t.ok("JOIN #x", "OK JOIN #x");
    p.ok("JOIN #x", "OK JOIN #x");
    t.expect("JOIN #x paul");
    let answer = closed_after(s.tls_addr(), b"REGISTER eve password1 password1\n");
    assert!(!String::from_utf8_lossy(&answer).contains("HELLO"));
    let bad_hello = b"\x16\x03\x01\x00\x08\x01\x00\x00\x04\xde\xad\xbe\xef";
    let answer = closed_after(s.tls_addr(), bad_hello);
    assert!(!String::from_utf8_lossy(&answer).contains("HELLO"));
    closed_after(s.tls_addr(), &[0xff; 300]);
    let ok = msg_tail(&t.cmd("MSG #x still here")[0]);
    assert_eq!(p.recv(), format!("MSG #x tina {ok} :still here"));
    // the plaintext port is untouched too
    s.connect().ok("PING", "OK PING");
}

/// Reads until the server closes `stream`; fails if it does not within the read timeout.
fn closed(stream: &mut TcpStream) {
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("the stalled handshake was not closed: {e}"),
    }
}

#[test]
fn a_stalled_handshake_is_a_connection_not_logged_in() {
    let ca = TestCa::new();
    let leaf = ca.leaf();
    let s = TestServer::with(|c| {
        let (cert, key) = leaf.write(c.storage.path.parent().unwrap());
        c.server.tls_listen = Some("127.0.0.1:0".into());
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
        c.server.max_clients = 2;
        c.server.admin_slots = 0;
        c.limits.login_timeout_secs = 3;
    });
    let mut stalled = TcpStream::connect(s.tls_addr()).unwrap();
    stalled.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    let mut t = s.tls_user(&ca, "tina");
    // The server is full: a newcomer takes the slot of the oldest connection not logged in.
    let mut newcomer = ca.connect(s.tls_addr());
    assert!(newcomer.hello.starts_with("HELLO "), "{}", newcomer.hello);
    closed(&mut stalled);
    newcomer.ok("QUIT", "BYE :quit");
    // Alone, a stalled handshake is closed at the login timeout.
    let mut stalled = TcpStream::connect(s.tls_addr()).unwrap();
    stalled.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
    closed(&mut stalled);
    let mut uma = s.tls_user(&ca, "uma");
    let full = ca.connect(s.tls_addr());
    assert!(
        full.hello.starts_with("FAIL CONNECT SERVER_FULL"),
        "a refused TLS client reads why after its handshake: {}",
        full.hello
    );
    uma.ok("PING", "OK PING");
    t.expect("ONLINE uma");
    t.ok("PING", "OK PING");
}

#[test]
fn check_config_loads_the_certificate() {
    let dir = TempDir::new();
    let tls = "[tls]\ncert = \"/nonexistent/cert.pem\"\nkey = \"/nonexistent/key.pem\"\n";
    let text = base_config(&dir.0, "tls_listen = \"127.0.0.1:0\"", tls);
    let path = dir.0.join("chatd.toml");
    std::fs::write(&path, text).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatd"))
        .arg("--check-config")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/cert.pem: cannot read"), "{err}");
}

/// The TLS address from the daemon's log.
fn tls_addr_of(d: &mut Daemon) -> SocketAddr {
    let line = d.wait_log("listening for TLS on ");
    line.rsplit(' ').next().unwrap().trim().parse().unwrap()
}

#[test]
fn sighup_gives_new_connections_a_new_certificate_and_keeps_it_on_a_bad_file() {
    let dir = TempDir::new();
    let ca = TestCa::new();
    let first = ca.leaf();
    first.write(&dir.0);
    // relative paths: read from $CREDENTIALS_DIRECTORY, as under systemd's LoadCredential=
    let tls = "[tls]\ncert = \"cert.pem\"\nkey = \"key.pem\"\n";
    let path = dir.0.join("chatd.toml");
    let text = base_config(&dir.0, "tls_listen = \"127.0.0.1:0\"", tls);
    std::fs::write(&path, text).unwrap();
    let creds = dir.0.to_str().unwrap();
    let mut d = Daemon::start_with(&path, None, &[("CREDENTIALS_DIRECTORY", creds)]);
    let addr = tls_addr_of(&mut d);
    let mut old = ca.connect(addr);
    assert_eq!(old.transport().peer_cert(), Some(first.der.clone()));
    old.ok("REGISTER olga password1 password1", "OK REGISTER olga");

    let second = ca.leaf();
    second.write(&dir.0);
    d.signal(libc::SIGHUP);
    d.wait_log("TLS certificate reloaded");
    let mut new = ca.connect(addr);
    assert_eq!(new.transport().peer_cert(), Some(second.der.clone()));
    new.ok("LOGIN olga password1", "OK LOGIN olga");
    old.ok("JOIN #r", "OK JOIN #r");
    new.expect("JOIN #r olga");

    std::fs::write(dir.0.join("cert.pem"), "not a certificate\n").unwrap();
    d.signal(libc::SIGHUP);
    let why = d.wait_log("keeping the old TLS certificate");
    assert!(why.contains("cert.pem"), "{why}");
    let newest = ca.connect(addr);
    assert_eq!(newest.transport().peer_cert(), Some(second.der.clone()));
    old.ok("PING", "OK PING");
}
