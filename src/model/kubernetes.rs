//! Kubernetes manifests as the readiness controls of `status` see them, found
//! during the walk from the engine's parse: each workload's containers (probes,
//! limits, non-root), whether a Service or StatefulSet exists, a LimitRange, the
//! first Prometheus scrape line and the backup/restore lines. `status` reads these
//! instead of reading and parsing the manifests again.

use crate::parse::yaml::{YamlFile, YamlNode};
use crate::source::SourceFile;

use super::operations::BackupLines;
use super::Evidence;

/// A YAML document that is a Kubernetes object.
pub fn is_k8s_object(root: &YamlNode) -> bool {
    root.get("apiVersion").and_then(|v| v.as_str()).is_some()
        && root.get("kind").and_then(|v| v.as_str()).is_some()
}

/// Whether a YAML file's text may hold Kubernetes objects that are not templated:
/// it names `apiVersion` and `kind` and has no template marker where the template
/// engine would render it ([`super::template::marker_line`]; a quoted
/// `"{{ $labels.instance }}"` is the manifest's own text).
pub fn may_be_manifest(path: &str, text: &str) -> bool {
    text.contains("apiVersion")
        && text.contains("kind")
        && super::template::marker_line(path, text, false).is_none()
}

/// One YAML file that may hold Kubernetes objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K8sManifest {
    /// Repository-relative path.
    pub path: String,
    /// At least one document is a Kubernetes object.
    pub is_k8s: bool,
    /// Containers of its workloads.
    pub containers: Vec<K8sContainer>,
    /// A Service or Ingress, or a container with ports: something serves.
    pub service: bool,
    /// A StatefulSet or PersistentVolumeClaim: it holds state.
    pub stateful: bool,
    /// The last LimitRange (default limits for every container).
    pub limit_range: Option<Evidence>,
    /// First line configuring a Prometheus scrape.
    pub scrape_line: Option<usize>,
    /// Where it backs data up or restores it.
    pub backups: BackupLines,
}

/// A container of a Kubernetes workload, with the lines that prove each fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K8sContainer {
    /// The manifest.
    pub file: String,
    /// Line of the pod spec (containers of one workload share it).
    pub pod: usize,
    /// Line of the container.
    pub line: usize,
    /// `name:`.
    pub name: String,
    /// (line, path or kind) of its liveness, readiness or startup probe.
    pub probe: Option<(usize, String)>,
    /// (line, path or kind) of its readiness probe.
    pub readiness: Option<(usize, String)>,
    /// Line of `resources.limits`.
    pub limits: Option<usize>,
    /// (line, non-root) from its or the pod's `securityContext`.
    pub non_root: Option<(usize, bool)>,
    /// `image:` as written (empty when absent).
    pub image: String,
    /// The workload's kind (`Deployment`, `StatefulSet`, `CronJob`…).
    pub workload: String,
}

/// The image's repository without tag or digest (`ghcr.io/o/app:1.2` → `ghcr.io/o/app`).
fn image_repo(image: &str) -> &str {
    let image = image.split('@').next().unwrap_or(image);
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => image,
    }
}

/// Whether the manifests hold state that needs backing up: a StatefulSet or a
/// PersistentVolumeClaim, unless every workload of its directory runs an image
/// that runs elsewhere as a plain Deployment in a directory with no state, and is
/// not a data store (`is_data_store`). That is the application's own stateless
/// image reused to stand in for a database (podinfo's `deploy/bases/database`
/// runs `podinfo` as a "primary" StatefulSet with a PVC to simulate one), not a
/// store anyone backs up. A directory with state and no containers (a PVC
/// alone) holds state.
pub fn holds_state(manifests: &[&K8sManifest], is_data_store: &dyn Fn(&str) -> bool) -> bool {
    let dir = |p: &str| p.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let stateful_dirs: std::collections::BTreeSet<String> = manifests
        .iter()
        .filter(|m| m.stateful)
        .map(|m| dir(&m.path))
        .collect();
    // Images that run as a Deployment where nothing holds state.
    let stateless: std::collections::BTreeSet<&str> = manifests
        .iter()
        .filter(|m| !stateful_dirs.contains(&dir(&m.path)))
        .flat_map(|m| &m.containers)
        .filter(|c| c.workload == "Deployment" && !c.image.is_empty())
        .map(|c| image_repo(&c.image))
        .collect();
    stateful_dirs.iter().any(|d| {
        let containers: Vec<&K8sContainer> = manifests
            .iter()
            .filter(|m| dir(&m.path) == *d)
            .flat_map(|m| &m.containers)
            .collect();
        containers.is_empty()
            || !containers.iter().all(|c| {
                let repo = image_repo(&c.image);
                !c.image.is_empty() && stateless.contains(repo) && !is_data_store(repo)
            })
    })
}

/// Lines with their 1-based numbers, `\r` dropped.
fn numbered(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
}

fn pod_spec<'a>(kind: &str, root: &'a YamlNode) -> Option<&'a YamlNode> {
    match kind {
        "Pod" => root.get("spec"),
        "CronJob" => root.at(&["spec", "jobTemplate", "spec", "template", "spec"]),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "Rollout"
        | "DeploymentConfig" => root.at(&["spec", "template", "spec"]),
        _ => None,
    }
}

fn non_root_ctx(line: &dyn Fn(usize) -> usize, sc: Option<&YamlNode>) -> Option<(usize, bool)> {
    let sc = sc?;
    if let Some(v) = sc.get("runAsNonRoot") {
        return v.as_bool().map(|b| (line(v.span.start), b));
    }
    if let Some(v) = sc.get("runAsUser") {
        return v
            .as_str()
            .and_then(|s| s.parse::<u64>().ok())
            .map(|u| (line(v.span.start), u > 0));
    }
    None
}

/// A manifest's Kubernetes objects as the readiness controls see them.
pub fn manifest(file: &SourceFile, yaml: &YamlFile) -> K8sManifest {
    let line = |off: usize| file.lines.line_of(off) + 1;
    let mut c = K8sManifest {
        path: file.path.to_string(),
        is_k8s: yaml
            .documents
            .iter()
            .any(|d| d.root.as_ref().is_some_and(is_k8s_object)),
        containers: Vec::new(),
        service: false,
        stateful: false,
        limit_range: None,
        backups: super::operations::backup_lines(&file.text),
        scrape_line: numbered(&file.text)
            .find(|(_, l)| {
                l.contains("prometheus.io/scrape")
                    || l.trim() == "kind: ServiceMonitor"
                    || l.trim() == "kind: PodMonitor"
            })
            .map(|(n, _)| n),
    };
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        let kind = root.get("kind").and_then(|k| k.as_str()).unwrap_or("");
        match kind {
            "Service" | "Ingress" => c.service = true,
            "StatefulSet" | "PersistentVolumeClaim" => c.stateful = true,
            "LimitRange" => {
                c.limit_range = Some(Evidence::new(
                    &file.path,
                    line(root.span.start),
                    "LimitRange gives containers default limits",
                ))
            }
            _ => {}
        }
        let Some(spec) = pod_spec(kind, root) else {
            continue;
        };
        let pod_nr = non_root_ctx(&line, spec.get("securityContext"));
        for cont in spec
            .get("containers")
            .and_then(|s| s.as_seq())
            .unwrap_or(&[])
        {
            let probe = cont
                .get("livenessProbe")
                .or_else(|| cont.get("readinessProbe"))
                .or_else(|| cont.get("startupProbe"))
                .map(|p| (line(p.span.start), probe_path(p)));
            let readiness = cont
                .get("readinessProbe")
                .map(|p| (line(p.span.start), probe_path(p)));
            if cont
                .get("ports")
                .is_some_and(|p| p.as_seq().is_some_and(|s| !s.is_empty()))
            {
                c.service = true;
            }
            c.containers.push(K8sContainer {
                file: file.path.to_string(),
                pod: line(spec.span.start),
                line: line(cont.span.start),
                name: cont
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
                    .to_string(),
                probe,
                readiness,
                limits: cont
                    .at(&["resources", "limits"])
                    .map(|l| line(l.span.start)),
                non_root: non_root_ctx(&line, cont.get("securityContext")).or(pod_nr),
                image: cont
                    .get("image")
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
                    .to_string(),
                workload: kind.to_string(),
            });
        }
    }
    // Held until the walk ends: a vector grown by pushes holds room for four containers
    // (800 bytes) where most manifests have one.
    c.containers.shrink_to_fit();
    c
}

fn probe_path(p: &YamlNode) -> String {
    p.at(&["httpGet", "path"])
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
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_containers_and_flags() {
        let text = "apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  template:\n    spec:\n      securityContext: {runAsUser: 1000}\n      containers:\n        - name: db\n          livenessProbe:\n            exec: {command: [pg_isready]}\n          resources:\n            limits: {memory: 1Gi}\n";
        let file = SourceFile::new("k8s/db.yaml".to_string(), text.to_string());
        let m = manifest(&file, &crate::parse::yaml::parse(text));
        assert!(m.is_k8s && m.stateful && !m.service);
        assert_eq!(m.containers.len(), 1);
        let c = &m.containers[0];
        assert_eq!(c.probe.as_ref().map(|p| p.1.as_str()), Some("exec"));
        assert_eq!(c.limits, Some(12));
        assert_eq!(c.non_root.map(|n| n.1), Some(true));
        assert!(
            may_be_manifest("k8s/db.yaml", text)
                && !may_be_manifest("k8s/x.yaml", "kind: {{ .K }}\napiVersion: v1")
        );
    }

    fn parsed(path: &str, text: &str) -> K8sManifest {
        let file = SourceFile::new(path.to_string(), text.to_string());
        manifest(&file, &crate::parse::yaml::parse(text))
    }

    fn workload(kind: &str, image: &str) -> String {
        format!("apiVersion: apps/v1\nkind: {kind}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: {image}\n")
    }

    /// Shaped like podinfo's kustomize bases: the app's own image runs as the
    /// frontend Deployment and, beside a PVC, as a "database" StatefulSet that only
    /// simulates one. That is no state to back up; a real database image, or an
    /// image that runs nowhere else, is.
    #[test]
    fn the_apps_own_stateless_image_standing_in_for_a_database_holds_no_state() {
        let db = |name: &str| name.ends_with("/postgres") || name == "postgres";
        let frontend = parsed(
            "deploy/bases/frontend/deployment.yaml",
            &workload("Deployment", "ghcr.io/stefanprodan/podinfo:6.14.1"),
        );
        let primary = parsed(
            "deploy/bases/database/statefulset-primary.yaml",
            &workload("StatefulSet", "ghcr.io/stefanprodan/podinfo:6.14.1"),
        );
        let pvc = parsed(
            "deploy/bases/database/pvc-primary.yaml",
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\n",
        );
        assert_eq!(primary.containers[0].workload, "StatefulSet");
        assert!(!holds_state(&[&frontend, &primary, &pvc], &db));
        // The same StatefulSet running postgres holds state.
        let postgres = parsed(
            "deploy/bases/database/statefulset-primary.yaml",
            &workload("StatefulSet", "docker.io/library/postgres:16"),
        );
        assert!(holds_state(&[&frontend, &postgres, &pvc], &db));
        // An image that runs nowhere else statelessly (the app is the store).
        let own = parsed(
            "deploy/statefulset.yaml",
            &workload("StatefulSet", "ghcr.io/acme/queue@sha256:abc"),
        );
        assert!(holds_state(&[&frontend, &own], &db));
        // A PVC alone holds state.
        assert!(holds_state(&[&frontend, &pvc], &db));
        assert_eq!(image_repo("localhost:5000/app:1"), "localhost:5000/app");
        assert_eq!(image_repo("localhost:5000/app"), "localhost:5000/app");
    }
}
