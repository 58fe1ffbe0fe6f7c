//! Dependency manifests and the environments they feed: which requirements
//! files one install brings together (`-r`/`-c` includes, the `pip install -r`s
//! of one image or one script), so that two files are only compared when one
//! Python really installs both.

use std::collections::{BTreeMap, BTreeSet};

use crate::parse::requirements::{Line, RequirementsFile};
use crate::source::SourceFile;

use super::paths::{dir_of, join};

/// Whether a path is a pip requirements-style file: `requirements*.txt`,
/// `constraints*.txt`, `*.in` of pip-compile, or any `.txt`/`.in` in a
/// `requirements/` directory (`requirements/prod.txt`).
pub fn is_requirements_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if crate::classify::is_requirements_name(name) {
        return true;
    }
    (name.ends_with(".txt") || name.ends_with(".in"))
        && lower
            .split('/')
            .rev()
            .skip(1)
            .any(|d| d == "requirements" || d == "reqs")
}

/// A `-r` or `-c` line of a requirements file, resolved as pip does (relative to
/// the including file's directory).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Include {
    /// The including file.
    pub from: String,
    /// 1-based line of the `-r`/`-c`.
    pub line: usize,
    /// The included file.
    pub to: String,
    /// `-c`: pins only, installs nothing by itself.
    pub constraint: bool,
}

/// The `-r`/`-c` lines of a parsed requirements file.
pub fn includes_of(file: &SourceFile, parsed: &RequirementsFile) -> Vec<Include> {
    parsed
        .lines
        .iter()
        .filter_map(|l| match l {
            Line::Include { path, span } => Some((path, span, false)),
            Line::Constraint { path, span } => Some((path, span, true)),
            _ => None,
        })
        .filter_map(|(path, span, constraint)| {
            Some(Include {
                from: file.path.to_string(),
                line: file.lines.line_of(span.start) + 1,
                to: join(dir_of(&file.path), path)?,
                constraint,
            })
        })
        .collect()
}

/// What installs an environment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum EnvKind {
    /// The image a Dockerfile builds (its final stage and the stages under it).
    Image {
        /// The Dockerfile.
        dockerfile: String,
    },
    /// The installs of one script or Makefile.
    Script {
        /// The script.
        script: String,
    },
    /// A requirements file no other file includes, with what it includes.
    Requirements {
        /// The top file.
        root: String,
    },
}

/// Manifests installed together into one Python environment.
#[derive(Debug, Clone)]
pub struct Environment {
    /// What installs it.
    pub kind: EnvKind,
    /// Every manifest installed, includes followed.
    pub manifests: BTreeSet<String>,
    /// Where the installs happen: (path, line).
    pub evidence: Vec<(String, usize)>,
}

/// One install: (the file that installs, its line, the manifest installed).
pub type InstallSite = (String, usize, String);

/// The closure of `start` over the include edges.
fn closure(start: &str, edges: &BTreeMap<&str, Vec<&str>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_string()];
    while let Some(p) = stack.pop() {
        if let Some(next) = edges.get(p.as_str()) {
            stack.extend(
                next.iter()
                    .filter(|n| !seen.contains(**n))
                    .map(|n| n.to_string()),
            );
        }
        seen.insert(p);
    }
    seen
}

/// The environments: one per install site group (an image, a script) and one per
/// requirements file nothing includes. `requirement_files` are every
/// requirements-style file the walk parsed.
pub fn environments(
    installs: Vec<(EnvKind, Vec<InstallSite>)>,
    includes: &[Include],
    requirement_files: &[String],
) -> Vec<Environment> {
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut included: BTreeSet<&str> = BTreeSet::new();
    for i in includes {
        edges
            .entry(i.from.as_str())
            .or_default()
            .push(i.to.as_str());
        included.insert(i.to.as_str());
    }
    let mut out = Vec::new();
    for (kind, sites) in installs {
        let mut manifests = BTreeSet::new();
        let mut evidence = Vec::new();
        for (path, line, manifest) in sites {
            manifests.extend(closure(&manifest, &edges));
            evidence.push((path, line));
        }
        if !manifests.is_empty() {
            out.push(Environment {
                kind,
                manifests,
                evidence,
            });
        }
    }
    for f in requirement_files {
        if included.contains(f.as_str()) {
            continue;
        }
        out.push(Environment {
            kind: EnvKind::Requirements { root: f.clone() },
            manifests: closure(f, &edges),
            evidence: vec![(f.clone(), 1)],
        });
    }
    out.sort_by(|a, b| a.kind.cmp(&b.kind));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_resolve_from_the_including_file() {
        let f = SourceFile::new(
            "requirements/prod.txt",
            "-r base.txt\n-c ../constraints.txt\ngunicorn==22.0\n",
        );
        let parsed = crate::parse::requirements::parse_requirements(&f.text);
        let inc = includes_of(&f, &parsed);
        assert_eq!(inc.len(), 2);
        assert_eq!(inc[0].to, "requirements/base.txt");
        assert_eq!(inc[0].line, 1);
        assert!(!inc[0].constraint);
        assert_eq!(inc[1].to, "constraints.txt");
        assert!(inc[1].constraint);
    }

    #[test]
    fn a_cycle_of_includes_ends() {
        let inc = vec![
            Include {
                from: "a.txt".into(),
                line: 1,
                to: "b.txt".into(),
                constraint: false,
            },
            Include {
                from: "b.txt".into(),
                line: 1,
                to: "a.txt".into(),
                constraint: false,
            },
        ];
        let envs = environments(
            vec![(
                EnvKind::Script {
                    script: "x.sh".into(),
                },
                vec![("x.sh".into(), 1, "a.txt".into())],
            )],
            &inc,
            &["a.txt".into(), "b.txt".into()],
        );
        assert_eq!(envs.len(), 1);
        assert_eq!(envs[0].manifests.len(), 2);
    }
}
