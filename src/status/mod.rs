//! `harden status`: readiness controls (done / partial / missing / not applicable)
//! with file:line evidence, advice, and a 0–10 score per area (docs/status.md).
//!
//! Layout: `controls` declares the controls as data; `facts` gathers what the
//! repository holds (from the repository model, reduced during the walk; status
//! reads and parses no file), `ci` and `workloads`
//! shape it; `profile` decides what kind of repository it is; `areas/` decides
//! each control's state, one file per area; `score` weighs them; `render`
//! prints terminal and JSON.
//! Other modules (plan, reports) call [`assess`]; the `harden status` command
//! itself (arguments, output) is in `cli::status`.

pub mod areas;
pub mod ci;
pub mod controls;
pub mod facts;
pub mod live;
pub mod outcome;
pub mod profile;
pub mod render;
pub mod routes;
pub mod score;
pub mod strength;
pub mod workloads;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::engine::ScanReport;

pub use controls::Area;

/// Where a control stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// In place, with evidence.
    Done,
    /// Started or incomplete (a scaffold, some workflows but not all…).
    Partial,
    /// Not found.
    Missing,
    /// Does not apply to this repository (no containers → no container controls).
    NotApplicable,
    /// Could not be assessed: the data it needs was not given (no OSV source for
    /// `known-vulnerabilities`). Left out of the score, like not-applicable, but
    /// reported as a gap in knowledge rather than as irrelevant.
    Unknown,
}

impl State {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Done => "done",
            State::Partial => "partial",
            State::Missing => "missing",
            State::NotApplicable => "not-applicable",
            State::Unknown => "unknown",
        }
    }

    /// Credit in the score: done 1, partial 0.5, missing 0, n/a and unknown excluded.
    pub fn credit(self) -> Option<f64> {
        match self {
            State::Done => Some(1.0),
            State::Partial => Some(0.5),
            State::Missing => Some(0.0),
            State::NotApplicable | State::Unknown => None,
        }
    }

    /// Whether the control counts in the score (not n/a, not unknown).
    pub fn scored(self) -> bool {
        self.credit().is_some()
    }
}

/// One piece of evidence; defined in the model, where the walk records what it finds.
pub use crate::model::Evidence;

/// The assessed state of one control.
#[derive(Debug, Clone, Serialize)]
pub struct ControlStatus {
    /// Control id (`dependency-updates`).
    pub id: &'static str,
    /// Area.
    pub area: Area,
    /// Human title.
    pub title: &'static str,
    /// Weight in the score.
    pub weight: u8,
    /// State.
    pub state: State,
    /// Why: file:line evidence (for missing controls, the files that show the gap).
    pub evidence: Vec<Evidence>,
    /// One-line summary of what was found.
    pub summary: String,
    /// What to do (empty when done or not applicable).
    pub advice: String,
    /// Points of the overall 0–10 score this control costs.
    pub points_lost: f64,
}

/// What kind of repository this is; decides which controls apply.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Profile {
    /// Serves network requests (a web framework, EXPOSE, published compose ports).
    pub service: bool,
    /// Something is deployed from here (containers, manifests, a service, deploy scripts).
    pub deployable: bool,
    /// A library or tool: a package manifest and nothing deployed.
    pub library: bool,
    /// Holds state worth backing up (a database in compose/k8s, a DB client in code).
    pub stateful: bool,
    /// Container definitions exist (Dockerfile, compose, Kubernetes workloads).
    pub containers: bool,
    /// GitHub Actions workflows exist.
    pub github_workflows: bool,
    /// Some CI system is configured.
    pub ci: bool,
}

/// Scores: overall and per area, 0–10, `None` when nothing in it applies
/// (the formula: `score.rs`, docs/status.md).
#[derive(Debug, Clone, Serialize)]
pub struct Scores {
    /// Overall score: the controls' score less what open findings cost.
    pub overall: Option<f64>,
    /// The controls' score alone.
    pub controls: Option<f64>,
    /// Per area (controls only).
    pub areas: BTreeMap<Area, Option<f64>>,
    /// What each area (and `code`) costs the overall score: controls and findings.
    pub lost: BTreeMap<&'static str, score::AreaLoss>,
    /// What open critical/high findings in shipped code cost.
    pub findings: score::FindingsPenalty,
    /// Controls that could not be assessed and are left out of the score.
    pub unknown: Vec<&'static str>,
}

/// The whole assessment.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    /// Every declared control, in declaration order.
    pub controls: Vec<ControlStatus>,
    /// Scores.
    pub scores: Scores,
    /// What the repository was taken to be.
    pub profile: Profile,
    /// Health, readiness and metrics routes registered in the code, with the
    /// paths to request (router prefixes resolved); what `harden probe` asks.
    #[serde(skip)]
    pub routes: Vec<routes::Route>,
    /// Configuration seen but not counted (archived, never run), with the reason.
    pub ignored: Vec<facts::Ignored>,
}

impl StatusReport {
    /// The status of a control by id.
    pub fn control(&self, id: &str) -> Option<&ControlStatus> {
        self.controls.iter().find(|c| c.id == id)
    }
}

/// The CI scanning controls a shipping repository lacks, for the plan's tasks:
/// `image-scan`, `sbom` and `sast` that are missing while CI publishes artefacts or
/// production images are built, each with that evidence (which workflow publishes
/// what, which images are built); and `image-scan` when its only scan steps are
/// report-only, with those steps as evidence. Read from the model alone, so the plan and
/// `status` give one answer.
pub fn shipping_gaps(model: &crate::model::Repository) -> Vec<(&'static str, outcome::Outcome)> {
    let facts = facts::gather(Path::new("."), model.inventory(), model);
    let ci = ci::collect(&facts);
    [
        ("image-scan", areas::supply_chain::image_scan(&facts, &ci)),
        ("sbom", areas::supply_chain::sbom(&facts, &ci)),
        ("sast", areas::security_policy::sast(&facts, &ci)),
    ]
    .into_iter()
    .filter(|(c, o)| {
        !o.evidence.is_empty()
            && (o.state == State::Missing
                // A scan that runs but can never fail the job (trivy `exit-code: 0`,
                // `continue-on-error`): the gap is its gate, shown by its steps.
                || (*c == "image-scan"
                    && o.state == State::Partial
                    && o.evidence.iter().all(|e| e.note.ends_with(ci::NON_BLOCKING))))
    })
    .collect()
}

/// Assesses the repository at `root`, using a scan's findings and inventory.
pub fn assess(root: &Path, report: &ScanReport, config: &Config) -> StatusReport {
    let facts = facts::gather(root, &report.inventory, &report.model);
    let routes = routes::resolve(&facts.source.routes, &facts.source.prefixes);
    let (profile, mut outcomes) = areas::assess_all(&facts, &report.findings);
    outcomes.insert(
        "known-vulnerabilities",
        areas::supply_chain::known_vulnerabilities(root, config),
    );
    let mut controls: Vec<ControlStatus> = controls::CONTROLS
        .iter()
        .map(|def| {
            let o = outcomes.get(def.id).cloned().unwrap_or_default();
            let advice = match o.state {
                State::Done | State::NotApplicable => String::new(),
                _ => def.advice.to_string(),
            };
            ControlStatus {
                id: def.id,
                area: def.area,
                title: def.title,
                weight: def.weight,
                state: o.state,
                evidence: o.evidence,
                summary: o.summary,
                advice,
                points_lost: 0.0,
            }
        })
        .collect();
    let scores = score::readiness(&mut controls, &report.findings);
    StatusReport {
        controls,
        scores,
        profile,
        routes,
        ignored: facts.ignored.clone(),
    }
}
