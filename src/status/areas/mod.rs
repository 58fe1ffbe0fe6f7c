//! Each control's state from the gathered facts, one file per area. The rules
//! of thumb (what counts as done, partial, missing, not applicable) are
//! documented per control in docs/status.md; keep the two in step.

pub mod ci_cd;
pub mod containers;
pub mod observability;
pub mod operations;
pub mod security_policy;
pub mod supply_chain;

use std::collections::HashMap;

use crate::finding::Finding;

use super::ci::{self, Ci, Detector};
use super::facts::Facts;
use super::outcome::{first, out, Outcome};
use super::profile::profile;
use super::workloads::Containers;
use super::{Evidence, Profile, State};

/// Assesses every control. Returns the profile and an outcome per control id.
pub fn assess_all(
    facts: &Facts<'_>,
    findings: &[Finding],
) -> (Profile, HashMap<&'static str, Outcome>) {
    let ci = ci::collect(facts);
    let containers = Containers::collect(facts);
    let profile = profile(facts, &ci, &containers);
    let docs = operations::Docs::new(facts);
    let mut m: HashMap<&'static str, Outcome> = HashMap::new();
    m.insert(
        "dependency-updates",
        supply_chain::dependency_updates(facts, &profile, findings),
    );
    m.insert(
        "vulnerability-scan",
        supply_chain::vulnerability_scan(facts, &ci, &profile),
    );
    m.insert("image-scan", supply_chain::image_scan(facts, &ci));
    m.insert(
        "pinned-actions",
        supply_chain::pinned_actions(facts, &ci, findings),
    );
    m.insert(
        "dependency-lockfiles",
        supply_chain::lockfiles(facts, &profile),
    );
    m.insert("sbom", supply_chain::sbom(facts, &ci));
    m.insert("signed-releases", supply_chain::signed_releases(&ci));
    m.insert("security-policy", security_policy::security_policy(facts));
    m.insert(
        "secret-scanning",
        security_policy::secret_scanning(facts, &ci),
    );
    m.insert("sast", security_policy::sast(facts, &ci));
    m.insert("license", security_policy::license(facts));
    m.insert("tests-in-ci", ci_cd::tests_in_ci(&ci, &profile));
    m.insert(
        "token-permissions",
        ci_cd::token_permissions(facts, findings),
    );
    m.insert(
        "container-non-root",
        containers::non_root(&containers, &profile),
    );
    m.insert(
        "container-healthcheck",
        containers::healthcheck(&containers, &profile),
    );
    m.insert(
        "resource-limits",
        containers::resource_limits(&containers, &profile),
    );
    m.insert(
        "health-endpoint",
        observability::health_endpoint(facts, &containers, &profile),
    );
    m.insert(
        "readiness-endpoint",
        observability::readiness_endpoint(facts, &containers, &profile),
    );
    m.insert("metrics", observability::metrics(facts, &profile));
    m.insert(
        "structured-logging",
        observability::structured_logging(facts, &profile),
    );
    m.insert("runbook", operations::runbook(&docs, &profile));
    m.insert(
        "deployment-guide",
        operations::deployment_guide(&docs, &profile),
    );
    m.insert(
        "rollback-procedure",
        operations::rollback(facts, &docs, &ci, &profile),
    );
    m.insert(
        "backup-verification",
        operations::backup(facts, &docs, &profile),
    );
    m.insert("changelog", operations::changelog(facts, &docs));
    (profile, m)
}

fn pre_commit_in_ci(facts: &Facts<'_>, ci: &Ci) -> bool {
    let runs = ci.steps.iter().any(|s| {
        s.action()
            .is_some_and(|a| a.starts_with("pre-commit/action") || a.starts_with("pre-commit-ci/"))
            || s.run.iter().any(|(_, t)| ci::PRECOMMIT_RE.is_match(t))
    });
    let pre_commit_ci = facts.pre_commit.is_some_and(|t| t.ci);
    runs || pre_commit_ci
}

/// Hooks of `.pre-commit-config.yaml` whose repo or id contains one of `needles`.
fn pre_commit_hooks(facts: &Facts<'_>, needles: &[&str]) -> Vec<Evidence> {
    let Some(t) = facts.pre_commit else {
        return Vec::new();
    };
    // The model keeps the uncommented `repo:` / `id:` lines, trimmed.
    t.hook_lines
        .iter()
        .filter(|(_, l)| needles.iter().any(|n| l.to_ascii_lowercase().contains(n)))
        .map(|(n, l)| {
            Evidence::new(
                &t.path,
                *n,
                format!("pre-commit hook `{}`", l.trim_start_matches("- ")),
            )
        })
        .take(3)
        .collect()
}

fn all_soft(ev: &[Evidence]) -> bool {
    ev.iter().all(|e| e.note.ends_with(ci::NON_BLOCKING))
}

fn ci_control(
    facts: &Facts<'_>,
    ci: &Ci,
    detector: &Detector,
    hooks: &[&str],
    what: &str,
) -> Outcome {
    let ev = ci.find(detector);
    if !ev.is_empty() {
        if all_soft(&ev) {
            let summary = format!("{what} in CI, but its failures are ignored");
            return out(State::Partial, first(ev, 4), summary);
        }
        let summary = format!("{what} in CI ({})", ev.len());
        return out(State::Done, first(ev, 4), summary);
    }
    let h = pre_commit_hooks(facts, hooks);
    if !h.is_empty() {
        if pre_commit_in_ci(facts, ci) {
            return out(State::Done, h, format!("{what} via pre-commit, run in CI"));
        }
        return out(
            State::Partial,
            h,
            format!("{what} only as a local pre-commit hook, not in CI"),
        );
    }
    if ci.steps.is_empty() {
        return out(State::Missing, Vec::new(), "no CI configuration found");
    }
    out(State::Missing, Vec::new(), format!("no {what} step in CI"))
}
