//! `actions/cache-poisoning`: caches restored into jobs that publish.

use std::sync::Mutex;

use crate::finding::{Related, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};
use crate::workflows::model;
use crate::workflows::wf::{self, StepRef};

/// See [`META`].
#[derive(Default)]
pub struct CachePoisoning {
    candidates: Mutex<Vec<Candidate>>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/cache-poisoning",
    summary: "Build cache restored in a workflow that publishes: a poisoned cache entry ships in the release",
    severity: Severity::Medium,
    docs: r#"
## Why
GitHub's Actions cache is shared by every workflow run on a branch, and runs
on the default branch write entries that every other branch reads. Anything
that can run code on the default branch's cache scope — a
`pull_request_target` or `issue_comment` workflow that runs a fork's code, an
injection in one, a compromised dependency in an ordinary CI job — can plant
an entry under the key a release job restores next: prebuilt dependencies,
compiler caches (`sccache`), a `node_modules`. The release is then built from
the attacker's files and signed and published as yours. This is how the
Ultralytics PyPI releases were backdoored in December 2024.

The rule reports steps that restore a cache — `actions/cache`, and the setup
actions whose caching is on by default or switched on (`setup-node` with
`cache:`, `setup-python` with `cache:`, `setup-go`, `Swatinem/rust-cache`,
`setup-uv` before v10, `ruby/setup-ruby` with `bundler-cache`, sccache…, see
the table in the source) — in workflows that publish:
- the workflow runs on `release`, on tag pushes or on pushes to release
  branches (every job; but when harden sees which jobs publish, only those and
  the jobs they `needs:` — a test job beside them ships nothing). A workflow
  that also runs on `pull_request` or `merge_group` is the project's CI, which
  runs its tests on a release too: it counts only when one of its steps
  publishes, or it calls a workflow that does, or
- the job publishes (a release/publish action, `docker/build-push-action`
  with `push: true`, `twine upload`, `npm publish`, `docker push`,
  `gh release create`…) or builds for a job that does (`needs:`), or
- it is a local reusable workflow that a publishing workflow calls (harden
  reads the whole repository; zizmor cannot see the caller).

Severity: medium; high when the same repository also has a workflow where an
outsider's code or text runs with the base repository's privileges (found by
`actions/dangerous-trigger` or `actions/template-injection`), which is the
write path a poisoning needs; that workflow is the related location. A
`workflow_run` workflow counts only when a workflow it runs after can be started
by an outsider: one that follows this repository's own push- or dispatch-only
pipeline (by its `name:`) runs on commits only maintainers chose. A write path
that only runs once a maintainer applies a label keeps this finding at medium
(the gated workflow's own finding is the high one).
zizmor's `cache-poisoning` reports the same cache-aware steps in publishing
workflows (high, low confidence), without the repository-wide severity. It also
reports a build with a `type=gha` cache in a push workflow that publishes
nothing, which harden leaves out; and where a version-dependent default matters
(setup-uv caches by default before v10) harden reads the version from the
version comment or, without one, from its pin table's SHA, where zizmor assumes
the older default.

## Example
```yaml
on:
  push:
    tags: ["v*"]
jobs:
  release:
    steps:
      - uses: actions/setup-python@a26af69be951a213d495a4c3e4e4022e16d87065 # v5.6.0
        with:
          cache: pip                 # restores what another run saved
      - run: python -m build && twine upload dist/*
```

## Fix
Do not restore caches when building something you publish: drop `cache:`
(or set `lookup-only: true`, `package-manager-cache: false`,
`enable-cache: false`) in release workflows and jobs; build from the lockfile
instead. Keep caches for test jobs.
"#,
};

struct Candidate {
    file: String,
    at: Related,
    what: String,
    snippet: String,
    /// The workflow has a release trigger (every job publishes).
    release: bool,
    /// This job publishes, or a publishing job needs it.
    job_publishes: bool,
}

/// How a cache-aware action's caching is switched.
#[derive(Clone, Copy)]
enum Toggle {
    /// Always restores.
    Always,
    /// On when the input is set to a non-empty, non-false value.
    OptIn(&'static str),
    /// On unless the input is true.
    OptOut(&'static str),
    /// On unless the input is false.
    DefaultOn(&'static str),
}

/// Cache-aware actions (lower-case `owner/repo[/path]`), from their documented inputs.
const CACHE_AWARE: &[(&str, Toggle)] = &[
    ("actions/cache", Toggle::OptOut("lookup-only")),
    ("actions/cache/restore", Toggle::OptOut("lookup-only")),
    ("actions/setup-python", Toggle::OptIn("cache")),
    ("actions/setup-java", Toggle::OptIn("cache")),
    ("actions/setup-dotnet", Toggle::OptIn("cache")),
    ("actions/setup-go", Toggle::DefaultOn("cache")),
    ("swatinem/rust-cache", Toggle::OptOut("lookup-only")),
    ("ruby/setup-ruby", Toggle::OptIn("bundler-cache")),
    ("pyo3/maturin-action", Toggle::OptIn("sccache")),
    ("mlugg/setup-zig", Toggle::DefaultOn("use-cache")),
    ("oven-sh/setup-bun", Toggle::OptOut("no-cache")),
    (
        "gradle/actions/setup-gradle",
        Toggle::OptOut("cache-disabled"),
    ),
    (
        "actions-rust-lang/setup-rust-toolchain",
        Toggle::DefaultOn("cache"),
    ),
    ("mozilla-actions/sccache-action", Toggle::Always),
    ("nix-community/cache-nix-action", Toggle::Always),
    ("awalsh128/cache-apt-pkgs-action", Toggle::Always),
    ("jdx/mise-action", Toggle::DefaultOn("cache")),
    ("ramsey/composer-install", Toggle::OptOut("ignore-cache")),
    ("graalvm/setup-graalvm", Toggle::OptIn("cache")),
    (
        "determinatesystems/magic-nix-cache-action",
        Toggle::DefaultOn("use-gha-cache"),
    ),
];

/// An input's value: `Some(true/false)` when known, `None` when set by an expression.
fn input_value(step: &YamlNode, key: &str) -> Option<Option<String>> {
    let v = step.get("with")?.get(key)?;
    if let Some(b) = v.as_bool() {
        return Some(Some(b.to_string()));
    }
    let s = v.as_str()?.trim();
    if s.contains("${{") {
        return Some(None);
    }
    Some(Some(s.to_ascii_lowercase()))
}

/// Why the step restores a cache, if it does.
pub(crate) fn restores(step: &YamlNode, text: &str) -> Option<String> {
    let uses = step.get("uses")?;
    let name = wf::action_name(uses.as_str()?);
    let major = wf::uses_major(uses, text);
    let truthy = |v: &str| !v.is_empty() && v != "false" && v != "0" && v != "no";
    // Version-dependent defaults.
    if name == "actions/setup-node" {
        if let Some(v) = input_value(step, "cache") {
            return match v {
                Some(v) if truthy(&v) => Some(format!("`actions/setup-node` with `cache: {v}` restores the package cache")),
                None => Some("`actions/setup-node` with `cache:` set by an expression may restore the package cache".to_string()),
                _ => None,
            };
        }
        return match (major, input_value(step, "package-manager-cache")) {
            (_, Some(Some(v))) if truthy(&v) => Some(format!("`actions/setup-node` with `package-manager-cache: {v}` restores the package manager's cache")),
            (_, Some(None)) => Some("`actions/setup-node` with `package-manager-cache` set by an expression may restore the package manager's cache".to_string()),
            (Some(m), None) if m >= 5 => Some("`actions/setup-node` v5+ restores the package manager's cache unless `package-manager-cache: false`".to_string()),
            _ => None,
        };
    }
    if name == "astral-sh/setup-uv" {
        return match input_value(step, "enable-cache") {
            Some(Some(v)) if v == "true" => Some("`astral-sh/setup-uv` with `enable-cache: true` restores the uv cache".to_string()),
            Some(Some(v)) if v == "false" => None,
            Some(None) => Some("`astral-sh/setup-uv` with `enable-cache` set by an expression may restore the uv cache".to_string()),
            _ if major.is_none_or(|m| m < 10) => Some("`astral-sh/setup-uv` restores its cache on GitHub-hosted runners unless `enable-cache: false`".to_string()),
            _ => None,
        };
    }
    if name == "docker/setup-buildx-action" {
        return (input_value(step, "version").is_some()
            && !matches!(input_value(step, "cache-binary"), Some(Some(v)) if v == "false"))
        .then(|| "`docker/setup-buildx-action` restores the buildx binary from the cache (`cache-binary`)".to_string());
    }
    let (_, toggle) = CACHE_AWARE.iter().find(|(a, _)| *a == name)?;
    let on = match toggle {
        Toggle::Always => true,
        Toggle::OptIn(k) => match input_value(step, k) {
            Some(Some(v)) => truthy(&v),
            Some(None) => true,
            None => false,
        },
        Toggle::OptOut(k) => !matches!(input_value(step, k), Some(Some(v)) if v == "true"),
        Toggle::DefaultOn(k) => !matches!(input_value(step, k), Some(Some(v)) if v == "false"),
    };
    on.then(|| format!("`{name}` restores a cache"))
}

/// Jobs that publish, and the jobs they need.
fn publishing_jobs(root: &YamlNode) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for job in wf::jobs(root) {
        let publishes = wf::steps(&job.value).into_iter().any(|step| {
            model::step_publishes(
                root,
                StepRef {
                    job_id: Some(&job.key),
                    job: Some(&job.value),
                    step,
                },
            )
            .is_some()
        });
        if publishes {
            out.push(job.key.clone());
        }
    }
    // Jobs a publishing job needs build what it publishes.
    let mut i = 0;
    while i < out.len() {
        let needs: Vec<String> = wf::jobs(root)
            .iter()
            .find(|j| j.key == out[i])
            .and_then(|j| j.value.get("needs"))
            .map(|n| n.strings().iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        for n in needs {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        i += 1;
    }
    out
}

impl Rule for CachePoisoning {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        let text = &cx.file.text;
        let mut found = Vec::new();
        for root in wf::roots(yaml) {
            let release = model::release_trigger(root).is_some();
            let publishing = publishing_jobs(root);
            for job in wf::jobs(root) {
                // A release workflow whose publishing jobs harden can see: only those
                // and the jobs they need build what ships; a test job beside them that
                // nothing publishes from does not. Without a visible publisher (it
                // publishes some other way), every job counts.
                let release = release && (publishing.is_empty() || publishing.contains(&job.key));
                for step in wf::steps(&job.value) {
                    let Some(what) = restores(step, text) else {
                        continue;
                    };
                    let Some(uses) = step.get("uses") else {
                        continue;
                    };
                    let at = cx.locate(uses.span.clone(), "");
                    found.push(Candidate {
                        file: cx.file.path.clone(),
                        snippet: cx
                            .file
                            .line_text(at.region.start.line)
                            .trim_end()
                            .to_string(),
                        at,
                        what,
                        release,
                        job_publishes: publishing.contains(&job.key),
                    });
                }
            }
        }
        if let Ok(mut c) = self.candidates.lock() {
            c.extend(found);
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(candidates) = self.candidates.lock() else {
            return;
        };
        let publishing = repo.workflows.publishing();
        let outsider = repo.workflows.outsider_code();
        for c in candidates.iter() {
            let Some(why) = publishing.get(&c.file) else {
                continue;
            };
            let inherited = why.path != c.file;
            if !(c.release || c.job_publishes || inherited) {
                continue;
            }
            let context = if inherited {
                format!("this workflow is called by `{}`, which publishes", why.path)
            } else if c.release {
                format!("this workflow {}", why.message)
            } else {
                "this job publishes (or builds for a job that does)".to_string()
            };
            let mut message = format!(
                "{} in a publishing context ({context}): an entry planted by another run ships in the release; do not restore caches when building what you publish",
                c.what
            );
            let severity = match outsider {
                Some((_, false)) => {
                    message.push_str("; this repository has a workflow where an outsider's code runs with the base repository's privileges, which can write the cache");
                    Severity::High
                }
                // The privileged run needs a maintainer's label first: that workflow's
                // own finding is the high one; the cache is one more thing it reaches.
                Some((_, true)) => {
                    message.push_str("; a label-gated workflow runs an outsider's code with the base repository's privileges once a maintainer applies the label, and could then write the cache");
                    Severity::Medium
                }
                None => Severity::Medium,
            };
            let f = out.report(c.at.clone(), c.snippet.clone(), message);
            f.severity = severity;
            let mut rel = why.clone();
            if rel.message.is_empty() {
                rel.message = "publishes".to_string();
            }
            f.related.push(rel);
            if let Some((o, _)) = outsider {
                f.related.push(o.clone());
            }
        }
    }
}
