//! `python/insecure-import-fallback`: a security library fails to import and the code carries on without it.

use tree_sitter::Node;

use crate::finding::Severity;
use crate::parse::python::PythonFile;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct InsecureImportFallback;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/insecure-import-fallback",
    summary: "security/crypto library import wrapped in `try/except ImportError` that silently falls back to a stub",
    severity: Severity::High,
    docs: r#"
## Why
```python
try:
    import oqs
except ImportError:
    oqs = None
    logger.warning("liboqs not available, running in stub mode")
```
If the wheel is missing from the production image (a slimmer base image, a
failed build step, a platform without a binary), the service starts anyway and
signs, encrypts, hashes passwords or verifies tokens with a stub, or not at
all. Nothing fails; a log line nobody reads is the only trace. Security
dependencies must fail closed: a missing crypto library is a crash at start-up,
not a degraded mode.

Reported: a `try:` whose body imports a security module — `cryptography`,
`nacl`, `oqs`/`liboqs`, `jwt`/`jose`, `passlib`, `bcrypt`, `argon2`, `ssl`,
`Crypto`/`Cryptodome`, `OpenSSL`, `spiffe`, `authlib`, `keyring`, `hvac`,
`pyotp`, `itsdangerous`, `gnupg`, `tink`, or any module whose dotted name has
a part containing `crypt`, `secur`, `oauth`, `pqc`, `jwt`, `vault`, `kyber` or
`dilithium`, or starting or ending with `auth`, `tls` or `ssl`
(`src.security.post_quantum_liboqs`, `mesh.mtls`; not `classloader`) — with an `except ImportError` (or `ModuleNotFoundError`,
`Exception`, bare) handler that carries on, and one of:
- the handler defines a stub (a class, function or lambda in its place);
- the handler logs, prints or warns and goes on (the "running in stub mode" line);
- the handler sets a flag or `None`, and an `if` on that name returns early
  with success — `True`, a string/bytes literal or the input unchanged
  (`if not CRYPTO_AVAILABLE: return data`): the security step is skipped.

Not reported:
- handlers that re-raise, exit (`sys.exit`, `module.fail_json`), import an
  alternative implementation (`except ImportError: from Cryptodome.Cipher import AES`),
  or answer an availability check with `return False` / `return None` (the
  caller fails where the feature is used);
- a `try` that does more than import and record the result (a best-effort block
  that happens to import a module while emitting an audit log is not a
  fallback);
- diagnostic, benchmark and health-probe scripts and command-line tools, which
  report a missing library to whoever runs them;
- a flag that is checked later with a `raise`/exit (unless the handler itself
  says "insecure", "stub", "mock", "fake" or "dummy")
  (`if bcrypt is None: raise RuntimeError("install bcrypt")`): fails closed;
- a silent `HAS_X = False` flag that only switches an optional extra off
  (`if not HAS_CRYPTOGRAPHY: return None`), the common optional-dependency idiom;
- tests, examples, vendored and generated code.

## Example
```python
try:
    from cryptography.fernet import Fernet
    CRYPTO_AVAILABLE = True
except ImportError:
    CRYPTO_AVAILABLE = False

def encrypt(data: bytes) -> bytes:
    if not CRYPTO_AVAILABLE:
        return data            # "encrypted"
    return Fernet(KEY).encrypt(data)
```

The finding spans the handler from `except` to its log line, so the fallback is
what a reader sees.

## Fix
Import security libraries unconditionally, so a missing one stops the process at
start-up; if the feature is truly optional, raise a clear error where it is
used, and make "insecure mode" an explicit, loud opt-in (an environment
variable checked once at start, refused in production). No automatic fix.

No common linter has this check; it is a pattern found in hardening reviews.
"#,
};

const SECURITY_MODULES: &[&str] = &[
    "cryptography",
    "nacl",
    "oqs",
    "liboqs",
    "jwt",
    "jose",
    "passlib",
    "bcrypt",
    "argon2",
    "ssl",
    "crypto",
    "cryptodome",
    "openssl",
    "spiffe",
    "authlib",
    "keyring",
    "hvac",
    "pyotp",
    "itsdangerous",
    "gnupg",
    "tink",
    "pqcrypto",
    "scrypt",
    "pysodium",
    "m2crypto",
    "paseto",
    "pyseto",
    "webauthn",
    "fido2",
];
/// Substrings that make a module name security-related anywhere in a segment.
const SECURITY_WORDS: &[&str] = &[
    "crypt",
    "secur",
    "oauth",
    "pqc",
    "jwt",
    "vault",
    "kyber",
    "dilithium",
];
/// Short words that count only at the start or end of a segment (`ssl_utils`,
/// `pyopenssl`, `oauth`, `mtls`), so `classloader` is not "ssl".
const SECURITY_AFFIXES: &[&str] = &["auth", "tls", "ssl"];

/// Whether a dotted module name is a security library.
pub fn is_security_module(module: &str) -> bool {
    let lower = module.trim_start_matches('.').to_ascii_lowercase();
    let head = lower.split('.').next().unwrap_or("");
    if SECURITY_MODULES.contains(&head) {
        return true;
    }
    lower.split(['.', '_']).any(|seg| {
        (SECURITY_WORDS.iter().any(|w| seg.contains(w))
            || SECURITY_AFFIXES
                .iter()
                .any(|w| seg.starts_with(w) || seg.ends_with(w)))
            && !matches!(seg, "author" | "authors" | "authority" | "authorship")
    })
}

impl Rule for InsecureImportFallback {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        if !(text.contains("ImportError")
            || text.contains("ModuleNotFoundError")
            || text.contains("Exception")
            || util::has_bare_except_text(text))
        {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        // A diagnostic or benchmark script reports a missing library to the person
        // running it; it serves nothing insecurely.
        if is_diagnostic(&cx.file.path)
            || crate::rules::python::print_in_library::is_cli_file(&m, &cx.file.path)
        {
            return;
        }
        for try_stmt in m
            .descendants(m.root)
            .filter(|n| n.kind_id() == crate::parse::python::kinds().try_statement)
        {
            let Some(body) = try_stmt.child_by_field_name("body") else {
                continue;
            };
            // An import probe: the `try` only imports and records the result. A `try`
            // that does real work and happens to import something inside (a best-effort
            // audit log importing the project's own module) is not a fallback.
            if !is_import_probe(body) {
                continue;
            }
            let Some(module) = security_import(body, &m) else {
                continue;
            };
            for clause in util::named_children(try_stmt)
                .into_iter()
                .filter(|n| n.kind() == "except_clause")
            {
                if !catches_import_error(clause, &m) {
                    continue;
                }
                let Some(handler) = util::except_body(clause) else {
                    continue;
                };
                if util::raises_or_exits(handler, &m)
                    || util::descendants(handler)
                        .any(|n| matches!(n.kind(), "import_statement" | "import_from_statement"))
                    || reports_unavailable(handler, &m)
                {
                    continue;
                }
                let stub = util::descendants(handler).any(|n| {
                    matches!(
                        n.kind(),
                        "function_definition" | "class_definition" | "lambda"
                    )
                });
                let log_line = util::descendants(handler).find(|n| {
                    n.kind() == "call"
                        && (util::logging_call(*n, &m).is_some()
                            || matches!(m.callee(*n).as_deref(), Some("print" | "warnings.warn")))
                });
                let logs = log_line.is_some();
                let mut names = fallback_names(handler, &m);
                names.extend(bound_names(body, &m));
                let handler_text = m.text(handler).to_ascii_lowercase();
                let admits_insecure = ["insecure", "stub", "mock", "fake", "dummy", "not secure"]
                    .iter()
                    .any(|w| handler_text.contains(w));
                if !stub && !admits_insecure && names.iter().any(|name| guarded_by_raise(name, &m))
                {
                    continue;
                }
                let bypass = names.iter().find_map(|n| bypass(n, &m).map(|r| (n, r)));
                let how = if stub {
                    "defines a stub in its place and the program carries on".to_string()
                } else if logs {
                    "logs and the program carries on without it".to_string()
                } else if let Some((flag, _)) = bypass {
                    format!("records it in `{flag}` and the code skips the security step when it is missing")
                } else {
                    continue;
                };
                let related = bypass
                    .map(|(_, r)| cx.locate(r.byte_range(), "returns here without the library"));
                // From `except` to the log line, so a reader sees the fallback itself.
                let header = util::except_header(clause);
                let end = log_line
                    .map(|n| n.end_byte())
                    .filter(|&e| e > header.end)
                    .unwrap_or(header.end);
                let f = out.report(
                    header.start..end,
                    format!("if `{module}` fails to import, this handler {how}: security code must fail closed (let the ImportError stop start-up, or raise where the feature is used)"),
                );
                f.related.extend(related);
                break;
            }
        }
    }
}

/// The `try` body only imports and records what it got (`HAS_OQS = True`, `from x import
/// y`, `pass`): the shape of an optional-dependency probe.
fn is_import_probe(body: Node<'_>) -> bool {
    util::statements(body).iter().all(|s| match s.kind() {
        "import_statement" | "import_from_statement" | "pass_statement" | "comment" => true,
        "expression_statement" => s
            .named_child(0)
            .is_some_and(|e| matches!(e.kind(), "assignment" | "string")),
        _ => false,
    })
}

/// An availability check that answers "no" (`return False`, `return None`): the
/// caller decides, and fails where the feature is used.
fn reports_unavailable(handler: Node<'_>, m: &Module<'_>) -> bool {
    util::statements(handler).iter().any(|s| {
        s.kind() == "return_statement"
            && util::statements(*s)
                .first()
                .is_none_or(|v| matches!(m.text(*v), "False" | "None"))
    })
}

/// Diagnostic, benchmark and health-probe scripts: they report a missing library
/// to whoever runs them.
fn is_diagnostic(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let dirs = &lower[..lower.len() - file.len()];
    [
        "diagnos",
        "bench",
        "health",
        "doctor",
        "check_env",
        "sanity",
    ]
    .iter()
    .any(|w| file.contains(w))
        || dirs
            .split('/')
            .any(|d| matches!(d, "benchmarks" | "benchmark" | "bench" | "diagnostics"))
}

/// The first security module imported directly in the try body.
fn security_import(body: Node<'_>, m: &Module<'_>) -> Option<String> {
    for s in util::statements(body) {
        match s.kind() {
            "import_statement" => {
                let mut c = s.walk();
                for name in s.children_by_field_name("name", &mut c) {
                    let target = if name.kind() == "aliased_import" {
                        name.child_by_field_name("name")
                    } else {
                        Some(name)
                    };
                    if let Some(t) = target {
                        let t = util::norm(m.text(t));
                        if is_security_module(&t) {
                            return Some(t);
                        }
                    }
                }
            }
            "import_from_statement" => {
                if let Some(mn) = s.child_by_field_name("module_name") {
                    let t = util::norm(m.text(mn));
                    if is_security_module(&t) {
                        return Some(t);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

fn catches_import_error(clause: Node<'_>, m: &Module<'_>) -> bool {
    let types = util::except_types(clause);
    types.is_empty()
        || types.iter().any(|t| {
            let r = m.resolve(*t).unwrap_or_default();
            matches!(
                r.as_str(),
                "ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException"
            )
        })
}

/// Names the handler assigns (`oqs = None`, `HAS_OQS = False`).
fn fallback_names(handler: Node<'_>, m: &Module<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for n in util::descendants(handler).filter(|n| n.kind() == "assignment") {
        if let Some(l) = n.child_by_field_name("left") {
            match l.kind() {
                "identifier" => out.push(m.text(l).to_string()),
                "pattern_list" | "tuple_pattern" => out.extend(
                    util::named_children(l)
                        .into_iter()
                        .filter(|x| x.kind() == "identifier")
                        .map(|x| m.text(x).to_string()),
                ),
                _ => {}
            }
        }
    }
    out
}

/// Names the try body binds (imported names, flags set to True).
fn bound_names(body: Node<'_>, m: &Module<'_>) -> Vec<String> {
    let mut out = fallback_names(body, m);
    for n in util::descendants(body) {
        match n.kind() {
            "aliased_import" => {
                if let Some(a) = n.child_by_field_name("alias") {
                    out.push(m.text(a).to_string());
                }
            }
            "dotted_name"
                if n.parent().is_some_and(|p| {
                    matches!(p.kind(), "import_statement" | "import_from_statement")
                        && p.child_by_field_name("module_name")
                            .is_none_or(|mn| mn.id() != n.id())
                }) =>
            {
                let t = m.text(n);
                out.push(t.split('.').next().unwrap_or(t).trim().to_string());
            }
            _ => {}
        }
    }
    out
}

/// A `return` that succeeds without the library: in an `if`/`elif`/`else` testing
/// `name`, returning `True`, a string/bytes literal or a plain variable (the input unchanged).
fn bypass<'t>(name: &str, m: &Module<'t>) -> Option<Node<'t>> {
    for n in m
        .descendants(m.root)
        .filter(|n| matches!(n.kind(), "if_statement" | "elif_clause"))
    {
        let Some(cond) = n.child_by_field_name("condition") else {
            continue;
        };
        if !util::descendants(cond).any(|i| i.kind() == "identifier" && m.text(i) == name) {
            continue;
        }
        let mut blocks: Vec<Node<'t>> = n.child_by_field_name("consequence").into_iter().collect();
        for alt in util::named_children(n) {
            if alt.kind() == "else_clause" {
                blocks.extend(alt.child_by_field_name("body"));
            }
        }
        for b in blocks {
            for s in util::statements(b) {
                if s.kind() != "return_statement" {
                    continue;
                }
                let Some(v) = util::statements(s).into_iter().next() else {
                    continue;
                };
                if matches!(
                    v.kind(),
                    "true" | "identifier" | "string" | "concatenated_string"
                ) {
                    return Some(s);
                }
            }
        }
    }
    None
}

/// Whether the file raises when the fallback is in effect: an `if` whose condition
/// mentions `name` and whose branch raises.
fn guarded_by_raise(name: &str, m: &Module<'_>) -> bool {
    m.descendants(m.root)
        .filter(|n| matches!(n.kind(), "if_statement" | "elif_clause"))
        .any(|n| {
            let Some(cond) = n.child_by_field_name("condition") else {
                return false;
            };
            let mentions =
                util::descendants(cond).any(|i| i.kind() == "identifier" && m.text(i) == name);
            mentions
                && n.child_by_field_name("consequence")
                    .is_some_and(|b| util::raises_or_exits(b, m))
        })
}

#[cfg(test)]
mod tests {
    use super::is_security_module;

    #[test]
    fn security_module_names() {
        for m in [
            "oqs",
            "cryptography.fernet",
            "src.security.post_quantum_liboqs",
            "app.auth.tokens",
            "mesh.mtls",
            "OpenSSL.SSL",
            "pyopenssl",
            "hvac",
            "jwt",
            "oauthlib.oauth2",
        ] {
            assert!(is_security_module(m), "{m}");
        }
        for m in [
            "numpy",
            "app.classloader",
            "docs.authors",
            "utils",
            "matplotlib.pyplot",
        ] {
            assert!(!is_security_module(m), "{m}");
        }
    }
}
