//! The readiness status as the HTML and Markdown reports draw it.

use super::{State, StatusReport};
use crate::output::extras::{AreaView, ControlState, ControlView, EvidenceView, StatusView};
use crate::status::controls::Area;

impl StatusReport {
    /// What the reports need: overall score, area scores with counts, controls with evidence.
    pub fn view(&self) -> StatusView {
        let areas = Area::ALL
            .iter()
            .filter_map(|area| {
                let score = self.scores.areas.get(area).copied().flatten()?;
                let applicable: Vec<_> = self
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
        let controls = self
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
            overall_score: self.scores.overall,
            areas,
            controls,
        }
    }
}
