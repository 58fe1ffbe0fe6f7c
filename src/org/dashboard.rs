//! Merging per-repository results into one organisation dashboard: repositories
//! ranked worst first, the controls most often missing, the rules firing most.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::finding::Severity;

use super::input::{Input, Loaded, ScanResult, StatusResult};

/// One repository's line of the dashboard.
#[derive(Debug, Clone, Default)]
pub struct RepoRow {
    /// Repository name.
    pub name: String,
    /// Overall readiness 0–10 from its status result, when there is one with a score.
    pub readiness: Option<f64>,
    /// Findings per severity (empty without a scan result).
    pub by_severity: BTreeMap<Severity, usize>,
    /// Ids of the controls in state `missing`.
    pub missing: Vec<String>,
    /// How many controls are `partial`.
    pub partial: usize,
    /// How many controls apply (neither `not-applicable` nor `unknown`).
    pub applicable: usize,
    /// The rule with most findings here, and its count.
    pub top_rule: Option<(String, usize)>,
    /// The scan result read, if any.
    pub scan: Option<PathBuf>,
    /// The status result read, if any.
    pub status: Option<PathBuf>,
}

impl RepoRow {
    /// Findings of `sev`.
    pub fn count(&self, sev: Severity) -> usize {
        self.by_severity.get(&sev).copied().unwrap_or(0)
    }
    /// All findings.
    pub fn findings(&self) -> usize {
        self.by_severity.values().sum()
    }
}

/// A control across the organisation.
#[derive(Debug, Clone, Default)]
pub struct ControlGap {
    /// Control id.
    pub id: String,
    /// Human title.
    pub title: String,
    /// Repositories where it is missing.
    pub missing: Vec<String>,
    /// Repositories where it is partial.
    pub partial: usize,
    /// Repositories where it applies.
    pub applicable: usize,
}

/// A rule across the organisation.
#[derive(Debug, Clone)]
pub struct RuleCount {
    /// Rule id.
    pub rule: String,
    /// Highest severity it was reported at.
    pub severity: Severity,
    /// Findings in all repositories.
    pub findings: usize,
    /// Repositories with at least one finding.
    pub repositories: usize,
}

/// An input left out, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// The file as given.
    pub path: PathBuf,
    /// Why it was left out.
    pub reason: String,
}

/// The merged dashboard every format renders.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    /// Repositories, worst first ([`rank`]).
    pub repos: Vec<RepoRow>,
    /// Controls missing or partial somewhere, most often missing first.
    pub controls: Vec<ControlGap>,
    /// Rules with findings, in most repositories first, then most findings.
    pub rules: Vec<RuleCount>,
    /// Inputs left out.
    pub skipped: Vec<Skipped>,
}

/// Merges results (scan and status files paired by repository name). A second result
/// of the same kind for a repository is left out as a duplicate.
pub fn build(inputs: Vec<Input>, mut skipped: Vec<Skipped>) -> Dashboard {
    let mut scans: BTreeMap<String, (PathBuf, ScanResult)> = BTreeMap::new();
    let mut statuses: BTreeMap<String, (PathBuf, StatusResult)> = BTreeMap::new();
    for input in inputs {
        let (kind, taken) = match &input.loaded {
            Loaded::Scan(_) => ("scan", scans.get(&input.repository).map(|e| e.0.clone())),
            Loaded::Status(_) => (
                "status",
                statuses.get(&input.repository).map(|e| e.0.clone()),
            ),
        };
        if let Some(first) = taken {
            skipped.push(Skipped {
                reason: format!(
                    "a second {kind} result for `{}` (the first, {}, is used)",
                    input.repository,
                    first.display()
                ),
                path: input.path,
            });
            continue;
        }
        match input.loaded {
            Loaded::Scan(s) => {
                scans.insert(input.repository, (input.path, s));
            }
            Loaded::Status(s) => {
                statuses.insert(input.repository, (input.path, s));
            }
        }
    }
    let mut names: Vec<String> = scans.keys().chain(statuses.keys()).cloned().collect();
    names.sort();
    names.dedup();

    let mut repos = Vec::with_capacity(names.len());
    let mut gaps: BTreeMap<String, ControlGap> = BTreeMap::new();
    let mut rules: BTreeMap<String, RuleCount> = BTreeMap::new();
    for name in names {
        let mut row = RepoRow {
            name: name.clone(),
            ..RepoRow::default()
        };
        if let Some((path, s)) = scans.remove(&name) {
            row.scan = Some(path);
            row.by_severity = s.by_severity;
            row.top_rule = s
                .by_rule
                .iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.0.cmp(a.0)))
                .map(|(r, (n, _))| (r.clone(), *n));
            for (rule, (n, sev)) in s.by_rule {
                let e = rules.entry(rule.clone()).or_insert(RuleCount {
                    rule,
                    severity: sev,
                    findings: 0,
                    repositories: 0,
                });
                e.findings += n;
                e.repositories += 1;
                e.severity = e.severity.max(sev);
            }
        }
        if let Some((path, s)) = statuses.remove(&name) {
            row.status = Some(path);
            row.readiness = s.overall;
            for c in s.controls {
                let applies = !matches!(c.state.as_str(), "not-applicable" | "unknown");
                let gap = gaps.entry(c.id.clone()).or_insert_with(|| ControlGap {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    ..ControlGap::default()
                });
                if applies {
                    row.applicable += 1;
                    gap.applicable += 1;
                }
                match c.state.as_str() {
                    "missing" => {
                        row.missing.push(c.id);
                        gap.missing.push(name.clone());
                    }
                    "partial" => {
                        row.partial += 1;
                        gap.partial += 1;
                    }
                    _ => {}
                }
            }
        }
        repos.push(row);
    }
    rank(&mut repos);
    let mut controls: Vec<ControlGap> = gaps
        .into_values()
        .filter(|g| !g.missing.is_empty() || g.partial > 0)
        .collect();
    controls.sort_by(|a, b| {
        b.missing
            .len()
            .cmp(&a.missing.len())
            .then(b.partial.cmp(&a.partial))
            .then(a.id.cmp(&b.id))
    });
    let mut rules: Vec<RuleCount> = rules.into_values().collect();
    rules.sort_by(|a, b| {
        b.repositories
            .cmp(&a.repositories)
            .then(b.findings.cmp(&a.findings))
            .then(a.rule.cmp(&b.rule))
    });
    Dashboard {
        repos,
        controls,
        rules,
        skipped,
    }
}

/// Worst first, where a platform team looks first: the lowest readiness score, then
/// most open critical, then high findings. Repositories without a score (no status
/// result) come after those with one, ordered by their findings alone; the name breaks ties.
pub fn rank(repos: &mut [RepoRow]) {
    repos.sort_by(|a, b| {
        let score = match (a.readiness, b.readiness) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        score
            .then(
                b.count(Severity::Critical)
                    .cmp(&a.count(Severity::Critical)),
            )
            .then(b.count(Severity::High).cmp(&a.count(Severity::High)))
            .then(a.name.cmp(&b.name))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::input::ControlResult;

    fn scan(name: &str, rules: &[(&str, usize, Severity)]) -> Input {
        let mut s = ScanResult::default();
        for (r, n, sev) in rules {
            s.by_rule.insert(r.to_string(), (*n, *sev));
            *s.by_severity.entry(*sev).or_insert(0) += n;
        }
        Input {
            path: PathBuf::from(format!("{name}.scan.json")),
            repository: name.into(),
            loaded: Loaded::Scan(s),
        }
    }

    fn status(name: &str, overall: Option<f64>, states: &[(&str, &str)]) -> Input {
        Input {
            path: PathBuf::from(format!("{name}.status.json")),
            repository: name.into(),
            loaded: Loaded::Status(StatusResult {
                overall,
                controls: states
                    .iter()
                    .map(|(id, st)| ControlResult {
                        id: id.to_string(),
                        title: id.to_uppercase(),
                        state: st.to_string(),
                    })
                    .collect(),
            }),
        }
    }

    #[test]
    fn ranks_worst_first_and_counts_across_repositories() {
        use Severity::*;
        let d = build(
            vec![
                scan("a", &[("x/one", 3, High), ("y/two", 1, Critical)]),
                status("a", Some(5.0), &[("ci", "missing"), ("sbom", "partial")]),
                scan("b", &[("x/one", 1, Medium)]),
                status("b", Some(5.0), &[("ci", "missing"), ("sbom", "missing")]),
                scan("c", &[]),
                status(
                    "c",
                    Some(2.0),
                    &[("ci", "done"), ("sbom", "not-applicable")],
                ),
                scan("d", &[("y/two", 9, Critical)]),
                scan("b", &[]),
            ],
            Vec::new(),
        );
        let order: Vec<&str> = d.repos.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(order, ["c", "a", "b", "d"]);
        assert_eq!(d.controls[0].id, "ci");
        assert_eq!(d.controls[0].missing, ["a", "b"]);
        assert_eq!((d.controls[1].missing.len(), d.controls[1].partial), (1, 1));
        assert_eq!(d.rules[0].rule, "y/two", "2 repositories, 10 findings");
        assert_eq!((d.rules[0].findings, d.rules[0].repositories), (10, 2));
        assert_eq!(d.rules[1].rule, "x/one");
        assert_eq!((d.rules[1].findings, d.rules[1].repositories), (4, 2));
        assert_eq!(d.rules[1].severity, High, "the highest seen");
        assert_eq!(d.skipped.len(), 1, "the second scan of b");
        assert_eq!(d.repos[1].top_rule, Some(("x/one".into(), 3)));
    }
}
