//! `shell/missing-strict-mode`: scripts that keep going after a failed command,
//! an unset variable or a failed pipeline stage.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::classify::shebang_interpreter;
use crate::finding::{Edit, Finding, Fix, Severity};
use crate::parse::shell::{ShellOrigin, ShellScript, StrictMode, WordPart};
use crate::rules::shell::util::for_ci_context;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`]. Remembers, across files, which scripts other shell code sources
/// and which scripts turn strict mode on, for [`Rule::settle`].
#[derive(Default)]
pub struct MissingStrictMode {
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    /// `(sourcing file, path as written, its possible repository paths)`.
    sourced: Vec<SourceEdge>,
    /// Script files that set `-e`, `-u` and (for bash) `pipefail`.
    strict: HashSet<String>,
}

/// One `source X` / `. X`, resolved to the repository paths it can mean.
struct SourceEdge {
    /// Repository paths the target can be: relative to the root (where a script run
    /// from the root looks) and to the sourcing file's directory.
    candidates: Vec<String>,
    /// Only a tail is known (`"$DIR/lib.sh"` → `lib.sh`): match by path suffix too.
    suffix: Option<String>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/missing-strict-mode",
    summary: "script without `set -euo pipefail` (or with only part of it)",
    severity: Severity::Medium,
    docs: r#"
## Why
Without `set -e` a deploy or backup script carries on after a failed `cd`,
`pg_dump` or `scp` and reports success. Without `set -u` a typo in a variable
name expands to nothing (`rm -rf "$BUILDIR/"`). Without `pipefail`,
`pg_dump db | gzip > db.gz` succeeds when `pg_dump` fails, leaving an empty backup.

The rule checks scripts (a shell shebang, or a `.sh` file that runs commands). It
reports at medium only where a silent failure does damage: a script with a shell
shebang that sets none of `-e`, `-u`, `pipefail` and runs a command that changes
state somewhere (`rm`, `mv`, `cp`, `rsync`, `scp`, `ssh`, `tar`, a database dump or
restore, `docker`, `kubectl`, `helm`, `terraform`, `git`, `systemctl`, a cloud
CLI, a package manager), or that `cd`s and then writes files with `>` (a failed
`cd` sends every write to the wrong directory): a deploy, backup, rotation or
provisioning script. It reports at
low when
- some options are missing (the common `set -e` or `set -eo pipefail` without `-u`);
- the file has no shebang (it may be meant to be sourced into an interactive
  shell, where `set -e` is wrong);
- the script sources another file (`source scripts/_lib.sh`) that harden cannot
  see set strict mode: the options that file sets carry over to everything after
  it. When the sourced file does set them, nothing is reported;
- the script reads exit codes itself (`$?`, `PIPESTATUS`): it captures a failure
  on purpose (to copy test reports, then exit with the status), and `-e` would
  stop it before that;
- it only waits, checks or prints (a wait-for-database loop, a command check,
  `git rev-parse`, `docker ps`, `kubectl get`): nothing is left half-done when a
  step fails;
- it is a test runner or a local developer helper by name
  (`test-end-to-end.sh`, `run_tests.sh`, `build_docs_locally.sh`): a test
  runner's exit status is the tests' own, a local helper fails in front of its user;
- it only runs in CI (`.github/`, `.gitlab/`, `.circleci/`, `.buildkite/`): a
  half-done step there fails a throwaway job, not a server.

Tests, examples, development and CI-only tooling are capped at low by their role
as everywhere (docs/severity.md, "Context"). The
finding sits on the `set` line to extend when there is one, on line 1 otherwise. Options
set on the shebang line (`#!/bin/bash -eu`) count. A file that other shell code
sources (`source install/step.sh`, `. "$DIR/lib.sh"` in a script, a Dockerfile
`RUN` or a workflow step), or whose header tells the reader to source it
(`# usage: source hacking/env-setup`), is not reported: it runs in the sourcing
shell with its options, and `set -e` in it would change the caller. Being
sourced by a test does not count (a test sources a script to call its functions;
the script may still run on its own). `pipefail` is not required of
`#!/bin/sh` scripts (POSIX sh only gained it in 2024). Files that only define
functions and variables (libraries meant to be sourced, with or without a
shebang) are skipped: they inherit the caller's options. Shell inside Dockerfile `RUN` and workflow `run:` steps is
not checked: GitHub runs `bash -eo pipefail`, and Docker's `/bin/sh -c` runs one
command list.

## Example
```bash
#!/bin/bash
cd /srv/app
git pull
systemctl restart app
```

## Fix
Add `set -euo pipefail` after the shebang and header comments (`set -eu` for
`#!/bin/sh`). `harden fix --unsafe` does this; it is unsafe because `-u` makes a
script that reads an unset variable (`$1` with no argument, an optional
environment variable) fail where it used to continue: use `${VAR:-}` for those.

ShellCheck has no equivalent check (SC2311-style warnings only hint at `-e` pitfalls).
"#,
};

impl MissingStrictMode {
    /// Records what other files need to know: the files this shell code sources, and
    /// whether this script file turns strict mode on.
    fn remember(&self, script: &ShellScript, cx: &FileCx<'_>) {
        let from = cx.file.path.as_str();
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let mut edges = Vec::new();
        // A test sources a script to call its functions; the script may still be run
        // on its own (an image's entrypoint), so only other code makes it a fragment.
        let from_test = cx.role == crate::roles::FileRole::Test;
        for c in script.commands() {
            if from_test || (c.name != "source" && c.name != ".") {
                continue;
            }
            let Some(arg) = c.args.first() else { continue };
            let word = script.word(*arg);
            // The literal text after the last expansion: `"$DIR/lib/x.sh"` → `/lib/x.sh`.
            let mut tail = String::new();
            let mut dynamic = false;
            for part in &word.parts {
                match part {
                    WordPart::Literal(l) => tail.push_str(l),
                    _ => {
                        tail.clear();
                        dynamic = true;
                    }
                }
            }
            let tail = tail.trim_start_matches('/');
            let tail = tail.strip_prefix("./").unwrap_or(tail);
            if tail.is_empty() || tail.ends_with('/') {
                continue;
            }
            let mut candidates = vec![normalize(tail)];
            candidates.push(normalize(&format!("{dir}/{tail}")));
            candidates.retain(|c| !c.is_empty());
            edges.push(SourceEdge {
                candidates,
                suffix: dynamic.then(|| tail.to_string()),
            });
        }
        // A header that tells the reader to source the file (`# usage: source ./x.sh`).
        if script.origin == ShellOrigin::Script {
            let name = from.rsplit('/').next().unwrap_or(from);
            let declared = script.text().lines().take(20).any(|l| {
                let l = l.trim_start();
                l.starts_with('#')
                    && (l.contains("source ") || l.contains(". ./"))
                    && l.split_whitespace().any(|w| {
                        w.trim_end_matches(['`', '\'', '"'])
                            .ends_with(&format!("/{name}"))
                            || w == name
                    })
            });
            if declared {
                edges.push(SourceEdge {
                    candidates: vec![from.to_string()],
                    suffix: None,
                });
            }
        }
        let strict = script.origin == ShellOrigin::Script && {
            let mode = StrictMode::of(script);
            let first = script.text().lines().next().unwrap_or("");
            let posix = matches!(shebang_interpreter(first), Some("sh" | "dash" | "ash"));
            mode.errexit.is_some() && mode.nounset.is_some() && (posix || mode.pipefail.is_some())
        };
        if edges.is_empty() && !strict {
            return;
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.sourced.extend(edges);
            if strict {
                seen.strict.insert(from.to_string());
            }
        }
    }
}

/// `a/./b/../c` → `a/c`; empty when the path climbs above the root.
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.pop().is_none() {
                    return String::new();
                }
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// The files `source` edges name, indexed so that checking a finding costs one
/// lookup, not one comparison per edge (a repository can have thousands of both).
struct SourcedIndex<'e> {
    /// Repository paths an edge names exactly.
    exact: HashSet<&'e str>,
    /// Tails known only by suffix (`"$DIR/lib.sh"` → `lib.sh`), by their file name.
    tails: std::collections::HashMap<&'e str, Vec<&'e str>>,
}

impl<'e> SourcedIndex<'e> {
    fn new(edges: &'e [SourceEdge]) -> Self {
        let mut exact = HashSet::new();
        let mut tails: std::collections::HashMap<&str, Vec<&str>> =
            std::collections::HashMap::new();
        for e in edges {
            exact.extend(e.candidates.iter().map(String::as_str));
            if let Some(t) = e.suffix.as_deref() {
                let name = t.rsplit('/').next().unwrap_or(t);
                tails.entry(name).or_default().push(t);
            }
        }
        SourcedIndex { exact, tails }
    }

    /// Whether some `source` names `path`.
    fn names(&self, path: &str) -> bool {
        if self.exact.contains(path) {
            return true;
        }
        let name = path.rsplit('/').next().unwrap_or(path);
        self.tails.get(name).is_some_and(|ts| {
            ts.iter().any(|t| {
                path == *t
                    || (path.len() > t.len()
                        && path.ends_with(t)
                        && path.as_bytes()[path.len() - t.len() - 1] == b'/')
            })
        })
    }
}

impl Rule for MissingStrictMode {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn settles(&self) -> bool {
        true
    }

    /// A file other shell code sources runs inside that shell, with its options: its
    /// strict mode is the sourcing script's business (and `set -e` in it would change
    /// the caller). A script whose only gap is what it sources is covered when the
    /// sourced file turns strict mode on.
    fn settle(&self, _repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let Ok(seen) = self.seen.lock() else { return };
        let index = SourcedIndex::new(&seen.sourced);
        own.retain(|f| !index.names(&f.path));
        own.retain(|f| {
            let Some(lib) = sourced_in_message(&f.message) else {
                return true;
            };
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            let lib = lib.strip_prefix("./").unwrap_or(lib);
            let covered = [normalize(lib), normalize(&format!("{dir}/{lib}"))]
                .iter()
                .any(|p| seen.strict.contains(p));
            !covered
        });
    }

    fn check_shell(&self, script: &ShellScript, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        self.remember(script, cx);
        if script.origin != ShellOrigin::Script {
            return;
        }
        let name = cx.file.path.rsplit('/').next().unwrap_or("");
        if name.starts_with('.')
            || name.ends_with(".bats")
            || name.ends_with("rc")
            || name.contains("profile")
            || name.ends_with(".zsh")
        {
            return;
        }
        let text = script.text();
        let first_line = text.lines().next().unwrap_or("");
        let has_shebang = first_line.starts_with("#!");
        // Only functions and variables: a library sourced by other scripts (a
        // shebang is often kept on those for editors); it runs under its caller's options.
        if is_library(script) {
            return;
        }
        if script.commands().len() < 2 {
            return;
        }
        if has_shebang && !crate::classify::is_shell_shebang(first_line) {
            return;
        }
        let interp = shebang_interpreter(first_line).unwrap_or("bash");
        let posix_sh = matches!(interp, "sh" | "dash" | "ash");
        let mode = StrictMode::of(script);
        let mut missing = Vec::new();
        if mode.errexit.is_none() {
            missing.push("-e");
        }
        if mode.nounset.is_none() {
            missing.push("-u");
        }
        if mode.pipefail.is_none() && !posix_sh {
            missing.push("-o pipefail");
        }
        if missing.is_empty() {
            return;
        }
        let wanted = if posix_sh {
            "set -eu"
        } else {
            "set -euo pipefail"
        };
        let all_missing = missing.len() == if posix_sh { 2 } else { 3 };
        // Point at the `set` line to extend when there is one; at the shebang otherwise.
        let span = mode.first_set.clone().unwrap_or(0..first_line.len());
        let sourced = sourced_file(script);
        let message = if all_missing {
            match &sourced {
                Some(lib) => format!("no strict mode here: unless `{lib}` (sourced) sets it, errors, unset variables and failed pipes are ignored; add `{wanted}`"),
                None => format!("no strict mode: errors, unset variables and failed pipes are ignored; add `{wanted}`"),
            }
        } else {
            format!(
                "strict mode incomplete: missing `{}`; use `{wanted}`",
                missing.join("`, `")
            )
        };
        let fix = match &mode.first_set {
            Some(set_span) => out.edit(set_span.clone(), wanted),
            None => {
                let at = insertion_point(text);
                let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
                let prefix = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
                    nl
                } else {
                    ""
                };
                out.edit(at..at, format!("{prefix}{wanted}{nl}"))
            }
        };
        let f = out.report(span, message);
        // Without a shebang the file may be sourced into an interactive shell, where
        // `set -e` would be wrong: say it, but quietly.
        f.severity = if all_missing
            && has_shebang
            && sourced.is_none()
            && !reads_exit_status(text)
            && changes_state(script)
            && !runs_tests(name)
        {
            for_ci_context(cx, Severity::Medium)
        } else {
            Severity::Low
        };
        if let Some(edit) = fix {
            f.fix = Some(strict_fix(wanted, edit));
        }
    }
}

fn strict_fix(wanted: &str, edit: Edit) -> Fix {
    Fix::unsafe_because(
        format!("Add `{wanted}`"),
        "`-u` makes the script fail where it reads an unset variable (an optional argument or environment variable); `-e` stops it at the first failing command",
        vec![edit],
    )
}

/// After the shebang, header comments and blank lines that follow it.
fn insertion_point(text: &str) -> usize {
    let mut pos = 0;
    let mut first = true;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if (first && t.starts_with("#!")) || t.starts_with('#') {
            pos += line.len();
            first = false;
            continue;
        }
        break;
    }
    pos
}

/// The first file a script sources (`source scripts/_lib.sh`, `. "$DIR/lib.sh"`),
/// before its work or after parsing its arguments: the options that file sets carry
/// over to everything after it, and it cannot be read from here.
fn sourced_file(script: &ShellScript) -> Option<String> {
    let cmd = script
        .commands()
        .into_iter()
        .find(|c| c.name == "source" || c.name == ".")?;
    let t = script.text().get(cmd.span())?;
    let lib = t
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .trim_matches(['"', '\'']);
    (!lib.is_empty()).then(|| lib.to_string())
}

/// A test runner or a developer helper by its name (`test-end-to-end.sh`,
/// `run_tests.sh`, `build_docs_locally.sh`, `start_dev.sh`): a test runner's exit
/// status is the tests' own, and a local helper fails in front of its user.
/// The file a finding's message says the script sources (see the message above).
fn sourced_in_message(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("no strict mode here: unless `")?;
    let end = rest.find("` (sourced)")?;
    Some(&rest[..end])
}

fn runs_tests(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    stem.split(['-', '_']).any(|t| {
        matches!(
            t,
            "test" | "tests" | "e2e" | "runtests" | "dev" | "local" | "locally"
        )
    })
}

/// Whether the script reads exit statuses itself (`$?`, `${PIPESTATUS[0]}`): it
/// handles a failure on purpose, where `set -e` would stop it first.
fn reads_exit_status(text: &str) -> bool {
    text.contains("$?") || text.contains("PIPESTATUS")
}

/// Commands whose silent failure leaves something half-done: files moved or deleted,
/// a backup or restore, a deployment, a package install. A script that only waits,
/// checks or prints has nothing to leave half-done.
const STATEFUL: &[&str] = &[
    "rm",
    "mv",
    "cp",
    "rsync",
    "scp",
    "sftp",
    "ssh",
    "dd",
    "tar",
    "ln",
    "chmod",
    "chown",
    "install",
    "truncate",
    "pg_dump",
    "pg_dumpall",
    "pg_restore",
    "psql",
    "mysqldump",
    "mysql",
    "mongodump",
    "mongorestore",
    "sqlite3",
    "docker",
    "docker-compose",
    "podman",
    "kubectl",
    "helm",
    "terraform",
    "ansible-playbook",
    "systemctl",
    "service",
    "git",
    "aws",
    "gcloud",
    "gsutil",
    "az",
    "apt-get",
    "apt",
    "yum",
    "dnf",
    "apk",
    "pip",
    "pip3",
    "npm",
];

/// Subcommands of the tools in [`STATEFUL`] that only read (`git rev-parse`,
/// `docker ps`, `kubectl get`): a check script made of them changes nothing.
const READ_ONLY_SUBCOMMANDS: &[&str] = &[
    "rev-parse",
    "status",
    "log",
    "diff",
    "show",
    "describe",
    "ls-files",
    "ls-remote",
    "ps",
    "inspect",
    "logs",
    "images",
    "version",
    "info",
    "get",
    "top",
    "list",
    "ls",
    "lint",
    "template",
    "wait",
];

/// Whether the script runs a command from [`STATEFUL`] (directly or under `sudo`),
/// other than a read-only subcommand, or `cd`s somewhere and then writes files (a
/// failed `cd` makes every relative write land in the wrong directory).
fn changes_state(script: &ShellScript) -> bool {
    let commands = script.commands();
    let changes_dir = commands.iter().any(|c| c.name == "cd" || c.name == "pushd");
    commands.iter().any(|c| {
        let words: Vec<&str> = c
            .args
            .iter()
            .map(|a| script.node_text(*a))
            .filter(|a| !a.starts_with('-'))
            .collect();
        let (name, rest) = if c.name == "sudo" {
            (
                words.first().copied().unwrap_or(""),
                words.get(1..).unwrap_or(&[]),
            )
        } else {
            (c.name.as_str(), &words[..])
        };
        (STATEFUL.contains(&name)
            && !rest
                .first()
                .is_some_and(|sub| READ_ONLY_SUBCOMMANDS.contains(sub)))
            || (changes_dir
                && c.redirects
                    .iter()
                    .any(|r| writes_file(script.node_text(*r))))
    })
}

/// `> file`, `>> file`, `2> file`, `&> file`: a redirection that creates or truncates a
/// file (not `/dev/null`, not a descriptor).
fn writes_file(redirect: &str) -> bool {
    let r = redirect.trim_start_matches(|c: char| c.is_ascii_digit() || c == '&');
    let Some(rest) = r.strip_prefix('>') else {
        return false;
    };
    let dest = rest.trim_start_matches(['>', '|']).trim_start();
    !dest.is_empty() && !dest.starts_with('&') && !dest.starts_with("/dev/")
}

/// Only functions, assignments, exports, sources and comments: a library to be sourced.
fn is_library(script: &ShellScript) -> bool {
    let root = script.tree.root_node();
    let mut c = root.walk();
    let kids: Vec<_> = root.named_children(&mut c).collect();
    !kids.is_empty()
        && kids.iter().all(|n| match n.kind() {
            "function_definition" | "variable_assignment" | "comment" | "declaration_command" => {
                true
            }
            "command" => {
                let name = n
                    .child_by_field_name("name")
                    .map(|x| script.node_text(x))
                    .unwrap_or("");
                matches!(
                    name,
                    "source" | "." | "export" | "alias" | "readonly" | "set" | "shopt" | "umask"
                )
            }
            _ => false,
        })
}
