//! `harden plan --since BASELINE`: what was done since the baseline, what is left,
//! what is new, effort burned down, and a completion report per phase with a
//! score before → after.
//!
//! Score (0–10): the readiness score of `harden status`
//! ([`crate::status::score::readiness_of`]), so both print the same number for the
//! same findings. A baseline records findings, not controls: the score then and
//! the score now both use today's controls, and differ by what the open findings
//! cost. `None` when no control applies (status prints n/a). A phase has no score of
//! its own (it would be the controls' score again): it reports its open places and
//! the points they take from the score, before → after, which move as it is worked.
//!
//! Counts are places: a grouped finding (the services of one compose file) counts
//! each member, so fixing one member of three reads "partial, 1 fixed".

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use serde::Serialize;

use super::baseline::Baseline;
use super::model::{fmt_hours, Criterion, Item, Phase, Plan};
use crate::finding::Severity;
use crate::status::ControlStatus;

/// Version of the progress report's JSON (`plan --since --format json`): 2 since its
/// scores are the readiness score of `harden status` (and may be `null`); 3 since a
/// phase reports its places and points instead of a score, and counts are places.
pub const SCHEMA_VERSION: u32 = 3;

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    /// Every finding it had in the baseline is gone (new ones may have appeared).
    Done,
    /// Some findings are gone.
    Partial,
    /// Nothing changed.
    Remaining,
    /// Did not exist in the baseline.
    New,
}

impl TaskStatus {
    fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Done => "done",
            TaskStatus::Partial => "partial",
            TaskStatus::Remaining => "remaining",
            TaskStatus::New => "new",
        }
    }
}

/// One task then and now.
#[derive(Debug, Clone, Serialize)]
pub struct TaskProgress {
    /// Task id.
    pub id: String,
    /// Title (today's, or the baseline's when done).
    pub title: String,
    /// Phase.
    pub phase: Phase,
    /// Status.
    pub status: TaskStatus,
    /// Places in the baseline (a grouped finding counts each member).
    pub findings_before: usize,
    /// Places today.
    pub findings_after: usize,
    /// Of those, in findings not in the baseline.
    pub findings_new: usize,
    /// Estimate in the baseline plan.
    pub hours_before: f64,
    /// Estimate today.
    pub hours_after: f64,
}

/// One phase then and now.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseProgress {
    /// Phase.
    pub phase: Phase,
    /// Tasks done.
    pub done: usize,
    /// Tasks partially done.
    pub partial: usize,
    /// Tasks untouched.
    pub remaining: usize,
    /// New tasks.
    pub new: usize,
    /// Hours planned in the baseline.
    pub hours_before: f64,
    /// Hours left.
    pub hours_after: f64,
    /// Places open in the baseline plan's tasks of this phase.
    pub findings_before: usize,
    /// Places open today.
    pub findings_after: usize,
    /// Points the phase's open findings took from the readiness score in the baseline
    /// (critical and high findings in shipped code; `status::score::findings_penalty`).
    pub points_before: f64,
    /// Points they take today.
    pub points_after: f64,
    /// Criteria, ticked where they hold.
    pub criteria: Vec<Criterion>,
}

/// The progress report.
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// Project name.
    pub project: String,
    /// Every task of either plan.
    pub tasks: Vec<TaskProgress>,
    /// Per phase with tasks then or now.
    pub phases: Vec<PhaseProgress>,
    /// Findings not in the baseline.
    pub new_findings: Vec<Item>,
    /// Places in the baseline that are gone (a grouped finding counts each member).
    pub fixed_findings: usize,
    /// Overall score then (the baseline's findings, today's controls).
    pub score_before: Option<f64>,
    /// Overall score now: what `harden status` prints.
    pub score_after: Option<f64>,
    /// Hours planned then.
    pub hours_before: f64,
    /// Hours left now.
    pub hours_after: f64,
    /// Final criteria, ticked.
    pub final_criteria: Vec<Criterion>,
    /// What the running service answered (`--probe URL`); empty without a probe.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub live: Vec<super::model::LiveEvidence>,
}

/// The readiness score of `harden status` with these findings open and these
/// controls: one formula for both commands.
pub fn score<'a>(
    controls: &[ControlStatus],
    findings: impl IntoIterator<Item = &'a Item>,
) -> Option<f64> {
    let mut controls = controls.to_vec();
    crate::status::score::readiness_of(
        &mut controls,
        findings
            .into_iter()
            .map(|i| (i.severity, i.rule.as_str(), i.path.as_str())),
    )
    .overall
}

/// Points these findings take from the readiness score (the findings part of
/// `status::score`, before its cap on all findings together).
pub fn points<'a>(findings: impl IntoIterator<Item = &'a Item>) -> f64 {
    crate::status::score::findings_penalty(
        findings
            .into_iter()
            .filter(|i| crate::status::score::counts_against_at(i.severity, &i.path))
            .map(|i| (i.severity, i.rule.as_str())),
    )
    .points
}

fn places<'a>(items: impl IntoIterator<Item = &'a Item>) -> usize {
    items.into_iter().map(|i| i.places.max(1)).sum()
}

/// Compares the plan from the baseline with today's; `controls` are today's
/// (`status::assess`), which the scores are computed with.
pub fn compare(
    before: &Plan,
    after: &Plan,
    base: &Baseline,
    controls: &[ControlStatus],
) -> Progress {
    let after_items: Vec<&Item> = after.tasks.iter().flat_map(|t| &t.findings).collect();
    let mask = base.new_mask(after_items.iter().map(|i| i.fingerprint.as_str()));
    // Per task of today's plan: places in findings that are new (not covered by the baseline).
    let mut new_in: BTreeMap<&str, usize> = BTreeMap::new();
    {
        let mut k = 0;
        for t in &after.tasks {
            for i in &t.findings {
                if mask[k] {
                    *new_in.entry(t.id.as_str()).or_insert(0) += i.places.max(1);
                }
                k += 1;
            }
        }
    }
    let new_fps: Vec<&Item> = after_items
        .iter()
        .zip(&mask)
        .filter_map(|(i, new)| new.then_some(*i))
        .collect();
    let before_places = places(before.tasks.iter().flat_map(|t| &t.findings));
    let old_after = places(after_items.iter().copied()) - places(new_fps.iter().copied());
    let fixed_findings = before_places.saturating_sub(old_after);

    let mut ids: BTreeSet<&str> = before.tasks.iter().map(|t| t.id.as_str()).collect();
    ids.extend(after.tasks.iter().map(|t| t.id.as_str()));
    let mut tasks = Vec::new();
    for id in ids {
        let b = before.task(id);
        let a = after.task(id);
        let (status, title, phase) = match (b, a) {
            (Some(b), None) => (TaskStatus::Done, &b.title, b.phase),
            (None, Some(a)) => (TaskStatus::New, &a.title, a.phase),
            (Some(b), Some(a)) => {
                let old_left =
                    places(&a.findings).saturating_sub(new_in.get(id).copied().unwrap_or(0));
                // A design task has no findings: it is done when the pattern is gone
                // (today's plan no longer has it), not because nothing was counted.
                let status = if b.findings.is_empty() {
                    TaskStatus::Remaining
                } else if old_left == 0 {
                    TaskStatus::Done
                } else if old_left < places(&b.findings) {
                    TaskStatus::Partial
                } else {
                    TaskStatus::Remaining
                };
                (status, &a.title, b.phase)
            }
            (None, None) => continue,
        };
        tasks.push(TaskProgress {
            id: id.to_string(),
            title: title.clone(),
            phase,
            status,
            findings_before: b.map_or(0, |t| places(&t.findings)),
            findings_after: a.map_or(0, |t| places(&t.findings)),
            findings_new: new_in.get(id).copied().unwrap_or(0),
            hours_before: b.map_or(0.0, |t| t.hours),
            hours_after: a.map_or(0.0, |t| t.hours),
        });
    }
    tasks.sort_by(|x, y| (x.phase, &x.id).cmp(&(y.phase, &y.id)));

    let open_rules: BTreeMap<&str, usize> = {
        let mut m = BTreeMap::new();
        // Archived findings are the archived-code task's, and tooling findings the
        // tooling task's, not their rules' phases'.
        for i in after_items.iter().filter(|i| {
            !super::tasks::is_archived(&i.path)
                && !super::tasks::is_tooling_finding(&i.path, &i.rule)
        }) {
            *m.entry(i.rule.as_str()).or_insert(0) += 1;
        }
        m
    };
    let tick = |c: &Criterion| -> Criterion {
        let mut c = c.clone();
        c.met = c.control.is_none()
            && if let Some(id) = &c.task {
                after.task(id).is_none()
            } else if c.rules.is_empty() {
                !after_items.iter().any(|i| i.severity >= Severity::High)
            } else if let Some(min) = c.min_severity {
                // The phase-0 part of a split rule: its lower findings are a later task's.
                !after_items.iter().any(|i| {
                    i.severity >= min
                        && c.rules.contains(&i.rule)
                        && !super::tasks::is_archived(&i.path)
                        && !super::tasks::is_tooling_finding(&i.path, &i.rule)
                })
            } else {
                c.rules.iter().all(|r| !open_rules.contains_key(r.as_str()))
            };
        c
    };

    let mut phases = Vec::new();
    for phase in Phase::ALL {
        let in_phase: Vec<&TaskProgress> = tasks.iter().filter(|t| t.phase == phase).collect();
        if in_phase.is_empty() {
            continue;
        }
        let count = |s: TaskStatus| in_phase.iter().filter(|t| t.status == s).count();
        let items_of = |p: &Plan| -> Vec<Item> {
            p.tasks
                .iter()
                .filter(|t| t.phase == phase)
                .flat_map(|t| t.findings.clone())
                .collect()
        };
        let criteria = before
            .criteria
            .iter()
            .chain(&after.criteria)
            .filter(|pc| pc.phase == phase)
            .flat_map(|pc| pc.criteria.iter())
            .fold(Vec::<Criterion>::new(), |mut acc, c| {
                if !acc.iter().any(|x| x.text == c.text) {
                    acc.push(tick(c));
                }
                acc
            });
        phases.push(PhaseProgress {
            phase,
            done: count(TaskStatus::Done),
            partial: count(TaskStatus::Partial),
            remaining: count(TaskStatus::Remaining),
            new: count(TaskStatus::New),
            hours_before: in_phase.iter().map(|t| t.hours_before).sum(),
            hours_after: in_phase.iter().map(|t| t.hours_after).sum(),
            findings_before: places(&items_of(before)),
            findings_after: places(&items_of(after)),
            points_before: points(&items_of(before)),
            points_after: points(&items_of(after)),
            criteria,
        });
    }
    let before_items: Vec<&Item> = before.tasks.iter().flat_map(|t| &t.findings).collect();
    Progress {
        project: after.project.clone(),
        score_before: score(controls, before_items.iter().copied()),
        score_after: score(controls, after_items.iter().copied()),
        hours_before: before.total_hours(),
        hours_after: after.total_hours(),
        final_criteria: before.final_criteria.iter().map(tick).collect(),
        new_findings: new_fps.into_iter().cloned().collect(),
        fixed_findings,
        tasks,
        phases,
        live: Vec::new(),
    }
}

/// Writes the report in Markdown.
pub fn render_md(p: &Progress, w: &mut dyn Write) -> io::Result<()> {
    let name = if p.project.is_empty() {
        "repository"
    } else {
        &p.project
    };
    let n = |s: TaskStatus| p.tasks.iter().filter(|t| t.status == s).count();
    let old = p.tasks.len() - n(TaskStatus::New);
    writeln!(w, "# Hardening progress: {name}\n")?;
    writeln!(
        w,
        "Since the baseline: {} of {old} tasks done, {} partially done, {} untouched; {} new tasks. \
         {} places fixed, {} new. Effort left: {} h of {} h planned ({} h burned down). \
         Score {} → {}.\n",
        n(TaskStatus::Done),
        n(TaskStatus::Partial),
        n(TaskStatus::Remaining),
        n(TaskStatus::New),
        p.fixed_findings,
        places(&p.new_findings),
        fmt_hours(p.hours_after),
        fmt_hours(p.hours_before),
        fmt_hours((p.hours_before - p.hours_after).max(0.0)),
        fmt_score(p.score_before),
        fmt_score(p.score_after),
    )?;
    writeln!(
        w,
        "| Phase | Done | Partial | Remaining | New | Open places | Score points lost | Effort left |"
    )?;
    writeln!(w, "|---|---|---|---|---|---|---|---|")?;
    for ph in &p.phases {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} → {} | {} → {} | {} h of {} h |",
            ph.phase,
            ph.done,
            ph.partial,
            ph.remaining,
            ph.new,
            ph.findings_before,
            ph.findings_after,
            fmt_points(ph.points_before),
            fmt_points(ph.points_after),
            fmt_hours(ph.hours_after),
            fmt_hours(ph.hours_before),
        )?;
    }
    writeln!(
        w,
        "\nScore points lost: what the phase's open critical and high findings in shipped code take from the readiness score (the same figure `harden status` prints, {} now).",
        fmt_score(p.score_after)
    )?;
    writeln!(w)?;
    super::render_md::live_section(&p.live, w)?;
    for ph in &p.phases {
        writeln!(
            w,
            "## Phase {} completion report: {}\n",
            ph.phase.index(),
            ph.phase.title()
        )?;
        let complete = ph.remaining == 0 && ph.partial == 0 && ph.new == 0;
        writeln!(
            w,
            "{}: {} done, {} remaining; open places {} → {}, score points lost {} → {}.\n",
            if complete { "Complete" } else { "In progress" },
            ph.done,
            ph.partial + ph.remaining + ph.new,
            ph.findings_before,
            ph.findings_after,
            fmt_points(ph.points_before),
            fmt_points(ph.points_after)
        )?;
        writeln!(w, "| Task | Title | Status | Places | Effort left |")?;
        writeln!(w, "|---|---|---|---|---|")?;
        for t in p.tasks.iter().filter(|t| t.phase == ph.phase) {
            let fixed = (t.findings_before + t.findings_new).saturating_sub(t.findings_after);
            let mut detail = Vec::new();
            if fixed > 0 {
                detail.push(format!("{fixed} fixed"));
            }
            if t.findings_new > 0 && t.status != TaskStatus::New {
                detail.push(format!("{} new", t.findings_new));
            }
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(" ({})", detail.join(", "))
            };
            writeln!(
                w,
                "| {} | {} | {} | {} → {}{detail} | {} h |",
                t.id,
                super::render_md::cell(&t.title),
                t.status.as_str(),
                t.findings_before,
                t.findings_after,
                fmt_hours(t.hours_after)
            )?;
        }
        writeln!(w)?;
        for c in &ph.criteria {
            writeln!(w, "{}", super::render_md::criterion_line(c, None))?;
        }
        writeln!(w)?;
    }
    if !p.new_findings.is_empty() {
        writeln!(w, "## New since the baseline\n")?;
        for f in &p.new_findings {
            writeln!(
                w,
                "- `{}` {} {} ({})",
                f.location(),
                f.rule,
                f.message,
                f.severity
            )?;
        }
        writeln!(w)?;
    }
    writeln!(w, "## Full hardening complete\n")?;
    for c in &p.final_criteria {
        writeln!(w, "{}", super::render_md::criterion_line(c, None))?;
    }
    Ok(())
}

/// Points lost, as `status` prints them: one decimal.
fn fmt_points(points: f64) -> String {
    format!("{:.1}", crate::status::score::round1(points))
}

/// A score as `status` prints it: one decimal, `n/a` when no control applies.
fn fmt_score(score: Option<f64>) -> String {
    score.map_or_else(|| "n/a".to_string(), |s| format!("{s:.1}"))
}

/// Writes the report as JSON (`schema_version` [`SCHEMA_VERSION`]).
pub fn render_json(p: &Progress, w: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        #[serde(flatten)]
        progress: &'a Progress,
    }
    serde_json::to_writer_pretty(
        &mut *w,
        &Doc {
            schema_version: SCHEMA_VERSION,
            progress: p,
        },
    )?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn control(weight: u8, state: crate::status::State) -> ControlStatus {
        ControlStatus {
            id: "c",
            area: crate::status::Area::SupplyChain,
            title: "c",
            weight,
            state,
            evidence: Vec::new(),
            summary: String::new(),
            advice: String::new(),
            points_lost: 0.0,
        }
    }

    #[test]
    fn score_is_the_status_formula() {
        use crate::status::State;
        let controls = [control(3, State::Done), control(1, State::Missing)];
        // Controls alone: 10 × 3 / 4.
        assert_eq!(score(&controls, &[]), Some(7.5));
        let mut high = crate::plan::tasks::tests::item("x/y", "src/app.py", 1);
        high.severity = Severity::High;
        // One rule's findings count twice at most: 0.5 × 2.
        let five: Vec<Item> = (0..5).map(|_| high.clone()).collect();
        assert_eq!(score(&controls, &five), Some(6.5));
        // Repository-level and test findings cost nothing, as in `status`.
        let mut repo = high.clone();
        repo.path = String::new();
        let mut test = high.clone();
        test.path = "tests/test_app.py".into();
        assert_eq!(score(&controls, &[repo, test]), Some(7.5));
        assert_eq!(score(&[control(1, State::NotApplicable)], &five), None);
    }

    #[test]
    fn a_design_task_in_both_plans_is_remaining_not_done() {
        use crate::plan::design::Patterns;
        use crate::plan::model::PlanOptions;
        let patterns = Patterns {
            connecting_modules: (0..6)
                .map(|n| (format!("app/m{n}.py"), 3, "psycopg2.connect".to_string(), 1))
                .collect(),
            ..Patterns::default()
        };
        let items = vec![crate::plan::tasks::tests::item(
            "python/bare-except",
            "app/m0.py",
            9,
        )];
        let opts = PlanOptions::default();
        let before = crate::plan::build_plan_with("p", &items, &opts, &patterns);
        let after = crate::plan::build_plan_with("p", &items, &opts, &patterns);
        let base = Baseline {
            schema_version: crate::plan::baseline::BASELINE_VERSION,
            findings: items
                .iter()
                .map(|i| crate::plan::baseline::BaselineEntry {
                    fingerprint: i.fingerprint.clone(),
                    rule: i.rule.clone(),
                    path: i.path.clone(),
                    line: i.line,
                    severity: i.severity,
                    message: i.message.clone(),
                    related: Vec::new(),
                    places: 1,
                })
                .collect(),
        };
        let p = compare(&before, &after, &base, &[]);
        let design = p
            .tasks
            .iter()
            .find(|t| t.id == "T-design-connection-pool")
            .expect("design task");
        assert_eq!(design.status, TaskStatus::Remaining);
        assert!(p.tasks.iter().all(|t| t.status == TaskStatus::Remaining));
    }
}
