//! The dependency graph between tasks.
//!
//! Two sources of edges, in this order:
//! 1. [`DECLARED`]: "X before Y" between rules, with the reason (a table, keyed by
//!    rule id patterns, so rules that land later are covered without code);
//! 2. same-file ordering: tasks that edit the same file go in phase order.
//!
//! Every edge goes forward in phase or stays in it (a declared edge that a severity
//! override turned backwards is dropped: the earlier phase wins), and same-file
//! edges go strictly forward; so a cycle could only be made of declared edges within
//! one phase, and an edge that would close one is refused (checked against the
//! reachability of the graph built so far). The graph is acyclic by construction,
//! and any two tasks of different phases that edit a common file are ordered.
//! Same-file edges already implied by a path are dropped, which keeps
//! "what blocks what" short.

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
        "config/duplicated-credential",
        "python/unclosed-resource",
        "centralise credentials before consolidating connections",
    ),
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
        "secrets/*",
        "python/unclosed-resource",
        "move secrets out of the code before consolidating connections",
    ),
    dep(
        "python/requests-no-timeout",
        "*circuit-breaker*",
        "add timeouts and retries before a circuit breaker",
    ),
    dep(
        "python/print-in-library",
        "*health*",
        "fix logging before adding health checks",
    ),
    dep(
        "python/print-in-library",
        "*probe*",
        "fix logging before adding health probes",
    ),
    dep(
        "python/print-in-library",
        "*telemetry*",
        "fix logging before adding telemetry",
    ),
    dep(
        "python/print-in-library",
        "python/silent-numeric-fallback",
        "logging first: the fix logs the missing value instead of hiding it",
    ),
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
    dep(
        "docker/latest-tag",
        "repo/dependabot-coverage",
        "pin image tags before Dependabot watches the docker ecosystem",
    ),
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

fn share_file(a: &Task, b: &Task) -> bool {
    a.files.iter().any(|f| b.files.binary_search(f).is_ok())
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

    // Same-file ordering: per file, tasks grouped by phase; each group waits for the previous one.
    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, t) in tasks.iter().enumerate() {
        for f in &t.files {
            by_file.entry(f.as_str()).or_default().push(i);
        }
    }
    let mut same_file: Vec<(usize, usize, String)> = Vec::new();
    for (file, idx) in &by_file {
        let mut groups: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for &i in idx {
            groups.entry(tasks[i].phase).or_default().push(i);
        }
        let groups: Vec<(_, Vec<usize>)> = groups.into_iter().collect();
        for w in groups.windows(2) {
            for &b in &w[0].1 {
                for &a in &w[1].1 {
                    same_file.push((b, a, format!("both edit `{file}`")));
                }
            }
        }
    }
    // Shortest phase gaps first, so longer gaps are usually implied and dropped.
    same_file.sort_by_key(|(b, a, _)| (tasks[*a].phase.index() - tasks[*b].phase.index(), *b, *a));
    for (b, a, reason) in same_file {
        if g.reaches(b, a) {
            continue;
        }
        add(&mut g, b, a, DepKind::SameFile, reason);
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
        assert!(has(
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
    fn same_file_tasks_go_in_phase_order_and_implied_edges_are_dropped() {
        // Phases 0 (unsafe-rm), 2 (bare-except… not shell, so use keywords), 5 (strict mode).
        let mut ssh = item("shell/ssh-host-key-disabled", "deploy.sh", 3);
        ssh.severity = crate::finding::Severity::High;
        let items = vec![
            ssh,
            item("shell/backup-permissions", "deploy.sh", 7),
            item("shell/missing-strict-mode", "deploy.sh", 1),
        ];
        let mut tasks = group(&items);
        let edges = build(&mut tasks);
        assert_eq!(edges.len(), 2, "{edges:?}");
        assert!(edges.iter().all(|e| e.kind == DepKind::SameFile));
        let order: Vec<String> = topo_order(&tasks)
            .unwrap()
            .into_iter()
            .map(|i| tasks[i].id.clone())
            .collect();
        assert_eq!(
            order,
            vec![
                "T-shell-ssh-host-key-disabled",
                "T-shell-backup-permissions",
                "T-shell-missing-strict-mode"
            ]
        );
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
                        phases::phase_of(b, Severity::High) <= phases::phase_of(a, Severity::High),
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
