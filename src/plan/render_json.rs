//! `harden plan --format json`: a frozen, versioned contract (docs/plan.md).
//! These structs are the contract; the internal [`Plan`] never reaches serde directly.

use std::io::{self, Write};

use serde::Serialize;

use super::model::Plan;

/// Version of the plan JSON contract; bumped on a removal or a change of meaning
/// (2: tracks are domain ids, dependencies only `declared`; docs/plan.md).
pub const SCHEMA_VERSION: u32 = 2;

/// Top-level document.
#[derive(Serialize)]
pub struct JsonPlan<'a> {
    /// Contract version.
    pub schema_version: u32,
    /// Scanned directory name.
    pub project: &'a str,
    /// Developers and hours per day used for the schedule.
    pub options: JsonOptions,
    /// Tasks, by phase then id.
    pub tasks: Vec<JsonTask<'a>>,
    /// Dependency edges.
    pub dependencies: Vec<JsonDependency<'a>>,
    /// Tracks.
    pub tracks: Vec<JsonTrack<'a>>,
    /// Placement of each task.
    pub schedule: Vec<JsonSlot<'a>>,
    /// End of the last task, in working hours.
    pub makespan_hours: f64,
    /// Working days at `hours_per_day`.
    pub days: usize,
    /// Longest dependent chain.
    pub critical_path: &'a [String],
    /// Its length.
    pub critical_path_hours: f64,
    /// Sum of estimates.
    pub total_hours: f64,
    /// Success criteria per phase.
    pub criteria: Vec<JsonPhaseCriteria<'a>>,
    /// What the running service answered (`--probe URL`); absent without a probe.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub live: &'a [super::model::LiveEvidence],
}

/// Options.
#[derive(Serialize)]
pub struct JsonOptions {
    /// Developers.
    pub devs: usize,
    /// Hours per day.
    pub hours_per_day: f64,
    /// Hours per day given to plan tasks (after the buffer).
    pub focus_hours_per_day: f64,
    /// Review share added to each estimate, in percent.
    pub review_percent: f64,
    /// Share of each day kept free, in percent.
    pub buffer_percent: f64,
    /// First working day, with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Last working day, with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
}

/// One task.
#[derive(Serialize)]
pub struct JsonTask<'a> {
    /// Stable id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// 0–6.
    pub phase: u8,
    /// Phase title.
    pub phase_title: &'static str,
    /// Rule ids.
    pub rules: &'a [String],
    /// Number of findings it closes.
    pub findings: usize,
    /// Places those findings stand for (a grouped finding counts each member): what
    /// the estimate counts.
    pub places: usize,
    /// Estimate.
    pub effort_hours: f64,
    /// XS, S, M, L.
    pub effort_size: &'static str,
    /// Highest severity.
    pub severity: &'static str,
    /// Task ids to finish first.
    pub blocked_by: &'a [String],
    /// Track letter.
    pub track: &'a str,
    /// Files it edits.
    pub files: &'a [String],
    /// Findings as `path:line` (`path` alone for file-level findings).
    pub locations: Vec<String>,
}

/// One edge.
#[derive(Serialize)]
pub struct JsonDependency<'a> {
    /// Done first.
    pub before: &'a str,
    /// Waits.
    pub after: &'a str,
    /// `declared` or `same-file`.
    pub kind: &'static str,
    /// Why.
    pub reason: &'a str,
}

/// One track.
#[derive(Serialize)]
pub struct JsonTrack<'a> {
    /// Domain id (`database`, `ci-cd`…).
    pub id: &'a str,
    /// Domain name.
    pub name: &'a str,
    /// The developer (1-based) who takes the track, as the schedule has it.
    pub developer: usize,
    /// Task ids.
    pub tasks: &'a [String],
    /// Tasks of the track the schedule gives another developer; absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub handed_over: Vec<JsonHandover<'a>>,
    /// Effort.
    pub hours: f64,
    /// Tracks that edit a common file.
    pub shares_files_with: &'a [String],
}

/// A task of a track that another developer takes.
#[derive(Serialize)]
pub struct JsonHandover<'a> {
    /// Task id.
    pub task: &'a str,
    /// 1-based developer who takes it.
    pub developer: usize,
}

/// One placement.
#[derive(Serialize)]
pub struct JsonSlot<'a> {
    /// Task id.
    pub task: &'a str,
    /// 1-based developer.
    pub developer: usize,
    /// Start, working hours from the plan start.
    pub start_hour: f64,
    /// End (review included).
    pub end_hour: f64,
    /// Started ahead of its phase so the developer does not idle.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub early: bool,
    /// First working day, with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<&'a str>,
    /// Last working day, with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<&'a str>,
}

/// Criteria of one phase.
#[derive(Serialize)]
pub struct JsonPhaseCriteria<'a> {
    /// 0–6.
    pub phase: u8,
    /// Lines.
    pub criteria: Vec<JsonCriterion<'a>>,
}

/// One criterion.
#[derive(Serialize)]
pub struct JsonCriterion<'a> {
    /// Text.
    pub text: &'a str,
    /// Rules that must have no findings.
    pub rules: &'a [String],
    /// Status control that must be done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<&'a str>,
    /// Only findings at or above this severity count (the phase-0 part of a rule).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_severity: Option<crate::finding::Severity>,
    /// A design task whose own check this is (met when the plan no longer has it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<&'a str>,
}

/// Builds the JSON document.
pub fn to_json(plan: &Plan) -> JsonPlan<'_> {
    JsonPlan {
        schema_version: SCHEMA_VERSION,
        project: &plan.project,
        options: JsonOptions {
            devs: plan.schedule.devs,
            hours_per_day: plan.schedule.hours_per_day,
            focus_hours_per_day: plan.schedule.focus_hours_per_day,
            review_percent: plan.schedule.review_percent,
            buffer_percent: plan.schedule.buffer_percent,
            start_date: plan.schedule.start_date.clone(),
            end_date: plan.schedule.end_date.clone(),
        },
        tasks: plan
            .tasks
            .iter()
            .map(|t| JsonTask {
                id: &t.id,
                title: &t.title,
                phase: t.phase.index(),
                phase_title: t.phase.title(),
                rules: &t.rules,
                findings: t.findings.len(),
                places: t.findings.iter().map(|i| i.places.max(1)).sum(),
                effort_hours: t.hours,
                effort_size: t.effort.as_str(),
                severity: t.severity.as_str(),
                blocked_by: &t.blocked_by,
                track: &t.track,
                files: &t.files,
                locations: t.findings.iter().map(|f| f.location()).collect(),
            })
            .collect(),
        dependencies: plan
            .dependencies
            .iter()
            .map(|d| JsonDependency {
                before: &d.before,
                after: &d.after,
                kind: match d.kind {
                    super::model::DepKind::Declared => "declared",
                },
                reason: &d.reason,
            })
            .collect(),
        tracks: plan
            .tracks
            .iter()
            .map(|t| JsonTrack {
                id: &t.id,
                name: &t.name,
                developer: t.developer,
                tasks: &t.tasks,
                handed_over: t
                    .handed_over
                    .iter()
                    .map(|(task, developer)| JsonHandover {
                        task,
                        developer: *developer,
                    })
                    .collect(),
                hours: t.hours,
                shares_files_with: &t.shares_files_with,
            })
            .collect(),
        schedule: plan
            .schedule
            .slots
            .iter()
            .map(|s| JsonSlot {
                task: &s.task,
                developer: s.developer,
                start_hour: s.start_hour,
                end_hour: s.end_hour,
                early: s.early,
                start_date: s.start_date.as_deref(),
                end_date: s.end_date.as_deref(),
            })
            .collect(),
        makespan_hours: plan.schedule.makespan_hours,
        days: plan.schedule.days(),
        critical_path: &plan.critical_path,
        critical_path_hours: plan.critical_path_hours,
        total_hours: plan.total_hours(),
        criteria: plan
            .criteria
            .iter()
            .map(|pc| JsonPhaseCriteria {
                phase: pc.phase.index(),
                criteria: pc
                    .criteria
                    .iter()
                    .map(|c| JsonCriterion {
                        text: &c.text,
                        rules: &c.rules,
                        control: c.control.as_deref(),
                        min_severity: c.min_severity,
                        task: c.task.as_deref(),
                    })
                    .collect(),
            })
            .collect(),
        live: &plan.live,
    }
}

/// Writes the plan as pretty JSON.
pub fn render(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &to_json(plan))?;
    writeln!(w)
}
