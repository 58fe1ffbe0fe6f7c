//! `secrets/hardcoded-credential`: a literal assigned to a password/token/secret
//! name in code or configuration.

use std::ops::Range;

use super::detect::{self, NameClass};
use super::provider_credential::{is_documentation_sample, provider_hits};
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
`secret_key`, `client_secret`, `credentials`…, and `pass` as the last word of a
name: `DB_PASS`, `SMTP_PASS`, but not `bypass` or `first_pass`) assigned a literal:
Python `DB_PASSWORD = "…"` and `connect(password="…")`, YAML/INI/env/properties
`password: …`, JSON `"apiKey": "…"`, shell and Dockerfile `ENV TOKEN=…`. It also
reads passwords given on a command line, in scripts, Dockerfile `RUN` lines,
compose commands and code: `sshpass -p '…'`, the MySQL clients' `-p…` glued to
the flag (`-p` alone prompts), and `--password=…`. A literal is a credential; a
reference (`$DB_PASS`, `"\$DB_PASS"`, `${DB_PASS:?}`) is not.

A connection URL with a password used as the fallback of an environment variable
(`os.getenv("DATABASE_URL", "postgresql://app:app_password@localhost:5432/app")`,
`process.env.DATABASE_URL || "…"`, `${DATABASE_URL:-…}`) is a default credential
even when the password is a word and the host is `localhost`: when the variable is
unset in production, the service starts with it. It is medium on this machine or a
one-label service name (`db`), high on any other host.

Severity follows the evidence (docs/severity.md): a value that is not a weak
default, in shipped code or configuration, is high; a weak or well-known default
(`admin123`, `local_dev_pwd`, a counting sequence such as `0123456789abcdef…`) and
any value in a committed dotenv file (a default everyone who runs it shares) is
medium; in a comment or a CI workflow only a generated-looking value (16+
characters, high entropy) is reported, at low; development environments
(`.devcontainer/`, `settings/dev.py`, `.env.development`) and Ansible playbooks
whose plays all target lab or test machines (`hosts: testhost`, `hosts: localhost`)
are low.

What it does not report, to stay precise:
- references: `os.environ["DB_PASSWORD"]`, `os.getenv(…)`, `${DB_PASSWORD}`,
  `{{ vault_password }}`, `%(password)s`, `$(cmd)`, an escaped `\$DB_PASS` expanded
  on another host, a variable (`password=db_password`),
  an environment variable name (`password: DB_PASSWORD`), `settings.SECRET_KEY`,
  AWS/SSM ARNs and `vault:` references;
- identifiers that name a secret rather than hold one, in any case style:
  `secretName`, `passwordSecretRef`, `PRIVATE_KEY_FILE`, `tokenAddress` (a public
  address), `default_password_scheme`, `auth_verbose_passwords`, `hashed_secret`,
  an enum member such as `GooglePasswordManager`, UUIDs under password names, and
  lowercase hyphenated names with a credential word (`'sogo-sso-pass'`, the key of a
  session variable);
- values that name where a setting is kept: an identifier that three or more other
  keys near it, none of them a secret's name, map to as well (`"smtp_password":
  "mail_settings"` among `"smtp_host": "mail_settings"`, `"reply_to": "mail_settings"`
  in a Django form's `Meta.json_fields`);
- values that identify an operation or a limit, not a secret: object identifiers
  (`ldapOIDExtensionPwdModify = "1.3.6.1.4.1.4203.1.11.1"`), codes
  (`ldapPasswordComplexityCode`), rate limits keyed by the action they limit
  (`"change_password": "1/m/user"` in django-allauth's `ACCOUNT_RATE_LIMITS`);
- keys made to be published: a browser widget's `websiteToken` (Chatwoot),
  `public_*`/`publishable_*` keys, and the `apiKey` of an Algolia search client's
  configuration (the same object names `appId` and `indexName`: DocSearch, Docusaurus'
  `algolia:`), which Algolia documents as the search-only key every visitor sends;
- secret-scanner baselines and allowlists (`.secrets.baseline`, `.gitleaks.toml`,
  `.gitleaksignore`): hashes of findings;
- OpenAPI and Swagger descriptions (`openapi: 3.…` / `"swagger": "2.0"` at the top of
  a YAML or JSON file) and Fern API definitions (top-level `types:`/`service:`): they
  document requests and responses, and their literal values are examples or type names;
- values set in Python blocks that only run in tests (`if TESTING:`), and test
  modules by their conventions (Django `tests.py`, `tests_*.py`, `*_e2e.py`,
  `.env.test`, `settings/test.py`);
- in code (Python, JavaScript/TypeScript, Vue/Svelte components, Go…), only quoted
  literals count: `this.invalidPassword = false;` is a flag, not a value;
- leetspeak placeholders (`P@ssw0rd`), text with a format shape (`uid:gid:(gecos)`);
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

A line that carries a secret scanner's allow comment (`pragma: allowlist secret`,
`gitleaks:allow`, `#nosec`, `//nolint:gosec`, Ruff's `noqa: S105`) was reviewed by
someone: its finding stays, at low, so a wrong marker is still seen but does not block
a release.

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
        if cx.kind == FileKind::Python {
            return;
        }
        // Those rules read names and values, not command lines: a `RUN mysql -pS3cr…`
        // or a compose `command: sshpass -p …` is this rule's.
        let command_lines_only = matches!(cx.kind, FileKind::Compose | FileKind::Dockerfile) || k8s;
        check(cx, out, None, command_lines_only);
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        check(cx, out, Some(py), false);
    }
}

/// How sure a hard-coded credential is to be a leak, from where it is written and what it
/// looks like (docs/severity.md, "Evidence").
fn severity_of(cx: &FileCx<'_>, value: &str, on_comment: bool) -> Option<Severity> {
    let generated = detect::looks_generated(value);
    // A comment or a CI workflow names many throwaway values; only generated-looking
    // ones are worth a look there, and they are hygiene.
    if on_comment || is_ci_workflow(cx) {
        return generated.then_some(Severity::Low);
    }
    // An example client or template (`utils/example_api.py`): its value is a sample for
    // the reader's own server, to be replaced, not a leak of the project's (round 9).
    if crate::roles::is_example_file(&cx.file.path) {
        return Some(Severity::Low);
    }
    // A playbook for a lab: every play targets test hosts (`hosts: testhost`).
    if lab_playbook(cx) {
        return Some(Severity::Low);
    }
    if detect::is_weak_default(value) || is_dotenv(&cx.file.path) {
        return Some(Severity::Medium);
    }
    Some(Severity::High)
}

/// A GitHub/GitLab/CircleCI pipeline file: its literals configure a CI run (a service
/// container's password, a test app's key); real deploy secrets come from the CI's store.
fn is_ci_workflow(cx: &FileCx<'_>) -> bool {
    let path = cx.file.path.as_str();
    matches!(cx.kind, FileKind::Workflow | FileKind::Action)
        || path.starts_with(".github/workflows/")
        || path == ".gitlab-ci.yml"
        || path.starts_with(".circleci/")
        || path == ".travis.yml"
        || path == "azure-pipelines.yml"
}

/// An Ansible playbook whose plays all target lab or test machines (`- hosts: testhost`,
/// `hosts: lab-servers`, `hosts: localhost`): its passwords open a test bench the
/// maintainers run it against, not a deployment; committed credentials there are
/// hygiene (use Ansible Vault), not a leak of production access (round 9: jumpserver's
/// `utils/playbooks/change_password`).
fn lab_playbook(cx: &FileCx<'_>) -> bool {
    if cx.kind != FileKind::Yaml {
        return false;
    }
    let mut plays = 0;
    for line in cx.file.text.lines() {
        let t = line.trim_start();
        let t = t.strip_prefix("- ").map_or(t, str::trim_start);
        // A play's `hosts:` sits at the top of the document's list (indent 0 or 2).
        if line.len() - line.trim_start().len() > 2 {
            continue;
        }
        let Some(v) = t.strip_prefix("hosts:") else {
            continue;
        };
        let v = v.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        let lab = !v.is_empty()
            && v.split([',', ':', '&', '!', ' '])
                .filter(|h| !h.is_empty())
                .all(|h| {
                    h == "localhost"
                        || h == "127.0.0.1"
                        || h.split(['-', '_', '.']).next().is_some_and(|w| {
                            w.starts_with("test")
                                || matches!(
                                    w,
                                    "lab" | "labs" | "sandbox" | "demo" | "dev" | "devel" | "local"
                                )
                        })
                });
        if !lab {
            return false;
        }
        plays += 1;
    }
    plays > 0
}

/// A committed dotenv file (`.env`, `prod.env`): whatever it holds is a default shared by
/// everyone who runs with it; the deployment's real values are kept out of the repository.
fn is_dotenv(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// Reports assignments, outside prose (comments, docstrings, messages) and test-only
/// blocks in Python.
fn check(cx: &FileCx<'_>, out: &mut Sink<'_>, py: Option<&PythonFile>, command_lines_only: bool) {
    if !matches!(cx.role, FileRole::Production | FileRole::Development)
        || detect::is_prose_or_data(cx)
    {
        return;
    }
    let text = &cx.file.text;
    let mut found = if command_lines_only {
        Vec::new()
    } else {
        detect::assignments(text, detect::style_of(cx))
    };
    let mut commands = detect::command_line_passwords(text);
    let mut fallbacks = detect::fallback_url_credentials(text);
    if found.is_empty() && commands.is_empty() && fallbacks.is_empty() {
        return;
    }
    // Parsed only now that the text holds a candidate.
    let py = py.and_then(PythonFile::tree);
    let test_blocks = py
        .map(|py| detect::python_test_blocks(py, text))
        .unwrap_or_default();
    let in_test_block = |at: usize| test_blocks.iter().any(|b| b.contains(&at));
    let prose = detect::code_prose(cx, py, true);
    found.retain(|a| {
        !detect::in_ranges(&prose, a.name_span.start) && !in_test_block(a.name_span.start)
    });
    // A command line is itself a one-line string in code (`subprocess.run("mysql -p…")`):
    // only comments and docstrings are prose for it.
    let docs = detect::code_prose(cx, py, false);
    commands.retain(|(_, c)| {
        !detect::in_ranges(&docs, c.start)
            && !in_test_block(c.start)
            && !found
                .iter()
                .any(|a| a.value_span.start < c.end && c.start < a.value_span.end)
    });
    fallbacks.retain(|f| !detect::in_ranges(&docs, f.span.start) && !in_test_block(f.span.start));
    report_fallbacks(cx, out, &fallbacks);
    found.extend(commands.into_iter().map(|(flag, c)| detect::Assignment {
        name: flag.to_string(),
        name_span: c.clone(),
        value_span: c,
        class: NameClass::Password,
    }));
    if found.is_empty() {
        return;
    }
    let provider: Vec<Range<usize>> = provider_hits(text).into_iter().map(|h| h.1).collect();
    let spans: Vec<Range<usize>> = found.iter().map(|a| a.value_span.clone()).collect();
    for a in &found {
        if provider
            .iter()
            .any(|p| p.start < a.value_span.end && a.value_span.start < p.end)
        {
            continue;
        }
        let value = &text[a.value_span.clone()];
        if is_documentation_sample(value)
            || detect::in_search_client_config(text, &a.name, a.name_span.start)
            || detect::is_mapping_target(text, &a.value_span)
        {
            continue;
        }
        let on_comment = py.is_none() && detect::on_comment_line(text, a.name_span.start);
        let Some(mut severity) = severity_of(cx, value, on_comment) else {
            continue;
        };
        let line = cx
            .file
            .line_text(cx.file.lines.line_of(a.value_span.start) + 1);
        let reviewed = detect::marked_reviewed(line);
        if reviewed {
            severity = severity.min(Severity::Low);
        }
        let what = match a.class {
            NameClass::Password => "password",
            NameClass::Token => "secret",
        };
        let message = if severity == Severity::Medium && detect::is_weak_default(value) {
            format!(
                "hard-coded default {what} in `{}` (a weak, well-known value): require it from the environment",
                a.name
            )
        } else if reviewed {
            format!(
                "{what} in `{}` on a line marked as reviewed by a secret scanner's allow comment: check the marker is right, then load it from the environment anyway",
                a.name
            )
        } else if on_comment {
            format!(
                "{what} in a comment on `{}`: if it was ever real, rotate it and delete the line",
                a.name
            )
        } else {
            format!(
                "hard-coded {what} in `{}`: load it from the environment or a secret store",
                a.name
            )
        };
        let snippet = detect::redacted_line(cx.file, &a.value_span, &spans);
        let f = out.report(a.value_span.clone(), message);
        f.snippet = snippet.into();
        f.severity = severity;
    }
}

/// Default credentials in the fallback of a connection-URL variable: medium on this
/// machine or a one-label service name (a development default that ships anyway), high on
/// a real host (docs/severity.md).
fn report_fallbacks(cx: &FileCx<'_>, out: &mut Sink<'_>, fallbacks: &[detect::FallbackUrl]) {
    let spans: Vec<Range<usize>> = fallbacks.iter().map(|f| f.span.clone()).collect();
    for f in fallbacks {
        let message = if f.local_host {
            format!(
                "default credentials in the fallback for `{}`: the service starts with them when the variable is unset; require the variable instead",
                f.variable
            )
        } else {
            format!(
                "password for a remote host in the fallback for `{}`: require the variable, drop the default, and rotate the password",
                f.variable
            )
        };
        let snippet = detect::redacted_line(cx.file, &f.span, &spans);
        let finding = out.report(f.span.clone(), message);
        finding.snippet = snippet.into();
        finding.severity = if f.local_host {
            Severity::Medium
        } else {
            Severity::High
        };
    }
}
