//! `actions/dangerous-trigger`: `pull_request_target` / `workflow_run` workflows
//! that check out the untrusted head of a pull request and run it.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct DangerousTrigger;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/dangerous-trigger",
    summary: "`pull_request_target`/`workflow_run` workflow checks out and runs the untrusted pull request head",
    severity: Severity::Critical,
    docs: r#"
## Why
`pull_request_target` and `workflow_run` run in the context of the base
repository: with its secrets and a token that can write, even for a pull
request from a fork. Checking out the pull request's head
(`ref: ${{ github.event.pull_request.head.sha }}`, `github.head_ref`,
`github.event.workflow_run.head_sha`, `refs/pull/N/merge`) and then running
anything from it — `npm install` (install scripts), `make`, a test suite, a
local action — gives a stranger code execution with those secrets ("pwn
request"). This is how several large projects had their release tokens stolen.

Severity: critical when a later step runs code (`run:` or an action other than
artifact upload); high when the job only checks the head out, or when the job
or step runs only after a maintainer applies a label (`github.event.label.name`,
`contains(github.event.pull_request.labels.*.name, …)`): a person reviews the
pull request first, though it can still change between the label and the run.

## Example
```yaml
on: pull_request_target
jobs:
  test:
    steps:
      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm test          # runs the fork's code with secrets
```

## Fix
Run untrusted code under `pull_request` (no secrets, read-only token). If a
privileged follow-up is needed (commenting, labelling), split it: a
`pull_request` workflow builds and uploads an artifact, a `workflow_run`
workflow consumes it as data without executing it. Never combine
`pull_request_target` with a checkout of the head.

zizmor's `dangerous-triggers` reports every use of these triggers; harden
reports the combination that is exploitable and leaves plain uses (labelers,
greeting bots that never check out the head) alone: they are not a weakness by
themselves, and the other `actions/*` rules (template injection, GITHUB_ENV
writes, cache poisoning, bot conditions) grade their findings by these
triggers. The same checkout under `issue_comment` and other privileged events
is `actions/unsafe-checkout`.
"#,
};

/// A step that executes code from the workspace.
pub fn runs_code(step: &YamlNode) -> bool {
    if step.get("run").is_some() {
        return true;
    }
    match step.get("uses").and_then(|u| u.as_str()) {
        Some(u) => {
            let name = wf::action_name(u);
            !matches!(
                name.as_str(),
                "actions/upload-artifact" | "actions/checkout" | "actions/cache"
            )
        }
        None => false,
    }
}

impl Rule for DangerousTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = &cx.file.text;
        for root in wf::roots(yaml) {
            let triggers = wf::triggers(root);
            let Some(trigger) = triggers
                .iter()
                .find(|t| matches!(t.as_str(), "pull_request_target" | "workflow_run"))
            else {
                continue;
            };
            for job in wf::jobs(root) {
                let steps = wf::steps(&job.value);
                for (i, step) in steps.iter().enumerate() {
                    let Some(what) = wf::untrusted_checkout(step, text) else {
                        continue;
                    };
                    let runner = steps[i + 1..].iter().find(|s| runs_code(s));
                    let gated = wf::label_gated(&[Some(&job.value), Some(step)]);
                    let (severity, tail) = match (runner, gated) {
                        (Some(_), false) => (
                            Severity::Critical,
                            "and later steps run that code with the base repository's secrets and write token",
                        ),
                        (Some(_), true) => (
                            Severity::High,
                            "and later steps run that code with the base repository's secrets and write token once a maintainer applies the gating label (the pull request can still change after the label)",
                        ),
                        (None, _) => (
                            Severity::High,
                            "into a job that has the base repository's secrets and write token",
                        ),
                    };
                    let message = format!(
                        "`{trigger}` job `{}` checks out untrusted pull request code (`{what}`) {tail}",
                        job.key
                    );
                    let span = step
                        .get("with")
                        .and_then(|w| w.get("ref"))
                        .map_or(step.span.clone(), |r| r.span.clone());
                    let f = out.report(span, message);
                    f.severity = severity;
                    break;
                }
            }
        }
    }
}
