//! `actions/pin-comment-mismatch`: a SHA-pinned `uses:` whose `# vX.Y.Z` comment
//! names another release than the one the SHA is.

use crate::actions_pins;
use crate::finding::{Fix, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, UsesRef};

/// See [`META`].
pub struct PinCommentMismatch;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/pin-comment-mismatch",
    summary: "Pinned action SHA whose version comment names a different release",
    severity: Severity::Low,
    docs: r#"
## Why
`uses: owner/action@<sha> # v4.1.7` is the recommended pin: the SHA is what
runs, the comment is what reviewers and Dependabot read. When the comment names
another release than the SHA, reviewers approve an upgrade that did not happen
(or miss one that did), Dependabot proposes the wrong updates, and a malicious
pull request can hide an old, vulnerable or attacker-chosen commit behind a
reassuring comment.

harden checks the comment against its bundled table of release tags
(`data/action-pins.json`: 32 widely used actions, tags read on 2026-11-22). A
comment with only a major or minor version (`# v4`) is accepted when the SHA is
one of that line's releases. SHAs the table does not know are not judged.
Low: the SHA is what runs and it is immutable; a stale comment misleads
reviewers and update tools, it does not change the code that runs.

## Example
```yaml
# The SHA is actions/checkout v4.1.7, the comment says v4.2.2:
- uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.2.2
```
Fine:
```yaml
- uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
```

## Fix
Correct the comment to the release the SHA is (or, if the comment is what you
meant, the SHA to that release's commit). `harden fix` rewrites the comment
(safe: the code that runs does not change). zizmor has no equivalent check
offline (its `ref-version-mismatch` audit needs the GitHub API).
"#,
};

/// The version a pin comment claims: the first word that looks like a version,
/// after optional `tag=`/`pin @` prefixes (`v4.1.7`, `tag=v4`, `v2.1.0 (2024)`).
pub fn claimed_version(comment: &str) -> Option<&str> {
    comment
        .split(|c: char| c.is_whitespace() || matches!(c, '=' | '@' | ',' | '(' | ')'))
        .find(|w| super::unpinned_uses::looks_like_version(w))
}

/// Whether `claimed` agrees with one of the tags at the SHA.
fn agrees(claimed: &str, tags: &[String]) -> bool {
    let norm = |t: &str| t.trim_start_matches(['v', 'V']).to_string();
    let c = norm(claimed);
    tags.iter().any(|t| {
        let t = norm(t);
        t == c || t.starts_with(&format!("{c}."))
    })
}

fn check(root: &YamlNode, text: &str, out: &mut Sink<'_>) {
    for uses in wf::all_uses(root) {
        let Some(value) = uses.as_str() else { continue };
        let UsesRef::Repo { action, git_ref } = wf::parse_uses(value) else {
            continue;
        };
        if !wf::is_full_sha(&git_ref) || !actions_pins::knows(&action) {
            continue;
        }
        let Some((comment, comment_span)) = wf::trailing_comment(text, uses.span.end) else {
            continue;
        };
        let Some(claimed) = claimed_version(comment) else {
            continue;
        };
        let tags = actions_pins::tags_for(&action, &git_ref);
        if tags.is_empty() || agrees(claimed, tags) {
            continue;
        }
        let actual = tags[0].as_str();
        let message = format!(
            "the comment says `{claimed}` but this SHA of `{action}` is `{actual}`; a reviewer or Dependabot reading the comment is misled"
        );
        let edit = out.edit(comment_span, format!("# {actual}"));
        let f = out.report(
            uses.span.start..comment_span_end(text, uses.span.end),
            message,
        );
        if let Some(e) = edit {
            f.fix = Some(Fix::safe(
                format!("Correct the comment to {actual}"),
                vec![e],
            ));
        }
    }
}

fn comment_span_end(text: &str, from: usize) -> usize {
    text.get(from..)
        .and_then(|r| r.find('\n'))
        .map_or(text.len(), |i| from + i)
        .max(from)
}

impl Rule for PinCommentMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check(root, &cx.file.text, out);
        }
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check(root, &cx.file.text, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_and_agreement() {
        assert_eq!(claimed_version("v4.1.7"), Some("v4.1.7"));
        assert_eq!(claimed_version("tag=v4"), Some("v4"));
        assert_eq!(claimed_version("pin @v2.0.1 (security)"), Some("v2.0.1"));
        assert_eq!(claimed_version("latest"), None);
        let tags = vec!["v4.1.7".to_string()];
        assert!(agrees("v4.1.7", &tags));
        assert!(agrees("v4", &tags));
        assert!(agrees("4.1", &tags));
        assert!(!agrees("v4.2.2", &tags));
        assert!(!agrees("v4.1", &["v4.10.0".to_string()]));
    }
}
