//! Route registrations as the source writes them: health, readiness and metrics
//! routes, the router's own prefix (`APIRouter(prefix=...)`,
//! `Blueprint(url_prefix=...)`), and the prefixes routers are mounted under
//! (`include_router(..., prefix=settings.API_V1_STR)`) with the constants that
//! hold them. Found once during the walk ([`super::code`]); `status::routes`
//! turns them into the paths a client requests.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// What a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RouteKind {
    /// Liveness.
    Health,
    /// Readiness.
    Ready,
    /// Prometheus metrics.
    Metrics,
}

/// A route registration as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouteFact {
    /// Kind.
    pub kind: RouteKind,
    /// Path literal as written (`/health-check/`, `healthz/`).
    pub path: String,
    /// Repository-relative file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// The prefix of the router the decorator belongs to, in the same file.
    pub router_prefix: Option<String>,
}

/// What a file says about prefixes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrefixFacts {
    /// Prefixes routers are mounted under: literals, or constant names to resolve.
    pub mounts: BTreeSet<Mount>,
    /// Upper-case constants holding a path (`API_V1_STR = "/api/v1"`).
    pub constants: BTreeSet<(String, String)>,
}

/// A mount prefix as written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mount {
    /// `prefix="/api"`.
    Literal(String),
    /// `prefix=settings.API_V1_STR` (the last name).
    Constant(String),
}

static ROUTER_DEF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)^\s*(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:[\w.]+\.)?(?:APIRouter|Blueprint)\((?s:[^)]*?)\b(?:url_)?prefix\s*=\s*["']([^"']*)["']"#,
    )
    .unwrap_or_else(|_| unreachable!())
});

static DECORATOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^@(\w+)\.").unwrap_or_else(|_| unreachable!()));

static MOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:include_router|register_blueprint)\((?s:[^)]*?)\b(?:url_)?prefix\s*=\s*(?:["']([^"']*)["']|(?:f["']\{)?([\w.]+))"#,
    )
    .unwrap_or_else(|_| unreachable!())
});

static CONSTANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?m)^\s*([A-Z][A-Z0-9_]*)\s*(?::\s*\w+\s*)?=\s*["'](/[^"'\s]*)["']"#)
        .unwrap_or_else(|_| unreachable!())
});

/// Router variables and their prefixes in one Python file.
pub fn router_prefixes(text: &str) -> Vec<(String, String)> {
    if !(text.contains("APIRouter(") || text.contains("Blueprint(")) {
        return Vec::new();
    }
    ROUTER_DEF
        .captures_iter(text)
        .filter_map(|c| {
            Some((
                c.get(1)?.as_str().to_string(),
                c.get(2)?.as_str().to_string(),
            ))
        })
        .collect()
}

/// The router a decorator line (`@router.get("/x")`) registers on.
pub fn decorator_router(trimmed_line: &str) -> Option<&str> {
    DECORATOR
        .captures(trimmed_line)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

/// Mount prefixes and path constants in one Python file.
pub fn prefix_facts(text: &str) -> PrefixFacts {
    let mut out = PrefixFacts::default();
    if text.contains("include_router(") || text.contains("register_blueprint(") {
        for c in MOUNT.captures_iter(text) {
            if let Some(l) = c.get(1) {
                out.mounts.insert(Mount::Literal(l.as_str().to_string()));
            } else if let Some(n) = c.get(2) {
                let last = n.as_str().rsplit('.').next().unwrap_or_default();
                if !last.is_empty() {
                    out.mounts.insert(Mount::Constant(last.to_string()));
                }
            }
        }
    }
    if text.contains("= \"/") || text.contains("= '/") {
        for c in CONSTANT.captures_iter(text) {
            if let (Some(n), Some(v)) = (c.get(1), c.get(2)) {
                out.constants
                    .insert((n.as_str().to_string(), v.as_str().to_string()));
            }
        }
    }
    out
}
