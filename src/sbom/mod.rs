//! `harden sbom`: CycloneDX 1.6 and SPDX 2.3 documents from lockfiles.
//!
//! Every lockfile in the repository (the same walk as the scan: `.gitignore`d
//! and `exclude`d paths skipped, vendored/test/example trees left out) is read
//! by its own parser into a [`model::Lockfile`] with positions; packages are
//! merged by purl across lockfiles, and each renderer writes one document.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::cli::CommonArgs;
use crate::config::Config;
use crate::roles::{self, FileRole};

pub mod cargo_lock;
pub mod composer;
pub mod cyclonedx;
pub mod gemfile;
pub mod gomod;
pub mod jsonpos;
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
    let (lockfiles, errors) = collect(root, &config);
    for (path, msg) in &errors {
        eprintln!("harden: warning: {path}: {msg}; left out of the SBOM");
    }
    let sbom = Sbom::build(root, &lockfiles);
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

/// File names we read as lockfiles (plus `requirements*.txt`).
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

/// Whether a file name is a lockfile we read.
pub fn is_lockfile_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    LOCKFILE_NAMES.contains(&name) || (lower.starts_with("requirements") && lower.ends_with(".txt"))
}

/// Whether a repository-relative lockfile path describes what ships (not a
/// vendored copy, a test fixture or an example).
pub fn counts(rel: &str) -> bool {
    !rel.split('/').any(|s| s == "node_modules")
        && matches!(
            roles::role_of(rel),
            FileRole::Production | FileRole::Generated
        )
}

/// Lockfile paths (relative, sorted) under `root`, walking like the scan does.
pub fn discover(root: &Path, config: &Config) -> Vec<String> {
    let mut builder = ignore::WalkBuilder::new(root);
    // Ignore files are read by `IgnoreRules` (FIFO- and link-safe), not by the walker.
    builder
        .hidden(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .ignore(false)
        .parents(false)
        .follow_links(false);
    {
        let root = root.to_path_buf();
        let cfg = config.clone();
        let ignores = crate::gitignore::IgnoreRules::new(&root);
        builder.filter_entry(move |e| {
            let name = e.file_name();
            if name == ".git" || name == ".hg" || name == ".svn" || name == "node_modules" {
                return false;
            }
            let excluded = match rel(&root, e.path()) {
                Some(r) if !r.is_empty() => cfg.is_excluded(&r),
                _ => false,
            };
            if excluded || e.depth() == 0 {
                return !excluded;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !ignores.is_ignored(e.path(), is_dir)
        });
    }
    let mut out = Vec::new();
    for entry in builder.build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if !is_lockfile_name(&name) {
            continue;
        }
        if let Some(r) = rel(root, entry.path()) {
            if counts(&r) {
                out.push(r);
            }
        }
    }
    out.sort();
    // npm ignores package-lock.json when npm-shrinkwrap.json sits beside it.
    let shrink: BTreeSet<String> = out
        .iter()
        .filter_map(|p| p.strip_suffix("npm-shrinkwrap.json").map(str::to_string))
        .collect();
    out.retain(|p| {
        p.strip_suffix("package-lock.json")
            .is_none_or(|dir| !shrink.contains(dir))
    });
    out
}

fn rel(root: &Path, path: &Path) -> Option<String> {
    crate::paths::relative(root, path)
}

/// Reads and parses one lockfile (`rel` relative to `root`).
pub fn parse_lockfile(root: &Path, rel: &str) -> Result<Lockfile, String> {
    let path = crate::paths::to_path(root, rel).ok_or("malformed path")?;
    let text =
        crate::files::read_repo_text(&path, crate::files::AUX_LIMIT).map_err(|e| e.to_string())?;
    let dir = path.parent().unwrap_or(root);
    let sibling =
        |name: &str| crate::files::read_repo_text(&dir.join(name), crate::files::AUX_LIMIT).ok();
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name {
        "package-lock.json" | "npm-shrinkwrap.json" => {
            npm::parse(rel, &text, sibling("package.json").as_deref())
        }
        "yarn.lock" => Ok(yarn::parse(rel, &text, sibling("package.json").as_deref())),
        "pnpm-lock.yaml" => pnpm::parse(rel, &text),
        "Cargo.lock" => cargo_lock::parse(rel, &text, sibling("Cargo.toml").as_deref()),
        "uv.lock" => uv::parse(rel, &text),
        "poetry.lock" => poetry::parse(rel, &text, sibling("pyproject.toml").as_deref()),
        "Pipfile.lock" => pipfile::parse(rel, &text),
        "go.mod" => Ok(gomod::parse(rel, &text)),
        "Gemfile.lock" => Ok(gemfile::parse(rel, &text)),
        "composer.lock" => composer::parse(rel, &text, sibling("composer.json").as_deref()),
        _ if is_lockfile_name(name) => Ok(requirements::parse(rel, &text)),
        _ => Err("not a lockfile".to_string()),
    }
}

/// Every lockfile under `root`, parsed; the ones that failed with their error.
pub fn collect(root: &Path, config: &Config) -> (Vec<Lockfile>, Vec<(String, String)>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for rel in discover(root, config) {
        match parse_lockfile(root, &rel) {
            Ok(lf) => ok.push(lf),
            Err(e) => errors.push((rel, e)),
        }
    }
    (ok, errors)
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
        for lf in lockfiles {
            let dir = lf
                .path
                .rsplit_once('/')
                .map(|(d, _)| d.to_string())
                .unwrap_or_default();
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
                });
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
        // One project in a subdirectory and nothing at the root: it is the repository.
        if root_proj.name.is_empty() && root_proj.direct.is_empty() && projects.len() == 1 {
            let only = projects.remove(0);
            root_proj = Project {
                bom_ref: ROOT_REF.to_string(),
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
}
