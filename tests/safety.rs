//! Issue 13: never harm the machine, never leak a secret, never hang. One test (or
//! more) per defect the hostile-input review found, each running the real binary on a
//! repository built to trigger it.

mod common;
use common::write;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Generous hang guard (a debug build on a loaded 2-core machine); never a speed test.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_harden"))
}

fn harden() -> Command {
    let mut c = Command::new(bin());
    c.env("NO_COLOR", "1").env("HARDEN_NO_PROGRESS", "1");
    c
}

/// Runs `cmd` with stdin closed, killing it and failing the test if it outlives the guard.
fn run(cmd: Command) -> Output {
    common::run_guarded(cmd, HANG_GUARD, |_| {})
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    if let Some(d) = p.parent() {
        fs::create_dir_all(d).unwrap();
    }
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

// ---------------------------------------------------------------- 13.1 `-o FILE`

#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "repo/run.sh", "#!/bin/bash\nrm -rf \"$X/\"\n");
    let fifo = tmp.path().join("report.fifo");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read(fifo).unwrap())
    };
    let out = run({
        let mut c = harden();
        c.args(["scan", "--format", "json", "-o"])
            .arg(&fifo)
            .arg(tmp.path().join("repo"));
        c
    });
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let got = reader.join().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&got).unwrap();
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.contains(&"shell/unsafe-rm"), "{rules:?}");
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_writes_the_target_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "repo/run.sh", "#!/bin/bash\nrm -rf \"$X/\"\n");
    let target = tmp.path().join("reports/harden.sarif");
    write(tmp.path(), "reports/harden.sarif", "old");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let link = tmp.path().join("latest.sarif");
    std::os::unix::fs::symlink("reports/harden.sarif", &link).unwrap();
    let out = run({
        let mut c = harden();
        c.args(["scan", "--format", "sarif", "-o"])
            .arg(&link)
            .arg(tmp.path().join("repo"));
        c
    });
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let text = fs::read_to_string(&target).unwrap();
    assert!(text.contains("\"version\": \"2.1.0\""));
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // No temporary file left beside it.
    let names: Vec<_> = fs::read_dir(tmp.path().join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

// ------------------------------------------------------- 13.2 secrets in outputs

/// Secrets planted in every kind of file harden reads; none may appear in any output.
const PASSWORDS: &[&str] = &[
    "Tr0ub4dor-Zq81xkP3", // sshpass -p, repeated on lines other rules report
    "Vx7#mq2LpR9wq",      // mysql -p
    "Hk29fLq0zPw7",       // --password=
    "S3cr3tPw!x9",        // YAML password:
    "pgPw5Rt8xQ2m",       // URL password in a Dockerfile ENV and compose
    "ghp_4Hk2sLq9ZxW8vRt1mNp6Yb3Cd7Fg0JhKe5Ui",
    "AKIAQ3EGRZLNX4YHK7PW",
    "wJalrXUtnFEMIK7MDENGbPxRfiCYzzKEYq9Wlq2z",
    "dev-s3cret-Xq82mPlk",         // Python settings, test file
    "Qm9vYmFyQmF6UXV4LnNlY3JldA9", // markdown
];

fn secret_repo(root: &Path) {
    let ssh = format!(
        "#!/bin/bash\nsshpass -p '{0}' ssh -o StrictHostKeyChecking=no root@10.0.3.17 uptime\nsshpass -p '{0}' scp -o StrictHostKeyChecking=no backup.tar root@10.0.3.17:/srv\nmysql -u root -p{1} -h 10.0.3.17 metrics < dump.sql\ncurl -k https://10.0.3.17/health\n./deploy --password={2} --host 10.0.3.17\n",
        PASSWORDS[0], PASSWORDS[1], PASSWORDS[2]
    );
    write(root, "scripts/deploy.sh", &ssh);
    write(
        root,
        "config/app.yml",
        format!(
            "database:\n  host: 10.0.3.17\n  user: app\n  password: {}\naws_access_key_id: {}\naws_secret_access_key: {}\n",
            PASSWORDS[3], PASSWORDS[6], PASSWORDS[7]
        ),
    );
    write(
        root,
        "Dockerfile",
        format!(
            "FROM python:latest\nENV DATABASE_URL=postgres://app:{}@10.0.3.17:5432/app\nRUN curl -s https://get.example.sh | sh\nRUN sshpass -p '{}' scp -o StrictHostKeyChecking=no root@10.0.3.17:/x /x\nCOPY . .\n",
            PASSWORDS[4], PASSWORDS[0]
        ),
    );
    write(
        root,
        "docker-compose.yml",
        format!(
            "services:\n  db:\n    image: postgres:latest\n    privileged: true\n    ports:\n      - \"5432:5432\"\n    environment:\n      POSTGRES_PASSWORD: {0}\n  api:\n    image: api:latest\n    environment:\n      DATABASE_URL: postgres://app:{0}@db/app\n      GITHUB_TOKEN: {1}\n",
            PASSWORDS[4], PASSWORDS[5]
        ),
    );
    write(
        root,
        ".github/workflows/ci.yml",
        format!(
            "name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          sshpass -p '{0}' ssh -o StrictHostKeyChecking=no root@10.0.3.17 'echo ${{{{ github.event.issue.title }}}}'\n          curl -u admin:{1} https://10.0.3.17/api | bash\n",
            PASSWORDS[0], PASSWORDS[2]
        ),
    );
    write(
        root,
        "k8s/deploy.yaml",
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:latest\n          env:\n            - name: DB_PASSWORD\n              value: {}\n            - name: TOKEN\n              value: {}\n",
            PASSWORDS[3], PASSWORDS[5]
        ),
    );
    write(
        root,
        "app/settings.py",
        format!(
            "import requests, yaml\nDB_PASSWORD = \"{}\"\nAPI = \"https://10.0.3.17\"\ndef load(p):\n    try:\n        return yaml.load(open(p))\n    except:\n        pass\nrequests.get(API, verify=False)\nTOKEN = \"{}\"\n",
            PASSWORDS[3], PASSWORDS[5]
        ),
    );
    write(
        root,
        "tests/test_settings.py",
        format!("SECRET_KEY = \"{}\"\nassert True\n", PASSWORDS[8]),
    );
    write(
        root,
        "requirements.txt",
        "requests==2.31.0\nflask\n--extra-index-url https://user:pgPw5Rt8xQ2m@pypi.internal/simple\n",
    );
    write(root, "requirements-dev.txt", "requests==2.30.0\n");
    write(
        root,
        "docs/setup.md",
        format!(
            "# Setup\n\nRun `sshpass -p '{}' ssh root@10.0.3.17` and set `api_key = \"{}\"`.\nSee [the guide](missing/guide.md).\n",
            PASSWORDS[0], PASSWORDS[9]
        ),
    );
    write(
        root,
        ".env",
        format!(
            "POSTGRES_PASSWORD={}\nAPI_TOKEN={}\n",
            PASSWORDS[4], PASSWORDS[5]
        ),
    );
    write(
        root,
        "package-lock.json",
        format!(
            "{{\"name\":\"x\",\"lockfileVersion\":3,\"packages\":{{\"\":{{\"name\":\"x\"}},\"node_modules/left-pad\":{{\"version\":\"1.3.0\",\"resolved\":\"https://u:{}@registry.internal/left-pad-1.3.0.tgz\"}}}}}}\n",
            PASSWORDS[2]
        ),
    );
}

fn assert_no_secret(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for p in PASSWORDS {
        assert!(
            !text.contains(p),
            "{what} leaks `{p}`:\n{}",
            text.lines()
                .filter(|l| l.contains(p))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn planted_secrets_never_reach_any_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    secret_repo(&root);
    let out_dir = tmp.path().join("out");
    fs::create_dir_all(&out_dir).unwrap();
    let mut runs: Vec<(String, Vec<String>)> = Vec::new();
    for f in ["terminal", "json", "sarif", "github", "markdown", "html"] {
        runs.push((
            format!("scan {f}"),
            vec!["scan".into(), "--format".into(), f.into()],
        ));
    }
    runs.push(("status".into(), vec!["status".into()]));
    runs.push((
        "status json".into(),
        vec!["status".into(), "--format".into(), "json".into()],
    ));
    runs.push(("plan".into(), vec!["plan".into()]));
    runs.push((
        "plan json".into(),
        vec!["plan".into(), "--format".into(), "json".into()],
    ));
    let issues = out_dir.join("issues");
    runs.push((
        "plan --export-issues".into(),
        vec![
            "plan".into(),
            "--export-issues".into(),
            issues.display().to_string(),
        ],
    ));
    runs.push(("baseline".into(), vec!["baseline".into()]));
    runs.push((
        "fix --dry-run".into(),
        vec!["fix".into(), "--dry-run".into()],
    ));
    runs.push((
        "fix --dry-run --unsafe".into(),
        vec!["fix".into(), "--dry-run".into(), "--unsafe".into()],
    ));
    for f in ["cyclonedx", "spdx"] {
        runs.push((
            format!("sbom {f}"),
            vec!["sbom".into(), "--format".into(), f.into()],
        ));
    }
    let mut scanned_something = false;
    for (what, args) in &runs {
        let out = run({
            let mut c = harden();
            c.args(args).arg(&root);
            c
        });
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_secret(what, &out.stdout);
        assert_no_secret(&format!("{what} (stderr)"), &out.stderr);
        scanned_something |= String::from_utf8_lossy(&out.stdout).contains("ssh-host-key-disabled");
    }
    assert!(
        scanned_something,
        "the repository triggers the rules it is meant to"
    );
    // -o writes the same bytes.
    let sarif = out_dir.join("r.sarif");
    run({
        let mut c = harden();
        c.args(["scan", "--format", "sarif", "-o"])
            .arg(&sarif)
            .arg(&root);
        c
    });
    assert_no_secret("scan -o sarif", &fs::read(&sarif).unwrap());
    for e in fs::read_dir(&issues).unwrap() {
        let p = e.unwrap().path();
        assert_no_secret(&p.display().to_string(), &fs::read(&p).unwrap());
    }
    // The issue's case: the sshpass password, masked in every finding on those lines.
    let v = json(&run({
        let mut c = harden();
        c.args(["scan", "--format", "json"]).arg(&root);
        c
    }));
    let masked = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["snippet"]
                .as_str()
                .is_some_and(|s| s.contains("sshpass -p 'Tr0u****'"))
        })
        .count();
    assert!(masked >= 3, "{v:#}");
}

// --------------------------------------------- 13.3 fix runs nothing from the repo

#[cfg(unix)]
#[test]
fn fix_runs_nothing_the_repository_configures() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["-c", "user.name=t", "-c", "user.email=t@e"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    write(
        root,
        "scripts/clean.sh",
        "#!/bin/bash\nrm -rf \"$STAGING/\"\n",
    );
    write(root, "data.bin", "payload\n");
    write(root, ".gitattributes", "*.bin filter=evil\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "init", "--no-verify"]);
    // Armed after the commit: any git that reads this config runs the trap.
    let trap = root.join(".trap.sh");
    write(
        root,
        ".trap.sh",
        format!(
            "#!/bin/sh\necho \"$0 $*\" >> '{}'\ncat\n",
            root.join("TRAPPED").display()
        ),
    );
    fs::set_permissions(&trap, fs::Permissions::from_mode(0o755)).unwrap();
    let t = trap.display().to_string();
    git(&["config", "core.fsmonitor", &t]);
    git(&["config", "filter.evil.clean", &t]);
    git(&["config", "diff.external", &t]);
    fs::create_dir_all(root.join(".git/hooks")).unwrap();
    for hook in ["post-index-change", "pre-commit", "post-checkout"] {
        let h = root.join(".git/hooks").join(hook);
        fs::copy(&trap, &h).unwrap();
        fs::set_permissions(&h, fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Make the filtered file stat-dirty, so git status would run its clean filter.
    write(root, "data.bin", "payload\n");
    let out = run({
        let mut c = harden();
        c.arg("fix").arg(root);
        c
    });
    assert!(
        !root.join("TRAPPED").exists(),
        "harden fix ran repository code: {}",
        fs::read_to_string(root.join("TRAPPED")).unwrap_or_default()
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("shell/unsafe-rm"), "{summary}\n{out:?}");
    assert!(fs::read_to_string(root.join("scripts/clean.sh"))
        .unwrap()
        .contains("${STAGING:?}"));
    // The trap is armed: git itself would have run it.
    let _ = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain"])
        .stdin(Stdio::null())
        .output();
    assert!(root.join("TRAPPED").exists(), "the test's trap never fires");
}

#[test]
fn fix_refuses_a_dirty_tree_it_reads_from_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let git = |args: &[&str]| {
        assert!(Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["-c", "user.name=t", "-c", "user.email=t@e"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success());
    };
    git(&["init", "-q"]);
    write(
        root,
        "scripts/clean.sh",
        "#!/bin/bash\nrm -rf \"$STAGING/\"\n",
    );
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "init", "--no-verify"]);
    write(
        root,
        "scripts/clean.sh",
        "#!/bin/bash\nrm -rf \"$STAGE/\"\n",
    );
    let out = run({
        let mut c = harden();
        c.arg("fix").arg(root);
        c
    });
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("uncommitted changes (scripts/clean.sh)"),
        "{err}"
    );
}

// ---------------------------------------------- 13.4, 13.5 YAML and Python limits

#[test]
fn inputs_that_abort_parsers_or_explode_are_diagnostics() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "seq.yml", format!("{}x\n", "- ".repeat(254)));
    let mut deep = String::new();
    for i in 0..253 {
        deep.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
    }
    deep.push_str(&format!("{}v: 1\n", " ".repeat(253)));
    write(root, "deep.yaml", &deep);
    write(root, "docker-compose.yml", alias_bomb());
    let mut py = String::new();
    for i in 0..600 {
        py.push_str(&format!("{}if x:\n", " ".repeat(i)));
    }
    py.push_str(&format!("{}f\"{{x}}\"\n", " ".repeat(600)));
    write(root, "deep.py", &py);
    write(root, "ok.sh", "#!/bin/bash\nrm -rf \"$X/\"\n");
    let out = run({
        let mut c = harden();
        c.args(["scan", "--format", "json"]).arg(root);
        c
    });
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json(&out);
    let diags = v["diagnostics"].to_string();
    for (file, why) in [
        ("seq.yml", "nesting"),
        ("deep.yaml", "nesting"),
        ("docker-compose.yml", "alias"),
        ("deep.py", "indentation"),
    ] {
        assert!(
            v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["path"] == file && d["message"].as_str().unwrap().contains(why)),
            "{file}: {diags}"
        );
    }
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "ok.sh" && f["rule"] == "shell/unsafe-rm"),
        "the rest of the tree is still scanned: {v:#}"
    );
}

/// A 400-byte compose file of nested anchors: 9^8 scalars once expanded.
pub fn alias_bomb() -> String {
    let mut s = String::from("x-a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        s.push_str(&format!("x-{}: &{} [{refs}]\n", w[1], w[1]));
    }
    s.push_str("services:\n  web:\n    image: nginx:1.27\n    x: *h\n");
    s
}

// ------------------------------------------------------------- 13.6 FIFOs hang

#[cfg(unix)]
#[test]
fn fifos_with_names_harden_reads_do_not_hang_any_command() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    for n in [
        "requirements.txt",
        "requirements-dev.txt",
        "package.json",
        "pyproject.toml",
        "Cargo.toml",
        "Cargo.lock",
        ".gitignore",
        ".ignore",
        "sub/.gitignore",
        "Dockerfile",
        "SECURITY.md",
        "CHANGELOG.md",
        ".github/dependabot.yml",
        ".github/workflows/ci.yml",
        "setup.py",
        "go.mod",
        "yarn.lock",
    ] {
        mkfifo(&root.join(n));
    }
    write(root, "sub/run.sh", "#!/bin/bash\nrm -rf \"$X/\"\n");
    for args in [
        vec!["scan"],
        vec!["status"],
        vec!["plan"],
        vec!["baseline"],
        vec!["sbom"],
        vec!["fix", "--dry-run"],
        vec!["fix", "--allow-no-vcs", "--allow-dirty"],
    ] {
        let out = run({
            let mut c = harden();
            c.args(&args).arg(root);
            c
        });
        assert!(
            out.status.code().is_some(),
            "{args:?} did not exit normally: {out:?}"
        );
    }
    // A FIFO named harden.toml is a config error, not a hang.
    mkfifo(&root.join("harden.toml"));
    let out = run({
        let mut c = harden();
        c.arg("scan").arg(root);
        c
    });
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FIFO"));
}

// ------------------------------------------------------- 13.9 unreadable dirs

#[cfg(unix)]
#[test]
fn unreadable_directories_are_counted_and_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("repo");
    write(&root, "ok.sh", "#!/bin/bash\nset -euo pipefail\necho ok\n");
    write(&root, "locked/inner/x.sh", "#!/bin/bash\nrm -rf \"$X/\"\n");
    for d in [tmp.path(), root.as_path()] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    let mut c = harden();
    c.args(["scan", "--format", "json"]).arg(&root);
    if is_root() {
        // Root reads everything: run as nobody to see the directory as others would.
        c.uid(65534).gid(65534);
    }
    let out = run(c);
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    let v = json(&out);
    assert_eq!(v["summary"]["files_skipped"]["unreadable-dir"], 1, "{v:#}");
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["path"] == "locked"
            && d["message"]
                .as_str()
                .unwrap()
                .contains("cannot read directory")));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("could not be listed"), "{err}");
}

// --------------------------------------------------- 13.10 terminal escapes

#[cfg(unix)]
#[test]
fn control_characters_never_reach_the_terminal_raw() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "deploy.sh",
        "#!/bin/bash\nrm -rf \"$X/\" # \x1b]0;pwned\x07\x1b[2J\x1b[1A\r\u{9b}31m hidden\n",
    );
    let name = std::ffi::OsStr::from_bytes(b"evil\x1b[2Jname.sh");
    fs::write(root.join(name), "#!/bin/bash\nrm -rf \"$Y/\"\n").unwrap();
    for format in ["terminal", "markdown", "github"] {
        let out = run({
            let mut c = harden();
            c.args(["scan", "--format", format]).arg(root);
            c
        });
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("rm -r"), "{format}: {text}");
        assert!(
            !text.contains('\x1b') && !text.contains('\u{9b}') && !text.contains('\x07'),
            "{format}: {text:?}"
        );
        assert!(!text.contains('\r'), "{format}: {text:?}");
    }
    let out = run({
        let mut c = harden();
        c.args(["fix", "--dry-run"]).arg(root);
        c
    });
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("${X:?}") && !text.contains('\x1b'),
        "{text:?}"
    );
}

// ------------------------------------------------------------- 13.11 fix

#[cfg(unix)]
#[test]
fn fix_reports_read_only_files_and_counts_only_what_it_wrote() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "a.sh", "#!/bin/bash\nrm -rf \"$A/\"\n");
    write(root, "b.sh", "#!/bin/bash\nrm -rf \"$B/\"\n");
    fs::set_permissions(root.join("b.sh"), fs::Permissions::from_mode(0o444)).unwrap();
    // A temporary file an interrupted run left (its process is long gone).
    write(root, ".a.sh.harden-tmp-4194303", "half");
    let out = run({
        let mut c = harden();
        c.args(["fix", "--allow-no-vcs"]).arg(root);
        c
    });
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    // a.sh (and the SECURITY.md scaffold) are fixed; b.sh is not counted.
    assert!(text.contains("     1  shell/unsafe-rm"), "{text}");
    assert!(text.contains("b.sh: read-only"), "{text}");
    assert!(text.contains("removed 1 temporary file"), "{text}");
    assert!(fs::read_to_string(root.join("a.sh"))
        .unwrap()
        .contains("${A:?}"));
    assert!(fs::read_to_string(root.join("b.sh"))
        .unwrap()
        .contains("\"$B/\""));
    assert!(!root.join(".a.sh.harden-tmp-4194303").exists());
    let left: Vec<String> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("harden-tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ------------------------------------------------- 13.12 non-UTF-8 file names

#[cfg(unix)]
#[test]
fn non_utf8_names_are_reported_faithfully_and_fixed() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("ops")).unwrap();
    let raw = root
        .join("ops")
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.sh"));
    fs::write(&raw, "#!/bin/bash\nrm -rf \"$STAGING/\"\n").unwrap();
    let out = run({
        let mut c = harden();
        c.args(["scan", "--format", "json"]).arg(root);
        c
    });
    let v = json(&out);
    let rm = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "shell/unsafe-rm")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(rm["path"], "ops/caf\\xE9.sh", "{v:#}");
    let sarif = String::from_utf8_lossy(
        &run({
            let mut c = harden();
            c.args(["scan", "--format", "sarif"]).arg(root);
            c
        })
        .stdout,
    )
    .into_owned();
    assert!(sarif.contains("\"uri\": \"ops/caf%E9.sh\""), "{sarif}");
    let out = run({
        let mut c = harden();
        c.args(["fix", "--allow-no-vcs"]).arg(root);
        c
    });
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("     1  shell/unsafe-rm"),
        "{out:?}"
    );
    assert!(fs::read_to_string(&raw).unwrap().contains("${STAGING:?}"));
}

// -------------------------------------------- 13.13 documented config is valid

#[test]
fn every_harden_toml_in_the_docs_is_valid() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![manifest.join("README.md")];
    for e in fs::read_dir(manifest.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            docs.push(p);
        }
    }
    let mut checked = 0;
    for doc in docs {
        let text = fs::read_to_string(&doc).unwrap();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("```toml\n") {
            let body = &rest[i + 8..];
            let end = body.find("```").expect("closed fence");
            let snippet = &body[..end];
            let cfg = harden::config::Config::parse(snippet, &doc.display().to_string())
                .unwrap_or_else(|e| panic!("{}: {e}\n{snippet}", doc.display()));
            harden::plan::settings::from_config(&cfg)
                .unwrap_or_else(|e| panic!("{}: {e}\n{snippet}", doc.display()));
            checked += 1;
            rest = &body[end..];
        }
    }
    assert!(checked >= 3, "found {checked} harden.toml snippets");
}

// ------------------------------------------- every open goes through `files`

#[test]
fn only_the_files_module_opens_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let forbidden = [
        "fs::read(",
        "fs::read_to_string(",
        "File::open(",
        "fs::write(",
        "OpenOptions::new(",
        ".add(repo.root",
        "gitignore::GitignoreBuilder::add(",
    ];
    let mut offenders = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") || p.ends_with("files.rs") {
                continue;
            }
            let text = fs::read_to_string(&p).unwrap();
            // Unit tests may set up fixtures however they like.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (n, line) in code.lines().enumerate() {
                if line.trim_start().starts_with("//") {
                    continue;
                }
                if forbidden.iter().any(|f| line.contains(f)) {
                    offenders.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "open files through harden::files (no links, no FIFOs, bounded):\n{}",
        offenders.join("\n")
    );
}

/// A rule that reports every shell script, then panics while settling its findings.
struct PanickingSettle;

static PANICKING_SETTLE: harden::rules::RuleMeta = harden::rules::RuleMeta {
    id: "shell/missing-strict-mode",
    summary: "test rule",
    severity: harden::finding::Severity::Low,
    docs: "",
};

impl harden::rules::Rule for PanickingSettle {
    fn meta(&self) -> &'static harden::rules::RuleMeta {
        &PANICKING_SETTLE
    }
    fn check_shell(
        &self,
        _script: &harden::parse::shell::ShellScript,
        _cx: &harden::rules::FileCx<'_>,
        out: &mut harden::rules::Sink<'_>,
    ) {
        out.report(0..0, "seen");
    }
    fn settles(&self) -> bool {
        true
    }
    fn settle(&self, _repo: &harden::rules::RepoCx<'_>, own: &mut Vec<harden::finding::Finding>) {
        own.clear();
        panic!("settle failed");
    }
}

#[test]
fn a_rule_that_panics_while_settling_keeps_its_findings_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("deploy.sh"),
        "#!/bin/sh\nrm -rf /tmp/x\necho done\n",
    )
    .expect("write");
    let rules: Vec<Box<dyn harden::rules::Rule>> = vec![Box::new(PanickingSettle)];
    let report = common::scan_with(dir.path(), &rules);
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.message.contains("settling its findings")));
}
