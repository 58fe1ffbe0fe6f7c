//! `repo/` rules: what the repository as a whole is missing (dependency update
//! tooling, a security policy).

use super::Rule;

pub mod dependabot;
pub mod dependabot_cooldown;
pub mod dependabot_coverage;
pub mod dependabot_insecure_execution;
pub mod dependabot_invalid;
pub mod missing_security_policy;
pub mod no_dependency_updates;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(dependabot_invalid::DependabotInvalid::default()),
        Box::new(dependabot_coverage::DependabotCoverage::default()),
        Box::new(dependabot_cooldown::DependabotCooldown),
        Box::new(dependabot_insecure_execution::DependabotInsecureExecution),
        Box::new(no_dependency_updates::NoDependencyUpdates::default()),
        Box::new(missing_security_policy::MissingSecurityPolicy),
    ]
}
