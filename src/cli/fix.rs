//! `harden fix` as a command: its arguments, the git-tree checks before anything is
//! written, and the summary it prints. The fixing itself is `crate::fix`, which knows
//! nothing of the command line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clap::Args;

use crate::cli::{self, CommonArgs};
use crate::config::Config;
use crate::finding::Safety;
use crate::fix::{add_security_workflow, fix_repository, set_pins, FixOptions, FixOutcome};

/// Arguments of `harden fix`.
#[derive(Args, Debug)]
pub struct FixArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// Print unified diffs and change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also apply fixes that can change behaviour (each says why).
    #[arg(long = "unsafe")]
    include_unsafe: bool,
    /// Only fixes of this rule (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    rules: Vec<String>,
    /// Fix even when the git tree has uncommitted changes.
    #[arg(long)]
    allow_dirty: bool,
    /// Fix even when PATH is not inside a git repository.
    #[arg(long)]
    allow_no_vcs: bool,
    /// Also write a workflow the repository lacks (`security`: dependency review,
    /// Trivy with SARIF upload, SBOM, gitleaks — only the missing parts).
    #[arg(long, value_name = "KIND", value_parser = ["security"])]
    add_workflow: Option<String>,
    /// An action pin table shaped like `data/action-pins.json`, merged over the bundled
    /// one for `actions/unpinned-uses` (same as `[fix] pins = "FILE"` in harden.toml).
    #[arg(long, value_name = "FILE")]
    pins: Option<std::path::PathBuf>,
}

/// Whether `root` is in a git work tree, and which tracked files have unstaged
/// changes; read from `.git` without running git ([`crate::vcs`]), since git would
/// run the repository's fsmonitor, hooks and filters.
fn git_state(root: &Path) -> Option<Result<Vec<String>, String>> {
    let repo = crate::vcs::discover(root)?;
    Some(crate::vcs::unstaged_changes(&repo))
}

/// Runs `harden fix`.
pub fn run(args: FixArgs) -> i32 {
    let root = &args.common.path;
    if !root.is_dir() {
        return cli::error(format!("{}: not a directory", root.display()));
    }
    let mut config = match Config::load(root, args.common.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return cli::error(e),
    };
    if let Some(pins) = &args.pins {
        if let Err(e) = set_pins(&mut config, pins) {
            return cli::error(e);
        }
    } else if let Some(p) = crate::actions_pins::user_pins_path(&config) {
        if let Err(e) = crate::actions_pins::load_user_pins(&p) {
            return cli::error(format!("[fix] pins: {e}"));
        }
    }
    if !args.dry_run {
        match git_state(root) {
            None if !args.allow_no_vcs => {
                return cli::error(format!(
                    "{} is not in a git repository; commit your work somewhere first, or pass --allow-no-vcs",
                    root.display()
                ))
            }
            Some(Ok(changed)) if !changed.is_empty() && !args.allow_dirty => {
                let shown: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
                let more = if changed.len() > 5 { ", …" } else { "" };
                return cli::error(format!(
                    "the git tree has uncommitted changes ({}{more}); commit or stash them, or pass --allow-dirty",
                    shown.join(", ")
                ));
            }
            Some(Err(e)) if !args.allow_dirty => {
                return cli::error(format!(
                    "cannot tell whether the git tree is clean ({e}); pass --allow-dirty to fix anyway"
                ));
            }
            _ => {}
        }
    }
    let opts = FixOptions {
        dry_run: args.dry_run,
        include_unsafe: args.include_unsafe,
        rules: args.rules.clone(),
    };
    let mut outcome = fix_repository(root, &config, &opts);
    cli::warn_incomplete(&outcome.final_report);
    if args.add_workflow.is_some() {
        add_security_workflow(root, &config, &opts, &mut outcome);
    }
    let res = cli::emit_masked(None, &outcome.final_report.secrets, |w| {
        render_summary(&outcome, &opts, w)
    });
    match res {
        Ok(()) if outcome.errors.is_empty() => cli::EXIT_OK,
        Ok(()) => cli::EXIT_ERROR,
        Err(c) => c,
    }
}

fn render_summary(
    o: &FixOutcome,
    opts: &FixOptions,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use crate::text::{term_safe, term_safe_lines};
    for diff in o.diffs.values() {
        write!(w, "{}", term_safe_lines(diff))?;
    }
    let verb = if opts.dry_run { "would fix" } else { "fixed" };
    let files: BTreeSet<&str> = o.applied.iter().map(|a| a.1.as_str()).collect();
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &o.applied {
        *by_rule.entry(a.0.as_str()).or_default() += 1;
    }
    writeln!(
        w,
        "harden fix: {verb} {} finding(s) in {} file(s)",
        o.applied.len(),
        files.len()
    )?;
    for (rule, n) in &by_rule {
        writeln!(w, "  {n:>4}  {rule}")?;
    }
    for (path, titles) in &o.rolled_back {
        writeln!(
            w,
            "rolled back {}: the result no longer parsed ({})",
            term_safe(path),
            term_safe(titles)
        )?;
    }
    for e in &o.errors {
        writeln!(w, "error: {}", term_safe(e))?;
    }
    for n in &o.notes {
        writeln!(w, "note: {}", term_safe(n))?;
    }
    if opts.dry_run {
        return Ok(());
    }
    let mut unsafe_left: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    let mut manual = 0usize;
    for f in &o.final_report.findings {
        match &f.fix {
            Some(fix) if fix.safety == Safety::Unsafe && !opts.include_unsafe => {
                let e = unsafe_left
                    .entry(f.rule)
                    .or_insert((0, fix.caveat.as_str()));
                e.0 += 1;
            }
            Some(_) => {}
            None => manual += 1,
        }
    }
    if !unsafe_left.is_empty() {
        writeln!(w, "left for --unsafe (they can change behaviour):")?;
        for (rule, (n, caveat)) in &unsafe_left {
            writeln!(w, "  {n:>4}  {rule}: {caveat}")?;
        }
    }
    writeln!(
        w,
        "{} finding(s) remain, {manual} with no automated fix (see `harden scan` and `harden plan`)",
        o.final_report.findings.len()
    )
}
