//! Gathering: which files matter for the controls. Most come from the repository
//! model, reduced during the walk from the engine's own parses (source code,
//! Dockerfiles, compose files, Kubernetes manifests and Helm templates, CI files,
//! `dependabot.yml`, logging and pre-commit configs, Helm values, documents'
//! sections, dependency manifests); status parses and reads nothing itself.

use std::collections::BTreeSet;
use std::path::Path;

use crate::classify::FileKind;
use crate::classify::InventoryEntry;
use crate::model::ci::{is_other_ci, CiFile};
use crate::model::code::{is_source, SourceFacts};
use crate::model::config_files::{
    is_log_config, is_pre_commit, HelmTemplate, HelmValues, LogConfig, PreCommit,
};
use crate::model::dependabot::Dependabot;
use crate::model::dockerfiles::DockerInfo;
use crate::model::docs::{is_docs_file, DocsFile};
use crate::model::kubernetes::K8sManifest;
use crate::model::manifests::DependencyManifest;
use crate::model::operations::{is_script_candidate, ComposeFile, ScriptFile};
use crate::model::Repository;
use crate::roles::{self, FileRole};

/// A file that looks like configuration but is not built, deployed or run, so
/// no control counts it; listed so a reader knows it was seen and why it was left out.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Ignored {
    /// Repository-relative path.
    pub path: String,
    /// Why it does not count.
    pub reason: &'static str,
}

/// Everything the controls look at.
pub struct Facts<'a> {
    /// The scanned root (to check a file's size: an empty lockfile locks nothing).
    pub root: &'a Path,
    /// Every path the scan saw.
    pub inventory: &'a [InventoryEntry],
    /// The repository model: which workflows GitHub runs, which Dockerfiles are built.
    pub model: &'a Repository,
    /// Configuration seen but left out: archived files, workflows GitHub never runs.
    pub ignored: Vec<Ignored>,
    /// GitHub workflows, as the walk reduced them.
    pub workflows: Vec<&'a CiFile>,
    /// Local actions (`action.yml`), as the walk reduced them.
    pub actions: Vec<&'a CiFile>,
    /// Other CI definitions (GitLab, CircleCI, Jenkins, Azure, Travis…), as lines.
    pub other_ci: Vec<&'a CiFile>,
    /// Production Dockerfiles (tests, examples, vendored and devcontainers left out),
    /// as the model summarised them during the walk.
    pub dockerfiles: Vec<DockerInfo>,
    /// Compose files, as the walk reduced them.
    pub compose: Vec<&'a ComposeFile>,
    /// YAML files that hold Kubernetes objects, as the walk reduced them.
    pub k8s: Vec<&'a K8sManifest>,
    /// Templated (Helm) manifests, from the model.
    pub helm: Vec<&'a HelmTemplate>,
    /// Helm `values*.yaml` files beside a `Chart.yaml`, from the model.
    pub helm_values: Vec<&'a HelmValues>,
    /// `.github/dependabot.yml`, as the walk reduced it.
    pub dependabot: Option<&'a Dependabot>,
    /// `.pre-commit-config.yaml`, from the model.
    pub pre_commit: Option<&'a PreCommit>,
    /// Documents (README, docs/, runbooks, SECURITY.md), as the walk reduced them.
    pub docs: Vec<&'a DocsFile>,
    /// Dependency manifests and lockfiles (package.json, pyproject.toml, go.mod…),
    /// as the walk reduced them.
    pub manifests: Vec<&'a DependencyManifest>,
    /// Scripts that may back up, restore or roll back, as the walk reduced them.
    pub scripts: Vec<&'a ScriptFile>,
    /// Logging configuration files (logging.conf, logback.xml…), from the model.
    pub log_configs: Vec<&'a LogConfig>,
    /// What the production source says (from the model), strongest evidence first.
    pub source: SourceFacts,
    /// Number of production source files the walk read.
    pub source_files: usize,
}

impl Facts<'_> {
    /// Whether the file exists and holds something: a 0-byte lockfile or backup proves nothing.
    pub fn has_content(&self, path: &str) -> bool {
        self.has(path)
            && crate::paths::to_path(self.root, path)
                .and_then(|p| std::fs::symlink_metadata(p).ok())
                .is_some_and(|m| m.is_file() && m.len() > 0)
    }

    /// Whether a `Chart.yaml` sits in the directory of `path`.
    pub fn has_chart_near(&self, path: &str) -> bool {
        chart_near(self.inventory, path)
    }

    /// Whether a path is in the inventory.
    pub fn has(&self, path: &str) -> bool {
        in_inventory(self.inventory, path)
    }

    /// Paths, lower-cased file name and role, of every entry.
    pub fn entries(&self) -> impl Iterator<Item = (&str, String)> {
        self.inventory
            .iter()
            .map(|e| (e.path.as_str(), file_name(&e.path).to_ascii_lowercase()))
    }
}

/// Whether a path is in the (sorted) inventory.
fn in_inventory(inventory: &[InventoryEntry], path: &str) -> bool {
    inventory
        .binary_search_by(|e| e.path.as_str().cmp(path))
        .is_ok()
}

/// Whether a `Chart.yaml` sits in the directory of `path`.
fn chart_near(inventory: &[InventoryEntry], path: &str) -> bool {
    let dir = dir_of(path);
    let chart = if dir.is_empty() {
        "Chart.yaml".to_string()
    } else {
        format!("{dir}/Chart.yaml")
    };
    in_inventory(inventory, &chart)
}

/// File name of a relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Directory of a relative path (`""` at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Files whose role makes them irrelevant to readiness (tests, examples, vendored code).
pub fn is_production(path: &str) -> bool {
    matches!(roles::role_of(path), FileRole::Production)
}

/// Words a README title uses for a stack that only shows something off.
const DEMO_WORDS: &[&str] = &[
    "demo",
    "demos",
    "example",
    "examples",
    "sample",
    "samples",
    "tutorial",
    "playground",
    "showcase",
];

/// Whether a README's title (its first heading, as the walk kept it) calls its
/// directory a demo: "# Tracing & Logging Demo", "# Example: Grafana stack".
pub fn titled_demo(title: &str) -> bool {
    title
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| DEMO_WORDS.contains(&w))
}

/// Why a configuration file does not count, when it does not: archived, or a
/// workflow where GitHub never looks (only files directly in the root
/// `.github/workflows/` run).
fn ignored_reason(
    path: &str,
    kind: Option<FileKind>,
    runs: &BTreeSet<&str>,
) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    let workflow_dir =
        lower.starts_with(".github/workflows/") || lower.contains("/.github/workflows/");
    // Test data and examples are not configuration anyone expects to run.
    let production = matches!(
        roles::role_of(path),
        FileRole::Production | FileRole::Archived
    );
    if workflow_dir && yaml && !runs.contains(path) && production {
        return Some(if lower.starts_with(".github/workflows/") {
            "in a subdirectory of .github/workflows: GitHub runs only the files directly in it"
        } else {
            "a .github/workflows below the repository root: GitHub never runs it"
        });
    }
    let config = matches!(
        kind,
        Some(FileKind::Dockerfile | FileKind::Compose | FileKind::Workflow | FileKind::Action)
    );
    (config && roles::role_of(path) == FileRole::Archived)
        .then_some("archived: not built, deployed or run")
}

/// Gathers the facts from the model and the inventory.
pub fn gather<'a>(
    root: &'a Path,
    inventory: &'a [InventoryEntry],
    model: &'a Repository,
) -> Facts<'a> {
    let runs: BTreeSet<&str> = model.workflows_github_runs().collect();
    let mut ignored = Vec::new();
    let mut dockerfiles = Vec::new();
    let mut pre_commit = None;
    let mut log_configs = Vec::new();
    let mut helm_values = Vec::new();
    let mut helm = Vec::new();
    let mut compose = Vec::new();
    let mut k8s = Vec::new();
    let mut workflows = Vec::new();
    let mut actions = Vec::new();
    let mut other_ci = Vec::new();
    let mut dependabot = None;
    let mut scripts = Vec::new();
    let mut docs = Vec::new();
    let mut manifests = Vec::new();
    let mut demo_dirs: BTreeSet<String> = BTreeSet::new();
    // Directories (not the root) holding a compose file: their README may say it is a demo.
    let compose_dirs: BTreeSet<&str> = inventory
        .iter()
        .filter(|e| e.kind == Some(FileKind::Compose))
        .map(|e| dir_of(&e.path))
        .filter(|d| !d.is_empty())
        .collect();
    for e in inventory {
        let path = e.path.as_str();
        let name = file_name(path);
        let lower_name = name.to_ascii_lowercase();
        // The walk kept the README's headings (`model::docs`): its title decides.
        if lower_name == "readme.md"
            && compose_dirs.contains(dir_of(path))
            && model
                .docs_file(path)
                .and_then(|d| d.headings.first())
                .is_some_and(|h| titled_demo(&h.title))
        {
            demo_dirs.insert(dir_of(path).to_string());
        }
        if let Some(reason) = ignored_reason(path, e.kind, &runs) {
            ignored.push(Ignored {
                path: path.to_string(),
                reason,
            });
            continue;
        }
        match e.kind {
            // CI files: parsed and reduced by the walk, nothing to read here.
            Some(FileKind::Workflow) => {
                workflows.extend(model.ci_file(path));
            }
            Some(FileKind::Action) if is_production(path) => {
                actions.extend(model.ci_file(path));
            }
            Some(FileKind::Dependabot) => {
                // Parsed and reduced by the walk: nothing to read here.
                dependabot = model.dependabot(path).or(dependabot);
            }
            Some(FileKind::Dockerfile)
                if is_production(path)
                    && !path.starts_with(".devcontainer/")
                    && !is_source(path) =>
            {
                // Parsed and summarised by the walk: nothing to read here. The
                // stages released (built with `--target`, else the final one) count,
                // except a base or builder image other images start `FROM`: those
                // images are what runs.
                dockerfiles.extend(model.running_images(path));
            }
            Some(FileKind::Compose) if is_production(path) => {
                // Parsed and reduced by the walk: nothing to read here.
                compose.extend(model.compose_file(path));
            }
            Some(FileKind::Manifest) if is_production(path) => {
                // Reduced by the walk (`model::manifests`): nothing to read here.
                manifests.extend(model.dependency_manifest(path));
            }
            _ if is_other_ci(path) => {
                other_ci.extend(model.ci_file(path));
            }
            // Reduced to what the controls ask during the walk: nothing to read here.
            _ if is_pre_commit(path) => {
                pre_commit = model.pre_commit(path).or(pre_commit);
            }
            _ if is_log_config(&lower_name) && is_production(path) => {
                log_configs.extend(model.log_config(path));
            }
            Some(FileKind::Markdown) | Some(FileKind::Text) | None if is_docs_file(path) => {
                // Read and reduced by the walk: nothing to read here.
                docs.extend(model.docs_file(path));
            }
            Some(FileKind::Yaml) if is_production(path) && !path.starts_with(".github/") => {
                if is_script_candidate(path, &lower_name, e.kind) {
                    // Reduced by the walk: nothing to read here.
                    scripts.extend(model.script(path));
                } else if lower_name.starts_with("values") && chart_near(inventory, path) {
                    // Helm values, reduced during the walk: nothing to read here.
                    helm_values.extend(model.helm_values(path));
                } else if let Some(h) = model.helm_template(path) {
                    // A templated manifest, reduced during the walk.
                    helm.push(h);
                } else {
                    // A manifest, parsed and reduced during the walk.
                    k8s.extend(model.k8s_manifest(path).filter(|m| m.is_k8s));
                }
            }
            // Source code: the walk already read it for the model.
            _ if is_source(path) => {}
            _ if is_script_candidate(path, &lower_name, e.kind) => {
                scripts.extend(model.script(path));
            }
            _ => {}
        }
    }

    let mut facts = Facts {
        root,
        inventory,
        model,
        ignored,
        workflows,
        actions,
        other_ci,
        dockerfiles,
        compose,
        k8s,
        helm,
        helm_values,
        dependabot,
        pre_commit,
        docs,
        manifests,
        scripts,
        log_configs,
        source: SourceFacts::default(),
        source_files: 0,
    };
    // A compose stack whose README calls it a demo (podinfo's `otel/`: "Tracing &
    // Logging Demo") shows something off; it is not how the service runs.
    facts.compose.retain(|c| {
        let demo = demo_dirs.contains(dir_of(&c.path));
        if demo {
            facts.ignored.push(Ignored {
                path: c.path.clone(),
                reason: "a demo stack: the README beside it calls it a demo",
            });
        }
        !demo
    });
    facts.source_files = model.source_files();
    facts.source = model.code().clone();
    for v in facts.source.evidence_mut() {
        // The application's own code first, helper scripts after, weak files last
        // (a stable sort: the model's order stays within each rank).
        v.sort_by_key(|e| std::cmp::Reverse(super::strength::code_rank(&e.path)));
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_readme_titles() {
        assert!(titled_demo("tracing & logging demo"));
        assert!(titled_demo("Example: Grafana stack"));
        assert!(!titled_demo("podinfo"));
        assert!(!titled_demo("production deployment"));
        assert!(!titled_demo(""));
    }
}
