//! `actions/workflow-never-runs`: workflow files GitHub never runs, because they are
//! not directly under the repository's root `.github/workflows/`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::finding::{Related, Severity};
use crate::parse::yaml::{self, YamlNode};
use crate::roles::FileRole;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct WorkflowNeverRuns {
    seen: Mutex<Vec<Stray>>,
}

/// One workflow file in a directory GitHub does not read.
struct Stray {
    /// The `.github/workflows` directory it sits in (or the subdirectory of the root one).
    dir: String,
    /// Where it is triggered (`on:`), or its first line.
    at: Related,
    /// The line shown.
    snippet: String,
    /// Its triggers, as written.
    triggers: Vec<String>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/workflow-never-runs",
    summary: "workflow file outside the root `.github/workflows/`: GitHub never runs it",
    severity: Severity::Medium,
    docs: r#"
## Why
GitHub Actions reads workflows from one place: the files directly in
`.github/workflows/` at the root of the repository. A package that was moved into a
monorepo keeps its own `packages/engine/.github/workflows/ci.yml`; a workflow put in a
subdirectory (`.github/workflows/release/publish.yml`) to tidy up. Both look like CI,
are reviewed like CI, and never run: the lint gate, the tests or the security scan the
file describes are not happening, and nobody notices because nothing fails.

Reported: YAML files with `on:` and `jobs:` under a `.github/workflows/` directory that
is not the root one, or in a subdirectory of the root one. One finding per directory,
the other files in it as related locations. Severity says why:
- **medium** when a workflow is triggered by `push`, `pull_request`,
  `pull_request_target` or `merge_group`: it reads as a check that guards every change,
  and the team believes it does;
- **low** otherwise (`schedule`, `workflow_dispatch`, `release`, `workflow_call`…):
  a job someone runs or expects occasionally, easier to notice missing.

Not reported: workflows under test, fixture, example or vendored directories (test data
of a tool that reads workflows; a vendored library's own CI), directories the repository
pushes to a repository of their own (`git subtree push --prefix=themes/core …`,
`git subtree split -P …`, `splitsh-lite --prefix=…` in a workflow or script: the
workflows run there), and files that are not workflows (no `on:` or no `jobs:`).

## Example
```text
packages/engine/.github/workflows/auto-fix-lint.yml   # on: pull_request — never runs
.github/workflows/ci.yml                             # the only ones GitHub runs
```

## Fix
Move the jobs that still matter into the root `.github/workflows/` (with `paths:`
filters and `working-directory:` for the package), or delete the file. GitHub
documents the location under "Workflow syntax": workflow files are stored in the
`.github/workflows` directory of the repository; subdirectories are not read.
"#,
};

/// Triggers that run on every change: a workflow with one of them reads as a gate.
const GATE_TRIGGERS: &[&str] = &["push", "pull_request", "pull_request_target", "merge_group"];

/// The `.github/workflows` directory a path sits in when GitHub does not read it:
/// a nested `.github/workflows/` (`packages/a/.github/workflows/ci.yml`) or a
/// subdirectory of the root one (`.github/workflows/sub/x.yml`).
fn stray_dir(path: &str) -> Option<String> {
    let lower = path.to_ascii_lowercase();
    if !(lower.ends_with(".yml") || lower.ends_with(".yaml")) {
        return None;
    }
    const MARK: &str = ".github/workflows/";
    let at = if path.starts_with(MARK) {
        0
    } else {
        path.find(&format!("/{MARK}"))? + 1
    };
    let rest = &path[at + MARK.len()..];
    if at == 0 {
        // Root directory: only a file in a subdirectory is not read.
        let (sub, _) = rest.rsplit_once('/')?;
        return Some(format!("{MARK}{sub}"));
    }
    Some(path[..at + MARK.len() - 1].to_string())
}

/// The trigger names of a workflow's `on:` (a string, a list or a mapping).
fn triggers(on: &YamlNode) -> Vec<String> {
    if let Some(s) = on.as_str() {
        return vec![s.to_string()];
    }
    if let Some(seq) = on.as_seq() {
        return seq
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect();
    }
    on.as_map()
        .map(|m| m.iter().map(|p| p.key.clone()).collect())
        .unwrap_or_default()
}

impl Rule for WorkflowNeverRuns {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_text(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        let Some(dir) = stray_dir(&cx.file.path) else {
            return;
        };
        // Test data of a tool that reads workflows, a vendored library's CI, an
        // example: not meant to run here.
        if matches!(
            cx.role,
            FileRole::Test | FileRole::Example | FileRole::Vendored | FileRole::Archived
        ) {
            return;
        }
        let text = cx.file.text.as_str();
        if !text.contains("jobs") {
            return;
        }
        let parsed = yaml::parse(text);
        if parsed.refused.is_some() || parsed.error.is_some() {
            return;
        }
        let Some(root) = parsed.documents.first().and_then(|d| d.root.as_ref()) else {
            return;
        };
        // YAML 1.1 readers turn `on` into `true`; accept both spellings.
        let Some(on) = root.pair("on").or_else(|| root.pair("true")) else {
            return;
        };
        if root.get("jobs").and_then(|j| j.as_map()).is_none() {
            return;
        }
        let line = cx.file.lines.line_of(on.key_span.start);
        let snippet = cx.file.lines.line_text(text, line).to_string();
        let stray = Stray {
            dir,
            at: cx.locate(on.key_span.clone(), "never runs"),
            snippet,
            triggers: triggers(&on.value),
        };
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(stray);
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let mirrored = repo.model.mirrored_dirs();
        let mut by_dir: BTreeMap<String, Vec<Stray>> = BTreeMap::new();
        for s in seen.drain(..) {
            // A subtree pushed to its own repository runs its workflows there.
            if mirrored
                .iter()
                .any(|p| s.dir.strip_prefix(p.as_str()) == Some("/.github/workflows"))
            {
                continue;
            }
            by_dir.entry(s.dir.clone()).or_default().push(s);
        }
        for (dir, mut files) in by_dir {
            files.sort_by(|a, b| a.at.path.cmp(&b.at.path));
            // Lead with a workflow that reads as a gate, when there is one.
            let gate_of = |s: &Stray| {
                s.triggers
                    .iter()
                    .find(|t| GATE_TRIGGERS.contains(&t.as_str()))
                    .cloned()
            };
            let idx = files.iter().position(|s| gate_of(s).is_some()).unwrap_or(0);
            let lead = files.remove(idx);
            let gate = gate_of(&lead);
            let n = files.len() + 1;
            let nested = !dir.starts_with(".github/workflows/");
            let place = if nested {
                format!("`{dir}/` is not the root `.github/workflows/`")
            } else {
                format!("`{dir}/` is a subdirectory, which GitHub does not read")
            };
            let what = if n == 1 {
                "this workflow".to_string()
            } else {
                format!("this workflow and {} more in the same directory", n - 1)
            };
            let why = match &gate {
                Some(t) => format!(
                    "it is triggered on `{t}`, so it reads as a check on every change that is not happening: move it to the root `.github/workflows/` or delete it"
                ),
                None => "move what is still needed to the root `.github/workflows/` or delete it"
                    .to_string(),
            };
            let message = format!("GitHub never runs {what}: {place}; {why}");
            let snippet = lead.snippet.clone();
            let f = out.report(lead.at, snippet, message);
            if gate.is_none() {
                f.severity = Severity::Low;
            }
            f.related = files
                .into_iter()
                .map(|mut s| {
                    s.at.message = "never runs either".to_string();
                    s.at
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::stray_dir;

    #[test]
    fn directories_github_does_not_read() {
        assert_eq!(
            stray_dir("packages/engine/.github/workflows/lint.yml").as_deref(),
            Some("packages/engine/.github/workflows")
        );
        assert_eq!(
            stray_dir(".github/workflows/release/publish.yaml").as_deref(),
            Some(".github/workflows/release")
        );
        assert_eq!(stray_dir(".github/workflows/ci.yml"), None);
        assert_eq!(
            stray_dir("packages/engine/.github/workflows/README.md"),
            None
        );
        assert_eq!(stray_dir("docs/github/workflows/ci.yml"), None);
    }
}
