//! `deps/conflicting-pins`: one package required at incompatible versions across
//! requirements files, constraints and pyproject.toml.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use super::common;
use crate::finding::{Related, Severity};
use crate::parse::requirements::{SpecifierSet, Version};
use crate::roles::FileRole;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct ConflictingPins {
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    decls: Vec<Decl>,
    /// Per dependency file: the files it pulls into the same install (`-r`, `-c`,
    /// `-e <dir>` and, for a directory's own `requirements.txt`, the sibling
    /// `pyproject.toml`), as repository paths.
    pulls: BTreeMap<String, Vec<String>>,
}

struct Decl {
    name: String,
    raw_name: String,
    specifier: String,
    marker: String,
    compiled: bool,
    file: String,
    at: Related,
    snippet: String,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "deps/conflicting-pins",
    summary: "a package required at incompatible versions in different dependency files",
    severity: Severity::Medium,
    docs: r#"
## Why
When `requirements.txt` pins `pandas==1.5.3` and the `requirements-ml.txt` that
includes it (`-r requirements.txt`) pins `pandas==2.0.1`, one install cannot
satisfy both: pip refuses to resolve, or (with separate `pip install` runs in a
Dockerfile) the version that ends up in production depends on install order,
and the service is tested with one and runs with the other.

The rule reads every requirements-style file (`requirements*.txt`,
`requirements/*.txt`, `*-requirements.txt`, pip-compile `.in` inputs,
`constraints*.txt`) and `pyproject.toml` (`[project]` dependencies and
optional dependencies, `[dependency-groups]`, Poetry dependency tables). Two
declarations are compared only when one install brings both in: the same file,
or files joined by `-r`, `-c` and `-e <dir>` (a local package's
`pyproject.toml`), transitively, and a directory's own `requirements.txt` /
`requirements.in` with the `pyproject.toml` beside it. A conflict is two
different exact pins or two specifier sets no version satisfies (PEP 440:
`==1.2` vs `>=1.5`, `~=2.1` vs `==3.0`, `==1.*` vs `>=2`). The finding sits on
the first conflicting declaration, with the others of that environment as
related locations.

Not conflicts: separately installed files that drift (the services of a
monorepo, each package's test requirements, a docs requirements file),
declarations with different environment markers (`; python_version < "3.9"`),
and two pip-compile/uv outputs (lock files compiled for different Python
versions or extras legitimately differ). Files in tests, examples, vendored and
generated code are ignored (test fixtures pin on purpose). A Dockerfile that
installs two unrelated files into one image is not followed yet.

Severity: medium. The install either fails loudly or ships a version nobody
tested: a real weakness to fix before release, but not exploitable.

## Example
```text
# requirements.txt
pandas==1.5.3
# requirements-ml.txt
-r requirements.txt
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
        let pulls = if is_pyproject {
            Vec::new()
        } else {
            pulled_files(path, &cx.file.text)
        };
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
                    snippet: crate::source::snippet_of(cx.file, line),
                    name: r.name,
                    raw_name: r.raw_name,
                    specifier: r.specifier,
                    marker: r.marker,
                    compiled,
                    file: path.to_string(),
                }
            })
            .collect();
        if let Ok(mut seen) = self.seen.lock() {
            seen.decls.extend(local);
            seen.pulls.insert(path.to_string(), pulls);
        }
    }

    fn finish(&self, _repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        // Taken, not borrowed: what was seen is released once read.
        let Ok(mut seen) = self.seen.lock().map(|mut s| std::mem::take(&mut *s)) else {
            return;
        };
        let envs = Environments::new(&seen.pulls);
        let mut by_name: BTreeMap<String, Vec<Decl>> = BTreeMap::new();
        for d in seen.decls.drain(..) {
            by_name.entry(d.name.clone()).or_default().push(d);
        }
        let mut reports = Vec::new();
        for (_, mut decls) in by_name {
            decls.sort_by(|a, b| {
                (a.at.path.as_str(), a.at.span.start).cmp(&(b.at.path.as_str(), b.at.span.start))
            });
            // Identical declarations (the same pin repeated in one file) are compared
            // once: the pairwise check runs over distinct (specifier, marker, compiled,
            // file) ones, so thousands of duplicated lines stay linear.
            let mut distinct: Vec<(&Decl, usize)> = Vec::new();
            let mut class_of: Vec<usize> = Vec::with_capacity(decls.len());
            {
                let mut index: std::collections::HashMap<(&str, &str, bool, &str), usize> =
                    std::collections::HashMap::new();
                for d in &decls {
                    let key = (
                        d.specifier.as_str(),
                        d.marker.as_str(),
                        d.compiled,
                        d.file.as_str(),
                    );
                    let i = *index.entry(key).or_insert_with(|| {
                        distinct.push((d, 0));
                        distinct.len() - 1
                    });
                    distinct[i].1 += 1;
                    class_of.push(i);
                }
            }
            let sets: Vec<SpecifierSet> = distinct
                .iter()
                .map(|d| SpecifierSet::parse(&d.0.specifier))
                .collect();
            // Which distinct declarations conflict with another one installed with them
            // (or with a copy of themselves, when no version satisfies them at all).
            let mut bad = vec![false; distinct.len()];
            let mut pairs = 0u32;
            'outer: for i in 0..distinct.len() {
                let (a, copies) = distinct[i];
                if copies > 1 && !a.compiled && !sets[i].intersects(&sets[i]) {
                    bad[i] = true;
                }
                for j in i + 1..distinct.len() {
                    pairs = pairs.wrapping_add(1);
                    if pairs % 256 == 0 && crate::budget::exceeded() {
                        break 'outer;
                    }
                    let b = distinct[j].0;
                    if a.marker != b.marker
                        || (a.compiled && b.compiled)
                        || !envs.together(&a.file, &b.file)
                    {
                        continue;
                    }
                    if !sets[i].intersects(&sets[j]) {
                        bad[i] = true;
                        bad[j] = true;
                    }
                }
            }
            if bad.iter().any(|&b| b) {
                // Keep the declarations of the environments that conflict, not every
                // copy of the package in the repository.
                let keep: Vec<bool> = class_of.iter().map(|&c| bad[c]).collect();
                let mut it = keep.iter();
                decls.retain(|_| it.next().copied().unwrap_or(false));
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

/// The files one `pip install` of `path` brings along, read from the file itself.
fn pulled_files(path: &str, text: &str) -> Vec<String> {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let parsed = crate::parse::requirements::parse_requirements(text);
    let mut out: Vec<String> = parsed
        .includes()
        .chain(parsed.constraints())
        .filter_map(|p| join(dir, p))
        .collect();
    for line in &parsed.lines {
        if let crate::parse::requirements::Line::Editable { target, .. } = line {
            let t = target.split(['[', ' ', '#']).next().unwrap_or("");
            if !t.contains("://") && !t.starts_with("git+") {
                if let Some(d) = join(dir, t) {
                    out.push(if d.is_empty() {
                        "pyproject.toml".into()
                    } else {
                        format!("{d}/pyproject.toml")
                    });
                }
            }
        }
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    if matches!(name, "requirements.txt" | "requirements.in") {
        out.push(if dir.is_empty() {
            "pyproject.toml".into()
        } else {
            format!("{dir}/pyproject.toml")
        });
    }
    out
}

/// `dir` joined with a relative path, `.`/`..` resolved; `None` when it leaves the root
/// or is absolute.
fn join(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Which dependency files are installed together: a file and everything it pulls in,
/// transitively. Two declarations can only conflict inside one such set; drift between
/// separately installed files (services of a monorepo, per-Python-version locks, each
/// package's test requirements) is not a conflict.
struct Environments {
    /// For each file, the (sorted) indices of the environments it belongs to: two files
    /// are installed together when their lists share an index. Asked for every pair of
    /// declarations of a package, so an index lookup, not a search of every environment
    /// (monorepos of a hundred packages pinning the same dependency made that quadratic
    /// search a tenth of the scan).
    member_of: std::collections::HashMap<String, Vec<u32>>,
}

impl Environments {
    fn new(pulls: &BTreeMap<String, Vec<String>>) -> Environments {
        let mut member_of: std::collections::HashMap<String, Vec<u32>> =
            std::collections::HashMap::new();
        let mut index = 0u32;
        for root in pulls.keys() {
            let mut set = BTreeSet::new();
            let mut stack = vec![root.clone()];
            while let Some(f) = stack.pop() {
                if !set.insert(f.clone()) {
                    continue;
                }
                if let Some(next) = pulls.get(&f) {
                    stack.extend(next.iter().cloned());
                }
            }
            if set.len() > 1 {
                for f in set {
                    member_of.entry(f).or_default().push(index);
                }
                index += 1;
            }
        }
        Environments { member_of }
    }

    fn together(&self, a: &str, b: &str) -> bool {
        if a == b {
            return true;
        }
        let (Some(xs), Some(ys)) = (self.member_of.get(a), self.member_of.get(b)) else {
            return false;
        };
        // Both lists are ascending (environments are numbered in order).
        let (mut i, mut j) = (0, 0);
        while let (Some(x), Some(y)) = (xs.get(i), ys.get(j)) {
            match x.cmp(y) {
                std::cmp::Ordering::Equal => return true,
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_resolve_relative_to_the_file() {
        let got = pulled_files(
            "services/api/requirements.txt",
            "-r ../../requirements/base.txt\n-c constraints.txt\n-e ../../libs/core\nflask==3.0\n",
        );
        assert_eq!(
            got,
            vec![
                "requirements/base.txt",
                "services/api/constraints.txt",
                "libs/core/pyproject.toml",
                "services/api/pyproject.toml",
            ]
        );
        assert_eq!(join("a", "../../x.txt"), None);
    }

    #[test]
    fn environments_are_transitive_but_not_shared_roots() {
        let mut pulls = BTreeMap::new();
        pulls.insert(
            "svc/requirements.txt".to_string(),
            vec!["base.txt".to_string()],
        );
        pulls.insert("base.txt".to_string(), vec!["constraints.txt".to_string()]);
        pulls.insert(
            "tests/a.txt".to_string(),
            vec!["pkg/pyproject.toml".to_string()],
        );
        pulls.insert(
            "tests/b.txt".to_string(),
            vec!["pkg/pyproject.toml".to_string()],
        );
        let envs = Environments::new(&pulls);
        assert!(envs.together("svc/requirements.txt", "constraints.txt"));
        assert!(envs.together("tests/a.txt", "pkg/pyproject.toml"));
        // Two files that each install the package are two environments.
        assert!(!envs.together("tests/a.txt", "tests/b.txt"));
    }
}
