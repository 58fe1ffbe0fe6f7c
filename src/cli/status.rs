//! `harden status`: its arguments, and running it (scan, assess, probe, print).
//! The assessment itself is [`crate::status::assess`]; this module is the command.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::cli::CommonArgs;
use crate::config::Config;
use crate::status::{assess, live, render};

/// Output formats of `harden status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// A compact table for people.
    Terminal,
    /// Versioned JSON (docs/status.md).
    Json,
}

/// Arguments of `harden status`.
#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Terminal)]
    format: StatusFormat,
    /// Write the report to a file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// OSV records (a directory of JSON files, one JSON file, or a zip) for the
    /// `known-vulnerabilities` control; overrides `[osv] source`.
    #[arg(long, value_name = "SOURCE")]
    osv: Option<PathBuf>,
    /// Base URL of the running service: the health, readiness and metrics
    /// controls are then proven (or disproven) by what it answers.
    #[arg(long, value_name = "URL")]
    probe: Option<String>,
}

/// Runs `harden status`; `prober` answers `--probe URL`.
pub fn run_cli(args: StatusArgs, prober: &dyn live::LiveProber) -> i32 {
    let report = match crate::cli::load_and_scan(&args.common) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut config = match Config::load(&args.common.path, args.common.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return crate::cli::error(e),
    };
    if let Some(src) = &args.osv {
        if let Err(e) = crate::osv::set_source(&mut config, src) {
            return crate::cli::error(e);
        }
    }
    let mut status = assess(&args.common.path, &report, &config);
    if let Some(url) = &args.probe {
        match prober.probe(&status, url) {
            Ok(checks) => live::apply(&mut status, &checks),
            Err(e) => return crate::cli::error(e),
        }
    }
    let color = crate::cli::use_color(args.output.is_some());
    let res = crate::cli::emit_masked(args.output.as_deref(), &report.secrets, |w| {
        match args.format {
            StatusFormat::Terminal => render::terminal_width(
                &status,
                color,
                crate::cli::output_width(args.output.is_some()),
                w,
            ),
            StatusFormat::Json => render::json(&status, w),
        }
    });
    match res {
        Ok(()) => crate::cli::EXIT_OK,
        Err(code) => code,
    }
}
