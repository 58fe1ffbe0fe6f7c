//! `python/` rules: error handling, logging, resources, HTTP, TLS, subprocess,
//! YAML and import fallbacks in Python code (tree-sitter-python).

use super::Rule;

pub mod bare_except;
pub mod flag_gated_fallback;
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
        Box::new(print_in_library::PrintInLibrary::default()),
        Box::new(unclosed_resource::UnclosedResource),
        Box::new(requests_no_timeout::RequestsNoTimeout),
        Box::new(tls_verify_disabled::TlsVerifyDisabled::default()),
        Box::new(subprocess_shell::SubprocessShell),
        Box::new(yaml_unsafe_load::YamlUnsafeLoad),
        Box::new(insecure_import_fallback::InsecureImportFallback),
        Box::new(silent_numeric_fallback::SilentNumericFallback),
        Box::new(flag_gated_fallback::FlagGatedFallback::default()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::FileKind;
    use crate::config::Config;
    use crate::finding::Finding;
    use crate::parse::python::{PythonFile, PythonTree};
    use crate::roles::role_of;
    use crate::rules::{FileCx, Sink};
    use crate::source::SourceFile;

    fn run(rule: &dyn Rule, path: &str, text: &str) -> Vec<Finding> {
        let file = SourceFile::new(path, text);
        let config = Config::default();
        let cx = FileCx {
            file: &file,
            kind: FileKind::Python,
            role: role_of(path),
            config: &config,
            helm: None,
        };
        let py = PythonFile::new(text);
        let mut out = Vec::new();
        let shared = crate::finding::FilePath::from(path);
        let mut sink = Sink::new(rule.meta(), &shared, None, &mut out);
        rule.check_python(&py, &cx, &mut sink);
        out
    }

    fn apply(text: &str, f: &Finding) -> String {
        let mut s = text.to_string();
        let fix = f.fix.as_ref().expect("a fix");
        for e in fix.edits.iter().rev() {
            s.replace_range(e.range.clone(), &e.replacement);
        }
        s
    }

    #[test]
    fn bare_except_span_and_fix_with_crlf_and_multibyte() {
        let src =
            "# données\r\ndef f():\r\n    try:\r\n        g('é')\r\n    except :\r\n        pass";
        let out = run(&bare_except::BareExcept, "app/x.py", src);
        assert_eq!(out.len(), 1);
        assert_eq!(&src[out[0].span.clone()], "except :");
        let fixed = apply(src, &out[0]);
        assert!(fixed.contains("except Exception :\r\n"));
        assert!(PythonTree::parse(&fixed).is_some_and(|p| !p.root().has_error()));
        // Idempotent: the fixed file has nothing left to report.
        assert!(run(&bare_except::BareExcept, "app/x.py", &fixed).is_empty());
    }

    #[test]
    fn timeout_fix_handles_trailing_commas_and_empty_calls() {
        let src = "import requests\n\ndef f(u):\n    requests.post(\n        u,\n        json={},\n    )\n    return requests.Session().get(u)\n";
        let out = run(
            &requests_no_timeout::RequestsNoTimeout,
            "svc/client.py",
            src,
        );
        assert_eq!(out.len(), 2);
        let mut fixed = src.to_string();
        for f in out.iter().rev() {
            fixed = apply(&fixed, f);
        }
        assert!(fixed.contains("json={}, timeout=30,\n    )"));
        assert!(fixed.contains(".get(u, timeout=30)"));
        assert!(PythonTree::parse(&fixed).is_some_and(|p| !p.root().has_error()));
        assert!(run(
            &requests_no_timeout::RequestsNoTimeout,
            "svc/client.py",
            &fixed
        )
        .is_empty());
    }

    #[test]
    fn yaml_fix_renames_to_safe_load() {
        let src = "import yaml\ncfg = yaml.load(open('c.yml'))";
        let out = run(&yaml_unsafe_load::YamlUnsafeLoad, "app/cfg.py", src);
        assert_eq!(out.len(), 1);
        assert_eq!(
            apply(src, &out[0]),
            "import yaml\ncfg = yaml.safe_load(open('c.yml'))"
        );
    }

    #[test]
    fn roles_keep_rules_quiet_in_tests_and_vendored_code() {
        let src = "import yaml, requests\ntry:\n    x = yaml.load(s)\nexcept:\n    pass\nrequests.get(u)\n";
        for path in ["tests/test_x.py", "vendor/lib/x.py"] {
            for rule in rules() {
                assert!(
                    run(rule.as_ref(), path, src).is_empty(),
                    "{} in {path}",
                    rule.meta().id
                );
            }
        }
        assert_eq!(
            run(&yaml_unsafe_load::YamlUnsafeLoad, "examples/x.py", src).len(),
            1
        );
        assert!(run(&bare_except::BareExcept, "examples/x.py", src).is_empty());
    }

    #[test]
    fn broken_code_does_not_panic() {
        let src = "def f(:\n  try\n    requests.get(\nexcept Exception\n  pass\nyaml.load(\n";
        for rule in rules() {
            let _ = run(rule.as_ref(), "app/broken.py", src);
        }
    }
}
