//! `status --probe URL`: what the running service answered, folded into the
//! `health-endpoint`, `readiness-endpoint` and `metrics` controls. An answer
//! upgrades "route in code" to "answered 200 at URL in N ms"; a route in the
//! code that the service does not answer makes the control missing. Status
//! never talks to the network itself: a [`LiveProber`] (the probe module)
//! does, and this file only decides what the answers mean for the controls.

use super::{score, ControlStatus, Evidence, State, StatusReport};

/// What the service answered for one control's routes.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCheck {
    /// Control id: `health-endpoint`, `readiness-endpoint` or `metrics`.
    pub control: &'static str,
    /// The URL that answered best (or the first one tried).
    pub url: Option<String>,
    /// Its status.
    pub status: Option<u16>,
    /// Median latency.
    pub p50_ms: Option<f64>,
    /// Why nothing answered (transport error), when that is the case.
    pub error: Option<String>,
    /// Paths tried, for the message when none answered.
    pub tried: Vec<String>,
}

impl LiveCheck {
    fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Something that can ask the running service (implemented by `probe`).
pub trait LiveProber {
    /// Probes `url` for the routes in `report` and says what each control's routes answered.
    fn probe(&self, report: &StatusReport, url: &str) -> Result<Vec<LiveCheck>, String>;
}

/// The controls a probe can prove.
pub const LIVE_CONTROLS: [&str; 3] = ["health-endpoint", "readiness-endpoint", "metrics"];

/// Folds the live answers into the report and re-scores it.
pub fn apply(report: &mut StatusReport, checks: &[LiveCheck]) {
    for check in checks {
        let Some(c) = report.controls.iter_mut().find(|c| c.id == check.control) else {
            continue;
        };
        apply_one(c, check);
    }
    report.scores = score::score(&mut report.controls, report.scores.findings.clone());
}

fn apply_one(c: &mut ControlStatus, check: &LiveCheck) {
    let url = check.url.clone().unwrap_or_default();
    if check.ok() {
        let status = check.status.unwrap_or(200);
        let note = match check.p50_ms {
            Some(ms) => format!("answered {status} at {url} in {ms:.0} ms"),
            None => format!("answered {status} at {url}"),
        };
        c.evidence
            .insert(0, Evidence::new(url.clone(), 0, note.clone()));
        c.summary = if c.state == State::Done {
            format!("{note} ({})", c.summary)
        } else {
            note
        };
        c.state = State::Done;
        c.advice.clear();
        return;
    }
    let how = match (check.status, &check.error) {
        (Some(s), _) => format!("answered {s}"),
        (None, Some(e)) => e.clone(),
        _ => "was not asked".to_string(),
    };
    let where_ = if check.tried.is_empty() {
        url.clone()
    } else {
        check.tried.join(", ")
    };
    let in_code = matches!(c.state, State::Done | State::Partial);
    c.evidence
        .push(Evidence::new(url.clone(), 0, format!("{where_}: {how}")));
    if in_code {
        c.summary = format!(
            "{}, but the running service does not answer it ({how} at {url})",
            c.summary
        );
        c.state = State::Missing;
        if c.advice.is_empty() {
            c.advice = "Deploy the build that registers the route, or fix the router prefix or proxy that hides it; `harden probe` lists the paths tried.".to_string();
        }
    } else if c.state == State::Missing {
        c.summary = format!(
            "{}; the running service does not answer one either ({how})",
            c.summary
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::controls::Area;

    fn control(id: &'static str, state: State) -> ControlStatus {
        ControlStatus {
            id,
            area: Area::Observability,
            title: "t",
            weight: 3,
            state,
            evidence: vec![Evidence::new("app.py", 4, "route /health")],
            summary: "health route in service code".to_string(),
            advice: String::new(),
            points_lost: 0.0,
        }
    }

    fn live(status: Option<u16>) -> LiveCheck {
        LiveCheck {
            control: "health-endpoint",
            url: Some("http://127.0.0.1:8000/health".to_string()),
            status,
            p50_ms: Some(3.2),
            error: None,
            tried: vec!["/health".to_string()],
        }
    }

    #[test]
    fn an_answer_upgrades_the_evidence() {
        let mut c = control("health-endpoint", State::Done);
        apply_one(&mut c, &live(Some(200)));
        assert_eq!(c.state, State::Done);
        assert_eq!(
            c.evidence[0].note,
            "answered 200 at http://127.0.0.1:8000/health in 3 ms"
        );
        assert_eq!(c.evidence[1].path, "app.py");
    }

    #[test]
    fn a_route_the_service_does_not_answer_is_missing() {
        let mut c = control("health-endpoint", State::Done);
        apply_one(&mut c, &live(Some(404)));
        assert_eq!(c.state, State::Missing);
        assert!(
            c.summary.contains("does not answer it (answered 404"),
            "{}",
            c.summary
        );
        assert!(!c.advice.is_empty());
        let mut m = control("health-endpoint", State::Missing);
        apply_one(&mut m, &live(None));
        assert_eq!(m.state, State::Missing);
        let mut found = control("health-endpoint", State::Missing);
        apply_one(&mut found, &live(Some(204)));
        assert_eq!(
            found.state,
            State::Done,
            "the service answers a route the code scan missed"
        );
    }
}
