//! `shell/unsafe-rm`: `rm -r` on a path built from a variable that may be empty or unset.

use crate::finding::{Fix, Severity};
use crate::parse::shell::{ShellOrigin, ShellScript, WordPart};
use crate::rules::shell::vars::VarFacts;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct UnsafeRm;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/unsafe-rm",
    summary: "`rm -r` on a path that starts with a variable which may be empty or unset",
    severity: Severity::High,
    docs: r#"
## Why
`rm -rf "$STAGING/"` deletes `/` when `STAGING` is empty or unset; `rm -rf $DIR/*`
deletes everything under `/`. One missing environment variable, a typo in its
name, or a failed `cd`/command substitution is enough. This is how
Steam's launcher wiped home directories (`rm -rf "$STEAMROOT/"*`).

The rule reports `rm` with `-r`/`-R`/`--recursive` whose operand begins with
`$VAR/` or `${VAR}/` followed only by slashes and globs (`"$STAGING/"`,
`$DIR/*`: high), or with a literal sub-directory after it (`"$DIR/build"`, which
removes `/build` when DIR is empty, a mistake that cannot reach `/`: low, unless
that sub-directory is a system one such as `/lib`, `/usr` or `/etc`: high; two fixed
directories, `"$ROOT/src/app/_generated"`, are not reported: with ROOT empty that path
exists on no system), or has
a whole path segment that is a variable, such as `/srv/$APP/` (medium; low when a
named directory follows it, `/srv/$APP/data`, which then removes `/srv/data`), unless
the script proves the variable non-empty:

- `${VAR:?}` / `${VAR?}` at that use, or earlier anywhere in the script;
- a `-n`/`-z`/`-d`/`-e`/`-f` test of the variable before the `rm`;
- every assignment of the variable in the script is non-empty
  (a literal, `"$BASE/build"`, `$(mktemp -d)`, `$(cd "$(dirname "$0")" && pwd)`,
  `${X:-default}`), or is a function's positional parameter (`local DIR=$4`) and
  every call of that function in the script passes a non-empty value there;
- a `for` loop variable, or a variable the environment always sets (`HOME`, `PWD`,
  `GITHUB_WORKSPACE`, `RUNNER_TEMP`).

A variable the script never assigns, under `set -u`, is reported at medium: `set -u`
stops the unset case, not the empty one (`STAGING= ./clean.sh`).

Not checked inside Dockerfile `RUN`: there the variables come from `ARG`/`ENV`.

## Example
```sh
rm -rf $BUILD_DIR/*          # empty BUILD_DIR: rm -rf /*
rm -rf "$STAGING/"           # empty STAGING:   rm -rf /
rm -rf /var/www/$SITE        # empty SITE:      rm -rf /var/www/
```
Fine:
```sh
rm -rf "${BUILD_DIR:?}"/*
tmp=$(mktemp -d); rm -rf "$tmp/"
for d in "$root"/cache-*; do rm -rf "$d"; done
```

## Fix
Write the expansion as `${VAR:?}` so the shell aborts instead of expanding to
nothing: `rm -rf "${STAGING:?}/"`. `harden fix` makes this change (safe: it only
adds a failure where the command would otherwise have deleted the wrong tree).

ShellCheck reports the `"$VAR"/*` form as SC2115; it does not report the quoted
`"$VAR/"` form or mid-path segments, and does not credit earlier guards.
"#,
};

/// Variable names that a `for`/`read` typically makes per-item (never empty in practice).
fn is_recursive_flag(arg: &str) -> bool {
    if arg == "--recursive" {
        return true;
    }
    arg.starts_with('-') && !arg.starts_with("--") && arg[1..].chars().any(|c| c == 'r' || c == 'R')
}

impl Rule for UnsafeRm {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_shell(&self, script: &ShellScript, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if script.origin == ShellOrigin::DockerRun {
            return;
        }
        let mut facts: Option<VarFacts> = None;
        let mut nounset: Option<bool> = None;
        for cmd in script.commands() {
            if cmd.name != "rm" {
                continue;
            }
            let values = cmd.arg_values(script);
            let mut end_of_options = false;
            let recursive = values
                .iter()
                .flatten()
                .take_while(|v| *v != "--")
                .any(|v| is_recursive_flag(v));
            if !recursive {
                continue;
            }
            for (arg, value) in cmd.args.iter().zip(values.iter()) {
                if !end_of_options {
                    if value.as_deref() == Some("--") {
                        end_of_options = true;
                        continue;
                    }
                    if value.as_deref().is_some_and(|v| v.starts_with('-')) {
                        continue;
                    }
                }
                let word = script.word(*arg);
                let Some((idx, var, leading)) = risky_expansion(&word.parts) else {
                    continue;
                };
                let facts = facts.get_or_insert_with(|| VarFacts::of(script));
                // `"$ROOT/src/app/_generated"`: with ROOT empty it names a path two fixed
                // directories deep under `/` that no system has; nothing is removed. The
                // same when the rest is a variable the script always sets to such a
                // relative path (`"$ROOT/$GEN_DIR"`, `GEN_DIR="src/app/${V}/gen"`).
                if leading && fixed_depth(&resolve_rest(&word.parts[idx + 1..], facts)) >= 2 {
                    continue;
                }
                if facts.provably_nonempty(&var.name, var.span.start) {
                    continue;
                }
                let under_u = *nounset.get_or_insert_with(|| {
                    crate::parse::shell::StrictMode::of(script)
                        .nounset
                        .is_some()
                });
                let external = !facts.is_assigned(&var.name);
                // `$DIR/build/` with DIR empty removes `/build/`, a mistake but not the
                // system: only `$DIR/`, `$DIR/*` and the like reach the root, and
                // `$DIR/lib`, `$DIR/usr/…` reach a system directory.
                let reaches_root = leading
                    && (reaches_root(&word.parts[idx + 1..])
                        || reaches_system_dir(&word.parts[idx + 1..]));
                // `/srv/$APP/data` with APP empty removes `/srv/data`, a sibling named by
                // the script, not `/srv`: the same kind of mistake as `$DIR/build`.
                let named_below = !leading && names_a_segment(&word.parts[idx + 1..]);
                let severity = if (leading && !reaches_root) || named_below {
                    Severity::Low
                } else if (under_u && external) || !leading {
                    Severity::Medium
                } else {
                    Severity::High
                };
                let shown = script.node_text(*arg);
                let target = if leading {
                    let rest: String = word.parts[idx + 1..]
                        .iter()
                        .map(|p| match p {
                            WordPart::Literal(l) => l.clone(),
                            _ => "…".to_string(),
                        })
                        .collect();
                    format!(
                        "`{}`",
                        if rest.is_empty() {
                            "/".to_string()
                        } else {
                            rest
                        }
                    )
                } else if named_below {
                    let path: String = word.parts[..idx]
                        .iter()
                        .chain(&word.parts[idx + 1..])
                        .map(|p| match p {
                            WordPart::Literal(l) => l.clone(),
                            _ => "…".to_string(),
                        })
                        .collect();
                    format!("`{}` instead", path.replace("//", "/"))
                } else {
                    "the parent directory".to_string()
                };
                let message = format!(
                    "`rm -r {shown}` deletes {target} if `{}` is empty or unset; write `${{{}:?}}`",
                    var.name, var.name
                );
                let replacement = if var.quoted {
                    format!("${{{}:?}}", var.name)
                } else {
                    format!("\"${{{}:?}}\"", var.name)
                };
                let edit = if var.operator.is_none() {
                    out.edit(var.span.clone(), replacement)
                } else {
                    None
                };
                let f = out.report(arg.byte_range(), message);
                f.severity = severity;
                if let Some(edit) = edit {
                    f.fix = Some(Fix::safe(
                        format!("Use ${{{}:?}} so an empty value aborts", var.name),
                        vec![edit],
                    ));
                }
            }
        }
    }
}

/// What follows a leading `$DIR` is only slashes and globs (`/`, `/*`, `/.*`): with DIR
/// empty the command removes the root or everything under it.
fn reaches_root(rest: &[WordPart]) -> bool {
    let mut text = String::new();
    for p in rest {
        match p {
            WordPart::Literal(l) => text.push_str(l),
            _ => return false,
        }
    }
    text.chars().all(|c| matches!(c, '/' | '*' | '.' | '?'))
        && !text.trim_start_matches('/').starts_with("..")
}

/// What follows a middle-segment variable names a directory of its own (`/data` in
/// `/srv/$APP/data`): with the variable empty, `rm` removes that named path under the
/// parent, not the parent itself.
fn names_a_segment(rest: &[WordPart]) -> bool {
    let Some(WordPart::Literal(first)) = rest.first() else {
        return false;
    };
    first
        .split('/')
        .any(|seg| !seg.is_empty() && seg.chars().any(|c| !matches!(c, '*' | '?' | '.')))
}

/// `/` then a variable whose every assignment starts with literal text: that text in its
/// place, so the fixed path an empty leading variable leaves can be read.
fn resolve_rest(rest: &[WordPart], facts: &VarFacts) -> Vec<WordPart> {
    match rest {
        [WordPart::Literal(slash), WordPart::Var(v), tail @ ..] if slash == "/" => {
            match facts.leading_literal(&v.name) {
                Some(lit) if !lit.starts_with('/') && !lit.is_empty() => {
                    let mut out = vec![WordPart::Literal(format!("/{lit}"))];
                    // What follows the assigned literal is unknown.
                    out.push(WordPart::Literal(String::new()));
                    out.extend(tail.iter().cloned());
                    out
                }
                _ => rest.to_vec(),
            }
        }
        _ => rest.to_vec(),
    }
}

/// How many whole, named, non-system directories the literal text right after a leading
/// `$DIR` spells before anything variable (`/src/app/${V}` → 2, `/build` → 1, `/lib/x` → 0,
/// `/*` → 0): the depth of the fixed path an empty DIR leaves.
fn fixed_depth(rest: &[WordPart]) -> usize {
    let Some(WordPart::Literal(first)) = rest.first() else {
        return 0;
    };
    let Some(path) = first.strip_prefix('/') else {
        return 0;
    };
    let segments: Vec<&str> = path.split('/').collect();
    if segments.first().is_some_and(|s| SYSTEM_DIRS.contains(s)) {
        return 0;
    }
    // The last piece is whole only when the literal ends the word or a `/` follows it.
    let complete = if rest.len() == 1 || path.ends_with('/') {
        segments.len()
    } else {
        segments.len() - 1
    };
    segments[..complete]
        .iter()
        .take_while(|s| !s.is_empty() && !s.contains(['*', '?', '[']) && **s != "..")
        .count()
}

/// Top-level directories of a Linux system whose loss breaks the machine.
const SYSTEM_DIRS: &[&str] = &[
    "bin", "boot", "etc", "home", "lib", "lib32", "lib64", "libx32", "opt", "root", "sbin", "srv",
    "usr", "var",
];

/// What follows a leading `$DIR` starts with a system directory (`/lib`, `/usr/local`,
/// `/etc/app`): with DIR empty the command removes part of the operating system.
fn reaches_system_dir(rest: &[WordPart]) -> bool {
    let Some(WordPart::Literal(first)) = rest.first() else {
        return false;
    };
    let trimmed = first.trim_start_matches('/');
    if trimmed.len() == first.len() {
        return false;
    }
    let segment = trimmed.split('/').next().unwrap_or_default();
    // `"$DIR"/lib` ends the literal at the segment; `"$DIR/lib$SUFFIX"` does not.
    let whole = trimmed.len() > segment.len() || rest.len() == 1;
    whole && SYSTEM_DIRS.contains(&segment)
}

/// The first expansion that decides where `rm` points: at the start of the path
/// (`$D/…`, leading = true) or as a whole middle segment (`/srv/$APP/`, leading = false).
fn risky_expansion(parts: &[WordPart]) -> Option<(usize, &crate::parse::shell::Expansion, bool)> {
    let first_var = parts.iter().position(|p| matches!(p, WordPart::Var(_)))?;
    let WordPart::Var(var) = &parts[first_var] else {
        return None;
    };
    if var.errors_when_unset() || var.has_nonempty_default() {
        return None;
    }
    if matches!(var.operator.as_deref(), Some(op) if !op.is_empty())
        && !matches!(var.operator.as_deref(), Some(":-" | "-" | ":=" | "="))
    {
        // `${X%/}`, `${X#…}` and friends: treat like the bare variable only for suffix trims.
        if !matches!(var.operator.as_deref(), Some("%" | "%%")) {
            return None;
        }
    }
    let before: String = parts[..first_var]
        .iter()
        .map(|p| match p {
            WordPart::Literal(l) => l.as_str(),
            _ => "\u{0}",
        })
        .collect();
    if before.contains('\u{0}') {
        return None;
    }
    let after = match parts.get(first_var + 1) {
        Some(WordPart::Literal(l)) => l.as_str(),
        Some(_) => return None,
        None => "",
    };
    if before.is_empty() {
        // `$DIR/…` — empty DIR turns the path absolute. A bare `$DIR` deletes nothing when empty.
        if after.starts_with('/') {
            return Some((first_var, var, true));
        }
        return None;
    }
    // `/srv/$APP` or `/srv/$APP/…` — an empty APP removes the parent.
    if before.ends_with('/')
        && before.starts_with('/')
        && (after.is_empty() || after.starts_with('/'))
    {
        return Some((first_var, var, false));
    }
    None
}
