//! The scan: one parallel walk, each file classified by name, read once, parsed
//! by the parser for its kind, checked by every enabled rule; then cross-file
//! rules, config, suppressions and a deterministic sort.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::Serialize;

use crate::classify::{self, FileKind, NameClass};
use crate::config::Config;
use crate::embed;
use crate::finding::{Finding, Severity};
use crate::parse::{
    dockerfile,
    python::PythonFile,
    shell::{ShellOrigin, ShellScript},
    yaml,
};
use crate::roles;
use crate::rules::{self, FileCx, InventoryEntry, RepoCx, RepoSink, Rule, Sink};
use crate::source::SourceFile;
use crate::suppress::{self, Suppression};

/// Why a file was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// Larger than `max_file_size`.
    TooLarge,
    /// Contains NUL bytes.
    Binary,
    /// Not valid UTF-8.
    NonUtf8,
    /// Could not be read (permissions, vanished).
    Unreadable,
    /// A symbolic link (never followed).
    Symlink,
}

impl SkipReason {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::TooLarge => "too-large",
            SkipReason::Binary => "binary",
            SkipReason::NonUtf8 => "non-utf8",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Symlink => "symlink",
        }
    }
}

/// Something the user should know that is not a finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Path relative to the root.
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What happened.
    pub message: String,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Files read and checked.
    pub files_scanned: usize,
    /// Files skipped, by reason.
    pub files_skipped: BTreeMap<SkipReason, usize>,
    /// Files that failed to parse (checked partially or not at all).
    pub parse_errors: usize,
    /// Findings silenced by inline `harden: ignore[...]`.
    pub suppressed: usize,
    /// What `.gitignore` / `.ignore` rules left out, and what git tracks anyway.
    pub ignore: crate::walk::IgnoreCounts,
}

impl Stats {
    /// Number of files skipped, and the reasons as "3 binary, 1 too-large" (None when nothing was skipped).
    pub fn skipped_summary(&self) -> Option<(usize, String)> {
        let total: usize = self.files_skipped.values().sum();
        if total == 0 {
            return None;
        }
        let reasons: Vec<String> = self
            .files_skipped
            .iter()
            .map(|(k, v)| format!("{v} {}", k.as_str()))
            .collect();
        Some((total, reasons.join(", ")))
    }
}

/// Everything a scan produced, ready for renderers.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Findings sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    /// Parse errors, skipped files, rule failures.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts.
    pub stats: Stats,
    /// Every file the walk saw, sorted.
    pub inventory: Vec<InventoryEntry>,
}

impl ScanReport {
    /// Number of findings per severity.
    pub fn counts(&self) -> BTreeMap<Severity, usize> {
        let mut m = BTreeMap::new();
        for f in &self.findings {
            *m.entry(f.severity).or_insert(0) += 1;
        }
        m
    }
}

/// Options of one scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Root directory to scan.
    pub root: PathBuf,
    /// Effective config.
    pub config: Config,
    /// Worker threads (0 = number of CPUs).
    pub threads: usize,
}

struct FileOutcome {
    entry: InventoryEntry,
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    suppressions: Vec<Suppression>,
    scanned: bool,
    skipped: Option<SkipReason>,
    parse_error: bool,
    suppressed: usize,
}

impl FileOutcome {
    fn new(path: String, kind: Option<FileKind>) -> Self {
        FileOutcome {
            entry: InventoryEntry { path, kind },
            findings: Vec::new(),
            diagnostics: Vec::new(),
            suppressions: Vec::new(),
            scanned: false,
            skipped: None,
            parse_error: false,
            suppressed: 0,
        }
    }
}

/// Runs a scan with the full registry.
pub fn scan(opts: &ScanOptions) -> ScanReport {
    let rules: Vec<Box<dyn Rule>> = rules::registry()
        .into_iter()
        .filter(|r| opts.config.rule_enabled(r.meta().id))
        .collect();
    scan_with(opts, &rules)
}

/// Runs a scan with the given rules (tests use a subset).
pub fn scan_with(opts: &ScanOptions, rules: &[Box<dyn Rule>]) -> ScanReport {
    let root = opts.root.as_path();
    let cfg = &opts.config;
    let (tx, rx) = mpsc::channel::<FileOutcome>();
    let quiet = QuietPanics::install();
    let progress = Progress::start();
    let ignore_counts = {
        let progress = &progress;
        let tx = &tx;
        crate::walk::walk(root, cfg, opts.threads, &|_| false, &|entry| {
            let ft = entry.file_type;
            let outcome = if ft.is_symlink() {
                let mut o = FileOutcome::new(entry.rel, None);
                o.skipped = Some(SkipReason::Symlink);
                o
            } else if !ft.is_file() {
                // FIFOs, sockets, devices: reading could block or never end.
                let mut o = FileOutcome::new(entry.rel, None);
                o.skipped = Some(SkipReason::Unreadable);
                o
            } else {
                process_file(entry.abs, entry.rel, cfg, rules)
            };
            progress.tick();
            let _ = tx.send(outcome);
        })
    };
    drop(tx);
    progress.finish();

    let mut report = ScanReport::default();
    report.stats.ignore = ignore_counts;
    if let Some(e) = &report.stats.ignore.index_error {
        report.diagnostics.push(Diagnostic {
            path: String::new(),
            line: None,
            message: format!(
                "the git index could not be read ({e}): files git tracks under an ignore rule were not scanned"
            ),
        });
    }
    let mut directives: HashMap<String, Vec<Suppression>> = HashMap::new();
    for o in rx {
        if o.scanned {
            report.stats.files_scanned += 1;
        }
        if let Some(r) = o.skipped {
            *report.stats.files_skipped.entry(r).or_insert(0) += 1;
        }
        if o.parse_error {
            report.stats.parse_errors += 1;
        }
        report.stats.suppressed += o.suppressed;
        if !o.suppressions.is_empty() {
            directives.insert(o.entry.path.clone(), o.suppressions);
        }
        report.findings.extend(o.findings);
        report.diagnostics.extend(o.diagnostics);
        report.inventory.push(o.entry);
    }
    report.inventory.sort();

    // Cross-file rules.
    let repo = RepoCx {
        root,
        inventory: &report.inventory,
        config: cfg,
    };
    let mut repo_findings = Vec::new();
    for rule in rules {
        let meta = rule.meta();
        let mut sink = RepoSink::new(meta, &mut repo_findings);
        if catch_unwind(AssertUnwindSafe(|| rule.finish(&repo, &mut sink))).is_err() {
            report.diagnostics.push(Diagnostic {
                path: String::new(),
                line: None,
                message: format!(
                    "internal error in rule {} (cross-file pass); its results are incomplete",
                    meta.id
                ),
            });
        }
    }
    for mut f in repo_findings {
        f.severity = cfg.severity_for(f.rule, f.severity);
        if directives
            .get(&f.path)
            .is_some_and(|d| suppress::is_suppressed(&f, d))
        {
            report.stats.suppressed += 1;
            continue;
        }
        report.findings.push(f);
    }
    drop(quiet);

    report
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.diagnostics.sort();
    report
}

/// Reads and checks one file. Never panics: rule panics are caught per rule.
fn process_file(abs: &Path, rel: String, cfg: &Config, rules: &[Box<dyn Rule>]) -> FileOutcome {
    let class = classify::classify_name(&rel);
    let wants_text = rules.iter().any(|r| r.wants_all_text());
    let mut kind = match class {
        NameClass::Known(k) => Some(k),
        NameClass::NeedsShebang => None,
        NameClass::Text => Some(FileKind::Text),
        NameClass::Skip => {
            return FileOutcome::new(rel, None);
        }
    };
    // A `.txt` whose name says nothing may still be a requirements file (read by content).
    let txt_candidate = kind == Some(FileKind::Text) && rel.to_ascii_lowercase().ends_with(".txt");
    if kind == Some(FileKind::Text) && !wants_text && !txt_candidate {
        return FileOutcome::new(rel, kind);
    }
    let mut outcome = FileOutcome::new(rel.clone(), kind);
    let size = std::fs::metadata(abs).map(|m| m.len()).unwrap_or(0);
    if size > cfg.max_file_size {
        outcome.skipped = Some(SkipReason::TooLarge);
        outcome.diagnostics.push(Diagnostic {
            path: rel,
            line: None,
            message: format!(
                "skipped: {size} bytes is over the {} byte limit (max_file_size)",
                cfg.max_file_size
            ),
        });
        return outcome;
    }
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => {
            outcome.skipped = Some(SkipReason::Unreadable);
            outcome.diagnostics.push(Diagnostic {
                path: rel,
                line: None,
                message: format!("skipped: cannot read: {e}"),
            });
            return outcome;
        }
    };
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        outcome.skipped = Some(SkipReason::Binary);
        return outcome;
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            outcome.skipped = Some(SkipReason::NonUtf8);
            outcome.diagnostics.push(Diagnostic {
                path: rel,
                line: None,
                message: "skipped: not valid UTF-8".to_string(),
            });
            return outcome;
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    if txt_candidate {
        let head = &text[..crate::source::floor_char_boundary(&text, classify::SNIFF_BYTES)];
        if classify::sniff_requirements(head) {
            kind = Some(FileKind::Manifest);
            outcome.entry.kind = kind;
        } else if !wants_text {
            return outcome;
        }
    }
    if kind.is_none() {
        let first = text.lines().next().unwrap_or("");
        kind = Some(if classify::is_shell_shebang(first) {
            FileKind::Shell
        } else if classify::is_python_shebang(first) {
            FileKind::Python
        } else {
            FileKind::Text
        });
        outcome.entry.kind = kind;
        if kind == Some(FileKind::Text) && !wants_text {
            return outcome;
        }
    }
    let Some(kind) = kind else {
        return outcome;
    };
    let file = SourceFile::new(rel, text);
    let cx = FileCx {
        file: &file,
        kind,
        role: roles::role_of(&file.path),
        config: cfg,
    };
    outcome.scanned = true;
    let mut findings = Vec::new();
    let mut diags = Vec::new();
    check_file(&cx, rules, &mut findings, &mut diags, &mut outcome);
    outcome.diagnostics.extend(diags);

    // Positions, snippets, severity overrides, suppressions.
    outcome.suppressions = suppress::collect(&file);
    for mut f in findings {
        f.region = file.region(&f.span);
        if f.snippet.is_empty() {
            f.snippet = snippet_of(&file, f.region.start.line);
        }
        f.severity = cfg.severity_for(f.rule, cap_for_role(cx.role, f.severity));
        if suppress::is_suppressed(&f, &outcome.suppressions) {
            outcome.suppressed += 1;
            continue;
        }
        outcome.findings.push(f);
    }
    outcome
}

/// Test, vendored and generated files do not ship the way production code does (a
/// throwaway integration host, a copied library, protobuf stubs): their findings are
/// reported at low at most, so a release gate on medium or high is about shipped code.
/// A `[severity]` override in harden.toml still applies on top.
pub fn cap_for_role(role: roles::FileRole, severity: Severity) -> Severity {
    match role {
        roles::FileRole::Test | roles::FileRole::Vendored | roles::FileRole::Generated => {
            severity.min(Severity::Low)
        }
        roles::FileRole::Production | roles::FileRole::Example => severity,
    }
}

/// The start line of a finding, trimmed and cut to a readable length.
pub fn snippet_of(file: &SourceFile, line: usize) -> String {
    let text = file.line_text(line).trim_end();
    if text.chars().count() > 240 {
        let cut: String = text.chars().take(240).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

/// Runs one hook of every rule, turning a panic into a diagnostic.
fn each_rule<'r>(
    rules: &'r [Box<dyn Rule>],
    path: &str,
    findings: &mut Vec<Finding>,
    diags: &mut Vec<Diagnostic>,
    map: Option<&crate::mapped::MappedText>,
    mut hook: impl FnMut(&'r dyn Rule, &mut Sink<'_>),
) {
    for rule in rules {
        let meta = rule.meta();
        let mut local = Vec::new();
        let ok = {
            let mut sink = Sink::new(meta, path, map, &mut local);
            catch_unwind(AssertUnwindSafe(|| hook(rule.as_ref(), &mut sink))).is_ok()
        };
        if ok {
            findings.extend(local);
        } else {
            diags.push(Diagnostic {
                path: path.to_string(),
                line: None,
                message: format!(
                    "internal error in rule {} on this file; its results here are incomplete",
                    meta.id
                ),
            });
        }
    }
}

fn check_file(
    cx: &FileCx<'_>,
    rules: &[Box<dyn Rule>],
    findings: &mut Vec<Finding>,
    diags: &mut Vec<Diagnostic>,
    outcome: &mut FileOutcome,
) {
    let path = cx.file.path.as_str();
    let text = cx.file.text.as_str();
    let mut shells: Vec<embed::Embedded> = Vec::new();
    let parse_diag = |diags: &mut Vec<Diagnostic>, offset: usize, what: &str| {
        let line = cx.file.lines.line_of(offset) + 1;
        diags.push(Diagnostic {
            path: path.to_string(),
            line: Some(line),
            message: what.to_string(),
        });
    };
    match cx.kind {
        FileKind::Shell => {
            shells.push(embed::Embedded {
                code: crate::mapped::MappedText::verbatim(text, 0),
                origin: ShellOrigin::Script,
            });
        }
        FileKind::Dockerfile => {
            let df = dockerfile::parse(text);
            for (span, msg) in &df.errors {
                parse_diag(
                    diags,
                    span.start,
                    &format!("Dockerfile: {msg} (the rest of the file is checked)"),
                );
            }
            if !df.errors.is_empty() {
                outcome.parse_error = true;
            }
            each_rule(rules, path, findings, diags, None, |r, s| {
                r.check_dockerfile(&df, cx, s)
            });
            shells.extend(embed::dockerfile_runs(&df));
        }
        FileKind::Compose
        | FileKind::Workflow
        | FileKind::Action
        | FileKind::Dependabot
        | FileKind::Yaml => {
            if looks_templated(text) {
                diags.push(Diagnostic {
                    path: path.to_string(),
                    line: None,
                    message:
                        "not parsed: a template (Helm/Jinja `{{ }}` outside quotes), not plain YAML"
                            .to_string(),
                });
                return;
            }
            let y = yaml::parse(text);
            if let Some(err) = &y.error {
                outcome.parse_error = true;
                parse_diag(
                    diags,
                    err.start,
                    "YAML syntax error; rules were not run on this file",
                );
                return;
            }
            let kind = if cx.kind == FileKind::Yaml && is_compose_content(&y) {
                FileKind::Compose
            } else {
                cx.kind
            };
            match kind {
                FileKind::Compose => {
                    each_rule(rules, path, findings, diags, None, |r, s| {
                        r.check_compose(&y, cx, s)
                    });
                    shells.extend(embed::compose_commands(&y));
                }
                FileKind::Workflow => {
                    each_rule(rules, path, findings, diags, None, |r, s| {
                        r.check_workflow(&y, cx, s)
                    });
                    shells.extend(embed::workflow_runs(&y));
                }
                FileKind::Action => {
                    each_rule(rules, path, findings, diags, None, |r, s| {
                        r.check_action(&y, cx, s)
                    });
                    shells.extend(embed::action_runs(&y));
                }
                FileKind::Dependabot => {
                    each_rule(rules, path, findings, diags, None, |r, s| {
                        r.check_dependabot(&y, cx, s)
                    });
                }
                _ => {
                    let kustomization = is_kustomization_name(path);
                    for doc in &y.documents {
                        let Some(root) = &doc.root else { continue };
                        if is_k8s_object(root) || kustomization {
                            each_rule(rules, path, findings, diags, None, |r, s| {
                                r.check_k8s(root, cx, s)
                            });
                            shells.extend(embed::k8s_commands(root));
                        }
                    }
                }
            }
        }
        FileKind::Python => {
            if let Some(py) = PythonFile::parse(text) {
                if py.root().has_error() {
                    outcome.parse_error = true;
                    diags.push(Diagnostic {
                        path: path.to_string(),
                        line: None,
                        message: "Python syntax error (checked where it could be parsed)"
                            .to_string(),
                    });
                }
                each_rule(rules, path, findings, diags, None, |r, s| {
                    r.check_python(&py, cx, s)
                });
            }
        }
        FileKind::Markdown => {
            each_rule(rules, path, findings, diags, None, |r, s| {
                r.check_markdown(cx, s)
            });
        }
        FileKind::Manifest => {
            each_rule(rules, path, findings, diags, None, |r, s| {
                r.check_manifest(cx, s)
            });
        }
        FileKind::Text => {}
    }
    for e in &shells {
        let Some(script) = ShellScript::parse(e.code.clone(), e.origin) else {
            continue;
        };
        if e.origin == ShellOrigin::Script && script.has_error() {
            outcome.parse_error = true;
            let off = first_error_offset(&script);
            parse_diag(
                diags,
                script.code.to_host(off),
                "shell syntax error (the file is checked where it could be parsed)",
            );
        }
        each_rule(rules, path, findings, diags, Some(&script.code), |r, s| {
            r.check_shell(&script, cx, s)
        });
    }
    each_rule(rules, path, findings, diags, None, |r, s| {
        r.check_text(cx, s)
    });
}

fn first_error_offset(script: &ShellScript) -> usize {
    let mut stack = vec![script.tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            return n.start_byte();
        }
        let mut c = n.walk();
        let kids: Vec<_> = n.children(&mut c).filter(|k| k.has_error()).collect();
        stack.extend(kids.into_iter().rev());
    }
    0
}

/// Helm/Jinja templates are not YAML until rendered; parsing them gives noise.
fn looks_templated(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        t.starts_with("{{") || t.starts_with("{%") || (t.contains("{{-") || t.contains("-}}"))
    })
}

/// A YAML file not named like compose but shaped like it (`services:` of images/builds).
fn is_compose_content(y: &yaml::YamlFile) -> bool {
    y.documents.iter().any(|d| {
        d.root
            .as_ref()
            .and_then(|r| r.get("services"))
            .and_then(|s| s.as_map())
            .is_some_and(|svcs| {
                !svcs.is_empty()
                    && svcs
                        .iter()
                        .all(|s| s.value.get("image").is_some() || s.value.get("build").is_some())
            })
    })
}

/// `kustomization.yaml` (which may omit `apiVersion`/`kind`): handed to `check_k8s` too, so
/// rules can learn which files are patches and which images it rewrites.
fn is_kustomization_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    )
}

/// A YAML document that is a Kubernetes object.
pub fn is_k8s_object(root: &yaml::YamlNode) -> bool {
    root.get("apiVersion").and_then(|v| v.as_str()).is_some()
        && root.get("kind").and_then(|v| v.as_str()).is_some()
}

/// A file counter on stderr for long scans, only when stderr is a terminal
/// (never in pipes, CI logs or tests). Starts after half a second.
struct Progress {
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start() -> Progress {
        use std::io::IsTerminal;
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        use std::sync::Arc;
        let count = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let enabled =
            std::io::stderr().is_terminal() && std::env::var_os("HARDEN_NO_PROGRESS").is_none();
        let thread = enabled.then(|| {
            let (count, done) = (count.clone(), done.clone());
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                let mut shown = false;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    if started.elapsed() >= std::time::Duration::from_millis(500) {
                        eprint!(
                            "\rharden: scanning… {} files",
                            count.load(Ordering::Relaxed)
                        );
                        shown = true;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress {
            count,
            done,
            thread,
        }
    }

    fn tick(&self) {
        self.count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn finish(mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Replaces the default panic hook while a scan runs so a caught rule panic
/// becomes a diagnostic instead of a backtrace on stderr.
type PanicHook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

struct QuietPanics {
    previous: Option<PanicHook>,
}

impl QuietPanics {
    fn install() -> Self {
        if std::env::var_os("HARDEN_DEBUG_PANICS").is_some() {
            return QuietPanics { previous: None };
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        QuietPanics {
            previous: Some(previous),
        }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        if let Some(prev) = self.previous.take() {
            std::panic::set_hook(prev);
        }
    }
}
