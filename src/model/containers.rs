//! Images and the services that run them: every Dockerfile as a recipe of
//! stages (base image, user, health check, ports, command, what it installs)
//! and every compose service with the Dockerfile it builds.
//!
//! Read during the walk from the parses the rules already had ([`recipe_of`],
//! [`services_of`]); what needs the whole inventory (which repository file a
//! `COPY` brought in) is resolved once by [`Recipe::resolve`].

use crate::parse::dockerfile::{Dockerfile, Form};
use crate::parse::yaml::YamlNode;
use crate::source::SourceFile;

use super::paths::{dir_of, file_name, join};

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
    /// `from` with the Dockerfile's global `ARG` defaults substituted
    /// (`ARG sourceimage=acme/app` … `FROM ${sourceimage}:${tag}` → `acme/app:…`);
    /// `None` when an `ARG` there has no default.
    pub from_resolved: Option<String>,
    /// The earlier stage this one builds on (`FROM builder`).
    pub parent: Option<usize>,
    /// Last `USER` of the stage itself.
    pub user: Option<Setting>,
    /// Last `HEALTHCHECK` of the stage itself (`HEALTHCHECK NONE` included: it
    /// switches an inherited check off; see [`ImageConfig::has_healthcheck`]).
    pub healthcheck: Option<Setting>,
    /// `EXPOSE`s of the stage.
    pub expose: Vec<Setting>,
    /// Last `CMD`.
    pub cmd: Option<Setting>,
    /// Last `ENTRYPOINT`.
    pub entrypoint: Option<Setting>,
    /// Repository files a `RUN` of this stage installs (`pip install -r`), as
    /// (line, path), resolved through the stage's `COPY`s.
    pub installs: Vec<(usize, String)>,
    /// Scripts and modules its `CMD`/`ENTRYPOINT` starts, resolved through the
    /// `COPY`s (only those a `COPY` from the build context covers).
    pub launches: Vec<Launch>,
    /// Repository scripts a `RUN` of this stage runs (`/scripts/cleanup.sh`,
    /// `bash ./install.sh`), as (first line, last line of the `RUN`, repository path),
    /// resolved through the `COPY`s made before it: what the `RUN` does is partly
    /// written there (the apt lists a cleanup script removes).
    pub run_scripts: Vec<(usize, usize, String)>,
    /// Where the files of the image at the end of this stage came from in the
    /// build context (the stages under it included): the repository file behind a
    /// container path, for the scripts an entrypoint runs by name.
    pub copies: CopyMap,
}

/// A script or module a `CMD`/`ENTRYPOINT` starts, where a `COPY` from the build
/// context says it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    /// Line of the `CMD`/`ENTRYPOINT`.
    pub line: usize,
    /// The script or module as written (`scripts/run.py`, `app.worker`).
    pub written: String,
    /// Whether it is a module (`python -m`).
    pub module: bool,
    /// The repository path it would be (`app/worker.py` for a module).
    pub repo: String,
    /// Whether the repository has it (for a module, `x.py` or `x/__init__.py`/`__main__.py`).
    pub found: bool,
    /// Whether a `RUN` or a `COPY --from` of the image may create it (a build step
    /// writes it, another stage copies it): then its absence proves nothing.
    pub maybe_built: bool,
}

/// What a stage's image runs with once the stages under it are taken into account.
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

impl ImageConfig {
    /// Whether the image checks its own health: a `HEALTHCHECK` that is not `NONE`.
    pub fn has_healthcheck(&self) -> bool {
        self.healthcheck
            .as_ref()
            .is_some_and(|h| !h.value.eq_ignore_ascii_case("none"))
    }
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
        self.stages
            .iter()
            .position(|s| s.name.as_deref() == Some(t.as_str()))
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
            let Some(s) = self.stages.get(i) else {
                continue;
            };
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

    /// The repository file behind the program a command of the image of `stage`
    /// names: an absolute container path, or a bare name looked up in the default
    /// `PATH` (`ENTRYPOINT ["docker-entrypoint.sh"]` after `COPY docker-entrypoint.sh
    /// /usr/local/bin/`). `None` when no `COPY` from the build context put it there.
    pub fn command_file(&self, stage: usize, word: &str) -> Option<String> {
        let copies = &self.stages.get(stage)?.copies;
        let word = word.trim_matches(['\'', '"']);
        if word.starts_with('/') {
            return copies.resolve(&container_path("/", word));
        }
        if word.contains('/') || word.is_empty() || word.contains('$') {
            return None;
        }
        DEFAULT_PATH
            .iter()
            .find_map(|d| copies.resolve(&format!("{d}/{word}")))
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

/// The directories of the default `PATH` of Debian, Ubuntu and Alpine images.
const DEFAULT_PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// A `COPY`/`ADD` from the build context or a `pip install -r` of a container
/// path, in instruction order: what [`Recipe::resolve`] replays with the inventory.
#[derive(Debug, Clone)]
enum Op {
    /// Copies context paths (as written) to a container path.
    Copy {
        sources: Vec<String>,
        dest: String,
        dest_dir: bool,
    },
    /// Installs the container file at this path (line of the `RUN`).
    Install { line: usize, path: String },
    /// Starts this container path (`CMD`/`ENTRYPOINT`). `maybe_built`: a `RUN` or
    /// `COPY --from` of the stage or a stage under it names the file's stem (either may
    /// create it), decided while the Dockerfile is read so that their text is not kept.
    Launch {
        line: usize,
        path: String,
        written: String,
        module: bool,
        maybe_built: bool,
    },
    /// A `RUN` (first and last line) runs the script at this container path; a bare
    /// name is also looked up in the default `PATH`.
    RunsScript {
        lines: (usize, usize),
        path: String,
        bare: Option<String>,
    },
}

/// A Dockerfile as read during the walk: stages and settings final, installs
/// still as container paths until the inventory is known.
#[derive(Debug, Clone)]
pub struct Recipe {
    image: Image,
    /// Per stage: its operations in order.
    ops: Vec<Vec<Op>>,
}

impl Recipe {
    /// The image, with each stage's installs resolved to repository files through
    /// what the stage (and the stages under it) copied. The build context is
    /// taken to be the Dockerfile's directory or the repository root, whichever
    /// has the file. `exists` says whether a path is a file or directory of the
    /// repository, `is_file` whether it is a file.
    pub fn resolve(self, exists: &dyn Fn(&str) -> bool, is_file: &dyn Fn(&str) -> bool) -> Image {
        let Recipe { mut image, ops } = self;
        let context = dir_of(&image.dockerfile).to_string();
        let mut ends: Vec<CopyMap> = Vec::new();
        for (i, stage_ops) in ops.iter().enumerate() {
            let parent = image.stages.get(i).and_then(|s| s.parent);
            let mut copies = parent
                .and_then(|p| ends.get(p).cloned())
                .unwrap_or_default();
            let mut installs = Vec::new();
            let mut launches = Vec::new();
            let mut run_scripts = Vec::new();
            for op in stage_ops {
                match op {
                    Op::Copy {
                        sources,
                        dest,
                        dest_dir,
                    } => {
                        for src in sources {
                            // A source is relative to the context even when written
                            // with a leading `/` (`COPY /scripts/dist/ /scripts/`).
                            let src = match src.trim_start_matches('/') {
                                "" => ".",
                                s => s,
                            };
                            let repo = [join(&context, src), join("", src)]
                                .into_iter()
                                .flatten()
                                .find(|p| p.is_empty() || exists(p));
                            let Some(repo) = repo else { continue };
                            let is_dir = !is_file(&repo);
                            if *dest_dir && !is_dir {
                                let name = file_name(&repo).to_string();
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
                    Op::Install { line, path } => {
                        if let Some(repo) = copies.resolve(path).filter(|p| is_file(p)) {
                            installs.push((*line, repo));
                        }
                    }
                    Op::Launch {
                        line,
                        path,
                        written,
                        module,
                        maybe_built,
                    } => {
                        let Some(repo) = copies.resolve(path) else {
                            continue;
                        };
                        let found = if *module {
                            is_file(&repo) || exists(repo.strip_suffix(".py").unwrap_or(&repo))
                        } else {
                            exists(&repo)
                        };
                        launches.push(Launch {
                            line: *line,
                            written: written.clone(),
                            module: *module,
                            repo,
                            found,
                            maybe_built: *maybe_built,
                        });
                    }
                    Op::RunsScript { lines, path, bare } => {
                        let found = copies.resolve(path).filter(|p| is_file(p)).or_else(|| {
                            let name = bare.as_deref()?;
                            DEFAULT_PATH.iter().find_map(|d| {
                                copies
                                    .resolve(&format!("{d}/{name}"))
                                    .filter(|p| is_file(p))
                            })
                        });
                        if let Some(repo) = found {
                            run_scripts.push((lines.0, lines.1, repo));
                        }
                    }
                }
            }
            if let Some(s) = image.stages.get_mut(i) {
                s.installs = installs;
                s.launches = launches;
                s.run_scripts = run_scripts;
                s.copies = copies.clone();
            }
            ends.push(copies);
        }
        image
    }

    /// The Dockerfile's path.
    pub fn path(&self) -> &str {
        &self.image.dockerfile
    }
}

/// Where a container path came from: (container path, repository path, whether
/// it is a directory copy).
#[derive(Debug, Clone, Default)]
pub struct CopyMap {
    entries: Vec<(String, String, bool)>,
}

impl CopyMap {
    /// The repository file behind container path `p`.
    pub fn resolve(&self, p: &str) -> Option<String> {
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

/// The script or module a command line starts, when it names one a repository
/// could hold: `python x.py`, `python -m pkg.mod`, `./start.sh`, `bash run.sh`,
/// `node server.js`, `sh -c "python x.py"` is not read (a shell string). System
/// paths (`/usr/…`, `/bin/…`) and variables are left alone.
pub fn launch_target(words: &[String]) -> Option<(String, bool)> {
    let prog = words.first()?;
    let base = file_name(prog);
    let interp = base.starts_with("python")
        || matches!(
            base,
            "node" | "bash" | "sh" | "ruby" | "perl" | "uv" | "exec"
        );
    if interp {
        let mut it = words.iter().skip(1);
        while let Some(w) = it.next() {
            if w == "-m" {
                let m = it.next()?;
                let ok = !m.is_empty()
                    && m.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                return ok.then(|| (m.clone(), true));
            }
            // A shell string (`sh -c`, `bash -lc`) or `uv run` is not read.
            let shell_string = matches!(base, "bash" | "sh")
                && w.starts_with('-')
                && !w.starts_with("--")
                && w.contains('c');
            if w == "-c" || shell_string || (w == "run" && base == "uv") {
                return None;
            }
            if w.starts_with('-') {
                continue;
            }
            return script_word(w).map(|s| (s, false));
        }
        return None;
    }
    script_word(prog).map(|s| (s, false))
}

/// A word that is a script path inside the image (not a system path, not a variable).
fn script_word(w: &str) -> Option<String> {
    if w.contains('$') || w.contains('*') || w.contains('{') {
        return None;
    }
    let system = [
        "/usr/",
        "/bin/",
        "/sbin/",
        "/opt/conda/",
        "/etc/",
        "/lib/",
        "/docker-entrypoint",
    ];
    if system.iter().any(|p| w.starts_with(p)) {
        return None;
    }
    let name = file_name(w);
    let script = [".py", ".sh", ".js", ".mjs", ".rb", ".pl"]
        .iter()
        .any(|e| name.ends_with(e) && name.len() > e.len());
    (script && (w.contains('/') || !w.starts_with('-'))).then(|| w.to_string())
}

/// The recipe of a parsed Dockerfile (its `RUN`s as the Docker and shell rules
/// parsed them, cached on `df`).
pub fn recipe_of(file: &SourceFile, df: &Dockerfile) -> Recipe {
    let line = |off: usize| file.lines.line_of(off) + 1;
    let runs = crate::embed::dockerfile_runs(df);
    // Sized once: a scan of a large tree holds every Dockerfile's recipe until the walk
    // ends, and a vector grown by pushes holds room for four stages.
    let mut stages: Vec<Stage> = Vec::with_capacity(df.stages.len());
    let args = crate::parse::dockerfile::global_args(df);
    let mut ops: Vec<Vec<Op>> = Vec::with_capacity(df.stages.len());
    // Per stage: the text of its `RUN`s and `COPY --from`s (either may create a file a
    // `CMD` starts), read below and then dropped.
    let mut built: Vec<Vec<&str>> = Vec::with_capacity(df.stages.len());
    let mut workdirs: Vec<String> = Vec::new();
    for (i, s) in df.stages.iter().enumerate() {
        let lower = s.image.to_ascii_lowercase();
        let parent = df
            .stages
            .iter()
            .take(i)
            .rposition(|o| o.name.as_deref().map(str::to_ascii_lowercase) == Some(lower.clone()))
            .or_else(|| lower.parse::<usize>().ok().filter(|&p| p < i));
        let mut stage = Stage {
            name: s.name.as_deref().map(str::to_ascii_lowercase),
            line: df
                .instructions
                .get(s.from)
                .map_or(1, |ins| line(ins.span.start)),
            from: s.image.clone(),
            from_resolved: crate::parse::dockerfile::resolve(&s.image, &args),
            parent,
            user: None,
            healthcheck: None,
            expose: Vec::new(),
            cmd: None,
            entrypoint: None,
            installs: Vec::new(),
            launches: Vec::new(),
            run_scripts: Vec::new(),
            copies: CopyMap::default(),
        };
        let mut stage_ops = Vec::new();
        let mut stage_built = Vec::new();
        let mut workdir = parent
            .and_then(|p| workdirs.get(p).cloned())
            .unwrap_or_else(|| "/".to_string());
        let first = s.instructions.start;
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
                "CMD" | "ENTRYPOINT" => {
                    if ins.keyword == "CMD" {
                        stage.cmd = Some(setting());
                    } else {
                        stage.entrypoint = Some(setting());
                    }
                    let words: Vec<String> = match &ins.form {
                        Form::Exec(v) => v.clone(),
                        Form::Shell => ins
                            .args_text()
                            .split_whitespace()
                            .map(str::to_string)
                            .collect(),
                    };
                    if let Some((written, module)) = launch_target(&words) {
                        let path = if module {
                            container_path(&workdir, &format!("{}.py", written.replace('.', "/")))
                        } else {
                            container_path(&workdir, &written)
                        };
                        stage_ops.push(Op::Launch {
                            line: line(ins.span.start),
                            path,
                            written,
                            module,
                            maybe_built: false,
                        });
                    }
                }
                "WORKDIR" => workdir = container_path(&workdir, ins.args_text().trim()),
                "COPY" | "ADD" if ins.flag("from").is_some() => {
                    stage_built.push(ins.args_text());
                }
                "COPY" | "ADD" => {
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
                        stage_ops.push(Op::Copy {
                            sources: srcs
                                .iter()
                                .filter(|s| !s.starts_with("<<") && !s.contains("://"))
                                .cloned()
                                .collect(),
                            dest: container_path(&workdir, dest),
                            dest_dir,
                        });
                    }
                }
                "RUN" => {
                    stage_built.push(ins.args_text());
                    let Some(run) = runs.iter().find(|r| r.index == index) else {
                        continue;
                    };
                    let lines = (line(ins.span.start), line(ins.span.end.saturating_sub(1)));
                    for script in &run.scripts {
                        for c in script.commands() {
                            // The name as written (`c.name` drops the directory).
                            let Some(name) = c.name_node.and_then(|n| {
                                script.word(n.named_child(0).unwrap_or(n)).static_value()
                            }) else {
                                continue;
                            };
                            let words: Vec<String> = std::iter::once(name)
                                .chain(
                                    c.arg_values(script)
                                        .into_iter()
                                        .map(|w| w.unwrap_or_else(|| "$".to_string())),
                                )
                                .collect();
                            let Some((written, false)) = launch_target(&words) else {
                                continue;
                            };
                            let bare = (!written.contains('/')).then(|| written.clone());
                            stage_ops.push(Op::RunsScript {
                                lines,
                                path: container_path(&workdir, &written),
                                bare,
                            });
                        }
                    }
                    for script in &run.scripts {
                        for (_, argv) in super::commands::argvs(script) {
                            let Some(args) = super::commands::pip_args(&argv) else {
                                continue;
                            };
                            for arg in args {
                                if let super::commands::PipArg::File(f) = arg {
                                    stage_ops.push(Op::Install {
                                        line: line(ins.span.start),
                                        path: container_path(&workdir, f),
                                    });
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        stages.push(stage);
        stage_ops.shrink_to_fit();
        ops.push(stage_ops);
        built.push(stage_built);
        workdirs.push(workdir);
    }
    let image = Image {
        dockerfile: file.path.to_string(),
        stages,
    };
    // What the `RUN`s and `COPY --from`s of a stage and the stages under it may write.
    for (i, stage_ops) in ops.iter_mut().enumerate() {
        let chain = image.chain(i);
        for op in stage_ops.iter_mut() {
            if let Op::Launch {
                path, maybe_built, ..
            } = op
            {
                let name = file_name(path);
                let stem = name.strip_suffix(".py").unwrap_or(name);
                *maybe_built = chain
                    .iter()
                    .filter_map(|&k| built.get(k))
                    .flatten()
                    .any(|t| t.contains(stem));
            }
        }
    }
    Recipe { image, ops }
}

/// How a compose service builds its image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRef {
    /// The build context directory (repository-relative).
    pub context: String,
    /// The Dockerfile (repository-relative).
    pub dockerfile: String,
    /// `target:` stage.
    pub target: Option<String>,
    /// Line of `build:`.
    pub line: usize,
    /// The names of `additional_contexts:` (a map or `name=value` list).
    pub named_contexts: Vec<String>,
}

/// One service of a compose file.
#[derive(Debug, Clone)]
pub struct Service {
    /// The compose file.
    pub file: String,
    /// Service name.
    pub name: String,
    /// Line of the service key (where compose rules report).
    pub line: usize,
    /// `image:`.
    pub image: Option<String>,
    /// `build:`, when its context is a literal path inside the repository.
    pub build: Option<BuildRef>,
    /// Line of `healthcheck:`.
    pub healthcheck: Option<usize>,
    /// `command:` as words (a list, or a string split on spaces), with its line.
    pub command: Option<(usize, Vec<String>)>,
    /// Keeps itself running: `restart:` other than `no`, or `deploy:` (Swarm restarts by
    /// default). A merge key (`<<: *defaults`) may bring either in, so it counts too.
    /// A deployed service restarts; one started for a session does not.
    pub restarts: bool,
}

/// A compose value as it reads when its variables are unset: `${TARGET:-dev}` is
/// `dev`. A value that stays variable (`${TARGET}`) is kept as written, so it
/// names no stage and the service's image stays unknown.
pub fn interpolated_default(value: &str) -> String {
    value
        .strip_prefix("${")
        .and_then(|v| v.strip_suffix('}'))
        .and_then(|v| v.split_once(":-").or_else(|| v.split_once('-')))
        .filter(|(name, default)| {
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !default.contains('$')
        })
        .map_or_else(|| value.to_string(), |(_, default)| default.to_string())
}

/// The services of a parsed compose document.
pub fn services_of(file: &SourceFile, root: &YamlNode) -> Vec<Service> {
    let line = |off: usize| file.lines.line_of(off) + 1;
    let dir = dir_of(&file.path);
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
            let (ctx, dockerfile, target) = match b.value.as_str() {
                Some(ctx) => (ctx, None, None),
                None => (
                    b.value
                        .get("context")
                        .and_then(|c| c.as_str())
                        .unwrap_or("."),
                    b.value.get("dockerfile").and_then(|d| d.as_str()),
                    b.value.get("target").and_then(|t| t.as_str()),
                ),
            };
            let context = join(dir, ctx)?;
            let dockerfile = join(&context, dockerfile.unwrap_or("Dockerfile"))?;
            let extra = b.value.get("additional_contexts");
            let named_contexts = match (
                extra.and_then(|e| e.as_map()),
                extra.and_then(|e| e.as_seq()),
            ) {
                (Some(map), _) => map.iter().map(|p| p.key.clone()).collect(),
                (None, Some(seq)) => seq
                    .iter()
                    .filter_map(|e| {
                        e.as_str()?
                            .split_once('=')
                            .map(|(n, _)| n.trim().to_string())
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Some(BuildRef {
                context,
                dockerfile,
                target: target.map(interpolated_default),
                line: line(b.key_span.start),
                named_contexts,
            })
        });
        out.push(Service {
            file: file.path.to_string(),
            name: s.key.clone(),
            line: line(s.key_span.start),
            image: v.get("image").and_then(|i| i.as_str()).map(str::to_string),
            build,
            healthcheck: v.pair("healthcheck").map(|h| line(h.key_span.start)),
            restarts: v.get("deploy").is_some()
                || v.get("<<").is_some()
                || v.get("restart").is_some_and(|r| {
                    r.as_str()
                        .is_none_or(|r| r.trim().trim_matches(['"', '\'']) != "no")
                }),
            command: v.pair("command").and_then(|c| {
                let words: Vec<String> = match (c.value.as_str(), c.value.as_seq()) {
                    (Some(s), _) => s.split_whitespace().map(str::to_string).collect(),
                    (None, Some(seq)) => seq
                        .iter()
                        .filter_map(|w| w.as_str().map(str::to_string))
                        .collect(),
                    _ => return None,
                };
                (!words.is_empty()).then(|| (line(c.key_span.start), words))
            }),
        });
    }
    // Held until the walk ends: sized to the services, not to the room pushes left.
    out.shrink_to_fit();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_variables_read_as_their_defaults() {
        assert_eq!(interpolated_default("${ONCALL_IMAGE_TARGET:-dev}"), "dev");
        assert_eq!(interpolated_default("${TARGET-prod}"), "prod");
        assert_eq!(interpolated_default("${TARGET}"), "${TARGET}");
        assert_eq!(interpolated_default("runtime"), "runtime");
    }
    #[test]
    fn what_a_start_command_launches() {
        let words = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_string).collect() };
        let t = |s: &str| launch_target(&words(s));
        assert_eq!(
            t("python collect_data_v2.py"),
            Some(("collect_data_v2.py".into(), false))
        );
        assert_eq!(
            t("python3 -u -m app.worker"),
            Some(("app.worker".into(), true))
        );
        assert_eq!(
            t("/docker/start.sh"),
            Some(("/docker/start.sh".into(), false))
        );
        assert_eq!(
            t("node dist/server.js"),
            Some(("dist/server.js".into(), false))
        );
        assert_eq!(t("gunicorn app.wsgi:application"), None);
        assert_eq!(t("sh -c python x.py"), None);
        assert_eq!(t("/bin/bash -lc run.sh"), None);
        assert_eq!(t("/usr/local/bin/entry.sh"), None);
        assert_eq!(t("python $APP"), None);
    }
}

/// An image name the repository publishes from one of its Dockerfiles: a
/// `docker/build-push-action` step's `tags:` (or the `images:` of the
/// `docker/metadata-action` step they come from), a `docker build -t NAME`. A
/// compose `image:`, a Kubernetes `image:` or a `FROM` naming it runs what that
/// Dockerfile builds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Published {
    /// The name without registry, tag or digest ([`image_key`]).
    pub name: String,
    /// The Dockerfile built.
    pub dockerfile: String,
    /// The stage built, when one is named.
    pub target: Option<String>,
    /// The literal tag it is published under (`base2` in `acme/app:base2`), if any:
    /// one name can carry several images (a base, a builder, the release), told
    /// apart by the tag.
    pub tag: Option<String>,
}

/// The literal tag of an image reference (`acme/app:base2@sha256:…` → `base2`);
/// `None` without a tag or when the tag is an expression (`:${TAG}`).
pub fn image_tag(image: &str) -> Option<String> {
    let image = image.trim().trim_matches(['"', '\'']);
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = &no_digest[no_digest.rfind('/').map_or(0, |i| i + 1)..];
    let tag = &last[last.rfind(':')? + 1..];
    if tag.is_empty() || tag.contains(['$', '{', '}', ' ']) {
        return None;
    }
    Some(tag.to_string())
}

/// The key of an image published under a namespace an expression names
/// (`${{ vars.REGISTRY_REPO }}/base:latest`, `${REGISTRY}/acme/api:${TAG}`): `*/base`,
/// `*/acme/api`, the literal rest of the name behind a wildcard that
/// [`key_matches`] compares with the end of another image's key. `None` when the name
/// does not start with an expression or has no literal rest.
pub fn prefixed_image_key(image: &str) -> Option<String> {
    let image = image.trim().trim_matches(['"', '\'']);
    let rest = if let Some(r) = image.strip_prefix("${{") {
        &r[r.find("}}")? + 2..]
    } else if let Some(r) = image.strip_prefix("${") {
        &r[r.find('}')? + 1..]
    } else {
        let r = image.strip_prefix('$')?;
        &r[r.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?..]
    };
    let rest = rest.strip_prefix('/')?;
    let key = image_key(rest)?;
    Some(format!("*/{key}"))
}

/// Whether a published key (`acme/api`, or `*/base` from [`prefixed_image_key`]) names
/// the image whose key is `key` (`wger/base`).
pub fn key_matches(published: &str, key: &str) -> bool {
    match published.strip_prefix("*/") {
        Some(suffix) => key == suffix || key.ends_with(&format!("/{suffix}")),
        None => published == key,
    }
}

/// `ghcr.io/acme/api:1.2@sha256:…` → `acme/api`; `docker.io/library/redis` → `redis`:
/// the part of an image reference two registries publishing the same image share.
/// `None` when the name is not literal (`${IMAGE}`, `${{ env.IMAGE }}`).
pub fn image_key(image: &str) -> Option<String> {
    let image = image.trim().trim_matches(['"', '\'']);
    let no_digest = image.split('@').next().unwrap_or(image);
    // The tag may be an expression (`:${{ github.ref_name }}`, `:${TAG}`); the name may not.
    let name = match no_digest.find(":$") {
        Some(c) => &no_digest[..c],
        None => no_digest,
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let name = match name[last_slash..].rfind(':') {
        Some(c) => &name[..last_slash + c],
        None => name,
    };
    if name.is_empty() || name.contains(['$', '{', '}', ' ']) {
        return None;
    }
    let mut parts: Vec<&str> = name.split('/').collect();
    // A first component with a dot or a port, or `localhost`, is a registry.
    if parts.len() > 1
        && parts
            .first()
            .is_some_and(|r| r.contains(['.', ':']) || *r == "localhost")
    {
        parts.remove(0);
    }
    if parts.len() > 1 && parts.first() == Some(&"library") {
        parts.remove(0);
    }
    let key = parts.join("/").to_ascii_lowercase();
    (!key.is_empty()).then_some(key)
}

/// Whether a `USER` value names someone other than root (`app`, `1001:1001`); `root`,
/// `0`, `0:0` and non-literal values (`$UID`) do not.
pub fn is_non_root_user(user: &str) -> bool {
    let name = user.trim().split(':').next().unwrap_or("").trim();
    !name.is_empty() && !name.contains('$') && name != "root" && name != "0"
}

#[cfg(test)]
mod published_tests {
    use super::*;

    #[test]
    fn image_tags_are_literal_tags_only() {
        assert_eq!(
            image_tag("louislam/uptime-kuma:base2").as_deref(),
            Some("base2")
        );
        assert_eq!(
            image_tag("localhost:5000/acme/api:1.2@sha256:abc").as_deref(),
            Some("1.2")
        );
        assert_eq!(image_tag("localhost:5000/acme/api"), None);
        assert_eq!(image_tag("acme/api:${TAG}"), None);
        assert_eq!(image_tag("acme/api"), None);
    }

    #[test]
    fn image_keys_drop_registry_tag_and_digest() {
        assert_eq!(
            image_key("ghcr.io/acme/api:1.2").as_deref(),
            Some("acme/api")
        );
        assert_eq!(image_key("docker.io/acme/api").as_deref(), Some("acme/api"));
        assert_eq!(
            image_key("acme/api@sha256:abc").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            image_key("docker.io/library/redis:8").as_deref(),
            Some("redis")
        );
        assert_eq!(image_key("localhost:5000/app:dev").as_deref(), Some("app"));
        assert_eq!(image_key("${{ env.IMAGE_NAME }}:latest"), None);
        assert_eq!(image_key("$IMAGE"), None);
        assert_eq!(
            image_key("freqtradeorg/freqtrade:${{ github.ref_name }}").as_deref(),
            Some("freqtradeorg/freqtrade")
        );
        assert_eq!(image_key("acme/app:${TAG}").as_deref(), Some("acme/app"));
    }

    #[test]
    fn expression_prefixed_keys() {
        let k = prefixed_image_key("${{ vars.REGISTRY_REPO }}/base:latest");
        assert_eq!(k.as_deref(), Some("*/base"));
        assert_eq!(
            prefixed_image_key("${REGISTRY}/acme/api:${TAG}").as_deref(),
            Some("*/acme/api")
        );
        assert_eq!(
            prefixed_image_key("$REGISTRY/app:1").as_deref(),
            Some("*/app")
        );
        assert_eq!(prefixed_image_key("${IMAGE_NAME}:${TAG}"), None);
        assert_eq!(prefixed_image_key("acme/app:1"), None);
        assert!(key_matches("*/base", "wger/base"));
        assert!(key_matches("*/base", "base"));
        assert!(!key_matches("*/base", "acme/database"));
        assert!(key_matches("acme/api", "acme/api"));
        assert!(!key_matches("acme/api", "other/api"));
    }

    #[test]
    fn non_root_users() {
        assert!(is_non_root_user("app"));
        assert!(is_non_root_user("1001:1001"));
        assert!(!is_non_root_user("root"));
        assert!(!is_non_root_user("0:0"));
        assert!(!is_non_root_user("$UID"));
    }
}
