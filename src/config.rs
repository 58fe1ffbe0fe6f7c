//! `harden.toml`: rule selection, severity overrides, excludes, limits.
//!
//! A broken config is an error with its file:line, never silently ignored:
//! a typo in `disable` that turned a rule back on would be worse than failing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::finding::Severity;

/// Name of the config file at the scanned root.
pub const CONFIG_FILE: &str = "harden.toml";

/// Default size above which a file is skipped (1 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    max_file_size: Option<u64>,
}

/// Effective configuration for a scan.
#[derive(Debug, Clone)]
pub struct Config {
    /// Globs (relative to the root) of paths never read.
    pub exclude: Vec<String>,
    exclude_set: GlobSet,
    /// Rule ids or families (`docker`, `shell/*`) switched off.
    pub disable: Vec<String>,
    /// Rule ids switched back on after a family-wide disable.
    pub enable: Vec<String>,
    /// Severity overrides by rule id.
    pub severity: BTreeMap<String, Severity>,
    /// Files larger than this are skipped and counted.
    pub max_file_size: u64,
    /// Sections other modules read (`[plan]`, `[fix]`…), kept as raw TOML.
    pub extra: BTreeMap<String, toml::Value>,
    /// Where the config came from, if a file.
    pub source: Option<PathBuf>,
    /// The scanned repository's GitHub identity (`[repository] github`, else detected
    /// by the engine before the walk): severities that depend on trust domains read it.
    pub repository: Option<crate::identity::RepoIdentity>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            exclude: Vec::new(),
            exclude_set: GlobSet::empty(),
            disable: Vec::new(),
            enable: Vec::new(),
            severity: BTreeMap::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            extra: BTreeMap::new(),
            source: None,
            repository: None,
        }
    }
}

/// harden.toml is a few lines; a larger one is a mistake or an attack.
const CONFIG_LIMIT: u64 = 1 << 20;

/// A config error with the place it points at.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// Config path.
        path: String,
        /// Underlying error.
        source: crate::files::ReadError,
    },
    /// Syntax or schema error.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// Config path.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Loads `harden.toml` from `root` (or `explicit`), defaults when absent.
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => root.join(CONFIG_FILE),
        };
        // The repository's own harden.toml is repository input (no links, no FIFOs);
        // a file named with --config is the user's choice.
        let read = match explicit {
            Some(_) => crate::files::read_user_text(&path, CONFIG_LIMIT),
            None => match crate::files::read_repo_text(&path, CONFIG_LIMIT) {
                Err(crate::files::ReadError::NotFound) => return Ok(Config::default()),
                other => other,
            },
        };
        let text = read.map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut cfg = Config::parse(&text, &path.display().to_string())?;
        cfg.source = Some(path);
        Ok(cfg)
    }

    /// Parses config text; `display` names the file in errors.
    pub fn parse(text: &str, display: &str) -> Result<Config, ConfigError> {
        let invalid = |span: Option<std::ops::Range<usize>>, message: String| {
            let offset = span.map_or(0, |s| s.start);
            let idx = crate::source::LineIndex::new(text);
            let pos = idx.position(text, offset);
            ConfigError::Invalid {
                path: display.to_string(),
                line: pos.line,
                column: pos.column,
                message,
            }
        };
        // Split known keys from extra tables so other modules can own their sections.
        let value: toml::Table =
            toml::from_str(text).map_err(|e| invalid(e.span(), e.message().to_string()))?;
        let mut known = toml::Table::new();
        let mut extra = BTreeMap::new();
        for (k, v) in value {
            match k.as_str() {
                "exclude" | "disable" | "enable" | "severity" | "max_file_size" => {
                    known.insert(k, v);
                }
                _ if v.is_table() => {
                    extra.insert(k, v);
                }
                _ => {
                    let span = find_key_span(text, &k);
                    return Err(invalid(span, format!("unknown key `{k}` (expected exclude, disable, enable, severity, max_file_size or a [section])")));
                }
            }
        }
        let raw: RawConfig = known
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.span(), e.message().to_string()))?;
        let mut severity = BTreeMap::new();
        for (rule, sev) in &raw.severity {
            let s: Severity = sev
                .parse()
                .map_err(|m: String| invalid(find_key_span(text, rule), m))?;
            severity.insert(rule.clone(), s);
        }
        let known_ids: Vec<&str> = crate::rules::catalog().iter().map(|m| m.id).collect();
        for id in raw
            .disable
            .iter()
            .chain(raw.enable.iter())
            .chain(raw.severity.keys())
        {
            let family_only = id.trim_end_matches("/*");
            let ok = known_ids.contains(&id.as_str())
                || known_ids
                    .iter()
                    .any(|k| k.split('/').next() == Some(family_only));
            if !ok {
                return Err(invalid(
                    find_value_span(text, id),
                    format!("unknown rule `{id}` (see `harden rules`)"),
                ));
            }
        }
        let mut builder = GlobSetBuilder::new();
        for pat in &raw.exclude {
            let glob = Glob::new(pat).map_err(|e| {
                invalid(find_value_span(text, pat), format!("bad exclude glob: {e}"))
            })?;
            builder.add(glob);
            // `dir` and `dir/` exclude everything below too.
            let trimmed = pat.trim_end_matches('/');
            if !trimmed.contains('*') {
                if let Ok(g) = Glob::new(&format!("{trimmed}/**")) {
                    builder.add(g);
                }
            }
        }
        let exclude_set = builder
            .build()
            .map_err(|e| invalid(None, format!("bad exclude globs: {e}")))?;
        Ok(Config {
            exclude: raw.exclude,
            exclude_set,
            disable: raw.disable,
            enable: raw.enable,
            severity,
            max_file_size: raw.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
            extra,
            source: None,
            repository: None,
        })
    }

    /// Whether a repository-relative path is excluded by config.
    pub fn is_excluded(&self, rel: &str) -> bool {
        self.exclude_set.is_match(rel)
    }

    /// Whether a rule runs.
    pub fn rule_enabled(&self, id: &str) -> bool {
        if self.enable.iter().any(|e| e == id) {
            return true;
        }
        let family = id.split('/').next().unwrap_or(id);
        !self
            .disable
            .iter()
            .any(|d| d == id || d == family || d.strip_suffix("/*") == Some(family))
    }

    /// Severity after overrides.
    pub fn severity_for(&self, id: &str, default: Severity) -> Severity {
        self.severity.get(id).copied().unwrap_or(default)
    }
}

fn find_key_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    for (pos, _) in text.match_indices(key) {
        let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
        let before = text[line_start..pos]
            .trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
        if before.is_empty() {
            return Some(pos..pos + key.len());
        }
    }
    None
}

fn find_value_span(text: &str, value: &str) -> Option<std::ops::Range<usize>> {
    text.find(&format!("\"{value}\""))
        .or_else(|| text.find(&format!("'{value}'")))
        .map(|p| p..p + value.len() + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_applies() {
        let cfg = Config::parse(
            "exclude = [\"vendor\", \"**/*.generated.sh\"]\ndisable = [\"shell\"]\nenable = [\"shell/unsafe-rm\"]\n[severity]\n\"shell/missing-strict-mode\" = \"low\"\n",
            "harden.toml",
        )
        .unwrap();
        assert!(cfg.is_excluded("vendor/x/y.sh"));
        assert!(cfg.is_excluded("a/b.generated.sh"));
        assert!(!cfg.is_excluded("src/a.sh"));
        assert!(!cfg.rule_enabled("shell/missing-strict-mode"));
        assert!(cfg.rule_enabled("shell/unsafe-rm"));
        assert_eq!(
            cfg.severity_for("shell/missing-strict-mode", Severity::High),
            Severity::Low
        );
    }

    #[test]
    fn errors_point_at_the_line() {
        let err = Config::parse(
            "disable = [\"shell/unsafe-rm\"]\n[severity]\n\"shell/unsafe-rm\" = \"severe\"\n",
            "harden.toml",
        )
        .unwrap_err();
        match err {
            ConfigError::Invalid { line, .. } => assert_eq!(line, 3),
            other => panic!("{other}"),
        }
        let err = Config::parse("disable = [\"shell/nope\"]\n", "harden.toml").unwrap_err();
        assert!(err.to_string().contains("harden.toml:1:"), "{err}");
        let err = Config::parse("exclud = []\n", "harden.toml").unwrap_err();
        assert!(err.to_string().contains("unknown key"), "{err}");
        let err = Config::parse("exclude = [\n", "harden.toml").unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { .. }));
    }
}
