//! `actions/buildkit-local-cache`: BuildKit `type=local` cache in CI.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

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
workflows). When the job saves the directory with `actions/cache` (the
documented workaround), the cache does survive; the finding is then info and
says so: the directory still grows until it is rotated (`mode=max` into a new
directory, then moved over the old one). A job that does rotate it (a `run:`
step `mv`s the `cache-to` directory over the saved one), or that only reads the
saved cache (no `cache-to`), is not reported. Self-hosted runners with a
persistent disk can keep `type=local`; suppress the finding there with
`# harden: ignore[actions/buildkit-local-cache]`.
zizmor's `cache-poisoning` is a different concern (caches restored into
release builds); it does not look at BuildKit cache backends.
"#,
};

/// The directory of a `type=local` cache (`src=` or `dest=`), if any.
fn local_dir(spec: &str) -> Option<&str> {
    spec.split(',')
        .find_map(|kv| {
            kv.trim()
                .strip_prefix("src=")
                .or_else(|| kv.trim().strip_prefix("dest="))
        })
        .map(|d| d.trim().trim_end_matches('/'))
}

/// Directories the job saves and restores with `actions/cache` (its `path:` lines).
fn cached_dirs(steps: &[&YamlNode]) -> Vec<String> {
    steps
        .iter()
        .filter(|s| wf::step_uses(s, "actions/cache") || wf::step_uses(s, "actions/cache/restore"))
        .filter_map(|s| wf::with_str(s, "path"))
        .flat_map(|p| {
            p.lines()
                .map(|l| l.trim().trim_end_matches('/').to_string())
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Reports the value's `type=local` cache; whether there was one.
fn report_in(node: &YamlNode, what: &str, persisted: Option<&str>, out: &mut Sink<'_>) -> bool {
    let Some(s) = node.as_scalar() else {
        return false;
    };
    let text = s.as_str();
    // One finding per value is enough.
    let Some(i) = text.find("type=local") else {
        return false;
    };
    let host = s.mapped.range_to_host(&(i..i + "type=local".len()));
    if let Some(dir) = persisted {
        let f = out.report(
            host,
            format!(
                "{what} uses a `type=local` BuildKit cache that `actions/cache` saves between runs (`{dir}`): it works, but the directory grows without bound unless it is rotated; `type=gha` does both"
            ),
        );
        f.severity = Severity::Info;
    } else {
        out.report(
            host,
            format!(
                "{what} uses a `type=local` BuildKit cache, lost with the runner; use `type=gha`"
            ),
        );
    }
    true
}

/// The job's `type=local` cache directory that `actions/cache` also saves, if any.
fn persisted_dir(steps: &[&YamlNode]) -> Option<String> {
    let cached = cached_dirs(steps);
    let mut dirs: Vec<String> = Vec::new();
    for step in steps {
        let values: Vec<&str> = match step.get("with") {
            Some(w) => ["cache-from", "cache-to"]
                .iter()
                .filter_map(|k| w.get(k).and_then(|v| v.as_str()))
                .collect(),
            None => step
                .get("run")
                .and_then(|r| r.as_str())
                .into_iter()
                .collect(),
        };
        for v in values {
            for part in v.split_whitespace().flat_map(|w| w.split('\n')) {
                let part = part.trim_matches(['"', '\'']);
                if part.contains("type=local") {
                    if let Some(d) = local_dir(part) {
                        dirs.push(d.to_string());
                    }
                }
            }
        }
    }
    dirs.into_iter().find(|d| {
        cached
            .iter()
            .any(|c| c == d || d.starts_with(&format!("{c}/")))
    })
}

/// `type=local` directories the job's `cache-to` values write (`dest=`).
fn written_dirs(steps: &[&YamlNode]) -> Vec<String> {
    let mut out = Vec::new();
    for step in steps {
        let mut values: Vec<&str> = Vec::new();
        if let Some(v) = step
            .get("with")
            .and_then(|w| w.get("cache-to"))
            .and_then(|v| v.as_str())
        {
            values.push(v);
        }
        if let Some(r) = step.get("run").and_then(|r| r.as_str()) {
            values.extend(
                r.split("--cache-to")
                    .skip(1)
                    .filter_map(|rest| rest.split_whitespace().next()),
            );
        }
        for v in values {
            for part in v.split_whitespace() {
                let part = part.trim_start_matches('=').trim_matches(['"', '\'']);
                if part.contains("type=local") {
                    if let Some(d) = part
                        .split(',')
                        .find_map(|kv| kv.trim().strip_prefix("dest="))
                    {
                        out.push(d.trim_end_matches('/').to_string());
                    }
                }
            }
        }
    }
    out
}

/// Whether a `run:` step moves a freshly written cache directory over the persisted
/// one (`rm -rf /tmp/.buildx-cache && mv /tmp/.buildx-cache-new /tmp/.buildx-cache`):
/// the documented rotation that keeps the directory from growing.
fn rotated(steps: &[&YamlNode], written: &[String], persisted: &str) -> bool {
    steps
        .iter()
        .filter_map(|s| s.get("run").and_then(|r| r.as_str()))
        .any(|run| {
            run.lines().any(|line| {
                let words: Vec<&str> = line
                    .split_whitespace()
                    .map(|w| w.trim_matches(['"', '\'', ';']).trim_end_matches('/'))
                    .collect();
                words.first() == Some(&"mv")
                    && words.iter().any(|w| written.iter().any(|d| d == w))
                    && words.last() == Some(&persisted)
            })
        })
}

fn check_steps(steps: Vec<&YamlNode>, out: &mut Sink<'_>) {
    let persisted = persisted_dir(&steps);
    let persisted = persisted.as_deref();
    if let Some(dir) = persisted {
        let written = written_dirs(&steps);
        // A job that only reads a saved cache does not grow it; one that rotates it
        // does what the finding would ask.
        if written.is_empty() || rotated(&steps, &written, dir) {
            return;
        }
    }
    for step in &steps {
        let is_build = ["docker/build-push-action", "docker/bake-action"]
            .iter()
            .any(|a| wf::step_uses(step, a));
        if is_build {
            // One finding per build step: `cache-to` is the line to change first.
            let with = step.get("with");
            for key in ["cache-to", "cache-from"] {
                if let Some(v) = with.and_then(|w| w.get(key)) {
                    if report_in(v, &format!("`{key}`"), persisted, out) {
                        break;
                    }
                }
            }
        } else if let Some(run) = step.get("run") {
            let t = run.as_str().unwrap_or("");
            if t.contains("--cache-to") || t.contains("--cache-from") {
                report_in(run, "`docker buildx build`", persisted, out);
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
