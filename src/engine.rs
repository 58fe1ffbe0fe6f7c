//! The scan: one parallel walk, each file classified by name, read once and
//! parsed by the parser for its kind into the repository model; then every
//! enabled rule checks each file with the model at hand; then cross-file rules,
//! config, suppressions and a deterministic sort.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::Serialize;

use crate::classify::InventoryEntry;
use crate::classify::{self, FileKind, NameClass};
use crate::config::Config;
use crate::embed;
use crate::finding::{Finding, Severity};
use crate::model::{self, CodeFacts, ModelFile, Parsed, Repository};
use crate::parse::python::PythonFile;
use crate::roles;
use crate::rules::{self, FileCx, RepoCx, RepoSink, Rule, Sink};
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
    /// The repository model the scan built (status, plan and fix read it).
    pub model: Repository,
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
///
/// Three phases: the walk reads and parses every file once and registers it in
/// the [`Repository`] model; the rule pass checks each file with the model at
/// hand (reading then the Python and plain-text files the model does not keep);
/// the repository pass runs the cross-file rules over the finished model.
pub fn scan_with(opts: &ScanOptions, rules: &[Box<dyn Rule>]) -> ScanReport {
    let root = opts.root.as_path();
    let cfg = &opts.config;
    let wants_text = rules.iter().any(|r| r.wants_all_text());
    let quiet = QuietPanics::install();

    // Phase 1: the walk.
    let walked = walk(root, cfg, opts.threads, wants_text);
    let mut report = ScanReport::default();
    let mut kept = Vec::new();
    let mut later = Vec::new();
    let mut outcomes = Vec::new();
    for w in walked {
        report.inventory.push(w.outcome.entry.clone());
        match w.load {
            Load::Kept(m) => kept.push((m, w.outcome, w.for_rules)),
            Load::Later(l) => later.push((l, w.outcome, w.for_rules)),
            Load::Done => outcomes.push(w.outcome),
        }
    }
    report.inventory.sort();
    // The model keeps its files in path order; their outcomes follow them.
    kept.sort_by(|a, b| a.0.file.path.cmp(&b.0.file.path));
    let mut model_files = Vec::with_capacity(kept.len());
    let mut kept_outcomes = Vec::with_capacity(kept.len());
    for (m, outcome, for_rules) in kept {
        model_files.push(m);
        kept_outcomes.push((outcome, for_rules));
    }
    let mut repo = Repository::new(root, report.inventory.clone(), model_files);

    // Phase 2: the rule pass, in parallel, the model shared.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .ok();
    let run = |repo: &Repository| -> (Vec<FileOutcome>, CodeFacts) {
        use rayon::prelude::*;
        let mut all: Vec<FileOutcome> = repo
            .files()
            .par_iter()
            .zip(kept_outcomes.into_par_iter())
            .map(|(m, (outcome, for_rules))| check_kept(m, outcome, for_rules, cfg, rules, repo))
            .collect();
        let (later_done, code): (Vec<FileOutcome>, Vec<CodeFacts>) = later
            .into_par_iter()
            .map(|(l, outcome, for_rules)| check_later(l, outcome, for_rules, cfg, rules, repo))
            .unzip();
        all.extend(later_done);
        let code = code.into_iter().fold(CodeFacts::default(), |mut a, b| {
            a.source = std::mem::take(&mut a.source).merge(b.source);
            a.source_files += b.source_files;
            a
        });
        (all, code)
    };
    let (checked, code) = match &pool {
        Some(p) => p.install(|| run(&repo)),
        None => run(&repo),
    };
    repo.set_code_facts(code);
    outcomes.extend(checked);

    let mut directives: HashMap<String, Vec<Suppression>> = HashMap::new();
    for o in outcomes {
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
    }

    // Phase 3: cross-file rules over the finished model.
    let repo_cx = RepoCx {
        root,
        inventory: &report.inventory,
        config: cfg,
        model: &repo,
    };
    let mut repo_findings = Vec::new();
    for rule in rules {
        let meta = rule.meta();
        let mut sink = RepoSink::new(meta, &mut repo_findings);
        if catch_unwind(AssertUnwindSafe(|| rule.finish(&repo_cx, &mut sink))).is_err() {
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
    report.model = repo;
    report
}

/// What the walk did with one file.
struct Walked {
    outcome: FileOutcome,
    load: Load,
    /// Whether rules read this file (else it was read only for the model).
    for_rules: bool,
}

enum Load {
    /// Read and parsed: registered in the model, checked in the rule pass.
    Kept(ModelFile),
    /// Read by the rule pass (Python and plain text the model does not keep).
    Later(LaterFile),
    /// Nothing more to do (skipped, or nothing reads it).
    Done,
}

struct LaterFile {
    abs: PathBuf,
    kind: FileKind,
    /// Already read (to look at a shebang).
    text: Option<String>,
    /// Application source the source facts read.
    source: bool,
}

/// Phase 1: the parallel walk; every file classified, and read and parsed when
/// the model keeps it.
fn walk(root: &Path, cfg: &Config, threads: usize, wants_text: bool) -> Vec<Walked> {
    let (tx, rx) = mpsc::channel::<Walked>();
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .follow_links(false)
        .threads(threads);
    {
        let root = root.to_path_buf();
        let cfg = cfg.clone();
        builder.filter_entry(move |e| {
            if e.file_name() == ".git" || e.file_name() == ".hg" || e.file_name() == ".svn" {
                return false;
            }
            match rel_path(&root, e.path()) {
                Some(rel) if !rel.is_empty() => !cfg.is_excluded(&rel),
                _ => true,
            }
        });
    }
    let progress = Progress::start();
    builder.build_parallel().run(|| {
        let tx = tx.clone();
        let progress = &progress;
        Box::new(move |result| {
            let Ok(entry) = result else {
                return ignore::WalkState::Continue;
            };
            let Some(ft) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if ft.is_dir() {
                return ignore::WalkState::Continue;
            }
            let Some(rel) = rel_path(root, entry.path()) else {
                return ignore::WalkState::Continue;
            };
            let walked = if ft.is_symlink() {
                let mut o = FileOutcome::new(rel, None);
                o.skipped = Some(SkipReason::Symlink);
                done(o)
            } else if !ft.is_file() {
                // FIFOs, sockets, devices: reading could block or never end.
                let mut o = FileOutcome::new(rel, None);
                o.skipped = Some(SkipReason::Unreadable);
                done(o)
            } else {
                load_file(entry.path(), rel, cfg, wants_text)
            };
            progress.tick();
            let _ = tx.send(walked);
            ignore::WalkState::Continue
        })
    });
    drop(tx);
    progress.finish();
    rx.into_iter().collect()
}

fn done(outcome: FileOutcome) -> Walked {
    Walked {
        outcome,
        load: Load::Done,
        for_rules: false,
    }
}

/// Reads a file's text; `None` when it is too large, binary, not UTF-8 or
/// unreadable (counted and said in a diagnostic when rules wanted it).
fn read_text(
    abs: &Path,
    rel: &str,
    cfg: &Config,
    for_rules: bool,
    outcome: &mut FileOutcome,
) -> Option<String> {
    let note = |outcome: &mut FileOutcome, reason: SkipReason, message: Option<String>| {
        if for_rules {
            outcome.skipped = Some(reason);
            if let Some(message) = message {
                outcome.diagnostics.push(Diagnostic {
                    path: rel.to_string(),
                    line: None,
                    message,
                });
            }
        }
    };
    let size = std::fs::metadata(abs).map(|m| m.len()).unwrap_or(0);
    if size > cfg.max_file_size {
        let message = format!(
            "skipped: {size} bytes is over the {} byte limit (max_file_size)",
            cfg.max_file_size
        );
        note(outcome, SkipReason::TooLarge, Some(message));
        return None;
    }
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => {
            let message = format!("skipped: cannot read: {e}");
            note(outcome, SkipReason::Unreadable, Some(message));
            return None;
        }
    };
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        note(outcome, SkipReason::Binary, None);
        return None;
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            let message = "skipped: not valid UTF-8".to_string();
            note(outcome, SkipReason::NonUtf8, Some(message));
            return None;
        }
    };
    Some(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// Phase 1 for one file: classify by name, read and parse it when the model keeps
/// it (or when a shebang must decide its kind).
fn load_file(abs: &Path, rel: String, cfg: &Config, wants_text: bool) -> Walked {
    let kind = match classify::classify_name(&rel) {
        NameClass::Known(k) => Some(k),
        NameClass::NeedsShebang => None,
        NameClass::Text => Some(FileKind::Text),
        NameClass::Skip => return done(FileOutcome::new(rel, None)),
    };
    let mut outcome = FileOutcome::new(rel.clone(), kind);
    let (kind, text) = match kind {
        Some(k) => (k, None),
        None => {
            // No extension: the first line decides, so it is read now.
            let Some(text) = read_text(abs, &rel, cfg, wants_text, &mut outcome) else {
                return done(outcome);
            };
            let first = text.lines().next().unwrap_or("");
            let k = if classify::is_shell_shebang(first) {
                FileKind::Shell
            } else if classify::is_python_shebang(first) {
                FileKind::Python
            } else {
                FileKind::Text
            };
            outcome.entry.kind = Some(k);
            (k, Some(text))
        }
    };
    let for_rules = kind != FileKind::Text || wants_text;
    let purpose = model::purpose::purpose_of(&outcome.entry);
    let keep = model::purpose::keeps_text(purpose)
        || !matches!(kind, FileKind::Text | FileKind::Python)
        || model::deps::req_kind(&rel).is_some();
    let source = purpose == Some(model::Purpose::Source);
    if !keep {
        if !for_rules && !source {
            return done(outcome);
        }
        let later = LaterFile {
            abs: abs.to_path_buf(),
            kind,
            text,
            source,
        };
        return Walked {
            outcome,
            load: Load::Later(later),
            for_rules,
        };
    }
    let text = match text {
        Some(t) => t,
        None => match read_text(abs, &rel, cfg, for_rules, &mut outcome) {
            Some(t) => t,
            None => return done(outcome),
        },
    };
    let role = roles::role_of(&rel);
    let m = model::file::parse_file(SourceFile::new(rel, text), kind, role);
    Walked {
        outcome,
        load: Load::Kept(m),
        for_rules,
    }
}

/// Phase 2 for a kept file: every rule over the walk's parse.
fn check_kept(
    m: &ModelFile,
    mut outcome: FileOutcome,
    for_rules: bool,
    cfg: &Config,
    rules: &[Box<dyn Rule>],
    repo: &Repository,
) -> FileOutcome {
    if !for_rules {
        return outcome;
    }
    let cx = FileCx {
        file: &m.file,
        kind: m.kind,
        role: m.role,
        config: cfg,
        repo,
    };
    outcome.scanned = true;
    outcome.parse_error = m.parse_error;
    let mut findings = Vec::new();
    let mut diags = Vec::new();
    for (offset, message) in &m.parse_notes {
        diags.push(Diagnostic {
            path: m.file.path.clone(),
            line: offset.map(|o| m.line(o)),
            message: message.clone(),
        });
    }
    check_model_file(&cx, m, rules, &mut findings, &mut diags, &mut outcome);
    outcome.diagnostics.extend(diags);
    finish_file(&m.file, &cx, findings, &mut outcome, cfg);
    outcome
}

/// Phase 2 for a file the model does not keep: read it, scan it for source
/// facts, check it, drop it.
fn check_later(
    l: LaterFile,
    mut outcome: FileOutcome,
    for_rules: bool,
    cfg: &Config,
    rules: &[Box<dyn Rule>],
    repo: &Repository,
) -> (FileOutcome, CodeFacts) {
    let mut code = CodeFacts::default();
    let rel = outcome.entry.path.clone();
    let text = match l.text {
        Some(t) => t,
        None => match read_text(&l.abs, &rel, cfg, for_rules, &mut outcome) {
            Some(t) => t,
            None => return (outcome, code),
        },
    };
    let file = SourceFile::new(rel, text);
    if l.source {
        code.source = model::source_facts::scan(&file);
        code.source_files = 1;
    }
    if !for_rules {
        return (outcome, code);
    }
    let cx = FileCx {
        file: &file,
        kind: l.kind,
        role: roles::role_of(&file.path),
        config: cfg,
        repo,
    };
    outcome.scanned = true;
    let mut findings = Vec::new();
    let mut diags = Vec::new();
    let path = file.path.as_str();
    if l.kind == FileKind::Python {
        check_python(&cx, rules, &mut findings, &mut diags, &mut outcome);
    }
    each_rule(rules, path, &mut findings, &mut diags, None, |r, s| {
        r.check_text(&cx, s)
    });
    outcome.diagnostics.extend(diags);
    finish_file(&file, &cx, findings, &mut outcome, cfg);
    (outcome, code)
}

/// Parses a Python file (the tree lives only while its rules run) and checks it.
fn check_python(
    cx: &FileCx<'_>,
    rules: &[Box<dyn Rule>],
    findings: &mut Vec<Finding>,
    diags: &mut Vec<Diagnostic>,
    outcome: &mut FileOutcome,
) {
    let path = cx.file.path.as_str();
    if let Some(py) = PythonFile::parse(&cx.file.text) {
        if py.root().has_error() {
            outcome.parse_error = true;
            diags.push(Diagnostic {
                path: path.to_string(),
                line: None,
                message: "Python syntax error (checked where it could be parsed)".to_string(),
            });
        }
        each_rule(rules, path, findings, diags, None, |r, s| {
            r.check_python(&py, cx, s)
        });
    }
}

/// Positions, snippets, severity caps and overrides, suppressions of one file's findings.
fn finish_file(
    file: &SourceFile,
    cx: &FileCx<'_>,
    findings: Vec<Finding>,
    outcome: &mut FileOutcome,
    cfg: &Config,
) {
    outcome.suppressions = suppress::collect(file);
    for mut f in findings {
        f.region = file.region(&f.span);
        if f.snippet.is_empty() {
            f.snippet = snippet_of(file, f.region.start.line);
        }
        f.severity = cfg.severity_for(f.rule, cap_for_role(cx.role, f.severity));
        if suppress::is_suppressed(&f, &outcome.suppressions) {
            outcome.suppressed += 1;
            continue;
        }
        outcome.findings.push(f);
    }
}

fn rel_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    Some(out)
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

/// The rule hooks for one kept file, from the walk's parse: the file kind's hook,
/// then the shell embedded in it, then the text hook.
fn check_model_file(
    cx: &FileCx<'_>,
    m: &ModelFile,
    rules: &[Box<dyn Rule>],
    findings: &mut Vec<Finding>,
    diags: &mut Vec<Diagnostic>,
    outcome: &mut FileOutcome,
) {
    let path = cx.file.path.as_str();
    match &m.parsed {
        Parsed::Dockerfile(df) => {
            each_rule(rules, path, findings, diags, None, |r, s| {
                r.check_dockerfile(df, cx, s)
            });
            // The RUN shells the Docker rules parsed (once, cached on `df`).
            for run in embed::dockerfile_runs(df) {
                for script in &run.scripts {
                    each_rule(rules, path, findings, diags, Some(&script.code), |r, s| {
                        r.check_shell(script, cx, s)
                    });
                }
            }
        }
        Parsed::Yaml(_) => {
            let Some(y) = m.clean_yaml() else {
                // A template or a syntax error: a diagnostic says so, nothing is checked.
                return;
            };
            match m.content_kind {
                FileKind::Compose => each_rule(rules, path, findings, diags, None, |r, s| {
                    r.check_compose(y, cx, s)
                }),
                FileKind::Workflow => each_rule(rules, path, findings, diags, None, |r, s| {
                    r.check_workflow(y, cx, s)
                }),
                FileKind::Action => each_rule(rules, path, findings, diags, None, |r, s| {
                    r.check_action(y, cx, s)
                }),
                FileKind::Dependabot => each_rule(rules, path, findings, diags, None, |r, s| {
                    r.check_dependabot(y, cx, s)
                }),
                _ => {
                    for root in m.k8s_documents() {
                        each_rule(rules, path, findings, diags, None, |r, s| {
                            r.check_k8s(root, cx, s)
                        });
                    }
                }
            }
            for script in &m.shells {
                each_rule(rules, path, findings, diags, Some(&script.code), |r, s| {
                    r.check_shell(script, cx, s)
                });
            }
        }
        Parsed::Shell(script) => {
            if let Some(script) = script {
                each_rule(rules, path, findings, diags, Some(&script.code), |r, s| {
                    r.check_shell(script, cx, s)
                });
            }
        }
        Parsed::Text | Parsed::Requirements(_) => match m.kind {
            FileKind::Markdown => each_rule(rules, path, findings, diags, None, |r, s| {
                r.check_markdown(cx, s)
            }),
            FileKind::Manifest => each_rule(rules, path, findings, diags, None, |r, s| {
                r.check_manifest(cx, s)
            }),
            FileKind::Python => check_python(cx, rules, findings, diags, outcome),
            _ => {}
        },
    }
    each_rule(rules, path, findings, diags, None, |r, s| {
        r.check_text(cx, s)
    });
}

pub use crate::model::file::is_k8s_object;

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
