//! Health, readiness and metrics routes with the paths a client requests: the
//! router's own prefix (`APIRouter(prefix=...)`, `Blueprint(url_prefix=...)`)
//! put in front, and the prefixes routers are mounted under elsewhere
//! (`include_router(..., prefix=settings.API_V1_STR)`, the constant resolved)
//! offered as more likely candidates. Which candidate is real only a running
//! service can tell: `harden probe` asks, most likely first.

use std::collections::BTreeSet;

use serde::Serialize;

pub use crate::model::routes::{Mount, PrefixFacts, RouteFact, RouteKind};

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
    use crate::model::routes::{decorator_router, prefix_facts, router_prefixes};

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
