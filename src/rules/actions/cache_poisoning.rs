//! `actions/cache-poisoning`: caches restored into jobs that publish.

use crate::finding::{Related, Severity};
use crate::rules::{RepoCx, RepoSink, Rule, RuleMeta};
use crate::workflows::model::PublishingRestore;

/// See [`META`]. The facts (which job publishes, which caches it restores, also
/// inside local composite actions) are the workflow model's.
#[derive(Default)]
pub struct CachePoisoning;

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
`cache:`, or v5+ without it when the root `package.json` names a `packageManager` —
npm only from v6 —, which is the only case it caches by itself, `setup-python` with `cache:`, `setup-go`, `Swatinem/rust-cache`,
`setup-uv` from v5 to v9 (before v5 its cache was off unless `enable-cache: true`), `ruby/setup-ruby` with `bundler-cache`, sccache…, see
the table in the source) — in workflows that publish:
- the workflow runs on `release`, on tag pushes or on pushes to release
  branches (every job; but when harden sees which jobs publish, only those and
  the jobs they `needs:` — a test job beside them ships nothing). A workflow
  that also runs on `pull_request` or `merge_group` is the project's CI, which
  runs its tests on a release too: it counts only when one of its steps
  publishes, or it calls a workflow that does, or
- the job publishes (a release/publish action, `docker/build-push-action`
  with `push: true` or `outputs: …,push=true` — the push-by-digest recipe —,
  `twine upload`, `npm publish`, `docker push`, `gh release create`…) or builds
  for a job that does: a job it `needs:` (directly or through other needed
  jobs) that hands it something (`outputs:`, an uploaded artifact; for a job
  that calls a local reusable workflow, a job of that workflow that does), or
  any job it needs when it downloads the run's artifacts (they share the run's
  artifact store). A test suite that a publish job building for itself only
  waits for builds nothing that ships, or
- it is a local reusable workflow that such a job calls (harden reads the whole
  repository; zizmor cannot see the caller).

A step counts when it restores a cache itself or runs a local composite action
(`uses: ./.github/actions/install`) that does, up to four actions deep: the
finding is at the `uses: ./…` line, with the cache step inside the action as a
related location. These install actions are where most repositories keep
`setup-node` with `cache: pnpm` or `setup-uv` with `enable-cache: true`, and
zizmor, which reads each file alone, does not follow them.

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
workflows (high, low confidence), without the repository-wide severity. On the
corpus of `bench/corpus` (47 repositories) both report the same inline steps of
release workflows (netbox, podinfo, netbox-docker, wger's push-by-digest image
job…); zizmor also reports test workflows of a CI that runs on release-branch
pushes (tutor's `test.yml`, changedetection's test builds, freqtrade's test
jobs), which harden leaves to the publishing jobs, and misses the caches that
publish jobs restore through local install actions (chainlit, grafana-oncall,
infinity). zizmor also honours a cache input switched off for tag refs by an
expression (`enable-cache: ${{ !startsWith(github.ref, 'refs/tags/') }}`);
harden takes an input set by an expression as possibly on. It also
reports a build with a `type=gha` cache in a push workflow that publishes
nothing, which harden leaves out; and where a version-dependent default matters
(setup-uv caches by default from v5 to v9) harden reads the version from the
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

impl Rule for CachePoisoning {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let outsider = repo.workflows.outsider_code();
        for r in repo.workflows.publishing_restores() {
            report(&r, outsider, out);
        }
    }
}

/// Reports one cache step restored in a publishing context.
fn report(r: &PublishingRestore<'_>, outsider: Option<(&Related, bool)>, out: &mut RepoSink<'_>) {
    let (c, why, inherited, job) = (&r.cache, &r.why, r.inherited, r.job);
    let (at, snippet, what) = match c.through {
        Some(call) => (
            call.at.clone(),
            call.snippet.clone(),
            format!(
                "the local action `./{}` restores a cache ({}:{}: {})",
                call.target, c.cache.at.path, c.cache.at.region.start.line, c.cache.at.message
            ),
        ),
        None => (
            c.cache.at.clone(),
            c.cache.snippet.clone(),
            c.cache.at.message.clone(),
        ),
    };
    let context = if inherited {
        format!("this workflow is called by `{}`, which publishes", why.path)
    } else if job.release {
        format!("this workflow {}", why.message)
    } else {
        "this job publishes (or builds for a job that does)".to_string()
    };
    let mut message = format!(
                "{what} in a publishing context ({context}): an entry planted by another run ships in the release; do not restore caches when building what you publish"
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
    let f = out.report(at, snippet, message);
    f.severity = severity;
    let mut rel = why.clone();
    if rel.message.is_empty() {
        rel.message = "publishes".to_string();
    }
    f.related.push(rel);
    if c.through.is_some() {
        f.related.push(c.cache.at.clone());
    }
    if let Some((o, _)) = outsider {
        f.related.push(o.clone());
    }
}
