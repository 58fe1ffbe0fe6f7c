//! Reading `.github/dependabot.yml` and Renovate configs, shared by the `repo/` rules.

use std::ops::Range;

use crate::finding::Related;
use crate::parse::yaml::YamlNode;
use crate::rules::RepoCx;
use crate::source::{Position, Region};

/// One entry of `updates:`.
#[derive(Debug, Clone)]
pub struct UpdateEntry<'a> {
    /// The entry.
    pub node: &'a YamlNode,
    /// `package-ecosystem` value, if a string.
    pub ecosystem: Option<&'a str>,
    /// `directory` and `directories` values with their spans.
    pub dirs: Vec<(&'a str, Range<usize>)>,
}

/// The entries of `updates:` (empty when missing or not a list).
pub fn entries(root: &YamlNode) -> Vec<UpdateEntry<'_>> {
    let items = root.get("updates").and_then(|u| u.as_seq()).unwrap_or(&[]);
    items
        .iter()
        .map(|node| {
            let mut dirs = Vec::new();
            if let Some(d) = node.get("directory") {
                if let Some(s) = d.as_str() {
                    dirs.push((s, d.span.clone()));
                }
            }
            if let Some(ds) = node.get("directories").and_then(|d| d.as_seq()) {
                for d in ds {
                    if let Some(s) = d.as_str() {
                        dirs.push((s, d.span.clone()));
                    }
                }
            }
            UpdateEntry {
                node,
                ecosystem: node.get("package-ecosystem").and_then(|e| e.as_str()),
                dirs,
            }
        })
        .collect()
}

pub use crate::ecosystems::{dir_matches, normalize_dir};

use crate::ecosystems::RENOVATE_FILES;

/// Whether the repository has a Renovate config file (the `renovate` key of
/// package.json is checked by the rules from the manifest itself).
pub fn has_renovate_file(repo: &RepoCx<'_>) -> bool {
    RENOVATE_FILES.iter().any(|f| repo.exists(f))
}

/// Whether package.json text has a top-level `renovate` key.
pub fn package_json_has_renovate(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("renovate").cloned())
        .is_some()
}

/// Manifests, Dockerfiles and actions that give Dependabot nothing to update (a
/// tool-only pyproject.toml, a Dockerfile `FROM scratch`, an action that only runs
/// shell), seen by the `check_*` hooks; see [`crate::ecosystems::has_updatable_dependencies`].
#[derive(Debug, Default)]
pub struct EmptyManifests(std::sync::Mutex<Vec<String>>);

impl EmptyManifests {
    /// Records `cx`'s file when it names no dependency Dependabot could update.
    pub fn note(&self, cx: &crate::rules::FileCx<'_>) {
        self.record_unless(
            crate::ecosystems::has_updatable_dependencies(&cx.file.path, &cx.file.text),
            cx,
        );
    }

    /// Records a Dockerfile with no base image to update (see
    /// [`crate::ecosystems::dockerfile_has_base_image`]).
    pub fn note_dockerfile(
        &self,
        df: &crate::parse::dockerfile::Dockerfile,
        cx: &crate::rules::FileCx<'_>,
    ) {
        self.record_unless(crate::ecosystems::dockerfile_has_base_image(df), cx);
    }

    /// Records a compose file that names no image with a version tag or digest (see
    /// [`crate::ecosystems::compose_has_versioned_image`]): an override of ports and
    /// environment gives the `docker-compose` ecosystem nothing to update.
    pub fn note_compose(&self, yaml: &crate::parse::yaml::YamlFile, cx: &crate::rules::FileCx<'_>) {
        self.record_unless(crate::ecosystems::compose_has_versioned_image(yaml), cx);
    }

    /// Records an action whose steps name no other action (see
    /// [`crate::ecosystems::action_has_remote_uses`]).
    pub fn note_action(&self, yaml: &crate::parse::yaml::YamlFile, cx: &crate::rules::FileCx<'_>) {
        self.record_unless(crate::ecosystems::action_has_remote_uses(yaml), cx);
    }

    /// Records `cx`'s file unless it has something Dependabot could update.
    fn record_unless(&self, updatable: bool, cx: &crate::rules::FileCx<'_>) {
        if updatable {
            return;
        }
        if let Ok(mut v) = self.0.lock() {
            v.push(cx.file.path.to_string());
        }
    }

    /// The repository's inventory without those manifests, nor a `.gitmodules` that
    /// declares no submodule (an empty file left after the last one was removed).
    pub fn filter(&self, repo: &crate::rules::RepoCx<'_>) -> Vec<crate::classify::InventoryEntry> {
        let skip = self.0.lock().map(|v| v.clone()).unwrap_or_default();
        let no_submodules = repo.inventory.iter().any(|e| *e.path == *".gitmodules")
            && !repo
                .read_text(".gitmodules")
                .is_some_and(|t| crate::ecosystems::declares_submodules(&t));
        repo.inventory
            .iter()
            .filter(|e| !skip.iter().any(|s| *s == *e.path))
            .filter(|e| !(no_submodules && *e.path == *".gitmodules"))
            .cloned()
            .collect()
    }
}

/// A location at line 1 of a file that may not exist (where a fix should go).
pub fn file_start(path: &str, message: impl Into<String>) -> Related {
    let p = Position { line: 1, column: 1 };
    Related {
        path: path.into(),
        span: 0..0,
        region: Region { start: p, end: p },
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renovate_key() {
        assert!(package_json_has_renovate(
            r#"{"name":"x","renovate":{"extends":["config:base"]}}"#
        ));
        assert!(!package_json_has_renovate(r#"{"name":"x"}"#));
        assert!(!package_json_has_renovate("not json"));
    }
}
