//! `harden report --org`: real scan and status results of several fixture
//! repositories (each scanned as a standalone copy, as CI checks a repository out),
//! merged into one dashboard. Expectations are computed from the result files
//! themselves, not from the report's code.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

const REPOS: [&str; 5] = [
    "status-mature-api",
    "status-bare-collector",
    "status-django-react",
    "status-go-k8s",
    "data-collector",
];

fn harden(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harden"));
    cmd.args(args);
    common::run_guarded(cmd, Duration::from_secs(120), |_| {})
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
}

/// Scans and assesses every fixture, writing `NAME.scan.json` / `NAME.status.json`
/// into `out`; the last repository is laid out `NAME/scan.json` as artifacts download.
fn results(out: &Path) -> Vec<(String, PathBuf, PathBuf)> {
    let mut files = Vec::new();
    for (i, name) in REPOS.iter().enumerate() {
        let repo = common::standalone(&common::fixtures().join("repos").join(name));
        let root = repo.path().to_str().expect("utf-8 temp path");
        let (scan, status) = if i == REPOS.len() - 1 {
            let dir = out.join(name);
            std::fs::create_dir_all(&dir).expect("mkdir");
            (dir.join("scan.json"), dir.join("status.json"))
        } else {
            (
                out.join(format!("{name}.scan.json")),
                out.join(format!("{name}.status.json")),
            )
        };
        let s = harden(&[
            "scan",
            "--format",
            "json",
            "-o",
            scan.to_str().unwrap(),
            root,
        ]);
        assert!(
            s.status.code().is_some_and(|c| c <= 1),
            "scan {name}: {s:?}"
        );
        let st = harden(&[
            "status",
            "--format",
            "json",
            "-o",
            status.to_str().unwrap(),
            root,
        ]);
        assert!(
            st.status.code().is_some_and(|c| c <= 1),
            "status {name}: {st:?}"
        );
        files.push((name.to_string(), scan, status));
    }
    files
}

fn report(files: &[PathBuf], format: &str) -> std::process::Output {
    let mut args = vec!["report", "--format", format, "--org"];
    args.extend(files.iter().map(|f| f.to_str().expect("utf-8 path")));
    harden(&args)
}

struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    repos: Vec<(String, PathBuf, PathBuf)>,
    inputs: Vec<PathBuf>,
}

fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().to_path_buf();
    let repos = results(&dir);
    let inputs = repos
        .iter()
        .flat_map(|(_, a, b)| [a.clone(), b.clone()])
        .collect();
    Fixture {
        _dir: tmp,
        dir,
        repos,
        inputs,
    }
}

#[test]
fn org_report_ranks_counts_and_survives_bad_inputs() {
    let fx = fixture();
    let mut inputs = fx.inputs.clone();
    let broken = fx.dir.join("broken.scan.json");
    std::fs::write(&broken, "{\"schema_version\": 1, \"findings\": [").unwrap();
    let future = fx.dir.join("future.scan.json");
    std::fs::write(
        &future,
        r#"{"schema_version": 2, "summary": {}, "findings": [{"rule": "x/y", "severity": "critical"}]}"#,
    )
    .unwrap();
    inputs.push(broken.clone());
    inputs.push(future.clone());

    let out = report(&inputs, "json");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("broken.scan.json: not valid JSON"),
        "a corrupt file is a diagnostic: {stderr}"
    );
    assert!(
        stderr.contains("future.scan.json: schema_version 2 is not one this harden reads"),
        "another schema_version is refused: {stderr}"
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("report JSON");
    assert_eq!(doc["schema_version"], 1);
    let skipped: Vec<&str> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["path"].as_str())
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");

    // Every repository once, named by its files (the last by its directory), each
    // with both results paired.
    let repos = doc["repositories"].as_array().unwrap();
    let mut names: Vec<&str> = repos.iter().filter_map(|r| r["name"].as_str()).collect();
    names.sort();
    let mut want: Vec<&str> = REPOS.to_vec();
    want.sort();
    assert_eq!(names, want, "future/broken are no repository");
    assert!(repos
        .iter()
        .all(|r| r["scan"].is_string() && r["status"].is_string()));

    // Ranking: lowest readiness first, then most critical, then most high findings.
    let mut expected: Vec<(f64, i64, i64, String)> = fx
        .repos
        .iter()
        .map(|(name, scan, status)| {
            let st = read_json(status);
            let sc = read_json(scan);
            let sev = |s: &str| sc["summary"]["by_severity"][s].as_i64().unwrap();
            (
                st["scores"]["overall"].as_f64().expect("a score"),
                -sev("critical"),
                -sev("high"),
                name.clone(),
            )
        })
        .collect();
    expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let ranked: Vec<&str> = repos.iter().map(|r| r["name"].as_str().unwrap()).collect();
    let expected: Vec<&str> = expected.iter().map(|e| e.3.as_str()).collect();
    assert_eq!(ranked, expected);
    assert_eq!(
        ranked.first(),
        Some(&"status-bare-collector"),
        "nothing in place"
    );
    assert_eq!(
        ranked.last(),
        Some(&"status-mature-api"),
        "every control done"
    );

    // Controls: how many repositories miss each, as the status results say.
    let mut missing: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, status) in &fx.repos {
        for c in read_json(status)["controls"].as_array().unwrap() {
            if c["state"] == "missing" {
                *missing.entry(c["id"].as_str().unwrap().into()).or_default() += 1;
            }
        }
    }
    let controls = doc["controls"].as_array().unwrap();
    let top = missing.values().max().copied().unwrap_or(0);
    assert!(top >= 3, "the fixtures share gaps: {missing:?}");
    assert_eq!(controls[0]["missing"], top, "most often missing first");
    let counts: Vec<u64> = controls
        .iter()
        .map(|c| c["missing"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    for c in controls {
        let id = c["id"].as_str().unwrap();
        assert_eq!(
            c["missing"].as_u64().unwrap() as usize,
            missing.get(id).copied().unwrap_or(0),
            "{id}"
        );
        assert_eq!(
            c["missing_in"].as_array().unwrap().len() as u64,
            c["missing"].as_u64().unwrap()
        );
    }

    // Rules: findings and repositories per rule, as the scan results say.
    let mut rules: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (_, scan, _) in &fx.repos {
        let mut here: BTreeMap<String, u64> = BTreeMap::new();
        for f in read_json(scan)["findings"].as_array().unwrap() {
            *here.entry(f["rule"].as_str().unwrap().into()).or_default() += 1;
        }
        for (rule, n) in here {
            let e = rules.entry(rule).or_default();
            e.0 += n;
            e.1 += 1;
        }
    }
    let got: BTreeMap<String, (u64, u64)> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                (
                    r["findings"].as_u64().unwrap(),
                    r["repositories"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(got, rules);
    assert!(rules.values().any(|&(_, repos)| repos >= 3), "{rules:?}");
    let order: Vec<(u64, u64)> = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["repositories"].as_u64().unwrap(),
                r["findings"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");

    // Markdown: the same ranking, the sections, the inputs left out.
    let md = report(&inputs, "markdown");
    assert_eq!(md.status.code(), Some(0));
    let md = String::from_utf8(md.stdout).unwrap();
    for heading in [
        "## Repositories, worst first",
        "## Controls most often missing",
        "## Rules firing most",
        "## Per repository",
        "## Inputs left out",
    ] {
        assert!(md.contains(heading), "{heading}\n{md}");
    }
    let positions: Vec<usize> = ranked
        .iter()
        .map(|n| md.find(&format!("| {} |", n.replace('_', "\\_"))).expect(n))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{md}");
    assert!(md.contains("broken.scan.json"));
}

#[test]
fn org_report_html_is_self_contained_and_escapes_names() {
    let fx = fixture();
    let mut inputs = fx.inputs.clone();
    // A hostile repository name, from a file name.
    let hostile = fx.dir.join("<img src=x onerror=alert(1)>.scan.json");
    std::fs::copy(&fx.inputs[0], &hostile).unwrap();
    inputs.push(hostile);
    let page = fx.dir.join("dashboard.html");
    let mut args = vec![
        "report",
        "--format",
        "html",
        "-o",
        page.to_str().unwrap(),
        "--org",
    ];
    args.extend(inputs.iter().map(|f| f.to_str().unwrap()));
    let out = harden(&args);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(&page).expect("written");
    assert!(text.starts_with("<!doctype html>"));
    assert!(text.contains("Content-Security-Policy"));
    assert!(text.trim_end().ends_with("</html>"));
    for needle in [
        "http://", "https://", "src=\"", "@import", "url(http", "<script",
    ] {
        let hits: Vec<&str> = text
            .match_indices(needle)
            .map(|(i, _)| &text[i.saturating_sub(40)..(i + 60).min(text.len())])
            .filter(|ctx| !ctx.contains("http://www.w3.org/2000/svg"))
            .collect();
        assert!(hits.is_empty(), "external reference `{needle}`: {hits:?}");
    }
    assert!(!text.contains("<img"), "names are escaped");
    assert!(text.contains("&lt;img src=x onerror=alert(1)&gt;"));
    for tag in ["section", "table", "tr", "ul", "li"] {
        let open =
            text.matches(&format!("<{tag}>")).count() + text.matches(&format!("<{tag} ")).count();
        let close = text.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> balanced");
    }
    for id in ["repositories", "controls", "rules", "summaries"] {
        assert!(text.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    for name in REPOS {
        assert!(text.contains(name), "{name}");
    }
}

#[test]
fn org_report_with_nothing_readable_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("a.scan.json");
    std::fs::write(&bad, "[]").unwrap();
    let missing = tmp.path().join("nope.json");
    let mut inputs = vec![bad, missing, tmp.path().to_path_buf()];
    #[cfg(unix)]
    {
        // A FIFO is never opened: reading it would block.
        let fifo = tmp.path().join("fifo.json");
        let made = Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            inputs.push(fifo);
        }
    }
    let out = report(&inputs, "markdown");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nope.json: no such file or directory"),
        "{err}"
    );
    assert!(err.contains("not a regular file but a directory"), "{err}");
    #[cfg(unix)]
    assert!(err.contains("not a regular file but a FIFO"), "{err}");
    assert!(err.contains("no result could be read"), "{err}");
}
