//! Applying edits to text: sorted, non-overlapping byte ranges, never a partial edit.

use crate::finding::Edit;

/// Applies `edits` (sorted by start, non-overlapping) to `text`.
/// Returns `None` when an edit is out of bounds, splits a UTF-8 character or overlaps another.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in edits {
        if e.range.start < pos
            || e.range.end > text.len()
            || e.range.start > e.range.end
            || !text.is_char_boundary(e.range.start)
            || !text.is_char_boundary(e.range.end)
        {
            return None;
        }
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    Some(out)
}

/// Picks fixes (each a list of edits) that do not overlap any fix picked before it;
/// the rest wait for the next round, when spans are recomputed on the new text.
/// Returns the indices of the chosen fixes and the merged, sorted edit list.
pub fn select_non_overlapping(fixes: &[&[Edit]]) -> (Vec<usize>, Vec<Edit>) {
    let mut chosen = Vec::new();
    let mut edits: Vec<Edit> = Vec::new();
    for (i, fix) in fixes.iter().enumerate() {
        let clashes = fix.iter().any(|e| {
            edits.iter().any(|o| {
                // Two insertions at the same point also clash: their order would be arbitrary.
                (e.range.start < o.range.end && o.range.start < e.range.end)
                    || (e.range.start == o.range.start)
                    || (e.range.is_empty() && o.range.contains(&e.range.start))
                    || (o.range.is_empty() && e.range.contains(&o.range.start))
            })
        });
        if clashes {
            continue;
        }
        chosen.push(i);
        edits.extend(fix.iter().cloned());
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    (chosen, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, r: &str) -> Edit {
        Edit {
            range: start..end,
            replacement: r.to_string(),
        }
    }

    #[test]
    fn applies_in_order() {
        let t = "rm -rf $A/ && rm -rf $B/";
        let e = vec![edit(7, 9, "\"${A:?}\""), edit(21, 23, "\"${B:?}\"")];
        assert_eq!(
            apply_edits(t, &e).unwrap(),
            "rm -rf \"${A:?}\"/ && rm -rf \"${B:?}\"/"
        );
    }

    #[test]
    fn rejects_overlap_and_bad_boundaries() {
        assert!(apply_edits("abcdef", &[edit(0, 3, "x"), edit(2, 4, "y")]).is_none());
        assert!(apply_edits("é", &[edit(1, 2, "x")]).is_none());
        assert!(apply_edits("abc", &[edit(2, 9, "x")]).is_none());
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let a = vec![edit(0, 3, "x")];
        let b = vec![edit(2, 5, "y")];
        let c = vec![edit(6, 6, "z")];
        let (chosen, edits) = select_non_overlapping(&[&a, &b, &c]);
        assert_eq!(chosen, vec![0, 2]);
        assert_eq!(edits.len(), 2);
    }
}
