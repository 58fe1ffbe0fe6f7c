//! `harden fix`: apply the fixes rules attach to findings, safely.
//!
//! Rounds: scan, pick non-overlapping fixes per file, apply them in memory,
//! check the file still parses as well as before, write atomically (keeping
//! mode and line endings), then scan again until nothing changes (capped).
//! A fix whose result parses worse is rolled back and reported.

pub mod apply;
pub mod validate;
pub mod workflow;
pub mod write;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::config::Config;
use crate::engine::{self, ScanOptions, ScanReport};
use crate::finding::{Finding, Safety};

/// Rounds of scan → fix before giving up on convergence.
pub const MAX_ROUNDS: usize = 5;

/// What a fix run did.
#[derive(Debug, Default)]
pub struct FixOutcome {
    /// (rule, path, line, title) of every fix applied (or, in a dry run, that would be).
    pub applied: Vec<(String, String, usize, String)>,
    /// Unified diffs per file (dry run only).
    pub diffs: BTreeMap<String, String>,
    /// Files whose fixes were rolled back because the result no longer parsed.
    pub rolled_back: Vec<(String, String)>,
    /// Files that could not be written, with the reason.
    pub errors: Vec<String>,
    /// Rounds run.
    pub rounds: usize,
    /// Things worth saying that are neither fixes nor errors.
    pub notes: Vec<String>,
    /// The scan after the last round.
    pub final_report: ScanReport,
}

/// Options of a fix run (the library entry point used by the CLI and tests).
#[derive(Debug, Clone, Default)]
pub struct FixOptions {
    /// Only compute diffs.
    pub dry_run: bool,
    /// Apply unsafe fixes too.
    pub include_unsafe: bool,
    /// Restrict to these rule ids (empty: all).
    pub rules: Vec<String>,
}

fn wanted(f: &Finding, opts: &FixOptions) -> bool {
    let Some(fix) = &f.fix else { return false };
    (opts.include_unsafe || fix.safety == Safety::Safe)
        && (opts.rules.is_empty() || opts.rules.iter().any(|r| r == f.rule))
}

/// Runs fix rounds on `root`.
pub fn fix_repository(root: &Path, config: &Config, opts: &FixOptions) -> FixOutcome {
    let scan_opts = ScanOptions {
        root: root.to_path_buf(),
        config: config.clone(),
        threads: 0,
        scope: Default::default(),
        plan_facts: true,
    };
    let mut outcome = FixOutcome::default();
    let mut blocked: BTreeSet<String> = BTreeSet::new();
    let mut report = engine::scan(&scan_opts);
    if !opts.dry_run {
        let removed = remove_stale_temp_files(root, &report);
        if !removed.is_empty() {
            outcome.notes.push(format!(
                "removed {} temporary file(s) an interrupted run left: {}",
                removed.len(),
                removed.join(", ")
            ));
            report = engine::scan(&scan_opts);
        }
    }
    for round in 0..MAX_ROUNDS {
        outcome.rounds = round + 1;
        let mut by_path: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
        for f in report
            .findings
            .iter()
            .filter(|f| wanted(f, opts) && !blocked.contains(f.fix_path()))
        {
            by_path.entry(f.fix_path().to_string()).or_default().push(f);
        }
        if by_path.is_empty() {
            break;
        }
        let mut changed = false;
        for (path, findings) in by_path {
            let abs = match write::safe_path(root, &path) {
                Ok(p) => p,
                Err(e) => {
                    outcome.errors.push(e.to_string());
                    blocked.insert(path);
                    continue;
                }
            };
            let creating = std::fs::symlink_metadata(&abs).is_err();
            let before = if creating {
                // Only whole-file insertions may create a file (SECURITY.md, dependabot.yml).
                let all_inserts = findings.iter().all(|f| {
                    f.fix
                        .as_ref()
                        .is_some_and(|x| x.edits.iter().all(|e| e.range == (0..0)))
                });
                if !all_inserts {
                    blocked.insert(path);
                    continue;
                }
                String::new()
            } else {
                match crate::files::read_repo_text(&abs, crate::files::AUX_LIMIT) {
                    Ok(t) => t,
                    Err(e) => {
                        outcome.errors.push(format!("{path}: cannot read: {e}"));
                        blocked.insert(path);
                        continue;
                    }
                }
            };
            let fixes: Vec<&[crate::finding::Edit]> = findings
                .iter()
                .map(|f| f.fix.as_ref().map_or(&[][..], |x| x.edits.as_slice()))
                .collect();
            let (chosen, edits) = apply::select_non_overlapping(&fixes);
            let Some(after) = apply::apply_edits(&before, &edits) else {
                outcome.errors.push(format!(
                    "{path}: fixes did not apply cleanly; left unchanged"
                ));
                blocked.insert(path);
                continue;
            };
            if after == before {
                blocked.insert(path);
                continue;
            }
            if validate::syntax_errors(&path, &after) > validate::syntax_errors(&path, &before) {
                let titles: Vec<String> = chosen
                    .iter()
                    .filter_map(|i| findings[*i].fix.as_ref().map(|x| x.title.to_string()))
                    .collect();
                outcome.rolled_back.push((path.clone(), titles.join("; ")));
                blocked.insert(path);
                continue;
            }
            // Counted as fixed only once written (or, in a dry run, shown).
            let applied: Vec<(String, String, usize, String)> = chosen
                .iter()
                .map(|i| {
                    let f = findings[*i];
                    let title = f
                        .fix
                        .as_ref()
                        .map(|x| x.title.to_string())
                        .unwrap_or_default();
                    (f.rule.to_string(), path.clone(), f.region.start.line, title)
                })
                .collect();
            if opts.dry_run {
                outcome.applied.extend(applied);
                let diff = similar::TextDiff::from_lines(&before, &after)
                    .unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
                    .to_string();
                // Context lines show the file as it is: mask its secrets (of any length).
                let mut values =
                    crate::redact::values_of(&before, &crate::redact::secret_spans(&before));
                values.extend(crate::redact::values_of(
                    &after,
                    &crate::redact::secret_spans(&after),
                ));
                let diff = crate::redact::mask_values(&diff, &values).into_owned();
                outcome.diffs.insert(path, diff);
                continue;
            }
            match write::write_atomic_keep_mode(&abs, after.as_bytes()) {
                Ok(()) => {
                    outcome.applied.extend(applied);
                    changed = true;
                }
                Err(e) => {
                    outcome.errors.push(format!("{path}: {e}"));
                    blocked.insert(path);
                }
            }
        }
        if opts.dry_run || !changed {
            break;
        }
        report = engine::scan(&scan_opts);
    }
    if opts.rules.is_empty() || opts.rules.iter().any(|r| r == "actions/unpinned-uses") {
        for action in unknown_pins(&report, config) {
            outcome
                .notes
                .push(format!("no pin known for {action}; pass --pins"));
        }
    }
    outcome.final_report = report;
    outcome
}

/// Writes (or, in a dry run, shows) `.github/workflows/security.yml` with the parts the
/// repository lacks. An existing file at that path is never overwritten.
pub fn add_security_workflow(
    root: &Path,
    config: &Config,
    opts: &FixOptions,
    outcome: &mut FixOutcome,
) {
    let path = workflow::WORKFLOW_PATH;
    let inventory = &outcome.final_report.inventory;
    let Some(text) =
        workflow::security_workflow(root, inventory, crate::actions_pins::PinTable::bundled())
    else {
        outcome.notes.push("security workflow: the repository already has dependency review, Trivy, an SBOM and secret scanning".into());
        return;
    };
    let abs = match write::safe_path(root, path) {
        Ok(p) => p,
        Err(e) => {
            outcome.errors.push(e.to_string());
            return;
        }
    };
    if std::fs::symlink_metadata(&abs).is_ok() {
        outcome
            .notes
            .push(format!("security workflow: {path} exists; not overwritten"));
        return;
    }
    let applied = (
        "workflow/security".to_string(),
        path.to_string(),
        1,
        "Add a security workflow".to_string(),
    );
    if opts.dry_run {
        outcome.applied.push(applied);
        let diff = similar::TextDiff::from_lines("", &text)
            .unified_diff()
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        outcome.diffs.insert(path.to_string(), diff);
        return;
    }
    if let Err(e) = write::write_atomic_keep_mode(&abs, text.as_bytes()) {
        outcome.errors.push(format!("{path}: {e}"));
        return;
    }
    outcome.applied.push(applied);
    outcome.final_report = engine::scan(&ScanOptions {
        root: root.to_path_buf(),
        config: config.clone(),
        threads: 0,
        scope: Default::default(),
        plan_facts: true,
    });
}

/// Points `[fix] pins` at `file` (made absolute), after checking it parses.
pub fn set_pins(config: &mut Config, file: &Path) -> Result<(), String> {
    let abs = std::path::absolute(file).map_err(|e| format!("{}: {e}", file.display()))?;
    crate::actions_pins::load_user_pins(&abs)?;
    let section = config
        .extra
        .entry("fix".to_string())
        .or_insert_with(|| toml::Value::Table(toml::map::Map::new()));
    if !section.is_table() {
        *section = toml::Value::Table(toml::map::Map::new());
    }
    if let toml::Value::Table(t) = section {
        t.insert(
            "pins".to_string(),
            toml::Value::String(abs.to_string_lossy().into_owned()),
        );
    }
    Ok(())
}

/// Actions `actions/unpinned-uses` still reports with no fix: the pin table does not know them.
fn unknown_pins(report: &ScanReport, config: &Config) -> BTreeSet<String> {
    let pins = crate::actions_pins::table_for(config);
    // One finding covers a file's references: the first in its snippet, the
    // others as related locations whose messages start with the action.
    let first_action = |snippet: &str| {
        let value = snippet.split("uses:").nth(1)?.split('#').next()?.trim();
        match crate::workflows::wf::parse_uses(value) {
            crate::workflows::wf::UsesRef::Repo { action, .. } => Some(action),
            _ => None,
        }
    };
    let named = |message: &str| {
        let rest = message.strip_prefix('`')?;
        Some(rest[..rest.find('`')?].to_string())
    };
    report
        .findings
        .iter()
        .filter(|f| f.rule == "actions/unpinned-uses")
        .flat_map(|f| {
            let mut actions: Vec<String> = first_action(&f.snippet).into_iter().collect();
            actions.extend(f.related.iter().filter_map(|r| named(&r.message)));
            actions
        })
        .filter(|action| !action.contains(':') && !pins.knows(action))
        .collect()
}

/// Removes temporary files an interrupted run (`kill -9` while writing) left in the
/// tree, so `git add -A` does not commit them: regular files named
/// `.NAME.harden-tmp-PID` whose process is gone.
pub fn remove_stale_temp_files(root: &Path, report: &ScanReport) -> Vec<String> {
    let mut removed = Vec::new();
    for e in &report.inventory {
        let name = e.path.rsplit('/').next().unwrap_or(&e.path);
        let Some(pid) = crate::files::temp_file_pid(name) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let Some(abs) = crate::paths::to_path(root, &e.path) else {
            continue;
        };
        if crate::files::is_regular_file(&abs) && std::fs::remove_file(&abs).is_ok() {
            removed.push(e.path.to_string());
        }
    }
    removed
}

/// Whether a process with this id runs (Linux `/proc`; elsewhere assume it does,
/// so nothing in use is removed).
fn process_alive(pid: u32) -> bool {
    if !Path::new("/proc/self").exists() {
        return true;
    }
    Path::new(&format!("/proc/{pid}")).exists()
}
