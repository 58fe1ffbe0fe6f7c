//! `harden scan` as a person reads it, through the real binary: the summary first,
//! findings most severe first (or by file), the filters, the concise format, and
//! diagnostics kept on stderr.

mod common;
use common::{harden, write};

use std::fs;
use std::path::Path;

use serde_json::Value;

/// A small repository with findings at four severities and one file that does not
/// parse (a diagnostic).
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "scripts/clean.sh",
        "#!/bin/bash\nset -eo pipefail\nrm -rf \"$STAGING/\"\n",
    );
    write(
        tmp.path(),
        "Dockerfile",
        "FROM python:latest\nRUN pip install flask\n",
    );
    write(
        tmp.path(),
        "docker-compose.yml",
        "services:\n  api: [unclosed\n    image: x\n",
    );
    tmp
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = harden().arg("scan").args(args).arg(root).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(root: &Path, args: &[&str]) -> Value {
    let (_, out, _) = run(root, &[&["--format", "json"], args].concat());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Severities of the finding lines of a terminal report (after the summary), in order.
fn severities_in_order(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.starts_with("== "))
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|s| ["critical", "high", "medium", "low", "info"].contains(s))
        .map(str::to_string)
        .collect()
}

#[test]
fn summary_first_then_findings_most_severe_first() {
    let tmp = repo();
    let (code, out, err) = run(tmp.path(), &[]);
    assert_eq!(code, 1, "a high finding fails the default gate");
    let first = out.lines().next().unwrap_or("");
    assert!(
        first.starts_with("7 findings (1 high, 3 medium, 3 low) in 3 files scanned"),
        "{out}"
    );
    let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing: {out}"));
    // Summary sections before the first finding.
    assert!(at("By rule") < at("== high (1) =="));
    assert!(at("Files with the most findings") < at("== high (1) =="));
    assert!(at("Fix first (Phase 0") < at("== high (1) =="));
    assert!(out.contains("  1  high      shell/unsafe-rm"), "{out}");
    assert!(out.contains("  3  Dockerfile"), "{out}");
    // The plan's first task, as the plan names it.
    assert!(out.contains("T-shell-unsafe-rm  Unsafe `rm -rf`"), "{out}");
    let sevs = severities_in_order(&out);
    assert_eq!(sevs.len(), 7, "{out}");
    let mut sorted = sevs.clone();
    sorted.sort_by_key(|s| {
        ["critical", "high", "medium", "low", "info"]
            .iter()
            .position(|x| x == s)
    });
    assert_eq!(sevs, sorted, "most severe first");
    // The totals close the report too; notes are not in it.
    assert!(out.trim_end().ends_with("1 with parse errors"), "{out}");
    assert!(!out.contains("note:"), "{out}");
    assert!(
        err.contains("note: docker-compose.yml:1: YAML syntax error"),
        "{err}"
    );
}

#[test]
fn sort_by_file_keeps_each_file_together() {
    let tmp = repo();
    let (_, out, _) = run(tmp.path(), &["--sort", "file"]);
    assert!(!out.contains("== high"), "{out}");
    let headings: Vec<&str> = out
        .lines()
        .filter(|l| ["repository", "Dockerfile", "scripts/clean.sh"].contains(l))
        .collect();
    assert_eq!(
        headings,
        ["repository", "Dockerfile", "scripts/clean.sh"],
        "{out}"
    );
}

#[test]
fn concise_is_one_line_per_finding() {
    let tmp = repo();
    let (code, out, err) = run(tmp.path(), &["--format", "concise"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 8, "{out}");
    assert_eq!(
        lines[0],
        "scripts/clean.sh:3:8: high shell/unsafe-rm `rm -r \"$STAGING/\"` deletes `/` if `STAGING` is empty or unset; write `${STAGING:?}`"
    );
    // path:line:col: severity rule message, repository-level at 0:0.
    let re = regex::Regex::new(
        r"^[^:]+:\d+:\d+: (critical|high|medium|low|info) [a-z-]+/[a-z0-9-]+ .+$",
    )
    .unwrap();
    for l in &lines[..7] {
        assert!(re.is_match(l), "{l}");
    }
    assert!(lines.contains(
        &".:0:0: low repo/missing-security-policy no security policy: reporters have no private channel; add SECURITY.md"
    ));
    assert!(lines[7].starts_with("7 findings"), "{out}");
    assert!(err.contains("note: docker-compose.yml:1"), "{err}");
    // --sort file: by path, line, column.
    let (_, by_file, _) = run(tmp.path(), &["--format", "concise", "--sort", "file"]);
    let paths: Vec<&str> = by_file
        .lines()
        .take(7)
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        paths,
        [
            ".",
            ".",
            "Dockerfile",
            "Dockerfile",
            "Dockerfile",
            "scripts/clean.sh",
            "scripts/clean.sh"
        ]
    );
}

#[test]
fn filters_decide_what_is_reported_and_the_exit_code() {
    let tmp = repo();
    let all = json(tmp.path(), &[]);
    assert_eq!(all["findings"].as_array().unwrap().len(), 7);
    let v = json(tmp.path(), &["--min-severity", "medium"]);
    let sevs: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(sevs.len(), 4, "{v}");
    assert!(
        sevs.iter().all(|s| *s == "high" || *s == "medium"),
        "{sevs:?}"
    );
    assert_eq!(v["summary"]["findings"], 4);
    let v = json(
        tmp.path(),
        &[
            "--exclude-rule",
            "docker/*",
            "--exclude-rule",
            "repo/missing-security-policy",
        ],
    );
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "repo/no-dependency-updates",
            "shell/missing-strict-mode",
            "shell/unsafe-rm"
        ]
    );
    // --rule and --exclude-rule together: the family less one rule.
    let v = json(
        tmp.path(),
        &["--rule", "shell/*", "--exclude-rule", "shell/unsafe-rm"],
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{v}");
    // The exit code follows what is reported: without the one high finding, the gate passes.
    let (code, _, _) = run(tmp.path(), &["--exclude-rule", "shell/unsafe-rm"]);
    assert_eq!(code, 0);
    let (code, _, _) = run(
        tmp.path(),
        &["--min-severity", "critical", "--fail-on", "low"],
    );
    assert_eq!(code, 0, "nothing reported, nothing fails");
    let (code, _, _) = run(
        tmp.path(),
        &["--min-severity", "medium", "--fail-on", "medium"],
    );
    assert_eq!(code, 1);
    // A pattern naming nothing is a usage error, as for --rule.
    let (code, _, err) = run(tmp.path(), &["--exclude-rule", "nope/*"]);
    assert_eq!(code, 2);
    assert!(err.contains("--exclude-rule nope/*: no such rule"), "{err}");
    let (code, _, _) = run(tmp.path(), &["--min-severity", "severe"]);
    assert_eq!(code, 2);
}

/// Diagnostics are no finding: the human formats leave them to stderr, the machine
/// formats carry them as data, and no format writes `note:` lines into its report.
#[test]
fn notes_go_to_stderr_in_every_format() {
    let tmp = repo();
    for format in [
        "terminal", "concise", "markdown", "json", "sarif", "github", "html",
    ] {
        let (_, out, err) = run(tmp.path(), &["--format", format]);
        assert!(!out.contains("note:"), "{format}: {out}");
        match format {
            "terminal" | "concise" | "markdown" => {
                assert!(
                    err.contains("note: docker-compose.yml:1: YAML syntax error"),
                    "{format}: {err}"
                )
            }
            _ => {
                assert!(!err.contains("note:"), "{format}: {err}");
                assert!(
                    out.contains("YAML syntax error"),
                    "{format} carries the diagnostic"
                );
            }
        }
    }
    // With -o, the report file has no notes either.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let out = harden()
        .args(["scan", "-o"])
        .arg(&file)
        .arg(tmp.path())
        .output()
        .unwrap();
    let text = fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("note:") && text.contains("scripts/clean.sh"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: docker-compose.yml:1"));
}

/// What ignore rules left out is counted on the totals line (and in JSON).
#[test]
fn ignored_paths_are_counted() {
    let tmp = repo();
    write(tmp.path(), ".gitignore", "build/\n*.log\n");
    write(tmp.path(), "build/gen.sh", "#!/bin/bash\nrm -rf $X/*\n");
    write(tmp.path(), "debug.log", "x\n");
    let (_, out, _) = run(tmp.path(), &[]);
    let last = out.lines().last().unwrap_or("");
    assert!(
        last.contains(", 2 ignored paths left out (.gitignore, .ignore)"),
        "{out}"
    );
    let v = json(tmp.path(), &[]);
    assert_eq!(v["summary"]["ignored"]["ignored"], 2, "{v}");
}

/// Nothing found: one line, the totals (no empty summary, no repeat).
#[test]
fn nothing_found_is_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "ok.sh",
        "#!/bin/bash\nset -euo pipefail\necho hi\n",
    );
    let (code, out, _) = run(tmp.path(), &["--rule", "shell/*"]);
    assert_eq!(code, 0);
    assert_eq!(out, "0 findings in 1 files scanned\n");
}
