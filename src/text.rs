//! Text as harden prints it, for every layer that prints: terminal-safe strings from
//! a repository, word wrapping, hours. A leaf module (it imports nothing of the crate),
//! so `status`, `plan` and `fix` format text without importing `output`.

use std::borrow::Cow;

/// Width wrapped text is wrapped to when the output is not a terminal (a file, a
/// pipe, a CI log): the same lines on every machine.
pub const FIXED_WIDTH: usize = 100;

/// Characters a terminal acts on rather than shows: C0 controls (escape, carriage
/// return, backspace…) but tab, DEL, C1 controls (8-bit CSI), and the bidirectional
/// overrides and isolates that reorder what is shown ("Trojan Source").
fn acts_on_terminal(c: char, keep_newlines: bool) -> bool {
    match c {
        '\t' => false,
        '\n' => !keep_newlines,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => true,
        _ => false,
    }
}

/// `text` in lines of at most `width` characters, broken between words (a word
/// longer than the line gets a line of its own); runs of whitespace become one space.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0usize;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if len > 0 && len + 1 + n > width {
            lines.push(std::mem::take(&mut line));
            len = 0;
        }
        if len > 0 {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += n;
    }
    if len > 0 {
        lines.push(line);
    }
    lines
}

/// Text from a repository made safe to print on a terminal: control characters
/// (escape sequences that retitle the window, clear the screen or move the cursor
/// to hide a finding) are shown escaped (`\x1b`, `\u{202e}`) instead of acted on.
pub fn term_safe(s: &str) -> Cow<'_, str> {
    escape_controls(s, false)
}

/// [`term_safe`] for multi-line text (diffs): newlines stay, and so does the `\r`
/// of a CRLF line ending.
pub fn term_safe_lines(s: &str) -> Cow<'_, str> {
    escape_controls(s, true)
}

fn escape_controls(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| acts_on_terminal(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if keep_newlines && c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if acts_on_terminal(c, keep_newlines) {
            if (c as u32) < 0x100 {
                out.push_str(&format!("\\x{:02x}", c as u32));
            } else {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Hours as every report prints them: a whole number, else one decimal (`4`, `2.5`).
pub fn fmt_hours(h: f64) -> String {
    let r = (h * 10.0).round() / 10.0;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_between_words() {
        assert_eq!(wrap("a bb  ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
        assert!(wrap("   ", 10).is_empty());
        assert_eq!(wrap("é é é", 3), ["é é", "é"], "characters, not bytes");
    }

    /// Issue 13 (10): escape sequences from file contents reached the terminal raw.
    #[test]
    fn control_characters_are_shown_not_acted_on() {
        assert_eq!(term_safe("plain text\tok"), "plain text\tok");
        assert_eq!(
            term_safe("x\x1b]0;pwned\x07\x1b[2J\r\u{9b}y"),
            "x\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x9by"
        );
        assert_eq!(term_safe("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(term_safe_lines("a\r\nb\rc\n"), "a\r\nb\\x0dc\n");
        assert_eq!(term_safe("a\nb"), "a\\x0ab");
    }

    #[test]
    fn hours() {
        assert_eq!(fmt_hours(4.0), "4");
        assert_eq!(fmt_hours(2.54), "2.5");
        assert_eq!(fmt_hours(0.04), "0");
    }
}
