//! Carries the findings of a repository script into the workflow that runs it
//! with privileges: `run: ./scripts/deploy.sh` in a job with secrets makes the
//! script's `curl | sh` or disabled TLS check part of that job.
//!
//! Every finding in such a script gets the running step as a related location;
//! findings of rules whose harm grows with the job's privileges (remote code,
//! unverified TLS or SSH, shell injection, unsafe YAML loading) are raised one
//! level, to high at most. Config severity overrides still win.

use crate::config::Config;
use crate::finding::{Finding, Severity};
use crate::workflows::model::WorkflowModel;

/// Rules whose findings are worse when the script runs with secrets or a write token.
const PRIVILEGE_SENSITIVE: &[&str] = &[
    "shell/curl-pipe-shell",
    "shell/ssh-host-key-disabled",
    "shell/tls-verify-disabled",
    "python/tls-verify-disabled",
    "python/subprocess-shell",
    "python/yaml-unsafe-load",
];

fn raise(s: Severity) -> Severity {
    match s {
        Severity::Info => Severity::Low,
        Severity::Low => Severity::Medium,
        Severity::Medium | Severity::High => Severity::High,
        Severity::Critical => Severity::Critical,
    }
}

/// Links and raises the findings of scripts that privileged workflow steps run.
pub fn carry_into_workflows(model: &WorkflowModel, findings: &mut [Finding], cfg: &Config) {
    let scripts = model.privileged_scripts();
    if scripts.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        let Some(runs) = scripts.get(f.path.as_str()) else {
            continue;
        };
        if f.rule.starts_with("actions/") {
            continue;
        }
        for r in runs.iter().take(3) {
            f.related.push(r.at.clone());
        }
        if PRIVILEGE_SENSITIVE.contains(&f.rule) {
            let raised = raise(f.severity);
            if raised != f.severity {
                let who = &runs[0].at;
                f.message = format!(
                    "{} (raised: {}:{} runs this script with {})",
                    f.message,
                    who.path,
                    who.region.start.line,
                    runs[0].privileges.join(" and ")
                );
                f.severity = cfg.severity_for(f.rule, raised);
            }
        }
    }
}
