//! What a file is for beyond its path role: development-only, CI-only,
//! archived, a template, a page of a docs site. Severity depends on it (a
//! finding in a dev container is not a production problem), and so does
//! whether a file counts as live configuration.

use serde::Serialize;

use crate::roles::{self, FileRole};

use super::paths::file_name;

/// Everything the model knows about a file's purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Roles {
    /// Production, test, example, vendored or generated (by path).
    pub role: FileRole,
    /// Only used on a developer's machine: dev containers, Gitpod, `*.dev.yml` and
    /// `compose.override.yml`, and Dockerfiles only those build.
    pub dev_only: bool,
    /// Only used by CI: `docker-compose.ci.yml`, `*.test.yml` compose files, and
    /// compose files and Dockerfiles only workflows use.
    pub ci_only: bool,
    /// Under an `archive/`, `archived/`, `deprecated/`, `legacy/`, `old/` or `attic/` directory.
    pub archived: bool,
    /// A template (Helm chart template, Jinja), not the kind it is named as.
    pub template: bool,
    /// A page of a docs site.
    pub docs_page: bool,
}

impl Roles {
    /// Whether the file is what ships or runs in production: a production path
    /// that is not dev-only, CI-only or archived.
    pub fn is_live(&self) -> bool {
        self.role == FileRole::Production && !self.dev_only && !self.ci_only && !self.archived
    }
}

const ARCHIVE_DIRS: &[&str] = &[
    "archive",
    "archived",
    "archives",
    "deprecated",
    "legacy",
    "old",
    "attic",
    "obsolete",
    "unused",
];

/// Whether a directory of the path says the code is no longer used.
pub fn is_archived(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let dirs: Vec<&str> = lower.split('/').collect();
    dirs[..dirs.len().saturating_sub(1)]
        .iter()
        .any(|d| ARCHIVE_DIRS.contains(d))
}

/// Development-only by path: dev containers, Gitpod, Vagrant, and compose files
/// whose name says dev, local or override.
pub fn is_dev_only_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.starts_with(".devcontainer/")
        || lower.contains("/.devcontainer/")
        || lower.starts_with(".gitpod")
        || file_name(&lower) == "vagrantfile"
    {
        return true;
    }
    let name = file_name(&lower);
    let tokens: Vec<&str> = name.split(['.', '-', '_']).collect();
    let compose_or_docker = name.contains("compose") || name.contains("dockerfile");
    compose_or_docker
        && tokens.iter().any(|t| {
            matches!(
                *t,
                "dev" | "devel" | "develop" | "development" | "local" | "override" | "debug"
            )
        })
}

/// CI-only by path: compose files and Dockerfiles whose name says ci, test or e2e,
/// and anything under `.github/` or `.circleci/`.
pub fn is_ci_only_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    if lower.starts_with(".github/") || lower.starts_with(".circleci/") || lower.starts_with(".gitlab/") {
        return true;
    }
    let name = file_name(&lower);
    let compose_or_docker = name.contains("compose") || name.contains("dockerfile");
    compose_or_docker
        && name
            .split(['.', '-', '_'])
            .any(|t| matches!(t, "ci" | "test" | "tests" | "testing" | "e2e" | "integration"))
}

/// The roles a path has by itself (the model adds what references say).
pub fn by_path(path: &str) -> Roles {
    Roles {
        role: roles::role_of(path),
        dev_only: is_dev_only_path(path),
        ci_only: is_ci_only_path(path),
        archived: is_archived(path),
        template: false,
        docs_page: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_roles() {
        assert!(by_path(".devcontainer/Dockerfile").dev_only);
        assert!(by_path("docker-compose.dev.yml").dev_only);
        assert!(by_path("compose.override.yaml").dev_only);
        assert!(!by_path("docker-compose.yml").dev_only);
        assert!(by_path("docker-compose.ci.yml").ci_only);
        assert!(by_path("tests/docker-compose.e2e.yml").ci_only);
        assert!(by_path("archived/v1/Dockerfile").archived);
        assert!(!by_path("src/old_api.py").archived);
        assert!(by_path("deploy/Dockerfile").is_live());
        assert!(!by_path("third_party/lib/Dockerfile").is_live());
    }
}
