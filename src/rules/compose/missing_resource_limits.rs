//! `compose/missing-resource-limits`: a service that may take all the host's memory.

use crate::edits::fix_setting;
use crate::edits::yaml::{insert_keys, step_between, yaml_scalar};
use crate::finding::{Finding, Fix, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::compose::{is_build_manifest, is_partial_service, services, skip_operational};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct MissingResourceLimits;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "compose/missing-resource-limits",
    summary: "Compose service without a memory limit",
    severity: Severity::Medium,
    docs: r#"
## Why
Without a limit, one service with a leak (a worker that loads a whole table, a model that is
loaded twice) takes all the host's memory: the kernel's OOM killer then picks a victim, often
the database next to it, and every service on the host goes down together. A limit turns that
into one container restarting.

Reported once per service, at the service's key, when neither `deploy.resources.limits.memory`
nor the legacy `mem_limit` is set (a CPU limit alone — `cpus`, `deploy.resources.limits.cpus` —
is mentioned in the message but does not satisfy the rule: CPU starvation slows a host down,
memory exhaustion takes it down). A missing CPU limit alone is not reported: CPU limits cause
throttling and are debated; CPU reservations or `cpu_shares` are the gentler control.

Settings merged from an `x-` extension field with `<<: *anchor` count. Not reported: services
that only extend or override another file's service (`extends:`, or no `image`/`build`),
build manifests (every service holds only `build:`, `image:`, `platform`, `labels` or
`pull_policy`: a file for `compose -f build.yml build`, or an override adding build
contexts; the file that runs the services is checked), and files for development, CI or
examples (`docker-compose.dev.yml`, `compose.override.yml`, `.devcontainer/`, `tests/`).

## Example
```yaml
services:
  worker:
    image: ghcr.io/acme/collector-worker:1.8.0
    command: ["celery", "-A", "collector", "worker"]
```

One finding per compose file (and severity): the first service without a limit
carries it, naming them all, and the others are related locations; `harden fix`
adds the limits to every one of them.

## Fix
```yaml
x-limits: &limits
  deploy:
    resources:
      limits: {cpus: "1.0", memory: 1g}

services:
  worker:
    <<: *limits
    image: ghcr.io/acme/collector-worker:1.8.0
```
or `mem_limit: 1g` with the legacy v2 syntax.

`harden fix --unsafe` adds `deploy.resources.limits` (`cpus: "1.0"`, `memory: 512M`, or
`compose_cpus` / `compose_memory` from a `[fix]` section of harden.toml) after the
service's last key, or only the missing levels into an existing `deploy:` block, at the
file's indentation and line endings. It is unsafe because a limit below the service's
real usage gets it OOM-killed: tune the numbers. Flow-style services and services
built from `<<:` merges are left for you.

Checkov 3 has no docker-compose framework and Trivy does not read compose files; both
cover the Kubernetes equivalent (see `k8s/missing-resource-limits`).
"#,
};

fn has_memory_limit(s: &YamlNode) -> bool {
    s.at(&["deploy", "resources", "limits", "memory"])
        .is_some_and(|v| !v.is_null())
        || s.get("mem_limit").is_some_and(|v| !v.is_null())
}

fn has_cpu_limit(s: &YamlNode) -> bool {
    s.at(&["deploy", "resources", "limits", "cpus"])
        .is_some_and(|v| !v.is_null())
        || ["cpus", "cpu_quota", "cpu_count"]
            .iter()
            .any(|k| s.get(k).is_some_and(|v| !v.is_null()))
}

impl Rule for MissingResourceLimits {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if skip_operational(cx, yaml) || is_build_manifest(yaml) {
            return;
        }
        for svc in services(yaml) {
            let s = &svc.value;
            if is_partial_service(s) || has_memory_limit(s) {
                continue;
            }
            let msg = if has_cpu_limit(s) {
                format!(
                    "service `{}` has a CPU limit but no memory limit; set `deploy.resources.limits.memory`",
                    svc.key
                )
            } else {
                format!(
                    "service `{}` has no memory or CPU limit; set `deploy.resources.limits`",
                    svc.key
                )
            };
            let fix = fix_for(&cx.file.text, &svc.key_span, s, cx);
            out.report(svc.key_span.clone(), msg).fix = fix;
        }
    }

    fn settles(&self) -> bool {
        true
    }

    /// One finding per compose file: the services without limits are one problem.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        super::group_services_per_file(repo, own, |n, names| {
            format!(
                "{n} services have no memory limit ({names}); set `deploy.resources.limits` on each"
            )
        });
    }
}

/// Caveat of the fix.
const CAVEAT: &str = "a memory limit below what the service really uses gets it OOM-killed \
in a restart loop; the numbers are placeholders (set `[fix] compose_memory` and \
`compose_cpus` in harden.toml) — tune them from the service's observed usage";

/// Adds `deploy.resources.limits` (or the missing part of it) to a block-style service.
fn fix_for(
    text: &str,
    key_span: &std::ops::Range<usize>,
    s: &YamlNode,
    cx: &FileCx<'_>,
) -> Option<Fix> {
    if s.get("mem_limit").is_some() {
        return None;
    }
    let memory = yaml_scalar(&fix_setting(cx.config, "compose_memory").unwrap_or("512M".into()));
    let cpus = fix_setting(cx.config, "compose_cpus").unwrap_or("1.0".into());
    let cpus = format!("\"{}\"", cpus.replace(['"', '\\'], ""));
    let step = step_between(text, key_span.start, s);
    let has_cpus = has_cpu_limit(s);
    let mut leaf = Vec::new();
    if !has_cpus {
        leaf.push(format!("cpus: {cpus}"));
    }
    leaf.push(format!("memory: {memory}"));
    // Find the deepest existing level of deploy.resources.limits and add below it.
    let route = ["deploy", "resources", "limits"];
    let mut node = s;
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
    if depth == route.len() && node.get("memory").is_some() {
        return None;
    }
    let mut lines = Vec::new();
    for (i, key) in route.iter().enumerate().skip(depth) {
        lines.push((i - depth, format!("{key}:")));
    }
    let leaf_depth = route.len() - depth;
    lines.extend(leaf.into_iter().map(|l| (leaf_depth, l)));
    let edit = insert_keys(text, node, step, &lines)?;
    Some(Fix::unsafe_because(
        "Add deploy.resources.limits (placeholder values)",
        CAVEAT,
        vec![edit],
    ))
}
