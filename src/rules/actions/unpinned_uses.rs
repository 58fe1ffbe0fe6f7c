//! `actions/unpinned-uses`: `uses:` pinned to a tag or a branch instead of a commit SHA.

use crate::actions_pins::{self, PinTable};
use crate::finding::{Fix, Severity};
use crate::parse::yaml::{ScalarStyle, YamlFile, YamlNode};
use crate::workflows::wf::{self, UsesRef};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

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
push; a tag is medium, GitHub's own actions (`actions/*`, `github/*`)
included: their tags are as movable as anyone's. A missing ref is high. Local actions
(`./.github/actions/x`) and `docker://image@sha256:…` are fine;
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

zizmor's `unpinned-uses` reports the same references (tags and branches alike,
first-party actions included); harden grades branches above tags.
"#,
};

/// Whether a ref looks like a version tag (`v4`, `v4.1.7`, `1.2`, `v0.36.0`, `release-1.2`).
pub fn looks_like_version(r: &str) -> bool {
    let t = r.trim_start_matches(['v', 'V']);
    t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

fn check(root: &YamlNode, text: &str, pins: &PinTable, out: &mut Sink<'_>) {
    for uses in wf::all_uses(root) {
        let Some(value) = uses.as_str() else { continue };
        let (action, git_ref) = match wf::parse_uses(value) {
            UsesRef::Repo { action, git_ref } => (action, git_ref),
            UsesRef::Docker { digest: false } => {
                let image = value.trim().trim_start_matches("docker://");
                out.report(
                    uses.span.clone(),
                    format!("container action `{image}` is referenced by tag, which can be re-pushed; pin it by `@sha256:` digest"),
                );
                continue;
            }
            _ => continue,
        };
        if wf::is_full_sha(&git_ref) {
            continue;
        }
        let known_tag = pins.pin_for(&action, &git_ref).is_some();
        let (severity, what) = if git_ref.is_empty() {
            (
                Severity::High,
                "has no ref at all (the default branch)".to_string(),
            )
        } else if known_tag || looks_like_version(&git_ref) {
            (
                Severity::Medium,
                format!("is pinned to the tag `{git_ref}`, which can be moved"),
            )
        } else {
            (
                Severity::High,
                format!("follows the branch `{git_ref}`: every push to it runs here"),
            )
        };
        let message = format!("`{action}` {what}; pin it to a full commit SHA");
        let fix = fix_for(uses, text, &action, &git_ref, pins, out);
        let f = out.report(uses.span.clone(), message);
        f.severity = severity;
        f.fix = fix;
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
) -> Option<Fix> {
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
    let edit = out.edit(uses.span.clone(), format!("{action}@{sha} # {comment}"))?;
    Some(Fix::safe(
        format!("Pin {action} to {comment} ({})", &sha[..12.min(sha.len())]),
        vec![edit],
    ))
}

impl Rule for UnpinnedUses {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let pins = actions_pins::table_for(cx.config);
        for root in wf::roots(yaml) {
            check(root, &cx.file.text, &pins, out);
        }
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let pins = actions_pins::table_for(cx.config);
        for root in wf::roots(yaml) {
            check(root, &cx.file.text, &pins, out);
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
}
