//! `shell/lock-file-race`: a lock file tested, then created, in two steps.

use crate::finding::Severity;
use crate::parse::shell::ShellScript;
use crate::rules::shell::util::descendants_of_kind;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct LockFileRace;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/lock-file-race",
    summary: "check-then-create lock file (`[ -f $LOCK ]` … `touch $LOCK`): two runs can both get the lock",
    severity: Severity::Medium,
    docs: r#"
## Why
```sh
if [ -f "$LOCK" ]; then exit 0; fi
touch "$LOCK"
```
Two copies started together (cron overlap, a retry, two operators) both see no
lock and both go on: two inference jobs on one GPU, two backups writing the same
file, two deploys interleaving. The test and the creation must be one atomic
step. A stale lock after a crash also blocks every later run forever.

The rule reports a `-f`/`-e` test of a path whose name contains `lock` or `pid`
followed, later in the same script, by `touch` of the same path or a `>`
redirection into it (a `>>` append adds entries to a file such as a list of pinned
versions, `actions-lock.txt`: that is no mutex) — unless the script uses `flock`, `mkdir` as the lock, or
`set -C`/`set -o noclobber`.

## Example
```sh
LOCK=/tmp/inference.lock
[ -e "$LOCK" ] && { echo "already running"; exit 1; }
echo $$ > "$LOCK"
trap 'rm -f "$LOCK"' EXIT
```

## Fix
Use `flock`, which is atomic and released by the kernel when the process dies:
```sh
exec 9>/var/lock/inference.lock
flock -n 9 || { echo "already running"; exit 1; }
```
or `mkdir "$LOCKDIR"` (atomic) with a `trap` to remove it.
"#,
};

impl Rule for LockFileRace {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_shell(&self, script: &ShellScript, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = script.text();
        let lower = text.to_ascii_lowercase();
        if !(lower.contains("lock") || lower.contains("pid")) {
            return;
        }
        let commands = script.commands();
        let atomic = commands.iter().any(|c| {
            c.name == "flock"
                || c.name == "lockfile"
                || c.name == "lockf"
                || c.name == "dotlockfile"
                || (c.name == "set"
                    && c.arg_values(script).iter().flatten().any(|v| {
                        v == "-C" || v == "noclobber" || (v.starts_with('-') && v.contains('C'))
                    }))
        }) || commands.iter().any(|c| {
            c.name == "mkdir"
                && c.args.iter().any(|a| {
                    script
                        .word(*a)
                        .approximate()
                        .to_ascii_lowercase()
                        .contains("lock")
                })
        });
        if atomic {
            return;
        }
        let root = script.root();
        let mut tests: Vec<(usize, std::ops::Range<usize>, String)> = Vec::new();
        for t in descendants_of_kind(root, "test_command") {
            let tt = script.node_text(t);
            if !(tt.contains("-f ") || tt.contains("-e ")) {
                continue;
            }
            for w in descendants_of_kind(t, "string")
                .into_iter()
                .chain(descendants_of_kind(t, "simple_expansion"))
                .chain(descendants_of_kind(t, "word"))
                .chain(descendants_of_kind(t, "concatenation"))
            {
                let path = script.word(w).approximate();
                let l = path.to_ascii_lowercase();
                if (l.contains("lock") || l.contains("pid")) && !path.starts_with('-') {
                    tests.push((t.start_byte(), t.byte_range(), path));
                }
            }
        }
        // `test -f "$LOCK"` as a command.
        for c in commands.iter().filter(|c| c.name == "test") {
            let vals = c.arg_values(script);
            if vals.iter().flatten().any(|v| v == "-f" || v == "-e") {
                for a in &c.args {
                    let path = script.word(*a).approximate();
                    let l = path.to_ascii_lowercase();
                    if l.contains("lock") || l.contains("pid") {
                        tests.push((c.node.start_byte(), c.span(), path));
                    }
                }
            }
        }
        let mut reported = Vec::new();
        for (at, span, path) in &tests {
            if reported.contains(path) {
                continue;
            }
            let created_later = commands.iter().any(|c| {
                c.node.start_byte() > *at
                    && ((c.name == "touch"
                        && c.args
                            .iter()
                            .any(|a| script.word(*a).approximate() == *path))
                        || c.redirects.iter().any(|r| {
                            let rt = script.node_text(*r).trim_start();
                            // `>>` appends to a file of entries (`actions-lock.txt`, a
                            // version pin list read with grep): a mutex is created, not
                            // appended to.
                            rt.starts_with('>')
                                && !rt.starts_with(">>")
                                && r.child_by_field_name("destination")
                                    .is_some_and(|d| script.word(d).approximate() == *path)
                        }))
            });
            if created_later {
                reported.push(path.clone());
                out.report(
                    span.clone(),
                    format!("lock `{path}` is tested and then created in a separate step: two runs can both take it; use `flock`"),
                );
            }
        }
    }
}
