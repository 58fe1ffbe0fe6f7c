//! Tracks: the plan's work cut by domain (database, CI/CD, containers,
//! observability, docs…), the way a lead hands it out, each with a suggested
//! developer.
//!
//! A task's domain comes from its rule ([`DOMAINS`], rule id patterns, most specific
//! first, so rules added later land somewhere sensible). Developers are suggested by
//! balancing the tracks' hours (largest first, to the least loaded developer), with
//! one twist from file overlap: a track that edits files another track edits goes to
//! that track's developer when this keeps the load within [`BALANCE_SLACK`] of an even
//! share, since the same person then makes both changes to the file. File overlap
//! orders nothing (see `deps.rs`); the scheduler only never runs two tasks that edit
//! one file at the same time.

use std::collections::{BTreeMap, BTreeSet};

use super::deps::pattern_matches;
use super::model::{Schedule, Task, Track};

/// Domain by rule id pattern: (pattern, track id). First match wins.
pub const DOMAINS: &[(&str, &str)] = &[
    ("design/duplicated-parameters", "configuration"),
    ("design/parameter-drift", "configuration"),
    ("design/archived-code", "cleanup"),
    ("design/tool-config", "cleanup"),
    ("design/image-scan", "ci-cd"),
    ("design/sbom", "ci-cd"),
    ("design/code-scanning", "ci-cd"),
    ("config/duplicated-credential", "database"),
    ("config/scattered-connection-settings", "database"),
    ("python/unclosed-resource", "database"),
    ("compose/db-port-exposed", "database"),
    ("*pool*", "database"),
    ("*connection*", "database"),
    ("secrets/*", "security"),
    ("*secret*", "security"),
    ("*credential*", "security"),
    ("*tls*", "security"),
    ("shell/ssh-host-key-disabled", "security"),
    ("python/insecure-import-fallback", "security"),
    ("python/yaml-unsafe-load", "security"),
    ("python/subprocess-shell", "security"),
    ("docker/metrics-healthcheck", "observability"),
    ("python/print-in-library", "observability"),
    ("*health*", "observability"),
    ("*probe*", "observability"),
    ("*logging*", "observability"),
    ("*telemetry*", "observability"),
    ("*metrics*", "observability"),
    ("actions/*", "ci-cd"),
    ("repo/dependabot*", "ci-cd"),
    ("repo/no-dependency-updates", "ci-cd"),
    ("docker/*", "containers"),
    ("compose/*", "containers"),
    ("k8s/*", "containers"),
    ("python/bare-except", "resilience"),
    ("python/swallowed-exception", "resilience"),
    ("*timeout*", "resilience"),
    ("*retry*", "resilience"),
    ("*circuit-breaker*", "resilience"),
    ("python/silent-numeric-fallback", "data"),
    ("*validation*", "data"),
    ("config/*", "configuration"),
    ("shell/*", "scripts"),
    ("deps/*", "dependencies"),
    ("docs/*", "docs"),
    ("repo/*", "docs"),
    ("design/*", "design"),
];

/// The name of each domain track.
const DOMAIN_NAMES: &[(&str, &str)] = &[
    ("database", "Database & credentials"),
    ("security", "Security & secrets"),
    ("observability", "Observability"),
    ("ci-cd", "CI/CD"),
    ("containers", "Containers"),
    ("resilience", "Error handling & resilience"),
    ("data", "Data quality"),
    ("configuration", "Configuration"),
    ("scripts", "Shell & ops scripts"),
    ("dependencies", "Dependencies"),
    ("docs", "Documentation"),
    ("design", "Design"),
    ("cleanup", "Repository cleanup"),
];

/// A track may take this much more than an even share to keep files with one developer.
pub const BALANCE_SLACK: f64 = 1.25;

/// The domain (track id, name) of a rule; unknown families get their own track.
pub fn domain_of(rule: &str) -> (String, String) {
    for (pat, id) in DOMAINS {
        if pattern_matches(pat, rule) {
            let name = DOMAIN_NAMES
                .iter()
                .find(|(d, _)| d == id)
                .map_or(*id, |(_, n)| n);
            return ((*id).to_string(), name.to_string());
        }
    }
    let family = rule.split('/').next().unwrap_or(rule);
    let id = super::tasks::slug(family);
    (id, super::phases::family_name(family))
}

/// Assigns `task.track` (the domain of the task's first rule) and returns the
/// tracks, largest first, each with a suggested developer (1-based) out of `devs`.
pub fn assign(tasks: &mut [Task], devs: usize) -> Vec<Track> {
    let devs = devs.max(1);
    let mut by_track: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, t) in tasks.iter_mut().enumerate() {
        let rule = t.rules.first().map(String::as_str).unwrap_or("");
        let (id, name) = domain_of(rule);
        t.track = id.clone();
        by_track
            .entry(id)
            .or_insert_with(|| (name, Vec::new()))
            .1
            .push(i);
    }
    let mut tracks: Vec<Track> = by_track
        .into_iter()
        .map(|(id, (name, idx))| Track {
            id,
            name,
            developer: 0,
            handed_over: Vec::new(),
            tasks: idx.iter().map(|&i| tasks[i].id.clone()).collect(),
            hours: idx.iter().map(|&i| tasks[i].hours).sum(),
            shares_files_with: Vec::new(),
        })
        .collect();
    // Which tracks edit a common file.
    let files_of = |tr: &Track| -> BTreeSet<&str> {
        tr.tasks
            .iter()
            .filter_map(|id| tasks.iter().find(|t| &t.id == id))
            .flat_map(|t| t.files.iter().map(String::as_str))
            .collect()
    };
    let file_sets: Vec<BTreeSet<&str>> = tracks.iter().map(files_of).collect();
    for a in 0..tracks.len() {
        let mut shared: Vec<String> = (0..tracks.len())
            .filter(|&b| b != a && !file_sets[a].is_disjoint(&file_sets[b]))
            .map(|b| tracks[b].id.clone())
            .collect();
        shared.sort();
        tracks[a].shares_files_with = shared;
    }
    tracks.sort_by(|a, b| b.hours.total_cmp(&a.hours).then_with(|| a.id.cmp(&b.id)));
    let total: f64 = tracks.iter().map(|t| t.hours).sum();
    let fair = total / devs as f64;
    let mut load = vec![0.0f64; devs];
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for tr in tracks.iter_mut() {
        let least = (0..devs)
            .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        let partner = tr
            .shares_files_with
            .iter()
            .filter_map(|other| owner.get(other).copied())
            .filter(|&d| load[d] + tr.hours <= fair * BALANCE_SLACK)
            .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)));
        let d = partner.unwrap_or(least);
        load[d] += tr.hours;
        owner.insert(tr.id.clone(), d);
        tr.developer = d + 1;
    }
    tracks
}

/// Makes the track table say what the schedule does: each track goes to the developer
/// the schedule gives most of its hours (the suggested one on a tie), and the tasks
/// someone else takes are listed as handed over.
pub fn settle(tracks: &mut [Track], schedule: &Schedule) {
    let dev_of: BTreeMap<&str, (usize, f64)> = schedule
        .slots
        .iter()
        .map(|s| (s.task.as_str(), (s.developer, s.end_hour - s.start_hour)))
        .collect();
    for tr in tracks.iter_mut() {
        let mut hours: BTreeMap<usize, f64> = BTreeMap::new();
        for id in &tr.tasks {
            if let Some(&(d, h)) = dev_of.get(id.as_str()) {
                *hours.entry(d).or_default() += h;
            }
        }
        let mine = hours.get(&tr.developer).copied().unwrap_or(0.0);
        if let Some((&d, &h)) = hours
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        {
            if h > mine + 1e-9 {
                tr.developer = d;
            }
        }
        tr.handed_over = tr
            .tasks
            .iter()
            .filter_map(|id| {
                let &(d, _) = dev_of.get(id.as_str())?;
                (d != tr.developer).then(|| (id.clone(), d))
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_has_a_name() {
        for (pat, id) in DOMAINS {
            assert!(
                DOMAIN_NAMES.iter().any(|(d, _)| d == id),
                "{pat} → {id} has no name in DOMAIN_NAMES"
            );
        }
    }
    use crate::plan::tasks::{group, tests::item};

    #[test]
    fn tracks_are_named_by_domain() {
        let items = vec![
            item("config/duplicated-credential", "db.py", 1),
            item("python/unclosed-resource", "collectors/a.py", 9),
            item("actions/unpinned-uses", ".github/workflows/ci.yml", 3),
            item("docker/runs-as-root", "Dockerfile", 1),
            item("compose/missing-resource-limits", "docker-compose.yml", 4),
            item("python/print-in-library", "collectors/a.py", 2),
            item("docker/metrics-healthcheck", "Dockerfile", 20),
            item("docs/missing-path", "README.md", 5),
            item("shell/missing-strict-mode", "deploy.sh", 1),
        ];
        let mut tasks = group(&items);
        let tracks = assign(&mut tasks, 3);
        let track = |id: &str| tasks.iter().find(|t| t.id == id).unwrap().track.clone();
        assert_eq!(track("T-config-duplicated-credential"), "database");
        assert_eq!(track("T-python-unclosed-resource"), "database");
        assert_eq!(track("T-actions-unpinned-uses"), "ci-cd");
        assert_eq!(track("T-docker-runs-as-root"), "containers");
        assert_eq!(track("T-compose-missing-resource-limits"), "containers");
        assert_eq!(track("T-python-print-in-library"), "observability");
        assert_eq!(track("T-docker-metrics-healthcheck"), "observability");
        assert_eq!(track("T-docs-missing-path"), "docs");
        assert_eq!(track("T-shell-missing-strict-mode"), "scripts");
        let by_id = |id: &str| tracks.iter().find(|t| t.id == id).unwrap();
        assert_eq!(by_id("database").name, "Database & credentials");
        // Observability edits `collectors/a.py` (database) and `Dockerfile` (containers).
        assert_eq!(
            by_id("observability").shares_files_with,
            vec!["containers", "database"]
        );
        // Every track has a developer; the largest go to different people.
        assert!(tracks.iter().all(|t| (1..=3).contains(&t.developer)));
        assert_ne!(tracks[0].developer, tracks[1].developer);
    }

    #[test]
    fn developers_share_the_work_evenly() {
        let mut items = Vec::new();
        for (n, rule) in [
            "config/duplicated-credential",
            "actions/unpinned-uses",
            "docker/runs-as-root",
            "docs/missing-path",
            "shell/missing-strict-mode",
            "deps/conflicting-pins",
        ]
        .iter()
        .enumerate()
        {
            for k in 0..4 {
                items.push(item(rule, &format!("d{n}/f{k}"), 1));
            }
        }
        let mut tasks = group(&items);
        let tracks = assign(&mut tasks, 2);
        let mut load = [0.0; 2];
        for t in &tracks {
            load[t.developer - 1] += t.hours;
        }
        let total: f64 = load.iter().sum();
        let biggest = tracks.iter().map(|t| t.hours).fold(0.0, f64::max);
        // Largest-first balancing: no one is more than one track above an even share.
        assert!(load.iter().all(|&l| l <= total / 2.0 + biggest), "{load:?}");
    }
}
