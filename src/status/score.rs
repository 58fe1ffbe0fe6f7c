//! The readiness score: one formula, in one place, for `status`, the reports
//! and `plan --since` (docs/status.md "Score").
//!
//! Two parts, both on the 0–10 scale:
//! - **Controls.** Each applicable control contributes `weight × credit` (done 1,
//!   partial 0.5, missing 0); an area's score is 10 × earned / possible over its
//!   applicable controls. `points_lost` is what a control costs the overall
//!   score. A control present but ineffective (a scan whose failure is
//!   swallowed, weak evidence only) is partial, so it costs half its weight.
//! - **Open findings in shipped code.** Every open critical finding costs
//!   [`CRITICAL_POINTS`], every high one [`HIGH_POINTS`] (a rule's findings
//!   counted at most [`REPEATS_COUNTED`] times), at most [`FINDINGS_CAP`] in all; findings in tests, examples, docs, vendored or
//!   archived files, and repository-level findings (which duplicate a
//!   control), cost nothing.
//!
//! `overall = max(0, controls − findings)`, so the points lost of all controls
//! plus the findings' points add up to 10 − overall. Use [`readiness`] to score
//! a set of controls and findings, [`readiness_of`] when the findings are records
//! (a baseline's, a plan's items); [`findings_penalty`] alone when only findings
//! are known.

use std::collections::BTreeMap;

use serde::Serialize;

use super::controls::Area;
use super::{ControlStatus, Scores};
use crate::finding::{Finding, Severity};
use crate::roles::{self, FileRole};

/// Points one open critical finding in shipped code costs.
pub const CRITICAL_POINTS: f64 = 1.0;
/// Points one open high finding in shipped code costs.
pub const HIGH_POINTS: f64 = 0.5;
/// How many findings of one rule count: the same problem repeated in many
/// places is one fix (the plan's task), not many.
pub const REPEATS_COUNTED: usize = 2;
/// The most open findings can cost in all: the controls stay the larger part.
pub const FINDINGS_CAP: f64 = 3.0;

/// What open critical/high findings in shipped code cost the score.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingsPenalty {
    /// Points taken from the overall score (two decimals, capped at [`FINDINGS_CAP`]).
    pub points: f64,
    /// Open critical findings counted.
    pub critical: usize,
    /// Open high findings counted.
    pub high: usize,
    /// Points per area the findings belong to (`code` for application code),
    /// scaled down with the total when the cap applies.
    pub by_area: BTreeMap<&'static str, f64>,
    /// What each rule cost, largest first: the findings behind `by_area`.
    pub rules: Vec<RulePoints>,
}

/// What one rule's open findings of one severity cost the score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulePoints {
    /// The rule id.
    pub rule: String,
    /// `critical` or `high`.
    pub severity: Severity,
    /// The area it is charged to ([`area_of_rule`]).
    pub area: &'static str,
    /// Open findings of this rule and severity in shipped code.
    pub open: usize,
    /// How many of them were counted (at most [`REPEATS_COUNTED`]).
    pub counted: usize,
    /// Points taken (two decimals, after the cap's scaling).
    pub points: f64,
}

/// What one area costs the overall score: its controls' points lost and its
/// findings' points, so a reader sees where the 10 − overall went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct AreaLoss {
    /// Points its applicable controls lose (Σ `points_lost`).
    pub controls: f64,
    /// Points its rules' open findings cost.
    pub findings: f64,
    /// The two together.
    pub total: f64,
}

/// Rounds to one decimal (what people read).
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The area a finding's rule belongs to, for showing what cost the points.
pub fn area_of_rule(rule: &str) -> &'static str {
    match rule.split('/').next().unwrap_or("") {
        "actions" | "workflows" | "ci" => Area::CiCd.as_str(),
        "deps" | "supply-chain" => Area::SupplyChain.as_str(),
        "docker" | "compose" | "k8s" | "helm" | "terraform" => Area::Containers.as_str(),
        "secrets" | "repo" => Area::SecurityPolicy.as_str(),
        _ => "code",
    }
}

/// Whether a finding counts against the score: critical or high, in a file the
/// project ships (production role), not about the repository as a whole.
pub fn counts_against(f: &Finding) -> bool {
    counts_against_at(f.severity, &f.path)
}

/// [`counts_against`] for a finding known by its severity and path, as records
/// keep it; a repository-level finding's path is `.` (or empty in a plan item).
pub fn counts_against_at(severity: Severity, path: &str) -> bool {
    severity >= Severity::High
        && !path.is_empty()
        && path != crate::finding::REPOSITORY_PATH
        && roles::role_of(path) == FileRole::Production
}

/// What open findings cost: `(severity, rule)` of each finding that
/// [`counts_against`] the score.
pub fn findings_penalty<'a>(
    findings: impl IntoIterator<Item = (Severity, &'a str)>,
) -> FindingsPenalty {
    let mut p = FindingsPenalty::default();
    // Per rule and severity: how many findings, so one problem repeated in
    // many places counts at most [`REPEATS_COUNTED`] times.
    let mut per_rule: BTreeMap<(&'a str, Severity), usize> = BTreeMap::new();
    for (sev, rule) in findings {
        match sev {
            Severity::Critical => p.critical += 1,
            Severity::High => p.high += 1,
            _ => continue,
        }
        *per_rule.entry((rule, sev)).or_default() += 1;
    }
    let mut raw: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut rules = Vec::new();
    for ((rule, sev), n) in per_rule {
        let each = if sev == Severity::Critical {
            CRITICAL_POINTS
        } else {
            HIGH_POINTS
        };
        let counted = n.min(REPEATS_COUNTED);
        let area = area_of_rule(rule);
        *raw.entry(area).or_default() += each * counted as f64;
        rules.push(RulePoints {
            rule: rule.to_string(),
            severity: sev,
            area,
            open: n,
            counted,
            points: each * counted as f64,
        });
    }
    let total: f64 = raw.values().fold(0.0, |a, b| a + b);
    let scale = if total > FINDINGS_CAP {
        FINDINGS_CAP / total
    } else {
        1.0
    };
    p.points = round2(total * scale);
    p.by_area = raw
        .into_iter()
        .map(|(a, v)| (a, round2(v * scale)))
        .collect();
    for r in &mut rules {
        r.points = round2(r.points * scale);
    }
    rules.sort_by(|a, b| {
        b.points
            .partial_cmp(&a.points)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| b.open.cmp(&a.open))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    p.rules = rules;
    p
}

/// Where the points went, per area: the controls' points lost in each area and the
/// findings charged to it (`code` for application code, which has no controls).
/// The totals add up to 10 − overall, give or take rounding.
pub fn lost_by_area(
    controls: &[ControlStatus],
    findings: &FindingsPenalty,
) -> BTreeMap<&'static str, AreaLoss> {
    let mut out: BTreeMap<&'static str, AreaLoss> = BTreeMap::new();
    for c in controls.iter().filter(|c| c.points_lost > 0.0) {
        out.entry(c.area.as_str()).or_default().controls += c.points_lost;
    }
    for (area, pts) in &findings.by_area {
        out.entry(area).or_default().findings += pts;
    }
    for l in out.values_mut() {
        l.controls = round2(l.controls);
        l.findings = round2(l.findings);
        l.total = round2(l.controls + l.findings);
    }
    out
}

/// Scores a report: fills each control's `points_lost` and takes the findings'
/// points from the overall score. The one formula `status`, the reports and
/// `plan --since` share.
pub fn readiness(controls: &mut [ControlStatus], findings: &[Finding]) -> Scores {
    readiness_of(
        controls,
        findings
            .iter()
            .map(|f| (f.severity, f.rule, f.path.as_str())),
    )
}

/// [`readiness`] for findings given as `(severity, rule, path)`: what `plan --since`
/// scores a baseline's records and today's plan with, so it prints the number
/// `status` prints for the same findings.
pub fn readiness_of<'a>(
    controls: &mut [ControlStatus],
    findings: impl IntoIterator<Item = (Severity, &'a str, &'a str)>,
) -> Scores {
    let penalty = findings_penalty(
        findings
            .into_iter()
            .filter(|(sev, _, path)| counts_against_at(*sev, path))
            .map(|(sev, rule, _)| (sev, rule)),
    );
    score(controls, penalty)
}

/// Computes scores with a known findings penalty and fills each control's `points_lost`.
pub fn score(controls: &mut [ControlStatus], findings: FindingsPenalty) -> Scores {
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
    let from_controls = (possible > 0.0).then(|| round1(10.0 * earned / possible));
    let overall = from_controls.map(|s| round1((s - findings.points).max(0.0)));
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
    let unknown = controls
        .iter()
        .filter(|c| c.state == super::State::Unknown)
        .map(|c| c.id)
        .collect();
    let lost = lost_by_area(controls, &findings);
    Scores {
        overall,
        controls: from_controls,
        areas,
        lost,
        findings,
        unknown,
    }
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
        let s = score(&mut v, FindingsPenalty::default());
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
        assert_eq!(score(&mut v, FindingsPenalty::default()).overall, None);
    }

    #[test]
    fn open_findings_cost_points_capped() {
        let p = findings_penalty([
            (Severity::Critical, "python/sql-injection"),
            (Severity::High, "actions/unpinned-uses"),
            (Severity::High, "compose/privileged"),
        ]);
        assert_eq!((p.critical, p.high, p.points), (1, 2, 2.0));
        assert_eq!(p.by_area["code"], 1.0);
        assert_eq!(p.by_area["ci-cd"], 0.5);
        let mut v = vec![ctl("a", Area::SupplyChain, 3, State::Done)];
        let s = score(&mut v, p);
        assert_eq!((s.controls, s.overall), (Some(10.0), Some(8.0)));
        let repeated = findings_penalty((0..20).map(|_| (Severity::High, "actions/unpinned-uses")));
        assert_eq!((repeated.high, repeated.points), (20, 1.0));
        let many = findings_penalty(
            ["python/a", "python/b", "python/c", "python/d"].map(|r| (Severity::Critical, r)),
        );
        assert_eq!(many.points, FINDINGS_CAP);
        assert_eq!(many.by_area["code"], FINDINGS_CAP);
        assert_eq!(many.rules.len(), 4);
        assert_eq!(many.rules[0].points, 0.75);
        assert_eq!(
            (
                repeated.rules[0].open,
                repeated.rules[0].counted,
                repeated.rules[0].points
            ),
            (20, 2, 1.0)
        );
        let none = findings_penalty([(Severity::Medium, "docker/latest-tag")]);
        assert_eq!(none.points, 0.0);
    }
}
