//! `k8s/missing-probes`: a long-running container without readiness or liveness probes.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::k8s::{missing_in, skip_operational, workloads, Deferred, SERVING_KINDS};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct MissingProbes(Deferred);

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "k8s/missing-probes",
    summary: "Long-running Kubernetes container without readiness/liveness probes",
    severity: Severity::Medium,
    docs: r#"
## Why
Without a readiness probe a pod receives traffic the moment its process starts (before the
model is loaded, before the connection pool is up), and keeps receiving it while it is
broken; a rolling update then replaces healthy pods with failing ones. Without a liveness
probe a deadlocked process is never restarted.

Checked: containers of Deployments, StatefulSets, DaemonSets, ReplicaSets (and Argo
Rollouts), not Jobs, CronJobs or bare Pods, which run to completion or are not managed.

- a container that declares `ports:` (it serves traffic) with neither a readiness nor a
  liveness probe: medium;
- the same with a liveness probe but no readiness probe: low;
- a container without `ports:` (a queue worker, an agent) with neither probe, or a sidecar
  in a pod whose main container has probes: low.

A missing liveness probe next to a readiness probe is not reported: a liveness probe that
restarts on a slow dependency causes restart storms, and leaving it out is a legitimate
choice. `startupProbe` alone does not count. Kustomize patches and development or example
manifests are not checked.

## Example
```yaml
      containers:
        - name: api
          image: ghcr.io/acme/api:2.4.0
          ports: [{containerPort: 8000}]
```

In a Helm chart (templates rendered from `values.yaml`, README "Helm charts"): probes behind a values switch that is off by default count as missing; not reported when a block of the workload could not be rendered (a probe may be in it).

## Fix
```yaml
          readinessProbe:
            httpGet: {path: /readyz, port: 8000}
            periodSeconds: 5
          livenessProbe:
            httpGet: {path: /livez, port: 8000}
            periodSeconds: 10
            failureThreshold: 6
          startupProbe:            # slow starts (model loading): protects the liveness probe
            httpGet: {path: /livez, port: 8000}
            failureThreshold: 60
```

Checkov (CKV_K8S_8, CKV_K8S_9) requires both probes on every long-running container,
queue workers and node agents included, and reports kustomize patches (a patch that only
sets `replicas` "lacks" probes); we grade by whether the container serves traffic and skip
patches. On our fixtures both find every positive; Checkov also flags a liveness-only worker
for its missing readiness probe, which we accept. Trivy has no probe checks.
"#,
};

fn has(c: &YamlNode, key: &str) -> bool {
    c.get(key).is_some_and(|p| !p.is_null())
}

impl Rule for MissingProbes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if self.0.observe(doc, cx) || skip_operational(cx) {
            return;
        }
        for w in workloads(doc, cx) {
            // A probe may be in a Helm block that could not be rendered.
            if !SERVING_KINDS.contains(&w.kind) || !w.complete {
                continue;
            }
            let main: Vec<_> = w.containers.iter().filter(|c| !c.init).collect();
            let any_probed = main
                .iter()
                .any(|c| has(c.node, "readinessProbe") || has(c.node, "livenessProbe"));
            for c in &main {
                let readiness = has(c.node, "readinessProbe");
                let liveness = has(c.node, "livenessProbe");
                if readiness {
                    continue;
                }
                let serves = c
                    .node
                    .get("ports")
                    .and_then(|p| p.as_seq())
                    .is_some_and(|p| !p.is_empty());
                let (severity, what) = match (liveness, serves) {
                (false, true) if !any_probed => (
                    Severity::Medium,
                    "serves traffic but has no readiness or liveness probe",
                ),
                (false, _) => (Severity::Low, "has no readiness or liveness probe"),
                (true, true) => (
                    Severity::Low,
                    "serves traffic but has no readiness probe (gets requests before it is ready)",
                ),
                (true, false) => continue,
            };
                self.0.keep(missing_in(
                    cx,
                    c,
                    "readinessProbe",
                    severity,
                    format!("container `{}` in {} `{}` {what}", c.name(), w.kind, w.name),
                ));
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.0.flush(repo, out);
    }
}
