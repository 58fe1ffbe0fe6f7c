//! What a metrics page says about the service: families by type, metadata
//! gaps, counter naming, label cardinality, and whether anything beyond the
//! client library's runtime defaults is measured. Parsing is `exposition`'s job.

use std::collections::{BTreeMap, BTreeSet};

use super::checks;
use super::exposition::{self, Dialect, Exposition, MetricType, Problem};
use super::report::{CodeRef, ProbeFinding};
use crate::finding::Severity;

/// Families that client libraries export by themselves, before a service
/// declares anything.
const RUNTIME_PREFIXES: &[&str] = &[
    "process_",
    "python_gc_",
    "python_info",
    "go_",
    "promhttp_metric_handler_",
    "jvm_",
    "nodejs_",
    "dotnet_",
    "erlang_vm_",
    "ruby_",
    "target_info",
    "otel_scope_info",
];

/// Labels whose many values are expected (bucket bounds, quantiles).
const STRUCTURAL_LABELS: &[&str] = &["le", "quantile"];

/// Distinct values of one label above which it is an outlier whatever they look like.
const MANY_VALUES: usize = 100;

/// A label whose values grow without bound.
#[derive(Debug, Clone, PartialEq)]
pub struct CardinalityOutlier {
    /// Family.
    pub family: String,
    /// Label.
    pub label: String,
    /// Distinct values seen.
    pub distinct: usize,
    /// Values that look like ids (uuid, long hex, numeric path segments).
    pub id_like: usize,
    /// A few values, for the message.
    pub examples: Vec<String>,
    /// Line of the family's first sample.
    pub line: usize,
}

/// The metrics page, summarised.
#[derive(Debug, Clone, Default)]
pub struct MetricsSummary {
    /// `prometheus` (text 0.0.4) or `openmetrics`.
    pub dialect: &'static str,
    /// Content type of the page.
    pub content_type: Option<String>,
    /// Bytes read.
    pub bytes: usize,
    /// The page was longer than the read limit.
    pub truncated: bool,
    /// Number of families.
    pub families: usize,
    /// Number of sample lines.
    pub samples: usize,
    /// Families per type.
    pub by_type: BTreeMap<&'static str, usize>,
    /// Families of the service itself (not runtime defaults), in page order.
    pub service_families: Vec<String>,
    /// Runtime-default families.
    pub runtime_families: usize,
    /// Families with samples and no `# HELP`.
    pub missing_help: Vec<String>,
    /// Families with samples and no `# TYPE`.
    pub missing_type: Vec<String>,
    /// Counters whose name does not end in `_total` (text format).
    pub counters_without_total: Vec<String>,
    /// Labels with unbounded values.
    pub cardinality: Vec<CardinalityOutlier>,
    /// Largest family by series.
    pub largest_family: Option<(String, usize)>,
    /// Lines a scraper rejects.
    pub errors: Vec<Problem>,
    /// Errors beyond the stored ones.
    pub errors_dropped: usize,
    /// Accepted but wrong.
    pub lints: Vec<Problem>,
}

/// The dialect a content type announces.
pub fn dialect_of(content_type: Option<&str>) -> Dialect {
    match content_type {
        Some(ct) if ct.to_ascii_lowercase().contains("openmetrics") => Dialect::OpenMetrics,
        _ => Dialect::Prometheus,
    }
}

/// Whether a family is one a client library exports by default.
pub fn is_runtime(name: &str) -> bool {
    RUNTIME_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Parses and summarises a metrics page.
pub fn analyze(text: &str, content_type: Option<&str>, truncated: bool) -> MetricsSummary {
    let dialect = dialect_of(content_type);
    let e = exposition::parse(text, dialect);
    summarize(&e, dialect, content_type, text.len(), truncated)
}

fn summarize(
    e: &Exposition,
    dialect: Dialect,
    content_type: Option<&str>,
    bytes: usize,
    truncated: bool,
) -> MetricsSummary {
    let mut s = MetricsSummary {
        dialect: match dialect {
            Dialect::Prometheus => "prometheus",
            Dialect::OpenMetrics => "openmetrics",
        },
        content_type: content_type.map(str::to_string),
        bytes,
        truncated,
        samples: e.sample_count,
        errors: e.errors.clone(),
        errors_dropped: e.errors_dropped,
        lints: e.lints.clone(),
        ..MetricsSummary::default()
    };
    let names: std::collections::HashSet<&str> =
        e.families.iter().map(|f| f.name.as_str()).collect();
    for fam in e.families.iter().filter(|f| !f.samples.is_empty()) {
        s.families += 1;
        // The text format writes a counter's or histogram's `_created` series as a
        // separate gauge family: the same series again, not a problem of its own.
        let companion = fam.name.strip_suffix("_created").is_some_and(|base| {
            names.contains(format!("{base}_total").as_str()) || names.contains(base)
        });
        *s.by_type.entry(fam.kind.as_str()).or_default() += 1;
        if is_runtime(&fam.name) {
            s.runtime_families += 1;
        } else {
            s.service_families.push(fam.name.clone());
        }
        if fam.help.is_none() {
            s.missing_help.push(fam.name.clone());
        }
        if !fam.typed {
            s.missing_type.push(fam.name.clone());
        }
        if dialect == Dialect::Prometheus
            && fam.kind == MetricType::Counter
            && !fam.name.ends_with("_total")
        {
            s.counters_without_total.push(fam.name.clone());
        }
        // Series per family and distinct values per label.
        let mut series: BTreeSet<Vec<(&str, &str)>> = BTreeSet::new();
        let mut values: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for sample in &fam.samples {
            let key: Vec<(&str, &str)> = sample
                .labels
                .iter()
                .filter(|(k, _)| !STRUCTURAL_LABELS.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            for (k, v) in &key {
                // A state set's own label enumerates its states.
                if fam.kind == MetricType::StateSet && *k == fam.name {
                    continue;
                }
                values.entry(k).or_default().insert(v);
            }
            series.insert(key);
        }
        if s.largest_family
            .as_ref()
            .is_none_or(|(_, n)| series.len() > *n)
        {
            s.largest_family = Some((fam.name.clone(), series.len()));
        }
        for (label, vals) in values.into_iter().filter(|_| !companion) {
            let id_like = vals.iter().filter(|v| looks_like_id(v)).count();
            let distinct = vals.len();
            if distinct >= MANY_VALUES || (distinct >= 5 && id_like * 2 >= distinct) {
                let mut examples: Vec<String> = vals
                    .iter()
                    .filter(|v| id_like == 0 || looks_like_id(v))
                    .take(3)
                    .map(|v| v.to_string())
                    .collect();
                examples.truncate(3);
                s.cardinality.push(CardinalityOutlier {
                    family: fam.name.clone(),
                    label: label.to_string(),
                    distinct,
                    id_like,
                    examples,
                    line: fam.samples.first().map_or(fam.line, |x| x.line),
                });
            }
        }
    }
    s
}

/// A label value that identifies one thing rather than a class of things: a
/// UUID, a long hex or numeric run, a path with a numeric or hex segment.
pub fn looks_like_id(v: &str) -> bool {
    let is_uuid = |t: &str| {
        t.len() == 36
            && t.char_indices().all(|(i, c)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    };
    let idish = |t: &str| {
        if t.is_empty() {
            return false;
        }
        is_uuid(t)
            || (t.len() >= 5 && t.bytes().all(|b| b.is_ascii_digit()))
            || (t.len() >= 12
                && t.bytes().all(|b| b.is_ascii_hexdigit())
                && t.bytes().any(|b| b.is_ascii_digit()))
            || (t.contains('@') && t.contains('.') && !t.contains(' '))
    };
    if idish(v) {
        return true;
    }
    if v.contains('/') {
        return v
            .split(['/', '?', '&', '='])
            .any(|seg| idish(seg) || (!seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit())));
    }
    false
}

/// Findings for a metrics page at `url`; `code` is the route's place in the code.
pub fn findings(s: &MetricsSummary, url: &str, code: Option<&CodeRef>) -> Vec<ProbeFinding> {
    let mut out = Vec::new();
    let lines = |ps: &[Problem]| -> Vec<String> {
        ps.iter()
            .map(|p| format!("line {}: {}", p.line, p.message))
            .collect()
    };
    if !s.errors.is_empty() {
        let first = &s.errors[0];
        let total = s.errors.len() + s.errors_dropped;
        let ct = s
            .content_type
            .as_deref()
            .map(|c| format!(" (served as `{c}`)"))
            .unwrap_or_default();
        out.push(
            ProbeFinding::new(
                &checks::METRICS_UNPARSEABLE,
                url,
                format!(
                    "{total} line(s) a Prometheus scrape rejects{ct}; first at line {}: {}",
                    first.line, first.message
                ),
            )
            .in_code(code)
            .with_related(lines(&s.errors)),
        );
    }
    if !s.lints.is_empty() {
        out.push(
            ProbeFinding::new(
                &checks::METRICS_INVALID_SERIES,
                url,
                format!(
                    "{} problem(s) in the series; first at line {}: {}",
                    s.lints.len(),
                    s.lints[0].line,
                    s.lints[0].message
                ),
            )
            .in_code(code)
            .with_related(lines(&s.lints)),
        );
    }
    if s.errors.is_empty() {
        let mut gaps = Vec::new();
        if !s.missing_type.is_empty() {
            gaps.push(format!(
                "{} without TYPE ({})",
                s.missing_type.len(),
                list(&s.missing_type)
            ));
        }
        if !s.missing_help.is_empty() {
            gaps.push(format!(
                "{} without HELP ({})",
                s.missing_help.len(),
                list(&s.missing_help)
            ));
        }
        if !gaps.is_empty() {
            out.push(
                ProbeFinding::new(
                    &checks::METRICS_MISSING_METADATA,
                    url,
                    format!("of {} families, {}", s.families, gaps.join("; ")),
                )
                .in_code(code),
            );
        }
    }
    if !s.counters_without_total.is_empty() {
        out.push(
            ProbeFinding::new(
                &checks::COUNTER_WITHOUT_TOTAL,
                url,
                format!(
                    "{} counter(s) not named `*_total`: {}",
                    s.counters_without_total.len(),
                    list(&s.counters_without_total)
                ),
            )
            .in_code(code),
        );
    }
    for o in &s.cardinality {
        let what = if o.id_like * 2 >= o.distinct {
            format!("{} distinct values that look like ids", o.distinct)
        } else {
            format!("{} distinct values", o.distinct)
        };
        out.push(
            ProbeFinding::new(
                &checks::METRICS_HIGH_CARDINALITY,
                url,
                format!(
                    "`{}` label `{}` has {what} (e.g. {}); each is a separate time series",
                    o.family,
                    o.label,
                    o.examples
                        .iter()
                        .map(|e| format!("`{e}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .in_code(code),
        );
    }
    if s.errors.is_empty() && s.service_families.is_empty() {
        let msg = if s.families == 0 {
            "the metrics page answers but holds no metric".to_string()
        } else {
            format!(
                "all {} families are client-library runtime defaults (process_*, python_gc_*, go_*…): no request, error or latency metric of the service",
                s.families
            )
        };
        out.push(ProbeFinding::new(&checks::METRICS_RUNTIME_ONLY, url, msg).in_code(code));
    }
    if s.truncated {
        for f in &mut out {
            f.message.push_str(" (page truncated at the read limit)");
        }
    }
    // A page that fails to parse makes the others moot at release time.
    if !s.errors.is_empty() {
        for f in out.iter_mut().skip(1) {
            f.severity = f.severity.min(Severity::Low);
        }
    }
    out
}

fn list(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut out: Vec<String> = names.iter().take(SHOWN).map(|n| format!("`{n}`")).collect();
    if names.len() > SHOWN {
        out.push(format!("{} more", names.len() - SHOWN));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVICE: &str = include_str!("../../tests/fixtures/probe/exposition/python-service.prom");
    const DEFAULTS: &str =
        include_str!("../../tests/fixtures/probe/exposition/python-defaults-only.prom");

    #[test]
    fn real_python_service_page_is_clean() {
        let s = analyze(
            SERVICE,
            Some("text/plain; version=0.0.4; charset=utf-8"),
            false,
        );
        assert!(s.errors.is_empty());
        assert!(s
            .service_families
            .contains(&"http_requests_total".to_string()));
        assert_eq!(s.by_type.get("histogram"), Some(&1));
        let f = findings(&s, "http://127.0.0.1/metrics", None);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn runtime_defaults_only() {
        let s = analyze(DEFAULTS, Some("text/plain; version=0.0.4"), false);
        assert!(s.service_families.is_empty());
        assert!(s.runtime_families > 5);
        let f = findings(&s, "u", None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].check.id, "probe/metrics-runtime-only");
    }

    #[test]
    fn hand_built_page_with_gaps() {
        let mut page = String::from(
            "# TYPE jobs_processed counter\njobs_processed 12\nqueue_depth 3\n# HELP req Requests.\n# TYPE req counter\n",
        );
        for i in 0..8 {
            page.push_str(&format!(
                "req{{path=\"/api/users/{}\",method=\"GET\"}} {i}\n",
                1000 + i * 7
            ));
        }
        let s = analyze(&page, Some("text/plain"), false);
        assert_eq!(s.counters_without_total, vec!["jobs_processed", "req"]);
        assert_eq!(s.missing_type, vec!["queue_depth"]);
        assert_eq!(s.missing_help, vec!["jobs_processed", "queue_depth"]);
        assert_eq!(s.cardinality.len(), 1);
        assert_eq!(s.cardinality[0].label, "path");
        let ids: Vec<&str> = findings(&s, "u", None).iter().map(|f| f.check.id).collect();
        assert_eq!(
            ids,
            vec![
                "probe/metrics-missing-metadata",
                "probe/counter-without-total",
                "probe/metrics-high-cardinality"
            ]
        );
    }

    #[test]
    fn bounded_labels_are_not_outliers() {
        let mut page = String::from("# HELP r R.\n# TYPE r_total counter\n");
        for (m, st) in [
            ("GET", 200),
            ("GET", 404),
            ("POST", 201),
            ("GET", 500),
            ("PUT", 200),
            ("DELETE", 204),
        ] {
            page.push_str(&format!(
                "r_total{{method=\"{m}\",status=\"{st}\",route=\"/api/items/{{id}}\"}} 1\n"
            ));
        }
        let s = analyze(&page, None, false);
        assert!(s.cardinality.is_empty(), "{:?}", s.cardinality);
    }

    #[test]
    fn created_companion_is_not_a_second_outlier() {
        let mut page = String::from("# TYPE hits_total counter\n# TYPE hits_created gauge\n");
        for i in 0..6 {
            page.push_str(&format!("hits_total{{route=\"/items/{}\"}} 1\n", 1000 + i));
        }
        for i in 0..6 {
            page.push_str(&format!(
                "hits_created{{route=\"/items/{}\"}} 1.7e9\n",
                1000 + i
            ));
        }
        let s = analyze(&page, None, false);
        assert_eq!(s.cardinality.len(), 1, "{:?}", s.cardinality);
        assert_eq!(s.cardinality[0].family, "hits_total");
    }

    #[test]
    fn ids() {
        for v in [
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "/users/12345",
            "/items/42",
            "deadbeefcafe1234",
            "ana@example.org",
            "9876543",
        ] {
            assert!(looks_like_id(v), "{v}");
        }
        for v in [
            "GET",
            "200",
            "/api/items/{id}",
            "/health",
            "eu-west-1",
            "python",
            "1.4.2",
        ] {
            assert!(!looks_like_id(v), "{v}");
        }
    }

    #[test]
    fn unparseable_page_lowers_the_rest() {
        let s = analyze("<html>Not Found</html>\n", Some("text/html"), false);
        let f = findings(&s, "u", None);
        assert_eq!(f[0].check.id, "probe/metrics-unparseable");
        assert!(f[0].message.contains("text/html"));
    }
}
