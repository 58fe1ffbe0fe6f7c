//! `harden fix`: before/after fixtures (with CRLF and no-final-newline variants),
//! idempotence, safety levels, dry runs, VCS checks and a whole-repository round trip.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use harden::config::Config;
use harden::fix::{fix_repository, FixOptions};

fn harden() -> Command {
    let mut c = Command::cargo_bin("harden").expect("binary");
    c.env("NO_COLOR", "1");
    c
}

/// (fixture name, needs --unsafe)
const CASES: &[(&str, bool)] = &[
    ("unsafe-rm", false),
    ("backup-umask", false),
    ("missing-strict-mode", true),
    ("partial-strict-mode", true),
];

fn variants(text: &str) -> Vec<(&'static str, String)> {
    vec![
        ("lf", text.to_string()),
        ("crlf", text.replace('\n', "\r\n")),
        ("no-final-newline", text.trim_end_matches('\n').to_string()),
    ]
}

fn run_fix(root: &Path, include_unsafe: bool) -> harden::fix::FixOutcome {
    let opts = FixOptions {
        dry_run: false,
        include_unsafe,
        rules: vec![],
    };
    fix_repository(root, &Config::default(), &opts)
}

#[test]
fn before_after_fixtures_in_every_line_ending_and_idempotent() {
    let dir = common::fixtures().join("fix");
    for (name, needs_unsafe) in CASES {
        let before = fs::read_to_string(dir.join(format!("{name}.before.sh"))).unwrap();
        let after = fs::read_to_string(dir.join(format!("{name}.after.sh"))).unwrap();
        for ((variant, b), (_, a)) in variants(&before).into_iter().zip(variants(&after)) {
            let tmp = tempfile::tempdir().unwrap();
            let file = tmp.path().join("script.sh");
            fs::write(&file, &b).unwrap();
            if *needs_unsafe {
                run_fix(tmp.path(), false);
                assert_eq!(
                    fs::read_to_string(&file).unwrap(),
                    b,
                    "{name}/{variant}: unsafe fix applied without --unsafe"
                );
            }
            let out = run_fix(tmp.path(), *needs_unsafe);
            assert!(
                out.errors.is_empty() && out.rolled_back.is_empty(),
                "{name}/{variant}: {out:?}"
            );
            let got = fs::read_to_string(&file).unwrap();
            let want = a.clone();
            assert_eq!(got, want, "{name}/{variant}");
            // Second run changes nothing.
            let again = run_fix(tmp.path(), *needs_unsafe);
            assert!(
                again.applied.is_empty(),
                "{name}/{variant}: second run applied {:?}",
                again.applied
            );
            assert_eq!(fs::read_to_string(&file).unwrap(), want);
        }
    }
}

fn git(root: &Path, args: &[&str]) {
    let ok = StdCommand::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn refuses_without_vcs_or_with_a_dirty_tree_and_dry_run_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let before = fs::read_to_string(common::fixtures().join("fix/unsafe-rm.before.sh")).unwrap();
    let file = tmp.path().join("clean.sh");
    fs::write(&file, &before).unwrap();
    harden().arg("fix").arg(tmp.path()).assert().code(2);

    let out = harden()
        .args(["fix", "--dry-run"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--- a/clean.sh") && text.contains("+rm -rf \"${BUILD_DIR:?}\"/*"),
        "{text}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), before);

    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "."]);
    git(tmp.path(), &["commit", "-qm", "init"]);
    fs::write(&file, format!("{before}\n# local edit\n")).unwrap();
    harden().arg("fix").arg(tmp.path()).assert().code(2);
    harden()
        .args(["fix", "--allow-dirty"])
        .arg(tmp.path())
        .assert()
        .code(0);
    assert!(fs::read_to_string(&file)
        .unwrap()
        .contains("${BUILD_DIR:?}"));
}

#[test]
fn rule_filter_and_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    let before = fs::read_to_string(common::fixtures().join("fix/unsafe-rm.before.sh")).unwrap();
    fs::write(tmp.path().join("a.sh"), &before).unwrap();
    let out = fix_repository(
        tmp.path(),
        &Config::default(),
        &FixOptions {
            dry_run: false,
            include_unsafe: true,
            rules: vec!["shell/missing-strict-mode".into()],
        },
    );
    assert!(out
        .applied
        .iter()
        .all(|a| a.0 == "shell/missing-strict-mode"));
    let text = fs::read_to_string(tmp.path().join("a.sh")).unwrap();
    assert!(text.contains("set -euo pipefail") && text.contains("rm -rf $BUILD_DIR/*"));

    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("victim.sh");
        fs::write(&target, &before).unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&target, repo.path().join("linked.sh")).unwrap();
        run_fix(repo.path(), true);
        assert_eq!(
            fs::read_to_string(&target).unwrap(),
            before,
            "fix wrote through a symlink"
        );
    }
}

#[test]
fn whole_repo_scan_fix_scan() {
    let src = common::fixtures().join("repos/collector-ops");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&src, tmp.path());
    let before = common::scan_all(tmp.path());
    let fixable: Vec<String> = before
        .findings
        .iter()
        .filter(|f| {
            f.fix
                .as_ref()
                .is_some_and(|x| x.safety == harden::finding::Safety::Safe)
        })
        .map(|f| f.fingerprint())
        .collect();
    assert!(!fixable.is_empty());
    let out = run_fix(tmp.path(), false);
    assert!(
        out.errors.is_empty() && out.rolled_back.is_empty(),
        "{out:?}"
    );
    let after = common::scan_all(tmp.path());
    let before_keys: Vec<(harden::finding::FilePath, &str)> = before
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.rule))
        .collect();
    for f in &after.findings {
        assert!(
            !fixable.contains(&f.fingerprint()),
            "fixed finding still reported: {}:{} {}",
            f.path,
            f.region.start.line,
            f.rule
        );
        assert!(
            before_keys.contains(&(f.path.clone(), f.rule)),
            "new finding after fix: {}:{} {}",
            f.path,
            f.region.start.line,
            f.rule
        );
    }
    assert!(after.findings.len() < before.findings.len());
    eprintln!(
        "collector-ops: {} findings before fix, {} after safe fixes",
        before.findings.len(),
        after.findings.len()
    );
    run_fix(tmp.path(), true);
    let after_unsafe = common::scan_all(tmp.path());
    eprintln!(
        "collector-ops: {} after --unsafe",
        after_unsafe.findings.len()
    );
    assert!(after_unsafe.findings.len() <= after.findings.len());
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&dest).unwrap();
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[test]
fn dependabot_config_is_written_valid_and_covers_the_repository() {
    let validator = common::published_schema("dependabot-2.0.schema.json");
    for repo in ["collector-ops", "gpu-inference"] {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&common::fixtures().join("repos").join(repo), tmp.path());
        let out = fix_repository(
            tmp.path(),
            &Config::default(),
            &FixOptions {
                dry_run: false,
                include_unsafe: false,
                rules: vec!["repo/no-dependency-updates".into()],
            },
        );
        assert!(out.errors.is_empty(), "{out:?}");
        let text = fs::read_to_string(tmp.path().join(".github/dependabot.yml")).expect("written");
        let parsed = harden::parse::yaml::parse(&text);
        assert!(parsed.error.is_none(), "{text}");
        let doc = common::yaml_to_json(parsed.documents[0].root.as_ref().unwrap());
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{repo}: {errors:?}\n{text}");
        // The new file satisfies the coverage rules: no dependency-update findings remain.
        let after = common::scan_all(tmp.path());
        let left: Vec<_> = after
            .findings
            .iter()
            .filter(|f| {
                f.rule.starts_with("repo/dependabot") || f.rule == "repo/no-dependency-updates"
            })
            .map(|f| {
                format!(
                    "{} {}:{} {}",
                    f.rule, f.path, f.region.start.line, f.message
                )
            })
            .collect();
        assert!(left.is_empty(), "{repo}: {left:#?}");
        if repo == "gpu-inference" {
            assert!(text.contains("dependency-name: \"nvidia/cuda\""), "{text}");
            assert!(text.contains("dependency-name: \"torch\""), "{text}");
        }
    }
}

#[test]
fn security_workflow_has_only_missing_parts_is_valid_and_passes_our_own_rules() {
    let validator = common::published_schema("github-workflow.schema.json");
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&common::fixtures().join("repos/gpu-inference"), tmp.path());
    // The repository already scans secrets: the new workflow must not add gitleaks.
    fs::write(
        tmp.path().join(".github/workflows/secrets.yml"),
        "name: secrets\non: [push]\npermissions:\n  contents: read\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - run: trufflehog filesystem .\n",
    )
    .unwrap();
    let out = harden()
        .args([
            "fix",
            "--allow-no-vcs",
            "--rule",
            "none/none",
            "--add-workflow",
            "security",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text =
        fs::read_to_string(tmp.path().join(".github/workflows/security.yml")).expect("written");
    assert!(
        text.contains("trivy-action")
            && text.contains("sbom-action")
            && text.contains("dependency-review-action")
    );
    assert!(!text.contains("gitleaks"), "{text}");
    let parsed = harden::parse::yaml::parse(&text);
    let doc = common::yaml_to_json(parsed.documents[0].root.as_ref().unwrap());
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{text}");
    let report = common::scan_all(tmp.path());
    let own: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.path.ends_with("security.yml"))
        .map(|f| format!("{}:{} {}", f.rule, f.region.start.line, f.message))
        .collect();
    assert!(own.is_empty(), "{own:#?}");
    // A second run leaves the existing file alone.
    let again = harden()
        .args([
            "fix",
            "--allow-no-vcs",
            "--rule",
            "none/none",
            "--add-workflow",
            "security",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("not overwritten")
            || String::from_utf8_lossy(&again.stdout).contains("already has")
    );
}
