//! `actions/buildkit-local-cache`: BuildKit `type=local` cache in CI.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::workflows::wf;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct BuildkitLocalCache;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/buildkit-local-cache",
    summary:
        "Docker build in CI uses a `type=local` BuildKit cache that does not survive the runner",
    severity: Severity::Low,
    docs: r#"
## Why
`cache-from: type=local,src=/tmp/.buildx-cache` / `cache-to: type=local,…`
write the layer cache to the runner's disk. Hosted runners are thrown away
after the job, so unless the directory is also saved with `actions/cache`
(and rotated, or it grows without bound, a known BuildKit issue) every build
starts cold: slow pipelines, and base layers re-pulled each time. The
`type=gha` cache backend stores layers in the Actions cache service directly.

## Example
```yaml
- uses: docker/build-push-action@…
  with:
    cache-from: type=local,src=/tmp/.buildx-cache
    cache-to: type=local,dest=/tmp/.buildx-cache-new,mode=max
```

## Fix
```yaml
    cache-from: type=gha
    cache-to: type=gha,mode=max
```
(or `type=registry,ref=ghcr.io/org/app:buildcache` for caches shared across
workflows). Self-hosted runners with a persistent disk can keep `type=local`;
suppress the finding there with `# harden: ignore[actions/buildkit-local-cache]`.
zizmor's `cache-poisoning` is a different concern (caches restored into
release builds); it does not look at BuildKit cache backends.
"#,
};

fn report_in(node: &YamlNode, what: &str, out: &mut Sink<'_>) {
    let Some(s) = node.as_scalar() else { return };
    let text = s.as_str();
    // One finding per value is enough.
    if let Some(i) = text.find("type=local") {
        let host = s.mapped.range_to_host(&(i..i + "type=local".len()));
        out.report(
            host,
            format!(
                "{what} uses a `type=local` BuildKit cache, lost with the runner; use `type=gha`"
            ),
        );
    }
}

fn check_steps(steps: &[YamlNode], out: &mut Sink<'_>) {
    for step in steps {
        let is_build = ["docker/build-push-action", "docker/bake-action"]
            .iter()
            .any(|a| wf::step_uses(step, a));
        if is_build {
            let with = step.get("with");
            for key in ["cache-from", "cache-to"] {
                if let Some(v) = with.and_then(|w| w.get(key)) {
                    report_in(v, &format!("`{key}`"), out);
                }
            }
        } else if let Some(run) = step.get("run") {
            let t = run.as_str().unwrap_or("");
            if t.contains("--cache-to") || t.contains("--cache-from") {
                report_in(run, "`docker buildx build`", out);
            }
        }
    }
}

impl Rule for BuildkitLocalCache {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            for job in wf::jobs(root) {
                check_steps(wf::steps(&job.value), out);
            }
        }
    }

    fn check_action(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check_steps(wf::action_steps(root), out);
        }
    }
}
