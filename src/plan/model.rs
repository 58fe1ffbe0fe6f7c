//! The plan's data model: tasks, phases, effort sizes, dependencies, tracks and
//! the schedule. Everything here is plain data; the other modules build it and
//! the renderers read it.

use std::fmt;

use serde::Serialize;

use crate::finding::Severity;

/// The phases of a hardening plan, in the order they are worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(into = "u8")]
pub enum Phase {
    /// 0: high and critical findings in shipped code (exploitable or leaking now);
    /// nothing ships before these.
    CriticalBlockers,
    /// 1: secrets, credentials, permissions, privileged containers, supply chain.
    SecurityStability,
    /// 2: retries, timeouts, error handling, resource cleanup.
    ErrorHandling,
    /// 3: centralised configuration, logging, health checks.
    ConfigMonitoring,
    /// 4: validation, silent fallbacks.
    DataQuality,
    /// 5: resource limits, strict mode, rollback, dependency updates.
    Operations,
    /// 6: maintainability and performance debt.
    CodeQuality,
}

impl From<Phase> for u8 {
    fn from(p: Phase) -> u8 {
        p.index()
    }
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 7] = [
        Phase::CriticalBlockers,
        Phase::SecurityStability,
        Phase::ErrorHandling,
        Phase::ConfigMonitoring,
        Phase::DataQuality,
        Phase::Operations,
        Phase::CodeQuality,
    ];

    /// 0–6.
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The phase with index `i` (clamped to 6).
    pub fn from_index(i: u8) -> Phase {
        Phase::ALL[usize::from(i.min(6))]
    }

    /// Title as written in the plan ("Critical blockers").
    pub fn title(self) -> &'static str {
        match self {
            Phase::CriticalBlockers => "Critical blockers",
            Phase::SecurityStability => "Security & stability",
            Phase::ErrorHandling => "Error handling & resilience",
            Phase::ConfigMonitoring => "Configuration & monitoring",
            Phase::DataQuality => "Data quality",
            Phase::Operations => "Operations",
            Phase::CodeQuality => "Code quality & performance",
        }
    }

    /// One sentence under the phase heading.
    pub fn intent(self) -> &'static str {
        match self {
            Phase::CriticalBlockers => {
                "High and critical findings in shipped code, exploitable or leaking now: fix and merge these before any deploy."
            }
            Phase::SecurityStability => {
                "Credentials, secrets, permissions and supply chain: done before production traffic."
            }
            Phase::ErrorHandling => {
                "Timeouts, retries, error handling and resource cleanup, so failures are visible and recoverable."
            }
            Phase::ConfigMonitoring => {
                "Configuration in one place, structured logging and health checks that check something."
            }
            Phase::DataQuality => "Validation instead of silent fallbacks.",
            Phase::Operations => {
                "Resource limits, strict mode in scripts, rollback and automated dependency updates."
            }
            Phase::CodeQuality => "Maintainability and performance debt.",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phase {}: {}", self.index(), self.title())
    }
}

/// T-shirt size of a task, derived from its hours (see `effort.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Effort {
    /// Up to 1 hour.
    XS,
    /// Up to 2 hours.
    S,
    /// Up to 4 hours.
    M,
    /// More than 4 hours.
    L,
}

impl Effort {
    /// The size for an estimate in hours.
    pub fn from_hours(h: f64) -> Effort {
        if h <= 1.0 {
            Effort::XS
        } else if h <= 2.0 {
            Effort::S
        } else if h <= 4.0 {
            Effort::M
        } else {
            Effort::L
        }
    }

    /// "XS", "S", "M" or "L".
    pub fn as_str(self) -> &'static str {
        match self {
            Effort::XS => "XS",
            Effort::S => "S",
            Effort::M => "M",
            Effort::L => "L",
        }
    }
}

/// One finding a task closes (a plain copy, so a plan can be built from a baseline file too).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Item {
    /// Rule id.
    pub rule: String,
    /// Path relative to the root (empty for a repository-level finding without a file).
    pub path: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// Severity after config overrides.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Other files that belong to the same problem (copies of a credential…).
    pub related: Vec<String>,
    /// Places the finding stands for: 1, or the members of a grouped finding (the
    /// services of one compose file, the unpinned `uses:` of one workflow); the
    /// estimate counts places, not findings.
    pub places: usize,
    /// Baseline fingerprint (see `baseline.rs`).
    pub fingerprint: String,
}

impl Item {
    /// `path:line`, or just `path` for a file-level finding (line 0).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.path.clone()
        } else {
            format!("{}:{}", self.path, self.line)
        }
    }
}

/// A unit of work one person takes: the findings of one rule in one scope.
#[derive(Debug, Clone, Serialize)]
pub struct Task {
    /// Stable id derived from rule and scope (`T-shell-unsafe-rm`, `T-python-bare-except-collectors`).
    pub id: String,
    /// Imperative title with the extent ("Shell scripts missing strict mode (6 files)").
    pub title: String,
    /// Phase the task belongs to.
    pub phase: Phase,
    /// Rule ids whose findings the task closes.
    pub rules: Vec<String>,
    /// Top-level directory the task is limited to, when a rule's findings were split.
    pub scope: Option<String>,
    /// Highest severity among its findings.
    pub severity: Severity,
    /// The findings it closes, sorted by path and line.
    pub findings: Vec<Item>,
    /// Files it edits (finding paths and related paths), sorted.
    pub files: Vec<String>,
    /// Size.
    pub effort: Effort,
    /// Estimate in hours (a multiple of 0.5).
    pub hours: f64,
    /// Why it matters (the rule's summary; empty for a rule this build does not have).
    pub why: String,
    /// What the estimate assumes (a design change, or a mechanical edit repeated N times).
    pub estimate_basis: String,
    /// How to check it is done: the harden check, the control, the domain checks.
    pub verify: Vec<String>,
    /// Task ids that must be done first.
    pub blocked_by: Vec<String>,
    /// Task ids waiting for this one.
    pub blocks: Vec<String>,
    /// Track letter (`A`, `B`…).
    pub track: String,
}

/// Why one task must come before another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepKind {
    /// From the declared table in `deps.rs`: one change needs the other first.
    Declared,
}

/// An edge of the dependency graph: `before` must be done before `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dependency {
    /// Task done first.
    pub before: String,
    /// Task that waits.
    pub after: String,
    /// Always declared (same-file overlap orders nothing; it only keeps two tasks apart).
    pub kind: DepKind,
    /// Human reason ("add timeouts before a circuit breaker").
    pub reason: String,
}

/// A domain of the work (database, CI/CD, containers…), as a lead hands it out.
#[derive(Debug, Clone, Serialize)]
pub struct Track {
    /// Domain id (`database`, `ci-cd`, `containers`, `observability`, `docs`…).
    pub id: String,
    /// Name as shown ("Database & credentials").
    pub name: String,
    /// The developer (1-based) who takes the track: suggested by balanced hours and
    /// files kept with one person, then the one the schedule gives most of its hours.
    pub developer: usize,
    /// Tasks of the track the schedule gives someone else (task id, developer), because
    /// waiting for [`Track::developer`] would cost more than the owner wait.
    pub handed_over: Vec<(String, usize)>,
    /// Task ids in the track, in phase order.
    pub tasks: Vec<String>,
    /// Sum of the task estimates.
    pub hours: f64,
    /// Other tracks that edit a common file (their tasks never run at the same time).
    pub shares_files_with: Vec<String>,
}

/// One task placed on one developer's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slot {
    /// Task id.
    pub task: String,
    /// 1-based developer number.
    pub developer: usize,
    /// Hours of task time from the start of the plan (see [`Schedule::focus_hours_per_day`]).
    pub start_hour: f64,
    /// Hours of task time from the start of the plan; includes the review share.
    pub end_hour: f64,
    /// Started while a task of an earlier phase was still waiting, because none could
    /// start and the developer would otherwise idle.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub early: bool,
    /// First working day (`YYYY-MM-DD`), with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Last working day, with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
}

/// The schedule for N developers.
#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    /// Developers.
    pub devs: usize,
    /// Working hours per day.
    pub hours_per_day: f64,
    /// Hours per day given to plan tasks (the rest is the buffer).
    pub focus_hours_per_day: f64,
    /// Review share added to each estimate, in percent.
    pub review_percent: f64,
    /// Share of each day kept free, in percent.
    pub buffer_percent: f64,
    /// First working day, with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Last working day, with `--start`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Every task, sorted by start then developer.
    pub slots: Vec<Slot>,
    /// End of the last task, in hours of task time.
    pub makespan_hours: f64,
}

impl Schedule {
    /// Working days the schedule takes (at least 1 when there is work).
    pub fn days(&self) -> usize {
        if self.makespan_hours <= 0.0 || self.focus_hours_per_day <= 0.0 {
            return 0;
        }
        (self.makespan_hours / self.focus_hours_per_day - 1e-9)
            .ceil()
            .max(1.0) as usize
    }
}

/// One line of the success criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// What must be true ("No `shell/unsafe-rm` findings").
    pub text: String,
    /// The rule ids that must have no findings for this to be ticked.
    pub rules: Vec<String>,
    /// A `harden status` control that must be done (`dependency-updates`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    /// Only findings at or above this severity count: a rule whose release blockers
    /// are phase 0 and whose lower findings are a later phase's follow-up is done in
    /// phase 0 when its high findings are gone, not all of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_severity: Option<crate::finding::Severity>,
    /// A design task with no scan rule and no control (`T-design-parameter-drift`):
    /// met when today's plan no longer has it (the pattern is gone). Its text is the
    /// task's own first "done when" line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Whether it holds (always false in a fresh plan; the progress report ticks it).
    pub met: bool,
}

/// The success criteria of one phase.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseCriteria {
    /// Phase.
    pub phase: Phase,
    /// Criteria.
    pub criteria: Vec<Criterion>,
}

/// Options of [`build_plan`](super::build_plan).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// Developers working in parallel (at least 1).
    pub devs: usize,
    /// Working hours per developer per day (the CLI accepts 1 to 24).
    pub hours_per_day: f64,
    /// Review share added to each estimate in the schedule, in percent.
    pub review_percent: f64,
    /// Share of each day kept free of plan tasks, in percent.
    pub buffer_percent: f64,
    /// First working day, for calendar dates.
    pub start: Option<time::Date>,
    /// Hours a task waits for its track's developer before a free developer takes it.
    pub owner_wait_hours: f64,
    /// Phase and effort overrides from `[plan]` in `harden.toml`.
    pub overrides: super::settings::Overrides,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            devs: 3,
            hours_per_day: 6.0,
            review_percent: super::schedule::DEFAULT_REVIEW_PERCENT,
            buffer_percent: super::schedule::DEFAULT_BUFFER_PERCENT,
            start: None,
            owner_wait_hours: super::schedule::DEFAULT_OWNER_WAIT_HOURS,
            overrides: Default::default(),
        }
    }
}

impl PlanOptions {
    /// The schedule's part of the options.
    pub fn schedule(&self) -> super::schedule::ScheduleOptions {
        super::schedule::ScheduleOptions {
            devs: self.devs,
            hours_per_day: self.hours_per_day,
            review_percent: self.review_percent,
            buffer_percent: self.buffer_percent,
            start: self.start,
            owner_wait_hours: self.owner_wait_hours,
        }
    }
}

/// A phased remediation plan.
///
/// Built by [`build_plan`](super::build_plan) from a scan: `tasks` group the findings,
/// `dependencies` order them (acyclic), `tracks` group tasks that share files,
/// `schedule` places them on developers, `critical_path` is the longest chain of
/// dependent work, `criteria` say when each phase is done.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Name of the scanned directory.
    pub project: String,
    /// Options used.
    #[serde(skip)]
    pub options: PlanOptions,
    /// The cross-file patterns behind the design tasks.
    #[serde(skip)]
    pub patterns: super::design::Patterns,
    /// Tasks sorted by phase, then id.
    pub tasks: Vec<Task>,
    /// Edges of the dependency graph, transitively reduced for same-file edges.
    pub dependencies: Vec<Dependency>,
    /// Tracks, `A` first.
    pub tracks: Vec<Track>,
    /// Day-by-day placement.
    pub schedule: Schedule,
    /// Longest chain of dependent tasks (by hours).
    pub critical_path: Vec<String>,
    /// Its length in hours.
    pub critical_path_hours: f64,
    /// Success criteria per phase that has tasks, plus a final phase-less list.
    pub criteria: Vec<PhaseCriteria>,
    /// Final criteria ("all tasks closed").
    pub final_criteria: Vec<Criterion>,
    /// Number of findings the plan covers.
    pub findings: usize,
    /// What the running service answered (`plan --probe URL`); empty without a probe.
    pub live: Vec<LiveEvidence>,
}

/// One control a probe proves or disproves (`health-endpoint`, `readiness-endpoint`,
/// `metrics`), as `status --probe URL` reports it: the plan and `plan --since` show it
/// so a task about health checks is judged against the running service.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveEvidence {
    /// Control id.
    pub control: String,
    /// `done`, `partial`, `missing`… after the probe.
    pub state: String,
    /// "answered 200 at URL in N ms", or why it is missing.
    pub summary: String,
}

impl Plan {
    /// The task with this id.
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// Sum of all estimates.
    pub fn total_hours(&self) -> f64 {
        self.tasks.iter().map(|t| t.hours).sum()
    }

    /// Tasks of one phase.
    pub fn phase_tasks(&self, p: Phase) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(move |t| t.phase == p)
    }
}

/// Formats hours without a needless `.0` ("2", "2.5").
pub fn fmt_hours(h: f64) -> String {
    crate::text::fmt_hours(h)
}
