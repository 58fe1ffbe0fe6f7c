//! The dependency graph between tasks: what must be true before another change
//! makes sense, each edge with its reason.
//!
//! Edges come only from logic, the [`DECLARED`] table of "X before Y" between rules
//! (keyed by rule id patterns, so rules that land later are covered without code):
//! credentials centralised before connections are pooled, logging before telemetry,
//! retries before a circuit breaker, conflicting pins reconciled before automated
//! updates, a health route before a health check that uses it. Two tasks that merely
//! edit the same file are not ordered here: that is a scheduling constraint (they
//! never run at once, see `schedule.rs`) and a hint for who takes them (`tracks.rs`),
//! not a reason for one to wait for the other.
//!
//! Every edge goes forward in phase or stays in it (a declared edge that severity
//! turned backwards, when the "after" task holds high findings and so is phase 0, is
//! dropped: the blocker goes first). So a cycle could only be made of declared edges
//! within one phase, and an edge that would close one is refused (checked against the
//! reachability of the graph built so far): the graph is acyclic by construction.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{DepKind, Dependency, Task};

/// When a declared dependency applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepScope {
    /// Between any two matching tasks.
    Any,
    /// Only when the two tasks edit a common file.
    SharedFile,
}

/// "Do `before` first, then `after`", between rules matching the two patterns.
#[derive(Debug, Clone, Copy)]
pub struct DeclaredDep {
    /// Rule id pattern (`*` matches any run of characters, `secrets/*` a family).
    pub before: &'static str,
    /// Rule id pattern.
    pub after: &'static str,
    /// Why, as it reads in the plan.
    pub reason: &'static str,
    /// When it applies.
    pub scope: DepScope,
}

const fn dep(before: &'static str, after: &'static str, reason: &'static str) -> DeclaredDep {
    DeclaredDep {
        before,
        after,
        reason,
        scope: DepScope::Any,
    }
}

/// The declared table.
pub const DECLARED: &[DeclaredDep] = &[
    dep(
        "config/scattered-connection-settings",
        "*pool*",
        "centralise connection settings before consolidating connection pools",
    ),
    dep(
        "config/duplicated-credential",
        "config/scattered-connection-settings",
        "take the copied credentials out first: the one settings module then reads them once",
    ),
    dep(
        "python/requests-no-timeout",
        "*circuit-breaker*",
        "add timeouts and retries before a circuit breaker",
    ),
    dep(
        "python/print-in-library",
        "*telemetry*",
        "fix logging before adding telemetry",
    ),
    dep(
        "config/duplicated-credential",
        "*pool*",
        "centralise credentials before connections are pooled: the pool reads them once",
    ),
    dep(
        "secrets/*",
        "*pool*",
        "centralise credentials before connections are pooled: the pool reads them once",
    ),
    dep(
        "secrets/*",
        "config/scattered-connection-settings",
        "move secrets out of the code before one settings module reads them",
    ),
    dep(
        "docker/metrics-healthcheck",
        "compose/missing-healthcheck",
        "a health route that checks the service first: the compose health check calls it",
    ),
    dep(
        "docker/metrics-healthcheck",
        "compose/noop-healthcheck",
        "a health route that checks the service first: the compose health check calls it",
    ),
    dep(
        "docker/metrics-healthcheck",
        "k8s/missing-probes",
        "a health route that checks the service first: the probes call it",
    ),
    dep(
        "docker/metrics-healthcheck",
        "k8s/noop-probe",
        "a health route that checks the service first: the probes call it",
    ),
    dep(
        "deps/unpinned-requirement",
        "repo/no-dependency-updates",
        "pin exact versions first: automated updates then propose reviewable bumps",
    ),
    dep(
        "deps/unpinned-requirement",
        "repo/dependabot-coverage",
        "pin exact versions first: automated updates then propose reviewable bumps",
    ),
    // Only where the two edit a module in common: the fallback fix in a module
    // that already logs waits for nothing.
    DeclaredDep {
        before: "python/print-in-library",
        after: "python/silent-numeric-fallback",
        reason: "the module gets a logger first: the fix then logs the missing value instead of hiding it",
        scope: DepScope::SharedFile,
    },
    dep(
        "design/health-route",
        "compose/missing-healthcheck",
        "a health route first: the compose health check calls it",
    ),
    dep(
        "design/health-route",
        "compose/noop-healthcheck",
        "a health route first: the compose health check calls it",
    ),
    dep(
        "design/health-route",
        "docker/missing-healthcheck",
        "a health route first: the image's HEALTHCHECK calls it",
    ),
    dep(
        "design/health-route",
        "docker/metrics-healthcheck",
        "a health route first: the HEALTHCHECK then probes it instead of the metrics endpoint",
    ),
    dep(
        "design/health-route",
        "k8s/missing-probes",
        "a health route first: the probes call it",
    ),
    dep(
        "design/health-route",
        "k8s/noop-probe",
        "a health route first: the probes call it",
    ),
    dep(
        "*logging-setup*",
        "design/adopt-logging",
        "configure logging once at start-up first: the modules' loggers inherit its format and level",
    ),
    dep(
        "design/adopt-logging",
        "*telemetry*",
        "fix logging before adding telemetry",
    ),
    // Only where the two edit a module in common: the fallback fix in a module
    // that already logs waits for nothing.
    DeclaredDep {
        before: "design/adopt-logging",
        after: "python/silent-numeric-fallback",
        reason: "the module gets a logger first: the fix then logs the missing value instead of hiding it",
        scope: DepScope::SharedFile,
    },
    dep(
        "actions/unpinned-uses",
        "repo/dependabot-coverage",
        "pin actions to SHAs before Dependabot watches them, so it proposes SHA bumps",
    ),
    dep(
        "actions/unpinned-uses",
        "repo/no-dependency-updates",
        "pin actions to SHAs before Dependabot watches them, so it proposes SHA bumps",
    ),
    dep(
        "deps/conflicting-pins",
        "repo/dependabot-coverage",
        "reconcile conflicting pins before automated updates",
    ),
    dep(
        "deps/conflicting-pins",
        "repo/no-dependency-updates",
        "reconcile conflicting pins before automated updates",
    ),
    DeclaredDep {
        before: "shell/unsafe-rm",
        after: "shell/missing-strict-mode",
        reason: "fix unsafe rm before adding set -u to the same script",
        scope: DepScope::SharedFile,
    },
    // Only for a Dockerfile the new Dependabot entry watches (a test image's
    // `:latest` does not hold up adding the release images' directories).
    DeclaredDep {
        before: "docker/latest-tag",
        after: "repo/dependabot-coverage",
        reason: "pin image tags before Dependabot watches the docker ecosystem",
        scope: DepScope::SharedFile,
    },
    dep(
        "config/hardcoded-ip",
        "*rollback*",
        "centralise server addresses before adding rollback",
    ),
    dep(
        "docker/runs-as-root",
        "k8s/*root*",
        "the image must run as non-root before manifests enforce it",
    ),
    dep(
        "docker/runs-as-root",
        "compose/*root*",
        "the image must run as non-root before compose enforces it",
    ),
];

/// Glob match where `*` matches any run of characters (including `/`).
pub fn pattern_matches(pattern: &str, id: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|i| go(rest, &s[i..])),
            Some((c, rest)) => s.first() == Some(c) && go(rest, &s[1..]),
        }
    }
    go(pattern.as_bytes(), id.as_bytes())
}

fn matches_task(pattern: &str, t: &Task) -> bool {
    t.rules.iter().any(|r| pattern_matches(pattern, r))
}

/// Whether two tasks concern a common file: one they edit, or one a finding covers
/// (the Dockerfile a new Dependabot entry will watch).
fn share_file(a: &Task, b: &Task) -> bool {
    let touched = |t: &Task| -> BTreeSet<String> {
        t.files
            .iter()
            .cloned()
            .chain(t.findings.iter().flat_map(|i| i.related.iter().cloned()))
            .collect()
    };
    let b = touched(b);
    touched(a).iter().any(|f| b.contains(f))
}

/// Directed graph over task indices with reachability queries.
struct Graph {
    succ: Vec<BTreeSet<usize>>,
}

impl Graph {
    fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.succ.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            stack.extend(self.succ[n].iter().copied());
        }
        false
    }
}

/// Builds the edges and fills `blocked_by` / `blocks` of every task.
pub fn build(tasks: &mut [Task]) -> Vec<Dependency> {
    let n = tasks.len();
    let mut g = Graph {
        succ: vec![BTreeSet::new(); n],
    };
    let mut edges: Vec<(usize, usize, DepKind, String)> = Vec::new();
    let mut add = |g: &mut Graph, b: usize, a: usize, kind: DepKind, reason: String| -> bool {
        if b == a || g.succ[b].contains(&a) || g.reaches(a, b) {
            return false;
        }
        g.succ[b].insert(a);
        edges.push((b, a, kind, reason));
        true
    };

    for d in DECLARED {
        for b in 0..n {
            if !matches_task(d.before, &tasks[b]) {
                continue;
            }
            for a in 0..n {
                if !matches_task(d.after, &tasks[a]) {
                    continue;
                }
                if d.scope == DepScope::SharedFile && !share_file(&tasks[b], &tasks[a]) {
                    continue;
                }
                // Never backwards in phase (a severity override can make the "after" rule
                // critical, hence phase 0): the earlier phase wins.
                if tasks[b].phase > tasks[a].phase {
                    continue;
                }
                add(&mut g, b, a, DepKind::Declared, d.reason.to_string());
            }
        }
    }

    for t in tasks.iter_mut() {
        t.blocked_by.clear();
        t.blocks.clear();
    }
    for (b, a, _, _) in &edges {
        let bid = tasks[*b].id.clone();
        let aid = tasks[*a].id.clone();
        tasks[*a].blocked_by.push(bid);
        tasks[*b].blocks.push(aid);
    }
    for t in tasks.iter_mut() {
        t.blocked_by.sort();
        t.blocked_by.dedup();
        t.blocks.sort();
        t.blocks.dedup();
    }
    let mut out: Vec<Dependency> = edges
        .into_iter()
        .map(|(b, a, kind, reason)| Dependency {
            before: tasks[b].id.clone(),
            after: tasks[a].id.clone(),
            kind,
            reason,
        })
        .collect();
    out.sort_by(|x, y| (&x.after, &x.before).cmp(&(&y.after, &y.before)));
    out
}

/// A topological order of task indices, or the ids left on a cycle.
pub fn topo_order(tasks: &[Task]) -> Result<Vec<usize>, Vec<String>> {
    let index: BTreeMap<&str, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut indeg = vec![0usize; tasks.len()];
    for (i, t) in tasks.iter().enumerate() {
        indeg[i] = t
            .blocked_by
            .iter()
            .filter(|b| index.contains_key(b.as_str()))
            .count();
    }
    let mut ready: BTreeSet<usize> = (0..tasks.len()).filter(|&i| indeg[i] == 0).collect();
    let mut order = Vec::with_capacity(tasks.len());
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for s in &tasks[i].blocks {
            if let Some(&j) = index.get(s.as_str()) {
                indeg[j] -= 1;
                if indeg[j] == 0 {
                    ready.insert(j);
                }
            }
        }
    }
    if order.len() == tasks.len() {
        Ok(order)
    } else {
        Err((0..tasks.len())
            .filter(|i| !order.contains(i))
            .map(|i| tasks[i].id.clone())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::plan::phases;
    use crate::plan::tasks::{group, tests::item};

    #[test]
    fn globs() {
        assert!(pattern_matches("secrets/*", "secrets/hardcoded-credential"));
        assert!(pattern_matches("*health*", "docker/missing-healthcheck"));
        assert!(!pattern_matches("secrets/*", "config/secrets"));
        assert!(pattern_matches("shell/unsafe-rm", "shell/unsafe-rm"));
        assert!(!pattern_matches("shell/unsafe-rm", "shell/unsafe-rm2"));
    }

    #[test]
    fn declared_edges_and_same_file_rule() {
        let items = vec![
            item("shell/unsafe-rm", "scripts/clean.sh", 4),
            item("shell/missing-strict-mode", "scripts/clean.sh", 1),
            item("config/duplicated-credential", "db.py", 1),
            item("python/unclosed-resource", "collectors/a.py", 10),
        ];
        let mut tasks = group(&items);
        let edges = build(&mut tasks);
        let has = |b: &str, a: &str| edges.iter().any(|e| e.before == b && e.after == a);
        assert!(has("T-shell-unsafe-rm", "T-shell-missing-strict-mode"));
        // Closing a cursor needs nothing first: no edge from the credentials (the
        // pool task, not the leak fix, is what reads them once).
        assert!(!has(
            "T-config-duplicated-credential",
            "T-python-unclosed-resource"
        ));
        let t = tasks
            .iter()
            .find(|t| t.id == "T-shell-missing-strict-mode")
            .unwrap();
        assert_eq!(t.blocked_by, vec!["T-shell-unsafe-rm"]);
        assert!(topo_order(&tasks).is_ok());
    }

    /// The fallback fix waits for the logger only in a module the logging task edits.
    #[test]
    fn logging_before_the_fallback_fix_only_in_a_shared_module() {
        let edge = |fallback: &str| {
            let items = vec![
                item("python/print-in-library", "app/stream.py", 9),
                item("python/silent-numeric-fallback", fallback, 4),
            ];
            let mut tasks = group(&items);
            build(&mut tasks).iter().any(|e| {
                e.before == "T-python-print-in-library"
                    && e.after == "T-python-silent-numeric-fallback"
            })
        };
        assert!(edge("app/stream.py"));
        assert!(!edge("app/metrics.py"));
    }

    #[test]
    fn scattered_connection_settings_sit_between_credentials_and_pools() {
        let items = vec![
            item("config/duplicated-credential", "collectors/a.py", 1),
            item("config/scattered-connection-settings", "", 1),
            item("python/connection-pool", "collectors/b.py", 1),
        ];
        let mut tasks = group(&items);
        let edges = build(&mut tasks);
        let has = |b: &str, a: &str| edges.iter().any(|e| e.before == b && e.after == a);
        assert!(has(
            "T-config-duplicated-credential",
            "T-config-scattered-connection-settings"
        ));
        assert!(has(
            "T-config-scattered-connection-settings",
            "T-python-connection-pool"
        ));
        assert!(topo_order(&tasks).is_ok());
    }

    #[test]
    fn shared_file_dependencies_need_a_shared_file() {
        let items = vec![
            item("shell/unsafe-rm", "scripts/clean.sh", 4),
            item("shell/missing-strict-mode", "scripts/other.sh", 1),
        ];
        let mut tasks = group(&items);
        assert!(build(&mut tasks).is_empty());
    }

    #[test]
    fn sharing_a_file_orders_nothing() {
        // gept: "declare missing imports" led the critical path only because it edits
        // a collector that the exception handling also edits.
        let items = vec![
            item("deps/undeclared-import", "collectors/collect_news.py", 3),
            item("python/bare-except", "collectors/collect_news.py", 40),
            item("shell/backup-permissions", "deploy.sh", 7),
            item("shell/missing-strict-mode", "deploy.sh", 1),
        ];
        let mut tasks = group(&items);
        let edges = build(&mut tasks);
        assert!(edges.is_empty(), "{edges:?}");
    }

    #[test]
    fn logic_edges_carry_their_reason() {
        let items = vec![
            item("python/requests-no-timeout", "collectors/a.py", 3),
            item("python/no-circuit-breaker", "collectors/b.py", 1),
            item("deps/conflicting-pins", "requirements.txt", 2),
            item("repo/no-dependency-updates", "", 0),
            item("docker/metrics-healthcheck", "collectors/Dockerfile", 9),
            item("compose/missing-healthcheck", "docker-compose.yml", 4),
            item("python/print-in-library", "collectors/c.py", 5),
            item("python/training-telemetry", "training/t.py", 5),
        ];
        let mut tasks = group(&items);
        let edges = build(&mut tasks);
        let reason = |b: &str, a: &str| {
            edges
                .iter()
                .find(|e| e.before == b && e.after == a)
                .map(|e| e.reason.clone())
                .unwrap_or_else(|| panic!("no edge {b} -> {a} in {edges:?}"))
        };
        assert!(reason(
            "T-python-requests-no-timeout",
            "T-python-no-circuit-breaker"
        )
        .contains("circuit breaker"));
        assert!(
            reason("T-deps-conflicting-pins", "T-repo-no-dependency-updates")
                .contains("automated updates")
        );
        assert!(reason(
            "T-docker-metrics-healthcheck",
            "T-compose-missing-healthcheck"
        )
        .contains("health route"));
        assert!(
            reason("T-python-print-in-library", "T-python-training-telemetry")
                .contains("telemetry")
        );
        assert!(edges
            .iter()
            .all(|e| e.kind == DepKind::Declared && !e.reason.is_empty()));
    }

    /// Every rule id the tables know about, plus the registered ones.
    fn known_ids() -> Vec<String> {
        let mut ids: BTreeSet<String> = phases::RULE_PHASE
            .iter()
            .map(|(i, _)| i.to_string())
            .collect();
        ids.extend(crate::rules::catalog().iter().map(|m| m.id.to_string()));
        for extra in [
            "docker/missing-healthcheck",
            "compose/missing-healthcheck",
            "k8s/missing-probes",
            "k8s/run-as-non-root",
            "repo/no-rollback",
            "python/no-circuit-breaker",
        ] {
            ids.insert(extra.to_string());
        }
        ids.into_iter().collect()
    }

    #[test]
    fn declared_table_is_acyclic_and_goes_forward_in_phase() {
        let ids = known_ids();
        let items: Vec<_> = ids.iter().map(|id| item(id, "same.file", 1)).collect();
        // Every pair the table connects must not go backwards in phase.
        for d in DECLARED {
            for b in ids.iter().filter(|i| pattern_matches(d.before, i)) {
                for a in ids.iter().filter(|i| pattern_matches(d.after, i)) {
                    assert!(
                        phases::phase_of(b, Severity::Medium)
                            <= phases::phase_of(a, Severity::Medium),
                        "{b} -> {a} goes backwards in phase"
                    );
                    assert_ne!(a, b, "{} matches itself", d.before);
                }
            }
        }
        // All tasks on one file: the most edges the graph can get; it stays acyclic.
        let mut tasks = group(&items);
        let edges = build(&mut tasks);
        assert!(!edges.is_empty());
        assert!(topo_order(&tasks).is_ok());
        // And no declared edge was refused for closing a cycle.
        let declared_pairs: usize = DECLARED
            .iter()
            .filter(|d| d.scope == DepScope::Any || d.scope == DepScope::SharedFile)
            .map(|d| {
                tasks.iter().filter(|t| matches_task(d.before, t)).count()
                    * tasks.iter().filter(|t| matches_task(d.after, t)).count()
            })
            .sum();
        let declared_edges = edges.iter().filter(|e| e.kind == DepKind::Declared).count();
        let unique: BTreeSet<(String, String)> = edges
            .iter()
            .filter(|e| e.kind == DepKind::Declared)
            .map(|e| (e.before.clone(), e.after.clone()))
            .collect();
        assert_eq!(declared_edges, unique.len());
        assert!(declared_edges <= declared_pairs);
    }

    #[test]
    fn a_cycle_is_never_added() {
        // Force a backwards declared edge via critical severity on the "after" rule:
        // strict-mode critical → phase 0, unsafe-rm high → phase 0 too; plus same file.
        let mut a = item("shell/missing-strict-mode", "x.sh", 1);
        a.severity = Severity::Critical;
        let b = item("shell/unsafe-rm", "x.sh", 2);
        let mut tasks = group(&[a, b]);
        build(&mut tasks);
        assert!(topo_order(&tasks).is_ok());
    }
}
