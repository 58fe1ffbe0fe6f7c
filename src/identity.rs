//! Who this repository is on GitHub (`owner/name`), learned offline.
//!
//! Some severities depend on it: a reusable workflow of the repository's own
//! organisation followed on a branch is a weakness inside one trust domain, a
//! stranger's branch is a supply-chain hole. Nothing here touches the network or
//! runs git; the sources, strongest first:
//! 1. `harden.toml`: `[repository] github = "owner/name"` (the user knows best);
//! 2. the `origin` remote (else the first GitHub remote) in `.git/config`, read as a file;
//! 3. the repository URL the project's root manifests declare (`package.json`
//!    `repository`, `pyproject.toml` project URLs, `Cargo.toml` `repository`, `go.mod`
//!    `module github.com/…`);
//! 4. the guards workflows put on jobs that must only run upstream
//!    (`if: github.repository == 'owner/name'`, `github.repository_owner == 'owner'`);
//! 5. links the root README, SECURITY and CONTRIBUTING files make to their own
//!    project's issues, pull requests, actions, security or releases pages.
//!
//! Sources 4 and 5 vote: the owner named most wins when it is named at least twice
//! and more often than any other (a workflow copied from a sister project keeps its
//! guard, a README links to its dependencies).

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use std::sync::LazyLock;

use crate::config::Config;

/// The repository's GitHub identity and where it was learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoIdentity {
    /// Owner (user or organisation), lower case.
    pub owner: String,
    /// Repository name, lower case, when the source says it.
    pub name: Option<String>,
    /// Where it was learned, for messages (`.git/config`, `package.json`…).
    pub source: &'static str,
}

impl RepoIdentity {
    /// Whether `owner` (as written in a `uses:` reference) is this repository's owner.
    pub fn owns(&self, owner: &str) -> bool {
        self.owner.eq_ignore_ascii_case(owner)
    }
}

/// Small files only: identity never needs more.
const LIMIT: u64 = 1 << 20;

static GITHUB_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)github\.com[:/]+([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]+?)(?:\.git)?(?:[/#?\s\x22')]|$)")
        .expect("static regex")
});

static SELF_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]+)/(?:issues|pulls|actions|security|releases|discussions|workflows)\b")
        .expect("static regex")
});

/// `owner/name` from the first GitHub URL in `text`.
fn github_repo(text: &str) -> Option<(String, String)> {
    let c = GITHUB_URL.captures(text)?;
    let owner = c.get(1)?.as_str().to_ascii_lowercase();
    let name = c.get(2)?.as_str().to_ascii_lowercase();
    (!name.is_empty()).then_some((owner, name))
}

fn read(root: &Path, rel: &str) -> Option<String> {
    crate::files::read_repo_text(&root.join(rel), LIMIT).ok()
}

/// The repository's identity, from the strongest source that says it.
pub fn detect(root: &Path, cfg: &Config) -> Option<RepoIdentity> {
    from_config(cfg)
        .or_else(|| from_git_config(root))
        .or_else(|| from_manifests(root))
        .or_else(|| from_workflow_guards(root))
        .or_else(|| from_self_links(root))
}

static GUARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"github\.repository(_owner)?\s*==\s*['"]([A-Za-z0-9-]+)(?:/([A-Za-z0-9._-]+))?['"]"#,
    )
    .expect("static regex")
});

/// At most this many workflow files are read for guards.
const MAX_WORKFLOWS: usize = 200;

fn from_workflow_guards(root: &Path) -> Option<RepoIdentity> {
    let dir = root.join(".github").join("workflows");
    // Only a real directory of the repository: a symlink may lead anywhere.
    let is_real_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    if !is_real_dir(&root.join(".github")) || !is_real_dir(&dir) {
        return None;
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
        .collect();
    names.sort();
    names.truncate(MAX_WORKFLOWS);
    let texts: Vec<String> = names
        .iter()
        .filter_map(|n| crate::files::read_repo_text(&dir.join(n), LIMIT).ok())
        .collect();
    let mut votes: Vec<(String, Option<String>)> = Vec::new();
    for t in &texts {
        for c in GUARD.captures_iter(t) {
            let Some(owner) = c.get(2) else { continue };
            votes.push((
                owner.as_str().to_ascii_lowercase(),
                c.get(3).map(|n| n.as_str().to_ascii_lowercase()),
            ));
        }
    }
    let mut id = elect(votes)?;
    id.source = "workflow guards";
    Some(id)
}

fn from_config(cfg: &Config) -> Option<RepoIdentity> {
    let v = cfg.extra.get("repository")?.get("github")?.as_str()?;
    let (owner, name) = v.trim().split_once('/')?;
    (!owner.is_empty()).then(|| RepoIdentity {
        owner: owner.to_ascii_lowercase(),
        name: (!name.is_empty()).then(|| name.to_ascii_lowercase()),
        source: "harden.toml",
    })
}

/// The `url` of `[remote "origin"]`, else of the first remote on GitHub.
fn from_git_config(root: &Path) -> Option<RepoIdentity> {
    let repo = crate::vcs::discover(root)?;
    // A linked work tree keeps its config in the common directory.
    let common = crate::files::read_repo_text(&repo.git_dir.join("commondir"), 4096)
        .ok()
        .map(|c| repo.git_dir.join(c.trim()))
        .unwrap_or_else(|| repo.git_dir.clone());
    let text = crate::files::read_repo_text(&common.join("config"), LIMIT).ok()?;
    let (owner, name) = remote_url(&text)?;
    Some(RepoIdentity {
        owner,
        name: Some(name),
        source: ".git/config",
    })
}

/// The GitHub repository of the `origin` remote in a git config file, else of the
/// first remote that points to GitHub.
fn remote_url(text: &str) -> Option<(String, String)> {
    let mut section = String::new();
    let mut first = None;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            section = l.to_ascii_lowercase();
            continue;
        }
        if !section.starts_with("[remote ") {
            continue;
        }
        let Some((k, v)) = l.split_once('=') else {
            continue;
        };
        if !k.trim().eq_ignore_ascii_case("url") {
            continue;
        }
        let Some(repo) = github_repo(v.trim()) else {
            continue;
        };
        if section == "[remote \"origin\"]" {
            return Some(repo);
        }
        first.get_or_insert(repo);
    }
    first
}

fn from_manifests(root: &Path) -> Option<RepoIdentity> {
    if let Some(text) = read(root, "package.json") {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            let url = match v.get("repository") {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(o) => o.get("url").and_then(|u| u.as_str()).map(str::to_string),
                None => None,
            };
            // npm's shorthand `"repository": "owner/name"` means GitHub.
            let found = url.as_deref().and_then(|u| {
                github_repo(u).or_else(|| {
                    let s = u.strip_prefix("github:").unwrap_or(u);
                    let (o, n) = s.split_once('/')?;
                    (!s.contains(':') && !n.contains('/'))
                        .then(|| (o.to_ascii_lowercase(), n.to_ascii_lowercase()))
                })
            });
            if let Some(r) = found {
                return Some(identity(r, "package.json"));
            }
        }
    }
    if let Some(text) = read(root, "pyproject.toml") {
        if let Ok(v) = toml::from_str::<toml::Value>(&text) {
            let urls = v
                .get("project")
                .and_then(|p| p.get("urls"))
                .and_then(|u| u.as_table());
            let preferred = ["repository", "source", "source code", "code", "homepage"];
            if let Some(t) = urls {
                let mut ranked: Vec<(usize, &str)> = t
                    .iter()
                    .filter_map(|(k, v)| {
                        let rank = preferred
                            .iter()
                            .position(|p| k.eq_ignore_ascii_case(p))
                            .unwrap_or(preferred.len());
                        Some((rank, v.as_str()?))
                    })
                    .collect();
                ranked.sort();
                if let Some(r) = ranked.iter().find_map(|(_, u)| github_repo(u)) {
                    return Some(identity(r, "pyproject.toml"));
                }
            }
        }
    }
    if let Some(text) = read(root, "Cargo.toml") {
        if let Ok(v) = toml::from_str::<toml::Value>(&text) {
            let url = v
                .get("package")
                .and_then(|p| p.get("repository"))
                .and_then(|r| r.as_str());
            if let Some(r) = url.and_then(github_repo) {
                return Some(identity(r, "Cargo.toml"));
            }
        }
    }
    if let Some(text) = read(root, "go.mod") {
        let module = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("module "))
            .map(|m| m.trim().trim_matches('"'));
        if let Some(m) = module.and_then(|m| m.strip_prefix("github.com/")) {
            let mut parts = m.split('/');
            if let (Some(o), Some(n)) = (parts.next(), parts.next()) {
                if !o.is_empty() && !n.is_empty() {
                    return Some(identity(
                        (o.to_ascii_lowercase(), n.to_ascii_lowercase()),
                        "go.mod",
                    ));
                }
            }
        }
    }
    None
}

fn identity((owner, name): (String, String), source: &'static str) -> RepoIdentity {
    RepoIdentity {
        owner,
        name: Some(name),
        source,
    }
}

const SELF_LINK_FILES: &[&str] = &[
    "README.md",
    "README.rst",
    "README",
    "SECURITY.md",
    "CONTRIBUTING.md",
    ".github/SECURITY.md",
    ".github/CONTRIBUTING.md",
];

fn from_self_links(root: &Path) -> Option<RepoIdentity> {
    let texts: Vec<String> = SELF_LINK_FILES
        .iter()
        .filter_map(|f| read(root, f))
        .collect();
    owner_from_self_links(texts.iter().map(String::as_str))
}

/// The owner the project's own pages link to most (its issues, pull requests,
/// actions, security or releases pages), with the repository named most under it.
fn owner_from_self_links<'a>(texts: impl Iterator<Item = &'a str>) -> Option<RepoIdentity> {
    let mut votes = Vec::new();
    for t in texts {
        for c in SELF_LINK.captures_iter(t) {
            let (Some(o), Some(n)) = (c.get(1), c.get(2)) else {
                continue;
            };
            votes.push((
                o.as_str().to_ascii_lowercase(),
                Some(n.as_str().to_ascii_lowercase()),
            ));
        }
    }
    let mut id = elect(votes)?;
    id.source = "README links";
    Some(id)
}

/// The owner named most among `(owner, repository)` votes, when named at least twice
/// and more often than any other; the repository too when one name leads under it.
fn elect(votes: Vec<(String, Option<String>)>) -> Option<RepoIdentity> {
    let mut owners: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (o, n) in votes {
        *owners
            .entry(o)
            .or_default()
            .entry(n.unwrap_or_default())
            .or_default() += 1;
    }
    let mut totals: Vec<(usize, &String)> = owners
        .iter()
        .map(|(o, names)| (names.values().sum(), o))
        .collect();
    totals.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let (top, owner) = *totals.first()?;
    let runner_up = totals.get(1).map_or(0, |t| t.0);
    if top < 2 || top <= runner_up {
        return None;
    }
    let names = owners.get(owner)?;
    let named: Vec<(&String, &usize)> = names.iter().filter(|(n, _)| !n.is_empty()).collect();
    let name = named
        .iter()
        .max_by_key(|(_, n)| **n)
        .filter(|(_, best)| named.iter().filter(|(_, n)| n == best).count() == 1)
        .map(|(n, _)| (*n).clone());
    Some(RepoIdentity {
        owner: owner.clone(),
        name,
        source: "",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_config_prefers_origin() {
        let cfg = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/Up/Stream.git\n[remote \"origin\"]\n\turl = git@github.com:Me/My-Repo.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n";
        assert_eq!(
            remote_url(cfg),
            Some(("me".to_string(), "my-repo".to_string()))
        );
        let only = "[remote \"fork\"]\n\turl = https://gitlab.com/a/b\n[remote \"gh\"]\n\turl = https://github.com/acme/tool\n";
        assert_eq!(
            remote_url(only),
            Some(("acme".to_string(), "tool".to_string()))
        );
        assert_eq!(
            remote_url("[remote \"origin\"]\n\turl = https://gitlab.com/a/b\n"),
            None
        );
    }

    #[test]
    fn self_links_need_a_clear_owner() {
        let readme = "[![CI](https://github.com/acme/shop/actions/workflows/ci.yml/badge.svg)](https://github.com/acme/shop/actions)\nReport bugs at https://github.com/acme/shop/issues.\nBuilt with https://github.com/psf/requests/issues/1 in mind.";
        let id = owner_from_self_links([readme].into_iter());
        assert_eq!(id.as_ref().map(|i| i.owner.as_str()), Some("acme"));
        assert_eq!(id.and_then(|i| i.name), Some("shop".to_string()));
        // One mention each: nobody is clearly the project.
        let tie = "https://github.com/a/x/issues https://github.com/b/y/issues";
        assert_eq!(owner_from_self_links([tie].into_iter()), None);
        // A single link is not enough.
        assert_eq!(
            owner_from_self_links(["see https://github.com/a/x/issues"].into_iter()),
            None
        );
    }

    #[test]
    fn workflow_guards_vote() {
        let dir = tempfile::tempdir().expect("tempdir");
        let wf = dir.path().join(".github").join("workflows");
        std::fs::create_dir_all(&wf).expect("mkdir");
        std::fs::write(
            wf.join("release.yml"),
            "jobs:\n  publish:\n    if: github.repository_owner == 'getsentry'\n  docs:\n    if: ${{ github.repository_owner == \"getsentry\" }}\n",
        )
        .expect("write");
        // A workflow copied from a sister project keeps its guard: outvoted.
        std::fs::write(
            wf.join("copied.yml"),
            "jobs:\n  x:\n    if: github.repository == 'prometheus/snmp_exporter'\n",
        )
        .expect("write");
        let id = detect(dir.path(), &Config::default()).expect("identity");
        assert_eq!(
            (id.owner.as_str(), id.source),
            ("getsentry", "workflow guards")
        );
        assert_eq!(id.name, None);
    }

    #[test]
    fn manifests_declare_the_repository() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n[project.urls]\nDocumentation = \"https://docs.example.org\"\nSource = \"https://github.com/Feast-Dev/feast\"\n",
        )
        .expect("write");
        let id = detect(dir.path(), &Config::default()).expect("identity");
        assert_eq!(
            (id.owner.as_str(), id.name.as_deref()),
            ("feast-dev", Some("feast"))
        );
        std::fs::write(
            dir.path().join("go.mod"),
            "module github.com/prometheus/alertmanager\n\ngo 1.22\n",
        )
        .expect("write");
        std::fs::remove_file(dir.path().join("pyproject.toml")).expect("rm");
        let id = detect(dir.path(), &Config::default()).expect("identity");
        assert_eq!(id.owner, "prometheus");
        assert_eq!(id.source, "go.mod");
    }
}
