//! Renderers. Each takes the whole [`ScanReport`](crate::engine::ScanReport) and
//! writes one format; machine formats serialize their own frozen structs.

pub mod json;
pub mod terminal;

use std::io::Write;

use crate::engine::ScanReport;

/// Output formats of `harden scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, grouped by file, with carets.
    Terminal,
    /// Versioned JSON (docs/json-output.md).
    Json,
}

/// Writes `report` in `format`.
pub fn render(
    format: Format,
    report: &ScanReport,
    color: bool,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Terminal => terminal::render(report, color, w),
        Format::Json => json::render(report, w),
    }
}
