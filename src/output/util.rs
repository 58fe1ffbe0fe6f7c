//! Small helpers shared by the renderers.

use crate::finding::Finding;
use crate::source::Region;

/// A region fit for display: 1-based everywhere (file-level findings carry
/// line 0, shown as line 1), and an end that never precedes the start.
pub fn display_region(r: &Region) -> Region {
    let mut out = *r;
    out.start.line = out.start.line.max(1);
    out.start.column = out.start.column.max(1);
    if out.end.line < out.start.line
        || (out.end.line == out.start.line && out.end.column < out.start.column)
    {
        out.end = out.start;
    }
    out
}

/// The display region of a finding.
pub fn finding_region(f: &Finding) -> Region {
    display_region(&f.region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Position;

    #[test]
    fn zero_lines_become_one() {
        let r = display_region(&Region::default());
        assert_eq!(r.start, Position { line: 1, column: 1 });
        assert_eq!(r.end, Position { line: 1, column: 1 });
        let r = display_region(&Region {
            start: Position { line: 3, column: 4 },
            end: Position { line: 3, column: 9 },
        });
        assert_eq!(r.end.column, 9);
    }
}
