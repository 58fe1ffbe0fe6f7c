//! `k8s/latest-image`: a container image that is untagged or `:latest`.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::roles::FileRole;
use crate::rules::compose::{image_tag, ImageTag};
use crate::rules::k8s::{workloads, Deferred};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct LatestImage(Deferred);

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "k8s/latest-image",
    summary: "Kubernetes container image without a version tag, or tagged `latest`",
    severity: Severity::Medium,
    docs: r#"
## Why
With `image: acme/api` or `acme/api:latest` every node that pulls the image may run a
different build: a rescheduled pod silently upgrades, a rollback with `kubectl rollout undo`
brings back the same moving tag, and nobody can say which code served a request. The default
`imagePullPolicy` for `:latest` is `Always`, so a registry outage also stops pods from starting.

Reported for every container and init container of Pods, Deployments, StatefulSets,
DaemonSets, ReplicaSets, Jobs, CronJobs (and Argo Rollouts): no tag, `:latest`, a moving
tag (`latest-alpine`, `stable`, `nightly`, `edge`, `main`), or a
`${TAG:-latest}` default. Fine: a version tag or a digest.

A bare name that is not a Docker Hub official image (`image: frontend`) is a placeholder
that skaffold, Tilt or a deploy script replaces: reported at low. Images a
`skaffold.yaml` in the repository builds (`build.artifacts[].image`) are not reported.

Kustomize: an image whose name is rewritten by an `images:` entry of a `kustomization.yaml`
in the repository (`newTag:` / `digest:`) is not reported, since the base's tag never
ships. Files a kustomization lists under `patches`/`patchesStrategicMerge`, files named
`*patch*`, and partial documents (a container without `image`, a Deployment without
`spec.selector`) are treated as patches and not checked.

## Example
```yaml
      containers:
        - name: inference
          image: registry.acme.io/voice/inference:latest
```

In a Helm chart (templates rendered from `values.yaml`, README "Helm charts"): `image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"` is read with the defaults (an empty tag is the chart's `appVersion`); `tag: latest` is reported at its `values.yaml` line; an image a helper builds from something not rendered is not reported.

## Fix
Pin the version the pipeline built (`registry.acme.io/voice/inference:2.0.1`), ideally the
digest (`…@sha256:…`), through kustomize `images:` or Helm values.

Checkov (CKV_K8S_14) and Trivy (KSV013) report the same tags. Run on plain manifests, Checkov
also reports kustomize bases whose tag `images:` sets, skaffold artifacts, and patch files
(measured on our negative fixtures); we do not. Checkov's CKV_K8S_43 (digest required) is
stricter than this rule.
"#,
};

/// Docker Hub official images commonly run on Kubernetes (pulled by bare name).
const OFFICIAL: &[&str] = &[
    "alpine",
    "busybox",
    "ubuntu",
    "debian",
    "centos",
    "fedora",
    "amazonlinux",
    "postgres",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "memcached",
    "nginx",
    "httpd",
    "haproxy",
    "traefik",
    "node",
    "python",
    "golang",
    "openjdk",
    "eclipse-temurin",
    "ruby",
    "php",
    "rabbitmq",
    "elasticsearch",
    "kibana",
    "logstash",
    "consul",
    "vault",
    "registry",
    "influxdb",
    "telegraf",
    "cassandra",
    "zookeeper",
    "nats",
    "caddy",
    "wordpress",
    "ghost",
    "couchdb",
    "neo4j",
    "solr",
    "sonarqube",
    "jenkins",
    "docker",
    "curlimages",
    "bash",
];

fn is_official(name: &str) -> bool {
    OFFICIAL.contains(&name.to_ascii_lowercase().as_str())
}

impl Rule for LatestImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if self.0.observe(doc, cx) || cx.role == FileRole::Example {
            return;
        }
        for w in workloads(doc, cx) {
            for c in &w.containers {
                let Some(image) = c.node.get("image") else {
                    continue;
                };
                let Some(name) = image.as_str() else { continue };
                let what = match image_tag(name) {
                    ImageTag::Untagged => "has no tag (pulls `latest`)",
                    ImageTag::Latest => "is tagged `latest`",
                    ImageTag::Moving => "has a moving tag",
                    ImageTag::LatestByDefault => "defaults to `latest`",
                    _ => continue,
                };
                // `image: frontend`: a bare name that is not an official image is a placeholder
                // that skaffold, Tilt or a deploy script replaces; say so at low.
                let placeholder = !name.contains(['/', ':', '.']) && !is_official(name);
                let severity = if placeholder {
                    Severity::Low
                } else {
                    META.severity
                };
                self.0.push(
                    cx,
                    image.span.clone(),
                    severity,
                    format!(
                    "image `{name}` of container `{}` in {} `{}` {what}; pin a version or digest",
                    c.name(),
                    w.kind,
                    w.name
                ),
                    Some(name),
                );
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.0.flush(repo, out);
    }
}
