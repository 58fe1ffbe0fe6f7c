//! `docker/pipe-to-shell`: a `RUN` pipes a download straight into a shell or interpreter.

use std::collections::HashMap;

use tree_sitter::Node;

use crate::finding::Severity;
use crate::parse::dockerfile::{resolve, Dockerfile};
use crate::parse::shell::ShellScript;
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct PipeToShell;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/pipe-to-shell",
    summary: "`curl … | sh` in a `RUN`: code from the network executed unverified",
    severity: Severity::Medium,
    docs: r#"
## Why
`RUN curl -fsSL https://example.com/install.sh | bash` executes whatever that URL
serves at build time, with root privileges inside the build, and bakes the result
into the image. Nothing checks that it is the script you reviewed: a compromised
CDN, a hijacked domain or a changed upstream ships straight to production, and
the build is not reproducible. A truncated download can also execute half a
script.

The rule reports, in every stage of a Dockerfile, a pipeline where `curl`,
`wget` or `fetch` feeds `sh`/`bash`/`zsh`/`dash`/`ash` or an interpreter reading
its program from stdin (`python3 -`, `perl`, `ruby`, `node`, `php`), also behind
`sudo`/`env` or named by a variable the image sets (`ENV PYTHON=python3` …
`| $PYTHON -`), and `bash <(curl …)` / `sh -c "$(curl …)"`. Interpreters given
the program inline (`curl … | python3 -c 'import json…'`, `sh -c '…'`) only read
data and are not reported.

This rule owns `RUN` bodies; the generic shell rule for scripts skips Dockerfile
`RUN`s, and `docker/run-pipefail` leaves these pipelines alone, so the line is
reported once.

Severity: medium. It takes a compromised or hijacked download host to exploit,
so it is a supply-chain weakness to fix before release rather than a hole open
now. Development, CI and test-runner images (`.devcontainer/`, `.gitpod.Dockerfile`,
`.github/`, `Dockerfile.playwright`…) and archived code are low.

## Example
```dockerfile
RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
RUN wget -qO- https://install.python-poetry.org | python3 -
```

## Fix
Download to a file, verify it against a checksum or signature you pinned, then
run it — or use the distribution's package, or copy the tool from an official
image:
```dockerfile
ARG POETRY_INSTALLER_SHA256=…
RUN curl -fsSLo /tmp/install-poetry.py https://install.python-poetry.org \
 && echo "${POETRY_INSTALLER_SHA256}  /tmp/install-poetry.py" | sha256sum -c - \
 && python3 /tmp/install-poetry.py && rm /tmp/install-poetry.py
COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/uv
```

hadolint does not report this; its DL4006 (set `-o pipefail` before a `RUN`
with a pipe) is a different problem that also applies to these lines.
"#,
};

const DOWNLOADERS: &[&str] = &["curl", "wget", "fetch"];
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ash", "ksh"];
const INTERPRETERS: &[&str] = &[
    "python", "python3", "python2", "perl", "ruby", "node", "php",
];

/// The effective program of a command, looking through `sudo`/`env` wrappers, and its
/// remaining argument values. A word that is a variable the image sets (`ENV
/// PYTHON=python3` … `$PYTHON -`) is read as its value.
fn effective(
    script: &ShellScript,
    cmd_node: Node<'_>,
    vars: &HashMap<String, Option<String>>,
) -> (String, Vec<String>) {
    let mut words: Vec<String> = Vec::new();
    let mut cursor = cmd_node.walk();
    for (i, child) in cmd_node.children(&mut cursor).enumerate() {
        let field = cmd_node.field_name_for_child(i as u32);
        if matches!(field, Some("name") | Some("argument")) {
            let w = script.word(child);
            words.push(w.static_value().unwrap_or_else(|| {
                let a = w.approximate();
                resolve(&a, vars).unwrap_or(a)
            }));
        }
    }
    let mut i = 0;
    while i < words.len() {
        let base = words[i].rsplit('/').next().unwrap_or(&words[i]).to_string();
        if matches!(base.as_str(), "sudo" | "env" | "exec" | "nice" | "command") {
            i += 1;
            while i < words.len() && (words[i].starts_with('-') || words[i].contains('=')) {
                i += 1;
            }
            continue;
        }
        let rest = words[i + 1..].to_vec();
        return (base, rest);
    }
    (String::new(), Vec::new())
}

fn executes_stdin(name: &str, args: &[String]) -> bool {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if SHELLS.contains(&name) {
        return !args.iter().any(|a| a == "-c");
    }
    if INTERPRETERS.contains(&name) || INTERPRETERS.contains(&base) {
        return !args.iter().any(|a| {
            a.starts_with("-c")
                || a.starts_with("-e")
                || a.starts_with("-m")
                || a.starts_with("-p")
                || a.starts_with("-n")
                || a.starts_with("-r")
        }) && args.iter().all(|a| a.starts_with('-'));
    }
    false
}

fn pipelines<'t>(root: Node<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind() == "pipeline" {
            out.push(n);
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

/// The downloader and the interpreter of a `curl … | sh` pipeline, when `p` is one
/// (shared with `docker/run-pipefail`, which leaves these lines to this rule).
pub(crate) fn download_into_interpreter(
    script: &ShellScript,
    p: Node<'_>,
    vars: &HashMap<String, Option<String>>,
) -> Option<(String, String)> {
    let mut c = p.walk();
    let cmds: Vec<Node<'_>> = p.named_children(&mut c).filter_map(command_of).collect();
    let mut downloader: Option<String> = None;
    for cmd in cmds {
        let (name, args) = effective(script, cmd, vars);
        if DOWNLOADERS.contains(&name.as_str()) {
            downloader = Some(name);
        } else if let Some(d) = &downloader {
            if executes_stdin(&name, &args) {
                return Some((d.clone(), name));
            }
        }
    }
    None
}

fn command_of(n: Node<'_>) -> Option<Node<'_>> {
    match n.kind() {
        "command" => Some(n),
        "redirected_statement" => n
            .child_by_field_name("body")
            .filter(|b| b.kind() == "command"),
        _ => None,
    }
}

impl Rule for PipeToShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        let sev = util::for_role(cx, META.severity);
        for r in util::runs(df) {
            let vars = util::env_at(df, &r);
            for script in r.scripts {
                for p in pipelines(script.root()) {
                    if let Some((d, name)) = download_into_interpreter(script, p, &vars) {
                        out.report(
                            script.host_range(&p.byte_range()),
                            format!(
                                "`{d} … | {name}` runs code downloaded at build time without verifying it; download, check a pinned checksum, then run"
                            ),
                        )
                        .severity = sev;
                    }
                }
                // `bash <(curl …)`, `sh -c "$(curl …)"`.
                for cmd in script.commands() {
                    let (name, _) = effective(script, cmd.node, &vars);
                    if !(SHELLS.contains(&name.as_str()) || INTERPRETERS.contains(&name.as_str())) {
                        continue;
                    }
                    let fetched = cmd.args.iter().any(|a| {
                        let t = script.node_text(*a);
                        DOWNLOADERS.iter().any(|d| {
                            t.contains(&format!("<({d} "))
                                || t.contains(&format!("$({d} "))
                                || t.contains(&format!("`{d} "))
                        })
                    });
                    if fetched {
                        out.report(
                            script.host_range(&cmd.span()),
                            format!(
                                "`{name}` runs a script fetched inline at build time without verifying it; download, check a pinned checksum, then run"
                            ),
                        )
                        .severity = sev;
                    }
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
    fn pipes() {
        let n = |t: &str| check(&PipeToShell, &format!("FROM debian:12\n{t}\n")).len();
        assert_eq!(n("RUN curl -fsSL https://x/install.sh | sh"), 1);
        assert_eq!(n("RUN curl -fsSL https://x/install.sh | sh -s -- -y"), 1);
        assert_eq!(n("RUN wget -qO- https://x | sudo -E bash -"), 1);
        assert_eq!(n("RUN curl -sSL https://x | python3 -"), 1);
        // The interpreter named by a variable the image sets.
        assert_eq!(
            n("ENV PYTHON=python3\nRUN curl -sSL https://x | V=1 $PYTHON -"),
            1
        );
        assert_eq!(n("RUN curl -sSL https://x | $UNKNOWN -"), 0);
        assert_eq!(n("RUN curl -sSL https://x | /bin/bash"), 1);
        assert_eq!(n("RUN sh -c \"$(curl -fsSL https://x/install.sh)\""), 1);
        assert_eq!(n("RUN curl -fsSL https://x | tar -xz"), 0);
        assert_eq!(n("RUN curl -fsSL https://x | gpg --dearmor -o /k.gpg"), 0);
        assert_eq!(
            n("RUN curl -fsSL https://x | python3 -c 'import sys,json; json.load(sys.stdin)'"),
            0
        );
        assert_eq!(
            n("RUN curl -fsSLo i.sh https://x && sha256sum -c sums && sh i.sh"),
            0
        );
        assert_eq!(n("RUN echo hi | bash"), 0);
        // Exec form is not a shell.
        assert_eq!(n("RUN [\"sh\", \"-c\", \"curl https://x | sh\"]"), 0);
    }
}
