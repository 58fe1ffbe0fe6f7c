//! Shared reading of workflows and composite actions: triggers, jobs, steps,
//! `uses:` references, `${{ }}` expressions and effective permissions.

use std::ops::Range;

use crate::mapped::MappedText;
use crate::parse::yaml::{YamlNode, YamlPair};

pub use crate::parse::workflow::{
    action_name, action_steps, all_uses, is_full_sha, jobs, parse_uses, roots, steps,
    trailing_comment, UsesRef,
};

/// Whether a step `uses:` this action (`owner/repo` or `owner/repo/path`, case-insensitive).
pub fn step_uses(step: &YamlNode, action: &str) -> bool {
    step.get("uses")
        .and_then(|u| u.as_str())
        .is_some_and(|u| action_name(u) == action)
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

#[cfg(test)]
mod tests {
    use super::*;

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
