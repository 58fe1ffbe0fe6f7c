//! `deps/many-requirements-files`: many parallel requirements files with no
//! single source of truth.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::common::{self, ReqKind};
use crate::finding::{Related, Severity};
use crate::parse::requirements::parse_requirements;
use crate::roles::FileRole;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// Fewest independent files that make the finding.
const MIN_FILES: usize = 4;

/// See [`META`].
#[derive(Default)]
pub struct ManyRequirementsFiles {
    seen: Mutex<Vec<ReqFile>>,
}

struct ReqFile {
    path: String,
    refs: Vec<String>,
    pins: BTreeMap<String, String>,
    at: Related,
    snippet: String,
    /// Every requirement (ten or more) pinned with `==`: a `pip freeze` of the
    /// deployed set, which works as the lock file.
    frozen: bool,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "deps/many-requirements-files",
    summary: "many independent requirements files and no single source of truth for versions",
    severity: Severity::Info,
    docs: r#"
## Why
Nine `requirements*.txt` files, each written by hand for one script or one
Dockerfile, drift apart: the same package ends up at three versions, security
updates land in one file and not the others, and nobody can say what production
runs. A layered set (`requirements/base.txt` included with `-r` by `prod.txt`
and `dev.txt`), a constraints file, or a lock file gives one answer.

The rule counts requirements files (`requirements*.txt`,
`requirements/*.txt`, `*-requirements.txt`, outside tests, examples and
vendored code) that neither include another file (`-r`/`-c`) nor are included by
one (a fully pinned file of ten or more `==` requirements, a `pip freeze` of the
deployed set, counts as the lock when no other file pins its packages differently). With four or more such independent files and no lock file it reports one
informational finding at the first, listing the others as related locations and
how many packages are pinned to different versions across them (the details are
in `deps/conflicting-pins`).

## Example
```text
requirements.txt
requirements-collector.txt
requirements-ml.txt
requirements_api.txt
scripts/requirements.txt
```

## Fix
Pick a layout: one `requirements.in` (or `[project] dependencies`) compiled to
one lock with pip-compile/uv, or `requirements/base.txt` plus per-purpose files
that start with `-r base.txt` and a shared `-c constraints.txt`. Delete files
that no Dockerfile, workflow or doc uses.
"#,
};

fn resolve(from: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in rel.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

impl Rule for ManyRequirementsFiles {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        let path = cx.file.path.as_str();
        if cx.role != FileRole::Production {
            return;
        }
        let Some(kind) = common::req_kind(path) else {
            return;
        };
        let parsed = parse_requirements(&cx.file.text);
        let mut refs: Vec<String> = parsed
            .includes()
            .chain(parsed.constraints())
            .map(|r| resolve(path, r))
            .collect();
        if kind != ReqKind::Requirements {
            // Constraints and .in inputs are a source of truth themselves: mark the file as linked.
            refs.push(String::new());
        }
        let pins: BTreeMap<String, String> = parsed
            .requirements()
            .filter(|r| r.marker.is_empty())
            .filter_map(|r| r.exact_pin().map(|v| (r.name.clone(), v.to_string())))
            .collect();
        let total = parsed.requirements().count();
        let frozen = total >= 10 && parsed.requirements().all(|r| r.exact_pin().is_some());
        let end = cx.file.text.lines().next().map_or(0, str::len);
        let entry = ReqFile {
            path: path.to_string(),
            refs,
            pins,
            at: cx.locate(0..end, "another independent requirements file"),
            snippet: crate::source::snippet_of(cx.file, 1),
            frozen,
        };
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(entry);
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() < MIN_FILES || common::has_lockfile(repo) {
            return;
        }
        seen.sort_by(|a, b| a.path.cmp(&b.path));
        let referenced: BTreeSet<String> =
            seen.iter().flat_map(|f| f.refs.iter().cloned()).collect();
        let independent: Vec<&ReqFile> = seen
            .iter()
            .filter(|f| f.refs.is_empty() && !referenced.contains(&f.path))
            .collect();
        if independent.len() < MIN_FILES {
            return;
        }
        let mut versions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for f in &independent {
            for (n, v) in &f.pins {
                versions.entry(n).or_default().insert(v);
            }
        }
        let conflicting = versions.values().filter(|v| v.len() > 1).count();
        // A frozen set (`requirements-prod.txt` of 93 `==` pins) is the deployment's
        // lock; the other files are build, dev and test tools beside it, unless they
        // pin the same packages to other versions.
        if conflicting == 0 && independent.iter().any(|f| f.frozen) {
            return;
        }
        let tail = match conflicting {
            0 => String::new(),
            1 => "; 1 package is pinned to different versions across them".to_string(),
            n => format!("; {n} packages are pinned to different versions across them"),
        };
        let msg = format!(
            "{} independent requirements files (no -r/-c links, no lock file){tail}",
            independent.len()
        );
        let first = independent[0];
        let f = out.report(first.at.clone(), first.snippet.clone(), msg);
        f.related = independent[1..].iter().map(|r| r.at.clone()).collect();
    }
}
