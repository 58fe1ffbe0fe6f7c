//! The repository model: facts that span files, built once after the walk from
//! what the parsers already produced, and read by rules (in their cross-file
//! pass), `status`, `plan` and `fix`.
//!
//! During the walk the engine hands each parse to an extractor here
//! ([`Facts::dockerfile`], [`Facts::compose`], [`Facts::requirements`],
//! [`Facts::commands`], …), which keeps only the facts (a few strings and line
//! numbers per file). [`Repository::new`] joins them with the inventory: which
//! Dockerfile builds which compose service, who builds each Dockerfile, which
//! requirements files one install brings together, which docs site serves a
//! page. Nothing here reads the disk or reports a finding.
//!
//! Arrows: parsers → model → rules / status / plan / fix. The model imports no
//! rule and no report.

pub mod builds;
pub mod ci;
pub mod code;
pub mod commands;
pub mod config_files;
pub mod containers;
pub mod dependabot;
pub mod deploy_tools;
pub mod deps;
pub mod dockerfiles;
pub mod docs;
pub mod host_starts;
pub mod js_builds;
pub mod kubernetes;
pub mod manifests;
pub mod modules;
pub mod operations;
pub mod params;
pub mod paths;
pub mod routes;
pub mod services;
pub mod sourcing;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};

use crate::classify::{FileKind, InventoryEntry};
use crate::parse::dockerfile::Dockerfile;
use crate::parse::makefile::MakeTarget;
use crate::parse::requirements::RequirementsFile;
use crate::parse::shell::ShellScript;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::roles::{self, FileRole};
use crate::source::SourceFile;

pub use containers::{BuildRef, Image, ImageConfig, Launch, Recipe, Service, Setting, Stage};
pub use deps::{EnvKind, Environment, Include};
pub use docs::{DocsSite, Generator};

use paths::{dir_of, file_name, join};

/// One piece of evidence: a place in the repository and what it shows. Facts the
/// walk finds (a health route, a logging library) carry it so `status` can cite
/// them as they are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefKind {
    /// Builds an image from this Dockerfile (`docker build -f`, compose `build:`,
    /// `docker/build-push-action`).
    Builds,
    /// Runs this script (`bash scripts/x.sh`, `./x.sh`, `python tools/x.py`).
    Runs,
    /// Installs this manifest (`pip install -r`, `npm ci` beside it).
    Installs,
    /// Uses this compose file (`docker compose -f`).
    UsesCompose,
    /// Names this file's path in text (a README table, a platform manifest's
    /// `dockerfilePath`): someone can tell what it is for, though nothing here runs it.
    Names,
}

/// The kind of file a command or reference is written in: who builds an image,
/// runs a script or installs a manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A GitHub Actions workflow or local action.
    Workflow,
    /// A compose file (`build:`).
    Compose,
    /// A Makefile recipe.
    Makefile,
    /// A shell script.
    Script,
    /// A shell code block in documentation (a README telling people to build).
    Docs,
    /// Another build or CI configuration: a bake file, skaffold, `devcontainer.json`,
    /// a Tiltfile, `.gitlab-ci.yml`, a `Jenkinsfile`, a platform manifest.
    Config,
    /// Any other text that names a file.
    Text,
}

/// One file pointing at another: a workflow step building a Dockerfile, a compose
/// service building one, a script run by a Makefile. Relationships are data here,
/// not code inside a rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reference {
    /// The file that points.
    pub from: String,
    /// 1-based line where it points.
    pub line: usize,
    /// The file pointed at (repository-relative, resolved).
    pub to: String,
    /// How.
    pub kind: RefKind,
    /// What kind of file `from` is.
    pub source: Source,
    /// The stage built (`--target`, compose `build.target`), when one is named.
    pub target: Option<String>,
    /// A CI build that keeps nothing (`docker/build-push-action` with `push: false`, no
    /// `load:` or `outputs:`): it checks that the image builds and releases nothing, so
    /// its `target:` says nothing about which stage ships (round 9: a pull-request check
    /// that builds `target: stage-build` to test `compilemessages`).
    pub check_only: bool,
    /// How a compose file is brought up (`docker compose up`, with or without `-d`).
    pub compose_up: Option<commands::ComposeUp>,
}

/// Commands one file runs, in order, as argv (`None` for a word that is not
/// literal), with the working directories they may run from, best first.
#[derive(Debug, Clone)]
struct CommandList {
    from: String,
    source: Source,
    cwds: Vec<String>,
    commands: Vec<(usize, Vec<Option<String>>)>,
}

/// What the walk learned about one file (or several: facts merge), kept until
/// [`Repository::new`] joins it with the rest. Cheap to keep: strings and lines.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    recipes: Vec<Recipe>,
    requirement_files: Vec<String>,
    commands: Vec<CommandList>,
    references: Vec<Reference>,
    docs_dirs: BTreeMap<String, String>,
    /// Words naming a Dockerfile: (file, line, word as written, how the file is read).
    mentions: Vec<(String, usize, String, Source)>,
    /// Image names workflows publish from a Dockerfile of the repository.
    published: Vec<containers::Published>,
    /// JavaScript/TypeScript files' image builds and build-helper calls, joined
    /// across files when the model is built.
    js_files: Vec<js_builds::JsFile>,
    /// The facts the built model keeps as they are.
    kept: Kept,
}

/// Per-file facts the built [`Repository`] keeps as the walk found them, only
/// sorted for lookup: one list shared by the builder ([`Facts`]) and the built
/// model, so a new fact of this sort is declared, merged and sorted here once.
#[derive(Debug, Clone, Default)]
struct Kept {
    services: Vec<Service>,
    includes: Vec<Include>,
    templates: Vec<String>,
    connection_calls: Vec<ConnectionCall>,
    /// Python modules printing operational output.
    printing_modules: Vec<modules::PrintingModule>,
    /// Python modules' literal module-level constants: (path, constants).
    module_constants: Vec<(String, modules::Constants)>,
    /// Named numbers set together in one place (shipped Python modules' classes,
    /// constants and dicts; configuration files' mappings), for the plan's
    /// parameter-drift task.
    param_blocks: Vec<params::ParamBlock>,
    /// Python modules' top-level function names (shipped, example and development
    /// modules that define any), sorted by path.
    module_defs: Vec<modules::ModuleDefs>,
    /// What production source code shows, merged over the files read.
    code: code::SourceFacts,
    /// How many production source files were read.
    source_files: usize,
    /// Each Dockerfile's final image as the readiness controls see it.
    dockerfile_summaries: Vec<dockerfiles::DockerInfo>,
    /// Small configuration files reduced to what the readiness controls ask.
    config_files: ConfigFiles,
    /// Compose files (by name) as the readiness controls see them.
    compose_files: Vec<operations::ComposeFile>,
    /// YAML files that may hold Kubernetes objects, as the readiness controls see them.
    k8s_manifests: Vec<kubernetes::K8sManifest>,
    /// Workflows, local actions and other CI systems' files as the readiness controls see them.
    ci_files: Vec<ci::CiFile>,
    /// `.github/dependabot.yml` (or `.yaml`) as the readiness controls see it.
    dependabots: Vec<dependabot::Dependabot>,
    /// Scripts that may run operations, as the readiness controls see them.
    scripts: Vec<operations::ScriptFile>,
    /// Makefiles' rules, by path (which recipe lines `make TARGET` runs).
    makefiles: Vec<(String, Vec<MakeTarget>)>,
    /// Documents' sections, links and mentions, as the readiness controls read them.
    docs_files: Vec<docs::DocsFile>,
    /// Dependency manifests and lockfiles, as the readiness controls read them.
    dependency_manifests: Vec<manifests::DependencyManifest>,
    /// Kustomize patches and images, skaffold images, LimitRanges.
    deploy_tools: deploy_tools::DeployToolFacts,
    /// Directories split off into a repository of their own (`git subtree push
    /// --prefix=DIR`): their `.github/workflows/` run there.
    mirrored: Vec<String>,
    /// Named build contexts given to a Dockerfile's builds (bake `contexts`, compose
    /// `build.additional_contexts`, `build-push-action` `build-contexts`): (Dockerfile,
    /// context name), sorted. `FROM name` there is that context, not a registry image.
    named_contexts: Vec<(String, String)>,
    /// Which scripts shell code sources, which scripts turn strict mode on.
    sourcing: sourcing::Sourcing,
    /// Scripts systemd units and Procfiles start.
    host_starts: Vec<host_starts::HostStart>,
    /// The first (by path, then offset) shipped Kubernetes workload container's probe.
    k8s_probe: Option<ProbeSite>,
}

/// Where a shipped Kubernetes workload container declares a probe (in a Helm
/// chart, the template's place): Kubernetes checks the image's health there,
/// not through its `HEALTHCHECK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeSite {
    /// The manifest or template.
    pub path: String,
    /// The probe's bytes there.
    pub span: std::ops::Range<usize>,
    /// Where that is, as users see it.
    pub region: crate::source::Region,
}

impl ProbeSite {
    fn key(&self) -> (&str, usize) {
        (&self.path, self.span.start)
    }
}

impl Kept {
    /// Adds another file's facts.
    fn extend(&mut self, other: Kept) {
        self.services.extend(other.services);
        self.includes.extend(other.includes);
        self.templates.extend(other.templates);
        self.connection_calls.extend(other.connection_calls);
        self.printing_modules.extend(other.printing_modules);
        self.module_constants.extend(other.module_constants);
        self.param_blocks.extend(other.param_blocks);
        self.module_defs.extend(other.module_defs);
        self.code = std::mem::take(&mut self.code).merge(other.code);
        self.source_files += other.source_files;
        self.dockerfile_summaries.extend(other.dockerfile_summaries);
        self.config_files
            .log_configs
            .extend(other.config_files.log_configs);
        self.config_files
            .pre_commits
            .extend(other.config_files.pre_commits);
        self.config_files
            .helm_values
            .extend(other.config_files.helm_values);
        self.config_files
            .helm_templates
            .extend(other.config_files.helm_templates);
        self.compose_files.extend(other.compose_files);
        self.k8s_manifests.extend(other.k8s_manifests);
        self.ci_files.extend(other.ci_files);
        self.dependabots.extend(other.dependabots);
        self.scripts.extend(other.scripts);
        self.makefiles.extend(other.makefiles);
        self.docs_files.extend(other.docs_files);
        self.dependency_manifests.extend(other.dependency_manifests);
        self.deploy_tools.extend(other.deploy_tools);
        self.mirrored.extend(other.mirrored);
        self.named_contexts.extend(other.named_contexts);
        self.sourcing.extend(other.sourcing);
        self.host_starts.extend(other.host_starts);
        // Files are read in parallel: the probe kept is the first by path, not the
        // first a thread happened to read, so the report is the same on every run.
        if let Some(p) = other.k8s_probe {
            if self.k8s_probe.as_ref().is_none_or(|s| s.key() > p.key()) {
                self.k8s_probe = Some(p);
            }
        }
    }

    /// Sorted for lookup (by path, or by file then line), duplicates dropped
    /// where two extractors can record one fact.
    fn sort(&mut self) {
        self.services
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        self.templates.sort();
        self.templates.dedup();
        self.connection_calls.sort();
        self.connection_calls.dedup();
        self.printing_modules.sort();
        self.printing_modules.dedup();
        self.module_constants.sort();
        self.module_constants.dedup();
        self.param_blocks
            .sort_by(|a, b| (a.path.as_str(), a.line).cmp(&(b.path.as_str(), b.line)));
        self.param_blocks
            .dedup_by(|a, b| a.path == b.path && a.line == b.line && a.label == b.label);
        // One entry per file: the walk reads each file once.
        self.module_defs.sort_by(|a, b| a.path.cmp(&b.path));
        self.code.sort();
        self.dockerfile_summaries
            .sort_by(|a, b| a.path.cmp(&b.path));
        self.config_files
            .log_configs
            .sort_by(|a, b| a.path.cmp(&b.path));
        self.config_files
            .pre_commits
            .sort_by(|a, b| a.path.cmp(&b.path));
        self.config_files
            .helm_values
            .sort_by(|a, b| a.path.cmp(&b.path));
        self.config_files
            .helm_templates
            .sort_by(|a, b| a.path.cmp(&b.path));
        self.compose_files.sort_by(|a, b| a.path.cmp(&b.path));
        self.k8s_manifests.sort_by(|a, b| a.path.cmp(&b.path));
        self.ci_files.sort_by(|a, b| a.path.cmp(&b.path));
        self.dependabots.sort_by(|a, b| a.path.cmp(&b.path));
        self.scripts.sort_by(|a, b| a.path.cmp(&b.path));
        // One Makefile per path; the last read wins, as a map would keep it.
        self.makefiles.reverse();
        self.makefiles.sort_by(|a, b| a.0.cmp(&b.0));
        self.makefiles.dedup_by(|a, b| a.0 == b.0);
        self.docs_files.sort_by(|a, b| a.path.cmp(&b.path));
        self.dependency_manifests
            .sort_by(|a, b| a.path.cmp(&b.path));
        self.deploy_tools.sort();
        self.mirrored.sort();
        self.mirrored.dedup();
        self.named_contexts.sort();
        self.named_contexts.dedup();
        self.sourcing.sort();
        self.host_starts
            .sort_by(|a, b| (&a.path, a.span.start).cmp(&(&b.path, b.span.start)));
    }
}

/// The facts of [`config_files`], per kind, each list sorted by path once built.
#[derive(Debug, Clone, Default)]
struct ConfigFiles {
    log_configs: Vec<config_files::LogConfig>,
    pre_commits: Vec<config_files::PreCommit>,
    helm_values: Vec<config_files::HelmValues>,
    helm_templates: Vec<config_files::HelmTemplate>,
}

/// Database drivers' connect functions, as written at the call (`psycopg2.connect(…)`).
/// Aliased imports (`from psycopg2 import connect as c`) are not followed: the model
/// counts the common spelling, which is what a reviewer would grep for.
pub const DRIVER_CONNECTS: &[&str] = &[
    "psycopg2.connect",
    "psycopg.connect",
    "pymysql.connect",
    "MySQLdb.connect",
    "mysql.connector.connect",
    "asyncpg.connect",
    "asyncpg.create_pool",
    "pymongo.MongoClient",
    "redis.Redis",
    "redis.StrictRedis",
    "cx_Oracle.connect",
    "oracledb.connect",
    "pyodbc.connect",
    "sqlalchemy.create_engine",
    "create_engine",
];

/// A Python module opening a database connection itself (one per call).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConnectionCall {
    /// Module path.
    pub path: String,
    /// 1-based line of the call.
    pub line: usize,
    /// The function called (`psycopg2.connect`).
    pub call: String,
}

impl Facts {
    /// Adds another file's facts.
    pub fn extend(&mut self, other: Facts) {
        self.recipes.extend(other.recipes);
        self.requirement_files.extend(other.requirement_files);
        self.commands.extend(other.commands);
        self.references.extend(other.references);
        self.docs_dirs.extend(other.docs_dirs);
        self.mentions.extend(other.mentions);
        self.published.extend(other.published);
        self.js_files.extend(other.js_files);
        self.kept.extend(other.kept);
    }

    /// Any file of its final kind: a script that may run operations
    /// ([`operations::is_script_candidate`]) keeps its backup and restore lines.
    pub fn script(&mut self, path: &str, kind: Option<FileKind>, text: &str) {
        let lower = file_name(path).to_ascii_lowercase();
        if operations::is_script_candidate(path, &lower, kind) {
            self.kept.scripts.push(operations::ScriptFile {
                path: path.to_string(),
                backups: operations::backup_lines(text),
            });
        }
    }

    /// `.github/dependabot.yml`, parsed even when the rules skip it: its schema
    /// error and `updates` entries for `status`.
    pub fn dependabot(&mut self, file: &SourceFile, yaml: &YamlFile) {
        self.kept
            .dependabots
            .push(dependabot::dependabot(file, yaml));
    }

    /// A GitHub workflow or local action, parsed even when the rules skip it (a
    /// template, a YAML error): its steps, triggers and permissions for `status`.
    pub fn ci_file(&mut self, file: &SourceFile, yaml: &YamlFile, action: bool) {
        self.kept.ci_files.push(if action {
            ci::action(file, yaml)
        } else {
            ci::workflow(file, yaml)
        });
    }

    /// A YAML file that may hold Kubernetes objects ([`kubernetes::may_be_manifest`]),
    /// parsed even when the rules skip it: its workloads for `status`.
    pub fn k8s_manifest(&mut self, file: &SourceFile, yaml: &YamlFile) {
        self.kept
            .k8s_manifests
            .push(kubernetes::manifest(file, yaml));
    }

    /// A compose file (by name), parsed even when the rules skip it (a template, a
    /// syntax error): its services and backup commands for `status`.
    pub fn compose_file(&mut self, file: &SourceFile, yaml: &YamlFile) {
        self.kept
            .compose_files
            .push(operations::compose_file(file, yaml));
    }

    /// A document ([`docs::is_docs_file`]): its headings and sections, prose links,
    /// rollback mentions and security policy, for `status`.
    pub fn docs_file(&mut self, path: &str, text: &str) {
        self.kept.docs_files.push(docs::docs_file(path, text));
    }

    /// One YAML document of a Kubernetes file (an object, or any document of a
    /// `kustomization.yaml`): what a kustomization, skaffold config or LimitRange
    /// says about other files.
    pub fn deploy_tool_doc(&mut self, path: &str, doc: &YamlNode) {
        self.kept
            .deploy_tools
            .extend(deploy_tools::deploy_tool_facts(doc, path));
    }

    /// Any piece of shell code of the file at `path` (a script, a Dockerfile `RUN`,
    /// a workflow `run:`…): the files it sources, whether the script sets strict mode.
    pub fn shell_sourcing(&mut self, path: &str, role: FileRole, script: &ShellScript) {
        self.kept
            .sourcing
            .extend(sourcing::sourcing(path, role == FileRole::Test, script));
    }

    /// A dependency manifest or lockfile (the walk's `FileKind::Manifest`): what
    /// the readiness controls ask of it.
    pub fn dependency_manifest(&mut self, path: &str, text: &str) {
        self.kept
            .dependency_manifests
            .push(manifests::dependency_manifest(path, text));
    }

    /// Any file's text, by name: a logging configuration, the pre-commit
    /// configuration or Helm values ([`config_files::wanted`]) keeps what the
    /// readiness controls ask of it.
    pub fn config_file(&mut self, path: &str, text: &str) {
        let lower = file_name(path).to_ascii_lowercase();
        if config_files::is_log_config(&lower) {
            self.kept
                .config_files
                .log_configs
                .push(config_files::log_config(path, text));
        }
        if config_files::is_pre_commit(path) {
            self.kept
                .config_files
                .pre_commits
                .push(config_files::pre_commit(path, text));
        }
        if config_files::is_values(&lower) {
            self.kept
                .config_files
                .helm_values
                .push(config_files::helm_values(path, text));
        }
        if ci::is_other_ci(path) {
            self.kept.ci_files.push(ci::other_ci(path, text));
        }
        if params::is_parameter_config(path) && roles::role_of(path) == FileRole::Production {
            self.kept
                .param_blocks
                .extend(params::yaml_blocks(path, text));
        }
        if config_files::is_yaml(&lower) {
            self.kept
                .config_files
                .helm_templates
                .extend(config_files::helm_template(path, text));
        }
    }

    /// A production source file ([`code::is_source`]): its routes, web framework,
    /// metrics, logging and database clients, for `status`.
    pub fn source_code(&mut self, path: &str, text: &str) {
        let found = code::scan(path, text);
        self.kept.code = std::mem::take(&mut self.kept.code).merge(found);
        self.kept.source_files += 1;
    }

    /// A Python module: the database connections it opens itself, and for a
    /// shipped module, when the plan is wanted (`plan_facts`), the `print()` calls
    /// that are operational output and its literal constants. The tree is parsed only
    /// when a cheap test of the text says a fact could be there.
    pub fn python(
        &mut self,
        file: &SourceFile,
        py: &crate::parse::python::PythonFile<'_>,
        plan_facts: bool,
    ) {
        self.kept
            .module_defs
            .extend(modules::ModuleDefs::of(&file.path, &file.text));
        // The print and parameter facts are asked of shipped modules only
        // (`Repository::printing_modules`, `shared_constants`): a test is not read.
        if plan_facts && roles::role_of(&file.path) == roles::FileRole::Production {
            self.kept
                .printing_modules
                .extend(modules::printing_module(&file.path, &file.text, py));
            if !modules::prints_by_design(&file.path, &file.text) {
                let constants = modules::module_constants(&file.text, py);
                if constants.len() >= modules::MIN_SHARED_CONSTANTS {
                    self.kept
                        .module_constants
                        .push((file.path.to_string(), constants));
                }
                self.kept
                    .param_blocks
                    .extend(params::python_blocks(&file.path, &file.text, py));
            }
        }
        // A call matches only when its callee, whitespace removed, is one of these
        // names: so every part of the name is somewhere in the text (a cheap test that
        // spares most files the parse).
        if !DRIVER_CONNECTS
            .iter()
            .any(|c| c.split('.').all(|part| file.text.contains(part)))
        {
            return;
        }
        let Some(tree) = py.tree() else {
            return;
        };
        for n in tree.descendants(tree.root()) {
            if n.kind() == "call" {
                if let Some(f) = n.child_by_field_name("function") {
                    let text: String = f
                        .utf8_text(file.text.as_bytes())
                        .unwrap_or("")
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect();
                    if DRIVER_CONNECTS.contains(&text.as_str()) {
                        self.kept.connection_calls.push(ConnectionCall {
                            path: file.path.to_string(),
                            line: n.start_position().row + 1,
                            call: text,
                        });
                    }
                }
            }
        }
    }

    /// A Dockerfile: its stages, final settings and `pip install -r`s.
    pub fn dockerfile(&mut self, file: &SourceFile, df: &Dockerfile) {
        self.recipes.push(containers::recipe_of(file, df));
        self.kept
            .dockerfile_summaries
            .push(dockerfiles::summary(file, df));
    }

    /// A compose file (by name or by content): its services and what they build.
    pub fn compose(&mut self, file: &SourceFile, yaml: &YamlFile) {
        for doc in &yaml.documents {
            let Some(root) = &doc.root else { continue };
            // `extends: {file: other.yml}`: this file brings up services defined there.
            for pair in root
                .get("services")
                .and_then(|s| s.as_map())
                .unwrap_or_default()
            {
                let Some(other) = pair
                    .value
                    .get("extends")
                    .and_then(|e| e.get("file"))
                    .filter(|f| f.as_str().is_some())
                else {
                    continue;
                };
                let Some(to) = other.as_str().and_then(|f| join(dir_of(&file.path), f)) else {
                    continue;
                };
                self.references.push(Reference {
                    from: file.path.to_string(),
                    line: file.lines.line_of(other.span.start) + 1,
                    to,
                    kind: RefKind::UsesCompose,
                    source: Source::Compose,
                    target: None,
                    check_only: false,
                    compose_up: None,
                });
            }
            for s in containers::services_of(file, root) {
                if let Some(b) = &s.build {
                    self.kept.named_contexts.extend(
                        b.named_contexts
                            .iter()
                            .map(|n| (b.dockerfile.clone(), n.clone())),
                    );
                    self.references.push(Reference {
                        from: file.path.to_string(),
                        line: b.line,
                        to: b.dockerfile.clone(),
                        kind: RefKind::Builds,
                        source: Source::Compose,
                        target: b.target.clone(),
                        check_only: false,
                        compose_up: None,
                    });
                }
                self.kept.services.push(s);
            }
        }
    }

    /// A workflow or action: the images its `docker/build-push-action` steps build
    /// (its `run:` shells come through [`Facts::shell`]).
    pub fn workflow(&mut self, file: &SourceFile, yaml: &YamlFile) {
        for doc in &yaml.documents {
            let Some(root) = &doc.root else { continue };
            let steps = root
                .get("jobs")
                .and_then(|j| j.as_map())
                .into_iter()
                .flatten()
                .filter_map(|job| job.value.get("steps").and_then(|s| s.as_seq()))
                .chain(root.at(&["runs", "steps"]).and_then(|s| s.as_seq()))
                .flatten();
            let jobs = root
                .get("jobs")
                .and_then(|j| j.as_map())
                .into_iter()
                .flatten()
                .filter_map(|job| job.value.get("steps").and_then(|s| s.as_seq()))
                .chain(root.at(&["runs", "steps"]).and_then(|s| s.as_seq()));
            for job_steps in jobs {
                self.published.extend(published_by(job_steps));
            }
            for step in steps {
                let Some(uses) = step.get("uses").and_then(|u| u.as_str()) else {
                    continue;
                };
                if !uses
                    .to_ascii_lowercase()
                    .starts_with("docker/build-push-action@")
                {
                    continue;
                }
                let with = step.get("with");
                let arg = |k: &str| with.and_then(|w| w.get(k)).and_then(|v| v.as_str());
                let Some(to) = build_push_dockerfile(step) else {
                    continue;
                };
                // `build-contexts: name=value` lines.
                for l in arg("build-contexts").unwrap_or("").lines() {
                    if let Some((n, _)) = l.split_once('=') {
                        let n = n.trim();
                        if !n.is_empty() && !n.contains(['$', ' ']) {
                            self.kept.named_contexts.push((to.clone(), n.to_string()));
                        }
                    }
                }
                self.references.push(Reference {
                    from: file.path.to_string(),
                    line: file.lines.line_of(step.span.start) + 1,
                    to,
                    kind: RefKind::Builds,
                    source: Source::Workflow,
                    target: arg("target").map(str::to_string),
                    check_only: check_only_build(with),
                    compose_up: None,
                });
            }
        }
    }

    /// A parsed shell script or workflow `run:`: the commands it runs.
    pub fn shell(&mut self, file: &SourceFile, script: &ShellScript, source: Source) {
        let line = |off: usize| file.lines.line_of(off) + 1;
        let commands: Vec<_> = commands::argvs(script)
            .into_iter()
            .map(|(off, argv)| (line(off), argv))
            .collect();
        let cwds = match source {
            // A script runs from wherever it is called: its own directory or the root.
            Source::Script => vec![dir_of(&file.path).to_string(), String::new()],
            _ => vec![String::new()],
        };
        // Images published under a name the script keeps in a variable
        // (`-t ${IMAGE_NAME}:${TAG}`); duplicates of the plain reading are dropped later.
        if source == Source::Script {
            let tagged = commands::build_argvs_with_tags(script)
                .into_iter()
                .map(|(off, argv)| (line(off), argv))
                .collect::<Vec<_>>();
            for cwd in &cwds {
                self.published
                    .extend(commands::published_by(&tagged, std::slice::from_ref(cwd)));
            }
        }
        self.push_commands(&file.path, source, cwds, commands);
    }

    /// A Makefile: its recipe lines, run from the Makefile's directory.
    pub fn makefile(&mut self, file: &SourceFile) {
        let mut commands = Vec::new();
        for (i, l) in file.text.lines().enumerate() {
            let Some(recipe) = l.strip_prefix('\t') else {
                continue;
            };
            let recipe = recipe.trim_start_matches(['@', '-', '+']);
            for argv in commands::split_line(recipe) {
                commands.push((i + 1, argv));
            }
        }
        self.push_commands(
            &file.path,
            Source::Makefile,
            vec![dir_of(&file.path).to_string()],
            commands,
        );
        self.kept.makefiles.push((
            file.path.to_string(),
            crate::parse::makefile::targets(&file.text),
        ));
    }

    /// Markdown: the commands of its shell code blocks (` ```sh `, ` ```bash `,
    /// ` ```console `, `$ ` prompts), as run from the repository root.
    pub fn markdown(&mut self, file: &SourceFile) {
        let mut commands = Vec::new();
        let mut fence: Option<(String, bool)> = None;
        for (i, l) in file.text.lines().enumerate() {
            let t = l.trim_start();
            if let Some((marker, shell)) = &fence {
                if t.starts_with(marker.as_str()) {
                    fence = None;
                } else if *shell {
                    let cmd = t.strip_prefix("$ ").unwrap_or(t);
                    for argv in commands::split_line(cmd) {
                        commands.push((i + 1, argv));
                    }
                }
                continue;
            }
            let marker = if t.starts_with("```") {
                "```"
            } else if t.starts_with("~~~") {
                "~~~"
            } else {
                continue;
            };
            let lang = t.trim_start_matches(marker).trim().to_ascii_lowercase();
            let shell = matches!(
                lang.split([' ', '{', ',']).next().unwrap_or(""),
                "" | "sh" | "bash" | "shell" | "console" | "shell-session" | "zsh"
            );
            fence = Some((marker.to_string(), shell));
        }
        // From the repository root first, then from the document's own directory (a
        // README beside a compose file says `docker compose up` for that one).
        let mut cwds = vec![String::new()];
        if let Some((dir, _)) = file.path.rsplit_once('/') {
            cwds.push(dir.to_string());
        }
        self.push_commands(&file.path, Source::Docs, cwds, commands);
    }

    fn push_commands(
        &mut self,
        from: &str,
        source: Source,
        cwds: Vec<String>,
        commands: Vec<(usize, Vec<Option<String>>)>,
    ) {
        // Only commands that can point at a file are worth keeping: a program run
        // by its path (`./scripts/publish.sh $(VERSION)`) or one with a literal
        // argument.
        let commands: Vec<_> = commands
            .into_iter()
            .filter(|(_, argv)| {
                let by_path = argv
                    .first()
                    .and_then(|w| w.as_deref())
                    .is_some_and(|w| w.contains('/'));
                commands::may_point_at_file(argv)
                    && (by_path || argv.iter().skip(1).any(|w| w.is_some()))
            })
            .collect();
        if commands.is_empty() {
            return;
        }
        self.commands.push(CommandList {
            from: from.to_string(),
            source,
            cwds,
            commands,
        });
    }

    /// A manifest or a plain text file: a requirements-style file's includes, a
    /// Makefile's recipes; nothing for the others.
    pub fn manifest_or_text(&mut self, file: &SourceFile) {
        let name = file_name(&file.path);
        if deps::is_requirements_path(&file.path) {
            let parsed = crate::parse::requirements::parse_requirements(&file.text);
            self.requirements(file, &parsed);
        } else if matches!(name, "Makefile" | "makefile" | "GNUmakefile") || name.ends_with(".mk") {
            self.makefile(file);
        }
    }

    /// A requirements-style file: its `-r`/`-c` includes.
    pub fn requirements(&mut self, file: &SourceFile, parsed: &RequirementsFile) {
        self.requirement_files.push(file.path.to_string());
        self.kept.includes.extend(deps::includes_of(file, parsed));
    }

    /// A YAML file that may configure a docs site (`mkdocs.yml`'s `docs_dir`).
    pub fn docs_config(&mut self, file: &SourceFile, yaml: &YamlFile) {
        if !matches!(file_name(&file.path), "mkdocs.yml" | "mkdocs.yaml") {
            return;
        }
        let docs_dir = yaml
            .documents
            .first()
            .and_then(|d| d.root.as_ref())
            .and_then(|r| r.get("docs_dir"))
            .and_then(|d| d.as_str());
        if let Some(d) = docs_dir {
            self.docs_dirs.insert(file.path.to_string(), d.to_string());
        }
    }

    /// A shipped Kubernetes workload container's probe (found by the Kubernetes
    /// rules' reading of the document).
    pub fn k8s_probe(&mut self, site: ProbeSite) {
        self.kept.extend(Kept {
            k8s_probe: Some(site),
            ..Kept::default()
        });
    }

    /// Any file: the scripts it starts when it is a systemd unit or a Procfile.
    pub fn host_starts(&mut self, file: &SourceFile) {
        self.kept.host_starts.extend(host_starts::host_starts(file));
    }

    /// What a build tool's configuration builds (bake, skaffold, `devcontainer.json`,
    /// Tiltfile): a reference from it to each Dockerfile. Also called for a Tiltfile
    /// that no rule reads ([`builds::is_build_tool_text`]): which images only a
    /// development tool builds must not depend on the rules selected.
    pub fn build_tool_refs(&mut self, path: &str, text: &str) {
        self.kept
            .named_contexts
            .extend(builds::bake_named_contexts(path, text));
        for (line, to) in builds::built_by_tool(path, text) {
            self.references.push(Reference {
                from: path.to_string(),
                line,
                to,
                kind: RefKind::Builds,
                source: Source::Config,
                target: None,
                check_only: false,
                compose_up: None,
            });
        }
    }

    /// Any file, after its kind's own extractor: what build tools' configurations
    /// build (bake, skaffold, `devcontainer.json`, Tiltfile), `docker build` lines in
    /// files not read as commands elsewhere (other CI systems), words that name
    /// a Dockerfile, and directories split off by `git subtree push --prefix`.
    pub fn text_refs(&mut self, file: &SourceFile, kind: FileKind) {
        let text = file.text.as_str();
        if text.contains("--prefix") || text.contains("-P ") {
            self.kept.mirrored.extend(ci::mirrored_prefixes(text));
        }
        let lower_has = |w: &str| {
            memchr::memmem::find(text.as_bytes(), w.as_bytes()).is_some()
                || memchr::memmem::find(text.as_bytes(), w.to_ascii_uppercase().as_bytes())
                    .is_some()
        };
        let names_dockerfile = lower_has("ockerfile") || lower_has("ontainerfile");
        let source = match kind {
            FileKind::Markdown => Source::Docs,
            FileKind::Workflow | FileKind::Action => Source::Workflow,
            FileKind::Compose => Source::Compose,
            FileKind::Shell => Source::Script,
            _ => Source::Text,
        };
        if names_dockerfile && kind != FileKind::Dockerfile {
            for (line, word) in builds::dockerfile_mentions(text) {
                self.mentions
                    .push((file.path.to_string(), line, word, source));
            }
        }
        self.build_tool_refs(&file.path, text);
        // Files whose commands the walk already reads (scripts, workflow steps,
        // Makefiles, docs code blocks, Dockerfile `RUN`s) are not read twice.
        let name = file_name(&file.path);
        // JavaScript/TypeScript: its builds as the code makes them, not every line
        // that says `docker build` (a doc comment's example is not a build).
        if js_builds::is_js_path(&file.path) {
            let js = js_builds::read(&file.path, text);
            if !js.direct.is_empty() || !js.functions.is_empty() || !js.calls.is_empty() {
                self.js_files.push(js);
            }
            return;
        }
        let read_as_commands = matches!(
            kind,
            FileKind::Shell
                | FileKind::Workflow
                | FileKind::Action
                | FileKind::Markdown
                | FileKind::Dockerfile
        ) || matches!(name, "Makefile" | "makefile" | "GNUmakefile")
            || name.ends_with(".mk");
        if !read_as_commands && (lower_has("docker") || lower_has("podman") || lower_has("buildah"))
        {
            let commands = builds::build_command_lines(text);
            if !commands.is_empty() {
                self.push_commands(
                    &file.path,
                    Source::Config,
                    vec![dir_of(&file.path).to_string(), String::new()],
                    commands,
                );
            }
        }
    }

    /// A YAML file the engine did not parse because it is a template.
    pub fn template(&mut self, path: &str) {
        self.kept.templates.push(path.to_string());
    }
}

/// What a file is for, as the whole repository shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Its role by path (production, test, example, vendored, …).
    pub by_path: FileRole,
    /// Used only in development: a development path, or a Dockerfile that only
    /// development files build (a dev container's compose file). A Dockerfile a
    /// workflow builds is not: release workflows build production images.
    pub dev_only: bool,
    /// Run only by CI (`roles::is_ci_only`).
    pub ci_only: bool,
    /// A Helm/Jinja template rather than the YAML it is named as.
    pub template: bool,
    /// A page of a documentation site.
    pub docs_page: bool,
}

/// The compose service's image as the repository builds it.
#[derive(Debug, Clone, Copy)]
pub struct ServiceImage<'a> {
    /// The Dockerfile's recipe.
    pub image: &'a Image,
    /// The stage built (`build.target`, or the final stage).
    pub stage: usize,
}

impl ServiceImage<'_> {
    /// What the container runs with: `USER`, `HEALTHCHECK`, `EXPOSE`, `CMD`, `ENTRYPOINT`.
    pub fn config(&self) -> ImageConfig {
        self.image.config(self.stage)
    }
}

/// A literal boolean input of a step's `with:` (`push: false`, `load: "true"`).
fn with_flag(with: Option<&YamlNode>, key: &str) -> Option<bool> {
    let v = with?.get(key)?;
    v.as_bool().or_else(|| match v.as_str()?.trim() {
        s if s.eq_ignore_ascii_case("true") => Some(true),
        s if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

/// The Dockerfile a `docker/build-push-action` step builds (`file:`, or the
/// context's `Dockerfile`).
fn build_push_dockerfile(step: &YamlNode) -> Option<String> {
    let with = step.get("with");
    let arg = |k: &str| with.and_then(|w| w.get(k)).and_then(|v| v.as_str());
    let context = arg("context").unwrap_or(".");
    match arg("file") {
        Some(f) => join("", f),
        None => join("", context).and_then(|c| join(&c, "Dockerfile")),
    }
}

/// A `docker/build-push-action` step that keeps nothing: `push: false` with no `load:`
/// or `outputs:`. It checks that the image builds; its tags name nothing published.
fn check_only_build(with: Option<&YamlNode>) -> bool {
    with_flag(with, "push") == Some(false)
        && with_flag(with, "load") != Some(true)
        && with.and_then(|w| w.get("outputs")).is_none()
}

/// The image names one job's `docker/build-push-action` steps publish: their literal
/// `tags:`, or, for `tags: ${{ steps.ID.outputs.tags }}`, the `images:` of the
/// `docker/metadata-action` step `ID` of the same job.
fn published_by(steps: &[YamlNode]) -> Vec<containers::Published> {
    let uses = |s: &YamlNode, action: &str| {
        s.get("uses")
            .and_then(|u| u.as_str())
            .is_some_and(|u| u.to_ascii_lowercase().starts_with(action))
    };
    let with = |s: &YamlNode, k: &str| {
        s.get("with")
            .and_then(|w| w.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let mut out = Vec::new();
    for step in steps
        .iter()
        .filter(|s| uses(s, "docker/build-push-action@"))
    {
        // A check that the image builds (`push: false`, nothing loaded or exported)
        // publishes nothing under its tags (round 9: `tags: jumpserver/core:stage-build`
        // of a pull-request check made the released image look like a base image).
        if check_only_build(step.get("with")) {
            continue;
        }
        let Some(dockerfile) = build_push_dockerfile(step) else {
            continue;
        };
        let tags = with(step, "tags").unwrap_or_default();
        let mut names: Vec<String> = Vec::new();
        for t in tags.split(['\n', ',']) {
            let t = t.trim();
            if t.starts_with("${{") && t.ends_with("}}") && t.contains("steps.") {
                // `${{ steps.meta.outputs.tags }}`, or an expression that picks one of
                // several metadata steps (`release && steps.a.outputs.tags ||
                // steps.b.outputs.tags`): the images of every step it names.
                for (at, _) in t.match_indices("steps.") {
                    let Some(id) = t[at + "steps.".len()..].split('.').next() else {
                        continue;
                    };
                    let images = steps
                        .iter()
                        .filter(|s| uses(s, "docker/metadata-action@"))
                        .find(|s| s.get("id").and_then(|i| i.as_str()) == Some(id))
                        .and_then(|s| with(s, "images"))
                        .unwrap_or_default();
                    names.extend(
                        images
                            .split(['\n', ','])
                            .filter_map(|i| i.split_whitespace().next().map(str::to_string)),
                    );
                }
            } else {
                names.push(t.to_string());
            }
        }
        let target = with(step, "target");
        for n in names {
            if let Some(name) =
                containers::image_key(&n).or_else(|| containers::prefixed_image_key(&n))
            {
                out.push(containers::Published {
                    name,
                    dockerfile: dockerfile.clone(),
                    target: target.clone(),
                    tag: containers::image_tag(&n),
                });
            }
        }
    }
    out
}

/// The whole repository as the scan saw it.
#[derive(Debug, Default)]
pub struct Repository {
    inventory: Vec<InventoryEntry>,
    images: Vec<Image>,
    /// Image names the repository publishes, sorted.
    published: Vec<containers::Published>,
    references: Vec<Reference>,
    environments: Vec<Environment>,
    docs_sites: Vec<DocsSite>,
    packages: Vec<String>,
    /// The per-file facts, as the walk found them, sorted.
    kept: Kept,
    /// Every `FROM` that starts from an image the repository publishes itself, built
    /// on first need ([`Repository::base_edges`]).
    base_edges: std::sync::OnceLock<Vec<BaseEdge>>,
}

/// A stage of one Dockerfile that starts `FROM` the image a stage of another (or the
/// same) Dockerfile publishes: indices into [`Repository`]'s images, ordered by the
/// base so the `FROM`s of one base image are a contiguous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct BaseEdge {
    /// The Dockerfile (image index) whose published image is built on.
    base: usize,
    /// The stage of `base` that image is.
    base_stage: usize,
    /// The Dockerfile (image index) whose stage builds `FROM` it.
    from: usize,
    /// That stage.
    from_stage: usize,
}

/// The item of `items` (sorted by path) at `path`.
fn by_path<'a, T>(items: &'a [T], path: &str, key: impl Fn(&T) -> &str) -> Option<&'a T> {
    items
        .binary_search_by(|x| key(x).cmp(path))
        .ok()
        .and_then(|i| items.get(i))
}

impl Repository {
    /// Joins the facts of every file with the inventory (every file the walk
    /// saw, read or not). Cross-file facts are derived here, once.
    pub fn new(inventory: &[InventoryEntry], facts: Facts) -> Self {
        let mut inventory = inventory.to_vec();
        inventory.sort();
        let paths: BTreeSet<&str> = inventory.iter().map(|e| e.path.as_str()).collect();
        let is_file = |p: &str| paths.contains(p);
        let exists = |p: &str| {
            p.is_empty()
                || paths.contains(p)
                || paths
                    .range(format!("{p}/").as_str()..)
                    .next()
                    .is_some_and(|x| x.starts_with(p) && x.as_bytes().get(p.len()) == Some(&b'/'))
        };
        let Facts {
            recipes,
            requirement_files,
            commands: command_lists,
            mut references,
            docs_dirs,
            mentions,
            mut published,
            mut js_files,
            mut kept,
        } = facts;
        kept.sort();
        let mut command_lists = command_lists;
        // Builds in JavaScript/TypeScript release scripts: literal ones where they
        // stand, a build helper's at each call, its parameters taking the call's
        // literals or their defaults. Like a script, run from the root or its own
        // directory.
        js_files.sort_by(|a, b| a.path.cmp(&b.path));
        type Argvs = Vec<(usize, Vec<Option<String>>)>;
        let mut js_commands: BTreeMap<String, Argvs> = BTreeMap::new();
        for f in &js_files {
            js_commands
                .entry(f.path.clone())
                .or_default()
                .extend(f.direct.iter().cloned());
        }
        for (from, line, argv) in js_builds::resolve_calls(&js_files) {
            js_commands.entry(from).or_default().push((line, argv));
        }
        drop(js_files);
        for (from, commands) in js_commands {
            if commands.is_empty() {
                continue;
            }
            command_lists.push(CommandList {
                cwds: vec![String::new(), dir_of(&from).to_string()],
                from,
                source: Source::Script,
                commands,
            });
        }

        let mut images: Vec<Image> = recipes
            .into_iter()
            .map(|r| r.resolve(&exists, &is_file))
            .collect();
        images.sort_by(|a, b| a.dockerfile.cmp(&b.dockerfile));

        // What commands point at, following `cd`, from the first working
        // directory that makes sense of them.
        let mut installs: Vec<(EnvKind, Vec<deps::InstallSite>)> = Vec::new();
        for list in &command_lists {
            published.extend(commands::published_by(&list.commands, &list.cwds));
            let mut found: Vec<commands::LineTarget> = Vec::new();
            for (i, cwd) in list.cwds.iter().enumerate() {
                let here = commands::targets_with_lines(
                    &list.commands,
                    cwd,
                    list.source == Source::Makefile,
                    &is_file,
                );
                if list.source == Source::Docs && i > 0 {
                    // A document's commands are read from the repository root; a README
                    // beside a compose file that says `docker compose up` means that
                    // file, so compose files only this reading finds (on other lines)
                    // are added.
                    let known: Vec<usize> = found
                        .iter()
                        .filter(|t| is_file(&t.to))
                        .map(|t| t.line)
                        .collect();
                    found.extend(here.into_iter().filter(|t| {
                        t.kind == RefKind::UsesCompose && is_file(&t.to) && !known.contains(&t.line)
                    }));
                    continue;
                }
                found = here;
                if list.source != Source::Docs && found.iter().any(|t| is_file(&t.to)) {
                    break;
                }
            }
            let mut sites = Vec::new();
            for t in found {
                if t.kind == RefKind::Installs && is_file(&t.to) && list.source != Source::Docs {
                    sites.push((list.from.clone(), t.line, t.to.clone()));
                }
                references.push(Reference {
                    from: list.from.clone(),
                    line: t.line,
                    to: t.to,
                    kind: t.kind,
                    source: list.source,
                    target: t.target,
                    check_only: false,
                    compose_up: t.compose_up,
                });
            }
            if matches!(list.source, Source::Script | Source::Makefile) && !sites.is_empty() {
                installs.push((
                    EnvKind::Script {
                        script: list.from.clone(),
                    },
                    sites,
                ));
            }
        }
        for img in &images {
            let Some(stage) = img.final_stage() else {
                continue;
            };
            let sites: Vec<_> = img
                .installs(stage)
                .into_iter()
                .map(|(line, to)| (img.dockerfile.clone(), line, to))
                .collect();
            if !sites.is_empty() {
                installs.push((
                    EnvKind::Image {
                        dockerfile: img.dockerfile.clone(),
                    },
                    sites,
                ));
            }
        }
        // Words naming a Dockerfile: relative to the file, to the root, or a unique
        // path or file name that ends with them.
        let by_name = |word: &str| -> Option<String> {
            let mut hits = inventory.iter().map(|e| e.path.as_str()).filter(|p| {
                *p == word
                    || p.ends_with(word)
                        && p.as_bytes().get(p.len() - word.len() - 1) == Some(&b'/')
            });
            let first = hits.next()?;
            hits.next().is_none().then(|| first.to_string())
        };
        for (from, line, word, source) in mentions {
            let from_dir = dir_of(&from).to_string();
            // The path as written may carry a prefix the repository does not have (a
            // URL, `$(CURDIR)/../`, a container path): try its trailing components,
            // longest first, from the file's directory and from the root.
            let comps: Vec<&str> = word
                .split('/')
                .filter(|c| !c.is_empty() && *c != "." && *c != "..")
                .collect();
            let mut targets: Vec<String> = Vec::new();
            for k in 0..comps.len() {
                let suffix = comps[k..].join("/");
                if suffix.contains('*') {
                    let (dir, pattern) = suffix.rsplit_once('/').unwrap_or((".", &suffix));
                    for base in [join(&from_dir, dir), join("", dir)].into_iter().flatten() {
                        targets.extend(
                            inventory
                                .iter()
                                .map(|e| e.path.as_str())
                                .filter(|p| {
                                    dir_of(p) == base
                                        && crate::classify::is_dockerfile_name(file_name(p))
                                        && builds::glob_match(pattern, file_name(p))
                                })
                                .map(str::to_string),
                        );
                    }
                    break;
                }
                let found = [join(&from_dir, &suffix), join("", &suffix)]
                    .into_iter()
                    .flatten()
                    .find(|p| is_file(p));
                if let Some(p) = found {
                    targets.push(p);
                    break;
                }
            }
            if targets.is_empty() {
                let last = comps.last().copied().unwrap_or("");
                let generic = matches!(
                    last.to_ascii_lowercase().as_str(),
                    "dockerfile" | "containerfile"
                );
                if !generic && !last.contains('*') {
                    targets.extend(by_name(last));
                }
            }
            for to in targets.into_iter().filter(|t| *t != from) {
                references.push(Reference {
                    from: from.clone(),
                    line,
                    to,
                    kind: RefKind::Names,
                    source,
                    target: None,
                    check_only: false,
                    compose_up: None,
                });
            }
        }
        references.sort();
        references.dedup();
        let mut requirement_files = requirement_files;
        requirement_files.sort();
        let environments = deps::environments(installs, &kept.includes, &requirement_files);
        let docs_sites = docs::sites(paths.iter().copied(), &docs_dirs, &exists);
        drop(paths);
        let packages = modules::workspace_packages(inventory.iter().map(|e| e.path.as_str()));
        Repository {
            inventory,
            images,
            published: {
                published.sort();
                published.dedup();
                published
            },
            references,
            environments,
            docs_sites,
            packages,
            kept,
            base_edges: std::sync::OnceLock::new(),
        }
    }

    /// The rules of the Makefile at `path`, when the walk read one there.
    pub fn make_targets(&self, path: &str) -> Option<&[MakeTarget]> {
        by_path(&self.kept.makefiles, path, |(p, _)| p).map(|(_, t)| t.as_slice())
    }

    /// The script at `path` as the operations controls see it; `None` when the walk
    /// did not read it or it may not run operations.
    pub fn script(&self, path: &str) -> Option<&operations::ScriptFile> {
        by_path(&self.kept.scripts, path, |s| &s.path)
    }

    /// The document at `path` as the operations controls read it; `None` when the
    /// walk did not read it ([`docs::is_docs_file`], or too large, binary, not UTF-8).
    pub fn docs_file(&self, path: &str) -> Option<&docs::DocsFile> {
        by_path(&self.kept.docs_files, path, |d| &d.path)
    }

    /// The README or contributing guide (at the root, in `.github/` or `docs/`), or
    /// the security section of another shipped page (a docs site's "Reporting a
    /// Security Issue"), that tells a vulnerability reporter where to go privately,
    /// and that line: the policy of a project that has no `SECURITY.md`. A README
    /// deeper in the tree speaks for its folder, not the project.
    pub fn reporting_channel_in_docs(&self) -> Option<(&str, usize)> {
        self.kept.docs_files.iter().find_map(|d| {
            let (dir, name) = d.path.rsplit_once('/').unwrap_or(("", d.path.as_str()));
            let guide = docs::is_guide_name(&name.to_ascii_lowercase());
            (!guide || matches!(dir, "" | ".github" | "docs"))
                .then_some(())
                .and(d.reporting_channel)
                .map(|line| (d.path.as_str(), line))
        })
    }

    /// The first (by path) shipped Kubernetes workload container's probe, when the
    /// repository deploys one.
    pub fn k8s_probe(&self) -> Option<&ProbeSite> {
        self.kept.k8s_probe.as_ref()
    }

    /// The scripts systemd units and Procfiles start, by file and line.
    pub fn host_starts(&self) -> &[host_starts::HostStart] {
        &self.kept.host_starts
    }

    /// Whether some shell code sources the file at `path` (it runs inside that
    /// shell, with its options).
    pub fn is_sourced_script(&self, path: &str) -> bool {
        self.kept.sourcing.is_sourced(path)
    }

    /// Whether the script at `path` sets `-e`, `-u` and (for bash) `pipefail`.
    pub fn is_strict_script(&self, path: &str) -> bool {
        self.kept.sourcing.is_strict(path)
    }

    /// Whether a kustomization uses the file at `path` as a patch (a fragment
    /// merged into an object defined elsewhere, not an object of its own).
    pub fn is_kustomize_patch(&self, path: &str) -> bool {
        self.kept
            .deploy_tools
            .patches
            .binary_search_by(|p| p.as_str().cmp(path))
            .is_ok()
    }

    /// Whether a kustomization (`images:`) or skaffold (an artifact it builds)
    /// sets the tag of the image named `name` (no tag, no digest).
    pub fn is_image_tagged_by_deploy_tool(&self, name: &str) -> bool {
        self.kept
            .deploy_tools
            .images
            .binary_search_by(|i| i.as_str().cmp(name))
            .is_ok()
    }

    /// Whether a `LimitRange` with a default memory limit covers a container in
    /// `namespace` (`None`: the object names none); one without a namespace covers all.
    pub fn limit_range_covers(&self, namespace: Option<&str>) -> bool {
        let d = &self.kept.deploy_tools;
        d.limit_range_any
            || namespace.is_some_and(|ns| {
                d.limit_ranges
                    .binary_search_by(|n| n.as_str().cmp(ns))
                    .is_ok()
            })
    }

    /// The dependency manifest or lockfile at `path` as the readiness controls read
    /// it; `None` when the walk did not read it (too large, binary, not UTF-8).
    pub fn dependency_manifest(&self, path: &str) -> Option<&manifests::DependencyManifest> {
        by_path(&self.kept.dependency_manifests, path, |m| &m.path)
    }

    /// The Dependabot configuration at `path` as the walk read it.
    pub fn dependabot(&self, path: &str) -> Option<&dependabot::Dependabot> {
        by_path(&self.kept.dependabots, path, |d| &d.path)
    }

    /// The workflow, local action or other CI file at `path` as the readiness
    /// controls see it; `None` when the walk did not read it.
    pub fn ci_file(&self, path: &str) -> Option<&ci::CiFile> {
        by_path(&self.kept.ci_files, path, |c| &c.path)
    }

    /// The YAML file at `path` as a Kubernetes manifest; `None` when the walk did
    /// not read it or its text names no `apiVersion` and `kind` (or is templated).
    pub fn k8s_manifest(&self, path: &str) -> Option<&kubernetes::K8sManifest> {
        by_path(&self.kept.k8s_manifests, path, |c| &c.path)
    }

    /// The compose file at `path` as the readiness controls see it; `None` when the
    /// walk did not read it or it is not named as a compose file.
    pub fn compose_file(&self, path: &str) -> Option<&operations::ComposeFile> {
        by_path(&self.kept.compose_files, path, |c| &c.path)
    }

    /// The logging configuration at `path`, as the walk read it.
    pub fn log_config(&self, path: &str) -> Option<&config_files::LogConfig> {
        by_path(&self.kept.config_files.log_configs, path, |c| &c.path)
    }

    /// The pre-commit configuration at `path`, as the walk read it.
    pub fn pre_commit(&self, path: &str) -> Option<&config_files::PreCommit> {
        by_path(&self.kept.config_files.pre_commits, path, |c| &c.path)
    }

    /// The templated Kubernetes manifest at `path`, as the walk read it; `None` when
    /// the file is not one (or was not read).
    pub fn helm_template(&self, path: &str) -> Option<&config_files::HelmTemplate> {
        by_path(&self.kept.config_files.helm_templates, path, |c| &c.path)
    }

    /// Every templated Kubernetes manifest the walk read, by path.
    pub fn helm_templates(&self) -> &[config_files::HelmTemplate] {
        &self.kept.config_files.helm_templates
    }

    /// The Helm values file at `path`, as the walk read it.
    pub fn helm_values(&self, path: &str) -> Option<&config_files::HelmValues> {
        by_path(&self.kept.config_files.helm_values, path, |c| &c.path)
    }

    /// What the final image of the Dockerfile at `path` runs with (user, health
    /// check, base, whether it serves), from the walk's parse; `None` when the walk
    /// did not parse it (unreadable, too large).
    pub fn dockerfile_summary(&self, path: &str) -> Option<&dockerfiles::DockerInfo> {
        by_path(&self.kept.dockerfile_summaries, path, |d| &d.path)
    }

    /// The images the Dockerfile at `path` releases, one per stage built: the
    /// stages a workflow, compose file, script or docs build with `--target` /
    /// `target:` (not a developer, CI or demo file: [`crate::roles::is_dev_path`]),
    /// and the final stage when something builds it without a target or
    /// nothing in the repository builds it at all. A multi-target Dockerfile's CI
    /// helper or test stage that happens to come last is then not what runs.
    /// Empty when the walk did not parse it.
    pub fn released_images(&self, path: &str) -> Vec<dockerfiles::DockerInfo> {
        let Some(summary) = self.dockerfile_summary(path) else {
            return Vec::new();
        };
        let Some(image) = self.image(path) else {
            return vec![summary.clone()];
        };
        let last = image.final_stage();
        let stages = self.released_stages(path);
        if stages.is_empty() {
            return vec![summary.clone()];
        }
        stages
            .into_iter()
            .map(|s| {
                if Some(s) == last {
                    summary.clone()
                } else {
                    dockerfiles::of_stage(summary, image, s)
                }
            })
            .collect()
    }

    /// The stages of the Dockerfile at `path` that are released (see
    /// [`Repository::released_images`]), by index: the stages production builds
    /// name with `--target`, and the final stage when something builds it without a
    /// target or nothing builds the file at all (then first, the targets after it
    /// as the builds name them; else the targets in file order). Empty when the
    /// walk did not parse the Dockerfile.
    pub fn released_stages(&self, path: &str) -> Vec<usize> {
        let Some(image) = self.image(path) else {
            return Vec::new();
        };
        let mut stages: Vec<usize> = Vec::new();
        let mut final_built = false;
        let mut any = false;
        // A developer, CI or demo build (`docker-compose-developer.yml` with
        // `target: dev`) is not a release.
        for b in self
            .builders(path)
            .filter(|b| b.source == Source::Workflow || !crate::roles::is_dev_path(&b.from))
            .filter(|b| crate::roles::role_of(&b.from) == crate::roles::FileRole::Production)
            .filter(|b| !b.check_only)
        {
            any = true;
            match b.target.as_deref().map(|t| image.stage_named(t)) {
                Some(Some(stage)) => {
                    if !stages.contains(&stage) {
                        stages.push(stage);
                    }
                }
                // A target that names no stage (an interpolation, a typo): docker
                // would fail, so it says nothing about what is released.
                Some(None) => {}
                None => final_built = true,
            }
        }
        let Some(last) = image.final_stage() else {
            return Vec::new();
        };
        if !any || final_built || stages.is_empty() {
            stages.retain(|s| *s != last);
            stages.insert(0, last);
        } else {
            stages.sort_unstable();
        }
        stages
    }

    /// What production source code shows (health, readiness and metrics routes, web
    /// frameworks, metrics clients, logging, database clients), sorted, found once
    /// during the walk so `status` reads no source itself.
    pub fn code(&self) -> &code::SourceFacts {
        &self.kept.code
    }

    /// How many production source files the walk read ([`code::is_source`]); none
    /// means the code-based controls have nothing to judge.
    pub fn source_files(&self) -> usize {
        self.kept.source_files
    }

    /// Every place a Python module opens a database connection itself, by path and line.
    pub fn connection_calls(&self) -> &[ConnectionCall] {
        &self.kept.connection_calls
    }

    /// Modules that open database connections themselves, outside tests, examples
    /// and development-only code: the callers a shared connection module would replace.
    pub fn connecting_modules(&self) -> BTreeMap<&str, Vec<&ConnectionCall>> {
        let mut out: BTreeMap<&str, Vec<&ConnectionCall>> = BTreeMap::new();
        for c in &self.kept.connection_calls {
            let role = self.role(&c.path);
            if role.dev_only
                || role.ci_only
                || role.template
                || role.by_path != FileRole::Production
            {
                continue;
            }
            out.entry(c.path.as_str()).or_default().push(c);
        }
        out
    }

    /// Shipped modules that `print()` operational output (see
    /// [`modules::printing_module`]), outside tests, development-only code and the
    /// programs whose output is the product (scripts, CLIs by place or name).
    pub fn printing_modules(&self) -> Vec<&modules::PrintingModule> {
        self.kept
            .printing_modules
            .iter()
            .filter(|m| {
                let role = self.role(&m.path);
                !(role.dev_only
                    || role.ci_only
                    || role.template
                    || role.by_path != FileRole::Production)
            })
            .collect()
    }

    /// The Python modules' top-level function names that `keep` accepts (see
    /// [`modules::ModuleDefs`]): read by the rules that recognise plugin
    /// interfaces, built once for all of them.
    pub fn module_defs(&self, keep: fn(&modules::ModuleDefs) -> bool) -> modules::DefsView<'_> {
        modules::DefsView::new(&self.kept.module_defs, keep)
    }

    /// Each compose service that builds its application here, with the health
    /// route it registers and where it listens ([`services::service_health`]).
    pub fn service_health(&self) -> Vec<services::ServiceHealth> {
        services::service_health(self)
    }

    /// Blocks of identical parameters (`MAX_RETRIES = 5`…) that several shipped
    /// modules each assign ([`modules::shared_constants`]), outside tests,
    /// development-only code and scripts.
    pub fn shared_constants(&self) -> Vec<modules::SharedConstants> {
        let shipped: Vec<(&str, &modules::Constants)> = self
            .kept
            .module_constants
            .iter()
            .filter(|(p, _)| {
                let role = self.role(p);
                !(role.dev_only
                    || role.ci_only
                    || role.template
                    || role.by_path != FileRole::Production)
            })
            .map(|(p, c)| (p.as_str(), c))
            .collect();
        modules::shared_constants(&shipped)
    }

    /// Parameter sets whose values drifted apart between shipped modules, or
    /// between a module and the repository's configuration file
    /// ([`params::drifts`]), grouped one set per group. Modules of one plugin
    /// interface are left out: each tunes its own values.
    pub fn parameter_drifts(&self) -> Vec<Vec<params::Drift>> {
        let shipped: Vec<params::ParamBlock> = self
            .kept
            .param_blocks
            .iter()
            .filter(|b| {
                let role = self.role(&b.path);
                !(role.dev_only
                    || role.ci_only
                    || role.template
                    || role.by_path != FileRole::Production)
            })
            .cloned()
            .collect();
        let defs = self.module_defs(|d| d.role == FileRole::Production && !d.generated);
        let plugins = |a: &str, b: &str| modules::plugins_of_one_interface(&[a, b], defs);
        params::drift_groups(params::drifts(&shipped, &plugins))
    }

    /// The workspace packages of a monorepo ([`modules::workspace_packages`]),
    /// empty for a single application.
    pub fn packages(&self) -> &[String] {
        &self.packages
    }

    /// The package a path belongs to (`""` outside every package).
    pub fn package_of(&self, path: &str) -> &str {
        modules::package_of(&self.packages, path)
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

    // ------------------------------------------------------------ containers

    /// Every Dockerfile as an image recipe, sorted by path.
    pub fn images(&self) -> &[Image] {
        &self.images
    }

    /// The image recipe of a Dockerfile.
    pub fn image(&self, dockerfile: &str) -> Option<&Image> {
        self.images
            .binary_search_by(|i| i.dockerfile.as_str().cmp(dockerfile))
            .ok()
            .and_then(|i| self.images.get(i))
    }

    /// Every compose service, by file then line.
    pub fn services(&self) -> &[Service] {
        &self.kept.services
    }

    /// The service whose key is at `compose_file:line` (where compose rules report).
    pub fn service_at(&self, compose_file: &str, line: usize) -> Option<&Service> {
        self.kept
            .services
            .iter()
            .find(|s| s.file == compose_file && s.line == line)
    }

    /// The service whose definition holds `compose_file:line` (a port or an environment
    /// entry of it): the last service whose key is at or above the line.
    pub fn service_containing(&self, compose_file: &str, line: usize) -> Option<&Service> {
        self.kept
            .services
            .iter()
            .filter(|s| s.file == compose_file && s.line <= line)
            .max_by_key(|s| s.line)
    }

    /// Where a compose file is started by hand in a terminal: every `docker compose up`
    /// of it the repository shows (docs, scripts, Makefiles, workflows) runs attached,
    /// and there is at least one. Someone watches such a stack and stops it with Ctrl-C:
    /// a trial, a one-off import, a development loop, not a deployment (which is left
    /// running with `-d`). Docs are preferred as the evidence, being what people follow.
    pub fn hand_run_compose<'a>(&'a self, compose_file: &'a str) -> Option<&'a Reference> {
        let ups: Vec<&Reference> = self
            .references_to(compose_file)
            .filter(|r| r.kind == RefKind::UsesCompose && r.compose_up.is_some())
            .collect();
        if ups
            .iter()
            .any(|r| r.compose_up != Some(commands::ComposeUp::Attached))
        {
            return None;
        }
        ups.iter()
            .find(|r| r.source == Source::Docs)
            .or_else(|| ups.first())
            .copied()
    }

    /// The service named `name` in `compose_file`.
    pub fn service(&self, compose_file: &str, name: &str) -> Option<&Service> {
        self.kept
            .services
            .iter()
            .find(|s| s.file == compose_file && s.name == name)
    }

    /// The Dockerfile and stage a compose service builds, when the Dockerfile is in
    /// the repository: `image_for_service(s)?.config()` is what the container runs
    /// with unless the compose file overrides it.
    pub fn image_for_service(&self, service: &Service) -> Option<ServiceImage<'_>> {
        let b = service.build.as_ref()?;
        let image = self.image(&b.dockerfile)?;
        let stage = image.built_stage(b.target.as_deref())?;
        Some(ServiceImage { image, stage })
    }

    /// The Dockerfile and stage the repository publishes `image` from (a compose or
    /// Kubernetes `image:`, a `FROM`), when a workflow or a `docker build -t` names it
    /// and every place that names it builds the same stage.
    pub fn published_image(&self, image: &str) -> Option<ServiceImage<'_>> {
        // `${APP_IMAGE:-acme/app:dev}` in a compose file: the image it runs by default.
        let image = containers::interpolated_default(image.trim());
        let image = image.as_str();
        let key = containers::image_key(image)?;
        let mut found: Option<(&str, Option<&str>)> = None;
        // A script is read from its own directory and from the root: only the reading
        // that finds a Dockerfile of the repository counts.
        let named: Vec<&containers::Published> = self
            .published
            .iter()
            .filter(|p| {
                containers::key_matches(&p.name, &key) && self.image(&p.dockerfile).is_some()
            })
            .collect();
        // One name, several images told apart by the tag (`acme/app:base2` is the
        // base, `acme/app:builder` the builder): the literal tag picks the one.
        let tag = containers::image_tag(image);
        let tagged: Vec<&containers::Published> = named
            .iter()
            .copied()
            .filter(|p| tag.is_some() && p.tag == tag)
            .collect();
        let candidates = if tagged.is_empty() { named } else { tagged };
        for p in candidates {
            let this = (p.dockerfile.as_str(), p.target.as_deref());
            match found {
                None => found = Some(this),
                Some(f) if f == this => {}
                // Several Dockerfiles or stages behind one name: which one runs depends on the tag.
                Some(_) => return None,
            }
        }
        let (dockerfile, target) = found?;
        let image = self.image(dockerfile)?;
        let stage = image.built_stage(target)?;
        Some(ServiceImage { image, stage })
    }

    /// Whether the repository builds and publishes `image` itself (a workflow or a
    /// `docker build -t` names it, from one of its Dockerfiles), whichever Dockerfile
    /// or stage: the project's own image, whose `latest` or `stable` tag is the
    /// channel its releases are pushed to, not somebody else's moving target.
    pub fn publishes_image(&self, image: &str) -> bool {
        let Some(key) = containers::image_key(image) else {
            return false;
        };
        self.published
            .iter()
            .any(|p| containers::key_matches(&p.name, &key) && self.image(&p.dockerfile).is_some())
    }

    /// Whether another Dockerfile of the repository builds `FROM` the image this one
    /// publishes (a `base/Dockerfile` whose image the server and demo images start
    /// from): the images built on it are the ones that run.
    pub fn is_base_of_other_images(&self, dockerfile: &str) -> bool {
        self.edges_to(dockerfile).iter().any(|e| {
            self.images
                .get(e.from)
                .is_some_and(|i| i.dockerfile != dockerfile)
                && !self.runs_directly(dockerfile, e.base_stage)
        })
    }

    /// Whether a `FROM` in the repository (another Dockerfile, or a later stage of
    /// this one) starts from the image that `stage` of `dockerfile` publishes: a
    /// base or builder image (`docker build --target base2 -t acme/app:base2`, then
    /// `FROM acme/app:base2`), which does not run by itself.
    pub fn is_base_stage(&self, dockerfile: &str, stage: usize) -> bool {
        // A base that a service or a workflow also runs as it is, is an image that runs.
        if self.runs_directly(dockerfile, stage) {
            return false;
        }
        self.edges_to(dockerfile).iter().any(|e| {
            e.base_stage == stage
                && self
                    .images
                    .get(e.from)
                    .is_some_and(|i| i.dockerfile != dockerfile || e.from_stage != stage)
        })
    }

    /// Every stage of every Dockerfile whose `FROM` names an image the repository
    /// publishes ([`Repository::published_image`]), with the Dockerfile and stage
    /// behind that image, sorted by the latter. Computed once: asked per Dockerfile
    /// (runs-as-root's settling, `status`), a scan of every image's stages per
    /// question was quadratic in the Dockerfiles of the repository.
    fn base_edges(&self) -> &[BaseEdge] {
        self.base_edges.get_or_init(|| {
            // Most `FROM`s repeat (`python:3.12-slim`): each name is resolved once.
            let mut resolved: std::collections::HashMap<&str, Option<(usize, usize)>> =
                std::collections::HashMap::new();
            let mut out = Vec::new();
            for (from, image) in self.images.iter().enumerate() {
                for (from_stage, s) in image.stages.iter().enumerate() {
                    let name = s.from_resolved.as_deref().unwrap_or(&s.from);
                    let base = *resolved.entry(name).or_insert_with(|| {
                        let b = self.published_image(name)?;
                        let index = self
                            .images
                            .binary_search_by(|i| i.dockerfile.as_str().cmp(&b.image.dockerfile))
                            .ok()?;
                        Some((index, b.stage))
                    });
                    if let Some((base, base_stage)) = base {
                        out.push(BaseEdge {
                            base,
                            base_stage,
                            from,
                            from_stage,
                        });
                    }
                }
            }
            out.sort_unstable();
            out
        })
    }

    /// The [`BaseEdge`]s whose base image is `dockerfile`'s.
    fn edges_to(&self, dockerfile: &str) -> &[BaseEdge] {
        let Ok(index) = self
            .images
            .binary_search_by(|i| i.dockerfile.as_str().cmp(dockerfile))
        else {
            return &[];
        };
        let edges = self.base_edges();
        let start = edges.partition_point(|e| e.base < index);
        let end = edges.partition_point(|e| e.base <= index);
        edges.get(start..end).unwrap_or(&[])
    }

    /// Whether `stage` of `dockerfile` runs as it is, not only as the base of other
    /// images: a production compose service builds that stage (`build.target`, or the
    /// final stage without one) or runs the image it is published as (`image:`), or a
    /// workflow `docker run`s that image. Such a stage is an image of its own, whatever
    /// else starts `FROM` it.
    pub fn runs_directly(&self, dockerfile: &str, stage: usize) -> bool {
        let is_it = |si: Option<ServiceImage<'_>>| {
            si.is_some_and(|b| b.image.dockerfile == dockerfile && b.stage == stage)
        };
        let by_service = self
            .kept
            .services
            .iter()
            .filter(|s| {
                !crate::roles::is_dev_path(&s.file)
                    && crate::roles::role_of(&s.file) == crate::roles::FileRole::Production
            })
            .any(|s| match &s.build {
                Some(_) => is_it(self.image_for_service(s)),
                None => s
                    .image
                    .as_deref()
                    .is_some_and(|i| is_it(self.published_image(i))),
            });
        if by_service {
            return true;
        }
        self.kept
            .ci_files
            .iter()
            .filter(|f| f.path.starts_with(".github/workflows/"))
            .flat_map(|f| &f.steps)
            .flat_map(|s| &s.run)
            .flat_map(|(_, line)| commands::docker_run_images(line))
            .any(|image| is_it(self.published_image(&image)))
    }

    /// The images of [`Repository::released_images`] that run as containers: without
    /// the stages other images build `FROM` ([`Repository::is_base_stage`]), which
    /// are judged through the images built on them.
    pub fn running_images(&self, path: &str) -> Vec<dockerfiles::DockerInfo> {
        let images = self.released_images(path);
        let stages = self.released_stages(path);
        if images.len() != stages.len() {
            return images;
        }
        images
            .into_iter()
            .zip(stages)
            .filter(|(_, s)| !self.is_base_stage(path, *s))
            .map(|(i, _)| i)
            .collect()
    }

    // ------------------------------------------------------------ references

    /// Every reference between files, sorted.
    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    /// What points at `path` (who builds, runs, installs or uses it).
    pub fn references_to<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Reference> {
        self.references.iter().filter(move |r| r.to == path)
    }

    /// What builds this Dockerfile: workflow steps and build actions, compose
    /// `build:`s, Makefile recipes, scripts and docs code blocks. Empty when
    /// nothing in the repository does (it may still be built from outside).
    pub fn builders<'a>(&'a self, dockerfile: &'a str) -> impl Iterator<Item = &'a Reference> {
        self.references_to(dockerfile)
            .filter(|r| r.kind == RefKind::Builds)
    }

    /// Whether this Dockerfile is built only by development tools: every builder is a
    /// Tiltfile (`docker_build(…, dockerfile='tilt.dockerfile')`) or a dev container's
    /// `devcontainer.json`, which build images for a developer's inner loop on a local
    /// cluster or editor, never a release (round 9: external-secrets' `tilt.dockerfile`).
    pub fn built_only_for_development(&self, dockerfile: &str) -> bool {
        let mut builders = self.builders(dockerfile).peekable();
        builders.peek().is_some()
            && builders.all(|r| {
                let name = file_name(&r.from).to_ascii_lowercase();
                name == "tiltfile"
                    || name.ends_with(".tiltfile")
                    || name == "devcontainer.json"
                    || name == ".devcontainer.json"
            })
    }

    /// Whether anything in the repository builds this Dockerfile; see [`Repository::builders`].
    pub fn is_built(&self, dockerfile: &str) -> bool {
        self.builders(dockerfile).next().is_some()
    }

    // ------------------------------------------------------------ dependencies

    /// Every environment (sets of manifests installed together).
    pub fn environments(&self) -> &[Environment] {
        &self.environments
    }

    /// The `-r`/`-c` lines of every requirements file.
    pub fn includes(&self) -> &[Include] {
        &self.kept.includes
    }

    /// The environments that install `manifest` (a requirements file can be in
    /// several: `base.txt` included by `dev.txt` and by `prod.txt`).
    pub fn environment_of<'a>(
        &'a self,
        manifest: &'a str,
    ) -> impl Iterator<Item = &'a Environment> {
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

    /// Documentation sites (MkDocs, Docusaurus, Sphinx, Hugo, Astro, VitePress).
    pub fn docs_sites(&self) -> &[DocsSite] {
        &self.docs_sites
    }

    /// The site that serves `path` as a page, if any (the deepest root wins).
    pub fn docs_site_for(&self, path: &str) -> Option<&DocsSite> {
        self.docs_sites
            .iter()
            .filter_map(|s| s.root_len(path).map(|n| (n, s)))
            .max_by_key(|(n, _)| *n)
            .map(|(_, s)| s)
    }

    // ------------------------------------------------------------ CI and roles

    /// The workflows GitHub runs: `.github/workflows/*.yml` at the root only (a
    /// vendored package's `.github/workflows` never runs in this repository).
    pub fn workflows_github_runs(&self) -> impl Iterator<Item = &str> {
        self.inventory.iter().filter_map(|e| {
            let name = e.path.strip_prefix(".github/workflows/")?;
            (e.kind == Some(FileKind::Workflow) && !name.contains('/')).then_some(e.path.as_str())
        })
    }

    /// Whether some build of `dockerfile` gives it a named context `name` (bake
    /// `contexts`, compose `additional_contexts`, `build-contexts`): its `FROM name`
    /// is that context, not an image pulled from a registry.
    pub fn is_named_context(&self, dockerfile: &str, name: &str) -> bool {
        self.kept
            .named_contexts
            .binary_search_by(|(d, n)| (d.as_str(), n.as_str()).cmp(&(dockerfile, name)))
            .is_ok()
    }

    /// Directories a `git subtree push --prefix=DIR` (or `split -P`, `splitsh-lite`)
    /// splits off into a repository of their own, sorted: their workflows run there.
    pub fn mirrored_dirs(&self) -> &[String] {
        &self.kept.mirrored
    }

    /// Whether `path` is a YAML file the engine found to be a template.
    pub fn is_template(&self, path: &str) -> bool {
        self.kept
            .templates
            .binary_search_by(|t| t.as_str().cmp(path))
            .is_ok()
    }

    /// What a file is for: its role by path, whether only development or only CI
    /// uses it (a Dockerfile only development files build is development-only too),
    /// whether it is a template or a docs page.
    pub fn role(&self, path: &str) -> Role {
        let by_path = roles::role_of(path);
        let dev_path = |p: &str| roles::role_of(p) == FileRole::Development;
        let mut dev_only = by_path == FileRole::Development;
        if !dev_only {
            let mut builders = self.builders(path).peekable();
            dev_only = builders.peek().is_some() && builders.all(|b| dev_path(&b.from));
        }
        Role {
            by_path,
            dev_only,
            ci_only: roles::is_ci_only(path),
            template: self.is_template(path),
            docs_page: self.docs_site_for(path).is_some(),
        }
    }
}
