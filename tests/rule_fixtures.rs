//! Every registered rule has fixtures under `tests/fixtures/rules/<family>/<name>/`:
//! `positive/` entries (files or small repositories) must each produce at least one
//! finding of the rule, `negative/` entries none. Positive findings are snapshotted.

mod common;

use std::fs;
use std::path::Path;

use harden::rules::{self, Rule};

fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Scans one fixture entry alone: a directory is a repository (with its own
/// harden.toml, if it has one), a file is copied into an empty one.
fn scan_entry(entry: &Path, rule: Box<dyn Rule>) -> harden::engine::ScanReport {
    let rules = vec![rule];
    if entry.is_dir() {
        return common::scan_with_own_config(entry, &rules);
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let name = entry.file_name().expect("file name");
    fs::copy(entry, tmp.path().join(name)).expect("copy fixture");
    common::scan_with(tmp.path(), &rules)
}

fn fresh(id: &str) -> Box<dyn Rule> {
    rules::registry()
        .into_iter()
        .find(|r| r.meta().id == id)
        .expect("rule is registered")
}

#[test]
fn every_rule_has_fixtures_and_they_hold() {
    let base = common::fixtures().join("rules");
    let mut failures = Vec::new();
    for meta in rules::catalog() {
        let dir = base.join(meta.id);
        let positives = entries(&dir.join("positive"));
        let negatives = entries(&dir.join("negative"));
        if positives.len() < 3 || negatives.len() < 3 {
            failures.push(format!(
                "{}: needs at least 3 positive and 3 negative fixtures under {} (has {} and {})",
                meta.id,
                dir.display(),
                positives.len(),
                negatives.len()
            ));
            continue;
        }
        let mut snapshot = String::new();
        for p in &positives {
            let report = scan_entry(p, fresh(meta.id));
            let label = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if report.findings.is_empty() {
                failures.push(format!(
                    "{}: positive fixture {label} has no finding",
                    meta.id
                ));
            }
            snapshot.push_str(&format!("== {label}\n"));
            snapshot.push_str(&common::render_findings(&report));
        }
        for n in &negatives {
            let report = scan_entry(n, fresh(meta.id));
            if !report.findings.is_empty() {
                failures.push(format!(
                    "{}: negative fixture {} has findings:\n{}",
                    meta.id,
                    n.display(),
                    common::render_findings(&report)
                ));
            }
        }
        let name = meta.id.replace('/', "__");
        insta::assert_snapshot!(name, snapshot);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
