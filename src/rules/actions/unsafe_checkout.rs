//! `actions/unsafe-checkout`: a pull request's code checked out and run by a
//! comment-, issue- or discussion-triggered workflow ("IssueOps"), which runs with
//! the base repository's secrets and write token.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::actions::dangerous_trigger;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, Triggers};

/// See [`META`].
pub struct UnsafeCheckout;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/unsafe-checkout",
    summary: "`issue_comment`/`issues`/`discussion` workflow checks out a pull request's code (`gh pr checkout`, `refs/pull/N/head`) and runs it with secrets",
    severity: Severity::Critical,
    docs: r#"
## Why
"ChatOps" workflows run on `issue_comment` so that a comment such as
`/benchmark` or `/deploy-preview` builds a pull request. Unlike `pull_request`,
these events always run in the base repository: with its secrets and a token
that can write. Checking out the pull request's head (`gh pr checkout`,
`refs/pull/${{ github.event.issue.number }}/head`, the head SHA from the API
read into a step output named for it, `ref: ${{ steps.pr.outputs.head_sha }}`)
and then building or testing it runs the fork author's code — their
`package.json` scripts, `setup.py`, `Makefile`, test suite — with those
privileges. `actions/dangerous-trigger` covers the same mistake under
`pull_request_target` and `workflow_run`; this rule covers the other
privileged events.

Severity: critical when a later step runs code (`run:`, or an action other
than upload/checkout/cache); high when the job only checks it out; high
(instead of critical) when the job or step is gated on the commenter's
`author_association` or a maintainer-applied label — the pull request can
still change between the comment and the checkout. zizmor 1.33's
`unsafe-checkout` audit covers the same checkouts; it also reports, at low
confidence, a checkout whose whole `with:` is one expression
(`with: ${{ fromJson(steps.setup.outputs.options) }}`) on any trigger. On a
workflow only pushes, schedules or dispatches start, that checkout is this
repository's code as a writer pushed it, so harden does not report it
(`zizmor-fp` rows of bench/zizmor/differences.tsv).

## Example
```yaml
on: issue_comment
jobs:
  bench:
    if: github.event.issue.pull_request && contains(github.event.comment.body, '/bench')
    steps:
      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
      - run: gh pr checkout ${{ github.event.issue.number }}
      - run: make bench            # the fork's Makefile, with secrets
```

## Fix
Let the comment trigger a `pull_request`-style run without secrets: label the
pull request and have a `pull_request` workflow do the work, or split the job —
an unprivileged workflow builds the head and uploads the result as an
artifact, a privileged `workflow_run` reads it as data. If the job must run
the head, pin the SHA a maintainer reviewed (not the branch), and check the
commenter's permission with the API, not `author_association`.
"#,
};

fn gated_by_maintainer(nodes: &[Option<&YamlNode>]) -> bool {
    wf::label_gated(nodes)
        || nodes.iter().flatten().any(|n| {
            n.get("if").and_then(|c| c.as_str()).is_some_and(|c| {
                let l = c.to_ascii_lowercase();
                l.contains("author_association") || l.contains("permission")
            })
        })
}

impl Rule for UnsafeCheckout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = &cx.file.text;
        for root in wf::roots(yaml) {
            let triggers = Triggers::of(root);
            // pull_request_target and workflow_run are actions/dangerous-trigger's.
            if triggers.has("pull_request_target") || triggers.has("workflow_run") {
                continue;
            }
            let Some(trigger) = triggers.external() else {
                continue;
            };
            for job in wf::jobs(root) {
                let steps = wf::steps(&job.value);
                for (i, step) in steps.iter().enumerate() {
                    let Some(what) = wf::untrusted_or_looked_up_checkout(step, text) else {
                        continue;
                    };
                    let runs = steps[i + 1..]
                        .iter()
                        .any(|s| dangerous_trigger::runs_code(s))
                        || (step.get("run").is_some() && what == "gh pr checkout" && {
                            let r = step.get("run").and_then(|r| r.as_str()).unwrap_or("");
                            r.trim().lines().count() > 1 || r.contains("&&") || r.contains(';')
                        });
                    let gated = gated_by_maintainer(&[Some(&job.value), Some(step)]);
                    let (severity, tail) = match (runs, gated) {
                        (true, false) => (Severity::Critical, "and later steps run it with the base repository's secrets and write token"),
                        (true, true) => (Severity::High, "and runs it with the base repository's secrets; the maintainer gate does not stop the pull request from changing after the comment"),
                        (false, _) => (Severity::High, "into a job that has the base repository's secrets and write token"),
                    };
                    let span = step
                        .get("with")
                        .and_then(|w| w.get("ref"))
                        .map_or(step.span.clone(), |r| r.span.clone());
                    let f = out.report(
                        span,
                        format!("`{trigger}` job `{}` checks out a pull request's code (`{what}`) {tail}", job.key),
                    );
                    f.severity = severity;
                    break;
                }
            }
        }
    }
}
