//! Parallel tracks: tasks that edit a common file belong to one area (union-find
//! over shared files), lettered A, B, C… in phase order; within an area, each
//! phase's tasks that share files form a track (`A1`, `A2`…) worked by one
//! developer at a time, so parallel work never conflicts in a merge.

use std::collections::BTreeMap;

use super::model::{Task, Track};
use super::phases;
use super::tasks::{scope_of, ROOT_SCOPE};

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index stays the root, so the result does not depend on call order.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// Track label for the n-th track: A…Z, AA, AB…
pub fn label(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Components of tasks that share files, among `idx`; in order of their first task.
fn components(tasks: &[Task], idx: &[usize]) -> Vec<Vec<usize>> {
    let mut uf = UnionFind::new(idx.len());
    let mut first_owner: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, &i) in idx.iter().enumerate() {
        for f in &tasks[i].files {
            match first_owner.get(f.as_str()) {
                Some(&j) => uf.union(k, j),
                None => {
                    first_owner.insert(f.as_str(), k);
                }
            }
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut order: Vec<usize> = Vec::new();
    for (k, &i) in idx.iter().enumerate() {
        let r = uf.find(k);
        if !members.contains_key(&r) {
            order.push(r);
        }
        members.entry(r).or_default().push(i);
    }
    order
        .into_iter()
        .map(|r| members.remove(&r).unwrap_or_default())
        .collect()
}

/// Assigns `task.track` and returns the tracks. `tasks` must be sorted by phase.
///
/// Two levels, as a team lead draws them: tasks connected by shared files form an
/// area, lettered `A`, `B`…; inside an area, the tasks of one phase that share files
/// form a track (`A1`, `A2`…; just `A` when the area is one track). Two tracks of one
/// area never run at once on the same file: tasks of different phases that share a
/// file are ordered by same-file dependencies (`deps.rs`), and tasks of one phase that
/// share a file are in the same track, which one developer works at a time.
pub fn assign(tasks: &mut [Task]) -> Vec<Track> {
    let all: Vec<usize> = (0..tasks.len()).collect();
    let mut tracks = Vec::new();
    for (n, area) in components(tasks, &all).into_iter().enumerate() {
        let letter = label(n);
        let mut subs: Vec<Vec<usize>> = Vec::new();
        let mut phases: Vec<_> = area.iter().map(|&i| tasks[i].phase).collect();
        phases.dedup();
        for phase in phases {
            let in_phase: Vec<usize> = area
                .iter()
                .copied()
                .filter(|&i| tasks[i].phase == phase)
                .collect();
            subs.extend(components(tasks, &in_phase));
        }
        let single = subs.len() == 1;
        for (k, sub) in subs.into_iter().enumerate() {
            let id = if single {
                letter.clone()
            } else {
                format!("{letter}{}", k + 1)
            };
            for &i in &sub {
                tasks[i].track = id.clone();
            }
            let group: Vec<&Task> = sub.iter().map(|&i| &tasks[i]).collect();
            tracks.push(Track {
                id,
                area: letter.clone(),
                name: track_name(&group),
                tasks: group.iter().map(|t| t.id.clone()).collect(),
                hours: group.iter().map(|t| t.hours).sum(),
            });
        }
    }
    tracks
}

/// "Shell scripts · `scripts/`": the family with the most hours, the directory with the most files.
fn track_name(group: &[&Task]) -> String {
    let mut fam: BTreeMap<&str, f64> = BTreeMap::new();
    let mut dirs: BTreeMap<&str, usize> = BTreeMap::new();
    for t in group {
        for r in &t.rules {
            let f = r.split('/').next().unwrap_or(r);
            *fam.entry(f).or_insert(0.0) += t.hours;
        }
        for f in &t.files {
            *dirs.entry(scope_of(f)).or_insert(0) += 1;
        }
    }
    // max_by keeps the last maximum; iterate in reverse so ties go to the first name.
    let family = fam
        .iter()
        .rev()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(f, _)| phases::family_name(f))
        .unwrap_or_else(|| "Repository".to_string());
    let dir = dirs.iter().rev().max_by_key(|(_, n)| **n).map(|(d, _)| *d);
    match dir {
        Some(d) if d != ROOT_SCOPE => format!("{family} · {d}/"),
        _ => family,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::tasks::{group, tests::item};

    #[test]
    fn labels() {
        assert_eq!(label(0), "A");
        assert_eq!(label(25), "Z");
        assert_eq!(label(26), "AA");
        assert_eq!(label(27), "AB");
    }

    #[test]
    fn tasks_sharing_files_share_a_track_transitively() {
        let mut rm = item("shell/unsafe-rm", "scripts/a.sh", 1);
        rm.severity = crate::finding::Severity::High;
        let items = vec![
            rm,
            item("shell/missing-strict-mode", "scripts/a.sh", 1),
            item("shell/missing-strict-mode", "scripts/b.sh", 1),
            item("shell/backup-permissions", "scripts/b.sh", 5),
            item("docker/runs-as-root", "Dockerfile", 1),
        ];
        let mut tasks = group(&items);
        let tracks = assign(&mut tasks);
        let track = |id: &str| tasks.iter().find(|t| t.id == id).unwrap().track.clone();
        // One area (A) in three phases: 0 (unsafe-rm), 1 (backup perms), 5 (strict mode).
        assert_eq!(track("T-shell-unsafe-rm"), "A1");
        assert_eq!(track("T-shell-backup-permissions"), "A2");
        assert_eq!(track("T-shell-missing-strict-mode"), "A3");
        assert_eq!(track("T-docker-runs-as-root"), "B");
        assert_eq!(tracks.len(), 4);
        assert_eq!(tracks[0].name, "Shell scripts · scripts/");
        assert_eq!(tracks[3].name, "Containers");
        // Within a phase, no file is in two tracks.
        let mut owner: BTreeMap<(crate::plan::Phase, &str), &str> = BTreeMap::new();
        for t in &tasks {
            for f in &t.files {
                let prev = owner.insert((t.phase, f), &t.track);
                assert!(prev.is_none() || prev == Some(t.track.as_str()));
            }
        }
    }

    #[test]
    fn tasks_of_one_phase_sharing_a_file_share_a_track() {
        let items = vec![
            item("shell/unsafe-rm", "scripts/a.sh", 1),
            item("shell/ssh-host-key-disabled", "scripts/a.sh", 3),
            item("shell/lock-race", "run.sh", 3),
        ];
        let mut tasks = group(&items);
        let tracks = assign(&mut tasks);
        assert_eq!(tracks.len(), 2);
        let track = |id: &str| tasks.iter().find(|t| t.id == id).unwrap().track.clone();
        assert_eq!(
            track("T-shell-unsafe-rm"),
            track("T-shell-ssh-host-key-disabled")
        );
        assert_ne!(track("T-shell-unsafe-rm"), track("T-shell-lock-race"));
    }
}
