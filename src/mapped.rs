//! Text decoded from a host file (a YAML block scalar, a Dockerfile `RUN` with
//! continuation lines) together with the map back to host-file byte offsets,
//! so findings inside embedded code point at the right line of the host file.

use std::ops::Range;

/// A run of decoded bytes that were copied verbatim from the host file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Offset in the decoded text.
    pub text_start: usize,
    /// Offset in the host file.
    pub host_start: usize,
    /// Length in bytes (the same on both sides).
    pub len: usize,
}

/// Decoded text plus its offset map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedText {
    /// The decoded text (what a shell or YAML consumer sees).
    pub text: String,
    /// Verbatim runs, sorted by `text_start`.
    pub segments: Vec<Segment>,
    /// Host offset used for decoded bytes that map nowhere (escapes, folds).
    pub fallback: usize,
}

impl MappedText {
    /// Text that is a verbatim copy of `host[start..start+text.len()]`.
    pub fn verbatim(text: &str, host_start: usize) -> Self {
        MappedText {
            text: text.to_string(),
            segments: vec![Segment {
                text_start: 0,
                host_start,
                len: text.len(),
            }],
            fallback: host_start,
        }
    }

    /// An empty builder whose unmapped bytes point at `fallback`.
    pub fn new(fallback: usize) -> Self {
        MappedText {
            text: String::new(),
            segments: Vec::new(),
            fallback,
        }
    }

    /// Appends text copied from the host at `host_start`.
    pub fn push_host(&mut self, s: &str, host_start: usize) {
        if s.is_empty() {
            return;
        }
        let text_start = self.text.len();
        if let Some(last) = self.segments.last_mut() {
            if last.text_start + last.len == text_start && last.host_start + last.len == host_start
            {
                last.len += s.len();
                self.text.push_str(s);
                return;
            }
        }
        self.segments.push(Segment {
            text_start,
            host_start,
            len: s.len(),
        });
        self.text.push_str(s);
    }

    /// Appends synthesized text (a decoded escape, a folded newline) with no exact host position.
    pub fn push_synthetic(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Host offset of decoded offset `off` (nearest preceding mapped byte when synthetic).
    pub fn to_host(&self, off: usize) -> usize {
        let idx = self.segments.partition_point(|s| s.text_start <= off);
        if idx == 0 {
            return self.fallback;
        }
        let seg = self.segments[idx - 1];
        if off <= seg.text_start + seg.len {
            seg.host_start + (off - seg.text_start)
        } else {
            seg.host_start + seg.len
        }
    }

    /// Host range of a decoded range.
    pub fn range_to_host(&self, r: &Range<usize>) -> Range<usize> {
        let start = self.to_host(r.start);
        let end = self.to_host(r.end).max(start);
        start..end
    }

    /// The decoded sub-range `r` as its own mapped text.
    pub fn slice(&self, r: &Range<usize>) -> MappedText {
        let mut out = MappedText::new(self.to_host(r.start));
        let mut pos = r.start;
        for seg in &self.segments {
            let s_end = seg.text_start + seg.len;
            if s_end <= pos || seg.text_start >= r.end {
                continue;
            }
            let from = pos.max(seg.text_start);
            let to = r.end.min(s_end);
            if from > pos {
                out.push_synthetic(self.text.get(pos..from).unwrap_or(""));
            }
            out.push_host(
                self.text.get(from..to).unwrap_or(""),
                seg.host_start + (from - seg.text_start),
            );
            pos = to;
        }
        if pos < r.end {
            out.push_synthetic(self.text.get(pos..r.end).unwrap_or(""));
        }
        out
    }

    /// Appends another mapped text (its segments keep their host offsets).
    pub fn append(&mut self, other: &MappedText) {
        let base = self.text.len();
        let mut pos = 0;
        for seg in &other.segments {
            if seg.text_start > pos {
                self.push_synthetic(other.text.get(pos..seg.text_start).unwrap_or(""));
            }
            self.push_host(
                other
                    .text
                    .get(seg.text_start..seg.text_start + seg.len)
                    .unwrap_or(""),
                seg.host_start,
            );
            pos = seg.text_start + seg.len;
        }
        if pos < other.text.len() {
            self.push_synthetic(other.text.get(pos..).unwrap_or(""));
        }
        debug_assert_eq!(self.text.len(), base + other.text.len());
    }

    /// Replaces bytes in place with same-length text (keeps every offset valid).
    pub fn overwrite_same_len(&mut self, r: Range<usize>, with: u8) {
        if r.end > self.text.len()
            || !self.text.is_char_boundary(r.start)
            || !self.text.is_char_boundary(r.end)
        {
            return;
        }
        let replacement: String = std::iter::repeat_n(with as char, r.end - r.start).collect();
        self.text.replace_range(r, &replacement);
    }

    /// Whether a decoded range maps onto the host verbatim (needed to turn edits into host edits).
    pub fn is_verbatim(&self, r: &Range<usize>) -> bool {
        let idx = self.segments.partition_point(|s| s.text_start <= r.start);
        if idx == 0 {
            return false;
        }
        let seg = self.segments[idx - 1];
        r.end <= seg.text_start + seg.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_across_segments() {
        let mut m = MappedText::new(100);
        m.push_host("abc", 10);
        m.push_synthetic(" ");
        m.push_host("def", 20);
        assert_eq!(m.text, "abc def");
        assert_eq!(m.to_host(0), 10);
        assert_eq!(m.to_host(2), 12);
        assert_eq!(m.to_host(4), 20);
        assert_eq!(m.to_host(6), 22);
        assert_eq!(m.range_to_host(&(4..7)), 20..23);
        assert!(m.is_verbatim(&(4..7)));
        assert!(!m.is_verbatim(&(2..5)));
        let sl = m.slice(&(2..6));
        assert_eq!(sl.text, "c de");
        assert_eq!(sl.to_host(0), 12);
        assert_eq!(sl.to_host(2), 20);
    }

    #[test]
    fn merges_adjacent_runs() {
        let mut m = MappedText::new(0);
        m.push_host("ab", 5);
        m.push_host("cd", 7);
        assert_eq!(m.segments.len(), 1);
    }
}
