//! `compose/` rules, and helpers shared with `k8s/` (image references, file roles).

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode, YamlPair};
pub(crate) use crate::roles::is_dev_path;
use crate::roles::FileRole;
use crate::rules::FileCx;

use super::Rule;

pub mod db_port_exposed;
pub mod latest_image;
pub mod missing_healthcheck;
pub mod missing_resource_limits;
pub mod noop_healthcheck;
pub mod privileged;
pub mod secret_literal;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(privileged::Privileged),
        Box::new(secret_literal::SecretLiteral),
        Box::new(db_port_exposed::DbPortExposed),
        Box::new(latest_image::LatestImage),
        Box::new(missing_resource_limits::MissingResourceLimits),
        Box::new(missing_healthcheck::MissingHealthcheck),
        Box::new(noop_healthcheck::NoopHealthcheck),
    ]
}

/// Every `services:` entry of every document of a compose file.
pub(crate) fn services(yaml: &YamlFile) -> Vec<&YamlPair> {
    yaml.documents
        .iter()
        .filter_map(|d| d.root.as_ref())
        .filter_map(|r| r.get("services"))
        .filter_map(|s| s.as_map())
        .flat_map(|m| m.iter())
        .filter(|p| p.value.as_map().is_some())
        .collect()
}

/// A service that only adds to a service defined elsewhere (an override file's entry,
/// `extends:`): what it lacks may come from the other file.
pub(crate) fn is_partial_service(svc: &YamlNode) -> bool {
    svc.get("extends").is_some() || (svc.get("image").is_none() && svc.get("build").is_none())
}

/// Keys that say what to build and how to tag it, nothing about how a service runs.
const BUILD_ONLY_KEYS: &[&str] = &["build", "image", "platform", "labels", "pull_policy"];

/// A compose file whose every service only says what to build and how to tag it: a
/// build manifest (`compose -f build.yml build`, then push) or an override that adds
/// build contexts to services defined in another file. Nothing in it says how a
/// service runs, so runtime settings (health checks, limits) are not its to hold;
/// the file that runs the services is checked for them.
pub(crate) fn is_build_manifest(yaml: &YamlFile) -> bool {
    let svcs = services(yaml);
    !svcs.is_empty()
        && svcs.iter().all(|svc| {
            svc.value.get("build").is_some()
                && svc
                    .value
                    .as_map()
                    .is_some_and(|m| m.iter().all(|p| BUILD_ONLY_KEYS.contains(&p.key.as_str())))
        })
}

/// Files whose findings are not about production at all (tests, generated output).
/// Vendored compose files and manifests are checked: a third-party chart or
/// manifest set under `third-party/` is deployed as the project's own, and the
/// engine caps its findings at low (docs/severity.md, "Context").
pub(crate) fn not_production(role: FileRole) -> bool {
    matches!(role, FileRole::Test | FileRole::Generated)
}

/// A compose file for a developer machine, CI or a demo: by role or name
/// ([`is_dev_path`]), by its opening comment ("FOR TEST AND DEVELOPMENT ONLY"), or by what it runs ([`is_development_compose`],
/// [`is_local_observability_stack`]). Its findings are hygiene (docs/severity.md).
pub(crate) fn is_dev_compose(cx: &FileCx<'_>, yaml: &YamlFile) -> bool {
    !cx.role.is_production()
        || is_dev_path(&cx.file.path)
        || crate::roles::header_declares_non_production(&cx.file.text)
        || is_development_compose(yaml)
        || is_local_observability_stack(yaml)
        || is_local_dependency_stack(yaml) && !names_production(&cx.file.path)
}

/// A file name that says it is the production stack (`docker-compose.prod.yml`,
/// `production/compose.yaml`): what it runs is deployed, whatever its services are.
fn names_production(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("prod") || lower.contains("deploy") || lower.contains("release")
}

/// Whether operational rules (limits, health checks) should stay quiet on this file.
pub(crate) fn skip_operational(cx: &FileCx<'_>, yaml: &YamlFile) -> bool {
    is_dev_compose(cx, yaml)
}

/// Commands of a development server: hot reload, Django's `runserver`, `npm run dev`.
const DEV_SERVER_MARKERS: &[&str] = &[
    "runserver",
    "--reload",
    "dev_server",
    "npm run dev",
    "yarn dev",
    "yarn run dev",
    "pnpm dev",
    "pnpm run dev",
    "bun run dev",
    "nodemon",
    "flask run",
];

/// A compose file that runs the application from the working tree: a service runs a
/// development server, or bind-mounts its own build context over the image (edits on the
/// host show up in the container). Production deployments run the built image.
pub(crate) fn is_development_compose(yaml: &YamlFile) -> bool {
    services(yaml).iter().any(|svc| {
        let s = &svc.value;
        let command = s
            .get("command")
            .map(|c| c.strings().join(" "))
            .unwrap_or_default();
        if DEV_SERVER_MARKERS.iter().any(|m| command.contains(m)) {
            return true;
        }
        let Some(context) = build_context(s) else {
            return false;
        };
        // A service that always restarts and only reads the source it mounts
        // (`.:/opt/CTFd:ro`, `restart: always`) is a deployment run from a checkout,
        // the way some projects document self-hosting, not a development loop.
        let restarts = s
            .get("restart")
            .and_then(|r| r.as_str())
            .is_some_and(|r| matches!(r.trim_matches(['"', '\'']), "always" | "unless-stopped"));
        s.get("volumes")
            .and_then(|v| v.as_seq())
            .unwrap_or(&[])
            .iter()
            .filter(|v| !(restarts && is_read_only_mount(v)))
            .filter_map(source_mount)
            .any(|(host, target)| same_dir(&host, &context) && !is_config_target(&target))
    })
}

/// `./src:/app:ro`, or the long syntax with `read_only: true`.
fn is_read_only_mount(v: &YamlNode) -> bool {
    if let Some(short) = v.as_str() {
        return short
            .split(':')
            .nth(2)
            .is_some_and(|opts| opts.split(',').any(|o| o == "ro"));
    }
    v.get("read_only").and_then(|r| r.as_bool()) == Some(true)
}

/// The host side and container target of a bind mount (`./api:/app`, or the long syntax
/// with `source:` / `target:`).
fn source_mount(v: &YamlNode) -> Option<(String, String)> {
    if let Some(short) = v.as_str() {
        let mut parts = short.split(':');
        let host = parts.next()?.to_string();
        let target = parts.next()?.to_string();
        return Some((host, target));
    }
    let host = v.get("source").and_then(|x| x.as_str())?.to_string();
    let target = v
        .get("target")
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_string();
    Some((host, target))
}

/// A configuration directory in the container (`/etc/sentry`): a deployment that mounts its
/// settings from the directory it also builds from is not running from the source tree.
fn is_config_target(target: &str) -> bool {
    target.starts_with("/etc/") || target == "/etc" || target.starts_with("/config")
}

/// The build context of a service (`build: ./api` or `build: {context: ./api}`).
fn build_context(svc: &YamlNode) -> Option<String> {
    let b = svc.get("build")?;
    let ctx = b
        .as_str()
        .or_else(|| b.get("context").and_then(|c| c.as_str()))
        .unwrap_or(".");
    Some(ctx.to_string())
}

/// `./backend/` and `backend` name the same directory; `.` and `./` too.
fn same_dir(a: &str, b: &str) -> bool {
    fn norm(p: &str) -> &str {
        let p = p.trim().trim_end_matches('/');
        let p = p.strip_prefix("./").unwrap_or(p);
        if p.is_empty() {
            "."
        } else {
            p
        }
    }
    !a.trim().is_empty() && (a.starts_with('.') || !a.starts_with('/')) && norm(a) == norm(b)
}

/// A `ports:` entry bound to the loopback interface (`127.0.0.1:5432:5432`, long syntax
/// with `host_ip: 127.0.0.1`): reachable from the host only.
pub(crate) fn is_loopback_port(p: &YamlNode) -> bool {
    p.as_str()
        .or_else(|| p.get("host_ip").and_then(|h| h.as_str()))
        .is_some_and(|s| {
            let s = s.trim().trim_start_matches(['[', '"']);
            s.starts_with("127.") || s.starts_with("localhost") || s.starts_with("::1")
        })
}

/// A compose file that only runs backing services (a database, a cache) for code run on the
/// developer's host or in a test run: no service restarts on its own, declares a
/// deployment or builds from the repository, and either every published port is on
/// loopback, or every service runs a backing-service image ([`BACKING_IMAGES`]: a
/// database, cache, broker, directory, mail catcher or object store) with no application
/// next to it. A deployed stack restarts its services and runs the application it backs;
/// restarting backing services beside a database admin UI and nothing else are a
/// developer's workbench still.
pub(crate) fn is_local_dependency_stack(yaml: &YamlFile) -> bool {
    let svcs = services(yaml);
    if svcs.is_empty() {
        return false;
    }
    let mut published = false;
    let mut public = false;
    let mut all_backing = true;
    let mut restarts = false;
    let mut admin_ui = false;
    for svc in &svcs {
        let s = &svc.value;
        if s.get("deploy").is_some() {
            return false;
        }
        restarts |= s.get("restart").is_some();
        let image = s.get("image").and_then(|i| i.as_str()).unwrap_or("");
        let is_admin_ui = is_admin_ui_image(image);
        admin_ui |= is_admin_ui;
        all_backing &= s.get("build").is_none() && (is_backing_image(image) || is_admin_ui);
        if let Some(ports) = s.get("ports").and_then(|p| p.as_seq()) {
            public |= !ports.iter().all(is_loopback_port);
            published |= !ports.is_empty();
        }
    }
    if restarts {
        // Restarting services are a deployment, unless the file is a developer's
        // database workbench: backing services and a database admin UI
        // (pgAdmin, Adminer), no application.
        return all_backing && admin_ui;
    }
    all_backing || published && !public
}

/// Web UIs for administering a database or cache by hand (`dpage/pgadmin4`, `adminer`,
/// `phpmyadmin`): what a developer runs beside a local database, not a service the
/// application needs.
fn is_admin_ui_image(image: &str) -> bool {
    image_name(image).is_some_and(|name| {
        [
            "pgadmin",
            "adminer",
            "phpmyadmin",
            "mongo-express",
            "redis-commander",
            "redisinsight",
            "kafka-ui",
        ]
        .iter()
        .any(|ui| name.starts_with(ui))
    })
}

/// The last component of an image's repository, lower case, without tag or digest
/// (`docker.io/bitnami/postgresql:16@sha256:…` → `postgresql`); `None` when a variable
/// names it.
fn image_name(image: &str) -> Option<String> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let name = without_digest
        .rsplit('/')
        .next()
        .unwrap_or(without_digest)
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    (!name.contains('$')).then_some(name)
}

/// Image names of backing services: what an application connects to, never the
/// application itself.
const BACKING_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "valkey",
    "keydb",
    "memcached",
    "rabbitmq",
    "kafka",
    "zookeeper",
    "elasticsearch",
    "opensearch",
    "minio",
    "openldap",
    "ldap",
    "mailhog",
    "mailpit",
    "maildev",
    "smtp4dev",
    "greenmail",
    "localstack",
    "solr",
    "clickhouse",
    "cassandra",
    "nats",
    "etcd",
    "azurite",
    "fake-gcs-server",
    "dynamodb-local",
    "influxdb",
    "neo4j",
    "couchdb",
    "mssql",
];

/// Whether an image reference names a backing service ([`BACKING_IMAGES`]), by the last
/// component of its repository (`docker.io/bitnami/postgresql:16` → `postgresql`).
fn is_backing_image(image: &str) -> bool {
    image_name(image).is_some_and(|name| BACKING_IMAGES.iter().any(|b| name.contains(b)))
}

/// Images of observability tools: a compose file of nothing else is a local stack to look
/// at traces and metrics while developing.
const OBSERVABILITY_IMAGES: &[&str] = &[
    "prometheus",
    "grafana",
    "jaeger",
    "opentelemetry-collector",
    "otel/",
    "zipkin",
    "loki",
    "tempo",
    "alertmanager",
    "node-exporter",
    "cadvisor",
    "pyroscope",
    "signoz",
];

/// A compose file whose services are all observability tools and none of them restarts on
/// its own (`restart:`): a stack brought up by hand next to the code, not a deployment.
pub(crate) fn is_local_observability_stack(yaml: &YamlFile) -> bool {
    let svcs = services(yaml);
    !svcs.is_empty()
        && svcs.iter().all(|svc| {
            let s = &svc.value;
            s.get("restart").is_none()
                && s.get("image")
                    .and_then(|i| i.as_str())
                    .is_some_and(|image| {
                        let lower = image.to_ascii_lowercase();
                        OBSERVABILITY_IMAGES.iter().any(|o| lower.contains(o))
                    })
        })
}

/// What is wrong with an image reference's tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ImageTag {
    /// `name@sha256:…`
    Digest,
    /// `name:1.2.3`, `name:${TAG}`
    Pinned,
    /// `name` (Docker pulls `latest`)
    Untagged,
    /// `name:latest`
    Latest,
    /// `name:latest-alpine`, `name:stable`, `name:nightly`: a tag that moves.
    Moving,
    /// `name:${TAG:-latest}`, `name:${TAG}` with no tag text at all: `latest` by default.
    LatestByDefault,
    /// The whole reference is a variable (`${IMAGE}`): unknowable here.
    Unknown,
}

/// Classifies an image reference (`registry:5000/team/app:1.2@sha256:…`).
pub(crate) fn image_tag(image: &str) -> ImageTag {
    let image = image.trim();
    if image.is_empty()
        || image.contains("://")
        || image.starts_with('$') && !image[1..].contains(['/', ':'])
    {
        return ImageTag::Unknown;
    }
    if image.contains('@') {
        return ImageTag::Digest;
    }
    // The tag is after the last ':' that follows the last '/' (a registry port is before it),
    // ignoring ':' inside `${…}` interpolations.
    let masked = mask_interpolations(image);
    let last_slash = masked.rfind('/').map(|i| i + 1).unwrap_or(0);
    let Some(colon) = masked[last_slash..].rfind(':').map(|i| i + last_slash) else {
        // `app${TAG}` or `app-${VERSION}`: a variable decides; `${IMAGE}` alone too.
        if image[last_slash..].contains('$') {
            return ImageTag::Unknown;
        }
        return ImageTag::Untagged;
    };
    let tag = &image[colon + 1..];
    if tag.eq_ignore_ascii_case("latest") {
        return ImageTag::Latest;
    }
    let lower = tag.to_ascii_lowercase();
    if lower.starts_with("latest-")
        || lower.ends_with("-latest")
        || matches!(
            lower.as_str(),
            "stable" | "edge" | "nightly" | "main" | "master" | "dev" | "develop"
        )
    {
        return ImageTag::Moving;
    }
    if let Some(default) = interpolation_default(tag) {
        return if default.is_empty() || default.eq_ignore_ascii_case("latest") {
            ImageTag::LatestByDefault
        } else {
            ImageTag::Pinned
        };
    }
    if tag.is_empty() {
        return ImageTag::Untagged;
    }
    ImageTag::Pinned
}

/// `${VAR}`-style interpolations replaced by `X`s of the same length.
fn mask_interpolations(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'$' && bytes.get(i + 1) == Some(&b'{') {
            depth += 1;
            out.push_str("XX");
            i += 2;
            continue;
        }
        if depth > 0 {
            if b == b'}' {
                depth -= 1;
            }
            out.push('X');
        } else {
            out.push(b as char);
        }
        i += 1;
    }
    // Non-ASCII bytes were pushed one char per byte; keep byte offsets equal to `s`.
    if out.len() != s.len() {
        return s.to_string();
    }
    out
}

/// The default of a tag that is one interpolation: `${TAG:-1.2}` → `Some("1.2")`,
/// `${TAG}` / `${TAG:?err}` → a non-empty sentinel (set at deploy time, nothing to judge).
fn interpolation_default(tag: &str) -> Option<&str> {
    let inner = tag.strip_prefix("${")?.strip_suffix('}')?;
    Some(default_of(inner).unwrap_or("pinned-by-variable"))
}

/// The default in the body of `${NAME:-default}` / `${NAME-default}`; `None` for other forms.
pub(crate) fn default_of(inner: &str) -> Option<&str> {
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let op = &inner[name_end..];
    op.strip_prefix(":-").or_else(|| op.strip_prefix('-'))
}

/// Test helper: scans `text` as `name` with one rule; returns the findings and the text
/// with every finding's fix applied.
#[cfg(test)]
pub(crate) fn scan_and_fix(
    name: &str,
    text: &str,
    rule: Box<dyn Rule>,
) -> (Vec<crate::finding::Finding>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let opts = crate::engine::ScanOptions {
        root: dir.path().to_path_buf(),
        config: crate::config::Config::default(),
        threads: 1,
        scope: Default::default(),
        plan_facts: true,
    };
    let report = crate::engine::scan_with(&opts, &[rule]);
    let mut edits: Vec<_> = report
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .flat_map(|f| f.edits.iter().cloned())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut fixed = text.to_string();
    for e in edits {
        fixed.replace_range(e.range.clone(), &e.replacement);
    }
    (report.findings, fixed)
}

/// Lowers high findings on a service of a stack people start by hand to low: the service
/// does not restart on its own and every `docker compose up` of its file runs attached
/// ([`crate::model::Repository::hand_run_compose`]). A quickstart brought up in a
/// terminal, or a compose file for a one-off import, publishes its database for the
/// host-side tools that use it; that is not a release blocker (docs/severity.md), though
/// binding to 127.0.0.1 is still right, so the finding stays.
pub(crate) fn lower_on_hand_run_stacks(
    repo: &crate::rules::RepoCx<'_>,
    own: &mut [crate::finding::Finding],
    applies: impl Fn(&crate::finding::Finding) -> bool,
) {
    for f in own
        .iter_mut()
        .filter(|f| f.severity >= Severity::High && applies(f))
    {
        let Some(svc) = repo.model.service_containing(&f.path, f.region.start.line) else {
            continue;
        };
        if svc.restarts {
            continue;
        }
        let Some(up) = repo.model.hand_run_compose(&f.path) else {
            continue;
        };
        f.severity = Severity::Low;
        f.message = format!(
            "{} (low: a stack started by hand in a terminal, `docker compose up` at {}:{}, whose service does not restart on its own)",
            f.message, up.from, up.line
        )
        .into();
    }
}

/// The names `docker compose` reads without `-f`: a project's default stack.
const DEFAULT_COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// Whether `path` is an alternative compose file nobody is shown starting: not a
/// default name, no name saying production, and nothing in the repository (docs,
/// scripts, Makefiles, workflows, other configuration) uses or names it, except other
/// such files that `extends` it; and the repository has a compose file that is none of
/// these (the stack it does document). A sample variant (a high-availability database
/// layout copied from a vendor), not the deployment the project documents.
pub(crate) fn is_undocumented_variant(model: &crate::model::Repository, path: &str) -> bool {
    fn unstarted(model: &crate::model::Repository, path: &str, depth: usize) -> bool {
        let name = crate::model::paths::file_name(path).to_ascii_lowercase();
        if depth > 4 || DEFAULT_COMPOSE_NAMES.contains(&name.as_str()) || name.contains("prod") {
            return false;
        }
        model.references_to(path).all(|r| {
            r.source == crate::model::Source::Compose
                && r.from != path
                && unstarted(model, &r.from, depth + 1)
        })
    }
    unstarted(model, path, 0)
        && model
            .services()
            .iter()
            .any(|s| s.file != path && !unstarted(model, &s.file, 0))
}

/// Lowers high findings in an undocumented alternative compose file
/// ([`is_undocumented_variant`]) to medium: a default password in a sample stack nobody
/// is told to run is a weakness to fix before anyone does, not a release blocker, and
/// it cannot rank above the same default in the stack the project does document.
pub(crate) fn lower_on_undocumented_variants(
    repo: &crate::rules::RepoCx<'_>,
    own: &mut [crate::finding::Finding],
) {
    let mut verdicts: std::collections::BTreeMap<String, bool> = Default::default();
    for f in own.iter_mut().filter(|f| f.severity >= Severity::High) {
        let variant = *verdicts
            .entry(f.path.to_string())
            .or_insert_with(|| is_undocumented_variant(repo.model, &f.path));
        if variant {
            f.severity = Severity::Medium;
            f.message = format!(
                "{} (medium: an alternative compose file that nothing in the repository starts or names, a sample rather than the documented deployment)",
                f.message
            )
            .into();
        }
    }
}

/// One finding per compose file and severity for rules that report services one by one
/// ("service `db` has no healthcheck"): the first service carries the finding, naming
/// every service, and the others are related locations, so eight variant compose files
/// of one project read as eight findings, not forty (one problem, one finding).
pub(crate) fn group_services_per_file(
    repo: &crate::rules::RepoCx<'_>,
    own: &mut Vec<crate::finding::Finding>,
    summary: impl Fn(usize, &str) -> String,
) {
    // The model knows which service each finding sits on (its key's line).
    crate::rules::grouping::group_per_file(
        own,
        |f| {
            repo.model
                .service_at(&f.path, f.region.start.line)
                .map(|svc| format!("`{}`", svc.name))
        },
        summary,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("postgres"), ImageTag::Untagged);
        assert_eq!(image_tag("postgres:latest"), ImageTag::Latest);
        assert_eq!(
            image_tag("timescale/timescaledb:latest-pg16"),
            ImageTag::Moving
        );
        assert_eq!(image_tag("nginx:stable"), ImageTag::Moving);
        assert_eq!(image_tag("postgres:16.2-alpine"), ImageTag::Pinned);
        assert_eq!(image_tag("localhost:5000/app"), ImageTag::Untagged);
        assert_eq!(image_tag("localhost:5000/app:1.0"), ImageTag::Pinned);
        assert_eq!(image_tag("redis@sha256:abcd"), ImageTag::Digest);
        assert_eq!(image_tag("${IMAGE}"), ImageTag::Unknown);
        assert_eq!(image_tag("ghcr.io/acme/api:${TAG}"), ImageTag::Pinned);
        assert_eq!(
            image_tag("ghcr.io/acme/api:${TAG:-latest}"),
            ImageTag::LatestByDefault
        );
        assert_eq!(
            image_tag("ghcr.io/acme/api:${TAG:-1.4.0}"),
            ImageTag::Pinned
        );
        assert_eq!(
            image_tag("${REGISTRY:-ghcr.io}/acme/api"),
            ImageTag::Untagged
        );
        assert_eq!(image_tag("${REGISTRY}/api:2.1"), ImageTag::Pinned);
        assert_eq!(image_tag("acme/api${SUFFIX}"), ImageTag::Unknown);
        assert_eq!(
            image_tag("ko://github.com/acme/api/cmd/api"),
            ImageTag::Unknown
        );
    }

    #[test]
    fn development_compose_by_content() {
        let dev = crate::parse::yaml::parse(
            "services:\n  web:\n    build: .\n    command: python manage.py runserver 0.0.0.0:8000\n",
        );
        assert!(is_development_compose(&dev));
        let mounted = crate::parse::yaml::parse(
            "services:\n  api:\n    build:\n      context: ./backend\n    volumes:\n      - ./backend:/app\n",
        );
        assert!(is_development_compose(&mounted));
        let prod = crate::parse::yaml::parse(
            "services:\n  api:\n    build: ./backend\n    volumes:\n      - ./nginx.conf:/etc/nginx/nginx.conf:ro\n      - data:/data\n",
        );
        assert!(!is_development_compose(&prod));
        let settings = crate::parse::yaml::parse(
            "services:\n  web:\n    build:\n      context: ./sentry\n    volumes:\n      - ./sentry:/etc/sentry\n",
        );
        assert!(!is_development_compose(&settings));
        let read_only = crate::parse::yaml::parse(
            "services:\n  api:\n    build: ./backend\n    volumes:\n      - ./backend:/app:ro\n",
        );
        assert!(is_development_compose(&read_only));
        let stack = crate::parse::yaml::parse(
            "services:\n  prometheus:\n    image: prom/prometheus\n  jaeger:\n    image: jaegertracing/all-in-one:1.57\n",
        );
        assert!(is_local_observability_stack(&stack));
        let deployed = crate::parse::yaml::parse(
            "services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n    restart: unless-stopped\n",
        );
        assert!(!is_local_observability_stack(&deployed));
        let deps = crate::parse::yaml::parse(
            "services:\n  redis:\n    image: redis\n    ports:\n      - \"127.0.0.1:6379:6379\"\n  postgres:\n    image: postgres\n    ports:\n      - \"127.0.0.1:5432:5432\"\n",
        );
        assert!(is_local_dependency_stack(&deps));
        let restarted = crate::parse::yaml::parse(
            "services:\n  postgres:\n    image: postgres:16\n    restart: always\n    ports:\n      - \"127.0.0.1:5432:5432\"\n",
        );
        assert!(!is_local_dependency_stack(&restarted));
        let workbench = crate::parse::yaml::parse(
            "services:\n  postgres:\n    image: postgres:14.6\n    restart: unless-stopped\n    ports:\n      - \"5432:5432\"\n  pgadmin:\n    image: dpage/pgadmin4\n    restart: unless-stopped\n    ports:\n      - \"5555:80\"\n",
        );
        assert!(is_local_dependency_stack(&workbench));
        let deployed_with_ui = crate::parse::yaml::parse(
            "services:\n  app:\n    image: acme/app:1.2\n    restart: always\n  postgres:\n    image: postgres:16\n    restart: always\n  adminer:\n    image: adminer\n    restart: always\n",
        );
        assert!(!is_local_dependency_stack(&deployed_with_ui));
        // Only backing services, none restarting: what the application's developers or
        // tests connect to, even when the port is published on every interface.
        let public = crate::parse::yaml::parse(
            "services:\n  postgres:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
        );
        assert!(is_local_dependency_stack(&public));
        let with_app = crate::parse::yaml::parse(
            "services:\n  app:\n    image: ghcr.io/acme/app:1.4\n    ports:\n      - \"8000:8000\"\n  postgres:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n",
        );
        assert!(!is_local_dependency_stack(&with_app));
    }

    #[test]
    fn dev_paths() {
        assert!(is_dev_path("docker-compose.dev.yml"));
        assert!(is_dev_path("compose.override.yaml"));
        assert!(is_dev_path(".devcontainer/docker-compose.yml"));
        assert!(!is_dev_path("deploy/docker-compose.prod.yml"));
        assert!(!is_dev_path("docker-compose.yml"));
    }
}
