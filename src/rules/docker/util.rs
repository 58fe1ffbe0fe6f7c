//! Helpers shared by the `docker/` rules: build-arg resolution, image references,
//! the chain of stages that makes the final image, and the shell of `RUN`s.

use std::collections::HashMap;
use std::ops::Range;

use crate::finding::Severity;
pub use crate::parse::dockerfile::{global_args, resolve, stage_named};
use crate::parse::dockerfile::{Dockerfile, Form, Instruction};
pub use crate::parse::image::ImageRef;
use crate::parse::shell::ShellScript;
use crate::roles::FileRole;
use crate::rules::FileCx;

/// The stages whose instructions make up `stage`'s image: itself and, through
/// `FROM <earlier stage>`, its ancestors, root first.
pub fn chain(df: &Dockerfile, stage: usize) -> Vec<usize> {
    let mut out = vec![stage];
    let mut cur = stage;
    while let Some(s) = df.stages.get(cur) {
        match stage_named(df, cur, &s.image) {
            Some(parent) if !out.contains(&parent) => {
                out.push(parent);
                cur = parent;
            }
            _ => break,
        }
    }
    out.reverse();
    out
}

/// Instructions of the final image (ancestor stages first), `None` when there is no stage.
pub fn final_instructions(df: &Dockerfile) -> Option<(usize, Vec<&Instruction>)> {
    let last = df.final_stage()?;
    let mut v = Vec::new();
    for s in chain(df, last) {
        v.extend(df.stage_instructions(s).iter());
    }
    Some((last, v))
}

/// The external base image of a stage (following `FROM <stage>` to the root), ARGs resolved.
pub fn root_image(df: &Dockerfile, stage: usize) -> Option<String> {
    let root = *chain(df, stage).first()?;
    let image = &df.stages.get(root)?.image;
    resolve(image, &global_args(df))
}

/// Whether a stage ships: the final stage or one of its ancestors.
pub fn ships(df: &Dockerfile, stage: usize) -> bool {
    df.final_stage()
        .is_some_and(|last| chain(df, last).contains(&stage))
}

/// Whether the file's final stage is clearly a build, test or dev image, or a base image
/// for others, rather than something deployed (a `Dockerfile.dev`, a final stage named
/// `test`, `ONBUILD` triggers).
pub fn build_only(df: &Dockerfile, cx: &FileCx<'_>) -> bool {
    if build_only_file(df, cx) {
        return true;
    }
    let final_name = df
        .final_stage()
        .and_then(|i| df.stages.get(i))
        .and_then(|s| s.name.clone());
    final_name.is_some_and(|n| stage_name_marks_build(&n))
}

/// Stage and file-name words that mark a build, test or development image.
const BUILD_MARKERS: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "debug",
    "test",
    "tests",
    "testing",
    "ci",
    "build",
    "builder",
    "lint",
    "local",
    "devcontainer",
];

/// Whether a stage's name marks it as a build, test or development stage
/// (`builder`, `test`, `unit-test`), not an image anyone runs.
pub fn stage_name_marks_build(name: &str) -> bool {
    BUILD_MARKERS.contains(&name) || name.starts_with("test") || name.ends_with("-test")
}

/// Whether the file as a whole is a build, test or dev image, or a base image for
/// others, by its name or its `ONBUILD` triggers (see [`build_only`], which also
/// reads the final stage's name).
pub fn build_only_file(df: &Dockerfile, cx: &FileCx<'_>) -> bool {
    let path = cx.file.path.to_ascii_lowercase();
    let file = path.rsplit('/').next().unwrap_or(&path);
    let parts: Vec<&str> = file
        .split(['.', '-', '_'])
        .filter(|p| *p != "dockerfile")
        .collect();
    if parts.iter().any(|p| BUILD_MARKERS.contains(p)) || path.contains(".devcontainer/") {
        return true;
    }
    // A base image for others (`ONBUILD` triggers) is not what gets deployed.
    df.final_stage().is_some_and(|last| {
        df.stage_instructions(last)
            .iter()
            .any(|i| i.keyword == "ONBUILD")
    })
}

/// Whether findings in this file are not worth reporting at all: a generated
/// Dockerfile is a tool's output. A vendored one (`third_party/minio/Dockerfile`) is
/// an image the project may build: checked, and capped at low like every vendored
/// file (`engine::cap_for_role`, docs/severity.md).
pub fn skip_file(cx: &FileCx<'_>) -> bool {
    cx.role == FileRole::Generated
}

/// Severity adjusted to the file's role: tests and examples, and images that only serve
/// development or CI (see [`dev_or_ci_image`]), are capped at low.
pub fn for_role(cx: &FileCx<'_>, sev: Severity) -> Severity {
    let capped =
        matches!(cx.role, FileRole::Test | FileRole::Example) || dev_or_ci_image(&cx.file.path);
    if capped && sev > Severity::Low {
        Severity::Low
    } else {
        sev
    }
}

/// A Dockerfile that builds a development, CI or test-runner image, or archived code:
/// under `.devcontainer/`, `.github/`, `.ci/`, `.circleci/`, `archived/`, a Gitpod
/// workspace (`.gitpod.Dockerfile`), a browser-test runner (`Dockerfile.playwright`,
/// `Dockerfile.cypress`), a build-tool image in a `*_builder/` directory
/// (`tools/bazel_builder/`: it compiles code in CI and is never deployed), an image in
/// a directory named for development (`extras/docker/development/Dockerfile`), or a name
/// marking it as such (`Dockerfile.dev`, `ci.Dockerfile`).
pub fn dev_or_ci_image(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segs: Vec<&str> = lower.split('/').collect();
    let file = segs.pop().unwrap_or("");
    if segs.iter().any(|d| {
        matches!(
            *d,
            ".devcontainer"
                | ".github"
                | ".ci"
                | ".circleci"
                | ".gitlab"
                | ".buildkite"
                | "archived"
                | "archive"
                | "deprecated"
        )
    }) || segs
        .last()
        .is_some_and(|d| is_builder_dir(d) || is_development_image_dir(d))
    {
        return true;
    }
    file.split(['.', '-', '_']).any(|p| {
        matches!(
            p,
            "gitpod"
                | "devcontainer"
                | "playwright"
                | "cypress"
                | "selenium"
                | "dev"
                | "devel"
                | "development"
                | "ci"
                | "test"
                | "tests"
                | "testing"
                | "e2e"
        )
    })
}

/// The directory of a development image, by its own name: `extras/docker/development/`,
/// `docker/devel/` beside `docker/production/` (a `dev/` anywhere in the path is already a
/// development file, see `roles`). Only the Dockerfile's own directory counts: a
/// `docs/development/` tree elsewhere says nothing about an image.
fn is_development_image_dir(dir: &str) -> bool {
    matches!(dir, "dev" | "devel" | "develop" | "development")
}

/// `bazel_builder`, `image-builder`, `builder`: the directory of a build-tool image.
fn is_builder_dir(dir: &str) -> bool {
    dir.rsplit(['-', '_'])
        .next()
        .is_some_and(|last| last == "builder" || last == "builders")
}

/// A `RUN`'s shell, parsed (its shell-form arguments, or its heredoc bodies when the
/// command is a heredoc script).
pub struct RunShell<'d> {
    /// The instruction.
    pub ins: &'d Instruction,
    /// Index of the instruction in the file.
    pub index: usize,
    /// Parsed shell pieces (parsed once per file, shared by every Docker rule).
    pub scripts: &'d [ShellScript],
    /// Whether the first script is the shell-form arguments themselves (not a heredoc body).
    pub inline: bool,
}

/// The shell of every `RUN` that runs a POSIX shell (not after a non-POSIX `SHELL`,
/// not in a file with the Windows escape character); see [`crate::embed::dockerfile_runs`].
pub fn runs(df: &Dockerfile) -> Vec<RunShell<'_>> {
    crate::embed::dockerfile_runs(df)
        .iter()
        .filter_map(|p| {
            Some(RunShell {
                ins: df.instructions.get(p.index)?,
                index: p.index,
                scripts: &p.scripts,
                inline: p.inline,
            })
        })
        .collect()
}

/// The hadolint rules a `# hadolint ignore=DL3008,DL3009` comment right above the
/// instruction (blank lines and other comments between allowed) turns off: the
/// maintainers' recorded decision about this very line, which harden honours for the
/// checks that are the same as hadolint's.
pub fn hadolint_ignored(text: &str, ins: &Instruction) -> Vec<String> {
    let before = text.get(..ins.span.start).unwrap_or("");
    let mut codes = Vec::new();
    for line in before.lines().rev() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some(comment) = line.strip_prefix('#') else {
            break;
        };
        if let Some(list) = comment.trim().strip_prefix("hadolint ignore=") {
            codes.extend(
                list.split([',', ' '])
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_ascii_uppercase),
            );
        }
    }
    codes
}

/// Whether the instruction has a BuildKit cache mount (optionally on a path prefix).
pub fn has_cache_mount(ins: &Instruction, target_prefix: Option<&str>) -> bool {
    ins.flags.iter().any(|(n, v)| {
        n == "mount"
            && v.split(',').any(|kv| kv == "type=cache")
            && target_prefix.is_none_or(|p| {
                v.split(',').any(|kv| {
                    kv.strip_prefix("target=")
                        .or_else(|| kv.strip_prefix("dst="))
                        .or_else(|| kv.strip_prefix("destination="))
                        .is_some_and(|t| t.starts_with(p))
                })
            })
    })
}

/// The source operands of a `COPY`/`ADD` (everything but the destination), as written.
pub fn copy_sources(ins: &Instruction) -> Vec<(String, Range<usize>)> {
    let text = ins.args_text();
    let words: Vec<(String, Range<usize>)> = match &ins.form {
        Form::Exec(v) => v.iter().map(|w| (w.clone(), ins.args_span())).collect(),
        Form::Shell => {
            let mut v = Vec::new();
            let mut start = None;
            for (i, c) in text
                .char_indices()
                .chain(std::iter::once((text.len(), ' ')))
            {
                if c.is_whitespace() {
                    if let Some(s) = start.take() {
                        v.push((text[s..i].to_string(), ins.args.range_to_host(&(s..i))));
                    }
                } else if start.is_none() {
                    start = Some(i);
                }
            }
            v
        }
    };
    if words.len() < 2 {
        return Vec::new();
    }
    words[..words.len() - 1]
        .iter()
        .filter(|(w, _)| !w.starts_with("<<"))
        .cloned()
        .collect()
}

/// Variables visible after the given instructions of one image (last wins): `ENV`s and
/// `ARG`s. A global `ARG` (before the first `FROM`) is visible in a stage only once the
/// stage re-declares it with `ARG NAME`, as in Docker.
pub fn env_of<'a>(
    df: &Dockerfile,
    instrs: impl IntoIterator<Item = &'a Instruction>,
) -> HashMap<String, Option<String>> {
    let global = global_args(df);
    let mut env: HashMap<String, Option<String>> = HashMap::new();
    for ins in instrs {
        if ins.stage.is_none() || !matches!(ins.keyword.as_str(), "ENV" | "ARG") {
            continue;
        }
        for kv in ins.key_values(df.escape) {
            let v = match kv.value {
                Some(v) => resolve(&v, &env),
                None if ins.keyword == "ARG" => global.get(&kv.key).cloned().flatten(),
                None => None,
            };
            env.insert(kv.key, v);
        }
    }
    env
}

/// Variables a `RUN` sees: the `ENV`s and `ARG`s before it in its image (ancestor
/// stages included), by [`env_of`].
pub fn env_at(df: &Dockerfile, r: &RunShell<'_>) -> HashMap<String, Option<String>> {
    let Some(stage) = r.ins.stage else {
        return HashMap::new();
    };
    let chain = chain(df, stage);
    env_of(
        df,
        df.instructions
            .iter()
            .take(r.index)
            .filter(|i| i.stage.is_some_and(|s| chain.contains(&s))),
    )
}

/// The ecosystem of a dependency-install command (`pip install -r …` → `python`),
/// or `None` when the command installs no dependencies.
pub fn dependency_install(
    script: &ShellScript,
    cmd: &crate::parse::shell::SimpleCommand<'_>,
) -> Option<&'static str> {
    let vals: Vec<String> = cmd
        .arg_values(script)
        .into_iter()
        .map(|v| v.unwrap_or_else(|| "$".to_string()))
        .collect();
    let positional: Vec<&str> = vals
        .iter()
        .map(String::as_str)
        .filter(|v| !v.starts_with('-'))
        .collect();
    let sub = positional.first().copied().unwrap_or("");
    let has = |f: &str| vals.iter().any(|v| v == f);
    let name = cmd.name.as_str();
    let pip_args: Option<&[String]> = if name.starts_with("pip") {
        Some(&vals[..])
    } else if name.starts_with("python") {
        vals.iter()
            .position(|v| v == "-m")
            .filter(|&i| vals.get(i + 1).is_some_and(|m| m == "pip"))
            .map(|i| &vals[i + 2..])
    } else if name == "uv" && sub == "pip" {
        vals.iter().position(|v| v == "pip").map(|i| &vals[i + 1..])
    } else {
        None
    };
    if let Some(pa) = pip_args {
        let pos: Vec<&str> = pa
            .iter()
            .map(String::as_str)
            .filter(|v| !v.starts_with('-'))
            .collect();
        if pos.first() != Some(&"install") || pa.iter().any(|v| v == "--no-deps") {
            return None;
        }
        let tools_only = pos[1..].iter().all(|p| {
            let base = p
                .split(['=', '<', '>', '~', '!', '['])
                .next()
                .unwrap_or(p)
                .to_ascii_lowercase();
            matches!(
                base.as_str(),
                "pip" | "setuptools" | "wheel" | "pipenv" | "poetry" | "uv" | "virtualenv"
            )
        }) && !pa
            .iter()
            .any(|v| v == "-r" || v.starts_with("--requirement"));
        if tools_only {
            return None;
        }
        return Some("python");
    }
    match name {
        "poetry" if sub == "install" && !has("--only-root") => Some("python"),
        "pipenv" if matches!(sub, "install" | "sync") => Some("python"),
        "uv" if sub == "sync" && !has("--no-deps") => Some("python"),
        "pdm" if matches!(sub, "install" | "sync") => Some("python"),
        "npm" if matches!(sub, "ci" | "install" | "i") => Some("node"),
        "yarn" if sub.is_empty() || sub == "install" => Some("node"),
        "pnpm" | "bun" if matches!(sub, "install" | "i") => Some("node"),
        "bundle" | "bundler" if sub == "install" || sub.is_empty() => Some("ruby"),
        "go" if sub == "mod" && positional.get(1) == Some(&"download") => Some("go"),
        "cargo" if matches!(sub, "build" | "fetch" | "install") => Some("rust"),
        "cargo" if sub == "chef" && positional.get(1) == Some(&"cook") => Some("rust"),
        "composer" if sub == "install" => Some("php"),
        "mvn" | "mvnw" | "./mvnw"
            if vals.iter().any(|v| {
                v.starts_with("dependency:")
                    || matches!(v.as_str(), "package" | "install" | "verify")
            }) =>
        {
            Some("java")
        }
        "gradle" | "gradlew"
            if vals
                .iter()
                .any(|v| matches!(v.as_str(), "build" | "dependencies" | "assemble")) =>
        {
            Some("java")
        }
        "dotnet" if sub == "restore" => Some("dotnet"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::dockerfile::parse;

    #[test]
    fn build_tool_images_are_not_shipped() {
        assert!(dev_or_ci_image("tools/bazel_builder/Dockerfile"));
        assert!(dev_or_ci_image("images/image-builder/Dockerfile"));
        assert!(!dev_or_ci_image("backend/Dockerfile"));
        assert!(!dev_or_ci_image("tools/rebuilder-ui/Dockerfile"));
    }

    #[test]
    fn resolves_args_and_images() {
        let df = parse("ARG PY=3.12\nARG BASE=python:${PY}-slim\nARG NOPE\nFROM ${BASE}\n");
        let args = global_args(&df);
        assert_eq!(
            args.get("BASE").cloned().flatten().as_deref(),
            Some("python:3.12-slim")
        );
        assert_eq!(resolve("${NOPE}", &args), None);
        assert_eq!(resolve("${NOPE:-x}", &args).as_deref(), Some("x"));
        assert_eq!(root_image(&df, 0).as_deref(), Some("python:3.12-slim"));
        let r = ImageRef::parse("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!(r.name, "localhost:5000/team/app");
        assert_eq!(r.tag.as_deref(), Some("1.2"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        let r = ImageRef::parse("localhost:5000/app");
        assert_eq!(r.tag, None);
    }

    #[test]
    fn global_args_need_redeclaring() {
        let df = parse("ARG A=1\nARG B=2\nFROM x\nARG A\nENV C=${A}${B}\n");
        let env = env_of(&df, df.instructions.iter());
        assert_eq!(env.get("A").cloned().flatten().as_deref(), Some("1"));
        assert_eq!(env.get("B"), None);
        assert_eq!(env.get("C").cloned().flatten(), None);
    }

    #[test]
    fn stage_chain() {
        let df = parse("FROM python:3.12 AS base\nUSER app\nFROM base AS prod\nFROM golang:1.22 AS tools\nFROM prod\nCMD x\n");
        assert_eq!(chain(&df, 3), vec![0, 1, 3]);
        assert!(ships(&df, 0));
        assert!(!ships(&df, 2));
    }
}

/// Test helpers: run one rule on a Dockerfile text and apply fixes.
#[cfg(test)]
pub mod testing {
    use crate::classify::FileKind;
    use crate::config::Config;
    use crate::finding::Finding;
    use crate::parse::dockerfile::parse;
    use crate::roles::FileRole;
    use crate::rules::{FileCx, Rule, Sink};
    use crate::source::SourceFile;

    /// Findings of `rule` on `text` (as `Dockerfile`).
    pub fn check(rule: &dyn Rule, text: &str) -> Vec<Finding> {
        check_at(rule, "Dockerfile", text)
    }

    /// Findings of `rule` on `text` at `path`.
    pub fn check_at(rule: &dyn Rule, path: &str, text: &str) -> Vec<Finding> {
        let file = SourceFile::new(path, text);
        let config = Config::default();
        let cx = FileCx {
            file: &file,
            kind: FileKind::Dockerfile,
            role: FileRole::Production,
            config: &config,
            helm: None,
        };
        let df = parse(text);
        let mut out = Vec::new();
        let shared = crate::finding::FilePath::from(path);
        let mut sink = Sink::new(rule.meta(), &shared, None, &mut out);
        rule.check_dockerfile(&df, &cx, &mut sink);
        out
    }

    /// `text` with every finding's fix applied (edits must not overlap).
    pub fn apply_fixes(text: &str, findings: &[Finding]) -> String {
        let mut edits: Vec<_> = findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .flat_map(|f| f.edits.iter().cloned())
            .collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut s = text.to_string();
        for e in edits {
            s.replace_range(e.range.clone(), &e.replacement);
        }
        s
    }
}
