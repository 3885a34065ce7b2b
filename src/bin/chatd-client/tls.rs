//! The client's socket: plain TCP, or TLS through rustls (ring) shared by the reader thread and
//! the main loop.
//!
//! The reader thread blocks on the TCP socket without the lock, then feeds the bytes to the
//! shared `ClientConnection` and writes whatever rustls answers (handshake, alerts); the main
//! loop writes lines through the same connection under the same lock. Servers are checked
//! against `--ca FILE` when given, else the system's roots (rustls-native-certs).

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A connection's writing half.
pub enum Conn {
    Plain(TcpStream),
    Tls(Arc<Mutex<ClientConnection>>, TcpStream),
}

impl Conn {
    /// Sends one line (LF added).
    pub fn send(&mut self, line: &str) -> io::Result<()> {
        let bytes = format!("{line}\n");
        match self {
            Conn::Plain(s) => s.write_all(bytes.as_bytes()),
            Conn::Tls(tls, tcp) => {
                let mut tls = tls.lock().unwrap();
                tls.writer().write_all(bytes.as_bytes())?;
                write_pending(&mut tls, tcp)
            }
        }
    }
}

/// The reading half of a TLS connection.
pub struct TlsReader {
    tls: Arc<Mutex<ClientConnection>>,
    tcp: TcpStream,
    buf: Vec<u8>,
}

impl Read for TlsReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.tls.lock().unwrap().reader().read(out) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                other => return other,
            }
            let n = self.tcp.read(&mut self.buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut tls = self.tls.lock().unwrap();
            let mut bytes = &self.buf[..n];
            while !bytes.is_empty() {
                tls.read_tls(&mut bytes)?;
                tls.process_new_packets().map_err(io::Error::other)?;
            }
            write_pending(&mut tls, &self.tcp)?;
        }
    }
}

fn write_pending(tls: &mut ClientConnection, mut tcp: &TcpStream) -> io::Result<()> {
    while tls.wants_write() {
        tls.write_tls(&mut tcp)?;
    }
    Ok(())
}

/// Starts TLS on a connected socket (sends the ClientHello); the handshake goes on as the
/// reader reads.
pub fn start(
    tcp: TcpStream,
    host: &str,
    config: Arc<ClientConfig>,
) -> io::Result<(Conn, TlsReader)> {
    let name = ServerName::try_from(host.to_owned()).map_err(io::Error::other)?;
    let mut conn = ClientConnection::new(config, name).map_err(io::Error::other)?;
    write_pending(&mut conn, &tcp)?;
    let tls = Arc::new(Mutex::new(conn));
    let reader = TlsReader {
        tls: tls.clone(),
        tcp: tcp.try_clone()?,
        buf: vec![0; 16 * 1024],
    };
    Ok((Conn::Tls(tls, tcp), reader))
}

/// The host part of `host:port` or `[v6]:port`, for the certificate check.
pub fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    host.trim_start_matches('[').trim_end_matches(']')
}

/// A client config trusting the CA certificates in `ca` (PEM), or the system's roots.
pub fn config(ca: Option<&Path>) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    match ca {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|i| i.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("{}: {e}", path.display()))?;
            roots.add_parsable_certificates(certs);
        }
        None => {
            let found = rustls_native_certs::load_native_certs();
            roots.add_parsable_certificates(found.certs);
        }
    }
    if roots.is_empty() {
        return Err("no CA certificate to check the server with (use --ca FILE)".into());
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_checked_without_port_or_brackets() {
        assert_eq!(host_of("chat.example.org:6697"), "chat.example.org");
        assert_eq!(host_of("127.0.0.1:6697"), "127.0.0.1");
        assert_eq!(host_of("[::1]:6697"), "::1");
    }
}
