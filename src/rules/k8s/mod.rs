//! `k8s/` rules, and what they share: finding the containers of a workload, telling a
//! complete manifest from a kustomize patch, and deferring findings to the end of the
//! scan so that files a `kustomization.yaml` names as patches can be left out.

use std::ops::Range;
use std::sync::Mutex;

use crate::finding::{Related, Severity, SharedStr};
use crate::model::deploy_tools::image_name;
use crate::parse::yaml::YamlNode;
use crate::roles::FileRole;
use crate::rules::compose::{is_dev_path, not_production};
use crate::rules::{FileCx, RepoCx, RepoSink};

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

    /// The container's probes that are set, as `(key, probe)`: readiness, liveness,
    /// startup.
    pub fn probes(&self) -> Vec<(&'static str, &'a YamlNode)> {
        ["readinessProbe", "livenessProbe", "startupProbe"]
            .into_iter()
            .filter_map(|k| self.node.get(k).map(|p| (k, p)))
            .collect()
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
    /// Everything from the pod spec on was read: false in a Helm template where a
    /// block there could not be rendered, so that a missing key may be in it
    /// (rules then report only what is present).
    pub complete: bool,
}

impl<'a> Workload<'a> {
    /// Pod-level `securityContext.<key>`.
    pub fn pod_sc(&self, key: &str) -> Option<&'a YamlNode> {
        self.pod.at(&["securityContext", key])
    }
}

/// Where the first shipped workload container of a document with a probe declares
/// it (its first probe), located in the file a person edits (a Helm chart's
/// template): the engine records it in the model, and `docker/missing-healthcheck`
/// cites it for images the repository runs on Kubernetes.
pub(crate) fn first_probe(doc: &YamlNode, cx: &FileCx<'_>) -> Option<Related> {
    if !cx.role.is_production() {
        return None;
    }
    workloads(doc, cx).iter().find_map(|w| {
        w.containers.iter().find_map(|c| {
            c.probes().first().map(|(_, probe)| {
                cx.locate(
                    probe.span.clone(),
                    "this repository deploys to Kubernetes, whose probes replace `HEALTHCHECK`",
                )
            })
        })
    })
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
    // A Helm chart's template that the engine's prefilter let through (one the
    // engine rendered from its chart's values comes with `cx.helm`); a `{{ }}` the
    // manifest quotes for its own program (Argo, Prometheus) does not make one.
    if cx.helm.is_none()
        && cx.file.path.split('/').any(|seg| seg == "templates")
        && crate::model::template::marker_line(&cx.file.path, &cx.file.text, false).is_some()
    {
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
        complete: !cx.gap_after(pod.span.start),
        pod,
        containers,
    })
}

/// Whether operational rules (limits, probes) stay quiet on this file.
pub(crate) fn skip_operational(cx: &FileCx<'_>) -> bool {
    cx.role == FileRole::Example || is_dev_path(&cx.file.path)
}

pub(crate) struct Pending {
    at: Related,
    /// The Helm template place of a finding reported at a `values.yaml` line; boxed,
    /// as it is rare and every held finding of a large tree carries the field.
    related: Option<Box<Related>>,
    /// Anchored on a Helm value that was not rendered: a guess, never reported.
    guess: bool,
    /// Shared strings built here, on the worker that checks the file: the report takes
    /// them as they are after the walk instead of copying them on the main thread
    /// (where the copies would grow its heap while the workers' freed space sits idle).
    snippet: SharedStr,
    message: SharedStr,
    severity: Severity,
    /// The image the finding is about (dropped if a kustomization rewrites it).
    image: Option<String>,
    /// For missing limits: the workload's namespace (dropped if a `LimitRange` with a
    /// default memory limit covers it).
    pub limit_scope: Option<Option<String>>,
    /// A fix to attach when the finding is reported.
    pub fix: Option<crate::finding::Fix>,
    /// For "may run as root": the container's image (dropped when the repository
    /// publishes that image from a Dockerfile whose `USER` is not root).
    pub runs_image: Option<String>,
}

/// A finding that `c` lacks something under `key`, held at the place a person adds
/// it: in a Helm chart whose `key` block comes from `values.yaml` (`resources: {}`),
/// that line; otherwise the container in its manifest or template.
pub(crate) fn missing_in(
    cx: &FileCx<'_>,
    c: &Container<'_>,
    key: &str,
    severity: Severity,
    message: String,
) -> Pending {
    if let Some(n) = c.node.get(key) {
        if cx
            .helm
            .is_some_and(|h| h.rendered.from_values(&n.span).is_some())
        {
            return Deferred::pending(cx, n.span.clone(), severity, message, None);
        }
    }
    Deferred::pending(cx, c.anchor(), severity, message, None).at_template(cx, c.anchor())
}

impl Pending {
    /// Reports a finding about something missing at the template's place of `span`
    /// (in a Helm chart, the container is fixed in its template even when the value
    /// anchoring it came from `values.yaml`).
    pub fn at_template(mut self, cx: &FileCx<'_>, span: Range<usize>) -> Pending {
        self.at = cx.locate(span, String::new());
        self.snippet = cx.snippet(&self.at).into();
        self.related = None;
        self.guess = false;
        self
    }
}

/// Findings held until the end of the scan, when the model knows what
/// kustomizations, skaffold and LimitRanges say about other files.
#[derive(Default)]
pub(crate) struct Deferred {
    pending: Mutex<Vec<Pending>>,
}

impl Deferred {
    /// Whether the document is a deployment tool's (a `Kustomization`, a skaffold
    /// config, a `LimitRange`) rather than an object the rules check; what it says
    /// is a model fact (`model::deploy_tools`).
    pub fn observe(&self, doc: &YamlNode, cx: &FileCx<'_>) -> bool {
        crate::model::deploy_tools::is_deploy_tool_doc(doc, &cx.file.path)
    }

    /// Holds a finding at `span` of the current file.
    pub fn push(
        &self,
        cx: &FileCx<'_>,
        span: Range<usize>,
        severity: Severity,
        message: String,
        image: Option<&str>,
    ) {
        self.keep(Self::pending(cx, span, severity, message, image));
    }

    /// A finding to hold, for a rule that sets more than [`Deferred::push`] does
    /// (a fix, a namespace, the image run) before [`Deferred::keep`]: files are
    /// checked in parallel, so a held finding is built whole and added under one lock,
    /// never amended afterwards.
    pub fn pending(
        cx: &FileCx<'_>,
        span: Range<usize>,
        severity: Severity,
        message: String,
        image: Option<&str>,
    ) -> Pending {
        let guess = cx.unresolved(&span);
        let (at, related) = cx.place(span);
        let snippet = cx.snippet(&at);
        Pending {
            at,
            related: related.map(Box::new),
            guess,
            snippet: snippet.into(),
            message: message.into(),
            severity,
            image: image.map(image_name),
            limit_scope: None,
            fix: None,
            runs_image: None,
        }
    }

    /// Holds `p` until the end of the scan (a guess is dropped).
    pub fn keep(&self, p: Pending) {
        if p.guess {
            return;
        }
        if let Ok(mut pending) = self.pending.lock() {
            pending.push(p);
        }
    }

    /// Reports what was held, minus findings in kustomize patches and on images a
    /// kustomization pins.
    pub fn flush(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut held) = self.pending.lock() else {
            return;
        };
        let pending = std::mem::take(&mut *held);
        for p in pending {
            if repo.model.is_kustomize_patch(&p.at.path) {
                continue;
            }
            if p.image
                .as_ref()
                .is_some_and(|i| repo.model.is_image_tagged_by_deploy_tool(i))
            {
                continue;
            }
            let own_user = p
                .runs_image
                .as_deref()
                .and_then(|i| repo.model.published_image(i))
                .and_then(|b| b.config().user);
            if own_user.is_some_and(|u| crate::model::containers::is_non_root_user(&u.value)) {
                continue;
            }
            if let Some(scope) = &p.limit_scope {
                if repo.model.limit_range_covers(scope.as_deref()) {
                    continue;
                }
            }
            // Held findings skip the engine's per-file pass, so the documented cap
            // for a file that does not ship (a vendored manifest set, an example:
            // docs/severity.md, "Context") is applied here.
            let severity = if crate::roles::role_of(&p.at.path).is_production() {
                p.severity
            } else {
                p.severity.min(Severity::Low)
            };
            let f = out.report(p.at, p.snippet, p.message);
            f.severity = severity;
            f.fix = p.fix;
            f.related.extend(p.related.map(|r| *r));
        }
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
            scope: Default::default(),
            plan_facts: true,
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
