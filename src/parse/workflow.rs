//! What GitHub Actions workflows and composite actions are made of, read from the
//! parsed YAML: jobs, steps, and what each `uses:` names (an action of this
//! repository, a Docker image, or another repository at a ref). Rules and the SBOM
//! read workflows through these, so both see the same `uses:`.

use std::ops::Range;

use crate::parse::yaml::{YamlFile, YamlNode, YamlPair};

/// What a `uses:` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsesRef {
    /// `./path` — an action in this repository.
    Local,
    /// `docker://image[:tag|@digest]`.
    Docker {
        /// Whether it is pinned by `@sha256:` digest.
        digest: bool,
    },
    /// `owner/repo[/path]@ref`.
    Repo {
        /// `owner/repo[/path]`.
        action: String,
        /// The ref after `@` (empty when missing).
        git_ref: String,
    },
}

/// Parses a `uses:` value.
pub fn parse_uses(s: &str) -> UsesRef {
    let s = s.trim();
    if s.starts_with("./") || s.starts_with(".\\") {
        return UsesRef::Local;
    }
    if let Some(img) = s.strip_prefix("docker://") {
        return UsesRef::Docker {
            digest: img.contains("@sha256:"),
        };
    }
    match s.rsplit_once('@') {
        Some((a, r)) => UsesRef::Repo {
            action: a.to_string(),
            git_ref: r.to_string(),
        },
        None => UsesRef::Repo {
            action: s.to_string(),
            git_ref: String::new(),
        },
    }
}

/// Whether `r` is a full commit SHA (40 hex digits, or 64 for SHA-256 repositories).
pub fn is_full_sha(r: &str) -> bool {
    (r.len() == 40 || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The repository part, lower-cased (`actions/checkout` for `actions/checkout@v4`).
pub fn action_name(uses: &str) -> String {
    match parse_uses(uses) {
        UsesRef::Repo { action, .. } => action.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The text of the `# comment` after `end` on the same line, if any, with its span.
pub fn trailing_comment(text: &str, end: usize) -> Option<(&str, Range<usize>)> {
    let rest = text.get(end..)?;
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..line_end];
    let hash = line.find('#')?;
    if !line[..hash].trim().is_empty() {
        return None;
    }
    let body = line[hash + 1..].trim_end_matches('\r');
    let start = end + hash;
    Some((body.trim(), start..start + 1 + body.len()))
}

/// The root mapping of each document.
pub fn roots(yaml: &YamlFile) -> impl Iterator<Item = &YamlNode> {
    yaml.documents.iter().filter_map(|d| d.root.as_ref())
}

/// Jobs as `(id pair, job node)`.
pub fn jobs(root: &YamlNode) -> &[YamlPair] {
    root.get("jobs").and_then(|j| j.as_map()).unwrap_or(&[])
}

/// Steps of a job (or of a composite action's `runs`).
pub fn steps(job: &YamlNode) -> &[YamlNode] {
    job.get("steps").and_then(|s| s.as_seq()).unwrap_or(&[])
}

/// Steps of a composite action.
pub fn action_steps(root: &YamlNode) -> &[YamlNode] {
    root.at(&["runs", "steps"])
        .and_then(|s| s.as_seq())
        .unwrap_or(&[])
}

/// Every `uses:` value of a workflow (job-level reusable workflows and steps) or,
/// for a composite action, of its steps.
pub fn all_uses(root: &YamlNode) -> Vec<&YamlNode> {
    let mut out = Vec::new();
    for job in jobs(root) {
        if let Some(u) = job.value.get("uses") {
            out.push(u);
        }
        for step in steps(&job.value) {
            if let Some(u) = step.get("uses") {
                out.push(u);
            }
        }
    }
    for step in action_steps(root) {
        if let Some(u) = step.get("uses") {
            out.push(u);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_refs() {
        assert_eq!(parse_uses("./.github/actions/setup"), UsesRef::Local);
        assert_eq!(
            parse_uses("docker://alpine@sha256:abc"),
            UsesRef::Docker { digest: true }
        );
        assert_eq!(
            parse_uses("github/codeql-action/upload-sarif@v3"),
            UsesRef::Repo {
                action: "github/codeql-action/upload-sarif".into(),
                git_ref: "v3".into()
            }
        );
        assert!(is_full_sha("692973e3d937129bcbf40652eb9f2f61becf3332"));
        assert!(!is_full_sha("692973e"));
    }

    #[test]
    fn comments_after_values() {
        let t = "uses: a/b@0123 # v4.1.7\n";
        let end = t.find(" #").unwrap();
        let (c, span) = trailing_comment(t, end).unwrap();
        assert_eq!(c, "v4.1.7");
        assert_eq!(&t[span], "# v4.1.7");
        assert!(trailing_comment("a: b\n", 4).is_none());
    }
}
