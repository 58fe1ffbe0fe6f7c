//! GitHub Actions expressions, the text inside `${{ … }}`: a parser that keeps
//! byte spans, and the questions the workflow rules ask of an expression
//! (which contexts can become its value, which are only compared).
//!
//! The grammar is GitHub's: literals (`null`, `true`, `false`, numbers,
//! `'strings'` with `''` as the escaped quote), contexts (`github.event.issue.title`,
//! `steps.my-step.outputs.x`, `matrix['os']`, `labels.*.name`), function calls,
//! `!`, comparisons, `==`/`!=`, `&&`, `||` and parentheses, in that order of
//! precedence (tightest first after member access). A parse error is a value,
//! never a panic: rules then treat the expression as unknown.

use std::ops::Range;

/// A parsed expression node with its byte span in the parsed text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Byte range in the text given to [`parse`].
    pub span: Range<usize>,
}

/// The node kinds.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number literal.
    Number(f64),
    /// A string literal, decoded.
    Str(String),
    /// The root name of a context (`github`, `inputs`, `env`), or a bare word.
    Ident(String),
    /// `base.name`; `name` is `*` for a property filter (`labels.*.name`).
    Member(Box<Expr>, String),
    /// `base[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `name(args…)`, the name as written.
    Call(String, Vec<Expr>),
    /// `!operand`.
    Not(Box<Expr>),
    /// A binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// Why an expression could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected.
    pub message: String,
}

/// A value that can reach an expression's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    /// Context path, lower-case (`github.event.issue.title`, `matrix.os`), `*` for
    /// property filters and numeric indices; `None` when an index is computed.
    pub path: Option<String>,
    /// Span of the context reference in the parsed text.
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Dot,
    Comma,
    Star,
    Not,
    Op(BinOp),
    Ident(String),
    Number(f64),
    Str(String),
}

/// The operators written with two characters.
fn two_char_op(two: &str) -> Option<BinOp> {
    Some(match two {
        "&&" => BinOp::And,
        "||" => BinOp::Or,
        "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        "<=" => BinOp::Le,
        ">=" => BinOp::Ge,
        _ => return None,
    })
}

fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, ParseError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |offset: usize, message: &str| ParseError {
        offset,
        message: message.to_string(),
    };
    while i < b.len() {
        let c = b[i];
        let start = i;
        if let Some(op) = text.get(i..i + 2).and_then(two_char_op) {
            i += 2;
            out.push((Tok::Op(op), start..i));
            continue;
        }
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => Tok::LParen,
            b')' => Tok::RParen,
            b'[' => Tok::LBracket,
            b']' => Tok::RBracket,
            b',' => Tok::Comma,
            b'*' => Tok::Star,
            b'.' if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => Tok::Dot,
            b'<' => Tok::Op(BinOp::Lt),
            b'>' => Tok::Op(BinOp::Gt),
            b'!' => Tok::Not,
            b'\'' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    let Some(k) = text[j..].find('\'') else {
                        return Err(err(start, "unterminated string"));
                    };
                    s.push_str(&text[j..j + k]);
                    j += k + 1;
                    if b.get(j) == Some(&b'\'') {
                        s.push('\'');
                        j += 1;
                    } else {
                        break;
                    }
                }
                out.push((Tok::Str(s), start..j));
                i = j;
                continue;
            }
            b'0'..=b'9' if matches!(out.last(), Some((Tok::Dot, _))) => {
                // `steps.1st.outputs`: after `.`, a name may start with a digit.
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'_' | b'-')) {
                    j += 1;
                }
                out.push((Tok::Ident(text[i..j].to_string()), start..j));
                i = j;
                continue;
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let mut j = i + 1;
                while j < b.len()
                    && (b[j].is_ascii_alphanumeric()
                        || b[j] == b'.'
                        || (matches!(b[j], b'-' | b'+') && matches!(b[j - 1], b'e' | b'E')))
                {
                    j += 1;
                }
                let raw = &text[i..j];
                let n = parse_number(raw).ok_or_else(|| err(start, "bad number"))?;
                out.push((Tok::Number(n), start..j));
                i = j;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'_' | b'-')) {
                    j += 1;
                }
                out.push((Tok::Ident(text[i..j].to_string()), start..j));
                i = j;
                continue;
            }
            _ => return Err(err(start, "unexpected character")),
        };
        i += 1;
        out.push((tok, start..i));
    }
    Ok(out)
}

fn parse_number(raw: &str) -> Option<f64> {
    let (neg, body) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw.strip_prefix('+').unwrap_or(raw)),
    };
    let v = if let Some(h) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()? as f64
    } else if let Some(o) = body.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()? as f64
    } else {
        body.parse::<f64>().ok()?
    };
    Some(if neg { -v } else { v })
}

struct Parser<'t> {
    toks: &'t [(Tok, Range<usize>)],
    pos: usize,
    end: usize,
    depth: usize,
}

const MAX_DEPTH: usize = 128;

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.1.start)
    }

    fn err<T>(&self, message: &str) -> Result<T, ParseError> {
        Err(ParseError {
            offset: self.here(),
            message: message.to_string(),
        })
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<usize, ParseError> {
        match self.toks.get(self.pos) {
            Some((t, span)) if t == want => {
                self.pos += 1;
                Ok(span.end)
            }
            _ => self.err(what),
        }
    }

    fn binary(&mut self, level: usize) -> Result<Expr, ParseError> {
        const LEVELS: [&[BinOp]; 4] = [
            &[BinOp::Or],
            &[BinOp::And],
            &[BinOp::Eq, BinOp::Ne],
            &[BinOp::Lt, BinOp::Le, BinOp::Gt, BinOp::Ge],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        while let Some(Tok::Op(op)) = self.peek() {
            let op = *op;
            if !LEVELS[level].contains(&op) {
                break;
            }
            self.pos += 1;
            let right = self.binary(level + 1)?;
            let span = left.span.start..right.span.end;
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Tok::Not) {
            let start = self.here();
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return self.err("expression nested too deeply");
            }
            let inner = self.unary()?;
            self.depth -= 1;
            let span = start..inner.span.end;
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(inner)),
                span,
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        loop {
            match self.peek() {
                Some(Tok::Dot) => {
                    self.pos += 1;
                    let (name, end) = match self.toks.get(self.pos) {
                        Some((Tok::Ident(n), s)) => (n.clone(), s.end),
                        Some((Tok::Star, s)) => ("*".to_string(), s.end),
                        _ => return self.err("expected a property name after `.`"),
                    };
                    self.pos += 1;
                    let span = e.span.start..end;
                    e = Expr {
                        kind: ExprKind::Member(Box::new(e), name),
                        span,
                    };
                }
                Some(Tok::LBracket) => {
                    self.pos += 1;
                    if self.peek() == Some(&Tok::Star) {
                        self.pos += 1;
                        let end = self.expect(&Tok::RBracket, "expected `]`")?;
                        let span = e.span.start..end;
                        e = Expr {
                            kind: ExprKind::Member(Box::new(e), "*".to_string()),
                            span,
                        };
                        continue;
                    }
                    let index = self.nested()?;
                    let end = self.expect(&Tok::RBracket, "expected `]`")?;
                    let span = e.span.start..end;
                    e = Expr {
                        kind: ExprKind::Index(Box::new(e), Box::new(index)),
                        span,
                    };
                }
                _ => return Ok(e),
            }
        }
    }

    fn nested(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("expression nested too deeply");
        }
        let e = self.binary(0)?;
        self.depth -= 1;
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Some((tok, span)) = self.toks.get(self.pos).cloned() else {
            return self.err("expected a value");
        };
        self.pos += 1;
        let kind = match tok {
            Tok::Number(n) => ExprKind::Number(n),
            Tok::Str(s) => ExprKind::Str(s),
            Tok::LParen => {
                let inner = self.nested()?;
                let end = self.expect(&Tok::RParen, "expected `)`")?;
                return Ok(Expr {
                    kind: inner.kind,
                    span: span.start..end,
                });
            }
            Tok::Ident(name) => {
                if self.peek() == Some(&Tok::LParen) {
                    self.pos += 1;
                    let mut args = Vec::new();
                    if self.peek() != Some(&Tok::RParen) {
                        loop {
                            args.push(self.nested()?);
                            if self.peek() == Some(&Tok::Comma) {
                                self.pos += 1;
                                continue;
                            }
                            break;
                        }
                    }
                    let end = self.expect(&Tok::RParen, "expected `)` after arguments")?;
                    return Ok(Expr {
                        kind: ExprKind::Call(name, args),
                        span: span.start..end,
                    });
                }
                match name.as_str() {
                    "null" => ExprKind::Null,
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    _ => ExprKind::Ident(name),
                }
            }
            _ => {
                self.pos -= 1;
                return self.err("expected a value");
            }
        };
        Ok(Expr { kind, span })
    }
}

/// Parses the inside of `${{ … }}`.
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let toks = lex(text)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end: text.len(),
        depth: 0,
    };
    let e = p.binary(0)?;
    if p.pos != toks.len() {
        return p.err("unexpected text after the expression");
    }
    Ok(e)
}

/// Functions whose result is a boolean or a fixed-shape value, never the text of an argument.
const OPAQUE_FUNCTIONS: &[&str] = &[
    "contains",
    "startswith",
    "endswith",
    "success",
    "failure",
    "always",
    "cancelled",
    "hashfiles",
];

impl Expr {
    /// The context path of a chain of names from a root identifier
    /// (`github.event.issue.title`), lower-case, `*` for property filters and
    /// numeric indices, string indices as names; `None` for anything else.
    pub fn context_path(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Ident(n) => Some(n.to_ascii_lowercase()),
            ExprKind::Member(base, name) => {
                let b = base.context_path()?;
                Some(format!("{b}.{}", name.to_ascii_lowercase()))
            }
            ExprKind::Index(base, idx) => {
                let b = base.context_path()?;
                match &idx.kind {
                    ExprKind::Str(s) => Some(format!("{b}.{}", s.to_ascii_lowercase())),
                    ExprKind::Number(_) => Some(format!("{b}.*")),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The context values that can become this expression's value (its "dataflow"):
    /// comparisons, `!` and `contains()`-like calls give booleans and carry nothing;
    /// `a && b` carries `b` (a falsy `a` is empty); `a || b` carries both;
    /// `format`, `join`, `toJSON`, `fromJSON` carry their arguments; a member of a
    /// computed value carries the member of each value it could be
    /// (`(a || b).title` carries `a.title` and `b.title`).
    pub fn flows(&self) -> Vec<Flow> {
        let mut out = Vec::new();
        self.flows_into(&mut out);
        out
    }

    fn flows_into(&self, out: &mut Vec<Flow>) {
        if let Some(path) = self.context_path() {
            out.push(Flow {
                path: Some(path),
                span: self.span.clone(),
            });
            return;
        }
        match &self.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_) => {}
            ExprKind::Ident(_) => {}
            ExprKind::Not(_) => {}
            ExprKind::Binary(op, l, r) => match op {
                BinOp::Or => {
                    l.flows_into(out);
                    r.flows_into(out);
                }
                BinOp::And => r.flows_into(out),
                _ => {}
            },
            ExprKind::Call(name, args) => {
                if OPAQUE_FUNCTIONS.contains(&name.to_ascii_lowercase().as_str()) {
                    return;
                }
                for a in args {
                    a.flows_into(out);
                }
            }
            ExprKind::Member(base, name) => {
                for f in base.flows() {
                    out.push(Flow {
                        path: f.path.map(|p| format!("{p}.{}", name.to_ascii_lowercase())),
                        span: f.span,
                    });
                }
            }
            ExprKind::Index(base, idx) => {
                let suffix = match &idx.kind {
                    ExprKind::Str(s) => Some(s.to_ascii_lowercase()),
                    ExprKind::Number(_) => Some("*".to_string()),
                    _ => None,
                };
                for f in base.flows() {
                    out.push(Flow {
                        path: match (&f.path, &suffix) {
                            (Some(p), Some(s)) => Some(format!("{p}.{s}")),
                            _ => None,
                        },
                        span: f.span,
                    });
                }
            }
        }
    }

    /// The string literals that can be this expression's value (`a && 'x' || 'y'`
    /// can be `x` or `y`); a context that can be the value makes the answer `None`
    /// (unknown).
    pub fn result_literals(&self) -> Option<Vec<String>> {
        match &self.kind {
            ExprKind::Str(s) => Some(vec![s.clone()]),
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) => Some(Vec::new()),
            ExprKind::Not(_) => Some(Vec::new()),
            ExprKind::Binary(BinOp::And, _, r) => r.result_literals(),
            ExprKind::Binary(BinOp::Or, l, r) => {
                let mut v = l.result_literals()?;
                v.extend(r.result_literals()?);
                Some(v)
            }
            ExprKind::Binary(..) => Some(Vec::new()),
            ExprKind::Call(_, _) if self.is_boolean() => Some(Vec::new()),
            _ => None,
        }
    }

    /// Whether the value is fixed by the text alone: literals, operators and pure
    /// functions of them (`format('{0}', 'a')`, `true || false`), no context and no
    /// status or file function.
    pub fn is_constant(&self) -> bool {
        match &self.kind {
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_) => true,
            ExprKind::Ident(_) | ExprKind::Member(..) | ExprKind::Index(..) => false,
            ExprKind::Not(e) => e.is_constant(),
            ExprKind::Binary(_, l, r) => l.is_constant() && r.is_constant(),
            ExprKind::Call(name, args) => {
                matches!(
                    name.to_ascii_lowercase().as_str(),
                    "format"
                        | "contains"
                        | "startswith"
                        | "endswith"
                        | "join"
                        | "tojson"
                        | "fromjson"
                ) && args.iter().all(Expr::is_constant)
            }
        }
    }

    /// The largest sub-expressions that are constant and not a bare literal
    /// (what a reader would have to evaluate by hand to see what the text means).
    pub fn reducible(&self) -> Vec<&Expr> {
        let mut out = Vec::new();
        self.reducible_into(&mut out);
        out
    }

    fn reducible_into<'a>(&'a self, out: &mut Vec<&'a Expr>) {
        let literal = matches!(
            self.kind,
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_)
        );
        if self.is_constant() {
            if !literal {
                out.push(self);
            }
            return;
        }
        for c in self.children() {
            c.reducible_into(out);
        }
    }

    /// Every node, parents before children.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Expr)) {
        f(self);
        for c in self.children() {
            c.walk(f);
        }
    }

    /// The direct sub-expressions, left to right: what every traversal descends into.
    fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Member(b, _) | ExprKind::Not(b) => vec![b.as_ref()],
            ExprKind::Index(b, i) | ExprKind::Binary(_, b, i) => vec![b.as_ref(), i.as_ref()],
            ExprKind::Call(_, args) => args.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Every context path referenced anywhere (compared, tested or carried), with its span;
    /// for a chain only the longest path is listed.
    pub fn contexts(&self) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        self.contexts_into(&mut out);
        out
    }

    fn contexts_into(&self, out: &mut Vec<(String, Range<usize>)>) {
        if let Some(p) = self.context_path() {
            out.push((p, self.span.clone()));
            if let ExprKind::Index(_, idx) = &self.kind {
                idx.contexts_into(out);
            }
            return;
        }
        for c in self.children() {
            c.contexts_into(out);
        }
    }

    /// Whether the value is always a boolean (a comparison, `!`, `&&`/`||` of booleans,
    /// `contains()`-like calls, status functions).
    pub fn is_boolean(&self) -> bool {
        match &self.kind {
            ExprKind::Bool(_) | ExprKind::Not(_) => true,
            ExprKind::Binary(BinOp::And | BinOp::Or, l, r) => l.is_boolean() && r.is_boolean(),
            ExprKind::Binary(..) => true,
            ExprKind::Call(name, _) => matches!(
                name.to_ascii_lowercase().as_str(),
                "contains"
                    | "startswith"
                    | "endswith"
                    | "success"
                    | "failure"
                    | "always"
                    | "cancelled"
            ),
            _ => false,
        }
    }

    /// The function name, lower-case, when this is a call.
    pub fn call_name(&self) -> Option<String> {
        match &self.kind {
            ExprKind::Call(n, _) => Some(n.to_ascii_lowercase()),
            _ => None,
        }
    }
}

/// One `${{ … }}` found in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fenced {
    /// Span of the whole `${{ … }}` in the searched text.
    pub outer: Range<usize>,
    /// Span of the inside (between the braces, untrimmed).
    pub inner: Range<usize>,
}

/// Every `${{ … }}` in `text`, with string literals skipped so a `}}` inside
/// `'…'` does not end an expression early. An unterminated one ends the search.
pub fn fenced(text: &str) -> Vec<Fenced> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text
        .get(from..)
        .and_then(|s| s.find("${{"))
        .map(|i| i + from)
    {
        let mut i = start + 3;
        let mut end = None;
        while i + 1 < b.len() {
            match b[i] {
                b'\'' => {
                    i += 1;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                b'}' if b[i + 1] == b'}' => {
                    end = Some(i);
                    break;
                }
                _ => i += 1,
            }
        }
        let Some(e) = end else { break };
        out.push(Fenced {
            outer: start..e + 2,
            inner: start + 3..e,
        });
        from = e + 2;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(src: &str) -> Vec<String> {
        parse(src)
            .unwrap()
            .flows()
            .into_iter()
            .map(|f| f.path.unwrap_or_else(|| "?".into()))
            .collect()
    }

    #[test]
    fn contexts_and_indices() {
        assert_eq!(
            paths("github.event.issue.title"),
            ["github.event.issue.title"]
        );
        assert_eq!(
            paths("github['event']['issue'].TITLE"),
            ["github.event.issue.title"]
        );
        assert_eq!(
            paths("github.event.pull_request.labels.*.name"),
            ["github.event.pull_request.labels.*.name"]
        );
        assert_eq!(
            paths("github.event.commits[0].message"),
            ["github.event.commits.*.message"]
        );
        assert_eq!(
            paths("steps.my-step.outputs.x"),
            ["steps.my-step.outputs.x"]
        );
        assert_eq!(paths("matrix[format('{0}', 'os')]"), ["?"]);
    }

    #[test]
    fn booleans_carry_nothing() {
        assert!(paths("github.event.issue.title == 'x'").is_empty());
        assert!(paths("contains(github.event.issue.title, 'x')").is_empty());
        assert!(paths("!github.event.issue.title").is_empty());
        assert!(paths("startsWith(github.ref, 'refs/tags/')").is_empty());
        assert!(parse("github.event.issue.title == 'x'")
            .unwrap()
            .is_boolean());
        assert!(paths("fromJSON(inputs.free) && '_ft' || ''").is_empty());
    }

    #[test]
    fn dataflow_through_calls_and_operators() {
        assert_eq!(
            paths("toJSON(github.event.pull_request.title)"),
            ["github.event.pull_request.title"]
        );
        assert_eq!(
            paths("format('{0}-{1}', github.head_ref, github.sha)"),
            ["github.head_ref", "github.sha"]
        );
        assert_eq!(
            paths("github.event.pull_request.title || github.event.issue.title"),
            [
                "github.event.pull_request.title",
                "github.event.issue.title"
            ]
        );
        assert_eq!(
            paths("inputs.debug && github.head_ref"),
            ["github.head_ref"]
        );
        assert_eq!(
            paths("(github.event.pull_request || github.event.issue).number"),
            [
                "github.event.pull_request.number",
                "github.event.issue.number"
            ]
        );
        assert_eq!(
            paths("fromJSON(steps.runs.outputs.data).workflow_runs[0].id"),
            ["steps.runs.outputs.data.workflow_runs.*.id"]
        );
    }

    #[test]
    fn literals_and_errors() {
        assert_eq!(parse("'it''s'").unwrap().kind, ExprKind::Str("it's".into()));
        assert_eq!(parse("-1.5").unwrap().kind, ExprKind::Number(-1.5));
        assert_eq!(parse("0xff").unwrap().kind, ExprKind::Number(255.0));
        assert!(parse("github.event.").is_err());
        assert!(parse("'open").is_err());
        assert!(parse("a b").is_err());
        assert!(parse(&"(".repeat(500)).is_err());
        assert!(parse(&"!".repeat(500)).is_err());
    }

    #[test]
    fn fenced_expressions() {
        let t = "echo ${{ format('}}', x) }} and ${{ y }}";
        let f = fenced(t);
        assert_eq!(f.len(), 2);
        assert_eq!(&t[f[0].inner.clone()], " format('}}', x) ");
        assert_eq!(&t[f[1].outer.clone()], "${{ y }}");
        assert!(fenced("${{ open").is_empty());
    }

    #[test]
    fn all_contexts_are_listed() {
        let e = parse("github.actor == 'dependabot[bot]' && contains(github.event.pull_request.labels.*.name, 'ok')").unwrap();
        let c: Vec<String> = e.contexts().into_iter().map(|c| c.0).collect();
        assert_eq!(
            c,
            ["github.actor", "github.event.pull_request.labels.*.name"]
        );
    }
}
