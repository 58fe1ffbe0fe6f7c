//! One probe, start to end: is anything listening, the TLS handshake, one
//! request per candidate path, more samples of those that exist, one request
//! with a foreign `Origin` for CORS, then the findings and what was and was not
//! proven. Every request goes to the target origin and counts against the limits.

use std::net::{SocketAddr, TcpStream};
use std::time::Instant;

use rustls::pki_types::CertificateDer;

use super::checks;
use super::endpoints::{self, Candidate, RouteHint};
use super::headers::{self, PROBE_ORIGIN};
use super::health;
use super::http::{Client, Exchange, FetchError, Limits, Trust};
use super::metrics;
use super::report::{CodeRef, EndpointResult, Latency, ProbeFinding, ProbeReport, Role};
use super::target::{Scheme, Target};
use super::tls::{self, TlsFacts};
use crate::finding::Severity;

/// What Prometheus asks for when it scrapes.
const METRICS_ACCEPT: &str =
    "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// A health or readiness p95 above this fails Kubernetes' default 1 s probe timeout.
const SLOW_PROBE_MS: f64 = 1000.0;
/// A metrics p95 above this is half of Prometheus' default 10 s scrape timeout.
const SLOW_SCRAPE_MS: f64 = 5000.0;

/// What to probe and how hard.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Timeouts and budgets.
    pub limits: Limits,
    /// Requests per existing endpoint, for latency.
    pub samples: usize,
    /// Extra paths (`--path`).
    pub paths: Vec<String>,
    /// Routes from the code.
    pub hints: Vec<RouteHint>,
    /// Also try the conventional paths.
    pub conventional: bool,
    /// Extra trusted roots (`--cacert`).
    pub cacert: Vec<CertificateDer<'static>>,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            limits: Limits::default(),
            samples: 5,
            paths: Vec::new(),
            hints: Vec::new(),
            conventional: true,
            cacert: Vec::new(),
        }
    }
}

/// Why a probe could not run at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeError(pub String);

impl std::fmt::Display for ProbeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Probes `target`. Errs only when nothing can be asked at all (the name does
/// not resolve, nothing listens); everything else is in the report.
pub fn probe(target: &Target, opts: &ProbeOptions) -> Result<ProbeReport, ProbeError> {
    let addrs = target.addresses().map_err(ProbeError)?;
    let (addr, connect_ms) = connect(target, &addrs, &opts.limits)?;
    let mut report = ProbeReport {
        base_url: target.base_url(),
        address: Some(addr.to_string()),
        connect_ms: Some(connect_ms),
        tls: None,
        unverified_tls: false,
        endpoints: Vec::new(),
        metrics: None,
        findings: Vec::new(),
        proven: vec![format!(
            "something listens on {addr} (TCP connect in {connect_ms:.1} ms)"
        )],
        not_proven: Vec::new(),
        requests: 0,
        skipped: 0,
    };
    let mut sent = 0;
    let mut trust = Trust::Public;
    if target.scheme == Scheme::Https {
        let facts = tls::inspect(addr, &target.host, &opts.cacert, opts.limits.timeout)
            .map_err(|e| ProbeError(format!("TLS inspection of {}: {e}", target.origin())))?;
        sent += 1;
        tls_findings(&facts, target, &mut report);
        let failed = facts.handshake_error.is_some();
        trust = if facts.untrusted.is_some() {
            report.unverified_tls = true;
            Trust::Unverified
        } else if facts.private_ca {
            Trust::Private
        } else {
            Trust::Public
        };
        report.tls = Some(facts);
        if failed {
            report
                .not_proven
                .push("anything over HTTP: the TLS handshake failed".to_string());
            report.requests = sent;
            report.sort();
            return Ok(report);
        }
    } else {
        report.not_proven.push(
            "transport security: the service was probed over plain HTTP (no TLS to inspect)"
                .to_string(),
        );
    }
    let mut client = Client::new(target, opts.limits.clone(), trust, &opts.cacert, sent);
    let candidates = endpoints::candidates(&opts.hints, &opts.paths, opts.conventional);
    let mut answers: Vec<Exchange> = Vec::new();
    for cand in &candidates {
        let (result, first) = probe_endpoint(&mut client, target, cand, opts.samples);
        if let Some(first) = first {
            if result.exists() {
                answers.push(first.clone());
            }
            if cand.role == Role::Metrics && result.ok() && report.metrics.is_none() {
                let text = String::from_utf8_lossy(&first.body);
                let summary =
                    metrics::analyze(&text, first.header("content-type"), first.truncated);
                report
                    .findings
                    .extend(metrics::findings(&summary, &result.url, result.code()));
                report.metrics = Some(summary);
            }
        }
        report.endpoints.push(result);
    }
    // One request with a foreign Origin, at the base URL, for CORS and headers.
    let root_url = target.url_of(&target.path_of("/"));
    let cors = client.get(&root_url, &[("Origin", PROBE_ORIGIN)]).ok();
    let mut header_answers: Vec<&Exchange> = answers.iter().collect();
    if let Some(root) = cors.as_ref().filter(|r| r.status != 404) {
        header_answers.push(root);
    }
    report.findings.extend(headers::findings(
        target.scheme,
        &header_answers,
        cors.as_ref(),
    ));
    endpoint_findings(&mut report, target, opts.limits.timeout.as_secs_f64());
    statements(&mut report, target, opts);
    report.requests = client.sent;
    report.skipped = client.skipped;
    if report.skipped > 0 {
        report.not_proven.push(format!(
            "{} request(s) were not sent: the request or time budget ran out (--max-requests, --deadline)",
            report.skipped
        ));
    }
    report.sort();
    Ok(report)
}

fn connect(
    target: &Target,
    addrs: &[SocketAddr],
    limits: &Limits,
) -> Result<(SocketAddr, f64), ProbeError> {
    let mut errors = Vec::new();
    for addr in addrs {
        let started = Instant::now();
        match TcpStream::connect_timeout(addr, limits.timeout) {
            Ok(_) => return Ok((*addr, started.elapsed().as_secs_f64() * 1000.0)),
            Err(e) => errors.push(match e.kind() {
                std::io::ErrorKind::ConnectionRefused => format!("{addr}: connection refused"),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => format!(
                    "{addr}: no answer within {:.1} s",
                    limits.timeout.as_secs_f64()
                ),
                _ => format!("{addr}: {e}"),
            }),
        }
    }
    Err(ProbeError(format!(
        "nothing listens at {} ({}); is the service running?",
        target.origin(),
        errors.join("; ")
    )))
}

fn probe_endpoint(
    client: &mut Client,
    target: &Target,
    cand: &Candidate,
    samples: usize,
) -> (EndpointResult, Option<Exchange>) {
    let path = target.path_of(&cand.route);
    let url = target.url_of(&path);
    let accept: &[(&str, &str)] = if cand.role == Role::Metrics {
        &[("Accept", METRICS_ACCEPT)]
    } else {
        &[]
    };
    let mut result = EndpointResult {
        role: cand.role,
        path,
        url: url.clone(),
        origins: cand.origins.clone(),
        status: None,
        error: None,
        content_type: None,
        latency: None,
        body: None,
        redirect: None,
        followed: Vec::new(),
    };
    let first = match client.get(&url, accept) {
        Ok(ex) => ex,
        Err(e) => {
            result.error = Some(e.to_string());
            return (result, None);
        }
    };
    result.status = Some(first.status);
    result.content_type = first.header("content-type").map(str::to_string);
    result.redirect = first.offorigin_redirect.clone();
    result.followed = first.followed.clone();
    let mut times = vec![first.elapsed_ms];
    let mut bodies: Vec<Vec<u8>> = vec![first.body.clone()];
    if result.exists() && result.redirect.is_none() {
        for _ in 1..samples.max(1) {
            match client.get(&url, accept) {
                Ok(ex) => {
                    times.push(ex.elapsed_ms);
                    bodies.push(ex.body);
                }
                Err(FetchError::Budget) => break,
                Err(e) => {
                    result.error = Some(format!("a later request failed: {e}"));
                    break;
                }
            }
        }
    }
    result.latency = Latency::from_samples(times);
    if matches!(cand.role, Role::Health | Role::Ready) && result.exists() {
        let refs: Vec<&[u8]> = bodies.iter().map(Vec::as_slice).collect();
        result.body = Some(health::shape(first.media_type().as_deref(), &refs));
    }
    (result, Some(first))
}

fn tls_findings(facts: &TlsFacts, target: &Target, report: &mut ProbeReport) {
    let url = target.base_url();
    if let Some(err) = &facts.handshake_error {
        let sev = if err.contains("neither TLS 1.3 nor TLS 1.2") {
            Severity::High
        } else {
            Severity::Medium
        };
        report.findings.push(
            ProbeFinding::new(
                &checks::TLS_LEGACY,
                url.clone(),
                format!("TLS handshake failed: {err}"),
            )
            .at(sev),
        );
        return;
    }
    let leaf = facts.leaf();
    if let Some(why) = &facts.untrusted {
        let detail = leaf
            .map(|l| {
                format!(
                    " (subject {}, issuer {}, {})",
                    l.subject,
                    l.issuer,
                    expiry_words(l.days_left)
                )
            })
            .unwrap_or_default();
        report.findings.push(ProbeFinding::new(
            &checks::TLS_UNTRUSTED,
            url.clone(),
            format!("certificate not trusted: {why}{detail}"),
        ));
    }
    if let Some(l) = leaf {
        if (0..=30).contains(&l.days_left) {
            let sev = if l.days_left <= 7 {
                Severity::High
            } else {
                Severity::Medium
            };
            report.findings.push(
                ProbeFinding::new(
                    &checks::TLS_EXPIRING,
                    url.clone(),
                    format!("the certificate {}", expiry_words(l.days_left)),
                )
                .at(sev),
            );
        }
    }
    if facts.version.as_deref() == Some("TLSv1.2") {
        report.findings.push(
            ProbeFinding::new(
                &checks::TLS_LEGACY,
                url.clone(),
                "the server negotiated TLS 1.2 although TLS 1.3 was offered",
            )
            .at(Severity::Low),
        );
    }
    let weak: Vec<String> = facts
        .chain
        .iter()
        .filter(|c| !c.self_signed || facts.chain.len() == 1)
        .filter_map(|c| {
            if c.sha1 {
                Some(format!("{} is signed with {}", c.subject, c.signature))
            } else if c.rsa_bits.is_some_and(|b| b < 2048) {
                Some(format!(
                    "{} has a {}-bit RSA key",
                    c.subject,
                    c.rsa_bits.unwrap_or(0)
                ))
            } else {
                None
            }
        })
        .collect();
    if let Some((first, rest)) = weak.split_first() {
        report.findings.push(
            ProbeFinding::new(&checks::TLS_LEGACY, url, first.clone())
                .at(Severity::Medium)
                .with_related(rest.to_vec()),
        );
    }
}

fn expiry_words(days: i64) -> String {
    if days < 0 {
        format!("expired {} day(s) ago", -days)
    } else {
        format!("expires in {days} day(s)")
    }
}

fn endpoint_findings(report: &mut ProbeReport, target: &Target, timeout_s: f64) {
    let mut out = Vec::new();
    // Endpoints that never answered in time: too slow for any prober.
    let timed_out: Vec<&EndpointResult> = report
        .endpoints
        .iter()
        .filter(|e| e.role != Role::Other && e.status.is_none())
        .filter(|e| e.error.as_deref() == Some(FetchError::Timeout.to_string().as_str()))
        .collect();
    for e in timed_out {
        out.push(
            ProbeFinding::new(
                &checks::SLOW_ENDPOINT,
                e.url.clone(),
                format!("GET {} gave no answer within {timeout_s:.2} s", e.path),
            )
            .in_code(e.code()),
        );
    }
    // Routes in the code that the service does not serve, one finding per path.
    let mut code_refs: Vec<&CodeRef> = report
        .endpoints
        .iter()
        .filter_map(EndpointResult::code)
        .collect();
    code_refs.sort();
    code_refs.dedup();
    let mut unserved: Vec<(String, CodeRef, String, Vec<String>)> = Vec::new();
    for code in code_refs {
        let tried: Vec<&EndpointResult> = report
            .endpoints
            .iter()
            .filter(|e| {
                e.origins
                    .iter()
                    .any(|o| matches!(o, super::report::Origin::Code(c) if c == code))
            })
            .collect();
        if tried.iter().any(|e| e.exists()) {
            continue;
        }
        let Some(first) = tried.first() else { continue };
        let how = match (&first.status, &first.error) {
            (Some(s), _) => format!("answered {s}"),
            (None, Some(e)) => e.clone(),
            _ => "gave no answer".to_string(),
        };
        let paths: Vec<String> = tried.iter().map(|e| e.path.clone()).collect();
        if let Some(u) = unserved.iter_mut().find(|u| u.0 == first.url) {
            u.3.push(format!("also registered at {}:{}", code.path, code.line));
        } else {
            let others = if paths.len() > 1 {
                format!(" (also tried {})", paths[1..].join(", "))
            } else {
                String::new()
            };
            unserved.push((
                first.url.clone(),
                code.clone(),
                format!(
                    "the {} route registered here is not served: GET {} {how}{others}",
                    first.role.as_str(),
                    first.path
                ),
                Vec::new(),
            ));
        }
    }
    for (url, code, msg, related) in unserved {
        out.push(
            ProbeFinding::new(&checks::ROUTE_NOT_SERVED, url, msg)
                .in_code(Some(&code))
                .with_related(related),
        );
    }
    // Health.
    match report.best(Role::Health) {
        None => {
            let tried: Vec<&str> = report
                .endpoints
                .iter()
                .filter(|e| e.role == Role::Health)
                .map(|e| e.path.as_str())
                .collect();
            out.push(ProbeFinding::new(
                &checks::NO_HEALTH_ENDPOINT,
                target.base_url(),
                format!("none of {} answered 2xx", tried.join(", ")),
            ));
        }
        Some(h) if !h.ok() => {
            let status = h.status.unwrap_or(0);
            let mut f = ProbeFinding::new(
                &checks::HEALTH_FAILING,
                h.url.clone(),
                format!("GET {} answered {status}{}", h.path, body_hint(h)),
            )
            .in_code(h.code());
            if status < 500 {
                f.message
                    .push_str(": probes and load balancers cannot authenticate or follow it");
                f = f.at(Severity::Medium);
            }
            out.push(f);
        }
        Some(h) => {
            slow(&mut out, h, SLOW_PROBE_MS);
            shallow(&mut out, h, Severity::Info, None);
        }
    }
    // Readiness.
    let health_body = report
        .best(Role::Health)
        .filter(|h| h.ok())
        .and_then(|h| h.body.clone());
    if let Some(r) = report.best(Role::Ready) {
        if !r.ok() {
            out.push(
                ProbeFinding::new(
                    &checks::NOT_READY,
                    r.url.clone(),
                    format!(
                        "GET {} answered {}{}",
                        r.path,
                        r.status.unwrap_or(0),
                        body_hint(r)
                    ),
                )
                .in_code(r.code()),
            );
        } else {
            slow(&mut out, r, SLOW_PROBE_MS);
            shallow(&mut out, r, Severity::Low, health_body.as_ref());
        }
    }
    // Metrics that cannot be scraped at all.
    if let Some(m) = report.best(Role::Metrics) {
        if !m.ok() {
            out.push(
                ProbeFinding::new(
                    &checks::METRICS_UNPARSEABLE,
                    m.url.clone(),
                    format!(
                        "GET {} answered {}: Prometheus records the scrape as failed",
                        m.path,
                        m.status.unwrap_or(0)
                    ),
                )
                .in_code(m.code()),
            );
        } else {
            slow(&mut out, m, SLOW_SCRAPE_MS);
        }
    }
    // Redirects off the origin.
    let redirected: Vec<&EndpointResult> = report
        .endpoints
        .iter()
        .filter(|e| e.redirect.is_some())
        .collect();
    if let Some((first, rest)) = redirected.split_first() {
        out.push(
            ProbeFinding::new(
                &checks::CROSS_ORIGIN_REDIRECT,
                first.url.clone(),
                format!(
                    "GET {} redirects to {} (another origin, not followed)",
                    first.path,
                    first.redirect.as_deref().unwrap_or_default()
                ),
            )
            .in_code(first.code())
            .with_related(rest.iter().map(|e| e.url.clone()).collect()),
        );
    }
    report.findings.extend(out);
}

fn body_hint(e: &EndpointResult) -> String {
    let Some(b) = &e.body else {
        return String::new();
    };
    let down: Vec<String> = b
        .dependencies
        .iter()
        .filter(|(_, s)| {
            matches!(
                s.to_ascii_lowercase().as_str(),
                "down"
                    | "fail"
                    | "unhealthy"
                    | "disconnected"
                    | "error"
                    | "false"
                    | "unavailable"
                    | "offline"
                    | "red"
                    | "not_serving"
                    | "not ready"
                    | "not loaded"
            )
        })
        .map(|(n, s)| format!("{n}: {s}"))
        .collect();
    if down.is_empty() {
        String::new()
    } else {
        format!(" (the body reports {})", down.join(", "))
    }
}

fn slow(out: &mut Vec<ProbeFinding>, e: &EndpointResult, limit_ms: f64) {
    let Some(l) = &e.latency else { return };
    if l.p95_ms > limit_ms {
        out.push(
            ProbeFinding::new(
                &checks::SLOW_ENDPOINT,
                e.url.clone(),
                format!(
                    "{} p95 is {:.0} ms over {} request(s) (p50 {:.0} ms); the limit that matters is {:.0} ms",
                    e.path,
                    l.p95_ms,
                    l.samples_ms.len(),
                    l.p50_ms,
                    limit_ms
                ),
            )
            .in_code(e.code()),
        );
    }
}

fn shallow(
    out: &mut Vec<ProbeFinding>,
    e: &EndpointResult,
    severity: Severity,
    health: Option<&super::report::BodyShape>,
) {
    let Some(b) = &e.body else { return };
    if !health::is_shallow(b) {
        return;
    }
    let what = match (b.kind, &b.status_field) {
        ("empty", _) => "an empty body".to_string(),
        (_, Some((k, v))) => format!("only `{k}: {v}`"),
        (kind, None) => format!("a {kind} body that names no dependency"),
    };
    let same_as_health = health.is_some_and(|h| h == b);
    let msg = if e.role == Role::Ready && same_as_health {
        format!(
            "{} answers exactly like the health route ({what}): readiness equals liveness, so traffic is sent before dependencies are checked",
            e.path
        )
    } else {
        format!(
            "{} answers {} with {what}{}: this proves the process serves HTTP, not that any dependency works",
            e.path,
            e.status.unwrap_or(0),
            if b.constant { ", the same on every request" } else { "" }
        )
    };
    out.push(
        ProbeFinding::new(&checks::SHALLOW_HEALTH_CHECK, e.url.clone(), msg)
            .at(severity)
            .in_code(e.code()),
    );
}

fn statements(report: &mut ProbeReport, target: &Target, opts: &ProbeOptions) {
    let mut proven = Vec::new();
    let mut not_proven = Vec::new();
    if let Some(t) = &report.tls {
        if t.trusted() {
            let days = t
                .leaf()
                .map(|l| expiry_words(l.days_left))
                .unwrap_or_default();
            proven.push(format!(
                "TLS: {} with a certificate valid for {}{}, {days}",
                t.version.as_deref().unwrap_or("?"),
                target.host,
                if t.private_ca {
                    " (by the --cacert roots)"
                } else {
                    ""
                }
            ));
        }
        not_proven.push(
            "whether TLS 1.0/1.1 are also accepted (rustls speaks only TLS 1.2 and 1.3)"
                .to_string(),
        );
        if report.unverified_tls {
            not_proven.push(
                "that the answers came from the real service: the certificate was not trusted, so the connection was not authenticated".to_string(),
            );
        }
    }
    for role in [Role::Health, Role::Ready, Role::Metrics] {
        let Some(e) = report.best(role).filter(|e| e.ok()) else {
            if report.best(role).is_none() && role != Role::Health {
                not_proven.push(format!(
                    "{}: no {} route answered",
                    role.as_str(),
                    role.as_str()
                ));
            }
            continue;
        };
        if let Some(l) = &e.latency {
            proven.push(format!(
                "{}: GET {} answered {} in {:.0} ms (p50; p95 {:.0} ms over {} request(s))",
                role.as_str(),
                e.path,
                e.status.unwrap_or(0),
                l.p50_ms,
                l.p95_ms,
                l.samples_ms.len()
            ));
        }
        if let Some(b) = &e.body {
            if b.dependencies.is_empty() {
                not_proven.push(format!(
                    "{}: that any dependency is checked — a constant 200 cannot be told apart from a handler that ignores a database that is down",
                    role.as_str()
                ));
            } else {
                let deps: Vec<String> = b
                    .dependencies
                    .iter()
                    .map(|(n, s)| format!("{n}: {s}"))
                    .collect();
                proven.push(format!(
                    "{}: the body reports on {}",
                    role.as_str(),
                    deps.join(", ")
                ));
                not_proven.push(format!(
                    "{}: that the route fails when one of these dependencies is down (the probe cannot take one down)",
                    role.as_str()
                ));
            }
        }
        if role == Role::Metrics {
            if let Some(m) = &report.metrics {
                if m.errors.is_empty() {
                    proven.push(format!(
                        "metrics: {} families ({} of the service) parse as {} text",
                        m.families,
                        m.service_families.len(),
                        if m.dialect == "openmetrics" {
                            "OpenMetrics"
                        } else {
                            "Prometheus"
                        }
                    ));
                }
            }
        }
    }
    not_proven.push(format!(
        "behaviour under load: {} sequential request(s) per endpoint only",
        opts.samples.max(1)
    ));
    report.proven.extend(proven);
    report.not_proven.extend(not_proven);
}
