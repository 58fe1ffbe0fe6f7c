//! Optional content for the human reports (`--format markdown|html`): the readiness
//! status and the remediation plan. These are plain view structs, owned by the
//! renderers, so `harden status` and `harden plan` can feed them through a small
//! adapter without the renderers depending on their internal types.
//!
//! Every field is plain data; an empty `Vec` or `None` simply hides that part of a report.
//! Paths are relative to the scanned root with forward slashes; lines are 1-based
//! (0 means "the file as a whole").

/// What the human reports show besides findings.
#[derive(Debug, Clone, Default)]
pub struct ReportExtras {
    /// Readiness controls and area scores (`harden status`).
    pub status: Option<StatusView>,
    /// Phased remediation plan (`harden plan`).
    pub plan: Option<PlanView>,
    /// The scanned repository's name (its directory), for the report's header.
    pub project: Option<String>,
}

/// The readiness assessment.
#[derive(Debug, Clone, Default)]
pub struct StatusView {
    /// Overall score 0–10, if the status command computes one.
    pub overall_score: Option<f64>,
    /// One score per area, in display order.
    pub areas: Vec<AreaView>,
    /// Every control, in display order (the renderers group them by `area`).
    pub controls: Vec<ControlView>,
}

/// The score of one area (e.g. "Supply chain").
#[derive(Debug, Clone, Default)]
pub struct AreaView {
    /// Area name, matching [`ControlView::area`].
    pub name: String,
    /// Score 0–10.
    pub score: f64,
    /// Controls done in this area.
    pub done: usize,
    /// Controls in this area.
    pub total: usize,
}

/// State of one readiness control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ControlState {
    /// In place, with evidence.
    Done,
    /// Present but incomplete ("needs work").
    Partial,
    /// Not found.
    Missing,
    /// Does not apply to this repository.
    NotApplicable,
    /// Could not be assessed (the data it needs was not given).
    Unknown,
}

impl ControlState {
    /// Short lower-case name used in class names and JSON-like text.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlState::Done => "done",
            ControlState::Partial => "partial",
            ControlState::Missing => "missing",
            ControlState::NotApplicable => "n/a",
            ControlState::Unknown => "unknown",
        }
    }

    /// Label shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ControlState::Done => "done",
            ControlState::Partial => "needs work",
            ControlState::Missing => "missing",
            ControlState::NotApplicable => "not applicable",
            ControlState::Unknown => "unknown",
        }
    }
}

/// One readiness control ("Dependabot configured", "Containers run as non-root").
#[derive(Debug, Clone)]
pub struct ControlView {
    /// Stable id, e.g. `supply-chain/dependabot`.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Area name, matching [`AreaView::name`].
    pub area: String,
    /// Done, partial, missing.
    pub state: ControlState,
    /// Where the proof (or the gap) is.
    pub evidence: Vec<EvidenceView>,
    /// What to do next; empty when done.
    pub advice: String,
}

/// A piece of evidence: a file and line, and what it shows.
#[derive(Debug, Clone, Default)]
pub struct EvidenceView {
    /// Path relative to the root.
    pub path: String,
    /// 1-based line; 0 for the whole file.
    pub line: usize,
    /// What this location proves.
    pub note: String,
}

/// The remediation plan.
#[derive(Debug, Clone, Default)]
pub struct PlanView {
    /// Phases in order; a task's `phase` indexes this list.
    pub phases: Vec<PhaseView>,
    /// Tasks in display order.
    pub tasks: Vec<TaskView>,
    /// The plan in one sentence (effort, review, working days, critical path), as the
    /// plan's own Markdown opens; empty: the renderers sum the tasks' hours instead.
    pub summary: String,
}

/// A phase of the plan ("Critical blockers").
#[derive(Debug, Clone, Default)]
pub struct PhaseView {
    /// Display name.
    pub name: String,
}

/// One task of the plan.
#[derive(Debug, Clone, Default)]
pub struct TaskView {
    /// Stable id, e.g. `T07`.
    pub id: String,
    /// What to do.
    pub title: String,
    /// Index into [`PlanView::phases`].
    pub phase: usize,
    /// Estimated effort in hours.
    pub effort_hours: f64,
    /// Ids of tasks that must be done first.
    pub blocked_by: Vec<String>,
}

impl PlanView {
    /// Name of phase `i`, or `Phase i+1` when the list is short.
    pub fn phase_name(&self, i: usize) -> String {
        self.phases
            .get(i)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("Phase {}", i + 1))
    }

    /// Number of phases used by the phase list or any task.
    pub fn phase_count(&self) -> usize {
        let used = self.tasks.iter().map(|t| t.phase + 1).max().unwrap_or(0);
        used.max(self.phases.len())
    }
}

/// Formats hours of work as an effort label: `0.5 h`, `4 h`, `345.3 h`, the way the
/// plan's Markdown writes them ([`crate::text::fmt_hours`] is the one number format). Never days:
/// a day depends on the hours per day and the number of developers, which only
/// the plan's schedule knows, and the HTML, Markdown and plan reports must agree.
pub fn effort_label(hours: f64) -> String {
    if !hours.is_finite() || hours <= 0.0 {
        return "–".to_string();
    }
    format!("{} h", crate::text::fmt_hours(hours))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effort_labels() {
        assert_eq!(effort_label(0.5), "0.5 h");
        assert_eq!(effort_label(4.0), "4 h");
        assert_eq!(effort_label(2.5), "2.5 h");
        assert_eq!(effort_label(20.0), "20 h");
        assert_eq!(effort_label(345.25), "345.3 h");
        assert_eq!(effort_label(f64::NAN), "–");
    }

    #[test]
    fn phase_names_fall_back() {
        let p = PlanView {
            phases: vec![PhaseView {
                name: "Blockers".into(),
            }],
            tasks: vec![TaskView {
                phase: 2,
                ..Default::default()
            }],
            summary: String::new(),
        };
        assert_eq!(p.phase_name(0), "Blockers");
        assert_eq!(p.phase_name(2), "Phase 3");
        assert_eq!(p.phase_count(), 3);
    }
}
