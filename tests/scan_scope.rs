//! What `harden scan` reads: named files (as pre-commit passes them), a directory
//! inside a larger git work tree, a path that does not exist. The tests make their
//! repositories with git (isolated from the user's configuration); harden itself
//! finds them by reading `.git` and the index, and runs no git.

mod common;
use common::{git, harden, write};

use assert_cmd::Command;
use serde_json::Value;

const RISKY: &str = "#!/bin/bash\nset -euo pipefail\nrm -rf \"$STAGING/\"\n";

/// A monorepo: a work tree with a service directory, no security policy and no
/// Dependabot (two repository-level findings when scanned whole).
fn monorepo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "services/api/clean.sh", RISKY);
    write(
        root,
        "services/api/Dockerfile",
        "FROM python:3.12-slim\nUSER 1000\n",
    );
    write(root, "tools/release.sh", RISKY);
    write(root, ".gitignore", "generated/\n");
    write(root, "generated/gen.sh", RISKY);
    write(root, "harden.toml", "exclude = [\"vendor/**\"]\n");
    write(root, "vendor/lib.sh", RISKY);
    git(root, &["init", "-q", "."]);
    git(root, &["add", "-A"]);
    tmp
}

/// `harden scan --format json`, the info-level findings (a digest pin) left out, and
/// the medium `rm -rf "$X/"` under `set -u` failing the gate.
fn scan() -> Command {
    let mut c = harden();
    c.args([
        "scan",
        "--format",
        "json",
        "--min-severity",
        "low",
        "--fail-on",
        "medium",
    ]);
    c
}

fn json(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn places(v: &Value) -> Vec<String> {
    let mut p: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )
        })
        .collect();
    p.sort();
    p
}

#[test]
fn the_whole_repository_reports_what_it_lacks() {
    let tmp = monorepo();
    let (code, v) = json(scan().arg(tmp.path()));
    assert_eq!(code, 1);
    assert_eq!(
        places(&v),
        [
            ". repo/missing-security-policy",
            ". repo/no-dependency-updates",
            "services/api/clean.sh shell/unsafe-rm",
            "tools/release.sh shell/unsafe-rm",
        ]
    );
}

/// Several files, as a pre-commit hook passes them: those files only, paths from the
/// work tree's top, the repository-level findings left out (a few files cannot show
/// that the repository lacks a policy), exclude of harden.toml applied.
#[test]
fn named_files_are_scanned_alone() {
    let tmp = monorepo();
    let root = tmp.path();
    let (code, v) = json(scan().current_dir(root).args([
        "services/api/clean.sh",
        "services/api/Dockerfile",
        "vendor/lib.sh",
    ]));
    assert_eq!(code, 1);
    assert_eq!(places(&v), ["services/api/clean.sh shell/unsafe-rm"], "{v}");
    assert_eq!(v["summary"]["files_scanned"], 2, "vendor/ is excluded: {v}");
    // A file named is checked even when an ignore rule matches it (pre-commit names
    // only what git tracks), the same file named twice once.
    let (_, v) = json(harden().current_dir(root).args([
        "scan",
        "--format",
        "json",
        "generated/gen.sh",
        "./generated/gen.sh",
    ]));
    assert_eq!(places(&v), ["generated/gen.sh shell/unsafe-rm"], "{v}");
    // From a subdirectory, the paths are still the repository's.
    let (_, v) = json(harden().current_dir(root.join("services")).args([
        "scan",
        "--format",
        "json",
        "api/clean.sh",
    ]));
    assert_eq!(places(&v), ["services/api/clean.sh shell/unsafe-rm"], "{v}");
    // The terminal and concise formats say where.
    let out = harden()
        .current_dir(root)
        .args(["scan", "--format", "concise", "tools/release.sh"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("tools/release.sh:3:8: medium shell/unsafe-rm"),
        "{text}"
    );
    assert!(!text.contains(".:0:0:"), "{text}");
}

/// Outside any work tree, files are rooted at the current directory, else at their
/// common directory.
#[test]
fn named_files_outside_a_repository() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "a/one.sh", RISKY);
    write(tmp.path(), "b/two.sh", RISKY);
    let (_, v) = json(
        scan()
            .current_dir(tmp.path())
            .args(["a/one.sh", "b/two.sh"]),
    );
    assert_eq!(
        places(&v),
        ["a/one.sh shell/unsafe-rm", "b/two.sh shell/unsafe-rm"]
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let (_, v) = json(
        scan()
            .current_dir(elsewhere.path())
            .arg(tmp.path().join("a/one.sh"))
            .arg(tmp.path().join("b/two.sh")),
    );
    assert_eq!(
        places(&v),
        ["a/one.sh shell/unsafe-rm", "b/two.sh shell/unsafe-rm"]
    );
}

/// Run from a subdirectory of a work tree, or given one: the findings of that
/// directory, and the repository-level controls (at the top) not reported missing.
#[test]
fn a_subdirectory_of_a_work_tree() {
    let tmp = monorepo();
    let api = tmp.path().join("services/api");
    let (code, from_inside) = json(scan().current_dir(&api));
    assert_eq!(code, 1);
    assert_eq!(
        places(&from_inside),
        ["clean.sh shell/unsafe-rm"],
        "{from_inside}"
    );
    let (_, given) = json(scan().arg(&api));
    assert_eq!(places(&given), ["clean.sh shell/unsafe-rm"], "{given}");
    // The same directory as a repository of its own reports what it lacks.
    let alone = tempfile::tempdir().unwrap();
    write(alone.path(), "clean.sh", RISKY);
    let (_, v) = json(scan().arg(alone.path()));
    assert!(
        places(&v).contains(&". repo/missing-security-policy".to_string()),
        "{v}"
    );
    // A linked worktree (its `.git` is a file naming its git directory) is read the same.
    git(tmp.path(), &["commit", "-q", "-m", "init"]);
    let linked = tempfile::tempdir().unwrap();
    let checkout = linked.path().join("checkout");
    git(
        tmp.path(),
        &[
            "worktree",
            "add",
            "-q",
            checkout.to_str().expect("utf-8 temp path"),
        ],
    );
    let (_, v) = json(scan().arg(checkout.join("services/api")));
    assert_eq!(places(&v), ["clean.sh shell/unsafe-rm"], "{v}");
    let (_, v) = json(scan().arg(&checkout));
    assert!(
        places(&v).contains(&". repo/missing-security-policy".to_string()),
        "{v}"
    );
}

/// A directory below a work tree that tracks nothing in it (a project in a home
/// directory kept under git for its dotfiles) is a repository of its own.
#[test]
fn an_untracked_directory_below_a_work_tree_is_a_repository() {
    let home = tempfile::tempdir().unwrap();
    write(home.path(), ".bashrc", "export EDITOR=vi\n");
    git(home.path(), &["init", "-q", "."]);
    git(home.path(), &["add", ".bashrc"]);
    write(home.path(), "projects/app/clean.sh", RISKY);
    let (_, v) = json(scan().arg(home.path().join("projects/app")));
    assert_eq!(
        places(&v),
        [". repo/missing-security-policy", "clean.sh shell/unsafe-rm"],
        "{v}"
    );
}

#[test]
fn a_missing_path_is_an_error() {
    let tmp = monorepo();
    for args in [
        vec!["nope.sh"],
        vec!["tools/release.sh", "nope/x.sh"],
        vec!["nope-dir"],
    ] {
        let out = harden()
            .current_dir(tmp.path())
            .arg("scan")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        let missing = args.last().unwrap();
        assert!(
            err.contains(&format!("{missing}: no such file or directory")),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    // A directory among files is a usage error, not a silent half scan.
    let out = harden()
        .current_dir(tmp.path())
        .args(["scan", "tools/release.sh", "services"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Other commands say the same of a missing repository.
    let out = harden()
        .current_dir(tmp.path())
        .args(["status", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope: no such file or directory"));
}

/// `status` and `plan` judge a whole repository: run from a subdirectory (no PATH), they read
/// the repository it belongs to (say so on stderr), so what the root has (here a
/// security policy) is not reported missing and the plan is the whole one.
#[test]
fn status_and_plan_from_a_subdirectory_cover_the_whole_repository() {
    let tmp = monorepo();
    write(
        tmp.path(),
        "SECURITY.md",
        "# Security\n\nReport vulnerabilities to security@example.org.\n",
    );
    git(tmp.path(), &["add", "-A"]);
    let api = tmp.path().join("services/api");
    // `harden ARGS` run in `dir`: its JSON and its stderr.
    let run_in = |dir: &std::path::Path, args: &[&str]| {
        let out = harden().args(args).current_dir(dir).output().unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (v, String::from_utf8_lossy(&out.stderr).to_string())
    };
    let status = |dir: &std::path::Path| run_in(dir, &["status", "--format", "json"]);
    let (at_root, _) = status(tmp.path());
    let (inside, note) = status(&api);
    assert!(at_root["controls"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));
    assert_eq!(at_root["controls"], inside["controls"]);
    assert_eq!(at_root["scores"], inside["scores"]);
    assert!(note.contains("covers the whole repository"), "{note}");
    let plan = |dir: &std::path::Path| {
        let (v, _) = run_in(dir, &["plan", "--format", "json"]);
        v["tasks"].as_array().map(Vec::len)
    };
    assert_eq!(plan(tmp.path()), plan(&api));
    assert!(plan(&api).is_some_and(|n| n > 0));
}

/// `fix` from a subdirectory (no PATH) fixes the repository it belongs to, as `status` and
/// `plan` judge it: the same changes as at the top (the repository-level ones included),
/// and a note on stderr.
#[test]
fn fix_from_a_subdirectory_covers_the_whole_repository() {
    let tmp = monorepo();
    let api = tmp.path().join("services/api");
    let fix = |dir: &std::path::Path| {
        let out = harden()
            .args(["fix", "--dry-run"])
            .current_dir(dir)
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (at_root, _) = fix(tmp.path());
    let (inside, note) = fix(&api);
    assert!(at_root.contains("would fix"), "{at_root}");
    assert!(!at_root.contains("would fix 0 finding"), "{at_root}");
    assert_eq!(at_root, inside);
    assert!(note.contains("fix covers the whole repository"), "{note}");
}

/// The plan's "done when" command (`harden scan --repository --rule … --fail-on info`)
/// checks the whole repository wherever it is run: from a subdirectory without the
/// flag, the scan covers that subtree only and would pass while the task is open.
#[test]
fn the_plans_done_when_command_holds_from_a_subdirectory() {
    let tmp = monorepo();
    write(tmp.path(), "docs/README.md", "# Operations\n");
    git(tmp.path(), &["add", "-A"]);
    let api = tmp.path().join("docs");
    let out = harden()
        .args(["plan", "--format", "markdown"])
        .current_dir(&api)
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&out.stdout).to_string();
    let check = plan
        .split('`')
        .find(|c| c.starts_with("harden scan --repository --rule shell/"))
        .unwrap_or_else(|| panic!("no done-when check for the shell task:\n{plan}"))
        .to_string();
    let args: Vec<&str> = check.split_whitespace().skip(1).collect();
    let code = |args: &[&str]| {
        harden()
            .args(args)
            .current_dir(&api)
            .output()
            .unwrap()
            .status
            .code()
    };
    // The open findings are in services/ and tools/, outside `docs/`.
    assert_eq!(code(&args), Some(1), "{check}");
    let subtree: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| *a != "--repository")
        .collect();
    assert_eq!(code(&subtree), Some(0), "{check}");
}
