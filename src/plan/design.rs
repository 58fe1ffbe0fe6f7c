//! Design tasks from cross-file patterns the repository model sees, beyond what a
//! single rule reports: the work a lead plans as one design change ("24 modules call
//! `psycopg2.connect` directly: consolidate into one pool"). Each is sized by the
//! work it is (a module to write, then each caller moved to it) and has no findings
//! of its own: its evidence is the list of places.
//!
//! Only fresh scans have a model; a plan rebuilt from a baseline file has no design
//! tasks, so `--since` compares like with like.

use super::model::{Effort, Item, Task};
use super::settings::Overrides;
use crate::finding::Severity;

/// The rule id of the connection-pool design task (no scan rule has it).
pub const CONNECTION_POOL: &str = "design/connection-pool";

/// Fewer modules than this opening their own connections is not worth a design task.
pub const MIN_MODULES: usize = 5;

/// Cross-file patterns read from the repository model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patterns {
    /// Shipped modules that open database connections themselves: path, first line,
    /// the function called, and how many calls.
    pub connecting_modules: Vec<(String, usize, String, usize)>,
}

impl Patterns {
    /// Reads the patterns from a scan's repository model.
    pub fn from_model(m: &crate::model::Repository) -> Patterns {
        let connecting_modules = m
            .connecting_modules()
            .into_iter()
            .filter_map(|(path, calls)| {
                let first = calls.first()?;
                Some((
                    path.to_string(),
                    first.line,
                    first.call.clone(),
                    calls.len(),
                ))
            })
            .collect();
        Patterns { connecting_modules }
    }
}

/// Adds the design tasks the patterns call for (tasks stay sorted by phase then id).
pub fn add_tasks(tasks: &mut Vec<Task>, p: &Patterns, ov: &Overrides) {
    let mods = &p.connecting_modules;
    if mods.len() >= MIN_MODULES
        && !tasks
            .iter()
            .any(|t| t.rules.iter().any(|r| r == CONNECTION_POOL))
    {
        let model = ov
            .effort
            .get(CONNECTION_POOL)
            .copied()
            .unwrap_or_else(|| super::effort::model_for(CONNECTION_POOL));
        let hours = super::effort::estimate(model, mods.len(), mods.len());
        let calls: usize = mods.iter().map(|m| m.3).sum();
        let mut names: Vec<&str> = mods.iter().map(|m| m.2.as_str()).collect();
        names.sort();
        names.dedup();
        let named: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let phase = ov
            .phase
            .get(CONNECTION_POOL)
            .copied()
            .unwrap_or_else(|| super::phases::phase_of(CONNECTION_POOL, Severity::Medium));
        let mut t = Task {
            id: super::tasks::task_id(CONNECTION_POOL, None),
            title: format!(
                "Design one connection module (pool) for the {} modules that open database connections themselves ({} calls to {})",
                mods.len(),
                calls,
                named.join(", ")
            ),
            phase,
            rules: vec![CONNECTION_POOL.to_string()],
            scope: None,
            severity: Severity::Medium,
            findings: Vec::<Item>::new(),
            files: mods.iter().map(|m| m.0.clone()).collect(),
            effort: Effort::from_hours(hours),
            hours,
            why: "each module that connects on its own repeats the settings and holds its own \
                  connection: nothing pools, retries or closes them in one place, and a credential \
                  or host change touches every module"
                .to_string(),
            estimate_basis: super::guidance::estimate_basis(CONNECTION_POOL, model, mods.len(), mods.len()),
            verify: Vec::new(),
            blocked_by: Vec::new(),
            blocks: Vec::new(),
            track: String::new(),
        };
        t.files.sort();
        t.verify = super::guidance::verify(&t);
        t.verify.insert(
            0,
            format!(
                "a search for {} finds only the connection module",
                named.join(", ")
            ),
        );
        tasks.push(t);
        tasks.sort_by(|a, b| (a.phase, &a.id).cmp(&(b.phase, &b.id)));
    }
}

/// The places behind a design task, for renderers (`path:line` and the call).
pub fn evidence(p: &Patterns, t: &Task) -> Vec<String> {
    if !t.rules.iter().any(|r| r == CONNECTION_POOL) {
        return Vec::new();
    }
    p.connecting_modules
        .iter()
        .map(|(path, line, call, n)| {
            if *n > 1 {
                format!("`{path}:{line}` calls `{call}` ({n} calls in the module)")
            } else {
                format!("`{path}:{line}` calls `{call}`")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(n: usize) -> Patterns {
        Patterns {
            connecting_modules: (0..n)
                .map(|i| {
                    (
                        format!("collectors/c{i}.py"),
                        3,
                        "psycopg2.connect".to_string(),
                        1,
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn many_modules_connecting_on_their_own_make_a_design_task() {
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &patterns(4), &Overrides::default());
        assert!(
            tasks.is_empty(),
            "four modules are not a pattern worth a design task"
        );
        add_tasks(&mut tasks, &patterns(24), &Overrides::default());
        assert_eq!(tasks.len(), 1);
        let t = &tasks[0];
        assert_eq!(t.id, "T-design-connection-pool");
        assert!(t.title.contains("24 modules"), "{}", t.title);
        assert_eq!(t.files.len(), 24);
        assert!(t.estimate_basis.starts_with("design change"));
        // A design change: a module to write, then each caller moved; more than a day.
        assert!(t.hours >= 6.0, "{}", t.hours);
        assert!(
            !t.verify.iter().any(|v| v.contains("--rule")),
            "{:?}",
            t.verify
        );
        assert_eq!(evidence(&patterns(24), t).len(), 24);
    }
}
