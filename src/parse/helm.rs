//! Helm chart templates rendered without Helm, from the chart's own `values.yaml`
//! defaults, so the Kubernetes rules can read what a chart deploys by default.
//!
//! Only what can be decided from the defaults is rendered: `{{ .Values.a.b }}`,
//! `default`, `quote`, `toYaml … | nindent N`, `if`/`with` over values, `range` over
//! a values list or map, `$x := …` variables, `.Chart.*`. Anything else (`include` of a
//! helper, `.Capabilities`, `lookup`, `printf`, a condition over one of those) is not
//! guessed: at a place of its own (a line, a `nindent` block, an `if` body) nothing is
//! rendered and a *gap* is recorded; inside a line a neutral placeholder is written and
//! its range recorded as *unresolved*. Readers then leave out any conclusion from
//! absence ("no probe", "no limit") near a gap and any finding on an unresolved value.
//! Every rendered byte maps back to the template, or to the `values.yaml` line it was
//! copied from.

use std::collections::HashMap;
use std::ops::Range;

use super::yaml::{YamlFile, YamlNode, YamlValue};

/// Written where an inline value could not be resolved (valid as a plain or quoted
/// YAML scalar, and readable in a message).
pub const PLACEHOLDER: &str = "(templated)";

/// Rendering stops (the rest is a gap) past this many bytes of output.
const MAX_OUTPUT: usize = 4 << 20;
/// Nesting deeper than this is not rendered.
const MAX_DEPTH: usize = 64;
/// `range` over more items than this is not rendered.
const MAX_ITEMS: usize = 1000;
/// Rendering stops (the rest is a gap) after this many template nodes, `include`s
/// and `range` items counted together: a helper that includes itself inside a range
/// would otherwise take exponential time with no output to stop it.
const MAX_STEPS: usize = 200_000;

/// A chart's defaults, as the templates see them.
#[derive(Debug, Default)]
pub struct Chart {
    /// `values.yaml` text.
    pub values_text: String,
    /// Its parse (`None` when missing or not valid YAML: every value is unknown).
    pub values: Option<YamlFile>,
    /// `Chart.yaml` `name`.
    pub name: Option<String>,
    /// `Chart.yaml` `version`.
    pub version: Option<String>,
    /// `Chart.yaml` `appVersion`.
    pub app_version: Option<String>,
    /// The text of the chart's helper files (`templates/_*.tpl`), which `define` what
    /// `include` renders.
    helpers: String,
    /// The named templates defined there.
    defines: HashMap<String, Vec<Node>>,
}

impl Chart {
    /// A chart from its `Chart.yaml` and `values.yaml` texts (`None`: file missing).
    pub fn new(chart_yaml: Option<&str>, values_text: Option<&str>) -> Chart {
        let meta = chart_yaml.map(super::yaml::parse);
        let field = |k: &str| -> Option<String> {
            let root = meta.as_ref()?.documents.first()?.root.as_ref()?;
            root.get(k).and_then(|v| v.as_str()).map(str::to_string)
        };
        let values = values_text
            .map(super::yaml::parse)
            .filter(|y| y.error.is_none() && y.refused.is_none());
        Chart {
            values_text: values_text.unwrap_or("").to_string(),
            values,
            name: field("name"),
            version: field("version"),
            app_version: field("appVersion"),
            helpers: String::new(),
            defines: HashMap::new(),
        }
    }

    /// Adds the named templates of helper files (`_helpers.tpl`), joined, for `include`.
    pub fn with_helpers(mut self, helpers: String) -> Chart {
        let mut defines = HashMap::new();
        for n in parse_template(&helpers) {
            if let Node::Define(name, body) = n {
                defines.insert(name, body);
            }
        }
        self.helpers = helpers;
        self.defines = defines;
        self
    }

    fn root(&self) -> Option<&YamlNode> {
        self.values.as_ref()?.documents.first()?.root.as_ref()
    }
}

/// Which file a rendered byte came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The template itself.
    Template,
    /// `values.yaml`.
    Values,
}

/// A run of rendered bytes and where they came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Offset in the rendered text.
    pub text_start: usize,
    /// Length in bytes.
    pub len: usize,
    /// The file it came from.
    pub side: Side,
    /// Offset in that file (exact for template text, the line's start for values).
    pub host_start: usize,
    /// Offset in the template of the text or action that produced it.
    pub action: usize,
}

/// A rendered template: YAML text, its origin map, and what was not resolved.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The rendered text.
    pub text: String,
    /// Origins, sorted by `text_start`.
    pub pieces: Vec<Piece>,
    /// Rendered offsets where a block or structure could not be rendered.
    pub gaps: Vec<usize>,
    /// Rendered ranges holding [`PLACEHOLDER`] for a value not resolved.
    pub unresolved: Vec<Range<usize>>,
    /// What was not resolved: template offset and the action's text (first few).
    pub unknown: Vec<(usize, String)>,
}

impl Rendered {
    fn piece_at(&self, off: usize) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.text_start <= off);
        self.pieces.get(i.checked_sub(1)?)
    }

    /// Template offset of rendered offset `off` (values text maps to the action that
    /// wrote it).
    pub fn template_offset(&self, off: usize) -> usize {
        match self.piece_at(off) {
            Some(p) if p.side == Side::Template => p.host_start + (off - p.text_start).min(p.len),
            Some(p) => p.action,
            None => 0,
        }
    }

    /// When `span` shows text copied from `values.yaml`: (values offset, template
    /// offset of the action) of the piece a person edits: for a one-line value its
    /// last (the tag of `repo:tag`), for a block its first line (under the key).
    pub fn from_values(&self, span: &Range<usize>) -> Option<(usize, usize)> {
        let end = span.end.max(span.start + 1);
        let block = self
            .text
            .get(span.clone())
            .is_some_and(|t| t.contains('\n'));
        let mut pieces = self
            .pieces
            .iter()
            .filter(|p| p.side == Side::Values)
            .filter(|p| p.text_start < end && p.text_start + p.len > span.start)
            .filter(|p| {
                // Not only the indentation `nindent` added in front of a values line.
                let s = p.text_start.max(span.start);
                let e = (p.text_start + p.len).min(end);
                self.text.get(s..e).is_some_and(|t| !t.trim().is_empty())
            });
        let p = if block {
            pieces.next()
        } else {
            pieces.next_back()
        };
        p.map(|p| (p.host_start, p.action))
    }

    /// Whether `span` holds a value that was not resolved.
    pub fn unresolved_in(&self, span: &Range<usize>) -> bool {
        self.unresolved
            .iter()
            .any(|u| u.start < span.end.max(span.start + 1) && span.start < u.end)
    }

    /// Whether a gap lies in `range`.
    pub fn gap_in(&self, range: Range<usize>) -> bool {
        self.gaps.iter().any(|g| range.contains(g))
    }
}

/// Renders `template` with `chart`'s defaults.
pub fn render(template: &str, chart: &Chart) -> Rendered {
    let nodes = parse_template(template);
    let steps = std::cell::Cell::new(0);
    let mut r = Renderer {
        tpl: template,
        chart,
        out: Rendered::default(),
        vars: HashMap::new(),
        stopped: false,
        includes: 0,
        steps: &steps,
    };
    let root = Val::root();
    r.vars.insert("$".to_string(), root.clone());
    r.block(&nodes, &root, 0);
    r.out
}

// ---------------------------------------------------------------- lexing and parsing

#[derive(Debug, Clone)]
enum Tok {
    Text(Range<usize>),
    /// An action's body (between the delimiters and trim markers) and its whole span.
    Action(Range<usize>, Range<usize>),
}

fn lex(t: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut pos = 0;
    let mut trim_next = false;
    while pos < t.len() {
        let Some(open) = t[pos..].find("{{").map(|i| pos + i) else {
            push_text(&mut toks, t, pos..t.len(), trim_next, false);
            break;
        };
        let left_trim = t[open + 2..].starts_with("- ")
            || t[open + 2..].starts_with("-\n")
            || t[open + 2..].starts_with("-\t");
        let body_start = open + 2 + usize::from(left_trim);
        let Some(close) = find_close(t, body_start) else {
            // An unterminated action: the rest is text.
            push_text(&mut toks, t, pos..t.len(), trim_next, false);
            break;
        };
        let right_trim = close > body_start
            && t[..close].ends_with('-')
            && t[..close - 1].ends_with([' ', '\n', '\t']);
        let body_end = if right_trim { close - 1 } else { close };
        push_text(&mut toks, t, pos..open, trim_next, left_trim);
        toks.push(Tok::Action(
            body_start..body_end.max(body_start),
            open..close + 2,
        ));
        trim_next = right_trim;
        pos = close + 2;
    }
    toks
}

fn push_text(toks: &mut Vec<Tok>, t: &str, mut r: Range<usize>, trim_start: bool, trim_end: bool) {
    if trim_start {
        let s = &t[r.clone()];
        r.start += s.len() - s.trim_start().len();
    }
    if trim_end {
        let s = &t[r.clone()];
        r.end -= s.len() - s.trim_end().len();
    }
    if r.start < r.end {
        toks.push(Tok::Text(r));
    }
}

/// The `}}` closing an action whose body starts at `from` (quotes and comments
/// skipped).
fn find_close(t: &str, from: usize) -> Option<usize> {
    let b = t.as_bytes();
    let mut i = from;
    let trimmed = t[from..].trim_start();
    if trimmed.starts_with("/*") {
        let c = t[from..].find("*/")? + from + 2;
        return t[c..].find("}}").map(|j| c + j);
    }
    while i + 1 < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\n' {
                        return None;
                    }
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if b[i + 1] == b'}' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[derive(Debug, Clone)]
enum Node {
    Text(Range<usize>),
    /// An action printing (or assigning) a pipeline: body text and whole span.
    Print(String, Range<usize>),
    /// `if`/`with`: branches of (condition, body); a `None` condition is `else`.
    Branch {
        with: bool,
        arms: Vec<(Option<String>, Vec<Node>)>,
        at: Range<usize>,
    },
    Range {
        head: String,
        body: Vec<Node>,
        otherwise: Vec<Node>,
        at: Range<usize>,
    },
    /// Something never rendered in place (`define`) or not understood (`block`,
    /// `break`): skipped, a gap unless it is a definition.
    Skip {
        gap: bool,
        at: Range<usize>,
    },
    /// `define "name"`: rendered only by `include`/`template`.
    Define(String, Vec<Node>),
}

fn parse_template(t: &str) -> Vec<Node> {
    let toks = lex(t);
    let mut i = 0;
    let (nodes, _) = parse_list(t, &toks, &mut i, 0);
    nodes
}

/// What ended a list: `end`, `else …` (with its rest), or the input.
enum Stop {
    End,
    Else(String),
    Eof,
}

fn keyword<'a>(body: &'a str, kw: &str) -> Option<&'a str> {
    let b = body.trim();
    let rest = b.strip_prefix(kw)?;
    (rest.is_empty() || rest.starts_with([' ', '\t', '\n', '('])).then(|| rest.trim())
}

fn parse_list(t: &str, toks: &[Tok], i: &mut usize, depth: usize) -> (Vec<Node>, Stop) {
    let mut out = Vec::new();
    while *i < toks.len() {
        let tok = toks[*i].clone();
        *i += 1;
        match tok {
            Tok::Text(r) => out.push(Node::Text(r)),
            Tok::Action(body, at) => {
                let b = t[body].trim().to_string();
                if b.starts_with("/*") {
                    continue;
                }
                if keyword(&b, "end").is_some() {
                    return (out, Stop::End);
                }
                if let Some(rest) = keyword(&b, "else") {
                    return (out, Stop::Else(rest.to_string()));
                }
                if depth >= MAX_DEPTH {
                    out.push(Node::Skip { gap: true, at });
                    continue;
                }
                if let Some(kw) = ["if", "with"]
                    .into_iter()
                    .find(|k| keyword(&b, k).is_some())
                {
                    let mut cond = keyword(&b, kw).map(str::to_string);
                    let mut arms = Vec::new();
                    loop {
                        let (body, stop) = parse_list(t, toks, i, depth + 1);
                        arms.push((cond.take(), body));
                        match stop {
                            Stop::Else(rest) => {
                                cond = keyword(&rest, kw).map(str::to_string);
                                if cond.is_none() && !rest.is_empty() {
                                    // `else if` inside a `with` (or the reverse): not followed.
                                    cond = Some(format!("include {rest:?}"));
                                }
                            }
                            _ => break,
                        }
                    }
                    out.push(Node::Branch {
                        with: kw == "with",
                        arms,
                        at,
                    });
                } else if let Some(head) = keyword(&b, "range") {
                    let (body, stop) = parse_list(t, toks, i, depth + 1);
                    let otherwise = match stop {
                        Stop::Else(_) => parse_list(t, toks, i, depth + 1).0,
                        _ => Vec::new(),
                    };
                    out.push(Node::Range {
                        head: head.to_string(),
                        body,
                        otherwise,
                        at,
                    });
                } else if let Some(name) = keyword(&b, "define") {
                    let (body, _) = parse_list(t, toks, i, depth + 1);
                    let name = name.trim().trim_matches('"').to_string();
                    out.push(Node::Define(name, body));
                } else if keyword(&b, "block").is_some() {
                    let _ = parse_list(t, toks, i, depth + 1);
                    out.push(Node::Skip { gap: true, at });
                } else if keyword(&b, "break").is_some() || keyword(&b, "continue").is_some() {
                    out.push(Node::Skip { gap: true, at });
                } else {
                    out.push(Node::Print(b, at));
                }
            }
        }
    }
    (out, Stop::Eof)
}

// ---------------------------------------------------------------- values

#[derive(Debug, Clone)]
enum V<'a> {
    /// The top-level `.` (`.Values`, `.Chart`, `.Release`).
    Root,
    Chart,
    Release,
    Node(&'a YamlNode),
    Str(String),
    Bool(bool),
    Int(i64),
    /// `toYaml` output: lines, each with the values offset it came from.
    Yaml(Vec<(String, Option<usize>)>),
    Nil,
    Unknown,
}

#[derive(Debug, Clone)]
struct Val<'a> {
    v: V<'a>,
    /// The values offset the value came from.
    from: Option<usize>,
}

impl<'a> Val<'a> {
    fn root() -> Self {
        Val::of(V::Root)
    }
    fn of(v: V<'a>) -> Self {
        let from = match &v {
            V::Node(n) => Some(n.span.start),
            _ => None,
        };
        Val { v, from }
    }
    fn unknown() -> Self {
        Val::of(V::Unknown)
    }
    fn known(&self) -> bool {
        !matches!(self.v, V::Unknown)
    }
    /// Go template truthiness; `None` when unknown.
    fn truthy(&self) -> Option<bool> {
        Some(match &self.v {
            V::Root | V::Chart | V::Release => true,
            V::Node(n) => match &n.value {
                YamlValue::Map(m) => !m.is_empty(),
                YamlValue::Seq(s) => !s.is_empty(),
                YamlValue::Null => false,
                YamlValue::Scalar(_) if n.is_null() => false,
                YamlValue::Scalar(s) => {
                    let t = s.as_str();
                    let plain = s.style == super::yaml::ScalarStyle::Plain;
                    !(t.is_empty() || plain && (t == "false" || t == "0" || t == "0.0"))
                }
            },
            V::Str(s) => !s.is_empty(),
            V::Bool(b) => *b,
            V::Int(i) => *i != 0,
            V::Yaml(l) => !l.is_empty(),
            V::Nil => false,
            V::Unknown => return None,
        })
    }
    /// The value as a string, when it is a scalar.
    fn text(&self) -> Option<String> {
        match &self.v {
            V::Node(n) if n.is_null() => Some(String::new()),
            V::Node(n) => n.as_str().map(str::to_string),
            V::Str(s) => Some(s.clone()),
            V::Bool(b) => Some(b.to_string()),
            V::Int(i) => Some(i.to_string()),
            V::Nil => Some(String::new()),
            _ => None,
        }
    }
    fn with(&self, v: V<'a>) -> Self {
        Val { v, from: self.from }
    }
}

// ---------------------------------------------------------------- expressions

#[derive(Debug, Clone, PartialEq)]
enum E {
    /// `.a.b` (empty: `.`), on the dot.
    Field(Vec<String>),
    /// `$x.a.b` (`$` alone: the root).
    Var(String, Vec<String>),
    Str(String),
    Num(i64),
    Bool(bool),
    Nil,
    Ident(String),
    Paren(Vec<Vec<E>>),
    /// `(…).a.b`: not followed.
    Other,
}

/// Splits a pipeline into commands of operands; `None` when it is not understood.
fn parse_pipeline(s: &str) -> Option<Vec<Vec<E>>> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let r = pipeline(&chars, &mut i, 0)?;
    (i >= chars.len()).then_some(r)
}

fn pipeline(c: &[char], i: &mut usize, depth: usize) -> Option<Vec<Vec<E>>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut cmds = vec![Vec::new()];
    loop {
        while *i < c.len() && c[*i].is_whitespace() {
            *i += 1;
        }
        let Some(&ch) = c.get(*i) else { break };
        match ch {
            ')' => break,
            '|' => {
                *i += 1;
                cmds.push(Vec::new());
            }
            '(' => {
                *i += 1;
                let inner = pipeline(c, i, depth + 1)?;
                if c.get(*i) != Some(&')') {
                    return None;
                }
                *i += 1;
                let e = if c.get(*i) == Some(&'.') {
                    while *i < c.len() && !c[*i].is_whitespace() && c[*i] != ')' {
                        *i += 1;
                    }
                    E::Other
                } else {
                    E::Paren(inner)
                };
                cmds.last_mut()?.push(e);
            }
            '"' => {
                *i += 1;
                let mut s = String::new();
                while *i < c.len() && c[*i] != '"' {
                    if c[*i] == '\\' && *i + 1 < c.len() {
                        *i += 1;
                        s.push(match c[*i] {
                            'n' => '\n',
                            't' => '\t',
                            o => o,
                        });
                    } else {
                        s.push(c[*i]);
                    }
                    *i += 1;
                }
                *i += 1;
                cmds.last_mut()?.push(E::Str(s));
            }
            '`' => {
                *i += 1;
                let mut s = String::new();
                while *i < c.len() && c[*i] != '`' {
                    s.push(c[*i]);
                    *i += 1;
                }
                *i += 1;
                cmds.last_mut()?.push(E::Str(s));
            }
            _ => {
                let start = *i;
                while *i < c.len() && !c[*i].is_whitespace() && !matches!(c[*i], '(' | ')' | '|') {
                    *i += 1;
                }
                let w: String = c[start..*i].iter().collect();
                cmds.last_mut()?.push(word(&w));
            }
        }
    }
    cmds.iter().all(|c| !c.is_empty()).then_some(cmds)
}

fn word(w: &str) -> E {
    let path = |s: &str| -> Vec<String> {
        s.split('.')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect()
    };
    if let Some(rest) = w.strip_prefix('$') {
        let (name, fields) = rest.split_once('.').unwrap_or((rest, ""));
        return E::Var(format!("${name}"), path(fields));
    }
    if w.starts_with('.') {
        return E::Field(path(w));
    }
    match w {
        "true" => return E::Bool(true),
        "false" => return E::Bool(false),
        "nil" => return E::Nil,
        _ => {}
    }
    if let Ok(n) = w.parse::<i64>() {
        return E::Num(n);
    }
    if w.chars().all(|c| c.is_alphanumeric() || c == '_') {
        E::Ident(w.to_string())
    } else {
        E::Other
    }
}

// ---------------------------------------------------------------- rendering

struct Renderer<'a> {
    tpl: &'a str,
    chart: &'a Chart,
    out: Rendered,
    vars: HashMap<String, Val<'a>>,
    stopped: bool,
    /// How many `include`s deep this rendering is.
    includes: usize,
    /// Work done by this rendering and the `include`s within it (see [`MAX_STEPS`]).
    steps: &'a std::cell::Cell<usize>,
}

impl<'a> Renderer<'a> {
    fn gap(&mut self, at: &Range<usize>) {
        let off = self.out.text.len();
        self.out.gaps.push(off);
        self.note(at);
    }

    /// Records what was not resolved, for the note.
    fn note(&mut self, at: &Range<usize>) {
        if self.out.unknown.len() < 8 {
            let what = self.tpl.get(at.clone()).unwrap_or("").trim();
            let what: String = what.chars().take(80).collect();
            self.out.unknown.push((at.start, what));
        }
    }

    fn push(&mut self, s: &str, side: Side, host_start: usize, action: usize) {
        if s.is_empty() || self.stopped {
            return;
        }
        if self.out.text.len() + s.len() > MAX_OUTPUT {
            self.stopped = true;
            let off = self.out.text.len();
            self.out.gaps.push(off);
            return;
        }
        self.out.pieces.push(Piece {
            text_start: self.out.text.len(),
            len: s.len(),
            side,
            host_start,
            action,
        });
        self.out.text.push_str(s);
    }

    fn block(&mut self, nodes: &[Node], dot: &Val<'a>, depth: usize) {
        for n in nodes {
            self.steps.set(self.steps.get() + 1);
            if self.steps.get() > MAX_STEPS && !self.stopped {
                self.stopped = true;
                let off = self.out.text.len();
                self.out.gaps.push(off);
            }
            if self.stopped {
                return;
            }
            match n {
                Node::Text(r) => {
                    let s = &self.tpl[r.clone()];
                    self.push(s, Side::Template, r.start, r.start);
                }
                Node::Print(body, at) => self.print(body, at, dot),
                Node::Define(..) => {}
                Node::Skip { gap, at } => {
                    if *gap {
                        self.gap(at);
                    }
                }
                Node::Branch { with, arms, at } => {
                    let mut chosen = None;
                    for (cond, body) in arms {
                        let Some(cond) = cond else {
                            chosen = Some((body, None));
                            break;
                        };
                        let v = self.eval(cond, dot);
                        match v.truthy() {
                            Some(true) => {
                                chosen = Some((body, Some(v)));
                                break;
                            }
                            Some(false) => {}
                            None => {
                                self.gap(at);
                                chosen = None;
                                break;
                            }
                        }
                    }
                    if let Some((body, v)) = chosen {
                        let inner = match (with, v) {
                            (true, Some(v)) => v,
                            _ => dot.clone(),
                        };
                        self.block(body, &inner, depth + 1);
                    }
                }
                Node::Range {
                    head,
                    body,
                    otherwise,
                    at,
                } => self.range(head, body, otherwise, at, dot, depth),
            }
        }
    }

    fn range(
        &mut self,
        head: &str,
        body: &[Node],
        otherwise: &[Node],
        at: &Range<usize>,
        dot: &Val<'a>,
        depth: usize,
    ) {
        let (names, expr) = match head.split_once(":=") {
            Some((vars, expr)) => (
                vars.split(',')
                    .map(|v| v.trim().to_string())
                    .collect::<Vec<_>>(),
                expr,
            ),
            None => (Vec::new(), head),
        };
        let v = self.eval(expr, dot);
        let items: Vec<(Val<'a>, Val<'a>)> = match &v.v {
            V::Node(n) => match &n.value {
                YamlValue::Seq(s) => s
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (Val::of(V::Int(i as i64)), Val::of(V::Node(n))))
                    .collect(),
                YamlValue::Map(m) => {
                    let mut pairs: Vec<_> = m.iter().collect();
                    // Go ranges over a map in key order.
                    pairs.sort_by(|a, b| a.key.cmp(&b.key));
                    pairs
                        .into_iter()
                        .map(|p| (Val::of(V::Str(p.key.clone())), Val::of(V::Node(&p.value))))
                        .collect()
                }
                _ if v.truthy() == Some(false) => Vec::new(),
                _ => {
                    self.gap(at);
                    return;
                }
            },
            V::Nil => Vec::new(),
            V::Int(n) if *n >= 0 => (0..*n)
                .map(|i| (Val::of(V::Int(i)), Val::of(V::Int(i))))
                .collect(),
            _ => {
                self.gap(at);
                return;
            }
        };
        if items.is_empty() {
            self.block(otherwise, dot, depth + 1);
            return;
        }
        if items.len() > MAX_ITEMS {
            self.gap(at);
            return;
        }
        for (k, item) in items {
            match names.as_slice() {
                [one] => {
                    self.vars.insert(one.clone(), item.clone());
                }
                [key, val] => {
                    self.vars.insert(key.clone(), k);
                    self.vars.insert(val.clone(), item.clone());
                }
                _ => {}
            }
            self.block(body, &item, depth + 1);
        }
    }

    /// An action printing a pipeline, or assigning one to a variable.
    fn print(&mut self, body: &str, at: &Range<usize>, dot: &Val<'a>) {
        if let Some((name, expr)) = assignment(body) {
            let v = self.eval(expr, dot);
            self.vars.insert(name, v);
            return;
        }
        let v = self.eval(body, dot);
        match &v.v {
            V::Yaml(lines) => {
                for (i, (line, from)) in lines.iter().enumerate() {
                    if i > 0 {
                        self.push("\n", Side::Template, at.start, at.start);
                    }
                    match from {
                        Some(f) => self.push(line, Side::Values, *f, at.start),
                        None => self.push(line, Side::Template, at.start, at.start),
                    }
                }
                return;
            }
            V::Node(n) if !matches!(n.value, YamlValue::Scalar(_) | YamlValue::Null) => {}
            _ => {
                if let Some(s) = v.text() {
                    match v.from {
                        Some(f) => self.push(&s, Side::Values, f, at.start),
                        None => self.push(&s, Side::Template, at.start, at.start),
                    }
                    return;
                }
            }
        }
        // Not resolved: nothing at a place of its own, a placeholder inside a line.
        let line_start = self.out.text.rfind('\n').map_or(0, |i| i + 1);
        let own_place = self.out.text[line_start..].trim().is_empty()
            || body.contains("indent")
            || body.contains("toYaml");
        if !own_place {
            let start = self.out.text.len();
            self.push(PLACEHOLDER, Side::Template, at.start, at.start);
            let end = self.out.text.len();
            self.out.unresolved.push(start..end);
            self.note(at);
            return;
        }
        self.gap(at);
    }

    fn eval(&self, expr: &str, dot: &Val<'a>) -> Val<'a> {
        match parse_pipeline(expr) {
            Some(cmds) => self.pipe(&cmds, dot, 0),
            None => Val::unknown(),
        }
    }

    fn pipe(&self, cmds: &[Vec<E>], dot: &Val<'a>, depth: usize) -> Val<'a> {
        let mut prev: Option<Val<'a>> = None;
        for cmd in cmds {
            prev = Some(self.command(cmd, prev, dot, depth));
        }
        prev.unwrap_or_else(Val::unknown)
    }

    fn operand(&self, e: &E, dot: &Val<'a>, depth: usize) -> Val<'a> {
        match e {
            E::Field(path) => self.fields(dot.clone(), path),
            E::Var(name, path) => {
                let base = if name == "$" {
                    self.vars.get("$").cloned().unwrap_or_else(Val::root)
                } else {
                    match self.vars.get(name) {
                        Some(v) => v.clone(),
                        None => return Val::unknown(),
                    }
                };
                self.fields(base, path)
            }
            E::Str(s) => Val::of(V::Str(s.clone())),
            E::Num(n) => Val::of(V::Int(*n)),
            E::Bool(b) => Val::of(V::Bool(*b)),
            E::Nil => Val::of(V::Nil),
            E::Paren(inner) if depth < MAX_DEPTH => self.pipe(inner, dot, depth + 1),
            E::Ident(f) => self.call(f, &[], dot, depth),
            _ => Val::unknown(),
        }
    }

    fn fields(&self, mut v: Val<'a>, path: &[String]) -> Val<'a> {
        for f in path {
            v = match (&v.v, f.as_str()) {
                (V::Root, "Values") => match self.chart.root() {
                    Some(n) => Val::of(V::Node(n)),
                    None if self.chart.values.is_some() => Val::of(V::Nil),
                    None => Val::unknown(),
                },
                (V::Root, "Chart") => Val::of(V::Chart),
                (V::Root, "Release") => Val::of(V::Release),
                (V::Chart, k) => {
                    let s = match k {
                        "Name" => self.chart.name.clone(),
                        "Version" => self.chart.version.clone(),
                        "AppVersion" => self.chart.app_version.clone(),
                        _ => return Val::unknown(),
                    };
                    s.map_or(Val::of(V::Nil), |s| Val::of(V::Str(s)))
                }
                (V::Release, "Service") => Val::of(V::Str("Helm".to_string())),
                (V::Release, "Name") => Val::of(V::Str("release-name".to_string())),
                (V::Release, "IsInstall") => Val::of(V::Bool(true)),
                (V::Release, "IsUpgrade") => Val::of(V::Bool(false)),
                (V::Node(n), k) => match &n.value {
                    YamlValue::Map(_) => n.get(k).map_or(Val::of(V::Nil), |c| Val::of(V::Node(c))),
                    YamlValue::Null => Val::of(V::Nil),
                    _ => Val::unknown(),
                },
                (V::Nil, _) => Val::of(V::Nil),
                _ => Val::unknown(),
            };
        }
        v
    }

    fn command(&self, cmd: &[E], piped: Option<Val<'a>>, dot: &Val<'a>, depth: usize) -> Val<'a> {
        match cmd {
            [E::Ident(f), args @ ..] => {
                let mut vals: Vec<Val<'a>> =
                    args.iter().map(|a| self.operand(a, dot, depth)).collect();
                vals.extend(piped);
                self.call(f, &vals, dot, depth)
            }
            [one] if piped.is_none() => self.operand(one, dot, depth),
            _ => Val::unknown(),
        }
    }

    fn call(&self, f: &str, a: &[Val<'a>], _dot: &Val<'a>, _depth: usize) -> Val<'a> {
        let all_known = a.iter().all(Val::known);
        match (f, a) {
            ("default", [d, x]) => match x.truthy() {
                Some(true) => x.clone(),
                Some(false) => d.clone(),
                None => Val::unknown(),
            },
            ("required", [_, x]) => x.clone(),
            ("quote" | "squote", [x]) => match x.text() {
                Some(s) if f == "quote" => x.with(V::Str(format!("{s:?}"))),
                Some(s) => x.with(V::Str(format!("'{}'", s.replace('\'', "''")))),
                None => Val::unknown(),
            },
            // `toYaml` output has no blank lines around it to trim.
            ("trim", [x]) if matches!(x.v, V::Yaml(_)) => x.clone(),
            ("toString" | "trim" | "lower" | "upper", [x]) => match x.text() {
                Some(s) => x.with(V::Str(match f {
                    "trim" => s.trim().to_string(),
                    "lower" => s.to_lowercase(),
                    "upper" => s.to_uppercase(),
                    _ => s,
                })),
                None => Val::unknown(),
            },
            ("trimSuffix" | "trimPrefix", [cut, x]) => match (cut.text(), x.text()) {
                (Some(c), Some(t)) => x.with(V::Str(if f == "trimSuffix" {
                    t.strip_suffix(c.as_str()).unwrap_or(&t).to_string()
                } else {
                    t.strip_prefix(c.as_str()).unwrap_or(&t).to_string()
                })),
                _ => Val::unknown(),
            },
            ("printf", [format, args @ ..]) => printf(format, args),
            ("trunc", [n, x]) => match (n.text().and_then(|n| n.parse::<usize>().ok()), x.text()) {
                (Some(n), Some(t)) => x.with(V::Str(t.chars().take(n).collect())),
                _ => Val::unknown(),
            },
            ("contains", [sub, x]) => match (sub.text(), x.text()) {
                (Some(sub), Some(t)) => Val::of(V::Bool(t.contains(&sub))),
                _ => Val::unknown(),
            },
            ("replace", [old, new, x]) => match (old.text(), new.text(), x.text()) {
                (Some(o), Some(n), Some(t)) if !o.is_empty() => x.with(V::Str(t.replace(&o, &n))),
                _ => Val::unknown(),
            },
            ("int" | "int64" | "atoi", [x]) => match x.text().and_then(|s| s.parse::<i64>().ok()) {
                Some(n) => x.with(V::Int(n)),
                None => Val::unknown(),
            },
            ("not" | "empty", [x]) => x.truthy().map_or(Val::unknown(), |b| Val::of(V::Bool(!b))),
            // `and` returns the first false argument, `or` the first true one, else the
            // last; an unknown one before that makes the result unknown.
            ("and" | "or", [_, ..]) => {
                let stop = f == "or";
                for x in a {
                    match x.truthy() {
                        Some(b) if b == stop => return x.clone(),
                        None => return Val::unknown(),
                        Some(_) => {}
                    }
                }
                a.last().cloned().unwrap_or_else(Val::unknown)
            }
            ("eq" | "ne", [x, rest @ ..]) if all_known && !rest.is_empty() => {
                match (
                    x.text(),
                    rest.iter().map(Val::text).collect::<Option<Vec<_>>>(),
                ) {
                    (Some(x), Some(rest)) => {
                        let eq = rest.contains(&x);
                        Val::of(V::Bool(if f == "eq" { eq } else { !eq }))
                    }
                    _ => Val::unknown(),
                }
            }
            ("hasKey", [d, k]) => match (&d.v, k.text()) {
                (V::Node(n), Some(k)) if n.as_map().is_some() => {
                    Val::of(V::Bool(n.get(&k).is_some()))
                }
                (V::Nil, Some(_)) => Val::of(V::Bool(false)),
                _ => Val::unknown(),
            },
            ("coalesce", _) => {
                for x in a {
                    match x.truthy() {
                        Some(true) => return x.clone(),
                        None => return Val::unknown(),
                        Some(false) => {}
                    }
                }
                Val::of(V::Nil)
            }
            ("ternary", [t, e, c]) => match c.truthy() {
                Some(true) => t.clone(),
                Some(false) => e.clone(),
                None => Val::unknown(),
            },
            ("tpl", [s, _]) => match s.text() {
                Some(t) if !t.contains("{{") => s.clone(),
                _ => Val::unknown(),
            },
            ("toYaml", [x]) => self.to_yaml(x),
            ("include" | "template", [name, ctx]) => self.include(name, ctx),
            ("indent" | "nindent", [n, x]) => {
                let Some(n) = n.text().and_then(|s| s.parse::<usize>().ok()) else {
                    return Val::unknown();
                };
                let lines = match &x.v {
                    V::Yaml(l) => l.clone(),
                    _ => match x.text() {
                        Some(s) => s.lines().map(|l| (l.to_string(), x.from)).collect(),
                        None => return Val::unknown(),
                    },
                };
                let pad = " ".repeat(n.min(200));
                let mut out: Vec<(String, Option<usize>)> = lines
                    .into_iter()
                    .map(|(l, from)| (format!("{pad}{l}"), from))
                    .collect();
                if f == "nindent" {
                    out.insert(0, (String::new(), None));
                }
                Val::of(V::Yaml(out))
            }
            _ => Val::unknown(),
        }
    }

    /// `include "name" ctx`: the named template rendered with `ctx` as its dot, when
    /// it renders whole (no gap, nothing unresolved); unknown otherwise.
    fn include(&self, name: &Val<'a>, ctx: &Val<'a>) -> Val<'a> {
        const MAX_INCLUDES: usize = 12;
        let Some(body) = name
            .text()
            .and_then(|n| self.chart.defines.get(&n))
            .filter(|_| self.includes < MAX_INCLUDES)
        else {
            return Val::unknown();
        };
        let mut sub = Renderer {
            tpl: &self.chart.helpers,
            chart: self.chart,
            out: Rendered::default(),
            vars: HashMap::new(),
            stopped: false,
            includes: self.includes + 1,
            steps: self.steps,
        };
        sub.vars.insert("$".to_string(), Val::root());
        sub.block(body, ctx, 0);
        if sub.stopped || !sub.out.gaps.is_empty() || !sub.out.unresolved.is_empty() {
            return Val::unknown();
        }
        Val::of(V::Str(sub.out.text))
    }

    /// `toYaml` of a values node: its lines as written in `values.yaml` (comment-only
    /// and blank lines dropped), re-indented to column 0.
    fn to_yaml(&self, x: &Val<'a>) -> Val<'a> {
        let text = self.chart.values_text.as_str();
        match &x.v {
            V::Nil => Val::of(V::Yaml(vec![("null".to_string(), x.from)])),
            V::Str(_) | V::Bool(_) | V::Int(_) => {
                Val::of(V::Yaml(vec![(x.text().unwrap_or_default(), x.from)]))
            }
            V::Node(n) => {
                let src = text.get(n.span.clone()).unwrap_or("").trim_end();
                if n.is_null() {
                    return Val::of(V::Yaml(vec![("null".to_string(), Some(n.span.start))]));
                }
                if let YamlValue::Scalar(s) = &n.value {
                    if src.contains('\n') {
                        return Val::unknown();
                    }
                    return Val::of(V::Yaml(vec![(s.as_str().to_string(), Some(n.span.start))]));
                }
                if !src.contains('\n') {
                    return Val::of(V::Yaml(vec![(src.to_string(), Some(n.span.start))]));
                }
                let first = text[..n.span.start.min(text.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                let end = n.span.start + src.len();
                let mut lines = Vec::new();
                let mut off = first;
                for line in text.get(first..end).unwrap_or("").split('\n') {
                    let t = line.trim_end_matches('\r');
                    let content = t.trim_start();
                    if !content.is_empty() && !content.starts_with('#') {
                        lines.push((t, off));
                    }
                    off += line.len() + 1;
                }
                // The first line starts at the node (after `key: ` when it shares the line).
                let lead = n.span.start - first;
                let indent = lines
                    .iter()
                    .enumerate()
                    .map(|(i, (l, _))| {
                        if i == 0 {
                            lead.min(l.len())
                        } else {
                            l.len() - l.trim_start().len()
                        }
                    })
                    .min()
                    .unwrap_or(0);
                let out = lines
                    .into_iter()
                    .enumerate()
                    .map(|(i, (l, off))| {
                        let cut = if i == 0 { lead.min(l.len()) } else { indent };
                        let body = l.get(cut.min(l.len())..).unwrap_or("");
                        let extra = if i == 0 {
                            lead.saturating_sub(indent)
                        } else {
                            0
                        };
                        (format!("{}{body}", " ".repeat(extra)), Some(off))
                    })
                    .collect();
                Val::of(V::Yaml(out))
            }
            V::Yaml(_) => x.clone(),
            _ => Val::unknown(),
        }
    }
}

/// `printf` with `%s`, `%d`, `%v` and `%%` only, over known scalars; its origin the
/// last argument taken from `values.yaml`.
fn printf<'a>(format: &Val<'a>, args: &[Val<'a>]) -> Val<'a> {
    let Some(fmt) = format.text() else {
        return Val::unknown();
    };
    let mut out = String::new();
    let mut next = args.iter();
    let mut from = None;
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'd' | 'v') => match next.next().and_then(|a| a.text().map(|t| (a, t))) {
                Some((a, t)) => {
                    from = a.from.or(from);
                    out.push_str(&t);
                }
                None => return Val::unknown(),
            },
            _ => return Val::unknown(),
        }
    }
    Val {
        v: V::Str(out),
        from,
    }
}

/// `$x := pipeline` or `$x = pipeline`: the variable and the pipeline.
fn assignment(body: &str) -> Option<(String, &str)> {
    let b = body.trim();
    if !b.starts_with('$') {
        return None;
    }
    let (name, rest) = b.split_once(char::is_whitespace)?;
    let rest = rest.trim_start();
    let expr = rest
        .strip_prefix(":=")
        .or_else(|| rest.strip_prefix('=').filter(|r| !r.starts_with('=')))?;
    Some((name.to_string(), expr))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUES: &str = "image:\n  repository: ghcr.io/acme/api\n  tag: \"\"\n  pullPolicy: IfNotPresent\n# pod security\npodSecurityContext: {}\nsecurityContext:\n  runAsNonRoot: true\n  # keep\n  runAsUser: 1000\nresources: {}\nprobes:\n  enabled: true\nextraEnv: []\nenv:\n  LOG: info\n";

    fn chart() -> Chart {
        Chart::new(
            Some("apiVersion: v2\nname: api\nversion: 1.2.0\nappVersion: \"2.3.4\"\n"),
            Some(VALUES),
        )
    }

    #[test]
    fn values_defaults_land_in_their_places() {
        let t = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"api.fullname\" . }}\n  labels:\n    {{- include \"api.labels\" . | nindent 4 }}\nspec:\n  template:\n    spec:\n      securityContext:\n        {{- toYaml .Values.podSecurityContext | nindent 8 }}\n      containers:\n        - name: {{ .Chart.Name }}\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n          {{- if .Values.probes.enabled }}\n          livenessProbe:\n            httpGet: {path: /healthz, port: http}\n          {{- end }}\n          env:\n            {{- range $k, $v := .Values.env }}\n            - name: {{ $k }}\n              value: {{ $v | quote }}\n            {{- end }}\n            {{- range .Values.extraEnv }}\n            - {{ . }}\n            {{- end }}\n          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n";
        let c = chart();
        let r = render(t, &c);
        let y = crate::parse::yaml::parse(&r.text);
        assert!(y.error.is_none(), "{}", r.text);
        let doc = y.documents[0].root.as_ref().unwrap();
        let cont = &doc
            .at(&["spec", "template", "spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(cont.get("name").unwrap().as_str(), Some("api"));
        assert_eq!(
            cont.get("image").unwrap().as_str(),
            Some("ghcr.io/acme/api:2.3.4")
        );
        assert_eq!(
            cont.at(&["securityContext", "runAsUser"]).unwrap().as_str(),
            Some("1000")
        );
        assert!(cont.get("livenessProbe").is_some());
        assert_eq!(cont.at(&["env"]).unwrap().as_seq().unwrap().len(), 1);
        // `runAsUser: 1000` maps back to its line in values.yaml (line 10).
        let user = cont.at(&["securityContext", "runAsUser"]).unwrap();
        let (v, a) = r.from_values(&user.span).unwrap();
        assert_eq!(VALUES[..v].lines().count() + 1, 10);
        assert!(t[a..].starts_with("{{- toYaml .Values.securityContext"));
        // The name from a helper is a placeholder, the labels block a gap before the pod.
        assert!(r.unresolved_in(&doc.at(&["metadata", "name"]).unwrap().span));
        let pod = doc.at(&["spec", "template", "spec"]).unwrap();
        assert!(!r.gap_in(pod.span.start..r.text.len()));
        assert!(r.gap_in(0..pod.span.start));
        // Template text maps back exactly.
        let kind = doc.get("kind").unwrap();
        assert_eq!(&t[r.template_offset(kind.span.start)..][..10], "Deployment");
    }

    #[test]
    fn unknown_conditions_leave_gaps_not_guesses() {
        let t = "spec:\n  containers:\n    - name: a\n      image: x:1\n      {{- if semverCompare \">=1.20\" .Capabilities.KubeVersion.Version }}\n      readinessProbe: {tcpSocket: {port: 80}}\n      {{- end }}\n      {{- include \"a.resources\" . | nindent 6 }}\n      {{- with .Values.missing }}\n      x: {{ . }}\n      {{- end }}\n";
        let r = render(t, &chart());
        assert!(!r.text.contains("readinessProbe"), "{}", r.text);
        assert_eq!(r.gaps.len(), 2);
        assert!(
            crate::parse::yaml::parse(&r.text).error.is_none(),
            "{}",
            r.text
        );
    }

    #[test]
    fn hostile_input_ends() {
        let c = chart();
        for t in [
            "{{",
            "{{ if }}",
            "{{ end }}{{ else }}",
            "a: {{ \"unterminated }}\n",
            "{{- range $i := until 100000000 }}x{{ end }}",
            "{{ ((((((( }}",
            "{{/* open comment",
            "{{ toYaml (.Values.image) | nindent (-3) }}",
        ] {
            let _ = render(t, &c);
        }
        // A helper that includes itself twice in a range: stopped by the step budget.
        let bomb = Chart::new(Some("name: x\n"), Some("items: [1, 2, 3, 4, 5, 6, 7, 8]\n"))
            .with_helpers(
                "{{- define \"x\" }}{{ range $.Values.items }}{{ include \"x\" $ }}{{ include \"x\" $ }}{{ end }}{{ end }}"
                    .to_string(),
            );
        // Deterministic, not timed: 2^8 expansions per level would be astronomically long text;
        // the budget keeps it small and marks the value unresolved.
        let r = render("a: {{ include \"x\" . }}\n", &bomb);
        assert!(r.text.len() < 1 << 20, "{} bytes rendered", r.text.len());
        assert!(r.unresolved_in(&(3..4)), "{}", r.text);
        let deep = "{{ if .Values.probes }}".repeat(500);
        let _ = render(&deep, &c);
        let _ = render(
            "{{- range .Values.env }}{{ . }}{{ end }}",
            &Chart::new(None, None),
        );
    }
}
