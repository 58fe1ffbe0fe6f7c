//! `docker/missing-healthcheck`: an image that serves traffic declares no `HEALTHCHECK`.

use crate::finding::{Finding, Related, Severity};
use crate::model::{RefKind, Source};
use crate::parse::dockerfile::{Dockerfile, Form, Instruction};
use crate::rules::docker::util;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};
use crate::source::{Position, Region};

/// See [`META`]. The first shipped Kubernetes workload container with a probe is a
/// model fact (`Repository::k8s_probe`), read in [`Rule::settle`].
#[derive(Default)]
pub struct MissingHealthcheck;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/missing-healthcheck",
    summary: "a server image (EXPOSE, gunicorn, nginx, java -jar…) without `HEALTHCHECK`",
    severity: Severity::Low,
    docs: r#"
## Why
Without a health check Docker, Compose and Swarm only know whether the process
exists, not whether it answers: a deadlocked worker, a server stuck on a lost
database connection or an app that never finished starting shows as "Up", gets
traffic and is never restarted. `depends_on: condition: service_healthy` in
Compose needs a health check too.

The rule looks at the final image (the last stage and the stages it is built
from) and reports when it serves — it has `EXPOSE`, or its `CMD`/`ENTRYPOINT`
starts a server (gunicorn, uvicorn, hypercorn, daphne, `flask run`,
`manage.py runserver`, nginx, httpd, caddy, `java -jar`, puma, `rails server`,
`node server.js`, `npm start`, streamlit, `python server.py`, `python -m
http.server`, `zkServer.sh start-foreground`…) — and no `HEALTHCHECK` is declared.
A server started by a wrapper script (`CMD ["./start.sh"]` that execs gunicorn)
is recognised only when the image also `EXPOSE`s a port: reading the script
needs the repository model.
`HEALTHCHECK NONE` is an explicit decision and is not reported. Build, test and
development images are skipped.

It is low: Kubernetes ignores `HEALTHCHECK` and uses probes instead, so an image
deployed only there needs probes in its manifests, not this. When the repository
deploys to Kubernetes with probes (a shipped workload container with a liveness,
readiness or startup probe, also in a Helm chart's templates) and no compose service
builds the image, the finding is info, with that probe as a related location: the
orchestrator that runs the image checks it another way.

## Example
```dockerfile
FROM python:3.12-slim
EXPOSE 8000
CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
```

## Fix
Check an endpoint that exercises the application, with a tool the image has:
```dockerfile
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
```
(`curl -fsS http://127.0.0.1:8000/healthz || exit 1` where curl is installed.)

hadolint has DL3057 for this, off by default and without the "does it serve" test,
so it also fires on batch jobs and CLI images.
"#,
};

const SERVERS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "flask run",
    "runserver",
    "nginx",
    "httpd",
    "apache2",
    "caddy",
    "java -jar",
    "puma",
    "rails server",
    "rails s ",
    "unicorn",
    "node server",
    "node dist/",
    "node index",
    "node app",
    "npm start",
    "npm run start",
    "pnpm start",
    "pnpm run start",
    "bun start",
    "yarn start",
    "next start",
    "streamlit run",
    "php-fpm",
    "traefik",
    "envoy",
    "granian",
    "serve -s",
    "http-server",
    "server.py",
    "serve.py",
    "http.server",
    "start-foreground",
    "redis-server",
    "grpc_server",
];

/// The first probe of a shipped Helm chart's workload template (`{{ }}` makes it
/// unparseable as YAML, so the model keeps what its text declares).
fn helm_probe(repo: &RepoCx<'_>) -> Option<Related> {
    let t = repo.model.helm_templates().iter().find(|t| {
        t.workload && t.probe_line.is_some() && crate::roles::role_of(&t.path).is_production()
    })?;
    let at = Position {
        line: t.probe_line?,
        column: 1,
    };
    Some(Related {
        path: t.path.as_str().into(),
        span: 0..0,
        region: Region { start: at, end: at },
        message: "this repository deploys to Kubernetes (a Helm chart), whose probes replace `HEALTHCHECK`".to_string(),
    })
}

/// The server a command starts, as the command writes it (`pnpm start-docker`, not
/// the `npm start` inside it): a [`SERVERS`] name that begins a word, extended to the
/// end of the word it ends in. `None` when the command starts none of them.
fn server_named(command: &str) -> Option<String> {
    let lower = command.to_ascii_lowercase();
    SERVERS.iter().find_map(|s| {
        // A name written with a trailing space (`rails s `) is a whole word already.
        let (name, whole) = (*s, s.ends_with(' '));
        let start = lower.match_indices(name).map(|(p, _)| p).find(|&p| {
            lower[..p]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
        })?;
        let rest = &command[start + name.len()..];
        let tail = match whole {
            true => 0,
            false => rest
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
                .unwrap_or(rest.len()),
        };
        Some(
            command[start..start + name.len() + tail]
                .trim_end()
                .to_string(),
        )
    })
}

fn command_text(ins: &Instruction) -> String {
    match &ins.form {
        Form::Exec(v) => v.join(" "),
        Form::Shell => ins.args_text().to_string(),
    }
}

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn settles(&self) -> bool {
        true
    }

    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        let Some(probe) = repo
            .model
            .k8s_probe()
            .map(|p| Related {
                path: p.path.as_str().into(),
                span: p.span.clone(),
                region: p.region,
                message:
                    "this repository deploys to Kubernetes, whose probes replace `HEALTHCHECK`"
                        .to_string(),
            })
            .or_else(|| helm_probe(repo))
        else {
            return;
        };
        for f in own.iter_mut() {
            let run_by_compose = repo
                .model
                .builders(&f.path)
                .any(|r| r.kind == RefKind::Builds && r.source == Source::Compose);
            if run_by_compose {
                continue;
            }
            f.severity = Severity::Info;
            f.related.push(probe.clone());
        }
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) || util::build_only(df, cx) {
            return;
        }
        let Some((_, instrs)) = util::final_instructions(df) else {
            return;
        };
        if instrs.iter().any(|i| i.keyword == "HEALTHCHECK") {
            return;
        }
        let expose = instrs.iter().find(|i| i.keyword == "EXPOSE");
        let cmd = instrs
            .iter()
            .rev()
            .find(|i| matches!(i.keyword.as_str(), "CMD" | "ENTRYPOINT"));
        let entry = instrs.iter().rev().find(|i| i.keyword == "ENTRYPOINT");
        let server = [cmd, entry]
            .into_iter()
            .flatten()
            .find_map(|i| server_named(&command_text(i)).map(|s| (*i, s)));
        let (at, why) = match (server, expose) {
            (Some((i, s)), _) => (i, format!("starts `{s}`")),
            (None, Some(e)) => (*e, format!("exposes `{}`", e.args_text().trim())),
            (None, None) => return,
        };
        let f = out.report(
            at.span.clone(),
            format!(
                "the final image {why} but declares no `HEALTHCHECK`, so a hung server looks healthy; add one that hits a health endpoint"
            ),
        );
        f.severity = util::for_role(cx, META.severity).min(Severity::Low);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::docker::util::testing::check;

    #[test]
    fn serves_or_not() {
        let n = |t: &str| check(&MissingHealthcheck, t).len();
        assert_eq!(n("FROM python:3.12\nCMD [\"gunicorn\", \"app:app\"]\n"), 1);
        assert_eq!(n("FROM python:3.12\nCMD gunicorn app:app\n"), 1);
        assert_eq!(n("FROM python:3.12\nEXPOSE 8000\n"), 1);
        assert_eq!(n("FROM python:3.12\nCMD [\"python\", \"job.py\"]\n"), 0);
        assert_eq!(n("FROM python:3.12\nCMD [\"python\", \"server.py\"]\n"), 1);
        assert_eq!(
            n("FROM eclipse-temurin:17-jre\nCMD [\"bin/zkServer.sh\", \"start-foreground\"]\n"),
            1
        );
        assert_eq!(n("FROM python:3.12\nEXPOSE 8000\nHEALTHCHECK NONE\n"), 0);
        // Named as the command writes it.
        let msg = |t: &str| check(&MissingHealthcheck, t)[0].message.clone();
        assert!(
            msg("FROM node:22\nCMD [\"pnpm\", \"start-docker\"]\n").contains("`pnpm start-docker`")
        );
        assert!(msg("FROM node:22\nCMD npm start\n").contains("`npm start`"));
        assert!(
            msg("FROM python:3.12\nCMD [\"/venv/bin/gunicorn\", \"app:app\"]\n")
                .contains("`gunicorn`")
        );
        assert_eq!(
            n("FROM python:3.12\nCMD [\"python\", \"-m\", \"mygunicorn_tool\"]\n"),
            0
        );
        assert_eq!(
            n("FROM python:3.12 AS b\nHEALTHCHECK CMD true\nFROM b\nEXPOSE 80\n"),
            0
        );
        // The healthcheck of a builder stage does not reach the final image.
        assert_eq!(
            n("FROM python:3.12 AS b\nHEALTHCHECK CMD true\nFROM python:3.12\nEXPOSE 80\n"),
            1
        );
    }
}
