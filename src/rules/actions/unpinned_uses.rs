//! `actions/unpinned-uses`: `uses:` pinned to a tag or a branch instead of a commit SHA.

use crate::actions_pins::{self, PinTable};
use crate::finding::{Finding, Fix, Severity};
use crate::parse::yaml::{ScalarStyle, YamlFile, YamlNode};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, UsesRef};

/// See [`META`].
pub struct UnpinnedUses;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/unpinned-uses",
    summary:
        "Action or reusable workflow referenced by a tag or branch instead of a full commit SHA",
    severity: Severity::Medium,
    docs: r#"
## Why
A tag (`@v4`) or a branch (`@main`) is a moving pointer: whoever controls the
action's repository, or steals a maintainer's token, can point it at new code
and every workflow that uses it runs that code with its secrets and token. This
is how `tj-actions/changed-files` leaked CI secrets of thousands of repositories
in March 2025: every tag was rewritten to a malicious commit. Only a full
40-character commit SHA is immutable.

Severity: a branch (`@main`, `@master`, `@stable`) is high, it changes on every
push; it is medium in a job that runs only for pull requests (every trigger is
`pull_request`, or the job's `if:` requires `github.event_name ==
'pull_request'`) and holds no secret and no OIDC token: a push to that branch reaches
the pull request's token and nothing more; it is medium too in a workflow that holds
nothing (every job's token explicitly read-only or `permissions: {}`, no secret named or
passed: the docker-library `bashbrew@HEAD` generator job), and high again there when a
job that publishes restores an Actions cache such a workflow can write (below); a branch of a repository of this repository's own owner is medium (one
trust domain: whoever can push there is already inside the organisation, but the
reference still moves with every push and should be pinned), and so is a branch of
GitHub's own actions (`actions/checkout@master`: the platform that runs the workflow
is trusted already, but unreleased code still runs here); a tag is medium; it is low
when every tag of the file is one of GitHub's own actions (`actions/*`, `github/*`) and
no job hands them a secret (no `secrets.X` but `GITHUB_TOKEN`, no `secrets:` to a
reusable workflow) or an OIDC token (`id-token: write`, `write-all`): a moved tag of
GitHub's own actions is a compromise of the platform that already runs the workflow,
holds its token and its cache, so pinning them there is hygiene (three blind
reviewers in a row judged such groups in code-scanning, stale-issue and pull-request
workflows low; beside a publishing token they stay medium: eight judged rows say
medium there, two later blind ones low). A tag is also low in a workflow that holds
nothing a moved tag could take: every job has an explicit read-only `permissions:`,
the file names no secret but `GITHUB_TOKEN` and passes none with `secrets:`, and
no job of the repository that builds what it publishes restores an Actions cache
(the jobs `actions/cache-poisoning` looks at, local install actions included) —
or the workflow runs only on `pull_request`/`merge_group`.

Why the cache is the repository's question and not the workflow's: every job gets
the Actions runtime token (`ACTIONS_RUNTIME_TOKEN`), which writes cache entries
whatever the job's `permissions:` say, and a moved tag runs with it. Entries written
by a run on a branch are restored by later runs on that branch, and entries of the
default branch by runs on any ref, a tag's release included; so a read-only lint
job on `push` to `main` can plant the entry a release job restores, whether or not
it caches anything itself. Runs on `pull_request` and `merge_group` write to their
merge ref's scope, which no release reads. On the 47 corpus repositories
(`bench/corpus`) this keeps 8 read-only groups at medium in the 3 repositories
whose publish jobs restore a cache (chainlit's install actions, docker-mailserver's
buildx layer cache, wger's), raises one read-only lint workflow on `push` there
from low to medium, and lowers 2 (binderhub, terraform-google-gke) that were
medium only because a job cached something or ran a local action while nothing
the repository publishes restores a cache; pull-request-only workflows beside a
cached release (docker-mailserver's docs preview) stay low.
Without a `permissions:` block the token is the repository's default, which may be
write, so the tag stays medium there. A missing ref is high. Local actions
(`./.github/actions/x`, or the self-repository form `$/.github/actions/x` that always
loads the workflow's own commit) and `docker://image@sha256:…` are fine;
`docker://image:tag` is medium (a tag can be re-pushed).

## Example
```yaml
- uses: actions/checkout@v4                    # medium: tag
- uses: docker/build-push-action@v6            # medium: third-party tag
- uses: some-org/deploy-action@main            # high: branch
```
Fine:
```yaml
- uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
- uses: ./.github/actions/setup
```

## Fix
Pin to the commit and keep the version in a comment so Dependabot (with a
`github-actions` entry) keeps updating both: `uses: owner/repo@<sha> # v4.2.2`.
`harden fix` does this offline for the actions in its bundled pin table
(`data/action-pins.json`, 32 widely used actions, read from their
repositories on 2026-11-22) when the line has no comment yet. For other actions,
pass a table of the same shape: `harden fix --pins my-pins.json`, or set
`[fix] pins = "my-pins.json"` in harden.toml (relative to that file); it is merged
over the bundled table, and actions it does not know either are left and listed in
the summary ("no pin known for …").

The repository's owner comes from `[repository] github = "owner/name"` in
harden.toml, else the `origin` remote in `.git/config` (read as a file), the
repository URL in the root `package.json`/`pyproject.toml`/`Cargo.toml`/`go.mod`,
or the owner the root README/SECURITY/CONTRIBUTING files link to for their own
issues, actions and releases; the finding's message says which source was used.

One problem, one finding: harden reports each file once per class — the
references that follow a branch (or have no ref) as one high finding, those on
tags as one medium finding — at the first reference, every other one as a
related location (SARIF and JSON keep them all, `harden fix` pins all the
ones it knows in one go). Pinning is one decision per workflow; a generated
matrix of 120 jobs was 1,979 findings for one repository under the old
one-per-reference policy, and read as noise.

zizmor's `unpinned-uses` reports the same references, one finding per
`uses:`, and by default accepts tags for first-party `actions/*` and
`github/*` actions; harden reports those tags too, at low where they hand
nothing beyond what GitHub holds, at medium beside a secret or an OIDC token
(OpenSSF Scorecard's Pinned-Dependencies asks for every one to be pinned), and
grades branches above tags.
"#,
};

/// Whether a ref looks like a version tag (`v4`, `v4.1.7`, `1.2`, `v0.36.0`, `release-1.2`).
pub fn looks_like_version(r: &str) -> bool {
    let t = r.trim_start_matches(['v', 'V']);
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

/// One unpinned reference.
struct Unpinned<'a> {
    node: &'a YamlNode,
    /// `owner/repo@ref` (or the image) as shown in messages.
    shown: String,
    /// Why it is unpinned, for the reference's own message.
    what: String,
    fix: Option<crate::finding::Edit>,
}

/// Whether a workflow holds nothing a moved tag could take: every job runs with an
/// explicit read-only token (its own `permissions:` or the workflow's, no `write`, no
/// `write-all`) and the file names no secret but the token itself (no `secrets.X`, no
/// `secrets: inherit`). Without a `permissions:` block the token is the repository
/// default, which may be write, so that workflow does not qualify. The Actions cache
/// is the repository's to judge, after the walk: see [`UnpinnedUses::settle`].
fn holds_nothing(root: &YamlNode, text: &str) -> bool {
    no_secret_and_every_token(root, text, |perms| match perms {
        Some(wf::Perms::ReadAll(_)) => true,
        Some(wf::Perms::Scopes(m)) => m.iter().all(|p| p.value.as_str() != Some("write")),
        Some(wf::Perms::WriteAll(_)) | None => false,
    })
}

/// Whether no job receives a secret (`secrets.X` named anywhere, `secrets:` passed
/// to a reusable workflow) or may mint an OIDC token (`id-token: write`, `write-all`),
/// whatever else its token may write.
fn hands_no_secret(root: &YamlNode, text: &str) -> bool {
    no_secret_and_every_token(root, text, |perms| match perms {
        Some(wf::Perms::WriteAll(_)) => false,
        Some(wf::Perms::Scopes(m)) => !m
            .iter()
            .any(|p| p.key == "id-token" && p.value.as_str() == Some("write")),
        Some(wf::Perms::ReadAll(_)) | None => true,
    })
}

/// The workflow has jobs, names no secret but `GITHUB_TOKEN`, passes none with
/// `secrets:`, and every job's effective `permissions:` pass `token_ok`.
fn no_secret_and_every_token(
    root: &YamlNode,
    text: &str,
    token_ok: impl Fn(Option<wf::Perms<'_>>) -> bool,
) -> bool {
    let jobs = wf::jobs(root);
    !jobs.is_empty()
        && !wf::names_a_secret(text)
        && jobs.iter().all(|job| {
            job.value.get("secrets").is_none() && token_ok(wf::effective_perms(root, &job.value))
        })
}

/// Whether a job runs only for pull requests (every trigger of the workflow is
/// `pull_request`, not `merge_group`, whose token is the repository default, or the job's `if:` requires `github.event_name ==
/// 'pull_request'`) and holds nothing beyond the pull request's token: no secret
/// named in the job, none passed to it, no OIDC token.
fn pull_request_job_without_secret(root: &YamlNode, job: &YamlNode, text: &str) -> bool {
    let triggers = wf::triggers(root);
    let pr_triggers = !triggers.is_empty() && triggers.iter().all(|t| t == "pull_request");
    let pr_condition = job.get("if").and_then(|c| c.as_str()).is_some_and(|c| {
        let c: String = c.chars().filter(|ch| !ch.is_whitespace()).collect();
        !c.contains("||")
            && (c.contains("github.event_name=='pull_request'")
                || c.contains("github.event_name==\"pull_request\""))
    });
    let job_text = text.get(job.span.clone()).unwrap_or_default();
    (pr_triggers || pr_condition)
        && job.get("secrets").is_none()
        && !wf::names_a_secret(job_text)
        && !matches!(wf::effective_perms(root, job), Some(wf::Perms::WriteAll(_)))
        && !matches!(wf::effective_perms(root, job), Some(wf::Perms::Scopes(m))
            if m.iter().any(|p| p.key == "id-token" && p.value.as_str() == Some("write")))
}

fn check(root: &YamlNode, cx: &FileCx<'_>, pins: &PinTable, out: &mut Sink<'_>) {
    let text = &cx.file.text;
    // Branch references inside jobs that only run for pull requests and hold no secret:
    // a push to the branch reaches a read-only or pull-request token and no more.
    let pr_only_jobs: Vec<std::ops::Range<usize>> = wf::jobs(root)
        .iter()
        .filter(|j| pull_request_job_without_secret(root, &j.value, text))
        .map(|j| j.value.span.clone())
        .collect();
    let mut pr_branches: Vec<Unpinned<'_>> = Vec::new();
    // Branch references in a workflow that holds nothing: every job's token explicitly
    // read-only (or none, `permissions: {}`) and no secret anywhere.
    let workflow_holds_nothing = holds_nothing(root, text);
    let mut quiet_branches: Vec<Unpinned<'_>> = Vec::new();
    // Two groups per file: references that follow a branch (or no ref), and
    // references pinned to a tag; each group is one finding.
    let mut branches: Vec<Unpinned<'_>> = Vec::new();
    // Branches of repositories this repository's own owner controls: one trust domain.
    let mut own_branches: Vec<Unpinned<'_>> = Vec::new();
    let mut platform_branches: Vec<Unpinned<'_>> = Vec::new();
    let mut tags: Vec<Unpinned<'_>> = Vec::new();
    // Whether every tag belongs to GitHub's own actions ([`PLATFORM_OWNERS`]).
    let mut platform_tags_only = true;
    let identity = cx.config.repository.as_ref();
    for uses in wf::all_uses(root) {
        let Some(value) = uses.as_str() else { continue };
        let (action, git_ref) = match wf::parse_uses(value) {
            UsesRef::Repo { action, git_ref } => (action, git_ref),
            UsesRef::Docker { digest: false } => {
                let image = value.trim().trim_start_matches("docker://");
                // Untagged and `:latest` images are `actions/unpinned-images`.
                if matches!(
                    super::unpinned_images::image_tag(image).0,
                    None | Some("latest")
                ) {
                    continue;
                }
                platform_tags_only = false;
                tags.push(Unpinned {
                    node: uses,
                    shown: format!("docker://{image}"),
                    what: format!(
                        "container action `{image}` is referenced by tag, which can be re-pushed"
                    ),
                    fix: None,
                });
                continue;
            }
            _ => continue,
        };
        if wf::is_full_sha(&git_ref) {
            continue;
        }
        let known_tag = pins.pin_for(&action, &git_ref).is_some();
        let fix = fix_for(uses, text, &action, &git_ref, pins, out);
        if git_ref.is_empty() {
            branches.push(Unpinned {
                node: uses,
                shown: action.clone(),
                what: format!("`{action}` has no ref at all (the default branch)"),
                fix,
            });
        } else if known_tag || looks_like_version(&git_ref) {
            platform_tags_only &= PLATFORM_OWNERS.contains(&action.split('/').next().unwrap_or(""));
            tags.push(Unpinned {
                node: uses,
                shown: format!("{action}@{git_ref}"),
                what: format!("`{action}` is pinned to the tag `{git_ref}`, which can be moved"),
                fix,
            });
        } else {
            let owner = action.split('/').next().unwrap_or("");
            let own = identity.filter(|id| id.owns(owner));
            // GitHub's own actions come from the platform that runs the workflow: a push
            // to their branch is GitHub's code, like the runner's, so one trust domain.
            let platform = PLATFORM_OWNERS.contains(&owner);
            let unpinned = Unpinned {
                node: uses,
                shown: format!("{action}@{git_ref}"),
                what: match own {
                    Some(id) => format!(
                        "`{action}` follows the branch `{git_ref}` of a repository of this repository's owner `{}` (learned from {}): every push to it runs here",
                        id.owner, id.source
                    ),
                    None if platform => format!(
                        "`{action}` follows the branch `{git_ref}` of GitHub's own actions (the platform that runs this workflow): every push to it runs here"
                    ),
                    None => format!(
                        "`{action}` follows the branch `{git_ref}`: every push to it runs here"
                    ),
                },
                fix,
            };
            if own.is_some() {
                own_branches.push(unpinned);
            } else if pr_only_jobs
                .iter()
                .any(|j| j.start <= uses.span.start && uses.span.end <= j.end)
            {
                pr_branches.push(unpinned);
            } else if workflow_holds_nothing && !platform {
                quiet_branches.push(unpinned);
            } else if platform {
                platform_branches.push(unpinned);
            } else {
                branches.push(unpinned);
            }
        }
    }
    report_group(
        branches,
        Severity::High,
        "follow a branch or have no ref",
        "",
        cx,
        out,
    );
    report_group(
        pr_branches,
        Severity::Medium,
        "follow a branch",
        " (medium: only in jobs that run for pull requests and hold no secret)",
        cx,
        out,
    );
    report_group(
        quiet_branches,
        Severity::Medium,
        "follow a branch",
        BRANCH_QUIET_NOTE,
        cx,
        out,
    );
    report_group(
        own_branches,
        Severity::Medium,
        "follow a branch of a repository this repository's owner controls",
        "",
        cx,
        out,
    );
    report_group(
        platform_branches,
        Severity::Medium,
        "follow a branch of GitHub's own actions",
        "",
        cx,
        out,
    );
    // A moved tag in a workflow that holds no secret and only a read-only token can
    // read the code and no more: hygiene, low. Branches stay as they are: they move on
    // every push, not only when someone rewrites a release.
    // Tags of GitHub's own actions alone, in a workflow that hands them no secret
    // and no OIDC token, can take only what the platform running the workflow holds
    // already: pinning them is hygiene, low.
    let (tag_severity, note) = if platform_tags_only && hands_no_secret(root, text) {
        (Severity::Low, PLATFORM_LOW_NOTE)
    } else if holds_nothing(root, text) {
        (Severity::Low, LOW_NOTE)
    } else {
        (Severity::Medium, "")
    };
    report_group(
        tags,
        tag_severity,
        "are pinned to tags that can be moved",
        note,
        cx,
        out,
    );
}

/// Owners of GitHub's own actions: the platform that runs every workflow.
const PLATFORM_OWNERS: &[&str] = &["actions", "github"];

/// The note of a tag group made low by [`holds_nothing`]; [`UnpinnedUses::settle`]
/// finds those findings by it.
const LOW_NOTE: &str = " (low: the workflow holds no secret and only a read-only token)";

/// The note of a branch group made medium by [`holds_nothing`]: a push to the branch
/// runs in a job with no secret and no write token. [`UnpinnedUses::settle`] raises it
/// to high when a publishing job restores a cache such a job can write.
const BRANCH_QUIET_NOTE: &str =
    " (medium: the workflow holds no secret and only a read-only token)";

/// The note of a tag group made low because every tag is one of GitHub's own actions
/// and the workflow hands them no secret; [`UnpinnedUses::settle`] leaves it low (a
/// moved tag there is a compromise of the platform that runs the cache too).
const PLATFORM_LOW_NOTE: &str =
    " (low: only GitHub's own actions, and the workflow hands them no secret and no OIDC token)";

/// Events whose runs write caches only to a scope no release build reads: a pull
/// request's merge ref, a merge queue's temporary branch.
const PR_SCOPED: &[&str] = &["pull_request", "merge_group"];

/// One finding for a group of unpinned references: at the first, the others related.
fn report_group(
    group: Vec<Unpinned<'_>>,
    severity: Severity,
    why: &str,
    note: &str,
    cx: &FileCx<'_>,
    out: &mut Sink<'_>,
) {
    let Some(first) = group.first() else { return };
    let message = if group.len() == 1 {
        let remedy = if first.shown.starts_with("docker://") {
            "pin it by `@sha256:` digest"
        } else {
            "pin it to a full commit SHA"
        };
        format!("{}; {remedy}{note}", first.what)
    } else {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for u in &group {
            match counts.iter_mut().find(|(s, _)| *s == u.shown) {
                Some(c) => c.1 += 1,
                None => counts.push((u.shown.clone(), 1)),
            }
        }
        let mut listed: Vec<String> = counts
            .iter()
            .take(4)
            .map(|(s, n)| {
                if *n > 1 {
                    format!("`{s}` ×{n}")
                } else {
                    format!("`{s}`")
                }
            })
            .collect();
        if counts.len() > 4 {
            listed.push(format!("{} more", counts.len() - 4));
        }
        format!(
            "{} action references in this file {why} ({}); pin each to a full commit SHA{}{note}",
            group.len(),
            listed.join(", "),
            if group.iter().any(|u| u.shown.starts_with("docker://")) {
                " (a container action by `@sha256:` digest)"
            } else {
                ""
            }
        )
    };
    let related: Vec<_> = group[1..]
        .iter()
        .map(|u| cx.locate(u.node.span.clone(), u.what.clone()))
        .collect();
    let edits: Vec<_> = group.iter().filter_map(|u| u.fix.clone()).collect();
    let fixable = edits.len();
    let f = out.report(first.node.span.clone(), message);
    f.severity = severity;
    f.related = related.into();
    f.grouped = true;
    if fixable > 0 {
        let title = if fixable == 1 {
            "Pin 1 action reference to its commit".to_string()
        } else {
            format!("Pin {fixable} action references to their commits")
        };
        f.fix = Some(Fix::safe(title, edits));
    }
}

/// `uses: a/b@v4` → `uses: a/b@<sha> # v4.x.y` when the table knows the tag and
/// the line has nothing after the value.
fn fix_for(
    uses: &YamlNode,
    text: &str,
    action: &str,
    git_ref: &str,
    pins: &PinTable,
    out: &Sink<'_>,
) -> Option<crate::finding::Edit> {
    let scalar = uses.as_scalar()?;
    if scalar.style != ScalarStyle::Plain {
        return None;
    }
    let (sha, comment) = pins.pin_with_comment(action, git_ref)?;
    let rest = text.get(uses.span.end..)?;
    let line_rest = rest.split('\n').next().unwrap_or("");
    if !line_rest.trim().is_empty() {
        return None;
    }
    out.edit(uses.span.clone(), format!("{action}@{sha} # {comment}"))
}

impl Rule for UnpinnedUses {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let pins = actions_pins::table_for(cx.config);
        for root in wf::roots(yaml) {
            check(root, cx, &pins, out);
        }
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let pins = actions_pins::table_for(cx.config);
        for root in wf::roots(yaml) {
            check(root, cx, &pins, out);
        }
    }

    fn settles(&self) -> bool {
        true
    }

    /// A read-only workflow still holds the Actions cache: every job gets the runtime
    /// token that writes cache entries whatever its `permissions:`, and entries a run on
    /// a branch writes are restored by later runs on that branch and, from the default
    /// branch, by runs on any ref (a tag's release included). So a moved tag in such a
    /// workflow is low only when no job that builds what the repository publishes
    /// restores a cache, or when the workflow runs only on pull requests and merge
    /// queues (their entries are scoped to a ref no release reads).
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let restores = repo.workflows.publishing_restores();
        let Some(first) = restores.first() else {
            return;
        };
        let poisonable = |path: &str| {
            repo.workflows
                .files()
                .find(|f| f.path == path)
                .is_none_or(|f| f.triggers.iter().any(|t| !PR_SCOPED.contains(&t.as_str())))
        };
        let at = match first.cache.through {
            Some(call) => call.at.clone(),
            None => first.cache.cache.at.clone(),
        };
        for f in own.iter_mut() {
            let (note, raised) = if f.severity == Severity::Low && f.message.ends_with(LOW_NOTE) {
                (LOW_NOTE, Severity::Medium)
            } else if f.severity == Severity::Medium && f.message.ends_with(BRANCH_QUIET_NOTE) {
                (BRANCH_QUIET_NOTE, Severity::High)
            } else {
                continue;
            };
            if !poisonable(&f.path) {
                continue;
            }
            let was = f.severity;
            f.severity = raised;
            let keep = f.message.len() - note.len();
            f.message.truncate(keep);
            f.message.push_str(&format!(
                " ({} although the workflow holds no secret and only a read-only token: any job's runtime token writes Actions cache entries, and `{}` job `{}` restores one into what it publishes)",
                if was == Severity::Low { "medium" } else { "high" },
                first.file.path,
                first.job.id
            ));
            let mut rel = at.clone();
            rel.message = format!(
                "restores a cache in a publishing job ({} in all)",
                restores.len()
            );
            f.related.push(rel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(looks_like_version("v4"));
        assert!(looks_like_version("v0.36.0"));
        assert!(looks_like_version("1.2.3"));
        assert!(!looks_like_version("main"));
        assert!(!looks_like_version("stable"));
    }

    #[test]
    fn secrets_named() {
        assert!(wf::names_a_secret("token: ${{ secrets.CODECOV_TOKEN }}"));
        assert!(wf::names_a_secret("X: ${{ secrets['PYPI'] }}"));
        assert!(wf::names_a_secret("ALL: ${{ toJSON(secrets) }}"));
        assert!(!wf::names_a_secret(
            "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}"
        ));
        assert!(!wf::names_a_secret("token: ${{ Secrets.github_token }}"));
        assert!(!wf::names_a_secret(
            "# forks lack access to secrets for security reasons"
        ));
        assert!(!wf::names_a_secret("uses: org/has-secrets.yml@v1"));
    }
}
