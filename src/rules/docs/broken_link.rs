//! `docs/broken-link`: Markdown links and images to local files or anchors that do not exist.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::finding::{Related, Severity};
use crate::roles::FileRole;
use crate::rules::docs::md::{self, dir_of, join_normalized, percent_decode};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct BrokenLink {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Anchors of every Markdown file read.
    anchors: HashMap<String, HashSet<String>>,
    /// Links to check: (target path, anchor, where, snippet, shown destination, image).
    links: Vec<(String, Option<String>, Related, String, String, bool)>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docs/broken-link",
    summary: "Markdown link or image to a local file or heading anchor that does not exist",
    severity: Severity::Medium,
    docs: r#"
## Why
Runbooks and READMEs are read when something is on fire. A link to
`ops/restore-backup.md` that was renamed last quarter, or to
`#rolling-back` after the heading became "Rollback", costs minutes at the worst
moment and tells the reader the document is not maintained. Broken images
hide architecture diagrams.

The rule checks relative links and images (`[x](docs/deploy.md)`,
`[x](../README.md#configuration)`, `[x](#troubleshooting)`, `/docs/x.md` from
the repository root) against the files of the repository and the headings of
the Markdown files (GitHub's anchor rules: lower case, punctuation dropped,
spaces to `-`, `-1`, `-2` for repeats; explicit `<a name>`/`id` anchors too).
External URLs are never fetched (harden makes no network calls); links inside
code blocks are not links. Anchors into non-Markdown files (`#L10`) are not
checked. Rustdoc intra-doc links (`crate::x`, `KnownLayout`) and links into a
generated HTML site the repository does not contain are not files and are skipped;
so are changelogs (old entries point at files as they were then).

## Example
```markdown
See the [restore procedure](ops/restore-backup.md) and [rollback](#rolling-back).
```
with `ops/restore-backup.md` renamed to `ops/restore.md` and the heading now
`## Rollback`.

## Fix
Point the link at the current file or heading (`ops/restore.md`,
`#rollback`), or remove it. lychee (`lychee --offline`) checks the same local
links; harden also checks anchors in other Markdown files.
"#,
};

fn is_external(dest: &str) -> bool {
    let lower = dest.to_ascii_lowercase();
    if lower.starts_with("//") || lower.contains("://") {
        return true;
    }
    // A scheme: letters followed by `:` before any `/`.
    if let Some(i) = lower.find(':') {
        let scheme = &lower[..i];
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return true;
        }
    }
    false
}

/// Rustdoc intra-doc links (`crate::x`, `super#warning`, `KnownLayout`) in Markdown
/// that a crate includes as documentation: not files.
fn is_rustdoc_link(path: &str) -> bool {
    if path.contains("::") || matches!(path, "crate" | "super" | "self") {
        return true;
    }
    // A bare CamelCase identifier (a type name), not a file like LICENSE or CONTRIBUTING.
    !path.is_empty()
        && !path.contains(['.', '/'])
        && path.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && path.chars().any(|c| c.is_ascii_lowercase())
        && path.chars().all(|c| c.is_ascii_alphanumeric())
}

impl Rule for BrokenLink {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_markdown(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        let facts = md::facts(&cx.file.text);
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        st.anchors.insert(
            cx.file.path.clone(),
            facts.anchors.iter().cloned().collect(),
        );
        if matches!(
            cx.role,
            FileRole::Test | FileRole::Vendored | FileRole::Generated
        ) {
            return;
        }
        // Old release notes point at files as they were then.
        let name = cx
            .file
            .path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if ["changelog", "history", "news", "changes", "release-notes"]
            .iter()
            .any(|n| name.starts_with(n))
        {
            return;
        }
        let dir = dir_of(&cx.file.path);
        for link in facts.links {
            let dest = link.dest.trim();
            if dest.is_empty()
                || is_external(dest)
                || dest.contains(['{', '}', '<', '>', '$'])
                || dest.contains("%7B")
            {
                continue;
            }
            let (path_part, anchor) = match dest.split_once('#') {
                Some((p, a)) => (p, Some(percent_decode(a))),
                None => (dest, None),
            };
            let path_part = path_part.split('?').next().unwrap_or("");
            if is_rustdoc_link(path_part) {
                continue;
            }
            let target = if path_part.is_empty() {
                cx.file.path.clone()
            } else {
                match join_normalized(dir, &percent_decode(path_part)) {
                    Some(t) => t,
                    None => continue,
                }
            };
            let at = cx.locate(link.span.clone(), "link");
            let snippet = crate::engine::snippet_of(cx.file, at.region.start.line);
            st.links
                .push((target, anchor, at, snippet, dest.to_string(), link.image));
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(st) = self.state.lock() else { return };
        for (target, anchor, at, snippet, dest, image) in &st.links {
            let what = if *image { "image" } else { "link" };
            // Links into a generated HTML site (rustdoc, Sphinx) the repository does not hold.
            if target.ends_with(".html")
                && !repo.inventory.iter().any(|e| e.path.ends_with(".html"))
            {
                continue;
            }
            if !target.is_empty() && !repo.exists(target) {
                out.report(
                    at.clone(),
                    snippet.clone(),
                    format!("{what} to `{dest}`: `{target}` does not exist in the repository"),
                );
                continue;
            }
            let Some(anchor) = anchor.as_deref().filter(|a| !a.is_empty()) else {
                continue;
            };
            let Some(anchors) = st.anchors.get(target) else {
                continue;
            };
            let a = anchor.to_lowercase();
            if anchors.contains(anchor) || anchors.contains(&a) {
                continue;
            }
            let file = if *target == at.path {
                "this file".to_string()
            } else {
                format!("`{target}`")
            };
            out.report(
                at.clone(),
                snippet.clone(),
                format!("{what} to `{dest}`: {file} has no heading or anchor `#{anchor}`"),
            );
        }
    }
}
