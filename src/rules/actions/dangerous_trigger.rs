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
When the head is checked out into its own directory (`with: path: pr`) next to a
trusted checkout of the base, only steps that touch that directory count: a step
that runs there (`working-directory: pr`, `cd pr`, `./pr/script.sh`, a local
action under it) runs the stranger's code; steps that only copy files out of it
(`rsync`, `cp`, `diff`) or commit in it treat it as data, and the finding is low:
the job is safe as written, and the note is there so nobody adds a step that
runs it.

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

/// Commands that read files of a directory without running anything from it.
const DATA_COMMANDS: &[&str] = &[
    "rsync",
    "cp",
    "mv",
    "cat",
    "diff",
    "cmp",
    "ls",
    "find",
    "grep",
    "jq",
    "test",
    "[",
    "echo",
    "sha256sum",
    "stat",
    "wc",
    "head",
    "tail",
    "mkdir",
    "rm",
    "tar",
    "zip",
];

/// Actions that read or commit the files of a directory they are given, never run them.
const DATA_ACTIONS: &[&str] = &[
    "actions/upload-artifact",
    "actions/cache",
    "actions/checkout",
    "stefanzweifel/git-auto-commit-action",
    "EndBug/add-and-commit",
];

/// `./pr/`, `pr` → `pr`; `None` for the workspace root.
fn checkout_dir(step: &YamlNode) -> Option<String> {
    let p = wf::with_str(step, "path")?.trim();
    let p = p.trim_start_matches("./").trim_end_matches('/');
    (!p.is_empty() && p != "." && !p.contains("${{")).then(|| p.to_string())
}

/// Whether `word` names `dir` or something under it.
fn names_dir(word: &str, dir: &str) -> bool {
    let w = word.trim_matches(|c| matches!(c, '"' | '\'' | '(' | ')'));
    let w = w.strip_prefix("./").unwrap_or(w);
    let w = w
        .strip_prefix("${GITHUB_WORKSPACE}/")
        .or_else(|| w.strip_prefix("$GITHUB_WORKSPACE/"))
        .unwrap_or(w);
    w == dir || w.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// A later step that runs code from the untrusted checkout in `dir`, next to other checkouts.
fn runs_code_from(step: &YamlNode, job: &YamlNode, root: &YamlNode, dir: &str) -> bool {
    if let Some(uses) = step.get("uses").and_then(|u| u.as_str()) {
        if wf::local_path(uses).is_some_and(|p| names_dir(&p, dir)) {
            return true;
        }
        let name = wf::action_name(uses);
        if DATA_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(&name))
            || name.starts_with("actions/setup-")
        {
            return false;
        }
        // Another action given the directory may build or install from it.
        return step.get("with").is_some_and(|w| {
            wf::scalars(w)
                .iter()
                .filter_map(|v| v.as_str())
                .any(|v| v.split_whitespace().any(|t| names_dir(t, dir)))
        });
    }
    let Some(run) = step.get("run").and_then(|r| r.as_str()) else {
        return false;
    };
    let workdir = step
        .get("working-directory")
        .or_else(|| job.at(&["defaults", "run", "working-directory"]))
        .or_else(|| root.at(&["defaults", "run", "working-directory"]))
        .and_then(|w| w.as_str());
    if workdir.is_some_and(|w| names_dir(w, dir)) {
        return true;
    }
    run.split(['\n', ';', '|', '&'])
        .map(|seg| {
            seg.split_whitespace()
                .skip_while(|w| *w == "sudo" || w.contains('='))
                .collect::<Vec<_>>()
        })
        .filter(|words| words.iter().any(|w| names_dir(w, dir)))
        .any(|words| {
            let cmd = words.first().copied().unwrap_or_default();
            let cmd = cmd.rsplit('/').next().unwrap_or(cmd);
            // `cd pr`, `./pr/run.sh`, `npm --prefix pr ci`, `make -C pr`: runs there.
            let reads_data = DATA_COMMANDS.contains(&cmd)
                || cmd == "git" && words.get(1).is_some_and(|w| *w == "-C");
            names_dir(words.first().copied().unwrap_or_default(), dir) || !reads_data
        })
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
                    let dir = checkout_dir(step);
                    let later = &steps[i + 1..];
                    let runner = match dir.as_deref() {
                        Some(d) => later
                            .iter()
                            .find(|s| runs_code_from(s, &job.value, root, d)),
                        None => later.iter().find(|s| runs_code(s)),
                    };
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
                        (None, _) if dir.is_some() => (
                            Severity::Low,
                            "into its own directory; no later step runs code from there (they only copy or commit its files): keep it so, since the job has the base repository's secrets and write token",
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
