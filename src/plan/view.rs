//! The plan as the HTML and Markdown reports draw it.

use super::model::{Phase, Plan};
use crate::output::extras::{PhaseView, PlanView, TaskView};

impl Plan {
    /// What the reports need of the plan: phases in order, tasks with their dependencies.
    pub fn view(&self) -> PlanView {
        PlanView {
            phases: Phase::ALL
                .iter()
                .map(|p| PhaseView {
                    name: format!("Phase {}: {}", p.index(), p.title()),
                })
                .collect(),
            tasks: self
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
            summary: if self.tasks.is_empty() {
                String::new()
            } else {
                super::render_md::summary_sentence(self)
            },
        }
    }
}
