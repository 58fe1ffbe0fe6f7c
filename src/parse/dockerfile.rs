//! A Dockerfile parser of our own: Dockerfile syntax is line-oriented, and real
//! files (legacy `ENV key value`, no final newline, comments inside continued
//! instructions, BuildKit heredocs, `# escape=` directives) defeat the grammars.
//!
//! Every instruction keeps its byte span and its arguments as [`MappedText`]
//! (continuations joined, comment lines dropped) so a `RUN` can be handed to the
//! shell parser and its findings mapped back to the right line.

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
            // Comment lines inside a continued instruction are removed by Docker.
            while j < lines.len() && lines[j].1.trim_start().starts_with('#') {
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
            let words: Vec<(usize, &str)> = words_with_offsets(ins.args_text());
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
    }
}

fn split_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
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
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
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
}
