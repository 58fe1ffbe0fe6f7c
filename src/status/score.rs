//! Scores: each applicable control contributes `weight × credit` (done 1,
//! partial 0.5, missing 0); an area's score is 10 × earned / possible over its
//! applicable controls, and the overall score the same over every applicable
//! control. `points_lost` is what a control costs the overall score, so the
//! points lost of all controls add up to 10 − overall.

use std::collections::BTreeMap;

use super::controls::Area;
use super::{ControlStatus, Scores};

/// Rounds to one decimal (what people read).
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Computes scores and fills each control's `points_lost`.
pub fn score(controls: &mut [ControlStatus]) -> Scores {
    let possible: f64 = controls
        .iter()
        .filter(|c| c.state.credit().is_some())
        .map(|c| f64::from(c.weight))
        .sum();
    let mut earned = 0.0;
    for c in controls.iter_mut() {
        let Some(credit) = c.state.credit() else {
            c.points_lost = 0.0;
            continue;
        };
        let w = f64::from(c.weight);
        earned += w * credit;
        c.points_lost = if possible > 0.0 {
            round2(10.0 * w * (1.0 - credit) / possible)
        } else {
            0.0
        };
    }
    let overall = (possible > 0.0).then(|| round1(10.0 * earned / possible));
    let mut areas = BTreeMap::new();
    for area in Area::ALL {
        let (e, p) = controls
            .iter()
            .filter(|c| c.area == area)
            .filter_map(|c| c.state.credit().map(|cr| (c.weight, cr)))
            .fold((0.0, 0.0), |(e, p), (w, cr)| {
                (e + f64::from(w) * cr, p + f64::from(w))
            });
        areas.insert(area, (p > 0.0).then(|| round1(10.0 * e / p)));
    }
    Scores { overall, areas }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::State;

    fn ctl(id: &'static str, area: Area, weight: u8, state: State) -> ControlStatus {
        ControlStatus {
            id,
            area,
            title: "",
            weight,
            state,
            evidence: Vec::new(),
            summary: String::new(),
            advice: String::new(),
            points_lost: 0.0,
        }
    }

    #[test]
    fn weighted_with_na_excluded() {
        let mut v = vec![
            ctl("a", Area::SupplyChain, 3, State::Done),
            ctl("b", Area::SupplyChain, 1, State::Missing),
            ctl("c", Area::Containers, 2, State::Partial),
            ctl("d", Area::Containers, 3, State::NotApplicable),
        ];
        let s = score(&mut v);
        // earned 3 + 0 + 1 = 4 of 6.
        assert_eq!(s.overall, Some(6.7));
        assert_eq!(s.areas[&Area::SupplyChain], Some(7.5));
        assert_eq!(s.areas[&Area::Containers], Some(5.0));
        assert_eq!(s.areas[&Area::Operations], None);
        assert_eq!(v[1].points_lost, 1.67);
        assert_eq!(v[2].points_lost, 1.67);
        assert_eq!(v[3].points_lost, 0.0);
    }

    #[test]
    fn nothing_applicable() {
        let mut v = vec![ctl("a", Area::SupplyChain, 3, State::NotApplicable)];
        assert_eq!(score(&mut v).overall, None);
    }
}
