//! Kubernetes: the workloads and their containers, and what other files say
//! about them — the files a kustomization uses as patches, the images a
//! kustomization or skaffold rewrites, the namespaces a `LimitRange` covers.

use std::collections::BTreeSet;

use crate::parse::yaml::YamlNode;

use super::containers::Setting;
use super::paths::{dir_of, join};
use super::ModelFile;

/// A probe of a container.
#[derive(Debug, Clone)]
pub struct Probe {
    /// Line of the probe key.
    pub line: usize,
    /// `httpGet.path`, or `exec` / `tcp` / `grpc`.
    pub target: String,
}

/// One container of a workload's pod template.
#[derive(Debug, Clone)]
pub struct KubeContainer {
    /// `name:`.
    pub name: String,
    /// Line of the container.
    pub line: usize,
    /// `image:`.
    pub image: Option<Setting>,
    /// From `initContainers`.
    pub init: bool,
    /// `livenessProbe`.
    pub liveness: Option<Probe>,
    /// `readinessProbe`.
    pub readiness: Option<Probe>,
    /// `startupProbe`.
    pub startup: Option<Probe>,
    /// Line of `resources.limits`.
    pub limits: Option<usize>,
    /// `runAsNonRoot` / `runAsUser` of the container or else the pod: (line, non-root).
    pub non_root: Option<(usize, bool)>,
    /// Declares `ports:`.
    pub ports: bool,
}

/// A workload (Deployment, StatefulSet, CronJob…).
#[derive(Debug, Clone)]
pub struct Workload {
    /// The manifest file.
    pub file: String,
    /// `kind:`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// Line of the pod spec.
    pub pod_line: usize,
    /// Init containers and containers.
    pub containers: Vec<KubeContainer>,
}

/// What kustomizations, skaffold configs and `LimitRange`s say about other manifests.
#[derive(Debug, Clone, Default)]
pub struct KubeFacts {
    /// Files a kustomization uses as patches.
    pub patches: BTreeSet<String>,
    /// Image names a kustomization `images:` entry or a skaffold artifact sets the tag of.
    pub rewritten_images: BTreeSet<String>,
    /// Namespaces of `LimitRange`s with a default memory limit.
    pub limit_range_namespaces: BTreeSet<String>,
    /// A `LimitRange` with a default memory limit and no namespace.
    pub limit_range_any: bool,
    /// Where each `LimitRange` is: (file, line).
    pub limit_ranges: Vec<(String, usize)>,
    /// A `Service` or `Ingress` exists.
    pub serves: bool,
}

impl KubeFacts {
    /// Whether a kustomization uses this file as a patch (so it is not a complete manifest).
    pub fn is_patch(&self, path: &str) -> bool {
        self.patches.contains(path)
    }

    /// Whether a kustomization or skaffold sets this image's tag at deploy time.
    pub fn image_rewritten(&self, image_name: &str) -> bool {
        self.rewritten_images.contains(image_name)
    }

    /// Whether a `LimitRange` gives containers in `namespace` a default memory limit.
    pub fn limit_range_covers(&self, namespace: Option<&str>) -> bool {
        self.limit_range_any
            || namespace.is_some_and(|ns| self.limit_range_namespaces.contains(ns))
    }
}

/// The image name of a reference without tag or digest (`ghcr.io/a/b:1` → `ghcr.io/a/b`).
pub fn image_name(reference: &str) -> String {
    let no_digest = reference.split('@').next().unwrap_or(reference);
    let slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    match no_digest[slash..].rfind(':') {
        Some(i) => no_digest[..slash + i].to_string(),
        None => no_digest.to_string(),
    }
}

/// The pod spec of a workload document.
pub fn pod_spec(kind: &str, root: &YamlNode) -> Option<&YamlNode> {
    match kind {
        "Pod" => root.get("spec"),
        "CronJob" => root.at(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
        | "Job" | "Rollout" | "DeploymentConfig" | "PodTemplate" => {
            root.at(&["spec", "template", "spec"])
        }
        _ => None,
    }
}

fn non_root(m: &ModelFile, sc: Option<&YamlNode>) -> Option<(usize, bool)> {
    let sc = sc?;
    if let Some(v) = sc.get("runAsNonRoot") {
        return v.as_bool().map(|b| (m.line(v.span.start), b));
    }
    if let Some(v) = sc.get("runAsUser") {
        return v
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .map(|u| (m.line(v.span.start), u > 0));
    }
    None
}

fn probe(m: &ModelFile, p: &YamlNode) -> Probe {
    let target = p
        .at(&["httpGet", "path"])
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            if p.get("exec").is_some() {
                "exec".to_string()
            } else if p.get("tcpSocket").is_some() {
                "tcp".to_string()
            } else if p.get("grpc").is_some() {
                "grpc".to_string()
            } else {
                String::new()
            }
        });
    Probe {
        line: m.line(p.span.start),
        target,
    }
}

/// The workloads of one Kubernetes document (itself, or the items of a `List`).
pub fn workloads_of(m: &ModelFile, doc: &YamlNode, out: &mut Vec<Workload>) {
    let kind = doc.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    if kind == "List" {
        for item in doc.get("items").and_then(|i| i.as_seq()).unwrap_or(&[]) {
            workloads_of(m, item, out);
        }
        return;
    }
    let Some(pod) = pod_spec(kind, doc) else {
        return;
    };
    let pod_nr = non_root(m, pod.get("securityContext"));
    let mut containers = Vec::new();
    for (key, init) in [("initContainers", true), ("containers", false)] {
        for c in pod.get(key).and_then(|s| s.as_seq()).unwrap_or(&[]) {
            containers.push(KubeContainer {
                name: c
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
                    .to_string(),
                line: m.line(c.span.start),
                image: c.get("image").and_then(|i| {
                    i.as_str().map(|s| Setting {
                        line: m.line(i.span.start),
                        value: s.to_string(),
                    })
                }),
                init,
                liveness: c.get("livenessProbe").map(|p| probe(m, p)),
                readiness: c.get("readinessProbe").map(|p| probe(m, p)),
                startup: c.get("startupProbe").map(|p| probe(m, p)),
                limits: c
                    .at(&["resources", "limits"])
                    .map(|l| m.line(l.span.start)),
                non_root: non_root(m, c.get("securityContext")).or(pod_nr),
                ports: c
                    .get("ports")
                    .is_some_and(|p| p.as_seq().is_some_and(|s| !s.is_empty())),
            });
        }
    }
    out.push(Workload {
        file: m.path().to_string(),
        kind: kind.to_string(),
        name: doc
            .at(&["metadata", "name"])
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string(),
        namespace: doc
            .at(&["metadata", "namespace"])
            .and_then(|n| n.as_str())
            .map(str::to_string),
        pod_line: m.line(pod.span.start),
        containers,
    });
}

/// Records what a kustomization, skaffold config or `LimitRange` document says.
pub fn observe(m: &ModelFile, doc: &YamlNode, facts: &mut KubeFacts) {
    let kind = doc.get("kind").and_then(|k| k.as_str());
    let api = doc.get("apiVersion").and_then(|k| k.as_str()).unwrap_or("");
    if matches!(kind, Some("Service" | "Ingress")) {
        facts.serves = true;
    }
    if api.starts_with("skaffold/") {
        let mut builds: Vec<&YamlNode> = doc.get("build").into_iter().collect();
        for p in doc.get("profiles").and_then(|p| p.as_seq()).unwrap_or(&[]) {
            builds.extend(p.get("build"));
        }
        for b in builds {
            for a in b.get("artifacts").and_then(|a| a.as_seq()).unwrap_or(&[]) {
                if let Some(i) = a.get("image").and_then(|i| i.as_str()) {
                    facts.rewritten_images.insert(image_name(i));
                }
            }
        }
        return;
    }
    if kind == Some("LimitRange") {
        facts.limit_ranges.push((m.path().to_string(), m.line(doc.span.start)));
        let has_default_memory = doc
            .at(&["spec", "limits"])
            .and_then(|l| l.as_seq())
            .unwrap_or(&[])
            .iter()
            .any(|l| l.at(&["default", "memory"]).is_some());
        if has_default_memory {
            match doc.at(&["metadata", "namespace"]).and_then(|n| n.as_str()) {
                Some(ns) => {
                    facts.limit_range_namespaces.insert(ns.to_string());
                }
                None => facts.limit_range_any = true,
            }
        }
        return;
    }
    let named = super::file::is_kustomization_name(m.path());
    if kind != Some("Kustomization") && !(kind.is_none() && named) {
        return;
    }
    let dir = dir_of(m.path());
    for key in ["patchesStrategicMerge", "patches", "patchesJson6902"] {
        for item in doc.get(key).and_then(|p| p.as_seq()).unwrap_or(&[]) {
            let path = item
                .as_str()
                .or_else(|| item.get("path").and_then(|p| p.as_str()));
            if let Some(p) = path {
                // An inline patch (`- |-` block) contains newlines: not a path.
                if !p.contains('\n') {
                    if let Some(j) = join(dir, p.trim()) {
                        facts.patches.insert(j);
                    }
                }
            }
        }
    }
    for item in doc.get("images").and_then(|p| p.as_seq()).unwrap_or(&[]) {
        if let Some(n) = item.get("name").and_then(|n| n.as_str()) {
            facts.rewritten_images.insert(n.to_string());
        }
    }
}
