//! Dependency manifests and the environments they feed: which requirements
//! files are installed together (by `-r` includes, by one Dockerfile's
//! `pip install`s, by one CI job, by one script), so that two files are only
//! compared when one Python really installs both.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::paths::{dir_of, file_name, join};
use super::Evidence;

/// How a requirements-style file is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReqKind {
    /// `requirements*.txt`, `requirements/*.txt`, `*-requirements.txt`.
    Requirements,
    /// `constraints*.txt`: pins only, installs nothing.
    Constraints,
    /// `requirements*.in`: pip-compile input (ranges are expected).
    Input,
}

/// Whether a repository path is a pip requirements-style file, and which kind.
pub fn req_kind(path: &str) -> Option<ReqKind> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let in_req_dir = lower
        .split('/')
        .rev()
        .skip(1)
        .any(|d| d == "requirements" || d == "reqs" || d == "requirements.d");
    let txt = name.ends_with(".txt");
    let input = name.ends_with(".in");
    if !(txt || input) {
        return None;
    }
    if name.starts_with("constraint")
        || name.contains("-constraints")
        || name.contains("_constraints")
    {
        return Some(ReqKind::Constraints);
    }
    if name.contains("requirements") || name.starts_with("reqs") || in_req_dir {
        if name.contains("license") || name.contains("readme") {
            return None;
        }
        return Some(if input {
            ReqKind::Input
        } else {
            ReqKind::Requirements
        });
    }
    None
}

/// What installs an environment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EnvKind {
    /// The image a Dockerfile builds (its final stage and the stages under it).
    Image {
        /// The Dockerfile.
        dockerfile: String,
    },
    /// One CI job's installs.
    CiJob {
        /// The workflow file.
        workflow: String,
        /// The job id.
        job: String,
    },
    /// A script's installs.
    Script {
        /// The script.
        script: String,
    },
    /// A requirements file nothing includes, with what it includes.
    Requirements {
        /// The top file.
        root: String,
    },
}

/// Manifests one Python (or Node…) environment installs together.
#[derive(Debug, Clone, Serialize)]
pub struct Environment {
    /// What installs it.
    #[serde(flatten)]
    pub kind: EnvKind,
    /// Every manifest installed, includes followed.
    pub manifests: BTreeSet<String>,
    /// Where the installs happen.
    pub evidence: Vec<Evidence>,
}

/// `-r` / `-c` edges between requirements files: (from, line, to).
pub type Includes = Vec<(String, usize, String)>;

/// The closure of `start` over the include edges.
pub fn closure(start: &str, includes: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.to_string()];
    while let Some(p) = stack.pop() {
        if !seen.insert(p.clone()) {
            continue;
        }
        if let Some(next) = includes.get(&p) {
            stack.extend(next.iter().cloned());
        }
    }
    seen
}

/// Resolves a `-r`/`-c` path written in `from` (relative to its directory, as pip does).
pub fn resolve_include(from: &str, written: &str) -> Option<String> {
    join(dir_of(from), written)
}

/// Whether a path names a Python dependency declaration (requirements-style, pyproject, Pipfile…).
pub fn is_python_manifest(path: &str) -> bool {
    req_kind(path).is_some()
        || matches!(
            file_name(path),
            "pyproject.toml" | "setup.py" | "setup.cfg" | "Pipfile" | "Pipfile.lock" | "poetry.lock" | "uv.lock"
        )
}

/// Builds the environments from the install sites and the include edges.
pub fn environments(
    installs: Vec<(EnvKind, Vec<(Evidence, String)>)>,
    includes: &Includes,
    requirement_files: &[String],
) -> Vec<Environment> {
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut included: BTreeSet<&str> = BTreeSet::new();
    for (from, _, to) in includes {
        edges.entry(from.clone()).or_default().push(to.clone());
        included.insert(to.as_str());
    }
    let mut out = Vec::new();
    for (kind, sites) in installs {
        let mut manifests = BTreeSet::new();
        let mut evidence = Vec::new();
        for (ev, path) in sites {
            manifests.extend(closure(&path, &edges));
            evidence.push(ev);
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
            evidence: vec![Evidence::new(f.clone(), 1, "installed with its -r/-c includes")],
        });
    }
    out.sort_by(|a, b| a.kind.cmp(&b.kind));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_kinds() {
        assert_eq!(req_kind("requirements.txt"), Some(ReqKind::Requirements));
        assert_eq!(req_kind("requirements/prod.txt"), Some(ReqKind::Requirements));
        assert_eq!(req_kind("constraints.txt"), Some(ReqKind::Constraints));
        assert_eq!(req_kind("requirements-dev.in"), Some(ReqKind::Input));
        assert_eq!(req_kind("docs/notes.txt"), None);
    }

    #[test]
    fn includes_make_one_environment() {
        let includes: Includes = vec![
            ("requirements/prod.txt".into(), 1, "requirements/base.txt".into()),
            ("requirements/dev.txt".into(), 1, "requirements/base.txt".into()),
        ];
        let files = vec![
            "requirements/base.txt".to_string(),
            "requirements/dev.txt".to_string(),
            "requirements/prod.txt".to_string(),
        ];
        let envs = environments(Vec::new(), &includes, &files);
        assert_eq!(envs.len(), 2, "base is included, so only dev and prod are roots");
        assert!(envs
            .iter()
            .all(|e| e.manifests.contains("requirements/base.txt")));
        assert!(!envs.iter().any(|e| e.manifests.contains("requirements/dev.txt")
            && e.manifests.contains("requirements/prod.txt")));
    }
}
