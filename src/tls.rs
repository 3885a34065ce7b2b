//! TLS settings: reading `[tls] cert` and `key` into a rustls `ServerConfig`.
//!
//! Called off the event loop (at start-up, and on the signal thread for SIGHUP); the loop only
//! swaps the `Arc` it is given, so a reload costs it nothing and live connections keep the
//! config they started with. TLS 1.2 and 1.3 with rustls' safe defaults and the `ring`
//! provider; no client certificates. A relative path is read from `$CREDENTIALS_DIRECTORY`
//! when that is set (systemd `LoadCredential=`), else from the working directory.

use crate::config::TlsConfig;
use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Loads the chain and key named by `[tls]`; the error says which file and why.
pub fn load(config: &TlsConfig) -> Result<Arc<ServerConfig>, String> {
    let (Some(cert), Some(key)) = (&config.cert, &config.key) else {
        return Err("tls.cert and tls.key must both be set".into());
    };
    let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from);
    let cert = resolve(cert, credentials.as_deref());
    let key = resolve(key, credentials.as_deref());
    let chain = read_chain(&cert)?;
    let key = read_key(&key)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let built = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("{}: does not go with the key: {e}", cert.display()))?;
    Ok(Arc::new(built))
}

/// Where a configured path is read from.
pub fn resolve(path: &Path, credentials: Option<&Path>) -> PathBuf {
    match credentials {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path.to_owned(),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let pem = read(path)?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: not a PEM certificate chain: {e}", path.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no CERTIFICATE in it", path.display()));
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    let pem = read(path)?;
    PrivateKeyDer::from_pem_slice(&pem)
        .map_err(|e| format!("{}: not a PEM private key: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_come_from_the_credentials_directory() {
        let creds = Path::new("/run/credentials/chatd.service");
        assert_eq!(
            resolve(Path::new("cert.pem"), Some(creds)),
            creds.join("cert.pem")
        );
        assert_eq!(
            resolve(Path::new("/etc/chatd/cert.pem"), Some(creds)),
            Path::new("/etc/chatd/cert.pem")
        );
        assert_eq!(resolve(Path::new("cert.pem"), None), Path::new("cert.pem"));
    }

    #[test]
    fn missing_files_say_which() {
        let config = TlsConfig {
            cert: Some("/nonexistent/cert.pem".into()),
            key: Some("/nonexistent/key.pem".into()),
        };
        let err = load(&config).unwrap_err();
        assert!(
            err.starts_with("/nonexistent/cert.pem: cannot read"),
            "{err}"
        );
    }
}
