//! `.github/dependabot.yml` as the readiness controls of `status` read it, found
//! during the walk from the engine's parse: the first way it breaks GitHub's
//! schema (which makes Dependabot ignore it) and its `updates` entries.

use crate::parse::yaml::{YamlFile, YamlNode};
use crate::source::SourceFile;

/// The Dependabot configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependabot {
    /// Repository-relative path.
    pub path: String,
    /// (line, what is wrong) when Dependabot would reject the file.
    pub schema_error: Option<(usize, String)>,
    /// Its `updates` entries with a `package-ecosystem`, in file order.
    pub updates: Vec<Update>,
}

/// One `updates` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// `package-ecosystem` as written.
    pub ecosystem: String,
    /// Line of the `package-ecosystem` value.
    pub line: usize,
    /// `directory` (or `directories`, joined with commas); empty when neither.
    pub directory: String,
}

/// The configuration's facts from its parse (whatever the parse recovered).
pub fn dependabot(file: &SourceFile, yaml: &YamlFile) -> Dependabot {
    let mut updates = Vec::new();
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        for u in root.get("updates").and_then(|u| u.as_seq()).unwrap_or(&[]) {
            let Some(eco_node) = u.get("package-ecosystem") else {
                continue;
            };
            let Some(eco) = eco_node.as_str() else {
                continue;
            };
            let directory = u
                .get("directory")
                .map(|d| d.strings().join(","))
                .or_else(|| u.get("directories").map(|d| d.strings().join(",")))
                .unwrap_or_default();
            updates.push(Update {
                ecosystem: eco.to_string(),
                line: file.lines.line_of(eco_node.span.start) + 1,
                directory,
            });
        }
    }
    Dependabot {
        path: file.path.to_string(),
        schema_error: schema_error(file, yaml),
        updates,
    }
}

/// The first way `.github/dependabot.yml` breaks GitHub's schema for it (what
/// makes Dependabot reject the whole file): `version: 2`, an `updates` list, and
/// in every entry a `package-ecosystem`, a `directory` or `directories`, and a
/// `schedule` with an `interval`. `None` when it has all of them.
fn schema_error(file: &SourceFile, yaml: &YamlFile) -> Option<(usize, String)> {
    let line_of = |off: usize| file.lines.line_of(off) + 1;
    if let Some(e) = &yaml.error {
        return Some((line_of(e.start), "not valid YAML".to_string()));
    }
    let root = yaml.documents.iter().find_map(|d| d.root.as_ref())?;
    let at = |n: &YamlNode| line_of(n.span.start);
    match root.get("version") {
        None => return Some((1, "no `version: 2`".to_string())),
        Some(v) if v.as_str().map(str::trim) != Some("2") => {
            return Some((at(v), "`version` must be 2".to_string()))
        }
        Some(_) => {}
    }
    let Some(updates) = root.get("updates") else {
        return Some((1, "no `updates:` list".to_string()));
    };
    let Some(entries) = updates.as_seq() else {
        return Some((at(updates), "`updates` must be a list".to_string()));
    };
    for u in entries {
        let line = at(u);
        let eco = u.get("package-ecosystem").and_then(|e| e.as_str());
        let Some(eco) = eco else {
            return Some((
                line,
                "an `updates` entry has no `package-ecosystem`".to_string(),
            ));
        };
        if u.get("directory").is_none() && u.get("directories").is_none() {
            return Some((line, format!("the `{eco}` entry has no `directory`")));
        }
        match u.get("schedule") {
            None => return Some((line, format!("the `{eco}` entry has no `schedule`"))),
            Some(sch) if sch.get("interval").is_none() => {
                return Some((
                    at(sch),
                    format!("the `{eco}` entry's `schedule` has no `interval`"),
                ))
            }
            Some(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(t: &str) -> Dependabot {
        let f = SourceFile::new(".github/dependabot.yml".to_string(), t.to_string());
        dependabot(&f, &crate::parse::yaml::parse(t))
    }

    #[test]
    fn entries_and_schema_errors() {
        let ok = facts("version: 2\nupdates:\n  - package-ecosystem: pip\n    directories: [\"/\", \"/api\"]\n    schedule: {interval: weekly}\n");
        assert_eq!(ok.schema_error, None);
        assert_eq!(
            ok.updates,
            vec![Update {
                ecosystem: "pip".into(),
                line: 3,
                directory: "/,/api".into()
            }]
        );
        let bad = facts("version: 1\nupdates: []\n");
        assert_eq!(
            bad.schema_error,
            Some((1, "`version` must be 2".to_string()))
        );
        let none = facts("updates: []\n");
        assert_eq!(
            none.schema_error.map(|e| e.1),
            Some("no `version: 2`".to_string())
        );
    }
}
