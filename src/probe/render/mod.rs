//! Renderers of a [`ProbeReport`](super::report::ProbeReport), one per format
//! `scan` has (but `github`: a probe has no diff lines to annotate).

pub mod html;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::Write;
use std::path::Path;

use super::report::ProbeReport;

/// Output formats of `harden probe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ProbeFormat {
    /// For people at a shell.
    Terminal,
    /// Versioned JSON (docs/probe.md).
    Json,
    /// SARIF 2.1.0: findings tied to a route point at its line in the code.
    Sarif,
    /// A Markdown report.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

/// Writes `report` in `format`; `repo` is the repository the routes came from.
pub fn render(
    format: ProbeFormat,
    report: &ProbeReport,
    color: bool,
    repo: Option<&Path>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        ProbeFormat::Terminal => text::terminal(report, color, w),
        ProbeFormat::Json => json::render(report, w),
        ProbeFormat::Sarif => sarif::render(report, repo, w),
        ProbeFormat::Markdown => text::markdown(report, w),
        ProbeFormat::Html => html::render(report, w),
    }
}
