//! The only network code in harden: GET requests to the one target origin,
//! through ureq with no proxy, no automatic redirects (same-origin ones are
//! followed here, by hand), a per-request timeout, a body size limit, a cap on
//! the number of requests and an overall deadline.

use std::io::Read;
use std::time::{Duration, Instant};

use rustls::pki_types::CertificateDer;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use super::target::Target;

/// Same-origin redirects followed per request.
const MAX_HOPS: usize = 3;

/// How the data connections treat the server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Mozilla's roots (the chain verified against them).
    Public,
    /// Only the `--cacert` roots (the chain verified against them).
    Private,
    /// Not verified: the chain did not verify, the report says so.
    Unverified,
}

/// Limits on what the probe may send.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Per request, connect to last body byte.
    pub timeout: Duration,
    /// Requests in all (redirect hops included).
    pub max_requests: usize,
    /// Wall time for the whole probe.
    pub deadline: Duration,
    /// Bytes of body kept per response.
    pub body_limit: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(5),
            max_requests: 100,
            deadline: Duration::from_secs(60),
            body_limit: 4 * 1024 * 1024,
        }
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The URL that finally answered.
    pub url: String,
    /// HTTP status.
    pub status: u16,
    /// Headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// Body, up to the limit.
    pub body: Vec<u8>,
    /// The body was longer than the limit.
    pub truncated: bool,
    /// Request sent to last byte read, in milliseconds (redirect hops included).
    pub elapsed_ms: f64,
    /// Same-origin redirects followed.
    pub followed: Vec<String>,
    /// A redirect to another origin, not followed (the 3xx is the answer).
    pub offorigin_redirect: Option<String>,
}

impl Exchange {
    /// First value of a header (name lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The media type, lower-cased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|c| {
            c.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
    }
}

/// Why a request gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// Connection refused or reset.
    Refused(String),
    /// No answer within the timeout.
    Timeout,
    /// The request or time budget is spent; nothing was sent.
    Budget,
    /// Anything else (protocol error, TLS failure…).
    Other(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Refused(e) => write!(f, "connection refused ({e})"),
            FetchError::Timeout => f.write_str("no answer within the timeout"),
            FetchError::Budget => f.write_str("not sent: request or time budget spent"),
            FetchError::Other(e) => f.write_str(e),
        }
    }
}

/// A client bound to one origin, counting what it sends.
pub struct Client {
    agent: ureq::Agent,
    target: Target,
    limits: Limits,
    started: Instant,
    /// Requests sent so far.
    pub sent: usize,
    /// Requests not sent because a budget ran out.
    pub skipped: usize,
}

impl Client {
    /// A client for `target`. `already_sent` counts requests made before (the
    /// TLS inspection handshake) against the same budget.
    pub fn new(
        target: &Target,
        limits: Limits,
        trust: Trust,
        private_roots: &[CertificateDer<'static>],
        already_sent: usize,
    ) -> Client {
        let tls = match trust {
            Trust::Public => TlsConfig::builder().build(),
            Trust::Private => TlsConfig::builder()
                .root_certs(RootCerts::new_with_certs(
                    &private_roots
                        .iter()
                        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
                        .collect::<Vec<_>>(),
                ))
                .build(),
            Trust::Unverified => TlsConfig::builder().disable_verification(true).build(),
        };
        let config = ureq::Agent::config_builder()
            .proxy(None)
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(limits.timeout))
            .user_agent(format!("harden-probe/{}", env!("CARGO_PKG_VERSION")))
            .tls_config(tls)
            .build();
        Client {
            agent: config.into(),
            target: target.clone(),
            limits,
            started: Instant::now(),
            sent: already_sent,
            skipped: 0,
        }
    }

    fn budget_left(&self) -> bool {
        self.sent < self.limits.max_requests && self.started.elapsed() < self.limits.deadline
    }

    /// GETs `url` (which must be on the target origin), following same-origin
    /// redirects, with extra request headers.
    pub fn get(&mut self, url: &str, headers: &[(&str, &str)]) -> Result<Exchange, FetchError> {
        let started = Instant::now();
        let mut current = url.to_string();
        let mut followed = Vec::new();
        loop {
            if !self.budget_left() {
                self.skipped += 1;
                return Err(FetchError::Budget);
            }
            self.sent += 1;
            let mut req = self.agent.get(&current);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            let mut resp = match req.call() {
                Ok(r) => r,
                Err(e) => return Err(classify(e)),
            };
            let status = resp.status().as_u16();
            let hdrs: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            if (300..400).contains(&status) && status != 304 {
                let location = hdrs
                    .iter()
                    .find(|(k, _)| k == "location")
                    .map(|(_, v)| v.clone());
                if let Some((next, same)) = location
                    .as_deref()
                    .and_then(|l| self.target.resolve_location(&current, l))
                {
                    if same && followed.len() < MAX_HOPS {
                        followed.push(next.clone());
                        current = next;
                        continue;
                    }
                    if !same {
                        let mut ex = self.finish(current, status, hdrs, Vec::new(), false, started);
                        ex.followed = followed;
                        ex.offorigin_redirect = Some(next);
                        return Ok(ex);
                    }
                }
            }
            let (body, truncated) = read_body(resp.body_mut(), self.limits.body_limit)?;
            let mut ex = self.finish(current, status, hdrs, body, truncated, started);
            ex.followed = followed;
            return Ok(ex);
        }
    }

    fn finish(
        &self,
        url: String,
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        truncated: bool,
        started: Instant,
    ) -> Exchange {
        Exchange {
            url,
            status,
            headers,
            body,
            truncated,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            followed: Vec::new(),
            offorigin_redirect: None,
        }
    }
}

fn read_body(body: &mut ureq::Body, limit: usize) -> Result<(Vec<u8>, bool), FetchError> {
    let mut buf = Vec::new();
    let reader = body.with_config().limit(u64::MAX).reader();
    let mut taken = reader.take(limit as u64 + 1);
    taken.read_to_end(&mut buf).map_err(|e| {
        if e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timeout") {
            FetchError::Timeout
        } else {
            FetchError::Other(format!("reading the body: {e}"))
        }
    })?;
    let truncated = buf.len() > limit;
    buf.truncate(limit);
    Ok((buf, truncated))
}

fn classify(e: ureq::Error) -> FetchError {
    match e {
        ureq::Error::Timeout(_) => FetchError::Timeout,
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted => FetchError::Refused(io.to_string()),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => FetchError::Timeout,
            _ => FetchError::Other(io.to_string()),
        },
        ureq::Error::ConnectionFailed => FetchError::Refused("connection failed".to_string()),
        other => FetchError::Other(other.to_string()),
    }
}
