//! Renderers. Each takes the whole [`ScanReport`](crate::engine::ScanReport) and
//! writes one format; machine formats serialize their own frozen structs.

pub mod extras;
pub mod github;
pub mod html;
pub mod json;
pub mod markdown;
pub mod sarif;
pub mod svg_dag;
pub mod terminal;
pub mod util;

use std::io::Write;
use std::path::PathBuf;

use crate::engine::ScanReport;
pub use extras::ReportExtras;

/// Output formats of `harden scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by file, with carets.
    Terminal,
    /// Versioned JSON (docs/json-output.md).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the PR).
    Github,
    /// A Markdown report for a pull request or a wiki.
    Markdown,
    /// One self-contained HTML page (use with `-o report.html`).
    Html,
}

/// What renderers may use besides the findings.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Colour the terminal output.
    pub color: bool,
    /// The scanned root as given on the command line (SARIF `originalUriBaseIds`).
    pub root: Option<PathBuf>,
    /// Status and plan for the Markdown and HTML reports.
    pub extras: ReportExtras,
}

/// Writes `report` in `format`.
pub fn render(
    format: Format,
    report: &ScanReport,
    color: bool,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let opts = RenderOptions {
        color,
        ..RenderOptions::default()
    };
    render_with(format, report, &opts, w)
}

/// Writes `report` in `format` with a scanned root and optional status/plan content.
pub fn render_with(
    format: Format,
    report: &ScanReport,
    opts: &RenderOptions,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Terminal => terminal::render(report, opts.color, w),
        Format::Json => json::render(report, w),
        Format::Sarif => sarif::render(report, opts.root.as_deref(), w),
        Format::Github => github::render(report, w),
        Format::Markdown => markdown::render(report, &opts.extras, w),
        Format::Html => html::render(report, &opts.extras, w),
    }
}
