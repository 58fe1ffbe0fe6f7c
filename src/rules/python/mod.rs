//! `python/` rules: error handling, logging, resources, HTTP, TLS, subprocess,
//! YAML and import fallbacks in Python code (tree-sitter-python).

use super::Rule;

pub mod bare_except;
pub mod swallowed_exception;
pub mod util;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(bare_except::BareExcept),
        Box::new(swallowed_exception::SwallowedException),
    ]
}
