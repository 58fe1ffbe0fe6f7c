//! `docker/secret-in-env`: a credential written as a literal in `ENV` or an `ARG` default.

use crate::finding::Severity;
use crate::parse::dockerfile::{Dockerfile, KeyValue};
use crate::rules::docker::util;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct SecretInEnv;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "docker/secret-in-env",
    summary: "a password, token or key written as a literal in `ENV` or an `ARG` default",
    severity: Severity::High,
    docs: r#"
## Why
`ENV` values are stored in the image configuration and `ARG` values in its
history: anyone who can pull the image reads them with `docker inspect` or
`docker history`, and every registry, cache and laptop that ever held the image
keeps a copy. A secret in a Dockerfile is also in git.

The rule reports `ENV`/`ARG` whose name says secret (`*PASSWORD*`, `*SECRET*`,
`*TOKEN*`, `*API_KEY*`, `*ACCESS_KEY*`, `*PRIVATE_KEY*`, `*CREDENTIALS*`…) and
whose value is a literal, and any value that looks like a known credential
(AWS access key id, GitHub/GitLab/Slack/Stripe/npm/PyPI/Hugging Face/OpenAI
tokens, a private key) or a URL
with an embedded password (`postgres://app:s3cret@db/app`). The value is
replaced by `****` in the report.

Not reported: `ARG TOKEN` without a default, empty values, references
(`${DB_PASSWORD}`), names that point to a secret instead of holding one
(`PASSWORD_FILE=/run/secrets/db`, `*_PATH`, `*_URL` without credentials,
`*_LENGTH`, `*_TTL`…), booleans and numbers. Placeholders (`changeme`,
`password`, `postgres`, `your-token-here`, `<token>`, `xxx`) are still reported,
at low: they become the real default credential when nobody overrides them.
Values of `NEXT_PUBLIC_*`, `VITE_*`, `REACT_APP_*` variables are bundled into the
frontend on purpose and are reported at low. A placeholder in a build stage that the
final image does not descend from (`ENV DATABASE_URL=…/dummy` so that `next build`
runs) is not reported: it never reaches the shipped image's configuration.

## Example
```dockerfile
ENV DB_PASSWORD=hunter2
ARG AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
ENV DATABASE_URL=postgres://app:s3cret@db:5432/app
```

## Fix
Pass secrets at run time (orchestrator secrets, `--env-file`, a mounted
`/run/secrets/*` file) and at build time with BuildKit secret mounts, which never
reach a layer:
```dockerfile
RUN --mount=type=secret,id=pip_token \
    PIP_INDEX_URL="https://__token__:$(cat /run/secrets/pip_token)@pypi.example.com/simple" \
    pip install --no-cache-dir -r requirements.txt
```
Then rotate the exposed secret: it is in the image history and in git.

hadolint's DL3064 looks at names only: it also fires on `DB_PASSWORD_FILE=/run/secrets/…`,
`KC_DB_PASSWORD=${KC_DB_PASSWORD}` and `ARG TOKEN` without a value, which we do not
report because nothing secret is written down; gitleaks and trivy find known token
formats but not `ENV DB_PASSWORD=hunter2`.
"#,
};

fn secret_name(key: &str) -> bool {
    let k = key.to_ascii_uppercase();
    const BENIGN_SUFFIX: &[&str] = &[
        "_FILE",
        "_PATH",
        "_DIR",
        "_URL",
        "_URI",
        "_HOST",
        "_PORT",
        "_NAME",
        "_USER",
        "_USERNAME",
        "_LENGTH",
        "_LEN",
        "_TTL",
        "_EXPIRY",
        "_EXPIRES",
        "_TIMEOUT",
        "_ENABLED",
        "_HEADER",
        "_FIELD",
        "_TYPE",
        "_ID",
        "_REGION",
        "_ENDPOINT",
        "_LIFETIME",
        "_MIN",
        "_MAX",
        "_ALGORITHM",
        "_PREFIX",
        "_SOURCE",
        "_ENV",
        "_VAR",
        "_KEY_ID",
    ];
    if BENIGN_SUFFIX.iter().any(|s| k.ends_with(s)) || k == "PWD" || k == "OLDPWD" {
        return false;
    }
    const WORDS: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "PASSPHRASE",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
        "AUTH_KEY",
        "SIGNING_KEY",
        "ENCRYPTION_KEY",
        "MASTER_KEY",
        "CLIENT_KEY",
    ];
    WORDS.iter().any(|w| k.contains(w)) || k.ends_with("_PASS") || k.ends_with("_PWD")
}

/// A value shaped like a known credential.
fn known_credential(v: &str) -> bool {
    let starts = [
        "ghp_",
        "gho_",
        "ghs_",
        "ghu_",
        "github_pat_",
        "glpat-",
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "sk_live_",
        "rk_live_",
        "AIza",
        "npm_",
        "pypi-AgE",
        "-----BEGIN",
    ];
    if starts.iter().any(|s| v.starts_with(s)) && v.len() >= 20 {
        return true;
    }
    // Hugging Face, OpenAI and Anthropic keys: a prefix and a long random tail.
    let long_tail = |p: &str| {
        v.strip_prefix(p).is_some_and(|t| {
            t.len() >= 30
                && t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
    };
    if long_tail("hf_") || long_tail("sk-ant-") || long_tail("sk-proj-") || long_tail("sk-") {
        return true;
    }
    v.len() == 20
        && (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// `scheme://user:password@host`: the password part, when it is a literal.
fn url_password(v: &str) -> Option<&str> {
    let (_, rest) = v.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, pass) = userinfo.split_once(':')?;
    if pass.is_empty() || pass.contains('$') {
        return None;
    }
    Some(pass)
}

fn placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    let l = l.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    l.is_empty()
        || matches!(
            l,
            "changeme"
                | "change-me"
                | "change_me"
                | "changeit"
                | "password"
                | "secret"
                | "example"
                | "dummy"
                | "placeholder"
                | "todo"
                | "none"
                | "null"
                | "test"
                | "default"
                | "admin"
                | "root"
                | "token"
                | "postgres"
                | "mysql"
                | "redis"
                | "guest"
                | "pass"
                | "123456"
                | "letmein"
                | "dev"
                | "development"
                | "local"
        )
        || l.chars().all(|c| c == 'x' || c == '*')
        || l.starts_with("your")
        || l.starts_with("replace")
        || l.starts_with("insert")
        || l.starts_with("change")
        || v.starts_with('<')
}

#[derive(PartialEq, Eq)]
enum Verdict {
    Real,
    Placeholder,
}

fn judge(kv: &KeyValue) -> Option<(Verdict, String)> {
    let v = kv.value.as_deref()?;
    let v = v.trim();
    if v.is_empty() || v.starts_with('$') {
        return None;
    }
    if known_credential(v) {
        return Some((Verdict::Real, v.to_string()));
    }
    if let Some(pass) = url_password(v) {
        let verdict = if placeholder(pass) {
            Verdict::Placeholder
        } else {
            Verdict::Real
        };
        return Some((verdict, pass.to_string()));
    }
    if !secret_name(&kv.key) {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off"
    ) || v.chars().all(|c| c.is_ascii_digit())
        || v.starts_with('/')
        || v.starts_with("./")
        || v.contains("://") && url_password(v).is_none()
        || v.contains("${")
    {
        return None;
    }
    let verdict = if placeholder(v) {
        Verdict::Placeholder
    } else {
        Verdict::Real
    };
    Some((verdict, v.to_string()))
}

impl Rule for SecretInEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if util::skip_file(cx) {
            return;
        }
        // Stages that make up the image `docker build` ships: a build stage's `ENV` stays in
        // the build cache and never reaches the final image's config.
        let shipped = df
            .final_stage()
            .map(|last| util::chain(df, last))
            .unwrap_or_default();
        for ins in &df.instructions {
            if !matches!(ins.keyword.as_str(), "ENV" | "ARG") {
                continue;
            }
            let build_stage_only = ins.stage.is_some_and(|st| !shipped.contains(&st));
            for kv in ins.key_values(df.escape) {
                let Some((verdict, secret)) = judge(&kv) else {
                    continue;
                };
                // A placeholder in a build stage (`ENV DATABASE_URL=postgresql://user:pass@
                // localhost:5432/dummy` for `next build`) never becomes anyone's credential.
                if build_stage_only && verdict == Verdict::Placeholder {
                    continue;
                }
                // Build-time variables the frontend bundles on purpose are public by design.
                let public = [
                    "NEXT_PUBLIC_",
                    "VITE_",
                    "REACT_APP_",
                    "NUXT_PUBLIC_",
                    "EXPO_PUBLIC_",
                ]
                .iter()
                .any(|p| kv.key.starts_with(p));
                let sev = match verdict {
                    Verdict::Real if !public => util::for_role(cx, META.severity),
                    _ => Severity::Low,
                };
                let what = if ins.keyword == "ENV" {
                    "is stored in the image config (`docker inspect` shows it)"
                } else {
                    "is stored in the image history (`docker history` shows it)"
                };
                let msg = match verdict {
                    Verdict::Real => format!(
                        "`{} {}` holds a literal secret that {what}; pass it at run time or with a BuildKit secret mount, and rotate it",
                        ins.keyword, kv.key
                    ),
                    Verdict::Placeholder => format!(
                        "`{} {}` has a placeholder default that {what} and becomes the real credential if nobody overrides it; remove the default",
                        ins.keyword, kv.key
                    ),
                };
                // Redacted snippet: the key's line with the secret replaced.
                let line = cx.file.lines.line_of(kv.key_span.start);
                let line_text = cx.file.lines.line_text(&cx.file.text, line).trim_end();
                let snippet = if secret.is_empty() {
                    line_text.to_string()
                } else {
                    let mut s = line_text.replace(&secret, "****");
                    if s == line_text {
                        // The value continues on another line or was unquoted: cut after the key.
                        let key_col = kv
                            .key_span
                            .start
                            .saturating_sub(cx.file.lines.line_range(&cx.file.text, line).start);
                        let keep = (key_col + kv.key.len() + 1).min(line_text.len());
                        s = format!("{}****", line_text.get(..keep).unwrap_or(""));
                    }
                    s
                };
                let span = kv.key_span.start..kv.value_span.end.max(kv.key_span.end);
                let f = out.report(span, msg);
                f.severity = sev;
                f.snippet = snippet.into();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values() {
        assert!(secret_name("DB_PASSWORD"));
        assert!(secret_name("GITHUB_TOKEN"));
        assert!(!secret_name("PASSWORD_FILE"));
        assert!(!secret_name("TOKEN_TTL"));
        assert!(!secret_name("PWD"));
        assert!(known_credential("AKIAIOSFODNN7EXAMPLE"));
        assert!(known_credential("hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"));
        assert!(!known_credential("sk-short"));
        assert_eq!(url_password("postgres://app:s3cret@db/app"), Some("s3cret"));
        assert_eq!(url_password("postgres://app:${PW}@db/app"), None);
        assert_eq!(url_password("https://example.com/a@b"), None);
        assert!(placeholder("changeme"));
        assert!(placeholder("<your-token>"));
        assert!(!placeholder("hunter2"));
    }
}

#[cfg(test)]
mod redaction {
    use super::*;
    use crate::rules::docker::util::testing::check;

    #[test]
    fn snippet_hides_value() {
        let f = check(
            &SecretInEnv,
            "FROM x\nENV DB_PASSWORD=\"hunter2-prod\" APP_ENV=prod\nARG TOKEN\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].snippet, "ENV DB_PASSWORD=\"****\" APP_ENV=prod");
        assert!(!f[0].message.contains("hunter2"));
        let f = check(
            &SecretInEnv,
            "FROM x\nENV API_KEY \\\n    s3cr3t-value-123\n",
        );
        assert_eq!(f.len(), 1);
        assert!(!f[0].snippet.contains("s3cr3t"));
        let f = check(
            &SecretInEnv,
            "FROM x\nENV NEXT_PUBLIC_MAPS_API_KEY=AIzaSyA1234567890abcdefghijk\n",
        );
        assert_eq!(f[0].severity, Severity::Low);
    }
}
