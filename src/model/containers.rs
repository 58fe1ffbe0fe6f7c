//! Images and the services that run them: every Dockerfile as a recipe of
//! stages (base image, user, health check, ports, command, what it copies and
//! installs) and every compose service with the image or build behind it.

use std::collections::BTreeSet;

use crate::parse::dockerfile::{Dockerfile, Form};
use crate::parse::yaml::YamlNode;

use super::paths::{dir_of, join};
use super::ModelFile;

/// A setting with the line that makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// 1-based line.
    pub line: usize,
    /// The value as written (arguments of the instruction, trimmed).
    pub value: String,
}

/// One `FROM` stage of a Dockerfile.
#[derive(Debug, Clone)]
pub struct Stage {
    /// `AS name`, lower-cased.
    pub name: Option<String>,
    /// Line of the `FROM`.
    pub line: usize,
    /// The image reference as written (`python:3.12-slim`, `${BASE}`, `builder`).
    pub from: String,
    /// The earlier stage this one builds on (`FROM builder`).
    pub parent: Option<usize>,
    /// Last `USER` of the stage itself.
    pub user: Option<Setting>,
    /// Last `HEALTHCHECK` of the stage itself.
    pub healthcheck: Option<Setting>,
    /// `EXPOSE`s of the stage.
    pub expose: Vec<Setting>,
    /// Last `CMD`.
    pub cmd: Option<Setting>,
    /// Last `ENTRYPOINT`.
    pub entrypoint: Option<Setting>,
    /// Repository files a `RUN` of this stage installs (`pip install -r`), resolved
    /// through the stage's `COPY`s; see [`super::Repository::environment_of`].
    pub installs: Vec<(usize, String)>,
}

/// What a stage's image runs with once its ancestors are taken into account.
#[derive(Debug, Clone, Default)]
pub struct ImageConfig {
    /// Effective `USER` (the last one in the chain of stages).
    pub user: Option<Setting>,
    /// Effective `HEALTHCHECK`.
    pub healthcheck: Option<Setting>,
    /// Every `EXPOSE` in the chain.
    pub expose: Vec<Setting>,
    /// Effective `CMD`.
    pub cmd: Option<Setting>,
    /// Effective `ENTRYPOINT`.
    pub entrypoint: Option<Setting>,
    /// The external base image at the root of the chain, as written.
    pub base: String,
}

/// A Dockerfile as the recipe of an image.
#[derive(Debug, Clone)]
pub struct Image {
    /// Path of the Dockerfile.
    pub dockerfile: String,
    /// Its stages in order.
    pub stages: Vec<Stage>,
}

impl Image {
    /// The stage `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<usize> {
        self.stages.len().checked_sub(1)
    }

    /// The stage a `--target` (or compose `build.target`) names.
    pub fn stage_named(&self, target: &str) -> Option<usize> {
        let t = target.to_ascii_lowercase();
        self.stages.iter().position(|s| s.name.as_deref() == Some(t.as_str()))
    }

    /// The stage built for `target` (`None`: the final stage).
    pub fn built_stage(&self, target: Option<&str>) -> Option<usize> {
        match target {
            Some(t) => self.stage_named(t),
            None => self.final_stage(),
        }
    }

    /// The stages whose instructions make up `stage`'s image, root first.
    pub fn chain(&self, stage: usize) -> Vec<usize> {
        let mut out = vec![stage];
        let mut cur = stage;
        while let Some(parent) = self.stages.get(cur).and_then(|s| s.parent) {
            if out.contains(&parent) {
                break;
            }
            out.push(parent);
            cur = parent;
        }
        out.reverse();
        out
    }

    /// What the image of `stage` runs with: `USER`, `HEALTHCHECK`, `CMD` and
    /// `ENTRYPOINT` carry over from the stage it builds on.
    pub fn config(&self, stage: usize) -> ImageConfig {
        let mut c = ImageConfig::default();
        for i in self.chain(stage) {
            let Some(s) = self.stages.get(i) else { continue };
            if c.base.is_empty() {
                c.base = s.from.clone();
            }
            if s.user.is_some() {
                c.user = s.user.clone();
            }
            if s.healthcheck.is_some() {
                c.healthcheck = s.healthcheck.clone();
            }
            if s.cmd.is_some() {
                c.cmd = s.cmd.clone();
            }
            if s.entrypoint.is_some() {
                c.entrypoint = s.entrypoint.clone();
            }
            c.expose.extend(s.expose.iter().cloned());
        }
        c
    }

    /// Repository files the image of `stage` installs, with the line of the install.
    pub fn installs(&self, stage: usize) -> Vec<(usize, String)> {
        self.chain(stage)
            .into_iter()
            .filter_map(|i| self.stages.get(i))
            .flat_map(|s| s.installs.iter().cloned())
            .collect()
    }
}

/// Where a container path came from: `COPY src dest` in a stage, as
/// (container path, repository path, whether `dest` is a directory copy).
#[derive(Clone, Default)]
struct CopyMap {
    entries: Vec<(String, String, bool)>,
}

impl CopyMap {
    /// The repository file behind container path `p`.
    fn resolve(&self, p: &str) -> Option<String> {
        for (dest, src, dir) in self.entries.iter().rev() {
            if p == dest && !dir {
                return Some(src.clone());
            }
            if *dir {
                let prefix = dest.trim_end_matches('/');
                if let Some(rest) = p.strip_prefix(prefix).and_then(|r| r.strip_prefix('/')) {
                    return join(src, rest);
                }
            }
        }
        None
    }
}

/// Container path of `p` from working directory `workdir`.
fn container_path(workdir: &str, p: &str) -> String {
    let joined = if p.starts_with('/') {
        p.to_string()
    } else {
        format!("{}/{}", workdir.trim_end_matches('/'), p)
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The image recipe of a parsed Dockerfile. `is_file` says whether a path is a
/// file of the repository, `exists` whether it is a file or a directory.
pub fn image_of(
    m: &ModelFile,
    df: &Dockerfile,
    is_file: &dyn Fn(&str) -> bool,
    exists: &dyn Fn(&str) -> bool,
) -> Image {
    let line = |off: usize| m.line(off);
    let context = dir_of(m.path()).to_string();
    let mut stages: Vec<Stage> = Vec::new();
    // Each stage's WORKDIR and copies at its end, inherited by stages built on it.
    let mut ends: Vec<(String, CopyMap)> = Vec::new();
    for (i, s) in df.stages.iter().enumerate() {
        let lower = s.image.to_ascii_lowercase();
        let parent = df
            .stages
            .iter()
            .take(i)
            .rposition(|o| o.name.as_deref() == Some(lower.as_str()))
            .or_else(|| lower.parse::<usize>().ok().filter(|&p| p < i));
        let mut stage = Stage {
            name: s.name.clone(),
            line: df
                .instructions
                .get(s.from)
                .map_or(1, |ins| line(ins.span.start)),
            from: s.image.clone(),
            parent,
            user: None,
            healthcheck: None,
            expose: Vec::new(),
            cmd: None,
            entrypoint: None,
            installs: Vec::new(),
        };
        let (mut workdir, mut copies) = parent
            .and_then(|p| ends.get(p).cloned())
            .unwrap_or_else(|| ("/".to_string(), CopyMap::default()));
        let runs = crate::embed::dockerfile_runs(df);
        let first = df.stages.get(i).map_or(0, |st| st.instructions.start);
        for (k, ins) in df.stage_instructions(i).iter().enumerate() {
            let index = first + k;
            let setting = || Setting {
                line: line(ins.span.start),
                value: ins.args_text().trim().to_string(),
            };
            match ins.keyword.as_str() {
                "USER" => stage.user = Some(setting()),
                "HEALTHCHECK" => stage.healthcheck = Some(setting()),
                "EXPOSE" => stage.expose.push(setting()),
                "CMD" => stage.cmd = Some(setting()),
                "ENTRYPOINT" => stage.entrypoint = Some(setting()),
                "WORKDIR" => workdir = container_path(&workdir, ins.args_text().trim()),
                "COPY" | "ADD" if ins.flag("from").is_none() => {
                    let words: Vec<String> = match &ins.form {
                        Form::Exec(v) => v.clone(),
                        Form::Shell => ins
                            .args_text()
                            .split_whitespace()
                            .map(str::to_string)
                            .collect(),
                    };
                    if let Some((dest, srcs)) = words.split_last() {
                        let dest_dir = dest.ends_with('/')
                            || matches!(dest.as_str(), "." | "./" | "..")
                            || srcs.len() > 1;
                        let dest = container_path(&workdir, dest);
                        for src in srcs {
                            if src.starts_with("<<") || src.contains("://") {
                                continue;
                            }
                            // The build context is usually the Dockerfile's directory
                            // or the repository root: take whichever has the file.
                            let repo = [join(&context, src), join("", src)]
                                .into_iter()
                                .flatten()
                                .find(|p| p.is_empty() || exists(p));
                            let Some(repo) = repo else { continue };
                            let is_dir = !is_file(&repo);
                            if dest_dir && !is_dir {
                                let name = super::paths::file_name(&repo).to_string();
                                copies.entries.push((
                                    format!("{}/{name}", dest.trim_end_matches('/')),
                                    repo,
                                    false,
                                ));
                            } else {
                                copies.entries.push((dest.clone(), repo, is_dir));
                            }
                        }
                    }
                }
                "RUN" => {
                    // What the RUN installs, through what the stage copied.
                    let Some(run) = runs.iter().find(|r| r.index == index) else {
                        continue;
                    };
                    for script in &run.scripts {
                        for (_, argv) in super::commands::argvs(script) {
                            let Some(args) = super::commands::pip_args(&argv) else {
                                continue;
                            };
                            for arg in args {
                                let super::commands::PipArg::File(f) = arg else {
                                    continue;
                                };
                                let cpath = container_path(&workdir, f);
                                if let Some(repo) = copies.resolve(&cpath).filter(|p| is_file(p)) {
                                    stage.installs.push((line(ins.span.start), repo));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        stages.push(stage);
        ends.push((workdir, copies));
    }
    Image {
        dockerfile: m.path().to_string(),
        stages,
    }
}

/// How a compose service builds its image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRef {
    /// The build context directory.
    pub context: String,
    /// The Dockerfile.
    pub dockerfile: String,
    /// `target:` stage.
    pub target: Option<String>,
    /// Line of `build:`.
    pub line: usize,
}

/// A compose service's health check.
#[derive(Debug, Clone)]
pub struct ServiceHealthcheck {
    /// Line of `healthcheck:`.
    pub line: usize,
    /// `test:` words (`["CMD", "curl", …]` or one shell string).
    pub test: Vec<String>,
    /// `disable: true`.
    pub disabled: bool,
}

/// One service of a compose file.
#[derive(Debug, Clone)]
pub struct Service {
    /// The compose file.
    pub file: String,
    /// Service name.
    pub name: String,
    /// Line of the service key.
    pub line: usize,
    /// `image:`.
    pub image: Option<String>,
    /// `build:`.
    pub build: Option<BuildRef>,
    /// `healthcheck:`.
    pub healthcheck: Option<ServiceHealthcheck>,
    /// `user:`.
    pub user: Option<Setting>,
    /// `ports:` entries (published ports).
    pub ports: Vec<Setting>,
    /// `profiles:`.
    pub profiles: Vec<String>,
    /// Line of `deploy.resources.limits` / `mem_limit` / `cpus`.
    pub limits: Option<usize>,
    /// `command:` words.
    pub command: Vec<String>,
    /// `extends:`, or neither `image` nor `build` (an override of another file's service).
    pub partial: bool,
}

/// The services of a parsed compose file.
pub fn services_of(m: &ModelFile, root: &YamlNode) -> Vec<Service> {
    let dir = dir_of(m.path());
    let mut out = Vec::new();
    let Some(svcs) = root.get("services").and_then(|s| s.as_map()) else {
        return out;
    };
    for s in svcs {
        let v = &s.value;
        if v.as_map().is_none() {
            continue;
        }
        let build = v.pair("build").and_then(|b| {
            let (ctx, file, target) = match b.value.as_str() {
                Some(ctx) => (ctx.to_string(), None, None),
                None => (
                    b.value
                        .get("context")
                        .and_then(|c| c.as_str())
                        .unwrap_or(".")
                        .to_string(),
                    b.value
                        .get("dockerfile")
                        .and_then(|d| d.as_str())
                        .map(str::to_string),
                    b.value
                        .get("target")
                        .and_then(|t| t.as_str())
                        .map(str::to_string),
                ),
            };
            let context = join(dir, &ctx)?;
            let dockerfile = join(&context, file.as_deref().unwrap_or("Dockerfile"))?;
            Some(BuildRef {
                context,
                dockerfile,
                target,
                line: m.line(b.key_span.start),
            })
        });
        let healthcheck = v.pair("healthcheck").map(|h| ServiceHealthcheck {
            line: m.line(h.value.span.start),
            test: h
                .value
                .get("test")
                .map(|t| t.strings().iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            disabled: h.value.get("disable").and_then(|d| d.as_bool()) == Some(true),
        });
        let setting = |n: &YamlNode| {
            n.as_str().map(|s| Setting {
                line: m.line(n.span.start),
                value: s.to_string(),
            })
        };
        out.push(Service {
            file: m.path().to_string(),
            name: s.key.clone(),
            line: m.line(s.key_span.start),
            image: v.get("image").and_then(|i| i.as_str()).map(str::to_string),
            build,
            healthcheck,
            user: v.get("user").and_then(setting),
            ports: v
                .get("ports")
                .and_then(|p| p.as_seq())
                .unwrap_or(&[])
                .iter()
                .filter_map(|p| {
                    Some(Setting {
                        line: m.line(p.span.start),
                        value: p.as_str().map(str::to_string).or_else(|| {
                            p.get("published")
                                .and_then(|x| x.as_str())
                                .map(str::to_string)
                        })?,
                    })
                })
                .collect(),
            profiles: v
                .get("profiles")
                .map(|p| p.strings().iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            limits: v
                .at(&["deploy", "resources", "limits"])
                .or_else(|| v.get("mem_limit"))
                .or_else(|| v.get("cpus"))
                .map(|n| m.line(n.span.start)),
            command: v
                .get("command")
                .map(|c| c.strings().iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            partial: v.get("extends").is_some()
                || (v.get("image").is_none() && v.get("build").is_none()),
        });
    }
    out
}

/// Names of the images compose services, workflows or skaffold build, normalised
/// without tag (used to tell a locally built image from a pulled one).
pub fn image_names<'a>(refs: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    refs.into_iter()
        .map(|r| {
            let no_digest = r.split('@').next().unwrap_or(r);
            let slash = no_digest.rfind('/').map_or(0, |i| i + 1);
            match no_digest[slash..].rfind(':') {
                Some(i) => no_digest[..slash + i].to_ascii_lowercase(),
                None => no_digest.to_ascii_lowercase(),
            }
        })
        .collect()
}
