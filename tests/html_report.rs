//! Opens the HTML report in a real headless Chromium (Playwright, `tests/browser/`):
//! no console errors, no network, the filters and sorting work, the plan graph is drawn,
//! and a screenshot is saved under `target/html-report/`.
//!
//! Needs Node, `tests/browser/node_modules` and Chromium: `.ci/install-browser` sets them
//! up. When any is missing this test FAILS with the reason; it never skips.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use harden::engine::ScanReport;
use harden::finding::{Finding, Severity};
use harden::output::extras::{
    AreaView, ControlState, ControlView, EvidenceView, PhaseView, PlanView, ReportExtras,
    StatusView, TaskView,
};
use harden::output::html;
use harden::source::{Position, Region};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A plan shaped like the hand-written ones: 7 phases, 26 tasks, real dependencies.
pub fn synthetic_plan() -> PlanView {
    let phases = [
        "Critical blockers",
        "Security & stability",
        "Error handling & resilience",
        "Configuration & monitoring",
        "Data quality",
        "Operations",
        "Code quality & performance",
    ];
    let tasks: &[(&str, &str, usize, f64, &[&str])] = &[
        (
            "T01",
            "Guard every rm -rf against empty variables",
            0,
            1.0,
            &[],
        ),
        (
            "T02",
            "Rotate the database password committed in deploy/.env",
            0,
            3.0,
            &[],
        ),
        (
            "T03",
            "Stop expanding ${{ github.event.* }} inside run: blocks",
            0,
            2.0,
            &[],
        ),
        (
            "T04",
            "Centralise credentials in one settings module",
            1,
            6.0,
            &["T02"],
        ),
        ("T05", "Pin GitHub Actions to commit SHAs", 1, 1.0, &["T03"]),
        (
            "T06",
            "Least-privilege permissions: on every workflow",
            1,
            2.0,
            &["T03"],
        ),
        ("T07", "Run containers as a non-root user", 1, 4.0, &[]),
        (
            "T08",
            "Enable Dependabot for pip, npm, docker and actions",
            1,
            0.5,
            &["T05"],
        ),
        (
            "T09",
            "Add SECURITY.md with a private disclosure address",
            1,
            0.5,
            &[],
        ),
        (
            "T10",
            "Strict mode (set -euo pipefail) in every script",
            2,
            2.0,
            &["T01"],
        ),
        (
            "T11",
            "Replace bare except: with specific exceptions",
            2,
            5.0,
            &[],
        ),
        (
            "T12",
            "Timeouts and retries on outbound HTTP calls",
            2,
            4.0,
            &["T11"],
        ),
        (
            "T13",
            "Circuit breaker around the payment provider",
            2,
            8.0,
            &["T12"],
        ),
        (
            "T14",
            "Consolidate database connection pools",
            3,
            6.0,
            &["T04"],
        ),
        (
            "T15",
            "Structured logging instead of print()",
            3,
            4.0,
            &["T11"],
        ),
        (
            "T16",
            "Health checks that test the database and queue",
            3,
            3.0,
            &["T14"],
        ),
        ("T17", "OpenTelemetry traces for the API", 3, 8.0, &["T15"]),
        (
            "T18",
            "Resource limits on every container",
            3,
            2.0,
            &["T07"],
        ),
        (
            "T19",
            "Validate input files before ingest",
            4,
            5.0,
            &["T11"],
        ),
        (
            "T20",
            "No silent fallback to 0.0 on missing data",
            4,
            3.0,
            &["T19"],
        ),
        (
            "T21",
            "Backups written with 0600 and a restore test",
            5,
            4.0,
            &["T10"],
        ),
        (
            "T22",
            "Runbook for failed deploys and rollbacks",
            5,
            6.0,
            &["T16", "T21"],
        ),
        ("T23", "SBOM and vulnerability scan in CI", 5, 3.0, &["T08"]),
        (
            "T24",
            "One Dockerfile per service; delete the stale ones",
            6,
            4.0,
            &["T07"],
        ),
        (
            "T25",
            "COPY requirements before sources for cache hits",
            6,
            1.0,
            &["T24"],
        ),
        (
            "T26",
            "Deduplicate the model parameters copied into 4 files",
            6,
            5.0,
            &["T14"],
        ),
    ];
    PlanView {
        phases: phases
            .iter()
            .map(|p| PhaseView {
                name: p.to_string(),
            })
            .collect(),
        tasks: tasks
            .iter()
            .map(|(id, title, phase, hours, blocked)| TaskView {
                id: id.to_string(),
                title: title.to_string(),
                phase: *phase,
                effort_hours: *hours,
                blocked_by: blocked.iter().map(|b| b.to_string()).collect(),
            })
            .collect(),
        summary: String::new(),
    }
}

fn control(
    id: &str,
    title: &str,
    area: &str,
    state: ControlState,
    ev: &[(&str, usize, &str)],
    advice: &str,
) -> ControlView {
    ControlView {
        id: id.into(),
        title: title.into(),
        area: area.into(),
        state,
        evidence: ev
            .iter()
            .map(|(p, l, n)| EvidenceView {
                path: p.to_string(),
                line: *l,
                note: n.to_string(),
            })
            .collect(),
        advice: advice.into(),
    }
}

pub fn synthetic_status() -> StatusView {
    use ControlState::*;
    StatusView {
        overall_score: Some(4.6),
        areas: vec![
            AreaView {
                name: "Supply chain".into(),
                score: 3.3,
                done: 1,
                total: 3,
            },
            AreaView {
                name: "CI/CD".into(),
                score: 7.5,
                done: 3,
                total: 4,
            },
            AreaView {
                name: "Containers".into(),
                score: 5.0,
                done: 1,
                total: 2,
            },
            AreaView {
                name: "Operations".into(),
                score: 2.5,
                done: 0,
                total: 2,
            },
        ],
        controls: vec![
            control(
                "supply-chain/pinned-actions",
                "Actions pinned to a commit",
                "Supply chain",
                Done,
                &[(".github/workflows/ci.yml", 11, "checkout pinned to v4.2.2")],
                "",
            ),
            control(
                "supply-chain/dependabot",
                "Dependabot or Renovate configured",
                "Supply chain",
                Missing,
                &[],
                "Add .github/dependabot.yml for pip, docker and github-actions (harden fix)",
            ),
            control(
                "supply-chain/sbom",
                "SBOM produced in CI",
                "Supply chain",
                Missing,
                &[],
                "harden sbom --format cyclonedx in the release job",
            ),
            control(
                "ci/tests",
                "Tests run on every pull request",
                "CI/CD",
                Done,
                &[
                    (".github/workflows/ci.yml", 3, "on: pull_request"),
                    (".github/workflows/ci.yml", 16, "make test"),
                ],
                "",
            ),
            control(
                "ci/permissions",
                "Least-privilege workflow permissions",
                "CI/CD",
                Partial,
                &[(".github/workflows/ci.yml", 0, "no permissions: block")],
                "Add permissions: contents: read",
            ),
            control(
                "containers/non-root",
                "Containers run as non-root",
                "Containers",
                Partial,
                &[(
                    "Dockerfile",
                    14,
                    "USER app, but the worker image runs as root",
                )],
                "Add USER to worker.Dockerfile",
            ),
            control(
                "ops/runbook",
                "Runbook for incidents & rollbacks",
                "Operations",
                Missing,
                &[],
                "Write docs/runbook.md",
            ),
            control(
                "ops/backups",
                "Backups are verified",
                "Operations",
                Partial,
                &[("scripts/backup_db.sh", 5, "pg_dump <no restore test>")],
                "Restore the dump weekly in CI",
            ),
        ],
    }
}

fn report() -> ScanReport {
    let mut report = common::scan_all(&common::fixtures().join("reports/webapp"));
    // Text that must stay text: markup, entities, quotes, a script that must not run.
    report.findings.push(Finding {
        grouped: false,
        rule: "config/hardcoded-ip",
        severity: Severity::Critical,
        message: "server address \"10.0.4.17\" & port <8443> hard-coded here and in 13 other files".into(),
        path: "deploy/release.sh".into(),
        span: 0..0,
        region: Region {
            start: Position { line: 6, column: 1 },
            end: Position { line: 6, column: 20 },
        },
        snippet: "echo \"Deploying ${VERSION} to <${TARGET_HOST}> & pruning\" >&2 <img src=x onerror=window.__pwned=2>".into(),
        related: Default::default(),
        fix: None,
    });
    report.findings.push(Finding {
        grouped: false,
        rule: "test/escaping",
        severity: Severity::Low,
        message: "<b>not bold</b> & \"quoted\" 'single' </script><script>window.__pwned=1</script>"
            .into(),
        path: "deploy/<odd> & \"name\".sh".into(),
        span: 0..0,
        region: Region {
            start: Position { line: 2, column: 1 },
            end: Position { line: 2, column: 9 },
        },
        snippet: "</pre></td></tr></table><script>window.__pwned=3</script>".into(),
        related: Default::default(),
        fix: None,
    });
    report.findings.push(Finding {
        grouped: false,
        rule: "repo/missing-security-policy",
        severity: Severity::Info,
        message: "no SECURITY.md: tell reporters where to send a vulnerability".into(),
        path: "README.md".into(),
        span: 0..0,
        region: Region::default(),
        snippet: Default::default(),
        related: Default::default(),
        fix: None,
    });
    report
}

fn node_ready() -> Result<(), String> {
    let browser = manifest().join("tests/browser");
    if Command::new("node").arg("--version").output().is_err() {
        return Err("`node` is not installed: run .ci/install-browser".into());
    }
    if !browser.join("node_modules/playwright-core").is_dir() {
        return Err(format!(
            "{}/node_modules/playwright-core is missing: run .ci/install-browser (npm ci there)",
            browser.display()
        ));
    }
    Ok(())
}

fn run_browser(html_path: &Path, shot: &Path, extra: &[&str]) {
    if let Err(e) = node_ready() {
        panic!("HTML report browser test cannot run: {e}");
    }
    let out = Command::new("node")
        .arg(manifest().join("tests/browser/html_report.mjs"))
        .arg(html_path)
        .arg(shot)
        .args(extra)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser checks failed ({:?}):\n{stdout}\n{stderr}",
        out.status.code()
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    assert!(shot.is_file(), "no screenshot at {}", shot.display());
}

fn out_dir() -> PathBuf {
    let d = manifest().join("target/html-report");
    std::fs::create_dir_all(&d).expect("target dir");
    d
}

#[test]
fn html_report_with_status_and_plan_works_in_chromium() {
    let extras = ReportExtras {
        status: Some(synthetic_status()),
        plan: Some(synthetic_plan()),
        project: None,
    };
    let mut buf = Vec::new();
    html::render(&report(), &extras, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    // Self-contained: nothing loads from elsewhere.
    for needle in ["http://", "https://", "src=\"", "@import", "url(http"] {
        let hits: Vec<&str> = text
            .match_indices(needle)
            .map(|(i, _)| &text[i.saturating_sub(40)..(i + 60).min(text.len())])
            .filter(|ctx| !ctx.contains("http://www.w3.org/2000/svg"))
            .filter(|ctx| !ctx.contains("&lt;img src=x"))
            .collect();
        assert!(hits.is_empty(), "external reference `{needle}`: {hits:?}");
    }
    assert!(!text.contains("<script>window.__pwned"));
    let dir = out_dir();
    let page = dir.join("report.html");
    std::fs::write(&page, &text).unwrap();
    let tasks = synthetic_plan().tasks.len().to_string();
    let dark = dir.join("report-dark.png");
    // HARDEN_DOCS_SCREENSHOT=docs/report-screenshot.png regenerates the README picture.
    let docs = std::env::var("HARDEN_DOCS_SCREENSHOT")
        .map(|p| manifest().join(p))
        .unwrap_or_else(|_| dir.join("report-docs.png"));
    run_browser(
        &page,
        &dir.join("report.png"),
        &[
            "--expect-graph",
            &tasks,
            "--dark",
            dark.to_str().unwrap(),
            "--docs-shot",
            docs.to_str().unwrap(),
        ],
    );
}

#[test]
fn html_report_of_findings_only_works_in_chromium() {
    let mut buf = Vec::new();
    html::render(&report(), &ReportExtras::default(), &mut buf).unwrap();
    let dir = out_dir();
    let page = dir.join("findings-only.html");
    std::fs::write(&page, &buf).unwrap();
    run_browser(&page, &dir.join("findings-only.png"), &[]);
}

/// 50 tasks in 7 phases with up to 3 blockers each: the size the graph must stay readable at.
fn fifty_task_plan() -> PlanView {
    let base = synthetic_plan();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    let tasks: Vec<TaskView> = (0..50)
        .map(|i| {
            let template = &base.tasks[i % base.tasks.len()];
            let phase = i * 7 / 50;
            let mut blocked_by = Vec::new();
            if i > 2 {
                for _ in 0..rnd(3) {
                    let j = rnd(i);
                    let id = format!("T{:02}", j + 1);
                    if !blocked_by.contains(&id) {
                        blocked_by.push(id);
                    }
                }
            }
            TaskView {
                id: format!("T{:02}", i + 1),
                title: template.title.clone(),
                phase,
                effort_hours: template.effort_hours,
                blocked_by,
            }
        })
        .collect();
    PlanView {
        phases: base.phases,
        tasks,
        summary: String::new(),
    }
}

#[test]
fn html_report_with_fifty_task_plan_works_in_chromium() {
    let extras = ReportExtras {
        status: None,
        plan: Some(fifty_task_plan()),
        project: Some("fifty-tasks".into()),
    };
    let mut buf = Vec::new();
    html::render(&report(), &extras, &mut buf).unwrap();
    let dir = out_dir();
    let page = dir.join("plan-50.html");
    std::fs::write(&page, &buf).unwrap();
    run_browser(&page, &dir.join("plan-50.png"), &["--expect-graph", "50"]);
}

/// Above 30 tasks the graph is one collapsible group per phase (the first open), no
/// row wider than six boxes, and the header names the repository; efforts read as the
/// plan's Markdown writes them.
#[test]
fn a_large_plan_is_drawn_per_phase_and_the_header_names_the_repository() {
    let extras = ReportExtras {
        status: None,
        plan: Some(fifty_task_plan()),
        project: Some("fifty-tasks".into()),
    };
    let mut buf = Vec::new();
    html::render(&report(), &extras, &mut buf).unwrap();
    let page = String::from_utf8(buf).unwrap();
    assert!(page.contains("<title>fifty-tasks — harden report</title>"));
    assert!(page.contains("<h1>fifty-tasks <span>readiness report</span></h1>"));
    let groups = page.matches("<details class=\"phase-graph\"").count();
    assert_eq!(groups, 7, "one group per phase");
    assert_eq!(
        page.matches("<details class=\"phase-graph\" data-phase=\"0\" open>")
            .count(),
        1
    );
    let open = page
        .split("<details class=\"phase-graph\"")
        .skip(1)
        .filter(|d| {
            d.split('>')
                .next()
                .is_some_and(|tag| tag.ends_with(" open"))
        })
        .count();
    assert_eq!(open, 1, "only the first phase starts open");
    assert_eq!(page.matches("class=\"node\"").count(), 50);
    for w in page.split("<svg style=\"min-width:").skip(1) {
        let width: f64 = w
            .split("width=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .unwrap();
        // Six 188 px boxes, their gaps and the lanes of edges passing by.
        assert!(width <= 1400.0, "a phase graph is {width} px wide");
    }
    // Blockers in an earlier phase are named under the phase's graph.
    assert!(page.contains("Waits for earlier phases:"));
    assert!(page.contains(" h</td>") && !page.contains("m</td>"));

    // A small plan stays one graph.
    let extras = ReportExtras {
        status: None,
        plan: Some(synthetic_plan()),
        project: None,
    };
    let mut buf = Vec::new();
    html::render(&report(), &extras, &mut buf).unwrap();
    let page = String::from_utf8(buf).unwrap();
    assert!(!page.contains("<details class=\"phase-graph\""));
    assert!(page.contains("<title>harden report</title>"));
}
