//! Baselines: today's findings with fingerprints that survive edits elsewhere in
//! the file, so `harden scan --baseline FILE` shows only what is new and
//! `harden plan --since FILE` measures progress.
//!
//! The fingerprint hashes the rule, the path, the offending line with whitespace
//! collapsed, and the message with every run of digits replaced by `#`.
//! [`Finding::fingerprint`] hashes the message as is; messages that quote a line
//! number or a count ("set at line 12", "in 9 files") would then change when
//! unrelated lines move or one copy is fixed, so the baseline uses this variant.
//! Identical findings (the same line twice in a file) are counted, not merged.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::model::Item;
use crate::engine::ScanReport;
use crate::finding::{Finding, Severity};

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// Line-shift-proof fingerprint of a finding (16 hex digits): [`Finding::fingerprint`],
/// so baselines, JSON and SARIF agree.
pub fn fingerprint(f: &Finding) -> String {
    f.fingerprint()
}

/// The baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version.
    pub schema_version: u32,
    /// Recorded findings, sorted by path and line.
    pub findings: Vec<BaselineEntry>,
}

/// One recorded finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BaselineEntry {
    /// Fingerprint (see [`fingerprint`]).
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// Path relative to the root.
    pub path: String,
    /// 1-based line when recorded (informational; matching ignores it).
    pub line: usize,
    /// Severity when recorded.
    pub severity: Severity,
    /// Message when recorded.
    pub message: String,
    /// Related paths (files the same problem touches).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// Places a grouped finding stands for (absent: 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub places: usize,
}

fn one() -> usize {
    1
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

impl Baseline {
    /// Records a scan.
    pub fn from_report(report: &ScanReport) -> Baseline {
        let findings = report
            .findings
            .iter()
            .map(|f| {
                let i = super::item_of(f);
                BaselineEntry {
                    fingerprint: i.fingerprint,
                    rule: i.rule,
                    path: i.path,
                    line: i.line,
                    severity: i.severity,
                    message: i.message,
                    related: i.related,
                    places: i.places,
                }
            })
            .collect();
        Baseline {
            schema_version: BASELINE_VERSION,
            findings,
        }
    }

    /// Reads a baseline file, with a readable error.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::files::read_user_text(path, crate::files::AUX_LIMIT)
            .map_err(|e| format!("{}: cannot read baseline: {e}", path.display()))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: not a harden baseline ({e}); record one with `harden baseline -o FILE`",
                path.display()
            )
        })?;
        if b.schema_version != BASELINE_VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
                path.display(),
                b.schema_version
            ));
        }
        Ok(b)
    }

    /// Writes pretty JSON.
    pub fn write(&self, w: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        writeln!(w)
    }

    /// The recorded findings as plan items.
    pub fn items(&self) -> Vec<Item> {
        self.findings
            .iter()
            .map(|e| Item {
                rule: e.rule.clone(),
                path: e.path.clone(),
                line: e.line,
                severity: e.severity,
                message: e.message.clone(),
                related: e.related.clone(),
                places: e.places.max(1),
                fingerprint: e.fingerprint.clone(),
            })
            .collect()
    }

    /// How many times each fingerprint was recorded.
    pub fn counts(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for e in &self.findings {
            *m.entry(e.fingerprint.as_str()).or_insert(0) += 1;
        }
        m
    }

    /// Whether each of `fingerprints` is new: a fingerprint recorded k times covers
    /// its first k occurrences.
    pub fn new_mask<'a>(&self, fingerprints: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
        let mut left = self.counts();
        fingerprints
            .into_iter()
            .map(|fp| match left.get_mut(fp) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .collect()
    }

    /// Keeps only the findings the baseline does not cover; returns them and how many were dropped.
    pub fn filter_new(&self, findings: Vec<Finding>) -> (Vec<Finding>, usize) {
        let fps: Vec<String> = findings.iter().map(fingerprint).collect();
        let mask = self.new_mask(fps.iter().map(String::as_str));
        let before = findings.len();
        let kept: Vec<Finding> = findings
            .into_iter()
            .zip(mask)
            .filter_map(|(f, new)| new.then_some(f))
            .collect();
        let dropped = before - kept.len();
        (kept, dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Region;

    fn finding(line_text: &str, message: &str) -> Finding {
        Finding {
            grouped: false,
            rule: "shell/unsafe-rm",
            severity: Severity::High,
            message: message.to_string().into(),
            path: "scripts/a.sh".into(),
            span: 0..0,
            region: Region::default(),
            snippet: line_text.to_string().into(),
            related: crate::finding::RelatedList::new(),
            fix: None,
        }
    }

    #[test]
    fn fingerprint_ignores_whitespace_and_numbers_in_messages() {
        let a = finding("rm -rf $X/*", "X is set at line 4");
        let b = finding("  rm  -rf $X/*", "X is set at line 17");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        let c = finding("rm -rf $Y/*", "X is set at line 4");
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }

    #[test]
    fn duplicates_are_counted() {
        let f = finding("rm -rf $X/*", "m");
        let report = ScanReport {
            findings: vec![f.clone()],
            ..Default::default()
        };
        let b = Baseline::from_report(&report);
        let (new, dropped) = b.filter_new(vec![f.clone(), f]);
        assert_eq!((new.len(), dropped), (1, 1));
    }

    #[test]
    fn round_trip_and_bad_files() {
        let report = ScanReport {
            findings: vec![finding("rm -rf $X/*", "m")],
            ..Default::default()
        };
        let b = Baseline::from_report(&report);
        let mut buf = Vec::new();
        b.write(&mut buf).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(&p, &buf).unwrap();
        let back = Baseline::load(&p).unwrap();
        assert_eq!(back.findings.len(), 1);
        std::fs::write(&p, "{not json").unwrap();
        assert!(Baseline::load(&p)
            .unwrap_err()
            .contains("not a harden baseline"));
        assert!(Baseline::load(&dir.path().join("missing")).is_err());
    }
}
