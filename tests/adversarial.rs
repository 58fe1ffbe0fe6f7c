//! Issue 13 harness: a tree built to break scanners. FIFOs with every name harden
//! reads, symlink loops and escapes, a device node, alias bombs, deep nesting of every
//! parser's kind, quadratic shapes, an unreadable directory, non-UTF-8 names and 100k
//! files. Every file must be accounted for, every output valid, the process must
//! finish (a hang guard, not a speed test) and stay under 200 MB of resident memory.

mod common;
use common::write;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const HANG_GUARD: Duration = Duration::from_secs(300);
const PEAK_RSS_LIMIT_KB: u64 = 200 * 1024;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Peak resident set of a running process (Linux), 0 elsewhere.
fn vm_hwm_kb(pid: u32) -> u64 {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    peak_kb: u64,
}

/// Runs harden (as nobody when root, so permissions mean something), polling its peak
/// memory while it runs and killing it past the hang guard.
fn run(args: &[&str], root: &Path) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_harden"));
    cmd.args(args)
        .arg(root)
        .env("NO_COLOR", "1")
        .env("HARDEN_NO_PROGRESS", "1");
    #[cfg(unix)]
    if is_root() {
        use std::os::unix::process::CommandExt;
        cmd.uid(65534).gid(65534);
    }
    let mut peak = 0;
    let out = common::run_guarded(cmd, HANG_GUARD, |pid| peak = peak.max(vm_hwm_kb(pid)));
    Run {
        code: out.status.code(),
        stdout: out.stdout,
        stderr: out.stderr,
        peak_kb: peak,
    }
}

/// Builds the tree; returns the number of non-directory entries the scan should see.
#[cfg(unix)]
fn build(root: &Path) -> usize {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::symlink;
    let written = std::cell::Cell::new(0usize);
    let file = |rel: &str, content: &[u8]| {
        write(root, rel, content);
        written.set(written.get() + 1);
    };
    let mut entries = 0usize;
    // Deep nesting of every parser's kind.
    file(
        "hostile/nest/seq.yml",
        format!("{}x\n", "- ".repeat(254)).as_bytes(),
    );
    let mut deep = String::new();
    for i in 0..253 {
        deep.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
    }
    file("hostile/nest/map.yaml", deep.as_bytes());
    file(
        "hostile/nest/flow.yaml",
        format!("a: {}{}\n", "[".repeat(50_000), "]".repeat(50_000)).as_bytes(),
    );
    let mut py = String::new();
    for i in 0..600 {
        py.push_str(&format!("{}if x:\n", " ".repeat(i)));
    }
    py.push_str(&format!("{}f\"{{x}}\"\n", " ".repeat(600)));
    file("hostile/nest/deep.py", py.as_bytes());
    file(
        "hostile/nest/expr.py",
        format!("x = {}1\n", "1 + ".repeat(20_000)).as_bytes(),
    );
    file(
        "hostile/nest/parens.py",
        format!("x = {}1{}\n", "(".repeat(5_000), ")".repeat(5_000)).as_bytes(),
    );
    let mut ifs = String::from("#!/bin/bash\n");
    for _ in 0..3000 {
        ifs.push_str("if [ -n \"$(echo $(true))\" ]; then\n");
    }
    ifs.push_str("rm -rf \"$X/\"\n");
    for _ in 0..3000 {
        ifs.push_str("fi\n");
    }
    file("hostile/nest/deep_if.sh", ifs.as_bytes());
    file(
        "nest/deep_sub.sh",
        format!(
            "#!/bin/bash\nx={}hi{}\n",
            "$(echo ".repeat(3000),
            ")".repeat(3000)
        )
        .as_bytes(),
    );
    file(
        "nest/Dockerfile",
        format!(
            "FROM alpine:3.19\nRUN {}true{}\n",
            "(".repeat(5000),
            ")".repeat(5000)
        )
        .as_bytes(),
    );
    file(
        "hostile/nest/deep.json",
        format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes(),
    );
    file(
        "nest/long-line.yml",
        format!("{}a: 1\n", " ".repeat(40_000)).as_bytes(),
    );
    // Quadratic shapes.
    let pins: String = (0..8000).map(|i| format!("pkg{}>=1.0\n", i % 3)).collect();
    file("hostile/reqs/requirements.txt", pins.as_bytes());
    file("hostile/reqs/requirements-dev.txt", b"pkg0<0.5\n");
    // Alias bombs, plain and merged.
    let mut bomb =
        String::from("x-a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    for w in ["a", "b", "c", "d", "e", "f", "g", "h"].windows(2) {
        bomb.push_str(&format!(
            "x-{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 9].join(",")
        ));
    }
    bomb.push_str("services:\n  web:\n    image: nginx:1.27\n    x: *h\n");
    file("hostile/bomb/docker-compose.yml", bomb.as_bytes());
    let mut merge = String::from("x-0: &m0 {k: v}\n");
    for i in 1..30 {
        merge.push_str(&format!(
            "x-{i}: &m{i} {{<<: [*m{}, *m{}], k{i}: v}}\n",
            i - 1,
            i - 1
        ));
    }
    file(
        "hostile/bomb/k8s.yaml",
        format!("apiVersion: v1\nkind: ConfigMap\n{merge}data: *m29\n").as_bytes(),
    );
    // Non-UTF-8 and control-character names.
    for raw in [
        &b"hostile/names/caf\xe9.sh"[..],
        b"hostile/names/\xff\xfe.yml",
        b"hostile/names/back\\slash.py",
        b"hostile/names/esc\x1b[2J.md",
    ] {
        let p = root.join(std::ffi::OsStr::from_bytes(raw));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, "#!/bin/bash\nrm -rf \"$X/\"\n").unwrap();
        entries += 1;
    }
    // FIFOs with every name harden reads by name.
    for n in [
        "requirements.txt",
        "requirements-prod.txt",
        "constraints.txt",
        "package.json",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "pyproject.toml",
        "poetry.lock",
        "uv.lock",
        "Pipfile",
        "Pipfile.lock",
        "Cargo.toml",
        "Cargo.lock",
        "go.mod",
        "go.sum",
        "Gemfile.lock",
        "composer.json",
        "composer.lock",
        ".gitignore",
        ".ignore",
        ".dockerignore",
        "Dockerfile",
        "docker-compose.yml",
        "SECURITY.md",
        "CHANGELOG.md",
        "README.md",
        "setup.py",
        "setup.cfg",
        "kustomization.yaml",
        "x.sh",
        "x.py",
        ".github/dependabot.yml",
        ".github/workflows/ci.yml",
        ".pre-commit-config.yaml",
    ] {
        let p = root.join("hostile/fifo").join(n);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        assert!(Command::new("mkfifo").arg(&p).status().unwrap().success());
        entries += 1;
    }
    // Symlink loops and escapes (never followed).
    fs::create_dir_all(root.join("hostile/links")).unwrap();
    for (name, target) in [
        ("loop_a", "loop_b"),
        ("loop_b", "loop_a"),
        ("self", "self"),
        ("up", ".."),
        ("root", "/"),
        ("passwd.yml", "/etc/passwd"),
        ("package.json", "/dev/zero"),
        (".gitignore", "/dev/zero"),
        ("requirements.txt", "/dev/urandom"),
    ] {
        symlink(target, root.join("hostile/links").join(name)).unwrap();
        entries += 1;
    }
    symlink("/dev/zero", root.join("hostile/.ignore")).unwrap();
    entries += 1;
    // A device node, where the machine lets us make one.
    if Command::new("mknod")
        .arg(root.join("hostile/links/null"))
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success())
    {
        entries += 1;
    }
    // An unreadable directory (its contents are not counted: they cannot be seen).
    write(
        root,
        "hostile/locked/inner/secret.sh",
        "#!/bin/bash\nrm -rf \"$X/\"\n",
    );
    // 100k files: mostly kinds no rule reads, some text, some with findings.
    for d in 0..100 {
        for f in 0..1000 {
            let rel = match f % 100 {
                0 => format!("bulk/d{d:02}/s{f:03}.sh"),
                1..=9 => format!("bulk/d{d:02}/t{f:03}.txt"),
                _ => format!("bulk/d{d:02}/i{f:03}.png"),
            };
            let content: &[u8] = if f % 100 == 0 {
                b"#!/bin/bash\ncurl -s https://get.example.com | sh\nrm -rf \"$X/\"\n"
            } else {
                b"x"
            };
            file(&rel, content);
        }
    }
    entries + written.get()
}

#[cfg(unix)]
#[test]
fn adversarial_tree_is_accounted_for_valid_and_bounded() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    fs::create_dir_all(&root).unwrap();
    let expected = build(&root);
    for d in [tmp.path(), root.as_path()] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(
        root.join("hostile/locked"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();

    let json = run(&["scan", "--format", "json"], &root);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&json.stderr)
        )
    });
    assert!(matches!(json.code, Some(0 | 1)), "exit {:?}", json.code);
    let summary = &v["summary"];
    let privileged_view = !is_root() && fs::read_dir(root.join("hostile/locked")).is_ok();
    if !privileged_view {
        assert_eq!(summary["files_skipped"]["unreadable-dir"], 1, "{summary}");
    }
    assert_eq!(
        summary["files_seen"].as_u64(),
        Some(expected as u64),
        "every file accounted for: {summary}"
    );
    let skipped: u64 = summary["files_skipped"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "unreadable-dir")
        .map(|(_, n)| n.as_u64().unwrap())
        .sum();
    assert!(summary["files_scanned"].as_u64().unwrap() + skipped <= expected as u64);
    let diags = v["diagnostics"].to_string();
    for path in [
        "hostile/nest/seq.yml",
        "hostile/nest/map.yaml",
        "hostile/nest/deep.py",
        "hostile/bomb/docker-compose.yml",
    ] {
        assert!(diags.contains(path), "{path} has a diagnostic: {diags}");
    }
    // Validated against the published contract.
    let schema: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schemas/scan-output.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options().build(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| e.to_string())
        .take(5)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        json.peak_kb < PEAK_RSS_LIMIT_KB,
        "scan --format json peaked at {} MB",
        json.peak_kb / 1024
    );

    let sarif = run(&["scan", "--format", "sarif"], &root);
    let s: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("valid SARIF JSON");
    assert_eq!(
        s["runs"][0]["results"].as_array().map(Vec::len),
        v["findings"].as_array().map(Vec::len)
    );
    assert!(
        sarif.peak_kb < PEAK_RSS_LIMIT_KB,
        "scan --format sarif peaked at {} MB",
        sarif.peak_kb / 1024
    );
    // The other commands share the walk and the rules: they run on the hostile part
    // alone (the 100k plain files cost minutes per command and test nothing new there).
    let hostile = root.join("hostile");
    for args in [
        &["status"][..],
        &["plan", "--format", "json"],
        &["sbom"],
        &["fix", "--dry-run"],
    ] {
        let r = run(args, &hostile);
        assert!(
            matches!(r.code, Some(0..=2)),
            "{args:?}: {:?} {}",
            r.code,
            String::from_utf8_lossy(&r.stderr)
        );
        assert!(
            r.peak_kb < PEAK_RSS_LIMIT_KB,
            "{args:?} peaked at {} MB",
            r.peak_kb / 1024
        );
    }
    fs::set_permissions(
        root.join("hostile/locked"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
}

/// A `.git/index` that is garbage, claims four billion entries, is a FIFO or a link to
/// `/dev/zero`: the walk reads it (a `dist/` ignore rule makes tracked files matter)
/// without blocking or allocating what it claims, says so in a diagnostic, and the
/// scan and the SBOM go on with everything else.
#[cfg(unix)]
#[test]
fn hostile_git_index_is_a_diagnostic_and_the_scan_goes_on() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let mut huge = b"DIRC\0\0\0\x02\xff\xff\xff\xff".to_vec();
    huge.extend(std::iter::repeat_n(0u8, 200));
    let cases: [(&str, Option<Vec<u8>>); 4] = [
        ("garbage", Some(b"not an index at all\n".to_vec())),
        ("count-beyond-size", Some(huge)),
        ("fifo", None),
        ("dev-zero", None),
    ];
    for (name, bytes) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        write(&root, ".gitignore", "dist/\n");
        write(&root, "dist/bundle.js", "console.log(1)\n");
        write(&root, "requirements.txt", "requests==2.31.0\n");
        write(&root, ".git/HEAD", "ref: refs/heads/main\n");
        let index = root.join(".git/index");
        match (name, bytes) {
            (_, Some(b)) => fs::write(&index, b).unwrap(),
            ("fifo", None) => {
                let ok = Command::new("mkfifo").arg(&index).status().unwrap();
                assert!(ok.success());
            }
            _ => symlink("/dev/zero", &index).unwrap(),
        }
        for d in [tmp.path(), root.as_path()] {
            fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let scan = run(&["scan", "--format", "json"], &root);
        assert!(
            matches!(scan.code, Some(0 | 1)),
            "{name}: exit {:?}",
            scan.code
        );
        let v: serde_json::Value = serde_json::from_slice(&scan.stdout)
            .unwrap_or_else(|e| panic!("{name}: invalid JSON ({e})"));
        assert!(
            v["diagnostics"]
                .to_string()
                .contains("git index could not be read"),
            "{name}: {}",
            v["diagnostics"]
        );
        assert_eq!(v["summary"]["files_scanned"], 2, "{name}: {}", v["summary"]);
        assert_eq!(v["summary"]["ignored"]["ignored"], 1, "{name}");
        let sbom = run(&["sbom"], &root);
        assert_eq!(
            sbom.code,
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&sbom.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&sbom.stdout).unwrap();
        assert!(
            doc.to_string().contains("pkg:pypi/requests@2.31.0"),
            "{name}: the SBOM goes on"
        );
        assert!(
            String::from_utf8_lossy(&sbom.stderr).contains("git index could not be read"),
            "{name}: {}",
            String::from_utf8_lossy(&sbom.stderr)
        );
    }
}
