//! `docs/` rules: Markdown documentation (READMEs, runbooks).

use super::Rule;

pub mod broken_link;
pub mod md;
pub mod missing_path;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(broken_link::BrokenLink::default()),
        Box::new(missing_path::MissingPath::default()),
    ]
}
