//! Observability: health and readiness endpoints, metrics, structured logging.

use super::super::facts::{is_production, Facts};
use super::super::outcome::{first, na, out, Outcome};
use super::super::strength;
use super::super::workloads::Containers;
use super::super::{Evidence, Profile, State};

/// Health checks and probes that call a health route: proof the route exists
/// even when the framework serving it is not one the source grep knows.
fn probed_health_routes(c: &Containers) -> Vec<Evidence> {
    let healthy = |t: &str| {
        let t = t.to_ascii_lowercase();
        let route = |w: &str| {
            ["/health", "/livez", "/ping", "/_health", "/status"]
                .iter()
                .any(|r| w.contains(r))
        };
        // A probe's path is the route itself; in a command only a URL is (a
        // program such as `extra/healthcheck` or `/app/healthcheck` names no route).
        if t.starts_with('/') && !t.contains(char::is_whitespace) {
            return route(&t);
        }
        t.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | '[' | ']'))
            .filter(|w| {
                w.contains("://")
                    || ["localhost", "127.0.0.1", "0.0.0.0", "[::1]", "${", "$"]
                        .iter()
                        .any(|h| w.starts_with(h))
            })
            .any(route)
    };
    let mut ev = Vec::new();
    for d in &c.dockerfiles {
        if let Some((l, args)) = &d.healthcheck {
            if healthy(args) {
                ev.push(Evidence::new(
                    &d.path,
                    *l,
                    "HEALTHCHECK calls a health route",
                ));
            }
        }
    }
    for s in &c.services {
        if let Some((l, true)) = s.healthcheck {
            if healthy(&s.hc_text) {
                ev.push(Evidence::new(
                    &s.file,
                    l,
                    format!("service {}: healthcheck calls a health route", s.name),
                ));
            }
        }
    }
    for k in &c.k8s {
        if let Some((l, path)) = &k.probe {
            if healthy(path) {
                ev.push(Evidence::new(&k.file, *l, format!("probe on {path}")));
            }
        }
    }
    ev
}

/// File-system routes (Next.js `pages/api/health.ts`, `app/api/healthz/route.ts`,
/// SvelteKit `routes/health/+server.ts`) whose route name matches `names`.
pub(crate) fn file_routes(facts: &Facts<'_>, names: &[&str]) -> Vec<Evidence> {
    facts
        .inventory
        .iter()
        .filter(|e| is_production(&e.path))
        .filter(|e| {
            let lower = e.path.to_ascii_lowercase();
            let Some((stem_path, ext)) = lower.rsplit_once('.') else {
                return false;
            };
            if !matches!(ext, "ts" | "js" | "tsx" | "jsx" | "mjs") {
                return false;
            }
            let parts: Vec<&str> = stem_path.split('/').collect();
            let routed = parts
                .iter()
                .any(|p| matches!(*p, "api" | "routes" | "pages"));
            let last = parts.last().copied().unwrap_or("");
            let route_name = if matches!(last, "route" | "+server" | "index" | "+page.server") {
                parts
                    .len()
                    .checked_sub(2)
                    .and_then(|i| parts.get(i))
                    .copied()
                    .unwrap_or("")
            } else {
                last
            };
            routed && names.contains(&route_name)
        })
        .map(|e| Evidence::new(&e.path, 1, "file-system route"))
        .collect()
}

pub(crate) const HEALTH_ROUTE_NAMES: &[&str] =
    &["health", "healthz", "healthcheck", "livez", "ping"];
const READY_ROUTE_NAMES: &[&str] = &["ready", "readyz", "readiness"];

pub(crate) fn health_endpoint(facts: &Facts<'_>, c: &Containers, p: &Profile) -> Outcome {
    let mut ev = facts.source.health.clone();
    // A registered route proves the service answers; a health library's import
    // may be a client (`grpc_health_v1` in a CLI that checks another service):
    // routes first, within the code's rank (a stable sort keeps the model's order).
    ev.sort_by_key(|e| {
        (
            std::cmp::Reverse(strength::code_rank(&e.path)),
            !e.note.starts_with("route "),
        )
    });
    ev.extend(file_routes(facts, HEALTH_ROUTE_NAMES));
    if !p.service && ev.is_empty() {
        return na("no service code or exposed port");
    }
    ev.extend(actuator(facts));
    if ev.is_empty() {
        let probed = probed_health_routes(c);
        if !probed.is_empty() {
            return out(
                State::Done,
                first(probed, 3),
                "health route called by the container health check",
            );
        }
        return out(
            State::Missing,
            first(facts.source.web.clone(), 2),
            "service has no health route",
        );
    }
    out(State::Done, first(ev, 3), "health route in service code")
}

fn actuator(facts: &Facts<'_>) -> Vec<Evidence> {
    facts
        .manifests
        .iter()
        .filter_map(|m| {
            m.actuator_line
                .map(|n| Evidence::new(&m.path, n, "Spring Boot Actuator"))
        })
        .collect()
}

pub(crate) fn readiness_endpoint(facts: &Facts<'_>, c: &Containers, p: &Profile) -> Outcome {
    if !p.service {
        return na("no service code or exposed port");
    }
    let mut ev = facts.source.ready.clone();
    ev.extend(file_routes(facts, READY_ROUTE_NAMES));
    ev.extend(actuator(facts));
    if !ev.is_empty() {
        return out(State::Done, first(ev, 3), "readiness route in service code");
    }
    let probes: Vec<Evidence> = c
        .k8s
        .iter()
        .filter_map(|k| {
            k.readiness.as_ref().map(|(l, path)| {
                Evidence::new(
                    &k.file,
                    *l,
                    format!("readinessProbe {path} (no readiness route in code)"),
                )
            })
        })
        .collect();
    if let Some(k) = c.k8s.iter().find(|k| {
        k.readiness
            .as_ref()
            .is_some_and(|(_, p)| p.to_ascii_lowercase().contains("ready"))
    }) {
        if let Some((l, path)) = &k.readiness {
            return out(
                State::Done,
                vec![Evidence::new(
                    &k.file,
                    *l,
                    format!("readinessProbe on {path}"),
                )],
                "readiness route probed by Kubernetes",
            );
        }
    }
    if !probes.is_empty() {
        return out(
            State::Partial,
            first(probes, 3),
            "readiness probe without a readiness route",
        );
    }
    out(State::Missing, Vec::new(), "no readiness route")
}

pub(crate) fn metrics(facts: &Facts<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: nothing runs to be measured");
    }
    if facts.source_files == 0 {
        return na("no application source code");
    }
    const SCRAPE: &str = "Prometheus scrape configuration";
    // The walk found each manifest's first scrape line (`model::kubernetes`,
    // `model::config_files` for templated ones).
    let scrape: Vec<Evidence> = facts
        .k8s
        .iter()
        .filter_map(|k| k.scrape_line.map(|n| Evidence::new(&k.path, n, SCRAPE)))
        .chain(
            facts
                .helm
                .iter()
                .filter_map(|h| h.scrape_line.map(|n| Evidence::new(&h.path, n, SCRAPE))),
        )
        .collect();
    if facts.source.metrics.is_empty() && !scrape.is_empty() {
        return out(
            State::Done,
            first(scrape, 2),
            "metrics scraped by Prometheus",
        );
    }
    if !facts.source.metrics.is_empty() {
        return out(
            State::Done,
            first(facts.source.metrics.clone(), 3),
            "metrics exported",
        );
    }
    let deps: Vec<Evidence> = facts
        .manifests
        .iter()
        .filter_map(|m| {
            m.metrics_line
                .map(|n| Evidence::new(&m.path, n, "metrics client declared, not used in code"))
        })
        .collect();
    if !deps.is_empty() {
        return out(
            State::Partial,
            first(deps, 2),
            "metrics dependency declared but unused",
        );
    }
    out(State::Missing, Vec::new(), "no metrics")
}

pub(crate) fn structured_logging(facts: &Facts<'_>, p: &Profile) -> Outcome {
    if p.library {
        return na("library or tool: logging is the application's choice");
    }
    if facts.source_files == 0 {
        return na("no application source code");
    }
    let mut structured = facts.source.log_structured.clone();
    let mut plain = facts.source.log_plain.clone();
    for c in &facts.log_configs {
        if c.json {
            structured.push(Evidence::new(
                &c.path,
                1,
                "logging config with a JSON formatter",
            ));
        } else {
            plain.push(Evidence::new(&c.path, 1, "logging config"));
        }
    }
    if !structured.is_empty() {
        return out(State::Done, first(structured, 3), "structured logging");
    }
    if !plain.is_empty() {
        return out(
            State::Partial,
            first(plain, 3),
            format!(
                "plain-text logging ({} print-style calls)",
                facts.source.print_count
            ),
        );
    }
    let n = facts.source.print_count;
    out(
        State::Missing,
        first(facts.source.prints.clone(), 3),
        if n > 0 {
            format!("print-only output ({n} calls)")
        } else {
            "no logging".to_string()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nextjs_and_sveltekit_file_routes() {
        let inv: Vec<crate::classify::InventoryEntry> = [
            "app/api/healthz/route.ts",
            "pages/api/ready.ts",
            "src/routes/health/+server.ts",
            "src/lib/health.ts",
            "tests/api/health.ts",
        ]
        .iter()
        .map(|p| crate::classify::InventoryEntry {
            path: (*p).into(),
            kind: None,
        })
        .collect();
        let model = crate::model::Repository::new(&inv, crate::model::Facts::default());
        let facts =
            crate::status::facts::gather(std::path::Path::new("/nonexistent"), &inv, &model);
        let h: Vec<String> = file_routes(&facts, HEALTH_ROUTE_NAMES)
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            h,
            vec!["app/api/healthz/route.ts", "src/routes/health/+server.ts"]
        );
        assert_eq!(file_routes(&facts, READY_ROUTE_NAMES).len(), 1);
    }
}
