//! `python/` rules: error handling, logging, resources, HTTP, TLS, subprocess,
//! YAML and import fallbacks in Python code (tree-sitter-python).

use super::Rule;

pub mod bare_except;
pub mod insecure_import_fallback;
pub mod print_in_library;
pub mod requests_no_timeout;
pub mod silent_numeric_fallback;
pub mod subprocess_shell;
pub mod swallowed_exception;
pub mod tls_verify_disabled;
pub mod unclosed_resource;
pub mod util;
pub mod yaml_unsafe_load;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(bare_except::BareExcept),
        Box::new(swallowed_exception::SwallowedException),
        Box::new(print_in_library::PrintInLibrary),
        Box::new(unclosed_resource::UnclosedResource),
        Box::new(requests_no_timeout::RequestsNoTimeout),
        Box::new(tls_verify_disabled::TlsVerifyDisabled),
        Box::new(subprocess_shell::SubprocessShell),
        Box::new(yaml_unsafe_load::YamlUnsafeLoad),
        Box::new(insecure_import_fallback::InsecureImportFallback),
        Box::new(silent_numeric_fallback::SilentNumericFallback),
    ]
}
