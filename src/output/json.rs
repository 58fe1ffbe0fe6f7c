//! `--format json`: a frozen, versioned contract (docs/json-output.md).
//! These structs are the contract; internal types never reach serde directly.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::engine::ScanReport;
use crate::finding::Finding;

/// Version of the JSON contract; bumped only on breaking changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Top-level document.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    /// Contract version.
    pub schema_version: u32,
    /// Producer.
    pub tool: JsonTool,
    /// Counts.
    pub summary: JsonSummary,
    /// Findings, sorted by path, line, column, rule.
    pub findings: JsonFindings<'a>,
    /// Non-finding messages (parse errors, skipped files).
    pub diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// The report's findings, each turned into a [`JsonFinding`] as it is written: a
/// vector of them beside the report's own findings was the scan's peak memory on a
/// tree with a hundred thousand findings.
#[derive(Clone, Copy)]
pub struct JsonFindings<'a>(pub &'a [Finding]);

impl Serialize for JsonFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(finding_json))
    }
}

/// Producer name and version.
#[derive(Serialize)]
pub struct JsonTool {
    /// Always `harden`.
    pub name: &'static str,
    /// Crate version.
    pub version: &'static str,
}

/// Summary counts.
#[derive(Serialize)]
pub struct JsonSummary {
    /// Every file the walk saw (not ignored): scanned, skipped, or of a kind no rule reads.
    pub files_seen: usize,
    /// Files read and checked.
    pub files_scanned: usize,
    /// Files skipped, by reason (`too-large`, `binary`, `non-utf8`, `unreadable`, `symlink`).
    pub files_skipped: BTreeMap<&'static str, usize>,
    /// What `.gitignore` / `.ignore` rules left out, and what git tracks anyway.
    pub ignored: JsonIgnored,
    /// Files that did not parse cleanly.
    pub parse_errors: usize,
    /// Findings silenced inline.
    pub suppressed: usize,
    /// Total findings reported.
    pub findings: usize,
    /// Findings per severity (all five keys always present).
    pub by_severity: BTreeMap<&'static str, usize>,
}

/// The effect of ignore rules on the walk.
#[derive(Serialize)]
pub struct JsonIgnored {
    /// Entries ignore rules left out (a directory counts once) that git does not track.
    pub ignored: usize,
    /// Files git tracks that an ignore rule matches, scanned anyway.
    pub tracked_despite_ignore: usize,
}

/// One finding.
#[derive(Serialize)]
pub struct JsonFinding<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// Severity name.
    pub severity: &'static str,
    /// What is wrong.
    pub message: &'a str,
    /// Path relative to the root.
    pub path: &'a str,
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column (Unicode scalar values).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based end column (exclusive).
    pub end_column: usize,
    /// The source line, secrets redacted.
    pub snippet: &'a str,
    /// Stable id that survives line shifts (baselines, SARIF fingerprints).
    pub fingerprint: String,
    /// Other locations of the same problem.
    pub related: Vec<JsonRelated<'a>>,
    /// Available automated fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<JsonFix<'a>>,
}

/// A related location.
#[derive(Serialize)]
pub struct JsonRelated<'a> {
    /// Path relative to the root.
    pub path: &'a str,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What it shows.
    pub message: &'a str,
}

/// A fix summary (the edits themselves are applied by `harden fix`).
#[derive(Serialize)]
pub struct JsonFix<'a> {
    /// What the fix does.
    pub title: &'a str,
    /// `safe` or `unsafe`.
    pub safety: &'static str,
}

/// A diagnostic.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    /// Path relative to the root.
    pub path: &'a str,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Message.
    pub message: &'a str,
}

/// Converts a finding to its JSON shape.
pub fn finding_json(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        path: &f.path,
        line: f.region.start.line,
        column: f.region.start.column,
        end_line: f.region.end.line,
        end_column: f.region.end.column,
        snippet: &f.snippet,
        fingerprint: f.fingerprint(),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                path: &r.path,
                line: r.region.start.line,
                column: r.region.start.column,
                message: &r.message,
            })
            .collect(),
        fix: f.fix.as_ref().map(|x| JsonFix {
            title: &x.title,
            safety: match x.safety {
                crate::finding::Safety::Safe => "safe",
                crate::finding::Safety::Unsafe => "unsafe",
            },
        }),
    }
}

/// Builds the JSON document for a report.
pub fn to_json(report: &ScanReport) -> JsonReport<'_> {
    let counts = report.counts();
    let by_severity = crate::finding::Severity::ALL_DESC
        .iter()
        .map(|s| (s.as_str(), counts.get(s).copied().unwrap_or(0)))
        .collect();
    JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: JsonTool {
            name: "harden",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: JsonSummary {
            files_seen: report.stats.files_seen,
            files_scanned: report.stats.files_scanned,
            files_skipped: report
                .stats
                .files_skipped
                .iter()
                .map(|(k, v)| (k.as_str(), *v))
                .collect(),
            ignored: JsonIgnored {
                ignored: report.stats.ignore.ignored,
                tracked_despite_ignore: report.stats.ignore.tracked_despite_ignore,
            },
            parse_errors: report.stats.parse_errors,
            suppressed: report.stats.suppressed,
            findings: report.findings.len(),
            by_severity,
        },
        findings: JsonFindings(&report.findings),
        diagnostics: report
            .diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                path: &d.path,
                line: d.line,
                message: &d.message,
            })
            .collect(),
    }
}

/// Writes the report as pretty JSON.
pub fn render(report: &ScanReport, w: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &to_json(report))?;
    writeln!(w)
}
