//! CI/CD: tests run in CI, least-privilege workflow tokens.

use crate::finding::Finding;

use super::super::ci::{self, Ci, Detector};
use super::super::facts::Facts;
use super::super::outcome::{first, na, out, Outcome};
use super::super::{Evidence, Profile, State};
use super::all_soft;

pub(crate) fn tests_in_ci(ci: &Ci, _p: &Profile) -> Outcome {
    static D: Detector = Detector {
        uses: &[],
        run: &ci::TEST_RE,
        input: None,
        reject: Some(ci::installs_only),
    };
    let mut ev = ci.find(&D);
    if ev.is_empty() {
        // A step named "Run tests" that runs something (a wrapper script, a make target).
        static NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"(?i)^(?:run\s+)?(?:the\s+)?(?:unit\s+|integration\s+|e2e\s+|backend\s+|frontend\s+)?tests?(?:\s+suite)?\b")
                .unwrap_or_else(|_| unreachable!())
        });
        ev = ci
            .steps
            .iter()
            .filter(|s| {
                NAME.is_match(s.name.trim())
                    && (s.uses.is_some()
                        || s.run.iter().any(|(_, t)| !ci::installs_dependencies(t)))
            })
            .map(|s| {
                let line = s.run.first().map_or(s.line, |r| r.0);
                Evidence::new(&s.path, line, format!("step “{}”", s.name.trim()))
            })
            .collect();
    }
    if ci.steps.is_empty() {
        return out(State::Missing, Vec::new(), "no CI configuration found");
    }
    if ev.is_empty() {
        return out(State::Missing, Vec::new(), "CI runs no test command");
    }
    if all_soft(&ev) {
        return out(
            State::Partial,
            first(ev, 4),
            "tests run in CI but failures are ignored",
        );
    }
    let n = ev.len();
    out(
        State::Done,
        first(ev, 4),
        format!(
            "tests run in CI ({n} step{})",
            if n == 1 { "" } else { "s" }
        ),
    )
}

pub(crate) fn token_permissions(facts: &Facts<'_>, findings: &[Finding]) -> Outcome {
    if facts.workflows.is_empty() {
        return na("no GitHub Actions workflows");
    }
    let mut score = 0.0;
    let mut ev_good = Vec::new();
    let mut ev_bad = Vec::new();
    for w in &facts.workflows {
        let path = &w.path;
        let flagged = findings.iter().any(|f| {
            f.path == *path && f.rule.starts_with("actions/") && f.rule.contains("permission")
        });
        // The walk scored the workflow's first document (`model::ci`).
        let Some((s, e)) = w.permissions.clone() else {
            continue;
        };
        let s = if flagged { s.min(0.5) } else { s };
        score += s;
        if s >= 1.0 {
            ev_good.push(e);
        } else {
            ev_bad.push(e);
        }
    }
    let total = ev_good.len() + ev_bad.len();
    let state = if total > 0 && ev_bad.is_empty() {
        State::Done
    } else if score > 0.0 {
        State::Partial
    } else {
        State::Missing
    };
    let summary = format!(
        "{} of {total} workflows declare least-privilege permissions",
        ev_good.len()
    );
    let mut ev = ev_bad;
    ev.extend(ev_good);
    out(state, first(ev, 6), summary)
}
