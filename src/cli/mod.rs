//! Command-line interface. Exit codes: 0 nothing at or above `--fail-on`,
//! 1 findings at or above it, 2 usage, config or I/O error.

pub mod fix;
pub mod plan;
pub mod status;
pub mod views;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::engine::{self, ScanOptions, ScanReport, Scope};
use crate::finding::Severity;
use crate::output::{self, Format};
use crate::parse::git_index::WorkTree;
use crate::rules;

/// Exit code: nothing at or above the threshold.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings at or above the threshold.
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage, config or I/O error.
pub const EXIT_ERROR: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "harden",
    version,
    about = "Audit a repository for production readiness and drive it there."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report problems with file:line evidence.
    Scan(ScanArgs),
    /// Readiness controls: done / partial / missing, with evidence and scores.
    Status(status::StatusArgs),
    /// Phased remediation plan with effort, dependencies and a schedule.
    Plan(plan::PlanArgs),
    /// Record today's findings so `scan --baseline` shows only new ones.
    Baseline(plan::BaselineArgs),
    /// Apply the fixes that are safe to automate.
    Fix(fix::FixArgs),
    /// Software bill of materials from lockfiles.
    Sbom(crate::sbom::SbomArgs),
    /// Probe a running service: health, readiness, metrics, headers, TLS (the
    /// only command that touches a network: the URL given).
    Probe(crate::probe::ProbeArgs),
    /// Merge many repositories' scan and status results into one dashboard
    /// (`--org RESULT...`; docs/org-audit.md).
    Report(crate::org::ReportArgs),
    /// List every rule.
    Rules,
    /// Print a rule's rationale, examples and fix.
    Explain {
        /// Rule id, e.g. shell/unsafe-rm.
        rule: String,
    },
}

/// Arguments every command that scans shares.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Repository to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Config file (default: PATH/harden.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Worker threads (default: number of CPUs).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

#[derive(Args, Debug)]
struct ScanArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// More files to scan: `harden scan FILE...` checks those files only, as a
    /// pre-commit hook passes them (a directory is scanned alone).
    #[arg(value_name = "FILE")]
    more: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Terminal)]
    format: Format,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long, default_value = "high", value_parser = parse_severity)]
    fail_on: Severity,
    /// Write the report to a file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// OSV records (a directory of JSON files or an `all.zip` export) to match
    /// lockfiles against, offline; overrides `[osv] source` in harden.toml.
    #[arg(long, value_name = "SOURCE")]
    osv: Option<PathBuf>,
    /// Base URL of the running service, for `--format html|markdown`: the readiness
    /// section then shows what it answered for the health, readiness and metrics
    /// controls (the scan's only network access, to this URL alone).
    #[arg(long, value_name = "URL")]
    probe: Option<String>,
    /// Report only findings not recorded in this baseline (`harden baseline`).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Report only this rule's findings (repeatable; `family/*` for a family): with
    /// `--fail-on info`, the check that a plan task is done.
    #[arg(long = "rule", value_name = "ID")]
    rules: Vec<String>,
    /// Leave out this rule's findings (repeatable; `family/*` for a family).
    #[arg(long = "exclude-rule", value_name = "ID")]
    exclude_rules: Vec<String>,
    /// Report only findings at or above this severity.
    #[arg(long, value_name = "LEVEL", value_parser = parse_severity)]
    min_severity: Option<Severity>,
    /// Scan the whole repository PATH is part of: from a subdirectory of a git work
    /// tree, its top (as `status` and `plan` do), so a check such as a plan task's
    /// "done when" command means the same wherever it is run.
    #[arg(long)]
    repository: bool,
    /// Order of the findings in the terminal and concise formats: most severe first,
    /// or grouped by file.
    #[arg(long, value_enum, default_value_t = output::SortOrder::Severity)]
    sort: output::SortOrder,
}

/// Whether `pattern` (`family/name` or `family/*`) names rules of the catalog.
fn known_rule_pattern(pattern: &str) -> bool {
    rules::catalog()
        .iter()
        .any(|m| rule_selected(pattern, m.id))
}

/// Whether rule `id` is selected by `pattern` (`family/name`, or `family/*`).
fn rule_selected(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(family) => id.split('/').next() == Some(family),
        None => pattern == id,
    }
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// Runs the CLI and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Scan(args) => cmd_scan(args),
        Command::Status(mut args) => {
            args.common.path = whole_repository(&args.common.path, "status");
            status::run_cli(args, &crate::probe::StatusProber)
        }
        Command::Plan(mut args) => {
            args.common.path = whole_repository(&args.common.path, "plan");
            plan::run(args, &crate::probe::StatusProber)
        }
        Command::Baseline(mut args) => {
            args.common.path = whole_repository(&args.common.path, "baseline");
            plan::run_baseline(args)
        }
        Command::Fix(mut args) => {
            args.common.path = whole_repository(&args.common.path, "fix");
            fix::run(args)
        }
        Command::Sbom(args) => crate::sbom::run_cli(args),
        Command::Probe(args) => crate::probe::run_cli(args),
        Command::Report(args) => crate::org::run_cli(args),
        Command::Rules => cmd_rules(),
        Command::Explain { rule } => cmd_explain(&rule),
    }
}

/// Placeholder for a command whose implementation has not landed.
pub fn not_yet(cmd: &str) -> i32 {
    error(format!("`harden {cmd}` is not available in this build"))
}

/// Prints an error and returns the error exit code.
pub fn error(msg: impl std::fmt::Display) -> i32 {
    eprintln!("harden: error: {msg}");
    EXIT_ERROR
}

/// Loads config and runs the scan shared by every command that needs findings.
pub fn load_and_scan(common: &CommonArgs) -> Result<ScanReport, i32> {
    load_and_scan_with(common, |_| Ok(()))
}

/// Like [`load_and_scan`], letting the command adjust the loaded config first.
pub fn load_and_scan_with(
    common: &CommonArgs,
    adjust: impl FnOnce(&mut Config) -> Result<(), String>,
) -> Result<ScanReport, i32> {
    let root = &common.path;
    if let Err(e) = std::fs::metadata(root) {
        return Err(error(path_error(root, &e)));
    }
    if !root.is_dir() {
        return Err(error(format!("{}: not a directory", root.display())));
    }
    scan_scoped(common, Scope::Repository, true, adjust)
}

/// "PATH: no such file or directory", or the error as the system words it.
fn path_error(path: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        format!("{}: no such file or directory", path.display())
    } else {
        format!("{}: {e}", path.display())
    }
}

/// Loads config and scans `common.path` (a directory) for `scope`; `plan_facts`
/// when the output will show a plan ([`ScanOptions::plan_facts`]).
fn scan_scoped(
    common: &CommonArgs,
    scope: Scope,
    plan_facts: bool,
    adjust: impl FnOnce(&mut Config) -> Result<(), String>,
) -> Result<ScanReport, i32> {
    let root = &common.path;
    let mut config = Config::load(root, common.config.as_deref()).map_err(error)?;
    adjust(&mut config).map_err(error)?;
    let opts = ScanOptions {
        root: root.clone(),
        config,
        threads: common.threads,
        scope,
        plan_facts,
    };
    let report = engine::scan(&opts);
    warn_incomplete(&report);
    Ok(report)
}

/// A scan that could not read part of the tree must not pass a gate silently: say
/// so on stderr, whatever the format (the counts are in every format too).
pub fn warn_incomplete(report: &ScanReport) {
    use crate::engine::SkipReason;
    let n = |r| report.stats.files_skipped.get(&r).copied().unwrap_or(0);
    let (files, dirs) = (n(SkipReason::Unreadable), n(SkipReason::UnreadableDir));
    if files + dirs == 0 {
        return;
    }
    let mut parts = Vec::new();
    if dirs > 0 {
        parts.push(format!(
            "{dirs} director{} could not be listed",
            if dirs == 1 { "y" } else { "ies" }
        ));
    }
    if files > 0 {
        parts.push(format!(
            "{files} file{} could not be read (permissions, FIFOs, devices)",
            if files == 1 { "" } else { "s" }
        ));
    }
    eprintln!(
        "harden: warning: {}; the result is incomplete (the notes name them)",
        parts.join(" and ")
    );
}

pub use crate::text::FIXED_WIDTH;

/// The width to wrap text to: the terminal's when stdout is one (and the report is
/// not written to a file), else [`FIXED_WIDTH`].
pub fn output_width(to_file: bool) -> usize {
    let tty = !to_file && std::io::stdout().is_terminal();
    width_for(
        tty,
        terminal_size::terminal_size().map(|(w, _)| w.0),
        std::env::var("COLUMNS").ok().as_deref(),
    )
}

/// [`output_width`] from what it reads: on a terminal, its size, else `COLUMNS`
/// (set by shells), else the fixed width; never below 40 columns.
pub fn width_for(tty: bool, term_cols: Option<u16>, columns_env: Option<&str>) -> usize {
    if !tty {
        return FIXED_WIDTH;
    }
    term_cols
        .map(usize::from)
        .filter(|&w| w > 0)
        .or_else(|| {
            columns_env
                .and_then(|c| c.trim().parse().ok())
                .filter(|&w| w > 0)
        })
        .unwrap_or(FIXED_WIDTH)
        .max(40)
}

/// Whether to colour output: a terminal, and `NO_COLOR` unset.
pub fn use_color(to_file: bool) -> bool {
    !to_file
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

/// Writes rendered output to a file ([`crate::files::write_output`]: atomic for a
/// regular file, in place for a device or pipe) or stdout; a closed pipe is not an error.
pub fn emit(
    output: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), i32> {
    emit_masked(output, &crate::redact::SecretSet::default(), render)
}

/// [`emit`], with every secret value the scan saw masked in the bytes written, in
/// whatever format ([`crate::redact::RedactingWriter`]).
pub fn emit_masked(
    output: Option<&Path>,
    secrets: &crate::redact::SecretSet,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), i32> {
    let masked = |w: &mut dyn Write,
                  render: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>| {
        if secrets.is_empty() {
            return render(w);
        }
        let mut r = secrets.writer(w);
        render(&mut r)?;
        r.flush()
    };
    let mut render = Some(render);
    let mut call = |w: &mut dyn Write| match render.take() {
        Some(f) => f(w),
        None => Ok(()),
    };
    match output {
        Some(path) => crate::files::write_output_with(path, &mut |w| masked(w, &mut call))
            .map_err(|e| error(format!("{}: {e}", path.display()))),
        None => {
            // Buffered: stdout alone flushes at every newline, one system call per
            // line of a pretty-printed report (a million on a large tree).
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            match masked(&mut out, &mut call).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(error(e)),
            }
        }
    }
}

fn cmd_scan(args: ScanArgs) -> i32 {
    for (flag, patterns) in [
        ("--rule", &args.rules),
        ("--exclude-rule", &args.exclude_rules),
    ] {
        if let Some(bad) = patterns.iter().find(|r| !known_rule_pattern(r)) {
            return error(format!(
                "{flag} {bad}: no such rule or family; `harden rules` lists them"
            ));
        }
    }
    let first = if args.repository {
        if !args.more.is_empty() {
            return error("--repository scans one directory's whole repository; name no files");
        }
        repository_top(&args.common.path)
    } else {
        args.common.path.clone()
    };
    let targets: Vec<PathBuf> = std::iter::once(first)
        .chain(args.more.iter().cloned())
        .collect();
    let (root, scope) = match resolve_targets(&targets) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let common = CommonArgs {
        path: root,
        ..args.common.clone()
    };
    let whole = scope.is_whole();
    if args.probe.is_some() && !(whole && matches!(args.format, Format::Html | Format::Markdown)) {
        return error(
            "--probe shows live evidence in the readiness section of a whole repository's \
             --format html or markdown report"
                .to_string(),
        );
    }
    let osv = args.osv.clone();
    let mut report = match scan_scoped(&common, scope, shows_plan(args.format), |cfg| {
        if let Some(src) = osv {
            crate::osv::set_source(cfg, &src)?;
        }
        Ok(())
    }) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // The filters decide what is reported, and the exit code follows what is reported.
    report.findings.retain(|f| {
        (args.rules.is_empty() || args.rules.iter().any(|p| rule_selected(p, f.rule)))
            && !args.exclude_rules.iter().any(|p| rule_selected(p, f.rule))
            && args.min_severity.is_none_or(|min| f.severity >= min)
    });
    if let Some(path) = &args.baseline {
        match crate::plan::baseline::Baseline::load(path) {
            Ok(b) => report.findings = b.filter_new(std::mem::take(&mut report.findings)).0,
            Err(e) => return error(e),
        }
    }
    let opts = output::RenderOptions {
        color: use_color(args.output.is_some()),
        root: Some(common.path.clone()),
        extras: match report_extras(args.format, &common, &report, whole, args.probe.as_deref()) {
            Ok(extras) => extras,
            Err(code) => return code,
        },
        sort: args.sort,
    };
    // Diagnostics are no finding: the human formats leave them to stderr, the machine
    // formats (JSON, SARIF, GitHub annotations, HTML) carry them as data.
    if matches!(
        args.format,
        Format::Terminal | Format::Concise | Format::Markdown
    ) && !report.diagnostics.is_empty()
    {
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::io::stderr().is_terminal();
        let stderr = std::io::stderr();
        let mut lock = stderr.lock();
        let mut masked = report.secrets.writer(&mut lock);
        let _ = output::terminal::render_notes(&report, color, &mut masked);
        let _ = masked.flush();
    }
    if let Err(code) = emit_masked(args.output.as_deref(), &report.secrets, |w| {
        output::render_with(args.format, &report, &opts, w)
    }) {
        return code;
    }
    if report.findings.iter().any(|f| f.severity >= args.fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Where a scan of `targets` is rooted and what it reads. One directory is scanned
/// whole: a repository, or a part of a larger one (a `.git` in a directory above,
/// whose index tracks files under it: the file system is read, git is not run). Files are
/// scanned alone, rooted at the work tree they are in (so paths, workflow locations
/// and harden.toml are the repository's), else at the current directory, else at
/// their common directory. A path that does not exist is an error.
fn resolve_targets(targets: &[PathBuf]) -> Result<(PathBuf, Scope), i32> {
    for t in targets {
        if let Err(e) = std::fs::symlink_metadata(t) {
            return Err(error(path_error(t, &e)));
        }
    }
    if let [one] = targets {
        if one.is_dir() {
            let scope = if larger_work_tree(one).is_some() {
                Scope::Subtree
            } else {
                Scope::Repository
            };
            return Ok((one.clone(), scope));
        }
    }
    let mut files = Vec::with_capacity(targets.len());
    for t in targets {
        if t.is_dir() {
            return Err(error(format!(
                "{}: a directory among several paths; name files, or one directory alone",
                t.display()
            )));
        }
        let parent = match t.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let (Ok(dir), Some(name)) = (std::fs::canonicalize(parent), t.file_name()) else {
            return Err(error(format!(
                "{}: cannot resolve its directory",
                t.display()
            )));
        };
        // The directory resolved, the file itself as it is (a link is not followed).
        files.push(dir.join(name));
    }
    Ok((files_root(&files), Scope::Files(files)))
}

/// Whether directory `dir` (canonical, below `wt.top`) is part of that repository:
/// git tracks a file under it. A project in a home directory kept under git for its
/// dotfiles is a repository of its own, not a part of that one. An index that cannot
/// be read is taken at its `.git`'s word.
fn part_of(wt: &WorkTree, dir: &Path) -> bool {
    let Some(rel) = crate::paths::relative(&wt.top, dir) else {
        return false;
    };
    let prefix = format!("{rel}/");
    match wt.tracked() {
        Ok(paths) => paths.iter().any(|p| p.starts_with(&prefix)),
        Err(_) => true,
    }
}

/// The work tree that directory `dir` is a part of, below its top (not its top, and
/// not a repository of its own nested inside: see [`part_of`]).
fn larger_work_tree(dir: &Path) -> Option<WorkTree> {
    let wt = WorkTree::find(dir)?;
    let dir = std::fs::canonicalize(dir).ok()?;
    (dir != wt.top && part_of(&wt, &dir)).then_some(wt)
}

/// The repository `path` belongs to, for the commands that judge a whole repository
/// (`status`, `plan`, `baseline`, `fix`): run from a subdirectory of a git work tree, they
/// would report every repository-level control (CI, Dependabot, the security policy)
/// missing and plan work that is already done. `path` itself when it was named (not
/// `.`), is the top of its work tree, in none, or not a part of the one above (see
/// [`part_of`]); a note on stderr says when the root moved.
fn whole_repository(path: &Path, command: &str) -> PathBuf {
    // A directory named on the command line is what the user asked about (a fixture
    // repository or a package kept inside another repository); only the default,
    // the current directory, moves up.
    if path != Path::new(".") {
        return path.to_path_buf();
    }
    let Some(wt) = larger_work_tree(path).filter(|_| path.is_dir()) else {
        return path.to_path_buf();
    };
    eprintln!(
        "note: {} is inside the repository at {}; {command} covers the whole repository",
        path.display(),
        wt.top.display()
    );
    wt.top
}

/// For `scan --repository`: the top of the work tree `path` is a part of (named or
/// not), else `path`.
fn repository_top(path: &Path) -> PathBuf {
    match larger_work_tree(path).filter(|_| path.is_dir()) {
        Some(wt) => wt.top,
        None => path.to_path_buf(),
    }
}

/// The root for a scan of `files` (absolute): their work tree's top, else the
/// current directory, else their deepest common directory.
fn files_root(files: &[PathBuf]) -> PathBuf {
    let parents: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    let holds_all = |d: &Path| parents.iter().all(|p| p.starts_with(d));
    if let Some(wt) = parents.first().and_then(|p| WorkTree::find(p)) {
        if holds_all(&wt.top) {
            return wt.top;
        }
    }
    if let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) {
        if holds_all(&cwd) {
            return cwd;
        }
    }
    let mut common = parents.first().map(|p| p.to_path_buf()).unwrap_or_default();
    while !holds_all(&common) && common.pop() {}
    common
}

/// The readiness status and the plan, for the formats that show them (HTML and
/// Markdown both; the terminal shows the plan's first tasks). The status judges a
/// whole repository: a scan of part of one (`whole` false) has none. With `probe`,
/// the status shows what the running service answered (as `status --probe`); a
/// service that cannot be reached is an error, as there.
fn report_extras(
    format: Format,
    common: &CommonArgs,
    report: &ScanReport,
    whole: bool,
    probe: Option<&str>,
) -> Result<output::ReportExtras, i32> {
    use crate::status::live::LiveProber;
    let mut extras = output::ReportExtras::default();
    if matches!(format, Format::Html | Format::Markdown) {
        extras.project = Some(crate::plan::project_name(&common.path));
    }
    if whole && matches!(format, Format::Html | Format::Markdown) {
        if let Ok(config) = Config::load(&common.path, common.config.as_deref()) {
            let mut status = crate::status::assess(&common.path, report, &config);
            if let Some(url) = probe {
                match crate::probe::StatusProber.probe(&status, url) {
                    Ok(checks) => crate::status::live::apply(&mut status, &checks),
                    Err(e) => return Err(error(e)),
                }
            }
            extras.status = Some(views::status_view(&status));
        }
    }
    if shows_plan(format) && (format != Format::Terminal || !report.findings.is_empty()) {
        let plan = crate::plan::build_plan(report, &crate::plan::model::PlanOptions::default());
        extras.plan = Some(views::plan_view(&plan));
    }
    Ok(extras)
}

/// Whether a report in `format` can show the plan (the terminal report shows it
/// when there are findings).
fn shows_plan(format: Format) -> bool {
    matches!(format, Format::Html | Format::Markdown | Format::Terminal)
}

fn cmd_rules() -> i32 {
    let catalog = rules::catalog();
    let res = emit(None, |w| {
        let width = catalog.iter().map(|m| m.id.len()).max().unwrap_or(10);
        for m in &catalog {
            writeln!(
                w,
                "{:<width$}  {:<8}  {}",
                m.id,
                m.severity.as_str(),
                m.summary
            )?;
        }
        Ok(())
    });
    match res {
        Ok(()) => EXIT_OK,
        Err(c) => c,
    }
}

fn cmd_explain(id: &str) -> i32 {
    if let Some(check) = crate::probe::checks::find(id) {
        let res = emit(None, |w| {
            writeln!(
                w,
                "# {}\n\n{} (default severity: {}; a `harden probe` check of the running service)\n",
                check.id, check.summary, check.severity
            )?;
            writeln!(w, "{}", check.docs.trim())
        });
        return match res {
            Ok(()) => EXIT_OK,
            Err(c) => c,
        };
    }
    if id == rules::actions::script_context::TOPIC {
        use rules::actions::script_context as sc;
        let res = emit(None, |w| {
            writeln!(
                w,
                "# {}\n\n{} (not a rule: the findings keep their own rule ids)\n",
                sc::TOPIC,
                sc::SUMMARY
            )?;
            writeln!(w, "{}", sc::DOCS.trim())
        });
        return match res {
            Ok(()) => EXIT_OK,
            Err(c) => c,
        };
    }
    let Some(meta) = rules::find_meta(id) else {
        let known: Vec<&str> = rules::catalog()
            .iter()
            .map(|m| m.id)
            .filter(|k| k.contains(id) || id.contains(k.split('/').nth(1).unwrap_or("~")))
            .collect();
        let hint = if known.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", known.join(", "))
        };
        return error(format!(
            "unknown rule `{id}`{hint}; `harden rules` lists them"
        ));
    };
    let res = emit(None, |w| {
        writeln!(
            w,
            "# {}\n\n{} (default severity: {})\n",
            meta.id, meta.summary, meta.severity
        )?;
        writeln!(w, "{}", meta.docs.trim())
    });
    match res {
        Ok(()) => EXIT_OK,
        Err(c) => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_follows_the_terminal_and_is_fixed_otherwise() {
        assert_eq!(width_for(false, Some(200), Some("180")), FIXED_WIDTH);
        assert_eq!(width_for(true, Some(200), Some("180")), 200);
        assert_eq!(width_for(true, None, Some("180")), 180);
        assert_eq!(width_for(true, Some(0), Some(" 132 ")), 132);
        assert_eq!(width_for(true, None, Some("wide")), FIXED_WIDTH);
        assert_eq!(width_for(true, None, None), FIXED_WIDTH);
        assert_eq!(width_for(true, Some(12), None), 40, "a floor");
    }
}
