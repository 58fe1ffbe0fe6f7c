//! `k8s/run-as-non-root`: a container that may run as root.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::roles::FileRole;
use crate::rules::k8s::{missing_in, workloads, Deferred};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct RunAsNonRoot(Deferred);

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "k8s/run-as-non-root",
    summary: "Kubernetes container that may run as root (no runAsNonRoot / non-zero runAsUser)",
    severity: Severity::Medium,
    docs: r#"
## Why
Most images run as root unless told otherwise. Root in a container is root on the node's
kernel: a container escape (a kernel bug, a writable hostPath, a mis-set capability) lands
as root, and root inside can rewrite the application's own files. `runAsNonRoot: true`
makes the kubelet refuse to start a container whose user is 0, whatever the image says.

For every container and init container, the effective settings are the container's
`securityContext` over the pod's:
- `runAsUser: 0` (container or pod): high, reported on that line;
- neither `runAsNonRoot: true` nor a non-zero `runAsUser`: medium, at the container's image;
  low when the image is one known to set a non-root `USER` itself (`prom/*` and the other
  Prometheus images, `bitnami/*`, distroless `:nonroot`, Chainguard: the list of
  `docker/runs-as-root`): it does not run as root today, but nothing enforces it;
  low too for an init container whose command only changes the mode or owner of paths
  (`chmod 777 /data`, `chown -R 1000 /data`): that needs root by design, and the pod's
  `fsGroup` is the way to do without it.

A Dockerfile `USER app` of an image built elsewhere is not visible here and not enforced:
state it in the manifest too. The exception is an image the repository publishes itself (a
workflow's `docker/build-push-action` tags, the `images:` of its `docker/metadata-action`, a
`docker build -t`): when that Dockerfile's built stage runs as a non-root `USER`, the
container is not reported (with a named user, `runAsNonRoot: true` could not even be
verified by the kubelet). Windows pods (`securityContext.windowsOptions`) are skipped.
Kustomize patches and example manifests are not checked.

## Example
```yaml
    spec:
      containers:
        - name: postgres
          image: postgres:16.2
```

In a Helm chart (templates rendered from `values.yaml`, README "Helm charts"): reported at the `securityContext:` line of `values.yaml` when the template takes it from there (`securityContext: {}`); `runAsUser: 0` from values at its line; not reported when a block of the workload, or the user value, could not be rendered.

## Fix
```yaml
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
        seccompProfile: {type: RuntimeDefault}
```
(the official postgres image runs as uid 999: `runAsUser: 999`).

Checkov (CKV_K8S_23) and Trivy (KSV012) report the same; both also ask for a UID above
10000 (CKV_K8S_40, KSV020), which we do not: the official postgres image's uid 999 is fine.
"#,
};

/// `runAsUser` as a number, with its node.
fn user(n: Option<&YamlNode>) -> Option<(i64, &YamlNode)> {
    let n = n?;
    n.as_str()?.trim().parse::<i64>().ok().map(|u| (u, n))
}

impl Rule for RunAsNonRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if self.0.observe(doc, cx) || cx.role == FileRole::Example {
            return;
        }
        for w in workloads(doc, cx) {
            if w.pod_sc("windowsOptions").is_some() {
                continue;
            }
            let pod_user = user(w.pod_sc("runAsUser"));
            let pod_nonroot = w.pod_sc("runAsNonRoot").and_then(|v| v.as_bool());
            let mut reported_pod_root = false;
            for c in &w.containers {
                if c.sc("windowsOptions").is_some() {
                    continue;
                }
                let own_user = user(c.sc("runAsUser"));
                let eff_user = own_user.or(pod_user);
                let nonroot = c
                    .sc("runAsNonRoot")
                    .and_then(|v| v.as_bool())
                    .or(pod_nonroot);
                if let Some((0, node)) = eff_user {
                    if own_user.is_none() && reported_pod_root {
                        continue;
                    }
                    reported_pod_root |= own_user.is_none();
                    self.0.push(
                        cx,
                        node.span.clone(),
                        Severity::High,
                        format!(
                            "container `{}` in {} `{}` runs as root (`runAsUser: 0`)",
                            c.name(),
                            w.kind,
                            w.name
                        ),
                        None,
                    );
                    continue;
                }
                if nonroot == Some(true) || eff_user.is_some_and(|(u, _)| u > 0) {
                    continue;
                }
                // In a Helm template: a security context not rendered, or a user
                // that is not a value the defaults give, is no evidence of root.
                let unknown = [
                    c.sc("runAsUser"),
                    c.sc("runAsNonRoot"),
                    w.pod_sc("runAsUser"),
                    w.pod_sc("runAsNonRoot"),
                ]
                .into_iter()
                .flatten()
                .any(|n| cx.unresolved(&n.span));
                if !w.complete || unknown {
                    continue;
                }
                let image = c.node.get("image").and_then(|i| i.as_str());
                // The image's own Dockerfile sets a non-root user: nothing enforces it,
                // but the container does not run as root today.
                let known_non_root =
                    image.is_some_and(crate::rules::docker::runs_as_root::nonroot_base);
                let (severity, message) = if c.init && only_fixes_permissions(c.node) {
                    (
                        Severity::Low,
                        format!(
                            "init container `{}` in {} `{}` may run as root; it only changes the mode or owner of its volumes, which needs root unless the pod's `fsGroup` does it: confirm, or set `fsGroup` and drop it",
                            c.name(),
                            w.kind,
                            w.name
                        ),
                    )
                } else if known_non_root {
                    (
                        Severity::Low,
                        format!(
                            "container `{}` in {} `{}`: its image runs as a non-root user, but nothing enforces it; set `runAsNonRoot: true`",
                            c.name(),
                            w.kind,
                            w.name
                        ),
                    )
                } else {
                    (
                        Severity::Medium,
                        format!(
                            "container `{}` in {} `{}` may run as root: set `runAsNonRoot: true` (and a non-zero `runAsUser`)",
                            c.name(),
                            w.kind,
                            w.name
                        ),
                    )
                };
                let mut held = missing_in(cx, c, "securityContext", severity, message);
                held.runs_image = c
                    .node
                    .get("image")
                    .and_then(|i| i.as_str())
                    .map(str::to_string);
                self.0.keep(held);
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.0.flush(repo, out);
    }
}

/// Whether a container's `command` (with `args`) only changes the mode or owner of
/// paths: `chmod 777 /data`, `chown -R 1000:1000 /data`, `sh -c "mkdir -p /d && chown …"`.
/// An init container doing that is root by design: only root changes another user's
/// files.
fn only_fixes_permissions(node: &YamlNode) -> bool {
    let words: Vec<String> = ["command", "args"]
        .iter()
        .filter_map(|k| node.get(k))
        .flat_map(|n| n.strings().into_iter().map(str::to_string))
        .collect();
    let Some(first) = words.first() else {
        return false;
    };
    let script = if matches!(first.as_str(), "sh" | "/bin/sh" | "bash" | "/bin/bash")
        && words.get(1).is_some_and(|w| w == "-c")
    {
        words.get(2).cloned().unwrap_or_default()
    } else {
        words.join(" ")
    };
    let mut saw_fix = false;
    for cmd in script
        .split(['&', ';', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let prog = cmd.split_whitespace().next().unwrap_or("");
        match prog {
            "chmod" | "chown" | "chgrp" => saw_fix = true,
            "mkdir" | "true" | "set" => {}
            _ => return false,
        }
    }
    saw_fix
}
