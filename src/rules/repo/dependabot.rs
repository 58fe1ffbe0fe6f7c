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

/// Normalises a Dependabot directory (`./api/`, `api`, `/api/`) to `/api`.
pub fn normalize_dir(d: &str) -> String {
    let t = d.trim().trim_start_matches("./").trim_matches('/');
    if t.is_empty() || t == "." {
        "/".to_string()
    } else {
        format!("/{t}")
    }
}

/// Whether a `directory`/`directories` value (possibly a glob) covers `dir`.
pub fn dir_matches(pattern: &str, dir: &str) -> bool {
    let p = normalize_dir(pattern);
    if !p.contains(['*', '?', '[', '{']) {
        return p == dir;
    }
    globset::GlobBuilder::new(&p)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher().is_match(dir))
        .unwrap_or(false)
}

/// Paths of Renovate configuration files.
pub const RENOVATE_FILES: &[&str] = &[
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
];

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

/// Whether a pyproject.toml declares dependencies (a `[project]` table, Poetry,
/// PDM or a build system); one that only configures tools (ruff, black, mypy)
/// gives Dependabot nothing to update.
pub fn pyproject_declares_deps(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim();
        t == "[project]"
            || t.starts_with("[tool.poetry")
            || t.starts_with("[tool.pdm")
            || t.starts_with("[dependency-groups]")
            || t == "[build-system]"
            || t.starts_with("[project.optional-dependencies]")
    })
}

/// Manifests that name no dependency (tool-only pyproject.toml), seen by `check_manifest`.
#[derive(Debug, Default)]
pub struct EmptyManifests(std::sync::Mutex<Vec<String>>);

impl EmptyManifests {
    /// Records `cx`'s file when it is a manifest without dependencies.
    pub fn note(&self, cx: &crate::rules::FileCx<'_>) {
        let name = cx.file.path.rsplit('/').next().unwrap_or("");
        if name == "pyproject.toml" && !pyproject_declares_deps(&cx.file.text) {
            if let Ok(mut v) = self.0.lock() {
                v.push(cx.file.path.clone());
            }
        }
    }

    /// The inventory without those manifests.
    pub fn filter(
        &self,
        inventory: &[crate::classify::InventoryEntry],
    ) -> Vec<crate::classify::InventoryEntry> {
        let skip = self.0.lock().map(|v| v.clone()).unwrap_or_default();
        inventory
            .iter()
            .filter(|e| !skip.contains(&e.path))
            .cloned()
            .collect()
    }
}

/// A location at line 1 of a file that may not exist (where a fix should go).
pub fn file_start(path: &str, message: impl Into<String>) -> Related {
    let p = Position { line: 1, column: 1 };
    Related {
        path: path.to_string(),
        span: 0..0,
        region: Region { start: p, end: p },
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_and_globs() {
        assert_eq!(normalize_dir("/"), "/");
        assert_eq!(normalize_dir("./api/"), "/api");
        assert!(dir_matches("/", "/"));
        assert!(dir_matches("/services/*", "/services/api"));
        assert!(!dir_matches("/services/*", "/services/api/v2"));
        assert!(dir_matches("/services/**", "/services/api/v2"));
        assert!(!dir_matches("/api", "/"));
    }

    #[test]
    fn pyproject_with_or_without_deps() {
        assert!(pyproject_declares_deps(
            "[project]\nname = \"x\"\ndependencies = [\"fastapi\"]\n"
        ));
        assert!(pyproject_declares_deps(
            "[tool.poetry.dependencies]\npython = \"^3.12\"\n"
        ));
        assert!(!pyproject_declares_deps(
            "[tool.ruff]\nline-length = 100\n\n[tool.mypy]\nstrict = true\n"
        ));
    }

    #[test]
    fn renovate_key() {
        assert!(package_json_has_renovate(
            r#"{"name":"x","renovate":{"extends":["config:base"]}}"#
        ));
        assert!(!package_json_has_renovate(r#"{"name":"x"}"#));
        assert!(!package_json_has_renovate("not json"));
    }
}
