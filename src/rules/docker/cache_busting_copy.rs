//! `docker/cache-busting-copy`: the whole build context is copied before dependencies are installed.

use crate::finding::Severity;
use crate::parse::dockerfile::Dockerfile;
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct CacheBustingCopy;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/cache-busting-copy",
    summary:
        "`COPY . .` before the dependency install: every code change re-installs all dependencies",
    severity: Severity::Medium,
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
pattern and is not reported. When the install uses a BuildKit cache mount the
cost is smaller and the finding is low.

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
            for r in runs.iter().filter(|r| range.contains(&r.index)) {
                for script in &r.scripts {
                    for cmd in script.commands() {
                        if let Some(eco) = util::dependency_install(script, &cmd) {
                            let span = script.host_range(&cmd.span());
                            let text = script.node_text(cmd.node).to_string();
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
                let before: Vec<&str> =
                    installs.iter().filter(|i| i.0 < idx).map(|i| i.1).collect();
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
                reported = true;
            }
        }
    }
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
}
