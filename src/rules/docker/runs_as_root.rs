//! `docker/runs-as-root`: the final image runs its process as root.

use crate::finding::Severity;
use crate::parse::dockerfile::Dockerfile;
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct RunsAsRoot;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/runs-as-root",
    summary: "the final image has no `USER`, or switches back to root",
    severity: Severity::High,
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
  (and `*-nonroot` tags), `cgr.dev/chainguard/*`, `*-unprivileged` images,
  `bitnami/*`;
- the file is clearly a build, test or development image (`Dockerfile.dev`,
  `ci.Dockerfile`, `.devcontainer/`, a final stage named `test` or `build`).

When the entrypoint drops privileges itself (`gosu`, `su-exec`, `setpriv`,
the pattern of the official postgres/redis/mysql/mongo images, which are
recognised by name) the finding is kept at low. Images that already run as a
service user (grafana, prometheus, jenkins, keycloak, elasticsearch…) and
Windows images are not reported.
`USER ${APP_UID}` whose value is unknown counts as non-root.

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

/// Known base images that already run as an unprivileged user.
fn nonroot_base(image: &str) -> bool {
    let r = util::ImageRef::parse(image);
    let tag = r.tag.as_deref().unwrap_or("");
    tag.ends_with("-nonroot")
        || tag == "nonroot"
        || r.name.starts_with("cgr.dev/chainguard/")
        || r.name.ends_with("-unprivileged")
        || r.name.starts_with("bitnami/")
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

/// Windows images: `root` is not the question there.
fn windows_base(image: &str) -> bool {
    let l = image.to_ascii_lowercase();
    l.contains("/windows") || l.contains("nanoserver") || l.contains("servercore")
}

impl Rule for RunsAsRoot {
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
        let Some(stage) = df.stages.get(last) else {
            return;
        };
        let base = util::root_image(df, last);
        // Unknown base (`FROM ${BASE}` without default): it may set a user.
        let Some(base) = base else {
            return;
        };
        if df.escape == '`' || windows_base(&base) {
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
                Severity::High
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
            Some(Severity::High)
        );
        assert_eq!(sev("FROM alpine:3.20\nUSER ${APP_UID}\n"), None);
        assert_eq!(
            sev("FROM alpine:3.20\nUSER app\nUSER root\n"),
            Some(Severity::High)
        );
        assert_eq!(
            sev("FROM alpine:3.20\nUSER root\nRUN x\nUSER 1000:1000\n"),
            None
        );
        assert_eq!(sev("FROM alpine:3.20\nUSER 0:0\n"), Some(Severity::High));
    }

    #[test]
    fn bases() {
        assert_eq!(
            sev("FROM gcr.io/distroless/static-debian12:nonroot\n"),
            None
        );
        assert_eq!(
            sev("FROM gcr.io/distroless/static-debian12\n"),
            Some(Severity::High)
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
