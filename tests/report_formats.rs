//! Report formats: SARIF against the published 2.1.0 schema, `--format json` against
//! our own schema for every fixture, snapshots of SARIF, Markdown and GitHub output for
//! a fixture repository, and the CLI wiring of every format.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use harden::engine::{Diagnostic, ScanReport};
use harden::finding::{Finding, Related, Severity};
use harden::output::extras::{
    AreaView, ControlState, ControlView, EvidenceView, PhaseView, PlanView, ReportExtras,
    StatusView, TaskView,
};
use harden::output::{github, json, markdown, sarif};
use harden::rules::{self, Rule};
use harden::source::{Position, Region};
use serde_json::Value;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn webapp() -> PathBuf {
    common::fixtures().join("reports/webapp")
}

fn load_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validator(schema_path: &Path) -> jsonschema::Validator {
    let schema = load_json(schema_path);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{}: bad schema: {e}", schema_path.display()))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// The two rules whose fixtures and docs live on this branch: snapshots stay stable
/// while other rule families are added.
fn shell_rules() -> Vec<Box<dyn Rule>> {
    rules::registry()
        .into_iter()
        .filter(|r| matches!(r.meta().id, "shell/unsafe-rm" | "shell/missing-strict-mode"))
        .collect()
}

fn shell_report() -> ScanReport {
    common::scan_with(&webapp(), &shell_rules())
}

/// A report with the awkward cases: a file-level finding (line 0), related locations,
/// a diagnostic without a path, characters that need escaping everywhere.
fn tricky_report() -> ScanReport {
    let mut report = shell_report();
    report.findings.push(Finding {
        grouped: false,
        rule: "repo/missing-security-policy",
        severity: Severity::Medium,
        message: "no SECURITY.md: say how to report a vulnerability <privately> & fast".into(),
        path: "README.md".into(),
        span: 0..0,
        region: Region::default(),
        snippet: Default::default(),
        related: vec![Related {
            path: "docs/run books/cleanup cache.sh".into(),
            span: 0..1,
            region: Region {
                start: Position { line: 2, column: 1 },
                end: Position { line: 2, column: 4 },
            },
            message: "a script with \"quotes\", 100% and, commas".into(),
        }]
        .into(),
        fix: None,
    });
    report.diagnostics.push(Diagnostic {
        path: "deploy/broken.yml".into(),
        line: Some(3),
        message: "YAML parse error: mapping values are not allowed here".into(),
    });
    report.diagnostics.push(Diagnostic {
        path: String::new(),
        line: None,
        message: "internal error in rule x/y (cross-file pass)".into(),
    });
    report
}

fn normalise_version(s: &str) -> String {
    s.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn sarif_is_valid_against_the_published_schema() {
    let v = validator(&manifest().join("tests/data/schemas/sarif-2.1.0.schema.json"));
    let catalog = rules::catalog();
    let mut cases: Vec<(String, ScanReport)> = vec![
        ("webapp, all rules".into(), common::scan_all(&webapp())),
        ("tricky".into(), tricky_report()),
        ("empty".into(), ScanReport::default()),
    ];
    // Every realistic repository, every rule: each result must still have a real location.
    for repo in read_dir(&common::fixtures().join("repos")) {
        let label = format!("{}, all rules", repo.display());
        cases.push((label, common::scan_all(&repo)));
    }
    for (label, report) in cases {
        let doc = sarif::to_sarif(&report, &catalog, Some(&webapp()));
        let errs = errors(&v, &doc);
        assert!(
            errs.is_empty(),
            "{label}: SARIF invalid:\n{}",
            errs.join("\n")
        );
        // GitHub rejects a whole upload when one result has no location.
        let results = doc["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(results.len(), report.findings.len());
        for r in &results {
            let loc = &r["locations"][0]["physicalLocation"];
            if r["properties"]["scope"] == "repository" {
                // A repository-level finding: the no-file sentinel, not a path in the root.
                assert!(loc["artifactLocation"]["uriBaseId"].is_null(), "{r}");
            } else {
                assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            }
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap_or("");
            assert!(!uri.is_empty() && !uri.starts_with('/'), "{uri}");
            assert!(loc["region"]["startLine"].as_u64().unwrap_or(0) >= 1, "{r}");
            assert!(r["partialFingerprints"]["harden/v1"].is_string());
            let idx = r["ruleIndex"].as_u64().unwrap_or(u64::MAX) as usize;
            assert_eq!(
                doc["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
                r["ruleId"]
            );
        }
        let base = &doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
        assert!(base
            .as_str()
            .is_some_and(|u| u.starts_with("file:///") && u.ends_with('/')));
    }
    // the validator does bite
    let mut bad = sarif::to_sarif(&tricky_report(), &catalog, None);
    bad["runs"][0]["results"][0]["level"] = Value::String("fatal".into());
    assert!(!errors(&v, &bad).is_empty(), "invalid level accepted");
}

#[test]
fn sarif_rules_carry_github_metadata() {
    let doc = sarif::to_sarif(&ScanReport::default(), &rules::catalog(), None);
    let rules_json = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rules_json.len(), rules::catalog().len());
    for r in rules_json {
        assert!(r["help"]["markdown"]
            .as_str()
            .is_some_and(|m| m.contains("## Why")));
        let sev = r["properties"]["security-severity"].as_str().unwrap_or("");
        assert!(sev.parse::<f64>().is_ok(), "{sev}");
        assert!(r["properties"]["tags"]
            .as_array()
            .is_some_and(|t| t.iter().any(|x| x == "security")));
    }
}

#[test]
fn sarif_snapshot_of_fixture_repo() {
    let report = tricky_report();
    let metas: Vec<_> = shell_rules().iter().map(|r| r.meta()).collect();
    let doc = sarif::to_sarif(&report, &metas, None);
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    insta::assert_snapshot!("sarif_webapp", normalise_version(&text));
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let script = "#!/usr/bin/env bash\nset -euo pipefail\nrm -rf \"$DIR/\"\n";
    fs::write(tmp.path().join("a.sh"), script).unwrap();
    let before = common::scan_with(tmp.path(), &shell_rules());
    fs::write(
        tmp.path().join("a.sh"),
        script.replace("pipefail\n", "pipefail\n# a new comment\n\n"),
    )
    .unwrap();
    let after = common::scan_with(tmp.path(), &shell_rules());
    let fp = |r: &ScanReport| {
        let doc = sarif::to_sarif(r, &[], None);
        (
            doc["runs"][0]["results"][0]["partialFingerprints"]["harden/v1"].clone(),
            doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"]
                .clone(),
        )
    };
    let (fa, la) = fp(&before);
    let (fb, lb) = fp(&after);
    assert!(fa.is_string());
    assert_eq!(fa, fb, "fingerprint changed when the line moved");
    assert_ne!(la, lb);
}

#[test]
fn json_output_of_every_fixture_matches_its_schema() {
    let v = validator(&manifest().join("docs/schemas/scan-output.schema.json"));
    // every fixture entry: rules/<family>/<rule>/<positive|negative>/<entry>, and each
    // entry of any other fixture directory (reports/<repo>, …)
    let mut entries: Vec<PathBuf> = Vec::new();
    for top in read_dir(&common::fixtures()) {
        if !top.is_dir() {
            continue;
        }
        if top.file_name().is_some_and(|n| n == "rules") {
            for family in read_dir(&top) {
                for rule in read_dir(&family) {
                    for side in read_dir(&rule) {
                        entries.extend(read_dir(&side));
                    }
                }
            }
        } else {
            entries.extend(read_dir(&top));
        }
    }
    assert!(entries.len() >= 10, "found only {} fixtures", entries.len());
    let mut failures = Vec::new();
    for entry in &entries {
        let report = if entry.is_dir() {
            common::scan_all(entry)
        } else {
            let tmp = tempfile::tempdir().unwrap();
            fs::copy(entry, tmp.path().join(entry.file_name().unwrap())).unwrap();
            common::scan_all(tmp.path())
        };
        let doc = serde_json::to_value(json::to_json(&report)).unwrap();
        let errs = errors(&v, &doc);
        if !errs.is_empty() {
            failures.push(format!("{}:\n  {}", entry.display(), errs.join("\n  ")));
        }
    }
    let doc = serde_json::to_value(json::to_json(&tricky_report())).unwrap();
    let errs = errors(&v, &doc);
    if !errs.is_empty() {
        failures.push(format!("tricky report:\n  {}", errs.join("\n  ")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn json_schema_rejects_broken_output() {
    let v = validator(&manifest().join("docs/schemas/scan-output.schema.json"));
    let good = serde_json::to_value(json::to_json(&shell_report())).unwrap();
    assert!(errors(&v, &good).is_empty());
    let mut bad = good.clone();
    bad["findings"][0]["path"] = Value::String("/etc/passwd".into());
    assert!(!errors(&v, &bad).is_empty(), "absolute path accepted");
    let mut bad = good.clone();
    bad["findings"][0]["severity"] = Value::String("severe".into());
    assert!(!errors(&v, &bad).is_empty(), "unknown severity accepted");
    let mut bad = good;
    bad["schema_version"] = Value::from(2);
    assert!(!errors(&v, &bad).is_empty(), "schema_version 2 accepted");
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Status and plan as the `status` and `plan` commands will provide them.
pub fn sample_extras() -> ReportExtras {
    ReportExtras {
        status: Some(StatusView {
            overall_score: Some(4.5),
            areas: vec![
                AreaView {
                    name: "Supply chain".into(),
                    score: 3.0,
                    done: 1,
                    total: 3,
                },
                AreaView {
                    name: "Operations".into(),
                    score: 6.0,
                    done: 1,
                    total: 2,
                },
            ],
            controls: vec![
                ControlView {
                    id: "supply-chain/pinned-actions".into(),
                    title: "Actions pinned to a commit".into(),
                    area: "Supply chain".into(),
                    state: ControlState::Done,
                    evidence: vec![EvidenceView {
                        path: ".github/workflows/ci.yml".into(),
                        line: 11,
                        note: "checkout pinned to v4.2.2".into(),
                    }],
                    advice: String::new(),
                },
                ControlView {
                    id: "supply-chain/dependabot".into(),
                    title: "Dependabot | Renovate configured".into(),
                    area: "Supply chain".into(),
                    state: ControlState::Missing,
                    evidence: vec![],
                    advice: "Add .github/dependabot.yml (`harden fix`)".into(),
                },
                ControlView {
                    id: "operations/backups".into(),
                    title: "Backups are verified".into(),
                    area: "Operations".into(),
                    state: ControlState::Partial,
                    evidence: vec![EvidenceView {
                        path: "scripts/backup_db.sh".into(),
                        line: 5,
                        note: "dump without a restore test".into(),
                    }],
                    advice: "Restore the dump in CI weekly".into(),
                },
            ],
        }),
        plan: Some(PlanView {
            phases: vec![
                PhaseView {
                    name: "Critical blockers".into(),
                },
                PhaseView {
                    name: "Security & stability".into(),
                },
            ],
            tasks: vec![
                TaskView {
                    id: "T01".into(),
                    title: "Guard rm -rf against empty variables".into(),
                    phase: 0,
                    effort_hours: 1.0,
                    blocked_by: vec![],
                },
                TaskView {
                    id: "T02".into(),
                    title: "Strict mode in every script".into(),
                    phase: 1,
                    effort_hours: 2.0,
                    blocked_by: vec!["T01".into()],
                },
                TaskView {
                    id: "T03".into(),
                    title: "Add Dependabot".into(),
                    phase: 1,
                    effort_hours: 0.5,
                    blocked_by: vec![],
                },
            ],
            summary: String::new(),
        }),
        project: Some("webapp".into()),
    }
}

#[test]
fn markdown_snapshot_with_status_and_plan() {
    let mut out = Vec::new();
    markdown::render(&tricky_report(), &sample_extras(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    insta::assert_snapshot!("markdown_webapp", normalise_version(&text));
}

#[test]
fn github_annotations_snapshot() {
    let mut out = Vec::new();
    github::render(&tricky_report(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    for line in text.lines() {
        assert!(line.starts_with("::"), "{line}");
        assert!(!line.contains('\r'));
    }
    insta::assert_snapshot!("github_webapp", text);
}

#[test]
fn cli_writes_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    for (format, file, probe) in [
        ("sarif", "r.sarif", "\"version\": \"2.1.0\""),
        ("github", "r.txt", "::error file=deploy/release.sh,line=8"),
        ("markdown", "r.md", "# harden report"),
        ("html", "r.html", "<!doctype html>"),
        ("json", "r.json", "\"schema_version\": 1"),
    ] {
        let out = tmp.path().join(file);
        let status = assert_cmd::Command::cargo_bin("harden")
            .unwrap()
            .args(["scan", "--format", format, "-o"])
            .arg(&out)
            .arg(webapp())
            .output()
            .unwrap();
        assert_eq!(status.status.code(), Some(1), "{format}: findings at high");
        let text = fs::read_to_string(&out).unwrap();
        assert!(text.contains(probe), "{format}: {probe} not in output");
    }
    let ok = assert_cmd::Command::cargo_bin("harden")
        .unwrap()
        .args(["scan", "--format", "sarif", "--fail-on", "critical"])
        .arg(webapp())
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
}

/// A report of thousands of findings: every severity, long messages, snippets that
/// need a longer fence, related places.
fn huge_report(n: usize) -> ScanReport {
    let mut report = ScanReport::default();
    for i in 0..n {
        let severity = Severity::ALL_DESC[i % 5];
        let line = i % 400 + 1;
        report.findings.push(Finding {
            rule: "shell/unsafe-rm",
            severity,
            message: format!(
                "`rm -rf $DIR_{i}/*` deletes `/*` if `DIR_{i}` is empty or unset; write `${{DIR_{i}:?}}` <and> | check it"
            )
            .into(),
            path: format!("services/svc-{}/scripts/clean up {}.sh", i % 37, i % 11).into(),
            span: 0..1,
            region: Region {
                start: Position { line, column: 1 },
                end: Position { line, column: 8 },
            },
            snippet: format!("rm -rf $DIR_{i}/* # ``` fence inside {}", "x".repeat(i % 90)).into(),
            related: vec![Related {
                path: "ops/Makefile".into(),
                span: 0..1,
                region: Region {
                    start: Position { line: 3, column: 1 },
                    end: Position { line: 3, column: 2 },
                },
                message: "called from here".into(),
            }]
            .into(),
            fix: None,
            grouped: false,
        });
    }
    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.stats.files_scanned = 400;
    report
}

/// GitHub refuses a comment over 65,536 characters: thousands of findings still give a
/// comment under the budget, most severe first, whole findings only, valid Markdown,
/// and a line counting the rest.
#[test]
fn markdown_stays_under_the_comment_budget() {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let report = huge_report(5000);
    let mut out = Vec::new();
    markdown::render(&report, &sample_extras(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.len() <= markdown::BUDGET, "{} bytes", text.len());
    assert!(text.chars().count() < 65_536);
    assert!(
        text.len() > markdown::BUDGET / 2,
        "budget left unused: {}",
        text.len()
    );
    // Every section is there, the summary counts everything.
    for heading in ["## Summary", "## Readiness", "## Findings", "## Plan"] {
        assert!(text.contains(heading), "{heading} missing");
    }
    assert!(text.contains("**5000 findings**"), "summary counts all");
    assert!(text.trim_end().ends_with("</sub>"), "footer kept");
    // Most severe first: the critical section before any other, and no finding of a
    // lower severity shown while one of a higher one is left out.
    let crit = text.find("Critical (1000)").expect("critical section");
    assert!(text.find("High (1000)").is_none_or(|h| h > crit));
    let more = text
        .lines()
        .find(|l| l.contains("more findings ("))
        .expect("the rest is counted");
    assert!(more.contains("in the SARIF/HTML report"), "{more}");
    let left: usize = more
        .trim_start_matches("**")
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count");
    // Valid Markdown: each shown finding is one list item whose snippet is one fenced
    // code block holding exactly the snippet line; no block runs into the next text.
    let mut blocks = 0;
    let mut in_block = false;
    let mut block_text = String::new();
    for ev in Parser::new(&text) {
        match ev {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                in_block = true;
                block_text.clear();
            }
            Event::End(TagEnd::CodeBlock) => {
                in_block = false;
                blocks += 1;
                assert_eq!(block_text.lines().count(), 1, "{block_text:?}");
                assert!(block_text.starts_with("rm -rf $DIR_"), "{block_text:?}");
            }
            Event::Text(t) if in_block => block_text.push_str(&t),
            _ => {}
        }
    }
    assert!(!in_block, "an unclosed code block");
    let shown = 5000 - left;
    assert_eq!(blocks, shown, "one code block per finding shown");
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("- **shell/unsafe-rm**"))
            .count(),
        shown
    );
    // A small report is whole: nothing left out, no "more" line.
    let mut out = Vec::new();
    markdown::render(&huge_report(20), &sample_extras(), &mut out).unwrap();
    let small = String::from_utf8(out).unwrap();
    assert!(!small.contains("more findings"));
    assert_eq!(small.matches("- **shell/unsafe-rm**").count(), 20);
}
