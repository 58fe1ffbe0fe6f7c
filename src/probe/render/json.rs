//! `harden probe --format json`: a versioned document (docs/probe.md), built
//! from its own structs so the internal report can change freely.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::finding::Severity;
use crate::probe::report::{EndpointResult, Origin, ProbeFinding, ProbeReport};

/// Version of the document; bump on any breaking change.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    tool: Tool,
    base_url: &'a str,
    address: Option<&'a str>,
    connect_ms: Option<f64>,
    requests: usize,
    skipped: usize,
    unverified_tls: bool,
    summary: BTreeMap<&'static str, usize>,
    tls: Option<Tls<'a>>,
    endpoints: Vec<Endpoint<'a>>,
    metrics: Option<Metrics<'a>>,
    findings: Vec<Finding<'a>>,
    proven: &'a [String],
    not_proven: &'a [String],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Tls<'a> {
    version: Option<&'a str>,
    cipher: Option<&'a str>,
    handshake_ms: f64,
    trusted: bool,
    untrusted_reason: Option<&'a str>,
    private_ca: bool,
    handshake_error: Option<&'a str>,
    chain: Vec<Cert<'a>>,
}

#[derive(Serialize)]
struct Cert<'a> {
    subject: &'a str,
    issuer: &'a str,
    names: &'a [String],
    not_before: i64,
    not_after: i64,
    days_left: i64,
    signature: &'a str,
    key: &'a str,
    self_signed: bool,
}

#[derive(Serialize)]
struct Source<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

#[derive(Serialize)]
struct Endpoint<'a> {
    role: &'static str,
    path: &'a str,
    url: &'a str,
    sources: Vec<Source<'a>>,
    status: Option<u16>,
    ok: bool,
    error: Option<&'a str>,
    content_type: Option<&'a str>,
    latency: Option<Latency>,
    body: Option<Body<'a>>,
    redirect: Option<&'a str>,
    followed: &'a [String],
}

#[derive(Serialize)]
struct Latency {
    samples_ms: Vec<f64>,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

#[derive(Serialize)]
struct Body<'a> {
    kind: &'static str,
    bytes: usize,
    status_field: Option<KeyValue<'a>>,
    dependencies: Vec<KeyValue<'a>>,
    constant: bool,
}

#[derive(Serialize)]
struct KeyValue<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct Metrics<'a> {
    dialect: &'static str,
    content_type: Option<&'a str>,
    bytes: usize,
    truncated: bool,
    families: usize,
    samples: usize,
    by_type: &'a BTreeMap<&'static str, usize>,
    service_families: &'a [String],
    runtime_families: usize,
    missing_help: &'a [String],
    missing_type: &'a [String],
    counters_without_total: &'a [String],
    cardinality: Vec<Cardinality<'a>>,
    errors: Vec<Problem<'a>>,
    errors_dropped: usize,
    lints: Vec<Problem<'a>>,
}

#[derive(Serialize)]
struct Cardinality<'a> {
    family: &'a str,
    label: &'a str,
    distinct: usize,
    id_like: usize,
    examples: &'a [String],
}

#[derive(Serialize)]
struct Problem<'a> {
    line: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Finding<'a> {
    check: &'static str,
    severity: Severity,
    message: &'a str,
    url: &'a str,
    code: Option<Code<'a>>,
    related: &'a [String],
}

#[derive(Serialize)]
struct Code<'a> {
    path: &'a str,
    line: usize,
}

fn round(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

fn endpoint(e: &EndpointResult) -> Endpoint<'_> {
    Endpoint {
        role: e.role.as_str(),
        path: &e.path,
        url: &e.url,
        sources: e
            .origins
            .iter()
            .map(|o| match o {
                Origin::Code(c) => Source {
                    kind: "code",
                    path: Some(&c.path),
                    line: Some(c.line),
                },
                Origin::Convention => Source {
                    kind: "convention",
                    path: None,
                    line: None,
                },
                Origin::Flag => Source {
                    kind: "flag",
                    path: None,
                    line: None,
                },
            })
            .collect(),
        status: e.status,
        ok: e.ok(),
        error: e.error.as_deref(),
        content_type: e.content_type.as_deref(),
        latency: e.latency.as_ref().map(|l| Latency {
            samples_ms: l.samples_ms.iter().map(|x| round(*x)).collect(),
            p50_ms: round(l.p50_ms),
            p95_ms: round(l.p95_ms),
            max_ms: round(l.max_ms),
        }),
        body: e.body.as_ref().map(|b| Body {
            kind: b.kind,
            bytes: b.bytes,
            status_field: b
                .status_field
                .as_ref()
                .map(|(k, v)| KeyValue { name: k, value: v }),
            dependencies: b
                .dependencies
                .iter()
                .map(|(k, v)| KeyValue { name: k, value: v })
                .collect(),
            constant: b.constant,
        }),
        redirect: e.redirect.as_deref(),
        followed: &e.followed,
    }
}

fn finding(f: &ProbeFinding) -> Finding<'_> {
    Finding {
        check: f.check.id,
        severity: f.severity,
        message: &f.message,
        url: &f.url,
        code: f.code.as_ref().map(|c| Code {
            path: &c.path,
            line: c.line,
        }),
        related: &f.related,
    }
}

/// Writes the JSON document.
pub fn render(r: &ProbeReport, w: &mut dyn Write) -> std::io::Result<()> {
    let mut summary: BTreeMap<&'static str, usize> =
        Severity::ALL_DESC.iter().map(|s| (s.as_str(), 0)).collect();
    for f in &r.findings {
        *summary.entry(f.severity.as_str()).or_default() += 1;
    }
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "harden",
            version: env!("CARGO_PKG_VERSION"),
        },
        base_url: &r.base_url,
        address: r.address.as_deref(),
        connect_ms: r.connect_ms.map(round),
        requests: r.requests,
        skipped: r.skipped,
        unverified_tls: r.unverified_tls,
        summary,
        tls: r.tls.as_ref().map(|t| Tls {
            version: t.version.as_deref(),
            cipher: t.cipher.as_deref(),
            handshake_ms: round(t.handshake_ms),
            trusted: t.trusted(),
            untrusted_reason: t.untrusted.as_deref(),
            private_ca: t.private_ca,
            handshake_error: t.handshake_error.as_deref(),
            chain: t
                .chain
                .iter()
                .map(|c| Cert {
                    subject: &c.subject,
                    issuer: &c.issuer,
                    names: &c.names,
                    not_before: c.not_before,
                    not_after: c.not_after,
                    days_left: c.days_left,
                    signature: &c.signature,
                    key: &c.key,
                    self_signed: c.self_signed,
                })
                .collect(),
        }),
        endpoints: r.endpoints.iter().map(endpoint).collect(),
        metrics: r.metrics.as_ref().map(|m| Metrics {
            dialect: m.dialect,
            content_type: m.content_type.as_deref(),
            bytes: m.bytes,
            truncated: m.truncated,
            families: m.families,
            samples: m.samples,
            by_type: &m.by_type,
            service_families: &m.service_families,
            runtime_families: m.runtime_families,
            missing_help: &m.missing_help,
            missing_type: &m.missing_type,
            counters_without_total: &m.counters_without_total,
            cardinality: m
                .cardinality
                .iter()
                .map(|c| Cardinality {
                    family: &c.family,
                    label: &c.label,
                    distinct: c.distinct,
                    id_like: c.id_like,
                    examples: &c.examples,
                })
                .collect(),
            errors: m
                .errors
                .iter()
                .map(|p| Problem {
                    line: p.line,
                    message: &p.message,
                })
                .collect(),
            errors_dropped: m.errors_dropped,
            lints: m
                .lints
                .iter()
                .map(|p| Problem {
                    line: p.line,
                    message: &p.message,
                })
                .collect(),
        }),
        findings: r.findings.iter().map(finding).collect(),
        proven: &r.proven,
        not_proven: &r.not_proven,
    };
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)
}
