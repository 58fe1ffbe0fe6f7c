//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use harden::config::Config;
use harden::engine::{self, ScanOptions, ScanReport};
use harden::rules::Rule;

/// The directory holding test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Scans `root` with the given rules and default config.
pub fn scan_with(root: &Path, rules: &[Box<dyn Rule>]) -> ScanReport {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        config: Config::default(),
        threads: 2,
        scope: Default::default(),
        plan_facts: true,
    };
    engine::scan_with(&opts, rules)
}

/// Scans `root` with the given rules and its own harden.toml (defaults when absent).
pub fn scan_with_own_config(root: &Path, rules: &[Box<dyn Rule>]) -> ScanReport {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        config: Config::load(root, None).expect("fixture config loads"),
        threads: 2,
        scope: Default::default(),
        plan_facts: true,
    };
    engine::scan_with(&opts, rules)
}

/// Scans `root` with every rule and its own harden.toml.
pub fn scan_all(root: &Path) -> ScanReport {
    let opts = ScanOptions {
        root: root.to_path_buf(),
        config: Config::load(root, None).expect("fixture config loads"),
        threads: 2,
        scope: Default::default(),
        plan_facts: true,
    };
    engine::scan(&opts)
}

/// One line per finding, stable for snapshots.
pub fn render_findings(report: &ScanReport) -> String {
    let mut s = String::new();
    for f in &report.findings {
        s.push_str(&format!(
            "{}:{}:{} {} {} {}\n",
            f.path, f.region.start.line, f.region.start.column, f.severity, f.rule, f.message
        ));
        for r in &f.related {
            s.push_str(&format!(
                "    also {}:{} {}\n",
                r.path, r.region.start.line, r.message
            ));
        }
    }
    s
}

/// Serves a schema's `$ref`s (CycloneDX's spdx.schema.json, jsf-0.82.schema.json) from
/// the local copies under tests/data/schemas, by file name: validation needs no network.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let s = uri.as_str();
        let name = s.rsplit('/').next().unwrap_or(s);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/schemas");
        for path in [dir.join(name), dir.join("cyclonedx").join(name)] {
            if path.is_file() {
                let text = std::fs::read_to_string(&path)?;
                return Ok(serde_json::from_str(&text)?);
            }
        }
        Err(format!("no local copy of {s}").into())
    }
}

/// A validator for one of the published schemas copied under tests/data/schemas
/// (`github-workflow.schema.json`, `cyclonedx/bom-1.6.schema.json`…), formats checked.
pub fn published_schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/schemas")
        .join(name);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema copy")).expect("JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(LocalSchemas)
        .build(&schema)
        .expect("schema compiles")
}

/// Converts parsed YAML to JSON for schema validation (plain scalars typed as YAML 1.2 core).
pub fn yaml_to_json(node: &harden::parse::yaml::YamlNode) -> serde_json::Value {
    use harden::parse::yaml::{ScalarStyle, YamlValue};
    use serde_json::Value;
    match &node.value {
        YamlValue::Map(pairs) => Value::Object(
            pairs
                .iter()
                .map(|p| (p.key.clone(), yaml_to_json(&p.value)))
                .collect(),
        ),
        YamlValue::Seq(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        YamlValue::Null => Value::Null,
        YamlValue::Scalar(s) => {
            let t = s.as_str();
            if s.style == ScalarStyle::Plain {
                if let Ok(i) = t.parse::<i64>() {
                    return Value::from(i);
                }
                match t {
                    "true" => return Value::Bool(true),
                    "false" => return Value::Bool(false),
                    "null" | "~" => return Value::Null,
                    _ => {}
                }
            }
            Value::String(t.to_string())
        }
    }
}

/// Runs `cmd` with stdin closed and its output collected, calling `tick(pid)` every few
/// milliseconds while it runs (to sample its memory, say); kills it and fails the test
/// when it outlives `guard`, so a hang is a failure and never a stuck CI job.
pub fn run_guarded(
    mut cmd: std::process::Command,
    guard: std::time::Duration,
    mut tick: impl FnMut(u32),
) -> std::process::Output {
    use std::io::Read;
    use std::process::Stdio;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("harden starts");
    let pid = child.id();
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let start = std::time::Instant::now();
    let status = loop {
        tick(pid);
        if let Some(s) = child.try_wait().expect("wait for harden") {
            break s;
        }
        if start.elapsed() > guard {
            let _ = child.kill();
            let _ = child.wait();
            panic!("harden hung: {cmd:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    std::process::Output {
        status,
        stdout: t_out.join().expect("stdout reader"),
        stderr: t_err.join().expect("stderr reader"),
    }
}

/// A copy of fixture repository `src` in a temporary directory. A fixture stands for
/// a repository of its own, but under `tests/fixtures/` it sits inside this
/// repository's work tree, where `harden scan` takes it for a subdirectory (and
/// leaves out what only a whole repository can show): the copy is the repository.
pub fn standalone(src: &Path) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("create");
        for e in std::fs::read_dir(from).expect("read fixture") {
            let e = e.expect("entry");
            let dest = to.join(e.file_name());
            let ft = e.file_type().expect("type");
            if ft.is_dir() {
                copy(&e.path(), &dest);
            } else if ft.is_file() {
                std::fs::copy(e.path(), &dest).expect("copy");
            }
        }
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    copy(src, tmp.path());
    tmp
}

/// The harden binary, without colour.
pub fn harden() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("harden").expect("binary builds");
    c.env("NO_COLOR", "1");
    c
}

/// Writes `content` at `root/rel`, creating directories.
pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(p, content).unwrap();
}

/// Runs git in `dir`, with no system or user configuration (tests build repositories
/// with it; harden itself never runs git).
pub fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
