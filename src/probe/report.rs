//! What a probe found: per endpoint results, TLS facts, metrics summary and
//! findings. Renderers read this; machine formats serialize their own structs
//! (`render::json`), so this model may change without breaking the contract.

use crate::finding::Severity;

use super::checks::Check;
use super::metrics::MetricsSummary;
use super::tls::TlsFacts;

/// What an endpoint is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Liveness.
    Health,
    /// Readiness.
    Ready,
    /// Prometheus metrics.
    Metrics,
    /// Asked for with `--path`, role unknown.
    Other,
}

impl Role {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Health => "health",
            Role::Ready => "readiness",
            Role::Metrics => "metrics",
            Role::Other => "other",
        }
    }
}

/// A place in the repository that registers a route.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodeRef {
    /// Repository-relative path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
}

/// Why a path was probed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// Registered in the code at this place.
    Code(CodeRef),
    /// A conventional path (`/healthz`).
    Convention,
    /// Given with `--path`.
    Flag,
}

/// Latency of the samples of one endpoint, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Latency {
    /// Each request, in order.
    pub samples_ms: Vec<f64>,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile (nearest rank).
    pub p95_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

impl Latency {
    /// Summarises samples; `None` when there are none.
    pub fn from_samples(samples_ms: Vec<f64>) -> Option<Latency> {
        if samples_ms.is_empty() {
            return None;
        }
        let mut sorted = samples_ms.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let r = (p * sorted.len() as f64).ceil() as usize;
            sorted[r.clamp(1, sorted.len()) - 1]
        };
        Some(Latency {
            p50_ms: rank(0.50),
            p95_ms: rank(0.95),
            max_ms: sorted[sorted.len() - 1],
            samples_ms,
        })
    }
}

/// What a health or readiness body says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BodyShape {
    /// `json`, `text`, `html`, `empty`, `binary`.
    pub kind: &'static str,
    /// Body size in bytes (of the first answer).
    pub bytes: usize,
    /// A top-level status field and its value (`status: "ok"`).
    pub status_field: Option<(String, String)>,
    /// Dependencies the body reports on, with their state (`db: up`).
    pub dependencies: Vec<(String, String)>,
    /// Whether every sample returned the same body.
    pub constant: bool,
}

/// The result of one probed path.
#[derive(Debug, Clone)]
pub struct EndpointResult {
    /// What it is for.
    pub role: Role,
    /// Path probed (with the base URL's path in front).
    pub path: String,
    /// Full URL.
    pub url: String,
    /// Why it was probed.
    pub origins: Vec<Origin>,
    /// Status of the first answer (after same-origin redirects).
    pub status: Option<u16>,
    /// Transport error, when nothing usable came back.
    pub error: Option<String>,
    /// Content type of the answer.
    pub content_type: Option<String>,
    /// Latency over the samples.
    pub latency: Option<Latency>,
    /// Shape of the body (health and readiness).
    pub body: Option<BodyShape>,
    /// A redirect to another origin that was not followed.
    pub redirect: Option<String>,
    /// Same-origin redirects followed to get here.
    pub followed: Vec<String>,
}

impl EndpointResult {
    /// Answered with a 2xx status.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// Something answered (any HTTP status other than 404/405/410) — the route exists.
    pub fn exists(&self) -> bool {
        self.status.is_some_and(|s| !matches!(s, 404 | 405 | 410))
    }

    /// The code place that registers this route, if any.
    pub fn code(&self) -> Option<&CodeRef> {
        self.origins.iter().find_map(|o| match o {
            Origin::Code(c) => Some(c),
            _ => None,
        })
    }
}

/// One problem seen on the live service.
#[derive(Debug, Clone)]
pub struct ProbeFinding {
    /// The check.
    pub check: &'static Check,
    /// Severity (the check's default, or what the evidence raised/lowered it to).
    pub severity: Severity,
    /// What is wrong here.
    pub message: String,
    /// The URL that shows it.
    pub url: String,
    /// The code line to change, when the problem is tied to a route in the code.
    pub code: Option<CodeRef>,
    /// Other URLs or lines that show the same problem.
    pub related: Vec<String>,
}

impl ProbeFinding {
    /// A finding at the check's default severity.
    pub fn new(check: &'static Check, url: impl Into<String>, message: impl Into<String>) -> Self {
        ProbeFinding {
            check,
            severity: check.severity,
            message: message.into(),
            url: url.into(),
            code: None,
            related: Vec::new(),
        }
    }

    /// Overrides the severity.
    pub fn at(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Attaches the code place.
    pub fn in_code(mut self, code: Option<&CodeRef>) -> Self {
        self.code = code.cloned();
        self
    }

    /// Adds related locations.
    pub fn with_related(mut self, related: Vec<String>) -> Self {
        self.related = related;
        self
    }
}

/// The whole probe.
#[derive(Debug, Clone)]
pub struct ProbeReport {
    /// The base URL as probed (normalised, no credentials or query).
    pub base_url: String,
    /// The socket address that answered.
    pub address: Option<String>,
    /// TCP connect time.
    pub connect_ms: Option<f64>,
    /// TLS facts (https only).
    pub tls: Option<TlsFacts>,
    /// Requests over a connection whose certificate was not trusted.
    pub unverified_tls: bool,
    /// Every probed endpoint, health first.
    pub endpoints: Vec<EndpointResult>,
    /// The metrics page, parsed.
    pub metrics: Option<MetricsSummary>,
    /// Findings, most severe first.
    pub findings: Vec<ProbeFinding>,
    /// What the answers prove.
    pub proven: Vec<String>,
    /// What they cannot prove.
    pub not_proven: Vec<String>,
    /// HTTP requests sent (TLS inspection handshakes included).
    pub requests: usize,
    /// Requests left out because a budget (count or time) ran out.
    pub skipped: usize,
}

impl ProbeReport {
    /// The best answering endpoint of a role: 2xx first, then any that exists.
    pub fn best(&self, role: Role) -> Option<&EndpointResult> {
        let of_role = || self.endpoints.iter().filter(move |e| e.role == role);
        of_role()
            .find(|e| e.ok())
            .or_else(|| of_role().find(|e| e.exists()))
    }

    /// Sorts findings: severity (most severe first), check, URL.
    pub fn sort(&mut self) {
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.check.id.cmp(b.check.id))
                .then_with(|| a.url.cmp(&b.url))
                .then_with(|| a.message.cmp(&b.message))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let l =
            Latency::from_samples(vec![5.0, 1.0, 3.0, 2.0, 4.0]).unwrap_or_else(|| unreachable!());
        assert_eq!(l.p50_ms, 3.0);
        assert_eq!(l.p95_ms, 5.0);
        assert_eq!(l.max_ms, 5.0);
        let one = Latency::from_samples(vec![7.0]).unwrap_or_else(|| unreachable!());
        assert_eq!((one.p50_ms, one.p95_ms), (7.0, 7.0));
        assert!(Latency::from_samples(Vec::new()).is_none());
    }
}
