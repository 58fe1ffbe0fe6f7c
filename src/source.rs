//! Source text and positions.
//!
//! Byte ranges are the truth everywhere inside harden; lines and columns are
//! derived from a [`LineIndex`] only when a finding leaves the engine, so
//! CRLF files, multi-byte UTF-8 and missing final newlines cannot skew spans.

use std::ops::Range;

/// Byte offsets of every line start, so a byte offset maps to a line in O(log n).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`; a `\n` ends a line (a preceding `\r` stays part of that line's bytes).
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// Number of lines (a trailing newline does not open a new, empty line).
    pub fn line_count(&self, text: &str) -> usize {
        if text.ends_with('\n') {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }

    /// 0-based line number that contains `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte range of 0-based `line`, without its line terminator (`\n` or `\r\n`).
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts.get(line).copied().unwrap_or(text.len());
        let mut end = self
            .starts
            .get(line + 1)
            .map(|s| s - 1)
            .unwrap_or(text.len());
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start.min(text.len())..end.min(text.len())
    }

    /// Text of 0-based `line` without its terminator.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let r = self.line_range(text, line);
        text.get(r).unwrap_or("")
    }

    /// 1-based line and 1-based column (in Unicode scalar values) of `offset`.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0).min(offset);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count());
        Position {
            line: line + 1,
            column: column + 1,
        }
    }
}

/// Largest char boundary not above `offset`, so slicing never panics on multi-byte text.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A 1-based line/column pair as users see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
}

/// A resolved region of a file: where a finding starts and ends, as users see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Region {
    /// First position of the region.
    pub start: Position,
    /// Position just past the region (same line as start for one-line spans).
    pub end: Position,
}

impl Region {
    /// Resolves a byte range against `text`; an empty range at 0 means "the whole file".
    pub fn resolve(index: &LineIndex, text: &str, span: &Range<usize>) -> Region {
        let start = index.position(text, span.start);
        let mut end = index.position(text, span.end.max(span.start));
        // A span that ends right after a newline is shown as ending on its last line.
        if span.end > span.start && text.as_bytes().get(span.end - 1) == Some(&b'\n') {
            let line = index.line_of(span.end - 1);
            let r = index.line_range(text, line);
            end = index.position(text, r.end);
        }
        Region { start, end }
    }
}

/// One file the engine has read: repository-relative path, text and line index.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the scanned root, with forward slashes; shared with the
    /// findings and locations taken in the file.
    pub path: crate::finding::FilePath,
    /// The whole file as UTF-8.
    pub text: String,
    /// Line starts of `text`.
    pub lines: LineIndex,
}

/// The start line of a finding, trimmed and cut to a readable length: the snippet
/// every finding shows, whoever reports it (the engine, a rule's cross-file pass).
pub fn snippet_of(file: &SourceFile, line: usize) -> String {
    let text = file.line_text(line).trim_end();
    if text.chars().count() > 240 {
        let cut: String = text.chars().take(240).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

impl SourceFile {
    /// Wraps text read from `path` (relative, forward slashes).
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        Self::with_path(crate::finding::FilePath::from(path.into()), text.into())
    }

    /// Wraps text read from `path`, a path already shared (the walk's inventory entry):
    /// the file's findings, its entry and the model then hold one copy of the path.
    pub fn with_path(path: crate::finding::FilePath, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceFile { path, text, lines }
    }

    /// Region of a byte span, for output.
    pub fn region(&self, span: &Range<usize>) -> Region {
        Region::resolve(&self.lines, &self.text, span)
    }

    /// The text of the 1-based `line`, without terminator.
    pub fn line_text(&self, line: usize) -> &str {
        if line == 0 {
            return "";
        }
        self.lines.line_text(&self.text, line - 1)
    }

    /// Text of a byte span, or "" when the span is out of bounds.
    pub fn slice(&self, span: &Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_with_crlf_and_multibyte() {
        let text = "a\r\nçé x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(text), 3);
        assert_eq!(idx.line_text(text, 0), "a");
        assert_eq!(idx.line_text(text, 1), "çé x");
        assert_eq!(idx.line_text(text, 2), "last");
        let x = text.find('x').unwrap();
        assert_eq!(idx.position(text, x), Position { line: 2, column: 4 });
        // Offsets inside a multi-byte char floor to its start.
        assert_eq!(idx.position(text, 4), Position { line: 2, column: 1 });
        assert_eq!(
            idx.position(text, text.len()),
            Position { line: 3, column: 5 }
        );
    }

    #[test]
    fn trailing_newline_does_not_add_a_line() {
        let text = "one\ntwo\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(text), 2);
        let span = 4..8;
        let r = Region::resolve(&idx, text, &span);
        assert_eq!(r.start, Position { line: 2, column: 1 });
        assert_eq!(r.end, Position { line: 2, column: 4 });
    }
}
