//! Fixes added after the first round: resource-limit skeletons (compose, k8s),
//! `docker/cache-busting-copy` reordering, and `harden fix --pins`.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use harden::config::Config;
use harden::fix::{fix_repository, FixOptions};

/// (fixture stem, extension, path in the scanned repository, rule)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "compose-limits",
        "yml",
        "compose.yml",
        "compose/missing-resource-limits",
    ),
    (
        "compose-nodeploy",
        "yml",
        "docker-compose.yml",
        "compose/missing-resource-limits",
    ),
    (
        "k8s-limits",
        "yaml",
        "deploy/k8s/billing.yaml",
        "k8s/missing-resource-limits",
    ),
    (
        "docker-pip",
        "Dockerfile",
        "Dockerfile",
        "docker/cache-busting-copy",
    ),
    (
        "docker-npm",
        "Dockerfile",
        "web/Dockerfile",
        "docker/cache-busting-copy",
    ),
];

fn variants(text: &str) -> Vec<(&'static str, String)> {
    vec![
        ("lf", text.to_string()),
        ("crlf", text.replace('\n', "\r\n")),
        ("no-final-newline", text.trim_end_matches('\n').to_string()),
    ]
}

fn run(root: &Path, rule: &str, include_unsafe: bool) -> harden::fix::FixOutcome {
    let config = Config::load(root, None).unwrap();
    fix_repository(
        root,
        &config,
        &FixOptions {
            dry_run: false,
            include_unsafe,
            rules: vec![rule.to_string()],
        },
    )
}

#[test]
fn before_after_in_every_line_ending_idempotent_and_clean_on_rescan() {
    let dir = common::fixtures().join("fix");
    for (stem, ext, rel, rule) in CASES {
        let before = fs::read_to_string(dir.join(format!("{stem}.before.{ext}"))).unwrap();
        let after = fs::read_to_string(dir.join(format!("{stem}.after.{ext}"))).unwrap();
        for ((variant, b), (_, a)) in variants(&before).into_iter().zip(variants(&after)) {
            let tmp = tempfile::tempdir().unwrap();
            let file = tmp.path().join(rel);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(&file, &b).unwrap();
            // Unsafe: nothing happens without --unsafe.
            let out = run(tmp.path(), rule, false);
            assert!(
                out.applied.is_empty(),
                "{stem}/{variant}: {:?}",
                out.applied
            );
            assert_eq!(fs::read_to_string(&file).unwrap(), b);
            let found = out
                .final_report
                .findings
                .iter()
                .filter(|f| f.rule == *rule)
                .count();
            assert!(found > 0, "{stem}/{variant}: rule does not fire");
            let out = run(tmp.path(), rule, true);
            assert!(
                out.errors.is_empty() && out.rolled_back.is_empty(),
                "{stem}/{variant}: {out:?}"
            );
            assert!(!out.applied.is_empty(), "{stem}/{variant}: nothing applied");
            assert_eq!(fs::read_to_string(&file).unwrap(), a, "{stem}/{variant}");
            let left: Vec<_> = out
                .final_report
                .findings
                .iter()
                .filter(|f| f.rule == *rule)
                .map(|f| f.message.clone())
                .collect();
            assert!(left.is_empty(), "{stem}/{variant}: still reported {left:?}");
            let again = run(tmp.path(), rule, true);
            assert!(
                again.applied.is_empty(),
                "{stem}/{variant}: second run applied {:?}",
                again.applied
            );
            assert_eq!(fs::read_to_string(&file).unwrap(), a);
            if ext.ends_with("yml") || ext.ends_with("yaml") {
                let text = fs::read_to_string(&file).unwrap();
                let parsed = harden::parse::yaml::parse(&text);
                assert!(parsed.error.is_none(), "{stem}/{variant}: invalid YAML");
            }
        }
    }
}

#[test]
fn values_come_from_the_fix_section_of_harden_toml() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("harden.toml"),
        "[fix]\ncompose_memory = \"1g\"\ncompose_cpus = 2\nk8s_memory = \"768Mi\"\nk8s_cpu = \"500m\"\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("compose.yml"),
        "services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n",
    )
    .unwrap();
    fs::create_dir_all(tmp.path().join("k8s")).unwrap();
    fs::write(
        tmp.path().join("k8s/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n    - name: api\n      image: ghcr.io/acme/api:1.0.0\n",
    )
    .unwrap();
    run(tmp.path(), "compose/missing-resource-limits", true);
    run(tmp.path(), "k8s/missing-resource-limits", true);
    assert_eq!(
        fs::read_to_string(tmp.path().join("compose.yml")).unwrap(),
        "services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    deploy:\n      resources:\n        limits:\n          cpus: \"2\"\n          memory: 1g\n"
    );
    assert!(fs::read_to_string(tmp.path().join("k8s/pod.yaml"))
        .unwrap()
        .ends_with("      image: ghcr.io/acme/api:1.0.0\n      resources:\n        limits:\n          cpu: 500m\n          memory: 768Mi\n"));
}

#[test]
fn ambiguous_cases_get_no_fix() {
    let cases = [
        // Flow-style service, merged anchor, legacy mem_limit null: no skeleton.
        (
            "compose.yml",
            "compose/missing-resource-limits",
            "services:\n  api: {image: ghcr.io/acme/api:1.0.0}\n",
        ),
        (
            "compose.yml",
            "compose/missing-resource-limits",
            "x-base: &base\n  restart: always\nservices:\n  api:\n    <<: *base\n    image: ghcr.io/acme/api:1.0.0\n",
        ),
        // WORKDIR changes between the copy and the install.
        (
            "Dockerfile",
            "docker/cache-busting-copy",
            "FROM python:3.12.7-slim\nCOPY . /src\nWORKDIR /src\nRUN pip install -r requirements.txt\n",
        ),
        // The install needs the sources.
        (
            "Dockerfile",
            "docker/cache-busting-copy",
            "FROM python:3.12.7-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt -e .\n",
        ),
        // Something else in the same RUN needs the sources.
        (
            "Dockerfile",
            "docker/cache-busting-copy",
            "FROM node:20.11.1\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n",
        ),
        // Multi-line COPY.
        (
            "Dockerfile",
            "docker/cache-busting-copy",
            "FROM node:20.11.1\nWORKDIR /app\nCOPY . \\\n  .\nRUN npm ci\n",
        ),
    ];
    for (rel, rule, text) in cases {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join(rel), text).unwrap();
        let out = run(tmp.path(), rule, true);
        assert!(out.applied.is_empty(), "{text}: {:?}", out.applied);
        assert_eq!(fs::read_to_string(tmp.path().join(rel)).unwrap(), text);
        let reported: Vec<_> = out
            .final_report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .collect();
        assert!(
            !reported.is_empty() && reported.iter().all(|f| f.fix.is_none()),
            "{text}: {reported:?}"
        );
    }
}

const WORKFLOW: &str = "name: deploy\non:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n  deploy:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: acme/deploy-action@v2\n        with:\n          environment: production\n";

const PINS: &str = r#"{"read_on":"2030-01-01","actions":{"acme/deploy-action":{"latest":"v2.1.0","tags":{"v2":{"sha":"0123456789abcdef0123456789abcdef01234567"},"v2.1.0":{"sha":"0123456789abcdef0123456789abcdef01234567"}}}}}"#;

#[test]
fn pins_flag_and_config_key() {
    let tmp = tempfile::tempdir().unwrap();
    let wf = tmp.path().join(".github/workflows/deploy.yml");
    fs::create_dir_all(wf.parent().unwrap()).unwrap();
    fs::write(&wf, WORKFLOW).unwrap();
    let pins = tmp.path().join("pins.json");
    fs::write(&pins, PINS).unwrap();
    // Without a table: left alone, and the summary says why.
    let out = Command::cargo_bin("harden")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["fix", "--allow-no-vcs", "--rule", "actions/unpinned-uses"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("no pin known for acme/deploy-action; pass --pins"),
        "{stdout}"
    );
    assert_eq!(fs::read_to_string(&wf).unwrap(), WORKFLOW);
    // A file that is not a pin table is an error.
    let bad = tmp.path().join("bad.json");
    fs::write(&bad, "{}").unwrap();
    Command::cargo_bin("harden")
        .unwrap()
        .args(["fix", "--allow-no-vcs", "--pins"])
        .arg(&bad)
        .arg(tmp.path())
        .assert()
        .failure();
    assert_eq!(fs::read_to_string(&wf).unwrap(), WORKFLOW);
    // With --pins: pinned, commented with the full version.
    Command::cargo_bin("harden")
        .unwrap()
        .args([
            "fix",
            "--allow-no-vcs",
            "--rule",
            "actions/unpinned-uses",
            "--pins",
        ])
        .arg(&pins)
        .arg(tmp.path())
        .assert()
        .success();
    let want = WORKFLOW.replace(
        "acme/deploy-action@v2",
        "acme/deploy-action@0123456789abcdef0123456789abcdef01234567 # v2.1.0",
    );
    assert_eq!(fs::read_to_string(&wf).unwrap(), want);
    // `[fix] pins` in harden.toml, relative to it, does the same.
    fs::write(&wf, WORKFLOW).unwrap();
    fs::write(
        tmp.path().join("harden.toml"),
        "[fix]\npins = \"pins.json\"\n",
    )
    .unwrap();
    let out = run(tmp.path(), "actions/unpinned-uses", false);
    assert_eq!(out.applied.len(), 1, "{out:?}");
    assert_eq!(fs::read_to_string(&wf).unwrap(), want);
}
