//! `docker/latest-tag`: a base image without a tag, or tagged `latest`.

use crate::finding::{Finding, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::docker::util;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct LatestTag;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/latest-tag",
    summary: "base image without a tag or tagged `:latest`",
    severity: Severity::Medium,
    docs: r#"
## Why
`FROM node` and `FROM node:latest` build on whatever the registry serves that
day: a new major version of the runtime, a different OS release, a changed
default user. The same commit builds a different image next week, and a rollback
does not roll back the base. It also defeats vulnerability tracking, since
nobody knows which version is deployed.

The rule checks every `FROM` and every `COPY --from=<image>` that names an
external image. It resolves `FROM ${BASE}` through the `ARG` defaults declared
before the first `FROM`, and ignores `FROM scratch`, `FROM <earlier stage>`, `FROM <named build context>` (a
bake target's `contexts = { base = "target:base" }`, compose `additional_contexts`,
`build-push-action` `build-contexts`: BuildKit builds or reads that context, it pulls
no `base:latest`) and
references whose value is only known at build time (`ARG BASE` without a
default) or when the file is rendered (`FROM {{ base_image }} AS base` in a
Jinja2 or Go template of a Dockerfile, whose `base` is then a stage), and a stage
that is only its `FROM` and that no later stage builds on or copies from (left over:
BuildKit never pulls it for the final image). Nor is the project's own image: a
`FROM` of an image that another of the repository's Dockerfiles builds (a compose
service with `image:` beside `build:`, also when its Dockerfile is a symlink harden does
not follow, a workflow's `docker build -t`, build-push-action tags) is the same checkout's
output, rebuilt with it. A tag that is set but not pinned
by digest is the separate, info-level rule `docker/unpinned-digest`.

## Example
```dockerfile
FROM python                      # untagged: means :latest
FROM node:latest AS web
COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv
```

## Fix
Name the version you tested, as precisely as you want updates to be automatic:
```dockerfile
FROM python:3.12-slim-bookworm
FROM node:20.15-alpine3.20 AS web
COPY --from=ghcr.io/astral-sh/uv:0.4.18 /uv /bin/uv
```
and let Dependabot or Renovate propose bumps (`package-ecosystem: docker`).

hadolint reports the same `FROM` cases as DL3006 (untagged) and DL3007
(`latest`), but skips variable references, so `FROM ${BASE}` with an untagged
default goes unreported there, and it does not check `COPY --from=<image>`
(e.g. `ghcr.io/astral-sh/uv:latest`).
"#,
};

/// Rule id for the info-level digest check, kept with this one because it shares the walk.
pub struct UnpinnedDigest;

/// Metadata and docs of `docker/unpinned-digest`.
pub static DIGEST_META: RuleMeta = RuleMeta {
    id: "docker/unpinned-digest",
    summary: "base image tagged but not pinned by `@sha256:` digest",
    severity: Severity::Info,
    docs: r#"
## Why
A tag such as `python:3.12-slim` is mutable: the publisher re-pushes it for
every patch release and OS update. That is usually what you want, but it means
two builds of the same commit can differ, and a compromised registry account
can push a new image under an old tag. Pinning by digest makes the base
immutable and reviewable; Dependabot and Renovate keep the digest current.

This is informational: tag-only pinning is a reasonable choice for many teams.
`FROM scratch`, earlier stages, build-time `ARG`s and images built on this machine
(`localhost/org/app:builder`, podman's name for a local build) are ignored, and untagged
or `:latest` images are left to `docker/latest-tag`. So is the project's own image
(`FROM acme/app:base` where a workflow or `docker build -t` of this repository publishes
`acme/app:base` from another of its Dockerfiles): the same pipeline rebuilds it, and a
digest would pin the build to an old copy of its own output.

## Example
```dockerfile
FROM python:3.12-slim
```

## Fix
```dockerfile
FROM python:3.12-slim@sha256:2be8daddbb82756f7d1f2c7ece706aadcb284bf6ab6d769ea695cc3ed6016743
```
Get the digest with `docker buildx imagetools inspect python:3.12-slim` and let
Dependabot or Renovate update it.

hadolint has no equivalent check (DL3006/DL3007 only look at the tag).
"#,
};

struct BaseRef {
    span: std::ops::Range<usize>,
    image: util::ImageRef,
    written: String,
}

fn external_refs(df: &Dockerfile) -> Vec<BaseRef> {
    let args = util::global_args(df);
    let mut out = Vec::new();
    for (si, stage) in df.stages.iter().enumerate() {
        let written = stage.image.clone();
        // A stage that is only its `FROM` and that no later stage builds on or copies
        // from is left over: BuildKit never pulls its image for the final target, and
        // `--target` at it would only re-tag that image.
        let idle = Some(si) != df.final_stage()
            && !df.stage_is_referenced(si)
            && df
                .stage_instructions(si)
                .iter()
                .all(|i| i.keyword == "FROM");
        if idle
            || written.is_empty()
            || written.eq_ignore_ascii_case("scratch")
            || util::stage_named(df, si, &written).is_some()
        {
            continue;
        }
        let Some(resolved) = util::resolve(&written, &args) else {
            continue;
        };
        // `{{ base_image }}`: a template's placeholder, filled in when the file is
        // rendered, like a build-time `$ARG`.
        // `localhost/org/app:builder` (no port) is podman's name for an image built on
        // this machine, by an earlier build step: there is no registry to pin it in.
        if resolved.eq_ignore_ascii_case("scratch")
            || resolved.to_ascii_lowercase().starts_with("localhost/")
            || util::stage_named(df, si, &resolved).is_some()
            || resolved.contains('$')
            || resolved.contains("{{")
            || resolved.contains("{%")
        {
            continue;
        }
        let written = if written == resolved {
            format!("`{written}`")
        } else {
            format!("`{written}` (= `{resolved}`)")
        };
        out.push(BaseRef {
            span: stage.image_span.clone(),
            image: util::ImageRef::parse(&resolved),
            written,
        });
    }
    for ins in &df.instructions {
        if !matches!(ins.keyword.as_str(), "COPY" | "ADD") {
            continue;
        }
        let Some(from) = ins.flag("from") else {
            continue;
        };
        let stage = ins.stage.unwrap_or(0);
        if util::stage_named(df, stage, from).is_some()
            || !(from.contains('/') || from.contains(':'))
        {
            continue;
        }
        let Some(resolved) = util::resolve(from, &args) else {
            continue;
        };
        out.push(BaseRef {
            span: ins.span.clone(),
            image: util::ImageRef::parse(&resolved),
            written: format!("`{from}`"),
        });
    }
    out
}

/// Whether the finding sits at a `FROM name` whose `name` a build of this Dockerfile
/// gives as a named context (bake `contexts = { base = "target:base" }`, compose
/// `additional_contexts`): BuildKit uses that context, it pulls no `name:latest`.
fn from_named_context(model: &crate::model::Repository, f: &Finding) -> bool {
    let Some(image) = model.image(&f.path) else {
        return false;
    };
    image
        .stages
        .iter()
        .filter(|s| s.line == f.region.start.line)
        .any(|s| model.is_named_context(&f.path, &s.from))
}

/// Whether the finding sits at a `FROM` of an image the repository builds from another
/// of its Dockerfiles.
fn from_own_image(model: &crate::model::Repository, f: &Finding) -> bool {
    let Some(image) = model.image(&f.path) else {
        return false;
    };
    let Some(stage) = image.stages.iter().find(|s| s.line == f.region.start.line) else {
        return false;
    };
    let from = stage.from_resolved.as_deref().unwrap_or(&stage.from);
    if model
        .published_image(from)
        .is_some_and(|b| b.image.dockerfile != f.path)
    {
        return true;
    }
    // A compose service that names this image beside its `build:` builds it on this
    // machine, whether or not its Dockerfile is one harden reads (a symlink).
    let Some(key) = crate::model::containers::image_key(from) else {
        return false;
    };
    model.services().iter().any(|svc| {
        svc.build
            .as_ref()
            .is_some_and(|b| b.dockerfile != f.path.as_str())
            && svc.image.as_deref().is_some_and(|image| {
                crate::model::containers::image_key(
                    &crate::model::containers::interpolated_default(image),
                )
                .as_deref()
                    == Some(key.as_str())
            })
    })
}

impl Rule for LatestTag {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn settles(&self) -> bool {
        true
    }

    /// Drops a `FROM name` that is a named build context of this Dockerfile, and one
    /// whose image the repository builds itself from another Dockerfile (a compose
    /// service's `image:` beside its `build:`, a workflow's tags): the project's own
    /// image, built from the same checkout, not a moving upstream.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        own.retain(|f| !from_named_context(repo.model, f) && !from_own_image(repo.model, f));
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        for r in external_refs(df) {
            if r.image.digest.is_some() {
                continue;
            }
            let msg = match r.image.tag.as_deref() {
                None => format!(
                    "{} has no tag, so it builds on whatever `latest` is today; pin a version",
                    r.written
                ),
                Some("latest") => format!(
                    "{} follows `latest`, so the same commit builds a different image tomorrow; pin a version",
                    r.written
                ),
                Some(_) => continue,
            };
            let sev = util::for_role(cx, META.severity);
            out.report(r.span, msg).severity = sev;
        }
    }
}

impl Rule for UnpinnedDigest {
    fn meta(&self) -> &'static RuleMeta {
        &DIGEST_META
    }

    fn settles(&self) -> bool {
        true
    }

    /// `FROM acme/app:base` where the repository itself publishes `acme/app:base`
    /// from one of its Dockerfiles: the base is the project's own image, rebuilt by
    /// the same pipeline, and a digest pinned here would hold the build on an old
    /// copy of its own output.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let model = repo.model;
        own.retain(|f| {
            if from_named_context(model, f) {
                return false;
            }
            !from_own_image(model, f)
        });
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        for r in external_refs(df) {
            if r.image.digest.is_some() {
                continue;
            }
            match r.image.tag.as_deref() {
                None | Some("latest") => continue,
                Some(tag) => {
                    out.report(
                        r.span,
                        format!(
                            "{} is pinned to the mutable tag `{tag}`, not to a digest; add `@sha256:…` for reproducible builds",
                            r.written
                        ),
                    );
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
    fn tags_args_and_stages() {
        let n = |t: &str| check(&LatestTag, t).len();
        assert_eq!(n("FROM python\n"), 1);
        assert_eq!(n("FROM python:latest\n"), 1);
        assert_eq!(n("FROM localhost:5000/app\n"), 1);
        assert_eq!(n("FROM localhost:5000/app:1.2\n"), 0);
        assert_eq!(n("FROM localhost/searxng/searxng\n"), 0);
        assert_eq!(n("FROM python@sha256:abcd\n"), 0);
        assert_eq!(n("FROM scratch\n"), 0);
        assert_eq!(n("FROM python:3.12 AS base\nFROM base\n"), 0);
        assert_eq!(n("ARG B=python:3.12\nFROM ${B}\n"), 0);
        assert_eq!(n("ARG B=python\nFROM $B\n"), 1);
        assert_eq!(n("ARG B\nFROM ${B}\n"), 0);
        assert_eq!(n("ARG V=3.12\nFROM python:${V}-slim\n"), 0);
        // A Jinja2/Go template's placeholder, and the stage it names.
        assert_eq!(
            n("FROM {{ base_image }} AS base\nFROM base AS builder\n"),
            0
        );
        assert_eq!(n("FROM {{base_image}}\n"), 0);
        assert_eq!(n("FROM {{ base_image }} AS base\nFROM python\n"), 1);
        assert_eq!(
            n("FROM python:3.12\nCOPY --from=ghcr.io/astral-sh/uv /uv /bin/\n"),
            1
        );
        assert_eq!(
            n("FROM python:3.12 AS b\nFROM python:3.12\nCOPY --from=b /x /x\n"),
            0
        );
        let d = |t: &str| check(&UnpinnedDigest, t).len();
        assert_eq!(d("FROM python:3.12\n"), 1);
        assert_eq!(d("FROM python:3.12@sha256:abcd\n"), 0);
        assert_eq!(d("FROM python\n"), 0);
    }
}
