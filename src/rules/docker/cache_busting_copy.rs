//! `docker/cache-busting-copy`: the whole build context is copied before dependencies are installed.

use crate::edits::newline_of;
use crate::finding::{Edit, Fix, Severity};
use crate::parse::dockerfile::{Dockerfile, Form};
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct CacheBustingCopy;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/cache-busting-copy",
    summary:
        "`COPY . .` before the dependency install: every code change re-installs all dependencies",
    severity: Severity::Low,
    docs: r#"
## Why
Docker reuses a cached layer only while everything before it is unchanged. When
the whole build context (`COPY . .`, `ADD . /app`) is copied before
`pip install -r requirements.txt` / `npm ci` / `bundle install` / `go mod download`
/ `cargo build`, any edit to any source file invalidates the install layer: every
build downloads and compiles all dependencies again, CI is minutes slower, and
builds fail whenever a package index hiccups.

The rule reports a whole-context `COPY`/`ADD` followed, in the same stage, by a
dependency install of an ecosystem that was not already installed earlier in
that stage. Copying the manifests first, installing, then `COPY . .` and
installing the project itself (`pip install --no-deps .`, `poetry install
--only-root`, `uv sync` after `uv sync --no-install-project`) is the intended
pattern and is not reported, and so is the same pattern across stages: the
dependencies installed in an earlier stage from the manifests alone and brought in
with `COPY --from=deps …` before the `COPY . .`, or bind-mounted from that stage into
the install (`RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels pip install
/wheels/*`: the wheels were built there from the manifests).

Severity: low. The cost is build time and CI minutes, not safety (docs/severity.md:
hygiene); every medium finding of the real-code review was judged low (rounds 1-9).

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
```

## Fix
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
```
For Node copy `package.json` and the lockfile before `npm ci`; for Go copy
`go.mod go.sum` before `go mod download`; for Rust use `cargo chef` or a dummy
`src/main.rs` build.

`harden fix --unsafe` does the reordering when it is unambiguous: a one-line
`COPY . <dest>` (no flag but `--chown`/`--chmod`), in the same stage and with no
`WORKDIR` between it and a `RUN` whose install names its manifest —
`pip install -r requirements.txt` becomes `COPY requirements.txt .` before it,
`npm ci` becomes `COPY package.json package-lock.json ./` — and nothing else in that
`RUN` but `rm` or `… cache clean`. The `COPY . <dest>` moves to just after the install.
It is unsafe because build steps between the two that need the sources (or a
requirements file that includes another) would break: build the image to check.

hadolint has no check for layer order.
"#,
};

fn whole_context(src: &str) -> bool {
    matches!(src, "." | "./" | "*" | "./*" | "./.")
}

impl Rule for CacheBustingCopy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        let runs = util::runs(df);
        for stage in &df.stages {
            let range = stage.instructions.clone();
            // (instruction index, ecosystem, command text, host span, cache mount)
            let mut installs = Vec::new();
            // Ecosystems an earlier stage installed and this one copies in
            // (`COPY --from=python-deps /home/app/.local …`), by the index of that COPY.
            let mut copied_in: Vec<(usize, &str)> = Vec::new();
            for idx in range.clone() {
                let Some(from) = df
                    .instructions
                    .get(idx)
                    .filter(|i| i.keyword == "COPY")
                    .and_then(|i| i.flag("from"))
                else {
                    continue;
                };
                let Some(src) = df.stages.iter().enumerate().find(|(n, s)| {
                    s.name
                        .as_deref()
                        .is_some_and(|name| name.eq_ignore_ascii_case(from))
                        || from.parse::<usize>().ok() == Some(*n)
                }) else {
                    continue;
                };
                let src_range = src.1.instructions.clone();
                for r in runs.iter().filter(|r| src_range.contains(&r.index)) {
                    for script in r.scripts {
                        for cmd in script.commands() {
                            if let Some(eco) = util::dependency_install(script, cmd) {
                                copied_in.push((idx, eco));
                            }
                        }
                    }
                }
            }
            for r in runs.iter().filter(|r| range.contains(&r.index)) {
                let stage_mounts = stage_bind_mount_targets(r.ins);
                for script in r.scripts {
                    for cmd in script.commands() {
                        if let Some(eco) = util::dependency_install(script, cmd) {
                            let span = script.host_range(&cmd.span());
                            let text = script.node_text(cmd.node).to_string();
                            // `pip install /wheels/*` from `--mount=type=bind,from=builder,
                            // source=/wheels,target=/wheels`: the packages were resolved and
                            // built in that stage (from the manifests alone), like a
                            // `COPY --from=deps`; re-running this install only unpacks them.
                            if stage_mounts.iter().any(|t| text.contains(t.as_str())) {
                                copied_in.push((0, eco));
                            }
                            installs.push((
                                r.index,
                                eco,
                                text,
                                span,
                                util::has_cache_mount(r.ins, None),
                            ));
                        }
                    }
                }
            }
            let mut reported = false;
            for idx in range.clone() {
                let Some(ins) = df.instructions.get(idx) else {
                    continue;
                };
                if reported
                    || !matches!(ins.keyword.as_str(), "COPY" | "ADD")
                    || ins.flag("from").is_some()
                {
                    continue;
                }
                if !util::copy_sources(ins)
                    .iter()
                    .any(|(s, _)| whole_context(s))
                {
                    continue;
                }
                let before: Vec<&str> = installs
                    .iter()
                    .filter(|i| i.0 < idx)
                    .map(|i| i.1)
                    .chain(copied_in.iter().filter(|c| c.0 < idx).map(|c| c.1))
                    .collect();
                let Some(after) = installs
                    .iter()
                    .find(|i| i.0 > idx && !before.contains(&i.1))
                else {
                    continue;
                };
                let shown: String = after.2.split_whitespace().collect::<Vec<_>>().join(" ");
                let shown = if shown.chars().count() > 60 {
                    format!("{}…", shown.chars().take(60).collect::<String>())
                } else {
                    shown
                };
                let related = cx.locate(
                    after.3.clone(),
                    "the dependency install that reruns on every change",
                );
                let sev = if after.4 {
                    Severity::Low
                } else {
                    META.severity
                };
                let sev = util::for_role(cx, sev);
                let f = out.report(
                    ins.span.clone(),
                    format!(
                        "the whole build context is copied before `{shown}`: any source change re-runs the install; copy only the manifests first, install, then copy the rest"
                    ),
                );
                f.severity = sev;
                f.related.push(related);
                f.fix = runs
                    .iter()
                    .find(|r| r.index == after.0)
                    .and_then(|r| fix_for(df, &cx.file.text, idx, r));
                reported = true;
            }
        }
    }
}

/// Targets of a `RUN`'s bind mounts from another stage or image
/// (`--mount=type=bind,from=builder,source=/wheels,target=/wheels` → `/wheels`).
fn stage_bind_mount_targets(ins: &crate::parse::dockerfile::Instruction) -> Vec<String> {
    ins.flags
        .iter()
        .filter(|(n, _)| n == "mount")
        .filter_map(|(_, v)| {
            let kvs: Vec<&str> = v.split(',').collect();
            let bind = kvs.contains(&"type=bind") || !kvs.iter().any(|kv| kv.starts_with("type="));
            let from = kvs.iter().any(|kv| kv.starts_with("from="));
            let target = kvs.iter().find_map(|kv| {
                kv.strip_prefix("target=")
                    .or_else(|| kv.strip_prefix("dst="))
                    .or_else(|| kv.strip_prefix("destination="))
            })?;
            (bind && from && target.len() > 1).then(|| target.trim_end_matches('/').to_string())
        })
        .collect()
}

/// Caveat of the fix.
const CAVEAT: &str = "steps between the copy and the install that need the sources \
(a code generator, `pip install -e .`) no longer find them, and a requirements file \
that includes others (`-r base.txt`) needs those copied too; build the image to check";

/// What the install reads: the manifest files it names.
fn manifests(
    script: &crate::parse::shell::ShellScript,
    cmd: &crate::parse::shell::SimpleCommand<'_>,
) -> Option<Vec<String>> {
    let vals: Vec<String> = cmd
        .arg_values(script)
        .into_iter()
        .collect::<Option<Vec<_>>>()?;
    match (cmd.name.as_str(), vals.first().map(String::as_str)) {
        ("npm", Some("ci")) if vals[1..].iter().all(|v| v.starts_with('-')) => {
            Some(vec!["package.json".into(), "package-lock.json".into()])
        }
        ("pip" | "pip3", Some("install")) => {
            let mut req = None;
            let mut it = vals[1..].iter();
            while let Some(v) = it.next() {
                let file = if v == "-r" || v == "--requirement" {
                    it.next()?.clone()
                } else if let Some(f) = v.strip_prefix("--requirement=") {
                    f.to_string()
                } else if let Some(f) = v
                    .strip_prefix("-r")
                    .filter(|f| !f.is_empty() && !v.starts_with("--"))
                {
                    f.to_string()
                } else if v.starts_with('-')
                    && !matches!(v.as_str(), "-e" | "--editable" | "-c" | "--constraint")
                    && !v.starts_with("--editable=")
                    && !v.starts_with("--constraint=")
                    && !v.starts_with("-e")
                    && !v.starts_with("-c")
                {
                    continue;
                } else {
                    return None;
                };
                if req.replace(file).is_some() {
                    return None;
                }
            }
            req.map(|r| vec![r])
        }
        _ => None,
    }
}

/// Byte range of the whole line(s) `span` is on, including the final newline.
fn line_of(text: &str, span: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
    let start = text.get(..span.start)?.rfind('\n').map_or(0, |i| i + 1);
    let last = span.end.saturating_sub(1).max(span.start);
    let end = match text.get(last..)?.find('\n') {
        Some(i) => last + i + 1,
        None => text.len(),
    };
    Some(start..end)
}

/// Moves a one-line `COPY . <dest>` after the install and copies the manifests in its place.
fn fix_for(df: &Dockerfile, text: &str, copy_idx: usize, run: &util::RunShell<'_>) -> Option<Fix> {
    let copy = df.instructions.get(copy_idx)?;
    if copy.keyword != "COPY"
        || copy.form != Form::Shell
        || !copy.heredocs.is_empty()
        || copy.flags.iter().any(|(k, _)| k != "chown" && k != "chmod")
        || run.scripts.len() != 1
        || !run.inline
        || run.ins.stage != copy.stage
    {
        return None;
    }
    let words: Vec<&str> = copy.args_text().split_whitespace().collect();
    let [src, dest] = words.as_slice() else {
        return None;
    };
    if !whole_context(src) || dest.contains('$') {
        return None;
    }
    for ins in df.instructions.get(copy_idx + 1..run.index)? {
        if matches!(ins.keyword.as_str(), "WORKDIR" | "FROM" | "ONBUILD") {
            return None;
        }
    }
    // The RUN does the install and nothing that needs the sources.
    let script = &run.scripts[0];
    let mut found = None;
    for cmd in script.commands() {
        if util::dependency_install(script, cmd).is_some() {
            if found.is_some() {
                return None;
            }
            found = Some(manifests(script, cmd)?);
        } else {
            let first = cmd.arg_values(script).first().cloned().flatten();
            if cmd.name != "rm" && first.as_deref() != Some("cache") {
                return None;
            }
        }
    }
    let dest_dir = match *dest {
        "." | "./" => String::from("./"),
        d => format!("{}/", d.trim_end_matches('/')),
    };
    let mut files = Vec::new();
    for m in found? {
        let rel = m
            .strip_prefix(&dest_dir)
            .or_else(|| m.strip_prefix("./"))
            .unwrap_or(&m);
        if rel.is_empty() || rel.contains(['/', '$', '*', '?', '[', ' ']) || rel.starts_with('-') {
            return None;
        }
        files.push(rel.to_string());
    }
    let copy_line = line_of(text, &copy.span)?;
    let copy_text = text.get(copy_line.clone())?;
    let copy_text = copy_text.trim_end_matches(['\n', '\r']);
    if copy_text.contains('\n') || copy_text.trim_end().ends_with('\\') {
        return None;
    }
    let run_line = line_of(text, &run.ins.span)?;
    if run_line.start < copy_line.end {
        return None;
    }
    let nl = newline_of(text);
    let indent: String = copy_text
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let flags: String = copy
        .flags
        .iter()
        .map(|(k, v)| format!("--{k}={v} "))
        .collect();
    let dest_text = if files.len() == 1 && matches!(*dest, "." | "./") {
        ".".to_string()
    } else {
        dest_dir
    };
    let manifest_copy = format!("{indent}COPY {flags}{} {dest_text}{nl}", files.join(" "));
    let moved = if text[..run_line.end].ends_with('\n') {
        Edit {
            range: run_line.end..run_line.end,
            replacement: format!("{copy_text}{nl}"),
        }
    } else {
        Edit {
            range: run_line.end..run_line.end,
            replacement: format!("{nl}{copy_text}"),
        }
    };
    Some(Fix::unsafe_because(
        format!(
            "Copy {} first, then the sources after the install",
            files.join(" ")
        ),
        CAVEAT,
        vec![
            Edit {
                range: copy_line,
                replacement: manifest_copy,
            },
            moved,
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::check;

    #[test]
    fn order_matters() {
        let n = |t: &str| check(&CacheBustingCopy, t).len();
        assert_eq!(n("FROM node:20\nCOPY . .\nRUN npm ci\n"), 1);
        assert_eq!(
            n("FROM node:20\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n"),
            0
        );
        assert_eq!(
            n("FROM python:3.12\nCOPY . .\nRUN pip install --no-deps .\n"),
            0
        );
        assert_eq!(
            n("FROM python:3.12\nCOPY . .\nRUN pip install --upgrade pip\n"),
            0
        );
        assert_eq!(n("FROM python:3.12\nCOPY [\".\", \"/app\"]\nRUN pip install -r /app/requirements.txt\n"), 1);
        assert_eq!(
            n("FROM python:3.12\nCOPY src/ /app/src\nRUN pip install /app\n"),
            0
        );
        assert_eq!(n("FROM golang:1.22\nCOPY . .\nRUN go build ./...\n"), 0);
        assert_eq!(n("FROM ruby:3.3\nCOPY . .\nRUN bundle install\n"), 1);
        // Different stages: the install is not after the copy.
        assert_eq!(
            n("FROM node:20 AS a\nCOPY . .\nFROM node:20\nRUN npm ci\n"),
            0
        );
        let f = check(&CacheBustingCopy, "FROM python:3.12\nCOPY . .\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r r.txt\n");
        assert_eq!(f[0].severity, Severity::Low);
        assert_eq!(f[0].related.len(), 1);
    }

    fn fixed(text: &str) -> Option<String> {
        let f = check(&CacheBustingCopy, text);
        let fix = f.first()?.fix.as_ref()?;
        let mut out = text.to_string();
        for e in fix.edits.iter().rev() {
            out.replace_range(e.range.clone(), &e.replacement);
        }
        Some(out)
    }

    #[test]
    fn fix_variants() {
        assert_eq!(
            fixed("FROM python:3.12\nCOPY . /app\nRUN pip3 install --requirement=/app/requirements.txt && rm -rf /root/.cache\nWORKDIR /app\n").as_deref(),
            Some("FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip3 install --requirement=/app/requirements.txt && rm -rf /root/.cache\nCOPY . /app\nWORKDIR /app\n")
        );
        assert_eq!(
            fixed("FROM node:20\nWORKDIR /srv\nCOPY . .\nRUN npm ci").as_deref(),
            Some("FROM node:20\nWORKDIR /srv\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .")
        );
        // Ambiguous: two requirement files, constraints, a positional package, ADD, bundle.
        for t in [
            "FROM python:3.12\nCOPY . .\nRUN pip install -r a.txt -r b.txt\n",
            "FROM python:3.12\nCOPY . .\nRUN pip install -r a.txt -c c.txt\n",
            "FROM python:3.12\nCOPY . .\nRUN pip install -r reqs/prod.txt\n",
            "FROM python:3.12\nADD . .\nRUN pip install -r requirements.txt\n",
            "FROM ruby:3.3\nCOPY . .\nRUN bundle install\n",
            "FROM node:20\nCOPY . .\nRUN npm ci --prefix web\n",
        ] {
            assert_eq!(check(&CacheBustingCopy, t).len(), 1, "{t}");
            assert_eq!(fixed(t), None, "{t}");
        }
    }
}
