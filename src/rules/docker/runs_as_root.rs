//! `docker/runs-as-root`: the final image runs its process as root.

use crate::finding::{Finding, Severity};
use crate::model::containers::is_non_root_user;
use crate::parse::dockerfile::Dockerfile;
use crate::rules::docker::util;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct RunsAsRoot;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/runs-as-root",
    summary: "the final image has no `USER`, or switches back to root",
    severity: Severity::Medium,
    docs: r#"
## Why
A container whose process runs as root turns any code-execution bug in the
application into root inside the container, one kernel or runtime bug away from
root on the host; it can also write over its own binaries and read every mounted
secret. Docker runs as root unless the image says otherwise.

The rule looks at the image `docker build` produces: the last stage, plus the
stages it is built `FROM` (a `USER` set in `FROM base AS base` carries over to
`FROM base`). It reports when no `USER` is set there, or when the last `USER`
is `root`, `0` or `0:…`. It stays quiet when:

- the base image is known to run as non-root: `gcr.io/distroless/*:nonroot`
  (and `nonroot-<arch>` / `*-nonroot` tags), `cgr.dev/chainguard/*`,
  `*-unprivileged` images, `bitnami/*`, the Prometheus project's images (`prom/*`,
  `quay.io/prometheus/*`, `quay.io/prometheus-community/*`: `USER nobody`), Red Hat UBI language and server images
  (`ubi9/python-312`, `ubi9/nginx-124`, `ubi8/nodejs-20`…, which run as uid
  1001; not `ubi9/ubi` or `ubi-minimal`), Gitpod workspace images;
- the base is an AWS Lambda image (`public.ecr.aws/lambda/*`): Lambda runs the
  handler as an unprivileged sandbox user whatever the image says;
- the image is a `FROM scratch` bundle with no `ENTRYPOINT` or `CMD` (an OLM
  bundle, a data or artefact image): no process runs from it;
- the file is clearly a build, test or development image (`Dockerfile.dev`,
  `ci.Dockerfile`, `.devcontainer/`, a final stage named `test` or `build`).

When the entrypoint drops privileges itself (`gosu`, `su-exec`, `setpriv`,
the pattern of the official postgres/redis/mysql/mongo images, which are
recognised by name) the finding is kept at low. Images that already run as a
service user (grafana, prometheus, jenkins, keycloak, elasticsearch…) and
Windows images are not reported.
`USER ${APP_UID}` whose value is unknown counts as non-root. A base image whose
tag comes from an `ARG` without default (`FROM node:${NODE_VERSION}-alpine`) is
still judged by its name; a base whose whole name is unknown (`FROM ${BASE}`)
may set a user and is not reported. Neither is an image built `FROM` one the repository
publishes itself (a workflow's `docker/build-push-action` tags or `docker/metadata-action`
images, a `docker build -t`, also through a variable its release script assigns:
`IMAGE_NAME=acme/app` … `-t ${IMAGE_NAME}:${TAG}`; the `FROM` read with its `ARG`
defaults) from a Dockerfile whose built stage sets a non-root `USER`:
the image inherits that user. A tag whose namespace is an expression
(`${{ vars.REGISTRY_REPO }}/base:latest`) names the image by the rest of its name
(`wger/base`, `acme/base`). Nor is a base image that other Dockerfiles of the
repository build `FROM` (found the same way): it never runs by itself, and each
image built on it is judged on its own `USER`.

Severity: medium. Root in the container is not exploitable by itself; it turns
any other bug into root in the container and a step closer to the host, a real
weakness to fix before release. Tests and examples are capped at low; build,
test and development images (`Dockerfile.dev`, `.devcontainer/`) are skipped.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["gunicorn", "app:app"]          # runs as root
```

## Fix
Create an unprivileged user and switch to it after the steps that need root:
```dockerfile
RUN useradd --system --uid 10001 --no-create-home app
USER 10001
CMD ["gunicorn", "app:app"]
```
Prefer a numeric UID so Kubernetes `runAsNonRoot` can verify it. Distroless
images have a ready `:nonroot` tag. When an internal base image already sets
`USER` (harden cannot see inside it), say so where it shows:
`# harden: ignore[docker/runs-as-root] base image runs as uid 10001`.

hadolint DL3002 reports a last `USER root`/`0:0` as we do; it says nothing when
`USER` is missing altogether, which is the common case and the one this rule is
for.
"#,
};

fn is_root(user: &str) -> bool {
    let u = user.split(':').next().unwrap_or(user).trim();
    u == "root" || u == "0"
}

/// Known images that already run as an unprivileged user (their own Dockerfile ends
/// with a non-root `USER`): a base image here, a container's image in Kubernetes.
pub(crate) fn nonroot_base(image: &str) -> bool {
    let r = util::ImageRef::parse(image);
    let tag = r.tag.as_deref().unwrap_or("");
    let ubi_app = r.name.split('/').any(|seg| {
        seg.strip_prefix("ubi")
            .is_some_and(|v| v.parse::<u8>().is_ok())
    }) && r
        .name
        .rsplit('/')
        .next()
        .is_some_and(|n| !n.starts_with("ubi") && n != "s2i-core" && n != "s2i-base");
    tag.ends_with("-nonroot")
        || tag.split(['-', '_']).any(|p| p == "nonroot")
        || ubi_app
        || r.name.starts_with("gitpod/workspace-")
        || r.name.starts_with("cgr.dev/chainguard/")
        || r.name.ends_with("-unprivileged")
        || r.name.starts_with("bitnami/")
        // The Prometheus project's and prometheus-community's images end with `USER nobody`.
        || r.name.starts_with("prom/")
        || r.name.starts_with("quay.io/prometheus/")
        || r.name.starts_with("quay.io/prometheus-community/")
        || r.name.starts_with("docker.io/bitnami/")
        || matches!(
            r.name.as_str(),
            "grafana/grafana"
                | "grafana/grafana-oss"
                | "prom/prometheus"
                | "prom/alertmanager"
                | "prom/node-exporter"
                | "quay.io/prometheus/prometheus"
                | "jenkins/jenkins"
                | "quay.io/keycloak/keycloak"
                | "docker.elastic.co/elasticsearch/elasticsearch"
                | "docker.elastic.co/kibana/kibana"
                | "sonarqube"
        )
}

/// Official images whose entrypoint starts as root and drops to a service user (`gosu`).
fn entrypoint_drops_privileges(image: &str) -> bool {
    let r = util::ImageRef::parse(image);
    let name = r.name.strip_prefix("docker.io/").unwrap_or(&r.name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    matches!(
        name,
        "postgres" | "redis" | "mysql" | "mariadb" | "mongo" | "rabbitmq" | "cassandra" | "couchdb"
    )
}

/// AWS Lambda base images: the Lambda runtime, not the image's `USER`, decides who runs
/// the handler (an unprivileged sandbox user).
fn lambda_base(image: &str) -> bool {
    let l = image.to_ascii_lowercase();
    l.starts_with("public.ecr.aws/lambda/") || l.starts_with("amazon/aws-lambda-")
}

/// The image reference with only its repository known, when the tag comes from an `ARG`
/// without a default (`node:${NODE_VERSION}-alpine` -> `node`): the name still decides.
fn name_with_unknown_tag(image: &str) -> Option<String> {
    let dollar = image.find('$')?;
    let slash = image.rfind('/').map_or(0, |i| i + 1);
    let colon = image[slash..].find(':').map(|i| slash + i)?;
    (dollar > colon).then(|| image[..colon].to_string())
}

/// Windows images: `root` is not the question there.
fn windows_base(image: &str) -> bool {
    let l = image.to_ascii_lowercase();
    l.contains("/windows") || l.contains("nanoserver") || l.contains("servercore")
}

impl Rule for RunsAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// `FROM acme/app` where the repository publishes `acme/app` itself from a
    /// Dockerfile whose built stage sets a non-root `USER`: the image inherits it.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let model = repo.model;
        own.retain(|f| {
            if !f.message.contains("never sets `USER`") {
                return true;
            }
            // A base image the repository's other Dockerfiles build `FROM` (its own
            // `base/Dockerfile`, tagged by the workflow that publishes it) does not run
            // by itself: the images built on it do, and are judged on their own `USER`.
            if model.is_base_of_other_images(&f.path) {
                return false;
            }
            let Some(image) = model.image(&f.path) else {
                return true;
            };
            let Some(last) = image.final_stage() else {
                return true;
            };
            let Some(root) = image.chain(last).first().and_then(|&i| image.stages.get(i)) else {
                return true;
            };
            let inherited = model
                .published_image(root.from_resolved.as_deref().unwrap_or(&root.from))
                .filter(|b| b.image.dockerfile != f.path)
                .and_then(|b| b.config().user);
            !inherited.is_some_and(|u| is_non_root_user(&u.value))
        });
    }

    fn settles(&self) -> bool {
        true
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) || util::build_only(df, cx) {
            return;
        }
        let Some((last, instrs)) = util::final_instructions(df) else {
            return;
        };
        let Some(stage) = df.stages.get(last) else {
            return;
        };
        let base = util::root_image(df, last).or_else(|| {
            let root = *util::chain(df, last).first()?;
            name_with_unknown_tag(&df.stages.get(root)?.image)
        });
        // Unknown base (`FROM ${BASE}` without default): it may set a user.
        let Some(base) = base else {
            return;
        };
        if df.escape == '`' || windows_base(&base) || lambda_base(&base) {
            return;
        }
        let runs_something = instrs
            .iter()
            .any(|i| matches!(i.keyword.as_str(), "ENTRYPOINT" | "CMD"));
        if base.eq_ignore_ascii_case("scratch") && !runs_something {
            return;
        }
        if nonroot_base(&base) && !instrs.iter().any(|i| i.keyword == "USER") {
            return;
        }
        let env = util::env_of(df, instrs.iter().copied());
        let last_user = instrs.iter().rev().find(|i| i.keyword == "USER");
        let drops_privileges = entrypoint_drops_privileges(&base)
            || instrs.iter().any(|i| {
                matches!(i.keyword.as_str(), "RUN" | "ENTRYPOINT" | "CMD")
                    && [
                        "gosu",
                        "su-exec",
                        "setpriv",
                        "runuser",
                        "chpst",
                        "s6-setuidgid",
                    ]
                    .iter()
                    .any(|t| i.args_text().contains(t))
            });
        let sev = util::for_role(
            cx,
            if drops_privileges {
                Severity::Low
            } else {
                Severity::Medium
            },
        );
        let note = if drops_privileges {
            " (the entrypoint seems to drop privileges itself: check that it does)"
        } else {
            ""
        };
        match last_user {
            None => {
                let span = df
                    .instructions
                    .get(stage.from)
                    .map_or(stage.image_span.clone(), |i| i.span.clone());
                let f = out.report(
                    span,
                    format!(
                        "the final image never sets `USER`, so its process runs as root{note}; add an unprivileged user and `USER` it"
                    ),
                );
                f.severity = sev;
            }
            Some(ins) => {
                let raw = ins.args_text().trim();
                let user = util::resolve(raw, &env).unwrap_or_else(|| raw.to_string());
                if is_root(&user) {
                    let f = out.report(
                        ins.span.clone(),
                        format!(
                            "the last `USER` of the final image is `{raw}`, so its process runs as root{note}; switch back to an unprivileged user"
                        ),
                    );
                    f.severity = sev;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::{check, check_at};

    fn sev(text: &str) -> Option<Severity> {
        check(&RunsAsRoot, text).first().map(|f| f.severity)
    }

    #[test]
    fn user_resolution() {
        assert_eq!(
            sev("FROM alpine:3.20\nARG UID=0\nUSER ${UID}\n"),
            Some(Severity::Medium)
        );
        assert_eq!(sev("FROM alpine:3.20\nUSER ${APP_UID}\n"), None);
        assert_eq!(
            sev("FROM alpine:3.20\nUSER app\nUSER root\n"),
            Some(Severity::Medium)
        );
        assert_eq!(
            sev("FROM alpine:3.20\nUSER root\nRUN x\nUSER 1000:1000\n"),
            None
        );
        assert_eq!(sev("FROM alpine:3.20\nUSER 0:0\n"), Some(Severity::Medium));
    }

    #[test]
    fn bases() {
        assert_eq!(
            sev("FROM gcr.io/distroless/static-debian12:nonroot\n"),
            None
        );
        assert_eq!(
            sev("FROM gcr.io/distroless/static-debian12\n"),
            Some(Severity::Medium)
        );
        assert_eq!(sev("FROM cgr.dev/chainguard/nginx\n"), None);
        assert_eq!(
            sev("FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n"),
            Some(Severity::Low)
        );
        assert_eq!(sev("FROM ${BASE}\n"), None);
        assert_eq!(
            sev("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\n"),
            None
        );
        assert_eq!(
            sev("FROM alpine:3.20\nRUN apk add su-exec\nENTRYPOINT [\"/entry.sh\"]\n"),
            Some(Severity::Low)
        );
    }

    #[test]
    fn known_unprivileged_and_sandboxed_bases() {
        // The distroless nonroot tag with an architecture suffix from a build ARG.
        assert_eq!(
            sev("ARG ARCH=amd64\nFROM gcr.io/distroless/static-debian13:nonroot-${ARCH}\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"),
            None
        );
        assert_eq!(sev("FROM registry.access.redhat.com/ubi9/python-312-minimal:latest\nCMD [\"python\", \"app.py\"]\n"), None);
        assert_eq!(
            sev("FROM registry.access.redhat.com/ubi9/nginx-124\nCMD [\"nginx\"]\n"),
            None
        );
        assert_eq!(
            sev("FROM registry.access.redhat.com/ubi9/ubi-minimal:9.4\nCMD [\"/app\"]\n"),
            Some(Severity::Medium)
        );
        assert_eq!(
            sev("FROM ghcr.io/ubiquiti/unifi:8\nCMD [\"/app\"]\n"),
            Some(Severity::Medium)
        );
        assert_eq!(
            sev("FROM public.ecr.aws/lambda/python:3.12\nCMD [\"app.handler\"]\n"),
            None
        );
        assert_eq!(
            sev("FROM gitpod/workspace-base\nRUN sudo apt-get update\n"),
            None
        );
        // A bundle of manifests: nothing runs from it.
        assert_eq!(
            sev("FROM scratch\nCOPY manifests /manifests/\nLABEL a=b\n"),
            None
        );
        // A static binary in scratch does run, as uid 0.
        assert_eq!(
            sev("FROM scratch\nCOPY server /server\nENTRYPOINT [\"/server\"]\n"),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn base_tag_from_an_arg_is_still_judged_by_its_name() {
        assert_eq!(
            sev("ARG NODE_VERSION\nFROM node:${NODE_VERSION}-alpine\nCOPY . .\nCMD [\"node\", \"server.js\"]\n"),
            Some(Severity::Medium)
        );
        assert_eq!(
            sev("ARG TAG\nFROM gcr.io/distroless/nodejs22-debian12:${TAG}\nCMD [\"server.js\"]\n"),
            Some(Severity::Medium)
        );
        // The whole name unknown: the base may set a user.
        assert_eq!(sev("ARG BASE\nFROM ${BASE}:1.0\nCMD [\"/app\"]\n"), None);
    }

    #[test]
    fn build_images_are_skipped() {
        assert!(check_at(&RunsAsRoot, "Dockerfile.dev", "FROM python:3.12\n").is_empty());
        assert!(check_at(&RunsAsRoot, "ci/build.Dockerfile", "FROM python:3.12\n").is_empty());
        assert!(check(
            &RunsAsRoot,
            "FROM python:3.12 AS base\nFROM base AS test\nRUN pytest\n"
        )
        .is_empty());
        assert!(check(&RunsAsRoot, "FROM python:3.12\nONBUILD COPY . /app\n").is_empty());
    }
}
