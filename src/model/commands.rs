//! What a command line does to other files of the repository: `docker build -f
//! X` builds a Dockerfile, `pip install -r X` installs a manifest, `bash X`
//! runs a script, `docker compose -f X` uses a compose file. One reading of
//! argv for every place commands appear (workflow steps, scripts, Dockerfile
//! `RUN`s, Makefile recipes, docs).

use crate::parse::shell::ShellScript;

use super::paths::join;
use super::RefKind;

/// A file a command points at: (what it does to it, the path as written
/// resolved from the working directory — not yet checked to exist).
pub type Target = (RefKind, String);

/// The argv of every simple command of a parsed script that may point at a
/// repository file ([`may_point_at_file`]), with its host offset (`None` for
/// words that are not literal: `$VAR`, command substitutions).
pub fn argvs(script: &ShellScript) -> Vec<(usize, Vec<Option<String>>)> {
    script
        .commands()
        .iter()
        .filter(|c| may_point_at_file(&[Some(c.name.clone())]))
        .map(|c| {
            let mut argv = vec![Some(c.name.clone())];
            argv.extend(c.arg_values(script));
            (script.code.to_host(c.span().start), argv)
        })
        .collect()
}

/// The argv of a script's `docker build`/`buildx build`/`podman build` commands
/// ([`argvs`]) with the image names of their `-t`/`--tag` words resolved through the
/// variables the script assigns exactly once, to a literal (`IMAGE_NAME=acme/app` …
/// `-t ${IMAGE_NAME}:${TAG}` → `acme/app:${TAG}`): release scripts name the images
/// they publish this way. The tag may stay an expansion ([`super::containers::image_key`]
/// reads only the name); every other word is as in [`argvs`].
pub fn build_argvs_with_tags(script: &ShellScript) -> Vec<(usize, Vec<Option<String>>)> {
    use crate::parse::shell::WordPart;
    use std::collections::HashMap;
    let mut assigned: HashMap<&str, Option<String>> = HashMap::new();
    for a in crate::parse::shell::descendants_of_kind(script.root(), "variable_assignment") {
        let Some(name) = a.child_by_field_name("name").map(|n| script.node_text(n)) else {
            continue;
        };
        let value = a
            .child_by_field_name("value")
            .and_then(|v| script.word(v).static_value())
            .filter(|v| !v.is_empty() && !v.contains(['$', ' ']));
        assigned
            .entry(name)
            .and_modify(|v| *v = None)
            .or_insert(value);
    }
    script
        .commands()
        .iter()
        .filter(|c| matches!(c.name.as_str(), "docker" | "podman" | "buildah"))
        .map(|c| {
            let mut argv = vec![Some(c.name.clone())];
            let mut tag_next = false;
            for a in &c.args {
                let word = script.word(*a);
                let value = word.static_value();
                let resolved = if tag_next && value.is_none() {
                    let mut out = String::new();
                    for p in &word.parts {
                        match p {
                            WordPart::Literal(l) => out.push_str(l),
                            WordPart::Var(e) => match assigned.get(e.name.as_str()) {
                                Some(Some(v)) if e.operator.is_none() => out.push_str(v),
                                _ => {
                                    out.push_str("${");
                                    out.push_str(&e.name);
                                    out.push('}');
                                }
                            },
                            WordPart::Substitution(t) | WordPart::Other(t) => out.push_str(t),
                        }
                    }
                    Some(out)
                } else {
                    value.clone()
                };
                tag_next = matches!(value.as_deref(), Some("-t" | "--tag"));
                argv.push(resolved);
            }
            (script.code.to_host(c.span().start), argv)
        })
        .collect()
}

/// The literal images a shell line starts with `docker run` / `docker container run`
/// (`podman run` too): the first word after the options, options that take a value
/// skipped with it. A word that is not literal (`$IMAGE`) names nothing.
pub fn docker_run_images(line: &str) -> Vec<String> {
    const VALUED: &[&str] = &[
        "-v",
        "--volume",
        "-e",
        "--env",
        "--env-file",
        "-p",
        "--publish",
        "--name",
        "-w",
        "--workdir",
        "-u",
        "--user",
        "--network",
        "--net",
        "--entrypoint",
        "--platform",
        "--mount",
        "-l",
        "--label",
        "--add-host",
        "--cpus",
        "--memory",
        "-m",
        "--hostname",
        "-h",
        "--gpus",
        "--shm-size",
        "--ulimit",
        "--cap-add",
        "--cap-drop",
        "--device",
        "--restart",
        "--pull",
        "--log-driver",
        "--security-opt",
        "--tmpfs",
        "--ipc",
        "--pid",
        "--runtime",
        "--volumes-from",
        "--link",
        "--dns",
        "--cidfile",
        "--stop-signal",
    ];
    let mut out = Vec::new();
    for argv in split_line(line) {
        let words: Vec<Option<&str>> = argv.iter().map(|w| w.as_deref()).collect();
        let start = match words.as_slice() {
            [Some("docker" | "podman"), Some("run"), ..] => 2,
            [Some("docker" | "podman"), Some("container"), Some("run"), ..] => 3,
            _ => continue,
        };
        let mut i = start;
        while let Some(w) = words.get(i) {
            match w {
                Some(w) if w.starts_with('-') => {
                    i += if VALUED.contains(w) { 2 } else { 1 };
                }
                Some(w) => {
                    out.push((*w).to_string());
                    break;
                }
                None => break,
            }
        }
    }
    out
}

/// Splits one command line of text (a Makefile recipe, a line in a docs code
/// block) into words, honouring quotes; stops at `#`, `&&`, `;`, `|`.
pub fn split_line(line: &str) -> Vec<Vec<Option<String>>> {
    let mut commands = Vec::new();
    let mut words: Vec<Option<String>> = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    let flush = |cur: &mut String, in_word: &mut bool, words: &mut Vec<Option<String>>| {
        if *in_word {
            let w = std::mem::take(cur);
            words.push((!w.contains('$')).then_some(w));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None => match c {
                '\'' | '"' => {
                    quote = Some(c);
                    in_word = true;
                }
                ' ' | '\t' => flush(&mut cur, &mut in_word, &mut words),
                '#' if !in_word => break,
                ';' | '|' | '&' => {
                    flush(&mut cur, &mut in_word, &mut words);
                    if !words.is_empty() {
                        commands.push(std::mem::take(&mut words));
                    }
                }
                '\\' => {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                        in_word = true;
                    }
                }
                _ => {
                    cur.push(c);
                    in_word = true;
                }
            },
        }
    }
    flush(&mut cur, &mut in_word, &mut words);
    if !words.is_empty() {
        commands.push(words);
    }
    commands
}

/// Value of an option given as `-f X`, `--file X` or `--file=X`.
fn option<'a>(argv: &'a [Option<String>], short: &[&str], long: &str) -> Option<&'a str> {
    let mut it = argv.iter();
    while let Some(w) = it.next() {
        let Some(w) = w.as_deref() else { continue };
        if short.contains(&w) || w == long {
            return it.next().and_then(|v| v.as_deref());
        }
        if let Some(v) = w.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            return Some(v);
        }
    }
    None
}

/// Options of `docker build` that take a value (so their value is not the context).
const BUILD_VALUED: &[&str] = &[
    "-f",
    "--file",
    "-t",
    "--tag",
    "--build-arg",
    "--target",
    "--platform",
    "--label",
    "--secret",
    "--ssh",
    "--cache-from",
    "--cache-to",
    "--output",
    "-o",
    "--network",
    "--progress",
    "--builder",
    "--iidfile",
    "--metadata-file",
    "--add-host",
    "--build-context",
    "--shm-size",
    "--ulimit",
    "--annotation",
    "--attest",
    "--provenance",
    "--sbom",
    "-m",
    "--memory",
];

/// Positional arguments after the first `skip` words, skipping options and their values.
fn positionals<'a>(argv: &'a [Option<String>], skip: usize, valued: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut it = argv.iter().skip(skip);
    while let Some(w) = it.next() {
        let Some(w) = w.as_deref() else {
            out.push("$");
            continue;
        };
        if w.starts_with('-') {
            if valued.contains(&w) {
                it.next();
            }
            continue;
        }
        out.push(w);
    }
    out
}

fn base_name(w: &str) -> &str {
    w.rsplit('/').next().unwrap_or(w)
}

/// What a pip-style install names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipArg<'a> {
    /// A requirements or constraints file (`-r X`, `-c X`), as written.
    File(&'a str),
    /// A project directory (`pip install .`, `-e ./api[dev]`), as written.
    Project(&'a str),
}

/// The files and projects a `pip install` / `uv pip install` / `pip-sync` /
/// `pip-compile` command names; `None` when the command is none of these.
pub fn pip_args(argv: &[Option<String>]) -> Option<Vec<PipArg<'_>>> {
    let words: Vec<&str> = argv.iter().map(|w| w.as_deref().unwrap_or("$")).collect();
    let prog = base_name(words.first()?);
    let mut out = Vec::new();
    if prog == "pip-sync" || prog == "pip-compile" {
        for p in positionals(argv, 1, &["-o", "--output-file", "-c"]) {
            if p != "$" {
                out.push(PipArg::File(p));
            }
        }
        return Some(out);
    }
    let skip = match prog {
        p if p.starts_with("pip") && p != "pipenv" => 1,
        p if p.starts_with("python") => words
            .iter()
            .position(|w| *w == "-m")
            .filter(|&i| words.get(i + 1) == Some(&"pip"))
            .map(|i| i + 2)?,
        "uv" if words.get(1) == Some(&"pip") => 2,
        _ => return None,
    };
    let sub = words.get(skip).copied().unwrap_or("");
    if sub != "install" && sub != "sync" {
        return Some(out);
    }
    let mut it = argv.iter().skip(skip + 1);
    while let Some(w) = it.next() {
        let Some(w) = w.as_deref() else { continue };
        let file = match w {
            "-r" | "--requirement" | "-c" | "--constraint" => it.next().and_then(|v| v.as_deref()),
            _ => w
                .strip_prefix("--requirement=")
                .or_else(|| w.strip_prefix("--constraint="))
                .or_else(|| {
                    w.strip_prefix("-r")
                        .filter(|r| !r.is_empty() && !w.starts_with("--"))
                })
                .or_else(|| {
                    w.strip_prefix("-c")
                        .filter(|r| !r.is_empty() && !w.starts_with("--"))
                }),
        };
        if let Some(f) = file {
            out.push(PipArg::File(f));
        } else if sub == "install"
            && (w == "."
                || w.starts_with("./")
                || w.starts_with(".[")
                || w == "-e"
                || w == "--editable")
        {
            let dir = if w == "-e" || w == "--editable" {
                it.next().and_then(|v| v.as_deref()).unwrap_or(".")
            } else {
                w
            };
            out.push(PipArg::Project(dir.split('[').next().unwrap_or(dir)));
        }
    }
    Some(out)
}

/// Whether a command can point at a repository file (what [`targets`] reads) or
/// change the directory the next ones run in: only these are kept from the walk.
pub fn may_point_at_file(argv: &[Option<String>]) -> bool {
    let Some(Some(name)) = argv.first() else {
        return false;
    };
    let prog = base_name(name);
    (name.contains('/') && !name.starts_with('/'))
        || matches!(
            prog,
            "cd" | "docker"
                | "podman"
                | "buildah"
                | "docker-compose"
                | "podman-compose"
                | "pip-sync"
                | "pip-compile"
                | "uv"
                | "poetry"
                | "pdm"
                | "pipenv"
                | "npm"
                | "yarn"
                | "pnpm"
                | "bash"
                | "sh"
                | "zsh"
                | "dash"
                | "ksh"
                | "source"
                | "."
                | "node"
        )
        || prog.starts_with("pip")
        || prog.starts_with("python")
}

/// What one command (argv, `None` for non-literal words) does to repository files,
/// run from the repository directory `cwd`. `exists` says whether a path is in the repository.
pub fn targets(argv: &[Option<String>], cwd: &str, exists: &dyn Fn(&str) -> bool) -> Vec<Target> {
    let mut out = Vec::new();
    let words: Vec<&str> = argv.iter().map(|w| w.as_deref().unwrap_or("$")).collect();
    let Some(&name) = words.first() else {
        return out;
    };
    let prog = base_name(name);
    let at = |rel: &str| join(cwd, rel);
    // docker build / docker buildx build / podman build / buildah bud.
    let build_at = match (prog, words.get(1).copied(), words.get(2).copied()) {
        ("docker" | "podman", Some("build"), _) => Some(2),
        ("docker", Some("buildx"), Some("build")) => Some(3),
        ("docker", Some("image"), Some("build")) => Some(3),
        ("buildah", Some("bud" | "build"), _) => Some(2),
        _ => None,
    };
    if let Some(skip) = build_at {
        let file = option(argv, &["-f"], "--file");
        // The context is the one positional; a non-literal `--opt="$X"` reads as one
        // too, so the last word wins.
        let context = positionals(argv, skip, BUILD_VALUED).last().copied();
        let file_given = argv.iter().any(|w| {
            matches!(w.as_deref(), Some("-f" | "--file"))
                || w.as_deref().is_some_and(|w| w.starts_with("--file="))
        });
        let dockerfile = match (file, context) {
            (Some(f), _) => at(f),
            // `-f $DOCKERFILE`: some Dockerfile, not the context's.
            (None, _) if file_given => None,
            (None, Some(ctx)) if ctx != "-" && ctx != "$" => {
                at(ctx).map(|c| join(&c, "Dockerfile").unwrap_or_else(|| "Dockerfile".into()))
            }
            _ => None,
        };
        out.extend(dockerfile.map(|d| (RefKind::Builds, d)));
        return out;
    }
    // docker compose -f X / docker-compose -f X.
    let compose_at = match (prog, words.get(1).copied()) {
        ("docker" | "podman", Some("compose")) => Some(2),
        ("docker-compose" | "podman-compose", _) => Some(1),
        _ => None,
    };
    if let Some(skip) = compose_at {
        let mut files = Vec::new();
        let mut it = argv.iter().skip(skip);
        while let Some(w) = it.next() {
            match w.as_deref() {
                Some("-f" | "--file") => {
                    if let Some(Some(v)) = it.next() {
                        files.extend(at(v));
                    }
                }
                Some(w) if w.starts_with("--file=") => files.extend(at(&w["--file=".len()..])),
                _ => {}
            }
        }
        if files.is_empty() {
            // Without `-f`, compose looks for its file in the working directory and
            // then in each parent directory.
            let mut dir = Some(cwd.trim_end_matches('/'));
            'up: while let Some(d) = dir {
                for name in [
                    "compose.yaml",
                    "compose.yml",
                    "docker-compose.yaml",
                    "docker-compose.yml",
                ] {
                    if let Some(p) = join(d, name).filter(|p| exists(p)) {
                        files.push(p);
                        break 'up;
                    }
                }
                dir = match d.rsplit_once('/') {
                    Some((parent, _)) => Some(parent),
                    None if !d.is_empty() => Some(""),
                    None => None,
                };
            }
        }
        out.extend(files.into_iter().map(|f| (RefKind::UsesCompose, f)));
        return out;
    }
    // pip install -r / -c, uv pip install, pip-sync, pip-compile.
    if let Some(args) = pip_args(argv) {
        for a in args {
            match a {
                PipArg::File(f) => out.extend(at(f).map(|f| (RefKind::Installs, f))),
                PipArg::Project(dir) => {
                    if let Some(d) = at(dir) {
                        for m in ["pyproject.toml", "setup.py", "setup.cfg"] {
                            if let Some(p) = join(&d, m).filter(|p| exists(p)) {
                                out.push((RefKind::Installs, p));
                                break;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
    // poetry install / uv sync / pdm install / pipenv install: the project in cwd.
    let project = match (prog, words.get(1).copied()) {
        ("poetry", Some("install")) => Some(&["pyproject.toml", "poetry.lock"][..]),
        ("uv", Some("sync")) => Some(&["pyproject.toml", "uv.lock"][..]),
        ("pdm", Some("install" | "sync")) => Some(&["pyproject.toml", "pdm.lock"][..]),
        ("pipenv", Some("install" | "sync")) => Some(&["Pipfile", "Pipfile.lock"][..]),
        ("npm", Some("ci" | "install" | "i")) => {
            Some(&["package.json", "package-lock.json", "npm-shrinkwrap.json"][..])
        }
        ("yarn", None | Some("install")) => Some(&["package.json", "yarn.lock"][..]),
        ("pnpm", Some("install" | "i")) => Some(&["package.json", "pnpm-lock.yaml"][..]),
        _ => None,
    };
    if let Some(files) = project {
        for f in files {
            if let Some(p) = at(f).filter(|p| exists(p)) {
                out.push((RefKind::Installs, p));
            }
        }
        return out;
    }
    // Scripts run by path or through an interpreter.
    let script = if name.contains('/') && !name.starts_with('/') {
        Some(name)
    } else if matches!(
        prog,
        "bash" | "sh" | "zsh" | "dash" | "ksh" | "source" | "." | "python" | "python3" | "node"
    ) || prog.starts_with("python3.")
    {
        positionals(argv, 1, &["-c", "-m", "-o", "-O"])
            .first()
            .copied()
            .filter(|w| {
                !argv
                    .iter()
                    .any(|a| matches!(a.as_deref(), Some("-c" | "-m")))
                    // A file name (`x.sh`) or a path (`ci/common`, sourced by a
                    // workflow); the file must exist below.
                    && (w.contains('.') || w.contains('/'))
            })
    } else {
        None
    };
    if let Some(s) = script {
        if let Some(p) = at(s).filter(|p| exists(p)) {
            out.push((RefKind::Runs, p));
        }
    }
    out
}

/// A file one command of a list points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTarget {
    /// 1-based line of the command.
    pub line: usize,
    /// What the command does to the file.
    pub kind: RefKind,
    /// The file (repository-relative).
    pub to: String,
    /// The `--target` stage of a build.
    pub target: Option<String>,
    /// How a compose file is brought up, when the command is `docker compose up`.
    pub compose_up: Option<ComposeUp>,
}

/// How `docker compose up` runs: attached to the terminal (someone watches the logs and
/// stops it with Ctrl-C: a trial, a development loop, a one-off job) or detached
/// (`-d`, `--detach`, `--wait`: left running, the way a deployment is started).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComposeUp {
    /// `docker compose up` in the foreground.
    Attached,
    /// `docker compose up -d`.
    Detached,
}

/// Options of `docker compose` (before the subcommand) that take a value.
const COMPOSE_VALUED: &[&str] = &[
    "-f",
    "--file",
    "-p",
    "--project-name",
    "--project-directory",
    "--env-file",
    "--profile",
    "--ansi",
    "--progress",
    "--parallel",
];

/// Whether a command is `docker compose … up`, and whether it detaches. Non-literal
/// words after `up` may be `-d`, so they count as detached (the model only calls a
/// stack hand-run on literal evidence).
pub fn compose_up(argv: &[Option<String>]) -> Option<ComposeUp> {
    let words: Vec<Option<&str>> = argv.iter().map(|w| w.as_deref()).collect();
    let prog = base_name(words.first().copied().flatten()?);
    let skip = match (prog, words.get(1).copied().flatten()) {
        ("docker" | "podman", Some("compose")) => 2,
        ("docker-compose" | "podman-compose", _) => 1,
        _ => return None,
    };
    let mut it = words.iter().skip(skip);
    // The subcommand: the first word that is neither an option nor an option's value.
    loop {
        let w = (*it.next()?)?;
        if COMPOSE_VALUED.contains(&w) {
            it.next();
        } else if !w.starts_with('-') {
            if w != "up" {
                return None;
            }
            break;
        }
    }
    for w in it {
        let Some(w) = *w else {
            return Some(ComposeUp::Detached);
        };
        let short_d = w.starts_with('-')
            && !w.starts_with("--")
            && w[1..].chars().all(|c| c.is_ascii_alphabetic())
            && w.contains('d');
        if short_d || w == "--detach" || w == "--wait" || w.starts_with("--wait=") {
            return Some(ComposeUp::Detached);
        }
    }
    Some(ComposeUp::Attached)
}

/// [`targets`] of the commands of one file, run one after the other from `cwd`,
/// following `cd DIR`. After a `cd` to a directory that is not literal, the rest
/// of that line is skipped (the next line starts again from `cwd` when
/// `per_line` says each line runs in its own shell, as Makefile recipes do).
pub fn targets_with_lines(
    commands: &[(usize, Vec<Option<String>>)],
    cwd: &str,
    per_line: bool,
    exists: &dyn Fn(&str) -> bool,
) -> Vec<LineTarget> {
    let mut cur: Option<String> = Some(cwd.to_string());
    let mut last_line = 0;
    let mut out = Vec::new();
    for (line, argv) in commands {
        if per_line && *line != last_line {
            cur = Some(cwd.to_string());
        }
        last_line = *line;
        if argv.first().and_then(|w| w.as_deref()) == Some("cd") {
            cur = match (&cur, argv.get(1).and_then(|w| w.as_deref())) {
                (Some(c), Some(dir)) => join(c, dir),
                _ => None,
            };
            continue;
        }
        let Some(c) = &cur else { continue };
        let target = option(argv, &[], "--target").map(str::to_string);
        let up = compose_up(argv);
        for (kind, to) in targets(argv, c, exists) {
            out.push(LineTarget {
                line: *line,
                target: (kind == RefKind::Builds).then(|| target.clone()).flatten(),
                compose_up: (kind == RefKind::UsesCompose).then_some(up).flatten(),
                kind,
                to,
            });
        }
    }
    out
}

/// The image names `docker build -t NAME` lines publish, with the Dockerfile and
/// stage they build (resolved from the first working directory, as written).
pub fn published_by(
    commands: &[(usize, Vec<Option<String>>)],
    cwds: &[String],
) -> Vec<super::containers::Published> {
    let cwd = cwds.first().map(String::as_str).unwrap_or("");
    let mut out = Vec::new();
    for (_, argv) in commands {
        let tags: Vec<&str> = {
            let mut v = Vec::new();
            let mut it = argv.iter();
            while let Some(w) = it.next() {
                match w.as_deref() {
                    Some("-t" | "--tag") => v.extend(it.next().and_then(|t| t.as_deref())),
                    Some(w) if w.starts_with("--tag=") => v.push(&w["--tag=".len()..]),
                    _ => {}
                }
            }
            v
        };
        if tags.is_empty() {
            continue;
        }
        let target = option(argv, &[], "--target").map(str::to_string);
        for (kind, dockerfile) in targets(argv, cwd, &|_| true) {
            if kind != RefKind::Builds {
                continue;
            }
            for t in &tags {
                if let Some(name) = super::containers::image_key(t)
                    .or_else(|| super::containers::prefixed_image_key(t))
                {
                    out.push(super::containers::Published {
                        name,
                        dockerfile: dockerfile.clone(),
                        target: target.clone(),
                        tag: super::containers::image_tag(t),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_run_names_its_image_after_the_options() {
        assert_eq!(
            docker_run_images(
                r#"docker run --rm -v "$PWD:/src" -w /src acme/tools:1 ruff check ."#
            ),
            ["acme/tools:1"]
        );
        assert_eq!(
            docker_run_images("docker container run -d --name=db -e A=1 postgres:16"),
            ["postgres:16"]
        );
        assert!(docker_run_images("docker run --rm $IMAGE pytest").is_empty());
        assert!(docker_run_images("docker build -t acme/app .").is_empty());
    }

    #[test]
    fn tag_names_through_variables_the_script_assigns_once() {
        let src = "IMAGE_NAME=acme/app\nTAG=$(git rev-parse HEAD)\nOTHER=a\nOTHER=b\n\
                   docker build -t ${IMAGE_NAME}:${TAG} .\ndocker build -t $OTHER:1 -f x/Dockerfile .\n";
        let script = ShellScript::parse(
            crate::mapped::MappedText::verbatim(src, 0),
            crate::parse::shell::ShellOrigin::Script,
        )
        .expect("parses");
        let got = published_by(&build_argvs_with_tags(&script), &[String::new()]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].name, "acme/app");
        assert_eq!(got[0].dockerfile, "Dockerfile");
    }

    #[test]
    fn published_names_of_docker_build_tags() {
        let argv = |l: &str| split_line(l).into_iter().next().unwrap_or_default();
        let cmds = vec![
            (
                1,
                argv("docker buildx build -f docker/dockerfile -t ghcr.io/acme/app:2 --target release ."),
            ),
            (2, argv("docker build -t \"$IMAGE:$TAG\" .")),
            (3, argv("docker run acme/app:2")),
        ];
        let got = published_by(&cmds, &[String::new()]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].name, "acme/app");
        assert_eq!(got[0].dockerfile, "docker/dockerfile");
        assert_eq!(got[0].target.as_deref(), Some("release"));
    }

    fn t(line: &str, cwd: &str) -> Vec<Target> {
        let exists = |p: &str| {
            matches!(
                p,
                "scripts/deploy.sh"
                    | "api/pyproject.toml"
                    | "docker-compose.yml"
                    | "tools/check.py"
                    | "web/package.json"
            )
        };
        let commands: Vec<_> = split_line(line).into_iter().map(|a| (1, a)).collect();
        targets_with_lines(&commands, cwd, false, &exists)
            .into_iter()
            .map(|t| (t.kind, t.to))
            .collect()
    }

    #[test]
    fn docker_builds() {
        assert_eq!(
            t("docker build -f docker/api.Dockerfile -t api:1 .", ""),
            vec![(RefKind::Builds, "docker/api.Dockerfile".into())]
        );
        assert_eq!(
            t(
                "docker buildx build --platform linux/amd64 --push services/worker",
                ""
            ),
            vec![(RefKind::Builds, "services/worker/Dockerfile".into())]
        );
        assert_eq!(
            t("cd x && docker build .", "deploy"),
            vec![(RefKind::Builds, "deploy/x/Dockerfile".into())]
        );
        assert!(t("docker build -f $DOCKERFILE .", "").is_empty());
        assert_eq!(
            t(
                "docker build -t jq-local --platform=\"$DOCKER_PLATFORM\" jq",
                ""
            ),
            vec![(RefKind::Builds, "jq/Dockerfile".into())]
        );
        assert!(t("docker run --rm api:1", "").is_empty());
    }

    #[test]
    fn installs_runs_and_compose() {
        assert_eq!(
            t(
                "pip install --no-cache-dir -r requirements/prod.txt -c constraints.txt",
                ""
            ),
            vec![
                (RefKind::Installs, "requirements/prod.txt".into()),
                (RefKind::Installs, "constraints.txt".into())
            ]
        );
        assert_eq!(
            t("python -m pip install -e .[dev]", "api"),
            vec![(RefKind::Installs, "api/pyproject.toml".into())]
        );
        assert_eq!(
            t("bash scripts/deploy.sh prod; python3 tools/check.py", ""),
            vec![
                (RefKind::Runs, "scripts/deploy.sh".into()),
                (RefKind::Runs, "tools/check.py".into())
            ]
        );
        assert_eq!(
            t("./scripts/deploy.sh", ""),
            vec![(RefKind::Runs, "scripts/deploy.sh".into())]
        );
        assert_eq!(
            t("docker compose up -d", ""),
            vec![(RefKind::UsesCompose, "docker-compose.yml".into())]
        );
        assert_eq!(
            t("docker-compose -f deploy/compose.prod.yml up", ""),
            vec![(RefKind::UsesCompose, "deploy/compose.prod.yml".into())]
        );
        assert_eq!(
            t("npm ci", "web"),
            vec![(RefKind::Installs, "web/package.json".into())]
        );
        assert!(t("python -c 'print(1)'", "").is_empty());
        // Without `-f`, compose finds its file in a parent directory too.
        assert_eq!(
            t("cd dump/off && docker compose up", ""),
            vec![(RefKind::UsesCompose, "docker-compose.yml".into())]
        );
    }

    #[test]
    fn compose_up_attached_or_detached() {
        let up = |line: &str| split_line(line).first().and_then(|argv| compose_up(argv));
        assert_eq!(up("docker compose up"), Some(ComposeUp::Attached));
        assert_eq!(
            up("docker-compose -f docker-amundsen.yml up"),
            Some(ComposeUp::Attached)
        );
        assert_eq!(
            up("docker compose -p demo --profile web up --build"),
            Some(ComposeUp::Attached)
        );
        assert_eq!(up("docker compose up -d"), Some(ComposeUp::Detached));
        assert_eq!(
            up("docker compose up -d --build"),
            Some(ComposeUp::Detached)
        );
        assert_eq!(
            up("docker compose up --build -d db"),
            Some(ComposeUp::Detached)
        );
        assert_eq!(up("docker compose up -Vd"), Some(ComposeUp::Detached));
        assert_eq!(up("docker compose up --detach"), Some(ComposeUp::Detached));
        assert_eq!(up("docker compose up --wait"), Some(ComposeUp::Detached));
        assert_eq!(up("docker compose up $FLAGS"), Some(ComposeUp::Detached));
        assert_eq!(up("docker compose -f up.yml down"), None);
        assert_eq!(up("docker compose exec db psql"), None);
        assert_eq!(up("docker build -t up ."), None);
    }
}
