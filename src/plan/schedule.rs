//! List scheduling of tasks on N developers.
//!
//! Critical blockers (phase 0) go first, whatever else is waiting: they gate any
//! deploy. Otherwise priority is the critical-path length from a task to the end
//! of the graph (its own hours plus the longest chain of work that waits for it),
//! so the chains that decide the finish date start first. A task starts when its
//! blockers are finished, a developer is free, and no other developer is
//! working in its track (a track is one developer at a time). Ties go to the
//! developer's own track (less context switching), then phase, then id.
//! Time is counted in half hours internally.

use std::collections::BTreeMap;

use super::model::{Phase, Schedule, Slot, Task};

fn units(hours: f64) -> u64 {
    ((hours * 2.0).round() as u64).max(1)
}

fn to_hours(u: u64) -> f64 {
    u as f64 / 2.0
}

/// Index of each task id, and the successors/predecessors by index.
struct Graph {
    preds: Vec<Vec<usize>>,
    succs: Vec<Vec<usize>>,
}

fn graph(tasks: &[Task]) -> Graph {
    let index: BTreeMap<&str, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let mut preds = vec![Vec::new(); tasks.len()];
    let mut succs = vec![Vec::new(); tasks.len()];
    for (i, t) in tasks.iter().enumerate() {
        for b in &t.blocked_by {
            if let Some(&j) = index.get(b.as_str()) {
                preds[i].push(j);
                succs[j].push(i);
            }
        }
    }
    Graph { preds, succs }
}

/// Longest path (in half hours) from each task to a sink, including the task itself.
fn bottom_levels(tasks: &[Task], g: &Graph) -> Vec<u64> {
    let order = match super::deps::topo_order(tasks) {
        Ok(o) => o,
        Err(_) => (0..tasks.len()).collect(),
    };
    let mut bl = vec![0u64; tasks.len()];
    for &i in order.iter().rev() {
        let tail = g.succs[i].iter().map(|&s| bl[s]).max().unwrap_or(0);
        bl[i] = units(tasks[i].hours) + tail;
    }
    bl
}

/// The critical path (task ids) and its length in hours.
pub fn critical_path(tasks: &[Task]) -> (Vec<String>, f64) {
    if tasks.is_empty() {
        return (Vec::new(), 0.0);
    }
    let g = graph(tasks);
    let bl = bottom_levels(tasks, &g);
    let pick = |cands: &mut dyn Iterator<Item = usize>| {
        cands.fold(None::<usize>, |best, i| match best {
            Some(b) if bl[b] >= bl[i] => Some(b),
            _ => Some(i),
        })
    };
    let mut path = Vec::new();
    let mut cur = pick(&mut (0..tasks.len()).filter(|&i| g.preds[i].is_empty()));
    let total = cur.map(|c| bl[c]).unwrap_or(0);
    while let Some(c) = cur {
        path.push(tasks[c].id.clone());
        let want = bl[c] - units(tasks[c].hours);
        cur = pick(&mut g.succs[c].iter().copied().filter(|&s| bl[s] == want));
        if want == 0 {
            break;
        }
    }
    (path, to_hours(total))
}

/// Schedules every task on `devs` developers.
/// `hours_per_day` is clamped to 1–24 (6 when not a number), `devs` to at least 1.
pub fn schedule(tasks: &[Task], devs: usize, hours_per_day: f64) -> Schedule {
    let devs = devs.max(1);
    let hours_per_day = if hours_per_day.is_nan() {
        6.0
    } else {
        hours_per_day.clamp(1.0, 24.0)
    };
    let g = graph(tasks);
    let bl = bottom_levels(tasks, &g);
    let n = tasks.len();
    let mut finish: Vec<Option<u64>> = vec![None; n];
    let mut dev_free = vec![0u64; devs];
    let mut dev_track: Vec<Option<&str>> = vec![None; devs];
    let mut track_busy: BTreeMap<&str, u64> = BTreeMap::new();
    let mut slots = Vec::with_capacity(n);
    // Blockers not yet placed, and the time the placed ones finish.
    let mut pending: Vec<usize> = g.preds.iter().map(Vec::len).collect();
    let mut ready_at = vec![0u64; n];
    let mut done = 0;
    let mut t = 0u64;
    while done < n {
        let mut placed = false;
        for d in 0..devs {
            if dev_free[d] > t {
                continue;
            }
            let mut best: Option<usize> = None;
            for i in 0..n {
                if finish[i].is_some()
                    || pending[i] > 0
                    || ready_at[i] > t
                    || track_busy
                        .get(tasks[i].track.as_str())
                        .is_some_and(|&b| b > t)
                {
                    continue;
                }
                let key = |j: usize| {
                    (
                        tasks[j].phase == Phase::CriticalBlockers,
                        bl[j],
                        dev_track[d] == Some(tasks[j].track.as_str()),
                        std::cmp::Reverse(tasks[j].phase),
                        std::cmp::Reverse(tasks[j].id.as_str()),
                    )
                };
                if best.is_none_or(|b| key(i) > key(b)) {
                    best = Some(i);
                }
            }
            if let Some(i) = best {
                let end = t + units(tasks[i].hours);
                finish[i] = Some(end);
                for &succ in &g.succs[i] {
                    pending[succ] -= 1;
                    ready_at[succ] = ready_at[succ].max(end);
                }
                dev_free[d] = end;
                dev_track[d] = Some(tasks[i].track.as_str());
                track_busy.insert(tasks[i].track.as_str(), end);
                slots.push(Slot {
                    task: tasks[i].id.clone(),
                    developer: d + 1,
                    start_hour: to_hours(t),
                    end_hour: to_hours(end),
                });
                done += 1;
                placed = true;
            }
        }
        if placed {
            continue;
        }
        // Nothing could start at `t`: jump to the next moment something finishes.
        match dev_free
            .iter()
            .chain(finish.iter().flatten())
            .copied()
            .filter(|&x| x > t)
            .min()
        {
            Some(next) => t = next,
            None => break, // only on a cyclic graph, which deps.rs never builds
        }
    }
    // Defensive: anything left (a cycle) runs after everything else, in order.
    for i in 0..n {
        if finish[i].is_none() {
            let start = dev_free[0];
            let end = start + units(tasks[i].hours);
            dev_free[0] = end;
            finish[i] = Some(end);
            slots.push(Slot {
                task: tasks[i].id.clone(),
                developer: 1,
                start_hour: to_hours(start),
                end_hour: to_hours(end),
            });
        }
    }
    slots.sort_by(|a, b| {
        a.start_hour
            .total_cmp(&b.start_hour)
            .then(a.developer.cmp(&b.developer))
    });
    let makespan = finish.iter().flatten().copied().max().unwrap_or(0);
    Schedule {
        devs,
        hours_per_day,
        slots,
        makespan_hours: to_hours(makespan),
    }
}

/// For the day-by-day table: per day (0-based) and developer (1-based), the tasks worked on.
pub fn by_day(s: &Schedule) -> Vec<Vec<Vec<&Slot>>> {
    let days = s.days();
    let mut table = vec![vec![Vec::new(); s.devs]; days];
    for slot in &s.slots {
        for (d, row) in table.iter_mut().enumerate() {
            let (lo, hi) = (d as f64 * s.hours_per_day, (d + 1) as f64 * s.hours_per_day);
            if slot.start_hour < hi && slot.end_hour > lo {
                if let Some(cell) = row.get_mut(slot.developer.saturating_sub(1)) {
                    cell.push(slot);
                }
            }
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::plan::model::Effort;
    use proptest::prelude::*;

    fn task(id: usize, hours: f64, track: usize, blocked_by: Vec<usize>) -> Task {
        Task {
            id: format!("T{id:03}"),
            title: String::new(),
            phase: Phase::Operations,
            rules: vec![],
            scope: None,
            severity: Severity::Medium,
            findings: vec![],
            files: vec![],
            effort: Effort::from_hours(hours),
            hours,
            why: String::new(),
            blocked_by: blocked_by.iter().map(|b| format!("T{b:03}")).collect(),
            blocks: vec![],
            track: format!("K{track}"),
        }
    }

    fn fill_blocks(tasks: &mut [Task]) {
        let pairs: Vec<(String, String)> = tasks
            .iter()
            .flat_map(|t| t.blocked_by.iter().map(|b| (b.clone(), t.id.clone())))
            .collect();
        for (b, a) in pairs {
            if let Some(t) = tasks.iter_mut().find(|t| t.id == b) {
                t.blocks.push(a);
            }
        }
    }

    #[test]
    fn chain_and_parallel_work() {
        let mut tasks = vec![
            task(0, 2.0, 0, vec![]),
            task(1, 4.0, 1, vec![0]),
            task(2, 1.0, 2, vec![]),
            task(3, 1.0, 3, vec![]),
        ];
        fill_blocks(&mut tasks);
        let (cp, h) = critical_path(&tasks);
        assert_eq!(cp, vec!["T000", "T001"]);
        assert_eq!(h, 6.0);
        let s = schedule(&tasks, 2, 6.0);
        assert_eq!(s.makespan_hours, 6.0);
        let t1 = s.slots.iter().find(|x| x.task == "T001").unwrap();
        assert_eq!(t1.start_hour, 2.0);
        assert_eq!(s.days(), 1);
    }

    #[test]
    fn a_track_is_one_developer_at_a_time() {
        let mut tasks = vec![task(0, 2.0, 0, vec![]), task(1, 2.0, 0, vec![])];
        fill_blocks(&mut tasks);
        let s = schedule(&tasks, 3, 6.0);
        assert_eq!(s.makespan_hours, 4.0);
    }

    #[test]
    fn day_table_splits_long_tasks() {
        let tasks = vec![task(0, 8.0, 0, vec![])];
        let s = schedule(&tasks, 1, 6.0);
        let days = by_day(&s);
        assert_eq!(days.len(), 2);
        assert_eq!(days[1][0][0].task, "T000");
    }

    /// Random DAGs: edges only from lower to higher index; random tracks and hours.
    fn arb_tasks() -> impl Strategy<Value = Vec<Task>> {
        (1usize..25).prop_flat_map(|n| {
            (
                prop::collection::vec((1u32..12, 0usize..6), n),
                prop::collection::vec((0usize..n, 0usize..n), 0..(n * 2)),
            )
                .prop_map(move |(specs, edges)| {
                    let mut tasks: Vec<Task> = specs
                        .iter()
                        .enumerate()
                        .map(|(i, (h, tr))| task(i, f64::from(*h) / 2.0, *tr, vec![]))
                        .collect();
                    for (a, b) in edges {
                        let (lo, hi) = (a.min(b), a.max(b));
                        if lo != hi {
                            let id = format!("T{lo:03}");
                            if !tasks[hi].blocked_by.contains(&id) {
                                tasks[hi].blocked_by.push(id);
                            }
                        }
                    }
                    fill_blocks(&mut tasks);
                    tasks
                })
        })
    }

    proptest! {
        #[test]
        fn schedule_invariants(tasks in arb_tasks(), devs in 1usize..5) {
            let s = schedule(&tasks, devs, 6.0);
            // Every task scheduled exactly once.
            prop_assert_eq!(s.slots.len(), tasks.len());
            let at: BTreeMap<&str, &Slot> = s.slots.iter().map(|x| (x.task.as_str(), x)).collect();
            prop_assert_eq!(at.len(), tasks.len());
            for t in &tasks {
                let me = at[t.id.as_str()];
                prop_assert!((me.end_hour - me.start_hour - t.hours).abs() < 1e-9);
                prop_assert!(me.developer >= 1 && me.developer <= devs);
                // No task before its blockers.
                for b in &t.blocked_by {
                    prop_assert!(at[b.as_str()].end_hour <= me.start_hour);
                }
            }
            // No developer double-booked; no track worked by two at once.
            for (i, a) in s.slots.iter().enumerate() {
                for b in &s.slots[i + 1..] {
                    let overlap = a.start_hour < b.end_hour && b.start_hour < a.end_hour;
                    if overlap {
                        prop_assert_ne!(a.developer, b.developer);
                        let ta = tasks.iter().find(|t| t.id == a.task).unwrap();
                        let tb = tasks.iter().find(|t| t.id == b.task).unwrap();
                        prop_assert_ne!(&ta.track, &tb.track);
                    }
                }
            }
            // The critical path is a chain of dependent tasks whose hours add up to its length.
            let (path, cp) = critical_path(&tasks);
            let hours: f64 = path
                .iter()
                .map(|id| tasks.iter().find(|t| &t.id == id).unwrap().hours)
                .sum();
            prop_assert!((hours - cp).abs() < 1e-9);
            for w in path.windows(2) {
                let next = tasks.iter().find(|t| t.id == w[1]).unwrap();
                prop_assert!(next.blocked_by.contains(&w[0]));
            }
            // And it is the longest: with unlimited developers and no tracks, the
            // as-soon-as-possible finish (index order is topological here) equals it.
            let mut fin: Vec<f64> = Vec::new();
            for t in &tasks {
                let start = t
                    .blocked_by
                    .iter()
                    .map(|b| fin[b[1..].parse::<usize>().unwrap()])
                    .fold(0.0, f64::max);
                fin.push(start + t.hours);
            }
            let asap = fin.iter().copied().fold(0.0, f64::max);
            prop_assert!((asap - cp).abs() < 1e-9, "asap {} cp {}", asap, cp);
            // The makespan is never shorter than the critical path, nor than the work / devs.
            prop_assert!(s.makespan_hours + 1e-9 >= cp);
            let work: f64 = tasks.iter().map(|t| t.hours).sum();
            prop_assert!(s.makespan_hours + 1e-9 >= work / devs as f64);
        }
    }
}
