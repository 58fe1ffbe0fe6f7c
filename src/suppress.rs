//! Inline suppressions: `harden: ignore[rule-id, other-id] reason` in a comment on
//! the finding's line, inside its span, or on the line just above it.
//!
//! The directive is found by text, whatever the comment syntax (`#`, `//`,
//! `<!-- -->`), so it works in every file kind, including inside `run: |` blocks.

use crate::finding::Finding;
use crate::source::SourceFile;

/// One directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the directive.
    pub line: usize,
    /// Rule ids or families it names (`*` for all).
    pub rules: Vec<String>,
    /// The directive is alone on its line (only then does it cover the next line).
    pub own_line: bool,
}

const MARKER: &str = "harden: ignore[";

/// zizmor's inline ignore (`# zizmor: ignore[adhoc-packages]`): the project already
/// decided about that audit on that line, and the `actions/*` rules that share an
/// audit's name report the same thing, so it silences `actions/<name>`.
const ZIZMOR_MARKER: &str = "zizmor: ignore[";

/// Finds every directive in a file (cheap: a substring search per file first).
pub fn collect(file: &SourceFile) -> Vec<Suppression> {
    let mut out = collect_marker(file, MARKER, "");
    out.extend(collect_marker(file, ZIZMOR_MARKER, "actions/"));
    out
}

/// The directives written with one marker, each rule id prefixed with `prefix`.
fn collect_marker(file: &SourceFile, marker: &str, prefix: &str) -> Vec<Suppression> {
    if !file.text.contains(marker) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (pos, _) in file.text.match_indices(marker) {
        let after = &file.text[pos + marker.len()..];
        let Some(close) = after.find(']') else {
            continue;
        };
        let list = &after[..close];
        if list.contains('\n') {
            continue;
        }
        let rules: Vec<String> = list
            .split(',')
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .map(|r| format!("{prefix}{r}"))
            .collect();
        if rules.is_empty() {
            continue;
        }
        let line = file.lines.line_of(pos);
        let line_start = file.lines.line_range(&file.text, line).start;
        let before = file.text.get(line_start..pos).unwrap_or("");
        let own_line = before
            .trim()
            .trim_start_matches(['#', '/', '<', '!', '-', ';', '*', '"', '\''])
            .trim()
            .is_empty();
        out.push(Suppression {
            line: line + 1,
            rules,
            own_line,
        });
    }
    out
}

/// Whether `finding` is silenced by one of `directives` (all from the finding's file).
pub fn is_suppressed(finding: &Finding, directives: &[Suppression]) -> bool {
    let first = finding.region.start.line;
    let last = finding.region.end.line.max(first);
    let family = finding.rule.split('/').next().unwrap_or("");
    directives.iter().any(|d| {
        ((d.own_line && d.line + 1 == first) || (first..=last).contains(&d.line))
            && d.rules.iter().any(|r| {
                r == finding.rule || r == family || r == "*" || r.strip_suffix("/*") == Some(family)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::source::{Position, Region};

    fn finding(line: usize) -> Finding {
        Finding {
            grouped: false,
            rule: "shell/unsafe-rm",
            severity: Severity::High,
            message: Default::default(),
            path: "x.sh".into(),
            span: 0..0,
            region: Region {
                start: Position { line, column: 1 },
                end: Position { line, column: 5 },
            },
            snippet: Default::default(),
            related: crate::finding::RelatedList::new(),
            fix: None,
        }
    }

    #[test]
    fn same_line_and_line_above() {
        let f = SourceFile::new(
            "x.sh",
            "# harden: ignore[shell/unsafe-rm] cleaned by CI\nrm -rf $X\nrm -rf $Y # harden: ignore[shell] ok\nrm -rf $Z\n",
        );
        let d = collect(&f);
        assert_eq!(d.len(), 2);
        assert!(is_suppressed(&finding(2), &d));
        assert!(is_suppressed(&finding(3), &d));
        assert!(!is_suppressed(&finding(5), &d));
        // A trailing directive covers its own line only, not the next one.
        assert!(!is_suppressed(&finding(4), &d));
        let mut other = finding(2);
        other.rule = "shell/curl-pipe-shell";
        assert!(!is_suppressed(&other, &d[..1]));
    }

    #[test]
    fn zizmor_ignores_name_the_actions_rule() {
        let f = SourceFile::new(
            ".github/workflows/lic.yml",
            "steps:\n  - run: npm install -g license-checker # zizmor: ignore[adhoc-packages]\n",
        );
        let d = collect(&f);
        assert_eq!(d.len(), 1);
        let mut adhoc = finding(2);
        adhoc.rule = "actions/adhoc-packages";
        assert!(is_suppressed(&adhoc, &d));
        let mut other = finding(2);
        other.rule = "actions/template-injection";
        assert!(!is_suppressed(&other, &d));
    }
}
