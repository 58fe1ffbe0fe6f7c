//! `deps/unpinned-requirement`: an application's requirements file that leaves
//! versions open, with no lock file.

use std::sync::Mutex;

use super::common::{self, ReqKind};
use crate::finding::{Related, Severity};
use crate::roles::FileRole;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct UnpinnedRequirement {
    seen: Mutex<Vec<FileUnpinned>>,
    /// Files a pip-compile output names as its input (`# via -r unfrozen/requirements.txt`):
    /// their ranges are compiled into that lock.
    compiled_inputs: Mutex<Vec<String>>,
}

struct FileUnpinned {
    path: String,
    total: usize,
    open: Vec<(String, Related, String)>,
    constrained: bool,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "deps/unpinned-requirement",
    summary: "application requirements without exact versions and no lock file",
    severity: Severity::Low,
    docs: r#"
## Why
`requests` or `flask>=2` in an application's `requirements.txt` installs
whatever is newest on the day the image is built: two builds of the same commit
can differ, a broken or compromised release reaches production without a code
change, and a rollback does not roll the dependencies back.

Policy (precision first): the rule reports only
- requirements files of an *application*: the repository root has no `setup.py`,
  `setup.cfg` or `pyproject.toml` with a `[build-system]` — libraries must
  declare ranges, and their `requirements.txt` is usually the range list read by
  `setup.py`;
- when there is no lock file anywhere (`poetry.lock`, `uv.lock`,
  `Pipfile.lock`, `pdm.lock`, `pylock.toml`, `conda-lock.yml`,
  `requirements*.lock`);
- `requirements*.txt` and `requirements/*.txt` that are not pip-compile/uv
  output, not `.in` inputs, not named as the input of a pip-compile output
  (`# via -r unfrozen/requirements.txt` in the lock beside it), not constraints files, and not constrained with
  `-c`; development-only files (`*dev*`, `*test*`, `*lint*`, `*doc*`, `*ci*`)
  and files in tests, examples or vendored code are skipped;
- requirements with no `==`/`===` pin, no hash and no URL.
One finding per file, at the first open requirement, listing them, with each
one as a related location.

## Example
```text
# requirements.txt of a collector service
requests
flask>=2
pandas==2.2.2
```

## Fix
Pin what production installs: compile the ranges into a lock
(`pip-compile requirements.in`, `uv pip compile`, `poetry lock`) and install
from it, or pin each line (`requests==2.32.3`). Let Dependabot/Renovate raise
the pins.
"#,
};

fn dev_only(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.split(['/', '-', '_', '.']).any(|t| {
        matches!(
            t,
            "dev"
                | "develop"
                | "development"
                | "test"
                | "tests"
                | "testing"
                | "lint"
                | "linting"
                | "docs"
                | "doc"
                | "ci"
                | "typing"
                | "mypy"
                | "style"
                | "tox"
                | "bench"
                | "benchmark"
                | "optional"
                | "extras"
                | "local"
        )
    })
}

/// The requirements files a pip-compile output says it was compiled from: `-r <path>`
/// in its comments (`# via -r unfrozen/requirements.txt`), resolved from the output's
/// directory and from the root (pip-compile writes the path it was given).
fn compiled_inputs(path: &str, text: &str) -> Vec<String> {
    let dir = crate::model::paths::dir_of(path);
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| l.starts_with('#')) {
        let mut words = line.trim_start_matches('#').split_whitespace();
        while let Some(w) = words.next() {
            if w != "-r" {
                continue;
            }
            let Some(input) = words.next() else { break };
            let input = input.trim_start_matches("./");
            let candidates = [
                crate::model::paths::join(dir, input),
                crate::model::paths::join("", input),
            ];
            for candidate in candidates.into_iter().flatten() {
                if !out.contains(&candidate) {
                    out.push(candidate);
                }
            }
        }
    }
    out
}

impl Rule for UnpinnedRequirement {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        let path = cx.file.path.as_str();
        if common::req_kind(path) != Some(ReqKind::Requirements)
            || cx.role != FileRole::Production
            || dev_only(path)
        {
            return;
        }
        let text = &cx.file.text;
        if common::is_compiled(text) {
            let inputs = compiled_inputs(path, text);
            if let Ok(mut all) = self.compiled_inputs.lock() {
                all.extend(inputs);
            }
            return;
        }
        let parsed = crate::parse::requirements::parse_requirements(text);
        let constrained = parsed.constraints().next().is_some();
        let mut total = 0;
        let mut open = Vec::new();
        for r in parsed.requirements() {
            total += 1;
            if r.exact_pin().is_some() || !r.hashes.is_empty() || r.url.is_some() {
                continue;
            }
            let shown = format!("{}{}", r.raw_name, r.specifier);
            let line = cx.file.lines.line_of(r.name_span.start) + 1;
            open.push((
                shown.clone(),
                cx.locate(r.name_span.clone(), format!("{shown} is not pinned")),
                crate::source::snippet_of(cx.file, line),
            ));
        }
        if open.is_empty() {
            return;
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(FileUnpinned {
                path: path.to_string(),
                total,
                open,
                constrained,
            });
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        // Taken, not borrowed: what was seen is released once read.
        let Ok(mut seen) = self.seen.lock().map(|mut s| std::mem::take(&mut *s)) else {
            return;
        };
        if seen.is_empty() || common::has_lockfile(repo) || common::is_library(repo) {
            return;
        }
        let inputs = self
            .compiled_inputs
            .lock()
            .map(|mut i| std::mem::take(&mut *i))
            .unwrap_or_default();
        seen.sort_by(|a, b| a.path.cmp(&b.path));
        for file in seen.drain(..) {
            if file.constrained || inputs.contains(&file.path) {
                continue;
            }
            let names: Vec<&str> = file.open.iter().map(|o| o.0.as_str()).collect();
            let listed = if names.len() > 6 {
                format!("{}, …", names[..6].join(", "))
            } else {
                names.join(", ")
            };
            let msg = format!(
                "{} of {} requirements have no exact version and there is no lock file: {listed}",
                file.open.len(),
                file.total
            );
            let mut iter = file.open.into_iter();
            let Some((_, first, snippet)) = iter.next() else {
                continue;
            };
            let f = out.report(first, snippet, msg);
            f.related = iter.map(|o| o.1).collect();
        }
    }
}
