//! `--format github`: GitHub Actions workflow commands, one per finding, which the
//! runner turns into annotations on the pull request:
//!
//! ```text
//! ::error file=deploy.sh,line=12,col=1,endLine=12,endColumn=18,title=shell/unsafe-rm (high)::rm -rf on …
//! ```
//!
//! Escaping follows the runner: in the message `%`, `\r` and `\n` are percent-encoded;
//! in property values `:` and `,` are too.

use std::io::Write;

use crate::engine::ScanReport;
use crate::finding::Severity;

use super::util::finding_region;

/// Workflow command for a severity.
pub fn command(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// Escapes command data (the text after `::`): the runner's percent-encoding, and
/// any other control character shown escaped (Actions logs render ANSI sequences).
pub fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::text::term_safe(&s).into_owned()
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Writes one workflow command per finding and a notice per diagnostic.
pub fn render(report: &ScanReport, w: &mut dyn Write) -> std::io::Result<()> {
    for f in &report.findings {
        let r = finding_region(f);
        // A repository-level finding is an annotation of the run, not of a file.
        let mut props = if f.is_repository_level() {
            String::new()
        } else {
            format!("file={},line={},", escape_property(&f.path), r.start.line)
        };
        if f.region.start.line > 0 {
            props.push_str(&format!("col={},endLine={},", r.start.column, r.end.line));
            if r.end.line == r.start.line {
                props.push_str(&format!("endColumn={},", r.end.column));
            }
        }
        let title = format!("{} ({})", f.rule, f.severity);
        props.push_str(&format!("title={}", escape_property(&title)));
        let mut message = f.message.clone();
        if let Some(fix) = &f.fix {
            message.push_str(&format!("\nFix: {} (`harden fix`)", fix.title));
        }
        for rel in &f.related {
            message.push_str(&format!(
                "\nAlso {}:{}: {}",
                rel.path,
                rel.region.start.line.max(1),
                rel.message
            ));
        }
        writeln!(
            w,
            "::{} {}::{}",
            command(f.severity),
            props,
            escape_data(&message)
        )?;
    }
    for d in &report.diagnostics {
        let mut props = String::new();
        if !d.path.is_empty() {
            props.push_str(&format!("file={},", escape_property(&d.path)));
            if let Some(line) = d.line {
                props.push_str(&format!("line={},", line.max(1)));
            }
        }
        props.push_str("title=harden");
        writeln!(w, "::notice {}::{}", props, escape_data(&d.message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_runner() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\nd"), "a%3Ab%2Cc%25%0Ad");
        assert_eq!(command(Severity::Critical), "error");
        assert_eq!(command(Severity::Medium), "warning");
        assert_eq!(command(Severity::Info), "notice");
    }
}
