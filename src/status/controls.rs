//! The readiness controls `harden status` assesses, declared as data: id, area,
//! weight and the advice shown when a control is not done. Evidence gathering
//! lives in `areas/<area>.rs`; this table is the single place to add a control.

use serde::Serialize;

/// The areas a control belongs to; each gets its own 0–10 score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Dependencies, actions, artefacts: what goes into the build.
    SupplyChain,
    /// Disclosure policy, licence, code and secret scanning.
    SecurityPolicy,
    /// Continuous integration hygiene.
    CiCd,
    /// Images and how they run.
    Containers,
    /// Health, readiness, metrics and logs.
    Observability,
    /// Runbooks, deployment, rollback, backups, release notes.
    Operations,
}

impl Area {
    /// Every area, in display order.
    pub const ALL: [Area; 6] = [
        Area::SupplyChain,
        Area::SecurityPolicy,
        Area::CiCd,
        Area::Containers,
        Area::Observability,
        Area::Operations,
    ];

    /// Kebab-case id used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Area::SupplyChain => "supply-chain",
            Area::SecurityPolicy => "security-policy",
            Area::CiCd => "ci-cd",
            Area::Containers => "containers",
            Area::Observability => "observability",
            Area::Operations => "operations",
        }
    }

    /// Title for people.
    pub fn title(self) -> &'static str {
        match self {
            Area::SupplyChain => "Supply chain",
            Area::SecurityPolicy => "Security policy",
            Area::CiCd => "CI/CD",
            Area::Containers => "Containers",
            Area::Observability => "Observability",
            Area::Operations => "Operations",
        }
    }
}

/// A control as declared.
#[derive(Debug, Clone, Copy)]
pub struct ControlDef {
    /// Stable id (`dependency-updates`).
    pub id: &'static str,
    /// Area it scores in.
    pub area: Area,
    /// Short human title.
    pub title: &'static str,
    /// Weight in the score: 3 high, 2 medium, 1 low (see docs/status.md).
    pub weight: u8,
    /// What to do when it is not done.
    pub advice: &'static str,
}

const fn c(
    id: &'static str,
    area: Area,
    title: &'static str,
    weight: u8,
    advice: &'static str,
) -> ControlDef {
    ControlDef {
        id,
        area,
        title,
        weight,
        advice,
    }
}

/// Every control, in display order.
pub static CONTROLS: &[ControlDef] = &[
    // Supply chain
    c(
        "dependency-updates",
        Area::SupplyChain,
        "Automated dependency updates",
        3,
        "Add .github/dependabot.yml (or Renovate) covering every ecosystem and directory the repository has; `harden fix` can write it.",
    ),
    c(
        "vulnerability-scan",
        Area::SupplyChain,
        "Vulnerability scanning in CI",
        3,
        "Scan dependencies and images in CI: aquasecurity/trivy-action, anchore/scan-action, google/osv-scanner-action, pip-audit / npm audit / cargo audit, or actions/dependency-review-action on pull requests.",
    ),
    c(
        "image-scan",
        Area::SupplyChain,
        "Container images scanned in CI",
        2,
        "Scan each image the repository builds or publishes in the workflow that builds it, before it is pushed: aquasecurity/trivy-action (`scan-type: image`, `exit-code: 1` on fixable CRITICAL/HIGH, SARIF uploaded), anchore/scan-action, `grype IMAGE` or `docker scout cves`; a dependency audit never sees the base image's OS packages.",
    ),
    c(
        "pinned-actions",
        Area::SupplyChain,
        "Actions pinned to a commit SHA",
        2,
        "Pin every third-party `uses:` to a full 40-character commit SHA with the tag in a comment (`uses: actions/checkout@<sha> # v4`); Dependabot keeps SHA pins current.",
    ),
    c(
        "dependency-lockfiles",
        Area::SupplyChain,
        "Dependencies locked",
        2,
        "Commit a lockfile next to every manifest (package-lock.json / pnpm-lock.yaml / yarn.lock, poetry.lock / uv.lock, Cargo.lock for binaries, go.sum, Gemfile.lock) or pin requirements with `==` (pip-compile --generate-hashes); builds must be reproducible.",
    ),
    c(
        "known-vulnerabilities",
        Area::SupplyChain,
        "No known vulnerabilities in locked dependencies",
        3,
        "Upgrade each affected package to the fixed version named in the evidence (or drop it) and re-lock; keep an OSV export current (osv.dev's per-ecosystem all.zip) and point `[osv] source` in harden.toml, or `harden status --osv`, at it so this can be checked offline.",
    ),
    c(
        "sbom",
        Area::SupplyChain,
        "SBOM generated in CI",
        1,
        "Generate an SBOM (CycloneDX or SPDX) for each release: anchore/sbom-action, syft, cyclonedx-py/cdxgen, `trivy --format cyclonedx`, or `harden sbom`.",
    ),
    c(
        "signed-releases",
        Area::SupplyChain,
        "Signed releases / provenance",
        1,
        "Sign what you publish and attach provenance: sigstore/cosign-installer + `cosign sign`, actions/attest-build-provenance, or slsa-framework/slsa-github-generator.",
    ),
    // Security policy
    c(
        "security-policy",
        Area::SecurityPolicy,
        "Security policy (SECURITY.md)",
        2,
        "Add SECURITY.md (root, .github/ or docs/) with supported versions and a real private reporting channel (security e-mail or GitHub private vulnerability reporting); `harden fix` can scaffold it.",
    ),
    c(
        "secret-scanning",
        Area::SecurityPolicy,
        "Secret scanning",
        3,
        "Run a secret scanner on every push: gitleaks/gitleaks-action, trufflesecurity/trufflehog, or detect-secrets with a baseline; a pre-commit hook alone only protects developers who installed it.",
    ),
    c(
        "sast",
        Area::SecurityPolicy,
        "Static analysis (SAST) in CI",
        2,
        "Run static security analysis in CI: github/codeql-action, semgrep, bandit (Python), gosec (Go), brakeman (Rails).",
    ),
    c(
        "license",
        Area::SecurityPolicy,
        "License",
        1,
        "Add a LICENSE file at the root (and keep the manifest's `license` field in step with it).",
    ),
    // CI/CD
    c(
        "tests-in-ci",
        Area::CiCd,
        "Tests run in CI",
        3,
        "Run the test suite on every push and pull request (a workflow step with pytest / cargo test / npm test / go test / make test).",
    ),
    c(
        "token-permissions",
        Area::CiCd,
        "Least-privilege workflow token",
        2,
        "Declare `permissions:` at the top of every workflow (`contents: read`) and grant write scopes only to the jobs that need them; `harden fix` can add the block.",
    ),
    // Containers
    c(
        "container-non-root",
        Area::Containers,
        "Containers run as non-root",
        3,
        "Create an unprivileged user and switch to it in the final stage (`RUN useradd -r -u 10001 app` then `USER 10001`), or set runAsNonRoot / `user:` where it runs.",
    ),
    c(
        "container-healthcheck",
        Area::Containers,
        "Container health checks",
        2,
        "Give every service a health check that exercises the application (Dockerfile HEALTHCHECK, compose `healthcheck:`, or Kubernetes liveness/readiness probes), not `exit 0`.",
    ),
    c(
        "resource-limits",
        Area::Containers,
        "Resource limits",
        2,
        "Set memory and CPU limits for every service: compose `deploy.resources.limits` (or `mem_limit`/`cpus`), Kubernetes `resources.limits`.",
    ),
    // Observability
    c(
        "health-endpoint",
        Area::Observability,
        "Health endpoint",
        3,
        "Expose a cheap liveness route (`/health` or `/healthz`) from the service and point the container health check at it.",
    ),
    c(
        "readiness-endpoint",
        Area::Observability,
        "Readiness endpoint",
        1,
        "Expose a readiness route (`/ready` or `/readyz`) that checks the dependencies the service needs (database, queues) before it takes traffic.",
    ),
    c(
        "metrics",
        Area::Observability,
        "Metrics",
        2,
        "Export metrics: a Prometheus client (prometheus_client, prom-client, client_golang, the `prometheus`/`metrics` crates) serving `/metrics`, or OpenTelemetry metrics.",
    ),
    c(
        "structured-logging",
        Area::Observability,
        "Structured logging",
        2,
        "Log through one configured logger that emits structured (JSON) records: structlog or python-json-logger, pino, zap/slog, tracing-subscriber's JSON layer; replace print().",
    ),
    // Operations
    c(
        "runbook",
        Area::Operations,
        "Runbook",
        2,
        "Write docs/runbook.md: how to start, stop and check the service, where logs and dashboards are, and a Troubleshooting section for the failures you have seen.",
    ),
    c(
        "deployment-guide",
        Area::Operations,
        "Deployment guide",
        2,
        "Document how a release reaches production (docs/deployment.md): prerequisites, configuration and secrets, the commands, and how to verify the result.",
    ),
    c(
        "rollback-procedure",
        Area::Operations,
        "Rollback procedure",
        2,
        "Document (and ideally script) how to roll back a bad release: previous image tag, `kubectl rollout undo` / `helm rollback`, and database migration reversal.",
    ),
    c(
        "backup-verification",
        Area::Operations,
        "Backups with restore verification",
        3,
        "Back up every stateful store on a schedule and verify the backups by restoring them (a restore script or job, checksums, a documented restore drill).",
    ),
    c(
        "changelog",
        Area::Operations,
        "Changelog / release notes",
        1,
        "Keep a CHANGELOG.md (Keep a Changelog format) or generate release notes (release-please, towncrier, git-cliff).",
    ),
];

/// The declared control with this id.
pub fn find(id: &str) -> Option<&'static ControlDef> {
    CONTROLS.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_weights_sane() {
        let mut ids: Vec<&str> = CONTROLS.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(CONTROLS.iter().all(|c| (1..=3).contains(&c.weight)));
        for area in Area::ALL {
            assert!(CONTROLS.iter().any(|c| c.area == area), "{area:?} is empty");
        }
        assert!(find("sbom").is_some());
    }
}
