//! `secrets/provider-credential`: credentials whose format identifies the provider
//! (AWS, GitHub, Slack, Stripe, Google, private keys, JWTs…) and passwords inside URLs.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::detect::{self, entropy};
use crate::classify::FileKind;
use crate::finding::Severity;
use crate::parse::python::PythonFile;
use crate::roles::FileRole;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct ProviderCredential;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "secrets/provider-credential",
    summary: "a provider credential (cloud key, API token, private key) or a password in a URL",
    severity: Severity::Critical,
    docs: r#"
## Why
A token in the repository is readable by everyone who can clone it, by every CI
job, every fork and every backup, and it stays in the history after the line is
deleted. Provider credentials have a recognisable format, so this rule can be
precise: AWS access key ids (`AKIA…`, `ASIA…`) and secret keys next to them,
GitHub (`ghp_`, `gho_`, `ghs_`, `ghu_`, `github_pat_`), GitLab (`glpat-`), Slack
tokens and webhooks, Stripe live keys, Google API keys (`AIza…`) and
service-account JSON, PEM/OpenSSH/PGP private keys (with a key body, not just a
header in code that parses keys), JWTs, SendGrid, Twilio, npm, PyPI, Hugging
Face, OpenAI and Anthropic keys. It also reports passwords embedded in connection
URLs (`postgres://app:pw@db/app`, `mongodb+srv://…`, `redis://:pw@host`,
`amqp://…`), unless the password is a reference or placeholder (`${DB_PASSWORD}`,
`<password>`, `%(password)s`, `****`).

Findings are critical (high for JWTs and URL passwords; medium for a URL password to this
machine, `localhost` or `127.0.0.1`, which only someone on the host can use). A JWT whose payload's
`exp` is past authenticates nothing any more: low, saying so. The same value
repeated in a file is one finding with the copies as related locations. In test, example and
vendored files, and in templates meant to be copied (`.env.example`,
`settings.py.sample`, `*.dist`, `*.j2`) and Rust `#[cfg(test)]` modules, they
are reported at low: test fixtures often carry throwaway keys,
but a real key there is still worth a look; a test vector the test declares made up (its
line or the two above say `not real`, `fake`, `dummy`, `randomly generated` or
`revoked`) is not reported. Well-known documentation values
(AWS's `AKIAIOSFODNN7EXAMPLE`, anything containing `EXAMPLE`, Slack's and jwt.io's
documentation samples, jwt.io's RS256 sample private keys), the `key=` of a URL to
YouTube's InnerTube endpoint (`www.youtube.com/youtubei/v1/…?key=AIza…`: the key of
YouTube's own web client, public in every youtube.com page), low-entropy fillers (`ghp_xxxxxxxx…`) and values with a run
of six equal characters (`hooks.slack.com/services/T00000000/B00000000/XXXX…`) are
skipped, Slack tokens need their numeric team/user ids (`xoxb-1234-abcdefgh` is a
placeholder), URL passwords that are placeholders (`RANDOM_PWD`, `P%40ssw0rd`, a word
naming the credential as in the format example `twilio://AccountSid:AuthToken@FromPhoneNo`)
are skipped, and so are URL passwords in Python
docstrings/comments and Rust doc comments (connection-string examples). The secret is never printed: the snippet
keeps its first characters and `****`.

## Example
```python
S3 = boto3.client("s3", aws_access_key_id="AKIA…", aws_secret_access_key="…")
DATABASE_URL = "postgresql://collector:Tr0ub4dor@10.0.3.17:5432/metrics"
```

## Fix
Revoke the credential at the provider first (it is compromised the moment it is
pushed), then read it from the environment or a secret manager
(`os.environ["DATABASE_URL"]`, Docker/Kubernetes secrets, Vault, AWS Secrets
Manager) and purge it from history if the repository is public.

Compared with gitleaks (8.x, on this rule's fixtures): both find the GitHub,
Slack, Stripe, Google and private keys; gitleaks also reports the
`-----BEGIN RSA PRIVATE KEY-----` string constant of a key-format helper (no key
body: we skip it) and has many more niche providers; it does not report passwords
inside connection URLs. gitleaks has no notion of test files, so it reports test
keys at full severity; its generic rule corresponds to
`secrets/hardcoded-credential` here. AWS key ids must use AWS's base32 alphabet
(`[A-Z2-7]`), like gitleaks. Like gitleaks, a base64-encoded PEM private key
(`LS0tLS1CRUdJTi…`, a Kubernetes Secret's `tls.key`, a MIME part) is decoded and
reported when it holds a key body. On ansible-core 2.19 gitleaks
reports 4 findings (3 test private keys, one of them base64-encoded in a MIME
fixture, and a `generic-api-key` on a comment); this rule reports the 2 plain
test keys plus 5 deploy-token/password URLs in tests, all at low.
"#,
};

struct Pattern {
    what: &'static str,
    re: Regex,
    severity: Severity,
    /// Capture group holding the secret (0 = whole match).
    group: usize,
    /// Minimum entropy of the secret part (filters `xxxx` fillers).
    min_entropy: f64,
}

fn pat(
    what: &'static str,
    re: &str,
    severity: Severity,
    group: usize,
    min_entropy: f64,
) -> Pattern {
    Pattern {
        what,
        re: Regex::new(re).expect("static regex"),
        severity,
        group,
        min_entropy,
    }
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    use Severity::*;
    vec![
        pat(
            "AWS access key id",
            r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}\b",
            Critical,
            0,
            2.5,
        ),
        pat(
            "AWS secret access key",
            r#"(?i)aws.{0,24}?secret.{0,24}?['"=:\s]\s*['"]?([A-Za-z0-9/+]{40})\b"#,
            Critical,
            1,
            3.5,
        ),
        pat(
            "GitHub token",
            r"\bgh[pousr]_[A-Za-z0-9]{36,251}\b",
            Critical,
            0,
            3.0,
        ),
        pat(
            "GitHub fine-grained token",
            r"\bgithub_pat_[A-Za-z0-9_]{60,}\b",
            Critical,
            0,
            3.0,
        ),
        pat(
            "GitLab token",
            r"\bglpat-[A-Za-z0-9_\-]{20,}\b",
            Critical,
            0,
            3.0,
        ),
        pat(
            "Slack token",
            r"\bxox[abeoprs]-[0-9]{6,}-[A-Za-z0-9\-]{10,}\b",
            Critical,
            0,
            3.0,
        ),
        pat(
            "Slack webhook URL",
            r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}",
            High,
            0,
            3.0,
        ),
        pat(
            "Stripe live key",
            r"\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b",
            Critical,
            0,
            3.0,
        ),
        pat(
            "Google API key",
            r"\bAIza[0-9A-Za-z_\-]{35}\b",
            Critical,
            0,
            3.0,
        ),
        pat(
            "SendGrid API key",
            r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b",
            Critical,
            0,
            3.0,
        ),
        pat("Twilio API key", r"\bSK[0-9a-f]{32}\b", High, 0, 3.0),
        pat("npm token", r"\bnpm_[A-Za-z0-9]{36}\b", Critical, 0, 3.0),
        pat(
            "PyPI token",
            r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
            Critical,
            0,
            3.0,
        ),
        pat(
            "Hugging Face token",
            r"\bhf_[A-Za-z0-9]{34,}\b",
            Critical,
            0,
            3.0,
        ),
        pat(
            "OpenAI API key",
            r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}",
            Critical,
            0,
            3.0,
        ),
        pat(
            "Anthropic API key",
            r"\bsk-ant-[a-z]{3,6}\d\d-[A-Za-z0-9_\-]{80,}",
            Critical,
            0,
            3.0,
        ),
        pat(
            "JSON Web Token",
            r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,}",
            High,
            0,
            3.0,
        ),
        pat(
            "private key",
            r"-----BEGIN[ A-Z0-9]{0,20} PRIVATE KEY(?: BLOCK)?-----",
            Critical,
            0,
            0.0,
        ),
    ]
});

/// Credentials published in providers' own documentation as samples, which code then
/// copies into mocks and tests: they authenticate nothing. (AWS marks its samples with
/// `EXAMPLE`, which is checked separately.)
const DOCUMENTATION_SAMPLES: &[&str] = &[
    // Slack, `oauth.v2.access` response example.
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
    // jwt.io's default token.
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// Whether `value` is a credential a provider publishes in its documentation (see
/// [`DOCUMENTATION_SAMPLES`]): no rule reports it, whatever name it is assigned to.
pub fn is_documentation_sample(value: &str) -> bool {
    DOCUMENTATION_SAMPLES.contains(&value.trim())
}

/// A run of six or more identical characters (`T00000000`, `XXXXXXXX`): a filler where a
/// real token is random (six equal characters in a row almost never occur in one).
fn has_filler_run(s: &str) -> bool {
    let b = s.as_bytes();
    let mut run = 1;
    for i in 1..b.len() {
        if b[i] == b[i - 1] && b[i].is_ascii_alphanumeric() {
            run += 1;
            if run >= 6 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// One alternation of every pattern, to skip files with no candidate in one pass.
static ANY: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = PATTERNS
        .iter()
        .map(|p| format!("(?:{})", p.re.as_str()))
        .collect();
    Regex::new(&alts.join("|")).expect("static regex")
});

/// A private key header followed by a key body (not a parser comparing headers,
/// not prose that names the header): the next non-header lines are base64, at
/// least 100 characters of it, in lines of 40 or more without spaces.
/// Fragments of the RSA moduli of jwt.io's RS256 sample key pairs, as they read in the
/// base64 body of their PKCS#1 and PKCS#8 encodings. Tests and docs copy these keys to
/// sign fake tokens; published with their private half, they protect nothing.
const PUBLISHED_SAMPLE_KEYS: &[&str] = &[
    // jwt.io's earlier RS256 sample (PKCS#1 `MIIEogIBAAKCAQEAnzyis1Zj…`).
    "nzyis1ZjfNB0bBgKFMSvvkTtwlvBsaJq7S5wA+kzeVOVpVWw",
    // jwt.io's current RS256 sample, PKCS#8 (`MIIEvwIBADANBg…C7VJTUt9Us8cKj…`) and PKCS#1.
    "C7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu",
    "u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0",
];

/// Whether the PEM body after `header_end` is one of [`PUBLISHED_SAMPLE_KEYS`].
fn is_published_sample_key(text: &str, header_end: usize) -> bool {
    let tail = text.get(header_end..).unwrap_or("");
    let tail = &tail[..crate::source::floor_char_boundary(tail, 400)];
    let body: String = tail
        .replace("\\n", "")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    PUBLISHED_SAMPLE_KEYS.iter().any(|k| body.contains(k))
}

fn has_key_body(text: &str, header_end: usize) -> bool {
    let tail = text.get(header_end..).unwrap_or("");
    let tail = &tail[..crate::source::floor_char_boundary(tail, 600)];
    let tail = tail.replace("\\n", "\n");
    let mut total = 0;
    for l in tail
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.contains(": "))
        .take(4)
    {
        let l = l.trim_matches(['"', '\'', ',', '+', ' ']);
        if l.starts_with("-----END") {
            break;
        }
        let b64 = l
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='));
        if !b64 || l.len() < 40 {
            return total >= 100;
        }
        total += l.len();
    }
    total >= 100
}

/// `-----BEGIN` in base64 (a PEM key stored base64-encoded: a Kubernetes Secret's
/// `tls.key`, a CI variable, a MIME part), possibly wrapped at 64/76 columns.
static ENCODED_PEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"LS0tLS1CRUdJTi[A-Za-z0-9+/=\r\n]{80,}").expect("static regex"));

/// Private keys hidden in base64: decoded, they must be a PEM private key with a body.
fn encoded_private_keys(text: &str) -> Vec<(&'static str, Range<usize>, Severity)> {
    use base64::Engine as _;
    if !text.contains("LS0tLS1CRUdJTi") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in ENCODED_PEM.find_iter(text) {
        // Decode a bounded prefix: enough for the header and the first body lines.
        let blob: String = m
            .as_str()
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(1200)
            .collect();
        let usable = blob.len() - blob.len() % 4;
        let chunk = blob.get(..usable).unwrap_or("");
        let Ok(bytes) = base64::engine::general_purpose::STANDARD
            .decode(chunk)
            .or_else(|_| {
                base64::engine::general_purpose::STANDARD_NO_PAD.decode(chunk.trim_end_matches('='))
            })
        else {
            continue;
        };
        let decoded = String::from_utf8_lossy(&bytes);
        let Some(h) = PEM_PRIVATE.find(&decoded) else {
            continue;
        };
        if has_key_body(&decoded, h.end()) {
            let end = m.start() + m.as_str().find(['\r', '\n']).unwrap_or(m.len());
            out.push((
                "base64-encoded private key",
                m.start()..end,
                Severity::Critical,
            ));
        }
    }
    out
}

/// An `aws_access_key_id` / `AWS_ACCESS_KEY_ID` assignment and its value.
static ACCESS_KEY_ID_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)aws_?access_?key(?:_?id)?['"]?\s*[=:]\s*['"]?([A-Za-z0-9]{12,40})\b"#)
        .expect("static regex")
});

/// An access key id in the format AWS issues (`AKIA…`, `ASIA…`).
static AWS_KEY_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}$").expect("static regex")
});

/// Whether the secret key at `at` is paired, within a few lines, with an access key id
/// that AWS never issued (`5MV45J9NF5TEFZWYCRAX`, `minioadmin`): the pair is an
/// S3-compatible store's (MinIO, Ceph, SeaweedFS) set through the AWS SDK's variable
/// names, not an AWS credential; `secrets/hardcoded-credential` judges it as one.
fn s3_compatible_pair(text: &str, at: usize) -> bool {
    let mut lo = at.saturating_sub(400);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (at + 400).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let window = &text[lo..hi];
    let ids: Vec<&str> = ACCESS_KEY_ID_VALUE
        .captures_iter(window)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .collect();
    !ids.is_empty() && ids.iter().all(|id| !AWS_KEY_ID.is_match(id))
}

/// A PEM private-key header.
static PEM_PRIVATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN[ A-Z0-9]{0,20} PRIVATE KEY(?: BLOCK)?-----").expect("static regex")
});

/// All provider-credential hits of a file: (what, secret span, severity).
pub fn provider_hits(text: &str) -> Vec<(&'static str, Range<usize>, Severity)> {
    let mut hits = Vec::new();
    if ANY.is_match(text) {
        for p in PATTERNS.iter() {
            for c in p.re.captures_iter(text) {
                let Some(m) = c.get(p.group) else { continue };
                let s = m.as_str();
                if s.contains("EXAMPLE")
                    || s.to_ascii_lowercase().contains("example")
                    || DOCUMENTATION_SAMPLES.contains(&s)
                    || has_filler_run(s)
                {
                    continue;
                }
                if p.what == "private key" {
                    if !has_key_body(text, m.end()) || is_published_sample_key(text, m.end()) {
                        continue;
                    }
                } else if p.what == "AWS secret access key" && s3_compatible_pair(text, m.start()) {
                    continue;
                } else {
                    if entropy(s) < p.min_entropy {
                        continue;
                    }
                }
                hits.push((p.what, m.range(), p.severity));
            }
        }
    }
    hits.extend(encoded_private_keys(text));
    if text.contains("\"service_account\"") && text.contains("\"private_key\"") {
        if let Some(i) = text.find("\"private_key\"") {
            if has_key_body(text, i) {
                // The PEM inside it is reported as a private key already; name the file kind.
                hits.retain(|h| h.0 != "private key");
                hits.push((
                    "Google service-account key",
                    i + 1..i + 12,
                    Severity::Critical,
                ));
            }
        }
    }
    // A URL that is an environment variable's fallback is `secrets/hardcoded-credential`'s,
    // with a severity that depends on its host.
    let fallbacks = detect::fallback_url_credentials(text);
    for u in detect::url_passwords(text) {
        if fallbacks
            .iter()
            .any(|f| f.span.start < u.span.end && u.span.start < f.span.end)
        {
            continue;
        }
        // A server on this machine is reached only from it: a weakness to fix, not a
        // credential that works from elsewhere (docs/severity.md).
        let severity = if u.loopback {
            Severity::Medium
        } else {
            Severity::High
        };
        hits.push((url_label(&u.scheme), u.span, severity));
    }
    hits.sort_by_key(|h| (h.1.start, h.1.end));
    hits.dedup_by(|a, b| a.1.start < b.1.end && b.1.start < a.1.end);
    hits
}

/// Whether the Google API key at `start` is the `key=` parameter of a URL to YouTube's
/// InnerTube endpoint (`https://www.youtube.com/youtubei/v1/search?key=AIza…`): the
/// key of YouTube's own web client, embedded in every youtube.com page and sent by
/// every browser, which scrapers copy. A project's own key goes to the public APIs
/// (`www.googleapis.com/youtube/v3`), not to the web client's endpoint.
fn innertube_key(text: &str, start: usize) -> bool {
    let line_start = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let Some(before) = text.get(line_start..start) else {
        return false;
    };
    let Some(url_at) = before.rfind("://") else {
        return false;
    };
    let url = &before[url_at + 3..];
    if url.contains(|c: char| c.is_whitespace() || c == '"' || c == '\'') {
        return false;
    }
    let (host, path) = url.split_once('/').unwrap_or((url, ""));
    (host == "youtube.com" || host.ends_with(".youtube.com"))
        && path.starts_with("youtubei/")
        && (before.ends_with("?key=") || before.ends_with("&key="))
}

fn url_label(scheme: &str) -> &'static str {
    match scheme {
        s if s.starts_with("postgres") => "password in a PostgreSQL URL",
        s if s.starts_with("mysql") || s.starts_with("mariadb") => "password in a MySQL URL",
        s if s.starts_with("mongodb") => "password in a MongoDB URL",
        s if s.starts_with("redis") || s.starts_with("rediss") => "password in a Redis URL",
        s if s.starts_with("amqp") => "password in an AMQP URL",
        "http" | "https" => "password in an HTTP URL",
        s if s.contains("ftp") => "password in an FTP URL",
        _ => "password in a connection URL",
    }
}

impl Rule for ProviderCredential {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if cx.kind != FileKind::Python {
            check(cx, out, None);
        }
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        check(cx, out, Some(py));
    }
}

/// Reports provider credentials; in Python, URL passwords inside comments and
/// docstrings are documentation (`postgres://user:pass@host` examples) and skipped.
fn check(cx: &FileCx<'_>, out: &mut Sink<'_>, py: Option<&PythonFile>) {
    {
        let name = cx.file.path.rsplit('/').next().unwrap_or("");
        if name.contains(".min.") || name.ends_with(".lock") || name == "go.sum" {
            return;
        }
        let mut hits = provider_hits(&cx.file.text);
        if hits.is_empty() {
            return;
        }
        hits.retain(|h| !(h.0 == "Google API key" && innertube_key(&cx.file.text, h.1.start)));
        if hits.is_empty() {
            return;
        }
        let prose = detect::code_prose(cx, py.and_then(PythonFile::tree), false);
        hits.retain(|h| !(h.0.starts_with("password in") && detect::in_ranges(&prose, h.1.start)));
        // Compose environments are checked by `compose/secret-literal`, URL passwords included.
        if cx.kind == FileKind::Compose {
            hits.retain(|h| !h.0.starts_with("password in"));
        }
        // Rust inline test modules (`#[cfg(test)]` to the end) are tests.
        let test_from = (detect::ext_of(&cx.file.path) == "rs")
            .then(|| cx.file.text.find("#[cfg(test)]"))
            .flatten();
        let spans: Vec<Range<usize>> = hits
            .iter()
            .filter(|h| {
                h.0 != "Google service-account key"
                    && h.0 != "private key"
                    && h.0 != "base64-encoded private key"
            })
            .map(|h| h.1.clone())
            .collect();
        let relaxed = matches!(
            cx.role,
            FileRole::Test | FileRole::Example | FileRole::Vendored | FileRole::Generated
        ) || detect::is_template_name(&name.to_ascii_lowercase());
        // The same value again in this file (an access token repeated a few lines
        // down) is the same leak: one finding, the copies related.
        let mut groups: Vec<HitGroup<'_>> = Vec::new();
        for (what, span, severity) in hits {
            let value = cx.file.text.get(span.clone()).unwrap_or("");
            match groups
                .iter_mut()
                .find(|g| g.0 == what && cx.file.text.get(g.1.clone()) == Some(value))
            {
                Some(g) => g.3.push(span),
                None => groups.push((what, span, severity, Vec::new())),
            }
        }
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(i64::MAX);
        for (what, span, severity, copies) in groups {
            let in_test = cx.role == FileRole::Test || test_from.is_some_and(|t| span.start >= t);
            // A test of credential redaction: the URL is the input and the same host
            // appears with its userinfo masked (`user:*****@host`, `***@host`): the
            // password exists to be redacted, it logs in nowhere.
            if in_test
                && what.starts_with("password in")
                && redaction_test_input(&cx.file.text, span.end)
            {
                continue;
            }
            // A test vector the test itself declares made up ("token is randomly generated
            // and not real", `FAKE_TOKEN = …`): it exists to exercise a format check.
            if in_test && declared_fake(&cx.file.text, span.start) {
                continue;
            }
            let relaxed = relaxed || in_test;
            let snippet = detect::redacted_line(cx.file, &span, &spans);
            // A token past its `exp` authenticates nothing: still reported, at low.
            let expired = (what == "JSON Web Token")
                .then(|| cx.file.text.get(span.clone()).and_then(jwt_expiry))
                .flatten()
                .filter(|exp| *exp < now);
            if let Some(exp) = expired {
                let f = out.report(
                    span,
                    format!(
                        "expired JSON Web Token committed to the repository (its `exp` is {}): it authenticates nothing now; take it out or replace it with a placeholder",
                        format_day(exp)
                    ),
                );
                f.snippet = snippet.into();
                f.severity = Severity::Low;
                f.related = copies
                    .into_iter()
                    .map(|c| cx.locate(c, "the same token again"))
                    .collect();
                continue;
            }
            let where_ = if relaxed {
                " (in a test/example file: check it is a throwaway)"
            } else {
                ""
            };
            let msg = if what.starts_with("password in") {
                format!("{what}: read the URL or its password from the environment{where_}")
            } else {
                format!("{what} committed to the repository: revoke it and load it from a secret store{where_}")
            };
            let f = out.report(span, msg);
            f.snippet = snippet.into();
            f.severity = if relaxed { Severity::Low } else { severity };
            f.related = copies
                .into_iter()
                .map(|c| cx.locate(c, "the same value again"))
                .collect();
        }
    }
}

/// Whether the text just before the value on its line, or one of the two short lines above
/// it, says the value is made up:
/// `not real`, `fake`, `dummy`, `randomly generated`, `revoked`.
fn declared_fake(text: &str, at: usize) -> bool {
    const WORDS: &[&str] = &[
        "not real",
        "not a real",
        "fake",
        "dummy",
        "randomly generated",
        "revoked",
    ];
    let says = |s: &str| {
        let lower = s.to_ascii_lowercase();
        WORDS.iter().any(|w| lower.contains(w))
    };
    let at = at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    // On the value's own line, only what is written just before it (`FAKE_TOKEN = `):
    // a minified or scraped page on one line says everything somewhere.
    let mut near = at.saturating_sub(80).max(line_start);
    while !text.is_char_boundary(near) {
        near += 1;
    }
    if says(&text[near..at]) {
        return true;
    }
    // The two lines above, when they are short: a comment on the test vector.
    let mut end = line_start;
    for _ in 0..2 {
        if end == 0 {
            break;
        }
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end - 1];
        if line.len() <= 200 && says(line) {
            return true;
        }
        end = start;
    }
    false
}

/// Whether the URL password ending at `pw_end` (just before `@host`) is the input of a
/// redaction test: the file also holds `@host` right after a masked userinfo, a run of
/// three or more `*` or the word `redacted` (`user:*****@host`, `http://***@host`,
/// `[REDACTED]@host`).
fn redaction_test_input(text: &str, pw_end: usize) -> bool {
    let Some(after) = text.get(pw_end..).and_then(|t| t.strip_prefix('@')) else {
        return false;
    };
    let host_len = after
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
        .unwrap_or(after.len());
    if host_len == 0 {
        return false;
    }
    let needle = format!("@{}", &after[..host_len]);
    text.match_indices(&needle).any(|(at, _)| {
        let end_ok = text
            .get(at + needle.len()..)
            .and_then(|t| t.chars().next())
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')));
        let before = text.get(..at).unwrap_or("");
        let stars = before.len() - before.trim_end_matches('*').len();
        let lower_tail = before
            .get(before.len().saturating_sub(10)..)
            .unwrap_or("")
            .to_ascii_lowercase();
        end_ok
            && (stars >= 3
                || lower_tail
                    .trim_end_matches([']', '>', ')'])
                    .ends_with("redacted"))
    })
}

/// A credential found in a file: what it is, its first place, its severity, the places
/// the same value appears again.
type HitGroup<'a> = (&'a str, Range<usize>, Severity, Vec<Range<usize>>);

/// When a JSON Web Token expires (its payload's `exp`, seconds since the epoch); `None`
/// when the payload does not decode or carries no `exp` (then it may never expire).
fn jwt_expiry(token: &str) -> Option<i64> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?;
    exp.as_i64().or_else(|| exp.as_f64().map(|f| f as i64))
}

/// `2020-06-01` for seconds since the epoch.
fn format_day(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_else(|_| secs.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_inputs() {
        let t =
            "(\"pg://scott:tiger9@db.internal:5432/x\", \"pg://scott:*****@db.internal:5432/x\")";
        let end = t.find("@db").expect("at");
        assert!(redaction_test_input(t, end));
        let t = "url = \"http://exporter:hunter2@10.0.0.9/\"\nexpect(msg).toContain(\"http://***@10.0.0.9/\")";
        assert!(redaction_test_input(t, t.find("@10").expect("at")));
        let t = "a = \"http://u:pw99x@api.host/\"; b = \"[REDACTED]@api.host\"";
        assert!(redaction_test_input(t, t.find("@api").expect("at")));
        // Another host masked, or the same host unmasked: a plain credential.
        let t = "a = \"http://u:pw99x@api.host/\"; b = \"http://***@api.host.evil/\"";
        assert!(!redaction_test_input(t, t.find("@api").expect("at")));
        let t = "a = \"http://u:pw99x@api.host/\"; b = \"http://u:pw99x@api.host/v2\"";
        assert!(!redaction_test_input(t, t.find("@api").expect("at")));
    }

    #[test]
    fn providers() {
        let key = "ghp_4Hk2sLq9ZxW8vRt1mNp6Yb3Cd7Fg0JhKe5Ui";
        let t = format!("token = \"{key}\"\nexample = \"AKIAIOSFODNN7EXAMPLE\"\nfiller = \"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n");
        let hits = provider_hits(&t);
        assert_eq!(hits.len(), 1);
        assert_eq!(&t[hits[0].1.clone()], key);
    }

    #[test]
    fn published_sample_keys_are_not_secrets() {
        let pem = "-----BEGIN PRIVATE KEY-----\\nMIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQC7VJTUt9Us8cKj\\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\\n";
        assert!(is_published_sample_key(
            pem,
            "-----BEGIN PRIVATE KEY-----".len()
        ));
        let other = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDZq81xkP3Lw9aT\n";
        assert!(!is_published_sample_key(
            other,
            "-----BEGIN PRIVATE KEY-----".len()
        ));
    }

    #[test]
    fn private_key_needs_body() {
        let code = "if line.startswith(\"-----BEGIN RSA PRIVATE KEY-----\"):\n    pass\n";
        assert!(provider_hits(code).is_empty());
        let body = "MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi3vu5MZ2/9Zk4y8i2rFmI0QlTn\nb8w1Xq6e0h3dKkV7wYyJfGmA0lO5nR2pS8tU4vW6xY8zA1bC3dE5fG7hI9jK1lM3\n";
        let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}-----END RSA PRIVATE KEY-----\n");
        assert_eq!(provider_hits(&pem).len(), 1);
    }
}
