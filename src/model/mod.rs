//! The repository model: what the walk learned about the whole repository,
//! built once and read by rules, `status`, `fix` and `plan`.
//!
//! The engine parses every file once ([`file::parse_file`]) and registers it
//! here; the model keeps the parses and the texts the later layers need (so
//! nothing reads the disk after the walk). Rules run in a second phase with the
//! model at hand, and cross-file facts (which files are patches, what a
//! service builds, which docs a site serves) are data here, not private state
//! inside one rule.
//!
//! Arrows: parse → model → rules / status / plan / fix. The model never
//! imports a rule or a report.

mod build;
pub mod ci;
pub mod commands;
pub mod containers;
pub mod context;
pub mod deps;
pub mod docs;
pub mod file;
pub mod kube;
pub mod paths;
pub mod purpose;
pub mod source_facts;
pub mod template;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::classify::{FileKind, InventoryEntry};

pub use ci::{Job, Step, Workflow};
pub use containers::{BuildRef, Image, ImageConfig, Service, Setting, Stage};
pub use context::Roles;
pub use deps::{EnvKind, Environment};
pub use docs::{DocsSite, Generator};
pub use file::{ModelFile, Parsed};
pub use kube::{KubeContainer, KubeFacts, Workload};
pub use purpose::Purpose;
pub use source_facts::SourceFacts;

/// One piece of evidence: a place in the repository and what it shows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Evidence {
    /// Repository-relative path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// What this line shows.
    pub note: String,
}

impl Evidence {
    /// Evidence at `path:line`.
    pub fn new(path: impl Into<String>, line: usize, note: impl Into<String>) -> Self {
        Evidence {
            path: path.into(),
            line,
            note: note.into(),
        }
    }
}

/// How one file points at another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    /// Builds an image from this Dockerfile (`docker build -f`, compose `build:`,
    /// a build action, a skaffold artifact).
    Builds,
    /// Runs this script (`bash scripts/x.sh`, `./x.sh`, `python tools/x.py`).
    Runs,
    /// Installs this manifest (`pip install -r`, `npm ci` beside it).
    Installs,
    /// Includes this requirements file (`-r base.txt`, `-c constraints.txt`).
    Includes,
    /// Uses this compose file (`docker compose -f`).
    UsesCompose,
}

/// One file pointing at another: a workflow step building a Dockerfile, a
/// compose service building one, a script run by CI, a requirements file
/// included by another. Relationships are data here, not code inside a rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reference {
    /// The file that points.
    pub from: String,
    /// 1-based line where it points.
    pub line: usize,
    /// The file pointed at (repository-relative, resolved).
    pub to: String,
    /// How.
    pub kind: RefKind,
    /// Whether `to` exists in the repository (a build of a missing Dockerfile, a
    /// run of a missing script, is worth knowing too).
    pub exists: bool,
}

/// Facts read from application source as the rule pass reads it (the file is
/// not kept): routes, frameworks, logging style, database clients.
#[derive(Debug, Default)]
pub struct CodeFacts {
    /// What the production source shows.
    pub source: SourceFacts,
    /// Number of production source files scanned.
    pub source_files: usize,
}

/// The whole repository as the scan saw it.
#[derive(Default)]
pub struct Repository {
    root: PathBuf,
    inventory: Vec<InventoryEntry>,
    files: Vec<ModelFile>,
    code: CodeFacts,
    images: Vec<Image>,
    services: Vec<Service>,
    workloads: Vec<Workload>,
    kube: KubeFacts,
    workflows: Vec<Workflow>,
    references: Vec<Reference>,
    environments: Vec<Environment>,
    docs_sites: Vec<DocsSite>,
}

impl std::fmt::Debug for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("root", &self.root)
            .field("files", &self.inventory.len())
            .field("kept", &self.files.len())
            .field("images", &self.images.len())
            .field("services", &self.services.len())
            .field("workflows", &self.workflows.len())
            .field("references", &self.references.len())
            .finish()
    }
}

impl Repository {
    /// The model of the files the walk read and parsed; `inventory` lists every
    /// file it saw (read or not). Cross-file facts are derived here, once.
    pub fn new(root: &Path, mut inventory: Vec<InventoryEntry>, mut files: Vec<ModelFile>) -> Self {
        inventory.sort();
        files.sort_by(|a, b| a.file.path.cmp(&b.file.path));
        let mut repo = Repository {
            root: root.to_path_buf(),
            inventory,
            files,
            ..Repository::default()
        };
        build::derive(&mut repo);
        repo
    }

    /// Adds what the rule pass learned from application source.
    pub fn set_code_facts(&mut self, mut code: CodeFacts) {
        code.source.sort();
        self.code = code;
    }

    /// The scanned root on disk (for messages; nothing reads through it after the walk).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every file the walk saw, sorted by path.
    pub fn inventory(&self) -> &[InventoryEntry] {
        &self.inventory
    }

    /// Whether the walk saw a file at exactly this path.
    pub fn has(&self, path: &str) -> bool {
        self.inventory
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .is_ok()
    }

    /// Whether a path exists as a file or as a directory holding files.
    pub fn exists(&self, path: &str) -> bool {
        let rel = path.trim_end_matches('/');
        if rel.is_empty() || rel == "." {
            return true;
        }
        let i = self.inventory.partition_point(|e| e.path.as_str() < rel);
        self.inventory.get(i).is_some_and(|e| {
            e.path == rel
                || (e.path.starts_with(rel) && e.path.as_bytes().get(rel.len()) == Some(&b'/'))
        })
    }

    /// Every file the walk kept (parsed kinds and the texts later layers read), sorted by path.
    pub fn files(&self) -> &[ModelFile] {
        &self.files
    }

    /// The kept file at `path`.
    pub fn file(&self, path: &str) -> Option<&ModelFile> {
        self.files
            .binary_search_by(|f| f.file.path.as_str().cmp(path))
            .ok()
            .and_then(|i| self.files.get(i))
    }

    /// Kept files of a kind by name.
    pub fn files_of_kind(&self, kind: FileKind) -> impl Iterator<Item = &ModelFile> {
        self.files.iter().filter(move |f| f.kind == kind)
    }

    /// What application source shows (filled after the rule pass; empty while
    /// per-file rules run).
    pub fn code(&self) -> &CodeFacts {
        &self.code
    }

    // ------------------------------------------------------------ containers

    /// Every Dockerfile as an image recipe, by path.
    pub fn images(&self) -> &[Image] {
        &self.images
    }

    /// The image recipe of a Dockerfile.
    pub fn image(&self, dockerfile: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.dockerfile == dockerfile)
    }

    /// Every compose service, by file then order.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The services of one compose file.
    pub fn services_in<'a>(&'a self, compose_file: &'a str) -> impl Iterator<Item = &'a Service> {
        self.services.iter().filter(move |s| s.file == compose_file)
    }

    /// The Dockerfile and stage a compose service builds, when it builds one that
    /// is in the repository: `image_for_service(s).map(|(img, st)| img.config(st))`
    /// is what the container runs with (user, health check, command).
    pub fn image_for_service(&self, service: &Service) -> Option<(&Image, usize)> {
        let b = service.build.as_ref()?;
        let img = self.image(&b.dockerfile)?;
        let stage = img.built_stage(b.target.as_deref())?;
        Some((img, stage))
    }

    /// Kubernetes workloads (complete manifests and patches alike; see [`KubeFacts::is_patch`]).
    pub fn workloads(&self) -> &[Workload] {
        &self.workloads
    }

    /// What kustomizations, skaffold and `LimitRange`s say.
    pub fn kube(&self) -> &KubeFacts {
        &self.kube
    }

    // ------------------------------------------------------------ CI

    /// Workflows and local actions.
    pub fn workflows(&self) -> &[Workflow] {
        &self.workflows
    }

    /// The workflow (or action) in a file.
    pub fn workflow(&self, path: &str) -> Option<&Workflow> {
        self.workflows.iter().find(|w| w.path == path)
    }

    // ------------------------------------------------------------ references

    /// Every reference between files, sorted.
    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    /// What points at `path` (who builds, runs, installs, includes or uses it).
    pub fn references_to<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Reference> {
        self.references.iter().filter(move |r| r.to == path)
    }

    /// What `path` points at.
    pub fn references_from<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Reference> {
        self.references.iter().filter(move |r| r.from == path)
    }

    /// Whether anything builds this Dockerfile: a workflow step or build action,
    /// a compose `build:`, skaffold, a script, a Makefile recipe or a docs code block.
    pub fn is_built(&self, dockerfile: &str) -> bool {
        self.references_to(dockerfile)
            .any(|r| r.kind == RefKind::Builds)
    }

    /// Whether anything runs this script (CI, another script, a Makefile, docs).
    pub fn is_run(&self, script: &str) -> bool {
        self.references_to(script).any(|r| r.kind == RefKind::Runs)
    }

    // ------------------------------------------------------------ dependencies

    /// Every environment (sets of manifests installed together).
    pub fn environments(&self) -> &[Environment] {
        &self.environments
    }

    /// The environments that install `manifest` (a requirements file can be in
    /// several: `base.txt` included by `dev.txt` and by `prod.txt`).
    pub fn environment_of<'a>(&'a self, manifest: &'a str) -> impl Iterator<Item = &'a Environment> {
        self.environments
            .iter()
            .filter(move |e| e.manifests.contains(manifest))
    }

    /// Whether some environment installs both manifests (only then can their pins conflict).
    pub fn installed_together(&self, a: &str, b: &str) -> bool {
        self.environments
            .iter()
            .any(|e| e.manifests.contains(a) && e.manifests.contains(b))
    }

    // ------------------------------------------------------------ docs

    /// Documentation sites (MkDocs, Docusaurus, Sphinx, Jekyll).
    pub fn docs_sites(&self) -> &[DocsSite] {
        &self.docs_sites
    }

    /// The site that serves `path` as a page, if any (the deepest root wins).
    pub fn docs_site_for(&self, path: &str) -> Option<&DocsSite> {
        self.docs_sites
            .iter()
            .filter(|s| s.serves(path))
            .max_by_key(|s| s.roots.iter().filter(|r| path.starts_with(r.as_str())).map(|r| r.len()).max())
    }

    // ------------------------------------------------------------ roles

    /// What a file is for: its path role, and whether it is development-only,
    /// CI-only, archived, a template or a docs page. A Dockerfile that only
    /// development files build is development-only too.
    pub fn role(&self, path: &str) -> Roles {
        let mut r = context::by_path(path);
        r.template = self.is_template(path);
        r.docs_page = self.docs_site_for(path).is_some();
        if !r.dev_only {
            let builders: Vec<&Reference> = self
                .references_to(path)
                .filter(|x| x.kind == RefKind::Builds)
                .collect();
            if !builders.is_empty() && builders.iter().all(|b| context::is_dev_only_path(&b.from)) {
                r.dev_only = true;
            }
        }
        r
    }

    /// Whether the kept file at `path` is a template (Helm, Jinja) rather than the
    /// kind it is named as; see [`template`].
    pub fn is_template(&self, path: &str) -> bool {
        self.file(path).is_some_and(|f| f.template.is_some())
    }
}
