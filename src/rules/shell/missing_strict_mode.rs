//! `shell/missing-strict-mode`: scripts that keep going after a failed command,
//! an unset variable or a failed pipeline stage.

use std::collections::HashSet;

use crate::classify::shebang_interpreter;
use crate::finding::{Edit, Finding, Fix, Severity};
use crate::model::sourcing::normalize;
use crate::parse::shell::{ShellOrigin, ShellScript, StrictMode, WordPart};
use crate::rules::shell::util::for_ci_context;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`]. Which scripts other shell code sources and which turn strict
/// mode on is a model fact (`model::sourcing`), read in [`Rule::settle`].
#[derive(Default)]
pub struct MissingStrictMode;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/missing-strict-mode",
    summary: "script without `set -euo pipefail` (or with only part of it)",
    severity: Severity::Low,
    docs: r#"
## Why
Without `set -e` a deploy or backup script carries on after a failed `cd`,
`pg_dump` or `scp` and reports success. Without `set -u` a typo in a variable
name expands to nothing (`rm -rf "$BUILDIR/"`). Without `pipefail`,
`pg_dump db | gzip > db.gz` succeeds when `pg_dump` fails, leaving an empty backup.

The rule checks scripts (a shell shebang, or a `.sh` file that runs commands). It
reports at medium only where a silent failure does damage: a deploy, release,
backup, restore, rotation, rollback, publish, migration or provisioning script by
its name (`release.sh`, `backup-db.sh`) with a shell shebang that sets none of
`-e`, `-u`, `pipefail` and runs a command that changes state somewhere (`rm`, `mv`, `cp`, `rsync`, `scp`, `ssh`, `tar`, a database dump or
restore, `docker`, `kubectl`, `helm`, `terraform`, `git`, `systemctl`, a cloud
CLI, a package manager), or that `cd`s and then writes files with `>` (a failed
`cd` sends every write to the wrong directory): a deploy, backup, rotation or
provisioning script. Any other script, a container entrypoint or an install or
setup helper included, is reported at low: on the corpus, 2 of 32 findings judged
at medium were accepted there (a release script, an account-deleting admin
command), 15 were hygiene and 12 false (`bench/precision/judged.tsv`).
It reports at low also when
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

Only the options that change something in this script are asked for:
- `-e`, unless the script handles failures itself: it reads `$?`/`PIPESTATUS`, or
  its work is an endless `while true` loop (a housekeeping or retry loop must
  outlive one failed run) or a `while read` loop over its own standard input (a
  supervisord event listener, a line filter: one failed line must not end the stream); unless it sets `-u` or `pipefail` and leaves `-e` out
  (a choice: diagnostics and summaries that go on past failures), or turns an
  option off by name (`set +u`, `set +eu`, `set +o pipefail`, never turned on
  again: a Buildkite hook or a best-effort cleanup that must not stop; then no
  option is asked for); and unless
  nothing could fail and be walked past: every command that can fail is a test
  (`if`/`while`/`until` conditions, the left of `&&`/`||`) or the last thing the
  script does, the rest prints, sleeps or exits (a wait-for-database loop, a
  script of `echo`s and tests, functions that only print count as `echo`);
- `-u`, when the script expands, without a default, a variable it never assigns
  (an environment variable or a positional argument) — and not when it tests such a
  variable for emptiness (`[ -z $CI ]`, `[[ "$1" != "" ]]`, `[ "x$USER" = "x" ]`)
  or dispatches on it with a catch-all arm (`case "$1" in … *) usage;; esac`) or
  expands it unquoted as extra words of a command (`${EXTRA_ARGS}`, `$PYTEST_OPTS`):
  there "unset" is a signal, and `-u` would crash the script; variables bash sets
  itself (`EUID`, `BASH_SOURCE`, `OPTARG`…) are always set, and a function's `$1`
  is an argument its callers in the file pass;
- `pipefail`, when a pipeline runs as a statement of its own (not in `$(…)`, not
  negated) with an earlier stage that can fail (not `echo`/`printf`) and a last
  stage that does not notice an empty stream: not `| grep pattern`, not
  `| tee out.log` when the script reads `out.log` afterwards (tests that expect a
  command to fail check its output this way), not a consumer that fails on empty
  input (`tar -x`, `gunzip`, `sha256sum -c`, `gpg --dearmor`, `kubectl apply -f -`,
  `kubectl delete -f -`).
  That pipeline is given as a related location.
A script whose missing options all change nothing is not reported (`set -eux` in a
test with no pipeline). An `exec` wrapper (a container entrypoint that copies a config,
renders a file or sources an env file, then `exec "$@"`) is judged like any script: a
command before `exec` that fails unnoticed starts the main process in the wrong state,
and `-e` stops it there (low); one that only assigns, prints or tests before `exec` is
not reported. Monitoring plugins (`STATE_OK`, `STATE_CRITICAL`: the Nagios plugin API) are not
reported: such a plugin must exit with the status it decides (0 to 3), and `-e` or
`-u` would end it with another code. Container health-check scripts (`healthcheck.sh`,
`dms-healthcheck`) are not reported either: their exit status is the verdict the runtime
reads, decided by their own `|| exit 1` checks, and `-u` would turn an optional variable
left unset into an unhealthy container. Settings files without a shebang named as such (`ci-env.sh`,
`build_vars.sh`, `config.sh`), Jinja templates of scripts without a shebang
(`{{ MYSQL_HOST }}`, `{% if … %}`: the tool that renders them runs the result with its
own shell options, `sh -e -c`) and inputs of tests (scripts under a test's
`library/`, `files/`, `fixtures/`, `testdata/`) are not reported. bats helpers (`load`
plus functions, also through a helper function that only `load`s) count as libraries.

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
`#!/bin/sh`), or the part of it this script needs. `harden fix --unsafe` does this,
extending an existing `set` line and keeping what it sets (`set -eux` becomes
`set -euxo pipefail`); it is unsafe because `-u` makes a
script that reads an unset variable (`$1` with no argument, an optional
environment variable) fail where it used to continue: use `${VAR:-}` for those.

ShellCheck has no equivalent check (SC2311-style warnings only hint at `-e` pitfalls).
"#,
};

/// Whether a script's text is a Jinja template: a line with a `{% … %}` statement or a
/// `{{ NAME }}` expression (shell itself has neither: `${x}` and `{a,b}` are single
/// braces). A Go template handed to a command (`docker version --format
/// '{{.Server.Version}}'`, `{{json .}}`) is an argument, not a template of the script.
fn is_jinja_template(text: &str) -> bool {
    text.lines().any(|l| {
        let stmt = l.find("{%").is_some_and(|at| l[at..].contains("%}"));
        stmt || l.match_indices("{{").any(|(at, _)| {
            let rest = &l[at + 2..];
            let Some(end) = rest.find("}}") else {
                return false;
            };
            let inner = rest[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
            inner
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && !inner.contains(" .")
        })
    })
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
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        own.retain(|f| !repo.model.is_sourced_script(&f.path));
        own.retain(|f| {
            let Some(lib) = sourced_in_message(&f.message) else {
                return true;
            };
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            let lib = lib.strip_prefix("./").unwrap_or(lib);
            let covered = [normalize(lib), normalize(&format!("{dir}/{lib}"))]
                .iter()
                .any(|p| repo.model.is_strict_script(p));
            !covered
        });
    }

    fn check_shell(&self, script: &ShellScript, cx: &FileCx<'_>, out: &mut Sink<'_>) {
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
        // Inputs of tests (a module under `library/`, a file a test copies from
        // `files/`, `fixtures/`, `testdata/`) run to be tested, not to do work.
        if cx.role == crate::roles::FileRole::Test && is_test_input(&cx.file.path) {
            return;
        }
        let text = script.text();
        if is_monitoring_plugin(text) || is_health_probe(name) {
            return;
        }
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
        // `ci-env.sh`, `vars.sh` without a shebang: settings to `source`, where `set -e`
        // would change the caller's shell.
        if !has_shebang && names_settings(name) {
            return;
        }
        // A Jinja template of a script (`dockerize -wait tcp://{{ MYSQL_HOST }}…`,
        // `{% if RUN_X %}`) without a shebang is not run as it is: the project's tool
        // renders it and hands the result to a shell with the options it chooses
        // (`sh -e -c "$rendered"`), which this file cannot show.
        if !has_shebang && is_jinja_template(text) {
            return;
        }
        if has_shebang && !crate::classify::is_shell_shebang(first_line) {
            return;
        }
        let interp = shebang_interpreter(first_line).unwrap_or("bash");
        let posix_sh = matches!(interp, "sh" | "dash" | "ash");
        let mode = StrictMode::of(script);
        let mut missing = Vec::new();
        // A script that checks `$?` itself, or whose work is an endless loop (a
        // housekeeping or retry daemon), handles failures on purpose: `-e` would stop it
        // at the first one.
        // A `set -u` or `set -o pipefail` without `-e` is a choice, not an oversight:
        // such scripts (diagnostics, summaries) go on past failures on purpose.
        // So is a `set +u` or `set +eu` (a Buildkite hook, a best-effort cleanup): the
        // author named the options and turned them off; none is asked for then.
        let off = mode.turned_off;
        let errexit_left_out = mode.nounset.is_some() || mode.pipefail.is_some() || off.any();
        if mode.errexit.is_none()
            && !errexit_left_out
            && !reads_exit_status(text)
            && !runs_forever(script)
            && errexit_matters(script)
        {
            missing.push("-e");
        }
        // `-u` only matters where the script expands a variable it may not have set; a
        // script that tests `[ -z $CI ]` uses "unset" as a signal and would break.
        if mode.nounset.is_none() && !off.any() && nounset_matters(script) {
            missing.push("-u");
        }
        if mode.pipefail.is_none() && !posix_sh && !off.any() {
            missing.push("-o pipefail");
        }
        if missing.is_empty() {
            return;
        }
        // `pipefail` changes only what a pipeline returns when an earlier stage fails:
        // with `-e` and `-u` already set and no pipeline whose failure would go unseen,
        // adding it changes nothing.
        let masking = if mode.pipefail.is_none() && !posix_sh {
            failure_masking_pipeline(script)
        } else {
            None
        };
        // Without `-e` (left out on purpose or needless here) a pipeline's status stops
        // nothing either: `pipefail` alone changes nothing.
        let errexit_on = mode.errexit.is_some() || missing.contains(&"-e");
        if masking.is_none() || !errexit_on {
            missing.retain(|m| *m != "-o pipefail");
        }
        if missing.is_empty() {
            return;
        }
        let masking = masking.map(|span| {
            cx.locate(
                script.host_range(&span),
                "without `pipefail`, a failure of an earlier stage of this pipeline goes unseen",
            )
        });
        // What this script should end up with: `-e`, plus `-u` and `pipefail` where they
        // change something here (or are already on).
        let with_nounset = mode.nounset.is_some() || missing.contains(&"-u");
        let with_pipefail = mode.pipefail.is_some() || missing.contains(&"-o pipefail");
        let with_errexit = mode.errexit.is_some() || missing.contains(&"-e");
        let wanted = strict_line(with_errexit, with_nounset, with_pipefail);
        let wanted = wanted.as_str();
        let all_missing = mode.errexit.is_none()
            && mode.nounset.is_none()
            && (posix_sh || mode.pipefail.is_none());
        // Point at the `set` line to extend when there is one; at the shebang otherwise.
        let span = mode.first_set.clone().unwrap_or(0..first_line.len());
        let sourced = sourced_file(script);
        let ignored = ignored_failures(&missing);
        let message = if all_missing {
            match &sourced {
                Some(lib) => format!("no strict mode here: unless `{lib}` (sourced) sets it, {ignored} are ignored; add `{wanted}`"),
                None => format!("no strict mode: {ignored} are ignored; add `{wanted}`"),
            }
        } else {
            format!(
                "strict mode incomplete: missing `{}`; use `{wanted}`",
                missing.join("`, `")
            )
        };
        let fix = match &mode.first_set {
            // Extend the existing `set` line, keeping what it already sets (`-x`, …).
            Some(set_span) => {
                let existing = text.get(set_span.clone()).unwrap_or("set");
                out.edit(set_span.clone(), extended_set_line(existing, &missing))
            }
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
            && operational(name)
        {
            for_ci_context(cx, Severity::Medium)
        } else {
            Severity::Low
        };
        let added = if mode.first_set.is_some() {
            missing.join(" ")
        } else {
            wanted.to_string()
        };
        if let Some(edit) = fix {
            f.fix = Some(strict_fix(&added, edit));
        }
        f.related.extend(masking);
    }
}

/// Commands whose failure nobody needs `-e` to catch: they print, wait, set shell
/// state or end the script.
const CANNOT_FAIL_USEFULLY: &[&str] = &[
    "echo", "printf", "sleep", "true", ":", "exit", "return", "export", "local", "readonly",
    "declare", "typeset", "shift", "set", "unset", "break", "continue", "trap",
];

/// Whether `-e` would change what the script does: some command that can fail runs
/// outside a condition (`if`/`while`/`until` tests, the left of `&&`/`||`, `!`) and
/// something runs after it. A wait loop (`until nc -z db 5432; do sleep 1; done`) or a
/// script of `echo`s and tests gains nothing; the failure of the last command is the
/// script's exit status anyway.
fn errexit_matters(script: &ShellScript) -> bool {
    let commands = script.commands();
    let harmless = harmless_functions(script);
    commands.iter().any(|c| {
        !CANNOT_FAIL_USEFULLY.contains(&c.name.as_str())
            && !harmless.contains(&c.name.as_str())
            && !in_condition(c.node)
            && (in_loop(c.node)
                || commands
                    .iter()
                    .any(|later| later.node.start_byte() >= c.statement.end_byte()))
    })
}

/// Functions of the script whose body only runs [`CANNOT_FAIL_USEFULLY`] commands
/// (a `usage` or `log_info` that prints): calling them is like calling `echo`.
fn harmless_functions(script: &ShellScript) -> Vec<&str> {
    crate::parse::shell::descendants_of_kind(script.root(), "function_definition")
        .into_iter()
        .filter_map(|f| {
            let name = script.node_text(f.child_by_field_name("name")?);
            let body = f.child_by_field_name("body")?;
            let only_prints = crate::parse::shell::descendants_of_kind(body, "command")
                .into_iter()
                .all(|c| {
                    let called = c
                        .child_by_field_name("name")
                        .map(|n| script.node_text(n))
                        .unwrap_or("");
                    CANNOT_FAIL_USEFULLY.contains(&called)
                });
            only_prints.then_some(name)
        })
        .collect()
}

/// Whether a node is in the body of a loop: the next iteration runs after it.
fn in_loop(node: tree_sitter::Node<'_>) -> bool {
    let mut at = node.parent();
    while let Some(n) = at {
        if matches!(
            n.kind(),
            "for_statement" | "c_style_for_statement" | "while_statement"
        ) {
            return true;
        }
        at = n.parent();
    }
    false
}

/// Whether a node runs as a test whose failure `-e` ignores: an `if`/`elif`/`while`/
/// `until` condition, a command before `&&`/`||`, a negated command.
fn in_condition(node: tree_sitter::Node<'_>) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "if_statement" | "elif_clause" => {
                let mut c = parent.walk();
                let then = parent.children(&mut c).find(|k| k.kind() == "then");
                if then.is_some_and(|t| child.end_byte() <= t.start_byte()) {
                    return true;
                }
            }
            "while_statement"
                if child.kind() != "do_group"
                    && parent.child_by_field_name("body") != Some(child) =>
            {
                return true;
            }
            "list"
                if parent.named_child(parent.named_child_count().saturating_sub(1) as u32)
                    != Some(child) =>
            {
                return true;
            }
            "negated_command" => return true,
            _ => {}
        }
        child = parent;
    }
    false
}

/// Whether the script's work is a top-level `while true` / `while :` / `until false`
/// loop, or a `while read` loop over the script's own standard input (an event
/// listener or a line filter: supervisord event listeners, log processors): a service
/// loop, which must outlive a failed iteration.
fn runs_forever(script: &ShellScript) -> bool {
    let root = script.root();
    let mut c = root.walk();
    let found = root.named_children(&mut c).any(|n| {
        // `while read line; do …; done < /dev/stdin` is a redirected statement.
        let (n, from_stdin) = match n.kind() {
            "redirected_statement" => match n.child_by_field_name("body") {
                Some(body) => {
                    let text = script.node_text(n);
                    let redirect = text
                        .get(body.end_byte().saturating_sub(n.start_byte())..)
                        .unwrap_or("")
                        .trim();
                    (
                        body,
                        redirect.trim_start_matches('<').trim() == "/dev/stdin",
                    )
                }
                None => return false,
            },
            _ => (n, true),
        };
        if n.kind() != "while_statement" {
            return false;
        }
        if let Some(cond) = n.child_by_field_name("condition") {
            let cond = script.node_text(cond).trim();
            if from_stdin && (cond.starts_with("read ") || cond.starts_with("IFS= read ")) {
                return true;
            }
        }
        if !from_stdin {
            return false;
        }
        let Some(cond) = n.child_by_field_name("condition") else {
            return false;
        };
        let cond = script.node_text(cond).trim().trim_end_matches(';').trim();
        let head = script.node_text(n).trim_start();
        (head.starts_with("while") && matches!(cond, "true" | ":" | "[ 1 ]"))
            || (head.starts_with("until") && cond == "false")
    });
    found
}

/// A path under a directory of test inputs rather than test runners.
fn is_test_input(path: &str) -> bool {
    path.split('/').rev().skip(1).any(|d| {
        matches!(
            d,
            "files" | "library" | "fixtures" | "fixture" | "testdata" | "test-data" | "test_data"
        )
    })
}

/// A file name that says the file holds settings to source (`env.sh`, `ci-env.sh`,
/// `build_vars.sh`, `config.sh`).
fn names_settings(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    stem.rsplit(['-', '_']).next().is_some_and(|t| {
        matches!(
            t,
            "env" | "environment" | "vars" | "variables" | "config" | "settings"
        )
    })
}

/// Commands whose failure `pipefail` would not reveal anyway: they only print.
const CANNOT_FAIL: &[&str] = &["echo", "printf", "yes", "true", ":"];

/// Final pipeline stages that check what the earlier ones printed: a failed producer
/// prints nothing to match, so the check fails and `-e` stops the script regardless.
const CHECKS_OUTPUT: &[&str] = &["grep", "egrep", "fgrep", "zgrep", "rg"];

/// The first pipeline whose earlier stage can fail without anything noticing: run as a
/// statement of its own (not inside `$(…)`, whose output the script then uses, nor
/// negated with `!`), an earlier stage that can fail, and a last stage that does not
/// check the output (`| tee log`, `| sort`, `| sh`; not `| grep pattern`).
fn failure_masking_pipeline(script: &ShellScript) -> Option<std::ops::Range<usize>> {
    let mut found = None;
    crate::parse::shell::preorder_with_ancestors(script.root(), |n, ancestors| {
        if found.is_some() {
            return false;
        }
        if n.kind() != "pipeline" {
            return true;
        }
        if ancestors.iter().any(|a| {
            matches!(
                a.kind(),
                "command_substitution" | "process_substitution" | "negated_command" | "pipeline"
            )
        }) || script.node_text(n).starts_with('!')
        {
            return false;
        }
        let mut cursor = n.walk();
        let stages: Vec<_> = n.named_children(&mut cursor).collect();
        let Some((last, earlier)) = stages.split_last() else {
            return false;
        };
        let can_fail = earlier
            .iter()
            .any(|s| !CANNOT_FAIL.contains(&stage_command(script, *s).as_str()));
        let consumer = stage_command(script, *last);
        let checked = CHECKS_OUTPUT.contains(&consumer.as_str())
            || (consumer == "tee" && tee_file_read_later(script, *last))
            || crate::rules::shell::util::consumer_fails_on_bad_input(script, n);
        if can_fail && !checked {
            found = Some(n.byte_range());
        }
        false
    });
    found
}

/// `cmd | tee out.log` followed by a command that reads `out.log` (`grep … out.log`,
/// `test "$(grep -c … out.log)" = 1`): the script checks the output afterwards, as
/// tests do, and may expect `cmd` itself to fail.
fn tee_file_read_later(script: &ShellScript, tee: tree_sitter::Node<'_>) -> bool {
    let text = script.text();
    let files: Vec<&str> = script
        .node_text(tee)
        .split_whitespace()
        .skip(1)
        .filter(|w| !w.starts_with('-'))
        .map(|w| w.trim_matches(['"', '\'']))
        .filter(|w| !w.is_empty())
        .collect();
    let rest = text.get(tee.end_byte()..).unwrap_or("");
    files.iter().any(|f| {
        rest.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .any(|l| {
                l.split_whitespace()
                    .any(|w| w.trim_matches(['"', '\'', ')', ';']) == *f)
            })
    })
}

/// A `[ … ]` / `[[ … ]]` / `test …` that checks whether something is empty.
fn tests_emptiness(test: &str) -> bool {
    let squeezed: String = test.split_whitespace().collect::<Vec<_>>().join(" ");
    squeezed.contains("-z ")
        || squeezed.contains("-n ")
        || ["= \"\"", "= ''", "= \"x\"", "= x "]
            .iter()
            .any(|p| squeezed.contains(p))
}

/// Special parameters that are always set (`$@`, `$#`, `$?`, …).
const ALWAYS_SET: &[&str] = &[
    "@",
    "*",
    "#",
    "?",
    "$",
    "!",
    "0",
    "-", // special parameters
    // Set by bash itself (or by `getopts` before the loop body reads them).
    "EUID",
    "UID",
    "PPID",
    "BASH_SOURCE",
    "BASH_VERSION",
    "FUNCNAME",
    "HOSTNAME",
    "LINENO",
    "PWD",
    "RANDOM",
    "SECONDS",
    "OPTARG",
    "OPTIND",
    "PIPESTATUS",
];

/// Whether `set -u` would change something: the script expands, without a default, a
/// variable it never assigns itself (an environment variable or a positional
/// argument) — and does not test such a variable for emptiness (`[ -z $CI ]`, where
/// `-u` would turn "not set" into a crash).
fn nounset_matters(script: &ShellScript) -> bool {
    let mut assigned: HashSet<String> = HashSet::new();
    let mut expanded: Vec<(String, bool)> = Vec::new();
    crate::parse::shell::preorder_with_ancestors(script.root(), |n, ancestors| {
        match n.kind() {
            // `X=1 cmd` sets X for that command only, not for the script.
            "variable_assignment" if ancestors.last().is_some_and(|p| p.kind() == "command") => {}
            "variable_assignment" => {
                if let Some(name) = n.child_by_field_name("name") {
                    assigned.insert(script.node_text(name).to_string());
                }
            }
            "for_statement" => {
                if let Some(name) = n.child_by_field_name("variable") {
                    assigned.insert(script.node_text(name).to_string());
                }
            }
            "command" => {
                let name = n
                    .child_by_field_name("name")
                    .map(|x| script.node_text(x))
                    .unwrap_or("");
                if matches!(name, "read" | "local" | "declare" | "typeset" | "getopts") {
                    let mut c = n.walk();
                    for arg in n.children_by_field_name("argument", &mut c) {
                        let w = script.node_text(arg);
                        if !w.starts_with('-') {
                            assigned.insert(w.split('=').next().unwrap_or(w).to_string());
                        }
                    }
                }
            }
            "simple_expansion" | "expansion" => {
                // Inside `[ -z "$X" ]`, `[[ "$1" != "" ]]`, `[ "x$X" = "x" ]`: the script
                // asks whether the variable is set.
                let tested = ancestors
                    .iter()
                    .rev()
                    .find(|a| a.kind() == "test_command")
                    .is_some_and(|t| tests_emptiness(script.node_text(*t)))
                    || dispatched_with_fallback(script, n, ancestors)
                    || optional_words(script, n, ancestors);
                // `$1` inside a function is an argument of a call in this same file.
                let in_function = ancestors.iter().any(|a| a.kind() == "function_definition");
                for part in script.word(n).parts {
                    if let WordPart::Var(e) = part {
                        // unless the function tests it (`[ -z "$3" ]`: an optional
                        // argument, which `-u` would crash on).
                        if in_function && e.name.bytes().all(|b| b.is_ascii_digit()) {
                            if tested {
                                expanded.push((e.name, true));
                            }
                            continue;
                        }
                        let defaulted = matches!(
                            e.operator.as_deref(),
                            Some(":-" | "-" | ":=" | "=" | ":+" | "+" | ":?" | "?")
                        );
                        if !defaulted && !ALWAYS_SET.contains(&e.name.as_str()) {
                            expanded.push((e.name, tested));
                        }
                    }
                }
                return false;
            }
            _ => {}
        }
        true
    });
    let unassigned: Vec<&(String, bool)> = expanded
        .iter()
        .filter(|(name, _)| !assigned.contains(name))
        .collect();
    !unassigned.is_empty() && !unassigned.iter().any(|(_, tested)| *tested)
}

/// `cmd ${EXTRA_ARGS}`, `${ADDITIONAL_FLAGS}`: an unquoted expansion of a variable
/// named for extra words of a command line is optional by convention (unset means
/// "no extra flags"); `-u` would crash every run that does not set it.
fn optional_words(
    script: &ShellScript,
    expansion: tree_sitter::Node<'_>,
    ancestors: &[tree_sitter::Node<'_>],
) -> bool {
    let quoted = ancestors.last().is_some_and(|p| p.kind() == "string");
    let name = script
        .node_text(expansion)
        .trim_start_matches('$')
        .trim_matches(['{', '}'])
        .to_ascii_uppercase();
    !quoted
        && ["FLAGS", "ARGS", "OPTS", "OPTIONS", "PARAMS"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

/// Whether an expansion is the subject of a `case` with a catch-all arm (`case "$1"
/// in start) …;; *) usage;; esac`): the script treats "no argument" as a case of its
/// own, and `-u` would crash it before the usage text.
fn dispatched_with_fallback(
    script: &ShellScript,
    expansion: tree_sitter::Node<'_>,
    ancestors: &[tree_sitter::Node<'_>],
) -> bool {
    ancestors
        .iter()
        .rev()
        .find(|a| a.kind() == "case_statement")
        .is_some_and(|case| {
            let subject = case.child_by_field_name("value");
            let is_subject = subject.is_some_and(|v| {
                v.start_byte() <= expansion.start_byte() && expansion.end_byte() <= v.end_byte()
            });
            let mut c = case.walk();
            let catch_all = case.named_children(&mut c).any(|item| {
                item.kind() == "case_item" && script.node_text(item).trim_start().starts_with("*)")
            });
            is_subject && catch_all
        })
}

/// The name of the command a pipeline stage runs (its first simple command), without
/// the directory; empty for a stage that is not a plain command.
fn stage_command(script: &ShellScript, stage: tree_sitter::Node<'_>) -> String {
    let mut name = String::new();
    crate::parse::shell::preorder(stage, |n| {
        if !name.is_empty() {
            return false;
        }
        if n.kind() == "command" {
            name = n
                .child_by_field_name("name")
                .map(|x| x.named_child(0).unwrap_or(x))
                .map(|x| script.word(x).static_value().unwrap_or_default())
                .unwrap_or_default();
            name = name.rsplit('/').next().unwrap_or("").to_string();
            return false;
        }
        true
    });
    name
}

/// `existing` (a `set` command) with the `missing` options added and what it already
/// sets kept: `set -eux` + `-o pipefail` → `set -euxo pipefail`, `set -eo pipefail` +
/// `-u` → `set -euo pipefail`. A line with anything but flags and `-o NAME` gets the
/// options appended as they are.
fn extended_set_line(existing: &str, missing: &[&str]) -> String {
    let mut words = existing.split_whitespace();
    let _set = words.next();
    let mut letters = String::new();
    let mut long: Vec<&str> = Vec::new();
    let mut pending_o = false;
    for w in words {
        if pending_o {
            long.push(w);
            pending_o = false;
        } else if w == "-o" {
            pending_o = true;
        } else if let Some(flags) = w
            .strip_prefix('-')
            .filter(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_alphabetic()))
        {
            match flags.strip_suffix('o') {
                Some(rest) => {
                    letters.push_str(rest);
                    pending_o = true;
                }
                None => letters.push_str(flags),
            }
        } else {
            return format!("{existing} {}", missing.join(" "));
        }
    }
    if pending_o {
        return format!("{existing} {}", missing.join(" "));
    }
    for m in missing {
        match *m {
            "-o pipefail" => long.push("pipefail"),
            flag => letters.push_str(flag.trim_start_matches('-')),
        }
    }
    // `e` and `u` first, as people write them; the other letters (`x`, `v`) after.
    let mut ordered: String = ['e', 'u']
        .iter()
        .filter(|c| letters.contains(**c))
        .collect();
    for c in letters.chars() {
        if !ordered.contains(c) {
            ordered.push(c);
        }
    }
    let mut line = String::from("set");
    let mut long = long.into_iter();
    match (ordered.is_empty(), long.next()) {
        (false, Some(first)) => line.push_str(&format!(" -{ordered}o {first}")),
        (false, None) => line.push_str(&format!(" -{ordered}")),
        (true, Some(first)) => line.push_str(&format!(" -o {first}")),
        (true, None) => {}
    }
    for name in long {
        line.push_str(&format!(" -o {name}"));
    }
    line
}

/// What goes unnoticed without the `missing` options, in words.
fn ignored_failures(missing: &[&str]) -> String {
    let words: Vec<&str> = missing
        .iter()
        .map(|m| match *m {
            "-e" => "errors",
            "-u" => "unset variables",
            _ => "failed pipes",
        })
        .collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `set -euo pipefail` and its smaller forms.
fn strict_line(errexit: bool, nounset: bool, pipefail: bool) -> String {
    let letters: String = [(errexit, 'e'), (nounset, 'u')]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, c)| *c)
        .collect();
    match (letters.is_empty(), pipefail) {
        (false, true) => format!("set -{letters}o pipefail"),
        (false, false) => format!("set -{letters}"),
        (true, _) => "set -o pipefail".into(),
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
        .iter()
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

/// A deploy, release, backup or migration script by name (`release.sh`,
/// `backup-db.sh`, `deploy_prod`): where a step that fails unnoticed leaves a
/// production system half-changed. Reviewed on the corpus, the other scripts without
/// strict mode that change state (container entrypoints, install and setup helpers,
/// cron helpers, generators) were hygiene, judged low.
fn operational(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).to_ascii_lowercase();
    stem.split(['-', '_']).any(|t| {
        [
            "deploy",
            "release",
            "backup",
            "restore",
            "rotate",
            "rollback",
            "publish",
            "migrate",
            "provision",
        ]
        .iter()
        .any(|k| t.starts_with(k))
    })
}

/// Whether the script reads exit statuses itself (`$?`, `${PIPESTATUS[0]}`): it
/// handles a failure on purpose, where `set -e` would stop it first.
fn reads_exit_status(text: &str) -> bool {
    text.contains("$?") || text.contains("PIPESTATUS")
}

/// Whether the script is a monitoring plugin (the Nagios plugin API: `STATE_OK=0` …
/// `STATE_CRITICAL=2`): it must end with the status it decides for every outcome,
/// 0 to 3; `set -e` or `-u` would end it with a command's or the shell's own code.
fn is_monitoring_plugin(text: &str) -> bool {
    text.contains("STATE_CRITICAL") && text.contains("STATE_OK")
}

/// Whether the file is named as a container health check (`healthcheck.sh`,
/// `dms-healthcheck`, `health_check.sh`): a probe whose exit status is the verdict the
/// runtime reads, decided by its own `|| exit 1` checks. `set -e` adds nothing there,
/// and `-u` turns an optional variable left unset (`$LOG_LEVEL`) into an "unhealthy"
/// container.
fn is_health_probe(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["healthcheck", "health-check", "health_check"]
        .iter()
        .any(|w| lower.contains(w))
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
    let root = script.root();
    let mut c = root.walk();
    let kids: Vec<_> = root.named_children(&mut c).collect();
    // A helper defined here that only pulls in other helpers (`__load_helpers() { load
    // a; load b; }` then `__load_helpers`): calling it is a library's own set-up.
    let loaders: Vec<&str> = kids
        .iter()
        .filter(|n| n.kind() == "function_definition")
        .filter_map(|f| {
            let name = script.node_text(f.child_by_field_name("name")?);
            let body = f.child_by_field_name("body")?;
            let commands = crate::parse::shell::descendants_of_kind(body, "command");
            let only_loads = !commands.is_empty()
                && commands.iter().all(|c| {
                    matches!(
                        c.child_by_field_name("name").map(|n| script.node_text(n)),
                        Some("source" | "." | "load")
                    )
                });
            only_loads.then_some(name)
        })
        .collect();
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
                // `load` is how bats test helpers pull in other helpers.
                loaders.contains(&name)
                    || matches!(
                        name,
                        "source"
                            | "."
                            | "load"
                            | "export"
                            | "alias"
                            | "readonly"
                            | "set"
                            | "shopt"
                            | "umask"
                    )
            }
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapped::MappedText;

    fn script(text: &str) -> ShellScript {
        ShellScript::parse(MappedText::verbatim(text, 0), ShellOrigin::Script).expect("parses")
    }

    #[test]
    fn extends_the_set_line_keeping_its_flags() {
        assert_eq!(
            extended_set_line("set -eux", &["-o pipefail"]),
            "set -euxo pipefail"
        );
        assert_eq!(
            extended_set_line("set -eo pipefail", &["-u"]),
            "set -euo pipefail"
        );
        assert_eq!(extended_set_line("set -x", &["-e", "-u"]), "set -eux");
        assert_eq!(
            extended_set_line("set -e -o errtrace", &["-o pipefail"]),
            "set -eo errtrace -o pipefail"
        );
        assert_eq!(
            extended_set_line("set -e -- \"$@\"", &["-u"]),
            "set -e -- \"$@\" -u"
        );
    }

    #[test]
    fn pipefail_matters_only_for_a_pipeline_whose_failure_goes_unseen() {
        let masks = |t: &str| failure_masking_pipeline(&script(t)).is_some();
        assert!(masks("make build | tee build.log\n"));
        assert!(!masks(
            "kubectl create sa ci --dry-run=client -o yaml | kubectl apply -f -\n"
        ));
        assert!(masks("curl -fsSL \"$URL\" | sh\n"));
        assert!(!masks("echo hi | tr a-z A-Z\n"));
        assert!(!masks("ansible-playbook site.yml | grep -q 'failed=0'\n"));
        assert!(!masks("count=$(ls | wc -l)\n"));
        assert!(!masks("run.sh 2>&1 | tee out.txt\ngrep 'done' out.txt\n"));
        assert!(!masks("! bad-cmd | sort\n"));
        assert!(!masks("make\nmake install\n"));
        assert!(!masks(
            "kustomize build istio/ | kubectl -n kf apply --server-side -f -\n"
        ));
        assert!(!masks("kustomize build istio/ | kubectl delete -f -\n"));
    }

    #[test]
    fn service_loops_and_exit_status_checks_handle_failures_themselves() {
        assert!(runs_forever(&script(
            "while true; do\n  manage.py housekeeping\n  sleep 60\ndone\n"
        )));
        assert!(runs_forever(&script("while :; do work; done\n")));
        assert!(runs_forever(&script(
            "printf 'READY\\n'\nwhile read line; do\n  kill -3 $(cat /run/s.pid)\ndone < /dev/stdin\n"
        )));
        assert!(runs_forever(&script(
            "while IFS= read -r l; do handle \"$l\"; done\n"
        )));
        assert!(!runs_forever(&script(
            "while read host; do ssh \"$host\" reboot; done < hosts.txt\n"
        )));
        assert!(!runs_forever(&script(
            "while read -r l; do echo \"$l\"; done < f\n"
        )));
        assert!(reads_exit_status(
            "flask db upgrade\nif [[ \"$?\" == \"0\" ]]; then break; fi\n"
        ));
    }

    #[test]
    fn jinja_templates_but_not_go_template_arguments() {
        assert!(is_jinja_template(
            "dockerize -wait tcp://{{ MYSQL_HOST }}:{{ MYSQL_PORT }}\n"
        ));
        assert!(is_jinja_template(
            "{% if RUN_X %}setowner 1000 /mnt{% endif %}\n"
        ));
        assert!(is_jinja_template("echo {{-patch(\"x\")}}\n"));
        assert!(!is_jinja_template(
            "V=$(docker version --format '{{.Server.Version}}')\n"
        ));
        assert!(!is_jinja_template(
            "docker inspect --format '{{json .Config}}' x\n"
        ));
        assert!(!is_jinja_template("echo ${HOME} {a,b}\n"));
    }

    #[test]
    fn errexit_matters_only_when_a_failure_could_be_walked_past() {
        let matters = |t: &str| errexit_matters(&script(t));
        assert!(matters("cd /srv/app\nrm -rf build\n"));
        assert!(matters("VERSION=$(git describe)\necho \"$VERSION\"\n"));
        assert!(matters("sed 's/a/b/' .env > env\nexec \"$@\"\n"));
        // A wait loop: the only command that can fail is the loop's test.
        assert!(!matters(
            "until nc -z -w30 \"${DB_HOST:=db}\" 3306\ndo\n  echo waiting\n  sleep 1\ndone\n"
        ));
        // Tests and prints only.
        assert!(!matters(
            "S=ok\necho \"$S\"\nif [ -z \"$S\" ]; then\n  echo FAIL\n  exit 1\nfi\n"
        ));
        assert!(!matters("[ -f .env ] && cp .env .env.bak\n"));
        // The last command's failure is the script's exit status.
        assert!(!matters("echo building\nmake\n"));
        // Functions that only print are as harmless as `echo`.
        assert!(!matters(
            "usage() {\n  printf 'Usage: %s\\n' \"$0\"\n}\nwhile getopts ':p:' f; do\n  case $f in\n    p) P=$OPTARG ;;\n    *) usage\n       exit 1 ;;\n  esac\ndone\necho \"$P\"\n"
        ));
        // In a loop the next iteration runs after a failure.
        assert!(matters("for f in *.sql; do\n  psql -f \"$f\"\ndone\n"));
    }

    #[test]
    fn nounset_matters_only_for_variables_the_script_does_not_set() {
        let matters = |t: &str| nounset_matters(&script(t));
        assert!(matters("rm -rf \"$BUILD_DIR/\"\n"));
        assert!(matters("cp \"$1\" /tmp\n"));
        assert!(!matters("mypy app\nruff check app\n"));
        assert!(!matters(
            "DIR=/opt\ncd \"$DIR\"\nfor f in *; do echo \"$f\"; done\n"
        ));
        assert!(!matters("cd \"${ROOT:-.}\" && make \"$@\"\n"));
        // The script tests the variable for emptiness: `-u` would crash it there.
        assert!(!matters(
            "if [ -z $GITHUB_ACTIONS ]; then scripts/check; fi\n"
        ));
        assert!(!matters("while [[ \"$1\" != \"\" ]]; do shift; done\n"));
        assert!(!matters(
            "if [ \"x${DOCKER_USER}\" = \"x\" ]; then exit 0; fi\n"
        ));
        // Extra flags left unset mean "none".
        assert!(!matters("./api-test -v ${ADDITIONAL_FLAGS} 2>&1\n"));
        assert!(matters("./api-test -v \"${TARGET_DIR}\"\n"));
        // A function's own arguments are passed by calls in the same file.
        assert!(!matters(
            "log() { echo \"[INFO] $1\"; }\nlog start\ncase \"${1:-}\" in\n  go) log go ;;\nesac\n"
        ));
        // …but a function that tests an optional argument would crash under `-u`.
        assert!(!matters(
            "ask() {\n  if [ -z \"$3\" ]; then echo \"$1\"; fi\n}\nask q a\nrm -rf \"$TARGET\"\n"
        ));
        // `case "$1"` with a catch-all usage arm: no argument is a case of its own.
        assert!(!matters(
            "case \"$1\" in\n  start) run ;;\n  *) echo \"Usage: $0 start\"; exit 1 ;;\nesac\n"
        ));
        assert!(matters("case \"$1\" in\n  start) run ;;\nesac\n"));
        // A prefix assignment sets the variable for one command only.
        assert!(matters("GIT_REPO=\"$GIT_REPO\" go test ./...\n"));
    }
}
