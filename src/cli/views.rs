//! The readiness status and the plan as the HTML and Markdown reports draw them: the
//! adapters from `status` and `plan` to the renderers' plain view structs
//! (`output::extras`). They live here, in the layer that imports both sides, so neither
//! `status` nor `plan` imports `output`.

use crate::output::extras::{
    AreaView, ControlState, ControlView, EvidenceView, PhaseView, PlanView, StatusView, TaskView,
};
use crate::plan::model::{Phase, Plan};
use crate::status::controls::Area;
use crate::status::{State, StatusReport};

/// What the reports need: overall score, area scores with counts, controls with evidence.
pub fn status_view(status: &StatusReport) -> StatusView {
    let areas = Area::ALL
        .iter()
        .filter_map(|area| {
            let score = status.scores.areas.get(area).copied().flatten()?;
            let applicable: Vec<_> = status
                .controls
                .iter()
                .filter(|c| c.area == *area && c.state.scored())
                .collect();
            Some(AreaView {
                name: area.title().to_string(),
                score,
                done: applicable.iter().filter(|c| c.state == State::Done).count(),
                total: applicable.len(),
            })
        })
        .collect();
    let controls = status
        .controls
        .iter()
        .map(|c| ControlView {
            id: c.id.to_string(),
            title: c.title.to_string(),
            area: c.area.title().to_string(),
            state: match c.state {
                State::Done => ControlState::Done,
                State::Partial => ControlState::Partial,
                State::Missing => ControlState::Missing,
                State::NotApplicable => ControlState::NotApplicable,
                State::Unknown => ControlState::Unknown,
            },
            evidence: c
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    path: e.path.clone(),
                    line: e.line,
                    note: e.note.clone(),
                })
                .collect(),
            advice: if c.state == State::Done {
                String::new()
            } else {
                c.advice.clone()
            },
        })
        .collect();
    StatusView {
        overall_score: status.scores.overall,
        areas,
        controls,
    }
}

/// What the reports need of the plan: phases in order, tasks with their dependencies.
pub fn plan_view(plan: &Plan) -> PlanView {
    PlanView {
        phases: Phase::ALL
            .iter()
            .map(|p| PhaseView {
                name: format!("Phase {}: {}", p.index(), p.title()),
            })
            .collect(),
        tasks: plan
            .tasks
            .iter()
            .map(|t| TaskView {
                id: t.id.clone(),
                title: t.title.clone(),
                phase: usize::from(t.phase.index()),
                effort_hours: t.hours,
                blocked_by: t.blocked_by.clone(),
            })
            .collect(),
        summary: if plan.tasks.is_empty() {
            String::new()
        } else {
            crate::plan::render_md::summary_sentence(plan)
        },
    }
}
