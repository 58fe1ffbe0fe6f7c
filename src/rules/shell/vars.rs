//! What a script tells us about its variables: which are assigned non-empty
//! values, which are loop variables, which are guarded by `-n`/`-z`/`:?` tests.
//! Shared by the shell rules that must know whether an expansion can be empty.

use std::collections::{HashMap, HashSet};

use crate::parse::shell::{ShellScript, WordPart};

/// Variables that the environment always sets to a non-empty value.
const ALWAYS_SET: &[&str] = &[
    "HOME",
    "PWD",
    "OLDPWD",
    "USER",
    "SHELL",
    "PATH",
    "HOSTNAME",
    "UID",
    "EUID",
    "PPID",
    "BASH_SOURCE",
    "RANDOM",
    "LINENO",
    "SECONDS",
    "GITHUB_WORKSPACE",
    "RUNNER_TEMP",
    "RUNNER_TOOL_CACHE",
    "GITHUB_ENV",
    "GITHUB_OUTPUT",
    "GITHUB_PATH",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "GITHUB_REF",
    "CI_PROJECT_DIR",
];

/// Facts about variables in one script.
#[derive(Debug, Default)]
pub struct VarFacts {
    /// For each assigned variable: true while every assignment seen is provably non-empty.
    assigned_nonempty: HashMap<String, bool>,
    /// The literal text every assignment of the variable starts with (`src/app/` for
    /// `DIR="src/app/${V}/gen"`), `None` once one assignment starts with an expansion.
    leading_literal: HashMap<String, Option<String>>,
    /// Loop variables and `read` targets in `while read` loops (non-empty per iteration).
    loop_vars: HashSet<String>,
    /// (variable, offset) of a guard: `${V:?}`, `[ -n "$V" ]`, `[ -z "$V" ] && exit`, `[ -d "$V" ]`…
    guards: Vec<(String, usize)>,
}

/// A variable assigned a function's positional parameter (`local DIR=$4` inside
/// `backup() { … }`): its value is whatever the callers pass.
struct ParamAssignment {
    variable: String,
    function: String,
    position: usize,
}

impl VarFacts {
    /// Collects facts from the whole script.
    pub fn of(script: &ShellScript) -> VarFacts {
        let mut facts = VarFacts::default();
        let mut params: Vec<ParamAssignment> = Vec::new();
        crate::parse::shell::preorder_with_ancestors(script.root(), |n, ancestors| {
            match n.kind() {
                "variable_assignment" => {
                    if let Some(name) = n.child_by_field_name("name") {
                        let name = script.node_text(name).to_string();
                        let value = n.child_by_field_name("value");
                        let nonempty = value.map(|v| word_nonempty(script, v)).unwrap_or(false);
                        let lead = value.and_then(|v| match script.word(v).parts.first() {
                            Some(WordPart::Literal(l)) => Some(l.clone()),
                            _ => None,
                        });
                        let known = facts
                            .leading_literal
                            .entry(name.clone())
                            .or_insert(lead.clone());
                        if known.as_deref() != lead.as_deref() {
                            // Keep what all assignments share.
                            *known = match (known.take(), lead) {
                                (Some(a), Some(b)) => {
                                    let n = a
                                        .char_indices()
                                        .zip(b.chars())
                                        .take_while(|((_, x), y)| x == y)
                                        .last()
                                        .map_or(0, |((i, c), _)| i + c.len_utf8());
                                    Some(a[..n].to_string())
                                }
                                _ => None,
                            };
                        }
                        if let (false, Some(position), Some(function)) = (
                            nonempty,
                            value.and_then(|v| positional(script, v)),
                            enclosing_function(script, ancestors),
                        ) {
                            // Decided below, from the calls of the function.
                            params.push(ParamAssignment {
                                variable: name.clone(),
                                function,
                                position,
                            });
                            facts.assigned_nonempty.entry(name).or_insert(true);
                            return true;
                        }
                        let e = facts.assigned_nonempty.entry(name).or_insert(true);
                        *e = *e && nonempty;
                    }
                }
                "for_statement" => {
                    if let Some(v) = n.child_by_field_name("variable") {
                        facts.loop_vars.insert(script.node_text(v).to_string());
                    }
                }
                "expansion" => {
                    let w = script.word(n);
                    for p in w.parts {
                        if let WordPart::Var(e) = p {
                            if e.errors_when_unset() {
                                facts.guards.push((e.name.clone(), n.start_byte()));
                            }
                        }
                    }
                }
                "test_command" => {
                    let text = script.node_text(n);
                    let flags = ["-n", "-z", "-d", "-e", "-f", "-s"];
                    if flags
                        .iter()
                        .any(|f| text.split_whitespace().any(|w| w == *f))
                    {
                        for var in crate::parse::shell::referenced_vars(text) {
                            facts.guards.push((var, n.start_byte()));
                        }
                    }
                    if text.contains("$#") {
                        for i in 0..10 {
                            facts.guards.push((i.to_string(), n.start_byte()));
                        }
                    }
                }
                "command" => {
                    // `test -n "$V"`, `read -r V` inside `while` loops.
                    let cmd_name = n
                        .child_by_field_name("name")
                        .map(|c| script.node_text(c))
                        .unwrap_or("");
                    if cmd_name == "test" {
                        let text = script.node_text(n);
                        for var in crate::parse::shell::referenced_vars(text) {
                            facts.guards.push((var, n.start_byte()));
                        }
                    }
                    if cmd_name == "read" && ancestors.last().is_some_and(|p| p.kind() != "program")
                    {
                        let text = script.node_text(n);
                        for w in text
                            .split_whitespace()
                            .skip(1)
                            .filter(|w| !w.starts_with('-'))
                        {
                            facts.loop_vars.insert(w.to_string());
                        }
                    }
                }
                _ => {}
            }
            true
        });
        // `local DIR=$4` is as non-empty as what every call of the function passes there.
        for p in params {
            let calls: Vec<_> = script
                .commands()
                .iter()
                .filter(|c| c.name == p.function)
                .collect();
            let all_nonempty = !calls.is_empty()
                && calls.iter().all(|c| {
                    c.args
                        .get(p.position - 1)
                        .is_some_and(|a| word_nonempty(script, *a))
                });
            if !all_nonempty {
                facts.assigned_nonempty.insert(p.variable, false);
            }
        }
        facts
    }

    /// Whether `$name` at `offset` cannot expand to an empty string.
    pub fn provably_nonempty(&self, name: &str, offset: usize) -> bool {
        ALWAYS_SET.contains(&name)
            || self.loop_vars.contains(name)
            || self.assigned_nonempty.get(name).copied().unwrap_or(false)
            || self.guards.iter().any(|(v, at)| v == name && *at < offset)
    }

    /// The literal text every assignment of `name` starts with, if the script assigns it
    /// and each assignment starts with literal text.
    pub fn leading_literal(&self, name: &str) -> Option<&str> {
        self.leading_literal.get(name)?.as_deref()
    }

    /// Whether the script assigns `name` at all (otherwise it comes from the environment or arguments).
    pub fn is_assigned(&self, name: &str) -> bool {
        self.assigned_nonempty.contains_key(name)
    }
}

/// The position of a value that is exactly one positional parameter (`$4`, `"$4"`,
/// `${4}`).
fn positional(script: &ShellScript, value: tree_sitter::Node<'_>) -> Option<usize> {
    let w = script.word(value);
    let [WordPart::Var(e)] = w.parts.as_slice() else {
        return None;
    };
    if e.operator.is_some() {
        return None;
    }
    e.name.parse::<usize>().ok().filter(|n| (1..=9).contains(n))
}

/// The name of the innermost function definition among `ancestors`.
fn enclosing_function(script: &ShellScript, ancestors: &[tree_sitter::Node<'_>]) -> Option<String> {
    ancestors
        .iter()
        .rev()
        .find(|a| a.kind() == "function_definition")
        .and_then(|f| f.child_by_field_name("name"))
        .map(|n| script.node_text(n).to_string())
}

/// Whether an assigned value is non-empty by construction (has a non-empty literal part,
/// a non-empty default, or `mktemp`).
fn word_nonempty(script: &ShellScript, value: tree_sitter::Node<'_>) -> bool {
    let w = script.word(value);
    w.parts.iter().any(|p| match p {
        WordPart::Literal(l) => !l.is_empty(),
        WordPart::Var(e) => e.has_nonempty_default() || e.errors_when_unset(),
        WordPart::Substitution(s) => {
            let s = s
                .trim_start_matches("$(")
                .trim_start_matches('`')
                .trim_start();
            // `$(cd "$(dirname "$0")" && pwd)`: the last command is `pwd`, which always
            // prints a directory (a failed `cd` stops a `set -e` script first).
            let last = s
                .trim_end_matches([')', '`'])
                .rsplit(['&', ';', '|'])
                .next()
                .unwrap_or("")
                .trim();
            s.starts_with("mktemp")
                || s.starts_with("dirname")
                || s.starts_with("pwd")
                || s.starts_with("date")
                || last == "pwd"
                || last == "pwd -P"
        }
        WordPart::Other(o) => !o.is_empty(),
    })
}
