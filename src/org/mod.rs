//! `harden report --org RESULT...`: an organisation-wide audit. Each repository is
//! scanned on its own (one machine is enough for one repository; the CI matrix of
//! docs/org-audit.md scales out); this merges their `scan` and `status` JSON results
//! into one dashboard. It reads only the files named: no repository, no network.

pub mod dashboard;
pub mod input;
pub mod render;

use std::path::PathBuf;

use clap::Args;

use crate::cli::{emit, error, EXIT_ERROR, EXIT_OK};

/// Formats of the organisation dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OrgFormat {
    /// Markdown, for a wiki page or an issue.
    Markdown,
    /// One self-contained HTML page (use with `-o dashboard.html`).
    Html,
    /// JSON for programs (schema_version 1, docs/org-audit.md).
    Json,
}

/// Arguments of `harden report`.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Results to merge: `harden scan --format json` and `harden status --format json`
    /// files, paired by repository (named by the file: `NAME.scan.json`,
    /// `NAME.status.json`, or `NAME/scan.json`).
    #[arg(long, value_name = "RESULT", num_args = 1.., required = true)]
    org: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OrgFormat::Markdown)]
    format: OrgFormat,
    /// Write the dashboard to a file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Runs `harden report --org`: exit 0 with a dashboard (inputs left out are warned
/// about on stderr and listed in it), 2 when no input could be read or on an I/O error.
pub fn run_cli(args: ReportArgs) -> i32 {
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    for path in &args.org {
        match input::load(path) {
            Ok(i) => inputs.push(i),
            Err(reason) => skipped.push(dashboard::Skipped {
                path: path.clone(),
                reason,
            }),
        }
    }
    let read = inputs.len();
    let d = dashboard::build(inputs, skipped);
    for s in &d.skipped {
        eprintln!(
            "harden: warning: {}: {}; left out of the report",
            s.path.display(),
            s.reason
        );
    }
    if read == 0 {
        return error("no result could be read; nothing to report");
    }
    let res = emit(args.output.as_deref(), |w| match args.format {
        OrgFormat::Markdown => render::markdown(&d, w),
        OrgFormat::Html => render::html(&d, w),
        OrgFormat::Json => render::json(&d, w),
    });
    match res {
        Ok(()) => EXIT_OK,
        Err(_) => EXIT_ERROR,
    }
}
