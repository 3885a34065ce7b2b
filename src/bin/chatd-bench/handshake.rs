//! TLS handshake storm: C connections to the TLS listener, K at once, each doing the whole
//! handshake, reading HELLO and closing, while two plaintext clients chat at a fixed rate (a
//! message every 2 ms); reports handshakes/s, handshake latency, and the chat latency before
//! and during the storm. The generator does not check the server's certificate (its cost is
//! the client's, not the server's).

use crate::login::chat_probe;
use crate::stats::{CpuMeter, Histogram};
use crate::{Report, Setup};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn run(setup: &Setup, tls: SocketAddr, count: usize, inflight: usize) -> io::Result<Report> {
    let stop = Arc::new(AtomicBool::new(false));
    let probe = chat_probe(setup, stop.clone())?;
    std::thread::sleep(Duration::from_secs(1)); // the baseline: chat alone
    stop.store(true, Ordering::SeqCst);
    let quiet = probe.join().expect("probe thread")?;
    let stop = Arc::new(AtomicBool::new(false));
    let probe = chat_probe(setup, stop.clone())?;
    let cpu = CpuMeter::start(&setup.pid);
    let started = Instant::now();
    let (latency, failures) = storm(tls, count, inflight);
    let elapsed = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let chat = probe.join().expect("probe thread")?;
    let (server_cpu, _) = cpu.used();
    let mut r = Report::new("handshake", &format!("TLS C={count} K={inflight}"));
    r.num("handshakes_per_s", count as f64 / elapsed);
    r.num("failures", failures as f64);
    r.num("handshake_p50_ms", latency.quantile_ms(0.5));
    r.num("handshake_p99_ms", latency.quantile_ms(0.99));
    r.num("chat_before_p99_ms", quiet.quantile_ms(0.99));
    r.num("chat_p50_ms", chat.quantile_ms(0.5));
    r.num("chat_p99_ms", chat.quantile_ms(0.99));
    r.num("chat_max_ms", chat.max_ms());
    r.num("chat_samples", chat.count() as f64);
    r.num(
        "server_cpu_ms_per_handshake",
        server_cpu * 1000.0 / count as f64,
    );
    Ok(r)
}

/// `count` handshakes on `inflight` threads; their latencies (connect to HELLO) and failures.
fn storm(addr: SocketAddr, count: usize, inflight: usize) -> (Histogram, usize) {
    let config = client_config();
    let next = Arc::new(AtomicUsize::new(0));
    let results: Arc<Mutex<Vec<Option<Duration>>>> = Arc::default();
    let threads: Vec<_> = (0..inflight.max(1))
        .map(|_| {
            let (config, next, results) = (config.clone(), next.clone(), results.clone());
            std::thread::spawn(move || {
                while next.fetch_add(1, Ordering::SeqCst) < count {
                    let started = Instant::now();
                    let done = handshake(addr, config.clone()).ok();
                    let took = done.map(|()| started.elapsed());
                    results.lock().unwrap().push(took);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("storm thread");
    }
    let mut h = Histogram::default();
    let mut failures = 0;
    for took in results.lock().unwrap().iter() {
        match took {
            Some(d) => h.record(*d),
            None => failures += 1,
        }
    }
    (h, failures)
}

/// Connect, handshake, read HELLO, say close_notify, close.
fn handshake(addr: SocketAddr, config: Arc<ClientConfig>) -> io::Result<()> {
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    let name = ServerName::try_from("localhost").unwrap();
    let conn = ClientConnection::new(config, name).map_err(io::Error::other)?;
    let mut reader = BufReader::new(rustls::StreamOwned::new(conn, tcp));
    let mut hello = String::new();
    reader.read_line(&mut hello)?;
    if !hello.starts_with("HELLO ") {
        return Err(io::Error::other(format!("no HELLO: {hello:?}")));
    }
    let stream = reader.get_mut();
    stream.conn.send_close_notify();
    stream.flush()
}

fn client_config() -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(NoCheck))
        .with_no_client_auth();
    Arc::new(config)
}

/// Accepts any certificate: the bench measures the server, not the check.
#[derive(Debug)]
struct NoCheck;

impl ServerCertVerifier for NoCheck {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider()
            .signature_verification_algorithms
            .supported_schemes()
    }
}
