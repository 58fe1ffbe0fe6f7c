//! `actions/archived-uses`: actions whose repository is archived.

use std::sync::OnceLock;

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct ArchivedUses;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/archived-uses",
    summary:
        "Action or reusable workflow from an archived repository: no fixes, no security updates",
    severity: Severity::Medium,
    docs: r#"
## Why
An archived repository is read-only: its maintainers have stopped, and a bug
or vulnerability in the action will never be fixed there. Archived actions
also tend to run on deprecated runtimes (Node 12/16) that GitHub turns off,
and an owner that is later deleted or renamed can be re-registered by someone
else, who then serves code under the old name to every workflow that still
references it.

The list is offline (`data/archived-actions.tsv`, one row per repository
with what to use instead), checked against each repository's archive banner;
it overlaps the list zizmor curates. Reported at medium, the first-party
`actions/*` ones included (`actions/create-release`, `actions/setup-ruby`…).
zizmor's `archived-uses` reports the same references at medium; its list is
longer (it also covers rarely used actions), harden's says what replaces
each one.

## Example
```yaml
- uses: actions/create-release@0cb9c9b65d5d1901c1f53e5e66eaf4afd303e70e # v1.1.4
- uses: actions-rs/toolchain@16499b5e05bf2e26879000db0c1d13f7e13fa3af # v1.0.7
```

## Fix
Move to the maintained replacement the message names (for the two above:
`softprops/action-gh-release` or `gh release create`, and
`dtolnay/rust-toolchain`).
"#,
};

/// The bundled table: lower-case `owner/repo` → replacement.
fn table() -> &'static Vec<(String, String)> {
    static T: OnceLock<Vec<(String, String)>> = OnceLock::new();
    T.get_or_init(|| {
        include_str!("../../../data/archived-actions.tsv")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| l.split_once('\t'))
            .map(|(a, r)| (a.trim().to_ascii_lowercase(), r.trim().to_string()))
            .collect()
    })
}

/// The replacement for an archived action (`owner/repo[/path]`, any case).
pub fn archived(action: &str) -> Option<&'static str> {
    let lower = action.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let repo = format!("{}/{}", parts.next()?, parts.next()?);
    table()
        .iter()
        .find(|(a, _)| *a == repo)
        .map(|(_, r)| r.as_str())
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for (uses, action) in wf::repo_uses(root) {
        if let Some(instead) = archived(&action) {
            out.report(
                uses.span.clone(),
                format!("`{action}` lives in an archived repository: it gets no fixes or security updates; use {instead}"),
            );
        }
    }
}

workflow_and_action_rule!(ArchivedUses);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_and_matches_subpaths() {
        assert!(table().len() > 20);
        assert!(archived("ACTIONS/SETUP-RUBY").is_some());
        assert!(archived("actions/setup-ruby/.github/workflows/x.yml").is_some());
        assert!(archived("actions/setup-python").is_none());
        for (a, r) in table() {
            assert_eq!(a.split('/').count(), 2, "{a}");
            assert!(!r.is_empty(), "{a}");
        }
    }
}
