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
    fn renovate_key() {
        assert!(package_json_has_renovate(
            r#"{"name":"x","renovate":{"extends":["config:base"]}}"#
        ));
        assert!(!package_json_has_renovate(r#"{"name":"x"}"#));
        assert!(!package_json_has_renovate("not json"));
    }
}
