//! `repo/` rules: repository-level controls (dependency update tooling).

use super::Rule;

pub mod dependabot;
pub mod dependabot_coverage;
pub mod dependabot_invalid;
pub mod no_dependency_updates;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(dependabot_invalid::DependabotInvalid::default()),
        Box::new(dependabot_coverage::DependabotCoverage::default()),
        Box::new(no_dependency_updates::NoDependencyUpdates::default()),
    ]
}
