//! `compose/missing-healthcheck`: a long-running service without a health check.

use crate::finding::Finding;
use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlPair};
use crate::rules::compose::{is_build_manifest, is_partial_service, services, skip_operational};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct MissingHealthcheck;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "compose/missing-healthcheck",
    summary: "Long-running compose service without a healthcheck",
    severity: Severity::Low,
    docs: r#"
## Why
Without a health check Docker only knows whether the process exists. A worker stuck on a
dead database connection, an API whose event loop is blocked, a collector that stopped
collecting: all stay "Up" forever. `depends_on: condition: service_healthy` cannot be used,
so the API starts before PostgreSQL accepts connections and crashes on boot; `restart:` and
Swarm's rolling updates cannot react.

Reported once per service at its key, at low severity, for services that look long-running.
Not reported:

- one-shot services: `restart: "no"`, `deploy.restart_policy.condition: none|on-failure`,
  services another service waits for with `condition: service_completed_successfully`,
  services in a tooling profile (`profiles: [tools]`, `setup`, `migrate`, `jobs`, `cli`…), and
  services named or commanded like a job (`migrate`, `init`, `setup`, `seed`, `bootstrap`);
- `healthcheck: {disable: true}` / `test: ["NONE"]` (an explicit decision);
- services that only extend or override another file's service, and development, CI and
  example files;
- build manifests: a file whose every service holds only `build:`, `image:`, `platform`,
  `labels` or `pull_policy` (`compose -f build.yml build`, or an override adding build
  contexts); the file that runs the services is checked;
- services that build their image from a Dockerfile in the repository whose built stage
  (`build.target`, or the last one) has a `HEALTHCHECK`, itself or through the stage it
  builds on (`FROM base AS prod`): Docker runs the image's check for the container. A
  `HEALTHCHECK NONE` there does not count;
- services whose `image:` is one the repository publishes itself (a workflow's
  `docker/build-push-action` tags or the `images:` of its `docker/metadata-action`, a
  `docker build -t`), from a Dockerfile whose built stage has a `HEALTHCHECK`.

Any other pulled image (`image:` only) may carry a `HEALTHCHECK` this scan cannot see: this is why the
rule is low. If it has one, suppress with a reason.

## Example
```yaml
services:
  api:
    image: ghcr.io/acme/api:2.4.0
    depends_on: [postgres]
  postgres:
    image: postgres:16.2
```

One finding per compose file (and severity): the first service without a check
carries it, naming them all, and the others are related locations.

## Fix
```yaml
  postgres:
    image: postgres:16.2
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U \"$$POSTGRES_USER\" -d \"$$POSTGRES_DB\""]
      interval: 10s
      timeout: 3s
      retries: 5
  api:
    depends_on:
      postgres: {condition: service_healthy}
    healthcheck:
      test: ["CMD", "curl", "-fsS", "http://localhost:8000/healthz"]
```
The check must test the thing that breaks (see `compose/noop-healthcheck`).

Checkov's CKV_DOCKER_2 asks for `HEALTHCHECK` in Dockerfiles; it has no compose check.
"#,
};

const JOB_WORDS: &[&str] = &[
    "migrate",
    "migration",
    "migrations",
    "migrator",
    "init",
    "setup",
    "seed",
    "seeder",
    "bootstrap",
    "createbuckets",
    "provision",
    "oneshot",
    "once",
];

const TOOL_PROFILES: &[&str] = &[
    "tools",
    "tool",
    "jobs",
    "job",
    "setup",
    "init",
    "migrate",
    "migration",
    "migrations",
    "cli",
    "debug",
    "test",
    "tests",
    "admin",
    "ops",
    "manual",
    "oneshot",
    "backup",
    "seed",
];

/// Whether a service runs once and exits (a migration, an init job).
pub(crate) fn is_one_shot(all: &[&YamlPair], svc: &YamlPair) -> bool {
    let s = &svc.value;
    if let Some(r) = s.get("restart") {
        // `restart: no` unquoted is the YAML 1.1 boolean false.
        if r.as_str() == Some("no") || r.as_bool() == Some(false) {
            return true;
        }
    }
    if let Some(c) = s
        .at(&["deploy", "restart_policy", "condition"])
        .and_then(|c| c.as_str())
    {
        if c == "none" || c == "on-failure" {
            return true;
        }
    }
    if s.get("profiles").is_some_and(|p| {
        p.strings()
            .iter()
            .any(|p| TOOL_PROFILES.contains(&p.to_ascii_lowercase().as_str()))
    }) {
        return true;
    }
    let lower = svc.key.to_ascii_lowercase();
    if lower.split(['-', '_', '.']).any(|t| JOB_WORDS.contains(&t)) {
        return true;
    }
    if let Some(cmd) = s.get("command") {
        let text = cmd.strings().join(" ").to_ascii_lowercase();
        if text.contains("migrate") || text.contains("upgrade head") || text.contains("db:setup") {
            return true;
        }
    }
    all.iter().any(|other| {
        other
            .value
            .at(&["depends_on", &svc.key, "condition"])
            .and_then(|c| c.as_str())
            == Some("service_completed_successfully")
    })
}

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if skip_operational(cx, yaml) || is_build_manifest(yaml) {
            return;
        }
        let all = services(yaml);
        for svc in &all {
            let s = &svc.value;
            if is_partial_service(s) || s.get("healthcheck").is_some() {
                continue;
            }
            if s.get("scale").and_then(|v| v.as_str()) == Some("0") || is_one_shot(&all, svc) {
                continue;
            }
            out.report(
                svc.key_span.clone(),
                format!(
                    "service `{}` has no healthcheck: a hung process stays \"Up\" and `depends_on: service_healthy` is impossible",
                    svc.key
                ),
            );
        }
    }

    /// A service whose built image checks its own health is not missing a check.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let model = repo.model;
        own.retain(|f| {
            let built = model
                .service_at(&f.path, f.region.start.line)
                .and_then(|s| {
                    model.image_for_service(s).or_else(|| {
                        // `image: org/app` only: the repository's own Dockerfile for it.
                        s.build
                            .is_none()
                            .then(|| s.image.as_deref().and_then(|i| model.published_image(i)))
                            .flatten()
                    })
                });
            !built.is_some_and(|b| b.config().has_healthcheck())
        });
        super::group_services_per_file(repo, own, |n, names| {
            format!(
                "{n} services have no healthcheck ({names}): a hung process stays \"Up\" and `depends_on: service_healthy` is impossible"
            )
        });
    }

    fn settles(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn one_shot_services() {
        let text = "services:\n  api:\n    image: a:1\n    depends_on:\n      loader:\n        condition: service_completed_successfully\n  loader:\n    image: l:1\n  db-migrate:\n    image: a:1\n  tools:\n    image: t:1\n    profiles: [tools]\n  job:\n    image: j:1\n    restart: no\n  worker:\n    image: w:1\n    restart: unless-stopped\n    profiles: [prod]\n";
        let y = yaml::parse(text);
        let all = crate::rules::compose::services(&y);
        let one_shot: Vec<&str> = all
            .iter()
            .filter(|s| is_one_shot(&all, s))
            .map(|s| s.key.as_str())
            .collect();
        assert_eq!(one_shot, vec!["loader", "db-migrate", "tools", "job"]);
    }
}
