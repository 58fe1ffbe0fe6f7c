//! The commands a `run:` step executes, as words, for rules that look for a
//! program (`npm publish`, `gem install`, `./scripts/deploy.sh`).
//!
//! POSIX shells go through the bash parser (so quoting, continuation lines,
//! `&&` lists and pipelines are handled); PowerShell and `cmd` scripts are
//! split by lines (with their `` ` `` and `^` continuations) and whitespace,
//! which is enough to recognise a program and its subcommand.

use std::ops::Range;

use crate::parse::shell::{ShellOrigin, ShellScript};
use crate::parse::yaml::YamlNode;
use crate::workflows::wf::{self, ShellKind};

/// One command of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The words, program first; expansions appear as `$NAME` and `${{ }}` as `X…`.
    pub words: Vec<String>,
    /// Host-file span of the command.
    pub span: Range<usize>,
}

impl Command {
    /// The words after launchers that only run the next word (`sudo`, `bundle exec`,
    /// `python -m`, `pipx run`, `npx`, `env A=b`, `cargo +nightly`).
    pub fn effective(&self) -> Vec<&str> {
        let mut w: Vec<&str> = self.words.iter().map(String::as_str).collect();
        loop {
            let first = w.first().map(|s| s.rsplit('/').next().unwrap_or(s));
            let skip = match first {
                Some("sudo" | "time" | "nohup" | "exec" | "command" | "bunx" | "npx") => 1,
                Some("env") => {
                    1 + w[1..]
                        .iter()
                        .take_while(|a| a.contains('=') || a.starts_with('-'))
                        .count()
                }
                Some("bundle" | "uv" | "poetry" | "pipx" | "pdm" | "hatch" | "rye")
                    if matches!(w.get(1).copied(), Some("exec" | "run")) =>
                {
                    2
                }
                Some(p) if (p.starts_with("python") || p == "py") && w.get(1) == Some(&"-m") => 2,
                _ => 0,
            };
            if skip == 0 || skip >= w.len() {
                break;
            }
            w.drain(..skip);
        }
        // `pipx run twine==6.1.0 upload`: drop the version pin on the program.
        if let Some(first) = w.first_mut() {
            if let Some((name, _)) = first.split_once("==") {
                *first = name;
            }
            if let Some(name) = first.rsplit(['/', '\\']).next() {
                *first = name;
            }
            if let Some(name) = first.strip_suffix(".exe") {
                *first = name;
            }
        }
        // `cargo +nightly publish`
        if w.len() > 1 && w[1].starts_with('+') {
            w.remove(1);
        }
        w
    }
}

/// How many distinct `run:` script texts each thread remembers before it forgets them
/// all (more than the steps of the largest real workflow seen, a 13,000-line test
/// matrix; a few hundred kilobytes).
const RECENT_SCRIPTS: usize = 4096;

/// Parsed `run:` scripts by their masked text: each with its offset map and commands.
type Recent = std::collections::HashMap<String, Vec<(crate::mapped::MappedText, Vec<Command>)>>;

thread_local! {
    /// The masked `run:` scripts parsed on this thread, with their commands.
    static RECENT: std::cell::RefCell<Recent> = std::cell::RefCell::new(Recent::new());
}

/// How much `run:` script text each thread keeps parsed for the file being read (the
/// steps of one workflow; past it, all are forgotten and the count starts again).
const PARSED_RUN_BYTES: usize = 256 * 1024;

/// Parsed `run:` scripts of the file being read, by their masked text.
#[derive(Default)]
struct ParsedRuns {
    by_text: std::collections::HashMap<String, Vec<std::rc::Rc<ShellScript>>>,
    bytes: usize,
}

thread_local! {
    /// The masked `run:` scripts of the current file parsed on this thread.
    static PARSED_RUNS: std::cell::RefCell<ParsedRuns> = std::cell::RefCell::new(ParsedRuns::default());
}

/// The parse of a step's `run:` script masked by [`wf::masked`], shared by the readers
/// of one workflow: the commands ([`run_commands`]), actions/github-env and
/// actions/secret-echo each parsed every script again. A parse is reused only for the
/// same masked text and offset map, and never while the file's time budget has run
/// out (nothing partial is kept or reused). The engine forgets them after each file
/// ([`forget_parsed_runs`]), so a thread holds the trees of one workflow at most.
pub fn parse_run(code: crate::mapped::MappedText) -> Option<std::rc::Rc<ShellScript>> {
    let fresh = !crate::budget::was_exceeded();
    if fresh {
        let known = PARSED_RUNS.with(|r| {
            r.borrow()
                .by_text
                .get(&code.text)
                .and_then(|same_text| same_text.iter().find(|s| s.code == code).cloned())
        });
        if known.is_some() {
            return known;
        }
    }
    let script = std::rc::Rc::new(ShellScript::parse(code, ShellOrigin::WorkflowRun)?);
    if fresh && !crate::budget::was_exceeded() {
        PARSED_RUNS.with(|r| {
            let mut r = r.borrow_mut();
            let len = script.code.text.len();
            if r.bytes + len > PARSED_RUN_BYTES {
                r.by_text.clear();
                r.bytes = 0;
            }
            r.bytes += len;
            r.by_text
                .entry(script.code.text.clone())
                .or_default()
                .push(script.clone());
        });
    }
    Some(script)
}

/// Drops the `run:` scripts this thread kept parsed ([`parse_run`]): called when a
/// workflow or action file is done.
pub fn forget_parsed_runs() {
    PARSED_RUNS.with(|r| {
        let mut r = r.borrow_mut();
        r.by_text.clear();
        r.bytes = 0;
    });
}

/// The commands of a step's `run:` script in the given shell.
pub fn run_commands(run: &YamlNode, kind: ShellKind) -> Vec<Command> {
    let Some(scalar) = run.as_scalar() else {
        return Vec::new();
    };
    match kind {
        ShellKind::Posix => {
            let code = wf::masked(&scalar.mapped);
            // A step's script is asked for by several readers of the same workflow
            // (the publish and token facts, two rules), each of which parsed it again:
            // the commands of the scripts parsed last on this thread are kept, keyed
            // by the whole masked text and its offset map, so an answer is only ever
            // reused for the same input. Not while the file's time budget has run
            // out, when the walk stops early: nothing partial is kept or reused.
            let fresh = !crate::budget::was_exceeded();
            if fresh {
                let known = RECENT.with(|r| {
                    r.borrow()
                        .get(&code.text)
                        .and_then(|same_text| same_text.iter().find(|(k, _)| *k == code))
                        .map(|(_, v)| v.clone())
                });
                if let Some(commands) = known {
                    return commands;
                }
            }
            let Some(script) = parse_run(code.clone()) else {
                return Vec::new();
            };
            let commands: Vec<Command> = script
                .commands()
                .iter()
                .filter(|c| !c.name.is_empty())
                .map(|c| {
                    let mut words =
                        vec![script.node_text(c.name_node.unwrap_or(c.node)).to_string()];
                    words.extend(c.args.iter().map(|a| script.word(*a).approximate()));
                    Command {
                        words,
                        span: script.host_range(&c.span()),
                    }
                })
                .collect();
            if fresh && !crate::budget::was_exceeded() {
                RECENT.with(|r| {
                    let mut r = r.borrow_mut();
                    if r.len() >= RECENT_SCRIPTS {
                        r.clear();
                    }
                    r.entry(code.text.clone())
                        .or_default()
                        .push((code, commands.clone()));
                });
            }
            commands
        }
        ShellKind::PowerShell | ShellKind::Cmd => {
            let cont = if kind == ShellKind::Cmd { '^' } else { '`' };
            let text = &scalar.mapped.text;
            let mut out = Vec::new();
            let mut words: Vec<String> = Vec::new();
            let mut start = None;
            let mut end = 0;
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                let body = line.trim_end();
                let continued = body.ends_with(cont);
                let body = body.trim_end_matches(cont);
                for stmt in body.split(';') {
                    for w in stmt.split_whitespace() {
                        if start.is_none() {
                            start = Some(offset + line.find(w).unwrap_or(0));
                        }
                        words.push(w.trim_matches(['"', '\'']).to_string());
                    }
                    end = offset + body.len();
                    if !continued && !words.is_empty() {
                        out.push(Command {
                            words: std::mem::take(&mut words),
                            span: scalar
                                .mapped
                                .range_to_host(&(start.take().unwrap_or(offset)..end)),
                        });
                    }
                }
                offset += line.len();
            }
            if !words.is_empty() {
                out.push(Command {
                    words,
                    span: scalar.mapped.range_to_host(&(start.unwrap_or(0)..end)),
                });
            }
            out
        }
        ShellKind::Other => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn cmds(src: &str, kind: ShellKind) -> Vec<Vec<String>> {
        let y = yaml::parse(src);
        let root = y.documents[0].root.clone().unwrap();
        run_commands(root.get("run").unwrap(), kind)
            .iter()
            .map(|c| c.effective().iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn posix_commands_and_launchers() {
        assert_eq!(
            cmds("run: |\n  cargo \\\n    publish \\\n    --allow-dirty\n  python3.10 -m twine upload dist/*\n", ShellKind::Posix),
            vec![
                vec!["cargo", "publish", "--allow-dirty"],
                vec!["twine", "upload", "dist/*"]
            ]
        );
        assert_eq!(
            cmds(
                "run: bundle exec gem push x.gem && pipx run twine==6.1.0 upload d",
                ShellKind::Posix
            ),
            vec![vec!["gem", "push", "x.gem"], vec!["twine", "upload", "d"]]
        );
        assert_eq!(
            cmds("run: cargo +nightly publish", ShellKind::Posix),
            vec![vec!["cargo", "publish"]]
        );
    }

    #[test]
    fn powershell_continuations() {
        assert_eq!(
            cmds(
                "run: |\n  cargo `\n    publish `\n    --allow-dirty\n  Write-Host done\n",
                ShellKind::PowerShell
            ),
            vec![
                vec!["cargo", "publish", "--allow-dirty"],
                vec!["Write-Host", "done"]
            ]
        );
    }
}
