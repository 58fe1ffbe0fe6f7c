//! Security headers of the answers: HSTS on HTTPS, nosniff, CSP on HTML,
//! version-revealing Server / X-Powered-By, and CORS that lets any origin read
//! responses with credentials. One finding per problem, the other URLs related.

use std::sync::LazyLock;

use regex::Regex;

use super::checks;
use super::http::Exchange;
use super::report::ProbeFinding;
use super::target::Scheme;
use crate::finding::Severity;

/// The foreign origin sent on the CORS request; `.invalid` never resolves.
pub const PROBE_ORIGIN: &str = "https://harden-probe.invalid";

/// HSTS max-age below this (180 days) is too short to protect returning users.
const MIN_HSTS_AGE: u64 = 15_552_000;

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z][A-Za-z0-9_.-]*/v?\d+(\.\d+)+|\b\d+\.\d+\.\d+\b")
        .unwrap_or_else(|_| unreachable!())
});

/// Checks the answers (`cors` is the answer to the request that carried
/// [`PROBE_ORIGIN`], if one was made).
pub fn findings(
    scheme: Scheme,
    answers: &[&Exchange],
    cors: Option<&Exchange>,
) -> Vec<ProbeFinding> {
    let mut out = Vec::new();
    let urls = |pred: &dyn Fn(&Exchange) -> bool| -> Vec<String> {
        let mut v: Vec<String> = answers
            .iter()
            .filter(|a| pred(a))
            .map(|a| a.url.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let emit = |out: &mut Vec<ProbeFinding>, check, urls: Vec<String>, msg: String| {
        if let Some((first, rest)) = urls.split_first() {
            out.push(ProbeFinding::new(check, first.clone(), msg).with_related(rest.to_vec()));
        }
    };
    if scheme == Scheme::Https {
        let missing = urls(&|a| a.header("strict-transport-security").is_none());
        if !missing.is_empty() {
            let n = missing.len();
            emit(
                &mut out,
                &checks::MISSING_HSTS,
                missing,
                format!("{n} HTTPS answer(s) without Strict-Transport-Security"),
            );
        } else if let Some((url, age)) = answers.iter().find_map(|a| {
            let v = a.header("strict-transport-security")?;
            let age = hsts_max_age(v)?;
            (age < MIN_HSTS_AGE).then(|| (a.url.clone(), age))
        }) {
            out.push(
                ProbeFinding::new(
                    &checks::MISSING_HSTS,
                    url,
                    format!(
                        "Strict-Transport-Security max-age is {age} s ({} days); use at least 180 days",
                        age / 86_400
                    ),
                )
                .at(Severity::Low),
            );
        }
    }
    let no_sniff = urls(&|a| {
        !a.header("x-content-type-options")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"))
            && !a.body.is_empty()
    });
    if !no_sniff.is_empty() {
        let n = no_sniff.len();
        emit(
            &mut out,
            &checks::MISSING_NOSNIFF,
            no_sniff,
            format!("{n} answer(s) without `X-Content-Type-Options: nosniff`"),
        );
    }
    let html_no_csp = urls(&|a| {
        a.media_type().as_deref() == Some("text/html")
            && (200..300).contains(&a.status)
            && a.header("content-security-policy").is_none()
    });
    if !html_no_csp.is_empty() {
        let n = html_no_csp.len();
        emit(
            &mut out,
            &checks::MISSING_CSP,
            html_no_csp,
            format!("{n} HTML page(s) without a Content-Security-Policy"),
        );
    }
    let mut leaks: Vec<(String, String)> = Vec::new();
    for a in answers {
        for name in ["server", "x-powered-by", "x-aspnet-version"] {
            if let Some(v) = a.header(name) {
                if VERSION.is_match(v) && !leaks.iter().any(|(_, l)| l.ends_with(v)) {
                    leaks.push((a.url.clone(), format!("{name}: {v}")));
                }
            }
        }
    }
    if let Some(((url, first), rest)) = leaks.split_first() {
        let mut msg = format!("`{first}` names the software version");
        if !rest.is_empty() {
            let others: Vec<&str> = rest.iter().map(|(_, l)| l.as_str()).collect();
            msg.push_str(&format!(" (also `{}`)", others.join("`, `")));
        }
        out.push(ProbeFinding::new(
            &checks::SERVER_VERSION_LEAK,
            url.clone(),
            msg,
        ));
    }
    // CORS: the reflected foreign origin, or `*`, together with credentials.
    let mut cors_hit = None;
    for a in cors.into_iter().chain(answers.iter().copied()) {
        let creds = a
            .header("access-control-allow-credentials")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let allow = a.header("access-control-allow-origin").map(str::trim);
        match allow {
            Some(o) if creds && o == PROBE_ORIGIN => {
                cors_hit = Some(
                    ProbeFinding::new(
                        &checks::CORS_CREDENTIALS,
                        a.url.clone(),
                        format!(
                            "the foreign origin `{PROBE_ORIGIN}` is echoed in Access-Control-Allow-Origin with credentials allowed: any site can read responses with the user's cookies"
                        ),
                    ),
                );
                break;
            }
            Some("*") if creds && cors_hit.is_none() => {
                cors_hit = Some(
                    ProbeFinding::new(
                        &checks::CORS_CREDENTIALS,
                        a.url.clone(),
                        "`Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true` (browsers refuse the pair; the intent is any origin with credentials)",
                    )
                    .at(Severity::Medium),
                );
            }
            _ => {}
        }
    }
    out.extend(cors_hit);
    out
}

fn hsts_max_age(v: &str) -> Option<u64> {
    v.split(';').find_map(|d| {
        let (k, val) = d.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("max-age")
            .then(|| val.trim().trim_matches('"').parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(url: &str, headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            url: url.to_string(),
            status: 200,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: b"x".to_vec(),
            truncated: false,
            elapsed_ms: 1.0,
            followed: Vec::new(),
            offorigin_redirect: None,
        }
    }

    #[test]
    fn hardened_answers_pass() {
        let a = ex(
            "https://h/",
            &[
                ("content-type", "text/html; charset=utf-8"),
                (
                    "strict-transport-security",
                    "max-age=63072000; includeSubDomains",
                ),
                ("x-content-type-options", "nosniff"),
                ("content-security-policy", "default-src 'self'"),
                ("server", "nginx"),
            ],
        );
        assert!(findings(Scheme::Https, &[&a], None).is_empty());
    }

    #[test]
    fn gaps_are_one_finding_each() {
        let a = ex(
            "https://h/",
            &[
                ("content-type", "text/html"),
                ("server", "Werkzeug/3.0.1 Python/3.11.7"),
            ],
        );
        let b = ex(
            "https://h/healthz",
            &[
                ("content-type", "application/json"),
                ("x-powered-by", "Express"),
            ],
        );
        let f = findings(Scheme::Https, &[&a, &b], None);
        let ids: Vec<&str> = f.iter().map(|f| f.check.id).collect();
        assert_eq!(
            ids,
            vec![
                "probe/missing-hsts",
                "probe/missing-nosniff",
                "probe/missing-csp",
                "probe/server-version-leak"
            ]
        );
        assert_eq!(f[0].related, vec!["https://h/healthz".to_string()]);
        assert!(f[3].message.contains("Werkzeug/3.0.1"));
        // Plain HTTP: no HSTS expected.
        assert!(findings(Scheme::Http, &[&b], None)
            .iter()
            .all(|f| f.check.id != "probe/missing-hsts"));
    }

    #[test]
    fn short_hsts_and_cors() {
        let a = ex(
            "https://h/",
            &[
                ("strict-transport-security", "max-age=300"),
                ("x-content-type-options", "nosniff"),
            ],
        );
        let f = findings(Scheme::Https, &[&a], None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Low);
        let c = ex(
            "http://h/",
            &[
                ("access-control-allow-origin", PROBE_ORIGIN),
                ("access-control-allow-credentials", "true"),
                ("x-content-type-options", "nosniff"),
            ],
        );
        let f = findings(Scheme::Http, &[], Some(&c));
        assert_eq!(f[0].check.id, "probe/cors-credentials");
        assert_eq!(f[0].severity, Severity::High);
        let star = ex(
            "http://h/",
            &[
                ("access-control-allow-origin", "*"),
                ("access-control-allow-credentials", "true"),
                ("x-content-type-options", "nosniff"),
            ],
        );
        assert_eq!(
            findings(Scheme::Http, &[&star], None)[0].severity,
            Severity::Medium
        );
        let fine = ex(
            "http://h/",
            &[
                ("access-control-allow-origin", "*"),
                ("x-content-type-options", "nosniff"),
            ],
        );
        assert!(findings(Scheme::Http, &[&fine], None).is_empty());
    }
}
