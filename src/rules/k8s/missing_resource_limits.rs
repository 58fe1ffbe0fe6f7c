//! `k8s/missing-resource-limits`: a container without a memory limit.

use crate::edits::fix_setting;
use crate::edits::yaml::{insert_keys, step_between, yaml_scalar};
use crate::finding::{Fix, Severity};
use crate::parse::yaml::YamlNode;
use crate::rules::k8s::{missing_in, skip_operational, workloads, Deferred};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct MissingResourceLimits(Deferred);

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "k8s/missing-resource-limits",
    summary: "Kubernetes container without a memory limit",
    severity: Severity::Medium,
    docs: r#"
## Why
A container without `resources.limits.memory` can use all of its node's memory. When it
leaks, the kubelet evicts or the kernel OOM-kills *other* pods on the node first (a pod
without requests/limits is `BestEffort`), so one bad release degrades unrelated services.
With a limit, only the leaking container is restarted, and the scheduler can pack nodes
safely.

Reported once per container (not init containers: they run before the others and exit) of
Deployments, StatefulSets, DaemonSets, Jobs, CronJobs and Pods, at the container's `image:`,
when `resources.limits.memory` is missing. CPU limits are **not** required: they cause
CFS throttling and latency spikes even on idle nodes and many platform teams deliberately
omit them, relying on CPU requests; the message says so when only a CPU limit is set.

A `LimitRange` with a default memory limit supplies the limit: when the repository has one
for the workload's namespace (or one without a namespace), the workload is not reported. Kustomize patches and development
or example manifests are not checked (see `k8s/latest-image` for how patches are recognised).

## Example
```yaml
      containers:
        - name: inference
          image: registry.acme.io/voice/inference:2.0.1
          resources:
            requests: {cpu: "2", memory: 8Gi}
```

In a Helm chart (templates rendered from `values.yaml`, README "Helm charts"): reported at the chart's `resources:` line in `values.yaml` when the template takes it from there (`resources: {}`), else at the container in the template; not reported when a block of the workload could not be rendered (the limit may be in it); no automatic fix. Low when the comments around that `resources:` key leave it to the installer on purpose (`helm create`'s "leave this as a conscious choice for the user", or a key documented for installers in helm-docs' form, `# metadata.resources -- …`, with a `limits:` example commented out under it): a chart published for others hands the limit to whoever installs it, so the finding says to set it in your values. The key is found also when the template renders nothing for it (`{{- with .Values.metadata.resources }}` on `resources: {}`); the finding then stays at the container in the template.

## Fix
```yaml
          resources:
            requests: {cpu: "2", memory: 8Gi}
            limits: {memory: 8Gi, nvidia.com/gpu: 1}
```
Set the memory limit equal to the request for predictable behaviour (Guaranteed QoS when
CPU limits are also set).

`harden fix --unsafe` adds `resources: {limits: {memory: 512Mi}}`, in block style, under the container
(or `limits:` into an existing `resources:`, or `memory:` into existing `limits:`), with
`k8s_memory` and the optional `k8s_cpu` of a `[fix]` section in harden.toml instead of the
defaults; a container with a memory request gets a limit equal to it (a limit below
the request is rejected). It is unsafe because a limit below real usage gets the container OOM-killed
(CrashLoopBackOff): tune it. Flow-style mappings are left for you.

Checkov (CKV_K8S_11, CKV_K8S_13) and Trivy (KSV011, KSV018) also require a CPU limit; we
do not, and report a missing memory limit only (on our hardened fixtures CKV_K8S_11 is
Checkov's most frequent finding). Checkov also reports kustomize patch files.
"#,
};

/// Caveat of the fix.
const CAVEAT: &str = "a memory limit below what the container really uses gets it OOM-killed \
(CrashLoopBackOff); 512Mi is a placeholder (set `[fix] k8s_memory` and `k8s_cpu` in \
harden.toml) — tune it from observed usage, usually equal to the memory request";

/// Adds `resources.limits.memory` (and the missing levels above it) to a block-style container.
fn fix_for(text: &str, container: &YamlNode, cx: &FileCx<'_>) -> Option<Fix> {
    // A limit below the request is rejected by the API server: reuse the request when
    // there is one (limit = request is also the recommended setting).
    let request = |key: &str| {
        container
            .at(&["resources", "requests", key])
            .and_then(|v| v.as_str())
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string)
    };
    let memory = yaml_scalar(
        &request("memory")
            .or_else(|| fix_setting(cx.config, "k8s_memory"))
            .unwrap_or("512Mi".into()),
    );
    let cpu = fix_setting(cx.config, "k8s_cpu").map(|c| yaml_scalar(&request("cpu").unwrap_or(c)));
    let step = container
        .as_map()?
        .iter()
        .find(|p| p.value.as_map().is_some_and(|m| !m.is_empty()))
        .map_or(2, |p| step_between(text, p.key_span.start, &p.value));
    let route = ["resources", "limits"];
    let mut node = container;
    let mut depth = 0;
    while depth < route.len() {
        match node.get(route[depth]) {
            Some(n) if !n.is_null() => {
                node = n;
                depth += 1;
            }
            Some(_) => return None,
            None => break,
        }
    }
    let mut lines = Vec::new();
    for (i, key) in route.iter().enumerate().skip(depth) {
        lines.push((i - depth, format!("{key}:")));
    }
    let leaf = route.len() - depth;
    if let Some(cpu) = cpu {
        if node.get("cpu").is_none() || depth < route.len() {
            lines.push((leaf, format!("cpu: {cpu}")));
        }
    }
    lines.push((leaf, format!("memory: {memory}")));
    let edit = insert_keys(text, node, step, &lines)?;
    Some(Fix::unsafe_because(
        "Add resources.limits.memory (placeholder value)",
        CAVEAT,
        vec![edit],
    ))
}

impl Rule for MissingResourceLimits {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_k8s(&self, doc: &YamlNode, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if self.0.observe(doc, cx) || skip_operational(cx) {
            return;
        }
        for w in workloads(doc, cx) {
            if !w.complete {
                continue;
            }
            let starts: Vec<usize> = w.containers.iter().map(|c| c.anchor().start).collect();
            for c in w.containers.iter().filter(|c| !c.init) {
                let here = c.anchor().start;
                let next = starts.iter().copied().filter(|&s| s > here).min();
                let limits = c.node.at(&["resources", "limits"]);
                if limits
                    .and_then(|l| l.get("memory"))
                    .is_some_and(|m| !m.is_null())
                {
                    continue;
                }
                let detail = if limits.and_then(|l| l.get("cpu")).is_some() {
                    "has a CPU limit but no memory limit"
                } else {
                    "has no memory limit"
                };
                // A chart that leaves `resources:` empty on purpose ("leave this as a
                // conscious choice for the user", `helm create`'s words) hands the
                // limit to whoever installs it: worth saying, not a release item.
                let (severity, whose) = if left_to_installer(cx, c, next) {
                    (
                        Severity::Low,
                        " in your values (the chart leaves resources to whoever installs it)",
                    )
                } else {
                    (Severity::Medium, "")
                };
                let mut held = missing_in(
                    cx,
                    c,
                    "resources",
                    severity,
                    format!(
                        "container `{}` in {} `{}` {detail}; set `resources.limits.memory`{whose}",
                        c.name(),
                        w.kind,
                        w.name
                    ),
                );
                held.limit_scope = Some(w.namespace.map(str::to_string));
                // A rendered Helm template's offsets are not the file's: no edit.
                if cx.helm.is_none() {
                    held.fix = fix_for(&cx.file.text, c.node, cx);
                }
                self.0.keep(held);
            }
        }
    }

    fn finish(&self, repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        self.0.flush(repo, out);
    }
}

/// Whether the container's `resources:` comes from a chart's `values.yaml` key whose
/// comments leave it to the installer on purpose: `helm create`'s "leave this as a
/// conscious choice for the user", or a key documented for installers in helm-docs'
/// form (`# x.resources -- …`) with a commented-out `limits:` example right under it. The key is the
/// rendered `resources:` when it came from the values, else the `.Values.….resources`
/// the template reads for this container (`{{- with .Values.x.resources }}` renders
/// nothing for `{}`).
fn left_to_installer(
    cx: &FileCx<'_>,
    c: &crate::rules::k8s::Container<'_>,
    next_container: Option<usize>,
) -> bool {
    let Some(h) = cx.helm else {
        return false;
    };
    let at = match c.node.get("resources") {
        Some(r) => match h.rendered.from_values(&r.span) {
            Some((at, _)) => at,
            None => return false,
        },
        None => match templated_values_key(cx, c, next_container) {
            Some(at) => at,
            None => return false,
        },
    };
    let text = h.values.text.as_str();
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let is_comment = |l: &&str| l.trim_start().starts_with('#');
    let uncomment = |l: &str| l.trim_start().trim_start_matches('#').trim().to_string();
    // The comment block right above the key and the one right below it.
    let above: Vec<String> = text[..line_start]
        .lines()
        .rev()
        .take_while(is_comment)
        .map(uncomment)
        .collect();
    let below: Vec<String> = text[line_start..]
        .lines()
        .skip(1)
        .take_while(is_comment)
        .map(uncomment)
        .collect();
    let words = above
        .iter()
        .chain(&below)
        .flat_map(|l| l.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    // A value documented for installers in helm-docs' form (`# -- text` or
    // `# resources -- text`, the chart README's values table) with a limits example to
    // uncomment under it is the same hand-over in other words.
    let documented = above.iter().any(|l| {
        l.starts_with("-- ")
            || l.split_once(" -- ").is_some_and(|(key, _)| {
                !key.is_empty()
                    && key
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "._-[]".contains(ch))
            })
    });
    words.contains("conscious choice") || documented && below.iter().any(|l| l == "limits:")
}

/// The offset in `values.yaml` of the `resources` key a template reads for container
/// `c` when nothing was rendered from it: the first `.Values.<path>.resources` after
/// the container's place in the template and before the next container's.
fn templated_values_key(
    cx: &FileCx<'_>,
    c: &crate::rules::k8s::Container<'_>,
    next_container: Option<usize>,
) -> Option<usize> {
    let h = cx.helm?;
    let tpl = h.template.text.as_str();
    let from = h.rendered.template_offset(c.anchor().start).min(tpl.len());
    let to = next_container
        .map(|n| h.rendered.template_offset(n))
        .filter(|&n| n > from)
        .unwrap_or(tpl.len())
        .min(tpl.len());
    let region = tpl.get(from..to)?;
    let path = region.match_indices(".Values.").find_map(|(i, m)| {
        let path: String = region[i + m.len()..]
            .chars()
            .take_while(|ch| ch.is_ascii_alphanumeric() || *ch == '_' || *ch == '.')
            .collect();
        path.ends_with("resources").then_some(path)
    })?;
    let route: Vec<&str> = path.split('.').collect();
    if route.last() != Some(&"resources") || route.iter().any(|k| k.is_empty()) {
        return None;
    }
    let values = crate::parse::yaml::parse(&h.values.text);
    let root = values.documents.first()?.root.as_ref()?;
    let (last, parents) = route.split_last()?;
    let parent = if parents.is_empty() {
        root
    } else {
        root.at(parents)?
    };
    let pair = parent.as_map()?.iter().find(|p| p.key == *last)?;
    // Only an empty key: a filled one would have rendered.
    let empty = match &pair.value.value {
        crate::parse::yaml::YamlValue::Null => true,
        crate::parse::yaml::YamlValue::Map(m) => m.is_empty(),
        _ => false,
    };
    empty.then_some(pair.key_span.start)
}
