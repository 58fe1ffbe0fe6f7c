//! `harden plan`: the phased remediation plan built from a scan.
//!
//! Pipeline: findings → [`tasks`] (one task per rule and scope, sized by
//! [`effort`], phased by [`phases`]) → [`deps`] (declared "X before Y" table and
//! same-file ordering, acyclic) → [`tracks`] (union-find over shared files) →
//! [`schedule`] (list scheduling by critical path on N developers) → renderers
//! ([`render_md`], [`render_json`], [`issues`]). [`baseline`] records findings with
//! line-shift-proof fingerprints; [`progress`] compares a baseline with today.
//!
//! Other modules (HTML report, fix) call [`build_plan`] and read the [`Plan`].

pub mod baseline;
pub mod deps;
pub mod design;
pub mod effort;
pub mod guidance;
pub mod issues;
pub mod model;
pub mod phases;
pub mod progress;
pub mod render_json;
pub mod render_md;
pub mod schedule;
pub mod settings;
pub mod tasks;
pub mod tracks;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::engine::ScanReport;
use crate::finding::{Finding, Severity};

pub use model::{
    Criterion, DepKind, Dependency, Effort, Item, Phase, PhaseCriteria, Plan, PlanOptions,
    Schedule, Slot, Task, Track,
};

/// The plain copy of a finding the plan works on.
pub fn item_of(f: &Finding) -> Item {
    let mut related: Vec<String> = f
        .related
        .iter()
        .map(|r| r.path.to_string())
        .filter(|p| *p != f.path)
        .collect();
    related.sort();
    related.dedup();
    Item {
        rule: f.rule.to_string(),
        // A repository-level finding has no file of its own (the plan shows no location).
        path: if f.is_repository_level() {
            String::new()
        } else {
            f.path.to_string()
        },
        line: f.region.start.line,
        severity: f.severity,
        message: f.message.to_string(),
        related,
        places: f.places(),
        fingerprint: baseline::fingerprint(f),
    }
}

/// Builds the plan for a scan, with the design tasks its repository model calls for.
pub fn build_plan(report: &ScanReport, opts: &PlanOptions) -> Plan {
    let items: Vec<Item> = report.findings.iter().map(item_of).collect();
    build_plan_with(
        "",
        &items,
        opts,
        &design::Patterns::from_model(&report.model),
    )
}

/// Builds the plan from plain findings (a scan or a baseline file); `project` names it.
pub fn build_plan_from_items(project: &str, items: &[Item], opts: &PlanOptions) -> Plan {
    build_plan_with(project, items, opts, &design::Patterns::default())
}

/// Builds the plan from findings and the cross-file patterns of the repository model.
pub fn build_plan_with(
    project: &str,
    items: &[Item],
    opts: &PlanOptions,
    patterns: &design::Patterns,
) -> Plan {
    let (items_left, claimed) = design::claim(items, patterns);
    let mut tasks = tasks::group_with(&items_left, &opts.overrides);
    design::add_tasks(&mut tasks, patterns, &claimed, &opts.overrides);
    guidance::name_build_targets(&mut tasks, &patterns.release_targets);
    let blockers = release_blocker_thresholds(&tasks);
    checks_for_release_blockers(&mut tasks, &blockers);
    let dependencies = deps::build(&mut tasks);
    let mut tracks = tracks::assign(&mut tasks, opts.devs);
    let sched_opts = opts.schedule();
    let schedule = schedule::schedule(&tasks, &tracks, &sched_opts);
    tracks::settle(&mut tracks, &schedule);
    let (critical_path, critical_path_hours) = schedule::critical_path(&tasks, &sched_opts);
    let criteria = criteria_for(&tasks, &blockers);
    let final_criteria = vec![
        Criterion {
            text: format!("All {} tasks closed", tasks.len()),
            rules: all_rules(&tasks),
            control: None,
            min_severity: None,
            task: None,
            met: false,
        },
        Criterion {
            text: "No findings at high or critical severity".to_string(),
            rules: Vec::new(),
            control: None,
            min_severity: None,
            task: None,
            met: false,
        },
    ];
    Plan {
        project: project.to_string(),
        options: opts.clone(),
        patterns: patterns.clone(),
        findings: items.len(),
        live: Vec::new(),
        tasks,
        dependencies,
        tracks,
        schedule,
        critical_path,
        critical_path_hours,
        criteria,
        final_criteria,
    }
}

/// The scan rules the tasks close (design tasks have no scan rule to check).
fn all_rules(tasks: &[Task]) -> Vec<String> {
    let set: BTreeSet<&str> = tasks
        .iter()
        .flat_map(|t| t.rules.iter().map(String::as_str))
        .filter(|r| !r.starts_with("design/"))
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Rules split between a phase-0 task (their release blockers) and a later
/// follow-up, with the severity that tells the two apart: the lowest severity of the
/// phase-0 findings, when every follow-up finding is below it. "No finding of the
/// rule" cannot be true at the end of phase 0 for such a rule (the follow-up is
/// planned later), so its phase-0 check counts only findings at that severity.
fn release_blocker_thresholds(tasks: &[Task]) -> BTreeMap<String, Severity> {
    let mut first: BTreeMap<&str, Severity> = BTreeMap::new();
    let mut later: BTreeMap<&str, Severity> = BTreeMap::new();
    for t in tasks {
        for r in t.rules.iter().filter(|r| !r.starts_with("design/")) {
            for i in t.findings.iter().filter(|i| &i.rule == r) {
                if t.phase == Phase::CriticalBlockers {
                    let e = first.entry(r).or_insert(i.severity);
                    *e = (*e).min(i.severity);
                } else {
                    let e = later.entry(r).or_insert(i.severity);
                    *e = (*e).max(i.severity);
                }
            }
        }
    }
    first
        .into_iter()
        .filter_map(|(r, low)| {
            let high_later = later.get(r)?;
            (*high_later < low).then(|| (r.to_string(), low))
        })
        .collect()
}

/// The phase-0 part of a split rule is done when the rule reports nothing at its
/// severity: `--min-severity high` in its harden check, the follow-up's lower
/// findings being another task's.
fn checks_for_release_blockers(tasks: &mut [Task], blockers: &BTreeMap<String, Severity>) {
    for t in tasks
        .iter_mut()
        .filter(|t| t.phase == Phase::CriticalBlockers)
    {
        for (rule, sev) in blockers {
            let from = format!("--rule {rule} --fail-on info`");
            let to = format!("--rule {rule} --min-severity {sev} --fail-on info`");
            for line in &mut t.verify {
                if line.contains(&from) {
                    *line = line.replace(&from, &to);
                }
            }
        }
    }
}

/// Per phase: "no findings of rule X" for each rule, and the status controls they satisfy.
fn criteria_for(tasks: &[Task], blockers: &BTreeMap<String, Severity>) -> Vec<PhaseCriteria> {
    let mut out = Vec::new();
    for phase in Phase::ALL {
        let in_phase: Vec<Task> = tasks.iter().filter(|t| t.phase == phase).cloned().collect();
        if in_phase.is_empty() {
            continue;
        }
        let rules = all_rules(&in_phase);
        let mut criteria: Vec<Criterion> = rules
            .iter()
            .map(|r| {
                let min = blockers
                    .get(r)
                    .copied()
                    .filter(|_| phase == Phase::CriticalBlockers);
                Criterion {
                    text: match min {
                        Some(s) => format!("No `{r}` findings at {s} or above"),
                        None => format!("No `{r}` findings"),
                    },
                    rules: vec![r.clone()],
                    control: None,
                    min_severity: min,
                    task: None,
                    met: false,
                }
            })
            .collect();
        let mut controls: Vec<(&str, Vec<String>)> = Vec::new();
        // A design task with a control (`design/image-scan`) is checked by it, though it
        // has no scan rule.
        let task_rules: BTreeSet<String> = in_phase
            .iter()
            .flat_map(|t| t.rules.iter().cloned())
            .collect();
        for r in &task_rules {
            for (id, control) in phases::RULE_CONTROL {
                if id == r {
                    match controls.iter_mut().find(|(c, _)| c == control) {
                        Some((_, rs)) => rs.push(r.clone()),
                        None => controls.push((control, vec![r.clone()])),
                    }
                }
            }
        }
        for (control, rs) in controls {
            criteria.push(Criterion {
                text: format!("`harden status` reports control `{control}` as done"),
                rules: rs,
                control: Some(control.to_string()),
                min_severity: None,
                task: None,
                met: false,
            });
        }
        // A design task no scan rule or control checks (one source for drifted
        // parameters, logging adopted) is part of its phase's work too: its own
        // check says when it is done, and `plan --since` ticks it when the pattern
        // is gone.
        for t in in_phase.iter().filter(|t| {
            t.rules.iter().all(|r| r.starts_with("design/"))
                && !t
                    .rules
                    .iter()
                    .any(|r| phases::RULE_CONTROL.iter().any(|(id, _)| id == r))
        }) {
            let check = t.verify.first().map(String::as_str).unwrap_or("done");
            criteria.push(Criterion {
                text: format!("{}: {check}", t.id),
                rules: Vec::new(),
                control: None,
                min_severity: None,
                task: Some(t.id.clone()),
                met: false,
            });
        }
        out.push(PhaseCriteria { phase, criteria });
    }
    out
}

/// The repository's name as reports show it: the scanned directory's name.
pub fn project_name(root: &Path) -> String {
    let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    abs.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "repository".to_string())
}

/// The live controls of a probed status report, for the plan's reports.
pub fn live_evidence(status: &crate::status::StatusReport) -> Vec<model::LiveEvidence> {
    crate::status::live::LIVE_CONTROLS
        .iter()
        .filter_map(|id| status.control(id))
        .map(|c| model::LiveEvidence {
            control: c.id.to_string(),
            state: c.state.as_str().to_string(),
            summary: c.summary.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use proptest::prelude::*;

    const RULES: &[&str] = &[
        "shell/unsafe-rm",
        "shell/missing-strict-mode",
        "shell/ssh-host-key-disabled",
        "config/duplicated-credential",
        "python/unclosed-resource",
        "python/print-in-library",
        "docker/missing-healthcheck",
        "actions/unpinned-uses",
        "repo/dependabot-coverage",
        "docs/missing-runbook",
        "k8s/privileged",
        "secrets/hardcoded-credential",
        "lua/unknown-rule",
    ];
    /// Messages: one that is a repeated-edit kind of `k8s/privileged`, and others.
    const MESSAGES: &[&str] = &[
        "m",
        "container `a` in Deployment `a` does not set `allowPrivilegeEscalation: false`",
        "container `a` in Deployment `a` runs `privileged: true`",
    ];
    const PATHS: &[&str] = &[
        "scripts/a.sh",
        "scripts/b.sh",
        "db.py",
        "collectors/x.py",
        "collectors/y.py",
        "Dockerfile",
        ".github/workflows/ci.yml",
        "archived/docker/Dockerfile",
        "deprecated/deploy.sh",
        ".claude/helpers/hook.sh",
        "web/.vscode/tasks.json",
        "",
    ];

    fn arb_items() -> impl Strategy<Value = Vec<Item>> {
        prop::collection::vec(
            (
                0..RULES.len(),
                0..PATHS.len(),
                1usize..200,
                0usize..5,
                prop::collection::vec(0..PATHS.len(), 0..3),
                0..MESSAGES.len(),
            ),
            0..40,
        )
        .prop_map(|v| {
            v.into_iter()
                .map(|(r, p, line, sev, related, msg)| Item {
                    rule: RULES[r].to_string(),
                    path: PATHS[p].to_string(),
                    line,
                    severity: Severity::ALL_DESC[sev],
                    message: MESSAGES[msg].to_string(),
                    related: related
                        .into_iter()
                        .map(|i| PATHS[i].to_string())
                        .filter(|x| !x.is_empty())
                        .collect(),
                    places: 1,
                    fingerprint: format!("{r}:{p}:{line}"),
                })
                .collect()
        })
    }

    proptest! {
        /// Whole plans from random findings: acyclic, every task scheduled once, blockers
        /// first, no developer double-booked, no two tasks editing one file at once,
        /// makespan at least the critical path.
        #[test]
        fn plans_hold_their_invariants(items in arb_items(), devs in 1usize..5) {
            let opts = PlanOptions { devs, ..PlanOptions::default() };
            let plan = build_plan_from_items("p", &items, &opts);
            prop_assert!(deps::topo_order(&plan.tasks).is_ok());
            prop_assert_eq!(plan.schedule.slots.len(), plan.tasks.len());
            let n_findings: usize = plan.tasks.iter().map(|t| t.findings.len()).sum();
            prop_assert_eq!(n_findings, items.len());
            let slot = |id: &str| plan.schedule.slots.iter().find(|s| s.task == id).unwrap();
            for t in &plan.tasks {
                for b in &t.blocked_by {
                    prop_assert!(slot(b).end_hour <= slot(&t.id).start_hour);
                }
            }
            for (i, a) in plan.schedule.slots.iter().enumerate() {
                for b in &plan.schedule.slots[i + 1..] {
                    if a.start_hour < b.end_hour && b.start_hour < a.end_hour {
                        prop_assert_ne!(a.developer, b.developer);
                        let (ta, tb) = (plan.task(&a.task).unwrap(), plan.task(&b.task).unwrap());
                        prop_assert!(
                            !ta.files.iter().any(|f| tb.files.contains(f)),
                            "{} and {} edit a common file at the same time", ta.id, tb.id
                        );
                    }
                }
            }
            prop_assert!(plan.schedule.makespan_hours + 1e-9 >= plan.critical_path_hours);
            // Edges come from logic only, each with its reason, never backwards in phase.
            for d in &plan.dependencies {
                prop_assert_eq!(d.kind, DepKind::Declared);
                prop_assert!(!d.reason.is_empty());
                let (b, a) = (plan.task(&d.before).unwrap(), plan.task(&d.after).unwrap());
                prop_assert!(b.phase <= a.phase);
            }
            // Phase 0 is exactly the tasks holding a high or critical finding in
            // shipped code; archived findings are all in the one deletion task.
            let archived_task = tasks::task_id(tasks::ARCHIVED_CODE, None);
            prop_assert!(plan.tasks.iter().filter(|t| t.id == archived_task).count() <= 1);
            for t in &plan.tasks {
                let archived = t.findings.iter().filter(|f| tasks::is_archived(&f.path)).count();
                if t.id == archived_task {
                    prop_assert_eq!(archived, t.findings.len());
                    prop_assert_eq!(t.phase, Phase::CodeQuality);
                    continue;
                }
                prop_assert_eq!(archived, 0, "{} holds archived findings", t.id);
                if t.id == tasks::task_id(tasks::TOOL_CONFIG, None) {
                    prop_assert_eq!(t.phase, Phase::CodeQuality);
                    continue;
                }
                // High in a development file (a secret left in `.claude/`) waits for its phase.
                let blocker = t
                    .findings
                    .iter()
                    .any(|f| phases::blocks_release(f.severity, &f.path));
                prop_assert_eq!(t.phase == Phase::CriticalBlockers, blocker, "{}", t.id);
            }
            // Agent and editor tooling is in the one triage task, but for leaked secrets;
            // a repeated-edit task holds only findings of its kind, and no other task
            // holds that kind.
            let tooling_task = tasks::task_id(tasks::TOOL_CONFIG, None);
            for t in &plan.tasks {
                for f in &t.findings {
                    let tooling = tasks::is_tooling_finding(&f.path, &f.rule)
                        && !tasks::is_archived(&f.path);
                    prop_assert_eq!(tooling, t.id == tooling_task, "{} holds {}", t.id, f.path);
                    if t.id == tooling_task || t.id == archived_task {
                        continue;
                    }
                    let kind = effort::repeated_edit(&f.rule, &f.message);
                    let suffixed = |slug: &str| {
                        t.id.ends_with(&format!("-{slug}")) || t.id.contains(&format!("-{slug}-"))
                    };
                    match kind {
                        Some(k) if !k.slug.is_empty() => prop_assert!(suffixed(k.slug), "{}", t.id),
                        Some(_) => {}
                        None => prop_assert!(
                            !effort::REPEATED_EDITS.iter().any(|k| k.rule == f.rule && !k.slug.is_empty() && suffixed(k.slug)),
                            "{} holds {:?}", t.id, f.message
                        ),
                    }
                }
            }
            // A one-change rule (pinning every action) is one task, however urgent its parts.
            for rule in tasks::ONE_CHANGE {
                let n = plan.tasks.iter().filter(|t| t.rules.iter().any(|r| r == rule)).count();
                prop_assert!(n <= 1, "{rule} in {n} tasks");
            }
            // Every task is in a named track with a suggested developer, and says how to verify it.
            for t in &plan.tasks {
                let tr = plan.tracks.iter().find(|tr| tr.id == t.track);
                prop_assert!(tr.is_some_and(|tr| tr.developer >= 1 && tr.developer <= devs));
                prop_assert!(!t.verify.is_empty());
                // The track table says who the schedule gives the task: the track's
                // developer, or the developer it lists the task as handed over to.
                if let Some(tr) = tr {
                    let on = slot(&t.id).developer;
                    let listed = tr.handed_over.iter().find(|(id, _)| id == &t.id).map(|(_, d)| *d);
                    prop_assert_eq!(listed.unwrap_or(tr.developer), on, "{}", t.id);
                }
            }
            // Most of each track's hours are with its developer.
            for tr in &plan.tracks {
                let hours = |d: usize| -> f64 {
                    tr.tasks
                        .iter()
                        .map(|id| slot(id))
                        .filter(|s| s.developer == d)
                        .map(|s| s.end_hour - s.start_hour)
                        .sum()
                };
                let mine = hours(tr.developer);
                prop_assert!((1..=devs).all(|d| hours(d) <= mine + 1e-9), "{}", tr.id);
            }
            // Ids are stable: the same findings in another order give the same tasks.
            let mut rev = items.clone();
            rev.reverse();
            let again = build_plan_from_items("p", &rev, &opts);
            let ids = |p: &Plan| p.tasks.iter().map(|t| (t.id.clone(), t.track.clone(), t.blocked_by.clone())).collect::<Vec<_>>();
            prop_assert_eq!(ids(&plan), ids(&again));
        }
    }
}
