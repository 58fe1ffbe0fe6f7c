//! `actions/typosquat-uses`: an action name one typo away from a popular action.

use std::sync::OnceLock;

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct TyposquatUses;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/typosquat-uses",
    summary: "`uses:` owner one typo away from a popular action's owner (`actoins/checkout`, `dokcer/login-action`)",
    severity: Severity::High,
    docs: r#"
## Why
Attackers register GitHub accounts whose names are one keystroke away from
popular action owners — `action/checkout`, `actions-/checkout`,
`acti0ns/checkout`, `dokcer/login-action` — and publish a working copy of the
action with a payload that steals the job's token and secrets. A typo in a
workflow, or a pasted snippet from a poisoned tutorial, runs it.

The rule compares the owner of every `uses:` with the owners of a bundled
list of widely used actions (`data/popular-actions.txt`): same repository
name, owner one edit away (a character missing, added, swapped with its
neighbour, replaced, or a look-alike such as `0`/`o`, `1`/`l`, `rn`/`m`).
A different action of the same owner is not a squat (the owner controls
both). Reported at high: if the name resolves, it is someone else's code with
your token. zizmor's `typosquat-uses` checks the same kinds of edits against
its own list of popular actions.

## Example
```yaml
- uses: actoins/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
```

## Fix
Correct the owner (`actions/checkout`), and check the job's logs and the
repository's secrets if the workflow has already run.
"#,
};

fn popular() -> &'static Vec<(String, String)> {
    static P: OnceLock<Vec<(String, String)>> = OnceLock::new();
    P.get_or_init(|| {
        include_str!("../../../data/popular-actions.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                l.trim()
                    .to_ascii_lowercase()
                    .split_once('/')
                    .map(|(o, r)| (o.to_string(), r.to_string()))
            })
            .collect()
    })
}

/// Look-alike characters folded to one form.
fn fold(s: &str) -> String {
    s.replace("rn", "m")
        .replace("vv", "w")
        .chars()
        .map(|c| match c {
            '0' => 'o',
            '1' | 'i' => 'l',
            '5' => 's',
            _ => c,
        })
        .collect()
}

/// Whether `a` and `b` differ by exactly one insertion, deletion, substitution or
/// swap of neighbours.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b {
        return false;
    }
    match a.len() as isize - b.len() as isize {
        0 => {
            let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            diff.len() == 1
                || (diff.len() == 2
                    && diff[1] == diff[0] + 1
                    && a[diff[0]] == b[diff[1]]
                    && a[diff[1]] == b[diff[0]])
        }
        1 | -1 => {
            let (long, short) = if a.len() > b.len() {
                (&a, &b)
            } else {
                (&b, &a)
            };
            let i = (0..short.len())
                .find(|&i| long[i] != short[i])
                .unwrap_or(short.len());
            long[i + 1..] == short[i..]
        }
        _ => false,
    }
}

/// The popular action `owner/repo` imitates, if any.
pub fn squatted(action: &str) -> Option<String> {
    let lower = action.to_ascii_lowercase();
    let mut parts = lower.split('/');
    let (owner, repo) = (parts.next()?, parts.next()?);
    if owner.len() < 3 {
        return None;
    }
    for (po, pr) in popular() {
        if po == owner || pr != repo {
            continue;
        }
        if popular().iter().any(|(o, r)| o == owner && r == repo) {
            return None;
        }
        if one_edit(owner, po) || (fold(owner) == fold(po)) {
            return Some(format!("{po}/{pr}"));
        }
    }
    None
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for (uses, action) in wf::repo_uses(root) {
        if let Some(real) = squatted(&action) {
            out.report(
                uses.span.clone(),
                format!("`{action}` is one typo away from `{real}`: a look-alike owner can serve a copy that steals the job's token and secrets; use `{real}`"),
            );
        }
    }
}

workflow_and_action_rule!(TyposquatUses);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits() {
        assert!(one_edit("action", "actions"));
        assert!(one_edit("cations", "actions"));
        assert!(one_edit("acti0ns", "actions"));
        assert!(one_edit("actiions", "actions"));
        assert!(one_edit("dokcer", "docker"));
        assert!(!one_edit("docker", "docker"));
        assert!(!one_edit("dckr", "docker"));
    }

    #[test]
    fn squats() {
        assert_eq!(
            squatted("action/checkout").as_deref(),
            Some("actions/checkout")
        );
        assert_eq!(
            squatted("dokcer/login-action").as_deref(),
            Some("docker/login-action")
        );
        assert_eq!(
            squatted("actlons/checkout").as_deref(),
            Some("actions/checkout")
        );
        assert_eq!(squatted("actions/chckout"), None);
        assert_eq!(squatted("actions/checkout"), None);
        assert_eq!(squatted("example/totally-different-thing"), None);
        assert_eq!(squatted("my-org/checkout"), None);
    }
}
