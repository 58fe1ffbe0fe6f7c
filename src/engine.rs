//! The scan: one parallel walk, each file classified by name, read once, parsed
//! by the parser for its kind, checked by every enabled rule; then cross-file
//! rules, config, suppressions and a deterministic sort.

use std::collections::{BTreeMap, HashMap};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use serde::Serialize;

use crate::classify::InventoryEntry;
use crate::classify::{self, FileKind, NameClass};
use crate::config::Config;
use crate::embed;
use crate::finding::{FilePath, Finding, Severity};
use crate::parse::{
    dockerfile,
    python::PythonFile,
    shell::{ShellOrigin, ShellScript},
    yaml,
};
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
    /// A directory that could not be listed: everything below it is unaccounted for.
    UnreadableDir,
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
            SkipReason::UnreadableDir => "unreadable-dir",
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
    /// Every file the walk saw (read or not, regular or not; ignored ones excluded),
    /// so a consumer can check that each is accounted for.
    pub files_seen: usize,
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
    /// Every secret value seen in the files read: already masked in findings and
    /// diagnostics, and masked again in everything written (`cli::emit`).
    pub secrets: crate::redact::SecretSet,
    /// The repository model the cross-file pass read, for status, plan and fix.
    pub model: crate::model::Repository,
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

/// What part of the repository a scan reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every file under the root, which is the whole repository (the top of its git
    /// work tree, or a directory in none).
    #[default]
    Repository,
    /// Every file under the root, a directory inside a larger git work tree (a
    /// service of a monorepo).
    Subtree,
    /// These files only (absolute paths under the root), as a pre-commit hook or an
    /// editor names them.
    Files(Vec<PathBuf>),
}

impl Scope {
    /// Whether the scan sees the whole repository, so that it can say something is
    /// missing from it.
    pub fn is_whole(&self) -> bool {
        *self == Scope::Repository
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
    /// The part of the repository read.
    pub scope: Scope,
    /// Read the facts only the plan's design tasks use (modules printing operational
    /// output, shared constants): they need a parse of most shipped Python modules, so
    /// a scan whose output shows no plan (JSON, SARIF) goes without them.
    pub plan_facts: bool,
}

struct FileOutcome {
    entry: InventoryEntry,
    secrets: Vec<String>,
    findings: Vec<Finding>,
    diagnostics: Vec<Diagnostic>,
    suppressions: Vec<Suppression>,
    scanned: bool,
    skipped: Option<SkipReason>,
    parse_error: bool,
    suppressed: usize,
    workflow_facts: Option<crate::workflows::model::FileFacts>,
    model: crate::model::Facts,
}

impl FileOutcome {
    fn new(path: String, kind: Option<FileKind>) -> Self {
        FileOutcome {
            entry: InventoryEntry {
                path: path.into(),
                kind,
            },
            secrets: Vec::new(),
            findings: Vec::new(),
            diagnostics: Vec::new(),
            suppressions: Vec::new(),
            scanned: false,
            skipped: None,
            parse_error: false,
            suppressed: 0,
            workflow_facts: None,
            model: crate::model::Facts::default(),
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
    let mut with_identity = opts.config.clone();
    if with_identity.repository.is_none() {
        with_identity.repository = crate::identity::detect(root, &with_identity);
    }
    let cfg = &with_identity;
    let (tx, rx) = mpsc::channel::<FileOutcome>();
    let quiet = QuietPanics::install();
    let progress = Progress::start();
    let charts = crate::charts::Charts::new(root.to_path_buf());

    let mut report = ScanReport::default();
    let mut directives: HashMap<String, Vec<Suppression>> = HashMap::new();
    let mut workflow_facts = Vec::new();
    let mut model_facts = crate::model::Facts::default();
    // One copy of each path, message and snippet across the findings (most repeat).
    let mut strings = crate::finding::Interner::default();
    // Outcomes are merged while the walk goes on: held in the channel until the end,
    // every file's findings and facts were in memory twice.
    let ignore_counts = std::thread::scope(|s| {
        let walker = s.spawn(|| {
            let tx = tx;
            let progress = &progress;
            let tx = &tx;
            let visit = |visit: crate::walk::Visit<'_>| {
                let entry = match visit {
                    crate::walk::Visit::Entry(entry) => entry,
                    crate::walk::Visit::Error(err) => {
                        if let Some(o) = walk_error(root, err) {
                            progress.tick();
                            let _ = tx.send(o);
                        }
                        return;
                    }
                };
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
                    process_file(entry.abs, entry.rel, cfg, rules, opts.plan_facts, &charts)
                };
                progress.tick();
                let _ = tx.send(outcome);
            };
            match &opts.scope {
                Scope::Files(files) => {
                    crate::walk::visit_files(root, files, cfg, opts.threads, &visit);
                    crate::walk::IgnoreCounts::default()
                }
                Scope::Repository | Scope::Subtree => {
                    crate::walk::walk(root, cfg, opts.threads, &|_| false, &visit)
                }
            }
        });
        for o in rx {
            if o.skipped != Some(SkipReason::UnreadableDir) {
                report.stats.files_seen += 1;
            }
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
                directives.insert(o.entry.path.to_string(), o.suppressions);
            }
            report.findings.reserve(o.findings.len());
            for mut f in o.findings {
                strings.intern_finding(&mut f);
                report.findings.push(f);
            }
            report.diagnostics.extend(o.diagnostics);
            report.secrets.extend(o.secrets);
            report.inventory.push(o.entry);
            workflow_facts.extend(o.workflow_facts);
            model_facts.extend(o.model);
        }
        walker.join().unwrap_or_default()
    });
    progress.finish();
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
    report.inventory.sort();
    let package_manager = root_package_manager(root);
    let workflows =
        crate::workflows::model::WorkflowModel::new(workflow_facts, package_manager.as_deref());
    let model = crate::model::Repository::new(&report.inventory, model_facts);

    // Cross-file rules.
    let repo = RepoCx {
        root,
        inventory: &report.inventory,
        config: cfg,
        workflows: &workflows,
        model: &model,
    };
    let mut repo_findings = Vec::new();
    for rule in rules {
        let meta = rule.meta();
        let mut sink = RepoSink::new(meta, &mut repo_findings);
        let budget = crate::budget::start(crate::budget::file_budget());
        let panicked = catch_unwind(AssertUnwindSafe(|| rule.finish(&repo, &mut sink))).is_err();
        if crate::budget::was_exceeded() {
            report.diagnostics.push(Diagnostic {
                path: String::new(),
                line: None,
                message: format!(
                    "time budget ran out in rule {} (cross-file pass); its results are incomplete",
                    meta.id
                ),
            });
        }
        drop(budget);
        if panicked {
            report.diagnostics.push(Diagnostic {
                path: String::new(),
                line: None,
                message: format!(
                    "internal error in rule {} (cross-file pass); its results are incomplete",
                    meta.id
                ),
            });
        }
        // Each rule's findings are filed as soon as it is done: one vector of every
        // cross-file finding beside the report was the scan's peak of memory.
        for mut f in repo_findings.drain(..) {
            // Cross-file rules are limited to what the files read can prove. A finding
            // about the repository as a whole says something is missing from all of it
            // (no security policy, no dependency updates): a scan of some files, or of a
            // directory inside a larger repository, cannot know that, so it does not
            // report it. Findings at a place in a file read stand: what they rest on was
            // read.
            if f.is_repository_level() && !opts.scope.is_whole() {
                continue;
            }
            f.severity = cfg.severity_for(f.rule, cross_file_severity(&f));
            if directives
                .get(f.path.as_str())
                .is_some_and(|d| suppress::is_suppressed(&f, d))
            {
                report.stats.suppressed += 1;
                continue;
            }
            strings.intern_finding(&mut f);
            report.findings.push(f);
        }
    }
    drop(strings);
    // Rules revise their own per-file findings with what the whole repository shows.
    let settling: Vec<&dyn Rule> = rules
        .iter()
        .map(|r| r.as_ref())
        .filter(|r| r.settles())
        .collect();
    // Each settling rule revises a copy of its findings (sized once), while the
    // report keeps the originals: a panicking rule's findings are then still reported,
    // as they were, with one copy beside the report rather than two (the findings
    // taken out and a copy of them kept for the panic case, the peak of memory on a
    // large tree). Once revised, the originals leave the report in place and the copy
    // goes back at its end, into the capacity they left; the final sort restores the
    // order.
    for rule in &settling {
        let id = rule.meta().id;
        let mut own = copy_rule_findings(&report.findings, id);
        if own.is_empty() {
            continue;
        }
        let panicked = catch_unwind(AssertUnwindSafe(|| rule.settle(&repo, &mut own))).is_err();
        if panicked {
            drop(own);
            report.diagnostics.push(Diagnostic {
                path: String::new(),
                line: None,
                message: format!(
                    "internal error in rule {} (settling its findings); they are reported unrevised",
                    rule.meta().id
                ),
            });
            continue;
        }
        report.findings.retain(|f| f.rule != id);
        for f in &mut own {
            f.severity = cfg.severity_for(f.rule, f.severity);
        }
        report.findings.append(&mut own);
    }
    drop(quiet);
    cap_documented_examples(&repo, &mut report.findings, cfg);
    rules::actions::script_context::carry_into_workflows(
        &workflows,
        &model,
        &mut report.findings,
        cfg,
    );
    rules::actions::drop_unused_test_actions(&workflows, &mut report.findings);
    rules::docker::drop_unbuilt_vendored(&model, &mut report.findings);
    rules::fold_restatements(&mut report.findings);

    // Secrets seen in one file, masked wherever another finding or message shows them
    // (but never inside a path: the report must name the real files).
    let root_text = std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned();
    let given_root = root.to_string_lossy();
    report.secrets.forget_values_in_paths(
        [root_text.as_str(), given_root.as_ref()]
            .into_iter()
            .chain(report.inventory.iter().map(|e| e.path.as_str()))
            .chain(report.diagnostics.iter().map(|d| d.path.as_str())),
    );
    if !report.secrets.is_empty() {
        let values = report.secrets.values();
        for f in &mut report.findings {
            crate::redact::mask_finding(f, &values);
        }
        for d in &mut report.diagnostics {
            if let std::borrow::Cow::Owned(m) = crate::redact::mask_values(&d.message, &values) {
                d.message = m;
            }
        }
    }

    sort_findings(&mut report.findings);
    report.diagnostics.sort();
    report.model = model;
    report
}

/// Sorts findings by [`Finding::sort_key`], keeping the order of equal keys, as a
/// stable sort would. The order is computed on indices and applied by swaps: a stable
/// sort of the findings themselves takes a buffer of half of them, the scan's last
/// peak of memory on a large tree.
fn sort_findings(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_unstable_by(|&a, &b| {
        findings[a]
            .sort_key()
            .cmp(&findings[b].sort_key())
            .then(a.cmp(&b))
    });
    // Position `k` takes the finding now at `order[k]`: each cycle of the permutation
    // is walked once, carrying the displaced finding along it.
    for start in 0..findings.len() {
        let mut cur = start;
        loop {
            let src = std::mem::replace(&mut order[cur], usize::MAX);
            if src == usize::MAX || src == start {
                break;
            }
            findings.swap(cur, src);
            cur = src;
        }
    }
}

/// A copy of the findings of `rule`, in their order, in a vector sized once (grown by
/// doubling, the vector of a rule with most of the findings was, with its last copy,
/// larger than the findings themselves).
fn copy_rule_findings(findings: &[Finding], rule: &str) -> Vec<Finding> {
    let mut own = Vec::with_capacity(findings.iter().filter(|f| f.rule == rule).count());
    own.extend(findings.iter().filter(|f| f.rule == rule).cloned());
    own
}

/// An entry the walk could not read, usually a directory it could not list
/// (permissions, vanished): counted and reported, since nothing below it was scanned.
fn walk_error(root: &Path, err: &ignore::Error) -> Option<FileOutcome> {
    let path = err_path(err)?;
    let rel = rel_path(root, path)?;
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let mut o = FileOutcome::new(rel.clone(), None);
    let message = if is_dir {
        o.skipped = Some(SkipReason::UnreadableDir);
        format!(
            "skipped: cannot read directory: {}; nothing below it was scanned",
            innermost(err)
        )
    } else {
        o.skipped = Some(SkipReason::Unreadable);
        format!("skipped: cannot read: {}", innermost(err))
    };
    o.diagnostics.push(Diagnostic {
        path: rel,
        line: None,
        message,
    });
    Some(o)
}

fn err_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(err_path),
        _ => None,
    }
}

fn innermost(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => innermost(err),
        other => other.to_string(),
    }
}

fn rel_path(root: &Path, path: &Path) -> Option<String> {
    crate::paths::relative(root, path)
}

/// Reads and checks one file. Never panics: rule panics are caught per rule.
fn process_file(
    abs: &Path,
    rel: String,
    cfg: &Config,
    rules: &[Box<dyn Rule>],
    plan_facts: bool,
    charts: &crate::charts::Charts,
) -> FileOutcome {
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
    // Production source code and the configuration files `status` asks about feed the
    // model (`model::code`, `model::config_files`) whether or not a rule reads them.
    let source_code = crate::model::code::is_source(&rel);
    let config_file = crate::model::config_files::wanted(&rel);
    let docs_file = crate::model::docs::is_docs_file(&rel);
    if kind == Some(FileKind::Text) && !wants_text && !txt_candidate {
        let lower = rel.rsplit('/').next().unwrap_or(&rel).to_ascii_lowercase();
        let script = crate::model::operations::is_script_candidate(&rel, &lower, kind);
        let build_tool = crate::model::builds::is_build_tool_text(&rel);
        let mut outcome = FileOutcome::new(rel, kind);
        if source_code || config_file || script || docs_file || build_tool {
            read_for_model(abs, cfg, &mut outcome);
        }
        return outcome;
    }
    let mut outcome = FileOutcome::new(rel.clone(), kind);
    let bytes = match crate::files::read_repo(abs, cfg.max_file_size) {
        Ok(b) => b,
        Err(crate::files::ReadError::TooLarge { size, limit }) => {
            outcome.skipped = Some(SkipReason::TooLarge);
            outcome.diagnostics.push(Diagnostic {
                path: rel,
                line: None,
                message: format!(
                    "skipped: {size} bytes is over the {limit} byte limit (max_file_size)"
                ),
            });
            return outcome;
        }
        Err(crate::files::ReadError::Symlink) => {
            outcome.skipped = Some(SkipReason::Symlink);
            return outcome;
        }
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
    if source_code {
        model_facts(&mut outcome, |m| m.source_code(&rel, &text));
    }
    if config_file {
        model_facts(&mut outcome, |m| m.config_file(&rel, &text));
    }
    if txt_candidate {
        let head = &text[..crate::source::floor_char_boundary(&text, classify::SNIFF_BYTES)];
        if classify::sniff_requirements(head) {
            kind = Some(FileKind::Manifest);
            outcome.entry.kind = kind;
        }
    }
    // A `.txt` found to be a requirements file is a manifest, not a document.
    if docs_file && kind != Some(FileKind::Manifest) {
        model_facts(&mut outcome, |m| m.docs_file(&rel, &text));
    }
    if txt_candidate && kind != Some(FileKind::Manifest) && !wants_text {
        return outcome;
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
            model_facts(&mut outcome, |m| m.script(&rel, kind, &text));
            if crate::model::builds::is_build_tool_text(&rel) {
                model_facts(&mut outcome, |m| m.build_tool_refs(&rel, &text));
            }
            return outcome;
        }
    }
    let Some(kind) = kind else {
        return outcome;
    };
    model_facts(&mut outcome, |m| m.script(&rel, Some(kind), &text));
    drop(rel);
    let file = SourceFile::with_path(outcome.entry.path.clone(), text);
    let cx = FileCx {
        file: &file,
        kind,
        role: roles::role_of(&file.path),
        config: cfg,
        helm: None,
    };
    outcome.scanned = true;
    let mut findings = Vec::new();
    let mut diags = Vec::new();
    {
        let _budget = crate::budget::start(crate::budget::file_budget());
        check_file(
            &cx,
            rules,
            plan_facts,
            &mut findings,
            &mut diags,
            &mut outcome,
            charts,
        );
        if crate::budget::was_exceeded()
            && !diags
                .iter()
                .any(|d| d.message.contains("budget") || d.message.contains("out of time"))
        {
            diags.push(Diagnostic {
                path: cx.file.path.to_string(),
                line: None,
                message: format!(
                    "time budget of {:?} for this file ran out while parsing; the remaining checks were skipped",
                    crate::budget::file_budget()
                ),
            });
        }
    }
    outcome.diagnostics.extend(diags);

    // Secrets of this file: every detector's spans and what secret rules reported.
    let mut spans = crate::redact::secret_spans(&file.text);
    spans.extend(
        findings
            .iter()
            .filter(|f| crate::redact::is_secret_rule(f.rule))
            .map(|f| f.span.clone()),
    );
    let spans = crate::redact::merge(spans);
    let mut values = crate::redact::values_of(&file.text, &spans);
    // Plain words are masked where a detector found them (the spans), not wherever
    // they appear (a password `oncall` would mask the service `oncall_ui`).
    values.retain(|v| crate::redact::worth_masking_by_value(v));

    // Positions, snippets (secrets masked), severity overrides, suppressions.
    outcome.suppressions = suppress::collect(&file);
    for mut f in findings {
        f.region = file.region(&f.span);
        if f.snippet.is_empty() {
            f.snippet = crate::redact::masked_line(&file, f.region.start.line, &spans).into();
        }
        crate::redact::mask_finding(&mut f, &values);
        f.severity = cfg.severity_for(f.rule, cap_for_role(cx.role, f.severity));
        if suppress::is_suppressed(&f, &outcome.suppressions) {
            outcome.suppressed += 1;
            continue;
        }
        outcome.findings.push(f);
    }
    outcome.secrets = values;
    outcome
}

/// A Helm chart template: rendered from the chart's `values.yaml` defaults and checked
/// by the Kubernetes rules, which report at the template or at the values line a value
/// came from; a note says how it was checked (what could not be rendered is left out,
/// never guessed: see [`crate::parse::helm`]).
fn check_helm_template(
    cx: &FileCx<'_>,
    chart: &crate::charts::LoadedChart,
    rules: &[Box<dyn Rule>],
    findings: &mut Vec<Finding>,
    diags: &mut Vec<Diagnostic>,
    outcome: &mut FileOutcome,
) {
    let path = cx.file.path.as_str();
    // One shared copy of the path for every finding of the file.
    let shared = cx.file.path.clone();
    let rendered = crate::parse::helm::render(&cx.file.text, &chart.chart);
    let file = SourceFile::new(path, rendered.text.clone());
    let view = rules::HelmView {
        rendered: &rendered,
        template: cx.file,
        values: &chart.values,
    };
    let hcx = FileCx {
        file: &file,
        kind: cx.kind,
        role: cx.role,
        config: cx.config,
        helm: Some(&view),
    };
    let defaults = if chart.has_values {
        format!("the defaults in `{}`", chart.values.path)
    } else {
        "no values (the chart has no readable `values.yaml`)".to_string()
    };
    let y = yaml::parse(&rendered.text);
    if y.refused.is_some() || y.error.is_some() {
        let line = y
            .error
            .as_ref()
            .map(|e| cx.file.lines.line_of(rendered.template_offset(e.start)) + 1);
        diags.push(Diagnostic {
            path: path.to_string(),
            line,
            message: format!(
                "Helm template rendered with {defaults} is not valid YAML there; not checked"
            ),
        });
        return;
    }
    let (mut workloads, mut partial) = (0, 0);
    let mut local = Vec::new();
    for doc in &y.documents {
        let Some(root) = &doc.root else { continue };
        if !is_k8s_object(root) {
            continue;
        }
        if let Some(pod) = embed::pod_spec(root) {
            workloads += 1;
            if hcx.gap_after(pod.span.start) {
                partial += 1;
            }
        }
        model_facts(outcome, |m| m.deploy_tool_doc(path, root));
        record_probe(outcome, root, &hcx);
        each_rule(rules, &shared, &mut local, diags, None, |r, s| {
            r.check_k8s(root, &hcx, s)
        });
    }
    // Findings reported in place (none of the k8s rules does today) move to the template.
    for mut f in local {
        f.span = hcx.locate(f.span.clone(), String::new()).span;
        findings.push(f);
    }
    let unknown: Vec<String> = rendered
        .unknown
        .iter()
        .take(3)
        .map(|(_, what)| format!("`{what}`"))
        .collect();
    let mut message =
        format!("Helm template rendered with {defaults} and checked: {workloads} workload(s)");
    if partial > 0 {
        message.push_str(&format!(
            ", {partial} with blocks not rendered (only what they set is checked, nothing reported missing)"
        ));
    }
    if !unknown.is_empty() {
        message.push_str(&format!(
            "; not rendered ({} place(s)): {}",
            rendered.gaps.len(),
            unknown.join(", ")
        ));
    }
    diags.push(Diagnostic {
        path: path.to_string(),
        line: None,
        message,
    });
}

/// What `status` reads of a compose file, a workflow or action, `dependabot.yml`, or a YAML file that
/// may hold Kubernetes objects (`manifest`): taken from any parse, also one the
/// rules skip (a template, a syntax error).
fn status_yaml_facts(
    outcome: &mut FileOutcome,
    cx: &FileCx<'_>,
    y: &yaml::YamlFile,
    manifest: bool,
) {
    match cx.kind {
        FileKind::Compose => model_facts(outcome, |m| m.compose_file(cx.file, y)),
        FileKind::Workflow => model_facts(outcome, |m| m.ci_file(cx.file, y, false)),
        FileKind::Action => model_facts(outcome, |m| m.ci_file(cx.file, y, true)),
        FileKind::Dependabot => model_facts(outcome, |m| m.dependabot(cx.file, y)),
        _ if manifest => model_facts(outcome, |m| m.k8s_manifest(cx.file, y)),
        _ => {}
    }
}

/// A source or configuration file no rule reads: read quietly (a file too large,
/// binary or not UTF-8 is left out, as a rule-less file is) only for what the model
/// learns from it.
fn read_for_model(abs: &Path, cfg: &Config, outcome: &mut FileOutcome) {
    let Ok(bytes) = crate::files::read_repo(abs, cfg.max_file_size) else {
        return;
    };
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return;
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let path = outcome.entry.path.clone();
    if crate::model::code::is_source(&path) {
        model_facts(outcome, |m| m.source_code(&path, text));
    }
    if crate::model::config_files::wanted(&path) {
        model_facts(outcome, |m| m.config_file(&path, text));
    }
    if crate::model::docs::is_docs_file(&path) {
        model_facts(outcome, |m| m.docs_file(&path, text));
    }
    if crate::model::builds::is_build_tool_text(&path) {
        model_facts(outcome, |m| m.build_tool_refs(&path, text));
    }
    model_facts(outcome, |m| m.script(&path, Some(FileKind::Text), text));
}

/// Test, vendored, generated, example, development/CI-only and archived files do not
/// ship the way production code does (a throwaway integration host, a copied library,
/// protobuf stubs, a tutorial, a developer's compose file, last year's notes): their
/// findings are reported at low at most, so a release gate on medium or high is about
/// shipped code (docs/severity.md, "Context"). A `[severity]` override in harden.toml
/// still applies on top.
pub fn cap_for_role(role: roles::FileRole, severity: Severity) -> Severity {
    if role.is_production() {
        severity
    } else {
        severity.min(Severity::Low)
    }
}

/// Findings in a directory whose README introduces it as examples (`Docker-Compose
/// Examples`, `# Sample deployments`) take an example's context, as `examples/` does by
/// name: `contrib/docker-compose/basic.yml` beside that README is a sample the reader
/// adapts, not what the project deploys. Only the file's own directory and its parents
/// below the root count (the root README titles the whole project).
fn cap_documented_examples(repo: &RepoCx<'_>, findings: &mut [Finding], cfg: &Config) {
    let mut known: HashMap<String, bool> = HashMap::new();
    for f in findings.iter_mut() {
        if f.severity <= Severity::Low
            || f.is_repository_level()
            || !roles::role_of(&f.path).is_production()
        {
            continue;
        }
        let mut dir = crate::model::paths::dir_of(&f.path);
        let mut documented = false;
        while !dir.is_empty() && !documented {
            documented = *known
                .entry(dir.to_string())
                .or_insert_with(|| readme_titles_examples(repo, dir));
            dir = crate::model::paths::dir_of(dir);
        }
        if documented {
            f.severity =
                cfg.severity_for(f.rule, cap_for_role(roles::FileRole::Example, f.severity));
        }
    }
}

/// Whether `dir`'s README opens with a heading naming examples or samples (`# Compose
/// examples`, or a title underlined with `===`/`---`); a first line of prose ("This
/// folder contains examples for how to deploy") or a demo (an application whose
/// purpose is to be shown) does not count.
fn readme_titles_examples(repo: &RepoCx<'_>, dir: &str) -> bool {
    [
        "README.md",
        "README.rst",
        "README.txt",
        "README",
        "readme.md",
    ]
    .iter()
    .map(|name| format!("{dir}/{name}"))
    .find(|p| repo.exists(p))
    .and_then(|p| repo.read_text(&p))
    .is_some_and(|text| {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = lines.next().unwrap_or("");
        let underlined = lines.next().is_some_and(|next| {
            next.len() >= 3 && (next.bytes().all(|b| b == b'=') || next.bytes().all(|b| b == b'-'))
        });
        let title = match first.strip_prefix('#') {
            Some(rest) => rest.trim_start_matches('#'),
            None if underlined => first,
            None => return false,
        };
        title.len() <= 80
            && title
                .to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| matches!(w, "example" | "examples" | "sample" | "samples"))
    })
}

/// A cross-file finding placed in a file takes that file's context, as per-file findings
/// do: a rule that forgets a test or example path cannot put it above low. A
/// repository-level finding has no file and keeps its severity.
fn cross_file_severity(f: &Finding) -> Severity {
    if f.is_repository_level() {
        f.severity
    } else {
        cap_for_role(roles::role_of(&f.path), f.severity)
    }
}

/// Runs one hook of every rule, turning a panic into a diagnostic.
fn each_rule<'r>(
    rules: &'r [Box<dyn Rule>],
    path: &FilePath,
    findings: &mut Vec<Finding>,
    diags: &mut Vec<Diagnostic>,
    map: Option<&crate::mapped::MappedText>,
    mut hook: impl FnMut(&'r dyn Rule, &mut Sink<'_>),
) {
    for rule in rules {
        if crate::budget::was_exceeded() {
            return;
        }
        let meta = rule.meta();
        let mut local = Vec::new();
        let ok = {
            let mut sink = Sink::new(meta, path, map, &mut local);
            catch_unwind(AssertUnwindSafe(|| hook(rule.as_ref(), &mut sink))).is_ok()
        };
        if crate::budget::exceeded() {
            diags.push(Diagnostic {
                path: path.to_string(),
                line: None,
                message: format!(
                    "time budget of {:?} for this file ran out in rule {}; the remaining checks were skipped",
                    crate::budget::file_budget(),
                    meta.id
                ),
            });
        }
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
    plan_facts: bool,
    findings: &mut Vec<Finding>,
    diags: &mut Vec<Diagnostic>,
    outcome: &mut FileOutcome,
    charts: &crate::charts::Charts,
) {
    let path = cx.file.path.as_str();
    // One shared copy of the path for every finding of the file.
    let shared = cx.file.path.clone();
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
            model_facts(outcome, |m| m.dockerfile(cx.file, &df));
            each_rule(rules, &shared, findings, diags, None, |r, s| {
                r.check_dockerfile(&df, cx, s)
            });
            // The RUN shells the Docker rules parsed (once, cached on `df`).
            for run in embed::dockerfile_runs(&df) {
                for script in &run.scripts {
                    each_rule(
                        rules,
                        &shared,
                        findings,
                        diags,
                        Some(&script.code),
                        |r, s| r.check_shell(script, cx, s),
                    );
                    model_facts(outcome, |m| m.shell_sourcing(path, cx.role, script));
                }
            }
        }
        FileKind::Compose
        | FileKind::Workflow
        | FileKind::Action
        | FileKind::Dependabot
        | FileKind::Yaml => {
            let workflow = matches!(cx.kind, FileKind::Workflow | FileKind::Action);
            let manifest =
                cx.kind == FileKind::Yaml && crate::model::kubernetes::may_be_manifest(path, text);
            if crate::model::template::marker_line(path, text, workflow).is_some() {
                let chart = (cx.kind == FileKind::Yaml
                    && text.contains("apiVersion")
                    && text.contains("kind"))
                .then(|| charts.for_template(path))
                .flatten();
                match chart {
                    Some(chart) => check_helm_template(cx, &chart, rules, findings, diags, outcome),
                    None => diags.push(Diagnostic {
                        path: path.to_string(),
                        line: None,
                        message:
                            "not parsed: a template (Helm/Jinja `{{ }}` outside quotes), not plain YAML"
                                .to_string(),
                    }),
                }
                outcome.model.template(path);
                if matches!(cx.kind, FileKind::Compose | FileKind::Dependabot)
                    || manifest
                    || workflow
                {
                    // `status` still counts what a templated compose file,
                    // manifest or workflow shows.
                    let y = yaml::parse(text);
                    status_yaml_facts(outcome, cx, &y, manifest);
                }
                return;
            }
            let y = yaml::parse(text);
            status_yaml_facts(outcome, cx, &y, manifest);
            if let Some(why) = &y.refused {
                outcome.parse_error = true;
                diags.push(Diagnostic {
                    path: path.to_string(),
                    line: None,
                    message: format!("YAML {why}; rules were not run on this file"),
                });
                return;
            }
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
                    each_rule(rules, &shared, findings, diags, None, |r, s| {
                        r.check_compose(&y, cx, s)
                    });
                    shells.extend(embed::compose_commands(&y));
                    model_facts(outcome, |m| m.compose(cx.file, &y));
                }
                FileKind::Workflow => {
                    each_rule(rules, &shared, findings, diags, None, |r, s| {
                        r.check_workflow(&y, cx, s)
                    });
                    shells.extend(embed::workflow_runs(&y));
                    outcome.workflow_facts = extract_workflow_facts(&y, cx, false);
                    model_facts(outcome, |m| m.workflow(cx.file, &y));
                    crate::workflows::commands::forget_parsed_runs();
                }
                FileKind::Action => {
                    each_rule(rules, &shared, findings, diags, None, |r, s| {
                        r.check_action(&y, cx, s)
                    });
                    shells.extend(embed::action_runs(&y));
                    outcome.workflow_facts = extract_workflow_facts(&y, cx, true);
                    model_facts(outcome, |m| m.workflow(cx.file, &y));
                    crate::workflows::commands::forget_parsed_runs();
                }
                FileKind::Dependabot => {
                    each_rule(rules, &shared, findings, diags, None, |r, s| {
                        r.check_dependabot(&y, cx, s)
                    });
                }
                _ => {
                    model_facts(outcome, |m| m.docs_config(cx.file, &y));
                    let kustomization = is_kustomization_name(path);
                    for doc in &y.documents {
                        let Some(root) = &doc.root else { continue };
                        if is_k8s_object(root) || kustomization {
                            model_facts(outcome, |m| m.deploy_tool_doc(path, root));
                            record_probe(outcome, root, cx);
                            each_rule(rules, &shared, findings, diags, None, |r, s| {
                                r.check_k8s(root, cx, s)
                            });
                            shells.extend(embed::k8s_commands(root));
                        }
                    }
                }
            }
        }
        FileKind::Python => {
            // Parsed on first need: a file whose rules all stop at its role or its
            // text (most tests) is never handed to tree-sitter.
            let py = PythonFile::new(text);
            each_rule(rules, &shared, findings, diags, None, |r, s| {
                r.check_python(&py, cx, s)
            });
            model_facts(outcome, |m| m.python(cx.file, &py, plan_facts));
            match py.parsed() {
                Some(Ok(tree)) if tree.root().has_error() => {
                    outcome.parse_error = true;
                    diags.push(Diagnostic {
                        path: path.to_string(),
                        line: None,
                        message: "Python syntax error (checked where it could be parsed)"
                            .to_string(),
                    });
                }
                Some(Err(why)) => {
                    outcome.parse_error = true;
                    diags.push(Diagnostic {
                        path: path.to_string(),
                        line: None,
                        message: format!(
                            "Python {why}; rules that read the syntax tree were not run on this file"
                        ),
                    });
                }
                _ => {}
            }
        }
        FileKind::Markdown => {
            each_rule(rules, &shared, findings, diags, None, |r, s| {
                r.check_markdown(cx, s)
            });
            model_facts(outcome, |m| m.markdown(cx.file));
        }
        FileKind::Manifest => {
            each_rule(rules, &shared, findings, diags, None, |r, s| {
                r.check_manifest(cx, s)
            });
            model_facts(outcome, |m| m.manifest_or_text(cx.file));
            model_facts(outcome, |m| m.dependency_manifest(path, text));
        }
        FileKind::Text => {
            model_facts(outcome, |m| m.manifest_or_text(cx.file));
        }
    }
    for e in &shells {
        let script = match ShellScript::parse_checked(e.code.clone(), e.origin) {
            Ok(s) => s,
            Err(why) => {
                outcome.parse_error = true;
                parse_diag(
                    diags,
                    e.code.to_host(0),
                    &format!("shell {why}; shell rules were not run on it"),
                );
                continue;
            }
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
        each_rule(
            rules,
            &shared,
            findings,
            diags,
            Some(&script.code),
            |r, s| r.check_shell(&script, cx, s),
        );
        model_facts(outcome, |m| m.shell_sourcing(path, cx.role, &script));
        let source = match e.origin {
            ShellOrigin::Script => Some(crate::model::Source::Script),
            ShellOrigin::WorkflowRun => Some(crate::model::Source::Workflow),
            _ => None,
        };
        if let Some(source) = source {
            model_facts(outcome, |m| m.shell(cx.file, &script, source));
        }
    }
    model_facts(outcome, |m| m.text_refs(cx.file, cx.kind));
    model_facts(outcome, |m| m.host_starts(cx.file));
    each_rule(rules, &shared, findings, diags, None, |r, s| {
        r.check_text(cx, s)
    });
}

/// The cross-file facts of a workflow or action; a panic while reading them loses
/// only these facts, never the scan.
fn extract_workflow_facts(
    y: &yaml::YamlFile,
    cx: &FileCx<'_>,
    action: bool,
) -> Option<crate::workflows::model::FileFacts> {
    catch_unwind(AssertUnwindSafe(|| {
        crate::workflows::model::extract(y, cx.file, action)
    }))
    .ok()
}

/// Adds what the repository model learns from one parse; a panic while reading
/// it loses only these facts, never the scan.
/// The first shipped workload container's probe of a Kubernetes document, as the
/// Kubernetes rules read workloads, into the model.
fn record_probe(outcome: &mut FileOutcome, doc: &yaml::YamlNode, cx: &FileCx<'_>) {
    model_facts(outcome, |m| {
        if let Some(at) = rules::k8s::first_probe(doc, cx) {
            m.k8s_probe(crate::model::ProbeSite {
                path: at.path.to_string(),
                span: at.span,
                region: at.region,
            });
        }
    });
}

fn model_facts(outcome: &mut FileOutcome, extract: impl FnOnce(&mut crate::model::Facts)) {
    let mut facts = crate::model::Facts::default();
    if catch_unwind(AssertUnwindSafe(|| extract(&mut facts))).is_ok() {
        outcome.model.extend(facts);
    }
}

fn first_error_offset(script: &ShellScript) -> usize {
    let mut stack = vec![script.root()];
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

/// A YAML document that is a Kubernetes object (defined in the model).
pub use crate::model::kubernetes::is_k8s_object;

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

/// The root `package.json`'s `packageManager` (or `devEngines.packageManager.name`):
/// whether `actions/setup-node` v5+ caches by default depends on it. A missing or
/// unreadable file names none.
fn root_package_manager(root: &Path) -> Option<String> {
    let text = crate::files::read_repo_file(root, "package.json").ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("packageManager")
        .and_then(|p| p.as_str())
        .or_else(|| {
            v.pointer("/devEngines/packageManager/name")
                .and_then(|p| p.as_str())
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding_at(path: &str, severity: Severity) -> Finding {
        Finding {
            rule: "test/rule",
            severity,
            message: Default::default(),
            path: path.into(),
            span: 0..0,
            region: Default::default(),
            snippet: Default::default(),
            related: crate::finding::RelatedList::new(),
            grouped: false,
            fix: None,
        }
    }

    #[test]
    fn cross_file_findings_take_their_files_context() {
        let capped = |path: &str| cross_file_severity(&finding_at(path, Severity::High));
        assert_eq!(capped("tests/e2e/docker-compose.yml"), Severity::Low);
        assert_eq!(capped("examples/k8s/deployment.yaml"), Severity::Low);
        assert_eq!(capped("deploy/docker-compose.yml"), Severity::High);
        assert_eq!(capped(crate::finding::REPOSITORY_PATH), Severity::High);
    }

    #[test]
    fn findings_sort_as_a_stable_sort_would() {
        // Equal keys told apart by severity and message: the order among them must
        // stay the one they came in.
        let mut findings = Vec::new();
        for i in 0..200usize {
            let path = ["b.sh", "a.sh", "c/d.yml", "a.sh"][i * 7 % 4];
            let severity = Severity::ALL_DESC[i % 5];
            let mut f = finding_at(path, severity);
            f.region.start.line = i * 13 % 5;
            f.message = ["x", "y"][i % 3 % 2].to_string().into();
            f.snippet = i.to_string().into();
            findings.push(f);
        }
        let mut expected = findings.clone();
        expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        sort_findings(&mut findings);
        let order = |v: &[Finding]| v.iter().map(|f| f.snippet.clone()).collect::<Vec<_>>();
        assert_eq!(order(&findings), order(&expected));
    }
}
