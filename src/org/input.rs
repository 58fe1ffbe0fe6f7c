//! Reading the per-repository results an organisation audit merges: `harden scan
//! --format json` and `harden status --format json` documents, told apart by their
//! shape. A file that cannot be read, is not JSON, or is of a `schema_version` this
//! build does not know is refused with a reason; the caller reports it and goes on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::finding::Severity;

/// The result-format version this build reads (scan and status JSON are both at 1).
pub const READS_SCHEMA_VERSION: u64 = 1;

/// What a `harden scan --format json` result says, reduced to what the dashboard merges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanResult {
    /// Findings per severity.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings per rule id, with the highest severity seen for it.
    pub by_rule: BTreeMap<String, (usize, Severity)>,
}

/// One readiness control of a `harden status --format json` result.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlResult {
    /// Stable control id (`dependency-updates`).
    pub id: String,
    /// Human title.
    pub title: String,
    /// `done`, `partial`, `missing`, `not-applicable` or `unknown`.
    pub state: String,
}

/// What a `harden status --format json` result says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusResult {
    /// Overall readiness, 0–10, when it could be computed.
    pub overall: Option<f64>,
    /// Every control, in the order of the file.
    pub controls: Vec<ControlResult>,
}

/// A result file, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// A scan result.
    Scan(ScanResult),
    /// A status result.
    Status(StatusResult),
}

/// A result file read, with the repository it is about.
#[derive(Debug, Clone)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// Repository name (from the document, else the file name).
    pub repository: String,
    /// Its content.
    pub loaded: Loaded,
}

/// Reads and classifies one result file; `Err` is the reason it was refused. Only a
/// regular file is read (a FIFO a glob picked up would block), and at most
/// [`crate::files::AUX_LIMIT`] bytes of it.
pub fn load(path: &Path) -> Result<Input, String> {
    use crate::files::{read_named_regular_text, ReadError, AUX_LIMIT};
    let text = read_named_regular_text(path, AUX_LIMIT).map_err(|e| match e {
        ReadError::NotFound => "no such file or directory".to_string(),
        e => e.to_string(),
    })?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("not valid JSON ({e})"))?;
    let loaded = parse(&doc)?;
    let repository = doc
        .get("repository")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| name_from_path(path));
    Ok(Input {
        path: path.to_path_buf(),
        repository,
        loaded,
    })
}

/// Classifies a parsed document: its version first, then its shape.
pub fn parse(doc: &Value) -> Result<Loaded, String> {
    let Some(obj) = doc.as_object() else {
        return Err("not a harden result (a JSON object is expected)".into());
    };
    match obj.get("schema_version") {
        None => {
            return Err("not a harden result (no `schema_version`)".into());
        }
        Some(v) if v.as_u64() == Some(READS_SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "schema_version {v} is not one this harden reads (it reads {READS_SCHEMA_VERSION}); \
                 produce the results and the report with the same harden version"
            ));
        }
    }
    if obj.contains_key("findings") && obj.contains_key("summary") {
        parse_scan(doc).map(Loaded::Scan)
    } else if obj.contains_key("controls") && obj.contains_key("scores") {
        parse_status(doc).map(Loaded::Status)
    } else {
        Err(
            "neither a `harden scan --format json` nor a `harden status --format json` result"
                .into(),
        )
    }
}

fn parse_scan(doc: &Value) -> Result<ScanResult, String> {
    let Some(findings) = doc.get("findings").and_then(Value::as_array) else {
        return Err("scan result: `findings` is not a list".into());
    };
    let mut out = ScanResult::default();
    for (i, f) in findings.iter().enumerate() {
        let rule = f.get("rule").and_then(Value::as_str);
        let sev = f
            .get("severity")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<Severity>().ok());
        let (Some(rule), Some(sev)) = (rule, sev) else {
            return Err(format!(
                "scan result: findings[{i}] has no rule or no known severity"
            ));
        };
        *out.by_severity.entry(sev).or_insert(0) += 1;
        let e = out.by_rule.entry(rule.to_string()).or_insert((0, sev));
        e.0 += 1;
        e.1 = e.1.max(sev);
    }
    Ok(out)
}

fn parse_status(doc: &Value) -> Result<StatusResult, String> {
    let Some(controls) = doc.get("controls").and_then(Value::as_array) else {
        return Err("status result: `controls` is not a list".into());
    };
    let overall = match doc.get("scores").and_then(|s| s.get("overall")) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_f64() {
            Some(x) if x.is_finite() && (0.0..=10.0).contains(&x) => Some(x),
            _ => {
                return Err(format!(
                    "status result: scores.overall {v} is not a score 0–10"
                ))
            }
        },
    };
    let mut out = StatusResult {
        overall,
        controls: Vec::with_capacity(controls.len()),
    };
    for (i, c) in controls.iter().enumerate() {
        let field = |k: &str| c.get(k).and_then(Value::as_str);
        let (Some(id), Some(state)) = (field("id"), field("state")) else {
            return Err(format!("status result: controls[{i}] has no id or state"));
        };
        out.controls.push(ControlResult {
            id: id.to_string(),
            title: field("title").unwrap_or(id).to_string(),
            state: state.to_string(),
        });
    }
    Ok(out)
}

/// The repository a result file is about, from its name: `NAME.scan.json`,
/// `NAME-status.json`, `NAME.json`, or `NAME/scan.json` (a directory per repository, as
/// artifacts download). `owner__name` (an artifact name cannot hold `/`) is shown as
/// `owner/name` when `owner` can be a GitHub account (letters, digits, hyphens).
pub fn name_from_path(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file.strip_suffix(".json").unwrap_or(&file);
    let mut base = stem;
    for suffix in [".scan", ".status", "-scan", "-status", "_scan", "_status"] {
        if let Some(b) = stem.strip_suffix(suffix) {
            base = b;
            break;
        }
    }
    let generic = ["", "scan", "status", "result", "results", "harden"];
    let name = if generic.contains(&base) {
        path.parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| base.to_string())
    } else {
        base.to_string()
    };
    match name.split_once("__") {
        Some((owner, repo))
            if !owner.is_empty()
                && !repo.is_empty()
                && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            format!("{owner}/{repo}")
        }
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_file_or_its_directory() {
        let n = |p: &str| name_from_path(Path::new(p));
        assert_eq!(n("results/api.scan.json"), "api");
        assert_eq!(n("results/api-status.json"), "api");
        assert_eq!(n("results/api.json"), "api");
        assert_eq!(n("results/api/scan.json"), "api");
        assert_eq!(n("results/acme__api.status.json"), "acme/api");
        assert_eq!(
            n("results/my_lib__x.scan.json"),
            "my_lib__x",
            "no GitHub owner has `_`"
        );
        assert_eq!(n("scan.json"), "scan");
    }

    #[test]
    fn versions_and_shapes_are_checked() {
        let v = |s: &str| parse(&serde_json::from_str(s).unwrap_or(Value::Null));
        assert!(v(r#"{"schema_version":2,"findings":[],"summary":{}}"#)
            .unwrap_err()
            .contains("schema_version 2"));
        assert!(v(r#"{"findings":[],"summary":{}}"#).is_err());
        assert!(v(r#"[1]"#).is_err());
        assert!(v(r#"{"schema_version":1,"rules":[]}"#).is_err());
        assert!(v(
            r#"{"schema_version":1,"findings":[{"rule":"a/b","severity":"bad"}],"summary":{}}"#
        )
        .is_err());
        let Ok(Loaded::Scan(s)) = v(r#"{"schema_version":1,"summary":{},"findings":[
              {"rule":"a/b","severity":"low"},{"rule":"a/b","severity":"high"},{"rule":"c/d","severity":"high"}]}"#)
        else {
            panic!("a scan result")
        };
        assert_eq!(s.by_rule.get("a/b"), Some(&(2, Severity::High)));
        assert_eq!(s.by_severity.get(&Severity::High), Some(&2));
        let Ok(Loaded::Status(st)) = v(
            r#"{"schema_version":1,"scores":{"overall":4.5},"controls":[{"id":"x","title":"X","state":"missing"}]}"#,
        ) else {
            panic!("a status result")
        };
        assert_eq!(st.overall, Some(4.5));
        assert_eq!(st.controls[0].state, "missing");
        assert!(v(r#"{"schema_version":1,"scores":{"overall":40},"controls":[]}"#).is_err());
    }
}
