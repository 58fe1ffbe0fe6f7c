//! A Python module's import statements read from its tokens, without a syntax tree.
//!
//! `deps/undeclared-import` needs the imports of every shipped module and where each
//! sits (inside a function, a `try`, an `if`); a tree-sitter parse for that alone was
//! most of the scan's time on Python-heavy trees. This scanner tokenizes (strings,
//! comments, brackets, backslash continuations, indentation as tree-sitter counts it)
//! and follows the block structure. It answers only for text it can vouch for: on
//! anything unusual (a syntax error it notices, a lone carriage return, very deep
//! nesting, a very large file) it says `None` and the caller parses the file instead.

use std::ops::Range;

/// A compound statement around an import, as a syntax tree would show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enclosing {
    /// A `def` (or `async def`).
    Function,
    /// A `try` statement: each of its `except` clauses from the keyword through the
    /// first colon ([`through_first_colon`]).
    Try(Vec<Range<usize>>),
    /// An `if` statement or an `elif` clause: its condition.
    If(Range<usize>),
}

/// One `import` or `from … import` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStatement {
    /// Where the statement starts (its first keyword).
    pub start: usize,
    /// The modules it imports, as written (dotted names; empty for a relative
    /// `from . import x`).
    pub modules: Vec<Range<usize>>,
    /// The compound statements around it, innermost first (`for`, `with`, `class`…
    /// are left out: they say nothing about an import).
    pub enclosing: Vec<Enclosing>,
}

/// `range` cut after its first colon (all of it without one): the head of an
/// `except` clause, whatever follows.
pub fn through_first_colon(text: &str, range: Range<usize>) -> Range<usize> {
    match text.get(range.clone()).and_then(|t| t.find(':')) {
        Some(at) => range.start..range.start + at + 1,
        None => range,
    }
}

/// Files larger than this go to the parser (whose time budget decides for them).
const MAX_LEN: usize = 1 << 20;
/// Bracket nesting beyond this, or more operators on one logical line (a tree that
/// might nest past the parser's depth limit), goes to the parser.
const MAX_BRACKETS: usize = 64;
const MAX_LINE_OPERATORS: usize = 200;
/// Block nesting beyond this goes to the parser.
const MAX_BLOCKS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Name,
    Str,
    Num,
    Op(u8),
    /// `:=`, `->`, `**`, `//`, `<<`… : an operator that is not one of the bytes above.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
}

/// The logical lines of `text`: each its tokens and the indentation (tree-sitter's
/// count: a space 1, a tab 8, a form feed back to 0) of the line it starts on.
fn logical_lines(text: &str) -> Option<Vec<(usize, Vec<Token>)>> {
    let b = text.as_bytes();
    let mut lines = Vec::new();
    let mut cur: Vec<Token> = Vec::new();
    let mut indent = 0usize;
    let mut depth = 0usize;
    let mut operators = 0usize;
    let mut i = 0usize;
    let end_line = |cur: &mut Vec<Token>, lines: &mut Vec<(usize, Vec<Token>)>, indent: usize| {
        if !cur.is_empty() {
            lines.push((indent, std::mem::take(cur)));
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                if depth == 0 {
                    end_line(&mut cur, &mut lines, indent);
                    operators = 0;
                }
                i += 1;
            }
            b' ' | b'\t' | b'\x0c' => i += 1,
            b'\r' => {
                // Only as part of "\r\n": a lone carriage return is a line break to
                // Python and not to tree-sitter.
                if b.get(i + 1) != Some(&b'\n') {
                    return None;
                }
                i += 1;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' => {
                // A continuation: backslash, then the end of the line.
                match (b.get(i + 1), b.get(i + 2)) {
                    (Some(b'\n'), _) => i += 2,
                    (Some(b'\r'), Some(b'\n')) => i += 3,
                    _ => return None,
                }
            }
            b'"' | b'\'' => {
                let start = i;
                i = string_end(b, i)?;
                push(&mut cur, &mut indent, b, Tok::Str, start, i)?;
            }
            b'0'..=b'9' => {
                let start = i;
                i = number_end(b, i);
                push(&mut cur, &mut indent, b, Tok::Num, start, i)?;
            }
            b'.' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let start = i;
                i = number_end(b, i + 1);
                push(&mut cur, &mut indent, b, Tok::Num, start, i)?;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKETS {
                    return None;
                }
                push(&mut cur, &mut indent, b, Tok::Op(c), i, i + 1)?;
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                push(&mut cur, &mut indent, b, Tok::Op(c), i, i + 1)?;
                i += 1;
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | 0x80..=0xff => {
                let start = i;
                i = name_end(text, i)?;
                // A string prefix (`r"…"`, `f'…'`, `rb"…"`): the name runs into a quote.
                if matches!(b.get(i), Some(b'"' | b'\''))
                    && i - start <= 2
                    && b[start..i].iter().all(|c| b"rRbBuUfFtT".contains(c))
                {
                    i = string_end(b, i)?;
                    push(&mut cur, &mut indent, b, Tok::Str, start, i)?;
                } else {
                    let word = &b[start..i];
                    if word == b"and" || word == b"or" {
                        operators += 1;
                    }
                    // Two names in a row, neither a keyword (`docker compose exec` in a
                    // shell script named `.py`): not Python, so the parser decides.
                    if let Some(prev) = cur.last().filter(|t| t.kind == Tok::Name) {
                        if !joins_names(word) && !joins_names(&b[prev.start..prev.end]) {
                            return None;
                        }
                    }
                    push(&mut cur, &mut indent, b, Tok::Name, start, i)?;
                }
            }
            b':' if b.get(i + 1) == Some(&b'=') => {
                push(&mut cur, &mut indent, b, Tok::Other, i, i + 2)?;
                i += 2;
            }
            b'-' if b.get(i + 1) == Some(&b'>') => {
                push(&mut cur, &mut indent, b, Tok::Other, i, i + 2)?;
                i += 2;
            }
            b':' | b';' | b',' | b'.' | b'@' | b'=' => {
                push(&mut cur, &mut indent, b, Tok::Op(c), i, i + 1)?;
                i += 1;
            }
            b'+' | b'-' | b'*' | b'/' | b'%' | b'|' | b'&' | b'^' | b'<' | b'>' | b'!' | b'~' => {
                operators += 1;
                push(&mut cur, &mut indent, b, Tok::Other, i, i + 1)?;
                i += 1;
            }
            // `$`, `?`, a backtick, a control character: not Python.
            _ => return None,
        }
        if operators > MAX_LINE_OPERATORS {
            return None;
        }
    }
    if depth != 0 {
        return None;
    }
    end_line(&mut cur, &mut lines, indent);
    Some(lines)
}

/// Appends a token; the first of a logical line sets its indentation, and must be
/// the first thing on its physical line.
fn push(
    cur: &mut Vec<Token>,
    indent: &mut usize,
    b: &[u8],
    kind: Tok,
    start: usize,
    end: usize,
) -> Option<()> {
    if cur.is_empty() {
        let line_start = b[..start]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        let mut col = 0usize;
        for &c in &b[line_start..start] {
            match c {
                b' ' => col += 1,
                b'\t' => col += 8,
                b'\x0c' => col = 0,
                _ => return None,
            }
        }
        *indent = col;
    }
    cur.push(Token { kind, start, end });
    Some(())
}

/// One past the closing quote of the string whose quote is at `q`; `None` when it
/// never closes (a one-line string may continue only with a backslash).
fn string_end(b: &[u8], q: usize) -> Option<usize> {
    let quote = b[q];
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let mut i = if triple { q + 3 } else { q + 1 };
    if !triple && b.get(q + 1) == Some(&quote) {
        return Some(q + 2); // ""
    }
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' if !triple => return None,
            c if c == quote => {
                if !triple {
                    return Some(i + 1);
                }
                if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                    return Some(i + 3);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// One past a number starting at `i` (digits, letters, `_`, `.`; an exponent's sign
/// is left as an operator, which is harmless here).
fn number_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
        i += 1;
    }
    i
}

/// One past the identifier starting at `i`; `None` on a character no identifier has.
fn name_end(text: &str, i: usize) -> Option<usize> {
    let rest = text.get(i..)?;
    let mut end = i;
    for ch in rest.chars() {
        if ch == '_' || ch.is_ascii_alphanumeric() {
            end += 1;
        } else if !ch.is_ascii() {
            if !ch.is_alphanumeric() {
                return None;
            }
            end += ch.len_utf8();
        } else {
            break;
        }
    }
    Some(end)
}

/// What a block opens, as far as imports care.
#[derive(Debug, Clone)]
enum Frame {
    Function,
    /// A `try` body, or one of its `except`/`else`/`finally` clauses: the statement's
    /// index in `tries`.
    Try(usize),
    /// An `if` body (its condition), an `elif` body (its condition and the `if`'s),
    /// or an `else` body of an `if` (the `if`'s condition).
    If(Vec<Range<usize>>),
    Other,
}

/// An import as the scan meets it: where it starts, its modules, and the frames
/// around it (outermost first).
type Found = (usize, Vec<Range<usize>>, Vec<Frame>);

/// An open block: its header's indentation, the body's (`None` until the first body
/// line; `Some(usize::MAX)` for a body on the header's line), and what it opens.
struct Block {
    header: usize,
    body: Option<usize>,
    frame: Frame,
}

/// The import statements of `text` with what encloses each; `None` when the text is
/// not plain enough to answer without a parser.
pub fn scan(text: &str) -> Option<Vec<ImportStatement>> {
    if text.len() > MAX_LEN
        || text.starts_with('\u{feff}')
        || super::python::refusal(text).is_some()
    {
        return None;
    }
    let lines = logical_lines(text)?;
    let b = text.as_bytes();
    let word = |t: &Token| -> &[u8] {
        if t.kind == Tok::Name {
            &b[t.start..t.end]
        } else {
            b""
        }
    };
    let mut tries: Vec<Vec<Range<usize>>> = Vec::new();
    // Each import with the frames around it (innermost last) and the try statements
    // they name; `except` clauses seen later are resolved at the end.
    let mut found: Vec<Found> = Vec::new();
    let mut stack: Vec<Block> = Vec::new();
    for (indent, toks) in &lines {
        let indent = *indent;
        // The blocks this line closes; the last of them at this line's indentation is
        // the statement an `elif`/`else`/`except`/`finally` continues.
        let mut closed: Option<Block> = None;
        if let Some(top) = stack.last() {
            if top.body.is_none() {
                // The first line of a body: it must be indented further.
                if indent <= top.header {
                    return None;
                }
                if let Some(top) = stack.last_mut() {
                    top.body = Some(indent);
                }
            }
        }
        while stack.last().is_some_and(|t| t.header >= indent) {
            closed = stack.pop();
        }
        let expected = stack.last().map_or(Some(0), |t| t.body);
        if expected != Some(indent) {
            return None; // an unexpected indent, or a dedent to no open level
        }
        let first = word(&toks[0]);
        let clause = matches!(first, b"elif" | b"else" | b"except" | b"finally");
        if clause {
            let prev = closed.filter(|c| c.header == indent)?;
            let frame = match (first, &prev.frame) {
                (b"elif", Frame::If(conds)) => {
                    let cond = header_condition(b, toks)?;
                    let mut all = vec![cond];
                    // An `elif` after an `elif`: the `if` statement's condition is
                    // the last of the previous clause's.
                    all.extend(conds.last().cloned());
                    Frame::If(all)
                }
                (b"else", Frame::If(conds)) => {
                    Frame::If(conds.last().cloned().into_iter().collect())
                }
                (b"except", Frame::Try(t)) => {
                    let colon = block_colon(b, toks)?;
                    // `except E, e:` (Python 2) is not Python 3.
                    let mut depth = 0usize;
                    let py2 = toks[..colon].iter().any(|t| {
                        match t.kind {
                            Tok::Op(b'(' | b'[' | b'{') => depth += 1,
                            Tok::Op(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
                            _ => {}
                        }
                        depth == 0 && t.kind == Tok::Op(b',')
                    });
                    if py2 {
                        return None;
                    }
                    let head = through_first_colon(text, toks[0].start..toks[colon].end);
                    tries.get_mut(*t)?.push(head);
                    Frame::Try(*t)
                }
                (b"else" | b"finally", Frame::Try(t)) => Frame::Try(*t),
                (b"else", Frame::Other) => Frame::Other, // `for`/`while` … `else`
                _ => return None,
            };
            open_block(&mut stack, &mut found, b, toks, indent, frame)?;
            continue;
        }
        let frame = match first {
            b"def" => Some(Frame::Function),
            b"async" => match toks.get(1).map(word) {
                Some(b"def") => Some(Frame::Function),
                Some(b"for" | b"with") => Some(Frame::Other),
                _ => None,
            },
            b"if" => Some(Frame::If(vec![header_condition(b, toks)?])),
            b"try" => {
                tries.push(Vec::new());
                Some(Frame::Try(tries.len() - 1))
            }
            b"for" | b"while" | b"with" | b"class" => Some(Frame::Other),
            // Soft keywords: a `match`/`case` statement when the line ends its header.
            b"match" | b"case"
                if toks.len() > 2 && toks.last().is_some_and(|t| t.kind == Tok::Op(b':')) =>
            {
                Some(Frame::Other)
            }
            _ => None,
        };
        match frame {
            Some(frame) => open_block(&mut stack, &mut found, b, toks, indent, frame)?,
            None => simple_statements(&stack, &mut found, b, toks)?,
        }
        if stack.len() > MAX_BLOCKS {
            return None;
        }
    }
    if stack.last().is_some_and(|t| t.body.is_none()) {
        return None; // a header with no body
    }
    let out = found
        .into_iter()
        .map(|(start, modules, frames)| ImportStatement {
            start,
            modules,
            enclosing: frames
                .iter()
                .rev()
                .flat_map(|f| match f {
                    Frame::Function => vec![Enclosing::Function],
                    Frame::Try(t) => {
                        vec![Enclosing::Try(tries.get(*t).cloned().unwrap_or_default())]
                    }
                    Frame::If(conds) => conds.iter().cloned().map(Enclosing::If).collect(),
                    Frame::Other => Vec::new(),
                })
                .collect(),
        })
        .collect();
    Some(out)
}

/// Opens the block of a compound statement's header line; a body on the same line
/// (`if x: import y`) is read at once and the block closes with the line.
fn open_block(
    stack: &mut Vec<Block>,
    found: &mut Vec<Found>,
    b: &[u8],
    toks: &[Token],
    indent: usize,
    frame: Frame,
) -> Option<()> {
    let colon = block_colon(b, toks)?;
    let inline = &toks[colon + 1..];
    stack.push(Block {
        header: indent,
        body: if inline.is_empty() {
            None
        } else {
            Some(usize::MAX)
        },
        frame,
    });
    if !inline.is_empty() {
        if inline[0].kind == Tok::Name
            && matches!(
                &b[inline[0].start..inline[0].end],
                b"if"
                    | b"elif"
                    | b"else"
                    | b"try"
                    | b"except"
                    | b"finally"
                    | b"for"
                    | b"while"
                    | b"with"
                    | b"def"
                    | b"class"
                    | b"async"
            )
        {
            return None; // a compound statement cannot follow on the header's line
        }
        simple_statements(stack, found, b, inline)?;
    }
    Some(())
}

/// The index of the colon that ends a compound statement's header: the first at
/// bracket depth 0 that no `lambda` takes.
fn block_colon(b: &[u8], toks: &[Token]) -> Option<usize> {
    let mut depth = 0usize;
    let mut lambdas = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            Tok::Op(b'(' | b'[' | b'{') => depth += 1,
            Tok::Op(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
            Tok::Name if depth == 0 && &b[t.start..t.end] == b"lambda" => lambdas += 1,
            Tok::Op(b':') if depth == 0 => {
                if lambdas == 0 {
                    return Some(i);
                }
                lambdas -= 1;
            }
            _ => {}
        }
    }
    None
}

/// The condition of an `if`/`elif` header: from the token after the keyword to the
/// last before the block's colon.
fn header_condition(b: &[u8], toks: &[Token]) -> Option<Range<usize>> {
    let colon = block_colon(b, toks)?;
    if colon < 2 {
        return None;
    }
    Some(toks[1].start..toks[colon - 1].end)
}

/// The `;`-separated simple statements of a line (or of a header's inline body): the
/// imports among them, with the blocks open around them.
fn simple_statements(
    stack: &[Block],
    found: &mut Vec<Found>,
    b: &[u8],
    toks: &[Token],
) -> Option<()> {
    let mut depth = 0usize;
    let mut from = 0usize;
    for i in 0..=toks.len() {
        let end = i == toks.len();
        if !end {
            match toks[i].kind {
                Tok::Op(b'(' | b'[' | b'{') => depth += 1,
                Tok::Op(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if end || (depth == 0 && toks[i].kind == Tok::Op(b';')) {
            if let Some(stmt) = toks.get(from..i).filter(|s| !s.is_empty()) {
                if let Some((start, modules)) = import_statement(b, stmt)? {
                    found.push((
                        start,
                        modules,
                        stack.iter().map(|s| s.frame.clone()).collect(),
                    ));
                }
            }
            from = i + 1;
        }
    }
    Some(())
}

/// `Some(Some(…))` for an import statement (its start and modules), `Some(None)` for
/// another statement, `None` for one this scanner cannot read.
#[allow(clippy::type_complexity)]
fn import_statement(b: &[u8], stmt: &[Token]) -> Option<Option<(usize, Vec<Range<usize>>)>> {
    let is = |t: &Token, w: &[u8]| t.kind == Tok::Name && &b[t.start..t.end] == w;
    let imports_at = stmt.iter().position(|t| is(t, b"import"));
    let first = &stmt[0];
    if is(first, b"import") {
        let mut modules = Vec::new();
        let mut i = 1;
        loop {
            let (range, next) = dotted_name(b, stmt, i)?;
            modules.push(range);
            i = next;
            if stmt.get(i).is_some_and(|t| is(t, b"as")) {
                if stmt.get(i + 1).map(|t| t.kind) != Some(Tok::Name) {
                    return None;
                }
                i += 2;
            }
            match stmt.get(i) {
                None => break,
                Some(t) if t.kind == Tok::Op(b',') => i += 1,
                Some(_) => return None,
            }
        }
        return Some(Some((first.start, modules)));
    }
    if is(first, b"from") {
        let import_at = imports_at?;
        let mut i = 1;
        let relative = stmt.get(1).is_some_and(|t| t.kind == Tok::Op(b'.'));
        while stmt.get(i).is_some_and(|t| t.kind == Tok::Op(b'.')) {
            i += 1;
        }
        let mut modules = Vec::new();
        if i < import_at {
            let (range, next) = dotted_name(b, stmt, i)?;
            if next != import_at {
                return None;
            }
            // `from __future__ import …` is a statement of its own kind.
            if !relative && &b[range.clone()] == b"__future__" {
                return Some(None);
            }
            if !relative {
                modules.push(range);
            }
        } else if !relative {
            return None; // `from import x`
        }
        if import_at + 1 >= stmt.len() {
            return None;
        }
        return Some(Some((first.start, modules)));
    }
    // `import` anywhere else in a statement is not Python this scanner reads.
    if imports_at.is_some() {
        return None;
    }
    Some(None)
}

/// A dotted name starting at token `i`: its byte range and the index after it.
fn dotted_name(b: &[u8], toks: &[Token], mut i: usize) -> Option<(Range<usize>, usize)> {
    let is_name = |t: &Token| t.kind == Tok::Name && !is_keyword(&b[t.start..t.end]);
    let first = toks.get(i).filter(|t| is_name(t))?;
    let mut end = first.end;
    i += 1;
    while toks.get(i).is_some_and(|t| t.kind == Tok::Op(b'.')) {
        let next = toks.get(i + 1).filter(|t| is_name(t))?;
        end = next.end;
        i += 2;
    }
    Some((first.start..end, i))
}

/// A keyword that may stand next to a name: the hard keywords, the soft ones
/// (`match`, `case`, `type`) and Python 2's `print`/`exec` statements, which the
/// grammar accepts.
fn joins_names(w: &[u8]) -> bool {
    is_keyword(w) || matches!(w, b"match" | b"case" | b"type" | b"print" | b"exec")
}

/// Python's hard keywords: never a module name.
fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"False"
            | b"None"
            | b"True"
            | b"and"
            | b"as"
            | b"assert"
            | b"async"
            | b"await"
            | b"break"
            | b"class"
            | b"continue"
            | b"def"
            | b"del"
            | b"elif"
            | b"else"
            | b"except"
            | b"finally"
            | b"for"
            | b"from"
            | b"global"
            | b"if"
            | b"import"
            | b"in"
            | b"is"
            | b"lambda"
            | b"nonlocal"
            | b"not"
            | b"or"
            | b"pass"
            | b"raise"
            | b"return"
            | b"try"
            | b"while"
            | b"with"
            | b"yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (module texts, enclosing) per statement, for short assertions.
    fn read(text: &str) -> Option<Vec<(Vec<&str>, Vec<Enclosing>)>> {
        Some(
            scan(text)?
                .into_iter()
                .map(|s| {
                    (
                        s.modules.iter().map(|r| &text[r.clone()]).collect(),
                        s.enclosing,
                    )
                })
                .collect(),
        )
    }

    fn modules(text: &str) -> Vec<&str> {
        read(text)
            .unwrap_or_default()
            .into_iter()
            .flat_map(|(m, _)| m)
            .collect()
    }

    #[test]
    fn plain_imports() {
        let t = "import os\nimport a.b as c, d\nfrom x.y import (\n    p,\n    q,\n)\nfrom . import z\nfrom .w import v\nfrom __future__ import annotations\n";
        assert_eq!(modules(t), ["os", "a.b", "d", "x.y"]);
        let r = read(t).unwrap_or_default();
        assert_eq!(
            r.len(),
            5,
            "the relative imports are statements without modules"
        );
    }

    #[test]
    fn strings_and_comments_hide_import() {
        let t = "s = 'import yaml'\n# import yaml\nd = \"\"\"\nimport yaml\n\"\"\"\nf = rb'import\\' x'\nimport real\n";
        assert_eq!(modules(t), ["real"]);
    }

    #[test]
    fn continuations_and_semicolons() {
        let t = "import a, \\\n    b\nx = 1; import c; from d import e\nimport f . g\n";
        assert_eq!(modules(t), ["a", "b", "c", "d", "f . g"]);
        let crlf = "import a\r\nif x:\r\n    import b\r\n";
        assert_eq!(modules(crlf), ["a", "b"]);
    }

    #[test]
    fn nesting_and_guards() {
        let t = "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\nif TYPE_CHECKING:\n    import d\nelif x:\n    import e\nelse:\n    import f\ndef g():\n    class C:\n        import h\nclass K:\n    def m(self): import i\n";
        let r = read(t).unwrap_or_default();
        let at = t.find("except").unwrap_or(0);
        let head = at..at + "except ImportError:".len();
        let try_ = Enclosing::Try(vec![head]);
        let cond = |s: &str| {
            let at = t.find(s).unwrap_or(0);
            Enclosing::If(at..at + s.len())
        };
        assert_eq!(r[0].1, std::slice::from_ref(&try_));
        assert_eq!(r[1].1, std::slice::from_ref(&try_));
        assert_eq!(r[2].1, [try_]);
        assert_eq!(r[3].1, [cond("TYPE_CHECKING")]);
        assert_eq!(
            r[4].1,
            [cond("x:").clone(), cond("TYPE_CHECKING")].map(|e| match e {
                Enclosing::If(r) if t[r.clone()].ends_with(':') =>
                    Enclosing::If(r.start..r.end - 1),
                e => e,
            })
        );
        assert_eq!(r[5].1, [cond("TYPE_CHECKING")]);
        assert_eq!(r[6].1, [Enclosing::Function]);
        assert_eq!(r[7].1, [Enclosing::Function]);
    }

    #[test]
    fn headers_with_colons_inside() {
        let t = "if d[1:2] and (lambda: 1)() and f(x=lambda y: y):\n    import a\ndef f(x: int = {1: 2}) -> 'a:b':\n    import b\n";
        let r = read(t).unwrap_or_default();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].1, [Enclosing::Function]);
    }

    #[test]
    fn refuses_what_it_cannot_vouch_for() {
        for bad in [
            "if x:\nimport a\n",          // no indented body
            "import a\n    import b\n",   // unexpected indent
            "if x:\n    a\n  import b\n", // dedent to no level
            "import (a)\n",
            "s = 'unterminated\nimport a\n",
            "x = (\nimport a\n",
            "x = )\n",
            "import a\rimport b\n",
            "else:\n    import a\n",
            "x = 1 $ 2\n",
            "print(1) import a\n",
            "from import a\n",
            "if x: if y: import a\n",
            "\u{feff}import a\n",
            "x = a\u{a0}b\n",
            "docker compose exec -u app web ./manage.py \"$@\"\n",
        ] {
            assert_eq!(scan(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for odd in [
            "",
            "\\",
            "'",
            "\"\"\"",
            "f'",
            "import",
            "from",
            "from .",
            "if",
            ":",
            "((((",
            "é",
            "import é.ü",
            "\t\timport a\n",
        ] {
            let _ = scan(odd);
        }
        assert_eq!(modules("import é.ü\n"), ["é.ü"]);
    }
}
