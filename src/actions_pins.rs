//! The offline table of GitHub Actions release tags and the commits they point at
//! (`data/action-pins.json`, shipped inside the binary).
//!
//! `harden scan` uses it to check that a pinned SHA's `# vX.Y.Z` comment tells the
//! truth; `harden fix` uses it to pin `uses: owner/repo@v4` to `@<sha> # v4.x.y`
//! without a network. The table ages: [`read_on`] says when it was read.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

const PINS_JSON: &str = include_str!("../data/action-pins.json");

#[derive(Debug, Deserialize)]
struct PinFile {
    read_on: String,
    actions: HashMap<String, ActionPins>,
}

#[derive(Debug, Deserialize)]
struct ActionPins {
    latest: String,
    tags: HashMap<String, TagPin>,
}

#[derive(Debug, Deserialize)]
struct TagPin {
    sha: String,
}

/// One action's pins, with a reverse index from commit to tags.
#[derive(Debug, Default, Clone)]
struct Entry {
    latest: String,
    by_tag: HashMap<String, String>,
    by_sha: HashMap<String, Vec<String>>,
}

/// A table of action release tags and commits: the bundled one ([`PinTable::bundled`])
/// or one read from a user-supplied file of the same shape, possibly merged.
#[derive(Debug, Default, Clone)]
pub struct PinTable {
    read_on: String,
    /// Keyed by lower-case `owner/repo`.
    actions: HashMap<String, Entry>,
}

impl PinTable {
    /// Parses a file shaped like `data/action-pins.json`.
    pub fn from_json(text: &str) -> Result<PinTable, String> {
        let file = serde_json::from_str::<PinFile>(text)
            .map_err(|e| format!("not an action pin table: {e}"))?;
        let mut actions = HashMap::new();
        for (name, pins) in file.actions {
            let mut e = Entry {
                latest: pins.latest,
                ..Entry::default()
            };
            for (tag, pin) in pins.tags {
                let sha = pin.sha.to_ascii_lowercase();
                e.by_sha.entry(sha.clone()).or_default().push(tag.clone());
                e.by_tag.insert(tag, sha);
            }
            for tags in e.by_sha.values_mut() {
                tags.sort_by(|a, b| version_key(b).cmp(&version_key(a)).then(a.cmp(b)));
            }
            actions.insert(name.to_ascii_lowercase(), e);
        }
        Ok(PinTable {
            read_on: file.read_on,
            actions,
        })
    }

    /// The table shipped inside harden.
    pub fn bundled() -> &'static PinTable {
        table()
    }

    /// This table with `other`'s actions added; `other` wins for actions both know
    /// (a user file is newer than the bundled one).
    pub fn merged_with(&self, other: &PinTable) -> PinTable {
        let mut out = self.clone();
        for (k, v) in &other.actions {
            out.actions.insert(k.clone(), v.clone());
        }
        if other.read_on > out.read_on {
            out.read_on = other.read_on.clone();
        }
        out
    }

    /// Date the table was read (`YYYY-MM-DD`).
    pub fn read_on(&self) -> &str {
        &self.read_on
    }

    /// Whether the table knows this action (by repository).
    pub fn knows(&self, action: &str) -> bool {
        self.actions.contains_key(&repo_of(action))
    }

    /// The commit `tag` of `action` points at.
    pub fn pin_for(&self, action: &str, tag: &str) -> Option<&str> {
        self.actions
            .get(&repo_of(action))?
            .by_tag
            .get(tag)
            .map(String::as_str)
    }

    /// Every tag that points at `sha`, most specific first.
    pub fn tags_for(&self, action: &str, sha: &str) -> &[String] {
        self.actions
            .get(&repo_of(action))
            .and_then(|e| e.by_sha.get(&sha.to_ascii_lowercase()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The most specific tag that points at `sha`.
    pub fn tag_for(&self, action: &str, sha: &str) -> Option<&str> {
        self.tags_for(action, sha).first().map(String::as_str)
    }

    /// The newest full release the table knows.
    pub fn latest(&self, action: &str) -> Option<&str> {
        self.actions
            .get(&repo_of(action))
            .map(|e| e.latest.as_str())
    }

    /// `(sha, full version comment)` for pinning `action@tag`.
    pub fn pin_with_comment(&self, action: &str, tag: &str) -> Option<(&str, &str)> {
        let sha = self.pin_for(action, tag)?;
        let comment = self.tag_for(action, sha).unwrap_or("");
        let comment = if version_key(comment).0 >= version_key(tag).0 {
            comment
        } else {
            self.actions
                .get(&repo_of(action))?
                .by_tag
                .get_key_value(tag)
                .map(|(k, _)| k.as_str())
                .unwrap_or("")
        };
        Some((sha, comment))
    }
}

/// The table to pin with under `config`: the bundled one, merged with the file named by
/// `[fix] pins = "path"` in harden.toml (relative to the config file) or by
/// `harden fix --pins FILE` (which sets that key to an absolute path). A file that
/// cannot be read or parsed leaves the bundled table (`harden fix` checks the flag first).
pub fn table_for(config: &crate::config::Config) -> std::sync::Arc<PinTable> {
    use std::collections::HashMap as Map;
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};
    static CACHE: OnceLock<Mutex<Map<PathBuf, Arc<PinTable>>>> = OnceLock::new();
    let bundled = || Arc::new(table().clone());
    let Some(path) = user_pins_path(config) else {
        static BUNDLED: OnceLock<Arc<PinTable>> = OnceLock::new();
        return BUNDLED.get_or_init(bundled).clone();
    };
    let cache = CACHE.get_or_init(|| Mutex::new(Map::new()));
    let mut guard = match cache.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    guard
        .entry(path.clone())
        .or_insert_with(|| match load_user_pins(&path) {
            Ok(t) => Arc::new(t),
            Err(_) => bundled(),
        })
        .clone()
}

/// The pin file named in `[fix] pins`, resolved against the config file's directory.
pub fn user_pins_path(config: &crate::config::Config) -> Option<std::path::PathBuf> {
    let raw = config.extra.get("fix")?.get("pins")?.as_str()?;
    let p = std::path::PathBuf::from(raw);
    if p.is_absolute() {
        return Some(p);
    }
    match config.source.as_ref().and_then(|s| s.parent()) {
        Some(dir) => Some(dir.join(p)),
        None => Some(p),
    }
}

/// Reads a user pin file and merges it over the bundled table.
pub fn load_user_pins(path: &std::path::Path) -> Result<PinTable, String> {
    let text = crate::files::read_named_regular_text(path, 64 << 20)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let user = PinTable::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(table().merged_with(&user))
}

fn table() -> &'static PinTable {
    static TABLE: OnceLock<PinTable> = OnceLock::new();
    TABLE.get_or_init(|| PinTable::from_json(PINS_JSON).unwrap_or_default())
}

/// Numeric parts of a tag (`v4.1.7` → [4, 1, 7]); more parts sort as more specific.
fn version_key(tag: &str) -> (usize, Vec<u64>) {
    let parts: Vec<u64> = tag
        .trim_start_matches(['v', 'V'])
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    (parts.len(), parts)
}

/// The action's repository (`owner/repo`) from a `uses:` path (`github/codeql-action/upload-sarif`).
pub fn repo_of(action: &str) -> String {
    let mut parts = action.split('/');
    match (parts.next(), parts.next()) {
        (Some(o), Some(r)) => format!("{o}/{r}").to_ascii_lowercase(),
        _ => action.to_ascii_lowercase(),
    }
}

/// Date the bundled table was read from the actions' repositories (`YYYY-MM-DD`).
pub fn read_on() -> &'static str {
    table().read_on()
}

/// Whether the bundled table knows this action (by repository).
pub fn knows(action: &str) -> bool {
    table().knows(action)
}

/// The commit `tag` of `action` points at (`pin_for("actions/checkout", "v4.1.7")`).
pub fn pin_for(action: &str, tag: &str) -> Option<&'static str> {
    table().pin_for(action, tag)
}

/// Every tag that points at `sha`, most specific first (`v4.1.7` before `v4`).
pub fn tags_for(action: &str, sha: &str) -> &'static [String] {
    table().tags_for(action, sha)
}

/// The most specific tag that points at `sha` (`v4.1.7` rather than `v4`).
pub fn tag_for(action: &str, sha: &str) -> Option<&'static str> {
    table().tag_for(action, sha)
}

/// The newest full release of `action` the bundled table knows.
pub fn latest(action: &str) -> Option<&'static str> {
    table().latest(action)
}

/// The best pin for a moving or exact tag: `(sha, full version comment)`.
/// `v4` resolves to the commit `v4` points at, commented with the most specific
/// tag at that commit (`v4.2.2`), which is what `harden fix` writes.
pub fn pin_with_comment(action: &str, tag: &str) -> Option<(&'static str, &'static str)> {
    table().pin_with_comment(action, tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads_and_resolves_both_ways() {
        assert!(!read_on().is_empty());
        let sha = pin_for("actions/checkout", "v4.1.7").unwrap();
        assert_eq!(sha, "692973e3d937129bcbf40652eb9f2f61becf3332");
        assert!(tags_for("actions/checkout", sha)
            .iter()
            .any(|t| t == "v4.1.7"));
        assert_eq!(
            tag_for("actions/checkout", &sha.to_uppercase()),
            Some("v4.1.7")
        );
        assert!(knows("github/codeql-action/upload-sarif"));
        assert!(pin_for("github/codeql-action/upload-sarif", "v3").is_some());
        assert_eq!(pin_for("nobody/nothing", "v1"), None);
        assert!(latest("actions/checkout").is_some());
    }

    #[test]
    fn user_table_merges_over_bundled() {
        let user = PinTable::from_json(
            r#"{"read_on":"2030-01-01","actions":{"acme/deploy":{"latest":"v2.0.0","tags":{"v2.0.0":{"sha":"ABCDEF0123456789ABCDEF0123456789ABCDEF01"}}}}}"#,
        )
        .unwrap();
        let merged = PinTable::bundled().merged_with(&user);
        assert_eq!(merged.read_on(), "2030-01-01");
        assert_eq!(
            merged.tag_for("acme/deploy", "abcdef0123456789abcdef0123456789abcdef01"),
            Some("v2.0.0")
        );
        assert!(merged.knows("actions/checkout"));
        assert!(PinTable::from_json("{}").is_err());
    }

    #[test]
    fn moving_tag_gets_full_version_comment() {
        let (sha, comment) = pin_with_comment("actions/checkout", "v4").unwrap();
        assert_eq!(Some(sha), pin_for("actions/checkout", "v4"));
        assert!(comment.starts_with("v4."), "{comment}");
    }
}
