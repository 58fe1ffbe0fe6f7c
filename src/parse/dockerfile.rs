//! A Dockerfile parser of our own: Dockerfile syntax is line-oriented, and real
//! files (legacy `ENV key value`, no final newline, comments inside continued
//! instructions, BuildKit heredocs, `# escape=` directives) defeat the grammars.
//!
//! Every instruction keeps its byte span and its arguments as [`MappedText`]
//! (continuations joined, comment lines dropped) so a `RUN` can be handed to the
//! shell parser and its findings mapped back to the right line.

use std::collections::HashMap;
use std::ops::Range;

use crate::mapped::MappedText;

/// How an instruction's command is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `RUN apt-get update` — run through `/bin/sh -c`.
    Shell,
    /// `CMD ["python", "app.py"]` — JSON array, no shell.
    Exec(Vec<String>),
}

/// A BuildKit heredoc (`RUN <<EOF … EOF`).
#[derive(Debug, Clone)]
pub struct Heredoc {
    /// Delimiter word (`EOF`).
    pub delimiter: String,
    /// Body lines with their host offsets.
    pub body: MappedText,
    /// Span from the first body line to the end of the delimiter line.
    pub span: Range<usize>,
}

/// One instruction (`FROM`, `RUN`, …).
#[derive(Debug, Clone)]
pub struct Instruction {
    /// Upper-cased keyword.
    pub keyword: String,
    /// Span of the whole instruction including continuation lines and heredocs.
    pub span: Range<usize>,
    /// Span of the keyword.
    pub keyword_span: Range<usize>,
    /// `--flag=value` options that precede the arguments (`--from=build`, `--mount=…`).
    pub flags: Vec<(String, String)>,
    /// Arguments after the flags, continuations joined, comments removed.
    pub args: MappedText,
    /// Shell or exec form (meaningful for RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD, SHELL).
    pub form: Form,
    /// Heredocs attached to the instruction.
    pub heredocs: Vec<Heredoc>,
    /// Index of the stage the instruction belongs to (None before the first FROM).
    pub stage: Option<usize>,
}

impl Instruction {
    /// Argument text.
    pub fn args_text(&self) -> &str {
        &self.args.text
    }

    /// Value of a `--name=value` flag.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Host span of the arguments.
    pub fn args_span(&self) -> Range<usize> {
        self.args.range_to_host(&(0..self.args.text.len()))
    }

    /// The pairs of an `ENV`, `LABEL` or `ARG` (empty for other instructions).
    ///
    /// `ENV a=1 b="two words"` gives two pairs; the legacy `ENV key value with spaces`
    /// (first word without `=`) gives one pair whose value is the rest of the line;
    /// `ARG NAME` gives a pair without value. `escape` is the file's escape character.
    pub fn key_values(&self, escape: char) -> Vec<KeyValue> {
        if !matches!(self.keyword.as_str(), "ENV" | "LABEL" | "ARG") {
            return Vec::new();
        }
        let text = self.args.text.as_str();
        let toks = arg_tokens(text, escape);
        let host = |r: Range<usize>| self.args.range_to_host(&r);
        let mut out = Vec::new();
        let Some(first) = toks.first() else {
            return out;
        };
        let first_raw = &text[first.clone()];
        if !first_raw.contains('=') && self.keyword != "ARG" {
            // Legacy form: `ENV key value…`.
            let key_end = first.end;
            let rest_start = text[key_end..]
                .find(|c: char| !c.is_whitespace())
                .map_or(text.len(), |i| key_end + i);
            let raw = text[rest_start..].trim_end();
            let vr = rest_start..rest_start + raw.len();
            out.push(KeyValue {
                key: first_raw.to_string(),
                value: Some(unquote(raw, escape)),
                raw_value: raw.to_string(),
                key_span: host(first.clone()),
                value_span: host(vr),
            });
            return out;
        }
        for t in toks {
            let raw = &text[t.clone()];
            match raw.find('=') {
                Some(eq) => {
                    let vr = t.start + eq + 1..t.end;
                    out.push(KeyValue {
                        key: unquote(&raw[..eq], escape),
                        value: Some(unquote(&raw[eq + 1..], escape)),
                        raw_value: raw[eq + 1..].to_string(),
                        key_span: host(t.start..t.start + eq),
                        value_span: host(vr),
                    });
                }
                None => {
                    let end = host(t.clone()).end;
                    out.push(KeyValue {
                        key: raw.to_string(),
                        value: None,
                        raw_value: String::new(),
                        key_span: host(t.clone()),
                        value_span: end..end,
                    });
                }
            }
        }
        out
    }
}

/// Whitespace-separated tokens of an argument string, quotes and escapes respected
/// (`a="b c" d=e` is two tokens). Ranges index `text`.
fn arg_tokens(text: &str, escape: char) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let start = i;
        let mut end = text.len();
        let mut quote: Option<char> = None;
        while let Some((j, c)) = chars.next() {
            match quote {
                Some(q) => {
                    if c == q {
                        quote = None;
                    } else if q == '"' && c == escape {
                        chars.next();
                    }
                }
                None => {
                    if c.is_whitespace() {
                        end = j;
                        break;
                    }
                    if c == '"' || c == '\'' {
                        quote = Some(c);
                    } else if c == escape {
                        chars.next();
                    }
                }
            }
        }
        out.push(start..end);
    }
    out
}

/// Removes quotes and escape characters the way Docker's word processing does.
pub fn unquote(raw: &str, escape: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some('"') if c == escape => match chars.peek() {
                Some(&n) if n == '"' || n == escape || n == '$' => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            },
            Some(_) => out.push(c),
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == escape => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// One `key=value` pair of an `ENV`, `LABEL` or `ARG` (legacy `ENV key value` included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyValue {
    /// The key as written.
    pub key: String,
    /// The value with quotes and escapes removed; `None` for `ARG NAME` without a default.
    pub value: Option<String>,
    /// The value as written (quotes kept), empty when there is none.
    pub raw_value: String,
    /// Host span of the key.
    pub key_span: Range<usize>,
    /// Host span of the raw value (empty, at the end of the key, when there is none).
    pub value_span: Range<usize>,
}

/// A build stage: `FROM image [AS name]` and the instructions up to the next FROM.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Index of the FROM instruction.
    pub from: usize,
    /// Image reference as written (`python:3.12-slim`, `${BASE}`, `builder`).
    pub image: String,
    /// Span of the image reference.
    pub image_span: Range<usize>,
    /// `AS name`, lower-cased.
    pub name: Option<String>,
    /// `--platform=` value.
    pub platform: Option<String>,
    /// Instruction indices of this stage (FROM included).
    pub instructions: Range<usize>,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// Instructions in order.
    pub instructions: Vec<Instruction>,
    /// Build stages in order.
    pub stages: Vec<Stage>,
    /// Escape character (`\` or `` ` ``).
    pub escape: char,
    /// `# syntax=` directive value.
    pub syntax: Option<String>,
    /// Lines that are not instructions (reported as diagnostics, never fatal).
    pub errors: Vec<(Range<usize>, String)>,
    /// `RUN` shells parsed once and shared by every rule that reads them.
    pub run_cache: RunCache,
}

/// The shell of one `RUN`, parsed.
pub struct ParsedRun {
    /// Index of the instruction.
    pub index: usize,
    /// Parsed shell pieces (the arguments, or heredoc bodies run as scripts).
    pub scripts: Vec<crate::parse::shell::ShellScript>,
    /// Whether the first script is the shell-form arguments themselves.
    pub inline: bool,
}

/// Lazily filled cache of parsed `RUN` shells; a clone starts empty.
#[derive(Default)]
pub struct RunCache(std::sync::OnceLock<Vec<ParsedRun>>);

impl RunCache {
    /// The parsed runs, computing them with `init` on first use.
    pub fn get_or_init(&self, init: impl FnOnce() -> Vec<ParsedRun>) -> &[ParsedRun] {
        self.0.get_or_init(init)
    }
}

impl Clone for RunCache {
    fn clone(&self) -> Self {
        RunCache::default()
    }
}

impl std::fmt::Debug for RunCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunCache")
    }
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

impl Dockerfile {
    /// Instructions of a stage.
    pub fn stage_instructions(&self, stage: usize) -> &[Instruction] {
        match self.stages.get(stage) {
            Some(s) => self.instructions.get(s.instructions.clone()).unwrap_or(&[]),
            None => &[],
        }
    }

    /// The last stage (what `docker build` produces without `--target`).
    pub fn final_stage(&self) -> Option<usize> {
        self.stages.len().checked_sub(1)
    }

    /// Whether a stage is used as a base or copy source by a later stage.
    pub fn stage_is_referenced(&self, stage: usize) -> bool {
        let Some(s) = self.stages.get(stage) else {
            return false;
        };
        let by_name = |v: &str| {
            let v = v.to_ascii_lowercase();
            s.name.as_deref() == Some(v.as_str()) || v == stage.to_string()
        };
        self.stages
            .iter()
            .skip(stage + 1)
            .any(|later| by_name(&later.image))
            || self.instructions.iter().any(|i| {
                i.stage.is_some_and(|st| st > stage)
                    && (i.flag("from").is_some_and(by_name)
                        || i.flag("mount").is_some_and(|m| {
                            m.split(',')
                                .any(|kv| kv.strip_prefix("from=").is_some_and(by_name))
                        }))
            })
    }
}

/// `ARG`s declared before the first `FROM`, with their defaults resolved in order.
pub fn global_args(df: &Dockerfile) -> HashMap<String, Option<String>> {
    let mut args: HashMap<String, Option<String>> = HashMap::new();
    for ins in df.instructions.iter().take_while(|i| i.stage.is_none()) {
        if ins.keyword != "ARG" {
            continue;
        }
        for kv in ins.key_values(df.escape) {
            let v = kv.value.and_then(|v| resolve(&v, &args));
            args.insert(kv.key, v);
        }
    }
    args
}

/// Substitutes `$X`, `${X}`, `${X:-default}`, `${X:+alt}` from `vars`; `None` when a variable
/// has no value or the braces use an operator whose result cannot be known here (`${X/a/b}`,
/// `${X#p}`, `${X%p}`), so a caller never reports a value the build would not produce.
pub fn resolve(s: &str, vars: &HashMap<String, Option<String>>) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            let body = &inner[..end];
            let name_len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let (name, op) = body.split_at(name_len);
            let value = vars.get(name).cloned().flatten();
            let set = value.as_deref().is_some_and(|v| !v.is_empty());
            if op.is_empty() {
                out.push_str(&value?);
            } else if let Some(default) = op.strip_prefix(":-") {
                out.push_str(if set { value.as_deref()? } else { default });
            } else if let Some(default) = op.strip_prefix('-') {
                out.push_str(value.as_deref().unwrap_or(default));
            } else if let Some(alt) = op.strip_prefix(":+") {
                out.push_str(if set { alt } else { "" });
            } else if let Some(alt) = op.strip_prefix('+') {
                out.push_str(if value.is_some() { alt } else { "" });
            } else if op.starts_with(":?") || op.starts_with('?') {
                out.push_str(value.as_deref().filter(|v| !v.is_empty())?);
            } else {
                return None;
            }
            rest = &inner[end + 1..];
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&vars.get(&after[..len]).cloned().flatten()?);
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Index of the earlier stage `image` names (`FROM builder`), if any.
pub fn stage_named(df: &Dockerfile, before: usize, image: &str) -> Option<usize> {
    let lower = image.to_ascii_lowercase();
    df.stages
        .iter()
        .take(before)
        .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
        .or_else(|| lower.parse::<usize>().ok().filter(|&i| i < before))
}

/// Parses a Dockerfile. Never fails: unknown lines become [`Dockerfile::errors`].
pub fn parse(text: &str) -> Dockerfile {
    let lines = split_lines(text);
    let mut escape = '\\';
    let mut syntax = None;
    let mut i = 0;
    // Parser directives: only leading `# key=value` comments.
    while i < lines.len() {
        let line = lines[i].1.trim();
        let Some(body) = line.strip_prefix('#') else {
            break;
        };
        let Some((k, v)) = body.split_once('=') else {
            break;
        };
        let key = k.trim().to_ascii_lowercase();
        let value = v.trim();
        match key.as_str() {
            "escape" => {
                if let Some(c) = value.chars().next() {
                    escape = c;
                }
            }
            "syntax" => syntax = Some(value.to_string()),
            "check" => {}
            _ => break,
        }
        i += 1;
    }

    let mut instructions: Vec<Instruction> = Vec::new();
    let mut errors = Vec::new();
    while i < lines.len() {
        let (start, line) = lines[i];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let lead = line.len() - trimmed.len();
        let kw_len = trimmed
            .find(|c: char| c.is_whitespace())
            .unwrap_or(trimmed.len());
        let keyword = trimmed[..kw_len].to_ascii_uppercase();
        let keyword_span = start + lead..start + lead + kw_len;
        if !KEYWORDS.contains(&keyword.as_str()) {
            errors.push((
                start..start + line.len(),
                format!("unknown instruction `{}`", &trimmed[..kw_len]),
            ));
            // Skip its continuation lines as well.
            let mut j = i;
            while j < lines.len() && ends_with_escape(lines[j].1, escape) {
                j += 1;
            }
            i = j + 1;
            continue;
        }
        // Gather the instruction's argument text across continuation lines.
        let mut args = MappedText::new(keyword_span.end);
        let after_kw = &trimmed[kw_len..];
        let first_args_off = lead + kw_len + (after_kw.len() - after_kw.trim_start().len());
        let mut seg_start = start + first_args_off;
        let mut seg = &line[first_args_off..];
        let mut end = start + line.len();
        let mut j = i;
        loop {
            let continued = ends_with_escape(seg, escape);
            let content = if continued {
                let t = seg.trim_end();
                &t[..t.len() - escape.len_utf8()]
            } else {
                seg
            };
            args.push_host(content, seg_start);
            if !continued {
                break;
            }
            // Keep a newline-equivalent so shell sees the continuation as whitespace.
            args.push_synthetic(" ");
            j += 1;
            // Comment lines and empty lines inside a continued instruction are removed by Docker.
            while j < lines.len() && {
                let t = lines[j].1.trim_start();
                t.starts_with('#') || t.is_empty()
            } {
                j += 1;
            }
            if j >= lines.len() {
                break;
            }
            seg_start = lines[j].0;
            seg = lines[j].1;
            end = lines[j].0 + lines[j].1.len();
        }
        i = j + 1;

        let (flags, args) = split_flags(args);
        // Heredocs (BuildKit): `<<EOF`, `<<-EOF`, `<<"EOF"`, several per instruction.
        let mut heredocs = Vec::new();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") {
            for (delim, strip_tabs) in heredoc_markers(&args.text) {
                let mut body = MappedText::new(lines.get(i).map_or(text.len(), |l| l.0));
                let body_start = lines.get(i).map_or(text.len(), |l| l.0);
                let mut closed = false;
                while i < lines.len() {
                    let (ls, l) = lines[i];
                    let cmp = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    i += 1;
                    if cmp == delim {
                        end = ls + l.len();
                        closed = true;
                        break;
                    }
                    let content = if strip_tabs {
                        l.trim_start_matches('\t')
                    } else {
                        l
                    };
                    body.push_host(content, ls + (l.len() - content.len()));
                    body.push_synthetic("\n");
                    end = ls + l.len();
                }
                if !closed {
                    errors.push((
                        body_start..end,
                        format!("heredoc `{delim}` is never closed"),
                    ));
                }
                heredocs.push(Heredoc {
                    delimiter: delim,
                    body,
                    span: body_start..end,
                });
            }
        }
        let form = exec_form(&args.text).map_or(Form::Shell, Form::Exec);
        instructions.push(Instruction {
            keyword,
            span: keyword_span.start..end,
            keyword_span,
            flags,
            args,
            form,
            heredocs,
            stage: None,
        });
    }

    // Stages.
    let mut stages: Vec<Stage> = Vec::new();
    for idx in 0..instructions.len() {
        if instructions[idx].keyword == "FROM" {
            if let Some(last) = stages.last_mut() {
                last.instructions.end = idx;
            }
            let ins = &instructions[idx];
            let words = template_words(ins.args_text(), words_with_offsets(ins.args_text()));
            let (image, image_span) = match words.first() {
                Some((off, w)) => (
                    w.to_string(),
                    ins.args.range_to_host(&(*off..off + w.len())),
                ),
                None => (String::new(), ins.keyword_span.clone()),
            };
            let name = match words.get(1) {
                Some((_, w)) if w.eq_ignore_ascii_case("as") => {
                    words.get(2).map(|(_, n)| n.to_ascii_lowercase())
                }
                _ => None,
            };
            stages.push(Stage {
                from: idx,
                image,
                image_span,
                name,
                platform: ins.flag("platform").map(str::to_string),
                instructions: idx..instructions.len(),
            });
        }
        if !stages.is_empty() {
            instructions[idx].stage = Some(stages.len() - 1);
        }
    }
    Dockerfile {
        instructions,
        stages,
        escape,
        syntax,
        errors,
        run_cache: RunCache::default(),
    }
}

/// Joins the words of a template placeholder (`{{ base_image }}`, `{% … %}`) into one,
/// so that `FROM {{ base_image }} AS base` in a Jinja2 or Go template of a Dockerfile
/// has one image and the stage name `base`.
fn template_words<'t>(text: &'t str, words: Vec<(usize, &'t str)>) -> Vec<(usize, &'t str)> {
    let mut out: Vec<(usize, &str)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (off, w) = words[i];
        let close = if w.starts_with("{{") {
            "}}"
        } else if w.starts_with("{%") {
            "%}"
        } else {
            ""
        };
        if close.is_empty() || w.ends_with(close) {
            out.push((off, w));
            i += 1;
            continue;
        }
        match words[i + 1..].iter().position(|(_, x)| x.contains(close)) {
            Some(k) => {
                let (end_off, end_w) = words[i + 1 + k];
                let end = end_off + end_w.len();
                out.push((off, text.get(off..end).unwrap_or(w)));
                i += k + 2;
            }
            None => {
                out.push((off, w));
                i += 1;
            }
        }
    }
    out
}

fn split_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    // A UTF-8 byte-order mark is ignored by Docker.
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for (i, b) in text.bytes().enumerate().skip(start) {
        if b == b'\n' {
            let mut l = &text[start..i];
            if l.ends_with('\r') {
                l = &l[..l.len() - 1];
            }
            out.push((start, l));
            start = i + 1;
        }
    }
    if start < text.len() {
        let mut l = &text[start..];
        if l.ends_with('\r') {
            l = &l[..l.len() - 1];
        }
        out.push((start, l));
    }
    out
}

fn ends_with_escape(line: &str, escape: char) -> bool {
    let t = line.trim_end();
    if !t.ends_with(escape) {
        return false;
    }
    // `\\` at the end is an escaped backslash only in exec-form JSON; Docker itself
    // treats a trailing escape char as continuation regardless.
    true
}

fn words_with_offsets(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// Splits leading `--flag=value` words off the arguments.
fn split_flags(args: MappedText) -> (Vec<(String, String)>, MappedText) {
    let text = args.text.clone();
    let mut flags = Vec::new();
    let mut rest_start = 0;
    for (off, w) in words_with_offsets(&text) {
        if let Some(f) = w.strip_prefix("--") {
            let (name, value) = f.split_once('=').unwrap_or((f, ""));
            flags.push((name.to_ascii_lowercase(), value.to_string()));
            rest_start = off + w.len();
        } else {
            rest_start = off;
            break;
        }
    }
    if flags.is_empty() {
        return (flags, args);
    }
    let rest_start = text[rest_start..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |i| rest_start + i);
    let mut out = MappedText::new(args.to_host(rest_start));
    // Re-slice the mapped text from rest_start.
    for seg in &args.segments {
        let s_end = seg.text_start + seg.len;
        if s_end <= rest_start {
            continue;
        }
        let from = rest_start.max(seg.text_start);
        if let Some(piece) = text.get(from..s_end) {
            let host = seg.host_start + (from - seg.text_start);
            // Fill synthetic gaps between segments.
            let expected = rest_start + out.text.len();
            if from > expected {
                out.push_synthetic(text.get(expected..from).unwrap_or(""));
            }
            out.push_host(piece, host);
        }
    }
    if out.text.len() < text.len() - rest_start {
        let have = rest_start + out.text.len();
        out.push_synthetic(text.get(have..).unwrap_or(""));
    }
    (flags, out)
}

fn heredoc_markers(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(pos) = rest.find("<<") {
        let after = &rest[pos + 2..];
        let (strip, after) = match after.strip_prefix('-') {
            Some(a) => (true, a),
            None => (false, after),
        };
        if let Some(here_string) = after.strip_prefix('<') {
            // `<<<` here-string, not a heredoc.
            rest = here_string;
            continue;
        }
        let after = after.trim_start_matches(['"', '\'']);
        let word: String = after
            .chars()
            .take_while(|c| !c.is_whitespace() && !"<>|;&()'\"".contains(*c))
            .collect();
        if !word.is_empty() {
            out.push((word.clone(), strip));
        }
        rest = &after[word.len().min(after.len())..];
    }
    out
}

fn exec_form(args: &str) -> Option<Vec<String>> {
    let t = args.trim();
    if !t.starts_with('[') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_placeholder_is_one_image() {
        let df = parse("FROM {{ base_image }} AS base\nFROM base AS builder\n");
        assert_eq!(df.stages[0].image, "{{ base_image }}");
        assert_eq!(df.stages[0].name.as_deref(), Some("base"));
        assert_eq!(df.stages[1].image, "base");
        // An unclosed placeholder stays a word of its own.
        assert_eq!(parse("FROM {{ x AS y\n").stages[0].image, "{{");
    }

    #[test]
    fn stages_flags_and_continuations() {
        let text = "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim\nFROM ${BASE} AS build\nRUN apt-get update && \\\n    # a comment\n    apt-get install -y gcc\nFROM python:3.12-slim\nCOPY --from=build /app /app\nCMD [\"python\", \"-m\", \"app\"]";
        let df = parse(text);
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1"));
        assert_eq!(df.instructions.len(), 6);
        assert_eq!(df.instructions[0].stage, None);
        assert_eq!(df.stages.len(), 2);
        assert_eq!(df.stages[0].name.as_deref(), Some("build"));
        assert_eq!(df.stages[0].image, "${BASE}");
        let run = &df.instructions[2];
        assert_eq!(
            run.args_text(),
            "apt-get update &&      apt-get install -y gcc"
        );
        let gcc = run.args_text().find("gcc").unwrap();
        let host = run.args.to_host(gcc);
        assert_eq!(&text[host..host + 3], "gcc");
        assert_eq!(df.instructions[4].flag("from"), Some("build"));
        assert_eq!(df.instructions[4].args_text(), "/app /app");
        assert_eq!(
            df.instructions[5].form,
            Form::Exec(vec!["python".into(), "-m".into(), "app".into()])
        );
        assert!(df.stage_is_referenced(0));
        assert!(!df.stage_is_referenced(1));
    }

    #[test]
    fn heredoc_and_escape_directive() {
        let text = "FROM alpine\nRUN <<EOF\nset -e\napk add curl\nEOF\nUSER app\n";
        let df = parse(text);
        assert_eq!(df.instructions.len(), 3);
        let h = &df.instructions[1].heredocs[0];
        assert_eq!(h.body.text, "set -e\napk add curl\n");
        assert_eq!(df.instructions[2].keyword, "USER");

        let text = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n";
        let df = parse(text);
        assert_eq!(df.escape, '`');
        assert_eq!(df.instructions.len(), 2);
    }

    #[test]
    fn crlf_and_unknown_lines() {
        let df = parse("FROM alpine:3.20\r\nBOGUS thing\r\nUSER 1000\r\n");
        assert_eq!(df.instructions.len(), 2);
        assert_eq!(df.errors.len(), 1);
        assert_eq!(df.instructions[1].args_text(), "1000");
    }

    #[test]
    fn crlf_continuations_map_back() {
        let text = "FROM debian:12\r\nRUN apt-get update \\\r\n    && apt-get install -y curl\r\n";
        let df = parse(text);
        assert!(df.errors.is_empty());
        let run = &df.instructions[1];
        assert_eq!(
            run.args_text(),
            "apt-get update      && apt-get install -y curl"
        );
        let off = run.args_text().find("curl").unwrap();
        let h = run.args.to_host(off);
        assert_eq!(&text[h..h + 4], "curl");
        assert_eq!(&text[run.span.clone()].lines().count(), &2);
    }

    #[test]
    fn no_final_newline_and_trailing_escape_at_eof() {
        let df = parse("FROM alpine:3.20\nUSER app");
        assert_eq!(df.instructions[1].args_text(), "app");
        let df = parse("FROM alpine:3.20\nRUN echo a \\");
        assert_eq!(df.instructions.len(), 2);
        assert!(df.errors.is_empty());
    }

    #[test]
    fn empty_and_comment_lines_inside_continuation() {
        let text =
            "FROM alpine\nRUN apk add \\\n\n    # git is needed\n    git \\\n    curl\nUSER 1000\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.instructions.len(), 3);
        assert!(df.instructions[1].args_text().contains("git"));
        assert!(df.instructions[1].args_text().ends_with("curl"));
    }

    #[test]
    fn heredocs_several_and_dash() {
        let text = "# syntax=docker/dockerfile:1.7\nFROM python:3.12\nRUN <<-EOT bash\n\tset -eux\n\tpip install -r req.txt\n\tEOT\nCOPY <<EOF /etc/app.conf\nport=8080\nEOF\nRUN cat <<'A' > /a && cat <<\"B\" > /b\nx\nA\ny\nB\nUSER app\n";
        let df = parse(text);
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        let kws: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["FROM", "RUN", "COPY", "RUN", "USER"]);
        assert_eq!(
            df.instructions[1].heredocs[0].body.text,
            "set -eux\npip install -r req.txt\n"
        );
        assert_eq!(df.instructions[2].heredocs[0].body.text, "port=8080\n");
        let hs = &df.instructions[3].heredocs;
        assert_eq!(hs.len(), 2);
        assert_eq!(hs[0].body.text, "x\n");
        assert_eq!(hs[1].body.text, "y\n");
        let h = hs[1].body.to_host(0);
        assert_eq!(&text[h..h + 1], "y");
    }

    #[test]
    fn unclosed_heredoc_is_an_error_not_a_panic() {
        let df = parse("FROM alpine\nRUN <<EOF\necho hi\n");
        assert_eq!(df.errors.len(), 1);
    }

    #[test]
    fn arg_before_from_is_global() {
        let text = "ARG PY=3.12\nARG BASE=python:${PY}-slim\nFROM ${BASE}\nARG PY\nRUN echo $PY\n";
        let df = parse(text);
        assert_eq!(df.instructions[0].stage, None);
        assert_eq!(df.instructions[1].stage, None);
        assert_eq!(df.instructions[3].stage, Some(0));
        let kv = df.instructions[1].key_values(df.escape);
        assert_eq!(kv[0].key, "BASE");
        assert_eq!(kv[0].value.as_deref(), Some("python:${PY}-slim"));
        let kv = df.instructions[3].key_values(df.escape);
        assert_eq!(kv[0].value, None);
        assert_eq!(df.stages[0].image, "${BASE}");
    }

    #[test]
    fn resolve_knows_only_the_operators_it_can_evaluate() {
        let mut vars = HashMap::new();
        vars.insert("GO".to_string(), Some("1.22".to_string()));
        vars.insert("EMPTY".to_string(), Some(String::new()));
        vars.insert("PLATFORM".to_string(), None);
        assert_eq!(
            resolve("go:${GO}-${X:-bookworm}", &vars).as_deref(),
            Some("go:1.22-bookworm")
        );
        assert_eq!(
            resolve("a${GO:+-x}${EMPTY:+-y}", &vars).as_deref(),
            Some("a-x")
        );
        assert_eq!(resolve("${EMPTY:-d}", &vars).as_deref(), Some("d"));
        // Pattern substitution (`${P/arm\/v7/arm-7}`) is not evaluated: no value is made up
        // from the text after a `-` inside the pattern.
        assert_eq!(
            resolve("build:${GO}-${PLATFORM/arm\\/v7/arm-7}", &vars),
            None
        );
        assert_eq!(resolve("${GO#1.}", &vars), None);
        assert_eq!(resolve("${MISSING}", &vars), None);
    }

    #[test]
    fn json_and_shell_forms() {
        let df = parse("FROM x\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\nENTRYPOINT /entry.sh --flag\nCMD [not json\nHEALTHCHECK --interval=30s CMD [\"curl\", \"-f\", \"http://localhost/\"]\n");
        assert!(matches!(df.instructions[1].form, Form::Exec(ref v) if v[0] == "gunicorn"));
        assert_eq!(df.instructions[2].form, Form::Shell);
        assert_eq!(df.instructions[3].form, Form::Shell);
        assert_eq!(df.instructions[4].flag("interval"), Some("30s"));
        assert!(df.instructions[4].args_text().starts_with("CMD"));
    }

    #[test]
    fn windows_escape_directive() {
        let text = "# escape=`\r\n\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nSHELL [\"powershell\", \"-Command\"]\r\nRUN Invoke-WebRequest https://x/y.zip -OutFile C:\\y.zip ; `\r\n    Expand-Archive C:\\y.zip -DestinationPath C:\\y\r\nENV APP_HOME=C:\\app\r\nUSER ContainerUser\r\n";
        let df = parse(text);
        assert_eq!(df.escape, '`');
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.instructions.len(), 5);
        assert!(df.instructions[2].args_text().contains("Expand-Archive"));
        let kv = df.instructions[3].key_values(df.escape);
        assert_eq!(kv[0].value.as_deref(), Some("C:\\app"));
    }

    #[test]
    fn legacy_and_modern_env_label() {
        let text = "FROM x\nENV PATH /opt/app/bin:$PATH\nENV A=1 B=\"two words\" C='x y'\nLABEL maintainer \"Jane Doe <jane@example.com>\"\nLABEL org.opencontainers.image.source=\"https://github.com/o/r\" version=1.0\nENV MSG hello \\\n    world\n";
        let df = parse(text);
        let kv = df.instructions[1].key_values(df.escape);
        assert_eq!(kv.len(), 1);
        assert_eq!(kv[0].key, "PATH");
        assert_eq!(kv[0].value.as_deref(), Some("/opt/app/bin:$PATH"));
        let kv = df.instructions[2].key_values(df.escape);
        let got: Vec<_> = kv
            .iter()
            .map(|k| (k.key.as_str(), k.value.as_deref().unwrap()))
            .collect();
        assert_eq!(got, [("A", "1"), ("B", "two words"), ("C", "x y")]);
        assert_eq!(&text[kv[1].value_span.clone()], "\"two words\"");
        let kv = df.instructions[3].key_values(df.escape);
        assert_eq!(kv[0].key, "maintainer");
        assert_eq!(kv[0].value.as_deref(), Some("Jane Doe <jane@example.com>"));
        let kv = df.instructions[4].key_values(df.escape);
        assert_eq!(kv.len(), 2);
        assert_eq!(kv[0].value.as_deref(), Some("https://github.com/o/r"));
        let kv = df.instructions[5].key_values(df.escape);
        assert_eq!(kv[0].key, "MSG");
        assert!(kv[0].value.as_deref().unwrap().starts_with("hello"));
    }

    #[test]
    fn byte_order_mark_and_lowercase_keywords() {
        let df =
            parse("\u{feff}# syntax=docker/dockerfile:1\nfrom alpine:3.20 as base\nrun echo hi\n");
        assert!(df.errors.is_empty(), "{:?}", df.errors);
        assert_eq!(df.syntax.as_deref(), Some("docker/dockerfile:1"));
        assert_eq!(df.stages[0].name.as_deref(), Some("base"));
        assert_eq!(df.instructions[1].keyword, "RUN");
    }
}
