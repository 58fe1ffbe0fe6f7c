//! `harden plan` and `harden baseline` on a realistic repository: a Python data/ML
//! pipeline with collectors, deploy/backup/cleanup scripts, compose and a Dockerfile.
//! The Markdown plan is a golden file; the progress report is shown by fixing
//! findings in a copy of the fixture and re-planning with `--since`.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use harden::plan::{self, PlanOptions};

fn fixture() -> std::path::PathBuf {
    common::fixtures().join("repos/plan-pipeline")
}

fn plan_of(root: &Path) -> harden::plan::Plan {
    let report = common::scan_all(root);
    let items: Vec<_> = report.findings.iter().map(plan::item_of).collect();
    plan::build_plan_with(
        "plan-pipeline",
        &items,
        &PlanOptions::default(),
        &plan::design::Patterns::from_model(&report.model),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn harden() -> Command {
    Command::cargo_bin("harden").unwrap()
}

/// `harden plan --format json ROOT`, which must succeed, parsed.
fn plan_json(root: &std::path::Path) -> serde_json::Value {
    let out = harden()
        .args(["plan", "--format", "json"])
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn golden_markdown_plan() {
    let plan = plan_of(&fixture());
    let mut out = Vec::new();
    plan::render_md::render(&plan, &mut out).unwrap();
    let md = String::from_utf8(out).unwrap();
    insta::assert_snapshot!("plan_pipeline_markdown", md);
}

#[test]
fn plan_is_consistent_on_the_fixture() {
    let plan = plan_of(&fixture());
    assert!(!plan.tasks.is_empty());
    assert_eq!(
        plan.tasks.iter().map(|t| t.findings.len()).sum::<usize>(),
        plan.findings
    );
    // Phase 0 holds the unsafe rm; strict mode waits for it (same scripts).
    let rm = plan.task("T-shell-unsafe-rm").expect("unsafe rm task");
    assert_eq!(rm.phase.index(), 0);
    let sm = plan
        .task("T-shell-missing-strict-mode")
        .expect("strict mode task");
    assert!(sm.blocked_by.contains(&rm.id));
    assert!(plan.critical_path_hours <= plan.schedule.makespan_hours);
    assert_eq!(plan.schedule.slots.len(), plan.tasks.len());
}

#[test]
fn json_contract() {
    let out = harden()
        .args(["plan", "--format", "json", "--devs", "2"])
        .arg(fixture())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 2);
    let task = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "T-shell-unsafe-rm")
        .expect("the unsafe-rm task is planned");
    for key in [
        "id",
        "title",
        "phase",
        "rules",
        "findings",
        "effort_hours",
        "blocked_by",
        "track",
    ] {
        assert!(!task[key].is_null(), "task lacks {key}");
    }
    assert_eq!(task["id"], "T-shell-unsafe-rm");
    let slot = &v["schedule"][0];
    for key in ["task", "developer", "start_hour", "end_hour"] {
        assert!(!slot[key].is_null(), "slot lacks {key}");
    }
    assert!(v["critical_path"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(v["critical_path_hours"].as_f64().is_some_and(|h| h > 0.0));
    assert!(v["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["developer"].as_u64().unwrap() <= 2));
}

#[test]
fn export_issues_writes_one_file_per_task_and_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("issues");
    let out = harden()
        .arg("plan")
        .arg(fixture())
        .arg("--export-issues")
        .arg(&dir)
        .arg("-o")
        .arg(tmp.path().join("plan.md"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let entries = index.as_array().unwrap();
    assert!(!entries.is_empty());
    for e in entries {
        let body = fs::read_to_string(dir.join(e["file"].as_str().unwrap())).unwrap();
        for section in [
            "## What is wrong",
            "## Why it matters",
            "## Steps to fix",
            "## Acceptance criteria",
            "## Blocked by",
        ] {
            assert!(body.contains(section), "{} lacks {section}", e["file"]);
        }
        // An issue is for the person fixing it: no detection internals, no peer comparisons.
        for internal in [
            "The rule looks for",
            "What it does not report",
            "hadolint",
            "Checkov",
        ] {
            assert!(!body.contains(internal), "{} says {internal:?}", e["file"]);
        }
    }
    // A leaked credential is rotated before anything else.
    let secret = fs::read_to_string(dir.join("T-compose-secret-literal.md")).unwrap();
    let steps = &secret[secret.find("## Steps to fix").unwrap()..];
    assert!(steps.contains("\n\n1. Rotate the secret first"), "{steps}");
    let sm = fs::read_to_string(dir.join("T-shell-missing-strict-mode.md")).unwrap();
    assert!(sm.contains("- `T-shell-unsafe-rm`"), "{sm}");
    assert!(sm.contains("`scripts/deploy.sh:1`"));
    assert!(fs::read_to_string(tmp.path().join("plan.md"))
        .unwrap()
        .starts_with("# Hardening plan: plan-pipeline"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    for args in [
        vec!["plan", "--devs", "0"],
        vec!["plan", "--hours-per-day", "-1"],
        vec!["plan", "--since", "/nonexistent/baseline.json"],
        vec!["scan", "--baseline", "/nonexistent/baseline.json"],
    ] {
        let out = harden().args(&args).arg(fixture()).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

/// Baseline, fix some findings (and shift lines elsewhere), add one, then
/// `scan --baseline` shows only the new one and `plan --since` reports progress.
#[test]
fn baseline_then_progress_report() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("plan-pipeline");
    copy_dir(&fixture(), &repo);
    let base = tmp.path().join("baseline.json");
    let out = harden()
        .arg("baseline")
        .arg(&repo)
        .arg("-o")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Nothing new right after the baseline.
    let out = harden()
        .args(["scan", "--format", "json", "--baseline"])
        .arg(&base)
        .arg(&repo)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(out.status.code(), Some(0));

    let edit = |rel: &str, from: &str, to: &str| {
        let p = repo.join(rel);
        let text = fs::read_to_string(&p).unwrap();
        assert!(text.contains(from), "{rel} lacks {from}");
        fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    // Lines inserted above the findings (the unsafe rm moves from line 17 to 21):
    // still nothing new.
    edit(
        "scripts/deploy.sh",
        "ENVIRONMENT=$1\n",
        "ENVIRONMENT=$1\n# Targets:\n#   production  10.0.4.17\n#   staging     10.0.4.18\n\n",
    );
    let out = harden()
        .args(["scan", "--format", "json", "--baseline"])
        .arg(&base)
        .arg(&repo)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");

    // Fix every unsafe rm.
    edit(
        "scripts/deploy.sh",
        "rm -rf $BUILD_OUTPUT/*",
        "rm -rf \"${BUILD_OUTPUT:?}\"/*",
    );
    edit(
        "scripts/cleanup_models.sh",
        "\"$STAGING_DIR/\"",
        "\"${STAGING_DIR:?}/\"",
    );
    edit(
        "scripts/cleanup_models.sh",
        "\"$MODEL_ROOT\"/tmp-*",
        "\"${MODEL_ROOT:?}\"/tmp-*",
    );
    // Strict mode in one script; another gets lines inserted above its finding-free body
    // (fingerprints must survive the shift).
    edit("scripts/rotate_logs.sh", "LOG_DIR=", "set -eu\n\nLOG_DIR=");
    edit(
        "scripts/backup_db.sh",
        "set -e\n",
        "set -e\n\n# Owner: data platform team.\n",
    );
    // And a new script without strict mode.
    fs::write(
        repo.join("scripts/reindex.sh"),
        "#!/bin/bash\n# Rebuilds search indexes after a bulk load.\ncd /srv/pipeline\n\
         psql -h \"$DB_HOST\" -c 'REINDEX DATABASE market'\necho \"reindexed\"\n",
    )
    .unwrap();

    let out = harden()
        .args(["scan", "--format", "json", "--baseline"])
        .arg(&base)
        .arg(&repo)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let new: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(new, vec!["scripts/reindex.sh"]);

    let out = harden()
        .arg("plan")
        .arg(&repo)
        .arg("--since")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("## Phase 0 completion report: Critical blockers"));
    assert!(report.contains("- [x] No `shell/unsafe-rm` findings"));
    assert!(report.contains("- [ ] No `shell/missing-strict-mode` findings"));
    insta::assert_snapshot!("plan_pipeline_progress", report);

    // The score is status's: `plan --since` prints the overall score `status` prints.
    let out = harden()
        .args(["plan", "--format", "json"])
        .arg(&repo)
        .arg("--since")
        .arg(&base)
        .output()
        .unwrap();
    let progress: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(progress["schema_version"], 3);
    // A phase reports what moves as it is worked (its open places and the points they
    // cost), not the overall score again.
    let phase0 = &progress["phases"][0];
    assert!(phase0.get("score_before").is_none(), "{phase0}");
    assert!(
        phase0["findings_after"].as_u64().unwrap() < phase0["findings_before"].as_u64().unwrap(),
        "{phase0}"
    );
    assert!(
        phase0["points_after"].as_f64().unwrap() < phase0["points_before"].as_f64().unwrap(),
        "{phase0}"
    );
    let out = harden()
        .args(["status", "--format", "json"])
        .arg(&repo)
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(status["scores"]["overall"].is_number(), "{status}");
    assert_eq!(progress["score_after"], status["scores"]["overall"]);
    // Fixing findings never lowers it (here the controls alone keep it at 0).
    assert!(
        progress["score_before"].as_f64().unwrap() <= progress["score_after"].as_f64().unwrap(),
        "{progress}"
    );
}

/// A grouped finding (the services of one compose file without a health check) is
/// estimated by its places, and fixing one member reads "partial, 1 fixed", not
/// "1 fixed, 1 new": its fingerprint leaves the member list out.
#[test]
fn fixing_one_member_of_a_grouped_finding_is_progress_not_a_new_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("plan-pipeline");
    copy_dir(&fixture(), &repo);
    let base = tmp.path().join("baseline.json");
    let out = harden()
        .arg("baseline")
        .arg(&repo)
        .arg("-o")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let recorded: serde_json::Value = serde_json::from_slice(&fs::read(&base).unwrap()).unwrap();
    let group = recorded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "compose/missing-healthcheck")
        .expect("a grouped health-check finding")
        .clone();
    assert_eq!(group["places"], 3, "{group}");

    // The plan counts the three services, not one change.
    let out = harden()
        .args(["plan", "--format", "json"])
        .arg(&repo)
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let task = plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "T-compose-missing-healthcheck")
        .unwrap()
        .clone();
    assert!(
        task["title"].as_str().unwrap().ends_with("(3 places)"),
        "{task}"
    );

    // The first service of the group gets a health check.
    let compose = repo.join("docker-compose.yml");
    let text = fs::read_to_string(&compose).unwrap();
    let fixed = text.replacen(
        "    image: postgres:15\n",
        "    image: postgres:15\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n",
        1,
    );
    assert_ne!(text, fixed);
    fs::write(&compose, fixed).unwrap();

    let out = harden()
        .args(["scan", "--format", "json", "--baseline"])
        .arg(&base)
        .arg(&repo)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");

    let out = harden()
        .args(["plan", "--format", "json"])
        .arg(&repo)
        .arg("--since")
        .arg(&base)
        .output()
        .unwrap();
    let progress: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = progress["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "T-compose-missing-healthcheck")
        .unwrap()
        .clone();
    assert_eq!(t["status"], "partial", "{t}");
    assert_eq!(t["findings_before"], 3, "{t}");
    assert_eq!(t["findings_after"], 2, "{t}");
    assert_eq!(t["findings_new"], 0, "{t}");
    assert_eq!(progress["new_findings"].as_array().unwrap().len(), 0);
    assert_eq!(progress["fixed_findings"], 1);
}

/// The findings the hand-written plan in shared/seeds/004 started from, as the rule
/// families will report them: the whole plan shape (phases, declared dependencies,
/// areas and tracks, schedule) on a realistic set, independent of which rules exist yet.
#[test]
fn golden_plan_for_the_seed_findings() {
    use harden::finding::Severity::{self, *};
    use harden::plan::Item;
    let raw: &[(&str, &str, usize, Severity, &[&str])] = &[
        (
            "shell/ssh-host-key-disabled",
            "scripts/deploy.sh",
            11,
            High,
            &[],
        ),
        (
            "shell/ssh-host-key-disabled",
            "scripts/deploy.sh",
            12,
            High,
            &[],
        ),
        (
            "shell/ssh-host-key-disabled",
            "scripts/deploy.sh",
            14,
            High,
            &[],
        ),
        ("shell/unsafe-rm", "scripts/deploy.sh", 17, High, &[]),
        (
            "shell/unsafe-rm",
            "scripts/cleanup_models.sh",
            12,
            High,
            &[],
        ),
        (
            "shell/lock-race",
            "inference/run_inference.sh",
            8,
            High,
            &[],
        ),
        (
            "shell/backup-permissions",
            "scripts/backup_db.sh",
            10,
            Medium,
            &[],
        ),
        (
            "shell/missing-strict-mode",
            "scripts/deploy.sh",
            1,
            Medium,
            &[],
        ),
        (
            "shell/missing-strict-mode",
            "scripts/cleanup_models.sh",
            1,
            Medium,
            &[],
        ),
        (
            "shell/missing-strict-mode",
            "scripts/rotate_logs.sh",
            1,
            Medium,
            &[],
        ),
        (
            "shell/missing-strict-mode",
            "scripts/backup_db.sh",
            1,
            Low,
            &[],
        ),
        (
            "shell/missing-strict-mode",
            "inference/run_inference.sh",
            1,
            Low,
            &[],
        ),
        (
            "config/duplicated-credential",
            "config/settings.py",
            8,
            High,
            &["collectors/price_collector.py", "docker-compose.yml"],
        ),
        ("config/hardcoded-ip", "config/settings.py", 4, Medium, &[]),
        (
            "config/hardcoded-ip",
            "collectors/price_collector.py",
            18,
            Medium,
            &[],
        ),
        (
            "config/hardcoded-ip",
            "collectors/news_collector.py",
            8,
            Medium,
            &[],
        ),
        (
            "config/hardcoded-ip",
            "scripts/backup_db.sh",
            10,
            Medium,
            &[],
        ),
        (
            "python/bare-except",
            "collectors/price_collector.py",
            35,
            Medium,
            &[],
        ),
        (
            "python/swallowed-exception",
            "collectors/news_collector.py",
            19,
            Medium,
            &[],
        ),
        (
            "python/requests-no-timeout",
            "collectors/price_collector.py",
            11,
            Medium,
            &[],
        ),
        (
            "python/requests-no-timeout",
            "collectors/news_collector.py",
            12,
            Medium,
            &[],
        ),
        (
            "python/unclosed-resource",
            "collectors/price_collector.py",
            20,
            Medium,
            &[],
        ),
        (
            "python/unclosed-resource",
            "training/evaluation_job.py",
            8,
            Medium,
            &[],
        ),
        (
            "python/unclosed-resource",
            "training/train_model.py",
            11,
            Medium,
            &[],
        ),
        (
            "python/print-in-library",
            "collectors/price_collector.py",
            36,
            Low,
            &[],
        ),
        (
            "python/print-in-library",
            "collectors/news_collector.py",
            25,
            Low,
            &[],
        ),
        (
            "python/print-in-library",
            "training/train_model.py",
            18,
            Low,
            &[],
        ),
        (
            "python/print-in-library",
            "training/evaluation_job.py",
            12,
            Low,
            &[],
        ),
        (
            "python/silent-numeric-fallback",
            "collectors/price_collector.py",
            23,
            Medium,
            &[],
        ),
        ("docker/runs-as-root", "Dockerfile", 1, High, &[]),
        ("docker/missing-healthcheck", "Dockerfile", 1, Low, &[]),
        (
            "compose/missing-resource-limits",
            "docker-compose.yml",
            14,
            Medium,
            &[],
        ),
        (
            "compose/missing-resource-limits",
            "docker-compose.yml",
            22,
            Medium,
            &[],
        ),
        (
            "compose/missing-resource-limits",
            "docker-compose.yml",
            31,
            Medium,
            &[],
        ),
        (
            "actions/unpinned-uses",
            ".github/workflows/ci.yml",
            12,
            Medium,
            &[],
        ),
        (
            "actions/unpinned-uses",
            ".github/workflows/ci.yml",
            13,
            Medium,
            &[],
        ),
        (
            "repo/no-dependency-updates",
            ".github/dependabot.yml",
            0,
            Medium,
            &[],
        ),
        // An old deployment kept under `archived/` (as in seed 003's repository): one
        // deletion task, not a root-image fix beside the shipped ones.
        (
            "docker/runs-as-root",
            "archived/docker/Dockerfile.backend",
            2,
            Low,
            &[],
        ),
        (
            "docker/missing-healthcheck",
            "archived/docker/Dockerfile.backend",
            20,
            Low,
            &[],
        ),
    ];
    let items: Vec<Item> = raw
        .iter()
        .map(|(rule, path, line, severity, related)| Item {
            rule: rule.to_string(),
            path: path.to_string(),
            line: *line,
            severity: *severity,
            message: format!("{rule} here"),
            related: related.iter().map(|s| s.to_string()).collect(),
            places: 1,
            fingerprint: format!("{rule}:{path}:{line}"),
        })
        .collect();
    let plan = plan::build_plan_from_items("gept-like", &items, &PlanOptions::default());
    let mut out = Vec::new();
    plan::render_md::render(&plan, &mut out).unwrap();
    insta::assert_snapshot!("seed_findings_markdown", String::from_utf8(out).unwrap());
}

/// docs/plan.md documents the data tables: every id they key on appears in it.
#[test]
fn docs_cover_the_tables() {
    let docs =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/plan.md")).unwrap();
    let mut missing = Vec::new();
    let ids = plan::effort::RULE_EFFORT
        .iter()
        .map(|(id, _)| *id)
        .chain(plan::effort::FAMILY_EFFORT.iter().map(|(f, _)| *f))
        .chain(plan::phases::RULE_PHASE.iter().map(|(id, _)| *id))
        .chain(plan::phases::KEYWORD_PHASE.iter().map(|(k, _)| *k))
        .chain(
            plan::deps::DECLARED
                .iter()
                .flat_map(|d| [d.before, d.after]),
        )
        .chain(
            plan::phases::RULE_CONTROL
                .iter()
                .flat_map(|(r, c)| [*r, *c]),
        );
    for id in ids {
        if !docs.contains(&format!("`{id}`")) {
            missing.push(id);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/plan.md does not mention {missing:?}"
    );
}

/// `[plan]` in harden.toml sets defaults and overrides the tables; flags still win.
#[test]
fn plan_settings_from_harden_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("plan-pipeline");
    copy_dir(&fixture(), &repo);
    fs::write(
        repo.join("harden.toml"),
        "[plan]\ndevs = 1\n\n[plan.phase]\n\"shell/missing-strict-mode\" = 2\n\n\
         [plan.effort.\"shell/unsafe-rm\"]\nbase = 3\n",
    )
    .unwrap();
    let json = |extra: &[&str]| -> serde_json::Value {
        let out = harden()
            .args(["plan", "--format", "json"])
            .args(extra)
            .arg(&repo)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = json(&[]);
    assert_eq!(v["options"]["devs"], 1);
    let task = |v: &serde_json::Value, id: &str| {
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(task(&v, "T-shell-missing-strict-mode")["phase"], 2);
    // base 3 + 0.25 for the second place; the low finding is a follow-up task.
    assert_eq!(task(&v, "T-shell-unsafe-rm")["effort_hours"], 3.5);
    assert_eq!(json(&["--devs", "2"])["options"]["devs"], 2);

    fs::write(repo.join("harden.toml"), "[plan]\ndevs = \"many\"\n").unwrap();
    let out = harden().arg("plan").arg(&repo).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[plan] devs"));
}

/// A design task from the repository model: collectors that each open their own
/// database connection become one "connection module" task, after the credentials.
#[test]
fn modules_opening_their_own_connections_become_a_design_task() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("collectors-app");
    for n in 0..6 {
        let p = repo.join(format!("collectors/c{n}.py"));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(
            p,
            "import os\nimport psycopg2\n\n\ndef run():\n    conn = psycopg2.connect(os.environ[\"DATABASE_URL\"])\n    with conn:\n        pass\n",
        )
        .unwrap();
    }
    fs::write(
        repo.join("db.py"),
        "import psycopg2\n\nDB_HOST = \"db.internal\"\nDB_USER = \"collector\"\nDB_PASSWORD = \"Tr0ub4dor&3x\"\n",
    )
    .unwrap();
    let v = plan_json(&repo);
    let tasks = v["tasks"].as_array().unwrap();
    let pool = tasks
        .iter()
        .find(|t| t["id"] == "T-design-connection-pool")
        .unwrap_or_else(|| panic!("no design task in {tasks:?}"));
    assert_eq!(pool["track"], "database");
    assert_eq!(pool["files"].as_array().unwrap().len(), 6);
    assert!(pool["title"].as_str().unwrap().contains("6 modules"));
    let blocked: Vec<&str> = pool["blocked_by"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b.as_str())
        .collect();
    assert!(
        blocked.iter().any(|b| b.starts_with("T-secrets-")),
        "credentials before the pool: {blocked:?}"
    );
}

/// The design tasks a lead writes for a monorepo, on a fixture shaped like one:
/// the connection work cut per package, "adopt logging" for the package whose
/// library modules print (its script is left alone), the health route three
/// collector services register and the fourth lacks (before its compose health
/// check), and the parameter block three collectors each copy.
#[test]
fn a_monorepo_gets_design_tasks_per_package_and_for_the_missing_health_route() {
    let root = common::fixtures().join("repos/plan-monorepo");
    let v = plan_json(&root);
    let tasks = v["tasks"].as_array().unwrap();
    let task = |id: &str| {
        tasks
            .iter()
            .find(|t| t["id"] == id)
            .unwrap_or_else(|| panic!("no {id} in {tasks:#?}"))
    };
    let files = |t: &serde_json::Value| -> Vec<String> {
        t["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect()
    };
    // Per package, never one task across both.
    assert!(tasks.iter().all(|t| t["id"] != "T-design-connection-pool"));
    let collectors = task("T-design-connection-pool-packages-collectors");
    assert_eq!(files(collectors).len(), 4);
    let training = task("T-design-connection-pool-packages-training");
    assert!(files(training)
        .iter()
        .all(|f| f.starts_with("packages/training/")));

    let logging = task("T-design-adopt-logging-packages-training");
    assert_eq!(
        files(logging),
        [
            "packages/training/src/loader.py",
            "packages/training/src/registry.py",
            "packages/training/src/trainer.py"
        ]
    );
    assert_eq!(logging["track"], "observability");
    // The print rule's finding in the collectors stays its own task; none of the
    // training package's is left outside the design task.
    let print = task("T-python-print-in-library");
    assert_eq!(files(print), ["packages/collectors/news.py"]);

    let health = task("T-design-health-route");
    assert_eq!(files(health), ["packages/collectors/news.py"]);
    assert!(health["title"].as_str().unwrap().contains("3 of 4"));
    let check = task("T-compose-missing-healthcheck");
    assert_eq!(
        check["blocked_by"],
        serde_json::json!(["T-design-health-route"])
    );

    // The retry and polling parameters three collectors each set: one source.
    let params = task("T-design-duplicated-parameters");
    assert_eq!(files(params).len(), 3);
    assert_eq!(params["track"], "configuration");
    assert!(params["title"]
        .as_str()
        .unwrap()
        .contains("4 parameters copied into 3 modules of `packages/collectors`"));

    // The Markdown lists the service without and the route to copy.
    let md = harden().arg("plan").arg(&root).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains(
            "service `news` registers no health route; it listens at `packages/collectors/news.py:"
        ),
        "{md}"
    );
    assert!(md.contains("model to copy: `packages/collectors/prices.py:21` registers `/health`"));
    assert!(!md.contains("scripts/report.py` `print"));
}

/// Seed 004's #69 on a fixture shaped like gept at that commit: the production
/// trainer hard-codes CatBoost parameters other than those the configuration file
/// sets and the GPU trainer copies. One task, on the trainer and the two places
/// that agree; nothing for the parameter sets meant to differ (a per-environment
/// config, a test, presets, a code table, plugins' own tables, two selection
/// configs that each match their own config section).
#[test]
fn drifted_parameters_make_one_task_naming_the_place_that_disagrees() {
    let root = common::fixtures().join("repos/plan-parameter-drift");
    let v = plan_json(&root);
    let tasks: Vec<&serde_json::Value> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            t["id"]
                .as_str()
                .unwrap()
                .starts_with("T-design-parameter-drift")
        })
        .collect();
    assert_eq!(tasks.len(), 1, "{tasks:#?}");
    let t = tasks[0];
    assert_eq!(t["id"], "T-design-parameter-drift");
    assert_eq!(t["track"], "configuration");
    assert_eq!(
        t["files"],
        serde_json::json!([
            "cloud/train_gpu.py",
            "config/training_config.yaml",
            "training/train_production.py"
        ])
    );
    let title = t["title"].as_str().unwrap();
    assert_eq!(
        title,
        "One source for `depth`, `iterations`: `training/train_production.py` hard-codes values other than `training.catboost` of `config/training_config.yaml`"
    );
    let md = harden().arg("plan").arg(&root).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains("- `training/train_production.py:8` class `ProductionConfig` sets `depth` = 5 (line 14), `iterations` = 100 (line 13); agrees on `learning_rate`"),
        "{md}"
    );
    assert!(md.contains("`config/training_config.yaml:13` `training.catboost` sets `depth` = 6"));
    assert!(md.contains(
        "`training/train_production.py` reads `depth`, `iterations` from `training.catboost` of `config/training_config.yaml`"
    ));
    // Its phase is not complete before it is done: the task's own check is one of
    // the phase's success criteria (no scan rule or control checks it).
    assert!(md.contains(
        "- [ ] T-design-parameter-drift: `training/train_production.py` reads `depth`, `iterations` from `training.catboost`"
    ), "{md}");
    let criteria = &v["criteria"];
    assert!(criteria
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|pc| pc["criteria"].as_array().unwrap())
        .any(|c| c["task"] == "T-design-parameter-drift"));
}

/// A rule whose release blockers are phase 0 and whose lower findings are a later
/// follow-up: the phase-0 task's check and its phase's criterion count only the
/// blockers (`--min-severity high`), so both can be true when phase 0 is done, and
/// `plan --since` ticks the criterion once the high findings are gone while the
/// follow-up's low finding is still open.
#[test]
fn the_phase_zero_part_of_a_split_rule_is_checked_at_its_own_severity() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("deployer");
    fs::create_dir_all(repo.join("scripts")).unwrap();
    fs::write(
        repo.join("scripts/deploy.sh"),
        "#!/usr/bin/env bash\nset -euo pipefail\nHOST=\"$1\"\nssh -o StrictHostKeyChecking=no \"deploy@$HOST\" 'systemctl restart api'\n",
    )
    .unwrap();
    fs::write(
        repo.join("scripts/train_remote.sh"),
        "#!/usr/bin/env bash\nset -euo pipefail\nHOST=\"$1\"\nssh -o StrictHostKeyChecking=accept-new \"train@$HOST\" 'python train.py'\n",
    )
    .unwrap();
    let out = harden()
        .args(["plan", "--format", "json"])
        .arg(&repo)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let task = |id: &str| -> serde_json::Value {
        v["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {id} in {v:#}"))
    };
    assert_eq!(task("T-shell-ssh-host-key-disabled")["phase"], 0);
    assert_eq!(task("T-shell-ssh-host-key-disabled-followup")["phase"], 1);
    let md = harden().arg("plan").arg(&repo).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    let section = |id: &str| -> String {
        let head = format!("### {id}:");
        let from = md.find(&head).unwrap_or_else(|| panic!("no {id} in {md}"));
        let rest = &md[from + head.len()..];
        rest[..rest.find("\n### ").unwrap_or(rest.len())].to_string()
    };
    assert!(section("T-shell-ssh-host-key-disabled").contains(
        "`harden scan --repository --rule shell/ssh-host-key-disabled --min-severity high --fail-on info` reports nothing"
    ));
    assert!(section("T-shell-ssh-host-key-disabled-followup").contains(
        "`harden scan --repository --rule shell/ssh-host-key-disabled --fail-on info` reports nothing"
    ));
    assert!(
        md.contains("- [ ] No `shell/ssh-host-key-disabled` findings at high or above (1 today)"),
        "{md}"
    );
    let phase0 = &v["criteria"][0];
    assert_eq!(phase0["phase"], 0);
    assert_eq!(
        phase0["criteria"][0]["text"],
        "No `shell/ssh-host-key-disabled` findings at high or above"
    );
    assert_eq!(phase0["criteria"][0]["min_severity"], "high");

    // The check is true once the blocker is fixed, the follow-up still open.
    let base = tmp.path().join("baseline.json");
    let out = harden()
        .arg("baseline")
        .arg(&repo)
        .arg("-o")
        .arg(&base)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    fs::write(
        repo.join("scripts/deploy.sh"),
        "#!/usr/bin/env bash\nset -euo pipefail\nHOST=\"$1\"\nssh \"deploy@$HOST\" 'systemctl restart api'\n",
    )
    .unwrap();
    let out = harden()
        .args([
            "scan",
            "--repository",
            "--rule",
            "shell/ssh-host-key-disabled",
        ])
        .args([
            "--min-severity",
            "high",
            "--fail-on",
            "info",
            "--format",
            "json",
        ])
        .arg(&repo)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = harden()
        .args(["plan", "--since"])
        .arg(&base)
        .arg(&repo)
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("- [x] No `shell/ssh-host-key-disabled` findings at high or above"),
        "{md}"
    );
    assert!(
        md.contains("- [ ] No `shell/ssh-host-key-disabled` findings\n"),
        "{md}"
    );
}

/// The image-scan task goes where the image is pushed: a `ko build` in the Makefile
/// goal Cloud Build runs, not a new GitHub workflow that builds nothing.
#[test]
fn a_scan_task_goes_to_the_makefile_goal_that_pushes_the_image() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("dnsctl");
    let write = |rel: &str, text: &str| {
        let p = repo.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    write("go.mod", "module example.com/dnsctl\n\ngo 1.22\n");
    write("main.go", "package main\n\nfunc main() {}\n");
    write(
        "Makefile",
        "IMAGE ?= registry.example.com/dnsctl\n\nbuild.push:\n\tko build --bare --push=true .\n\nrelease: build.push\n",
    );
    write(
        "cloudbuild.yaml",
        "steps:\n  - name: 'docker.io/library/golang:1.22-bookworm'\n    entrypoint: make\n    args: ['release']\n",
    );
    let md = harden().arg("plan").arg(&repo).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains("for known vulnerabilities in CI (Trivy or Grype), in `Makefile`"),
        "{md}"
    );
    assert!(
        md.contains("- `Makefile:4` publishes: runs `ko build`"),
        "{md}"
    );
}
