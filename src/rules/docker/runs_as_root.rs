//! `docker/runs-as-root`: the final image runs its process as root.

use crate::finding::{Finding, Related, Severity};
use crate::model::containers::is_non_root_user;
use crate::model::containers::Image;
use crate::model::Repository;
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

The rule looks at the images the repository releases: the last stage, or, when
its builds name stages with `--target` (workflows, compose, scripts,
`package.json` scripts, and JavaScript/TypeScript release scripts, whose build
helpers' parameters take each call's literal or their default), those stages;
each with the stages it is built `FROM` (a `USER` set in `FROM base AS base`
carries over to `FROM base`). It reports when no `USER` is set there, or when the
last `USER` is `root`, `0` or `0:…`. Released targets that miss `USER` from the
same starting stage (`release` and `nightly` built on it) are one finding, and a
released variant built on them that sets a non-root user (`rootless`) is named as
the way out. A stage nobody builds (the last one, when every build names a
target; a helper marked `@deprecated`) is not judged, nor a target named as a base
(`base2`, `base2-slim`) that the released images start from. It stays quiet when:

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
- the file is the image of a Docker container action (an `action.yml` beside it
  with `runs: using: docker` and `image: Dockerfile`): GitHub runs container actions
  as root by design and documents that they must not set `USER`;
- the file is clearly a build, test or development image (`Dockerfile.dev`,
  `ci.Dockerfile`, `.devcontainer/`, a final stage named `test` or `build`).

It is not reported either when the entrypoint script, which a `COPY` brings from
the repository (`COPY docker-entrypoint.sh /usr/local/bin/` and `ENTRYPOINT
["docker-entrypoint.sh"]`, read through the image's copies and the default `PATH`),
hands the process to a service user it names: an `exec` through `gosu`, `su-exec`,
`runuser -u`, `setpriv --reuid` or `chroot --userspec` to a literal non-root user,
and every other `exec` only hands over to the given command (`exec "$@"`) or comes
after the script re-executed itself that way (`exec gosu postgres "$BASH_SOURCE"
"$@"`). Root is then the initialisation's only (a `chown` of the data volume), the
design of the official database images, which reviewers judged nothing to change. A
user from a variable (`exec gosu "$PUID" …`) is the operator's choice and may be root
(`PUID=0`): that stays a finding, at low.

When the entrypoint drops privileges otherwise (`gosu`, `su-exec`, `setpriv`
in the Dockerfile, the pattern of the official postgres/redis/mysql/mongo images,
which are recognised by name) the finding is kept at low, and so it is when the image runs a
mail or name-service daemon whose master must start as root and switches its workers
to a service user itself (it installs postfix, dovecot, exim, opendkim, rspamd,
unbound or sshd). It is low too when the server the image starts switches to an
unprivileged user by its own configuration, so that root is only the start-up
script's (migrations, a `chown` of the data volume), read from what the repository
holds: the `CMD`/`ENTRYPOINT`, or the script it runs, starts uWSGI with `--uid` or
an ini file whose `uid =` names a user, Gunicorn with `--user`, or supervisord whose
every program has a non-root `user=` or starts such a server itself, and nothing
else in the background or as the main process. The same holds for images on the
official `php` image's `-apache` and `-fpm` variants, and on the official application
images built on them (`nextcloud:fpm`, `wordpress:apache`), that keep its server as
the command: Apache's and php-fpm's masters start as root and run the PHP code in
workers as `www-data` by the base image's configuration. A `CMD` that runs something
else (`php worker.php`) keeps medium. Web servers alone are not among them: an nginx
or httpd image can run unprivileged (`nginxinc/nginx-unprivileged`, a high port), and
reviewers kept those at medium. Images that already run as a
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
weakness to fix before release. Tests and examples are capped at low, and so are
images that only a Tiltfile or a `devcontainer.json` builds (a developer's inner
loop: `docker_build('app', '.', dockerfile='tilt.dockerfile')`); build,
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
for. Checkov's CKV_DOCKER_3 and Trivy's DS002 report every image without a non-root
`USER`, whatever its base or entrypoint: they do not read the entrypoint script or the
server's configuration, so a `gosu` entrypoint, a PHP image whose workers run as
`www-data` and a uWSGI server with `uid = www-data` are all findings there. Here they
stay, at low, as a hint to check what else runs as root: the image could still set
`USER` (the official PHP application images support `--user`), but the code an
attacker reaches does not run as root.
"#,
};

/// The note of an image whose `php` base runs the application as `www-data`.
const PHP_WORKERS_NOTE: &str = " (its base's Apache or php-fpm master starts as root and runs the PHP code in workers as `www-data`: check that nothing else runs as root)";

/// The note of an image whose started server drops to a user its configuration names.
const SERVER_DROPS_NOTE: &str = " (the server its command starts switches to an unprivileged user by its own configuration, so only the start-up script runs as root: check that nothing else does)";

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

/// Bases whose server runs the application in workers that its own configuration
/// drops to `www-data`: the official `php` image's `-apache` and `-fpm` variants
/// (`APACHE_RUN_USER=www-data`; the fpm pool's `user = www-data`), and the official
/// application images built on them, which name the variant in their tag the same way
/// (`wordpress:6-apache`, `nextcloud:fpm-alpine`, `drupal:10-php8.3-apache`). The master
/// process and the entrypoint run as root; the PHP code, the attack surface, does not.
/// `httpd` and `nginx` are not here: their workers drop too, but a static or proxy
/// image of them has a drop-in unprivileged variant, and reviewers kept those at medium.
fn php_server_base(image: &str) -> bool {
    let r = util::ImageRef::parse(image);
    let name = r.name.strip_prefix("docker.io/").unwrap_or(&r.name);
    let name = name.strip_prefix("library/").unwrap_or(name);
    let variant = r
        .tag
        .as_deref()
        .unwrap_or("")
        .split('-')
        .any(|t| t == "apache" || t == "fpm");
    variant && !name.contains('/') && !name.contains('.')
}

/// The words of a `CMD`/`ENTRYPOINT`: its JSON array, or its shell form split on blanks.
fn command_words(text: &str) -> Vec<String> {
    let t = text.trim();
    if t.starts_with('[') {
        if let Ok(v) = serde_json::from_str::<Vec<String>>(t) {
            return v;
        }
    }
    t.split_whitespace().map(str::to_string).collect()
}

/// Whether the image still runs its `php` base's server: no `CMD` of its own, or one
/// that starts Apache or php-fpm, and at most an entrypoint script in front of it
/// (a `CMD ["php", "worker.php"]` runs the PHP code itself, as root).
fn runs_base_server(instrs: &[&crate::parse::dockerfile::Instruction]) -> bool {
    let last = |k: &str| instrs.iter().rev().find(|i| i.keyword == k);
    let cmd_ok = last("CMD").is_none_or(|c| {
        command_words(c.args_text()).first().is_some_and(|w| {
            let w = w.rsplit('/').next().unwrap_or(w);
            matches!(w, "apache2-foreground" | "apache2ctl") || w.starts_with("php-fpm")
        })
    });
    let entry_ok = last("ENTRYPOINT").is_none_or(|e| {
        command_words(e.args_text()).first().is_some_and(|w| {
            let w = w.rsplit('/').next().unwrap_or(w);
            w.ends_with(".sh") || w.contains("entrypoint") || matches!(w, "tini" | "dumb-init")
        })
    });
    cmd_ok && entry_ok
}

/// Mail and name-service daemons whose master process must start as root (to bind
/// ports below 1024, chroot, read root-owned keys) and switch their workers to a
/// service user themselves: postfix, dovecot, exim, opendkim, rspamd, unbound, sshd.
/// An image that installs one is a mail/DNS server running root by their design; a
/// reviewer wants the hint, not a release blocker. Web servers are not here: an image
/// that installs nginx beside the application (`nginx` + `gunicorn`) or serves files
/// from the official nginx image still has a choice (nginx-unprivileged, a high port),
/// and reviewers kept those at medium.
const SELF_DROPPING_DAEMONS: &[&str] = &[
    "postfix",
    "dovecot",
    "dovecot-core",
    "openssh-server",
    "unbound",
    "rspamd",
    "exim4",
    "opendkim",
];

/// Whether the stage's `RUN`s install one of [`SELF_DROPPING_DAEMONS`] with a package
/// manager (`apk add postfix`, `apt-get install -y dovecot-core`).
fn runs_self_dropping_daemon(instrs: &[&crate::parse::dockerfile::Instruction]) -> bool {
    instrs.iter().any(|i| {
        if i.keyword != "RUN" {
            return false;
        }
        let text = i.args_text();
        let installs = [
            "apk add",
            "apt-get install",
            "apt install",
            "yum install",
            "dnf install",
        ]
        .iter()
        .any(|c| text.contains(c));
        installs
            && text
                .split(|c: char| c.is_whitespace() || c == '\\')
                .map(|w| w.split(['=', '~']).next().unwrap_or(w))
                .any(|w| SELF_DROPPING_DAEMONS.contains(&w))
    })
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
        // The image of a Docker container action: GitHub runs it as root by design
        // (its workspace and `GITHUB_*` files are root-owned), and `USER` breaks it.
        own.retain(|f| !is_container_action_image(repo, &f.path));
        // An image only a Tiltfile or a dev container builds is a development image.
        for f in own.iter_mut() {
            if f.severity > Severity::Low && model.built_only_for_development(&f.path) {
                f.severity = Severity::Low;
            }
        }
        own.retain(|f| {
            if !f.message.contains("never sets `USER`") || is_candidate(f) {
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
        // The entrypoint script re-executes itself or the server as a service user
        // it names (`exec gosu postgres "$BASH_SOURCE" "$@"`): root is the
        // initialisation's only, the official images' design.
        own.retain(|f| !entrypoint_reexecs_unprivileged(repo, model, f));
        // The server the image starts drops to a user its own configuration names.
        for f in own.iter_mut() {
            if f.severity > Severity::Low
                && f.message.contains("runs as root;")
                && started_server_drops(repo, model, f)
            {
                f.severity = Severity::Low;
                f.message = f
                    .message
                    .replacen(
                        "runs as root;",
                        &format!("runs as root{SERVER_DROPS_NOTE};"),
                        1,
                    )
                    .into();
            }
        }
        // The stages the repository releases, file by file.
        let mut by_file: std::collections::BTreeMap<String, Vec<Finding>> = Default::default();
        for f in own.drain(..) {
            by_file.entry(f.path.to_string()).or_default().push(f);
        }
        for (path, found) in by_file {
            settle_file(model, &path, found, own);
        }
    }

    fn settles(&self) -> bool {
        true
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        let Some(last) = df.final_stage() else {
            return;
        };
        if !util::build_only(df, cx) {
            judge_stage(df, cx, last, None, out);
        }
        if util::build_only_file(df, cx) {
            return;
        }
        // Every other named stage is a candidate: a release may build it with
        // `--target`. [`Rule::settle`] keeps the ones the repository releases.
        for (i, stage) in df.stages.iter().enumerate() {
            let Some(name) = stage.name.as_deref() else {
                continue;
            };
            if i == last || util::stage_name_marks_build(name) {
                continue;
            }
            judge_stage(df, cx, i, Some(name), out);
        }
    }
}

/// Reports the image stage `stage` produces when it runs as root; `target` names
/// the stage when it is not the final one (then it is a candidate `--target`).
fn judge_stage(
    df: &Dockerfile,
    cx: &FileCx<'_>,
    stage_index: usize,
    target: Option<&str>,
    out: &mut Sink<'_>,
) {
    let Some(stage) = df.stages.get(stage_index) else {
        return;
    };
    let mut instrs = Vec::new();
    for s in util::chain(df, stage_index) {
        instrs.extend(df.stage_instructions(s).iter());
    }
    let base = util::root_image(df, stage_index).or_else(|| {
        let root = *util::chain(df, stage_index).first()?;
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
    let daemon = !drops_privileges && runs_self_dropping_daemon(&instrs);
    let php_workers =
        !drops_privileges && !daemon && php_server_base(&base) && runs_base_server(&instrs);
    let sev = util::for_role(
        cx,
        if drops_privileges || daemon || php_workers {
            Severity::Low
        } else {
            Severity::Medium
        },
    );
    let note = if drops_privileges {
        " (the entrypoint seems to drop privileges itself: check that it does)"
    } else if daemon {
        " (it runs a daemon whose master starts as root and switches its workers to a service user: check that nothing else runs as root)"
    } else if php_workers {
        PHP_WORKERS_NOTE
    } else {
        ""
    };
    let what = match target {
        None => "the final image".to_string(),
        Some(t) => format!("the `{t}` target"),
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
                    "{what} never sets `USER`, so its process runs as root{note}; add an unprivileged user and `USER` it"
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
                        "the last `USER` of {what} is `{raw}`, so its process runs as root{note}; switch back to an unprivileged user"
                    ),
                );
                f.severity = sev;
            }
        }
    }
}

/// Whether the image of the finding's stage starts, from its `CMD`/`ENTRYPOINT` or
/// the repository script they run, only servers that switch to an unprivileged user
/// by their own configuration (see [`line_drops`]): then root is the start-up
/// script's (migrations, `chown` of the data volume), as with a `gosu` entrypoint.
fn started_server_drops(repo: &RepoCx<'_>, model: &Repository, f: &Finding) -> bool {
    let Some(image) = model.image(&f.path) else {
        return false;
    };
    let Some(stage) = finding_stage(image, f) else {
        return false;
    };
    let config = image.config(stage);
    let dockerfile_dir = crate::model::paths::dir_of(&f.path).to_string();
    let read = |dirs: &[&str], p: &str| -> Option<String> {
        let p = p.trim_matches(['\'', '"']);
        let (rel, name) = (p.trim_start_matches('/'), crate::model::paths::file_name(p));
        dirs.iter()
            .flat_map(|d| {
                [
                    crate::model::paths::join(d, rel),
                    crate::model::paths::join(d, name),
                ]
            })
            .flatten()
            .find_map(|c| repo.read_text(&c))
    };
    // The command itself, then the scripts it launches that the repository holds.
    let mut scripts: Vec<(String, String)> = Vec::new();
    for setting in [&config.entrypoint, &config.cmd].into_iter().flatten() {
        let launched: Vec<&crate::model::containers::Launch> = image
            .chain(stage)
            .into_iter()
            .filter_map(|i| image.stages.get(i))
            .flat_map(|s| s.launches.iter())
            .filter(|l| l.line == setting.line && !l.module)
            .collect();
        if launched.is_empty() {
            scripts.push((
                dockerfile_dir.clone(),
                command_words(&setting.value).join(" "),
            ));
        }
        // The build context may be the repository root where the copy map took the
        // Dockerfile's directory (`COPY . .` from `docker/`): try both.
        for l in launched {
            let found = [l.repo.clone(), l.written.clone()]
                .iter()
                .flat_map(|p| {
                    let p = p.trim_start_matches("./");
                    [
                        Some(p.to_string()),
                        crate::model::paths::join(&dockerfile_dir, p),
                        Some(crate::model::paths::file_name(p).to_string()),
                    ]
                })
                .flatten()
                .find_map(|p| repo.read_text(&p).map(|t| (p, t)));
            let Some((path, text)) = found else {
                return false;
            };
            scripts.push((crate::model::paths::dir_of(&path).to_string(), text));
        }
    }
    // An entrypoint script that ends with `exec "$@"` hands over to the `CMD`.
    let mut main_found = false;
    for (dir, text) in &scripts {
        let dirs = [dir.as_str(), dockerfile_dir.as_str(), ""];
        let lines = logical_lines(text);
        let execs: Vec<&String> = lines
            .iter()
            .filter(|l| l.split_whitespace().next() == Some("exec"))
            .collect();
        for l in &lines {
            let words: Vec<&str> = l.split_whitespace().collect();
            let server = words.iter().any(|w| server_word(w).is_some());
            let background = l.ends_with('&') && !l.ends_with("&&");
            if server || background {
                if !line_drops(&words, &|p| read(&dirs, p), 0) {
                    return false;
                }
                // The main process: an `exec`, else the script's last command.
                let main = if execs.is_empty() {
                    lines.last() == Some(l)
                } else {
                    execs.contains(&l)
                };
                main_found |= server && main;
            }
        }
        for e in &execs {
            let words: Vec<&str> = e.split_whitespace().collect();
            let hands_over = words
                .get(1)
                .is_some_and(|w| w.contains("$@") || w.contains("${@}"));
            if !hands_over && !line_drops(&words, &|p| read(&dirs, p), 0) {
                return false;
            }
        }
    }
    main_found
}

/// The repository script the `ENTRYPOINT` (else the `CMD`) of the finding's stage
/// runs: its first word past an init wrapper (`tini --`, `dumb-init`) and a shell
/// (`bash`), looked up through the image's `COPY`s (a bare name in the default
/// `PATH`) or its resolved launches.
fn entrypoint_script(repo: &RepoCx<'_>, model: &Repository, f: &Finding) -> Option<String> {
    let image = model.image(&f.path)?;
    let stage = finding_stage(image, f)?;
    let config = image.config(stage);
    let setting = config.entrypoint.as_ref().or(config.cmd.as_ref())?;
    let words = command_words(&setting.value);
    let word = words.iter().find(|w| {
        let base = w.rsplit('/').next().unwrap_or(w);
        !w.starts_with('-')
            && !matches!(
                base,
                "tini" | "tini-static" | "dumb-init" | "bash" | "sh" | "exec" | "catatonit"
            )
    })?;
    let path = image.command_file(stage, word).or_else(|| {
        image
            .chain(stage)
            .into_iter()
            .filter_map(|i| image.stages.get(i))
            .flat_map(|s| s.launches.iter())
            .find(|l| l.line == setting.line && !l.module && l.found)
            .map(|l| l.repo.clone())
    })?;
    repo.read_text(&path)
}

/// The user a privilege-dropping command runs the rest of its line as, when it is one:
/// `gosu USER`, `su-exec USER`, `runuser -u USER`, `setpriv --reuid=USER`, `chroot
/// --userspec=USER:GROUP`; the words after `exec`.
fn dropped_to<'w>(words: &[&'w str]) -> Option<&'w str> {
    let prog = words.first()?.rsplit('/').next().unwrap_or_default();
    let value = |names: &[&str]| {
        words.iter().enumerate().find_map(|(i, w)| {
            names.iter().find_map(|n| {
                if w == n {
                    words.get(i + 1).copied()
                } else {
                    w.strip_prefix(n).and_then(|r| r.strip_prefix('='))
                }
            })
        })
    };
    let user = match prog {
        "gosu" | "su-exec" => words.get(1).copied(),
        "runuser" => value(&["-u", "--user"]),
        "setpriv" => value(&["--reuid"]),
        "chroot" => value(&["--userspec"]).map(|u| u.split(':').next().unwrap_or(u)),
        _ => None,
    }?;
    Some(user.trim_matches(['\'', '"']))
}

/// Whether the image's entrypoint script hands the process to a service user it
/// names itself: an `exec` through `gosu`/`su-exec`/`runuser -u`/`setpriv --reuid`/
/// `chroot --userspec` to a literal non-root user (`exec gosu postgres "$BASH_SOURCE"
/// "$@"`), and every other `exec` of the script only hands over to the command it was
/// given (`exec "$@"`: what the operator asked to run). A user from a variable
/// (`gosu "$PUID"`) is the operator's choice, which may be root (`PUID=0`): kept.
fn entrypoint_reexecs_unprivileged(repo: &RepoCx<'_>, model: &Repository, f: &Finding) -> bool {
    let Some(text) = entrypoint_script(repo, model, f) else {
        return false;
    };
    let mut drops = false;
    let mut others_hand_over = true;
    let mut reexecs = false;
    for l in logical_lines(&text) {
        let words: Vec<&str> = l.split_whitespace().collect();
        if words.first() != Some(&"exec") {
            continue;
        }
        let rest = &words[1..];
        match dropped_to(rest) {
            Some(user) if !user.is_empty() && !user.contains('$') && !is_root(user) => {
                drops = true;
                // `exec gosu app "$BASH_SOURCE" "$@"`: the script runs again as that
                // user, so its other `exec`s do too.
                let at = rest
                    .iter()
                    .position(|w| w.trim_matches(['\'', '"']) == user);
                reexecs |= at.and_then(|i| rest.get(i + 1)).is_some_and(|w| {
                    w.contains("BASH_SOURCE") || w.trim_matches(['\'', '"']) == "$0"
                });
            }
            Some(_) => return false,
            None => {
                others_hand_over &= rest
                    .first()
                    .is_some_and(|w| w.contains("$@") || w.contains("${@}"));
            }
        }
    }
    drops && (others_hand_over || reexecs)
}

/// A script's commands, one a line: continuations joined, comments and blank lines out.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for raw in text.lines() {
        let t = raw.trim();
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        if let Some(head) = t.strip_suffix('\\') {
            cur.push_str(head);
            cur.push(' ');
            continue;
        }
        cur.push_str(t);
        out.push(std::mem::take(&mut cur));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The server a word names (`uwsgi`, `/usr/local/bin/gunicorn`, `'uwsgi`), if any.
fn server_word(w: &str) -> Option<&'static str> {
    let w = w.trim_matches(['\'', '"']);
    match w.rsplit('/').next().unwrap_or(w) {
        "uwsgi" => Some("uwsgi"),
        "gunicorn" => Some("gunicorn"),
        "supervisord" => Some("supervisord"),
        _ => None,
    }
}

/// Whether the server a command line starts switches to an unprivileged user: uWSGI
/// with `--uid` or an ini file with `uid =`, Gunicorn with `--user`, supervisord whose
/// every program has a non-root `user=` or starts such a server itself.
fn line_drops(words: &[&str], read: &dyn Fn(&str) -> Option<String>, depth: u8) -> bool {
    let Some(at) = words.iter().position(|w| server_word(w).is_some()) else {
        return false;
    };
    let server = server_word(words[at]).unwrap_or_default();
    let args: Vec<&str> = words[at + 1..]
        .iter()
        .map(|w| w.trim_matches(['\'', '"']))
        .collect();
    let value_of = |names: &[&str]| -> Option<String> {
        args.iter().enumerate().find_map(|(i, a)| {
            names.iter().find_map(|n| {
                if a == n {
                    args.get(i + 1).map(|v| v.to_string())
                } else {
                    a.strip_prefix(&format!("{n}=")).map(str::to_string)
                }
            })
        })
    };
    let non_root = |u: &str| !u.is_empty() && !u.contains('$') && !is_root(u);
    match server {
        "uwsgi" => {
            if let Some(u) = value_of(&["--uid", "--setuid"]) {
                return non_root(&u);
            }
            let ini = value_of(&["--ini"]).or_else(|| {
                args.iter()
                    .find(|a| a.ends_with(".ini"))
                    .map(|a| a.to_string())
            });
            ini.and_then(|i| read(&i)).is_some_and(|text| {
                text.lines().any(|l| {
                    let (k, v) = l.split_once('=').unwrap_or(("", ""));
                    matches!(k.trim(), "uid" | "setuid") && non_root(v.trim())
                })
            })
        }
        "gunicorn" => value_of(&["--user", "-u"]).is_some_and(|u| non_root(&u)),
        "supervisord" if depth == 0 => {
            let Some(conf) = value_of(&["-c", "--configuration"]).and_then(|c| read(&c)) else {
                return false;
            };
            let mut programs = 0;
            let mut ok = true;
            for section in conf.split("\n[").skip(1) {
                let Some((head, body)) = section.split_once(']') else {
                    continue;
                };
                if !head.starts_with("program:") {
                    continue;
                }
                programs += 1;
                let key = |k: &str| {
                    body.lines().find_map(|l| {
                        let (a, b) = l.split_once('=')?;
                        (a.trim() == k).then(|| b.trim().to_string())
                    })
                };
                let dropped = key("user").is_some_and(|u| non_root(&u))
                    || key("command").is_some_and(|c| {
                        let w: Vec<&str> = c.split_whitespace().collect();
                        line_drops(&w, read, depth + 1)
                    });
                ok &= dropped;
            }
            ok && programs > 0
        }
        _ => false,
    }
}

/// Whether `dockerfile` is the image of a Docker container action: an `action.yml` (or
/// `action.yaml`) in its directory runs `using: docker` with `image:` naming this file.
/// GitHub documents that such actions run as the default (root) user and must not set
/// `USER`: the workspace and the runner's files are owned by root.
fn is_container_action_image(repo: &RepoCx<'_>, dockerfile: &str) -> bool {
    let (dir, file) = dockerfile.rsplit_once('/').unwrap_or(("", dockerfile));
    ["action.yml", "action.yaml"].iter().any(|name| {
        let path = if dir.is_empty() {
            (*name).to_string()
        } else {
            format!("{dir}/{name}")
        };
        let Some(text) = repo.read_text(&path) else {
            return false;
        };
        let value = |key: &str| {
            text.lines().find_map(|l| {
                let v = l.trim().strip_prefix(key)?;
                Some(v.trim().trim_matches(['\'', '"']).to_string())
            })
        };
        value("using:").is_some_and(|u| u == "docker")
            && value("image:").is_some_and(|i| i.trim_start_matches("./") == file)
    })
}

/// The stage a finding is about, by its message (`the `NAME` target …`), else the
/// final stage.
fn finding_stage(image: &Image, f: &Finding) -> Option<usize> {
    match f
        .message
        .strip_prefix("the `")
        .or_else(|| f.message.strip_prefix("the last `USER` of the `"))
        .and_then(|r| r.split_once("` target"))
    {
        Some((name, _)) => image.stage_named(name),
        None => image.final_stage(),
    }
}

/// A stage named as a base for other images (`base`, `base2`, `base2-slim`,
/// `runtime-base`): built and published for the repository's own images to start
/// `FROM`, which decide the user themselves.
fn base_stage_name(name: &str) -> bool {
    name.split(['-', '_', '.']).any(|t| {
        t.strip_prefix("base")
            .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit()))
    })
}

/// Revises the findings of one Dockerfile with the stages the repository releases:
/// a finding about a stage nobody ships goes; released root stages built on one
/// another are one finding at the first (the others related); a released variant
/// built on it that sets a non-root `USER` is named as the way out.
fn settle_file(model: &Repository, path: &str, found: Vec<Finding>, out: &mut Vec<Finding>) {
    let Some(image) = model.image(path) else {
        out.extend(found.into_iter().filter(|f| !is_candidate(f)));
        return;
    };
    let released = model.released_stages(path);
    let final_stage = image.final_stage();
    let mut kept: Vec<(usize, Finding)> = Vec::new();
    for f in found {
        let Some(stage) = finding_stage(image, &f) else {
            continue;
        };
        if !released.contains(&stage) {
            continue;
        }
        // A base image released for other images (only when targets say what is
        // released: a lone Dockerfile's last stage named `base` is what runs).
        let named_base = image
            .stages
            .get(stage)
            .and_then(|s| s.name.as_deref())
            .is_some_and(base_stage_name);
        if named_base && !released.iter().all(|s| Some(*s) == final_stage) {
            continue;
        }
        kept.push((stage, f));
    }
    let stages: Vec<usize> = kept.iter().map(|(s, _)| *s).collect();
    let name = |s: usize| {
        image
            .stages
            .get(s)
            .and_then(|st| st.name.clone())
            .unwrap_or_else(|| "final".to_string())
    };
    // Stages that never set `USER` and start from the same root stage are one
    // problem (the user missing where they start): one finding, the others related.
    let root_of = |s: usize| image.chain(s).first().copied().unwrap_or(s);
    let mut groups: Vec<Vec<(usize, Finding)>> = Vec::new();
    for (stage, f) in kept {
        let missing = f.message.contains("never sets `USER`");
        match groups.iter_mut().find(|g| {
            missing
                && g.first().is_some_and(|(s, h)| {
                    h.message.contains("never sets `USER`") && root_of(*s) == root_of(stage)
                })
        }) {
            Some(g) => g.push((stage, f)),
            None => groups.push(vec![(stage, f)]),
        }
    }
    for mut group in groups {
        // The head: a stage every other one builds on, else the final stage (its
        // finding is the one reported before targets were read), else the first.
        let members: Vec<usize> = group.iter().map(|(s, _)| *s).collect();
        let head = members
            .iter()
            .position(|m| members.iter().all(|o| image.chain(*o).contains(m)))
            .or_else(|| members.iter().position(|m| Some(*m) == final_stage))
            .unwrap_or(0);
        let (stage, mut f) = group.remove(head);
        let mut all = vec![format!("`{}`", name(stage))];
        for (other, g) in &group {
            all.push(format!("`{}`", name(*other)));
            let how = if image.chain(*other).contains(&stage) {
                "builds on it"
            } else {
                "starts from the same stage"
            };
            f.related.push(Related {
                path: g.path.clone(),
                span: g.span.clone(),
                region: g.region,
                message: format!("the `{}` target {how} and runs as root too", name(*other)),
            });
        }
        if !group.is_empty() {
            let rest = f
                .message
                .split_once("never sets `USER`, so its process")
                .map_or("", |(_, r)| r)
                .to_string();
            f.message = format!(
                "the {} targets never set `USER`, so their process{rest}",
                join_names(&all)
            )
            .into();
        }
        // Released variants built on one of them that set a non-root user.
        let variants: Vec<usize> = released
            .iter()
            .copied()
            .filter(|r| !stages.contains(r))
            .filter(|r| {
                std::iter::once(stage)
                    .chain(group.iter().map(|(s, _)| *s))
                    .any(|m| m != *r && image.chain(*r).contains(&m))
            })
            .filter(|r| {
                image
                    .config(*r)
                    .user
                    .is_some_and(|u| is_non_root_user(&u.value))
            })
            .collect();
        if let Some(user) = variants
            .first()
            .and_then(|r| image.config(*r).user.map(|u| u.value))
        {
            let names: Vec<String> = variants.iter().map(|r| format!("`{}`", name(*r))).collect();
            let (verb, make) = if variants.len() == 1 {
                ("sets", "make it the default image")
            } else {
                ("set", "make them the default images")
            };
            f.message = format!(
                "{} ({}, built on it, {verb} `USER {user}`: {make}, or set `USER` here)",
                f.message,
                join_names(&names)
            )
            .into();
        }
        out.push(f);
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A finding about a non-final stage, which only a release's `--target` makes real.
fn is_candidate(f: &Finding) -> bool {
    f.message.starts_with("the `") || f.message.starts_with("the last `USER` of the `")
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
    fn php_server_bases_run_the_code_as_www_data() {
        assert_eq!(
            sev("FROM php:8.4-apache\nCOPY src/ /var/www/html/\n"),
            Some(Severity::Low)
        );
        assert_eq!(
            sev("FROM php:8.3-fpm-alpine\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"php-fpm\"]\n"),
            Some(Severity::Low)
        );
        assert_eq!(
            sev("FROM docker.io/library/wordpress:6-php8.3-apache\nRUN docker-php-ext-install zip\n"),
            Some(Severity::Low)
        );
        // The PHP code itself as the command: root.
        assert_eq!(
            sev("FROM php:8.4-fpm\nCMD [\"php\", \"artisan\", \"queue:work\"]\n"),
            Some(Severity::Medium)
        );
        assert_eq!(
            sev("FROM php:8.4-cli\nCMD [\"php\", \"server.php\"]\n"),
            Some(Severity::Medium)
        );
        // Not the official images: a namespace's `apache` tag says nothing.
        assert_eq!(
            sev("FROM acme/portal:apache\nCMD [\"apache2-foreground\"]\n"),
            Some(Severity::Medium)
        );
        // Web servers alone keep medium, as reviewers judged them.
        assert_eq!(
            sev("FROM nginx:1.27-alpine\nCOPY dist/ /usr/share/nginx/html/\n"),
            Some(Severity::Medium)
        );
        assert_eq!(
            sev("FROM httpd:2.4\nCOPY site/ /usr/local/apache2/htdocs/\n"),
            Some(Severity::Medium)
        );
    }

    #[test]
    fn started_servers_are_read_line_by_line() {
        let read = |p: &str| {
            match p {
            "uwsgi.ini" => Some("[uwsgi]\nmodule = app.wsgi\nuid = www-data\n".to_string()),
            "root.ini" => Some("[uwsgi]\nmodule = app.wsgi\n".to_string()),
            "tasks.conf" => Some("[supervisord]\nuser=root\n\n[program:tasks]\nuser=app\ncommand=python tasks.py\n".to_string()),
            "mixed.conf" => Some("[supervisord]\n\n[program:web]\ncommand=uwsgi uwsgi.ini\n\n[program:worker]\ncommand=python worker.py\n".to_string()),
            _ => None,
        }
        };
        let drops = |l: &str| line_drops(&l.split_whitespace().collect::<Vec<_>>(), &read, 0);
        assert!(drops("exec uwsgi --http :9090 uwsgi.ini"));
        assert!(drops("exec uwsgi --ini uwsgi.ini"));
        assert!(!drops("exec uwsgi --http :9090 root.ini"));
        assert!(drops("uwsgi --uid 33 --http :9090 root.ini"));
        assert!(!drops("uwsgi --uid 0 root.ini"));
        assert!(drops("exec gunicorn --user app app:wsgi"));
        assert!(!drops("exec gunicorn app:wsgi"));
        assert!(drops("supervisord -c tasks.conf"));
        // A program without a user that is not a dropping server runs as root.
        assert!(!drops("supervisord -c mixed.conf"));
        assert!(!drops("exec python manage.py runserver"));
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
        // The final `test` stage is not judged; `base` is only a candidate target,
        // which settling drops unless a release builds it with `--target`.
        let found = check(
            &RunsAsRoot,
            "FROM python:3.12 AS base\nFROM base AS test\nRUN pytest\n",
        );
        assert!(found.iter().all(is_candidate), "{found:?}");
        assert!(check(&RunsAsRoot, "FROM python:3.12\nONBUILD COPY . /app\n").is_empty());
    }
}
