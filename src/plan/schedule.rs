//! List scheduling of tasks on N developers, as a schedule people can keep.
//!
//! Time is task time: each developer gives [`ScheduleOptions::focus_hours_per_day`]
//! hours a day to plan tasks (the rest of the day, the buffer, goes to meetings,
//! interruptions and the unplanned, so nobody is packed at 100% for days), and each
//! task takes its estimate plus the review share (review, and the fixes review asks
//! for). Counted in half hours internally.
//!
//! Who does what: a task goes to its track's developer (the one the track table
//! names) unless that developer would start it more than
//! [`ScheduleOptions::owner_wait_hours`] from now (busy, then with tasks of their own
//! tracks that rank ahead); then a free developer takes it rather than idle, and the
//! track table lists it as handed over. No wait hands work to whoever is free (the
//! shortest calendar, tracks spread over everyone); a long one keeps each track with one
//! person at some calendar cost.
//!
//! Phases are worked in order: a free developer takes the ready task of the lowest
//! phase it may take; a task of a later phase starts while earlier-phase tasks wait
//! only when no earlier one can start (blocked, its files being edited, or kept for
//! its busy developer), so the developer would otherwise idle, and the slot says so
//! (`early`). Within a phase the priority is the developer's own track, then the
//! critical-path length from the task to the end of the graph, then id. A task
//! starts when its blockers are finished and no running task edits one of its files;
//! a later-phase task does not take a file a ready earlier-phase task waits for.
//! With a start date, hours map to calendar dates, skipping Saturdays and Sundays.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::model::{Phase, Schedule, Slot, Task, Track};

/// What the schedule assumes about the team's time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduleOptions {
    /// Developers (at least 1).
    pub devs: usize,
    /// Working hours per developer per day (1-24).
    pub hours_per_day: f64,
    /// Share of a task's estimate added for review and its fixes, in percent.
    pub review_percent: f64,
    /// Share of each day kept free of plan tasks, in percent (0-90).
    pub buffer_percent: f64,
    /// First working day, if the plan should show dates.
    pub start: Option<time::Date>,
    /// How long (hours of task time) a task waits for its track's developer before
    /// another, free developer takes it.
    pub owner_wait_hours: f64,
}

impl Default for ScheduleOptions {
    fn default() -> Self {
        ScheduleOptions {
            devs: 3,
            hours_per_day: 6.0,
            review_percent: DEFAULT_REVIEW_PERCENT,
            buffer_percent: DEFAULT_BUFFER_PERCENT,
            start: None,
            owner_wait_hours: DEFAULT_OWNER_WAIT_HOURS,
        }
    }
}

/// A task waits up to this long for its track's developer: two thirds of a day of task
/// time (3 h of the 4.5 a day at the defaults), so the person who knows the files makes
/// the change; on the eight plans measured it keeps 86% of the hours with the track's
/// developer for 1.6% more calendar time (docs/plan-vs-seeds.md).
pub const DEFAULT_OWNER_WAIT_HOURS: f64 = 3.0;

/// A quarter of the work again for review: one reviewer pass and the fixes it asks for.
pub const DEFAULT_REVIEW_PERCENT: f64 = 25.0;

/// A fifth of each day kept free: at 6 h/day, 4.8 h of plan tasks.
pub const DEFAULT_BUFFER_PERCENT: f64 = 20.0;

impl ScheduleOptions {
    /// Hours a day each developer spends on plan tasks.
    pub fn focus_hours_per_day(&self) -> f64 {
        let h = if self.hours_per_day.is_nan() {
            6.0
        } else {
            self.hours_per_day.clamp(1.0, 24.0)
        };
        let b = if self.buffer_percent.is_nan() {
            DEFAULT_BUFFER_PERCENT
        } else {
            self.buffer_percent.clamp(0.0, 90.0)
        };
        // Whole half hours, at least one, so days line up with the half-hour grid.
        ((h * (1.0 - b / 100.0) * 2.0).floor() / 2.0).max(0.5)
    }

    /// Scheduled hours for an estimate: the estimate plus review, in half hours.
    pub fn scheduled_hours(&self, estimate: f64) -> f64 {
        to_hours(self.units(estimate))
    }

    /// The owner wait in half hours (0 when unset or negative).
    fn wait_units(&self) -> u64 {
        if self.owner_wait_hours.is_nan() || self.owner_wait_hours <= 0.0 {
            0
        } else {
            (self.owner_wait_hours.min(10_000.0) * 2.0).floor() as u64
        }
    }

    fn units(&self, estimate: f64) -> u64 {
        let r = if self.review_percent.is_nan() {
            DEFAULT_REVIEW_PERCENT
        } else {
            self.review_percent.clamp(0.0, 200.0)
        };
        units(estimate * (1.0 + r / 100.0))
    }
}

fn units(hours: f64) -> u64 {
    ((hours * 2.0 - 1e-9).ceil().max(1.0)) as u64
}

fn to_hours(u: u64) -> f64 {
    u as f64 / 2.0
}

/// The working day `day` (0-based) after `start`, skipping weekends (a start on a
/// weekend moves to the Monday).
pub fn working_day(start: time::Date, day: usize) -> time::Date {
    use time::Weekday::{Saturday, Sunday};
    let mut d = start;
    while matches!(d.weekday(), Saturday | Sunday) {
        d = d.next_day().unwrap_or(d);
    }
    let mut left = day;
    while left > 0 {
        d = d.next_day().unwrap_or(d);
        if !matches!(d.weekday(), Saturday | Sunday) {
            left -= 1;
        }
    }
    d
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    let bad = || format!("`{s}` is not a date as YYYY-MM-DD");
    let mut parts = s.trim().splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u8 = m.parse().map_err(|_| bad())?;
    let d: u8 = d.parse().map_err(|_| bad())?;
    let month = time::Month::try_from(m).map_err(|_| bad())?;
    time::Date::from_calendar_date(y, month, d).map_err(|_| bad())
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

/// Longest path (in half hours of scheduled time) from each task to a sink, itself included.
fn bottom_levels(tasks: &[Task], g: &Graph, opts: &ScheduleOptions) -> Vec<u64> {
    let order = match super::deps::topo_order(tasks) {
        Ok(o) => o,
        Err(_) => (0..tasks.len()).collect(),
    };
    let mut bl = vec![0u64; tasks.len()];
    for &i in order.iter().rev() {
        let tail = g.succs[i].iter().map(|&s| bl[s]).max().unwrap_or(0);
        bl[i] = opts.units(tasks[i].hours) + tail;
    }
    bl
}

/// The critical path (task ids) and its length in scheduled hours (review included).
pub fn critical_path(tasks: &[Task], opts: &ScheduleOptions) -> (Vec<String>, f64) {
    if tasks.is_empty() {
        return (Vec::new(), 0.0);
    }
    let g = graph(tasks);
    let bl = bottom_levels(tasks, &g, opts);
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
        let want = bl[c] - opts.units(tasks[c].hours);
        if want == 0 {
            break;
        }
        cur = pick(&mut g.succs[c].iter().copied().filter(|&s| bl[s] == want));
    }
    (path, to_hours(total))
}

/// Schedules every task; `tracks` give each task's suggested developer.
pub fn schedule(tasks: &[Task], tracks: &[Track], opts: &ScheduleOptions) -> Schedule {
    let devs = opts.devs.max(1);
    let g = graph(tasks);
    let bl = bottom_levels(tasks, &g, opts);
    let owner: BTreeMap<&str, usize> = tracks
        .iter()
        .filter(|t| (1..=devs).contains(&t.developer))
        .map(|t| (t.id.as_str(), t.developer - 1))
        .collect();
    // The suggested developer (0-based) of each task, by its track.
    let dev_of = |i: usize| owner.get(tasks[i].track.as_str()).copied();
    let wait = opts.wait_units();
    let n = tasks.len();
    let mut start: Vec<Option<u64>> = vec![None; n];
    let mut finish: Vec<Option<u64>> = vec![None; n];
    let mut dev_free = vec![0u64; devs];
    let mut slots = Vec::with_capacity(n);
    let mut pending: Vec<usize> = g.preds.iter().map(Vec::len).collect();
    let mut ready_at = vec![0u64; n];
    let mut done = 0;
    let mut t = 0u64;
    while done < n {
        let mut placed = false;
        let free: Vec<usize> = (0..devs).filter(|&d| dev_free[d] <= t).collect();
        for d in free {
            // What can start now: blockers done, no running task on one of its files.
            let ready: Vec<usize> = (0..n)
                .filter(|&i| start[i].is_none() && pending[i] == 0 && ready_at[i] <= t)
                .collect();
            // A file a ready task of an earlier phase waits for is kept for it: a
            // stream of later-phase edits to the same modules would otherwise hold it
            // back for days. Both tests read an index of files (the files of running
            // tasks; the earliest phase of a ready task on each file): comparing every
            // ready task with every other was cubic in the tasks of a large plan.
            let running: HashSet<&str> = (0..n)
                .filter(|&j| start[j].is_some_and(|s| s <= t) && finish[j].is_some_and(|f| f > t))
                .flat_map(|j| tasks[j].files.iter().map(String::as_str))
                .collect();
            let mut earliest: HashMap<&str, Phase> = HashMap::new();
            for &j in &ready {
                for f in &tasks[j].files {
                    earliest
                        .entry(f.as_str())
                        .and_modify(|p| *p = (*p).min(tasks[j].phase))
                        .or_insert(tasks[j].phase);
                }
            }
            let startable: Vec<usize> = ready
                .iter()
                .copied()
                .filter(|&i| {
                    !tasks[i].files.iter().any(|f| {
                        running.contains(f.as_str())
                            || earliest
                                .get(f.as_str())
                                .is_some_and(|&p| p < tasks[i].phase)
                    })
                })
                .collect();
            let key = |j: usize| {
                (
                    std::cmp::Reverse(tasks[j].phase),
                    bl[j],
                    std::cmp::Reverse(tasks[j].id.as_str()),
                )
            };
            // Another developer's task is taken only when its owner would not start it
            // within the wait: the owner is busy, then has the tasks of its own tracks
            // that can start and rank ahead of this one.
            let owner_starts = |i: usize, o: usize| -> u64 {
                let ahead: u64 = startable
                    .iter()
                    .copied()
                    .filter(|&j| j != i && dev_of(j) == Some(o) && key(j) > key(i))
                    .map(|j| opts.units(tasks[j].hours))
                    .sum();
                dev_free[o].max(t) + ahead
            };
            let mut best: Option<usize> = None;
            for &i in &startable {
                if let Some(o) = dev_of(i) {
                    if o != d && owner_starts(i, o) <= t + wait {
                        continue;
                    }
                }
                let own = |j: usize| dev_of(j) == Some(d);
                let rank = |j: usize| {
                    let (p, b, id) = key(j);
                    (p, own(j), b, id)
                };
                if best.is_none_or(|b| rank(i) > rank(b)) {
                    best = Some(i);
                }
            }
            if let Some(i) = best {
                let end = t + opts.units(tasks[i].hours);
                // Started while a task of an earlier phase had not started: nothing of the
                // earlier phase could start now, and the developer would otherwise idle.
                let early =
                    (0..n).any(|j| start[j].is_none() && j != i && tasks[j].phase < tasks[i].phase);
                start[i] = Some(t);
                finish[i] = Some(end);
                for &succ in &g.succs[i] {
                    pending[succ] -= 1;
                    ready_at[succ] = ready_at[succ].max(end);
                }
                dev_free[d] = end;
                slots.push(Slot {
                    task: tasks[i].id.clone(),
                    developer: d + 1,
                    start_hour: to_hours(t),
                    end_hour: to_hours(end),
                    early,
                    start_date: None,
                    end_date: None,
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
            let s = dev_free.iter().copied().max().unwrap_or(0);
            let end = s + opts.units(tasks[i].hours);
            dev_free[0] = end;
            start[i] = Some(s);
            finish[i] = Some(end);
            slots.push(Slot {
                task: tasks[i].id.clone(),
                developer: 1,
                start_hour: to_hours(s),
                end_hour: to_hours(end),
                early: false,
                start_date: None,
                end_date: None,
            });
        }
    }
    slots.sort_by(|a, b| {
        a.start_hour
            .total_cmp(&b.start_hour)
            .then(a.developer.cmp(&b.developer))
    });
    let focus = opts.focus_hours_per_day();
    if let Some(day0) = opts.start {
        for s in &mut slots {
            let first = (s.start_hour / focus).floor() as usize;
            let last = ((s.end_hour / focus) - 1e-9).floor().max(0.0) as usize;
            s.start_date = Some(working_day(day0, first).to_string());
            s.end_date = Some(working_day(day0, last.max(first)).to_string());
        }
    }
    let makespan = finish.iter().flatten().copied().max().unwrap_or(0);
    let mut sched = Schedule {
        devs,
        hours_per_day: opts.hours_per_day,
        focus_hours_per_day: focus,
        review_percent: opts.review_percent,
        buffer_percent: opts.buffer_percent,
        start_date: opts.start.map(|d| working_day(d, 0).to_string()),
        end_date: None,
        slots,
        makespan_hours: to_hours(makespan),
    };
    if let Some(day0) = opts.start {
        let days = sched.days();
        sched.end_date = Some(working_day(day0, days.saturating_sub(1)).to_string());
    }
    sched
}

/// For the day-by-day table: per day (0-based) and developer (1-based), the tasks worked on.
pub fn by_day(s: &Schedule) -> Vec<Vec<Vec<&Slot>>> {
    let days = s.days();
    let per_day = s.focus_hours_per_day;
    let mut table = vec![vec![Vec::new(); s.devs]; days];
    for slot in &s.slots {
        for (d, row) in table.iter_mut().enumerate() {
            let (lo, hi) = (d as f64 * per_day, (d + 1) as f64 * per_day);
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
    use crate::plan::model::{Effort, Phase};
    use proptest::prelude::*;

    fn task(id: usize, hours: f64, file: usize, blocked_by: Vec<usize>) -> Task {
        Task {
            id: format!("T{id:03}"),
            title: String::new(),
            phase: Phase::Operations,
            rules: vec![],
            scope: None,
            severity: Severity::Medium,
            findings: vec![],
            files: vec![format!("f{file}")],
            effort: Effort::from_hours(hours),
            hours,
            why: String::new(),
            estimate_basis: String::new(),
            verify: vec![],
            blocked_by: blocked_by.iter().map(|b| format!("T{b:03}")).collect(),
            blocks: vec![],
            track: String::new(),
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

    /// No review, no buffer: the schedule in plain estimate hours.
    fn bare(devs: usize) -> ScheduleOptions {
        ScheduleOptions {
            devs,
            hours_per_day: 6.0,
            review_percent: 0.0,
            buffer_percent: 0.0,
            start: None,
            owner_wait_hours: DEFAULT_OWNER_WAIT_HOURS,
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
        let (cp, h) = critical_path(&tasks, &bare(2));
        assert_eq!(cp, vec!["T000", "T001"]);
        assert_eq!(h, 6.0);
        let s = schedule(&tasks, &[], &bare(2));
        assert_eq!(s.makespan_hours, 6.0);
        let t1 = s.slots.iter().find(|x| x.task == "T001").unwrap();
        assert_eq!(t1.start_hour, 2.0);
        assert_eq!(s.days(), 1);
    }

    #[test]
    fn two_tasks_on_one_file_never_run_at_once() {
        let mut tasks = vec![task(0, 2.0, 0, vec![]), task(1, 2.0, 0, vec![])];
        fill_blocks(&mut tasks);
        let s = schedule(&tasks, &[], &bare(3));
        assert_eq!(s.makespan_hours, 4.0);
    }

    #[test]
    fn review_and_buffer_stretch_the_plan() {
        let tasks = vec![task(0, 4.0, 0, vec![])];
        let s = schedule(&tasks, &[], &ScheduleOptions::default());
        // 4 h + 25% review = 5 h, at 4.5 h of task time a day (6 h less 20%, to the half hour).
        assert_eq!(s.makespan_hours, 5.0);
        assert_eq!(s.focus_hours_per_day, 4.5);
        assert_eq!(s.days(), 2);
    }

    #[test]
    fn earlier_phases_go_first_unless_someone_would_idle() {
        let mut a = task(0, 2.0, 0, vec![]);
        a.phase = Phase::CriticalBlockers;
        let mut b = task(1, 2.0, 1, vec![]);
        b.phase = Phase::CodeQuality;
        let mut c = task(2, 2.0, 2, vec![0]);
        c.phase = Phase::SecurityStability;
        let mut tasks = vec![a, b, c];
        fill_blocks(&mut tasks);
        let s = schedule(&tasks, &[], &bare(1));
        let order: Vec<&str> = s.slots.iter().map(|x| x.task.as_str()).collect();
        assert_eq!(order, vec!["T000", "T002", "T001"]);
        assert!(s.slots.iter().all(|x| !x.early));
        // With two developers the second would idle: it takes the phase-6 task, and says so.
        let s = schedule(&tasks, &[], &bare(2));
        let b = s.slots.iter().find(|x| x.task == "T001").unwrap();
        assert_eq!(b.start_hour, 0.0);
        assert!(b.early);
    }

    #[test]
    fn calendar_dates_skip_weekends() {
        let fri = parse_date("2026-12-04").unwrap();
        assert_eq!(working_day(fri, 0).to_string(), "2026-12-04");
        assert_eq!(working_day(fri, 1).to_string(), "2026-12-07");
        let sat = parse_date("2026-12-05").unwrap();
        assert_eq!(working_day(sat, 0).to_string(), "2026-12-07");
        assert!(parse_date("2026-13-01").is_err());
        assert!(parse_date("next monday").is_err());
        let tasks = vec![task(0, 8.0, 0, vec![])];
        let opts = ScheduleOptions {
            start: Some(fri),
            ..bare(1)
        };
        let s = schedule(&tasks, &[], &opts);
        assert_eq!(s.slots[0].start_date.as_deref(), Some("2026-12-04"));
        assert_eq!(s.slots[0].end_date.as_deref(), Some("2026-12-07"));
        assert_eq!(s.end_date.as_deref(), Some("2026-12-07"));
    }

    #[test]
    fn day_table_splits_long_tasks() {
        let tasks = vec![task(0, 8.0, 0, vec![])];
        let s = schedule(&tasks, &[], &bare(1));
        let days = by_day(&s);
        assert_eq!(days.len(), 2);
        assert_eq!(days[1][0][0].task, "T000");
    }

    /// Random DAGs: edges only from lower to higher index; random files, phases and hours.
    fn arb_tasks() -> impl Strategy<Value = Vec<Task>> {
        (1usize..25).prop_flat_map(|n| {
            (
                prop::collection::vec((1u32..12, 0usize..6, 0u8..7), n),
                prop::collection::vec((0usize..n, 0usize..n), 0..(n * 2)),
            )
                .prop_map(move |(specs, edges)| {
                    let mut tasks: Vec<Task> = specs
                        .iter()
                        .enumerate()
                        .map(|(i, (h, f, p))| {
                            let mut t = task(i, f64::from(*h) / 2.0, *f, vec![]);
                            t.phase = Phase::from_index(*p);
                            t
                        })
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

    fn arb_opts() -> impl Strategy<Value = ScheduleOptions> {
        (
            1usize..5,
            2u32..10,
            0u32..60,
            0u32..50,
            prop::option::of(0i64..30),
            0u32..40,
        )
            .prop_map(|(devs, h, review, buffer, start, wait)| ScheduleOptions {
                devs,
                hours_per_day: f64::from(h),
                review_percent: f64::from(review),
                buffer_percent: f64::from(buffer),
                start: start.map(|d| parse_date("2026-11-30").unwrap() + time::Duration::days(d)),
                owner_wait_hours: f64::from(wait) / 2.0,
            })
    }

    /// Three tracks `a`, `b`, `c` on developers 1..=devs, round robin.
    fn tracks_for(tasks: &mut [Task], devs: usize) -> Vec<Track> {
        let names = ["a", "b", "c"];
        for (i, t) in tasks.iter_mut().enumerate() {
            t.track = names[(i * 7 + t.files[0].len()) % 3].to_string();
        }
        names
            .iter()
            .enumerate()
            .map(|(k, n)| Track {
                id: (*n).to_string(),
                name: (*n).to_string(),
                developer: k % devs.max(1) + 1,
                handed_over: Vec::new(),
                tasks: tasks
                    .iter()
                    .filter(|t| t.track == *n)
                    .map(|t| t.id.clone())
                    .collect(),
                hours: 0.0,
                shares_files_with: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_task_waits_for_its_developer_unless_that_costs_too_long() {
        // Dev 1 owns both tasks; dev 2 owns nothing. The second task waits 2 h for dev 1
        // with a 4.5 h wait, and goes to dev 2 with no wait.
        let mut tasks = vec![task(0, 2.0, 0, vec![]), task(1, 2.0, 1, vec![])];
        fill_blocks(&mut tasks);
        for t in &mut tasks {
            t.track = "a".into();
        }
        let tracks = vec![Track {
            id: "a".into(),
            name: "a".into(),
            developer: 1,
            handed_over: Vec::new(),
            tasks: vec!["T000".into(), "T001".into()],
            hours: 4.0,
            shares_files_with: Vec::new(),
        }];
        let s = schedule(&tasks, &tracks, &bare(2));
        assert!(s.slots.iter().all(|x| x.developer == 1));
        assert_eq!(s.makespan_hours, 4.0);
        let quick = ScheduleOptions {
            owner_wait_hours: 0.0,
            ..bare(2)
        };
        let s = schedule(&tasks, &tracks, &quick);
        assert_eq!(s.makespan_hours, 2.0);
        assert!(s.slots.iter().any(|x| x.developer == 2));
        // A longer queue than the wait: dev 2 takes what dev 1 would reach too late.
        let mut long: Vec<Task> = (0..6).map(|i| task(i, 2.0, i, vec![])).collect();
        for t in &mut long {
            t.track = "a".into();
        }
        let s = schedule(&long, &tracks, &bare(2));
        assert!(s.slots.iter().any(|x| x.developer == 2));
        assert!(s.makespan_hours <= 8.0);
    }

    #[test]
    fn a_later_phase_does_not_starve_an_earlier_task_of_its_files() {
        // T000 (phase 1) edits f0 and f1, and waits for T001 (phase 0) to finish with
        // f0; the phase-6 task on f1 must not take f1 meanwhile (it would hold T000 back).
        let mut a = task(0, 2.0, 0, vec![]);
        a.phase = Phase::SecurityStability;
        a.files = vec!["f0".into(), "f1".into()];
        let mut b = task(1, 2.0, 0, vec![]);
        b.phase = Phase::CriticalBlockers;
        let mut c = task(2, 3.0, 1, vec![]);
        c.phase = Phase::CodeQuality;
        let mut tasks = vec![a, b, c];
        fill_blocks(&mut tasks);
        let s = schedule(&tasks, &[], &bare(3));
        let at = |id: &str| s.slots.iter().find(|x| x.task == id).unwrap().start_hour;
        assert_eq!(at("T001"), 0.0);
        assert_eq!(at("T000"), 2.0);
        assert_eq!(at("T002"), 4.0);
    }

    proptest! {
        /// With a wait longer than all the work, every task goes to its track's developer:
        /// the track table and the schedule agree without a single handover.
        #[test]
        fn an_unbounded_wait_keeps_every_task_with_its_developer(
            mut tasks in arb_tasks(),
            opts in arb_opts(),
        ) {
            let tracks = tracks_for(&mut tasks, opts.devs);
            let opts = ScheduleOptions { owner_wait_hours: 10_000.0, ..opts };
            let s = schedule(&tasks, &tracks, &opts);
            prop_assert_eq!(s.slots.len(), tasks.len());
            for x in &s.slots {
                let t = tasks.iter().find(|t| t.id == x.task).unwrap();
                let owner = tracks.iter().find(|tr| tr.id == t.track).unwrap().developer;
                prop_assert_eq!(x.developer, owner, "{} left its developer", x.task);
            }
        }

        #[test]
        fn schedule_invariants(mut tasks in arb_tasks(), opts in arb_opts(), owned in any::<bool>()) {
            let tracks = if owned { tracks_for(&mut tasks, opts.devs) } else { Vec::new() };
            let s = schedule(&tasks, &tracks, &opts);
            let devs = opts.devs;
            // Every task scheduled exactly once, for its estimate plus review.
            prop_assert_eq!(s.slots.len(), tasks.len());
            let at: BTreeMap<&str, &Slot> = s.slots.iter().map(|x| (x.task.as_str(), x)).collect();
            prop_assert_eq!(at.len(), tasks.len());
            for t in &tasks {
                let me = at[t.id.as_str()];
                let want = opts.scheduled_hours(t.hours);
                prop_assert!((me.end_hour - me.start_hour - want).abs() < 1e-9);
                prop_assert!(want + 1e-9 >= t.hours);
                prop_assert!(me.developer >= 1 && me.developer <= devs);
                for b in &t.blocked_by {
                    prop_assert!(at[b.as_str()].end_hour <= me.start_hour);
                }
            }
            // No developer double-booked; no file edited by two at once.
            for (i, a) in s.slots.iter().enumerate() {
                for b in &s.slots[i + 1..] {
                    if a.start_hour < b.end_hour && b.start_hour < a.end_hour {
                        prop_assert_ne!(a.developer, b.developer);
                        let ta = tasks.iter().find(|t| t.id == a.task).unwrap();
                        let tb = tasks.iter().find(|t| t.id == b.task).unwrap();
                        prop_assert!(ta.files != tb.files);
                    }
                }
            }
            // Phase order: a task not marked early starts no sooner than every task of an
            // earlier phase; a task marked early really jumped ahead of one.
            for x in &s.slots {
                let tx = tasks.iter().find(|t| t.id == x.task).unwrap();
                let jumped = s.slots.iter().any(|y| {
                    let ty = tasks.iter().find(|t| t.id == y.task).unwrap();
                    ty.phase < tx.phase && y.start_hour > x.start_hour
                });
                if !x.early {
                    prop_assert!(!jumped, "{} jumped ahead without saying so", x.task);
                }
            }
            // Utilisation cap: per developer and day, plan work stays within the focus
            // hours, which leave the buffer free.
            let focus = s.focus_hours_per_day;
            prop_assert!(focus <= opts.hours_per_day * (1.0 - opts.buffer_percent / 100.0) + 1e-9);
            for (d, row) in by_day(&s).iter().enumerate() {
                let (lo, hi) = (d as f64 * focus, (d + 1) as f64 * focus);
                for cell in row {
                    let busy: f64 = cell
                        .iter()
                        .map(|x| x.end_hour.min(hi) - x.start_hour.max(lo))
                        .sum();
                    prop_assert!(busy <= focus + 1e-9);
                }
            }
            // Calendar: every date is a weekday, in order, within the plan's dates.
            if opts.start.is_some() {
                for x in &s.slots {
                    let a = parse_date(x.start_date.as_deref().unwrap()).unwrap();
                    let b = parse_date(x.end_date.as_deref().unwrap()).unwrap();
                    prop_assert!(a <= b);
                    for d in [a, b] {
                        prop_assert!(!matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday));
                        prop_assert!(d.to_string() <= s.end_date.clone().unwrap());
                        prop_assert!(d.to_string() >= s.start_date.clone().unwrap());
                    }
                }
            }
            // The critical path is a chain of dependent tasks whose scheduled hours add up.
            let (path, cp) = critical_path(&tasks, &opts);
            let hours: f64 = path
                .iter()
                .map(|id| opts.scheduled_hours(tasks.iter().find(|t| &t.id == id).unwrap().hours))
                .sum();
            prop_assert!((hours - cp).abs() < 1e-9);
            for w in path.windows(2) {
                let next = tasks.iter().find(|t| t.id == w[1]).unwrap();
                prop_assert!(next.blocked_by.contains(&w[0]));
            }
            // And it is the longest: the as-soon-as-possible finish (index order is
            // topological here) with unlimited developers equals it.
            let mut fin: Vec<f64> = Vec::new();
            for t in &tasks {
                let start = t
                    .blocked_by
                    .iter()
                    .map(|b| fin[b[1..].parse::<usize>().unwrap()])
                    .fold(0.0, f64::max);
                fin.push(start + opts.scheduled_hours(t.hours));
            }
            let asap = fin.iter().copied().fold(0.0, f64::max);
            prop_assert!((asap - cp).abs() < 1e-9, "asap {} cp {}", asap, cp);
            prop_assert!(s.makespan_hours + 1e-9 >= cp);
            let work: f64 = tasks.iter().map(|t| opts.scheduled_hours(t.hours)).sum();
            prop_assert!(s.makespan_hours + 1e-9 >= work / devs as f64);
        }
    }
}
