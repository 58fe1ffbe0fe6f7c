//! `actions/github-env`: untrusted or unknown text written to `$GITHUB_ENV` /
//! `$GITHUB_PATH`, which set the environment of every later step.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::finding::Severity;
use crate::parse::shell::WordPart;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::taint::{Scope, Taint};
use crate::workflows::wf::{self, ShellKind, StepRef, Triggers};

/// See [`META`].
pub struct GithubEnv;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/github-env",
    summary: "Untrusted or computed text written to `$GITHUB_ENV` / `$GITHUB_PATH` in a privileged workflow",
    severity: Severity::High,
    docs: r#"
## Why
Every line written to `$GITHUB_ENV` becomes an environment variable of all
later steps, and every line written to `$GITHUB_PATH` a directory searched
first for programs. Whoever controls the written text can therefore set
`LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV` or `PYTHONPATH` — or, with a newline
in the value, any variable at all — and run code in the steps that follow,
with their token and secrets. In `pull_request_target` and `workflow_run`
workflows this is a known way from a fork's pull request (its title, a branch
name, a file in a downloaded artifact) to the base repository's secrets.

Severity:
- critical when the written text carries outsider-controlled data (an `env:`
  variable set from `github.event.*`, copied through shell variables, or a
  `${{ }}` of it) in a workflow outsiders can start with privileges
  (`pull_request_target`, `workflow_run`, `issue_comment`…); high behind a
  label gate or on `push`; medium when only `pull_request` runs it;
- medium when the text is computed (a command's output, a variable of
  unknown origin) in such a privileged workflow: nothing shows it is safe;
- low for a composite action's writes of its inputs (its callers decide); a
  command's output there, in a step that reads no input (`aws codeartifact
  get-authorization-token`), is no caller's choice and is not reported;
- a constant (`echo "CI=true" >> "$GITHUB_ENV"`) is never reported.

zizmor's `github-env` reports any non-constant write in `pull_request_target`
and `workflow_run` workflows and in composite actions (high, low confidence);
harden follows the data to grade them, and also catches outsider data
written on other triggers.

## Example
```yaml
on: pull_request_target
jobs:
  label:
    steps:
      - env:
          TITLE: ${{ github.event.pull_request.title }}
        run: echo "PR_TITLE=$TITLE" >> "$GITHUB_ENV"    # critical
```

## Fix
Do not route untrusted text through the environment files. Pass it to the
step that needs it with `env:` (the value is then data, never a variable
definition); if it must cross steps, use a step output and validate it (for
example against `^[A-Za-z0-9._-]+$`) before use.
"#,
};

fn targets_env_file(text: &str) -> Option<&'static str> {
    let t = text.replace([' ', '"', '\'', '{', '}'], "");
    if t.contains("$GITHUB_ENV") && !t.contains("$GITHUB_ENV_") {
        Some("GITHUB_ENV")
    } else if t.contains("$GITHUB_PATH") && !t.contains("$GITHUB_PATH_") {
        Some("GITHUB_PATH")
    } else {
        None
    }
}

/// What a write puts into the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Content {
    /// Computed: a command's output or a variable of unknown origin.
    Computed,
    /// Chosen by a writer or a caller (an input).
    Writer,
    /// Chosen by an outsider.
    Outsider,
}

struct Write {
    file: &'static str,
    span: Range<usize>,
    content: Content,
}

/// Env variable names that hold data of the given origin in this step's scope.
fn env_taints(scope: &Scope<'_>, s: StepRef<'_>, root: &YamlNode) -> Vec<(String, Taint)> {
    let mut out = Vec::new();
    for node in [Some(root), s.job, Some(s.step)].into_iter().flatten() {
        for p in node.get("env").and_then(|e| e.as_map()).unwrap_or(&[]) {
            let Some(v) = p.value.as_str() else { continue };
            if let Some(t) = scope.origins_in_text(v).iter().map(|o| o.taint).max() {
                out.push((p.key.clone(), t));
            }
        }
    }
    out
}

/// Variables the runner sets to paths and ids of its own (`$HOME/.local/bin`):
/// text built from these and literals is not chosen by whoever starts the run.
const RUNNER_SET: &[&str] = &[
    "HOME",
    "PWD",
    "RUNNER_TEMP",
    "RUNNER_TOOL_CACHE",
    "RUNNER_OS",
    "RUNNER_ARCH",
    "GITHUB_WORKSPACE",
    "GITHUB_ACTION_PATH",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_NUMBER",
    "GITHUB_SHA",
    "GITHUB_SERVER_URL",
    "GITHUB_API_URL",
    "GITHUB_REPOSITORY",
];

/// A word made only of literals and variables the runner sets (or that the script
/// built from those), at most with a literal prefix or suffix removed
/// (`${GITHUB_SERVER_URL#https://}`).
fn runner_set_only(w: &crate::parse::shell::Word, derived: &BTreeSet<String>) -> bool {
    w.parts.iter().all(|p| match p {
        WordPart::Literal(_) => true,
        WordPart::Var(e) => {
            let trims = match e.operator.as_deref() {
                None => true,
                Some("#" | "##" | "%" | "%%") => !e.operand.contains(['$', '`']),
                Some(_) => false,
            };
            trims && (RUNNER_SET.contains(&e.name.as_str()) || derived.contains(&e.name))
        }
        _ => false,
    })
}

/// The variables an assignment's value expands, or None when it runs a command.
fn assigned_from(value: &str) -> Option<Vec<String>> {
    if value.contains("$(") || value.contains('`') {
        return None;
    }
    let mut names = Vec::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let body = rest.strip_prefix('{').unwrap_or(rest);
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            return None;
        }
        names.push(name);
    }
    Some(names)
}

fn posix_writes(run: &YamlNode, scope: &Scope<'_>, env: &[(String, Taint)]) -> Vec<Write> {
    let Some(scalar) = run.as_scalar() else {
        return Vec::new();
    };
    let Some(script) = crate::workflows::commands::parse_run(wf::masked(&scalar.mapped)) else {
        return Vec::new();
    };
    let original = &scalar.mapped.text;
    let mut outsider: BTreeSet<String> = env
        .iter()
        .filter(|(_, t)| *t == Taint::Outsider)
        .map(|(k, _)| k.clone())
        .collect();
    let mut writer: BTreeSet<String> = env
        .iter()
        .filter(|(_, t)| *t == Taint::Writer)
        .map(|(k, _)| k.clone())
        .collect();
    // Shell variables built only from runner-set values, in script order.
    let mut derived: BTreeSet<String> = BTreeSet::new();
    // Shell variables assigned from tainted ones inherit their taint, in script order.
    for a in crate::parse::shell::descendants_of_kind(script.root(), "variable_assignment") {
        let text = script.node_text(a);
        let Some((name, value)) = text.split_once('=') else {
            continue;
        };
        let refs = |set: &BTreeSet<String>| {
            set.iter()
                .any(|v| value.contains(&format!("${v}")) || value.contains(&format!("${{{v}")))
        };
        if refs(&outsider) {
            outsider.insert(name.trim().to_string());
        } else if refs(&writer) {
            writer.insert(name.trim().to_string());
        }
        let from_runner = assigned_from(value).is_some_and(|names| {
            names
                .iter()
                .all(|n| RUNNER_SET.contains(&n.as_str()) || derived.contains(n))
        });
        if from_runner {
            derived.insert(name.trim().to_string());
        } else {
            derived.remove(name.trim());
        }
    }
    let expr_taint = |r: Range<usize>| -> Option<Content> {
        let piece = original.get(r)?;
        let t = scope.origins_in_text(piece).iter().map(|o| o.taint).max()?;
        Some(match t {
            Taint::Outsider => Content::Outsider,
            Taint::Writer => Content::Writer,
            // Not produced by this rule's (default) scope.
            Taint::Triage | Taint::Untraced => return None,
        })
    };
    let mut out = Vec::new();
    for cmd in script.commands() {
        let file = cmd
            .redirects
            .iter()
            .filter(|r| {
                script.node_text(**r).trim_start().starts_with('>')
                    || script.node_text(**r).contains(">>")
            })
            .find_map(|r| targets_env_file(script.node_text(*r)))
            .or_else(|| {
                (cmd.name == "tee")
                    .then(|| {
                        cmd.args
                            .iter()
                            .find_map(|a| targets_env_file(script.node_text(*a)))
                    })
                    .flatten()
            });
        let Some(file) = file else { continue };
        // The text written: echo/printf arguments; for `tee`, the pipeline before it.
        let (words, region): (Vec<_>, Range<usize>) = if cmd.name == "tee" {
            let mut n = cmd.node;
            while let Some(p) = n.parent() {
                if p.kind() == "pipeline" {
                    n = p;
                    break;
                }
                n = p;
            }
            (Vec::new(), n.start_byte()..cmd.node.start_byte())
        } else {
            (
                cmd.args.iter().map(|a| script.word(*a)).collect(),
                cmd.span(),
            )
        };
        let heredoc = cmd
            .redirects
            .iter()
            .find(|r| script.node_text(**r).starts_with("<<"))
            .map(|r| script.node_text(*r).to_string());
        let constant = matches!(cmd.name.as_str(), "echo" | "printf")
            && heredoc.is_none()
            && words.iter().all(|w| runner_set_only(w, &derived));
        let heredoc_constant = cmd.name == "cat"
            && heredoc.as_ref().is_some_and(|h| {
                !h.contains('$')
                    || h.starts_with("<<'")
                    || h.starts_with("<<\"")
                    || h.starts_with("<<-'")
            });
        if constant || heredoc_constant {
            continue;
        }
        let region_text = script.code.text.get(region.clone()).unwrap_or("");
        let mentions = |set: &BTreeSet<String>| {
            set.iter().filter(|v| !only_sanitized(region_text, v)).any(|v| {
                region_text.contains(&format!("${v}")) || region_text.contains(&format!("${{{v}"))
            }) || words.iter().flat_map(|w| &w.parts).any(|p| {
                matches!(p, WordPart::Var(e) if set.contains(&e.name) && !only_sanitized(region_text, &e.name))
            })
        };
        let content = if mentions(&outsider) {
            Content::Outsider
        } else if let Some(c) = expr_taint(region.clone()) {
            c
        } else if mentions(&writer) {
            Content::Writer
        } else {
            Content::Computed
        };
        out.push(Write {
            file,
            span: script.host_range(&cmd.span()),
            content,
        });
    }
    out
}

/// Whether every use of `$name` in `text` is a bash pattern substitution that deletes
/// everything outside a class of letters, digits, `.`, `_` and `-`
/// (`${MSG//[!0-9]/}`, `${REF//[^a-zA-Z0-9._-]/}`): no newline, `=` or quote survives,
/// so the value cannot add a line or another variable to the file.
fn only_sanitized(text: &str, name: &str) -> bool {
    let plain = format!("${name}");
    let braced = format!("${{{name}");
    let mut uses = 0;
    for (at, _) in text.match_indices('$') {
        let rest = &text[at..];
        let after_plain = rest.strip_prefix(plain.as_str());
        let is_plain_use = after_plain
            .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'));
        if is_plain_use {
            return false;
        }
        let Some(r) = rest.strip_prefix(braced.as_str()) else {
            continue;
        };
        if r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        uses += 1;
        let Some(class) = r
            .strip_prefix("//[!")
            .or_else(|| r.strip_prefix("//[^"))
            .and_then(|c| c.split_once("]/}"))
            .map(|(c, _)| c)
        else {
            return false;
        };
        if class.is_empty()
            || !class
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return false;
        }
    }
    uses > 0
}

/// PowerShell and cmd: a line that redirects or pipes into the environment file.
fn line_writes(run: &YamlNode, kind: ShellKind) -> Vec<Write> {
    let Some(scalar) = run.as_scalar() else {
        return Vec::new();
    };
    let text = &scalar.mapped.text;
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lower = line.to_ascii_lowercase();
        let (file, dynamic) = match kind {
            ShellKind::PowerShell => {
                let file = if lower.contains("$env:github_env") {
                    Some("GITHUB_ENV")
                } else if lower.contains("$env:github_path") {
                    Some("GITHUB_PATH")
                } else {
                    None
                };
                let writes = lower.contains('>')
                    || ["out-file", "add-content", "set-content", "tee-object"]
                        .iter()
                        .any(|c| lower.contains(c));
                let vars = lower.matches('$').count() > 1 || lower.contains("$(");
                (file.filter(|_| writes), vars)
            }
            ShellKind::Cmd => {
                let file = if lower.contains("%github_env%") {
                    Some("GITHUB_ENV")
                } else if lower.contains("%github_path%") {
                    Some("GITHUB_PATH")
                } else {
                    None
                };
                (
                    file.filter(|_| lower.contains('>')),
                    lower.matches('%').count() > 2,
                )
            }
            _ => (None, false),
        };
        if let (Some(file), true) = (file, dynamic) {
            let start = offset + (line.len() - line.trim_start().len());
            let end = offset + line.trim_end().len();
            out.push(Write {
                file,
                span: scalar.mapped.range_to_host(&(start..end)),
                content: Content::Computed,
            });
        }
        offset += line.len();
    }
    out
}

/// Whether a step's script or `env:` expands an `inputs.*` expression.
fn reads_inputs(step: &YamlNode) -> bool {
    let run = step.get("run").and_then(|r| r.as_str()).unwrap_or("");
    let env = step
        .get("env")
        .and_then(|e| e.as_map())
        .unwrap_or(&[])
        .iter()
        .filter_map(|p| p.value.as_str());
    std::iter::once(run)
        .chain(env)
        .any(|t| t.contains("inputs."))
}

fn check(root: &YamlNode, scope: &Scope<'_>, composite: bool, out: &mut Sink<'_>) {
    let triggers = Triggers::of(root);
    let external = triggers.external();
    for s in wf::all_steps(root) {
        let Some(run) = s.step.get("run") else {
            continue;
        };
        let step_scope = match s.job {
            Some(j) => scope.job(j).step(s.step),
            None => scope.step(s.step),
        };
        let kind = wf::run_shell(root, s);
        let writes = match kind {
            ShellKind::Posix => {
                let env = env_taints(&step_scope, s, root);
                posix_writes(run, &step_scope, &env)
            }
            ShellKind::PowerShell | ShellKind::Cmd => line_writes(run, kind),
            ShellKind::Other => Vec::new(),
        };
        let gated = wf::label_gated(&[s.job, Some(s.step)]);
        for w in writes {
            let (severity, why) = match (w.content, external, composite) {
                // A command's output in an action (a token a cloud CLI returns), in a
                // step that reads no input: no caller chooses it, whatever the
                // caller's trigger. (An input copied through shell variables first is
                // still computed text here, so a step that reads inputs stays.)
                (Content::Computed, _, true) if !reads_inputs(s.step) => continue,
                (_, _, true) => (
                    Severity::Low,
                    "text a caller passes; a caller on `pull_request_target` or `workflow_run` would let a fork choose it".to_string(),
                ),
                (Content::Outsider, Some(t), _) => (
                    if gated { Severity::High } else { Severity::Critical },
                    format!("text an outsider chooses, on `{t}`"),
                ),
                (Content::Computed | Content::Writer, Some(t), _) => (
                    Severity::Medium,
                    format!("computed text nothing shows is safe, on `{t}`"),
                ),
                (Content::Outsider, None, _) if triggers.only_unprivileged() => (
                    Severity::Medium,
                    "the pull request author's text".to_string(),
                ),
                (Content::Outsider, None, _) => (
                    Severity::High,
                    "text an outsider chooses (a pull request, commit or branch)".to_string(),
                ),
                _ => continue,
            };
            let f = out.report(
                w.span,
                format!("writes {why} to `${}`: it sets variables (`LD_PRELOAD`, `BASH_ENV`, `NODE_OPTIONS`…) or the `PATH` of every later step; pass data through `env:` or a validated step output instead", w.file),
            );
            f.severity = severity;
        }
    }
}

impl Rule for GithubEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check(root, &Scope::workflow(root), false, out);
        }
    }

    fn check_action(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check(root, &Scope::action(root), true, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitising_substitutions() {
        assert!(only_sanitized(r#"echo "V=pr-${MSG//[!0-9]/}""#, "MSG"));
        assert!(only_sanitized("echo T=${REF//[^a-zA-Z0-9._-]/}", "REF"));
        assert!(!only_sanitized("echo V=${MSG//[!0-9]/} $MSG", "MSG"));
        assert!(!only_sanitized("echo V=${MSG}", "MSG"));
        assert!(!only_sanitized("echo V=${MSG//[!0-9=]/}", "MSG"));
        assert!(!only_sanitized("echo V=${MSG//a/b}", "MSG"));
    }
}
