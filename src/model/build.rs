//! Deriving the cross-file facts from the parsed files, once, in path order.

use std::collections::BTreeSet;

use crate::classify::FileKind;

use super::commands::{self, split_line, targets_of_sequence};
use super::deps::{self, EnvKind, Includes};
use super::paths::{dir_of, file_name, join};
use super::{ci, containers, docs, kube, Evidence, ModelFile, Parsed, RefKind, Reference, Repository};

pub(super) fn derive(repo: &mut Repository) {
    let inventory: BTreeSet<&str> = repo.inventory.iter().map(|e| e.path.as_str()).collect();
    // A file of the repository.
    let exists = |p: &str| inventory.contains(p);
    // A file or a directory holding files.
    let exists_any = |p: &str| {
        p.is_empty()
            || inventory.contains(p)
            || inventory
                .range(format!("{p}/").as_str()..)
                .next()
                .is_some_and(|x| x.starts_with(p) && x.as_bytes().get(p.len()) == Some(&b'/'))
    };
    let mut images = Vec::new();
    let mut services = Vec::new();
    let mut workloads = Vec::new();
    let mut kube = kube::KubeFacts::default();
    let mut workflows = Vec::new();
    let mut refs: Vec<Reference> = Vec::new();
    let mut includes: Includes = Vec::new();
    let mut requirement_files = Vec::new();
    let mut installs: Vec<(EnvKind, Vec<(Evidence, String)>)> = Vec::new();

    for m in &repo.files {
        let path = m.path();
        match (&m.parsed, m.content_kind) {
            (Parsed::Dockerfile(df), _) => {
                images.push(containers::image_of(m, df, &exists, &exists_any))
            }
            (Parsed::Yaml(_), FileKind::Compose) => {
                for root in m.clean_yaml().into_iter().flat_map(|y| &y.documents) {
                    let Some(root) = &root.root else { continue };
                    for s in containers::services_of(m, root) {
                        if let Some(b) = &s.build {
                            refs.push(reference(path, b.line, &b.dockerfile, RefKind::Builds, &exists));
                        }
                        services.push(s);
                    }
                }
            }
            (Parsed::Yaml(_), FileKind::Workflow | FileKind::Action) => {
                let action = m.content_kind == FileKind::Action;
                for root in m.clean_yaml().into_iter().flat_map(|y| &y.documents) {
                    let Some(root) = &root.root else { continue };
                    let wf = ci::workflow_of(m, root, action, &exists);
                    for job in &wf.jobs {
                        let mut sites = Vec::new();
                        for step in job.steps.iter().filter(|s| !s.disabled) {
                            for (kind, to) in &step.targets {
                                refs.push(reference(path, step.line, to, *kind, &exists));
                                if *kind == RefKind::Installs && exists(to) {
                                    sites.push((Evidence::new(path, step.line, "installed by this step"), to.clone()));
                                }
                            }
                        }
                        if !sites.is_empty() && !job.disabled {
                            installs.push((
                                EnvKind::CiJob {
                                    workflow: path.to_string(),
                                    job: job.id.clone(),
                                },
                                sites,
                            ));
                        }
                    }
                    workflows.push(wf);
                }
            }
            (Parsed::Yaml(_), _) => {
                for doc in m.k8s_documents() {
                    kube::workloads_of(m, doc, &mut workloads);
                    kube::observe(m, doc, &mut kube);
                    skaffold_builds(m, doc, &exists, &mut refs);
                }
            }
            (Parsed::Shell(Some(script)), _) => {
                let argvs: Vec<Vec<Option<String>>> = commands::argvs(script)
                    .into_iter()
                    .map(|(_, a)| a)
                    .collect();
                let lines: Vec<usize> = commands::argvs(script)
                    .into_iter()
                    .map(|(off, _)| m.line(off))
                    .collect();
                let mut sites = Vec::new();
                for (i, argv) in argvs.iter().enumerate() {
                    let line = lines.get(i).copied().unwrap_or(1);
                    for (kind, to) in script_targets(argv, path, &exists) {
                        if kind == RefKind::Installs && exists(&to) {
                            sites.push((Evidence::new(path, line, "installed by this script"), to.clone()));
                        }
                        refs.push(reference(path, line, &to, kind, &exists));
                    }
                }
                if !sites.is_empty() {
                    installs.push((EnvKind::Script { script: path.to_string() }, sites));
                }
            }
            (Parsed::Requirements(rf), _) => {
                requirement_files.push(path.to_string());
                for line in &rf.lines {
                    let (written, span) = match line {
                        crate::parse::requirements::Line::Include { path, span }
                        | crate::parse::requirements::Line::Constraint { path, span } => (path, span),
                        _ => continue,
                    };
                    if let Some(to) = deps::resolve_include(path, written) {
                        let line = m.line(span.start);
                        refs.push(reference(path, line, &to, RefKind::Includes, &exists));
                        if exists(&to) {
                            includes.push((path.to_string(), line, to));
                        }
                    }
                }
            }
            (Parsed::Text, _) => text_references(m, &exists, &mut refs),
            _ => {}
        }
    }

    for img in &images {
        if let Some(last) = img.final_stage() {
            let sites: Vec<(Evidence, String)> = img
                .installs(last)
                .into_iter()
                .map(|(line, to)| (Evidence::new(img.dockerfile.clone(), line, "installed in the image"), to))
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
    }
    let docs_sites = docs::sites(
        repo.inventory.iter().map(|e| e.path.as_str()),
        &|p| {
            repo.files
                .binary_search_by(|f| f.file.path.as_str().cmp(p))
                .ok()
                .and_then(|i| repo.files.get(i))
        },
        &exists,
    );
    let environments = deps::environments(installs, &includes, &requirement_files);
    refs.sort();
    refs.dedup();
    repo.images = images;
    repo.services = services;
    repo.workloads = workloads;
    repo.kube = kube;
    repo.workflows = workflows;
    repo.references = refs;
    repo.environments = environments;
    repo.docs_sites = docs_sites;
}

fn reference(from: &str, line: usize, to: &str, kind: RefKind, exists: &dyn Fn(&str) -> bool) -> Reference {
    Reference {
        from: from.to_string(),
        line,
        to: to.to_string(),
        kind,
        exists: exists(to),
    }
}

/// Targets of a command in a script: paths are taken from the repository root
/// (where CI and people run scripts from) and, failing that, from the script's directory.
fn script_targets(
    argv: &[Option<String>],
    script: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<(RefKind, String)> {
    let from_root = commands::targets(argv, "", exists);
    let dir = dir_of(script);
    if dir.is_empty() {
        return from_root;
    }
    from_root
        .into_iter()
        .map(|(kind, to)| {
            if exists(&to) {
                return (kind, to);
            }
            let rel = to.as_str();
            match join(dir, rel).filter(|p| exists(p)) {
                Some(p) => (kind, p),
                None => (kind, to),
            }
        })
        .collect()
}

/// Makefile recipes and command lines in docs code blocks.
fn text_references(m: &ModelFile, exists: &dyn Fn(&str) -> bool, refs: &mut Vec<Reference>) {
    let path = m.path();
    let lower = file_name(path).to_ascii_lowercase();
    let makefile = matches!(lower.as_str(), "makefile" | "gnumakefile" | "justfile")
        || lower.ends_with(".mk");
    let markdown = m.kind == FileKind::Markdown || lower.ends_with(".rst");
    if !makefile && !markdown {
        return;
    }
    let cwd = dir_of(path);
    let mut fence = false;
    for (n, line) in m.file.numbered() {
        let t = line.trim_start();
        let command = if makefile {
            // Recipe lines start with a tab; `@`/`-` prefixes are make's.
            line.starts_with('\t')
                .then(|| t.trim_start_matches(['@', '-', '+']))
        } else {
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = !fence;
                continue;
            }
            if fence {
                Some(t.strip_prefix("$ ").unwrap_or(t))
            } else {
                t.strip_prefix("$ ")
            }
        };
        let Some(command) = command else { continue };
        if !(command.contains("docker")
            || command.contains("podman")
            || command.contains("buildah")
            || command.contains("pip")
            || command.contains(".sh")
            || command.contains("python"))
        {
            continue;
        }
        let argvs = split_line(command);
        for (kind, to) in targets_of_sequence(argvs.iter().map(Vec::as_slice), if markdown { "" } else { cwd }, exists) {
            refs.push(reference(path, n, &to, kind, exists));
        }
    }
}

/// Dockerfiles a skaffold config builds (`artifacts[].docker.dockerfile`, relative to `context`).
fn skaffold_builds(
    m: &ModelFile,
    doc: &crate::parse::yaml::YamlNode,
    exists: &dyn Fn(&str) -> bool,
    refs: &mut Vec<Reference>,
) {
    let api = doc.get("apiVersion").and_then(|k| k.as_str()).unwrap_or("");
    if !api.starts_with("skaffold/") {
        return;
    }
    let mut builds: Vec<&crate::parse::yaml::YamlNode> = doc.get("build").into_iter().collect();
    for p in doc.get("profiles").and_then(|p| p.as_seq()).unwrap_or(&[]) {
        builds.extend(p.get("build"));
    }
    let dir = dir_of(m.path());
    for b in builds {
        for a in b.get("artifacts").and_then(|a| a.as_seq()).unwrap_or(&[]) {
            let ctx = a.get("context").and_then(|c| c.as_str()).unwrap_or(".");
            let file = a
                .at(&["docker", "dockerfile"])
                .and_then(|f| f.as_str())
                .unwrap_or("Dockerfile");
            if a.get("docker").is_none() && (a.get("jib").is_some() || a.get("ko").is_some() || a.get("buildpacks").is_some()) {
                continue;
            }
            if let Some(to) = join(dir, ctx).and_then(|c| join(&c, file)) {
                refs.push(reference(m.path(), m.line(a.span.start), &to, RefKind::Builds, exists));
            }
        }
    }
}
