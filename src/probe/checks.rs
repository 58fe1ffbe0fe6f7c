//! The checks `harden probe` runs against a live service, declared as data so
//! `harden explain probe/...` documents them like the file rules.

use crate::finding::Severity;

/// A live check: its id, default severity, one-line summary and the docs
/// `harden explain` prints.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Stable id, `probe/name`.
    pub id: &'static str,
    /// Default severity (some checks raise or lower it with what they saw).
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Why it matters and what to do.
    pub docs: &'static str,
}

macro_rules! check {
    ($name:ident, $id:literal, $sev:ident, $summary:literal, $docs:literal) => {
        /// See the `docs` field.
        pub const $name: Check = Check {
            id: $id,
            severity: Severity::$sev,
            summary: $summary,
            docs: $docs,
        };
    };
}

check!(
    HEALTH_FAILING,
    "probe/health-failing",
    High,
    "The health endpoint answers with an error status",
    "A liveness route that answers 5xx makes an orchestrator restart the container in a loop \
     and a load balancer take it out of rotation. The service reports itself broken now: read \
     the body and the logs. (Readiness is `probe/not-ready`.)"
);
check!(
    NOT_READY,
    "probe/not-ready",
    Medium,
    "The readiness endpoint says the service is not ready",
    "A readiness route that answers non-2xx (503 while a dependency is down, or while a model \
     loads) keeps the instance out of rotation. That can be correct for a moment; at release \
     time it means a dependency the service needs is not reachable. The body usually names it."
);
check!(
    ROUTE_NOT_SERVED,
    "probe/route-not-served",
    Medium,
    "A health, readiness or metrics route registered in the code does not answer at the URL",
    "The code registers the route (the finding points at the line), but the running service \
     answers 404 or nothing there: a router prefix in front of it, a different build deployed, \
     or a proxy that does not forward it. Probes and scrapers configured from the code will fail."
);
check!(
    NO_HEALTH_ENDPOINT,
    "probe/no-health-endpoint",
    Medium,
    "No health endpoint answered at the URL",
    "Neither the routes found in the code nor the conventional ones (`/health`, `/healthz`, \
     `/livez`) answered 2xx. Without one, orchestrators can only check that a port is open. \
     Expose a cheap liveness route; pass its path with `--path` if it has an unusual name."
);
check!(
    SLOW_ENDPOINT,
    "probe/slow-endpoint",
    Medium,
    "A health, readiness or metrics endpoint is slow",
    "Kubernetes probes time out after 1 s by default and Prometheus scrapes after 10 s; a \
     health route whose 95th percentile is above 1 s fails probes under load and gets healthy \
     pods restarted. Keep liveness cheap (no I/O), cache expensive readiness checks."
);
check!(
    SHALLOW_HEALTH_CHECK,
    "probe/shallow-health-check",
    Info,
    "The health or readiness endpoint answers without naming any dependency it checked",
    "A 200 with an empty or constant body proves the process serves HTTP, nothing more: it \
     cannot be told apart from a handler that returns 200 while the database is down. For \
     readiness this means readiness equals liveness (low). Report each dependency's state in \
     the body (`{\"status\": \"ok\", \"checks\": {\"db\": \"ok\"}}`) and answer 503 when one fails."
);
check!(
    METRICS_UNPARSEABLE,
    "probe/metrics-unparseable",
    High,
    "The metrics page is not valid Prometheus/OpenMetrics text",
    "Prometheus rejects the whole scrape when one line does not parse: none of the service's \
     metrics are collected and `up` is 0. Each error has its line in the page. Serve the page \
     from the client library's exposition function rather than building it by hand."
);
check!(
    METRICS_INVALID_SERIES,
    "probe/metrics-invalid-series",
    Low,
    "The metrics page has duplicate series, split families or histograms without +Inf",
    "These lines parse, but break the data model: a duplicate series is dropped (\"duplicate \
     sample for timestamp\"), a histogram without `le=\"+Inf\"` gives wrong quantiles, and \
     interleaved families are rejected by OpenMetrics parsers."
);
check!(
    METRICS_MISSING_METADATA,
    "probe/metrics-missing-metadata",
    Low,
    "Metric families without HELP or TYPE",
    "Without `# TYPE` a family is untyped: `rate()` and histogram functions cannot be used \
     safely and OpenMetrics consumers treat it as unknown. Without `# HELP` nobody knows what \
     it measures. Client libraries write both when metrics are declared through them."
);
check!(
    COUNTER_WITHOUT_TOTAL,
    "probe/counter-without-total",
    Low,
    "Counters whose names do not end in `_total`",
    "Prometheus naming conventions and OpenMetrics require counter samples to end in `_total`; \
     Prometheus 3 appends it when translating, so dashboards and alerts written against the \
     old name break. Rename the counter (keep the old name for a release if alerts use it)."
);
check!(
    METRICS_HIGH_CARDINALITY,
    "probe/metrics-high-cardinality",
    Medium,
    "A metric label takes unbounded values (ids, raw paths, many distinct values)",
    "Each label value is a separate time series in Prometheus. A label holding user ids, \
     request ids or raw URL paths grows without bound and eventually exhausts the server's \
     memory. Use route templates (`/items/{id}`), move ids to logs or exemplars."
);
check!(
    METRICS_RUNTIME_ONLY,
    "probe/metrics-runtime-only",
    Medium,
    "The metrics page has only runtime defaults, no metric of the service itself",
    "`process_*`, `python_gc_*`, `go_*` come for free with the client library; they say the \
     process is alive, not whether requests succeed. Add request counts, errors and latency \
     (a histogram) per route, and the work the service does (jobs, queue depth)."
);
check!(
    TLS_UNTRUSTED,
    "probe/tls-untrusted",
    High,
    "The TLS certificate is not valid for this host (expired, self-signed, unknown CA, wrong name)",
    "Clients either refuse to connect or are configured to skip verification, which removes \
     the protection TLS gives. The probe inspects the certificate without trusting it. Serve a \
     certificate from a trusted CA that covers the host name, with its intermediates."
);
check!(
    TLS_EXPIRING,
    "probe/tls-expiring",
    Medium,
    "The TLS certificate expires soon",
    "Expiry takes the whole service down for every client at once. High within 7 days, \
     medium within 30. Automate renewal (ACME / cert-manager) and alert on expiry."
);
check!(
    TLS_LEGACY,
    "probe/tls-legacy",
    Low,
    "The server does not negotiate TLS 1.3, or signs with SHA-1 or a short key",
    "TLS 1.2 without 1.3 is hygiene (low); a SHA-1 signature or an RSA key below 2048 bits in \
     the chain is a real weakness (medium); a server that speaks neither TLS 1.2 nor 1.3 is \
     reported as high."
);
check!(
    MISSING_HSTS,
    "probe/missing-hsts",
    Medium,
    "HTTPS responses without Strict-Transport-Security",
    "Without HSTS a user who types the host name or follows an http:// link can be downgraded \
     to plain HTTP by anyone on the path. Send `Strict-Transport-Security: max-age=31536000; \
     includeSubDomains` on every HTTPS response (a max-age under 180 days is reported too)."
);
check!(
    MISSING_NOSNIFF,
    "probe/missing-nosniff",
    Low,
    "Responses without X-Content-Type-Options: nosniff",
    "Browsers may sniff a response into a script or a page when its type is ambiguous; \
     `X-Content-Type-Options: nosniff` stops that. Set it once in the server or middleware."
);
check!(
    MISSING_CSP,
    "probe/missing-csp",
    Medium,
    "HTML pages without a Content-Security-Policy",
    "A Content-Security-Policy is the second line of defence against cross-site scripting: \
     it limits where scripts load from. Start with `default-src 'self'` and relax per need."
);
check!(
    SERVER_VERSION_LEAK,
    "probe/server-version-leak",
    Low,
    "Server or X-Powered-By headers name software versions",
    "`Server: nginx/1.18.0` or `X-Powered-By: PHP/7.4.3` tells an attacker which known \
     vulnerabilities to try. Turn off the version (`server_tokens off;`, `--no-server-header`)."
);
check!(
    CORS_CREDENTIALS,
    "probe/cors-credentials",
    High,
    "CORS allows any origin together with credentials",
    "The probe sends one request with a foreign `Origin`. Reflecting it back in \
     `Access-Control-Allow-Origin` with `Access-Control-Allow-Credentials: true` lets any web \
     site read authenticated responses in the user's browser (high). `*` with credentials is \
     refused by browsers but shows the intent (medium). Allow-list the origins you serve."
);
check!(
    CROSS_ORIGIN_REDIRECT,
    "probe/cross-origin-redirect",
    Low,
    "A probed endpoint redirects to another origin (not followed)",
    "The probe only talks to the origin it was given. A health or metrics route that redirects \
     elsewhere (to a login page, from http to https) cannot be used by an orchestrator or a \
     scraper as configured; point them at the final URL or serve the route without a redirect."
);

/// Every check, in report order.
pub static ALL: &[Check] = &[
    HEALTH_FAILING,
    NOT_READY,
    ROUTE_NOT_SERVED,
    NO_HEALTH_ENDPOINT,
    SLOW_ENDPOINT,
    SHALLOW_HEALTH_CHECK,
    METRICS_UNPARSEABLE,
    METRICS_INVALID_SERIES,
    METRICS_MISSING_METADATA,
    COUNTER_WITHOUT_TOTAL,
    METRICS_HIGH_CARDINALITY,
    METRICS_RUNTIME_ONLY,
    TLS_UNTRUSTED,
    TLS_EXPIRING,
    TLS_LEGACY,
    MISSING_HSTS,
    MISSING_NOSNIFF,
    MISSING_CSP,
    SERVER_VERSION_LEAK,
    CORS_CREDENTIALS,
    CROSS_ORIGIN_REDIRECT,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_unique_and_namespaced() {
        let mut ids: Vec<&str> = ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len());
        assert!(ALL
            .iter()
            .all(|c| c.id.starts_with("probe/") && !c.docs.is_empty()));
        assert!(find("probe/missing-hsts").is_some());
    }
}
