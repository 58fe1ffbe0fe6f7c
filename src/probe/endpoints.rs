//! Which paths to probe: routes the code registers (from `status`), the
//! conventional ones, and those given with `--path`; merged by path so one
//! path is requested once whatever named it.

use super::report::{CodeRef, Origin, Role};
use crate::status::routes::{Route, RouteKind};

/// A route the code registers, as the repository model resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteHint {
    /// What the route is for.
    pub role: Role,
    /// Path candidates, most likely first (a resolved router prefix first,
    /// the route as written last).
    pub paths: Vec<String>,
    /// Where it is registered.
    pub code: CodeRef,
}

/// The routes `status` found in the code, as probe hints.
pub fn hints_from_routes(routes: &[Route]) -> Vec<RouteHint> {
    routes
        .iter()
        .map(|r| RouteHint {
            role: match r.kind {
                RouteKind::Health => Role::Health,
                RouteKind::Ready => Role::Ready,
                RouteKind::Metrics => Role::Metrics,
            },
            paths: r.paths.clone(),
            code: CodeRef {
                path: r.file.clone(),
                line: r.line,
            },
        })
        .collect()
}

/// Conventional paths, per role.
pub const CONVENTIONAL: &[(Role, &str)] = &[
    (Role::Health, "/health"),
    (Role::Health, "/healthz"),
    (Role::Health, "/livez"),
    (Role::Ready, "/readyz"),
    (Role::Ready, "/ready"),
    (Role::Metrics, "/metrics"),
];

/// A path to request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Role.
    pub role: Role,
    /// Route path (before the base path is put in front).
    pub route: String,
    /// Why.
    pub origins: Vec<Origin>,
}

/// The role a path's name suggests (`--path /api/v1/ready` → readiness).
pub fn role_of(path: &str) -> Role {
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match last.as_str() {
        "health" | "healthz" | "livez" | "liveness" | "live" | "healthcheck" | "health-check"
        | "health_check" | "_health" | "ping" => Role::Health,
        "ready" | "readyz" | "readiness" | "startupz" | "_ready" => Role::Ready,
        "metrics" | "prometheus" => Role::Metrics,
        _ => Role::Other,
    }
}

fn normalise(path: &str) -> String {
    let p = path.trim();
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

/// Builds the request list: code routes first (each candidate path of each),
/// then `--path`, then the conventional paths not already named.
pub fn candidates(hints: &[RouteHint], flags: &[String], conventional: bool) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut add = |role: Role, route: String, origin: Origin| {
        if let Some(c) = out.iter_mut().find(|c| c.route == route) {
            if !c.origins.contains(&origin) {
                c.origins.push(origin);
            }
            if c.role == Role::Other {
                c.role = role;
            }
        } else {
            out.push(Candidate {
                role,
                route,
                origins: vec![origin],
            });
        }
    };
    for h in hints {
        for p in &h.paths {
            add(h.role, normalise(p), Origin::Code(h.code.clone()));
        }
    }
    for p in flags {
        let route = normalise(p);
        add(role_of(&route), route, Origin::Flag);
    }
    if conventional {
        for (role, p) in CONVENTIONAL {
            add(*role, (*p).to_string(), Origin::Convention);
        }
    }
    out.sort_by_key(|c| c.role);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_by_path_code_first() {
        let hints = vec![RouteHint {
            role: Role::Health,
            paths: vec![
                "/api/v1/utils/health-check/".into(),
                "/health-check/".into(),
            ],
            code: CodeRef {
                path: "app/api/routes/utils.py".into(),
                line: 29,
            },
        }];
        let c = candidates(
            &hints,
            &["healthz".to_string(), "/version".to_string()],
            true,
        );
        let routes: Vec<&str> = c.iter().map(|c| c.route.as_str()).collect();
        assert_eq!(
            routes,
            vec![
                "/api/v1/utils/health-check/",
                "/health-check/",
                "/healthz",
                "/health",
                "/livez",
                "/readyz",
                "/ready",
                "/metrics",
                "/version"
            ]
        );
        let healthz = &c[2];
        assert_eq!(healthz.origins, vec![Origin::Flag, Origin::Convention]);
        assert_eq!(role_of("/api/v1/ready/"), Role::Ready);
        assert_eq!(role_of("/version"), Role::Other);
    }
}
