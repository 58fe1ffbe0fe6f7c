//! Issue 13 harness: a deterministic mutation fuzzer in the test suite (cargo-fuzz
//! needs nightly and a CI job of its own; this runs wherever `cargo test` does).
//!
//! Seeds are the fixture repositories' files and the committed corpus
//! (`tests/fuzz/corpus/<target>/`, inputs that once crashed, hung or exploded).
//! Mutants (byte flips, tokens each parser cares about, deletions, duplicated runs,
//! splices between seeds, deepened nesting) go to one target per parser and to each
//! command's whole pipeline (scan and every renderer, status, plan, fix --dry-run,
//! SBOM). A panic, a case that outlives its time limit or a process that grows past
//! its memory cap fails the test; an abort fails it by killing the test binary. The
//! failing input is saved under `target/fuzz-failures/` to be added to the corpus.
//!
//! Bounded and deterministic: a fixed number of mutants per test from a fixed seed
//! (`HARDEN_FUZZ_MUTANTS` scales it, `HARDEN_FUZZ_SEED` changes the stream), so CI
//! runs the same inputs every time in a few seconds. For a longer exploratory run,
//! `HARDEN_FUZZ_SECS` switches to as many mutants as fit in that time (bench/fuzz.sh).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use harden::config::Config;
use harden::engine::{self, ScanOptions};
use harden::mapped::MappedText;
use harden::output::{self, Format};
use harden::parse::shell::{ShellOrigin, ShellScript};

/// One case may take this long (debug build, loaded machine) before it counts as a hang.
const CASE_LIMIT: Duration = Duration::from_secs(30);
/// Resident memory past this fails the run.
const RSS_CAP_KB: u64 = 1536 * 1024;

/// A small, fast, deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "- ",
    ": ",
    "? ",
    "&a ",
    "*a",
    "<<: *a",
    "[",
    "]",
    "{",
    "}",
    ",",
    "$(",
    ")",
    "${",
    "}",
    "`",
    "if x; then\n",
    "fi\n",
    "<<EOF\n",
    "EOF\n",
    "\"\"\"",
    "'''",
    "\\\n",
    "\r\n",
    "\n",
    "\u{feff}",
    "\u{202e}",
    "\x1b[2J",
    "\0",
    "---\n",
    "...\n",
    "|\n",
    ">-\n",
    "!!binary ",
    "%YAML 1.2\n",
    "RUN ",
    "FROM ",
    "COPY . .\n",
    "\t",
    "    ",
    "#",
    "==",
    ">=",
    "~=",
    " ; ",
    "@ ",
    "-r ",
    "f\"{",
    "lambda: ",
    "try:\n",
    "except:\n",
    "def f():\n",
    "password = \"",
    "ghp_4Hk2sLq9ZxW8vRt1mNp6Yb3Cd7Fg0JhKe5Ui",
    "postgres://u:p4ssw0rd9@h/db",
    "\u{e9}",
    "\"",
    "'",
    "\\",
    "%",
    "&",
    "|",
    "*",
    "!",
    "\u{1F600}",
    "uses: ",
    "run: |\n",
    "image: ",
];

fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] = TOKENS[rng.below(TOKENS.len())]
                    .as_bytes()
                    .first()
                    .copied()
                    .unwrap_or(0)
                    ^ (rng.below(2) as u8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let at = rng.below(len + 1);
                data.splice(at..at, t.iter().copied());
            }
            2 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                data.drain(a..b);
            }
            3 if len > 0 => {
                // A run repeated: duplicated lines, deep nesting, quadratic shapes.
                let a = rng.below(len);
                let b = (a + 1 + rng.below(48)).min(len);
                let chunk = data[a..b].to_vec();
                let cap = if rng.below(8) == 0 { 2000 } else { 32 };
                let times = 1 + rng.below(cap);
                let mut rep = Vec::with_capacity(chunk.len() * times);
                for _ in 0..times {
                    rep.extend_from_slice(&chunk);
                }
                data.splice(a..a, rep);
            }
            4 if !seeds.is_empty() => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let a = rng.below(other.len());
                    let b = (a + 1 + rng.below(256)).min(other.len());
                    let at = rng.below(len + 1);
                    data.splice(at..at, other[a..b].iter().copied());
                }
            }
            5 => {
                // A line repeated with growing indentation.
                let line = TOKENS[rng.below(TOKENS.len())];
                let cap = if rng.below(4) == 0 { 400 } else { 40 };
                let depth = 1 + rng.below(cap);
                let mut s = String::new();
                for d in 0..depth {
                    s.push_str(&" ".repeat(d));
                    s.push_str(line.trim_end_matches('\n'));
                    s.push_str("k:\n");
                }
                let at = rng.below(len + 1);
                data.splice(at..at, s.into_bytes());
            }
            6 if len > 1 => data.truncate(rng.below(len)),
            _ => {
                let t = TOKENS[rng.below(TOKENS.len())];
                data.extend_from_slice(t.as_bytes());
            }
        }
    }
    data.truncate(1 << 20);
    data
}

type Target = fn(&str, &[u8]);

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn t_yaml(_: &str, b: &[u8]) {
    let t = text(b);
    let y = harden::parse::yaml::parse(&t);
    for d in &y.documents {
        if let Some(r) = &d.root {
            let _ = harden::embed::k8s_commands(r);
        }
    }
    let _ = harden::embed::workflow_runs(&y);
    let _ = harden::embed::compose_commands(&y);
}

fn t_dockerfile(_: &str, b: &[u8]) {
    let df = harden::parse::dockerfile::parse(&text(b));
    for run in harden::embed::dockerfile_runs(&df) {
        for s in &run.scripts {
            let _ = s.commands().len();
        }
    }
}

fn t_shell(_: &str, b: &[u8]) {
    let t = text(b);
    if let Some(s) = ShellScript::parse(MappedText::verbatim(&t, 0), ShellOrigin::Script) {
        for c in s.commands() {
            let _ = c.arg_values(&s);
        }
        let _ = harden::parse::shell::StrictMode::of(&s);
    }
}

fn t_python(_: &str, b: &[u8]) {
    let _ = harden::parse::python::PythonTree::parse(&text(b)).map(|p| p.root().has_error());
}

fn t_requirements(_: &str, b: &[u8]) {
    let t = text(b);
    let f = harden::parse::requirements::parse_requirements(&t);
    for r in f.requirements() {
        let s = harden::parse::requirements::SpecifierSet::parse(&r.specifier);
        let _ = s.intersects(&s);
    }
    let _ = harden::parse::requirements::parse_pyproject(&t);
}

fn t_lockfiles(name: &str, b: &[u8]) {
    let t = text(b);
    let _ = harden::sbom::npm::parse(name, &t, None);
    let _ = harden::sbom::yarn::parse(name, &t, None);
    let _ = harden::sbom::pnpm::parse(name, &t);
    let _ = harden::sbom::cargo_lock::parse(name, &t, None);
    let _ = harden::sbom::poetry::parse(name, &t, None);
    let _ = harden::sbom::uv::parse(name, &t);
    let _ = harden::sbom::pipfile::parse(name, &t);
    let _ = harden::sbom::gomod::parse(name, &t);
    let _ = harden::sbom::gemfile::parse(name, &t);
    let _ = harden::sbom::composer::parse(name, &t, None);
    let _ = harden::sbom::requirements::parse(name, &t);
    let _ = harden::sbom::maven::parse(Path::new("/nonexistent"), name, &t);
    let _ = harden::sbom::gradle::parse(name, &t);
    let _ = harden::sbom::actions::parse(name, &t, false);
    let _ = harden::sbom::actions::parse(name, &t, true);
    let _ = harden::sbom::containers::dockerfile(name, &t);
    let _ = harden::sbom::containers::compose(name, &t);
    let _ = harden::sbom::containers::kubernetes(name, &t);
}

/// The git index reader: a hostile `.git/index` is an error, never a panic, a hang
/// or an allocation its header asks for.
fn t_git_index(_: &str, b: &[u8]) {
    let _ = harden::parse::git_index::parse(b);
}

fn t_config(_: &str, b: &[u8]) {
    let t = text(b);
    if let Ok(cfg) = Config::parse(&t, "harden.toml") {
        let _ = harden::plan::settings::from_config(&cfg);
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&t) {
        let _ = harden::osv::parse_record(&v);
    }
}

/// The whole pipeline of every command on a repository holding the mutant under its
/// seed's name (plus a few ordinary files, so cross-file rules have company).
fn t_pipeline(name: &str, b: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let rel = Path::new(name);
    if let Some(d) = rel.parent() {
        std::fs::create_dir_all(root.join(d)).unwrap();
    }
    std::fs::write(root.join(rel), b).unwrap();
    std::fs::write(root.join("requirements-extra.txt"), "requests==2.0.0\n").unwrap();
    let config = Config::default();
    let opts = ScanOptions {
        root: root.to_path_buf(),
        config: config.clone(),
        threads: 1,
        scope: Default::default(),
        plan_facts: true,
    };
    let report = engine::scan(&opts);
    for f in [
        Format::Terminal,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
        Format::Html,
    ] {
        let mut out = Vec::new();
        output::render(f, &report, true, &mut out).unwrap();
        if matches!(f, Format::Json | Format::Sarif) {
            serde_json::from_slice::<serde_json::Value>(&out).expect("valid JSON");
        }
    }
    let status = harden::status::assess(root, &report, &config);
    let mut out = Vec::new();
    harden::status::render::json(&status, &mut out).unwrap();
    let plan = harden::plan::build_plan(&report, &harden::plan::model::PlanOptions::default());
    harden::plan::render_md::render(&plan, &mut Vec::new()).unwrap();
    harden::plan::render_json::render(&plan, &mut Vec::new()).unwrap();
    let fix = harden::fix::fix_repository(
        root,
        &config,
        &harden::fix::FixOptions {
            dry_run: true,
            include_unsafe: true,
            rules: Vec::new(),
        },
    );
    drop(fix);
    let (lockfiles, _) = harden::sbom::collect(root, &config);
    let sbom = harden::sbom::Sbom::build(root, &lockfiles);
    let _ = harden::sbom::cyclonedx::render(&sbom, 0, true);
    let _ = harden::sbom::spdx::render(&sbom, 0, true);
}

/// Which parser targets a seed feeds, by its file name.
fn targets_for(name: &str) -> Vec<(&'static str, Target)> {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower).to_string();
    let mut t: Vec<(&'static str, Target)> = Vec::new();
    if base.ends_with(".yml") || base.ends_with(".yaml") {
        t.push(("yaml", t_yaml));
    }
    if base.contains("dockerfile") || base.ends_with(".dockerfile") {
        t.push(("dockerfile", t_dockerfile));
    }
    if base.ends_with(".sh") || base.ends_with(".bash") {
        t.push(("shell", t_shell));
    }
    if base.ends_with(".py") {
        t.push(("python", t_python));
    }
    if base.contains("requirements") || base == "pyproject.toml" || base.ends_with(".txt") {
        t.push(("requirements", t_requirements));
    }
    if base.ends_with(".lock")
        || base.ends_with("lock.json")
        || base.ends_with("lock.yaml")
        || base == "go.mod"
        || base == "pipfile.lock"
        || base == "pom.xml"
        || base == "gradle.lockfile"
    {
        t.push(("lockfiles", t_lockfiles));
    }
    if base.ends_with(".toml") || base.ends_with(".json") {
        t.push(("config", t_config));
    }
    t
}

fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>, base: &Path) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.is_dir() {
            collect(&p, out, base);
        } else if meta.is_file() && meta.len() < 256 * 1024 {
            if let (Ok(rel), Ok(bytes)) = (p.strip_prefix(base), std::fs::read(&p)) {
                out.push((rel.to_string_lossy().replace('\\', "/"), bytes));
            }
        }
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn save_failure(target: &str, name: &str, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let mut h = harden::finding::Fnv64::default();
    h.write(input);
    let base = name.rsplit('/').next().unwrap_or(name);
    let p = dir.join(format!("{target}-{:016x}-{base}", h.finish()));
    let _ = std::fs::write(&p, input);
    p
}

struct Case {
    target: &'static str,
    name: String,
    input: Vec<u8>,
    run: Target,
}

/// The case in progress: when it started, its target, seed name and input.
type Running = (Instant, &'static str, String, Vec<u8>);

/// Runs cases on a worker thread while this one watches the clock and the memory.
fn drive(cases: impl Iterator<Item = Case> + Send + 'static, budget: Duration) -> usize {
    let current: Arc<Mutex<Option<Running>>> = Arc::new(Mutex::new(None));
    let done = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let failure: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let worker = {
        let (current, done, count, failure) = (
            current.clone(),
            done.clone(),
            count.clone(),
            failure.clone(),
        );
        std::thread::Builder::new()
            .name("fuzz-worker".into())
            .stack_size(8 << 20)
            .spawn(move || {
                let start = Instant::now();
                for case in cases {
                    if start.elapsed() > budget {
                        break;
                    }
                    *current.lock().unwrap() = Some((
                        Instant::now(),
                        case.target,
                        case.name.clone(),
                        case.input.clone(),
                    ));
                    let ok = catch_unwind(AssertUnwindSafe(|| {
                        let _budget = harden::budget::start(Duration::from_secs(10));
                        (case.run)(&case.name, &case.input)
                    }));
                    if ok.is_err() {
                        let p = save_failure(case.target, &case.name, &case.input);
                        *failure.lock().unwrap() = Some(format!(
                            "{} panicked on a mutant of {} (saved to {})",
                            case.target,
                            case.name,
                            p.display()
                        ));
                        break;
                    }
                    count.fetch_add(1, Ordering::Relaxed);
                }
                done.store(true, Ordering::Relaxed);
            })
            .unwrap()
    };
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
        let guard = current.lock().unwrap();
        if let Some((since, target, name, input)) = guard.as_ref() {
            if since.elapsed() > CASE_LIMIT {
                let p = save_failure(target, name, input);
                panic!(
                    "{target} hung (over {CASE_LIMIT:?}) on a mutant of {name} (saved to {})",
                    p.display()
                );
            }
            let rss = rss_kb();
            if rss > RSS_CAP_KB {
                let p = save_failure(target, name, input);
                panic!(
                    "{target} grew to {} MB on a mutant of {name} (saved to {})",
                    rss / 1024,
                    p.display()
                );
            }
        }
    }
    let _ = worker.join();
    if let Some(f) = failure.lock().unwrap().take() {
        panic!("{f}");
    }
    count.load(Ordering::Relaxed) as usize
}

fn seeds() -> Vec<(String, Vec<u8>)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let fixtures = manifest.join("tests/fixtures");
    collect(&fixtures, &mut out, &fixtures);
    out
}

/// The committed corpus: `tests/fuzz/corpus/<target>/<file name>`.
fn corpus() -> Vec<(String, String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus");
    let mut out = Vec::new();
    let mut files = Vec::new();
    collect(&dir, &mut files, &dir);
    for (rel, bytes) in files {
        if let Some((target, name)) = rel.split_once('/') {
            out.push((target.to_string(), name.to_string(), bytes));
        }
    }
    out
}

/// How many mutants a test runs, and for how long at most: `default` mutants from
/// the fixed seed (times `HARDEN_FUZZ_MUTANTS / 100` when set, a percentage), or, with
/// `HARDEN_FUZZ_SECS`, as many as fit in that many seconds.
fn quota(default: usize) -> (usize, Duration) {
    let env = |k: &str| std::env::var(k).ok().and_then(|s| s.parse::<u64>().ok());
    match env("HARDEN_FUZZ_SECS") {
        Some(secs) => (usize::MAX, Duration::from_secs(secs)),
        None => {
            let pct = env("HARDEN_FUZZ_MUTANTS").unwrap_or(100) as usize;
            (default * pct / 100, Duration::from_secs(3600))
        }
    }
}

fn seed() -> u64 {
    std::env::var("HARDEN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_1313)
}

fn target_by_name(name: &str) -> Option<Target> {
    let all: [(&str, Target); 9] = [
        ("yaml", t_yaml),
        ("dockerfile", t_dockerfile),
        ("shell", t_shell),
        ("python", t_python),
        ("requirements", t_requirements),
        ("lockfiles", t_lockfiles),
        ("config", t_config),
        ("pipeline", t_pipeline),
        ("git_index", t_git_index),
    ];
    all.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[test]
fn corpus_inputs_never_crash_hang_or_explode() {
    let cases: Vec<Case> = corpus()
        .into_iter()
        .filter_map(|(target, name, input)| {
            let run = target_by_name(&target)?;
            let target: &'static str = Box::leak(target.into_boxed_str());
            Some(Case {
                target,
                name,
                input,
                run,
            })
        })
        .collect();
    let n = cases.len();
    assert!(n >= 8, "the committed corpus is there ({n} inputs)");
    let ran = drive(cases.into_iter(), Duration::from_secs(3600));
    assert_eq!(ran, n);
}

#[test]
fn parsers_survive_mutants_of_every_fixture() {
    let seeds = seeds();
    let bytes: Vec<Vec<u8>> = seeds.iter().map(|s| s.1.clone()).collect();
    let mut routed: BTreeMap<&'static str, Vec<usize>> = BTreeMap::new();
    let mut runs: BTreeMap<&'static str, Target> = BTreeMap::new();
    for (i, (name, _)) in seeds.iter().enumerate() {
        for (t, f) in targets_for(name) {
            routed.entry(t).or_default().push(i);
            runs.insert(t, f);
        }
    }
    assert!(
        routed.len() >= 6,
        "every parser has seeds: {:?}",
        routed.keys()
    );
    let mut rng = Rng(seed());
    let targets: Vec<(&'static str, Target, Vec<usize>)> = routed
        .into_iter()
        .map(|(t, idx)| (t, runs[t], idx))
        .collect();
    let names: Vec<String> = seeds.iter().map(|s| s.0.clone()).collect();
    let cases = std::iter::from_fn(move || {
        let (target, run, idx) = &targets[rng.below(targets.len())];
        let i = idx[rng.below(idx.len())];
        Some(Case {
            target,
            name: names[i].clone(),
            input: mutate(&mut rng, &bytes[i], &bytes),
            run: *run,
        })
    });
    let (count, time) = quota(600);
    let start = Instant::now();
    let ran = drive(cases.take(count), time);
    eprintln!("parsers: {ran} mutants in {:.1?}", start.elapsed());
    assert!(
        ran == count || (count == usize::MAX && ran > 50),
        "ran {ran} of {count}"
    );
}

#[test]
fn every_command_pipeline_survives_mutants() {
    let seeds = seeds();
    let bytes: Vec<Vec<u8>> = seeds.iter().map(|s| s.1.clone()).collect();
    let names: Vec<String> = seeds
        .iter()
        .map(|s| {
            // Keep the seed's file name (it decides the kind) under a flat directory.
            let base = s.0.rsplit('/').next().unwrap_or(&s.0);
            if s.0.contains(".github/workflows/") {
                format!(".github/workflows/{base}")
            } else {
                base.to_string()
            }
        })
        .collect();
    let mut rng = Rng(seed() ^ 0xabcdef);
    let cases = std::iter::from_fn(move || {
        let i = rng.below(bytes.len());
        Some(Case {
            target: "pipeline",
            name: names[i].clone(),
            input: mutate(&mut rng, &bytes[i], &bytes),
            run: t_pipeline,
        })
    });
    let (count, time) = quota(60);
    let start = Instant::now();
    let ran = drive(cases.take(count), time);
    eprintln!("pipelines: {ran} mutants in {:.1?}", start.elapsed());
    assert!(
        ran == count || (count == usize::MAX && ran > 10),
        "ran {ran} of {count}"
    );
}

/// Indexes as git writes them (versions 2, 3 and 4, a split index and its shared
/// part), made by the real git in a scratch repository with no configuration of the
/// user's or the system's.
fn git_index_seeds() -> Vec<Vec<u8>> {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", root)
            .args(args)
            .output()
            .expect("git is installed");
        assert!(out.status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    for f in [
        "a b.txt",
        "web/package-lock.json",
        "web/src/very/deep/name.js",
        "web/src/x.js",
        "z/\u{e9}t\u{e9}.txt",
    ] {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, f).unwrap();
    }
    git(&["add", "-A"]);
    let mut out = Vec::new();
    for v in ["2", "3", "4"] {
        git(&["update-index", "--index-version", v]);
        out.push(std::fs::read(root.join(".git/index")).unwrap());
    }
    git(&["update-index", "--split-index"]);
    std::fs::write(root.join("late.txt"), "late").unwrap();
    git(&["add", "late.txt"]);
    for e in std::fs::read_dir(root.join(".git")).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "index" || name.starts_with("sharedindex.") {
            out.push(std::fs::read(e.path()).unwrap());
        }
    }
    out
}

#[test]
fn git_index_reader_survives_mutants() {
    let seeds = git_index_seeds();
    for s in &seeds {
        assert!(
            harden::parse::git_index::parse(s).is_ok(),
            "git's own index parses"
        );
    }
    let mut rng = Rng(seed() ^ 0x91d3);
    let cases = std::iter::from_fn(move || {
        let i = rng.below(seeds.len());
        Some(Case {
            target: "git_index",
            name: format!("index-{i}"),
            input: mutate(&mut rng, &seeds[i], &seeds),
            run: t_git_index,
        })
    });
    let (count, time) = quota(2000);
    let ran = drive(cases.take(count), time);
    assert!(
        ran == count || (count == usize::MAX && ran > 50),
        "ran {ran} of {count}"
    );
}
