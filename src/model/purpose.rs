//! What each file is for (a workflow, an operations doc, a backup script,
//! application source…), decided by path and kind before the file is read, so
//! the walk keeps exactly the texts the readiness assessment needs and no
//! later layer reads the disk again.

use crate::classify::{FileKind, InventoryEntry};
use crate::roles::{self, FileRole};

/// Files whose role makes them irrelevant to readiness (tests, examples, vendored code).
pub fn is_production(path: &str) -> bool {
    matches!(roles::role_of(path), FileRole::Production)
}

/// Definition files of CI systems other than GitHub Actions.
pub const OTHER_CI: &[&str] = &[
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    ".circleci/config.yml",
    ".circleci/config.yaml",
    "Jenkinsfile",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    ".travis.yml",
    "bitbucket-pipelines.yml",
    ".drone.yml",
    ".buildkite/pipeline.yml",
    ".woodpecker.yml",
    "cloudbuild.yaml",
    "cloudbuild.yml",
    "buildspec.yml",
];

const DOC_EXTS: &[&str] = &["md", "markdown", "rst", "txt", "adoc"];

const DOC_KEYWORDS: &[&str] = &[
    "runbook",
    "playbook",
    "operat",
    "ops",
    "oncall",
    "on-call",
    "incident",
    "troubleshoot",
    "deploy",
    "release",
    "rollback",
    "backup",
    "restore",
    "recovery",
    "disaster",
    "production",
    "install",
    "hosting",
    "maintenance",
    "readme",
    "security",
    "changelog",
    "changes",
    "history",
    "monitor",
    "alert",
];

/// Documentation the operations controls read (top-level docs, `docs/`, names
/// that say runbook, deploy, backup…), in shipped paths.
pub fn is_doc(path: &str, lower_name: &str) -> bool {
    let ext = lower_name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if !DOC_EXTS.contains(&ext) {
        return false;
    }
    if ext == "txt"
        && (lower_name.starts_with("requirements") || lower_name.starts_with("constraints"))
    {
        return false;
    }
    if !is_production(path) {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let depth = lower.matches('/').count();
    let in_docs = lower.starts_with("docs/")
        || lower.starts_with("doc/")
        || lower.starts_with("documentation/")
        || lower.starts_with("runbooks/")
        || lower.starts_with("ops/")
        || lower.starts_with(".github/");
    (depth == 0 && ext != "txt")
        || (in_docs && depth <= 2)
        || DOC_KEYWORDS.iter().any(|k| lower.contains(k))
}

/// A logging configuration file, by name.
pub fn is_log_config(lower_name: &str) -> bool {
    matches!(
        lower_name,
        "logging.conf"
            | "logging.ini"
            | "logging.yaml"
            | "logging.yml"
            | "logging.json"
            | "log_config.yaml"
            | "log_config.yml"
            | "log_config.json"
            | "log-config.yaml"
            | "logback.xml"
            | "logback-spring.xml"
            | "log4j2.xml"
            | "log4j2.yaml"
            | "log4rs.yaml"
    )
}

/// A script that may back up, restore, dump or roll back, any shell script,
/// and Makefile-style task files.
pub fn is_script_candidate(path: &str, lower_name: &str, kind: Option<FileKind>) -> bool {
    if !is_production(path) {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    let named = ["backup", "restore", "dump", "snapshot", "rollback", "cron"]
        .iter()
        .any(|k| lower.contains(k));
    let scripty = matches!(kind, Some(FileKind::Shell))
        || lower_name.ends_with(".py")
        || lower_name.ends_with(".yml")
        || lower_name.ends_with(".yaml")
        || lower_name.ends_with(".sql")
        || !lower_name.contains('.');
    (named && scripty && !lower_name.ends_with(".md"))
        || matches!(kind, Some(FileKind::Shell))
        || matches!(lower_name, "makefile" | "justfile" | "taskfile.yml")
}

const SOURCE_EXTS: &[&str] = &[
    "py", "js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx", "go", "rs", "java", "kt", "rb",
    "php", "cs", "scala", "ex", "exs",
];

/// Shipped application source in a language the source scan reads.
pub fn is_source(path: &str, lower_name: &str) -> bool {
    let ext = lower_name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    SOURCE_EXTS.contains(&ext)
        && !lower_name.ends_with(".min.js")
        && !lower_name.ends_with(".d.ts")
        && is_production(path)
        && !path.starts_with("docs/")
        && !path.contains("/dist/")
        && !path.starts_with("dist/")
        && !path.contains("/build/")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
/// What a file is for, as far as the readiness assessment is concerned; one
/// purpose per file, decided by path and kind before it is read.
pub enum Purpose {
    /// A GitHub Actions workflow.
    Workflow,
    /// A production local action (`action.yml`).
    Action,
    /// Another CI system's definition (GitLab, CircleCI, Jenkins…).
    OtherCi,
    /// A production Dockerfile (devcontainers and source-looking names left out).
    Dockerfile,
    /// A production compose file.
    Compose,
    /// Production YAML outside `.github/`: Kubernetes objects, Helm templates and values.
    MaybeK8s,
    /// `.github/dependabot.yml`.
    Dependabot,
    /// `.pre-commit-config.yaml`.
    PreCommit,
    /// Documentation that may describe operations (runbooks, deployment, changelogs).
    Doc,
    /// A production dependency manifest or lockfile.
    Manifest,
    /// A script that may back up, restore, deploy or roll back (and Makefiles).
    Script,
    /// A logging configuration file.
    LogConfig,
    /// Production application source code (any language).
    Source,
}


/// The purpose of one file the walk saw, if it has one.
pub fn purpose_of(e: &InventoryEntry) -> Option<Purpose> {
    let path = e.path.as_str();
    let name = file_name(path);
    let lower_name = name.to_ascii_lowercase();
    match e.kind {
        Some(FileKind::Workflow) => Some(Purpose::Workflow),
        Some(FileKind::Action) if is_production(path) => Some(Purpose::Action),
        Some(FileKind::Dependabot) => Some(Purpose::Dependabot),
        Some(FileKind::Dockerfile)
            if is_production(path)
                && !path.starts_with(".devcontainer/")
                && !is_source(path, &lower_name) =>
        {
            Some(Purpose::Dockerfile)
        }
        Some(FileKind::Compose) if is_production(path) => Some(Purpose::Compose),
        Some(FileKind::Manifest) if is_production(path) => Some(Purpose::Manifest),
        _ if OTHER_CI.contains(&path) => Some(Purpose::OtherCi),
        _ if path == ".pre-commit-config.yaml" || path == ".pre-commit-config.yml" => {
            Some(Purpose::PreCommit)
        }
        _ if is_log_config(&lower_name) && is_production(path) => Some(Purpose::LogConfig),
        Some(FileKind::Markdown) | Some(FileKind::Text) | None if is_doc(path, &lower_name) => {
            Some(Purpose::Doc)
        }
        Some(FileKind::Yaml) if is_production(path) && !path.starts_with(".github/") => {
            if is_script_candidate(path, &lower_name, e.kind) {
                Some(Purpose::Script)
            } else {
                Some(Purpose::MaybeK8s)
            }
        }
        _ if is_source(path, &lower_name) => Some(Purpose::Source),
        _ if is_script_candidate(path, &lower_name, e.kind) => Some(Purpose::Script),
        _ => None,
    }
}

/// Whether the walk keeps the text of a file of this purpose (every purpose but
/// application source, which is scanned for facts as it is read and dropped).
pub fn keeps_text(purpose: Option<Purpose>) -> bool {
    purpose.is_some_and(|p| p != Purpose::Source)
}

/// File name of a relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Directory of a relative path (`""` at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_selection() {
        assert!(is_doc("README.md", "readme.md"));
        assert!(is_doc("docs/runbook.md", "runbook.md"));
        assert!(is_doc("docs/ops/deploy.md", "deploy.md"));
        assert!(!is_doc("requirements.txt", "requirements.txt"));
        assert!(!is_doc("tests/fixtures/README.md", "readme.md"));
        assert!(!is_doc("src/pkg/notes.md", "notes.md"));
    }
}
