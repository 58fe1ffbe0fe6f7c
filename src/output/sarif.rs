//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning.
//!
//! - Every result has a physical location: paths relative to the scanned root with
//!   `uriBaseId: "%SRCROOT%"`; file-level findings (line 0) point at line 1;
//!   repository-level findings use the no-file sentinel code scanning accepts.
//! - Rules come from the registry (`tool.driver.rules`) with summary, docs as
//!   `help.markdown`, tags and a `security-severity` GitHub uses to rank alerts.
//! - `partialFingerprints["harden/v1"]` is [`Finding::fingerprint`], which ignores line
//!   numbers, so alerts are not duplicated when code moves.
//! - Diagnostics (parse errors, skipped files) become `toolExecutionNotifications`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::engine::ScanReport;
use crate::finding::{Finding, Safety, Severity};
use crate::rules::RuleMeta;

use super::util::{display_region, finding_region};

/// Key of the fingerprint in `partialFingerprints`; bump the suffix if the hash changes.
pub const FINGERPRINT_KEY: &str = "harden/v1";

/// GitHub code scanning keeps at most this many related locations per result.
const MAX_RELATED: usize = 1000;

/// SARIF `level` for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score as a string) for a severity.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.0",
    }
}

/// Stands in for the results and notifications in the document skeleton that
/// [`render`] streams them into.
const RESULTS_SLOT: &str = "\u{1}harden-results\u{1}";
const NOTES_SLOT: &str = "\u{1}harden-notifications\u{1}";

/// Writes the array that replaces a slot, given the indentation of the line it is on.
type SlotWriter<'a> = dyn Fn(&mut dyn Write, &str) -> std::io::Result<()> + 'a;

/// Renders SARIF with every registered rule in `tool.driver.rules`. Streams: the
/// document is the same as `to_sarif` pretty-printed, but results and notifications
/// are converted and written one at a time, so 100k findings do not become a 2 GB
/// tree of JSON values first.
pub fn render(report: &ScanReport, root: Option<&Path>, w: &mut dyn Write) -> std::io::Result<()> {
    let catalog = crate::rules::catalog();
    let (rules, index) = rule_table(report, &catalog);
    let skeleton = document(
        report,
        rules,
        root,
        Value::String(RESULTS_SLOT.into()),
        (!report.diagnostics.is_empty()).then(|| Value::String(NOTES_SLOT.into())),
    );
    let text = serde_json::to_string_pretty(&skeleton).map_err(std::io::Error::other)?;
    let mut rest = text.as_str();
    let slots: [(String, &SlotWriter); 2] = [
        (
            serde_json::to_string(NOTES_SLOT).unwrap_or_default(),
            &|w, indent| stream_array(w, indent, report.diagnostics.iter().map(notification_json)),
        ),
        (
            serde_json::to_string(RESULTS_SLOT).unwrap_or_default(),
            &|w, indent| {
                stream_array(
                    w,
                    indent,
                    report
                        .findings
                        .iter()
                        .map(|f| result_json(f, index.get(f.rule).copied())),
                )
            },
        ),
    ];
    // Slots appear in the order the skeleton serialised them (keys sorted).
    let mut order: Vec<(usize, usize)> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, (slot, _))| text.find(slot.as_str()).map(|at| (at, i)))
        .collect();
    order.sort();
    let mut consumed = 0;
    for (at, i) in order {
        let (slot, write_slot) = &slots[i];
        let before = &text[consumed..at];
        w.write_all(before.as_bytes())?;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let indent = text[line_start..at].len() - text[line_start..at].trim_start().len();
        write_slot(w, &" ".repeat(indent))?;
        consumed = at + slot.len();
        rest = &text[consumed..];
    }
    w.write_all(rest.as_bytes())?;
    writeln!(w)
}

/// Writes a pretty-printed JSON array whose items are produced one at a time, with
/// the layout `serde_json::to_writer_pretty` gives the same array at `indent`.
fn stream_array(
    w: &mut dyn Write,
    indent: &str,
    items: impl Iterator<Item = Value>,
) -> std::io::Result<()> {
    let mut first = true;
    for item in items {
        w.write_all(if first { b"[\n" } else { b",\n" })?;
        first = false;
        let text = serde_json::to_string_pretty(&item).map_err(std::io::Error::other)?;
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                w.write_all(b"\n")?;
            }
            write!(w, "{indent}  {line}")?;
        }
    }
    if first {
        w.write_all(b"[]")
    } else {
        write!(w, "\n{indent}]")
    }
}

/// Builds the SARIF document. `catalog` lists the rules to describe (findings of rules
/// not in it still get a minimal rule entry); `root` fills `originalUriBaseIds`.
pub fn to_sarif(report: &ScanReport, catalog: &[&'static RuleMeta], root: Option<&Path>) -> Value {
    let (rules, index) = rule_table(report, catalog);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result_json(f, index.get(f.rule).copied()))
        .collect();
    let notifications: Vec<Value> = report.diagnostics.iter().map(notification_json).collect();
    document(
        report,
        rules,
        root,
        Value::Array(results),
        (!notifications.is_empty()).then_some(Value::Array(notifications)),
    )
}

/// `tool.driver.rules` and each rule id's index in it.
fn rule_table(
    report: &ScanReport,
    catalog: &[&'static RuleMeta],
) -> (Vec<Value>, BTreeMap<&'static str, usize>) {
    let mut rules: Vec<Value> = Vec::new();
    let mut index: BTreeMap<&'static str, usize> = BTreeMap::new();
    for meta in catalog {
        if index.contains_key(meta.id) {
            continue;
        }
        index.insert(meta.id, rules.len());
        rules.push(rule_json(meta));
    }
    for f in &report.findings {
        if !index.contains_key(f.rule) {
            index.insert(f.rule, rules.len());
            rules.push(json!({
                "id": f.rule,
                "name": rule_name(f.rule),
                "shortDescription": { "text": f.rule },
                "defaultConfiguration": { "level": level(f.severity) },
                "properties": { "tags": tags(f.rule) }
            }));
        }
    }
    (rules, index)
}

/// A diagnostic as a `toolExecutionNotifications` entry.
fn notification_json(d: &crate::engine::Diagnostic) -> Value {
    let internal = d.message.starts_with("internal error");
    let mut n = json!({
        "level": if internal { "error" } else { "warning" },
        "message": { "text": d.message },
    });
    if !d.path.is_empty() {
        n["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": artifact(&d.path),
                "region": { "startLine": d.line.unwrap_or(0).max(1) }
            }
        }]);
    }
    n
}

/// The whole document around `results` and `notifications` (values or stand-ins).
fn document(
    _report: &ScanReport,
    rules: Vec<Value>,
    root: Option<&Path>,
    results: Value,
    notifications: Option<Value>,
) -> Value {
    let mut run = Map::new();
    run.insert(
        "tool".into(),
        json!({
            "driver": {
                "name": "harden",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }
        }),
    );
    let mut invocation = json!({ "executionSuccessful": true });
    if let Some(n) = notifications {
        invocation["toolExecutionNotifications"] = n;
    }
    run.insert("invocations".into(), json!([invocation]));
    let mut base = Map::new();
    if let Some(uri) = root.and_then(root_uri) {
        base.insert("uri".into(), Value::String(uri));
    }
    base.insert(
        "description".into(),
        json!({ "text": "The directory harden scanned; every artifact path is relative to it." }),
    );
    run.insert(
        "originalUriBaseIds".into(),
        json!({ "%SRCROOT%": Value::Object(base) }),
    );
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    run.insert("results".into(), results);

    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [Value::Object(run)]
    })
}

fn rule_name(id: &str) -> String {
    // SARIF `name` is an identifier-like friendly name: `shell/unsafe-rm` → `ShellUnsafeRm`.
    id.split(['/', '-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn tags(id: &str) -> Vec<String> {
    let family = id.split('/').next().unwrap_or(id);
    vec![
        "security".to_string(),
        "production-readiness".to_string(),
        family.to_string(),
    ]
}

/// The first paragraph of the docs that is not a heading, as plain text.
fn full_description(meta: &RuleMeta) -> String {
    let mut para = Vec::new();
    for line in meta.docs.lines() {
        let t = line.trim();
        if t.starts_with('#') || t.starts_with("```") {
            if para.is_empty() {
                continue;
            }
            break;
        }
        if t.is_empty() {
            if para.is_empty() {
                continue;
            }
            break;
        }
        para.push(t);
    }
    if para.is_empty() {
        meta.summary.to_string()
    } else {
        para.join(" ")
    }
}

fn rule_json(meta: &RuleMeta) -> Value {
    json!({
        "id": meta.id,
        "name": rule_name(meta.id),
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": full_description(meta) },
        "help": {
            "text": format!("{}\n\nRun `harden explain {}` for the rationale, examples and fix.", meta.summary, meta.id),
            "markdown": meta.docs.trim()
        },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": {
            "tags": tags(meta.id),
            "precision": "high",
            "problem.severity": match meta.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low | Severity::Info => "recommendation",
            },
            "security-severity": security_severity(meta.severity)
        }
    })
}

fn artifact(path: &str) -> Value {
    json!({ "uri": encode_path(path), "uriBaseId": "%SRCROOT%" })
}

/// The artifact of a repository-level finding. GitHub code scanning rejects a result
/// without `physicalLocation.artifactLocation.uri`, and a real path would claim a line of
/// a file that does not exist; OSSF Scorecard's repository checks use this sentinel, which
/// code scanning shows as an alert with no file (spaces percent-encoded for a valid URI).
const REPOSITORY_URI: &str = "no%20file%20associated%20with%20this%20alert";

fn result_json(f: &Finding, rule_index: Option<usize>) -> Value {
    let r = finding_region(f);
    let mut region = json!({
        "startLine": r.start.line,
        "startColumn": r.start.column,
        "endLine": r.end.line,
        "endColumn": r.end.column.max(1),
    });
    if !f.snippet.is_empty() {
        region["snippet"] = json!({ "text": f.snippet });
    }
    let location = if f.is_repository_level() {
        json!({
            "physicalLocation": {
                "artifactLocation": { "uri": REPOSITORY_URI },
                "region": { "startLine": 1 }
            },
            "message": { "text": "the repository as a whole" }
        })
    } else {
        json!({
            "physicalLocation": {
                "artifactLocation": artifact(&f.path),
                "region": region
            }
        })
    };
    let mut properties = json!({ "severity": f.severity.as_str() });
    if f.is_repository_level() {
        properties["scope"] = json!("repository");
    }
    let mut result = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [location],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint() },
        "properties": properties
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            // GitHub accepts at most 1000 related locations per result
            .take(MAX_RELATED)
            .enumerate()
            .map(|(i, rel)| {
                let rr = display_region(&rel.region);
                json!({
                    "id": i + 1,
                    "message": { "text": rel.message },
                    "physicalLocation": {
                        "artifactLocation": artifact(&rel.path),
                        "region": {
                            "startLine": rr.start.line,
                            "startColumn": rr.start.column,
                            "endLine": rr.end.line,
                            "endColumn": rr.end.column.max(1)
                        }
                    }
                })
            })
            .collect();
        result["relatedLocations"] = Value::Array(related);
    }
    if let Some(fix) = &f.fix {
        if !fix.edits.is_empty() {
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .map(|e| {
                    json!({
                        "deletedRegion": {
                            "byteOffset": e.range.start,
                            "byteLength": e.range.end.saturating_sub(e.range.start)
                        },
                        "insertedContent": { "text": e.replacement }
                    })
                })
                .collect();
            let mut description = fix.title.clone();
            if fix.safety == Safety::Unsafe && !fix.caveat.is_empty() {
                description.push_str(&format!(" (unsafe: {})", fix.caveat));
            }
            result["fixes"] = json!([{
                "description": { "text": description },
                "artifactChanges": [{
                    "artifactLocation": artifact(f.fix_path()),
                    "replacements": replacements
                }]
            }]);
        }
    }
    result
}

/// Percent-encodes a relative path for a URI reference, keeping `/`; a path in
/// harden's escaped form ([`crate::paths`]) is encoded from the real name's bytes.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let bytes = crate::paths::unescape(path).unwrap_or_else(|| path.as_bytes().to_vec());
    for b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `file:///abs/path/` for the scanned root (absolute, with a trailing slash), if it resolves.
fn root_uri(root: &Path) -> Option<String> {
    let abs = std::fs::canonicalize(root).ok()?;
    let s = abs.to_str()?.replace('\\', "/");
    let mut uri = String::from("file://");
    if !s.starts_with('/') {
        uri.push('/');
    }
    uri.push_str(&encode_path(&s).replace("%3A", ":"));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    Some(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_scores() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Info), "note");
        assert_eq!(security_severity(Severity::High), "8.0");
    }

    #[test]
    fn paths_are_encoded() {
        assert_eq!(encode_path("a b/c#d.sh"), "a%20b/c%23d.sh");
        assert_eq!(encode_path("ünï.sh"), "%C3%BCn%C3%AF.sh");
        assert_eq!(rule_name("shell/unsafe-rm"), "ShellUnsafeRm");
    }

    #[test]
    fn root_uri_is_absolute_with_slash() {
        let tmp = std::env::temp_dir();
        let uri = root_uri(&tmp).unwrap_or_default();
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with('/'));
    }
}
