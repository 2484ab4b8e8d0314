//! The test PKI in `tests/support/tls/`: a CA (its key thrown away) and two server
//! certificates it signed, valid until 2126, for the TLS-speaking SMTP sink.

use std::sync::Arc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Which certificate the sink presents (signed by `tests/support/tls/ca.pem`).
#[derive(Clone, Copy, Debug)]
pub enum Identity {
    /// Names `localhost` and 127.0.0.1.
    Localhost,
    /// Names only `mail.elsewhere.test`.
    Elsewhere,
}

/// The path of a file in `tests/support/tls/`.
pub fn tls_file(name: &str) -> String {
    format!("{}/tests/support/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub fn acceptor(identity: Identity) -> TlsAcceptor {
    let name = match identity {
        Identity::Localhost => "localhost",
        Identity::Elsewhere => "elsewhere",
    };
    let certs = CertificateDer::pem_file_iter(tls_file(&format!("{name}.pem")))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(tls_file(&format!("{name}.key"))).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    TlsAcceptor::from(Arc::new(config))
}
