//! `docker/metrics-healthcheck`: a container health check that probes only the metrics
//! endpoint or an exporter, in a Dockerfile, a compose file or a Kubernetes manifest.

use crate::finding::Severity;
use crate::parse::dockerfile::{Dockerfile, Form};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::compose::{not_production, services};
use crate::rules::docker::util;
use crate::rules::k8s::{workloads, Deferred};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`]. Kubernetes findings wait for the kustomize overlays like the other
/// probe rules.
#[derive(Default)]
pub struct MetricsHealthcheck(Deferred);

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/metrics-healthcheck",
    summary: "a health check or probe that only hits the metrics endpoint or an exporter",
    severity: Severity::Medium,
    docs: r#"
## Why
`curl -f http://localhost:9100/metrics` says that the metrics exporter answers, not
that the service works: the exporter is a separate thread or process that keeps serving
the last numbers while the collector is stuck, the database is gone or the queue is
full. The container stays "healthy", `depends_on: condition: service_healthy` and
Kubernetes readiness send it traffic, and nothing restarts it.

Reported, in production files: a Dockerfile `HEALTHCHECK CMD`, a compose `healthcheck:
test:` or a Kubernetes `livenessProbe`/`readinessProbe`/`startupProbe` (`httpGet.path`
or `exec.command`) whose only target is a metrics path (`/metrics`,
`/actuator/prometheus`, `/prometheus`) or a well-known Prometheus exporter port (9100
node, 9104 MySQL, 9121 Redis, 9187 PostgreSQL, 9113 nginx…). A check that also probes
something else (`curl -f …/health && curl -f …/metrics`) is fine, and so is a container
whose image is itself an exporter (`prom/mysqld-exporter`, a chart of
prometheus-community): its metrics endpoint is the service.

## Example
```yaml
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:9100/metrics"]
```

## Fix
Add a `/health` (or `/healthz`) route that checks what the service needs — the
database (`SELECT 1`), the queue, the age of the last successful run — and returns 503
when one fails; point the health check at it. Keep `/metrics` for Prometheus.

hadolint, Checkov and Trivy check that a `HEALTHCHECK` exists, not what it probes.
"#,
};

/// Paths that serve metrics, not health.
const METRICS_PATHS: &[&str] = &["/metrics", "/actuator/prometheus", "/prometheus"];

/// Default ports of Prometheus exporters (a probe there checks the exporter).
const EXPORTER_PORTS: &[u16] = &[
    9100, 9101, 9104, 9113, 9114, 9115, 9116, 9117, 9121, 9187, 9216, 9256, 9308, 9394, 9419,
];

/// What a health command probes, if it only probes metrics: the URL or port it names.
fn metrics_only(cmd: &str) -> Option<String> {
    let mut targets = Vec::new();
    for word in cmd.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '[' | ']'))
    {
        let w = word.trim_end_matches([';', ')']);
        if w.contains("://") || w.starts_with("localhost:") || w.starts_with("127.0.0.1:") {
            targets.push(w);
        }
    }
    if targets.is_empty() {
        return None;
    }
    targets
        .iter()
        .all(|t| is_metrics_url(t))
        .then(|| targets.join(" "))
}

/// `http://localhost:9100/metrics`, `localhost:9187`, `http://127.0.0.1:8000/metrics?x`.
fn is_metrics_url(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let path = format!("/{}", path.split(['?', '#']).next().unwrap_or(""));
    let path = path.trim_end_matches('/');
    if METRICS_PATHS.contains(&path) {
        return true;
    }
    let port = authority
        .rsplit_once(':')
        .and_then(|(_, p)| p.parse::<u16>().ok());
    path.is_empty() && port.is_some_and(|p| EXPORTER_PORTS.contains(&p))
}

/// A Kubernetes probe that only checks metrics: its `httpGet` path/port or exec command.
fn metrics_probe(probe: &YamlNode) -> Option<(String, &YamlNode)> {
    if let Some(get) = probe.get("httpGet") {
        let path = get.get("path").and_then(YamlNode::as_str).unwrap_or("/");
        let port = get
            .get("port")
            .map(|p| p.as_str().unwrap_or("").to_string());
        let trimmed = path.split('?').next().unwrap_or(path).trim_end_matches('/');
        if METRICS_PATHS.contains(&trimmed) {
            return Some((path.to_string(), get));
        }
        if trimmed.is_empty()
            && port
                .as_deref()
                .and_then(|p| p.parse::<u16>().ok())
                .is_some_and(|p| EXPORTER_PORTS.contains(&p))
        {
            return Some((format!("port {}", port.unwrap_or_default()), get));
        }
        return None;
    }
    let cmd = probe.at(&["exec", "command"])?;
    Some((metrics_only(&cmd.strings().join(" "))?, cmd))
}

/// Whether `image` is a Prometheus exporter itself (`prom/mysqld-exporter:v0.15`,
/// `openenergyprojects/modbus_exporter`): probing its metrics probes the service.
fn is_exporter_image(image: &str) -> bool {
    let name = image.split('@').next().unwrap_or(image);
    let last = name.rsplit('/').next().unwrap_or(name);
    let last = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
    last.ends_with("exporter") || last.contains("exporter-") || last.contains("exporter_")
}

const ADVICE: &str = "it says the exporter answers, not that the service works; add a /health route that checks the service's dependencies and probe that";

impl Rule for MetricsHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        let Some((_, instrs)) = util::final_instructions(df) else {
            return;
        };
        for ins in instrs.iter().filter(|i| i.keyword == "HEALTHCHECK") {
            let cmd = match &ins.form {
                Form::Exec(v) => v.join(" "),
                Form::Shell => ins.args_text().to_string(),
            };
            if let Some(target) = metrics_only(&cmd) {
                let f = out.report(
                    ins.span.clone(),
                    format!("`HEALTHCHECK` probes only `{target}`: {ADVICE}"),
                );
                f.severity = util::for_role(cx, META.severity);
            }
        }
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if not_production(cx.role) {
            return;
        }
        for svc in services(yaml) {
            let Some(test) = svc.value.at(&["healthcheck", "test"]) else {
                continue;
            };
            if svc
                .value
                .get("image")
                .and_then(|i| i.as_str())
                .is_some_and(is_exporter_image)
            {
                continue;
            }
            let cmd = test.strings().join(" ");
            if let Some(target) = metrics_only(&cmd) {
                out.report(
                    test.span.clone(),
                    format!(
                        "healthcheck of service `{}` probes only `{target}`: {ADVICE}",
                        svc.key
                    ),
                );
            }
        }
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if self.0.observe(doc, cx) {
            return;
        }
        for w in workloads(doc, cx) {
            for c in w.containers.iter().filter(|c| !c.init) {
                let image = c.node.get("image").and_then(|i| i.as_str());
                if image.is_some_and(is_exporter_image) {
                    continue;
                }
                for (key, probe) in c.probes() {
                    if let Some((target, at)) = metrics_probe(probe) {
                        self.0.push(
                            cx,
                            at.span.clone(),
                            META.severity,
                            format!(
                                "`{key}` of container `{}` in {} `{}` probes only `{target}`: {ADVICE}",
                                c.name(),
                                w.kind,
                                w.name
                            ),
                            None,
                        );
                    }
                }
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.0.flush(repo, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exporter_images_are_the_service() {
        assert!(is_exporter_image("natsio/prometheus-nats-exporter:0.15.0"));
        assert!(is_exporter_image(
            "openenergyprojects/modbus_exporter@sha256:ab"
        ));
        assert!(is_exporter_image(
            "quay.io/prometheuscommunity/json-exporter"
        ));
        assert!(!is_exporter_image("ghcr.io/acme/api:2.0"));
        assert!(!is_exporter_image("registry.local/exporter-team/api:1"));
    }

    #[test]
    fn metrics_targets() {
        assert!(metrics_only("curl -f http://localhost:9100/metrics").is_some());
        assert!(metrics_only("wget -qO- http://127.0.0.1:8000/metrics || exit 1").is_some());
        assert!(metrics_only("curl -sf localhost:9187").is_some());
        assert!(metrics_only("curl -f http://localhost:8000/health").is_none());
        assert!(metrics_only(
            "curl -f http://localhost:8000/health && curl -f http://localhost:8000/metrics"
        )
        .is_none());
        assert!(metrics_only("curl -f http://localhost:8000/").is_none());
        assert!(metrics_only("pg_isready -U app").is_none());
        assert!(metrics_only("curl -f http://localhost:9090/-/healthy").is_none());
    }
}
