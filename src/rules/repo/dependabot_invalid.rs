//! `repo/dependabot-invalid`: `.github/dependabot.yml` that Dependabot rejects.

use std::sync::Mutex;

use crate::ecosystems::DEPENDABOT_ECOSYSTEMS;
use crate::finding::{Related, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::repo::dependabot::{entries, normalize_dir};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct DependabotInvalid {
    /// Directories named in the file, checked for existence at the end.
    dirs: Mutex<Vec<(String, Related, String, String)>>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "repo/dependabot-invalid",
    summary: "`.github/dependabot.yml` has errors: Dependabot ignores it or the broken entry",
    severity: Severity::Medium,
    docs: r#"
## Why
A `dependabot.yml` with an error does not fail any build: GitHub shows the
error in the repository's Insights → Dependency graph → Dependabot tab, which
nobody opens, and no update pull request is ever created. The team believes
dependencies are kept up to date; they are not. Typical mistakes: `version: 1`
or a missing `version`, `package-ecosystem: yarn` (it is `npm`), `pipenv`
(`pip`), a misspelt key (`package_ecosystem`, `schedules`), `interval: weekley`,
a `directory` that was moved or deleted.

The rule checks the file against the published dependabot-2.0 schema's
required parts: `version: 2`; a non-empty `updates` list; in each entry a known
`package-ecosystem`, exactly one of `directory`/`directories`, a `schedule`
with a valid `interval` (and `cronjob` for `cron`), only known keys; and that
each named directory exists in the repository.

## Example
```yaml
version: 2
updates:
  - package-ecosystem: yarn          # not an ecosystem: npm
    directory: /frontend             # moved to /web last year
    schedule:
      interval: weekley
```

## Fix
```yaml
version: 2
updates:
  - package-ecosystem: npm
    directory: /web
    schedule:
      interval: weekly
```
"#,
};

const TOP_KEYS: &[&str] = &[
    "version",
    "enable-beta-ecosystems",
    "updates",
    "registries",
    "multi-ecosystem-groups",
];
const ENTRY_KEYS: &[&str] = &[
    "allow",
    "assignees",
    "commit-message",
    "cooldown",
    "directories",
    "directory",
    "exclude-paths",
    "groups",
    "ignore",
    "insecure-external-code-execution",
    "labels",
    "milestone",
    "name",
    "open-pull-requests-limit",
    "package-ecosystem",
    "pull-request-branch-name",
    "rebase-strategy",
    "registries",
    "reviewers",
    "schedule",
    "target-branch",
    "vendor",
    "versioning-strategy",
    "patterns",
    "multi-ecosystem-group",
];
const INTERVALS: &[&str] = &[
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "semiannually",
    "yearly",
    "cron",
];

fn suggest_ecosystem(e: &str) -> Option<&'static str> {
    Some(match e {
        "yarn" | "pnpm" | "node" | "javascript" => "npm",
        "pipenv" | "poetry" | "pip-compile" | "python" | "pip3" => "pip",
        "go" | "golang" | "go-modules" => "gomod",
        "rust" => "cargo",
        "actions" | "github-action" | "gha" => "github-actions",
        "ruby" | "gem" => "bundler",
        "compose" => "docker-compose",
        "dockerfile" => "docker",
        _ => return None,
    })
}

impl DependabotInvalid {
    fn check_root(&self, root: &YamlNode, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for p in root.as_map().unwrap_or(&[]) {
            if !TOP_KEYS.contains(&p.key.as_str()) {
                out.report(
                    p.key_span.clone(),
                    format!(
                        "unknown top-level key `{}`: Dependabot rejects the file",
                        p.key
                    ),
                );
            }
        }
        match root.get("version") {
            None => {
                out.report(0..0, "no `version: 2`: Dependabot rejects the file");
            }
            Some(v) if v.as_str() != Some("2") => {
                out.report(
                    v.span.clone(),
                    "`version` must be 2: Dependabot rejects the file",
                );
            }
            _ => {}
        }
        let Some(updates) = root.get("updates") else {
            out.report(0..0, "no `updates:` list: Dependabot updates nothing");
            return;
        };
        if updates.as_seq().is_none_or(|s| s.is_empty()) {
            out.report(
                updates.span.clone(),
                "`updates:` must be a non-empty list of ecosystems",
            );
            return;
        }
        let in_multi_group = |n: &YamlNode| n.get("multi-ecosystem-group").is_some();
        for entry in entries(root) {
            let node = entry.node;
            let head = node
                .as_map()
                .and_then(|m| m.first())
                .map_or(node.span.clone(), |p| p.key_span.clone());
            for p in node.as_map().unwrap_or(&[]) {
                if !ENTRY_KEYS.contains(&p.key.as_str()) {
                    out.report(
                        p.key_span.clone(),
                        format!(
                            "unknown key `{}` in an update entry: Dependabot rejects the file",
                            p.key
                        ),
                    );
                }
            }
            match (entry.ecosystem, node.get("package-ecosystem")) {
                (_, None) => {
                    out.report(head.clone(), "update entry without `package-ecosystem`");
                }
                (Some(e), Some(n)) if !DEPENDABOT_ECOSYSTEMS.contains(&e) => {
                    let hint = suggest_ecosystem(e)
                        .map(|s| format!(" (use `{s}`)"))
                        .unwrap_or_default();
                    out.report(
                        n.span.clone(),
                        format!("`{e}` is not a Dependabot package-ecosystem{hint}"),
                    );
                }
                _ => {}
            }
            let has_dir = node.get("directory").is_some();
            let has_dirs = node.get("directories").is_some();
            if has_dir == has_dirs {
                out.report(
                    head.clone(),
                    if has_dir {
                        "both `directory` and `directories`: use one of them"
                    } else {
                        "update entry without `directory` (or `directories`)"
                    },
                );
            }
            match node.get("schedule") {
                None if !in_multi_group(node) => {
                    out.report(head.clone(), "update entry without `schedule.interval`");
                }
                None => {}
                Some(s) => match s.get("interval") {
                    None => {
                        out.report(s.span.clone(), "`schedule` without `interval`");
                    }
                    Some(i) => {
                        let v = i.as_str().unwrap_or("");
                        if !INTERVALS.contains(&v) {
                            out.report(
                                i.span.clone(),
                                format!("`{v}` is not a schedule interval (daily, weekly, monthly, quarterly, semiannually, yearly, cron)"),
                            );
                        } else if v == "cron" && s.get("cronjob").is_none() {
                            out.report(i.span.clone(), "`interval: cron` needs a `cronjob`");
                        }
                    }
                },
            }
            if let Ok(mut dirs) = self.dirs.lock() {
                for (d, span) in &entry.dirs {
                    if d.contains(['*', '?', '[', '{']) {
                        continue;
                    }
                    let eco = entry.ecosystem.unwrap_or("").to_string();
                    let at = cx.locate(span.clone(), "named here");
                    let snippet = crate::source::snippet_of(cx.file, at.region.start.line);
                    dirs.push((normalize_dir(d), at, eco, snippet));
                }
            }
        }
    }
}

impl Rule for DependabotInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dependabot(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let Some(root) = yaml.documents.first().and_then(|d| d.root.as_ref()) else {
            out.report(0..0, "empty dependabot.yml: Dependabot updates nothing");
            return;
        };
        if root.as_map().is_none() {
            out.report(
                root.span.clone(),
                "dependabot.yml must be a mapping with `version` and `updates`",
            );
            return;
        }
        self.check_root(root, cx, out);
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(dirs) = self.dirs.lock() else { return };
        for (dir, at, eco, snippet) in dirs.iter() {
            if repo.exists(dir.trim_start_matches('/')) {
                continue;
            }
            out.report(
                at.clone(),
                snippet.clone(),
                format!("`{eco}` entry names directory `{dir}`, which does not exist: nothing there is updated"),
            );
        }
    }
}
