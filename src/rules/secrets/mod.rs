//! `secrets/` rules.

use super::Rule;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![]
}
