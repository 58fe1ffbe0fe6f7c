//! The real binary on temporary repositories: exit codes, formats, bad input.

mod common;
use common::{harden, write};

use std::path::Path;

use serde_json::Value;

fn json_scan(root: &Path, extra: &[&str]) -> (i32, Value) {
    let out = harden()
        .args(["scan", "--format", "json"])
        .args(extra)
        .arg(root)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap_or(-1), v)
}

const RISKY: &str = "#!/bin/bash\nset -eo pipefail\nrm -rf \"$STAGING/\"\n";

#[test]
fn exit_codes_follow_fail_on() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "scripts/clean.sh", RISKY);
    harden().arg("scan").arg(tmp.path()).assert().code(1);
    harden()
        .args(["scan", "--fail-on", "critical"])
        .arg(tmp.path())
        .assert()
        .code(0);
    let empty = tempfile::tempdir().unwrap();
    harden().arg("scan").arg(empty.path()).assert().code(0);
    harden()
        .arg("scan")
        .arg(tmp.path().join("nope"))
        .assert()
        .code(2);
    harden()
        .args(["scan", "--fail-on", "severe"])
        .arg(tmp.path())
        .assert()
        .code(2);
}

#[test]
fn broken_config_is_an_error_with_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.sh", RISKY);
    write(
        tmp.path(),
        "harden.toml",
        "exclude = [\"vendor\"]\n\n[severity]\n\"shell/unsafe-rm\" = \"huge\"\n",
    );
    let out = harden().arg("scan").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("harden.toml:4:"), "{err}");
}

#[test]
fn config_excludes_disables_and_overrides() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "vendor/lib/clean.sh", RISKY);
    write(tmp.path(), "scripts/clean.sh", RISKY);
    write(tmp.path(), "scripts/other.sh", "#!/bin/bash\nls\nls\n");
    write(
        tmp.path(),
        "harden.toml",
        "exclude = [\"vendor\"]\ndisable = [\"shell/missing-strict-mode\", \"repo\"]\n[severity]\n\"shell/unsafe-rm\" = \"critical\"\n",
    );
    let (code, v) = json_scan(tmp.path(), &[]);
    assert_eq!(code, 1);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["path"], "scripts/clean.sh");
    assert_eq!(findings[0]["severity"], "critical");
}

#[test]
fn inline_suppression_on_line_or_line_above() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "clean.sh",
        "#!/bin/bash\nset -eo pipefail\n# harden: ignore[shell/unsafe-rm] STAGING is checked by the caller\nrm -rf \"$STAGING/\"\nrm -rf \"$OTHER/\" # harden: ignore[shell/unsafe-rm]\nrm -rf \"$THIRD/\"\n",
    );
    let (_, v) = json_scan(tmp.path(), &["--fail-on", "info"]);
    let findings: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "shell/unsafe-rm")
        .collect();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["line"], 6);
    assert_eq!(v["summary"]["suppressed"], 2);
}

#[test]
fn json_contract_fields() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "scripts/clean.sh", RISKY);
    let (_, v) = json_scan(tmp.path(), &[]);
    assert_eq!(v["schema_version"], 1);
    let v = serde_json::json!({"findings": v["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "shell/unsafe-rm").cloned().collect::<Vec<_>>(), "schema_version": 1, "tool": v["tool"].clone()});
    assert_eq!(v["tool"]["name"], "harden");
    let f = &v["findings"][0];
    for key in [
        "rule",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "snippet",
        "related",
    ] {
        assert!(f.get(key).is_some(), "missing {key} in {f}");
    }
    assert_eq!(f["rule"], "shell/unsafe-rm");
    assert_eq!(f["path"], "scripts/clean.sh");
    assert_eq!(f["line"], 3);
    assert_eq!(f["column"], 8);
    assert_eq!(f["snippet"], "rm -rf \"$STAGING/\"");
}

#[test]
fn bad_input_is_skipped_counted_and_never_fatal() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // Invalid UTF-8 script.
    write(
        root,
        "latin1.sh",
        b"#!/bin/bash\necho \xe9t\xe9\nrm -rf $X/*\n",
    );
    // Binary content behind a script name.
    write(root, "blob.sh", b"\x7fELF\x00\x00\x01rm -rf $X/*");
    // Over the size limit.
    let mut big = String::from("#!/bin/bash\n");
    while big.len() < 1_100_000 {
        big.push_str("echo 'padding padding padding padding padding padding'\n");
    }
    big.push_str("rm -rf $X/*\n");
    write(root, "big.sh", big);
    // CRLF and no final newline: positions must still be right.
    write(
        root,
        "crlf.sh",
        "#!/bin/bash\r\nset -euo pipefail\r\n\r\nrm -rf $BUILD/*\r\n",
    );
    write(
        root,
        "nonl.sh",
        "#!/bin/bash\nset -euo pipefail\nrm -rf \"$OUT/\"",
    );
    // Broken YAML and a broken Dockerfile line.
    write(
        root,
        "docker-compose.yml",
        "services:\n  api: [unclosed\n    image: x\n",
    );
    write(
        root,
        "Dockerfile",
        "FROM alpine:3.20\nNOTANINSTRUCTION foo\nUSER 1000\n",
    );
    // Multi-byte text before the finding.
    write(
        root,
        "utf8.sh",
        "#!/bin/bash\nset -euo pipefail\n# é日本\necho \"ü\"; rm -rf $DEST/\n",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", root.join("outside.sh")).unwrap();
    }
    let (code, v) = json_scan(root, &["--fail-on", "medium"]);
    assert_eq!(code, 1, "{v}");
    let skipped = &v["summary"]["files_skipped"];
    assert_eq!(skipped["non-utf8"], 1, "{v}");
    assert_eq!(skipped["binary"], 1, "{v}");
    assert_eq!(skipped["too-large"], 1, "{v}");
    #[cfg(unix)]
    assert_eq!(skipped["symlink"], 2, "{v}");
    assert!(v["summary"]["parse_errors"].as_u64().unwrap() >= 2, "{v}");
    let findings = v["findings"].as_array().unwrap();
    let at = |path: &str| -> Vec<(u64, u64)> {
        findings
            .iter()
            .filter(|f| f["path"] == path && f["rule"] == "shell/unsafe-rm")
            .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(at("crlf.sh"), vec![(4, 8)]);
    assert_eq!(at("nonl.sh"), vec![(3, 8)]);
    assert_eq!(at("utf8.sh"), vec![(4, 18)]);
    assert!(at("latin1.sh").is_empty() && at("big.sh").is_empty() && at("blob.sh").is_empty());
    let diags = v["diagnostics"].as_array().unwrap();
    assert!(
        diags.iter().any(|d| d["path"] == "docker-compose.yml"),
        "{v}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d["path"] == "Dockerfile" && d["line"] == 2),
        "{v}"
    );
    // A higher limit reads the big file.
    write(root, "harden.toml", "max_file_size = 4000000\n");
    let (_, v) = json_scan(root, &[]);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "big.sh"));
}

#[test]
fn gitignore_is_honoured_without_git_and_hidden_dirs_are_scanned() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), ".gitignore", "build/\n");
    write(tmp.path(), "build/gen.sh", RISKY);
    write(tmp.path(), ".github/scripts/release.sh", RISKY);
    let (_, v) = json_scan(tmp.path(), &[]);
    let mut paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .filter(|p| *p != ".") // repository-level findings
        .collect();
    paths.dedup();
    assert_eq!(paths, vec![".github/scripts/release.sh"]);
}

/// `--rule` is the plan's "is this task done" check: only that rule's findings, and
/// with `--fail-on info` exit 0 exactly when none is left.
#[test]
fn scan_for_one_rule_checks_a_task() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "deploy.sh", RISKY);
    write(tmp.path(), "ops.sh", "#!/bin/bash\necho hi\n");
    let (code, v) = json_scan(
        tmp.path(),
        &["--rule", "shell/unsafe-rm", "--fail-on", "info"],
    );
    assert_eq!(code, 1);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.is_empty() && rules.iter().all(|r| *r == "shell/unsafe-rm"),
        "{rules:?}"
    );
    let (_, fam) = json_scan(tmp.path(), &["--rule", "shell/*"]);
    assert!(fam["findings"].as_array().unwrap().len() > rules.len());
    let (code, v) = json_scan(
        tmp.path(),
        &["--rule", "docker/runs-as-root", "--fail-on", "info"],
    );
    assert_eq!(code, 0);
    assert!(v["findings"].as_array().unwrap().is_empty());
    harden()
        .args(["scan", "--rule", "shell/nope"])
        .arg(tmp.path())
        .assert()
        .code(2);
}

#[test]
fn rules_and_explain() {
    let out = harden().arg("rules").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("shell/unsafe-rm"));
    let out = harden()
        .args(["explain", "shell/unsafe-rm"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("## Why") && text.contains("${STAGING:?}"));
    harden().args(["explain", "shell/nope"]).assert().code(2);
    // The privileged-script pass is not a rule but has its page.
    let out = harden()
        .args(["explain", "actions/script-context"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("make GOAL") && text.contains("never above `high`"));
}

#[test]
fn terminal_output_has_caret_and_summary() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "scripts/clean.sh", RISKY);
    let out = harden().arg("scan").arg(tmp.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("scripts/clean.sh"), "{text}");
    assert!(text.contains("^^^^"), "{text}");
    assert!(
        text.contains("3 findings (1 high, 2 low) in 1 files scanned"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "NO_COLOR output has escape codes");
}

#[test]
fn a_panicking_rule_becomes_a_diagnostic() {
    use harden::rules::{FileCx, Rule, RuleMeta, Sink};
    struct Boom;
    static META: RuleMeta = RuleMeta {
        id: "shell/boom",
        summary: "test",
        severity: harden::finding::Severity::High,
        docs: "",
    };
    impl Rule for Boom {
        fn meta(&self) -> &'static RuleMeta {
            &META
        }
        fn check_shell(
            &self,
            _s: &harden::parse::shell::ShellScript,
            _cx: &FileCx<'_>,
            _o: &mut Sink<'_>,
        ) {
            panic!("boom");
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a.sh", RISKY);
    let rules: Vec<Box<dyn Rule>> = vec![
        Box::new(Boom),
        Box::new(harden::rules::shell::unsafe_rm::UnsafeRm),
    ];
    let report = common::scan_with(tmp.path(), &rules);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule, "shell/unsafe-rm");
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.message.contains("shell/boom")));
}

#[test]
fn findings_in_tests_and_vendored_code_are_capped_at_low() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "scripts/clean.sh", RISKY);
    write(tmp.path(), "tests/integration/clean.sh", RISKY);
    write(tmp.path(), "third_party/tool/clean.sh", RISKY);
    let (_, v) = json_scan(tmp.path(), &[]);
    let sev = |path: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == path && f["rule"] == "shell/unsafe-rm")
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(sev("scripts/clean.sh"), vec!["high"]);
    assert_eq!(sev("tests/integration/clean.sh"), vec!["low"]);
    assert_eq!(sev("third_party/tool/clean.sh"), vec!["low"]);
}
