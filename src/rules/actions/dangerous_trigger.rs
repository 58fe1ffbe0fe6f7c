//! `actions/dangerous-trigger`: `pull_request_target` / `workflow_run` workflows
//! that check out the untrusted head of a pull request and run it.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::workflows::wf;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

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
artifact upload); high when the job only checks the head out.

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
greeting bots that never check out the head) alone.
"#,
};

const UNTRUSTED_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "refs/pull/",
];

fn mentions_untrusted(s: &str) -> Option<&'static str> {
    let l = s.to_ascii_lowercase();
    UNTRUSTED_REFS.iter().copied().find(|r| l.contains(r))
}

/// The step checks out untrusted code: an `actions/checkout` with such a `ref`
/// (or `repository:` of the fork), or a `git`/`gh` command that fetches it.
fn untrusted_checkout(step: &YamlNode, text: &str) -> Option<&'static str> {
    if wf::step_uses(step, "actions/checkout") {
        let with = step.get("with")?;
        let r = with.get("ref").map(|r| &text[r.span.clone()]).unwrap_or("");
        let repo = with
            .get("repository")
            .map(|r| &text[r.span.clone()])
            .unwrap_or("");
        return mentions_untrusted(r).or_else(|| {
            repo.contains("head.repo.full_name")
                .then_some("github.event.pull_request.head.repo.full_name")
        });
    }
    let run = step.get("run")?.as_str()?;
    let l = run.to_ascii_lowercase();
    if l.contains("gh pr checkout") {
        return Some("gh pr checkout");
    }
    if l.contains("git fetch") || l.contains("git checkout") || l.contains("git switch") {
        if l.contains("pull/") {
            return Some("refs/pull/");
        }
        return mentions_untrusted(&text[step.span.clone()]);
    }
    None
}

/// A step that executes code from the workspace.
fn runs_code(step: &YamlNode) -> bool {
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
                    let Some(what) = untrusted_checkout(step, text) else {
                        continue;
                    };
                    let runner = steps[i + 1..].iter().find(|s| runs_code(s));
                    let (severity, tail) = match runner {
                        Some(_) => (
                            Severity::Critical,
                            "and later steps run that code with the base repository's secrets and write token",
                        ),
                        None => (
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
