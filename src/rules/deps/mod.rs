//! `deps/` rules.

use super::Rule;

pub mod known_vulnerability;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![Box::new(known_vulnerability::KnownVulnerability)]
}
