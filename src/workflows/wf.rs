//! Shared reading of workflows and composite actions: triggers, jobs, steps,
//! `uses:` references, `${{ }}` expressions and effective permissions.

use std::ops::Range;

use crate::mapped::MappedText;
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

/// Whether a step `uses:` this action (`owner/repo` or `owner/repo/path`, case-insensitive).
pub fn step_uses(step: &YamlNode, action: &str) -> bool {
    step.get("uses")
        .and_then(|u| u.as_str())
        .is_some_and(|u| action_name(u) == action)
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

/// The events a workflow runs on (`on:` as a string, a list or a map).
pub fn triggers(root: &YamlNode) -> Vec<String> {
    let Some(on) = root.get("on").or_else(|| root.get("true")) else {
        return Vec::new();
    };
    if let Some(map) = on.as_map() {
        return map.iter().map(|p| p.key.clone()).collect();
    }
    on.strings().iter().map(|s| s.to_string()).collect()
}

/// Events through which someone without write access can start a run (and
/// control parts of its `github.event`).
pub fn external_trigger(t: &str) -> bool {
    matches!(
        t,
        "pull_request_target"
            | "issue_comment"
            | "issues"
            | "pull_request_review"
            | "pull_request_review_comment"
            | "discussion"
            | "discussion_comment"
            | "workflow_run"
            | "fork"
            | "watch"
    )
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

/// One `${{ … }}` expression inside a scalar.
#[derive(Debug, Clone)]
pub struct Expr {
    /// Inner text, trimmed (`github.event.issue.title`).
    pub inner: String,
    /// Host-file span of the whole `${{ … }}`.
    pub host: Range<usize>,
    /// Decoded-text span of the whole `${{ … }}`.
    pub span: Range<usize>,
}

/// Every `${{ … }}` in a decoded scalar.
pub fn expressions(m: &MappedText) -> Vec<Expr> {
    let t = &m.text;
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = t.get(from..).and_then(|s| s.find("${{")).map(|i| i + from) {
        let Some(end) = t[start..].find("}}").map(|i| start + i + 2) else {
            break;
        };
        let inner = t[start + 3..end - 2].trim().to_string();
        out.push(Expr {
            inner,
            host: m.range_to_host(&(start..end)),
            span: start..end,
        });
        from = end;
    }
    out
}

/// Context paths referenced by an expression (`github.event.issue.title`,
/// `inputs.name`), lower-cased, with `['x']` index syntax normalised to `.x`.
pub fn context_refs(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            // Skip string literals.
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            let mut s = String::new();
            while i < b.len() {
                let c = b[i];
                if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'*') {
                    s.push(c.to_ascii_lowercase() as char);
                    i += 1;
                } else if c == b'[' {
                    // ['name'] or [0] or [*]
                    let Some(close) = expr[i..].find(']') else {
                        break;
                    };
                    let idx = expr[i + 1..i + close].trim().trim_matches(['\'', '"']);
                    s.push('.');
                    s.push_str(&idx.to_ascii_lowercase());
                    i += close + 1;
                } else {
                    break;
                }
            }
            // A function call (`contains(`) is not a context.
            if b.get(i) == Some(&b'(') || start > 0 && b[start - 1] == b'.' {
                continue;
            }
            if s.contains('.') {
                out.push(s);
            }
            continue;
        }
        i += 1;
    }
    out
}

/// A permissions block as written: `write-all`, `read-all`, `{}` or a map of scopes.
#[derive(Debug, Clone)]
pub enum Perms<'a> {
    /// `permissions: write-all`.
    WriteAll(&'a YamlNode),
    /// `permissions: read-all`.
    ReadAll,
    /// `permissions: {}` or a map of scopes.
    Scopes(&'a [YamlPair]),
}

impl<'a> Perms<'a> {
    /// Reads a `permissions:` value.
    pub fn of(node: &'a YamlNode) -> Option<Perms<'a>> {
        if let Some(s) = node.as_str() {
            return match s {
                "write-all" => Some(Perms::WriteAll(node)),
                "read-all" => Some(Perms::ReadAll),
                _ => None,
            };
        }
        if let Some(m) = node.as_map() {
            return Some(Perms::Scopes(m));
        }
        if node.is_null() {
            return Some(Perms::Scopes(&[]));
        }
        None
    }

    /// Whether the token may write `scope`.
    pub fn can_write(&self, scope: &str) -> bool {
        match self {
            Perms::WriteAll(_) => true,
            Perms::ReadAll => false,
            Perms::Scopes(m) => m
                .iter()
                .any(|p| p.key == scope && p.value.as_str() == Some("write")),
        }
    }
}

/// The permissions that apply to a job: its own block, else the workflow's, else `None`
/// (the repository default, unknown from the file).
pub fn effective_perms<'a>(root: &'a YamlNode, job: &'a YamlNode) -> Option<Perms<'a>> {
    job.get("permissions")
        .or_else(|| root.get("permissions"))
        .and_then(Perms::of)
}

/// A `with:` input of a step, as a string.
pub fn with_str<'a>(step: &'a YamlNode, key: &str) -> Option<&'a str> {
    step.get("with")
        .and_then(|w| w.get(key))
        .and_then(|v| v.as_str())
}

/// The job that calls a reusable workflow (`uses:` at job level) has no steps.
pub fn is_reusable_call(job: &YamlNode) -> bool {
    job.get("uses").is_some()
}

/// The file's line ending (`\r\n` when its first line ends so), for inserted lines.
pub fn eol(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
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

    #[test]
    fn context_references() {
        assert_eq!(
            context_refs("github.event.issue.title"),
            vec!["github.event.issue.title"]
        );
        assert_eq!(
            context_refs("contains(github.event.pull_request.labels.*.name, 'x') && inputs['tag']"),
            vec!["github.event.pull_request.labels.*.name", "inputs.tag"]
        );
        assert_eq!(
            context_refs("'github.event.x' == 'y'"),
            Vec::<String>::new()
        );
        assert_eq!(
            context_refs("toJSON(github.event.head_commit.message)"),
            vec!["github.event.head_commit.message"]
        );
    }
}
