//! `docker/run-pipefail`: a `RUN` pipeline whose failures are hidden by `/bin/sh -c`.

use tree_sitter::Node;

use crate::finding::Severity;
use crate::parse::dockerfile::{Dockerfile, Form};
use crate::parse::shell::ShellScript;
use crate::rules::docker::pipe_to_shell::download_into_interpreter;
use crate::rules::docker::util;
use crate::rules::shell::util::{consumer_fails_on_bad_input, pipeline_consumer};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct RunPipefail;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/run-pipefail",
    summary: "`RUN a | b` without `pipefail`: a failing `a` does not fail the build",
    severity: Severity::Low,
    docs: r#"
## Why
Docker runs shell-form `RUN` with `/bin/sh -c`, and a pipeline's status is the
status of its last command. In `RUN wget -qO- https://example.com/key.asc | tee
/etc/apt/keyrings/example.asc` a failed download still "succeeds": tee writes an
empty key, the build goes green and the broken image fails later, far from the
cause.

The rule reports a `RUN` (shell form, POSIX shell) that contains a pipeline
unless `pipefail` is on: a `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` earlier
in the stage or in a stage it is built from, or `set -o pipefail` (`set -euo
pipefail`) in the same `RUN` before the pipe. Pipelines whose producers cannot
fail (`echo`, `printf`, `yes`) are not reported, nor pipelines whose last
command fails by itself on an empty or truncated stream (`tar -x`, `gunzip`,
`xz -d`, `sha256sum -c`, `gpg --dearmor`/`--import`: a failed download already
fails the build), nor a pipeline whose status is thrown away on purpose
(`tar -c … 2>&1 | grep -v warning || true`), nor a pipeline that only deletes what
it lists (`find . -name .git | xargs rm -rf`: a failed `find` leaves a few files in the
image, it does not make the build wrong), nor pipes inside a command
substitution (`chmod g+w $(python -c … | tr -d "[']")/x`: the `RUN` fails or
not on the outer command). A download piped into a shell is
`docker/pipe-to-shell`'s finding, not reported twice, also when the interpreter is a variable the image sets
(`ENV PYTHON=python3` … `curl … | $PYTHON -`).

## Example
```dockerfile
RUN curl -fsSL https://example.com/releases/latest.json | jq -r .url > /tmp/url
```

## Fix
Where the image has bash:
```dockerfile
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/releases/latest.json | jq -r .url > /tmp/url
```
On Alpine (busybox `ash` supports it) `RUN set -o pipefail && …`. Older `dash`
versions (Debian's and Ubuntu's `/bin/sh`) reject `set -o pipefail`: there, switch
`SHELL` to bash, or download to a file first and then process it. No automatic fix, since the right one depends on the shell the
image has.

hadolint reports the same as DL4006 on our positives; it also reports pipelines
fed by `echo`, which cannot fail, pipelines into `tar -x` or `gpg --dearmor`,
which fail on a failed download by themselves, pipes inside `$(…)` (whose status is not the
`RUN`'s), and `curl … | sh` (reported here by `docker/pipe-to-shell`, one finding
per line), and credits neither `set -o pipefail` inside the `RUN` nor a `SHELL`
inherited from the stage named in `FROM`.
"#,
};

fn pipelines<'t>(root: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind() == "pipeline" {
            out.push(n);
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

fn harmless_producer(script: &ShellScript, p: Node<'_>) -> bool {
    let mut c = p.walk();
    let cmds: Vec<Node<'_>> = p.named_children(&mut c).collect();
    let Some((_, producers)) = cmds.split_last() else {
        return true;
    };
    producers.iter().all(|n| {
        let cmd = if n.kind() == "redirected_statement" {
            n.child_by_field_name("body")
        } else {
            Some(*n)
        };
        cmd.filter(|c| c.kind() == "command")
            .and_then(|c| c.child_by_field_name("name"))
            .is_some_and(|name| matches!(script.node_text(name), "echo" | "printf" | "yes"))
    })
}

/// `find . -name .git | xargs rm -rf`: the pipeline only deletes what its producers list.
/// A failed producer deletes less, and the image keeps a few files it meant to drop; the
/// build's outcome is not wrong, so `pipefail` would guard nothing worth a finding.
fn deletes_only(script: &ShellScript, p: Node<'_>) -> bool {
    pipeline_consumer(script, p).is_some_and(|cmd| {
        cmd.name == "xargs"
            && matches!(
                cmd.arg_values(script)
                    .into_iter()
                    .flatten()
                    .find(|a| !a.starts_with('-'))
                    .as_deref(),
                Some("rm" | "rmdir")
            )
    })
}

/// A pipe inside `$(…)`, `` `…` `` or `<(…)`: its status is not the `RUN`'s status, so
/// `pipefail` would not change the build's outcome.
fn in_substitution(p: Node<'_>) -> bool {
    let mut cur = p.parent();
    while let Some(n) = cur {
        if matches!(n.kind(), "command_substitution" | "process_substitution") {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// `a | b || true`: the pipeline's status is thrown away on purpose, so `pipefail`
/// would not change whether the `RUN` fails.
fn status_discarded(script: &ShellScript, p: Node<'_>) -> bool {
    let Some(list) = p.parent().filter(|l| l.kind() == "list") else {
        return false;
    };
    let mut c = list.walk();
    let children: Vec<Node<'_>> = list.children(&mut c).collect();
    let Some(at) = children.iter().position(|n| n.id() == p.id()) else {
        return false;
    };
    let (Some(op), Some(next)) = (children.get(at + 1), children.get(at + 2)) else {
        return false;
    };
    op.kind() == "||"
        && next.kind() == "command"
        && next
            .child_by_field_name("name")
            .is_some_and(|n| matches!(script.node_text(n), "true" | ":"))
        && next.named_child_count() == 1
}

fn sets_pipefail_before(script: &ShellScript, at: usize) -> bool {
    script.commands().iter().any(|c| {
        c.name == "set"
            && c.node.end_byte() <= at
            && c.arg_values(script).iter().flatten().any(|a| {
                a == "pipefail" || (a.starts_with('-') && a.contains('o') && a.contains("pipefail"))
            })
    })
}

impl Rule for RunPipefail {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        for r in util::runs(df) {
            let Some(stage) = r.ins.stage else {
                continue;
            };
            // SHELL with pipefail earlier in this image (ancestor stages included).
            let chain = util::chain(df, stage);
            let shell_pipefail = df
                .instructions
                .iter()
                .take(r.index)
                .rfind(|i| i.keyword == "SHELL" && i.stage.is_some_and(|s| chain.contains(&s)))
                .is_some_and(
                    |i| matches!(&i.form, Form::Exec(v) if v.iter().any(|a| a == "pipefail")),
                );
            if shell_pipefail {
                continue;
            }
            let vars = util::env_at(df, &r);
            'scripts: for script in r.scripts {
                for p in pipelines(script.root()) {
                    // `a || b` parses as a list, not a pipeline; only `|` and `|&` get here.
                    if harmless_producer(script, p)
                        || consumer_fails_on_bad_input(script, p)
                        || sets_pipefail_before(script, p.start_byte())
                        || in_substitution(p)
                        || status_discarded(script, p)
                        || deletes_only(script, p)
                        || download_into_interpreter(script, p, &vars).is_some()
                    {
                        continue;
                    }
                    let shown: String = script
                        .node_text(p)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    let shown = if shown.chars().count() > 60 {
                        format!("{}…", shown.chars().take(60).collect::<String>())
                    } else {
                        shown
                    };
                    out.report(
                        script.host_range(&p.byte_range()),
                        format!(
                            "`{shown}` runs under `/bin/sh -c` without `pipefail`: if an earlier command fails the build still succeeds"
                        ),
                    )
                    .severity = util::for_role(cx, META.severity);
                    break 'scripts;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::check;

    #[test]
    fn pipes_and_pipefail() {
        let n = |t: &str| check(&RunPipefail, &format!("FROM debian:12\n{t}\n")).len();
        assert_eq!(n("RUN curl -fsSL https://x/k | tee /k.asc"), 1);
        // The consumer fails on an empty or truncated stream by itself.
        assert_eq!(n("RUN curl -fsSL https://x/k | gpg --dearmor -o /k.gpg"), 0);
        assert_eq!(n("RUN curl -fsSL https://x/a.tgz | tar xzf - -C /opt"), 0);
        assert_eq!(n("RUN curl -fsSL https://x/a.gz | gunzip > /a"), 0);
        assert_eq!(n("RUN curl -fsSL https://x/SUMS | sha256sum -c -"), 0);
        assert_eq!(n("RUN curl -fsSL https://x/SUMS | sha256sum > /s"), 1);
        assert_eq!(n("RUN tar -cf - /src | gzip > /a.tgz"), 1);
        // The status is discarded on purpose; `|| exit 1` would still differ.
        assert_eq!(
            n("RUN tar -chf /t.tar -T /l 2>&1 | grep -v removed || true"),
            0
        );
        assert_eq!(
            n("RUN tar -chf /t.tar -T /l 2>&1 | grep -v removed || exit 1"),
            1
        );
        // A download into the interpreter the image names in ENV is pipe-to-shell's.
        assert_eq!(
            n("ENV PYTHON=python3\nRUN curl -sSL https://install.python-poetry.org | POETRY_HOME=/opt/p $PYTHON -"),
            0
        );
        assert_eq!(
            n("RUN echo 'deb x y' | tee /etc/apt/sources.list.d/x.list"),
            0
        );
        assert_eq!(n("RUN a && b || c"), 0);
        assert_eq!(
            n("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://x | tar -xz"),
            0
        );
        assert_eq!(
            n("RUN set -euo pipefail; curl -fsSL https://x | tar -xz"),
            0
        );
        assert_eq!(
            n("RUN set -o pipefail && curl -fsSL https://x | tar -xz"),
            0
        );
        assert_eq!(
            n("RUN curl -fsSL https://x | jq -r .url && set -o pipefail"),
            1
        );
        assert_eq!(
            n("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM debian:12\nRUN curl https://x | tee /x"),
            1
        );
        // A pipe inside $(...) does not decide the RUN's status.
        assert_eq!(
            n("RUN chmod g+w $(python -c \"import app; print(app.__path__)\" | tr -d \"[']\")/build/list.json"),
            0
        );
        // curl | sh is docker/pipe-to-shell's finding.
        assert_eq!(n("RUN curl -LsSf https://astral.sh/uv/install.sh | sh"), 0);
        assert_eq!(
            n("RUN curl -fsSL https://x/setup_20.x | bash - && apt-get install -y nodejs"),
            0
        );
    }
}
