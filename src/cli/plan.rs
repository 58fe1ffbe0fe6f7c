//! `harden plan` and `harden baseline` as commands: their arguments, the settings
//! merged from `harden.toml`, and where the plan or the progress report is written.
//! Building the plan is `crate::plan`, which knows nothing of the command line.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::{self, CommonArgs};
use crate::plan::{
    baseline, build_plan_with, design, issues, item_of, live_evidence, progress, project_name,
    render_json, render_md, schedule, settings, Item, PlanOptions,
};

/// Output formats of `harden plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// The plan as a Markdown document (Mermaid graph inside).
    Markdown,
    /// Versioned JSON (docs/plan.md).
    Json,
}

/// Arguments of `harden plan`.
#[derive(Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// Developers working in parallel [default: `[plan] devs`, else 3].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=100))]
    devs: Option<u16>,
    /// Working hours per developer per day [default: `[plan] hours_per_day`, else 6].
    #[arg(long, value_parser = parse_hours)]
    hours_per_day: Option<f64>,
    /// Time added to each estimate for review and its fixes, in percent [default: `[plan] review_percent`, else 25].
    #[arg(long, value_parser = parse_percent)]
    review_percent: Option<f64>,
    /// Share of each day kept free of plan tasks (meetings, support, the unplanned), in percent [default: `[plan] buffer_percent`, else 20].
    #[arg(long, value_parser = parse_buffer)]
    buffer_percent: Option<f64>,
    /// Hours of task time a task waits for its track's suggested developer before a free developer takes it (0: never waits) [default: `[plan] owner_wait_hours`, else 3].
    #[arg(long, value_name = "HOURS", value_parser = parse_wait)]
    owner_wait: Option<f64>,
    /// First working day (YYYY-MM-DD): the schedule shows calendar dates, skipping weekends.
    #[arg(long, value_name = "DATE", value_parser = schedule::parse_date)]
    start: Option<time::Date>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlanFormat::Markdown)]
    format: PlanFormat,
    /// Write to a file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Also write one Markdown issue per task, and index.json, into this directory.
    #[arg(long, value_name = "DIR")]
    export_issues: Option<PathBuf>,
    /// Report progress against a baseline recorded with `harden baseline`.
    #[arg(long, value_name = "FILE")]
    since: Option<PathBuf>,
    /// Base URL of the running service, as for `harden status --probe`: the plan
    /// and the progress report show what its health, readiness and metrics routes
    /// answered, and the score counts it.
    #[arg(long, value_name = "URL")]
    probe: Option<String>,
}

fn parse_hours(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(h) if (1.0..=24.0).contains(&h) => Ok(h),
        _ => Err(format!("`{s}` is not a number of hours from 1 to 24")),
    }
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=200.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a percentage from 0 to 200")),
    }
}

fn parse_buffer(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if (0.0..=90.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a percentage from 0 to 90")),
    }
}

fn parse_wait(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('h').trim().parse::<f64>() {
        Ok(h) if (0.0..=1000.0).contains(&h) => Ok(h),
        _ => Err(format!("`{s}` is not hours from 0 to 1000")),
    }
}

/// Arguments of `harden baseline`.
#[derive(Args, Debug)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// Write the baseline to this file (default: stdout).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Runs `harden plan`; `prober` answers `--probe URL` (as for `harden status`).
pub fn run(args: PlanArgs, prober: &dyn crate::status::live::LiveProber) -> i32 {
    let report = match cli::load_and_scan(&args.common) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let config = match crate::config::Config::load(&args.common.path, args.common.config.as_deref())
    {
        Ok(c) => c,
        Err(e) => return cli::error(e),
    };
    let settings = match settings::from_config(&config) {
        Ok(s) => s,
        Err(e) => return cli::error(e),
    };
    let defaults = PlanOptions::default();
    let opts = PlanOptions {
        devs: args
            .devs
            .map(usize::from)
            .or(settings.devs)
            .unwrap_or(defaults.devs),
        hours_per_day: args
            .hours_per_day
            .or(settings.hours_per_day)
            .unwrap_or(defaults.hours_per_day),
        review_percent: args
            .review_percent
            .or(settings.review_percent)
            .unwrap_or(defaults.review_percent),
        buffer_percent: args
            .buffer_percent
            .or(settings.buffer_percent)
            .unwrap_or(defaults.buffer_percent),
        start: args.start,
        owner_wait_hours: args
            .owner_wait
            .or(settings.owner_wait_hours)
            .unwrap_or(defaults.owner_wait_hours),
        overrides: settings.overrides,
    };
    // With --probe, status's controls as the running service proves them: shown in
    // the plan and used for the progress report's score.
    let mut probed = None;
    if let Some(url) = &args.probe {
        let mut status = crate::status::assess(&args.common.path, &report, &config);
        match prober.probe(&status, url) {
            Ok(checks) => crate::status::live::apply(&mut status, &checks),
            Err(e) => return cli::error(e),
        }
        probed = Some(status);
    }
    let project = project_name(&args.common.path);
    let items: Vec<Item> = report.findings.iter().map(item_of).collect();
    let mut plan = build_plan_with(
        &project,
        &items,
        &opts,
        &design::Patterns::from_model(&report.model),
    );
    plan.live = probed.as_ref().map(live_evidence).unwrap_or_default();

    if let Some(dir) = &args.export_issues {
        if let Err(e) = issues::export(&plan, dir, &report.secrets) {
            return cli::error(format!("{}: {e}", dir.display()));
        }
    }
    let res = if let Some(since) = &args.since {
        let base = match baseline::Baseline::load(since) {
            Ok(b) => b,
            Err(e) => return cli::error(e),
        };
        // A baseline records findings, not the repository model: the plan then gets
        // today's design tasks too, so they read "remaining" rather than "new" on
        // every run (and leave both plans together when the pattern is gone).
        let before = build_plan_with(&project, &base.items(), &opts, &plan.patterns);
        // The score is status's: today's controls (probed with --probe), scored with
        // either plan's findings.
        let status =
            probed.unwrap_or_else(|| crate::status::assess(&args.common.path, &report, &config));
        let mut prog = progress::compare(&before, &plan, &base, &status.controls);
        prog.live = plan.live.clone();
        cli::emit_masked(args.output.as_deref(), &report.secrets, |w| {
            match args.format {
                PlanFormat::Markdown => progress::render_md(&prog, w),
                PlanFormat::Json => progress::render_json(&prog, w),
            }
        })
    } else {
        cli::emit_masked(args.output.as_deref(), &report.secrets, |w| {
            match args.format {
                PlanFormat::Markdown => render_md::render(&plan, w),
                PlanFormat::Json => render_json::render(&plan, w),
            }
        })
    };
    match res {
        Ok(()) => cli::EXIT_OK,
        Err(code) => code,
    }
}

/// Runs `harden baseline`.
pub fn run_baseline(args: BaselineArgs) -> i32 {
    let report = match cli::load_and_scan(&args.common) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let base = baseline::Baseline::from_report(&report);
    let res = cli::emit_masked(args.output.as_deref(), &report.secrets, |w| base.write(w));
    match res {
        Ok(()) => {
            if args.output.is_some() {
                eprintln!(
                    "harden: recorded {} findings in the baseline",
                    base.findings.len()
                );
            }
            cli::EXIT_OK
        }
        Err(code) => code,
    }
}
