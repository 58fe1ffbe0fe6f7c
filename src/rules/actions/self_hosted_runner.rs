//! `actions/self-hosted-runner`: a self-hosted runner in a workflow that outsiders can start.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, Triggers};

/// See [`META`].
pub struct SelfHostedRunner;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/self-hosted-runner",
    summary: "Job on a self-hosted runner in a workflow that pull requests, comments or other outsiders' events start",
    severity: Severity::Medium,
    docs: r#"
## Why
A self-hosted runner is your machine: it keeps state between jobs (unless it
is ephemeral), sits on your network and often holds cloud credentials. In a
public repository, a workflow that runs on `pull_request` executes a fork's
code there — any stranger's pull request gets a shell on the runner, can
persist a backdoor for the next job (which may be a release) and reach
whatever the machine can reach. GitHub's own guidance is to use self-hosted
runners only with private repositories, or with ephemeral, isolated runners.

The rule reports jobs whose `runs-on` has the `self-hosted` label (directly,
under `labels:`, or through a `matrix` value) in workflows started by events
outsiders can cause (`pull_request`, `pull_request_target`, `issue_comment`,
`issues`, `discussion`, `workflow_run`…). Medium, because the file cannot tell
whether the repository is public or the runner ephemeral. Runner groups and
custom labels without `self-hosted` are not reported (GitHub's larger hosted
runners use them too). zizmor's `self-hosted-runner` reports every
self-hosted runner, whatever the trigger, and only in its "auditor" persona.

## Example
```yaml
on: pull_request
jobs:
  test:
    runs-on: [self-hosted, linux, gpu]
```

## Fix
Run untrusted events on GitHub-hosted runners; keep self-hosted runners for
`push`/`release` workflows of a private repository, or make them ephemeral
(`--ephemeral`, one job per fresh VM) and isolated from internal networks.
"#,
};

const PUBLIC_EVENTS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
    "workflow_run",
    "fork",
    "watch",
];

/// Nodes (labels) that make a job self-hosted, following `${{ matrix.x }}`.
fn self_hosted_labels<'a>(job: &'a YamlNode) -> Vec<&'a YamlNode> {
    let Some(runs_on) = job.get("runs-on") else {
        return Vec::new();
    };
    let mut labels: Vec<&YamlNode> = Vec::new();
    let mut push = |n: &'a YamlNode| match n.as_seq() {
        Some(items) => labels.extend(items.iter()),
        None => labels.push(n),
    };
    match runs_on.get("labels") {
        Some(l) => push(l),
        None => push(runs_on),
    }
    let mut out = Vec::new();
    for l in labels {
        let Some(s) = l.as_str() else { continue };
        if s.trim().eq_ignore_ascii_case("self-hosted") {
            out.push(l);
            continue;
        }
        let Some(key) = s
            .trim()
            .strip_prefix("${{")
            .and_then(|r| r.strip_suffix("}}"))
            .map(str::trim)
            .and_then(|r| r.strip_prefix("matrix."))
        else {
            continue;
        };
        let Some(matrix) = job.at(&["strategy", "matrix"]) else {
            continue;
        };
        for p in matrix.as_map().unwrap_or(&[]) {
            let values: Vec<&YamlNode> = if p.key.eq_ignore_ascii_case(key) {
                p.value
                    .as_seq()
                    .map(|s| s.iter().collect())
                    .unwrap_or_else(|| vec![&p.value])
            } else if p.key == "include" {
                p.value
                    .as_seq()
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|row| row.as_map())
                    .flat_map(|m| m.iter().filter(|c| c.key.eq_ignore_ascii_case(key)))
                    .map(|c| &c.value)
                    .collect()
            } else {
                Vec::new()
            };
            for v in values {
                let hosted = v
                    .strings()
                    .iter()
                    .any(|s| s.trim().eq_ignore_ascii_case("self-hosted"))
                    || v.as_seq().is_some_and(|items| {
                        items.iter().any(|i| {
                            i.as_str()
                                .is_some_and(|s| s.eq_ignore_ascii_case("self-hosted"))
                        })
                    });
                if hosted {
                    out.push(v);
                }
            }
        }
    }
    out
}

impl Rule for SelfHostedRunner {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            let triggers = Triggers::of(root);
            let Some(event) = triggers
                .events
                .iter()
                .find(|t| PUBLIC_EVENTS.contains(&t.as_str()))
            else {
                continue;
            };
            for job in wf::jobs(root) {
                if let Some(label) = self_hosted_labels(&job.value).first() {
                    out.report(
                        label.span.clone(),
                        format!("job `{}` runs on a self-hosted runner and the workflow runs on `{event}`: in a public repository an outsider's pull request or comment runs code on your machine; use a GitHub-hosted or an ephemeral, isolated runner", job.key),
                    );
                }
            }
        }
    }
}
