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
    /// Human-readable: a summary, then the findings with carets.
    Terminal,
    /// One line per finding, `path:line:col: severity rule message`.
    Concise,
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

/// The order of the findings in the human formats (terminal, concise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SortOrder {
    /// Most severe first (by file and line within a severity): what to read first.
    #[default]
    Severity,
    /// By file and line, every finding of a file together.
    File,
}

/// What renderers may use besides the findings.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Colour the terminal output.
    pub color: bool,
    /// The scanned root as given on the command line (SARIF `originalUriBaseIds`).
    pub root: Option<PathBuf>,
    /// Status and plan for the Markdown, HTML and terminal reports.
    pub extras: ReportExtras,
    /// Order of the findings in the human formats.
    pub sort: SortOrder,
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
        Format::Terminal | Format::Concise => {
            let topts = terminal::TerminalOptions {
                color: opts.color,
                sort: opts.sort,
                plan: opts.extras.plan.as_ref(),
            };
            if format == Format::Concise {
                terminal::render_concise(report, &topts, w)
            } else {
                terminal::render_with(report, &topts, w)
            }
        }
        Format::Json => json::render(report, w),
        Format::Sarif => sarif::render(report, opts.root.as_deref(), w),
        Format::Github => github::render(report, w),
        Format::Markdown => markdown::render(report, &opts.extras, w),
        Format::Html => html::render(report, &opts.extras, w),
    }
}
