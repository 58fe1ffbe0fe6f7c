//! `actions/persist-credentials`: checkout keeps the token in `.git/config` in a
//! job that uploads artifacts.

use crate::actions_pins;
use crate::finding::{Fix, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, UsesRef};

/// See [`META`].
pub struct PersistCredentials;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/persist-credentials",
    summary: "`actions/checkout` keeps the token in .git/config in a job that uploads artifacts",
    severity: Severity::Medium,
    docs: r#"
## Why
`actions/checkout` writes the job's `GITHUB_TOKEN` into `.git/config` unless
`persist-credentials: false` is set, so later `git push` works. In a job that
uploads the workspace as an artifact, `.git/config` — and the token — can end
up in the artifact, downloadable by anyone who can read the repository while
the token is still valid ("ArtiPACKED", Unit 42, 2024). Every later step (and
every action) can also read the token from disk.

Reported (medium) only when an upload includes the checkout's `.git`: its
path covers the checkout's directory (the workspace root — `.`, `./`, `*`,
`**`, `${{ github.workspace }}` — or the checkout's own `path:`) and it either
sets `include-hidden-files: true` or uses `actions/upload-artifact` older than
v4.4.0 (which stopped uploading hidden files by default). Uploading `dist/` or
a Pages site does not ship `.git` (`upload-pages-artifact` excludes it), so
those are not reported: the token on disk alone is not a leak.

## Example
```yaml
steps:
  - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
  - run: make dist
  - uses: actions/upload-artifact@… # v3.1.3
    with:
      path: .
```

## Fix
```yaml
  - uses: actions/checkout@…
    with:
      persist-credentials: false
```
Pass the token explicitly to the one step that pushes, if any. `harden fix`
adds the setting when the checkout step has no `with:` or a block `with:`
(safe unless a later step relies on the stored credentials to push; the fix is
therefore offered as unsafe in jobs that run `git push`).
zizmor's `artipacked` reports every checkout without the setting (medium, low
confidence), whether or not anything is uploaded; harden reports the case in
which the token actually leaves the runner.
"#,
};

fn persists(step: &YamlNode) -> bool {
    let v = step.get("with").and_then(|w| w.get("persist-credentials"));
    match v {
        Some(v) => v.as_bool() != Some(false) && v.as_str() != Some("false"),
        None => true,
    }
}

/// Whether an upload `path:` (one pattern per line) includes the directory a checkout
/// wrote (`dir`, empty for the workspace root).
fn covers_dir(path: &str, dir: &str) -> bool {
    let dir = dir.trim().trim_start_matches("./").trim_end_matches('/');
    path.lines().any(|l| {
        let l = l.trim().trim_matches(['"', '\'']);
        if l.starts_with('!') {
            return false;
        }
        let l = l
            .replace("${{ github.workspace }}/", "")
            .replace("${{ github.workspace }}", ".");
        let l = l.trim_start_matches("./").trim_end_matches('/');
        let l = l
            .trim_end_matches("/**")
            .trim_end_matches("/*")
            .trim_end_matches('/');
        matches!(l, "" | "." | "*" | "**")
            || (!dir.is_empty() && (l == dir || dir.starts_with(&format!("{l}/"))))
    })
}

/// upload-artifact before v4.4.0 uploads hidden files (.git) by default.
fn uploads_hidden(step: &YamlNode) -> bool {
    if wf::with_str(step, "include-hidden-files") == Some("true")
        || step
            .get("with")
            .and_then(|w| w.get("include-hidden-files"))
            .and_then(|v| v.as_bool())
            == Some(true)
    {
        return true;
    }
    let Some(uses) = step.get("uses").and_then(|u| u.as_str()) else {
        return false;
    };
    let UsesRef::Repo { action, git_ref } = wf::parse_uses(uses) else {
        return false;
    };
    let version = if wf::is_full_sha(&git_ref) {
        actions_pins::tag_for(&action, &git_ref).map(str::to_string)
    } else {
        Some(git_ref)
    };
    let Some(v) = version else { return false };
    let nums: Vec<u64> = v
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    match nums.as_slice() {
        [major, ..] if *major < 4 => true,
        [4, minor, ..] => *minor < 4,
        _ => false,
    }
}

impl Rule for PersistCredentials {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = &cx.file.text;
        for root in wf::roots(yaml) {
            for job in wf::jobs(root) {
                let steps = wf::steps(&job.value);
                let uploads: Vec<&YamlNode> = steps
                    .iter()
                    .filter(|s| wf::step_uses(s, "actions/upload-artifact"))
                    .copied()
                    .collect();
                if uploads.is_empty() {
                    continue;
                }
                let pushes = steps.iter().any(|s| {
                    s.get("run")
                        .and_then(|r| r.as_str())
                        .is_some_and(|r| r.contains("git push") || r.contains("git tag"))
                });
                for step in steps
                    .iter()
                    .filter(|s| wf::step_uses(s, "actions/checkout"))
                {
                    if !persists(step) {
                        continue;
                    }
                    let Some(uses) = step.get("uses") else {
                        continue;
                    };
                    // The upload must include this checkout's `.git`: its directory (or
                    // the workspace above it) with hidden files.
                    let dir = wf::with_str(step, "path").unwrap_or("");
                    let Some(upload) = uploads.iter().find(|u| {
                        let path = wf::with_str(u, "path").unwrap_or("");
                        covers_dir(path, dir) && uploads_hidden(u)
                    }) else {
                        continue;
                    };
                    let message = format!(
                        "job `{}` checks out with the token saved in .git/config and uploads {} with hidden files: the token ships in the artifact; set `persist-credentials: false`",
                        job.key,
                        if dir.is_empty() { "the workspace".to_string() } else { format!("`{dir}`") }
                    );
                    let edit = fix_edit(step, uses, text);
                    let related = cx.locate(
                        upload.span.clone(),
                        "this upload includes the checkout's .git",
                    );
                    let f = out.report(uses.span.clone(), message);
                    f.related.push(related);
                    if let Some(e) = edit {
                        f.fix = Some(if pushes {
                            Fix::unsafe_because(
                                "Set persist-credentials: false",
                                "a later step runs `git push` and may rely on the stored token",
                                vec![e],
                            )
                        } else {
                            Fix::safe("Set persist-credentials: false", vec![e])
                        });
                    }
                }
            }
        }
    }
}

/// Adds `persist-credentials: false` under `with:` (or a new `with:` after `uses:`).
fn fix_edit(step: &YamlNode, uses: &YamlNode, text: &str) -> Option<crate::finding::Edit> {
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    let uses_pair = step.pair("uses")?;
    let key_col = uses_pair.key_span.start - line_start(uses_pair.key_span.start);
    match step.pair("with") {
        Some(with) => {
            let first = with.value.as_map()?.first()?;
            let ls = line_start(first.key_span.start);
            let indent = &text[ls..first.key_span.start];
            if !indent.chars().all(|c| c == ' ') {
                return None;
            }
            Some(crate::finding::Edit {
                range: ls..ls,
                replacement: format!("{indent}persist-credentials: false{}", wf::eol(text)),
            })
        }
        None => {
            let rest = text.get(uses.span.end..)?;
            let eol = rest.find('\n')?;
            let at = uses.span.end + eol + 1;
            let pad = " ".repeat(key_col);
            Some(crate::finding::Edit {
                range: at..at,
                replacement: format!(
                    "{pad}with:{nl}{pad}  persist-credentials: false{nl}",
                    nl = wf::eol(text)
                ),
            })
        }
    }
}
