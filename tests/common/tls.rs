//! TLS for tests: a certificate authority made with rcgen (nothing is committed), certificates
//! written into a test's folder, a server with a TLS listener, and clients that trust the CA.

use super::{READ_TIMEOUT, TestClient, TestServer};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A test client's socket: plaintext, or TLS over it.
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(s) => s,
            Stream::Tls(s) => s.get_ref(),
        }
    }

    /// The server's certificate (DER), for a TLS stream.
    pub fn peer_cert(&self) -> Option<Vec<u8>> {
        match self {
            Stream::Plain(_) => None,
            Stream::Tls(s) => s.conn.peer_certificates().map(|c| c[0].to_vec()),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A certificate authority of the test's own.
pub struct TestCa {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A server certificate for localhost and 127.0.0.1, signed by a `TestCa`.
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
    pub der: Vec<u8>,
}

impl TestCa {
    pub fn new() -> TestCa {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        TestCa { issuer }
    }

    /// The CA certificate, PEM.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A new server certificate (each has its own key and serial).
    pub fn leaf(&self) -> Leaf {
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &self.issuer)
            .unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        }
    }

    /// A client config that trusts this CA only.
    pub fn client_config(&self) -> Arc<ClientConfig> {
        let mut roots = RootCertStore::empty();
        roots.add(self.issuer.der().clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(config)
    }

    /// Connects over TLS to `addr` and reads HELLO.
    pub fn connect(&self, addr: SocketAddr) -> TestClient {
        TestClient::over(self.stream(addr))
    }

    /// A TLS stream to `addr` (the handshake happens at the first read or write).
    pub fn stream(&self, addr: SocketAddr) -> Stream {
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(READ_TIMEOUT)).unwrap();
        let name = ServerName::try_from("localhost").unwrap();
        let conn = ClientConnection::new(self.client_config(), name).unwrap();
        Stream::Tls(Box::new(StreamOwned::new(conn, tcp)))
    }
}

impl Leaf {
    /// Writes `cert.pem` and `key.pem` into `dir`; returns their paths.
    pub fn write(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, &self.cert_pem).unwrap();
        std::fs::write(&key, &self.key_pem).unwrap();
        (cert, key)
    }
}

/// A server with a TLS listener too, its certificate signed by `ca`; returns it and the
/// certificate it serves.
pub fn tls_server(ca: &TestCa) -> (TestServer, Leaf) {
    let leaf = ca.leaf();
    let server = TestServer::with(|c| {
        let (cert, key) = leaf.write(c.storage.path.parent().unwrap());
        c.server.tls_listen = Some("127.0.0.1:0".into());
        c.tls.cert = Some(cert);
        c.tls.key = Some(key);
    });
    (server, leaf)
}

impl TestServer {
    /// The TLS listener's address.
    pub fn tls_addr(&self) -> SocketAddr {
        self.handle.as_ref().unwrap().tls_addr().unwrap()
    }

    /// A TLS client registered as `name` (password `password-<name>`).
    pub fn tls_user(&self, ca: &TestCa, name: &str) -> TestClient {
        let mut c = ca.connect(self.tls_addr());
        let pw = format!("password-{name}");
        c.ok(
            &format!("REGISTER {name} {pw} {pw}"),
            &format!("OK REGISTER {name}"),
        );
        c
    }
}
