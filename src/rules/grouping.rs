//! Grouping of findings that repeat one problem across a file.

use crate::finding::{Finding, Related};

/// One finding per file and severity: the first place carries the finding, naming
/// every place (`name_of`, shown six at most), and the others are related locations,
/// so one habit repeated twenty times in a file reads as one problem to fix there
/// (one problem, one finding). Fixes are merged when every grouped finding has one of
/// the same safety and their edits touch separate places. `summary(count, names)`
/// writes the grouped message.
pub(crate) fn group_per_file(
    own: &mut Vec<Finding>,
    name_of: impl Fn(&Finding) -> Option<String>,
    summary: impl Fn(usize, &str) -> String,
) {
    let mut groups: Vec<Vec<Finding>> = Vec::new();
    for f in own.drain(..) {
        match groups
            .iter_mut()
            .find(|g| g[0].path == f.path && g[0].severity == f.severity)
        {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    for mut group in groups {
        group.sort_by_key(|f| f.span.start);
        for f in &mut group {
            f.grouped = true;
        }
        if group.len() == 1 {
            own.extend(group);
            continue;
        }
        let mut names: Vec<String> = Vec::new();
        for name in group.iter().filter_map(&name_of) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let shown = if names.len() > 6 {
            format!("{} and {} more", names[..6].join(", "), names.len() - 6)
        } else {
            names.join(", ")
        };
        let fixes: Vec<_> = group.iter().filter_map(|f| f.fix.clone()).collect();
        let merged_fix = (fixes.len() == group.len()
            && fixes
                .iter()
                .all(|x| x.safety == fixes[0].safety && x.target.is_none()))
        .then(|| {
            let mut fix = fixes[0].clone();
            fix.edits = fixes.iter().flat_map(|x| x.edits.clone()).collect();
            fix.edits.sort_by_key(|e| (e.range.start, e.range.end));
            fix
        })
        // Two edits at one place (two `env:` blocks inserted into one step) or
        // overlapping would make one broken file: then the first place keeps its own
        // fix, and the next run fixes the next place.
        .filter(|fix| {
            fix.edits
                .windows(2)
                .all(|w| w[0].range.end <= w[1].range.start && w[0].range.start != w[1].range.start)
        });
        let group_len = group.len();
        let mut iter = group.into_iter();
        let Some(mut first) = iter.next() else {
            continue;
        };
        first.message = summary(group_len, &shown).into();
        for other in iter {
            first.related.push(Related {
                path: other.path.clone(),
                span: other.span.clone(),
                region: other.region,
                message: other.message.to_string(),
            });
        }
        if merged_fix.is_some() {
            first.fix = merged_fix;
        }
        own.push(first);
    }
    own.sort_by(|a, b| (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start)));
}
