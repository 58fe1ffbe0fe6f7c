//! Data tables that classify a rule: its phase, its task title, the `harden status`
//! control its fix satisfies.
//!
//! Phase 0 is decided by what the finding is, not by its rule: a high or critical
//! finding (severity already lowered for tests, examples and CI-only context) is
//! exploitable or leaking now, so it blocks a release whatever rule found it; and
//! nothing below high is a blocker, whatever its rule. Below that, lookup goes from
//! the most to the least specific: rule id → keyword in the rule name → family →
//! severity. Rules added later get a sensible phase without a code change.

use super::model::Phase;
use crate::finding::Severity;

use Phase::*;

/// Phase by exact rule id.
pub const RULE_PHASE: &[(&str, Phase)] = &[
    ("shell/unsafe-rm", SecurityStability),
    ("shell/ssh-host-key-disabled", SecurityStability),
    ("shell/lock-race", SecurityStability),
    ("actions/template-injection", SecurityStability),
    ("actions/script-injection", SecurityStability),
    ("shell/backup-permissions", SecurityStability),
    ("config/duplicated-credential", SecurityStability),
    ("secrets/hardcoded-credential", SecurityStability),
    ("docker/runs-as-root", SecurityStability),
    ("docker/missing-entrypoint", SecurityStability),
    ("docker/pipe-to-shell", SecurityStability),
    ("compose/db-port-exposed", SecurityStability),
    ("actions/unpinned-uses", SecurityStability),
    ("actions/missing-permissions", SecurityStability),
    ("deps/conflicting-pins", SecurityStability),
    ("deps/undeclared-import", SecurityStability),
    ("python/insecure-import-fallback", SecurityStability),
    ("python/flag-gated-fallback", SecurityStability),
    ("python/tls-verify-disabled", SecurityStability),
    ("python/yaml-unsafe-load", SecurityStability),
    ("python/subprocess-shell", SecurityStability),
    ("python/bare-except", ErrorHandling),
    ("python/swallowed-exception", ErrorHandling),
    ("python/requests-no-timeout", ErrorHandling),
    ("python/unclosed-resource", ErrorHandling),
    ("config/hardcoded-ip", ConfigMonitoring),
    ("config/scattered-connection-settings", ConfigMonitoring),
    ("docker/metrics-healthcheck", ConfigMonitoring),
    ("config/duplicated-mapping", ConfigMonitoring),
    ("design/parameter-drift", ConfigMonitoring),
    ("python/print-in-library", ConfigMonitoring),
    ("python/silent-numeric-fallback", DataQuality),
    ("shell/missing-strict-mode", Operations),
    ("compose/missing-resource-limits", Operations),
    ("k8s/missing-resource-limits", Operations),
    ("repo/dependabot-coverage", Operations),
    ("repo/no-dependency-updates", Operations),
    ("deps/unpinned-requirement", Operations),
    ("actions/sarif-without-permission", Operations),
    ("actions/workflow-never-runs", Operations),
    ("design/image-scan", Operations),
    ("design/sbom", Operations),
    ("design/code-scanning", Operations),
    ("deps/many-requirements-files", CodeQuality),
    ("docker/add-instead-of-copy", CodeQuality),
    ("docker/apt-hygiene", CodeQuality),
    ("docker/toolchain-in-final-image", CodeQuality),
    ("docker/unreferenced-dockerfile", CodeQuality),
    ("docs/broken-link", CodeQuality),
    ("docs/missing-path", CodeQuality),
];

/// Phase by keyword: a dash-separated run of words found in the rule name
/// (`ssh-host-key-disabled` contains `host-key`). First match wins.
pub const KEYWORD_PHASE: &[(&str, Phase)] = &[
    ("host-key", SecurityStability),
    ("injection", SecurityStability),
    ("lock", SecurityStability),
    ("credential", SecurityStability),
    ("secret", SecurityStability),
    ("password", SecurityStability),
    ("token", SecurityStability),
    ("permissions", SecurityStability),
    ("root", SecurityStability),
    ("privileged", SecurityStability),
    ("stub-mode", SecurityStability),
    ("vulnerable", SecurityStability),
    ("limits", Operations),
    ("limit", Operations),
    ("except", ErrorHandling),
    ("timeout", ErrorHandling),
    ("retry", ErrorHandling),
    ("unclosed", ErrorHandling),
    ("resource", ErrorHandling),
    ("ip", ConfigMonitoring),
    ("telemetry", ConfigMonitoring),
    ("metrics", ConfigMonitoring),
    ("circuit-breaker", CodeQuality),
    ("print", ConfigMonitoring),
    ("logging", ConfigMonitoring),
    ("healthcheck", ConfigMonitoring),
    ("health", ConfigMonitoring),
    ("probe", ConfigMonitoring),
    ("probes", ConfigMonitoring),
    ("duplicated", ConfigMonitoring),
    ("fallback", DataQuality),
    ("validation", DataQuality),
    ("strict-mode", Operations),
    ("rollback", Operations),
    ("dependabot", Operations),
    ("updates", Operations),
    ("runbook", Operations),
    ("cache", CodeQuality),
    ("layer", CodeQuality),
    // Consolidating connection pools is a refactor after configuration is central (seed
    // plan 004: "connection pool not consistently used" is code quality, after #61).
    ("pool", CodeQuality),
];

/// Rules whose finding is a credential someone else may already hold: the fix starts
/// by rotating it (it is in the history and every clone), not by editing the file.
pub const LEAKED_SECRET_RULES: &[&str] = &[
    "secrets/*",
    "config/duplicated-credential",
    "compose/secret-literal",
    "k8s/secret-literal",
    "docker/secret-in-env",
    "actions/secret-echo",
    "actions/unredacted-secrets",
];

/// Whether fixing `rule`'s findings starts with "rotate the secret".
pub fn is_leaked_secret(rule: &str) -> bool {
    LEAKED_SECRET_RULES
        .iter()
        .any(|p| super::deps::pattern_matches(p, rule))
}

/// Phase by family.
pub const FAMILY_PHASE: &[(&str, Phase)] = &[
    ("secrets", SecurityStability),
    ("actions", SecurityStability),
    ("deps", SecurityStability),
    ("python", ErrorHandling),
    ("config", ConfigMonitoring),
    ("shell", Operations),
    ("docker", Operations),
    ("compose", Operations),
    ("k8s", Operations),
    ("repo", Operations),
    ("docs", Operations),
];

/// Phase when nothing else matched (high and critical never get here: they are phase 0).
pub fn severity_phase(s: Severity) -> Phase {
    match s {
        Severity::Critical | Severity::High => CriticalBlockers,
        Severity::Medium => Operations,
        Severity::Low | Severity::Info => CodeQuality,
    }
}

/// Whether findings at this severity block a release (phase 0).
pub fn is_blocker(severity: Severity) -> bool {
    severity >= Severity::High
}

/// Whether a finding blocks the release: high or critical in a file that ships (or
/// about the repository as a whole). The engine already caps findings in tests,
/// examples and development files at low; this keeps a plan built from records whose
/// severity was raised by configuration from putting test code in phase 0.
pub fn blocks_release(severity: Severity, path: &str) -> bool {
    is_blocker(severity)
        && (path.is_empty()
            || path == crate::finding::REPOSITORY_PATH
            || crate::roles::role_of(path) == crate::roles::FileRole::Production)
}

/// The phase of a task closing findings of `rule` whose worst severity is `severity`.
pub fn phase_of(rule: &str, severity: Severity) -> Phase {
    if is_blocker(severity) {
        return CriticalBlockers;
    }
    rule_phase(rule, severity)
}

/// The phase by rule alone, for findings below high (never phase 0).
fn rule_phase(rule: &str, severity: Severity) -> Phase {
    if let Some((_, p)) = RULE_PHASE.iter().find(|(id, _)| *id == rule) {
        return *p;
    }
    let (family, name) = rule.split_once('/').unwrap_or((rule, ""));
    if let Some((_, p)) = KEYWORD_PHASE
        .iter()
        .find(|(kw, _)| contains_words(name, kw))
    {
        return *p;
    }
    if let Some((_, p)) = FAMILY_PHASE.iter().find(|(f, _)| *f == family) {
        return *p;
    }
    severity_phase(severity)
}

/// Whether the dash-separated `name` contains the dash-separated run `words`.
fn contains_words(name: &str, words: &str) -> bool {
    let n: Vec<&str> = name.split('-').collect();
    let w: Vec<&str> = words.split('-').collect();
    !w.is_empty() && n.windows(w.len()).any(|win| win == w.as_slice())
}

/// Task titles by rule id: a noun phrase; the extent ("(6 files)") is appended.
pub const RULE_TITLE: &[(&str, &str)] = &[
    (
        "shell/unsafe-rm",
        "Unsafe `rm -rf` on possibly empty variables",
    ),
    (
        "shell/missing-strict-mode",
        "Shell scripts missing `set -euo pipefail`",
    ),
    (
        "shell/ssh-host-key-disabled",
        "SSH host-key checking disabled",
    ),
    ("shell/lock-race", "Race condition in lock file"),
    (
        "shell/backup-permissions",
        "Backups written without restrictive permissions",
    ),
    ("config/duplicated-credential", "Duplicated credentials"),
    (
        "config/hardcoded-ip",
        "Name servers in configuration instead of hard-coded IP addresses",
    ),
    (
        "config/scattered-connection-settings",
        "Design one database module (settings and pool) for the connections each module assembles",
    ),
    (
        "docker/metrics-healthcheck",
        "Health checks that only probe the metrics endpoint",
    ),
    (
        "config/duplicated-mapping",
        "One source for the parameter blocks copied between modules",
    ),
    ("secrets/hardcoded-credential", "Hard-coded credentials"),
    ("python/bare-except", "Bare `except:` clauses"),
    (
        "python/swallowed-exception",
        "Exception handlers that swallow errors",
    ),
    (
        "python/requests-no-timeout",
        "HTTP calls without timeout or retry",
    ),
    (
        "python/unclosed-resource",
        "Connections and cursors not closed",
    ),
    (
        "python/print-in-library",
        "Set up a module logger and replace `print`",
    ),
    (
        "python/silent-numeric-fallback",
        "Silent fallback to 0 on missing data",
    ),
    (
        "python/insecure-import-fallback",
        "Insecure fallback when a security import fails",
    ),
    ("docker/runs-as-root", "Containers running as root"),
    (
        "docker/missing-healthcheck",
        "Images without a `HEALTHCHECK`",
    ),
    (
        "compose/missing-healthcheck",
        "Compose services without health checks",
    ),
    (
        "compose/missing-resource-limits",
        "No resource limits in compose services",
    ),
    (
        "k8s/missing-probes",
        "Pods without liveness/readiness probes",
    ),
    (
        "k8s/missing-resource-limits",
        "Pods without resource limits",
    ),
    (
        "actions/unpinned-uses",
        "Actions not pinned to a commit SHA",
    ),
    (
        "actions/missing-permissions",
        "Workflows without least-privilege `permissions`",
    ),
    (
        "actions/template-injection",
        "Untrusted input expanded in workflow `run:`",
    ),
    (
        "repo/dependabot-coverage",
        "Dependabot does not cover every ecosystem",
    ),
    (
        "repo/no-dependency-updates",
        "No automated dependency updates",
    ),
    ("deps/conflicting-pins", "Conflicting dependency pins"),
    (
        "deps/many-requirements-files",
        "One source of truth for dependency versions across the requirements files",
    ),
    (
        "python/flag-gated-fallback",
        "Security stubs that fail closed only when a flag is set",
    ),
    (
        "docker/missing-entrypoint",
        "Containers that start a file the repository does not have",
    ),
    (
        "docker/unreferenced-dockerfile",
        "Dockerfiles nothing builds or documents",
    ),
    (
        "actions/workflow-never-runs",
        "Workflows GitHub never runs (outside the root `.github/workflows/`)",
    ),
];

/// `harden status` control ids a rule's fix satisfies, for success criteria.
pub const RULE_CONTROL: &[(&str, &str)] = &[
    ("repo/dependabot-coverage", "dependency-updates"),
    ("repo/no-dependency-updates", "dependency-updates"),
    ("repo/dependabot-invalid", "dependency-updates"),
    ("actions/unpinned-uses", "pinned-actions"),
    ("actions/missing-permissions", "token-permissions"),
    ("actions/excessive-permissions", "token-permissions"),
    ("docker/runs-as-root", "container-non-root"),
    ("k8s/run-as-non-root", "container-non-root"),
    ("docker/missing-healthcheck", "container-healthcheck"),
    ("compose/missing-healthcheck", "container-healthcheck"),
    ("compose/noop-healthcheck", "container-healthcheck"),
    ("k8s/missing-probes", "container-healthcheck"),
    ("k8s/noop-probe", "container-healthcheck"),
    ("compose/missing-resource-limits", "resource-limits"),
    ("k8s/missing-resource-limits", "resource-limits"),
    ("python/print-in-library", "structured-logging"),
    ("deps/known-vulnerability", "known-vulnerabilities"),
    ("design/image-scan", "image-scan"),
    ("design/sbom", "sbom"),
    ("design/code-scanning", "sast"),
];

/// Display names of families, for track names.
pub const FAMILY_NAME: &[(&str, &str)] = &[
    ("shell", "Shell scripts"),
    ("docker", "Containers"),
    ("compose", "Compose services"),
    ("k8s", "Kubernetes"),
    ("actions", "CI workflows"),
    ("python", "Python code"),
    ("secrets", "Secrets"),
    ("config", "Configuration"),
    ("deps", "Dependencies"),
    ("docs", "Documentation"),
    ("repo", "Repository"),
];

/// Title of a rule's task (table, else the rule's summary, else the id).
pub fn title_of(rule: &str) -> String {
    if let Some((_, t)) = RULE_TITLE.iter().find(|(id, _)| *id == rule) {
        return (*t).to_string();
    }
    match crate::rules::find_meta(rule) {
        Some(meta) => capitalise(meta.summary),
        None => format!("`{rule}` findings"),
    }
}

/// Family display name.
pub fn family_name(family: &str) -> String {
    FAMILY_NAME
        .iter()
        .find(|(f, _)| *f == family)
        .map(|(_, n)| (*n).to_string())
        .unwrap_or_else(|| capitalise(family))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_is_always_phase_zero() {
        assert_eq!(
            phase_of("shell/missing-strict-mode", Severity::Critical),
            CriticalBlockers
        );
        assert_eq!(
            phase_of("docs/anything", Severity::Critical),
            CriticalBlockers
        );
    }

    #[test]
    fn phase_zero_is_decided_by_severity_not_by_rule() {
        // A high finding of any rule blocks a release.
        assert_eq!(
            phase_of("python/print-in-library", Severity::High),
            CriticalBlockers
        );
        assert_eq!(
            phase_of("secrets/hardcoded-credential", Severity::High),
            CriticalBlockers
        );
        // A low template injection (a workflow with no untrusted trigger) does not.
        assert_eq!(
            phase_of("actions/template-injection", Severity::Low),
            SecurityStability
        );
        for (rule, _) in RULE_PHASE {
            for sev in [Severity::Info, Severity::Low, Severity::Medium] {
                assert_ne!(phase_of(rule, sev), CriticalBlockers, "{rule} {sev}");
            }
        }
    }

    #[test]
    fn lookups_go_from_specific_to_general() {
        assert_eq!(
            phase_of("shell/unsafe-rm", Severity::High),
            CriticalBlockers
        );
        assert_eq!(
            phase_of("shell/ssh-host-key-disabled", Severity::High),
            CriticalBlockers
        );
        assert_eq!(
            phase_of("shell/unsafe-rm", Severity::Medium),
            SecurityStability
        );
        // Keyword: a rule that does not exist yet.
        assert_eq!(
            phase_of("k8s/missing-probes", Severity::Medium),
            ConfigMonitoring
        );
        assert_eq!(
            phase_of("python/requests-retry-missing", Severity::Medium),
            ErrorHandling
        );
        assert_eq!(
            phase_of("k8s/missing-resource-limits", Severity::Medium),
            Operations
        );
        // `ip` is a whole word, not a substring of `pipefail`.
        assert_eq!(phase_of("shell/no-pipefail", Severity::Low), Operations);
        // Family.
        assert_eq!(phase_of("docker/apt-no-clean", Severity::Low), Operations);
        // Severity.
        assert_eq!(phase_of("lua/odd", Severity::Low), CodeQuality);
    }

    #[test]
    fn tables_have_no_duplicate_keys() {
        let mut ids: Vec<&str> = RULE_PHASE.iter().map(|(i, _)| *i).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len());
        let mut t: Vec<&str> = RULE_TITLE.iter().map(|(i, _)| *i).collect();
        t.sort();
        let n = t.len();
        t.dedup();
        assert_eq!(n, t.len());
    }
}
