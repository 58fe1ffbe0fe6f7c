//! What assessing one control yields before it is scored, and the small
//! helpers every area uses to build it.

use super::{Evidence, State};

/// The assessment of one control before scoring.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// State.
    pub state: State,
    /// Evidence.
    pub evidence: Vec<Evidence>,
    /// What was found, one line.
    pub summary: String,
}

impl Default for Outcome {
    fn default() -> Self {
        Outcome {
            state: State::Missing,
            evidence: Vec::new(),
            summary: "not found".to_string(),
        }
    }
}

/// An outcome in `state` with its evidence and a one-line summary.
pub fn out(state: State, evidence: Vec<Evidence>, summary: impl Into<String>) -> Outcome {
    Outcome {
        state,
        evidence,
        summary: summary.into(),
    }
}

/// Not applicable, with the reason.
pub fn na(summary: impl Into<String>) -> Outcome {
    out(State::NotApplicable, Vec::new(), summary)
}

/// The first `n` pieces of evidence (controls cite a few, not all).
pub fn first(mut v: Vec<Evidence>, n: usize) -> Vec<Evidence> {
    v.truncate(n);
    v
}

/// Done / partial / missing from counts of good and total units.
pub fn by_fraction(good: usize, total: usize) -> State {
    if total > 0 && good == total {
        State::Done
    } else if good > 0 {
        State::Partial
    } else {
        State::Missing
    }
}
