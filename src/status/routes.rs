//! Health, readiness and metrics routes with the paths a client requests: the
//! router's own prefix (`APIRouter(prefix=...)`, `Blueprint(url_prefix=...)`)
//! put in front, and the prefixes routers are mounted under elsewhere
//! (`include_router(..., prefix=settings.API_V1_STR)`, the constant resolved)
//! offered as more likely candidates. Which candidate is real only a running
//! service can tell: `harden probe` asks, most likely first.

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

/// A route with the paths to try, most likely first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Kind.
    pub kind: RouteKind,
    /// Candidate paths, most likely first; the path as written is always last.
    pub paths: Vec<String>,
    /// Repository-relative file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
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

fn join(prefix: &str, path: &str) -> String {
    let p = prefix.trim_end_matches('/');
    let rest = path.trim_start_matches('^');
    if rest.starts_with('/') {
        format!("{p}{rest}")
    } else {
        format!("{p}/{rest}")
    }
}

fn clean(path: &str) -> String {
    let p = path.trim_start_matches('^').trim_end_matches('$');
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

/// Resolves routes against the mount prefixes seen anywhere in the repository.
/// A prefix whose constant is defined more than once with different values is
/// tried with each value (at most three mount prefixes in all).
pub fn resolve(facts: &[RouteFact], prefixes: &PrefixFacts) -> Vec<Route> {
    let mut mounts: Vec<String> = Vec::new();
    for m in &prefixes.mounts {
        match m {
            Mount::Literal(l) if !l.is_empty() => mounts.push(l.clone()),
            Mount::Literal(_) => {}
            Mount::Constant(name) => mounts.extend(
                prefixes
                    .constants
                    .iter()
                    .filter(|(n, _)| n == name)
                    .map(|(_, v)| v.clone()),
            ),
        }
    }
    mounts.sort();
    mounts.dedup();
    mounts.truncate(3);
    let mut out: Vec<Route> = Vec::new();
    for f in facts {
        let own = match &f.router_prefix {
            Some(p) if !p.is_empty() => join(p, &f.path),
            _ => f.path.clone(),
        };
        let mut paths = Vec::new();
        for m in &mounts {
            // A route written with its mount prefix already (`/api/v1/health`) keeps it once.
            let m_clean = clean(m);
            if clean(&own).starts_with(&format!("{}/", m_clean.trim_end_matches('/'))) {
                continue;
            }
            paths.push(clean(&join(m, &own)));
        }
        paths.push(clean(&own));
        paths.push(clean(&f.path));
        let mut seen = BTreeSet::new();
        paths.retain(|p| seen.insert(p.clone()));
        out.push(Route {
            kind: f.kind,
            paths,
            file: f.file.clone(),
            line: f.line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastapi_router_prefix_and_mount_constant() {
        // The shape of the FastAPI full-stack template.
        let utils = "from fastapi import APIRouter\n\nrouter = APIRouter(prefix=\"/utils\", tags=[\"utils\"])\n\n@router.get(\"/health-check/\")\nasync def health_check() -> bool:\n    return True\n";
        assert_eq!(
            router_prefixes(utils),
            vec![("router".to_string(), "/utils".to_string())]
        );
        assert_eq!(
            decorator_router("@router.get(\"/health-check/\")"),
            Some("router")
        );
        let main = "app.include_router(api_router, prefix=settings.API_V1_STR)\n";
        let config = "class Settings(BaseSettings):\n    API_V1_STR: str = \"/api/v1\"\n";
        let mut p = prefix_facts(main);
        let c = prefix_facts(config);
        p.constants.extend(c.constants);
        let routes = resolve(
            &[RouteFact {
                kind: RouteKind::Health,
                path: "/health-check/".into(),
                file: "backend/app/api/routes/utils.py".into(),
                line: 29,
                router_prefix: Some("/utils".into()),
            }],
            &p,
        );
        assert_eq!(
            routes[0].paths,
            vec![
                "/api/v1/utils/health-check/",
                "/utils/health-check/",
                "/health-check/"
            ]
        );
    }

    #[test]
    fn a_mount_prefix_already_written_is_not_doubled() {
        let mut p = PrefixFacts::default();
        p.mounts.insert(Mount::Literal("/api/v1".into()));
        let r = resolve(
            &[RouteFact {
                kind: RouteKind::Health,
                path: "/api/v1/health".into(),
                file: "app.py".into(),
                line: 9,
                router_prefix: None,
            }],
            &p,
        );
        assert_eq!(r[0].paths, vec!["/api/v1/health"]);
    }

    #[test]
    fn flask_blueprint_and_literal_mounts() {
        let bp = "bp = Blueprint('health', __name__, url_prefix='/ops')\n";
        assert_eq!(
            router_prefixes(bp),
            vec![("bp".to_string(), "/ops".to_string())]
        );
        let p = prefix_facts("app.register_blueprint(bp, url_prefix=\"/api\")\napp.include_router(r, prefix=f\"{API}\")\n");
        assert!(p.mounts.contains(&Mount::Literal("/api".into())));
        assert!(p.mounts.contains(&Mount::Constant("API".into())));
        let django = resolve(
            &[RouteFact {
                kind: RouteKind::Ready,
                path: "api/v1/ready/".into(),
                file: "urls.py".into(),
                line: 3,
                router_prefix: None,
            }],
            &PrefixFacts::default(),
        );
        assert_eq!(django[0].paths, vec!["/api/v1/ready/"]);
    }
}
