//! TLS inspection: one handshake with rustls, the certificate chain verified
//! against the bundled Mozilla roots (plus `--cacert`) and recorded, but never
//! trusted: the verifier notes its verdict and lets the handshake finish, so an
//! expired or self-signed certificate can still be read and reported. Nothing
//! is sent over the connection; it is closed right after the handshake.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
use x509_parser::public_key::PublicKey;

/// One certificate of the chain the server sent.
#[derive(Debug, Clone, PartialEq)]
pub struct CertInfo {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// DNS names and IP addresses it covers (leaf).
    pub names: Vec<String>,
    /// Not valid before (Unix seconds).
    pub not_before: i64,
    /// Not valid after (Unix seconds).
    pub not_after: i64,
    /// Whole days until `not_after` (negative when expired).
    pub days_left: i64,
    /// Signature algorithm, by name when known.
    pub signature: String,
    /// Signed with SHA-1.
    pub sha1: bool,
    /// Key type and size (`RSA 2048`, `EC`).
    pub key: String,
    /// RSA modulus bits, when RSA.
    pub rsa_bits: Option<usize>,
    /// Subject equals issuer.
    pub self_signed: bool,
}

/// What the handshake showed.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsFacts {
    /// `TLSv1.3` / `TLSv1.2`; `None` when the handshake failed.
    pub version: Option<String>,
    /// Negotiated cipher suite.
    pub cipher: Option<String>,
    /// Handshake time.
    pub handshake_ms: f64,
    /// The chain as sent, leaf first.
    pub chain: Vec<CertInfo>,
    /// `None` when the chain verified for the host name; otherwise why not.
    pub untrusted: Option<String>,
    /// Verified only thanks to `--cacert`.
    pub private_ca: bool,
    /// The handshake itself failed (no shared protocol version, reset…).
    pub handshake_error: Option<String>,
}

impl TlsFacts {
    /// Whether the chain verified.
    pub fn trusted(&self) -> bool {
        self.handshake_error.is_none() && self.untrusted.is_none()
    }

    /// The leaf certificate.
    pub fn leaf(&self) -> Option<&CertInfo> {
        self.chain.first()
    }
}

/// Records the real verifier's verdict and lets the handshake go on.
#[derive(Debug)]
struct Recorder {
    public: Arc<WebPkiServerVerifier>,
    private: Option<Arc<WebPkiServerVerifier>>,
    verdict: Mutex<Option<(Result<(), String>, bool)>>,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let public = self.public.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let verdict = match (public, &self.private) {
            (Ok(_), _) => (Ok(()), false),
            (Err(e), Some(private)) => {
                match private.verify_server_cert(
                    end_entity,
                    intermediates,
                    server_name,
                    ocsp_response,
                    now,
                ) {
                    Ok(_) => (Ok(()), true),
                    Err(_) => (Err(describe(&e)), false),
                }
            }
            (Err(e), None) => (Err(describe(&e)), false),
        };
        if let Ok(mut v) = self.verdict.lock() {
            *v = Some(verdict);
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.public.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.public.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.public.supported_verify_schemes()
    }
}

/// Why a chain did not verify, in words.
fn describe(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "the certificate has expired".to_string()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "the certificate is not valid yet".to_string()
            }
            CertificateError::UnknownIssuer => {
                "the chain does not lead to a trusted root (self-signed or unknown CA)".to_string()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "the certificate does not cover this host name".to_string()
            }
            CertificateError::BadSignature => "a signature in the chain is invalid".to_string(),
            CertificateError::Revoked => "the certificate is revoked".to_string(),
            CertificateError::BadEncoding => "the certificate cannot be parsed".to_string(),
            other => format!("{other:?}"),
        },
        other => other.to_string(),
    }
}

/// Root certificates from a PEM file given with `--cacert`.
pub fn load_pem_roots(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem).collect();
    let certs = certs.map_err(|e| format!("not a PEM certificate file: {e}"))?;
    if certs.is_empty() {
        return Err("no certificate in the file".to_string());
    }
    Ok(certs)
}

fn verifier(
    roots: RootCertStore,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, String> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| e.to_string())
}

/// Performs one handshake with `host` at `addr` and reads the certificates.
pub fn inspect(
    addr: SocketAddr,
    host: &str,
    extra_roots: &[CertificateDer<'static>],
    timeout: Duration,
) -> Result<TlsFacts, String> {
    // ring, as ureq uses: no C toolchain beyond cc. Its missing post-quantum key
    // exchange does not matter for reading a certificate chain.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let public = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let private = if extra_roots.is_empty() {
        None
    } else {
        let mut store = RootCertStore::empty();
        for c in extra_roots {
            store.add(c.clone()).map_err(|e| format!("--cacert: {e}"))?;
        }
        Some(verifier(store, &provider)?)
    };
    let recorder = Arc::new(Recorder {
        public: verifier(public, &provider)?,
        private,
        verdict: Mutex::new(None),
    });
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| format!("`{host}` is not a valid TLS server name"))?;
    let mut conn =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    let mut tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    let _ = tcp.set_read_timeout(Some(timeout));
    let _ = tcp.set_write_timeout(Some(timeout));
    let started = Instant::now();
    let mut handshake_error = None;
    while conn.is_handshaking() {
        if started.elapsed() > timeout {
            handshake_error = Some("handshake timed out".to_string());
            break;
        }
        if let Err(e) = conn.complete_io(&mut tcp) {
            handshake_error = Some(handshake_failure(&e));
            break;
        }
    }
    let handshake_ms = started.elapsed().as_secs_f64() * 1000.0;
    let chain: Vec<CertInfo> = conn
        .peer_certificates()
        .unwrap_or_default()
        .iter()
        .filter_map(|c| cert_info(c.as_ref()))
        .collect();
    let verdict = recorder.verdict.lock().ok().and_then(|mut v| v.take());
    let (untrusted, private_ca) = match verdict {
        Some((Ok(()), private)) => (None, private),
        Some((Err(e), _)) => (Some(e), false),
        None => (None, false),
    };
    let version = if handshake_error.is_none() {
        conn.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
            rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
            other => format!("{other:?}"),
        })
    } else {
        None
    };
    let cipher = conn
        .negotiated_cipher_suite()
        .map(|s| format!("{:?}", s.suite()));
    conn.send_close_notify();
    let _ = conn.write_tls(&mut tcp);
    let _ = tcp.flush();
    Ok(TlsFacts {
        version,
        cipher,
        handshake_ms,
        chain,
        untrusted,
        private_ca,
        handshake_error,
    })
}

fn handshake_failure(e: &std::io::Error) -> String {
    let text = e.to_string();
    if text.contains("ProtocolVersion") || text.contains("PeerIncompatible") {
        "the server offers neither TLS 1.3 nor TLS 1.2".to_string()
    } else if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut
    {
        "handshake timed out".to_string()
    } else {
        format!("handshake failed: {text}")
    }
}

/// Reads the facts the report needs from a DER certificate.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    let (_, cert) = X509Certificate::from_der(der).ok()?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    let mut names = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push((*d).to_string()),
                GeneralName::IPAddress(b) => names.push(ip_text(b)),
                _ => {}
            }
        }
    }
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    let (signature, sha1) = match oid.as_str() {
        "1.2.840.113549.1.1.11" => ("sha256WithRSAEncryption".to_string(), false),
        "1.2.840.113549.1.1.12" => ("sha384WithRSAEncryption".to_string(), false),
        "1.2.840.113549.1.1.13" => ("sha512WithRSAEncryption".to_string(), false),
        "1.2.840.113549.1.1.10" => ("RSASSA-PSS".to_string(), false),
        "1.2.840.10045.4.3.2" => ("ecdsa-with-SHA256".to_string(), false),
        "1.2.840.10045.4.3.3" => ("ecdsa-with-SHA384".to_string(), false),
        "1.3.101.112" => ("Ed25519".to_string(), false),
        "1.2.840.113549.1.1.5" => ("sha1WithRSAEncryption".to_string(), true),
        "1.2.840.10045.4.1" => ("ecdsa-with-SHA1".to_string(), true),
        "1.2.840.113549.1.1.4" => ("md5WithRSAEncryption".to_string(), true),
        _ => (oid.clone(), false),
    };
    let (key, rsa_bits) = match cert.public_key().parsed() {
        Ok(PublicKey::RSA(rsa)) => {
            let bits = rsa.key_size();
            (format!("RSA {bits}"), Some(bits))
        }
        Ok(PublicKey::EC(_)) => ("EC".to_string(), None),
        Ok(_) => ("other".to_string(), None),
        Err(_) => {
            // Ed25519 and friends are not parsed by x509-parser's PublicKey.
            ("other".to_string(), None)
        }
    };
    let subject = cert.subject().to_string();
    let issuer = cert.issuer().to_string();
    Some(CertInfo {
        self_signed: subject == issuer,
        subject,
        issuer,
        names,
        not_before,
        not_after,
        days_left: (not_after - now).div_euclid(86_400),
        signature,
        sha1,
        key,
        rsa_bits,
    })
}

fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => String::new(),
    }
}
