//! `deps/conflicting-pins`: one package required at incompatible versions across
//! requirements files, constraints and pyproject.toml.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::common;
use crate::finding::{Related, Severity};
use crate::parse::requirements::{SpecifierSet, Version};
use crate::roles::FileRole;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct ConflictingPins {
    seen: Mutex<Vec<Decl>>,
}

struct Decl {
    name: String,
    raw_name: String,
    specifier: String,
    marker: String,
    compiled: bool,
    at: Related,
    snippet: String,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "deps/conflicting-pins",
    summary: "a package required at incompatible versions in different dependency files",
    severity: Severity::High,
    docs: r#"
## Why
When `requirements.txt` pins `pandas==1.5.3`, `requirements-ml.txt` pins
`pandas==2.0.1` and the Dockerfile installs both, the version that ends up in
production depends on install order; the service is tested with one and runs
with the other. With specifiers that cannot both hold (`>=2.0` here, `<1.9`
there) one of the installs fails or silently downgrades.

The rule reads every requirements-style file (`requirements*.txt`,
`requirements/*.txt`, `*-requirements.txt`, pip-compile `.in` inputs,
`constraints*.txt`) and `pyproject.toml` (`[project]` dependencies and
optional dependencies, `[dependency-groups]`, Poetry dependency tables), and
reports one finding per package whose declarations conflict: two different
exact pins, or two specifier sets no version can satisfy (PEP 440 semantics:
`==1.2` vs `>=1.5`, `~=2.1` vs `==3.0`, `==1.*` vs `>=2`). Every declaration
is attached as a related location. Declarations with different environment
markers (`; python_version < "3.9"`) are not compared with each other, nor are
two pip-compile/uv outputs (lock files compiled for different Python versions
legitimately differ). Files in tests, examples, vendored and generated code are
ignored (test fixtures pin on purpose).

## Example
```text
# requirements.txt
pandas==1.5.3
# services/trainer/requirements.txt
pandas==2.0.1
```

## Fix
Choose one version, keep the pin in a single place (a `constraints.txt` used
with `-c`, or one base file included with `-r`, or a lock file from
pip-compile/uv/poetry) and make the other files reference it.

pip's resolver reports such conflicts only when both files are installed
together; Dependabot updates each file separately and can create them.
"#,
};

impl Rule for ConflictingPins {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if cx.role != FileRole::Production {
            return;
        }
        let path = cx.file.path.as_str();
        let is_pyproject = path.rsplit('/').next() == Some("pyproject.toml");
        if !is_pyproject && common::req_kind(path).is_none() {
            return;
        }
        let compiled = common::is_compiled(&cx.file.text);
        let reqs = common::requirements_of(path, &cx.file.text);
        let local: Vec<Decl> = reqs
            .into_iter()
            .filter(|r| !r.specifier.is_empty() && r.url.is_none())
            .map(|r| {
                let line = cx.file.lines.line_of(r.name_span.start) + 1;
                Decl {
                    at: cx.locate(
                        r.name_span.clone(),
                        format!("{}{}", r.raw_name, r.specifier),
                    ),
                    snippet: crate::engine::snippet_of(cx.file, line),
                    name: r.name,
                    raw_name: r.raw_name,
                    specifier: r.specifier,
                    marker: r.marker,
                    compiled,
                }
            })
            .collect();
        if let Ok(mut seen) = self.seen.lock() {
            seen.extend(local);
        }
    }

    fn finish(&self, _repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let mut by_name: BTreeMap<String, Vec<Decl>> = BTreeMap::new();
        for d in seen.drain(..) {
            by_name.entry(d.name.clone()).or_default().push(d);
        }
        let mut reports = Vec::new();
        for (_, mut decls) in by_name {
            decls.sort_by(|a, b| {
                (a.at.path.as_str(), a.at.span.start).cmp(&(b.at.path.as_str(), b.at.span.start))
            });
            // Identical declarations (the same pin repeated in one file or across many)
            // are compared once: the pairwise check runs over distinct ones only.
            let mut distinct: Vec<(&str, &str, bool, usize)> = Vec::new();
            {
                let mut index: std::collections::HashMap<(&str, &str, bool), usize> =
                    std::collections::HashMap::new();
                for d in &decls {
                    let key = (d.specifier.as_str(), d.marker.as_str(), d.compiled);
                    match index.get(&key) {
                        Some(&i) => distinct[i].3 += 1,
                        None => {
                            index.insert(key, distinct.len());
                            distinct.push((key.0, key.1, key.2, 1));
                        }
                    }
                }
            }
            let sets: Vec<SpecifierSet> =
                distinct.iter().map(|d| SpecifierSet::parse(d.0)).collect();
            let mut conflict = false;
            let mut pairs = 0u32;
            'outer: for i in 0..distinct.len() {
                // A repeated declaration that no version satisfies conflicts with itself.
                if distinct[i].3 > 1 && !distinct[i].2 && !sets[i].intersects(&sets[i]) {
                    conflict = true;
                    break;
                }
                for j in i + 1..distinct.len() {
                    pairs = pairs.wrapping_add(1);
                    if pairs % 256 == 0 && crate::budget::exceeded() {
                        break 'outer;
                    }
                    let (a, b) = (&distinct[i], &distinct[j]);
                    if a.1 != b.1 || (a.2 && b.2) {
                        continue;
                    }
                    if !sets[i].intersects(&sets[j]) {
                        conflict = true;
                        break 'outer;
                    }
                }
            }
            if conflict {
                reports.push(decls);
            }
        }
        reports.sort_by(|a, b| {
            (a[0].at.path.as_str(), a[0].at.span.start)
                .cmp(&(b[0].at.path.as_str(), b[0].at.span.start))
        });
        for decls in reports {
            let mut specs: Vec<&str> = Vec::new();
            for d in &decls {
                if !specs.contains(&d.specifier.as_str()) {
                    specs.push(&d.specifier);
                }
            }
            specs.sort_by(|a, b| {
                let va = Version::parse(a.trim_start_matches(['=', '<', '>', '!', '~']));
                let vb = Version::parse(b.trim_start_matches(['=', '<', '>', '!', '~']));
                va.cmp(&vb).then(a.cmp(b))
            });
            let mut files: Vec<&str> = decls.iter().map(|d| d.at.path.as_str()).collect();
            files.sort();
            files.dedup();
            let name = decls[0].raw_name.clone();
            let place = if files.len() == 1 {
                "twice in one file".to_string()
            } else {
                format!("in {} files", files.len())
            };
            let msg = format!(
                "`{name}` is required as {} {place}: no single version satisfies them all",
                specs.join(" vs "),
            );
            let mut iter = decls.into_iter();
            let Some(first) = iter.next() else { continue };
            let f = out.report(first.at, first.snippet, msg);
            f.related = iter.map(|d| d.at).collect();
        }
    }
}
