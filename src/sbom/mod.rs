//! `harden sbom`: CycloneDX 1.6 and SPDX 2.3 documents from lockfiles.
//!
//! Every lockfile in the repository (the same walk as the scan: `.gitignore`d
//! and `exclude`d paths skipped, vendored/test/example trees left out) is read
//! by its own parser into a [`model::Lockfile`] with positions; packages are
//! merged by purl across lockfiles, and each renderer writes one document.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::{Args, ValueEnum};

use crate::classify::{FileKind, NameClass};
use crate::cli::CommonArgs;
use crate::config::Config;
use crate::roles::{self, FileRole};

pub mod actions;
pub mod cargo_lock;
pub mod composer;
pub mod containers;
pub mod cyclonedx;
pub mod gemfile;
pub mod gomod;
pub mod gradle;
pub mod jsonpos;
pub mod maven;
pub mod model;
pub mod npm;
pub mod pipfile;
pub mod pnpm;
pub mod poetry;
pub mod purl;
pub mod requirements;
pub mod spdx;
pub mod uv;
pub mod yarn;

use model::{Digest, Ecosystem, Lockfile};

/// Output format of `harden sbom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

/// Arguments of `harden sbom`.
#[derive(Args, Debug)]
pub struct SbomArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Document format.
    #[arg(long, value_enum, default_value_t = SbomFormat::Cyclonedx)]
    format: SbomFormat,
    /// Write the document to a file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Serial number / namespace from the content and timestamps from the last
    /// commit, so the same tree always gives the same bytes.
    #[arg(long)]
    deterministic: bool,
    /// List on stderr every manifest read (format, packages) and every one
    /// skipped, with the reason.
    #[arg(short, long)]
    verbose: bool,
}

/// Runs `harden sbom`.
pub fn run_cli(args: SbomArgs) -> i32 {
    let root = &args.common.path;
    if !root.is_dir() {
        return crate::cli::error(format!("{}: not a directory", root.display()));
    }
    let config = match Config::load(root, args.common.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return crate::cli::error(e),
    };
    let collected = collect_all(root, &config);
    report_inputs(&collected, args.verbose);
    let sbom = Sbom::build(root, &collected.lockfiles);
    let when = if args.deterministic {
        commit_time(root)
    } else {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    };
    let doc = match args.format {
        SbomFormat::Cyclonedx => cyclonedx::render(&sbom, when, args.deterministic),
        SbomFormat::Spdx => spdx::render(&sbom, when, args.deterministic),
    };
    let res = crate::cli::emit(args.output.as_deref(), |w| {
        // Keep the io error's kind so a closed pipe stays quiet.
        serde_json::to_writer_pretty(&mut *w, &doc).map_err(|e| match e.io_error_kind() {
            Some(kind) => std::io::Error::from(kind),
            None => std::io::Error::other(e),
        })?;
        w.write_all(b"\n")
    });
    match res {
        Ok(()) => crate::cli::EXIT_OK,
        Err(c) => c,
    }
}

/// Says on stderr what went into the SBOM: always a summary and every input that
/// could not be read; with `verbose`, each input read and each one skipped.
fn report_inputs(c: &Collected, verbose: bool) {
    for (path, msg) in &c.errors {
        eprintln!("harden: warning: {path}: {msg}; left out of the SBOM");
    }
    if verbose {
        for r in &c.read {
            let note = r
                .note
                .as_deref()
                .map(|n| format!("; {n}"))
                .unwrap_or_default();
            eprintln!(
                "harden: read {} ({}, {} package{}{note})",
                r.path,
                r.format,
                r.packages,
                if r.packages == 1 { "" } else { "s" }
            );
        }
        for s in &c.skipped {
            eprintln!("harden: skipped {}: {}", s.path, s.reason);
        }
    }
    let mut by_format: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &c.read {
        *by_format.entry(r.format).or_insert(0) += 1;
    }
    let formats: Vec<String> = by_format.iter().map(|(f, n)| format!("{n} {f}")).collect();
    let packages: usize = c.read.iter().map(|r| r.packages).sum();
    let mut line = format!(
        "harden: sbom read {} manifest{} ({}) listing {packages} package entries",
        c.read.len(),
        if c.read.len() == 1 { "" } else { "s" },
        if formats.is_empty() {
            "none".to_string()
        } else {
            formats.join(", ")
        },
    );
    if !c.skipped.is_empty() {
        line.push_str(&format!(
            "; skipped {} (not shipped: tests, examples, vendored, archived{})",
            c.skipped.len(),
            if verbose {
                ""
            } else {
                "; --verbose lists them"
            }
        ));
    }
    eprintln!("{line}");
    if c.ignore.tracked_despite_ignore > 0 || c.ignore.ignored > 0 {
        eprintln!(
            "harden: {} path{} matched by .gitignore/.ignore left out; {} file{} git tracks read although an ignore rule matches {}",
            c.ignore.ignored,
            if c.ignore.ignored == 1 { "" } else { "s" },
            c.ignore.tracked_despite_ignore,
            if c.ignore.tracked_despite_ignore == 1 { "" } else { "s" },
            if c.ignore.tracked_despite_ignore == 1 { "it" } else { "them" },
        );
    }
    if let Some(e) = &c.ignore.index_error {
        eprintln!("harden: warning: the git index could not be read ({e}): tracked files under an ignore rule were not read");
    }
}

/// File names we read as lockfiles (requirements files are recognised by
/// [`crate::classify::is_requirements_path`] or by content).
const LOCKFILE_NAMES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "Cargo.lock",
    "uv.lock",
    "poetry.lock",
    "Pipfile.lock",
    "go.mod",
    "Gemfile.lock",
    "composer.lock",
];

/// Whether a file name is a lockfile we read (or a requirements file by name).
pub fn is_lockfile_name(name: &str) -> bool {
    LOCKFILE_NAMES.contains(&name)
        || (crate::classify::is_requirements_name(&name.to_ascii_lowercase())
            && name.to_ascii_lowercase().ends_with(".txt"))
}

/// What an SBOM input is, which decides how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    /// A lockfile of a package manager (`package-lock.json`, `go.mod`, …).
    Lockfile,
    /// A pip requirements file (exact pins are locked packages).
    Requirements,
    /// A Maven `pom.xml`.
    Pom,
    /// A Gradle dependency lockfile.
    GradleLock,
    /// A GitHub Actions workflow.
    Workflow,
    /// A composite or Docker action's `action.yml`.
    Action,
    /// A Dockerfile.
    Dockerfile,
    /// A compose file.
    Compose,
    /// Other YAML, read for Kubernetes objects.
    Kubernetes,
}

impl InputKind {
    /// Whether OSV publishes advisories for what this input lists (images have none).
    pub fn has_advisories(self) -> bool {
        !matches!(
            self,
            InputKind::Dockerfile | InputKind::Compose | InputKind::Kubernetes
        )
    }

    /// Whether a file of this kind is worth naming when it is skipped (every YAML
    /// file is a Kubernetes candidate: listing the skipped ones would be noise).
    fn is_manifest(self) -> bool {
        self != InputKind::Kubernetes
    }

    /// What the input is, from its path and, for a `.txt` whose name says nothing,
    /// the kind the scan's content sniffing gave it (`file_kind`).
    pub fn of(rel: &str, file_kind: Option<FileKind>) -> Option<InputKind> {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let lower = name.to_ascii_lowercase();
        if LOCKFILE_NAMES.contains(&name) {
            return Some(InputKind::Lockfile);
        }
        if lower.ends_with(".txt")
            && (crate::classify::is_requirements_path(rel) || file_kind == Some(FileKind::Manifest))
        {
            return Some(InputKind::Requirements);
        }
        match name {
            "pom.xml" => return Some(InputKind::Pom),
            "gradle.lockfile" | "buildscript-gradle.lockfile" => {
                return Some(InputKind::GradleLock)
            }
            _ if lower.ends_with(".lockfile") && rel.contains("gradle/dependency-locks/") => {
                return Some(InputKind::GradleLock)
            }
            _ => {}
        }
        match crate::classify::classify_name(rel) {
            NameClass::Known(FileKind::Workflow) => Some(InputKind::Workflow),
            NameClass::Known(FileKind::Action) => Some(InputKind::Action),
            NameClass::Known(FileKind::Dockerfile) => Some(InputKind::Dockerfile),
            NameClass::Known(FileKind::Compose) => Some(InputKind::Compose),
            NameClass::Known(FileKind::Yaml) => Some(InputKind::Kubernetes),
            _ => None,
        }
    }
}

/// One file the SBOM reads.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    /// Path relative to the root.
    pub path: String,
    /// How it is read.
    pub kind: InputKind,
}

/// A manifest the SBOM does not read, and why (for `--verbose`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// Path relative to the root.
    pub path: String,
    /// Why it is left out.
    pub reason: String,
}

/// What the walk found for the SBOM.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Inputs to read, sorted by path.
    pub inputs: Vec<Input>,
    /// Manifests left out, sorted by path.
    pub skipped: Vec<Skipped>,
    /// What ignore rules left out, and what git tracks anyway.
    pub ignore: crate::walk::IgnoreCounts,
}

/// Whether a repository-relative lockfile path describes what ships (not a
/// vendored copy, a test fixture, an example, a development environment or
/// archived code).
pub fn counts(rel: &str) -> bool {
    why_not_counted(rel).is_none()
}

/// Why a manifest at `rel` does not describe what ships, if it does not.
fn why_not_counted(rel: &str) -> Option<&'static str> {
    if rel.split('/').any(|s| s == "node_modules") {
        return Some("installed packages (node_modules), not the project's manifest");
    }
    match roles::role_of(rel) {
        FileRole::Production | FileRole::Generated => None,
        FileRole::Test => Some("test code or a test fixture (by its path)"),
        FileRole::Example => Some("an example or sample (by its path)"),
        FileRole::Vendored => Some("vendored third-party code (by its path)"),
        FileRole::Development => Some("a development or CI environment (by its path)"),
        FileRole::Archived => Some("archived code (by its path)"),
    }
}

/// Why an input of `kind` at `rel` is left out, if it is. Images of development
/// environments (a dev container's `FROM`) are listed, marked development-only:
/// developers run them, so they are part of the supply chain, not of what ships.
fn why_left_out(rel: &str, kind: InputKind) -> Option<&'static str> {
    // GitHub runs every workflow of the root `.github/workflows/` (an `e2e-test.yml`
    // too), with the repository's token and secrets: the actions it uses are
    // dependencies whatever the file's name says.
    if matches!(kind, InputKind::Workflow | InputKind::Action)
        && rel.to_ascii_lowercase().starts_with(".github/")
    {
        return None;
    }
    let image = matches!(
        kind,
        InputKind::Dockerfile | InputKind::Compose | InputKind::Kubernetes
    );
    if image && roles::role_of(rel) == FileRole::Development {
        return None;
    }
    why_not_counted(rel)
}

/// Walks `root` like the scan does (`.gitignore`, `exclude`; tracked files in
/// scope) and sorts what the SBOM reads from what it leaves out.
pub fn discover_inputs(root: &Path, config: &Config) -> Discovery {
    let found: Mutex<Vec<Input>> = Mutex::new(Vec::new());
    let skipped: Mutex<Vec<Skipped>> = Mutex::new(Vec::new());
    let ignore = crate::walk::walk(root, config, 0, &|name| name == "node_modules", &|visit| {
        let crate::walk::Visit::Entry(entry) = visit else {
            return;
        };
        if !entry.file_type.is_file() {
            return;
        }
        let mut kind = InputKind::of(&entry.rel, None);
        let mut why = kind.map_or_else(
            || why_not_counted(&entry.rel),
            |k| why_left_out(&entry.rel, k),
        );
        if why.is_none() && is_nested_workflow(&entry.rel) {
            kind = Some(InputKind::Workflow);
            why = Some("a workflow outside the root .github/workflows (GitHub does not run it)");
        }
        // A `.txt` whose name says nothing: read the start of it (shipped code only).
        if kind.is_none() && why.is_none() && entry.rel.to_ascii_lowercase().ends_with(".txt") {
            let sniffed =
                read_head(entry.abs).is_some_and(|head| crate::classify::sniff_requirements(&head));
            if sniffed {
                kind = Some(InputKind::Requirements);
            }
        }
        let Some(kind) = kind else { return };
        match why {
            None => {
                if let Ok(mut f) = found.lock() {
                    f.push(Input {
                        path: entry.rel,
                        kind,
                    });
                }
            }
            Some(reason) if kind.is_manifest() => {
                if let Ok(mut s) = skipped.lock() {
                    s.push(Skipped {
                        path: entry.rel,
                        reason: reason.to_string(),
                    });
                }
            }
            Some(_) => {}
        }
    });
    let mut inputs = found.into_inner().unwrap_or_default();
    let mut skipped = skipped.into_inner().unwrap_or_default();
    inputs.sort();
    // npm ignores package-lock.json when npm-shrinkwrap.json sits beside it.
    let shrink: BTreeSet<String> = inputs
        .iter()
        .filter_map(|i| {
            i.path
                .strip_suffix("npm-shrinkwrap.json")
                .map(str::to_string)
        })
        .collect();
    inputs.retain(|i| match i.path.strip_suffix("package-lock.json") {
        Some(dir) if shrink.contains(dir) => {
            skipped.push(Skipped {
                path: i.path.clone(),
                reason: "npm-shrinkwrap.json in the same directory takes precedence".to_string(),
            });
            false
        }
        _ => true,
    });
    skipped.sort();
    Discovery {
        inputs,
        skipped,
        ignore,
    }
}

/// A workflow file of a subdirectory's `.github/workflows/` (a subproject's, or
/// one merged in): GitHub runs only the repository root's.
fn is_nested_workflow(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    !lower.starts_with(".github/")
        && lower.contains("/.github/workflows/")
        && (lower.ends_with(".yml") || lower.ends_with(".yaml"))
}

/// The first [`crate::classify::SNIFF_BYTES`] of a file, as text.
fn read_head(path: &Path) -> Option<String> {
    let mut buf = crate::files::read_repo_head(path, crate::classify::SNIFF_BYTES as u64).ok()?;
    if memchr::memchr(0, &buf).is_some() {
        return None;
    }
    let end = match std::str::from_utf8(&buf) {
        Ok(_) => buf.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => return None,
    };
    buf.truncate(end);
    String::from_utf8(buf).ok()
}

/// SBOM input paths (relative, sorted) under `root`, walking like the scan does.
pub fn discover(root: &Path, config: &Config) -> Vec<String> {
    discover_inputs(root, config)
        .inputs
        .into_iter()
        .map(|i| i.path)
        .collect()
}

/// Inputs among the files a scan saw (its inventory, where sniffed `.txt`
/// requirements files are already marked), with the same filters as the walk.
pub fn inputs_of_inventory(inventory: &[crate::classify::InventoryEntry]) -> Vec<Input> {
    let mut inputs: Vec<Input> = inventory
        .iter()
        .filter_map(|e| {
            InputKind::of(&e.path, e.kind)
                .filter(|&kind| why_left_out(&e.path, kind).is_none())
                .map(|kind| Input {
                    path: e.path.to_string(),
                    kind,
                })
        })
        .collect();
    inputs.sort();
    let shrink: BTreeSet<String> = inputs
        .iter()
        .filter_map(|i| {
            i.path
                .strip_suffix("npm-shrinkwrap.json")
                .map(str::to_string)
        })
        .collect();
    inputs.retain(|i| {
        i.path
            .strip_suffix("package-lock.json")
            .is_none_or(|dir| !shrink.contains(dir))
            && !is_nested_workflow(&i.path)
    });
    inputs
}

/// Largest input read (lockfiles of big monorepos reach tens of megabytes).
const MAX_INPUT_BYTES: u64 = 256 << 20;

/// What reading one input gave.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// Its packages (a `go.mod` older than Go 1.17 adds a second list from go.sum).
    pub lockfiles: Vec<Lockfile>,
    /// Something a person should know (dependencies left out and why).
    pub note: Option<String>,
}

/// Reads one input. `Ok` with no lockfile means it lists nothing we read (a
/// YAML file that is not a Kubernetes object).
pub fn parse_input(root: &Path, input: &Input) -> Result<Parsed, String> {
    let rel = input.path.as_str();
    let path = crate::paths::to_path(root, rel).ok_or("malformed path")?;
    let text = crate::files::read_repo_text(&path, MAX_INPUT_BYTES).map_err(|e| e.to_string())?;
    let text = text.as_str();
    let one = |lf: Lockfile| Parsed {
        lockfiles: vec![lf],
        note: None,
    };
    let mut parsed = match input.kind {
        InputKind::Lockfile => {
            let lf = parse_lockfile_text(root, rel, text)?;
            let mut lockfiles = vec![];
            let mut note = None;
            if lf.format == "go.mod" && gomod::needs_go_sum(text) {
                let sum_rel = match rel.rsplit_once('/') {
                    Some((dir, _)) => format!("{dir}/go.sum"),
                    None => "go.sum".to_string(),
                };
                let sum_path = crate::paths::to_path(root, &sum_rel);
                if let Some(Ok(sum)) =
                    sum_path.map(|p| crate::files::read_repo_text(&p, MAX_INPUT_BYTES))
                {
                    let extra = gomod::from_go_sum(&sum_rel, &sum, &lf);
                    note = Some(format!(
                        "go directive before 1.17: {} more modules of the build list from {sum_rel}",
                        extra.packages.len()
                    ));
                    lockfiles.push(extra);
                }
            }
            lockfiles.insert(0, lf);
            Parsed { lockfiles, note }
        }
        InputKind::Requirements => {
            let lf = requirements::parse(rel, text);
            let note = lf
                .packages
                .is_empty()
                .then(|| "no exact pin (`name==version`): nothing locked".to_string());
            Parsed {
                lockfiles: vec![lf],
                note,
            }
        }
        InputKind::Pom => {
            let (lf, unresolved) = maven::parse(root, rel, text)?;
            Parsed {
                lockfiles: vec![lf],
                note: (unresolved > 0).then(|| {
                    format!(
                        "{unresolved} dependenc{} without a version the repository states (managed by a parent or BOM outside it, or a range)",
                        if unresolved == 1 { "y" } else { "ies" }
                    )
                }),
            }
        }
        InputKind::GradleLock => one(gradle::parse(rel, text)),
        InputKind::Workflow => one(actions::parse(rel, text, false)?),
        InputKind::Action => one(actions::parse(rel, text, true)?),
        InputKind::Dockerfile => one(containers::dockerfile(rel, text)),
        InputKind::Compose => one(containers::compose(rel, text)?),
        InputKind::Kubernetes => match containers::kubernetes(rel, text) {
            Some(lf) if !lf.packages.is_empty() => one(lf),
            _ => Parsed {
                lockfiles: Vec::new(),
                note: None,
            },
        },
    };
    // Images of development and CI setups (`.devcontainer/`, `docker-compose.dev.yml`,
    // `ci/Dockerfile`) do not ship.
    if matches!(
        input.kind,
        InputKind::Dockerfile | InputKind::Compose | InputKind::Kubernetes
    ) && (roles::is_dev_path(rel) || roles::role_of(rel) == FileRole::Development)
    {
        for lf in &mut parsed.lockfiles {
            for p in &mut lf.packages {
                p.dev = true;
            }
        }
    }
    Ok(parsed)
}

/// Reads and parses one lockfile (`rel` relative to `root`).
pub fn parse_lockfile(root: &Path, rel: &str) -> Result<Lockfile, String> {
    let path = crate::paths::to_path(root, rel).ok_or("malformed path")?;
    let text = crate::files::read_repo_text(&path, MAX_INPUT_BYTES).map_err(|e| e.to_string())?;
    parse_lockfile_text(root, rel, &text)
}

fn parse_lockfile_text(root: &Path, rel: &str, text: &str) -> Result<Lockfile, String> {
    let path = crate::paths::to_path(root, rel).ok_or("malformed path")?;
    let dir = path.parent().unwrap_or(root);
    let sibling =
        |name: &str| crate::files::read_repo_text(&dir.join(name), crate::files::AUX_LIMIT).ok();
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name {
        "package-lock.json" | "npm-shrinkwrap.json" => {
            npm::parse(rel, text, sibling("package.json").as_deref())
        }
        "yarn.lock" => Ok(yarn::parse(rel, text, sibling("package.json").as_deref())),
        "pnpm-lock.yaml" => pnpm::parse(rel, text),
        "Cargo.lock" => cargo_lock::parse(rel, text, sibling("Cargo.toml").as_deref()),
        "uv.lock" => uv::parse(rel, text),
        "poetry.lock" => poetry::parse(rel, text, sibling("pyproject.toml").as_deref()),
        "Pipfile.lock" => pipfile::parse(rel, text),
        "go.mod" => Ok(gomod::parse(rel, text)),
        "Gemfile.lock" => Ok(gemfile::parse(rel, text)),
        "composer.lock" => composer::parse(rel, text, sibling("composer.json").as_deref()),
        _ if is_lockfile_name(name) => Ok(requirements::parse(rel, text)),
        _ => Err("not a lockfile".to_string()),
    }
}

/// One input that was read, for `--verbose`.
#[derive(Debug, Clone)]
pub struct ReadNote {
    /// Path relative to the root.
    pub path: String,
    /// Format (`package-lock.json`, `workflow`, `Dockerfile`…).
    pub format: &'static str,
    /// Packages it lists.
    pub packages: usize,
    /// What a person should know about it.
    pub note: Option<String>,
}

/// Everything [`collect_all`] found.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    /// Parsed inputs (one input may give two, see [`Parsed`]).
    pub lockfiles: Vec<Lockfile>,
    /// Inputs read, for `--verbose`.
    pub read: Vec<ReadNote>,
    /// Inputs that could not be read, with the error.
    pub errors: Vec<(String, String)>,
    /// Manifests left out, and why.
    pub skipped: Vec<Skipped>,
    /// What ignore rules left out, and what git tracks anyway.
    pub ignore: crate::walk::IgnoreCounts,
}

/// Reads `inputs` (in parallel; results in input order).
pub fn read_inputs(root: &Path, inputs: &[Input]) -> Collected {
    use rayon::prelude::*;
    let results: Vec<(&Input, Result<Parsed, String>)> = inputs
        .par_iter()
        .map(|i| (i, parse_input(root, i)))
        .collect();
    let mut out = Collected::default();
    for (input, res) in results {
        match res {
            Ok(parsed) => {
                for (k, lf) in parsed.lockfiles.iter().enumerate() {
                    out.read.push(ReadNote {
                        path: lf.path.clone(),
                        format: lf.format,
                        packages: lf.packages.len(),
                        note: if k == 0 { parsed.note.clone() } else { None },
                    });
                }
                out.lockfiles.extend(parsed.lockfiles);
            }
            Err(e) => out.errors.push((input.path.clone(), e)),
        }
    }
    out
}

/// Every SBOM input under `root`, read and parsed, with what was skipped.
pub fn collect_all(root: &Path, config: &Config) -> Collected {
    let d = discover_inputs(root, config);
    let mut out = read_inputs(root, &d.inputs);
    out.skipped = d.skipped;
    out.ignore = d.ignore;
    out
}

/// Every SBOM input under `root`, parsed; the ones that failed with their error.
pub fn collect(root: &Path, config: &Config) -> (Vec<Lockfile>, Vec<(String, String)>) {
    let c = collect_all(root, config);
    (c.lockfiles, c.errors)
}

/// A package in the SBOM, merged across lockfiles by purl.
#[derive(Debug, Clone)]
pub struct Component {
    /// Package URL (also the CycloneDX bom-ref).
    pub purl: String,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name as the ecosystem writes it.
    pub name: String,
    /// Version as locked.
    pub version: String,
    /// Digests from every lockfile that lists it.
    pub hashes: BTreeSet<Digest>,
    /// Licence the lockfile states.
    pub license: Option<String>,
    /// `path:line` of each lockfile entry.
    pub locations: BTreeSet<String>,
    /// Purls it depends on.
    pub deps: BTreeSet<String>,
    /// Only a development dependency everywhere it appears.
    pub dev: bool,
    /// `harden:` properties from the manifests (an action pin's tag, an image digest).
    pub properties: BTreeSet<(&'static str, String)>,
}

/// A project the repository holds (one per lockfile directory).
#[derive(Debug, Clone)]
pub struct Project {
    /// Reference (`project:<dir>`; the root directory is the metadata component).
    pub bom_ref: String,
    /// Name.
    pub name: String,
    /// Version, if stated.
    pub version: Option<String>,
    /// Licence, if stated.
    pub license: Option<String>,
    /// Directory relative to the root (`""` for the root).
    pub dir: String,
    /// Purls of its direct dependencies.
    pub direct: BTreeSet<String>,
}

/// Everything a renderer needs.
#[derive(Debug, Clone)]
pub struct Sbom {
    /// The repository itself (its root directory's project).
    pub root: Project,
    /// Projects in subdirectories.
    pub projects: Vec<Project>,
    /// Packages by purl.
    pub components: BTreeMap<String, Component>,
    /// Lockfiles read.
    pub lockfiles: Vec<String>,
}

fn dir_of(path: &str) -> String {
    path.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// The deepest of `projects` that is `dir` or a parent of it (`""`, the root, else).
fn nearest_project(dir: &str, projects: &BTreeSet<String>) -> String {
    let mut cur = dir;
    loop {
        if projects.contains(cur) {
            return cur.to_string();
        }
        match cur.rsplit_once('/') {
            Some((parent, _)) => cur = parent,
            None => return String::new(),
        }
    }
}

/// Reference of the metadata component.
pub const ROOT_REF: &str = "project:.";

impl Sbom {
    /// Merges parsed lockfiles of the repository at `root`.
    pub fn build(root: &Path, lockfiles: &[Lockfile]) -> Sbom {
        let dir_name = std::fs::canonicalize(root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| "project".to_string());
        let mut projects: BTreeMap<String, Project> = BTreeMap::new();
        let mut components: BTreeMap<String, Component> = BTreeMap::new();
        // Package manifests make projects; what a workflow, Dockerfile or
        // Kubernetes manifest pulls belongs to the nearest project above it.
        let is_usage = |lf: &Lockfile| {
            matches!(
                lf.ecosystem,
                Ecosystem::GitHubActions | Ecosystem::Container
            )
        };
        let project_dirs: BTreeSet<String> = lockfiles
            .iter()
            .filter(|lf| !is_usage(lf))
            .map(|lf| dir_of(&lf.path))
            .collect();
        let ordered = lockfiles
            .iter()
            .filter(|lf| !is_usage(lf))
            .chain(lockfiles.iter().filter(|lf| is_usage(lf)));
        for lf in ordered {
            let mut dir = dir_of(&lf.path);
            if is_usage(lf) {
                dir = nearest_project(&dir, &project_dirs);
            }
            let purls: Vec<String> = lf.packages.iter().map(purl::purl).collect();
            let proj = projects.entry(dir.clone()).or_insert_with(|| Project {
                bom_ref: if dir.is_empty() {
                    ROOT_REF.to_string()
                } else {
                    format!("project:{dir}")
                },
                name: String::new(),
                version: None,
                license: None,
                dir: dir.clone(),
                direct: BTreeSet::new(),
            });
            if proj.name.is_empty() {
                if let Some(n) = &lf.root.name {
                    proj.name = n.clone();
                }
            }
            if proj.version.is_none() {
                proj.version = lf.root.version.clone();
            }
            if proj.license.is_none() {
                proj.license = lf.root.license.clone();
            }
            for d in lf.direct_deps() {
                if let Some(p) = purls.get(d) {
                    proj.direct.insert(p.clone());
                }
            }
            for (p, purl) in lf.packages.iter().zip(&purls) {
                let c = components.entry(purl.clone()).or_insert_with(|| Component {
                    purl: purl.clone(),
                    ecosystem: p.ecosystem,
                    name: p.name.clone(),
                    version: p.version.clone(),
                    hashes: BTreeSet::new(),
                    license: None,
                    locations: BTreeSet::new(),
                    deps: BTreeSet::new(),
                    dev: true,
                    properties: BTreeSet::new(),
                });
                c.properties.extend(p.properties.iter().cloned());
                c.hashes.extend(p.hashes.iter().cloned());
                if c.license.is_none() {
                    c.license = p.license.clone();
                }
                c.locations.insert(format!("{}:{}", lf.path, p.line));
                c.dev &= p.dev;
                for &d in &p.deps {
                    if let Some(dp) = purls.get(d) {
                        if dp != purl {
                            c.deps.insert(dp.clone());
                        }
                    }
                }
            }
        }
        let mut root_proj = projects.remove("").unwrap_or(Project {
            bom_ref: ROOT_REF.to_string(),
            name: String::new(),
            version: None,
            license: None,
            dir: String::new(),
            direct: BTreeSet::new(),
        });
        let mut projects: Vec<Project> = projects.into_values().collect();
        for p in &mut projects {
            if p.name.is_empty() {
                p.name = p.dir.rsplit('/').next().unwrap_or(&p.dir).to_string();
            }
        }
        // One project in a subdirectory and no package manifest at the root: it is
        // the repository (and what the root's workflows pull is its too).
        if root_proj.name.is_empty() && !project_dirs.contains("") && projects.len() == 1 {
            let only = projects.remove(0);
            let mut direct = only.direct.clone();
            direct.extend(root_proj.direct);
            root_proj = Project {
                bom_ref: ROOT_REF.to_string(),
                direct,
                ..only
            };
        }
        if root_proj.name.is_empty() {
            root_proj.name = dir_name;
        }
        Sbom {
            root: root_proj,
            projects,
            components,
            lockfiles: lockfiles.iter().map(|l| l.path.clone()).collect(),
        }
    }
}

/// Unix time of the last commit in `root`, or 0 outside a repository.
pub fn commit_time(root: &Path) -> i64 {
    crate::vcs::readonly_git(root)
        .args([
            "log",
            "-1",
            "--no-show-signature",
            "--no-ext-diff",
            "--no-textconv",
            "--format=%ct",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// `YYYY-MM-DDThh:mm:ssZ` for a Unix time.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// SPDX licence ids CycloneDX accepts as `license.id` (from its spdx.schema.json).
pub fn is_spdx_id(id: &str) -> bool {
    static IDS: &str = include_str!("spdx_ids.txt");
    IDS.lines().any(|l| l == id)
}

/// Whether `expr` is an SPDX expression made only of known ids.
pub fn is_spdx_expression(expr: &str) -> bool {
    let cleaned = expr.replace(['(', ')'], " ");
    let mut any = false;
    let mut expect_id = true;
    for tok in cleaned.split_whitespace() {
        if expect_id {
            let id = tok.strip_suffix('+').unwrap_or(tok);
            if !is_spdx_id(id) {
                return false;
            }
            any = true;
            expect_id = false;
        } else {
            if !matches!(tok, "AND" | "OR" | "WITH") {
                return false;
            }
            if tok == "WITH" {
                return false; // exception ids are a separate list we do not carry
            }
            expect_id = true;
        }
    }
    any && !expect_id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn licence_expressions() {
        assert!(is_spdx_id("MIT"));
        assert!(!is_spdx_id("mit-ish"));
        assert!(is_spdx_expression("(MIT OR Apache-2.0)"));
        assert!(is_spdx_expression("MIT"));
        assert!(!is_spdx_expression("MIT OR"));
        assert!(!is_spdx_expression("SEE LICENSE IN LICENSE.md"));
    }

    #[test]
    fn truncated_and_mangled_lockfiles_never_panic() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lockfiles");
        let tmp = std::env::temp_dir().join(format!("harden-sbom-trunc-{}", std::process::id()));
        for dir in std::fs::read_dir(&base).unwrap() {
            let dir = dir.unwrap().path();
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                let name = f.file_name().unwrap().to_string_lossy().to_string();
                if !is_lockfile_name(&name) {
                    continue;
                }
                let text = std::fs::read_to_string(&f).unwrap();
                std::fs::create_dir_all(&tmp).unwrap();
                for k in 0..20 {
                    let mut cut = text.len() * k / 20;
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    let mangled = format!("{}\n\t\"@:[{{", &text[..cut]);
                    for t in [&text[..cut], mangled.as_str()] {
                        std::fs::write(tmp.join(&name), t).unwrap();
                        let _ = parse_lockfile(&tmp, &name);
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn names() {
        assert!(is_lockfile_name("requirements-dev.txt"));
        assert!(is_lockfile_name("Cargo.lock"));
        assert!(!is_lockfile_name("package.json"));
        assert!(counts("services/api/package-lock.json"));
        assert!(!counts("vendor/x/composer.lock"));
        assert!(!counts("tests/fixtures/app/uv.lock"));
    }

    #[test]
    fn what_is_left_out_by_role() {
        // GitHub runs a test workflow with the repository's secrets all the same.
        assert_eq!(
            why_left_out(".github/workflows/e2e-test.yml", InputKind::Workflow),
            None
        );
        assert!(why_left_out("test/e2e/package-lock.json", InputKind::Lockfile).is_some());
        // A dev container's image is listed (development-only); its lockfiles are not.
        assert_eq!(
            why_left_out(".devcontainer/Dockerfile", InputKind::Dockerfile),
            None
        );
        assert!(why_left_out("archived/docker/Dockerfile", InputKind::Dockerfile).is_some());
    }
}
