//! The client's real connect path against a real server with a TLS listener.

use crate::{Net, connect};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::time::Duration;

/// A CA's PEM, and a server certificate and key for 127.0.0.1 signed by it.
fn certs() -> (String, String, String) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    (ca.pem(), leaf.pem(), key.serialize_pem())
}

fn temp_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("chatd-client-tls-{nanos}"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn server(dir: &Path) -> chatd::server::ServerHandle {
    let (ca, cert, key) = certs();
    std::fs::write(dir.join("ca.pem"), ca).unwrap();
    std::fs::write(dir.join("cert.pem"), cert).unwrap();
    std::fs::write(dir.join("key.pem"), key).unwrap();
    let mut c = chatd::config::Config::default();
    c.server.listen = "127.0.0.1:0".into();
    c.server.tls_listen = Some("127.0.0.1:0".into());
    c.server.help_file = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/help.txt");
    c.storage.path = dir.join("chatd.sqlite3");
    c.auth.bcrypt_cost = 4;
    c.tls.cert = Some(dir.join("cert.pem"));
    c.tls.key = Some(dir.join("key.pem"));
    chatd::server::start(&c).unwrap()
}

#[test]
fn connects_over_tls_with_a_ca_file_and_refuses_an_unknown_server() {
    let dir = temp_dir();
    let s = server(&dir);
    let tls_addr = s.tls_addr().unwrap().to_string();
    let ca = dir.join("ca.pem");
    let (tx, rx) = channel();
    let mut conn = connect(&tls_addr, Some(Some(&ca)), 1, tx.clone()).expect("TLS connect");
    conn.send("PING over-tls").unwrap();
    match rx.recv_timeout(Duration::from_secs(10)).unwrap() {
        Net::Line(1, line) => assert_eq!(line, "OK PING over-tls"),
        _ => panic!("no reply over TLS"),
    }
    // a CA that did not sign the server's certificate
    let (other_ca, _, _) = certs();
    let other = dir.join("other-ca.pem");
    std::fs::write(&other, other_ca).unwrap();
    let err = connect(&tls_addr, Some(Some(&other)), 2, tx.clone())
        .err()
        .expect("an unknown issuer is refused");
    assert!(
        err.to_string().contains("invalid peer certificate"),
        "{err}"
    );
    // TLS to the plaintext port fails instead of hanging
    let plain = s.addr().to_string();
    assert!(connect(&plain, Some(Some(&ca)), 3, tx).is_err());
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}
