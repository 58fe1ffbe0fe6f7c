//! Whole-repository tests of `harden status`: each fixture under
//! `tests/fixtures/repos/status-*/` is assessed and every control's state is
//! checked against a table; the JSON document is snapshotted.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use harden::config::Config;
use harden::status::{self, controls::CONTROLS, StatusReport};

fn repo(name: &str) -> PathBuf {
    common::fixtures().join("repos").join(name)
}

fn assess(name: &str) -> StatusReport {
    let root = repo(name);
    let report = common::scan_all(&root);
    let config = Config::load(&root, None).expect("config");
    status::assess(&root, &report, &config)
}

/// Asserts every declared control is listed once and has the expected state.
fn check(name: &str, expected: &[(&str, &str)]) {
    let report = assess(name);
    assert_eq!(
        expected.len(),
        CONTROLS.len(),
        "{name}: the table must list every control"
    );
    let mut wrong = Vec::new();
    for (id, want) in expected {
        let got = report
            .control(id)
            .unwrap_or_else(|| panic!("{name}: unknown control {id}"));
        if got.state.as_str() != *want {
            wrong.push(format!(
                "{id}: expected {want}, got {} ({}; {:?})",
                got.state.as_str(),
                got.summary,
                got.evidence
            ));
        }
    }
    assert!(wrong.is_empty(), "{name}:\n{}", wrong.join("\n"));
    // Evidence always cites a real file and a 1-based line.
    for c in &report.controls {
        for e in &c.evidence {
            assert!(e.line >= 1, "{name}/{}: line 0", c.id);
            assert!(
                repo(name).join(&e.path).is_file(),
                "{name}/{}: evidence path {} does not exist",
                c.id,
                e.path
            );
        }
        if c.state == status::State::Done {
            assert!(
                !c.evidence.is_empty(),
                "{name}/{}: done without evidence",
                c.id
            );
        }
    }
    insta::assert_json_snapshot!(
        format!("status_{name}"),
        status::render::json_value(&report)
    );
}

#[test]
fn mature_api() {
    check(
        "status-mature-api",
        &[
            ("dependency-updates", "done"),
            ("vulnerability-scan", "done"),
            ("image-scan", "done"),
            ("pinned-actions", "done"),
            ("dependency-lockfiles", "done"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "done"),
            ("signed-releases", "done"),
            ("security-policy", "done"),
            ("secret-scanning", "done"),
            ("sast", "done"),
            ("license", "done"),
            ("tests-in-ci", "done"),
            ("token-permissions", "done"),
            ("container-non-root", "done"),
            ("container-healthcheck", "done"),
            ("resource-limits", "done"),
            ("health-endpoint", "done"),
            ("readiness-endpoint", "done"),
            ("metrics", "done"),
            ("structured-logging", "done"),
            ("runbook", "done"),
            ("deployment-guide", "done"),
            ("rollback-procedure", "done"),
            ("backup-verification", "done"),
            ("changelog", "done"),
        ],
    );
}

#[test]
fn bare_collector() {
    check(
        "status-bare-collector",
        &[
            ("dependency-updates", "missing"),
            ("vulnerability-scan", "missing"),
            ("image-scan", "not-applicable"),
            ("pinned-actions", "not-applicable"),
            ("dependency-lockfiles", "missing"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "not-applicable"),
            ("security-policy", "missing"),
            ("secret-scanning", "missing"),
            ("sast", "missing"),
            ("license", "missing"),
            ("tests-in-ci", "missing"),
            ("token-permissions", "not-applicable"),
            ("container-non-root", "not-applicable"),
            ("container-healthcheck", "not-applicable"),
            ("resource-limits", "not-applicable"),
            // A `/health` in a test's fake server or a client call is not a health endpoint.
            ("health-endpoint", "not-applicable"),
            ("readiness-endpoint", "not-applicable"),
            ("metrics", "missing"),
            ("structured-logging", "missing"),
            ("runbook", "missing"),
            ("deployment-guide", "missing"),
            ("rollback-procedure", "missing"),
            ("backup-verification", "missing"),
            ("changelog", "missing"),
        ],
    );
}

#[test]
fn library() {
    check(
        "status-library",
        &[
            ("dependency-updates", "partial"),
            // The trivy step is commented out.
            ("vulnerability-scan", "missing"),
            ("image-scan", "not-applicable"),
            ("pinned-actions", "missing"),
            ("dependency-lockfiles", "not-applicable"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "missing"),
            ("security-policy", "partial"),
            ("secret-scanning", "partial"),
            ("sast", "missing"),
            ("license", "done"),
            ("tests-in-ci", "done"),
            ("token-permissions", "partial"),
            ("container-non-root", "not-applicable"),
            ("container-healthcheck", "not-applicable"),
            ("resource-limits", "not-applicable"),
            ("health-endpoint", "not-applicable"),
            ("readiness-endpoint", "not-applicable"),
            ("metrics", "not-applicable"),
            ("structured-logging", "not-applicable"),
            ("runbook", "not-applicable"),
            ("deployment-guide", "not-applicable"),
            ("rollback-procedure", "not-applicable"),
            ("backup-verification", "not-applicable"),
            ("changelog", "done"),
        ],
    );
}

#[test]
fn go_service_on_kubernetes() {
    check(
        "status-go-k8s",
        &[
            ("dependency-updates", "done"),
            ("vulnerability-scan", "missing"),
            ("image-scan", "missing"),
            ("pinned-actions", "not-applicable"),
            ("dependency-lockfiles", "done"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "missing"),
            ("security-policy", "missing"),
            ("secret-scanning", "missing"),
            ("sast", "done"),
            ("license", "missing"),
            ("tests-in-ci", "done"),
            ("token-permissions", "not-applicable"),
            ("container-non-root", "partial"),
            ("container-healthcheck", "done"),
            ("resource-limits", "partial"),
            ("health-endpoint", "done"),
            ("readiness-endpoint", "partial"),
            ("metrics", "missing"),
            ("structured-logging", "done"),
            ("runbook", "partial"),
            ("deployment-guide", "done"),
            ("rollback-procedure", "done"),
            ("backup-verification", "missing"),
            ("changelog", "missing"),
        ],
    );
}

#[test]
fn django_react_app() {
    check(
        "status-django-react",
        &[
            ("dependency-updates", "missing"),
            // `pip-audit ... || true` cannot fail the build.
            ("vulnerability-scan", "partial"),
            ("image-scan", "missing"),
            ("pinned-actions", "missing"),
            ("dependency-lockfiles", "partial"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "missing"),
            // GitHub's SECURITY.md template, never filled in.
            ("security-policy", "partial"),
            ("secret-scanning", "missing"),
            ("sast", "missing"),
            ("license", "missing"),
            ("tests-in-ci", "done"),
            ("token-permissions", "missing"),
            ("container-non-root", "partial"),
            ("container-healthcheck", "missing"),
            ("resource-limits", "missing"),
            ("health-endpoint", "done"),
            ("readiness-endpoint", "missing"),
            ("metrics", "missing"),
            ("structured-logging", "partial"),
            ("runbook", "partial"),
            ("deployment-guide", "missing"),
            ("rollback-procedure", "missing"),
            ("backup-verification", "partial"),
            ("changelog", "missing"),
        ],
    );
}

/// Only live configuration counts: an archived compose file and a workflow
/// under a package's own `.github/workflows` are listed as ignored; a compose
/// service named like another in an unrelated directory is another service; a
/// scanner whose failure is swallowed (`|| true`, `set +e`) is partial even
/// when an `echo` names it; the runbook's rollback section is cited, not the
/// Copilot instructions that also mention rollback.
#[test]
fn live_configuration_only() {
    check(
        "status-live-config",
        &[
            ("dependency-updates", "missing"),
            ("vulnerability-scan", "partial"),
            ("image-scan", "missing"),
            ("pinned-actions", "done"),
            ("dependency-lockfiles", "done"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "not-applicable"),
            ("security-policy", "missing"),
            ("secret-scanning", "missing"),
            ("sast", "partial"),
            ("license", "missing"),
            ("tests-in-ci", "done"),
            ("token-permissions", "done"),
            ("container-non-root", "done"),
            ("container-healthcheck", "missing"),
            ("resource-limits", "partial"),
            ("health-endpoint", "missing"),
            ("readiness-endpoint", "missing"),
            ("metrics", "missing"),
            ("structured-logging", "partial"),
            ("runbook", "done"),
            ("deployment-guide", "missing"),
            ("rollback-procedure", "done"),
            ("backup-verification", "missing"),
            ("changelog", "missing"),
        ],
    );
    let report = assess("status-live-config");
    let ignored: Vec<&str> = report.ignored.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        ignored,
        vec![
            "archived/docker-compose.prod.yml",
            "packages/worker/.github/workflows/deploy.yml"
        ]
    );
    let rollback = report.control("rollback-procedure").expect("control");
    assert_eq!(rollback.evidence[0].path, "docs/runbook.md");
    let scan = report.control("vulnerability-scan").expect("control");
    assert!(
        scan.evidence[0].note.contains("(non-blocking)"),
        "{:?}",
        scan.evidence
    );
}

/// Weak evidence never makes a control done: AI-assistant instructions for
/// deployment, rollback and troubleshooting prove nothing (missing, citing them),
/// a debug dump script is partial, a 0-byte
/// `backup.sql`; a URL in a SECURITY.md code sample is no reporting channel;
/// an empty root package-lock.json locks nothing; a Trivy action without a
/// failing `exit-code` and a job with `continue-on-error` can never fail (partial);
/// a dependabot.yml whose entry has no `schedule` is rejected by Dependabot (missing, with the error).
#[test]
fn weak_evidence_is_partial_and_says_so() {
    check(
        "status-weak-evidence",
        &[
            ("dependency-updates", "missing"),
            ("vulnerability-scan", "partial"),
            ("image-scan", "partial"),
            ("pinned-actions", "done"),
            ("dependency-lockfiles", "missing"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "not-applicable"),
            ("security-policy", "partial"),
            ("secret-scanning", "missing"),
            ("sast", "partial"),
            ("license", "missing"),
            ("tests-in-ci", "done"),
            ("token-permissions", "done"),
            ("container-non-root", "done"),
            ("container-healthcheck", "missing"),
            ("resource-limits", "missing"),
            ("health-endpoint", "done"),
            ("readiness-endpoint", "missing"),
            ("metrics", "missing"),
            ("structured-logging", "missing"),
            ("runbook", "missing"),
            ("deployment-guide", "missing"),
            ("rollback-procedure", "missing"),
            ("backup-verification", "partial"),
            ("changelog", "missing"),
        ],
    );
    let report = assess("status-weak-evidence");
    for id in ["runbook", "deployment-guide", "rollback-procedure"] {
        let c = report.control(id).expect("control");
        assert!(
            c.summary.contains("only in AI-assistant instructions"),
            "{id}: {}",
            c.summary
        );
        assert_eq!(c.evidence[0].path, "CLAUDE.md", "{id}");
    }
    let backup = report.control("backup-verification").expect("control");
    assert!(
        backup.summary.starts_with("weak evidence only"),
        "{}",
        backup.summary
    );
    assert!(backup.evidence.iter().all(|e| e.path != "backup.sql"));
}

/// A self-hosted application checked the way a reviewer reads it (issue 19's
/// held-out repositories): the admin export/import routes are its backup and
/// restore; a to-do note about deploying, a CONTRIBUTING title naming the
/// project, a theme's README and a deploy-status badge are no deployment guide,
/// while the README's link to the deployment docs kept elsewhere is partial; a
/// SECURITY.md whose address is a link's label is a reporting channel; a step
/// named "Test on ARMv7" that only installs is no test; a registry login before
/// a push script publishes.
#[test]
fn self_hosted_application() {
    check(
        "status-self-hosted",
        &[
            ("dependency-updates", "missing"),
            ("vulnerability-scan", "missing"),
            ("image-scan", "missing"),
            ("pinned-actions", "done"),
            ("dependency-lockfiles", "done"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "missing"),
            ("security-policy", "done"),
            ("secret-scanning", "missing"),
            ("sast", "missing"),
            ("license", "done"),
            ("tests-in-ci", "missing"),
            ("token-permissions", "done"),
            ("container-non-root", "done"),
            ("container-healthcheck", "missing"),
            ("resource-limits", "missing"),
            ("health-endpoint", "done"),
            ("readiness-endpoint", "missing"),
            ("metrics", "missing"),
            ("structured-logging", "missing"),
            ("runbook", "missing"),
            ("deployment-guide", "partial"),
            ("rollback-procedure", "missing"),
            ("backup-verification", "done"),
            ("changelog", "missing"),
        ],
    );
    let r = assess("status-self-hosted");
    let first = |id: &str| {
        let c = r.control(id).expect("control");
        let e = c.evidence.first().expect("evidence");
        (e.path.clone(), e.line, e.note.clone())
    };
    let (path, line, note) = first("backup-verification");
    assert_eq!(
        (path.as_str(), line),
        ("app/admin/__init__.py", 20),
        "{note}"
    );
    assert!(note.contains("/admin/export"), "{note}");
    let backup = r.control("backup-verification").expect("control");
    assert!(backup
        .evidence
        .iter()
        .any(|e| e.note.contains("restore route /admin/import")));
    assert!(backup.evidence.iter().all(|e| !e.note.contains("csv")));
    let (path, line, note) = first("deployment-guide");
    assert_eq!((path.as_str(), line), ("README.md", 14), "{note}");
    assert!(note.contains("docs.acme-ctf.io/docs/deployment"), "{note}");
    assert_eq!(first("security-policy").0, "SECURITY.md");
    assert!(first("signed-releases")
        .2
        .starts_with("uses docker/login-action@"));
}

/// A Go service with a UI and a release pipeline (podinfo- and
/// uptime-kuma-shaped): the registered `/healthz` route is cited before a CLI's
/// gRPC health client; `cosign sign` before the installer; `npm run
/// test-backend` is a test; `deploy/README.md` before a component's README
/// under `deploy/`; a `bin`-only package.json and an example's package.json
/// need no lockfile.
#[test]
fn release_pipeline_cites_the_proof() {
    check(
        "status-release-pipeline",
        &[
            ("dependency-updates", "missing"),
            ("vulnerability-scan", "missing"),
            ("image-scan", "missing"),
            ("pinned-actions", "done"),
            ("dependency-lockfiles", "done"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "done"),
            ("security-policy", "missing"),
            ("secret-scanning", "missing"),
            ("sast", "missing"),
            ("license", "done"),
            ("tests-in-ci", "done"),
            ("token-permissions", "done"),
            ("container-non-root", "done"),
            ("container-healthcheck", "done"),
            ("resource-limits", "done"),
            ("health-endpoint", "done"),
            ("readiness-endpoint", "done"),
            ("metrics", "missing"),
            ("structured-logging", "done"),
            ("runbook", "missing"),
            ("deployment-guide", "done"),
            ("rollback-procedure", "missing"),
            ("backup-verification", "not-applicable"),
            ("changelog", "missing"),
        ],
    );
    let r = assess("status-release-pipeline");
    let first = |id: &str| {
        let c = r.control(id).expect("control");
        let e = c.evidence.first().expect("evidence");
        (e.path.clone(), e.line, e.note.clone())
    };
    assert_eq!(
        first("health-endpoint"),
        (
            "pkg/api/server.go".to_string(),
            20,
            "route /healthz".to_string()
        )
    );
    let (path, line, note) = first("signed-releases");
    assert_eq!(
        (path.as_str(), line),
        (".github/workflows/release.yml", 31),
        "{note}"
    );
    assert!(note.contains("cosign sign"), "{note}");
    let tests = r.control("tests-in-ci").expect("control");
    assert!(tests.evidence[0].note.contains("npm run test-backend"));
    assert!(tests.evidence.iter().all(|e| !e.note.contains("ARMv7")));
    assert_eq!(first("deployment-guide").0, "deploy/README.md");
    let locks = r.control("dependency-lockfiles").expect("control");
    assert!(
        locks.evidence.iter().all(|e| !e.path.starts_with("extra/")),
        "{:?}",
        locks.evidence
    );
}

/// A self-hosted service whose README's "How to Install" runs it (compose,
/// docker run, helm) at length documents its deployment; the same heading
/// with one command and a link elsewhere is partial.
#[test]
fn installation_section_that_deploys() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    let readme =
        std::fs::read_to_string(repo("status-release-pipeline").join("README.md")).expect("readme");
    write(root, "README.md", &readme);
    write(
        root,
        "Dockerfile",
        "FROM node:20-slim\nCOPY . .\nUSER node\nEXPOSE 3001\nCMD [\"node\", \"server.js\"]\n",
    );
    let r = assess_dir(root);
    let c = r.control("deployment-guide").expect("control");
    assert_eq!(c.state.as_str(), "done", "{}", c.summary);
    assert_eq!(
        (c.evidence[0].path.as_str(), c.evidence[0].line),
        ("README.md", 6)
    );
    write(
        root,
        "README.md",
        "# podinfo\n\n## How to Install\n\n```bash\ndocker compose up -d\n```\n\nSee the wiki for more.\n",
    );
    let r = assess_dir(root);
    let c = r.control("deployment-guide").expect("control");
    assert_eq!(c.state.as_str(), "partial", "{}", c.summary);
}

#[test]
fn scores_add_up() {
    let r = assess("status-library");
    let lost: f64 =
        r.controls.iter().map(|c| c.points_lost).sum::<f64>() + r.scores.findings.points;
    let overall = r.scores.overall.expect("something applies");
    assert!(
        (10.0 - overall - lost).abs() < 0.1,
        "{overall} + {lost} != 10"
    );
    let mature = assess("status-mature-api");
    assert_eq!(mature.scores.overall, Some(10.0));
    assert!(mature.scores.lost.is_empty(), "{:?}", mature.scores.lost);
}

/// Per area, what cost the points adds up to what the overall score lost, and each
/// rule's findings add up to the area's findings points.
#[test]
fn points_lost_per_area_add_up() {
    for name in [
        "status-library",
        "status-bare-collector",
        "status-django-react",
        "status-live-config",
        "status-weak-evidence",
        "status-self-hosted",
    ] {
        let r = assess(name);
        let overall = r.scores.overall.expect("something applies");
        let total: f64 = r.scores.lost.values().map(|l| l.total).sum();
        assert!(
            (10.0 - overall - total).abs() < 0.15,
            "{name}: {overall} + {total} != 10 ({:?})",
            r.scores.lost
        );
        for (area, l) in &r.scores.lost {
            let from_rules: f64 = r
                .scores
                .findings
                .rules
                .iter()
                .filter(|x| x.area == *area)
                .map(|x| x.points)
                .sum();
            assert!((from_rules - l.findings).abs() < 0.02, "{name}/{area}");
            let from_controls: f64 = r
                .controls
                .iter()
                .filter(|c| c.area.as_str() == *area)
                .map(|c| c.points_lost)
                .sum();
            assert!((from_controls - l.controls).abs() < 0.02, "{name}/{area}");
        }
    }
}

#[test]
fn cli_json_terminal_and_output_file() {
    let root = repo("status-mature-api");
    let out = Command::cargo_bin("harden")
        .expect("binary")
        .args(["status", "--format", "json"])
        .arg(&root)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["scores"]["overall"], 10.0);
    let trivy = v["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == "vulnerability-scan")
        .expect("control");
    assert_eq!(trivy["state"], "done");
    assert_eq!(
        trivy["evidence"][0]["path"],
        ".github/workflows/docker-build.yml"
    );
    assert_eq!(trivy["evidence"][0]["line"], 41);

    let term = Command::cargo_bin("harden")
        .expect("binary")
        .env("NO_COLOR", "1")
        .args(["status"])
        .arg(repo("status-bare-collector"))
        .output()
        .expect("runs");
    assert_eq!(term.status.code(), Some(0));
    let text = String::from_utf8(term.stdout).expect("utf-8");
    assert!(!text.contains('\u{1b}'), "no colour when piped");
    assert!(text.contains("✘ dependency-updates"));
    assert!(text.contains("– container-non-root"));
    assert!(text.contains("Biggest gains:"));

    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("status.json");
    let st = Command::cargo_bin("harden")
        .expect("binary")
        .args(["status", "--format", "json", "-o"])
        .arg(&file)
        .arg(repo("status-library"))
        .output()
        .expect("runs");
    assert_eq!(st.status.code(), Some(0));
    assert!(st.stdout.is_empty());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("json");
    assert_eq!(v["controls"].as_array().map(Vec::len), Some(CONTROLS.len()));
}

#[test]
fn cli_bad_path_is_an_error() {
    Command::cargo_bin("harden")
        .expect("binary")
        .args(["status", "/nonexistent/harden-status"])
        .assert()
        .code(2);
}

fn write(root: &std::path::Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn assess_dir(root: &std::path::Path) -> StatusReport {
    let report = common::scan_all(root);
    status::assess(root, &report, &Config::default())
}

#[test]
fn limit_range_broken_yaml_and_soft_steps() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        root,
        "k8s/app.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: acme/api:1\n---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\nspec:\n  limits:\n    - type: Container\n      default:\n        memory: 256Mi\n",
    );
    // Tab-indented (invalid) YAML: the scanner is still seen through the text fallback.
    write(
        root,
        ".github/workflows/scan.yml",
        "on: push\njobs:\n  scan:\n\truns-on: ubuntu-latest\n    steps:\n      - run: grype dir:. --fail-on high\n",
    );
    write(
        root,
        ".github/workflows/test.yml",
        "on: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest -q\n        continue-on-error: true\n",
    );
    let r = assess_dir(root);
    let state = |id: &str| r.control(id).map(|c| c.state.as_str()).unwrap_or("?");
    assert_eq!(state("resource-limits"), "done");
    assert_eq!(state("vulnerability-scan"), "done");
    assert_eq!(state("tests-in-ci"), "partial");
    assert_eq!(state("container-healthcheck"), "missing");
}

#[test]
fn probes_prove_routes_when_the_framework_is_unknown() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(
        root,
        "Dockerfile",
        "FROM elixir:1.17-slim\nWORKDIR /app\nCOPY . .\nRUN mix release\nEXPOSE 4000\nUSER nobody\nHEALTHCHECK CMD curl -fsS http://localhost:4000/healthz || exit 1\nCMD [\"/app/_build/prod/rel/shop/bin/shop\", \"start\"]\n",
    );
    write(
        root,
        "deploy/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\n  annotations:\n    prometheus.io/scrape: \"true\"\nspec:\n  template:\n    spec:\n      containers:\n        - name: shop\n          image: acme/shop:2\n          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: 4000\n          resources:\n            limits:\n              memory: 512Mi\n",
    );
    write(
        root,
        "lib/shop.ex",
        "defmodule Shop do\n  def hello, do: :world\nend\n",
    );
    write(
        root,
        "lib/shop/router.ex",
        "defmodule Shop.Router do\n  use Plug.Router\nend\n",
    );
    let r = assess_dir(root);
    let state = |id: &str| r.control(id).map(|c| c.state.as_str()).unwrap_or("?");
    assert_eq!(state("health-endpoint"), "done");
    assert_eq!(state("readiness-endpoint"), "done");
    assert_eq!(state("metrics"), "done");
    assert_eq!(state("container-non-root"), "done");
    assert_eq!(state("resource-limits"), "done");
}

fn kv_fixture(kind: &str, name: &str) -> PathBuf {
    common::fixtures()
        .join("rules/deps/known-vulnerability")
        .join(kind)
        .join(name)
}

#[test]
fn known_vulnerabilities_missing_with_evidence() {
    // A lockfile, an osv/ directory and `[osv] source = "osv"` in harden.toml.
    let root = kv_fixture("positive", "npm-transitive-qs");
    let report = common::scan_all(&root);
    let config = Config::load(&root, None).expect("config");
    let s = status::assess(&root, &report, &config);
    let c = s.control("known-vulnerabilities").expect("control");
    assert_eq!(c.state, status::State::Missing, "{}", c.summary);
    assert!(!c.evidence.is_empty() && c.evidence.len() <= 10);
    for e in &c.evidence {
        assert_eq!(e.path, "package-lock.json");
        assert!(e.line > 1, "points at the package entry");
        assert!(e.note.contains("GHSA-hrpp-h998-j3pp"), "{}", e.note);
        assert!(e.note.contains("qs@"), "{}", e.note);
    }
    assert!(c.points_lost > 0.0);
    assert!(!c.advice.is_empty());
}

/// A monorepo: two services, each with its own lockfile and its own vulnerable
/// package. The summary names both manifests and each is cited before any second
/// match of the other.
#[test]
fn known_vulnerabilities_name_each_affected_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let copy = |from: &Path, to: &str| {
        let dest = root.join(to);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from, dest).unwrap();
    };
    let npm = kv_fixture("positive", "npm-transitive-qs");
    let go = kv_fixture("positive", "go-x-net");
    copy(
        &npm.join("package-lock.json"),
        "services/api/package-lock.json",
    );
    copy(&npm.join("package.json"), "services/api/package.json");
    copy(&go.join("go.mod"), "services/worker/go.mod");
    copy(
        &npm.join("osv/GHSA-hrpp-h998-j3pp.json"),
        "osv/GHSA-hrpp-h998-j3pp.json",
    );
    copy(
        &go.join("osv/Go/GO-2023-2102.json"),
        "osv/GO-2023-2102.json",
    );
    std::fs::write(root.join("harden.toml"), "[osv]\nsource = \"osv\"\n").unwrap();
    let report = common::scan_all(root);
    let config = Config::load(root, None).expect("config");
    let s = status::assess(root, &report, &config);
    let c = s.control("known-vulnerabilities").expect("control");
    assert_eq!(c.state, status::State::Missing, "{}", c.summary);
    assert!(
        c.summary.contains("in 2 of 2 manifests")
            && c.summary.contains("services/api/package-lock.json")
            && c.summary.contains("services/worker/go.mod"),
        "{}",
        c.summary
    );
    let first_two: BTreeSet<&str> = c.evidence.iter().take(2).map(|e| e.path.as_str()).collect();
    assert_eq!(first_two.len(), 2, "{:?}", c.evidence);
}

#[test]
fn known_vulnerabilities_done_without_matches() {
    let root = kv_fixture("negative", "npm-patched-qs");
    let report = common::scan_all(&root);
    let config = Config::load(&root, None).expect("config");
    let s = status::assess(&root, &report, &config);
    let c = s.control("known-vulnerabilities").expect("control");
    assert_eq!(c.state, status::State::Done, "{}", c.summary);
    assert_eq!(c.evidence[0].path, "package-lock.json");
    assert_eq!(c.points_lost, 0.0);
}

#[test]
fn known_vulnerabilities_unknown_without_source_and_left_out_of_the_score() {
    let root = kv_fixture("positive", "npm-transitive-qs");
    let report = common::scan_all(&root);
    // No `[osv] source`: the default configuration.
    let s = status::assess(&root, &report, &Config::default());
    let c = s.control("known-vulnerabilities").expect("control");
    assert_eq!(c.state, status::State::Unknown);
    assert_eq!(c.state.as_str(), "unknown");
    assert!(c.summary.contains("no OSV data"), "{}", c.summary);
    assert_eq!(c.points_lost, 0.0);
    assert_eq!(c.state.credit(), None);
    let view = harden::cli::views::status_view(&s);
    let v = view
        .controls
        .iter()
        .find(|c| c.id == "known-vulnerabilities")
        .expect("view");
    assert_eq!(v.state.label(), "unknown");
}

#[test]
fn cli_osv_flag_overrides_the_config() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    let src = kv_fixture("positive", "npm-transitive-qs");
    for f in ["package.json", "package-lock.json"] {
        std::fs::copy(src.join(f), root.join(f)).expect("copy");
    }
    let run = |extra: &[std::ffi::OsString]| {
        let out = Command::cargo_bin("harden")
            .expect("binary")
            .args(["status", "--format", "json"])
            .args(extra)
            .arg(root)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        v["controls"]
            .as_array()
            .expect("controls")
            .iter()
            .find(|c| c["id"] == "known-vulnerabilities")
            .expect("control")
            .clone()
    };
    assert_eq!(run(&[])["state"], "unknown");
    let c = run(&["--osv".into(), src.join("osv").into_os_string()]);
    assert_eq!(c["state"], "missing");
    assert_eq!(c["evidence"][0]["path"], "package-lock.json");

    Command::cargo_bin("harden")
        .expect("binary")
        .args(["status", "--osv", "/nonexistent/osv-data"])
        .arg(root)
        .assert()
        .code(2);
}

/// The advice is whole in the terminal, wrapped to the width given (the terminal's),
/// and to the fixed width through a pipe: no line cut at a fixed width with "…".
#[test]
fn terminal_advice_wraps_to_the_width() {
    let report = assess("status-bare-collector");
    let advised: Vec<&str> = report
        .controls
        .iter()
        .map(|c| c.advice.as_str())
        .filter(|a| !a.is_empty())
        .collect();
    assert!(
        advised.iter().any(|a| a.chars().count() > 120),
        "a long advice to wrap"
    );
    let advice_text = |text: &str| -> String {
        // Advice lines: indented, "→ " on the first, two spaces on the rest.
        text.lines()
            .filter(|l| {
                l.starts_with("          ")
                    && !l.trim_start().starts_with(['✔', '✘', '◐', '–', '?'])
            })
            .map(|l| l.trim_start().trim_start_matches("→ "))
            .collect::<Vec<_>>()
            .join(" ")
    };
    for width in [60usize, 100, 180] {
        let mut out = Vec::new();
        status::render::terminal_width(&report, false, width, &mut out).expect("renders");
        let text = String::from_utf8(out).expect("utf-8");
        let joined = advice_text(&text);
        for a in &advised {
            let words = a.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                joined.contains(&words),
                "{width}: advice not whole: {a}\n{text}"
            );
        }
        assert!(!joined.contains('…'), "{width}: advice cut");
        let longest = text
            .lines()
            .filter(|l| l.starts_with("          "))
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        // A narrow terminal still gets 40 columns of advice beside the indent.
        let text_longest = text
            .lines()
            .filter(|l| l.starts_with("          "))
            .map(|l| l.trim_start().trim_start_matches("→ ").chars().count())
            .max()
            .unwrap_or(0);
        assert!(text_longest <= 40.max(width), "{width}: {text_longest}");
        if width >= 100 {
            assert!(longest <= width, "{width}: a line of {longest}");
        }
        if width == 180 {
            assert!(longest > 100, "a wide terminal is used: {longest}");
        }
    }
    // Through a pipe: the fixed width.
    let out = Command::cargo_bin("harden")
        .expect("binary")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .args(["status"])
        .arg(repo("status-bare-collector"))
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut fixed = Vec::new();
    status::render::terminal_width(&report, false, harden::cli::FIXED_WIDTH, &mut fixed)
        .expect("renders");
    let fixed = String::from_utf8(fixed).expect("utf-8");
    assert_eq!(advice_text(&text), advice_text(&fixed));
}

/// What runs decides the container and operations controls (issue 19's last
/// review: uptime-kuma, podinfo): a multi-target Dockerfile counts the targets
/// the release workflow builds (`release` as root, `rootless` as `node`, both with
/// the HEALTHCHECK), not the CI helper stage that comes last; a compose stack whose
/// README calls it a demo is ignored (its services have no limits); a "backup"
/// script that only echoes, probes and sleeps is no backup.
#[test]
fn released_targets_demo_stacks_and_simulated_backups() {
    check(
        "status-release-targets",
        &[
            ("dependency-updates", "missing"),
            ("vulnerability-scan", "missing"),
            ("image-scan", "missing"),
            ("pinned-actions", "done"),
            ("dependency-lockfiles", "done"),
            ("known-vulnerabilities", "unknown"),
            ("sbom", "missing"),
            ("signed-releases", "missing"),
            ("security-policy", "missing"),
            ("secret-scanning", "missing"),
            ("sast", "missing"),
            ("license", "missing"),
            ("tests-in-ci", "done"),
            ("token-permissions", "done"),
            ("container-non-root", "partial"),
            ("container-healthcheck", "done"),
            ("resource-limits", "done"),
            ("health-endpoint", "done"),
            ("readiness-endpoint", "missing"),
            ("metrics", "missing"),
            ("structured-logging", "missing"),
            ("runbook", "missing"),
            ("deployment-guide", "partial"),
            ("rollback-procedure", "missing"),
            ("backup-verification", "missing"),
            ("changelog", "missing"),
        ],
    );
    let r = assess("status-release-targets");
    let notes = |id: &str| -> Vec<String> {
        r.control(id)
            .expect("control")
            .evidence
            .iter()
            .map(|e| format!("{}:{} {}", e.path, e.line, e.note))
            .collect()
    };
    assert_eq!(
        notes("container-non-root"),
        vec![
            "docker/Dockerfile:8 no USER in target release: runs as root",
            "docker/Dockerfile:18 USER node (target rootless)",
        ]
    );
    assert!(
        notes("container-healthcheck")
            .iter()
            .all(|n| n.starts_with("docker/Dockerfile:14 HEALTHCHECK (target ")),
        "{:?}",
        notes("container-healthcheck")
    );
    assert!(notes("resource-limits")
        .iter()
        .all(|n| n.starts_with("compose.yaml:")));
    assert!(notes("backup-verification").is_empty());
    let ignored: Vec<(&str, &str)> = r
        .ignored
        .iter()
        .map(|i| (i.path.as_str(), i.reason))
        .collect();
    assert_eq!(
        ignored,
        vec![(
            "otel/docker-compose.yaml",
            "a demo stack: the README beside it calls it a demo"
        )]
    );
}

/// Images built by `ko` from a Makefile goal that Google Cloud Build runs
/// (`entrypoint: make`, `args: [release.staging]`, the goal calling `$(MAKE)
/// build.push`): the build is read as a publishing step at the Makefile's line, so
/// `image-scan` is missing with that evidence (it was not applicable: no Dockerfile,
/// no workflow pushing), and `--sbom ${IMG_SBOM}` defaulting to `none` is no SBOM.
/// A mention of a scanner (a `grep` for semgrep's repository address in a workflow
/// that only tests the project's own rules) is no static analysis either.
#[test]
fn ko_images_built_by_cloud_build_through_make_are_shipped() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    write(root, "go.mod", "module example.com/dnsctl\n\ngo 1.22\n");
    write(root, "main.go", "package main\n\nfunc main() {}\n");
    write(
        root,
        ".ko.yaml",
        "defaultBaseImage: gcr.io/distroless/static-debian12:latest\nbuilds:\n- env:\n  - CGO_ENABLED=0\n",
    );
    write(
        root,
        "Makefile",
        "IMAGE ?= registry.example.com/dnsctl\nIMG_SBOM ?= none\n\n\
test:\n\tgo test ./...\n\n\
build.push: \n\tKO_DOCKER_REPO=${IMAGE} \\\n\tko build --bare --sbom ${IMG_SBOM} .\n\n\
.PHONY: release.staging\n\
release.staging: test\n\tIMAGE=$(IMAGE_STAGING) $(MAKE) build.push\n",
    );
    write(
        root,
        "cloudbuild.yaml",
        "timeout: 5000s\nsteps:\n  - name: 'docker.io/library/golang:1.22-bookworm'\n    entrypoint: make\n    env:\n      - VERSION=$_GIT_TAG\n    args:\n      - release.staging\nsubstitutions:\n  _GIT_TAG: \"12345\"\n",
    );
    write(
        root,
        ".github/workflows/test-semgrep-rules.yml",
        "name: Test Semgrep Rules\non:\n  pull_request:\n    paths:\n      - .semgrep/**\njobs:\n  main:\n    runs-on: ubuntu-22.04\n    steps:\n      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1\n      - name: Install\n        run: |\n          v=$(\n            grep -m1 -A 1 \\\n              -F 'repo: https://github.com/returntocorp/semgrep' .pre-commit-config.yaml \\\n            | tail -n1)\n          pip install semgrep==\"$v\"\n      - run: make -C .semgrep test\n",
    );
    let r = assess_dir(root);
    let scan = r.control("image-scan").expect("control");
    assert_eq!(scan.state.as_str(), "missing", "{}", scan.summary);
    assert_eq!(
        (scan.evidence[0].path.as_str(), scan.evidence[0].line),
        ("Makefile", 9),
        "{:?}",
        scan.evidence
    );
    assert!(
        scan.evidence[0].note.contains("ko build"),
        "{:?}",
        scan.evidence
    );
    let sbom = r.control("sbom").expect("control");
    assert_ne!(sbom.state.as_str(), "done", "{:?}", sbom.evidence);
    let sast = r.control("sast").expect("control");
    assert_eq!(sast.state.as_str(), "missing", "{:?}", sast.evidence);
    let tests = r.control("tests-in-ci").expect("control");
    assert_eq!(tests.state.as_str(), "done", "{:?}", tests.evidence);
    assert!(tests
        .evidence
        .iter()
        .any(|e| e.path == "Makefile" && e.line == 5));
}
