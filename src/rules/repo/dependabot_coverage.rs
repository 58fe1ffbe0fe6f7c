//! `repo/dependabot-coverage`: ecosystems and directories the repository has that
//! `.github/dependabot.yml` does not cover.

use std::sync::Mutex;

use crate::ecosystems::{self, Ecosystem};
use crate::finding::{Related, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::parse::yaml::YamlFile;
use crate::rules::repo::dependabot::{
    entries, file_start, has_renovate_file, package_json_has_renovate, EmptyManifests,
};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct DependabotCoverage {
    state: Mutex<State>,
    empty: EmptyManifests,
}

#[derive(Default)]
struct State {
    /// Where to report (the `updates:` key) and its snippet.
    anchor: Option<(Related, String)>,
    /// (`package-ecosystem` value, directory pattern) of every entry.
    covered: Vec<(String, String)>,
    /// A package.json with a `renovate` key was seen.
    renovate_in_package_json: bool,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "repo/dependabot-coverage",
    summary: "An ecosystem or directory of the repository is missing from `.github/dependabot.yml`",
    severity: Severity::Medium,
    docs: r#"
## Why
Dependabot only looks where `dependabot.yml` tells it: one entry per
package ecosystem and directory. A `pip` entry for `/` does not update
`services/worker/requirements.txt`; an `npm` entry does not update the
Dockerfile's base image; without a `github-actions` entry, the SHA-pinned
actions in the workflows never move and their security fixes never arrive.
The configuration looks done and covers half of the repository.

The rule lists every ecosystem the repository has, by directory (pip and uv:
requirements*.txt, pyproject.toml, setup.py, Pipfile, uv.lock; npm/yarn/pnpm:
package.json; cargo; gomod; docker: Dockerfiles with a base image to update
(not one built only `FROM scratch`); docker-compose (not a compose template such as
`image: {{ DOCKER_IMAGE_MYSQL }}`, which Dependabot cannot parse and the project's tool
renders); github-actions: workflows
and a root `action.yml` in `/`, other action directories on their own, when
the action's steps name another action; terraform; bundler; composer; maven;
gradle; nuget; mix; pub; swift; gitsubmodule), skipping tests, examples and
vendored code, and reports each ecosystem no entry covers, once, with every
uncovered directory as a related location: adding the entry (with
`directories:`) is one change (`directories:` globs are understood; Cargo
workspaces, Maven/Gradle multi-module builds, npm workspace members and uv
workspace members (`[tool.uv.workspace] members = ["backend"]` in a covered root
`pyproject.toml`) are covered by their root, and a requirements file that a covered directory's requirements
include with `-r`, directly or not, is updated with it). Medium for package manifests, Dockerfiles and workflows
that ship; low for compose files, submodules and local composite actions, for
directories of tooling (`docs/`, `scripts/`, `tools/`, `benchmarks/`,
`.devcontainer/`, a `tools` go.mod) and for development environments
(docs/severity.md). A pyproject.toml that only
configures tools (no `[project]`, Poetry, PDM or build system) is not a
manifest. With a Renovate configuration present the rule stays
silent: Renovate discovers manifests itself. Nor is an ecosystem reported that a
scheduled workflow updates itself and proposes as a pull request (`on: schedule`, `gh
pr create` or `peter-evans/create-pull-request`, and an update command such as `go get
-u`, `cargo update` or `uv lock --upgrade` in its steps, in the root Makefile's recipe
of a `make` target they run, or in a script those name); after a literal `cd php`
the command covers that directory only.

## Example
Repository: `requirements.txt`, `Dockerfile`, `web/package.json`,
`.github/workflows/ci.yml`.
```yaml
version: 2
updates:
  - package-ecosystem: pip
    directory: /
    schedule: { interval: weekly }
```
Missing: docker `/`, npm `/web`, github-actions `/`.

## Fix
Add one entry per missing ecosystem and directory (or use `directories:`),
grouping minor and patch updates to keep the pull request count sane:
```yaml
  - package-ecosystem: npm
    directory: /web
    schedule: { interval: weekly }
    groups:
      web-minor:
        update-types: [minor, patch]
```
`harden fix` writes the missing entries.
"#,
};

/// Medium for what ships; low for development-only environments (a dev container's
/// compose file, a `tools` go.mod pinning linters: docs/severity.md).
fn severity_of(e: Ecosystem, dir: &str, evidence: &str) -> Severity {
    let first = dir.trim_start_matches('/').split('/').next().unwrap_or("");
    let last = dir.rsplit('/').next().unwrap_or("");
    if crate::roles::role_of(evidence) == crate::roles::FileRole::Development
        || matches!(last, "tools" | "tool" | "hack")
    {
        return Severity::Low;
    }
    if matches!(
        first,
        "docs"
            | "doc"
            | "benchmarks"
            | "bench"
            | "tools"
            | "scripts"
            | "dev"
            | "ci"
            | ".devcontainer"
    ) {
        return Severity::Low;
    }
    match e {
        Ecosystem::DockerCompose | Ecosystem::Gitsubmodule => Severity::Low,
        Ecosystem::GithubActions if dir != "/" => Severity::Low,
        _ => Severity::Medium,
    }
}

/// Whether a requirements file is `-r`-included (directly or through other files) by
/// one in a directory a pip entry covers: Dependabot's pip updater fetches the files a
/// requirements file includes and updates them with it (`requirements-dev.txt` with
/// `-r docs/requirements-docs.txt`).
fn included_from_covered(
    repo: &RepoCx<'_>,
    d: &ecosystems::Detected,
    covers: &dyn Fn(&ecosystems::Detected) -> bool,
) -> bool {
    if d.ecosystem != Ecosystem::Pip {
        return false;
    }
    let includes = repo.model.includes();
    let mut seen = std::collections::HashSet::new();
    let mut frontier = vec![d.evidence.clone()];
    while let Some(file) = frontier.pop() {
        for inc in includes.iter().filter(|i| i.to == file && !i.constraint) {
            let dir = match inc.from.rsplit_once('/') {
                Some((dir, _)) => format!("/{dir}"),
                None => "/".to_string(),
            };
            let from = ecosystems::Detected {
                ecosystem: Ecosystem::Pip,
                dir,
                evidence: inc.from.clone(),
            };
            if covers(&from) {
                return true;
            }
            if seen.insert(inc.from.clone()) {
                frontier.push(inc.from.clone());
            }
        }
    }
    false
}

/// Whether a Python project is a member of a uv workspace whose root a covered entry
/// updates: the root `pyproject.toml` declares `[tool.uv.workspace]` with `members`
/// globs matching the project's directory (`members = ["backend"]`). Members share the
/// root's `uv.lock`, and Dependabot's uv updater updates the workspace from its root.
fn uv_workspace_member(
    repo: &RepoCx<'_>,
    d: &ecosystems::Detected,
    covers: &dyn Fn(&ecosystems::Detected) -> bool,
) -> bool {
    if !matches!(d.ecosystem, Ecosystem::Pip | Ecosystem::Uv) || d.dir == "/" {
        return false;
    }
    let mut ancestor = d.dir.as_str();
    while let Some((parent, _)) = ancestor.rsplit_once('/') {
        ancestor = if parent.is_empty() { "/" } else { parent };
        let root_file = if ancestor == "/" {
            "pyproject.toml".to_string()
        } else {
            format!("{}/pyproject.toml", ancestor.trim_start_matches('/'))
        };
        let covered = [Ecosystem::Uv, Ecosystem::Pip].iter().any(|e| {
            covers(&ecosystems::Detected {
                ecosystem: *e,
                dir: ancestor.to_string(),
                evidence: root_file.clone(),
            })
        });
        if covered {
            if let Some(text) = repo.read_text(&root_file) {
                let rel = if ancestor == "/" {
                    d.dir.trim_start_matches('/').to_string()
                } else {
                    d.dir[ancestor.len()..].trim_start_matches('/').to_string()
                };
                if uv_members(&text)
                    .iter()
                    .any(|m| ecosystems::dir_matches(m, &ecosystems::normalize_dir(&rel)))
                {
                    return true;
                }
            }
        }
        if ancestor == "/" {
            break;
        }
    }
    false
}

/// The `members` globs of a `[tool.uv.workspace]` table (`members = ["backend",
/// "packages/*"]`, on one line or several), without `./`.
fn uv_members(text: &str) -> Vec<String> {
    let mut in_table = false;
    let mut collecting = false;
    let mut list = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && !collecting {
            in_table = t == "[tool.uv.workspace]";
            continue;
        }
        if !in_table {
            continue;
        }
        if !collecting {
            let Some(rest) = t.strip_prefix("members") else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            collecting = true;
            list.push_str(rest);
        } else {
            list.push_str(t);
        }
        if list.contains(']') {
            break;
        }
    }
    list.split(['"', '\''])
        .skip(1)
        .step_by(2)
        .map(|m| m.trim_start_matches("./").trim_end_matches('/').to_string())
        .filter(|m| !m.is_empty())
        .collect()
}

/// Ecosystems a scheduled workflow keeps updated itself: a workflow that runs `on:
/// schedule`, opens a pull request (`gh pr create`, `peter-evans/create-pull-request`)
/// and runs an update command for the ecosystem (`go get -u`, `cargo update`,
/// `npm update`, `uv lock --upgrade`…), in its steps or through what they run: a
/// `make TARGET` recipe of the root Makefile and the scripts that recipe or the steps
/// name (`make update-deps` → `./hack/update-deps.sh` → `go get -u`). Dependabot need
/// not cover those (review of round 9: external-secrets' weekly update-deps workflow
/// covers its 60 Go modules).
fn scheduled_updates(repo: &RepoCx<'_>) -> Vec<(Ecosystem, Option<String>)> {
    let mut out = Vec::new();
    let makefile = repo.read_text("Makefile").unwrap_or_default();
    for e in repo.inventory {
        if e.kind != Some(crate::classify::FileKind::Workflow) {
            continue;
        }
        let Some(text) = repo.read_text(&e.path) else {
            continue;
        };
        let scheduled = text.lines().any(|l| {
            let t = l.trim_start().trim_start_matches('-').trim_start();
            t.starts_with("schedule:") || t.starts_with("cron:")
        });
        let opens_pr = text.contains("gh pr create")
            || text.contains("peter-evans/create-pull-request")
            || text.contains("hub pull-request");
        if !scheduled || !opens_pr {
            continue;
        }
        let mut texts = vec![text.clone()];
        for target in make_targets(&text) {
            let recipe = make_recipe(&makefile, &target);
            texts.push(recipe);
        }
        let scripts: Vec<String> = texts.iter().flat_map(|t| script_paths(t)).collect();
        for path in scripts {
            if let Some(t) = repo.read_text(&path) {
                texts.push(t);
            }
        }
        for t in &texts {
            for found in update_commands(t) {
                if !out.contains(&found) {
                    out.push(found);
                }
            }
        }
    }
    out
}

/// The targets of `make TARGET` commands in a text (flags skipped).
fn make_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for l in text.lines() {
        let words: Vec<&str> = l.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            if *w != "make"
                || (i > 0 && !matches!(words[i - 1], "run:" | "&&" | ";" | "-" | "then"))
            {
                continue;
            }
            if let Some(t) = words[i + 1..]
                .iter()
                .find(|w| !w.starts_with('-') && !w.contains('='))
            {
                let t = t.trim_end_matches(';');
                if t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
                {
                    out.push(t.to_string());
                }
            }
        }
    }
    out
}

/// The recipe lines of `target` in a Makefile's text.
fn make_recipe(makefile: &str, target: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for l in makefile.lines() {
        if let Some(r) = l.strip_prefix('\t') {
            if inside {
                out.push_str(r);
                out.push('\n');
            }
            continue;
        }
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            continue;
        }
        inside = l
            .split_once(':')
            .is_some_and(|(names, _)| names.split_whitespace().any(|n| n == target));
    }
    out
}

/// Repository paths of shell scripts a text runs (`./hack/update-deps.sh`,
/// `bash scripts/bump.sh`).
fn script_paths(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ';' | '(' | ')'))
        .filter(|w| w.ends_with(".sh") && !w.contains('$') && !w.contains("://"))
        .map(|w| {
            w.trim_start_matches("./")
                .trim_start_matches('@')
                .to_string()
        })
        .filter(|w| !w.is_empty() && !w.starts_with('/'))
        .collect()
}

/// Ecosystems whose dependencies a text's commands upgrade, each with the directory it
/// runs in when a literal `cd DIR` before it says so (`cd ./php` then `composer update`
/// updates `/php` only), or `None` when it runs from the root or a directory the script
/// computes (a loop over every `go.mod`): then it stands for every directory.
fn update_commands(text: &str) -> Vec<(Ecosystem, Option<String>)> {
    const COMMANDS: &[(&str, Ecosystem)] = &[
        ("go get -u", Ecosystem::Gomod),
        ("go get -t -u", Ecosystem::Gomod),
        ("go-mod-upgrade", Ecosystem::Gomod),
        ("cargo update", Ecosystem::Cargo),
        ("cargo upgrade", Ecosystem::Cargo),
        ("npm update", Ecosystem::Npm),
        ("npm-check-updates", Ecosystem::Npm),
        ("ncu -u", Ecosystem::Npm),
        ("pnpm update", Ecosystem::Npm),
        ("yarn upgrade", Ecosystem::Npm),
        ("uv lock --upgrade", Ecosystem::Uv),
        ("uv lock -U", Ecosystem::Uv),
        ("poetry update", Ecosystem::Pip),
        ("pip-compile --upgrade", Ecosystem::Pip),
        ("pip-compile -U", Ecosystem::Pip),
        ("bundle update", Ecosystem::Bundler),
        ("composer update", Ecosystem::Composer),
    ];
    let mut out = Vec::new();
    let mut dir: Option<String> = None;
    for l in text.lines() {
        // A workflow step starts again from the checkout's root.
        if l.trim_start().starts_with("- ") {
            dir = None;
        }
        let t = l
            .trim_start()
            .trim_start_matches("- ")
            .trim_start_matches("run:")
            .trim_start();
        if t.starts_with('#') {
            continue;
        }
        if let Some(d) = t.strip_prefix("cd ") {
            let d = d
                .split(['&', ';', '|'])
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            dir = (!d.is_empty() && !d.contains(['$', '`', '*']))
                .then(|| ecosystems::normalize_dir(d));
        }
        for (cmd, eco) in COMMANDS {
            let found = (*eco, dir.clone());
            if l.contains(cmd) && !out.contains(&found) {
                out.push(found);
            }
        }
    }
    out
}

/// A compose file that is a template (`image: {{ DOCKER_IMAGE_MYSQL }}`, a Jinja
/// `{% if %}` block: `crate::model::template::marker_line`), rendered by the project's
/// own tool before `docker compose` reads it: Dependabot parses compose files as YAML
/// and cannot update one, and the image versions live where the template's values are
/// kept. Not a `docker-compose` directory to cover.
fn templated_compose(repo: &RepoCx<'_>, e: &crate::classify::InventoryEntry) -> bool {
    e.kind == Some(crate::classify::FileKind::Compose)
        && repo
            .read_text(&e.path)
            .is_some_and(|t| crate::model::template::marker_line(&e.path, &t, false).is_some())
}

impl Rule for DependabotCoverage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dependabot(&self, yaml: &YamlFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        let Some(root) = yaml.documents.first().and_then(|d| d.root.as_ref()) else {
            return;
        };
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let span = root.pair("updates").map_or(0..0, |p| p.key_span.clone());
        let at = cx.locate(span, "dependabot configuration");
        let snippet = crate::source::snippet_of(cx.file, at.region.start.line);
        st.anchor = Some((at, snippet));
        for e in entries(root) {
            let Some(eco) = e.ecosystem else { continue };
            for (d, _) in &e.dirs {
                st.covered.push((eco.to_string(), d.to_string()));
            }
        }
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note_dockerfile(df, cx);
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note_action(yaml, cx);
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note_compose(yaml, cx);
    }

    fn check_manifest(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.empty.note(cx);
        if cx.file.path == "package.json" && package_json_has_renovate(&cx.file.text) {
            if let Ok(mut st) = self.state.lock() {
                st.renovate_in_package_json = true;
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(st) = self.state.lock() else { return };
        let Some((anchor, snippet)) = &st.anchor else {
            return;
        };
        if st.renovate_in_package_json || has_renovate_file(repo) {
            return;
        }
        // One finding per missing ecosystem, every uncovered directory related: adding the
        // entry (with `directories:`) is one change.
        let mut missing: Vec<(Ecosystem, Vec<ecosystems::Detected>)> = Vec::new();
        let covers = |d: &ecosystems::Detected| {
            ecosystems::is_covered(
                d,
                st.covered.iter().map(|(e, pat)| (e.as_str(), pat.as_str())),
            )
        };
        let updated_by_workflow = scheduled_updates(repo);
        let inventory: Vec<_> = self
            .empty
            .filter(repo)
            .into_iter()
            .filter(|e| !templated_compose(repo, e))
            .collect();
        for d in ecosystems::detect(&inventory) {
            if covers(&d)
                || updated_by_workflow
                    .iter()
                    .any(|(e, dir)| *e == d.ecosystem && dir.as_ref().is_none_or(|x| *x == d.dir))
                || included_from_covered(repo, &d, &covers)
                || uv_workspace_member(repo, &d, &covers)
            {
                continue;
            }
            match missing.iter_mut().find(|(e, _)| *e == d.ecosystem) {
                Some((_, v)) => v.push(d),
                None => missing.push((d.ecosystem, vec![d])),
            }
        }
        for (eco, dirs) in missing {
            let shown: Vec<String> = dirs
                .iter()
                .take(5)
                .map(|d| format!("`{}` ({})", d.dir, d.evidence))
                .collect();
            let more = if dirs.len() > 5 {
                format!(" and {} more", dirs.len() - 5)
            } else {
                String::new()
            };
            let message = if dirs.len() == 1 {
                format!(
                    "no `{}` entry for directory {}: its dependencies are never updated",
                    eco.as_str(),
                    shown.join(", ")
                )
            } else {
                format!(
                    "no `{}` entry for {} directories: {}{more}: their dependencies are never updated",
                    eco.as_str(),
                    dirs.len(),
                    shown.join(", ")
                )
            };
            let f = out.report(anchor.clone(), snippet.clone(), message);
            f.severity = dirs
                .iter()
                .map(|d| severity_of(d.ecosystem, &d.dir, &d.evidence))
                .max()
                .unwrap_or(Severity::Low);
            f.related = dirs
                .iter()
                .map(|d| file_start(&d.evidence, "manifest not covered"))
                .collect();
        }
    }
}
