//! `k8s/privileged`: a pod or container that can take over its node.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::compose::privileged::{is_host_agent_image, is_runtime_socket};
use crate::rules::k8s::{missing_in, workloads, Deferred};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct Privileged(Deferred);

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "k8s/privileged",
    summary: "Kubernetes pod or container with node-level privileges (privileged, host namespaces, runtime socket)",
    severity: Severity::High,
    docs: r#"
## Why
A privileged container, a pod in the node's network/PID/IPC namespace, or a pod that mounts
the container runtime socket is one exploit away from root on the node, and from there every
secret of every pod scheduled on it (service-account tokens included).

Reported at high:
- `securityContext.privileged: true`;
- `capabilities.add` with `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `DAC_READ_SEARCH`, `SYS_RAWIO`;
- `hostPID: true` on the pod (every process of the node is visible and can be signalled);
- a `hostPath` volume of `/`, of `/var/run/docker.sock` or another runtime socket, or of
  the whole `/var/run` (`/run`) directory that holds it.

Reported at medium: `hostNetwork` or `hostIPC: true` on the pod: the node's network or
shared memory, a weaker wall but not the node itself (docs/severity.md); and an explicit
`allowPrivilegeEscalation: true`: setuid binaries can gain root inside the container, a
weakness that turns another bug into root there, not control of the node.

Reported at low (not on Windows pods, `windowsOptions`, which have no setuid): a
container that does not set `allowPrivilegeEscalation: false` (setuid
binaries such as `sudo` in the image can then gain privileges; the Pod Security "restricted"
profile requires it to be false).

Node agents (CNI, CSI and device plugins, log shippers, node-exporter, Falco, image cleaners) legitimately
need some of this: every high or medium finding of a workload in `kube-system` or running
such an image is reported at low with a note (its `hostNetwork` and `hostPID` alike). A
Windows HostProcess pod (`windowsOptions.hostProcess: true`) is a node agent by
definition, and its `hostNetwork: true` is not reported at all: Kubernetes requires it. Suppress with a reason on the line once confirmed
(`# harden: ignore[k8s/privileged] CNI plugin needs hostNetwork`).
Kustomize patches are not checked.

## Example
```yaml
    spec:
      hostNetwork: true
      containers:
        - name: agent
          image: ghcr.io/acme/agent:1.4.0
          securityContext:
            privileged: true
```

In a Helm chart (templates rendered from `values.yaml`, README "Helm charts"): a value from `values.yaml` (`hostPID: true`, `privileged: true`) is reported at its line there, with the template as related location; the low `allowPrivilegeEscalation` finding is left out when a block of the workload could not be rendered.

## Fix
```yaml
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            capabilities: {drop: [ALL]}
            readOnlyRootFilesystem: true
```
and remove host namespaces; expose ports through a Service instead of `hostNetwork`.

Checkov (CKV_K8S_16, 17, 18, 19, 20, 27, 39) and Trivy (KSV001, 009, 010, 012, 017) report
the same settings as separate checks; we group them under one id with precise messages.
Trivy reports a missing `allowPrivilegeEscalation: false` at medium (KSV001); we report it at
low, since it only matters together with setuid binaries or file capabilities in the image.
"#,
};

const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "DAC_READ_SEARCH",
    "SYS_RAWIO",
];

fn is_true(n: Option<&YamlNode>) -> Option<&YamlNode> {
    n.filter(|v| v.as_bool() == Some(true))
}

impl Rule for Privileged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if self.0.observe(doc, cx) {
            return;
        }
        for w in workloads(doc, cx) {
            // A Windows HostProcess pod runs on the node by definition (Kubernetes
            // requires `hostNetwork: true` for it): a node agent whose host network is
            // not a choice.
            let host_process = is_true(
                w.pod_sc("windowsOptions")
                    .and_then(|o| o.get("hostProcess")),
            )
            .is_some()
                || w.containers.iter().any(|c| {
                    is_true(c.sc("windowsOptions").and_then(|o| o.get("hostProcess"))).is_some()
                });
            let agent = host_process
                || w.namespace == Some("kube-system")
                || w.containers.iter().any(|c| {
                    c.node
                        .get("image")
                        .and_then(|i| i.as_str())
                        .is_some_and(is_host_agent_image)
                });
            // For a node agent, sharing the node's namespaces and privileges is the job:
            // every such finding is lowered alike (hostNetwork was medium while hostPID
            // two lines below was low).
            let push = |span: std::ops::Range<usize>, severity: Severity, msg: String| {
                if agent && severity >= Severity::Medium {
                    self.0.push(
                        cx,
                        span,
                        Severity::Low,
                        format!("{msg} (expected for this node agent; confirm it is needed)"),
                        None,
                    );
                } else {
                    self.0.push(cx, span, severity, msg, None);
                }
            };
            let high = Severity::High;
            for key in ["hostNetwork", "hostPID", "hostIPC"] {
                if host_process && key == "hostNetwork" {
                    continue;
                }
                if let Some(v) = is_true(w.pod.get(key)) {
                    // The node's PID namespace exposes every process on it; its network
                    // and IPC namespaces weaken isolation without giving the node away.
                    let (severity, why) = if key == "hostPID" {
                        (high, "it sees and can signal every process on the node")
                    } else {
                        (
                            Severity::Medium,
                            "it loses network/IPC isolation from the node",
                        )
                    };
                    push(
                        v.span.clone(),
                        severity,
                        format!(
                            "{} `{}` sets `{key}: true`: it shares the node's namespace; {why}",
                            w.kind, w.name
                        ),
                    );
                }
            }
            for vol in w.pod.get("volumes").and_then(|v| v.as_seq()).unwrap_or(&[]) {
                let Some(path) = vol.at(&["hostPath", "path"]) else {
                    continue;
                };
                let Some(p) = path.as_str() else { continue };
                if is_runtime_socket(p) || p.trim_end_matches('/').is_empty() {
                    push(
                        path.span.clone(),
                        high,
                        format!(
                            "{} `{}` mounts host path `{p}`: control of the node",
                            w.kind, w.name
                        ),
                    );
                }
            }
            for c in &w.containers {
                let name = c.name();
                let privileged = is_true(c.sc("privileged"));
                if let Some(v) = privileged {
                    push(
                        v.span.clone(),
                        high,
                        format!(
                            "container `{name}` in {} `{}` runs privileged",
                            w.kind, w.name
                        ),
                    );
                }
                let ape = c.sc("allowPrivilegeEscalation");
                if let Some(v) = is_true(ape) {
                    // setuid binaries can gain root inside the container; the node is
                    // still behind the container's other walls (docs/severity.md: medium).
                    push(
                        v.span.clone(),
                        Severity::Medium,
                        format!(
                            "container `{name}` in {} `{}` allows privilege escalation",
                            w.kind, w.name
                        ),
                    );
                } else if ape.and_then(|v| v.as_bool()).is_none()
                    && privileged.is_none()
                    // Windows pods have no setuid: the setting does not apply there.
                    && w.pod_sc("windowsOptions").is_none()
                    && c.sc("windowsOptions").is_none()
                    && w.complete
                    && !ape.is_some_and(|v| cx.unresolved(&v.span))
                {
                    self.0.keep(missing_in(
                        cx,
                        c,
                        "securityContext",
                        Severity::Low,
                        format!(
                            "container `{name}` in {} `{}` does not set `allowPrivilegeEscalation: false`",
                            w.kind, w.name
                        ),
                    ));
                }
                if let Some(caps) = c
                    .node
                    .at(&["securityContext", "capabilities", "add"])
                    .and_then(|a| a.as_seq())
                {
                    for cap in caps {
                        let Some(s) = cap.as_str() else { continue };
                        let norm = s.trim().to_ascii_uppercase();
                        let norm = norm.strip_prefix("CAP_").unwrap_or(&norm);
                        if DANGEROUS_CAPS.contains(&norm) {
                            push(
                            cap.span.clone(),
                            high,
                            format!(
                                "container `{name}` in {} `{}` adds capability `{s}`, close to privileged",
                                w.kind, w.name
                            ),
                        );
                        }
                    }
                }
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.0.flush(repo, out);
    }
}
