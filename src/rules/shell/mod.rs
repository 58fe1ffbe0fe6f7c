//! `shell/` rules: scripts and the shell embedded in Dockerfiles, workflows,
//! compose files and Kubernetes manifests.

use super::Rule;

pub mod missing_strict_mode;
pub mod unsafe_rm;
pub mod vars;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(missing_strict_mode::MissingStrictMode),
        Box::new(unsafe_rm::UnsafeRm),
    ]
}
