//! Gathering: which files matter for the controls, taken from the repository
//! model with the parse the walk made (YAML for workflows/compose/k8s, the
//! Dockerfile parser) and the source facts the rule pass collected. Nothing
//! here reads the disk or parses.

use crate::classify::InventoryEntry;
use crate::model::purpose::{self, Purpose};
use crate::model::{Repository, SourceFacts};
use crate::parse::{dockerfile, yaml};

pub use crate::model::purpose::{dir_of, file_name, is_production};

/// A file the controls read: the walk's [`crate::source::SourceFile`] (path, text,
/// line index; `line()` and `numbered()` give 1-based lines).
pub type Text = crate::source::SourceFile;

/// A parsed YAML file.
pub struct YamlText<'a> {
    /// The text.
    pub file: &'a Text,
    /// Its parse.
    pub yaml: &'a yaml::YamlFile,
}

/// A parsed Dockerfile.
pub struct DockerText<'a> {
    /// The text.
    pub file: &'a Text,
    /// Its parse.
    pub parsed: &'a dockerfile::Dockerfile,
}

/// Everything the controls look at.
pub struct Facts<'a> {
    /// Every path the scan saw.
    pub inventory: &'a [InventoryEntry],
    /// GitHub workflows.
    pub workflows: Vec<YamlText<'a>>,
    /// Local actions (`action.yml`).
    pub actions: Vec<YamlText<'a>>,
    /// Other CI definitions (GitLab, CircleCI, Jenkins, Azure, Travis…), as text.
    pub other_ci: Vec<&'a Text>,
    /// Production Dockerfiles (tests, examples, vendored and devcontainers left out).
    pub dockerfiles: Vec<DockerText<'a>>,
    /// Compose files.
    pub compose: Vec<YamlText<'a>>,
    /// YAML files that hold Kubernetes objects.
    pub k8s: Vec<YamlText<'a>>,
    /// Templated (Helm) manifests that mention a workload kind, as text.
    pub helm: Vec<&'a Text>,
    /// Helm `values*.yaml` files.
    pub helm_values: Vec<&'a Text>,
    /// `.github/dependabot.yml`.
    pub dependabot: Option<YamlText<'a>>,
    /// `.pre-commit-config.yaml`.
    pub pre_commit: Option<&'a Text>,
    /// Documentation read for the operations controls.
    pub docs: Vec<&'a Text>,
    /// Dependency manifests (package.json, pyproject.toml, go.mod…).
    pub manifests: Vec<&'a Text>,
    /// Scripts that may back up or restore data, and logging config files.
    pub scripts: Vec<&'a Text>,
    /// Logging configuration files (logging.conf, logback.xml…).
    pub log_configs: Vec<&'a Text>,
    /// What the production source says.
    pub source: &'a SourceFacts,
    /// Number of production source files grepped.
    pub source_files: usize,
}

impl Facts<'_> {
    /// Whether a `Chart.yaml` sits in the directory of `path`.
    pub fn has_chart_near(&self, path: &str) -> bool {
        let dir = dir_of(path);
        let chart = if dir.is_empty() {
            "Chart.yaml".to_string()
        } else {
            format!("{dir}/Chart.yaml")
        };
        self.has(&chart)
    }

    /// Whether a path is in the inventory.
    pub fn has(&self, path: &str) -> bool {
        self.inventory
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .is_ok()
    }

    /// Paths, lower-cased file name and role, of every entry.
    pub fn entries(&self) -> impl Iterator<Item = (&str, String)> {
        self.inventory
            .iter()
            .map(|e| (e.path.as_str(), file_name(&e.path).to_ascii_lowercase()))
    }
}

/// Gathers the facts from the model: the files of each purpose, as the walk kept
/// and parsed them.
pub fn gather(repo: &Repository) -> Facts<'_> {
    let mut facts = Facts {
        inventory: repo.inventory(),
        workflows: Vec::new(),
        actions: Vec::new(),
        other_ci: Vec::new(),
        dockerfiles: Vec::new(),
        compose: Vec::new(),
        k8s: Vec::new(),
        helm: Vec::new(),
        helm_values: Vec::new(),
        dependabot: None,
        pre_commit: None,
        docs: Vec::new(),
        manifests: Vec::new(),
        scripts: Vec::new(),
        log_configs: Vec::new(),
        source: &repo.code().source,
        source_files: repo.code().source_files,
    };
    for e in repo.inventory() {
        let Some(want) = purpose::purpose_of(e) else {
            continue;
        };
        let Some(m) = repo.file(&e.path) else {
            continue;
        };
        let t = &m.file;
        let yaml_text = || m.yaml().map(|yaml| YamlText { file: t, yaml });
        match want {
            Purpose::Workflow => facts.workflows.extend(yaml_text()),
            Purpose::Action => facts.actions.extend(yaml_text()),
            Purpose::OtherCi => facts.other_ci.push(t),
            Purpose::Dockerfile => {
                if let Some(parsed) = m.dockerfile() {
                    facts.dockerfiles.push(DockerText { file: t, parsed });
                }
            }
            Purpose::Compose => facts.compose.extend(yaml_text()),
            Purpose::MaybeK8s => {
                let name = file_name(&t.path).to_ascii_lowercase();
                if name.starts_with("values") && facts.has_chart_near(&t.path) {
                    facts.helm_values.push(t);
                    continue;
                }
                if purpose::is_script_candidate(&t.path, &name, Some(crate::classify::FileKind::Yaml)) {
                    facts.scripts.push(t);
                }
                if !(t.text.contains("apiVersion") && t.text.contains("kind")) {
                    continue;
                }
                if t.text.contains("{{") {
                    facts.helm.push(t);
                    continue;
                }
                if let Some(y) = yaml_text() {
                    if y.yaml
                        .documents
                        .iter()
                        .any(|d| d.root.as_ref().is_some_and(crate::engine::is_k8s_object))
                    {
                        facts.k8s.push(y);
                    }
                }
            }
            Purpose::Dependabot => facts.dependabot = yaml_text(),
            Purpose::PreCommit => facts.pre_commit = Some(t),
            Purpose::Doc => facts.docs.push(t),
            Purpose::Manifest => facts.manifests.push(t),
            Purpose::Script => facts.scripts.push(t),
            Purpose::LogConfig => facts.log_configs.push(t),
            Purpose::Source => {}
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lines() {
        let t = Text::new("a", "x\r\ny\nz");
        let v: Vec<_> = t.numbered().collect();
        assert_eq!(v, vec![(1, "x"), (2, "y"), (3, "z")]);
        assert_eq!(t.line(3), 2);
    }
}
