//! `actions/missing-permissions`: a workflow whose jobs run with the repository's
//! default `GITHUB_TOKEN` permissions because no `permissions:` block applies.

use crate::finding::{Fix, Severity};
use crate::parse::yaml::YamlFile;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct MissingPermissions;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/missing-permissions",
    summary: "Workflow without a `permissions:` block: jobs get the default token permissions",
    severity: Severity::Medium,
    docs: r#"
## Why
Without a `permissions:` block, the `GITHUB_TOKEN` of every job gets the
repository's default permissions. On repositories and organisations created
before February 2023 that default is read/write on almost every scope
(contents, packages, pull requests, issues, actions…). Any step that is
compromised — a hijacked action, an injected command, a malicious dependency
running in `npm install` — can then push to branches, publish packages or
approve pull requests with that token. Declaring permissions is the least
privilege control that GitHub, OpenSSF Scorecard (Token-Permissions) and
every hardening guide ask for.

The rule reports a workflow that has no top-level `permissions:` and at least
one job without its own. Reusable workflows that only run on `workflow_call`
are skipped (the caller's permissions cap them).

## Example
```yaml
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
      - run: make test
```

## Fix
Add a read-only default at the top and grant writes per job:
```yaml
permissions:
  contents: read
jobs:
  release:
    permissions:
      contents: write   # creates the GitHub release
```
`harden fix --unsafe` inserts `permissions: contents: read` before `jobs:`
(unsafe: a job that pushes, comments or publishes then needs its own grant).
zizmor reports the same as `excessive-permissions` ("default permissions used"),
one finding per job where harden reports the workflow once with each job as a
related location. A workflow that only runs as a reusable workflow
(`on: workflow_call`) is not reported, including its jobs that call another
reusable workflow: its token has what the caller grants, and the caller is where
`permissions:` belongs (zizmor reports such nested calls). A caller's job that only
calls a local reusable workflow whose every job sets its own `permissions:` is not
counted: the called jobs run with what they declare.
"#,
};

/// The jobs of `file` that only call a local reusable workflow whose every job sets its
/// own `permissions:`: the called jobs run with what they declare (a caller's default
/// cannot widen it), so the caller's missing block reaches nothing there.
fn calls_into_declared(model: &crate::workflows::model::WorkflowModel, file: &str) -> Vec<String> {
    let Some(facts) = model.files().find(|f| f.path == file) else {
        return Vec::new();
    };
    facts
        .jobs
        .iter()
        .filter(|j| {
            j.calls.as_deref().is_some_and(|target| {
                model.resolve(target).is_some_and(|callee| {
                    !callee.jobs.is_empty() && callee.jobs.iter().all(|cj| cj.declares_permissions)
                })
            })
        })
        .map(|j| j.id.clone())
        .collect()
}

/// The job id a related location names (`job `x` runs with the default token`).
fn related_job(message: &str) -> Option<&str> {
    message.strip_prefix("job `")?.split('`').next()
}

/// The message for a workflow whose jobs `bare` run with the default token.
fn message_for(bare: &[&str]) -> String {
    let shown = if bare.len() > 4 {
        format!("{} and {} more", bare[..4].join(", "), bare.len() - 4)
    } else {
        bare.join(", ")
    };
    format!(
        "no `permissions:` at the top or in job(s) {shown}: the GITHUB_TOKEN gets the repository default, often read/write on everything"
    )
}

impl Rule for MissingPermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn settles(&self) -> bool {
        true
    }

    /// Drops the jobs that only call reusable workflows whose jobs declare their own
    /// permissions; a finding left with no job is dropped.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<crate::finding::Finding>) {
        own.retain_mut(|f| {
            let covered = calls_into_declared(repo.workflows, &f.path);
            if covered.is_empty() {
                return true;
            }
            f.related.retain(|r| {
                related_job(&r.message).is_none_or(|j| !covered.iter().any(|c| c == j))
            });
            let bare: Vec<&str> = f
                .related
                .iter()
                .filter_map(|r| related_job(&r.message))
                .collect();
            if bare.is_empty() {
                return false;
            }
            f.message = message_for(&bare).into();
            true
        });
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = &cx.file.text;
        for root in wf::roots(yaml) {
            if root.get("permissions").is_some() {
                continue;
            }
            let triggers = wf::triggers(root);
            if !triggers.is_empty() && triggers.iter().all(|t| t == "workflow_call") {
                continue;
            }
            let bare_jobs: Vec<&crate::parse::yaml::YamlPair> = wf::jobs(root)
                .iter()
                .filter(|j| j.value.get("permissions").is_none())
                .collect();
            let bare: Vec<&str> = bare_jobs.iter().map(|j| j.key.as_str()).collect();
            if bare.is_empty() {
                continue;
            }
            let Some(jobs) = root.pair("jobs") else {
                continue;
            };
            let span = root
                .pair("on")
                .or_else(|| root.pair("true"))
                .map_or(jobs.key_span.clone(), |p| p.key_span.clone());
            let message = message_for(&bare);
            // Insert a read-only default before `jobs:` when it starts a line.
            let line_start = text[..jobs.key_span.start].rfind('\n').map_or(0, |i| i + 1);
            let edit = if line_start == jobs.key_span.start {
                {
                    let nl = wf::eol(text);
                    out.edit(
                        line_start..line_start,
                        format!("permissions:{nl}  contents: read{nl}{nl}"),
                    )
                }
            } else {
                None
            };
            let f = out.report(span, message);
            // Each job that runs with the default token is a place of the same problem.
            f.related = bare_jobs
                .iter()
                .map(|j| {
                    cx.locate(
                        j.key_span.clone(),
                        format!("job `{}` runs with the default token", j.key),
                    )
                })
                .collect();
            if let Some(e) = edit {
                f.fix = Some(Fix::unsafe_because(
                    "Add `permissions: contents: read` at the top",
                    "jobs that push, comment, publish or upload SARIF then need their own write grant",
                    vec![e],
                ));
            }
        }
    }
}
