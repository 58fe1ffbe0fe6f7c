//! `repo/` rules: what the repository as a whole is missing.

use super::Rule;

pub mod missing_security_policy;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![Box::new(missing_security_policy::MissingSecurityPolicy)]
}
