//! CI/CD: tests run in CI, least-privilege workflow tokens.

use crate::finding::Finding;
use crate::parse::yaml::YamlNode;

use super::super::ci::{self, Ci, Detector};
use super::super::facts::{Facts, YamlText};
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
            .filter(|s| NAME.is_match(s.name.trim()) && (!s.run.is_empty() || s.uses.is_some()))
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
        let path = &w.file.path;
        let flagged = findings.iter().any(|f| {
            f.path == *path && f.rule.starts_with("actions/") && f.rule.contains("permission")
        });
        let Some(root) = w.yaml.documents.first().and_then(|d| d.root.as_ref()) else {
            continue;
        };
        let (s, e) = workflow_permissions(w, root);
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

fn grants_write(node: &YamlNode) -> bool {
    match node.as_str() {
        Some(s) => s == "write-all",
        None => node
            .as_map()
            .is_some_and(|m| m.iter().any(|p| p.value.as_str() == Some("write"))),
    }
}

/// 1 = top-level read-only (or every job scoped), 0.5 = declared but broad, 0 = none.
fn workflow_permissions(w: &YamlText, root: &YamlNode) -> (f64, Evidence) {
    let path = &w.file.path;
    if let Some(p) = root.pair("permissions") {
        let line = w.file.line(p.key_span.start);
        if grants_write(&p.value) {
            return (
                0.5,
                Evidence::new(path, line, "top-level permissions grant write"),
            );
        }
        return (1.0, Evidence::new(path, line, "top-level permissions"));
    }
    let jobs = root.get("jobs").and_then(|j| j.as_map()).unwrap_or(&[]);
    let scoped = jobs
        .iter()
        .filter(|j| j.value.get("permissions").is_some())
        .count();
    if !jobs.is_empty() && scoped == jobs.len() {
        let line = jobs
            .first()
            .and_then(|j| j.value.pair("permissions"))
            .map_or(1, |p| w.file.line(p.key_span.start));
        return (
            1.0,
            Evidence::new(path, line, "every job declares permissions"),
        );
    }
    if scoped > 0 {
        return (
            0.5,
            Evidence::new(
                path,
                1,
                format!("{scoped} of {} jobs declare permissions", jobs.len()),
            ),
        );
    }
    (
        0.0,
        Evidence::new(path, 1, "no permissions: block (default token scope)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::facts::Text;

    #[test]
    fn permissions_levels() {
        let wf = |t: &str| {
            let y = YamlText {
                file: Text::new(".github/workflows/x.yml", t),
                yaml: crate::parse::yaml::parse(t),
            };
            let root = y.yaml.documents[0].root.clone().expect("root");
            workflow_permissions(&y, &root).0
        };
        assert_eq!(
            wf("on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n"),
            1.0
        );
        assert_eq!(wf("on: push\npermissions: write-all\njobs: {}\n"), 0.5);
        assert_eq!(
            wf("on: push\njobs:\n  a:\n    permissions:\n      contents: read\n  b:\n    runs-on: x\n"),
            0.5
        );
        assert_eq!(wf("on: push\njobs:\n  a:\n    runs-on: x\n"), 0.0);
    }
}
