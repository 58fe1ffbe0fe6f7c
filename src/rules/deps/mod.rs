//! `deps/` rules: dependency declarations (requirements files, constraints,
//! pyproject.toml) compared across the repository and against the imports, and
//! locked versions matched against known vulnerabilities (offline OSV data).

use super::Rule;

pub mod common;
pub mod conflicting_pins;
pub mod known_vulnerability;
pub mod many_requirements_files;
pub mod stdlib;
pub mod undeclared_import;
pub mod unpinned_requirement;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(conflicting_pins::ConflictingPins::default()),
        Box::new(unpinned_requirement::UnpinnedRequirement::default()),
        Box::new(undeclared_import::UndeclaredImport::default()),
        Box::new(many_requirements_files::ManyRequirementsFiles::default()),
        Box::new(known_vulnerability::KnownVulnerability),
    ]
}
