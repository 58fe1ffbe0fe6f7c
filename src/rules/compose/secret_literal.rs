//! `compose/secret-literal`: a password, token or key written as a literal in `environment:`.

use std::collections::HashSet;
use std::ops::Range;

use crate::finding::{Edit, Finding, Fix, Severity};
use crate::parse::yaml::{ScalarStyle, YamlFile, YamlNode};
use crate::roles::FileRole;
use crate::rules::compose::db_port_exposed::publishes_datastore;
use crate::rules::compose::{is_dev_compose, is_loopback_port, not_production, services};
use crate::rules::secrets::detect;
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct SecretLiteral;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "compose/secret-literal",
    summary:
        "Compose environment variable or build arg that holds a literal password, token or key",
    severity: Severity::High,
    docs: r#"
## Why
A compose file is committed, copied into images, pasted into tickets and printed by
`docker compose config`. A literal `POSTGRES_PASSWORD: hunter2` is a credential shared with
everyone who can read the repository, never rotated, and usually the same in every
environment. The hand-written hardening plans this tool reproduces found the same DB password
in 9 files.

Reported, in map (`KEY: value`) and list (`- KEY=value`) syntax, in `environment:` and
`build.args:`:

- variables whose name ends in a secret word: `PASSWORD`, `PASSWD`, `PASS`, `SECRET`,
  `TOKEN`, `CREDENTIALS`, `SECRET_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `API_KEY`, … (`*_KEY`
  with another prefix only when the value looks random);
- any value that is a URL with an inline password (`postgres://app:s3cret@db/app`);
- `${VAR:-literal}` / `${VAR-literal}` whose default is such a literal (it is what runs when
  the variable is missing).

Not reported: `${VAR}`, `${VAR:?error}`, `${VAR:-}`, empty values, `*_FILE` / `*_PATH`
variables (`POSTGRES_PASSWORD_FILE: /run/secrets/db`), flags such as
`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`, file paths, names where the secret word is not last
(`TOKEN_TTL`, `PASSWORD_MIN_LENGTH`), and keys that are public by design
(`STRIPE_PUBLISHABLE_KEY`, `*_PUBLIC_KEY`, `*_ANON_KEY`, `VITE_*`, `REACT_APP_*`).

High is for a generated key or token, and for a weak or default password of a
database, cache or broker that publishes its port on all host interfaces, in a
production compose file. Medium (docs/severity.md) for
defaults rather than leaks: placeholders (`changeme`, `example`, `xxx`, `<password>`,
`your-token-here`, a value whose line comment says to change or replace it: they
ship, and a database started with `changeme` accepts `changeme`), `${VAR:-default}` fallbacks, and, in services that publish no port, weak
well-known values (`rabbitmq`, `admin123`), a password equal to its user name
(`MINIO_ACCESS_KEY` / `MINIO_SECRET_KEY` both `minio`), and human-chosen literals in services that publish no port (only the
compose network reaches them; a generated key or token stays high, it works wherever it
is sent). A weak or default value of the service's own admin password or session-signing
key (`KHOJ_ADMIN_PASSWORD=password`, `DJANGO_SECRET_KEY=secret`) on a service that
publishes its port stays high too: the login, or a forged session cookie, works from
outside. The database credentials an application holds are not reachable at the
application's port: medium. Files for development or CI (`docker-compose.dev.yml`,
`compose.override.yml`, `.devcontainer/`, `.ci/`, a compose file that runs a dev server
or mounts its own build context — unless the service restarts `always` and mounts it
read-only, a deployment run from a checkout — a local observability stack) are reported at low;
in examples and demos, placeholders and defaults are not reported at all. An
alternative compose file that nothing in the repository starts or names (not a default
name, no `prod` in it, reached at most through another such file's `extends:`) while a
documented stack exists is a sample: what would be high there is medium. So is a
human-chosen default in a file whose opening comment calls it an example or a template
to adapt (`Example Docker Compose config file for …`): every unedited copy shares it,
but it is a default to generate at install time, not a leaked secret (a generated key
there stays high). Values
that switch the feature off (`API_KEY=${API_KEY:-invalid}`, `disabled`) are not
credentials and are not reported. The snippet is redacted.

## Example
```yaml
services:
  db:
    image: postgres:16.2
    environment:
      POSTGRES_PASSWORD: hunter2
  api:
    environment:
      - DATABASE_URL=postgres://app:hunter2@db:5432/app
      - JWT_SECRET=${JWT_SECRET:-dev-secret-123}
```

## Fix
`harden fix --unsafe` replaces the literal with `${NAME:?set NAME}` (unsafe: the variable
must then be provided); it leaves alone a literal that appears more than once in the file
(another service's variable or URL reads the same value, and would keep the old one). In general, reference the value from the environment or an untracked `.env` file and make it required:
`POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}`; better, use compose
`secrets:` and the image's `*_FILE` convention
(`POSTGRES_PASSWORD_FILE: /run/secrets/db_password`). Rotate any value that was committed.

Checkov's CKV_SECRET checks and gitleaks find high-entropy strings; they miss short human
passwords such as `hunter2`, which this rule finds by the variable name.
"#,
};

/// Words that make a variable a secret when they end its name.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "CREDENTIALS",
    "CREDENTIAL",
    "APIKEY",
    "PWD",
];

/// Words before `KEY` that make it a secret key.
const KEY_PREFIXES: &[&str] = &[
    "API",
    "ACCESS",
    "PRIVATE",
    "SECRET",
    "SIGNING",
    "ENCRYPTION",
    "ENCRYPT",
    "MASTER",
    "AUTH",
    "HMAC",
    "JWT",
    "SESSION",
    "LICENSE",
    "CLIENT",
    "APP",
    "SERVICE",
    "ACCOUNT",
];

/// Words allowed after the secret word (`SECRET_KEY_BASE`, `API_TOKEN_VALUE`).
const TRAILING_OK: &[&str] = &["KEY", "BASE", "VALUE", "B64", "BASE64", "STRING"];

/// Values that switch a feature off rather than set a credential
/// (`API_KEY=${API_KEY:-invalid}`: the application turns its API off on this value).
pub(crate) fn is_disabling_sentinel(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "invalid" | "disabled"
    )
}

/// Values that are placeholders rather than secrets.
pub(crate) fn is_placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    let l = l.trim();
    const EXACT: &[&str] = &[
        "changeme",
        "change-me",
        "change_me",
        "changeit",
        "example",
        "placeholder",
        "replaceme",
        "replace-me",
        "replace_me",
        "todo",
        "tbd",
        "dummy",
        "none",
        "null",
        "redacted",
        "...",
    ];
    EXACT.contains(&l)
        || l.starts_with('<') && l.ends_with('>')
        || l.chars().all(|c| c == 'x' || c == '*' || c == '.') && l.len() >= 3
        || l.starts_with("your")
        || l.contains("changeme")
        || l.contains("change-me")
        || l.contains("change_me")
        || l.contains("replace")
        || l.contains("placeholder")
}

/// Whether an environment variable name names a secret, given its value.
pub(crate) fn is_secret_name(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let toks: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|t| !t.is_empty())
        .collect();
    if toks.len() == 1 && toks[0] == "PWD" {
        return false; // the working directory
    }
    // Public by design: publishable keys, VAPID public keys, variables bundled into a
    // frontend (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`).
    if toks
        .iter()
        .any(|t| matches!(*t, "PUBLIC" | "PUBLISHABLE" | "PUB" | "ANON"))
        || upper.starts_with("VITE_")
        || upper.starts_with("REACT_APP_")
    {
        return false;
    }
    let last = toks.len().saturating_sub(1);
    // `…_KEY` with a telling prefix, or that looks random.
    if toks.last() == Some(&"KEY") && toks.len() >= 2 {
        if KEY_PREFIXES.contains(&toks[last - 1]) {
            return true;
        }
        if looks_random(value) {
            return true;
        }
    }
    let is_word = |t: &&str| {
        SECRET_WORDS.contains(t)
            || ["PASSWORD", "PASSWD", "SECRET", "TOKEN"]
                .iter()
                .any(|w| t.len() > w.len() + 1 && t.ends_with(w))
    };
    let Some(pos) = toks.iter().rposition(is_word) else {
        return false;
    };
    toks[pos + 1..].iter().all(|t| TRAILING_OK.contains(t))
}

fn looks_random(v: &str) -> bool {
    v.len() >= 16
        && !v.contains(char::is_whitespace)
        && v.chars().any(|c| c.is_ascii_digit())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && !v.contains('/')
}

/// Values that are not a secret whatever the name says.
pub(crate) fn is_benign_value(v: &str) -> bool {
    let t = v.trim();
    t.is_empty()
        || matches!(
            t.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1" | "y" | "n"
        )
        || t.starts_with('/')
        || t.starts_with("./")
        || t.starts_with("~/")
        || t.starts_with("file:")
        || t.starts_with("vault:")
        || t.starts_with("arn:aws:")
        || t.starts_with("sm://")
        || t.starts_with("secretsmanager:")
}

/// The literal part of a value that would be used as the secret: the value itself, or
/// the default of a `${VAR:-default}`; `None` when the environment supplies it.
/// Returns (start, end) byte offsets in `v`.
pub(crate) fn literal_part(v: &str) -> Option<Range<usize>> {
    let t = v.trim();
    let lead = v.len() - v.trim_start().len();
    if !t.contains('$') || t.contains("$$") && !t.contains("${") {
        return Some(lead..lead + t.len());
    }
    // One interpolation making up the whole value: judge its default.
    let inner = t.strip_prefix("${")?.strip_suffix('}')?;
    if inner.contains("${") {
        return None;
    }
    let default = crate::rules::compose::default_of(inner)?;
    let end = lead + 2 + inner.len();
    let start = end - default.len();
    if start >= end {
        return None;
    }
    Some(start..end)
}

/// The password in `scheme://user:password@host`, as a range of `v`.
pub(crate) fn url_password(v: &str) -> Option<Range<usize>> {
    let scheme_end = v.find("://")?;
    let scheme = &v[..scheme_end];
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
    {
        return None;
    }
    let rest_start = scheme_end + 3;
    let rest = &v[rest_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let at = authority.rfind('@')?;
    let userinfo = &authority[..at];
    let colon = userinfo.find(':')?;
    let pw = &userinfo[colon + 1..];
    if pw.is_empty() || pw.starts_with('$') {
        return None;
    }
    let start = rest_start + colon + 1;
    Some(start..start + pw.len())
}

struct Candidate<'a> {
    name: &'a str,
    node: &'a YamlNode,
    /// Offset of the value inside the scalar's decoded text.
    value_at: usize,
    value: &'a str,
}

fn candidates(env: &YamlNode) -> Vec<Candidate<'_>> {
    let mut out = Vec::new();
    if let Some(pairs) = env.as_map() {
        for p in pairs {
            if let Some(v) = p.value.as_str() {
                out.push(Candidate {
                    name: &p.key,
                    node: &p.value,
                    value_at: 0,
                    value: v,
                });
            }
        }
    } else if let Some(items) = env.as_seq() {
        for it in items {
            let Some(s) = it.as_str() else { continue };
            let Some(eq) = s.find('=') else { continue };
            out.push(Candidate {
                name: s[..eq].trim(),
                node: it,
                value_at: eq + 1,
                value: &s[eq + 1..],
            });
        }
    }
    out
}

impl Rule for SecretLiteral {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A stack started by hand publishes its database for host-side tools: its default
    /// credential is low there. A generated key or token stays high: it is a leak
    /// wherever the stack runs.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        crate::rules::compose::lower_on_hand_run_stacks(repo, own, |f| {
            f.message.ends_with(DEFAULT_CREDENTIAL_NOTE)
        });
        crate::rules::compose::lower_on_undocumented_variants(repo, own);
    }

    fn settles(&self) -> bool {
        true
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if not_production(cx.role) {
            return;
        }
        let relaxed = is_dev_compose(cx, yaml);
        let mut seen: HashSet<Range<usize>> = HashSet::new();
        for svc in services(yaml) {
            let s = &svc.value;
            let published = publishes_ports(s);
            let datastore_published = publishes_datastore(s);
            let envs = [s.get("environment"), s.at(&["build", "args"])];
            let user_values: Vec<&str> = envs
                .iter()
                .flatten()
                .flat_map(|e| candidates(e))
                .filter(|c| is_user_name(c.name))
                .map(|c| c.value.trim())
                .collect();
            // `MINIO_ACCESS_KEY` next to `MINIO_SECRET_KEY`: the access key is the user half.
            let has_secret_half = envs
                .iter()
                .flatten()
                .flat_map(|e| candidates(e))
                .any(|c| c.name.to_ascii_uppercase().contains("SECRET"));
            for (which, env) in envs.iter().enumerate() {
                let Some(env) = env else { continue };
                for c in candidates(env) {
                    let Some(scalar) = c.node.as_scalar() else {
                        continue;
                    };
                    // A plain YAML null (`VAR: null`, `VAR: ~`, `VAR: !reset null` in an
                    // override that switches to `VAR_FILE`) sets no value: compose
                    // passes the variable through from its own environment, or drops it.
                    if scalar.style == ScalarStyle::Plain
                        && matches!(scalar.as_str().trim(), "null" | "Null" | "NULL" | "~")
                    {
                        continue;
                    }
                    let user_half = has_secret_half
                        && is_user_name(c.name)
                        && !c.name.to_ascii_uppercase().contains("SECRET");
                    let by_name = !user_half && is_secret_name(c.name, c.value);
                    let hit = if by_name {
                        literal_part(c.value).filter(|r| {
                            let lit = &c.value[r.clone()];
                            !is_benign_value(lit)
                        })
                    } else {
                        url_password(c.value)
                    };
                    let Some(range) = hit else { continue };
                    let lit = &c.value[range.clone()];
                    let text_range = c.value_at + range.start..c.value_at + range.end;
                    let host = scalar.mapped.range_to_host(&text_range);
                    if !seen.insert(host.clone()) || is_disabling_sentinel(lit) {
                        continue;
                    }
                    // A comment saying to change it marks a human-chosen default, not a generated key:
                    // a real key that leaked stays one whatever its comment says.
                    let placeholder = is_placeholder(lit)
                        || (!detect::looks_generated(lit) && comment_says_change(cx, &host));
                    let where_ = if which == 0 {
                        "environment"
                    } else {
                        "build arg"
                    };
                    let msg = if placeholder {
                        format!(
                            "`{}` in service `{}` has a placeholder {where_} value that will ship as the real credential",
                            c.name, svc.key
                        )
                    } else if !by_name {
                        format!(
                            "`{}` in service `{}` has a password written inside a URL; interpolate it from the environment",
                            c.name, svc.key
                        )
                    } else {
                        format!(
                            "`{}` in service `{}` holds a literal secret in {where_}; read it from the environment or a secret",
                            c.name, svc.key
                        )
                    };
                    // Replace the whole value by a required interpolation of the same variable.
                    let whole = c.value_at..c.value_at + c.value.len();
                    let flow = cx
                        .file
                        .text
                        .as_bytes()
                        .get(env.span.start)
                        .is_some_and(|b| matches!(b, b'{' | b'['));
                    // The same literal elsewhere (another service's variable, a URL): the fix
                    // would move one copy to the environment and leave the others reading
                    // the old value, so it is left to a person.
                    let shared = cx.file.text.matches(lit).nth(1).is_some();
                    let edit = (by_name
                        && !flow
                        && !shared
                        && !c.value.trim().is_empty()
                        && c.name
                            .chars()
                            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
                        && scalar.mapped.is_verbatim(&whole))
                    .then(|| Edit {
                        range: scalar.mapped.range_to_host(&whole),
                        replacement: format!("${{{0}:?set {0}}}", c.name),
                    });
                    let snippet = redacted_line(cx, &host);
                    let defaulted = range.start > 0 && c.value.trim_start().starts_with("${");
                    let weak = if placeholder {
                        None
                    } else if defaulted {
                        Some("the default used when the variable is unset")
                    } else if !is_user_name(c.name) && user_values.contains(&lit.trim()) {
                        Some(SAME_AS_USER)
                    } else if detect::is_weak_default(lit) {
                        Some(WEAK_DEFAULT)
                    } else if by_name && !published && !detect::looks_generated(lit) {
                        // A generated key or token is valid wherever it is sent, whether
                        // or not this service is reachable: a leak, kept high.
                        Some(UNPUBLISHED)
                    } else {
                        None
                    };
                    // The service's own login or signing key, on its published port: a
                    // known credential reachable from outside (kept high below; not a
                    // database default that a hand-run stack publishes for host tools).
                    let guards_itself = weak.is_some_and(|w| w != UNPUBLISHED)
                        && !defaulted
                        && published
                        && !datastore_published
                        && guards_the_service(c.name);
                    let msg = match weak {
                        Some(why) if guards_itself => format!(
                            "{msg} ({why}, and it guards this service, whose port is published)"
                        ),
                        Some(why) => format!("{msg} ({why})"),
                        None => msg,
                    };
                    // Examples and demos ship placeholders and defaults on purpose.
                    let default_like = placeholder || weak.is_some_and(|w| w != UNPUBLISHED);
                    if cx.role == FileRole::Example && default_like {
                        continue;
                    }
                    let f = out.report(host, msg);
                    f.snippet = snippet.into();
                    if relaxed {
                        f.severity = Severity::Low;
                    } else if placeholder
                        || weak.is_some() && (defaulted || !(datastore_published || guards_itself))
                    {
                        // A known password of a database published on all interfaces is
                        // reachable with that password (docs/severity.md, reachability):
                        // it stays high, and so does the application's own admin
                        // password or signing key on its published port: the login, or
                        // a forged session, works from outside. An application's published
                        // port does not expose the database credentials it holds.
                        f.severity = Severity::Medium;
                    } else if !detect::looks_generated(lit)
                        && crate::roles::header_declares_example(&cx.file.text)
                    {
                        // A template the reader downloads and edits: its default is a
                        // credential every unedited copy shares, not a leaked secret.
                        f.severity = Severity::Medium;
                        f.message
                            .push_str(" (this file calls itself an example to adapt; generate the value at install time)");
                    }
                    if let Some(e) = edit {
                        f.fix = Some(Fix::unsafe_because(
                            format!("Read `{}` from the environment", c.name),
                            "the variable must then be set (in `.env` or the deploy environment), and the committed value rotated",
                            vec![e],
                        ));
                    }
                }
            }
        }
    }
}

/// Whether the comment that ends the value's line tells the reader to replace it
/// (`DJANGO_SECRET_KEY: secret # Change this in production`): the file itself marks
/// the value a placeholder, like `changeme`.
fn comment_says_change(cx: &FileCx<'_>, value: &std::ops::Range<usize>) -> bool {
    let text = cx.file.text.as_str();
    let rest = text.get(value.end..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("");
    line.split_once(" #").is_some_and(|(_, comment)| {
        let comment = comment.to_ascii_lowercase();
        ["change", "replace"].iter().any(|w| comment.contains(w))
    })
}

/// How the messages of default credentials end: they are high only because the
/// database is reachable at its published port ([`SecretLiteral::settle`] reads it).
const DEFAULT_CREDENTIAL_NOTE: &str = "a default credential)";
/// Why a password equal to its user name is weak.
const SAME_AS_USER: &str = "the same value as the user name: a default credential";
/// Why a well-known value is weak.
const WEAK_DEFAULT: &str = "a weak, well-known value: a default credential";

/// Why a literal in a service without published ports is medium (docs/severity.md).
const UNPUBLISHED: &str = "the service publishes no port, so only the compose network reaches it";

/// Whether a service publishes a port on the host's interfaces (`ports:` not bound to
/// loopback) or shares the host's network: only then is it reachable from outside the
/// compose network and the host.
fn publishes_ports(svc: &YamlNode) -> bool {
    svc.get("ports")
        .and_then(|p| p.as_seq())
        .is_some_and(|p| p.iter().any(|x| !is_loopback_port(x)))
        || svc.get("network_mode").and_then(|n| n.as_str()) == Some("host")
}

/// A credential that guards the service that holds it, not one it uses to reach
/// another: its admin or superuser password (`KHOJ_ADMIN_PASSWORD`,
/// `DJANGO_SUPERUSER_PASSWORD`) or the key that signs its sessions and tokens
/// (`DJANGO_SECRET_KEY`, `JWT_SECRET`, `NEXTAUTH_SECRET`). A default value of one on a
/// published port is a known login, or a forgeable session, from outside.
fn guards_the_service(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    // A credential for a backing service (`POSTGRES_PASSWORD`, `REDIS_ADMIN_PASSWORD`,
    // `SMTP_PASSWORD`) reaches that service, which is judged by its own ports.
    const BACKING: &[&str] = &[
        "POSTGRES",
        "POSTGRESQL",
        "PG",
        "MYSQL",
        "MARIADB",
        "DB",
        "DATABASE",
        "REDIS",
        "RABBITMQ",
        "AMQP",
        "MONGO",
        "MONGODB",
        "MINIO",
        "S3",
        "SMTP",
        "EMAIL",
        "MAIL",
        "LDAP",
        "ELASTIC",
        "ELASTICSEARCH",
        "CLICKHOUSE",
        "KAFKA",
        "NATS",
        "MEMCACHED",
    ];
    if BACKING.iter().any(|b| has(b)) {
        return false;
    }
    let admin = ["ADMIN", "SUPERUSER", "ROOT", "OWNER"]
        .iter()
        .any(|w| has(w))
        && ["PASSWORD", "PASS", "PASSWD", "PWD"].iter().any(|w| has(w));
    let signing = (has("SECRET") && (has("KEY") || words.last() == Some(&"SECRET")))
        && [
            "DJANGO", "FLASK", "APP", "SESSION", "JWT", "COOKIE", "NEXTAUTH", "AUTH",
        ]
        .iter()
        .any(|w| has(w))
        || upper == "SECRET_KEY"
        || upper.ends_with("_SECRET_KEY_BASE");
    admin || signing
}

/// `POSTGRES_USER`, `RABBITMQ_DEFAULT_USER`, `AWS_ACCESS_KEY_ID`: the user half of a
/// credential pair; a password equal to it is a default.
fn is_user_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.ends_with("USER")
        || upper.ends_with("USERNAME")
        || upper.ends_with("LOGIN")
        || upper.ends_with("ACCESS_KEY_ID")
        || upper.ends_with("ACCESS_KEY")
}

/// The host line of `secret` with the secret replaced by `****`.
pub(crate) fn redacted_line(cx: &FileCx<'_>, secret: &Range<usize>) -> String {
    let file = cx.file;
    let line = file.lines.line_of(secret.start);
    let lr = file.lines.line_range(&file.text, line);
    let text = file.text.get(lr.clone()).unwrap_or("");
    let a = secret.start.saturating_sub(lr.start).min(text.len());
    let b = secret.end.saturating_sub(lr.start).min(text.len()).max(a);
    match (text.get(..a), text.get(b..)) {
        (Some(pre), Some(post)) => format!("{pre}****{post}").trim().to_string(),
        _ => "****".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_secret_name("POSTGRES_PASSWORD", "x"));
        assert!(is_secret_name("DJANGO_SECRET_KEY", "x"));
        assert!(is_secret_name("AWS_SECRET_ACCESS_KEY", "x"));
        assert!(is_secret_name("GITHUB_TOKEN", "x"));
        assert!(is_secret_name("SECRET_KEY_BASE", "x"));
        assert!(is_secret_name("spring.datasource.password", "x"));
        assert!(!is_secret_name("TOKEN_TTL", "3600"));
        assert!(!is_secret_name("POSTGRES_PASSWORD_FILE", "/run/secrets/x"));
        assert!(!is_secret_name("PASSWORD_MIN_LENGTH", "8"));
        assert!(!is_secret_name("AWS_ACCESS_KEY_ID", "AKIA"));
        assert!(!is_secret_name("CACHE_KEY", "v1"));
        assert!(!is_secret_name("PWD", "/app"));
        assert!(is_secret_name("PGPASSWORD", "x"));
        assert!(!is_secret_name(
            "STRIPE_PUBLISHABLE_KEY",
            "pk_live_51Habcdefgh12345"
        ));
        assert!(!is_secret_name(
            "NEXT_PUBLIC_SUPABASE_ANON_KEY",
            "eyJhbGciOiJIUzI1NiJ9x1"
        ));
        assert!(is_secret_name("STRIPE_KEY", "sk_live_51Habcdefgh12345"));
    }

    #[test]
    fn literal_parts() {
        assert_eq!(literal_part("hunter2"), Some(0..7));
        assert_eq!(literal_part("${DB_PASSWORD}"), None);
        assert_eq!(literal_part("${DB_PASSWORD:?required}"), None);
        assert_eq!(literal_part("${DB_PASSWORD:-}"), None);
        let v = "${JWT:-dev-secret}";
        assert_eq!(&v[literal_part(v).unwrap()], "dev-secret");
        assert_eq!(literal_part("prefix-${X}"), None);
    }

    #[test]
    fn fix_makes_the_variable_required() {
        let text = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: \"hunter2\"\n      - ignored\n";
        let text = text.replace("      - ignored\n", "");
        let (findings, fixed) = crate::rules::compose::scan_and_fix(
            "docker-compose.yml",
            &text,
            Box::new(SecretLiteral),
        );
        assert_eq!(findings.len(), 1);
        assert!(!findings[0].snippet.contains("hunter2"));
        assert!(
            fixed.contains("POSTGRES_PASSWORD: \"${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}\"")
        );
        let list =
            "services:\n  api:\n    image: a:1\n    environment:\n      - DB_PASSWORD=s3cret\n";
        let (_, fixed) =
            crate::rules::compose::scan_and_fix("compose.yml", list, Box::new(SecretLiteral));
        assert!(fixed.contains("- DB_PASSWORD=${DB_PASSWORD:?set DB_PASSWORD}\n"));
        let (again, _) =
            crate::rules::compose::scan_and_fix("compose.yml", &fixed, Box::new(SecretLiteral));
        assert!(again.is_empty());
    }

    /// Issue 13 (11): the fix moved one service's copy of a shared password to the
    /// environment while another service still read the literal.
    #[test]
    fn no_fix_when_other_services_use_the_same_literal() {
        let text = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: Zq81xkP3w\n  api:\n    image: api:1\n    environment:\n      DB_PASSWORD: Zq81xkP3w\n      DATABASE_URL: postgres://app:Zq81xkP3w@db/app\n";
        let (findings, fixed) = crate::rules::compose::scan_and_fix(
            "docker-compose.yml",
            text,
            Box::new(SecretLiteral),
        );
        assert_eq!(findings.len(), 3);
        assert!(findings.iter().all(|f| f.fix.is_none()));
        assert_eq!(fixed, text);
    }

    #[test]
    fn urls() {
        let v = "postgres://app:s3cret@db:5432/app";
        assert_eq!(&v[url_password(v).unwrap()], "s3cret");
        assert_eq!(url_password("postgres://app:${PW}@db/app"), None);
        assert_eq!(url_password("redis://redis:6379/0"), None);
        assert_eq!(url_password("http://user@host/x"), None);
    }
}
