//! Which package ecosystems a repository has, and in which directories: the one
//! answer to "what must Dependabot cover".
//!
//! [`detect`] works from file names (the inventory of a scan); the few manifests
//! whose name promises more than their content holds (a pyproject.toml that only
//! configures tools, a Dockerfile built `FROM scratch`) are dropped from the
//! inventory first by [`has_updatable_dependencies`]. `repo/dependabot-coverage`
//! and `harden status` (`dependency-updates`) compare the result with
//! `.github/dependabot.yml`; `harden fix` writes a `dependabot.yml` from it.
//! Directories are written the way Dependabot wants them: `/` for the root,
//! `/services/api` for a subdirectory.

use std::collections::BTreeMap;

use crate::classify::InventoryEntry;
use crate::roles::{role_of, FileRole};

/// A Dependabot `package-ecosystem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    /// pip: requirements files, pyproject.toml, setup.py, Pipfile.
    Pip,
    /// uv: uv.lock.
    Uv,
    /// npm (also yarn, pnpm): package.json.
    Npm,
    /// cargo: Cargo.toml.
    Cargo,
    /// gomod: go.mod.
    Gomod,
    /// docker: Dockerfiles.
    Docker,
    /// docker-compose: compose files.
    DockerCompose,
    /// github-actions: workflows (directory `/`) and local actions.
    GithubActions,
    /// terraform: `*.tf`.
    Terraform,
    /// bundler: Gemfile.
    Bundler,
    /// composer: composer.json.
    Composer,
    /// maven: pom.xml.
    Maven,
    /// gradle: build.gradle(.kts).
    Gradle,
    /// nuget: `*.csproj`, packages.config.
    Nuget,
    /// mix: mix.exs.
    Mix,
    /// pub: pubspec.yaml.
    Pub,
    /// swift: Package.swift.
    Swift,
    /// gitsubmodule: .gitmodules.
    Gitsubmodule,
}

impl Ecosystem {
    /// Every ecosystem, in a fixed order.
    pub const ALL: [Ecosystem; 18] = [
        Ecosystem::Pip,
        Ecosystem::Uv,
        Ecosystem::Npm,
        Ecosystem::Cargo,
        Ecosystem::Gomod,
        Ecosystem::Docker,
        Ecosystem::DockerCompose,
        Ecosystem::GithubActions,
        Ecosystem::Terraform,
        Ecosystem::Bundler,
        Ecosystem::Composer,
        Ecosystem::Maven,
        Ecosystem::Gradle,
        Ecosystem::Nuget,
        Ecosystem::Mix,
        Ecosystem::Pub,
        Ecosystem::Swift,
        Ecosystem::Gitsubmodule,
    ];

    /// The `package-ecosystem` value Dependabot expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Pip => "pip",
            Ecosystem::Uv => "uv",
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Gomod => "gomod",
            Ecosystem::Docker => "docker",
            Ecosystem::DockerCompose => "docker-compose",
            Ecosystem::GithubActions => "github-actions",
            Ecosystem::Terraform => "terraform",
            Ecosystem::Bundler => "bundler",
            Ecosystem::Composer => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::Gradle => "gradle",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Mix => "mix",
            Ecosystem::Pub => "pub",
            Ecosystem::Swift => "swift",
            Ecosystem::Gitsubmodule => "gitsubmodule",
        }
    }

    /// Parses a `package-ecosystem` value (`yarn`/`pnpm` are not values: they are `npm`).
    pub fn from_dependabot(s: &str) -> Option<Ecosystem> {
        Ecosystem::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Whether a Dependabot entry for `other` also keeps this ecosystem's manifests
    /// up to date (pip and uv both read pyproject.toml).
    pub fn covered_by(self, other: Ecosystem) -> bool {
        self == other
            || matches!(
                (self, other),
                (
                    Ecosystem::Pip | Ecosystem::Uv,
                    Ecosystem::Pip | Ecosystem::Uv
                )
            )
    }
}

/// One ecosystem found in one directory.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Detected {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// Dependabot-style directory: `/` or `/sub/dir`.
    pub dir: String,
    /// The file that proves it (repository-relative path).
    pub evidence: String,
}

/// Every `package-ecosystem` value Dependabot accepts (the enum of the published
/// dependabot-2.0 schema; some of them are not detected by [`detect`]).
pub const DEPENDABOT_ECOSYSTEMS: &[&str] = &[
    "bazel",
    "bun",
    "bundler",
    "cargo",
    "composer",
    "conda",
    "deno",
    "devcontainers",
    "docker",
    "docker-compose",
    "dotnet-sdk",
    "elm",
    "github-actions",
    "gitsubmodule",
    "gomod",
    "gradle",
    "helm",
    "julia",
    "maven",
    "mix",
    "nix",
    "npm",
    "nuget",
    "opentofu",
    "pip",
    "pre-commit",
    "pub",
    "rust-toolchain",
    "sbt",
    "swift",
    "terraform",
    "uv",
    "vcpkg",
];

/// Ecosystems whose manifest in a parent directory already covers nested ones
/// (Cargo workspaces, Maven/Gradle multi-module builds, .NET solutions).
fn covers_nested(e: Ecosystem) -> bool {
    matches!(
        e,
        Ecosystem::Cargo | Ecosystem::Maven | Ecosystem::Gradle | Ecosystem::Nuget
    )
}

/// The ecosystem a file name proves, if any.
fn ecosystem_of(path: &str) -> Option<Ecosystem> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let e = match name {
        "requirements.txt" | "pyproject.toml" | "setup.py" | "Pipfile" | "Pipfile.lock"
        | "poetry.lock" => Ecosystem::Pip,
        "uv.lock" => Ecosystem::Uv,
        "package.json" => Ecosystem::Npm,
        "Cargo.toml" => Ecosystem::Cargo,
        "go.mod" => Ecosystem::Gomod,
        "Gemfile" | "gems.rb" => Ecosystem::Bundler,
        "composer.json" => Ecosystem::Composer,
        "pom.xml" => Ecosystem::Maven,
        "build.gradle" | "build.gradle.kts" | "settings.gradle" | "settings.gradle.kts" => {
            Ecosystem::Gradle
        }
        "packages.config" | "Directory.Packages.props" => Ecosystem::Nuget,
        "mix.exs" => Ecosystem::Mix,
        "pubspec.yaml" => Ecosystem::Pub,
        "Package.swift" => Ecosystem::Swift,
        _ => {
            if crate::classify::is_requirements_name(&lower) && lower.ends_with(".txt") {
                Ecosystem::Pip
            } else if crate::classify::is_dockerfile_name(name) {
                Ecosystem::Docker
            } else if crate::classify::is_compose_name(&lower)
                && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
            {
                Ecosystem::DockerCompose
            } else if lower.ends_with(".tf") {
                Ecosystem::Terraform
            } else if lower.ends_with(".csproj")
                || lower.ends_with(".fsproj")
                || lower.ends_with(".vbproj")
            {
                Ecosystem::Nuget
            } else {
                return None;
            }
        }
    };
    Some(e)
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

/// Whether a Dockerfile has a base image Dependabot can update: a stage that starts
/// from neither `scratch` nor an earlier stage (an image packaging a static binary
/// `FROM scratch` has nothing to bump).
pub fn dockerfile_has_base_image(df: &crate::parse::dockerfile::Dockerfile) -> bool {
    let mut earlier: Vec<&str> = Vec::new();
    let mut any = false;
    for st in &df.stages {
        let image = st.image.trim().to_ascii_lowercase();
        if image != "scratch" && !earlier.contains(&image.as_str()) {
            any = true;
        }
        if let Some(name) = &st.name {
            earlier.push(name);
        }
    }
    // No FROM at all (a fragment, a template): keep it, as the name says.
    any || df.stages.is_empty()
}

/// Whether an action names another action by repository (`uses: owner/repo@ref`
/// or `docker://…` in its steps): only then has Dependabot's `github-actions`
/// something to update in its directory. Steps that run shell or call a local
/// action (`./…`, `$/…`) pin nothing.
pub fn action_has_remote_uses(yaml: &crate::parse::yaml::YamlFile) -> bool {
    yaml.documents.iter().any(|doc| {
        doc.root
            .as_ref()
            .and_then(|root| root.at(&["runs", "steps"]))
            .and_then(|steps| steps.as_seq())
            .unwrap_or(&[])
            .iter()
            .filter_map(|step| step.get("uses").and_then(|u| u.as_str()))
            .map(str::trim)
            .any(|u| !u.is_empty() && !u.starts_with("./") && !u.starts_with("$/"))
    })
}

/// Whether a `setup.py` packages something (`setup(`, setuptools, distutils): a module that
/// only happens to be named `setup.py` (a web app's setup-wizard constants) is not a
/// manifest.
pub fn setup_py_packages(text: &str) -> bool {
    text.contains("setup(") || text.contains("setuptools") || text.contains("distutils")
}

/// Whether a file that [`detect`] would count by its name gives Dependabot
/// something to update. The coverage rules and `harden status` both drop the
/// files this rejects before calling [`detect`], so they ask for the same entries.
pub fn has_updatable_dependencies(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "pyproject.toml" {
        return pyproject_declares_deps(text);
    }
    if name == "setup.py" {
        return setup_py_packages(text);
    }
    if crate::classify::is_dockerfile_name(name) {
        return dockerfile_has_base_image(&crate::parse::dockerfile::parse(text));
    }
    if matches!(name, "action.yml" | "action.yaml") {
        return action_has_remote_uses(&crate::parse::yaml::parse(text));
    }
    if name == "composer.json" {
        return composer_declares_deps(text);
    }
    let lower = name.to_ascii_lowercase();
    if crate::classify::is_compose_name(&lower)
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
    {
        return compose_has_versioned_image(&crate::parse::yaml::parse(text));
    }
    true
}

/// Whether a `.gitmodules` declares a submodule (`[submodule "name"]`): Dependabot's
/// `gitsubmodule` ecosystem has nothing to update in an empty one.
pub fn declares_submodules(text: &str) -> bool {
    text.lines()
        .any(|l| l.trim_start().starts_with("[submodule"))
}

/// Whether a `composer.json` names a package Dependabot can bump: one that only
/// configures the autoloader of an app another program loads (`"autoload": {"psr-4":
/// …}`) gives it nothing to update. Platform requirements (`php`, `ext-*`, `lib-*`) are
/// no packages. Unreadable JSON counts as declaring some: the rule then asks, as it did
/// before it could read the file. (A package.json without dependencies still counts: a
/// pnpm or npm workspace root stands for its members.)
fn composer_declares_deps(text: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return true;
    };
    ["require", "require-dev"].iter().any(|k| {
        v.get(*k).and_then(|d| d.as_object()).is_some_and(|deps| {
            deps.keys()
                .any(|p| p != "php" && !p.starts_with("ext-") && !p.starts_with("lib-"))
        })
    })
}

/// Whether a compose file names an image Dependabot can bump: `image:` with a version
/// tag (one that starts with a number: `16`, `v2.4.1`, `3.12-slim`) or a digest. An
/// override that only sets ports or environment, a service that is only `build:`, or
/// a channel tag (`x:latest`, `freqtrade:stable`, `uptime-kuma:nightly2`, `:develop`,
/// which Dependabot does not read as versions) give it nothing to update.
pub fn compose_has_versioned_image(yaml: &crate::parse::yaml::YamlFile) -> bool {
    yaml.documents.iter().any(|doc| {
        doc.root
            .as_ref()
            .and_then(|root| root.get("services"))
            .and_then(|services| services.as_map())
            .unwrap_or(&[])
            .iter()
            .filter_map(|svc| svc.value.get("image").and_then(|i| i.as_str()))
            .any(|image| {
                let image = image.trim();
                if image.contains("@sha256:") {
                    return true;
                }
                let last = image.rsplit('/').next().unwrap_or(image);
                match last.split_once(':') {
                    Some((_, tag)) => {
                        let t = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
                        t.starts_with(|c: char| c.is_ascii_digit())
                    }
                    None => false,
                }
            })
    })
}

/// Paths of Renovate configuration files: with one, Renovate (not Dependabot) keeps
/// dependencies updated, for the coverage rule and `harden status` alike.
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

/// Dependabot directory of a repository-relative file path.
fn dir_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((d, _)) => format!("/{d}"),
        None => "/".to_string(),
    }
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

/// The detected ecosystem a `package-ecosystem` value keeps updated (`bun` reads
/// package.json, `opentofu` reads `*.tf`).
pub fn covering_ecosystem(value: &str) -> Option<Ecosystem> {
    match value {
        "bun" => Some(Ecosystem::Npm),
        "opentofu" => Some(Ecosystem::Terraform),
        other => Ecosystem::from_dependabot(other),
    }
}

/// Whether one of a `dependabot.yml`'s entries, given as (`package-ecosystem`
/// value, `directory`/`directories` pattern), keeps `d` updated. The coverage rule and
/// `harden status` both ask this, so they agree on what is missing.
pub fn is_covered<'a>(d: &Detected, entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    entries.into_iter().any(|(value, pattern)| {
        let Some(e) = covering_ecosystem(value) else {
            return false;
        };
        d.ecosystem.covered_by(e)
            && (dir_matches(pattern, &d.dir)
                // Dependabot reads workflows from `/.github/workflows` whichever of
                // these the entry names.
                || e == Ecosystem::GithubActions
                    && d.dir == "/"
                    && matches!(
                        normalize_dir(pattern).as_str(),
                        "/.github" | "/.github/workflows"
                    ))
    })
}

/// Whether `dir` is `ancestor` or below it (Dependabot-style directories).
pub fn is_within(dir: &str, ancestor: &str) -> bool {
    ancestor == "/"
        || dir == ancestor
        || (dir.starts_with(ancestor) && dir.as_bytes().get(ancestor.len()) == Some(&b'/'))
}

/// Ecosystems and directories of a repository, sorted, one entry per (ecosystem, directory).
/// Test fixtures, examples, archives and vendored code are left out (nobody ships them);
/// development environments stay in (their images and packages still need updates).
/// The caller leaves out files [`has_updatable_dependencies`] rejects.
pub fn detect(inventory: &[InventoryEntry]) -> Vec<Detected> {
    let mut found: BTreeMap<(Ecosystem, String), String> = BTreeMap::new();
    let mut npm_locks: Vec<String> = Vec::new();
    for entry in inventory {
        let path = entry.path.as_str();
        if !matches!(role_of(path), FileRole::Production | FileRole::Development) {
            continue;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        if matches!(
            name,
            "package-lock.json"
                | "yarn.lock"
                | "pnpm-lock.yaml"
                | "npm-shrinkwrap.json"
                | "bun.lockb"
        ) {
            npm_locks.push(dir_of(path));
        }
        if path.starts_with(".github/workflows/")
            && entry.kind == Some(crate::classify::FileKind::Workflow)
        {
            found
                .entry((Ecosystem::GithubActions, "/".to_string()))
                .or_insert_with(|| path.to_string());
            continue;
        }
        // A local or published action, wherever it is: Dependabot's `github-actions`
        // entry for `/` reads the workflows and a root action.yml; any other action
        // directory needs its own entry.
        if entry.kind == Some(crate::classify::FileKind::Action) {
            found
                .entry((Ecosystem::GithubActions, dir_of(path)))
                .or_insert_with(|| path.to_string());
            continue;
        }
        if path == ".gitmodules" {
            found
                .entry((Ecosystem::Gitsubmodule, "/".to_string()))
                .or_insert_with(|| path.to_string());
            continue;
        }
        let Some(eco) = ecosystem_of(path) else {
            continue;
        };
        let mut dir = dir_of(path);
        // requirements/base.txt is read by a pip entry for the parent directory.
        if eco == Ecosystem::Pip && dir.rsplit('/').next().is_some_and(|d| d.starts_with("req")) {
            dir = match dir.rsplit_once('/') {
                Some(("", _)) | None => "/".to_string(),
                Some((parent, _)) => parent.to_string(),
            };
        }
        found.entry((eco, dir)).or_insert_with(|| path.to_string());
    }
    // Nested manifests covered by a parent: Cargo workspaces and the like, and npm
    // workspace members (a package.json with no lockfile under one that has a package.json).
    let keys: Vec<(Ecosystem, String)> = found.keys().cloned().collect();
    let mut out = Vec::new();
    for (eco, dir) in keys {
        let has_parent = |e: Ecosystem| {
            found
                .keys()
                .any(|(e2, d2)| *e2 == e && d2 != &dir && is_within(&dir, d2))
        };
        let nested = if covers_nested(eco) {
            has_parent(eco)
        } else if eco == Ecosystem::Npm {
            !npm_locks.contains(&dir) && has_parent(Ecosystem::Npm)
        } else {
            false
        };
        if nested {
            continue;
        }
        // A Python project with a uv.lock is a uv project: report it once, as uv.
        if eco == Ecosystem::Pip && found.contains_key(&(Ecosystem::Uv, dir.clone())) {
            continue;
        }
        let evidence = found.get(&(eco, dir.clone())).cloned().unwrap_or_default();
        out.push(Detected {
            ecosystem: eco,
            dir,
            evidence,
        });
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{classify_name, NameClass};

    fn inv(paths: &[&str]) -> Vec<InventoryEntry> {
        let mut v: Vec<InventoryEntry> = paths
            .iter()
            .map(|p| InventoryEntry {
                path: (*p).into(),
                kind: match classify_name(p) {
                    NameClass::Known(k) => Some(k),
                    _ => None,
                },
            })
            .collect();
        v.sort();
        v
    }

    fn pairs(d: &[Detected]) -> Vec<(String, String)> {
        d.iter()
            .map(|x| (x.ecosystem.as_str().to_string(), x.dir.clone()))
            .collect()
    }

    #[test]
    fn a_module_named_setup_py_is_not_a_manifest() {
        assert!(setup_py_packages(
            "from setuptools import setup\nsetup(name=\"x\")\n"
        ));
        assert!(!setup_py_packages(
            "class DEFAULTS(str, RawEnum):\n    CTF_NAME = \"CTFd\"\n"
        ));
        assert!(!has_updatable_dependencies(
            "CTFd/constants/setup.py",
            "CTF_THEME = \"core\"\n"
        ));
    }

    #[test]
    fn detects_ecosystems_by_directory() {
        let d = detect(&inv(&[
            ".github/workflows/ci.yml",
            ".github/actions/setup/action.yml",
            "Dockerfile",
            "requirements.txt",
            "requirements/dev.txt",
            "frontend/package.json",
            "frontend/package-lock.json",
            "frontend/packages/ui/package.json",
            "Cargo.toml",
            "crates/core/Cargo.toml",
            "deploy/docker-compose.yml",
            "infra/main.tf",
            "tests/fixtures/app/Dockerfile",
            "node_modules/x/package.json",
            "svc/go.mod",
        ]));
        assert_eq!(
            pairs(&d),
            vec![
                ("pip".into(), "/".into()),
                ("npm".into(), "/frontend".into()),
                ("cargo".into(), "/".into()),
                ("gomod".into(), "/svc".into()),
                ("docker".into(), "/".into()),
                ("docker-compose".into(), "/deploy".into()),
                ("github-actions".into(), "/".into()),
                ("github-actions".into(), "/.github/actions/setup".into()),
                ("terraform".into(), "/infra".into()),
            ]
        );
    }

    #[test]
    fn a_root_action_needs_github_actions_at_the_root() {
        // The repository of a published action: action.yml at the root, workflows,
        // and an action kept outside .github/.
        let d = detect(&inv(&[
            "action.yml",
            ".github/workflows/ci.yml",
            "actions/setup/action.yaml",
            "tests/fixtures/bad/action.yml",
        ]));
        assert_eq!(
            pairs(&d),
            vec![
                ("github-actions".into(), "/".into()),
                ("github-actions".into(), "/actions/setup".into()),
            ]
        );
        // Without workflows the root action alone asks for the same entry.
        assert_eq!(
            pairs(&detect(&inv(&["action.yml", "Cargo.toml"]))),
            vec![
                ("cargo".into(), "/".into()),
                ("github-actions".into(), "/".into())
            ]
        );
    }

    #[test]
    fn manifests_with_nothing_to_update() {
        assert!(has_updatable_dependencies(
            "pyproject.toml",
            "[project]\nname = \"x\"\ndependencies = [\"fastapi\"]\n"
        ));
        assert!(has_updatable_dependencies(
            "svc/pyproject.toml",
            "[tool.poetry.dependencies]\npython = \"^3.12\"\n"
        ));
        assert!(!has_updatable_dependencies(
            "pyproject.toml",
            "[tool.ruff]\nline-length = 100\n\n[tool.mypy]\nstrict = true\n"
        ));
        // A static binary on an empty base: no image to bump.
        assert!(!has_updatable_dependencies(
            "Dockerfile",
            "FROM scratch\nCOPY app /app\nUSER 65532\nENTRYPOINT [\"/app\"]\n"
        ));
        // The builder stage's image is updatable even when the final stage is scratch.
        assert!(has_updatable_dependencies(
            "docker/Dockerfile.release",
            "FROM rust:1.85-alpine AS build\nRUN cargo build --release\n\nFROM scratch\nCOPY --from=build /app /app\n"
        ));
        assert!(!has_updatable_dependencies(
            "Dockerfile",
            "FROM scratch AS base\nCOPY a /a\nFROM base\nCOPY b /b\n"
        ));
        assert!(has_updatable_dependencies(
            "Dockerfile",
            "FROM python:3.12-slim\n"
        ));
        // A composite action that only runs shell pins nothing.
        assert!(!has_updatable_dependencies(
            "tools/get-compose/action.yaml",
            "name: get-compose\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: ./install-compose.sh\n"
        ));
        assert!(!has_updatable_dependencies(
            "action.yml",
            "name: x\nruns:\n  using: composite\n  steps:\n    - uses: ./.github/actions/setup\n    - uses: $/.github/actions/lint\n"
        ));
        assert!(has_updatable_dependencies(
            "action.yml",
            "name: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/cache@v4\n      with:\n        path: x\n"
        ));
        assert!(has_updatable_dependencies("package.json", "{}"));
        // An app's autoloader configuration names no package.
        assert!(!has_updatable_dependencies(
            "app/composer/composer.json",
            r#"{"config": {"vendor-dir": "."}, "autoload": {"psr-4": {"OCA\\App\\": "../lib/"}}}"#
        ));
        assert!(!has_updatable_dependencies(
            "composer.json",
            r#"{"require": {"php": ">=8.1", "ext-json": "*"}}"#
        ));
        assert!(has_updatable_dependencies(
            "php/composer.json",
            r#"{"require": {"php": "8.4.*", "slim/slim": "^4.14"}}"#
        ));
    }

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
    fn coverage_by_entries() {
        let d = |eco, dir: &str| Detected {
            ecosystem: eco,
            dir: dir.to_string(),
            evidence: String::new(),
        };
        let actions = d(Ecosystem::GithubActions, "/");
        assert!(is_covered(&actions, [("github-actions", "/")]));
        assert!(is_covered(
            &actions,
            [("github-actions", "/.github/workflows")]
        ));
        assert!(!is_covered(&actions, [("cargo", "/")]));
        let web = d(Ecosystem::Npm, "/services/web");
        assert!(is_covered(&web, [("bun", "/services/*")]));
        assert!(!is_covered(&web, [("npm", "/services")]));
        assert!(is_covered(&d(Ecosystem::Uv, "/"), [("pip", "./")]));
        assert!(!is_covered(&web, [("not-an-ecosystem", "/services/web")]));
    }

    #[test]
    fn uv_lock_makes_a_uv_project() {
        let d = detect(&inv(&["pyproject.toml", "uv.lock"]));
        assert_eq!(pairs(&d), vec![("uv".into(), "/".into())]);
        assert!(Ecosystem::Uv.covered_by(Ecosystem::Pip));
    }
}
