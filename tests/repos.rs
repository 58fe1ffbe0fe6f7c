//! Whole-repository scans of realistic fixture repositories under
//! `tests/fixtures/repos/`: recall against the problems a reviewer lists in each
//! repository's `EXPECTED` file, precision on the files it lists as clean, and a
//! snapshot of the full JSON output.

mod common;

use std::collections::BTreeSet;
use std::fs;

use assert_cmd::Command;
use serde_json::Value;

const REPOS: &[&str] = &["collector-ops", "gpu-inference"];

fn scan_json(repo: &str) -> Value {
    let root = common::standalone(&common::fixtures().join("repos").join(repo));
    let out = Command::cargo_bin("harden")
        .expect("binary")
        .args(["scan", "--format", "json", "--fail-on", "critical"])
        .arg(root.path())
        .output()
        .expect("runs");
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn expected_problems_are_found_and_clean_files_stay_clean() {
    let mut report = String::new();
    for repo in REPOS {
        let v = scan_json(repo);
        let expected =
            fs::read_to_string(common::fixtures().join("repos").join(repo).join("EXPECTED"))
                .expect("EXPECTED");
        // A problem is found when a finding of the rule points at it, as its main
        // location or as a related one (one finding may cover a file's repeats).
        let found: BTreeSet<(String, String, u64)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .flat_map(|f| {
                let rule = f["rule"].as_str().unwrap_or("").to_string();
                let main = (
                    rule.clone(),
                    f["path"].as_str().unwrap_or("").to_string(),
                    f["line"].as_u64().unwrap_or(0),
                );
                let related = f["related"].as_array().cloned().unwrap_or_default();
                std::iter::once(main).chain(related.into_iter().map(move |r| {
                    (
                        rule.clone(),
                        r["path"].as_str().unwrap_or("").to_string(),
                        r["line"].as_u64().unwrap_or(0),
                    )
                }))
            })
            .collect();
        let mut missing = Vec::new();
        let mut total = 0;
        for line in expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (rule, loc) = line.split_once(' ').expect("rule and location");
            if rule == "clean" {
                let noisy: Vec<_> = v["findings"]
                    .as_array()
                    .expect("findings")
                    .iter()
                    .filter(|f| {
                        f["path"] == loc
                            && matches!(
                                f["severity"].as_str(),
                                Some("critical" | "high" | "medium")
                            )
                    })
                    .map(|f| format!("{}:{} {}", loc, f["line"], f["rule"]))
                    .collect();
                assert!(
                    noisy.is_empty(),
                    "{repo}: clean file has findings at medium or above: {noisy:?}"
                );
                continue;
            }
            total += 1;
            let (path, line_no) = loc.rsplit_once(':').expect("path:line");
            let line_no: u64 = line_no.parse().expect("line number");
            if !found.contains(&(rule.to_string(), path.to_string(), line_no)) {
                missing.push(line.to_string());
            }
        }
        report.push_str(&format!(
            "{repo}: {}/{} expected problems found\n",
            total - missing.len(),
            total
        ));
        assert!(
            missing.is_empty(),
            "{repo}: not found: {missing:#?}\nfound: {found:#?}"
        );
    }
    eprintln!("{report}");
}

#[test]
fn full_json_snapshots() {
    for repo in REPOS {
        let mut v = scan_json(repo);
        v["tool"]["version"] = Value::String("[version]".into());
        insta::assert_json_snapshot!(format!("repo__{repo}"), v);
    }
}

/// A release built by JavaScript scripts (uptime-kuma's `extra/release/*.mjs`): a
/// `buildImage(repoNames, tags, target, buildArgs = "", dockerfile = "docker/dockerfile")`
/// helper builds `release`, `rootless`, `nightly` and `nightly-rootless`. The stages
/// judged are those: `release` and `nightly` (built on it) run as root, one finding
/// that names the rootless variants; the last stage, built only by a `@deprecated`
/// helper and a doc comment's example, and the base images the release builds on
/// are not what runs.
#[test]
fn release_script_targets_are_the_stages_judged() {
    let root = common::standalone(&common::fixtures().join("repos/release-script-targets"));
    let out = Command::cargo_bin("harden")
        .expect("binary")
        .args(["scan", "--format", "json", "--rule", "docker/runs-as-root"])
        .arg(root.path())
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let found: Vec<(String, u64, String, Vec<u64>)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_string(),
                f["related"]
                    .as_array()
                    .map(|r| r.iter().filter_map(|x| x["line"].as_u64()).collect())
                    .unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    let (path, line, message, related) = &found[0];
    assert_eq!((path.as_str(), *line), ("docker/dockerfile", 10));
    assert!(
        message.starts_with("the `release` and `nightly` targets never set `USER`"),
        "{message}"
    );
    assert!(
        message.contains("`rootless` and `nightly-rootless`, built on it, set `USER node`: make them the default images"),
        "{message}"
    );
    assert_eq!(related, &vec![20]);
}

/// A stack people start by hand in a terminal (every `docker compose up` of it runs
/// attached, and the database service does not restart on its own) publishes its
/// database for host-side tools: a quickstart, a one-off import. Its published ports
/// and the password of that database are low there, not release blockers; a deployment
/// (restart policy, or brought up with `-d` anywhere) stays high.
#[test]
fn hand_run_stacks_are_low_and_deployments_stay_high() {
    let root = common::standalone(&common::fixtures().join("repos/hand-run-stacks"));
    let out = Command::cargo_bin("harden")
        .expect("binary")
        .args(["scan", "--format", "json", "--fail-on", "critical"])
        .args([
            "--rule",
            "compose/db-port-exposed",
            "--rule",
            "compose/secret-literal",
        ])
        .arg(root.path())
        .output()
        .expect("runs");
    let v: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let found: BTreeSet<(String, String, u64, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["severity"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, u64, String)> = [
        ("compose/db-port-exposed", "docker-catalog.yml", 9, "low"),
        ("compose/db-port-exposed", "docker-catalog.yml", 15, "low"),
        (
            "compose/db-port-exposed",
            "extras/catalog-import/docker-compose.yml",
            5,
            "low",
        ),
        (
            "compose/secret-literal",
            "extras/catalog-import/docker-compose.yml",
            10,
            "low",
        ),
        (
            "compose/db-port-exposed",
            "deploy/docker-compose.yml",
            8,
            "high",
        ),
        (
            "compose/db-port-exposed",
            "selfhost/docker-compose.yml",
            5,
            "high",
        ),
    ]
    .into_iter()
    .map(|(r, p, l, s)| (r.to_string(), p.to_string(), l, s.to_string()))
    .collect();
    assert_eq!(found, want);
    let message = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["path"] == "docker-catalog.yml")
        .and_then(|f| f["message"].as_str())
        .unwrap_or("")
        .to_string();
    assert!(
        message.contains("`docker compose up` at docs/installation.md:8"),
        "{message}"
    );
}
