//! `secrets/hardcoded-credential`: a literal assigned to a password/token/secret
//! name in code or configuration.

use std::ops::Range;

use super::detect::{self, NameClass};
use super::provider_credential::provider_hits;
use crate::classify::FileKind;
use crate::finding::Severity;
use crate::parse::python::PythonFile;
use crate::roles::FileRole;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct HardcodedCredential;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "secrets/hardcoded-credential",
    summary: "a password, token or secret key written as a literal in code or config",
    severity: Severity::High,
    docs: r#"
## Why
A password in `settings.py`, `config.yaml` or `.env` ships with every copy of
the code, cannot be rotated without a release, and is the same in development
and production. It is usually also copied (see `config/duplicated-credential`).

The rule looks for secret-looking names (`password`, `passwd`, `pwd`,
`passphrase`, `secret`, `token`, `api_key`, `access_key`, `private_key`,
`secret_key`, `client_secret`, `credentials`…) assigned a literal: Python
`DB_PASSWORD = "…"` and `connect(password="…")`, YAML/INI/env/properties
`password: …`, JSON `"apiKey": "…"`, shell and Dockerfile `ENV TOKEN=…`.

What it does not report, to stay precise:
- references: `os.environ["DB_PASSWORD"]`, `os.getenv(…)`, `${DB_PASSWORD}`,
  `{{ vault_password }}`, `%(password)s`, a variable (`password=db_password`),
  an environment variable name (`password: DB_PASSWORD`), `settings.SECRET_KEY`,
  AWS/SSM ARNs and `vault:` references;
- placeholders: empty strings, `changeme`, `<token>`, `xxx`, `your-api-key-here`,
  values containing `example`, `dummy`, `test`, `fake`, `secret`, `password`…,
  one repeated character, and well-known local defaults (`postgres`, `root`,
  `admin`, `guest`): those belong to the compose/k8s rules about default creds;
- names that describe something else: `password_file`, `token_url`,
  `max_tokens`, `secret_name`, `csrf_token`, `page_token`, `password_length`;
- low-entropy words: a token must mix character classes and have ≥ 3 bits of
  entropy per character; a password must mix classes or be ≥ 12 characters;
- test files, examples, vendored and generated code (fixtures need fake
  passwords), templates meant to be copied (`.env.example`, `*.sample`,
  `*.dist`, `*.j2`), and prose: Markdown, reStructuredText, HTML, text, lockfiles,
  minified bundles; in Python, comments, triple-quoted strings (docstrings,
  `EXAMPLES = """…"""`) and one-line strings that hold a message or a shell line
  rather than a key (`"export TOKEN='…'"`; libpq strings such as
  `"host=db password=…"` are still read); in Rust, comments, raw string
  literals and the `#[cfg(test)]` module.
  Documentation snippets show placeholders far more often than real secrets;
  provider-format keys in docs are still caught by `secrets/provider-credential`.

The value is never printed: the snippet keeps its first characters and `****`.

## Example
```python
DB_CONFIG = {
    "host": "db.internal",
    "user": "collector",
    "password": "Tr0ub4dor&3",
}
```

## Fix
Read the value from the environment or a secret store and fail at start-up if
it is missing: `password = os.environ["DB_PASSWORD"]`; in compose
`DB_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}` or `secrets:`; in Kubernetes a
`Secret` referenced with `secretKeyRef`. Then rotate the value: it is in history.

Compared with gitleaks' `generic-api-key`: gitleaks matches `key|token|secret|password`
names with an entropy threshold but no notion of placeholders, references or test
files. On this rule's fixtures gitleaks finds 3 of the 6 positives (it misses
`password = Rp7!vK2q9Lmz` in INI, the Python `DB_PASSWORD` and the Kubernetes
`stringData` password, all below its entropy threshold) and reports the fake
token in a test file; on the data-collector fixture it finds nothing. Both miss
low-entropy single-word passwords (`letmein`).
"#,
};

impl Rule for HardcodedCredential {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        // Compose environments, Dockerfile ENV/ARG and Kubernetes manifests have their own,
        // more specific rules (`compose/secret-literal`, `docker/secret-in-env`,
        // `k8s/secret-literal`); one finding per secret is enough.
        let k8s = cx.kind == FileKind::Yaml
            && cx.file.text.contains("apiVersion:")
            && cx.file.text.contains("kind:");
        if matches!(
            cx.kind,
            FileKind::Python | FileKind::Compose | FileKind::Dockerfile
        ) || k8s
        {
            return;
        }
        check(cx, out, None);
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        check(cx, out, Some(py));
    }
}

/// Reports assignments, outside prose (comments, docstrings, messages) in Python.
fn check(cx: &FileCx<'_>, out: &mut Sink<'_>, py: Option<&PythonFile>) {
    {
        // Development environments are checked (capped at low by the engine): a real
        // secret there is still worth a look; tests, examples and archives are not.
        if !matches!(cx.role, FileRole::Production | FileRole::Development)
            || detect::is_prose_or_data(cx)
        {
            return;
        }
        let mut found = detect::assignments(&cx.file.text, detect::style_of(cx));
        if found.is_empty() {
            return;
        }
        let prose = detect::code_prose(cx, py, true);
        found.retain(|a| !detect::in_ranges(&prose, a.name_span.start));
        if found.is_empty() {
            return;
        }
        let provider: Vec<Range<usize>> = provider_hits(&cx.file.text)
            .into_iter()
            .map(|h| h.1)
            .collect();
        let spans: Vec<Range<usize>> = found.iter().map(|a| a.value_span.clone()).collect();
        for a in &found {
            if provider
                .iter()
                .any(|p| p.start < a.value_span.end && a.value_span.start < p.end)
            {
                continue;
            }
            let what = match a.class {
                NameClass::Password => "password",
                NameClass::Token => "secret",
            };
            let snippet = detect::redacted_line(cx.file, &a.value_span, &spans);
            let f = out.report(
                a.value_span.clone(),
                format!(
                    "hard-coded {what} in `{}`: load it from the environment or a secret store",
                    a.name
                ),
            );
            f.snippet = snippet;
        }
    }
}
