//! `k8s/noop-probe`: a readiness, liveness or startup probe that cannot fail.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::compose::noop_healthcheck::{noop_argv, noop_shell};
use crate::rules::k8s::{workloads, Deferred};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct NoopProbe(Deferred);

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "k8s/noop-probe",
    summary: "Kubernetes exec probe that always succeeds (checks nothing)",
    severity: Severity::Medium,
    docs: r#"
## Why
A probe that cannot fail tells Kubernetes the pod is ready and alive whatever its state: a
deadlocked worker is never restarted, a pod that lost its database keeps receiving traffic,
and rolling updates proceed onto broken pods. It is worse than no probe, because it looks
like the problem was handled.

Reported: `exec` probes (readiness, liveness, startup) whose command is `true`, `exit 0`,
an `echo`/`printf` alone, or a shell script whose failure is swallowed
(`curl -f http://localhost:8080/healthz || true`, `…; exit 0`). `httpGet`, `tcpSocket` and
`grpc` probes test a listener and are not reported.

## Example
```yaml
          livenessProbe:
            exec:
              command: ["/bin/sh", "-c", "curl -f http://localhost:8080/healthz || exit 0"]
```

## Fix
Probe what breaks: an HTTP endpoint (`httpGet: {path: /healthz, port: 8080}`), or for a
worker a heartbeat file its loop touches
(`command: ["sh", "-c", "test $(( $(date +%s) - $(stat -c %Y /tmp/heartbeat) )) -lt 120"]`).

Neither Checkov nor Trivy look inside probe commands; `compose/noop-healthcheck` is the
compose counterpart.
"#,
};

fn noop_probe(probe: &YamlNode) -> Option<(&'static str, &YamlNode)> {
    let cmd = probe.at(&["exec", "command"])?;
    let argv = cmd.strings();
    let why = if cmd.as_seq().is_some() {
        noop_argv(&argv)
    } else {
        noop_shell(argv.first()?)
    }?;
    Some((why, cmd))
}

impl Rule for NoopProbe {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if self.0.observe(doc, cx) {
            return;
        }
        for w in workloads(doc, cx) {
            for c in w.containers.iter().filter(|c| !c.init) {
                for (key, probe) in c.probes() {
                    if let Some((why, cmd)) = noop_probe(probe) {
                        self.0.push(
                            cx,
                            cmd.span.clone(),
                            META.severity,
                            format!(
                                "`{key}` of container `{}` in {} `{}` {why}: it passes whatever the container's state",
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
