//! Image builds in JavaScript and TypeScript release scripts: `spawnSync("docker",
//! args)` over an argument array (`["buildx", "build", "-f", dockerfile, …]`, grown
//! with `args.push("--target", target)` or `[...args, "--target", target]`), and
//! `execSync("docker build …")` / template strings. A word that is a parameter of
//! the enclosing function takes, at each call of that function (in the same file or
//! in a file that imports it by a relative path), the literal passed there, else the
//! parameter's literal default (`dockerfile = "docker/dockerfile"`). A release
//! script that builds `--target release` and `--target rootless` through one helper
//! thus says which stages it ships, as a workflow's `--target` does.
//!
//! A light reader over tokens, not a JavaScript parser: strings, template strings,
//! identifiers and brackets, comments skipped. Anything it does not follow (a word
//! computed by an expression, a call through an object) is a non-literal word, so a
//! build it cannot resolve names no Dockerfile or stage rather than a wrong one. A
//! function whose doc comment says `@deprecated` is not read: it is not what the
//! release runs.

use std::collections::HashMap;

use super::paths::{dir_of, join};

/// A word of a build's argv: literal, the enclosing function's parameter `i`, or
/// something this reader does not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word {
    /// A literal word.
    Lit(String),
    /// The enclosing function's parameter at this position (0-based).
    Param(usize),
    /// An expression.
    Unknown,
}

/// A function whose body builds an image from words that include its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildFn {
    /// The function's name.
    pub name: String,
    /// Its parameters' literal defaults, by position (`None`: no literal default).
    pub defaults: Vec<Option<String>>,
    /// The build's argv, from the build tool's name (`docker`, `buildx`, `build`, …).
    pub argv: Vec<Word>,
}

/// A call of a function that may build an image: (1-based line, callee as called,
/// literal arguments by position, `None` for an expression).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// 1-based line of the call.
    pub line: usize,
    /// The callee's local name.
    pub name: String,
    /// Literal arguments by position.
    pub args: Vec<Option<String>>,
}

/// What one JavaScript/TypeScript file says about image builds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsFile {
    /// Repository path.
    pub path: String,
    /// Builds whose words are all literal or expressions: (line, argv).
    pub direct: Vec<(usize, Vec<Option<String>>)>,
    /// Functions whose builds take words from their parameters.
    pub functions: Vec<BuildFn>,
    /// Calls of functions this file defines or imports from a relative path.
    pub calls: Vec<Call>,
    /// `import { imported as local } from "spec"` / `require`: (local, imported, spec),
    /// relative specs only.
    pub imports: Vec<(String, String, String)>,
}

/// Whether a path is a JavaScript or TypeScript source this reader takes.
pub fn is_js_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    !lower.ends_with(".min.js")
        && !lower.ends_with(".d.ts")
        && [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]
            .iter()
            .any(|e| lower.ends_with(e))
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Expr(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(Vec<Piece>),
    Punct(&'static str),
    Other,
}

struct Lexed {
    toks: Vec<(Tok, usize)>,
    /// Lines on which a comment containing `@deprecated` ends.
    deprecated_ends: Vec<usize>,
}

const PUNCTS: &[&str] = &[
    "...", "=>", "(", ")", "[", "]", "{", "}", ",", "=", ".", ";", ":",
];

fn lex(text: &str) -> Lexed {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut deprecated_ends = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let start = i;
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                if b[i] == b'\n' {
                    line += 1;
                }
                i += 1;
            }
            let end = (i + 2).min(b.len());
            if text
                .get(start..end)
                .is_some_and(|c| c.contains("@deprecated"))
            {
                deprecated_ends.push(line);
            }
            i = end;
            continue;
        }
        if c == b'"' || c == b'\'' || c == b'`' {
            let at = line;
            let (pieces, next, lines) = string_at(text, i);
            toks.push((Tok::Str(pieces), at));
            line += lines;
            i = next;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' || c == b'$' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            toks.push((Tok::Ident(text[start..i].to_string()), line));
            continue;
        }
        if let Some(p) = PUNCTS.iter().find(|p| b[i..].starts_with(p.as_bytes())) {
            toks.push((Tok::Punct(p), line));
            i += p.len();
            continue;
        }
        // Any other character (operators, digits, a regex's slashes) is one token;
        // a multi-byte character is skipped whole.
        toks.push((Tok::Other, line));
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    Lexed {
        toks,
        deprecated_ends,
    }
}

/// The string starting at byte `i` (its quote): its pieces, the byte after it and
/// the newlines inside. A template's `${…}` is an expression piece (nested braces
/// and strings inside it are skipped over).
fn string_at(text: &str, i: usize) -> (Vec<Piece>, usize, usize) {
    let b = text.as_bytes();
    let q = b[i];
    let mut pieces = Vec::new();
    let mut cur = String::new();
    let mut j = i + 1;
    let mut lines = 0;
    while j < b.len() {
        let c = b[j];
        if c == b'\\' {
            if let Some(ch) = text.get(j + 1..).and_then(|r| r.chars().next()) {
                if ch == '\n' {
                    lines += 1;
                }
                cur.push(ch);
                j += 1 + ch.len_utf8();
            } else {
                j += 1;
            }
            continue;
        }
        if c == q {
            j += 1;
            break;
        }
        if c == b'\n' {
            if q != b'`' {
                break;
            }
            lines += 1;
        }
        if q == b'`' && c == b'$' && b.get(j + 1) == Some(&b'{') {
            if !cur.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut cur)));
            }
            let start = j + 2;
            let mut depth = 1;
            let mut k = start;
            while k < b.len() && depth > 0 {
                match b[k] {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    b'\n' => lines += 1,
                    _ => {}
                }
                k += 1;
            }
            let end = k.saturating_sub(1).max(start);
            pieces.push(Piece::Expr(
                text.get(start..end).unwrap_or("").trim().to_string(),
            ));
            j = k;
            continue;
        }
        let ch = text[j..].chars().next().unwrap_or(' ');
        cur.push(ch);
        j += ch.len_utf8();
    }
    if !cur.is_empty() || pieces.is_empty() {
        pieces.push(Piece::Text(cur));
    }
    (pieces, j, lines)
}

/// The index of the token closing the bracket opened at `open`.
fn closing(toks: &[(Tok, usize)], closers: &[usize], open: usize) -> usize {
    if let Some(&c) = closers.get(open) {
        if c != NOT_AN_OPENER {
            return c;
        }
    }
    let mut depth = 0usize;
    for (k, (t, _)) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// Marks a token that opens no bracket in [`closers`].
const NOT_AN_OPENER: usize = usize::MAX;

/// For every opening bracket, the index of the bracket that closes it (any kind closes
/// any, as [`closing`] counts them), `toks.len()` when none does; computed once per
/// file so finding a closer is a lookup, not a scan (nested `a=(a=(…` would make the
/// scans quadratic).
fn closers(toks: &[(Tok, usize)]) -> Vec<usize> {
    let mut out = vec![NOT_AN_OPENER; toks.len()];
    let mut open: Vec<usize> = Vec::new();
    for (k, (t, _)) in toks.iter().enumerate() {
        match t {
            Tok::Punct("(" | "[" | "{") => {
                out[k] = toks.len();
                open.push(k);
            }
            Tok::Punct(")" | "]" | "}") => {
                if let Some(o) = open.pop() {
                    out[o] = k;
                }
            }
            _ => {}
        }
    }
    out
}

/// The top-level comma-separated elements between `open` and its closer.
fn elements(toks: &[(Tok, usize)], open: usize, close: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    for (k, (t, _)) in toks
        .iter()
        .enumerate()
        .take(close.min(toks.len()))
        .skip(open + 1)
    {
        match t {
            Tok::Punct("(" | "[" | "{") => depth += 1,
            Tok::Punct(")" | "]" | "}") => depth = depth.saturating_sub(1),
            Tok::Punct(",") if depth == 0 => {
                out.push((start, k));
                start = k + 1;
            }
            _ => {}
        }
    }
    if start < close {
        out.push((start, close));
    }
    out
}

/// The literal a token range is, when it is one string without expressions.
fn literal(toks: &[(Tok, usize)], (s, e): (usize, usize)) -> Option<String> {
    match toks.get(s..e) {
        Some([(Tok::Str(p), _)]) => match p.as_slice() {
            [Piece::Text(t)] => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

const TOOLS: &[&str] = &["docker", "podman", "buildah"];

/// The words of a command line in a string: literal words, `${param}` as that
/// parameter, any other expression as unknown.
fn command_words(pieces: &[Piece], params: &[String]) -> Vec<Word> {
    let mut words = Vec::new();
    let mut cur: Option<Word> = None;
    let push = |cur: &mut Option<Word>, words: &mut Vec<Word>| {
        if let Some(w) = cur.take() {
            words.push(w);
        }
    };
    for p in pieces {
        match p {
            Piece::Text(t) => {
                for (n, part) in t.split(char::is_whitespace).enumerate() {
                    if n > 0 {
                        push(&mut cur, &mut words);
                    }
                    if part.is_empty() {
                        continue;
                    }
                    cur = Some(match cur.take() {
                        None => Word::Lit(part.to_string()),
                        Some(Word::Lit(s)) => Word::Lit(s + part),
                        Some(_) => Word::Unknown,
                    });
                }
            }
            Piece::Expr(e) => {
                let w = match params.iter().position(|p| p == e) {
                    Some(i) => Word::Param(i),
                    None => Word::Unknown,
                };
                cur = Some(match cur.take() {
                    None => w,
                    Some(_) => Word::Unknown,
                });
            }
        }
    }
    push(&mut cur, &mut words);
    words
}

/// Where a build starts in a word list: the index of `build`/`bud` after a tool's
/// name or `buildx`, with `tool_seen` saying the tool was named elsewhere
/// (`spawnSync("docker", args)`).
fn build_start(words: &[Word], tool_seen: bool) -> Option<usize> {
    let lit = |k: usize| match words.get(k) {
        Some(Word::Lit(s)) => Some(s.as_str()),
        _ => None,
    };
    (0..words.len()).find(|&k| {
        matches!(lit(k), Some("build" | "bud"))
            && match k.checked_sub(1).and_then(lit) {
                Some(prev) => TOOLS.contains(&prev) || prev == "buildx" || prev == "image",
                None => tool_seen,
            }
    })
}

/// The argv from a build's start: `docker buildx build …`, with the tool's name
/// supplied when the words began at `buildx`/`build`. Words after a second tool
/// name belong to another command and are dropped.
fn build_argv(words: &[Word], at: usize, tool: &str) -> Vec<Word> {
    let mut start = at;
    while start > 0
        && matches!(&words[start - 1], Word::Lit(s) if TOOLS.contains(&s.as_str()) || s == "buildx" || s == "image")
    {
        start -= 1;
    }
    let mut out = Vec::new();
    if !matches!(&words[start], Word::Lit(s) if TOOLS.contains(&s.as_str())) {
        out.push(Word::Lit(tool.to_string()));
    }
    for (k, w) in words.iter().enumerate().skip(start) {
        if k > at && matches!(w, Word::Lit(s) if TOOLS.contains(&s.as_str())) {
            break;
        }
        out.push(w.clone());
    }
    out
}

const ARRAY_CALLS: &[&str] = &["push", "unshift", "concat"];

/// The builds in tokens `from..to` (a function body or the whole file): argument
/// arrays and string command lines, as word lists.
fn builds_in(
    toks: &[(Tok, usize)],
    closers: &[usize],
    from: usize,
    to: usize,
    params: &[String],
) -> Vec<(usize, Vec<Word>)> {
    let mut out = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut first_line = 0;
    let mut tool_seen: Option<&str> = None;
    let mut k = from;
    while k < to.min(toks.len()) {
        let (t, line) = &toks[k];
        let prev = k.checked_sub(1).map(|p| &toks[p].0);
        match t {
            Tok::Str(pieces) => {
                if let [Piece::Text(s)] = pieces.as_slice() {
                    if let Some(t) = TOOLS.iter().find(|t| **t == s.as_str()) {
                        tool_seen = Some(*t);
                    }
                }
                let cmd = command_words(pieces, params);
                if cmd.len() > 1 {
                    if let Some(at) = build_start(&cmd, false) {
                        out.push((*line, build_argv(&cmd, at, "docker")));
                    }
                }
            }
            // An array literal (not an index: `x[0]`, `f()[0]`), or the
            // arguments of `args.push(…)`.
            Tok::Punct(open @ ("[" | "("))
                if (*open == "["
                    && !matches!(prev, Some(Tok::Ident(_) | Tok::Punct(")" | "]"))))
                    || (*open == "("
                        && matches!(prev, Some(Tok::Ident(n)) if ARRAY_CALLS.contains(&n.as_str()))
                        && matches!(
                            k.checked_sub(2).map(|p| &toks[p].0),
                            Some(Tok::Punct("."))
                        )) =>
            {
                let close = closing(toks, closers, k);
                for el in elements(toks, k, close) {
                    let slice = toks.get(el.0..el.1).unwrap_or(&[]);
                    let w = match slice {
                        [(Tok::Punct("..."), _), ..] => continue,
                        [(Tok::Str(p), _)] => match p.as_slice() {
                            [Piece::Text(s)] => Word::Lit(s.clone()),
                            [Piece::Expr(e)] => params
                                .iter()
                                .position(|x| x == e)
                                .map_or(Word::Unknown, Word::Param),
                            _ => Word::Unknown,
                        },
                        [(Tok::Ident(n), _)] => params
                            .iter()
                            .position(|x| x == n)
                            .map_or(Word::Unknown, Word::Param),
                        _ => Word::Unknown,
                    };
                    if words.is_empty() {
                        first_line = *line;
                    }
                    words.push(w);
                }
                k = close + 1;
                continue;
            }
            _ => {}
        }
        k += 1;
    }
    if let Some(at) = build_start(&words, tool_seen.is_some()) {
        out.push((
            first_line,
            build_argv(&words, at, tool_seen.unwrap_or("docker")),
        ));
    }
    out
}

/// A function definition at token `k`: (name, parameter names with literal
/// defaults, index of the body's `{`).
type FnHead = (String, Vec<(String, Option<String>)>, usize);

fn function_at(toks: &[(Tok, usize)], closers: &[usize], k: usize) -> Option<FnHead> {
    let ident = |i: usize| match toks.get(i) {
        Some((Tok::Ident(s), _)) => Some(s.as_str()),
        _ => None,
    };
    let punct = |i: usize, p: &str| matches!(toks.get(i), Some((Tok::Punct(q), _)) if *q == p);
    // `function NAME(`, or `NAME = (…) =>` / `NAME = function (` / `NAME = async (…) =>`.
    let (name, open) = if ident(k) == Some("function") {
        let name = ident(k + 1)?;
        punct(k + 2, "(").then_some((name, k + 2))?
    } else {
        let name = ident(k)?;
        if !punct(k + 1, "=")
            || matches!(k.checked_sub(1).map(|p| &toks[p].0), Some(Tok::Punct(".")))
        {
            return None;
        }
        let mut o = k + 2;
        if ident(o) == Some("async") {
            o += 1;
        }
        if ident(o) == Some("function") {
            o += 1;
            if ident(o).is_some() {
                o += 1;
            }
        }
        punct(o, "(").then_some((name, o))?
    };
    let close = closing(toks, closers, open);
    let mut body = close + 1;
    // A TypeScript return type (`): void {`) or an arrow.
    while body < toks.len() && !punct(body, "{") {
        if punct(body, ";") || punct(body, ")") || body > close + 8 {
            return None;
        }
        body += 1;
    }
    let params = elements(toks, open, close)
        .into_iter()
        .map(|(s, e)| {
            let name = match toks.get(s) {
                Some((Tok::Ident(n), _)) => n.clone(),
                _ => String::new(),
            };
            let eq = (s..e).find(|&i| punct(i, "="));
            let default = eq.and_then(|i| literal(toks, (i + 1, e)));
            (name, default)
        })
        .collect();
    Some((name.to_string(), params, body))
}

/// Files larger than this are not read as release scripts.
pub const MAX_SCRIPT_BYTES: usize = 128 * 1024;

/// Reads one JavaScript/TypeScript file.
pub fn read(path: &str, text: &str) -> JsFile {
    let mut out = JsFile {
        path: path.to_string(),
        ..JsFile::default()
    };
    // A release script is short; a larger file is a bundle or generated code, and
    // reading it would only cost time (the element scans grow with nesting).
    if text.len() > MAX_SCRIPT_BYTES {
        return out;
    }
    let mentions_build = ["docker", "podman", "buildah"]
        .iter()
        .any(|t| text.contains(t))
        && text.contains("build");
    let imports_local = text.contains("import") || text.contains("require");
    if !mentions_build && !imports_local {
        return out;
    }
    let Lexed {
        toks,
        deprecated_ends,
    } = lex(text);
    let closers = closers(&toks);
    let mut in_fn = vec![false; toks.len()];
    let mut local_fns: Vec<String> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let Some((name, params, body)) = function_at(&toks, &closers, k) else {
            k += 1;
            continue;
        };
        let end = closing(&toks, &closers, body);
        let start_line = toks[k].1;
        // `export function` / `export async function`: the doc comment is above those.
        let head_line = (0..k)
            .rev()
            .take(2)
            .take_while(|&p| matches!(&toks[p].0, Tok::Ident(s) if s == "export" || s == "async" || s == "const" || s == "let" || s == "var"))
            .last()
            .map_or(start_line, |p| toks[p].1);
        let deprecated = deprecated_ends.contains(&(head_line.saturating_sub(1)));
        if mentions_build && !deprecated {
            let names: Vec<String> = params.iter().map(|(n, _)| n.clone()).collect();
            for (line, argv) in builds_in(&toks, &closers, body, end, &names) {
                if argv.iter().any(|w| matches!(w, Word::Param(_))) {
                    local_fns.push(name.clone());
                    out.functions.push(BuildFn {
                        name: name.clone(),
                        defaults: params.iter().map(|(_, d)| d.clone()).collect(),
                        argv,
                    });
                } else {
                    out.direct.push((line, to_argv(&argv)));
                }
            }
        }
        for f in in_fn.iter_mut().take(end.min(toks.len())).skip(k) {
            *f = true;
        }
        k = end.max(k + 1);
    }
    if mentions_build {
        // Builds outside any function (a script's top level).
        let mut s = 0;
        while s < toks.len() {
            if in_fn[s] {
                s += 1;
                continue;
            }
            let e = (s..toks.len()).find(|&i| in_fn[i]).unwrap_or(toks.len());
            for (line, argv) in builds_in(&toks, &closers, s, e, &[]) {
                out.direct.push((line, to_argv(&argv)));
            }
            s = e;
        }
    }
    // Imports from relative paths.
    for (i, (t, _)) in toks.iter().enumerate() {
        match t {
            Tok::Ident(s) if s == "import" => {
                if !matches!(toks.get(i + 1), Some((Tok::Punct("{"), _))) {
                    continue;
                }
                let close = closing(&toks, &closers, i + 1);
                let spec = match (toks.get(close + 1), toks.get(close + 2)) {
                    (Some((Tok::Ident(f), _)), Some((Tok::Str(p), _))) if f == "from" => {
                        match p.as_slice() {
                            [Piece::Text(s)] => s.clone(),
                            _ => continue,
                        }
                    }
                    _ => continue,
                };
                out.imports
                    .extend(named_bindings(&toks, i + 1, close, &spec, "as"));
            }
            Tok::Ident(s) if s == "require" => {
                // `const { a, b: c } = require("./lib")`.
                let spec = match (toks.get(i + 1), toks.get(i + 2)) {
                    (Some((Tok::Punct("("), _)), Some((Tok::Str(p), _))) => match p.as_slice() {
                        [Piece::Text(s)] => s.clone(),
                        _ => continue,
                    },
                    _ => continue,
                };
                if i < 2
                    || !matches!(toks[i - 1].0, Tok::Punct("="))
                    || !matches!(toks[i - 2].0, Tok::Punct("}"))
                {
                    continue;
                }
                let Some(open) = (0..i - 1)
                    .rev()
                    .find(|&p| matches!(toks[p].0, Tok::Punct("{")))
                else {
                    continue;
                };
                out.imports
                    .extend(named_bindings(&toks, open, i - 2, &spec, ":"));
            }
            _ => {}
        }
    }
    out.imports.retain(|(_, _, spec)| spec.starts_with('.'));
    // Calls of functions this file builds with or imports.
    let callable =
        |n: &str| local_fns.iter().any(|f| f == n) || out.imports.iter().any(|(l, _, _)| l == n);
    let mut calls = Vec::new();
    for (i, (t, line)) in toks.iter().enumerate() {
        let Tok::Ident(name) = t else {
            continue;
        };
        if !matches!(toks.get(i + 1), Some((Tok::Punct("("), _))) || !callable(name) {
            continue;
        }
        let prev = i.checked_sub(1).map(|p| &toks[p].0);
        if matches!(prev, Some(Tok::Punct(".")))
            || matches!(prev, Some(Tok::Ident(s)) if s == "function")
        {
            continue;
        }
        let close = closing(&toks, &closers, i + 1);
        // The definition itself (`NAME(params) {` after `function`, handled above).
        if matches!(toks.get(close + 1), Some((Tok::Punct("{" | "=>"), _))) {
            continue;
        }
        let args: Vec<Option<String>> = elements(&toks, i + 1, close)
            .into_iter()
            .map(|el| literal(&toks, el))
            .collect();
        calls.push(Call {
            line: *line,
            name: name.clone(),
            args,
        });
    }
    out.calls = calls;
    out
}

/// `{ a, b as c }` between `open` and `close`: (local, imported, spec).
fn named_bindings(
    toks: &[(Tok, usize)],
    open: usize,
    close: usize,
    spec: &str,
    rename: &str,
) -> Vec<(String, String, String)> {
    elements(toks, open, close)
        .into_iter()
        .filter_map(|(s, e)| {
            let names: Vec<&str> = toks
                .get(s..e)?
                .iter()
                .filter_map(|(t, _)| match t {
                    Tok::Ident(n) if n != rename && n != "type" => Some(n.as_str()),
                    _ => None,
                })
                .collect();
            let imported = *names.first()?;
            let local = *names.last()?;
            Some((local.to_string(), imported.to_string(), spec.to_string()))
        })
        .collect()
}

fn to_argv(words: &[Word]) -> Vec<Option<String>> {
    words
        .iter()
        .map(|w| match w {
            Word::Lit(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The extensions an import spec may leave out (`./lib` for `./lib.mjs`).
const SPEC_EXTENSIONS: [&str; 6] = ["js", "mjs", "cjs", "ts", "mts", "cts"];

/// The files an import spec from `from` names (`./lib.mjs`, `./lib`,
/// `./lib/index.js`), as indices into the files `by_path` was built from, in their
/// order. Looked up by name: comparing the spec with every file, per call, made the
/// cross-file pass quadratic in the files of a large monorepo.
fn spec_targets(from: &str, spec: &str, by_path: &HashMap<&str, Vec<usize>>) -> Vec<usize> {
    let Some(base) = join(dir_of(from), spec) else {
        return Vec::new();
    };
    let mut names = vec![base.clone()];
    for e in SPEC_EXTENSIONS {
        names.push(format!("{base}.{e}"));
        names.push(format!("{base}/index.{e}"));
    }
    let mut found: Vec<usize> = names
        .iter()
        .filter_map(|n| by_path.get(n.as_str()))
        .flatten()
        .copied()
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The builds every file's calls make through a build function (its own or one
/// imported by a relative path): (caller, line, argv), each parameter word taking
/// the call's literal, else the parameter's literal default.
pub fn resolve_calls(files: &[JsFile]) -> Vec<(String, usize, Vec<Option<String>>)> {
    let mut out = Vec::new();
    let mut by_path: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in files.iter().enumerate() {
        by_path.entry(f.path.as_str()).or_default().push(i);
    }
    for caller in files {
        for call in &caller.calls {
            let mut defs: Vec<&BuildFn> = caller
                .functions
                .iter()
                .filter(|f| f.name == call.name)
                .collect();
            for (local, imported, spec) in &caller.imports {
                if *local != call.name {
                    continue;
                }
                for def in spec_targets(&caller.path, spec, &by_path)
                    .into_iter()
                    .filter_map(|i| files.get(i))
                {
                    defs.extend(def.functions.iter().filter(|f| f.name == *imported));
                }
            }
            for def in defs {
                let argv = def
                    .argv
                    .iter()
                    .map(|w| match w {
                        Word::Lit(s) => Some(s.clone()),
                        Word::Unknown => None,
                        Word::Param(i) => match call.args.get(*i) {
                            Some(a) => a.clone(),
                            None => def.defaults.get(*i).cloned().flatten(),
                        },
                    })
                    .collect();
                out.push((caller.path.clone(), call.line, argv));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = r#"import * as childProcess from "child_process";
export const dryRun = process.env.DRY_RUN === "true";

/**
 * Build docker image and push
 * @param {string} target Dockerfile's target name
 */
export function buildImage(
    repoNames,
    tags,
    target,
    buildArgs = "",
    dockerfile = "docker/Dockerfile",
    platform = "linux/amd64"
) {
    let args = ["buildx", "build", "-f", dockerfile, "--platform", platform];
    for (let repoName of repoNames) {
        for (let tag of tags) {
            args.push("-t", `${repoName}:${tag}`);
        }
    }
    args = [...args, "--target", target];
    if (buildArgs) {
        args.push("--build-arg", buildArgs);
    }
    args = [...args, ".", "--push"];
    if (!dryRun) {
        childProcess.spawnSync("docker", args, { stdio: "inherit" });
    } else {
        console.log(`[DRY RUN] docker ${args.join(" ")}`);
    }
}

/**
 * Old helper
 * docker buildx build -f docker/Dockerfile --target artifacts .
 * @deprecated
 */
export function uploadArtifacts(version) {
    let args = ["buildx", "build", "-f", "docker/Dockerfile", "--target", "artifacts", "."];
    childProcess.spawnSync("docker", args);
}

export function buildAll(repoNames, version) {
    buildImage(repoNames, ["slim", version], "release", "BASE=slim");
    buildImage(repoNames, ["rootless"], "rootless");
}
"#;

    #[test]
    fn helper_arguments_resolve_per_call_with_defaults() {
        let lib = read("extra/release/lib.mjs", LIB);
        assert_eq!(lib.functions.len(), 1, "{lib:?}");
        assert!(
            lib.direct.is_empty(),
            "deprecated helper and comments are not builds: {lib:?}"
        );
        let nightly = read(
            "extra/release/nightly.mjs",
            "import { buildImage, getRepoNames as names } from \"./lib.mjs\";\nconst repoNames = names();\nbuildImage(repoNames, [ \"nightly\" ], \"nightly\");\n",
        );
        assert_eq!(nightly.calls.len(), 2, "{nightly:?}");
        let builds = resolve_calls(&[lib, nightly]);
        let targets: Vec<(String, usize, Option<String>, Option<String>)> = builds
            .iter()
            .map(|(p, l, argv)| {
                let after = |flag: &str| {
                    argv.iter()
                        .position(|w| w.as_deref() == Some(flag))
                        .and_then(|i| argv.get(i + 1).cloned().flatten())
                };
                (p.clone(), *l, after("-f"), after("--target"))
            })
            .collect();
        let df = Some("docker/Dockerfile".to_string());
        assert_eq!(
            targets,
            vec![
                (
                    "extra/release/lib.mjs".into(),
                    45,
                    df.clone(),
                    Some("release".into())
                ),
                (
                    "extra/release/lib.mjs".into(),
                    46,
                    df.clone(),
                    Some("rootless".into())
                ),
                (
                    "extra/release/nightly.mjs".into(),
                    3,
                    df,
                    Some("nightly".into())
                ),
            ]
        );
        assert_eq!(builds[0].2.first(), Some(&Some("docker".to_string())));
    }

    #[test]
    fn command_strings_and_top_level_arrays() {
        let f = read(
            "scripts/release.ts",
            "import { execSync } from 'child_process';\nconst tag: string = process.env.TAG;\nexecSync(`docker build -f deploy/api.Dockerfile -t acme/api:${tag} --target prod .`);\nspawnSync('podman', ['build', '--file', 'Containerfile', '.']);\n",
        );
        assert_eq!(f.direct.len(), 2, "{f:?}");
        assert_eq!(f.direct[0].0, 3);
        assert!(f.direct[0].1.contains(&Some("prod".to_string())));
        assert_eq!(f.direct[1].1.first(), Some(&Some("podman".to_string())));
        // A function that builds from a template with its parameter.
        let g = read(
            "release.js",
            "const { build } = require('./docker');\nfunction image(target) {\n  execSync(`docker build --target ${target} .`);\n}\nimage('web');\n",
        );
        assert_eq!(g.functions.len(), 1);
        let r = resolve_calls(&[g]);
        assert_eq!(r.len(), 1);
        assert!(r[0].2.contains(&Some("web".to_string())));
    }

    #[test]
    fn no_build_no_facts() {
        let f = read(
            "src/app.js",
            "import { t } from './i18n';\nconsole.log(t('build started'), ['a', 'build']);\n",
        );
        assert!(f.direct.is_empty() && f.functions.is_empty());
        assert!(!is_js_path("dist/app.min.js"));
        assert!(is_js_path("extra/release/lib.mjs"));
    }

    /// The closer table answers what the scan answers, for every opener, on
    /// nested, mixed and unbalanced brackets.
    #[test]
    fn closer_table_agrees_with_the_scan() {
        let text = "f(a, [b, {c: (d)}], g(h(i)) ; x = (y[0] ; } ) ] z({ ((( q";
        let toks = lex(text).toks;
        let table = closers(&toks);
        // With no table, `closing` scans: the scan is the oracle.
        let scan = |open: usize| closing(&toks, &[], open);
        let mut openers = 0;
        for (k, (t, _)) in toks.iter().enumerate() {
            if matches!(t, Tok::Punct("(" | "[" | "{")) {
                openers += 1;
                assert_eq!(closing(&toks, &table, k), scan(k), "opener at token {k}");
            }
        }
        assert!(openers > 10);
    }

    /// Hostile nesting (`a=(a=(…` closed at the end, every head a would-be arrow
    /// function) is read through the table; a bundle over the size bound is not read.
    #[test]
    fn nested_heads_and_large_files() {
        let n = 5_000;
        let text = format!(
            "{}x{};\nexec(\"docker build -t app .\");\n",
            "a=(".repeat(n),
            ")".repeat(n)
        );
        assert!(text.len() < MAX_SCRIPT_BYTES);
        let f = read("release.js", &text);
        assert_eq!(f.direct.len(), 1, "{:?}", f.direct);
        let big = format!(
            "exec(\"docker build -t app .\");\n{}",
            "// padding\n".repeat(MAX_SCRIPT_BYTES / 10)
        );
        assert!(read("bundle.js", &big).direct.is_empty());
    }
}
