//! Carries the findings of a repository script into the workflow that runs it
//! with privileges: `run: ./scripts/deploy.sh` in a job with secrets makes the
//! script's `curl | sh` or disabled TLS check part of that job.
//!
//! Every finding in such a script gets the running step as a related location;
//! findings of rules whose harm grows with the job's privileges (remote code,
//! unverified TLS or SSH, shell injection, unsafe YAML loading) are raised one
//! level, to high at most. Config severity overrides still win.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::finding::{Finding, Severity};
use crate::model::{RefKind, Repository};
use crate::parse::makefile;
use crate::workflows::model::{ScriptRun, WorkflowModel};

/// The name `harden explain` knows this pass by (its findings keep their own rules).
pub const TOPIC: &str = "actions/script-context";

/// One line for `harden explain`.
pub const SUMMARY: &str =
    "Findings of a repository script that a privileged workflow step runs are linked to the step and raised";

/// `harden explain actions/script-context`.
pub const DOCS: &str = r#"
## Why
zizmor and other workflow linters read the workflow only: `run: ./scripts/release.sh`
is a black box to them. harden reads the script too. A `curl … | sh` or a
`curl -k` in a script is a weakness anywhere; run by a release job that holds
`secrets.PYPI_TOKEN` or a token that writes packages, the code it downloads, or
the man in the middle it lets in, gets those secrets.

## What is followed
A step is privileged when it can read a secret (step, job or workflow `env:`,
its `with:`; `GITHUB_TOKEN` aside), when the workflow runs on an event an
outsider starts with the base repository's privileges (`pull_request_target`,
`issue_comment`, `workflow_run`…), or when its job's token writes something
(`permissions: write-all`, `contents: write`…). From such a step's `run:`:
- `./path/x.sh`, `bash x.sh`, `python tools/x.py` (`sudo`, `env A=b` skipped;
  `bash -c "…"` is inline code, not a file), from the step's working directory;
- `make GOAL` (`-C dir`, `-f file` read): the recipe lines of GOAL and of its
  prerequisites, transitively; without a goal, the Makefile's first target. The
  other targets' recipes (a `dev:` target) are not part of the run;
- the scripts those lines run, up to three levels (`make release` →
  `scripts/publish.sh` → `scripts/lib/upload.sh`).
Variables, pattern rules and `include`s of Makefiles are not evaluated.

## What changes
Every finding (other than `actions/*`) in a reached file or recipe line gets the
workflow step as a related location (up to three steps). Findings of the rules
whose harm grows with what the job holds — `shell/curl-pipe-shell`,
`shell/tls-verify-disabled`, `shell/ssh-host-key-disabled`,
`python/tls-verify-disabled`, `python/subprocess-shell`,
`python/yaml-unsafe-load` — are raised one level (`low` → `medium` → `high`),
never above `high`, and say who runs them:
`(raised: .github/workflows/release.yml:19 runs this with secrets PYPI_TOKEN)`.
Secret findings are not raised: a committed secret is as exposed whoever runs
the file. Other findings (a missing `set -e`, an unsafe `rm`) are linked but keep
their severity: the job's secrets do not make them worse. A `[severity]` override
in `harden.toml` still wins.

## Example
```yaml
# .github/workflows/deploy.yml
on: { push: { branches: [main] } }
permissions: { contents: write }
jobs:
  deploy:
    steps:
      - env: { DEPLOY_KEY: "${{ secrets.DEPLOY_KEY }}" }
        run: make release        # release: build → ./scripts/publish.sh
```
`curl --insecure …` in `scripts/publish.sh` (medium) is reported high, with the
`make release` line related.

## Fix
Fix the script's finding; if the step does not need the secret or the write
token, give it neither (`permissions:` per job, secrets in the one step that
uses them).
"#;

/// Rules whose findings are worse when the script runs with secrets or a write token.
const PRIVILEGE_SENSITIVE: &[&str] = &[
    "shell/curl-pipe-shell",
    "shell/ssh-host-key-disabled",
    "shell/tls-verify-disabled",
    "python/tls-verify-disabled",
    "python/subprocess-shell",
    "python/yaml-unsafe-load",
];

fn raise(s: Severity) -> Severity {
    match s {
        Severity::Info => Severity::Low,
        Severity::Low => Severity::Medium,
        Severity::Medium | Severity::High => Severity::High,
        Severity::Critical => Severity::Critical,
    }
}

/// A file a privileged step runs, directly or through a Makefile goal or another
/// script: the run, the lines of the file it reaches (`None`: all of it) and the
/// commands in between (`make release`, `scripts/build.sh`).
struct Reach<'m> {
    run: &'m ScriptRun,
    lines: Option<Vec<usize>>,
    via: Vec<String>,
}

/// How many scripts deep a run is followed (`make release` → `release.sh` →
/// `lib/upload.sh` is two).
const MAX_DEPTH: usize = 3;

/// Every file the privileged runs reach, by path.
fn reaches<'m>(model: &'m WorkflowModel, repo: &Repository) -> BTreeMap<String, Vec<Reach<'m>>> {
    let mut out: BTreeMap<String, Vec<Reach<'m>>> = BTreeMap::new();
    for (script, runs) in model.privileged_scripts() {
        for run in runs {
            // A Makefile: only the goal's recipe lines run.
            let (first, make) = match repo.make_targets(script) {
                Some(targets) => {
                    let goal = run
                        .goal
                        .as_deref()
                        .or_else(|| makefile::default_goal(targets).map(|t| t.name.as_str()));
                    let Some(goal) = goal else { continue };
                    (
                        Some(makefile::recipe_lines(targets, goal)),
                        format!("`make {goal}`"),
                    )
                }
                None => (None, String::new()),
            };
            let mut seen: Vec<String> = Vec::new();
            let mut todo: Vec<(String, Option<Vec<usize>>, Vec<String>)> =
                vec![(script.to_string(), first, Vec::new())];
            while let Some((path, lines, via)) = todo.pop() {
                if seen.contains(&path) {
                    continue;
                }
                seen.push(path.clone());
                if via.len() < MAX_DEPTH {
                    let step = if lines.is_some() {
                        make.clone()
                    } else {
                        format!("`{path}`")
                    };
                    for r in repo.references().iter().filter(|r| {
                        r.from == path
                            && r.kind == RefKind::Runs
                            && r.to != path
                            && lines.as_ref().is_none_or(|l| l.contains(&r.line))
                    }) {
                        let mut next = via.clone();
                        next.push(step.clone());
                        todo.push((r.to.clone(), None, next));
                    }
                }
                out.entry(path).or_default().push(Reach { run, lines, via });
            }
        }
    }
    out
}

/// Links and raises the findings of scripts that privileged workflow steps run:
/// the script itself, the recipe of the Makefile goal a step names (`make
/// release`: that goal's and its prerequisites' recipe lines, not the whole
/// Makefile), and the scripts those run, up to [`MAX_DEPTH`] deep.
pub fn carry_into_workflows(
    model: &WorkflowModel,
    repo: &Repository,
    findings: &mut [Finding],
    cfg: &Config,
) {
    if model.privileged_scripts().is_empty() {
        return;
    }
    let reached = reaches(model, repo);
    for f in findings.iter_mut() {
        if f.rule.starts_with("actions/") {
            continue;
        }
        let Some(all) = reached.get(f.path.as_str()) else {
            continue;
        };
        let hits: Vec<&Reach<'_>> = all
            .iter()
            .filter(|r| {
                r.lines
                    .as_ref()
                    .is_none_or(|l| l.contains(&f.region.start.line))
            })
            .collect();
        let Some(first) = hits.first() else {
            continue;
        };
        for r in hits.iter().take(3) {
            if !f
                .related
                .iter()
                .any(|x| x.path == r.run.at.path && x.span == r.run.at.span)
            {
                f.related.push(r.run.at.clone());
            }
        }
        if PRIVILEGE_SENSITIVE.contains(&f.rule) {
            let raised = raise(f.severity);
            if raised != f.severity {
                let who = &first.run.at;
                let through = if first.via.is_empty() {
                    String::new()
                } else {
                    format!(" (through {})", first.via.join(", "))
                };
                f.message = format!(
                    "{} (raised: {}:{} runs this{through} with {})",
                    f.message,
                    who.path,
                    who.region.start.line,
                    first.run.privileges.join(" and ")
                )
                .into();
                f.severity = cfg.severity_for(f.rule, raised);
            }
        }
    }
}
