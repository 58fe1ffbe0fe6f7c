//! Decide what a file is from its path (and, for a few kinds, its first bytes)
//! before the rest of it is read, so files no rule cares about are never opened.

use serde::Serialize;

/// One file the walk saw: the vocabulary every later layer (rules, status,
/// fix, SBOM) shares about what exists, read or not.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InventoryEntry {
    /// Path relative to the root, forward slashes; shared with the file's findings
    /// and the repository model (a large tree's paths were copied in each).
    pub path: crate::finding::FilePath,
    /// Kind by name (`None` for files no rule reads).
    pub kind: Option<FileKind>,
}

/// The kinds of file harden understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    /// Bash/sh/zsh/ksh script (by extension or shebang).
    Shell,
    /// Dockerfile / Containerfile and their variants.
    Dockerfile,
    /// docker-compose / compose files.
    Compose,
    /// GitHub Actions workflow under `.github/workflows/`.
    Workflow,
    /// `action.yml` of a (local) action.
    Action,
    /// `.github/dependabot.yml`.
    Dependabot,
    /// Any other YAML; Kubernetes manifests are recognised from content.
    Yaml,
    /// Python source.
    Python,
    /// Markdown documentation.
    Markdown,
    /// A dependency manifest or lockfile (requirements.txt, package.json, Cargo.lock, …).
    Manifest,
    /// Other text that only content rules (secrets, IPs) read.
    Text,
}

impl FileKind {
    /// Kebab-case name used in JSON and diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Shell => "shell",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Compose => "compose",
            FileKind::Workflow => "workflow",
            FileKind::Action => "action",
            FileKind::Dependabot => "dependabot",
            FileKind::Yaml => "yaml",
            FileKind::Python => "python",
            FileKind::Markdown => "markdown",
            FileKind::Manifest => "manifest",
            FileKind::Text => "text",
        }
    }
}

/// What the name says; `NeedsShebang` asks the walker to peek at the first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    /// The name decides.
    Known(FileKind),
    /// No extension: a shebang may make it a script, otherwise plain text.
    NeedsShebang,
    /// Text of a kind no structural rule reads (config, source in other languages).
    Text,
    /// Known binary or irrelevant (images, archives, compiled objects): never read.
    Skip,
}

const SHELL_EXTS: &[&str] = &["sh", "bash", "ksh", "zsh", "bats"];
const YAML_EXTS: &[&str] = &["yml", "yaml"];
const BINARY_EXTS: &[&str] = &[
    "png",
    "jpg",
    "jpeg",
    "gif",
    "bmp",
    "ico",
    "webp",
    "tiff",
    "psd",
    "pdf",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "zst",
    "7z",
    "rar",
    "tar",
    "jar",
    "war",
    "whl",
    "egg",
    "so",
    "dylib",
    "dll",
    "exe",
    "o",
    "a",
    "lib",
    "obj",
    "class",
    "pyc",
    "pyo",
    "pyd",
    "wasm",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp3",
    "mp4",
    "mov",
    "avi",
    "mkv",
    "wav",
    "flac",
    "ogg",
    "webm",
    "db",
    "sqlite",
    "sqlite3",
    "parquet",
    "feather",
    "pkl",
    "pickle",
    "npy",
    "npz",
    "h5",
    "hdf5",
    "onnx",
    "pt",
    "pth",
    "ckpt",
    "safetensors",
    "bin",
    "dat",
    "iso",
    "img",
    "dmg",
    "deb",
    "rpm",
    "svgz",
    "icns",
    "lock.gz",
    "map",
    "min.js",
    "min.css",
];
const MANIFEST_NAMES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "Cargo.toml",
    "Cargo.lock",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Pipfile",
    "Pipfile.lock",
    "poetry.lock",
    "uv.lock",
    "go.mod",
    "go.sum",
    "Gemfile",
    "Gemfile.lock",
    "composer.json",
    "composer.lock",
    "pom.xml",
    "gradle.lockfile",
    "buildscript-gradle.lockfile",
    "build.gradle",
    "build.gradle.kts",
    "packages.config",
    "environment.yml",
    "environment.yaml",
];

/// Classifies a repository-relative path (forward slashes) by name alone.
pub fn classify_name(rel_path: &str) -> NameClass {
    let file_name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let lower = file_name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");

    if is_dockerfile_name(file_name) {
        return NameClass::Known(FileKind::Dockerfile);
    }
    if MANIFEST_NAMES.contains(&file_name) || is_requirements_path(rel_path) {
        return NameClass::Known(FileKind::Manifest);
    }
    if lower.ends_with(".csproj") {
        return NameClass::Known(FileKind::Manifest);
    }
    if YAML_EXTS.contains(&ext) {
        if is_compose_name(&lower) {
            return NameClass::Known(FileKind::Compose);
        }
        if rel_path.starts_with(".github/workflows/")
            && !rel_path["github/workflows/".len() + 1..].contains('/')
        {
            return NameClass::Known(FileKind::Workflow);
        }
        if lower == "action.yml" || lower == "action.yaml" {
            return NameClass::Known(FileKind::Action);
        }
        if rel_path == ".github/dependabot.yml" || rel_path == ".github/dependabot.yaml" {
            return NameClass::Known(FileKind::Dependabot);
        }
        return NameClass::Known(FileKind::Yaml);
    }
    if SHELL_EXTS.contains(&ext) {
        return NameClass::Known(FileKind::Shell);
    }
    match ext {
        "py" | "pyi" => return NameClass::Known(FileKind::Python),
        "md" | "markdown" => return NameClass::Known(FileKind::Markdown),
        _ => {}
    }
    if BINARY_EXTS.contains(&ext) || lower.ends_with(".min.js") || lower.ends_with(".min.css") {
        return NameClass::Skip;
    }
    if ext.is_empty() || lower.starts_with('.') && !lower[1..].contains('.') {
        return NameClass::NeedsShebang;
    }
    NameClass::Text
}

/// Dockerfile, Containerfile, `Dockerfile.prod`, `Dockerfile-dev`, `prod.Dockerfile`,
/// `api.dockerfile`; not `Dockerfile.md` or a workflow named `dockerfile-build.yaml`.
pub fn is_dockerfile_name(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    // `Dockerfile.<variant>` / `Dockerfile-<variant>`, unless the last extension is
    // that of another kind of file (docs, YAML, code, templates, backups).
    let other_kind = matches!(
        lower.rsplit_once('.').map(|(_, ext)| ext),
        Some(
            "dockerignore"
                | "md"
                | "txt"
                | "yml"
                | "yaml"
                | "json"
                | "sh"
                | "rs"
                | "py"
                | "go"
                | "js"
                | "ts"
                | "java"
                | "rb"
                | "c"
                | "h"
                | "toml"
                | "lock"
                | "j2"
                | "jinja"
                | "tmpl"
                | "template"
                | "erb"
                | "bak"
                | "orig"
                | "swp"
        )
    );
    lower == "dockerfile"
        || lower == "containerfile"
        || ((lower.starts_with("dockerfile.")
            || lower.starts_with("dockerfile-")
            || lower.starts_with("containerfile."))
            && !other_kind)
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

/// docker-compose.yml, docker-compose.prod.yaml, compose.yml, compose.override.yml, app.compose.yml.
pub fn is_compose_name(lower_name: &str) -> bool {
    lower_name.starts_with("docker-compose")
        || lower_name == "compose.yml"
        || lower_name == "compose.yaml"
        || lower_name.starts_with("compose.")
        || lower_name.ends_with(".compose.yml")
        || lower_name.ends_with(".compose.yaml")
}

/// A pip requirements file by its (lower-case) name, as people and tools name them:
/// `requirements.txt`, `requirements-dev.txt`, pip-compile and uv outputs such as
/// `py3.12-ci-requirements.txt` or `test-requirements.txt`, `constraints.txt`, exports
/// named `*.lock.txt`, and the `.in` inputs of pip-compile. Other `.txt` files are
/// recognised by content ([`sniff_requirements`]).
pub fn is_requirements_name(lower_name: &str) -> bool {
    let txt = lower_name.ends_with(".txt");
    if !(txt || lower_name.ends_with(".in")) {
        return false;
    }
    (lower_name.contains("requirements")
        && !lower_name.contains("license")
        && !lower_name.contains("readme"))
        || lower_name.starts_with("constraints")
        || (txt && lower_name.ends_with(".lock.txt"))
}

/// A pip requirements file by its path: [`is_requirements_name`], or a `.txt` / `.in`
/// file directly in a `requirements/`, `reqs/` or `requirements.d/` directory
/// (`requirements/base.txt`, `requirements/prod.in`).
pub fn is_requirements_path(rel_path: &str) -> bool {
    let lower = rel_path.to_ascii_lowercase();
    let (dir, name) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let parent = dir.rsplit('/').next().unwrap_or(dir);
    is_requirements_name(name)
        || (matches!(parent, "requirements" | "reqs" | "requirements.d")
            && (name.ends_with(".txt") || name.ends_with(".in")))
}

/// How much of a `.txt` file [`sniff_requirements`] reads: enough for a header
/// comment and a few dozen pins, small enough to read every `.txt` of a repository.
pub const SNIFF_BYTES: usize = 4096;

/// Whether the start of a `.txt` file whose name says nothing reads as a pip
/// requirements file: every line is a requirement, a pip option or a comment, and
/// at least one shows it is meant for pip (an exact `name==version` pin, a
/// `--hash=`, or an `-r`/`-c` include). A word list (`flask\nrequests`) is not
/// enough: notes and version files look like that too. Only complete lines of
/// `head` are read (a cut final line is ignored).
pub fn sniff_requirements(head: &str) -> bool {
    use crate::parse::requirements::{parse_requirements, Line};
    let complete = match head.rfind('\n') {
        Some(i) if head.len() >= SNIFF_BYTES => &head[..=i],
        _ => head,
    };
    let parsed = parse_requirements(complete);
    let mut meant_for_pip = false;
    for line in &parsed.lines {
        match line {
            Line::Requirement(r) => {
                meant_for_pip |= r.exact_pin().is_some() || !r.hashes.is_empty();
            }
            Line::Include { .. } | Line::Constraint { .. } => meant_for_pip = true,
            Line::Editable { .. } => {}
            Line::Other { span } => {
                let text = complete.get(span.clone()).unwrap_or("");
                if !text.starts_with('-') {
                    return false;
                }
                meant_for_pip |= text.starts_with("--hash");
            }
        }
    }
    meant_for_pip
}

/// The interpreter a shebang line names (`bash` for `#!/usr/bin/env bash -e`).
pub fn shebang_interpreter(first_line: &str) -> Option<&str> {
    let rest = first_line.strip_prefix("#!")?.trim();
    let mut parts = rest.split_whitespace();
    let mut prog = parts.next()?;
    if prog.ends_with("/env") {
        prog = parts.find(|p| !p.starts_with('-'))?;
    }
    Some(prog.rsplit('/').next().unwrap_or(prog))
}

/// Whether a shebang names a POSIX-family shell harden parses as shell.
pub fn is_shell_shebang(first_line: &str) -> bool {
    matches!(
        shebang_interpreter(first_line),
        Some("sh" | "bash" | "dash" | "ksh" | "zsh" | "ash" | "mksh" | "busybox")
    )
}

/// Whether a shebang names Python.
pub fn is_python_shebang(first_line: &str) -> bool {
    shebang_interpreter(first_line).is_some_and(|p| p.starts_with("python"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            classify_name("Dockerfile"),
            NameClass::Known(FileKind::Dockerfile)
        );
        assert_eq!(
            classify_name("docker/Dockerfile.gpu"),
            NameClass::Known(FileKind::Dockerfile)
        );
        assert_eq!(
            classify_name("api.Dockerfile"),
            NameClass::Known(FileKind::Dockerfile)
        );
        assert!(is_dockerfile_name("Dockerfile-dev"));
        assert!(!is_dockerfile_name("dockerfile-build.yaml"));
        assert!(!is_dockerfile_name("Containerfile.md"));
        assert_eq!(
            classify_name("Dockerfile.md"),
            NameClass::Known(FileKind::Markdown)
        );
        assert_eq!(
            classify_name("deploy/docker-compose.prod.yml"),
            NameClass::Known(FileKind::Compose)
        );
        assert_eq!(
            classify_name(".github/workflows/ci.yml"),
            NameClass::Known(FileKind::Workflow)
        );
        assert_eq!(
            classify_name(".github/workflows/sub/x.yml"),
            NameClass::Known(FileKind::Yaml)
        );
        assert_eq!(
            classify_name(".github/actions/setup/action.yml"),
            NameClass::Known(FileKind::Action)
        );
        assert_eq!(
            classify_name(".github/dependabot.yml"),
            NameClass::Known(FileKind::Dependabot)
        );
        assert_eq!(
            classify_name("k8s/deploy.yaml"),
            NameClass::Known(FileKind::Yaml)
        );
        assert_eq!(
            classify_name("scripts/backup.sh"),
            NameClass::Known(FileKind::Shell)
        );
        assert_eq!(classify_name("bin/deploy"), NameClass::NeedsShebang);
        assert_eq!(
            classify_name("requirements-dev.txt"),
            NameClass::Known(FileKind::Manifest)
        );
        for name in [
            "sdk/python/requirements/py3.12-ci-requirements.txt",
            "test-requirements.txt",
            "requirements_dev.txt",
            "constraints-3.11.txt",
            "uv.lock.txt",
            "requirements/base.in",
        ] {
            assert_eq!(
                classify_name(name),
                NameClass::Known(FileKind::Manifest),
                "{name}"
            );
        }
        for name in ["LICENSE.txt", "requirements-license.txt", "notes.txt"] {
            assert_eq!(classify_name(name), NameClass::Text, "{name}");
        }
        assert_eq!(classify_name("logo.png"), NameClass::Skip);
        assert_eq!(
            classify_name("app/main.py"),
            NameClass::Known(FileKind::Python)
        );
        assert_eq!(classify_name("config.ini"), NameClass::Text);
    }

    #[test]
    fn requirements_by_content() {
        // pip-compile output under a name that says nothing.
        assert!(sniff_requirements(
            "#\n# This file is autogenerated by pip-compile with Python 3.11\n#\nanyio==4.2.0 \\\n    --hash=sha256:745843b39e829e108e518c489b31dc757de7d2131d53fac32bd8df268227bfee\n    # via httpx\nidna==3.6\n"
        ));
        // Includes and ranges, hand-written.
        assert!(sniff_requirements("-r base.txt\ndjango>=4.2,<5\n"));
        assert!(sniff_requirements(
            "--index-url https://pypi.org/simple\nnumpy==1.26.4 ; python_version >= \"3.9\"\n"
        ));
        // A word list, prose, a version file, CMake, robots.txt: not requirements.
        assert!(!sniff_requirements("flask\nrequests\n"));
        assert!(!sniff_requirements(
            "Install with pip.\nflask==2.0 is the minimum.\n"
        ));
        assert!(!sniff_requirements("1.4.2\n"));
        assert!(!sniff_requirements(
            "cmake_minimum_required(VERSION 3.10)\nproject(x)\n"
        ));
        assert!(!sniff_requirements("User-agent: *\nDisallow: /admin\n"));
        assert!(!sniff_requirements(""));
        // A cut last line is not held against the file.
        let mut long = String::new();
        while long.len() < SNIFF_BYTES {
            long.push_str("package-with-a-long-name==1.2.3\n");
        }
        long.truncate(SNIFF_BYTES);
        long.push_str(" and then prose");
        assert!(sniff_requirements(&long[..SNIFF_BYTES]));
    }

    #[test]
    fn shebangs() {
        assert!(is_shell_shebang("#!/bin/bash"));
        assert!(is_shell_shebang("#!/usr/bin/env bash"));
        assert!(is_shell_shebang("#!/usr/bin/env -S bash -e"));
        assert!(is_shell_shebang("#! /bin/sh -eu"));
        assert!(!is_shell_shebang("#!/usr/bin/env python3"));
        assert!(is_python_shebang("#!/usr/bin/env python3"));
        assert!(!is_shell_shebang("echo hi"));
    }
}
