//! Small configuration files the readiness controls of `status` look at, reduced
//! during the walk to what those controls ask: whether a logging configuration
//! names a JSON formatter, which lines of `.pre-commit-config.yaml` name hooks,
//! whether a Helm chart's values set resource limits, what a templated Kubernetes
//! manifest (Helm) declares. `status` then reads none of these files itself.

use super::paths::file_name;

/// A logging configuration file (`logging.conf`, `logback.xml`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    /// Repository-relative path.
    pub path: String,
    /// Names a JSON (or logstash) formatter: structured logging.
    pub json: bool,
}

/// `.pre-commit-config.yaml`: the lines that matter to the controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreCommit {
    /// Repository-relative path.
    pub path: String,
    /// A top-level `ci:` key (pre-commit.ci runs the hooks).
    pub ci: bool,
    /// Uncommented `repo:` / `id:` lines, trimmed, with their 1-based line.
    pub hook_lines: Vec<(usize, String)>,
}

/// A Helm `values*.yaml` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmValues {
    /// Repository-relative path.
    pub path: String,
    /// An uncommented `limits:` key: templated `resources:` get real limits.
    pub limits: bool,
}

/// A templated Kubernetes manifest (`{{ }}` in a YAML file naming `apiVersion` and
/// `kind`): not parseable as YAML, so its facts are what its text says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmTemplate {
    /// Repository-relative path.
    pub path: String,
    /// Declares a workload (`kind: Deployment`, `StatefulSet`, `DaemonSet`, `CronJob`, `Job`).
    pub workload: bool,
    /// Declares a `livenessProbe` or `readinessProbe`.
    pub probes: bool,
    /// First line declaring a liveness, readiness or startup probe.
    pub probe_line: Option<usize>,
    /// Mentions `resources`.
    pub resources: bool,
    /// Has a `limits:` key.
    pub limits: bool,
    /// Declares a `StatefulSet`.
    pub stateful: bool,
    /// First line configuring a Prometheus scrape (`prometheus.io/scrape`, a
    /// `ServiceMonitor` or `PodMonitor`).
    pub scrape_line: Option<usize>,
}

/// Whether a (lower-case) file name is a logging configuration.
pub fn is_log_config(lower_name: &str) -> bool {
    matches!(
        lower_name,
        "logging.conf"
            | "logging.ini"
            | "logging.yaml"
            | "logging.yml"
            | "logging.json"
            | "log_config.yaml"
            | "log_config.yml"
            | "log_config.json"
            | "log-config.yaml"
            | "logback.xml"
            | "logback-spring.xml"
            | "log4j2.xml"
            | "log4j2.yaml"
            | "log4rs.yaml"
    )
}

/// Whether `path` is the repository's pre-commit configuration.
pub fn is_pre_commit(path: &str) -> bool {
    path == ".pre-commit-config.yaml" || path == ".pre-commit-config.yml"
}

/// Whether a (lower-case) file name may be Helm values (`values.yaml`,
/// `values-prod.yaml`); whether a chart sits beside it is for the reader to decide.
pub fn is_values(lower_name: &str) -> bool {
    lower_name.starts_with("values")
        && (lower_name.ends_with(".yaml") || lower_name.ends_with(".yml"))
}

/// Whether a (lower-case) file name is YAML, which may be a templated manifest.
pub fn is_yaml(lower_name: &str) -> bool {
    lower_name.ends_with(".yaml") || lower_name.ends_with(".yml")
}

/// Whether the walk should read `path` for one of these facts even when no rule
/// reads its kind.
pub fn wanted(path: &str) -> bool {
    let lower = file_name(path).to_ascii_lowercase();
    is_log_config(&lower)
        || is_pre_commit(path)
        || is_values(&lower)
        || is_yaml(&lower)
        || super::ci::is_other_ci(path)
}

/// Lines with their 1-based numbers, `\r` dropped.
fn numbered(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
}

/// A logging configuration's facts.
pub fn log_config(path: &str, text: &str) -> LogConfig {
    let l = text.to_ascii_lowercase();
    LogConfig {
        path: path.to_string(),
        json: l.contains("json") || l.contains("logstash"),
    }
}

/// The pre-commit configuration's facts.
pub fn pre_commit(path: &str, text: &str) -> PreCommit {
    PreCommit {
        path: path.to_string(),
        ci: numbered(text).any(|(_, l)| l.starts_with("ci:")),
        hook_lines: numbered(text)
            .filter(|(_, l)| {
                let l = l.trim();
                !l.starts_with('#') && (l.contains("repo:") || l.contains("id:"))
            })
            .map(|(n, l)| (n, l.trim().to_string()))
            .collect(),
    }
}

/// Helm values' facts.
pub fn helm_values(path: &str, text: &str) -> HelmValues {
    HelmValues {
        path: path.to_string(),
        limits: numbered(text).any(|(_, l)| {
            let t = l.trim_start();
            t.starts_with("limits:") && !t.starts_with('#')
        }),
    }
}

/// A templated manifest's facts, or `None` when the text is not one (no
/// `apiVersion`, no `kind` or no template marker where the template engine would
/// render it: [`super::template::marker_line`]).
pub fn helm_template(path: &str, text: &str) -> Option<HelmTemplate> {
    if !(text.contains("apiVersion")
        && text.contains("kind")
        && super::template::marker_line(path, text, false).is_some())
    {
        return None;
    }
    Some(HelmTemplate {
        path: path.to_string(),
        // The object's own top-level `kind:` (an HPA's `scaleTargetRef.kind:
        // Deployment` is indented); a Helm hook (`helm.sh/hook`: a test or an
        // install step) runs once, not as the service.
        workload: !text.contains("helm.sh/hook")
            && text.lines().any(|l| {
                l.strip_prefix("kind:").is_some_and(|k| {
                    ["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"].contains(&k.trim())
                })
            }),
        probes: text.contains("livenessProbe") || text.contains("readinessProbe"),
        probe_line: numbered(text)
            .find(|(_, l)| {
                let t = l.trim_start();
                ["livenessProbe:", "readinessProbe:", "startupProbe:"]
                    .iter()
                    .any(|k| t.starts_with(k))
            })
            .map(|(n, _)| n),
        resources: text.contains("resources"),
        limits: text.contains("limits:"),
        stateful: text.contains("kind: StatefulSet"),
        scrape_line: numbered(text)
            .find(|(_, l)| {
                l.contains("prometheus.io/scrape")
                    || l.trim() == "kind: ServiceMonitor"
                    || l.trim() == "kind: PodMonitor"
            })
            .map(|(n, _)| n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_of_each_file() {
        assert!(log_config("logback.xml", "<encoder class=\"LogstashEncoder\"/>").json);
        assert!(!log_config("logging.conf", "[formatters]\nkeys=plain\n").json);
        let p = pre_commit(
            ".pre-commit-config.yaml",
            "ci:\n  autofix: false\nrepos:\n  - repo: https://github.com/gitleaks/gitleaks\n    hooks:\n      - id: gitleaks\n  # - id: ruff\n",
        );
        assert!(p.ci);
        assert_eq!(
            p.hook_lines,
            vec![
                (
                    4,
                    "- repo: https://github.com/gitleaks/gitleaks".to_string()
                ),
                (6, "- id: gitleaks".to_string())
            ]
        );
        assert!(helm_values("chart/values.yaml", "resources:\n  limits:\n    cpu: 1\n").limits);
        assert!(!helm_values("chart/values.yaml", "resources: {}\n  # limits:\n").limits);
        assert!(wanted("deploy/logging.yaml") && wanted(".pre-commit-config.yml"));
        assert!(wanted("chart/values-prod.yaml") && !wanted("src/values.py"));
        let h = helm_template(
            "chart/templates/deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  annotations:\n    prometheus.io/scrape: \"true\"\n",
        );
        assert!(h
            .as_ref()
            .is_some_and(|h| h.workload && !h.probes && !h.stateful));
        assert_eq!(h.and_then(|h| h.scrape_line), Some(6));
        assert!(helm_template("k8s/deploy.yaml", "apiVersion: v1\nkind: Service\n").is_none());
        // podinfo's chart: an HPA names its Deployment under scaleTargetRef, a test
        // hook is a Job that runs once; neither is a workload to set limits on.
        let hpa = helm_template(
            "chart/templates/hpa.yaml",
            "{{- if .Values.hpa.enabled -}}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n",
        );
        assert!(hpa.is_some_and(|h| !h.workload));
        let hook = helm_template(
            "chart/templates/hooks/job.yaml",
            "apiVersion: batch/v1\nkind: Job\nmetadata:\n  annotations:\n    \"helm.sh/hook\": {{ $hookType }}\n",
        );
        assert!(hook.is_some_and(|h| !h.workload));
    }
}
