//! `docker/toolchain-in-final-image`: compilers and `-dev` packages shipped in a single-stage image.

use crate::finding::Severity;
use crate::parse::dockerfile::Dockerfile;
use crate::rules::docker::apt_hygiene::apt_subcommand;
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct ToolchainInFinalImage;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/toolchain-in-final-image",
    summary:
        "build toolchains (gcc, make, `-dev` packages, an SDK base image) left in the shipped image",
    severity: Severity::Low,
    docs: r#"
## Why
Compilers, headers and SDKs are needed to build, not to run. Left in the image
they add hundreds of megabytes, dozens of CVEs to triage, and hand an attacker
who gets a shell everything needed to build exploits in place.

The rule looks at images built in a single line of stages (the final stage and
its `FROM` ancestors, with no `COPY --from` of a builder) and reports:

- a package install (`apt-get`/`apt`/`apk`/`yum`/`dnf`/`microdnf`) of
  `build-essential`, `gcc`, `g++`, `make`, `cmake`, `clang`, `cargo`, `rustc`,
  `golang`, `autoconf`, `libtool`, or `*-dev`/`*-devel` packages, that no later
  `apt-get purge`/`apk del`/`dnf remove` in the image removes (removal of an
  `apk add --virtual .build-deps` group, or of a `$buildDeps` variable, counts,
  and so does the docker-library pattern of the official images:
  `savedAptMark="$(apt-mark showmanual)"`, the install, `apt-mark auto '.*'`,
  `apt-mark manual $savedAptMark`, then `apt-get purge --auto-remove` in the same
  `RUN`, which removes every package installed since the snapshot that the built
  files do not link to; `apt-mark showmanual | xargs apt-mark auto` marks them the
  same way, and the steps may sit in the branches of a `case` or an `if`, as in
  the postgres images, which build from source only on some architectures);
- a final image based on an SDK image (`golang`, `rust`, `maven`, `gradle`,
  `mcr.microsoft.com/dotnet/sdk`, `*-jdk`).

Multi-stage builds, where the final stage only copies artefacts from a builder,
are not reported even if they install a few tools. Build, test and development
images are skipped.

## Example
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir -r requirements.txt
```

## Fix
Build in one stage, ship from another:
```dockerfile
FROM python:3.12-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir -r requirements.txt

FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /venv /venv
```
or remove the build dependencies in the same `RUN` that used them.

hadolint has no equivalent check.
"#,
};

const TOOLS: &[&str] = &[
    "build-essential",
    "gcc",
    "g++",
    "gcc-c++",
    "make",
    "cmake",
    "clang",
    "cargo",
    "rustc",
    "golang",
    "golang-go",
    "autoconf",
    "automake",
    "libtool",
    "musl-dev",
    "alpine-sdk",
];

fn is_toolchain(pkg: &str) -> bool {
    let p = pkg.split(['=', '>', '<']).next().unwrap_or(pkg);
    TOOLS.contains(&p)
        || (p.ends_with("-dev") && p.len() > 4)
        || (p.ends_with("-devel") && p.len() > 6)
        || p.starts_with("gcc-")
        || p.starts_with("g++-")
}

fn sdk_base(image: &str) -> bool {
    let r = util::ImageRef::parse(image);
    let tag = r.tag.as_deref().unwrap_or("");
    matches!(r.short_name(), "golang" | "rust" | "maven" | "gradle")
        || r.name.ends_with("dotnet/sdk")
        || (tag.contains("jdk") && !tag.contains("jre"))
}

struct Install {
    span: std::ops::Range<usize>,
    pkgs: Vec<String>,
    virtual_name: Option<String>,
    /// Removed by the apt-mark pattern of the same `RUN` (see [`AptMarkPurge`]).
    auto_removed: bool,
}

/// The docker-library way of removing build dependencies without naming them:
/// `savedAptMark="$(apt-mark showmanual)"`, install, build, `apt-mark auto '.*'`,
/// `apt-mark manual $savedAptMark` (plus the libraries the build links to), then
/// `apt-get purge --auto-remove`. Every package installed between the snapshot and
/// `apt-mark auto` is left unmarked and goes with the purge, in the same `RUN`.
#[derive(Default)]
struct AptMarkPurge {
    /// `installs.len()` when `apt-mark showmanual` ran in this `RUN`.
    saved_at: Option<usize>,
    /// `installs.len()` when `apt-mark auto` of every package ran after the snapshot.
    marked_at: Option<usize>,
}

/// `apt-mark auto` of every package: a pattern such as `.*`, `*` or `~i`.
fn marks_all_auto(rest: &[Option<String>]) -> bool {
    rest.iter()
        .flatten()
        .any(|a| !a.starts_with('-') && (a.contains('*') || a == "~i" || a == "?installed"))
}

/// `xargs [options] apt-mark auto` with nothing after `auto`: it marks auto what is
/// piped in, which in the docker-library images is `apt-mark showmanual`, every
/// manually installed package.
fn xargs_marks_auto(vals: &[Option<String>]) -> bool {
    let words: Vec<&str> = vals
        .iter()
        .map(|v| v.as_deref().unwrap_or("$"))
        .skip_while(|w| w.starts_with('-'))
        .collect();
    matches!(words.as_slice(), ["apt-mark", "auto"])
}

/// `apt-get purge --auto-remove`, `apt-get remove --autoremove`, `apt-get autoremove`.
fn auto_removes(sub: &str, rest: &[Option<String>]) -> bool {
    sub == "autoremove"
        || sub == "autopurge"
        || rest
            .iter()
            .flatten()
            .any(|a| a == "--auto-remove" || a == "--autoremove")
}

impl Rule for ToolchainInFinalImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) || util::build_only(df, cx) {
            return;
        }
        let Some((last, instrs)) = util::final_instructions(df) else {
            return;
        };
        // Multi-stage: the final image copies from a builder stage (not from an external image).
        if instrs.iter().any(|i| {
            matches!(i.keyword.as_str(), "COPY" | "ADD")
                && i.flag("from")
                    .is_some_and(|f| util::stage_named(df, i.stage.unwrap_or(0), f).is_some())
        }) {
            return;
        }
        let sev = util::for_role(cx, META.severity);
        if let Some(base) = util::root_image(df, last) {
            if sdk_base(&base) {
                let root = util::chain(df, last).first().copied().unwrap_or(last);
                if let Some(st) = df.stages.get(root) {
                    out.report(
                        st.image_span.clone(),
                        format!("the shipped image is built on the SDK image `{base}`; build in a builder stage and copy the artefact into a runtime image"),
                    )
                    .severity = sev;
                }
            }
        }
        let chain = util::chain(df, last);
        let mut installs: Vec<Install> = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        let mut removed_dynamic = false;
        for r in util::runs(df) {
            if !r.ins.stage.is_some_and(|s| chain.contains(&s)) {
                continue;
            }
            let mut mark = AptMarkPurge::default();
            for script in r.scripts {
                for cmd in script.commands() {
                    let vals = cmd.arg_values(script);
                    // `apt-mark showmanual | xargs apt-mark auto`: every manual package
                    // marked auto, as `apt-mark auto '.*'` does (postgres' images).
                    if cmd.name == "xargs" && mark.saved_at.is_some() && xargs_marks_auto(&vals) {
                        mark.marked_at = Some(installs.len());
                        continue;
                    }
                    if cmd.name == "apt-mark" {
                        match apt_subcommand(&vals) {
                            Some((_, s)) if s == "showmanual" && mark.saved_at.is_none() => {
                                mark.saved_at = Some(installs.len());
                            }
                            Some((i, s))
                                if s == "auto"
                                    && mark.saved_at.is_some()
                                    && marks_all_auto(&vals[i + 1..]) =>
                            {
                                mark.marked_at = Some(installs.len());
                            }
                            _ => {}
                        }
                        continue;
                    }
                    let (sub, rest): (String, Vec<Option<String>>) = match cmd.name.as_str() {
                        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "apk" => {
                            match apt_subcommand(&vals) {
                                Some((i, s)) => (s, vals[i + 1..].to_vec()),
                                None => continue,
                            }
                        }
                        _ => continue,
                    };
                    if let (Some(from), Some(to)) = (mark.saved_at, mark.marked_at) {
                        if matches!(cmd.name.as_str(), "apt-get" | "apt")
                            && matches!(
                                sub.as_str(),
                                "purge" | "remove" | "autoremove" | "autopurge"
                            )
                            && auto_removes(&sub, &rest)
                        {
                            for i in installs.get_mut(from..to).into_iter().flatten() {
                                i.auto_removed = true;
                            }
                        }
                    }
                    match sub.as_str() {
                        "install" | "add" => {
                            let mut virtual_name = None;
                            let mut pkgs = Vec::new();
                            let mut it = rest.iter();
                            while let Some(v) = it.next() {
                                match v.as_deref() {
                                    Some("--virtual" | "-t") => {
                                        virtual_name = it.next().cloned().flatten();
                                    }
                                    Some(v) if v.starts_with("--virtual=") => {
                                        virtual_name = Some(v["--virtual=".len()..].to_string());
                                    }
                                    Some(v) if !v.starts_with('-') && is_toolchain(v) => {
                                        pkgs.push(v.to_string());
                                    }
                                    _ => {}
                                }
                            }
                            if !pkgs.is_empty() {
                                installs.push(Install {
                                    span: script.host_range(&cmd.span()),
                                    pkgs,
                                    virtual_name,
                                    auto_removed: false,
                                });
                            }
                        }
                        "purge" | "remove" | "autoremove" | "del" | "erase" => {
                            for v in &rest {
                                match v {
                                    Some(v) if !v.starts_with('-') => removed.push(v.clone()),
                                    Some(_) => {}
                                    None => removed_dynamic = true,
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if removed_dynamic {
            return;
        }
        for ins in installs {
            if ins.auto_removed
                || ins
                    .virtual_name
                    .as_ref()
                    .is_some_and(|v| removed.contains(v))
            {
                continue;
            }
            let left: Vec<&String> = ins
                .pkgs
                .iter()
                .filter(|p| {
                    let base = p.split(['=', '>', '<']).next().unwrap_or(p);
                    !removed.iter().any(|r| r == *p || r == base)
                })
                .collect();
            if left.is_empty() {
                continue;
            }
            let names: Vec<&str> = left.iter().take(4).map(|s| s.as_str()).collect();
            let more = if left.len() > 4 { ", …" } else { "" };
            out.report(
                ins.span,
                format!(
                    "build tools ({}{more}) are installed in the shipped image and never removed; build in a separate stage and copy only the result",
                    names.join(", ")
                ),
            )
            .severity = sev;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::check;

    #[test]
    fn installs_and_removals() {
        let n = |t: &str| check(&ToolchainInFinalImage, t).len();
        assert_eq!(n("FROM debian:12\nRUN apt-get install -y gcc make\n"), 1);
        assert_eq!(n("FROM debian:12\nRUN apt-get install -y libpq5 curl\n"), 0);
        assert_eq!(
            n("FROM debian:12\nRUN apt-get install -y gcc && pip install x && apt-get purge -y gcc\n"),
            0
        );
        assert_eq!(
            n("FROM alpine:3.20\nRUN apk add --virtual=.b gcc musl-dev && apk del .b\n"),
            0
        );
        assert_eq!(n("FROM alpine:3.20\nRUN apk add --virtual .b gcc\n"), 1);
        assert_eq!(
            n("FROM golang:1.22 AS b\nRUN apt-get install -y gcc\nFROM debian:12\nCOPY --from=b /x /x\n"),
            0
        );
        // docker-library pattern: snapshot, install, mark all auto, restore, purge.
        let marked = |before: &str, after: &str| {
            format!("FROM php:8.4-apache\nRUN {before}apt-get install -y libpq-dev; {after}apt-mark auto '.*'; apt-mark manual $saved; apt-get purge -y --auto-remove\n")
        };
        assert_eq!(n(&marked("saved=\"$(apt-mark showmanual)\"; ", "")), 0);
        // The snapshot taken after the install keeps the -dev package manual.
        assert_eq!(n(&marked("", "saved=\"$(apt-mark showmanual)\"; ")), 1);
        // Marked auto but never purged.
        assert_eq!(
            n("FROM php:8.4-apache\nRUN s=\"$(apt-mark showmanual)\"; apt-get install -y libpq-dev; apt-mark auto '.*'; apt-mark manual $s\n"),
            1
        );
        assert_eq!(n("FROM rust:1.79\nCMD [\"./app\"]\n"), 1);
        assert_eq!(n("FROM eclipse-temurin:21-jdk\nCMD [\"java\"]\n"), 1);
        assert_eq!(n("FROM eclipse-temurin:21-jre\nCMD [\"java\"]\n"), 0);
        assert_eq!(
            n("FROM debian:12\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/\nRUN apt-get install -y libpq-dev\n"),
            1
        );
    }
}
