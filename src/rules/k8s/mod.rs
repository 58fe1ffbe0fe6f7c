//! `k8s/` rules, and what they share: finding the containers of a workload, telling a
//! complete manifest from a kustomize patch, and reporting through the repository
//! model so that files a `kustomization.yaml` names as patches, images it retags
//! and namespaces a `LimitRange` covers are left out.

use std::ops::Range;

use crate::finding::{Finding, Severity};
use crate::parse::yaml::YamlNode;
use crate::roles::FileRole;
use crate::rules::compose::{is_dev_path, not_production};
use crate::rules::{FileCx, Sink};

use super::Rule;

pub mod latest_image;
pub mod missing_probes;
pub mod missing_resource_limits;
pub mod noop_probe;
pub mod privileged;
pub mod run_as_non_root;
pub mod secret_literal;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(privileged::Privileged::default()),
        Box::new(run_as_non_root::RunAsNonRoot::default()),
        Box::new(latest_image::LatestImage::default()),
        Box::new(missing_resource_limits::MissingResourceLimits::default()),
        Box::new(missing_probes::MissingProbes::default()),
        Box::new(noop_probe::NoopProbe::default()),
        Box::new(secret_literal::SecretLiteral),
    ]
}

/// Kinds whose pod template harden checks.
const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
    "Rollout",
    "DeploymentConfig",
];

/// Kinds that must carry a `spec.selector` when complete (so one without is a patch).
const SELECTOR_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

/// Long-running kinds that serve or process continuously (probes matter).
pub(crate) const SERVING_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Rollout",
    "DeploymentConfig",
];

/// One container of a pod template.
pub(crate) struct Container<'a> {
    /// The container's mapping.
    pub node: &'a YamlNode,
    /// From `initContainers`.
    pub init: bool,
}

impl<'a> Container<'a> {
    /// `name:` of the container.
    pub fn name(&self) -> &'a str {
        self.node
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("?")
    }

    /// Where to report something about the whole container: its `image:` value.
    pub fn anchor(&self) -> Range<usize> {
        self.node
            .get("image")
            .or_else(|| self.node.get("name"))
            .map(|n| n.span.clone())
            .unwrap_or_else(|| self.node.span.clone())
    }

    /// `securityContext.<key>` of the container.
    pub fn sc(&self, key: &str) -> Option<&'a YamlNode> {
        self.node.at(&["securityContext", key])
    }
}

/// A workload document: kind, name, pod spec and containers.
pub(crate) struct Workload<'a> {
    /// `kind:`.
    pub kind: &'a str,
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.namespace`.
    pub namespace: Option<&'a str>,
    /// The pod spec.
    pub pod: &'a YamlNode,
    /// Init containers first, then containers.
    pub containers: Vec<Container<'a>>,
}

impl<'a> Workload<'a> {
    /// Pod-level `securityContext.<key>`.
    pub fn pod_sc(&self, key: &str) -> Option<&'a YamlNode> {
        self.pod.at(&["securityContext", key])
    }
}

/// The workloads of a document: itself, or the `items` of a `kind: List`.
pub(crate) fn workloads<'a>(doc: &'a YamlNode, cx: &FileCx<'_>) -> Vec<Workload<'a>> {
    if doc.get("kind").and_then(|k| k.as_str()) == Some("List") {
        return doc
            .get("items")
            .and_then(|i| i.as_seq())
            .unwrap_or(&[])
            .iter()
            .filter_map(|item| workload(item, cx))
            .collect();
    }
    workload(doc, cx).into_iter().collect()
}

/// The workload of a document if it is a complete manifest of a workload kind in a file
/// that ships. Kustomize strategic-merge patches are not complete: a container without
/// `image`, a Deployment without `spec.selector`, or a file named `*patch*`.
pub(crate) fn workload<'a>(doc: &'a YamlNode, cx: &FileCx<'_>) -> Option<Workload<'a>> {
    if not_production(cx.role) {
        return None;
    }
    let kind = doc.get("kind").and_then(|k| k.as_str())?;
    if !WORKLOAD_KINDS.contains(&kind) {
        return None;
    }
    // A Helm chart's template that the engine's `{{` prefilter let through.
    if cx.file.path.split('/').any(|seg| seg == "templates") && cx.file.text.contains("{{") {
        return None;
    }
    let pod = crate::embed::pod_spec(doc)?;
    let mut containers = Vec::new();
    for (key, init) in [("initContainers", true), ("containers", false)] {
        if let Some(items) = pod.get(key).and_then(|c| c.as_seq()) {
            containers.extend(items.iter().map(|node| Container { node, init }));
        }
    }
    let file_name = cx
        .file
        .path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let partial = containers.iter().all(|c| c.init)
        || containers.iter().any(|c| c.node.get("image").is_none())
        || SELECTOR_KINDS.contains(&kind) && doc.at(&["spec", "selector"]).is_none()
        || file_name.contains("patch");
    if partial {
        return None;
    }
    Some(Workload {
        kind,
        name: doc
            .at(&["metadata", "name"])
            .and_then(|n| n.as_str())
            .unwrap_or("?"),
        namespace: doc.at(&["metadata", "namespace"]).and_then(|n| n.as_str()),
        pod,
        containers,
    })
}

/// Whether operational rules (limits, probes) stay quiet on this file.
pub(crate) fn skip_operational(cx: &FileCx<'_>) -> bool {
    cx.role == FileRole::Example || is_dev_path(&cx.file.path)
}

/// Whether a document only describes other manifests (a kustomization, a skaffold
/// config, a `LimitRange`): the model records what it says, rules skip it.
pub(crate) fn is_meta_document(doc: &YamlNode, cx: &FileCx<'_>) -> bool {
    let kind = doc.get("kind").and_then(|k| k.as_str());
    let api = doc.get("apiVersion").and_then(|k| k.as_str()).unwrap_or("");
    if api.starts_with("skaffold/") || kind == Some("LimitRange") {
        return true;
    }
    kind == Some("Kustomization")
        || (kind.is_none() && crate::model::file::is_kustomization_name(&cx.file.path))
}

/// Reports a finding at `span` unless the repository model says it does not
/// apply: the file is a kustomize patch, or a kustomization or skaffold sets the
/// image's tag at deploy time.
pub(crate) fn report<'s>(
    cx: &FileCx<'_>,
    out: &'s mut Sink<'_>,
    span: Range<usize>,
    severity: Severity,
    message: String,
    image: Option<&str>,
) -> Option<&'s mut Finding> {
    let kube = cx.repo.kube();
    if kube.is_patch(&cx.file.path)
        || image.is_some_and(|i| kube.image_rewritten(&crate::model::kube::image_name(i)))
    {
        return None;
    }
    let f = out.report(span, message);
    f.severity = severity;
    Some(f)
}

/// Reports a missing limit unless a `LimitRange` gives `namespace` a default
/// memory limit (or the file is a kustomize patch).
pub(crate) fn report_limit<'s>(
    cx: &FileCx<'_>,
    out: &'s mut Sink<'_>,
    span: Range<usize>,
    message: String,
    namespace: Option<&str>,
) -> Option<&'s mut Finding> {
    if cx.repo.kube().limit_range_covers(namespace) {
        return None;
    }
    report(cx, out, span, Severity::Medium, message, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_names() {
        use crate::model::kube::image_name;
        use crate::model::paths::join;
        assert_eq!(
            join("overlays/prod", "../../base/patch.yaml").as_deref(),
            Some("base/patch.yaml")
        );
        assert_eq!(join("", "./patch.yaml").as_deref(), Some("patch.yaml"));
        assert_eq!(image_name("registry:5000/app:1.2"), "registry:5000/app");
        assert_eq!(image_name("app"), "app");
        assert_eq!(image_name("app@sha256:ab"), "app");
        let _ = super::is_meta_document;
    }
}

#[cfg(test)]
mod odd_shapes {
    use crate::config::Config;
    use crate::engine::{scan_with, ScanOptions};

    /// Every compose and k8s rule on YAML of unexpected shapes: no rule may fail.
    #[test]
    fn odd_shapes_do_not_break_rules() {
        let files = [
            ("docker-compose.yml", "services:\n  a:\n    image: [x, y]\n    environment: just-a-string\n    ports: {a: 1}\n    volumes: 3\n    healthcheck: {test: {a: b}}\n    cap_add: ALL\n  b: 7\n  c:\n    build: .\n    ports: [\"\", \":\", \"::\", \"${}\", \"[::\", \"a:b:c:d\", 99999999999]\n    environment: [\"=\", \"X=\", \"=y\", \"P\u{e9}SSWORD=h\u{e9}\", \"DB_PASSWORD=${\"]\n    restart: [no]\n"),
            ("compose.yaml", "services: []\n---\n- 1\n---\nservices:\n  web:\n    image: \"${A:-${B:-latest}}\"\n    environment: {SECRET_KEY: \"${X:-}\", TOKEN: \"${X-\u{e9}\u{e9}}\"}\n"),
            ("k8s.yaml", "apiVersion: v1\nkind: Pod\nspec: 3\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  selector: {}\n  template:\n    spec:\n      hostNetwork: true\n      securityContext: [1]\n      volumes: [{hostPath: {path: 5}}, {hostPath: \"/\"}]\n      containers:\n        - image: 5\n        - name: x\n          image: \"a:\"\n          securityContext: {runAsUser: -1, privileged: \"true\", capabilities: {add: ALL}}\n          readinessProbe: {exec: {command: []}}\n          livenessProbe: {exec: {command: \"\"}}\n---\napiVersion: v1\nkind: List\nitems: {a: 1}\n"),
            ("kustomization.yaml", "patches: [{path: 3}, \"../../../../x.yaml\", {patch: \"a\\nb\"}]\nimages: [{name: [1]}]\n"),
            ("skaffold.yaml", "apiVersion: skaffold/v4\nkind: Config\nbuild: {artifacts: 3}\nprofiles: [1, {build: {artifacts: [{image: 4}]}}]\n"),
        ];
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let rules: Vec<Box<dyn crate::rules::Rule>> = crate::rules::compose::rules()
            .into_iter()
            .chain(super::rules())
            .collect();
        let opts = ScanOptions {
            root: dir.path().to_path_buf(),
            config: Config::default(),
            threads: 1,
        };
        let report = scan_with(&opts, &rules);
        let failures: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("internal error"))
            .collect();
        assert!(failures.is_empty(), "{failures:?}");
        assert!(
            report
                .diagnostics
                .iter()
                .all(|d| !d.message.contains("syntax")),
            "{:?}",
            report.diagnostics
        );
        assert!(!report.findings.is_empty());
    }
}
