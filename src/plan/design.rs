//! Design tasks from cross-file patterns the repository model sees, beyond what a
//! single rule reports: the work a lead plans as one design change ("24 modules call
//! `psycopg2.connect` directly: consolidate into one pool"). Each is sized by the
//! work it is (a module to write, then each caller moved to it) and has no findings
//! of its own: its evidence is the list of places.
//!
//! Only fresh scans have a model; a plan rebuilt from a baseline file has no design
//! tasks, so `--since` compares like with like.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Effort, Item, Task};
use super::settings::Overrides;
use crate::finding::Severity;
use crate::model::modules::{package_of, PrintingModule, SharedConstants};
use crate::model::services::{health_gaps, ServiceHealth};

/// The rule id of the connection-pool design task (no scan rule has it).
pub const CONNECTION_POOL: &str = "design/connection-pool";

/// The rule id of the "adopt logging" design task (no scan rule has it).
pub const ADOPT_LOGGING: &str = "design/adopt-logging";

/// The rule id of the "add a health route" design task (no scan rule has it).
pub const HEALTH_ROUTE: &str = "design/health-route";

/// The rule id of the "one source for these parameters" design task.
pub const DUPLICATED_PARAMETERS: &str = "design/duplicated-parameters";

/// The rule id of the "one source for these drifted parameters" design task.
pub const PARAMETER_DRIFT: &str = "design/parameter-drift";

/// The rule id of the "scan the images in CI" task (a `harden status` control, no scan rule).
pub const IMAGE_SCAN: &str = "design/image-scan";

/// The rule id of the "generate an SBOM for each release" task.
pub const SBOM: &str = "design/sbom";

/// The rule id of the "run code scanning in CI" task.
pub const CODE_SCANNING: &str = "design/code-scanning";

/// Where a new CI job goes when no workflow publishes what it is for.
const NEW_WORKFLOW: &str = ".github/workflows/security.yml";

/// Where the code-scanning workflow goes (GitHub's own name for it).
const CODEQL_WORKFLOW: &str = ".github/workflows/codeql.yml";

/// The scan rule whose findings the logging task takes over: the same modules,
/// one task for the same change.
const PRINT_RULE: &str = "python/print-in-library";

/// Fewer modules than this opening their own connections is not worth a design task.
pub const MIN_MODULES: usize = 5;

/// A package's share of the connection work gets its own task from this many
/// modules (one module has nothing to consolidate with).
pub const MIN_PACKAGE_MODULES: usize = 2;

/// Fewer modules than this printing in one package is the print rule's task, not a
/// design change.
pub const MIN_PRINTING_MODULES: usize = 3;

/// Cross-file patterns read from the repository model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patterns {
    /// Shipped modules that open database connections themselves: path, first line,
    /// the function called, and how many calls.
    pub connecting_modules: Vec<(String, usize, String, usize)>,
    /// Shipped modules that print operational output.
    pub printing_modules: Vec<PrintingModule>,
    /// The workspace packages of a monorepo (empty for one application): design
    /// tasks are cut per package, the way a lead hands them out.
    pub packages: Vec<String>,
    /// Per compose file: the services that listen without a health route, and
    /// their siblings that register one (the model to copy).
    pub health_gaps: Vec<(Vec<ServiceHealth>, Vec<ServiceHealth>)>,
    /// Blocks of identical parameters several shipped modules each assign.
    pub shared_constants: Vec<SharedConstants>,
    /// Parameter sets whose values drifted apart between modules or between a
    /// module and the configuration file (`Repository::parameter_drifts`), one
    /// group per set.
    pub parameter_drifts: Vec<Vec<crate::model::params::Drift>>,
    /// CI work a shipping repository lacks (`harden status` controls `image-scan`,
    /// `sbom`, `sast` missing while it publishes or builds production images).
    pub ci_gaps: Vec<CiGap>,
    /// Dockerfiles whose released images are named build targets, not (only) the
    /// last stage: path and the targets, `None` for the last stage built without
    /// `--target`. The "done when" check builds what is released.
    pub release_targets: Vec<(String, Vec<Option<String>>)>,
}

/// The released build targets of each Dockerfile where one is not the last stage
/// (`Repository::released_stages`); base and builder images other images start
/// `FROM` are checked through those images.
fn release_targets(m: &crate::model::Repository) -> Vec<(String, Vec<Option<String>>)> {
    let mut out = Vec::new();
    for image in m.images() {
        let path = image.dockerfile.as_str();
        let last = image.final_stage();
        let stages: Vec<usize> = m
            .released_stages(path)
            .into_iter()
            .filter(|&s| !m.is_base_stage(path, s))
            .collect();
        if stages.iter().all(|&s| Some(s) == last) {
            continue;
        }
        let targets: Vec<Option<String>> = stages
            .iter()
            .filter_map(|&s| {
                if Some(s) == last {
                    Some(None)
                } else {
                    image.stages.get(s)?.name.clone().map(Some)
                }
            })
            .collect();
        if !targets.is_empty() {
            out.push((path.to_string(), targets));
        }
    }
    out
}

/// A CI scanning control that is missing while the repository ships something.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CiGap {
    /// The `harden status` control (`image-scan`, `sbom`, `sast`).
    pub control: String,
    /// What ships: (path, line, what is there) — the steps that publish, else the
    /// production images and what builds them.
    pub evidence: Vec<(String, usize, String)>,
}

impl CiGap {
    /// Whether the control's CI steps exist but can never fail the job (a
    /// report-only scan): the task is to make them blocking, not to add one.
    pub fn report_only(&self) -> bool {
        !self.evidence.is_empty()
            && self
                .evidence
                .iter()
                .all(|e| e.2.ends_with(crate::status::ci::NON_BLOCKING))
    }

    /// The CI files where the new step belongs: those that publish (the image is
    /// scanned, the SBOM made, where it is built and pushed), a workflow or the
    /// Makefile or other CI definition whose line pushes.
    fn workflows(&self) -> Vec<String> {
        let mut w: Vec<String> = self
            .evidence
            .iter()
            // Where the push is: a workflow, another CI system's file, or the Makefile
            // goal CI runs (`ko build` in `Makefile`, run by `cloudbuild.yaml`).
            .filter(|e| e.2.starts_with("publishes:"))
            .map(|e| e.0.clone())
            .collect();
        w.sort();
        w.dedup();
        w
    }

    /// The production images named (their Dockerfiles), in order.
    fn images(&self) -> Vec<&str> {
        self.evidence
            .iter()
            .filter(|e| e.2.starts_with("production image"))
            .map(|e| e.0.as_str())
            .collect()
    }
}

impl Patterns {
    /// Reads the patterns from a scan's repository model.
    pub fn from_model(m: &crate::model::Repository) -> Patterns {
        let connecting_modules = m
            .connecting_modules()
            .into_iter()
            .filter_map(|(path, calls)| {
                let first = calls.first()?;
                Some((
                    path.to_string(),
                    first.line,
                    first.call.clone(),
                    calls.len(),
                ))
            })
            .collect();
        Patterns {
            connecting_modules,
            printing_modules: m.printing_modules().into_iter().cloned().collect(),
            packages: m.packages().to_vec(),
            health_gaps: health_gaps(&m.service_health())
                .into_iter()
                .map(|(without, with)| {
                    (
                        without.into_iter().cloned().collect(),
                        with.into_iter().cloned().collect(),
                    )
                })
                .collect(),
            shared_constants: m.shared_constants(),
            parameter_drifts: m.parameter_drifts(),
            ci_gaps: crate::status::shipping_gaps(m)
                .into_iter()
                .map(|(control, o)| CiGap {
                    control: control.to_string(),
                    evidence: o
                        .evidence
                        .into_iter()
                        .map(|e| (e.path, e.line, e.note))
                        .collect(),
                })
                .collect(),
            release_targets: release_targets(m),
        }
    }

    /// Paths grouped by package, in package order (`""`: outside every package).
    fn by_package<'a, T>(
        &self,
        items: &'a [T],
        path: impl Fn(&T) -> &str,
    ) -> BTreeMap<String, Vec<&'a T>> {
        let mut out: BTreeMap<String, Vec<&'a T>> = BTreeMap::new();
        for i in items {
            out.entry(package_of(&self.packages, path(i)).to_string())
                .or_default()
                .push(i);
        }
        out
    }
}

/// " of `packages/model`" for a package's task, nothing for the whole repository.
fn of_package(scope: Option<&str>) -> String {
    scope.map_or_else(String::new, |p| format!(" of `{p}`"))
}

/// A design task with everything but its title, files, effort and checks filled in.
fn design_task(
    rule: &str,
    scope: Option<&str>,
    ov: &Overrides,
) -> (Task, super::effort::EffortModel) {
    let model = ov
        .effort
        .get(rule)
        .copied()
        .unwrap_or_else(|| super::effort::model_for(rule));
    let phase = ov
        .phase
        .get(rule)
        .copied()
        .unwrap_or_else(|| super::phases::phase_of(rule, Severity::Medium));
    let t = Task {
        id: super::tasks::task_id(rule, scope),
        title: String::new(),
        phase,
        rules: vec![rule.to_string()],
        scope: scope.map(str::to_string),
        severity: Severity::Medium,
        findings: Vec::<Item>::new(),
        files: Vec::new(),
        effort: Effort::from_hours(0.0),
        hours: 0.0,
        why: String::new(),
        estimate_basis: String::new(),
        verify: Vec::new(),
        blocked_by: Vec::new(),
        blocks: Vec::new(),
        track: String::new(),
    };
    (t, model)
}

/// Adds the design tasks the patterns call for (tasks stay sorted by phase then id);
/// `claimed` are the findings [`claim`] gave them.
pub fn add_tasks(tasks: &mut Vec<Task>, p: &Patterns, claimed: &[Item], ov: &Overrides) {
    add_connection_tasks(tasks, p, ov);
    add_logging_tasks(tasks, p, claimed, ov);
    add_health_task(tasks, p, ov);
    add_parameter_tasks(tasks, p, ov);
    add_drift_tasks(tasks, p, ov);
    add_ci_tasks(tasks, p, ov);
    tasks.sort_by(|a, b| (a.phase, &a.id).cmp(&(b.phase, &b.id)));
}

/// A module opening connections itself: path, first line, the call, how many calls.
type ConnectingModule = (String, usize, String, usize);

/// A directory whose modules connect through this many drivers is an adapter layer.
pub const MIN_ADAPTER_DRIVERS: usize = 3;

/// The driver a connection call belongs to: its module (`psycopg2.connect` →
/// `psycopg2`), SQLAlchemy for `create_engine`.
fn driver_of(call: &str) -> &'static str {
    let root = call.split('.').next().unwrap_or(call).to_ascii_lowercase();
    match root.as_str() {
        "create_engine" | "create_async_engine" | "sqlalchemy" => "sqlalchemy",
        "psycopg2" => "psycopg2",
        "psycopg" => "psycopg",
        "asyncpg" => "asyncpg",
        "pymysql" | "mysqldb" | "mysql" => "mysql",
        "pymongo" | "mongoclient" | "motor" => "mongodb",
        "sqlite3" => "sqlite3",
        "pyodbc" => "pyodbc",
        "oracledb" | "cx_oracle" => "oracle",
        "redis" => "redis",
        _ => "other",
    }
}

/// "Design one connection module": one task, or one per package of a monorepo
/// whose packages each hold some of the modules (each package has its own
/// settings and deployment, so its own module).
fn add_connection_tasks(tasks: &mut Vec<Task>, p: &Patterns, ov: &Overrides) {
    let mods = &p.connecting_modules;
    if mods.len() < MIN_MODULES
        || tasks
            .iter()
            .any(|t| t.rules.iter().any(|r| r == CONNECTION_POOL))
    {
        return;
    }
    // One pool is one driver: modules of different drivers (redash's query
    // runners: MySQLdb, oracledb, psycopg2, pymongo, pyodbc) share no connection.
    // A directory whose modules connect through several drivers is an adapter
    // layer, one connection per data source by design: no task for it.
    let mut drivers_in_dir: BTreeMap<&str, BTreeSet<&'static str>> = BTreeMap::new();
    for m in mods {
        drivers_in_dir
            .entry(crate::model::paths::dir_of(&m.0))
            .or_default()
            .insert(driver_of(&m.2));
    }
    let adapters = |m: &&ConnectingModule| {
        drivers_in_dir
            .get(crate::model::paths::dir_of(&m.0))
            .is_some_and(|d| d.len() >= MIN_ADAPTER_DRIVERS)
    };
    let mut groups: BTreeMap<(String, &'static str), Vec<&ConnectingModule>> = BTreeMap::new();
    for (package, in_package) in p.by_package(mods, |m| m.0.as_str()) {
        for m in in_package.into_iter().filter(|m| !adapters(m)) {
            groups
                .entry((package.clone(), driver_of(&m.2)))
                .or_default()
                .push(m);
        }
    }
    let split = groups.len() > 1;
    let packages_with_drivers = |package: &str| groups.keys().filter(|k| k.0 == package).count();
    for ((package, driver), mods) in &groups {
        if split && mods.len() < MIN_PACKAGE_MODULES {
            continue;
        }
        // A monorepo's task names its package, split or not: that is who owns it.
        let scope = (!package.is_empty()).then_some(package.as_str());
        let (mut t, model) = design_task(CONNECTION_POOL, scope, ov);
        if packages_with_drivers(package) > 1 {
            t.id = format!("{}-{}", t.id, driver);
        }
        let hours = super::effort::estimate(model, mods.len(), mods.len());
        let calls: usize = mods.iter().map(|m| m.3).sum();
        let mut names: Vec<&str> = mods.iter().map(|m| m.2.as_str()).collect();
        names.sort();
        names.dedup();
        let named: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        t.title = format!(
            "Design one connection module (pool) for the {} modules{} that open database connections themselves ({} calls to {})",
            mods.len(),
            of_package(scope),
            calls,
            named.join(", ")
        );
        t.files = mods.iter().map(|m| m.0.clone()).collect();
        t.files.sort();
        t.effort = Effort::from_hours(hours);
        t.hours = hours;
        t.why = "each module that connects on its own repeats the settings and holds its own \
                 connection: nothing pools, retries or closes them in one place, and a credential \
                 or host change touches every module"
            .to_string();
        t.estimate_basis =
            super::guidance::estimate_basis(CONNECTION_POOL, model, mods.len(), mods.len());
        t.verify = super::guidance::verify(&t);
        t.verify.insert(
            0,
            format!(
                "a search for {} finds only the connection module{}",
                named.join(", "),
                of_package(scope)
            ),
        );
        tasks.push(t);
    }
}

/// The packages whose printing modules make a logging task: (scope, modules).
fn logging_groups(p: &Patterns) -> Vec<(Option<&str>, Vec<&PrintingModule>)> {
    let mut out = Vec::new();
    for (package, mods) in p.by_package(&p.printing_modules, |m| m.path.as_str()) {
        if mods.len() < MIN_PRINTING_MODULES {
            continue;
        }
        let scope = p
            .packages
            .iter()
            .find(|x| **x == package)
            .map(String::as_str);
        out.push((scope, mods));
    }
    out
}

/// Splits findings into those the scan rules' tasks take and those a design task
/// takes over: the print rule's findings in the modules of a logging task are that
/// task's change (one change per module, not two tasks for it).
pub fn claim(items: &[Item], p: &Patterns) -> (Vec<Item>, Vec<Item>) {
    let groups = logging_groups(p);
    // A print finding in the package of a logging task is that task's too, even in
    // a module the pattern left out (ctfd's `CTFd/config.py` beside 25 others): a
    // lead does not hand out "set up a logger in config.py" apart from "adopt
    // logging in the package".
    items.iter().cloned().partition(|i| {
        !(i.rule == PRINT_RULE
            && groups.iter().any(|(scope, mods)| {
                mods.iter().any(|m| m.path == i.path)
                    || package_of(&p.packages, &i.path) == scope.unwrap_or("")
            }))
    })
}

/// "Adopt logging in N modules of <package>": per package, the shipped modules
/// that print operational output, with the print rule's findings [`claim`]ed there.
fn add_logging_tasks(tasks: &mut Vec<Task>, p: &Patterns, claimed: &[Item], ov: &Overrides) {
    if tasks
        .iter()
        .any(|t| t.rules.iter().any(|r| r == ADOPT_LOGGING))
    {
        return;
    }
    for (scope, mods) in logging_groups(p) {
        let (mut t, model) = design_task(ADOPT_LOGGING, scope, ov);
        t.files = mods.iter().map(|m| m.path.clone()).collect();
        t.files.sort();
        t.findings = claimed
            .iter()
            .filter(|f| {
                t.files.binary_search(&f.path).is_ok()
                    || package_of(&p.packages, &f.path) == scope.unwrap_or("")
            })
            .cloned()
            .collect();
        if !t.findings.is_empty() {
            t.rules.push(PRINT_RULE.to_string());
        }
        // Modules the rule reports that the pattern left out join the task.
        let extra: Vec<&Item> = t
            .findings
            .iter()
            .filter(|f| t.files.binary_search(&f.path).is_err())
            .collect();
        let extra_calls = extra.len();
        let mut extra_files: Vec<String> = extra.iter().map(|f| f.path.clone()).collect();
        extra_files.dedup();
        t.files.extend(extra_files);
        t.files.sort();
        t.files.dedup();
        let n_mods = t.files.len();
        let calls: usize = mods.iter().map(|m| m.lines.len()).sum::<usize>() + extra_calls;
        let mixed = mods.iter().filter(|m| m.logger).count();
        let hours = super::effort::estimate(model, calls, n_mods);
        t.title = format!(
            "Adopt logging in {} modules{} that print operational output ({} `print()` calls)",
            n_mods,
            of_package(scope),
            calls
        );
        t.effort = Effort::from_hours(hours);
        t.hours = hours;
        t.why = if mixed > 0 {
            format!(
                "`print()` output has no level, timestamp or logger name, cannot be filtered or \
                 routed, and is lost or delayed when stdout is not captured or block-buffered; \
                 {mixed} of these modules already log, so their output is split between two \
                 channels"
            )
        } else {
            "`print()` output has no level, timestamp or logger name, cannot be filtered or \
             routed, and is lost or delayed when stdout is not captured or block-buffered"
                .to_string()
        };
        t.estimate_basis = format!(
            "design change: {} h to set logging up once (format, level, configured at start-up), \
             then {} h per module and {} h per further call to choose each message's level \
             ({calls} calls in {} modules){}",
            h(model.base),
            h(model.per_file),
            h(model.per_hit),
            n_mods,
            capped(model, calls, n_mods)
        );
        t.verify = super::guidance::verify(&t);
        t.verify.insert(
            0,
            format!(
                "a search for `print(` in the {} modules finds only command output (`main()`, `if __name__ == \"__main__\":`)",
                n_mods
            ),
        );
        t.verify.insert(
            1,
            "the service's log lines carry a level and a timestamp (run it once and read them)"
                .to_string(),
        );
        tasks.push(t);
    }
}

/// Hours as the plan prints them (`0.25`, `1.5`, `3`).
fn h(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "; capped at N h …" when the estimate hit its cap.
fn capped(model: super::effort::EffortModel, places: usize, files: usize) -> String {
    if super::effort::raw_hours(model, places, files) > model.cap {
        format!(
            "; capped at {} h because by then the change is routine",
            h(model.cap)
        )
    } else {
        String::new()
    }
}

/// The file a service's health route goes in: where its application listens, else
/// the module it starts.
fn route_place(s: &ServiceHealth) -> Option<&str> {
    s.listens
        .as_ref()
        .map(|l| l.0.as_str())
        .or(s.entry.as_deref())
}

/// "Add a health route to the services without one": one task over every compose
/// file where some services register a health route and others that listen do not.
fn add_health_task(tasks: &mut Vec<Task>, p: &Patterns, ov: &Overrides) {
    if p.health_gaps.is_empty()
        || tasks
            .iter()
            .any(|t| t.rules.iter().any(|r| r == HEALTH_ROUTE))
    {
        return;
    }
    let without: Vec<&ServiceHealth> = p.health_gaps.iter().flat_map(|g| &g.0).collect();
    let with: Vec<&ServiceHealth> = p.health_gaps.iter().flat_map(|g| &g.1).collect();
    let (mut t, model) = design_task(HEALTH_ROUTE, None, ov);
    t.files = without
        .iter()
        .filter_map(|s| route_place(s))
        .map(str::to_string)
        .collect();
    t.files.sort();
    t.files.dedup();
    let hours = super::effort::estimate(model, without.len(), without.len());
    let names: Vec<String> = without.iter().map(|s| format!("`{}`", s.name)).collect();
    let route = with
        .first()
        .and_then(|s| s.health.as_ref())
        .map_or("/health", |h| h.2.as_str());
    let compose = if p.health_gaps.len() == 1 {
        format!(" of `{}`", without.first().map_or("", |s| s.file.as_str()))
    } else {
        String::new()
    };
    t.title = format!(
        "Add the `{route}` route the sibling services have to {} service{}{compose} ({}): {} of {} have it",
        without.len(),
        if without.len() == 1 { "" } else { "s" },
        names.join(", "),
        with.len(),
        with.len() + without.len()
    );
    t.effort = Effort::from_hours(hours);
    t.hours = hours;
    t.why = "a service without a health route can only be checked by whether its port answers: \
             the orchestrator restarts nothing and the load balancer keeps sending traffic while \
             it is up but broken, and its health check (if any) cannot use the route its \
             siblings use"
        .to_string();
    t.estimate_basis = format!(
        "design change: {} h for the first service (the sibling's route copied, made to check \
         what this service needs, a test), then {} h per further service ({} service{}){}",
        h(model.base),
        h(model.per_file),
        without.len(),
        if without.len() == 1 { "" } else { "s" },
        capped(model, without.len(), without.len())
    );
    t.verify = super::guidance::verify(&t);
    tasks.push(t);
}

/// "One source for these parameters": one task per block of identical constants
/// that several shipped modules each assign.
fn add_parameter_tasks(tasks: &mut Vec<Task>, p: &Patterns, ov: &Overrides) {
    if tasks
        .iter()
        .any(|t| t.rules.iter().any(|r| r == DUPLICATED_PARAMETERS))
    {
        return;
    }
    let many = p.shared_constants.len() > 1;
    for (i, block) in p.shared_constants.iter().enumerate() {
        let (mut t, model) = design_task(DUPLICATED_PARAMETERS, None, ov);
        if many {
            t.id = super::tasks::task_id(DUPLICATED_PARAMETERS, Some(&(i + 1).to_string()));
        }
        t.files = block.modules.iter().map(|m| m.0.clone()).collect();
        t.files.sort();
        let packages: std::collections::BTreeSet<&str> =
            t.files.iter().map(|f| package_of(&p.packages, f)).collect();
        let of = match packages.iter().next() {
            Some(pkg) if packages.len() == 1 && !pkg.is_empty() => format!(" of `{pkg}`"),
            _ => String::new(),
        };
        let names: Vec<String> = block
            .constants
            .iter()
            .map(|c| format!("`{}`", c.split(" = ").next().unwrap_or(c)))
            .collect();
        let shown = if names.len() > 4 {
            format!("{}, …", names[..4].join(", "))
        } else {
            names.join(", ")
        };
        t.title = format!(
            "One source for the {} parameters copied into {} modules{of} ({shown})",
            names.len(),
            t.files.len()
        );
        let hours = super::effort::estimate(model, t.files.len(), t.files.len());
        t.effort = Effort::from_hours(hours);
        t.hours = hours;
        t.why = "the same values set in several modules drift apart the first time one is tuned: \
                 the modules then behave differently and nobody can tell which value is meant"
            .to_string();
        t.estimate_basis = format!(
            "design change: {} h to write the settings module (or config section) and choose \
             where the values live, then {} h per module moved to it ({} modules){}",
            h(model.base),
            h(model.per_file),
            t.files.len(),
            capped(model, t.files.len(), t.files.len())
        );
        t.verify = super::guidance::verify(&t);
        t.verify.insert(
            0,
            format!(
                "a search for {} finds one assignment each, imported by the {} modules",
                names
                    .iter()
                    .take(2)
                    .map(|n| format!("{} =", n.trim_end_matches('`')) + "`")
                    .collect::<Vec<_>>()
                    .join(", "),
                t.files.len()
            ),
        );
        tasks.push(t);
    }
}

/// The places of a drift group: each block once, the unconfirmed ones first.
fn drift_places(group: &[crate::model::params::Drift]) -> Vec<&crate::model::params::ParamBlock> {
    let mut out: Vec<&crate::model::params::ParamBlock> = Vec::new();
    for b in group
        .iter()
        .map(|d| &d.here)
        .chain(group.iter().map(|d| &d.there))
    {
        if !out.iter().any(|o| o.path == b.path && o.line == b.line) {
            out.push(b);
        }
    }
    out
}

/// The names that differ in a drift group, in order of first mention.
fn drift_names(group: &[crate::model::params::Drift]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for d in group {
        for (n, _, _) in &d.differ {
            if !names.iter().any(|x| x.eq_ignore_ascii_case(n)) {
                names.push(n.clone());
            }
        }
    }
    names
}

/// "One source for these parameters, whose values drifted apart": one task per
/// parameter set that two or more places (modules, or a module and the
/// configuration file) set to different values.
fn add_drift_tasks(tasks: &mut Vec<Task>, p: &Patterns, ov: &Overrides) {
    if tasks
        .iter()
        .any(|t| t.rules.iter().any(|r| r == PARAMETER_DRIFT))
    {
        return;
    }
    let many = p.parameter_drifts.len() > 1;
    for (i, group) in p.parameter_drifts.iter().enumerate() {
        let places = drift_places(group);
        let (mut t, model) = design_task(PARAMETER_DRIFT, None, ov);
        if many {
            t.id = super::tasks::task_id(PARAMETER_DRIFT, Some(&(i + 1).to_string()));
        }
        let mut files: Vec<String> = places.iter().map(|b| b.path.clone()).collect();
        files.sort();
        files.dedup();
        t.files = files;
        let names = drift_names(group);
        let shown: Vec<String> = names.iter().take(4).map(|n| format!("`{n}`")).collect();
        let shown = if names.len() > 4 {
            format!("{}, …", shown.join(", "))
        } else {
            shown.join(", ")
        };
        let config = places.iter().find(|b| b.config);
        let mut outliers: Vec<&str> = group
            .iter()
            .map(|d| d.here.path.as_str())
            .filter(|o| config.is_none_or(|c| c.path != *o))
            .collect();
        outliers.sort();
        outliers.dedup();
        let quoted: Vec<String> = outliers.iter().map(|o| format!("`{o}`")).collect();
        t.title = match config {
            Some(c) => format!(
                "One source for {shown}: {} hard-code{} values other than {} of `{}`",
                quoted.join(", "),
                if quoted.len() == 1 { "s" } else { "" },
                c.label,
                c.path
            ),
            None => format!(
                "One source for {shown}, set to different values in {} modules ({})",
                t.files.len(),
                t.files
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        // Each place moved to the one source (or the source chosen and the other
        // pointed at it): sized by the places, not by the values.
        let n = places.len();
        let hours = super::effort::estimate(model, n, n);
        t.effort = Effort::from_hours(hours);
        t.hours = hours;
        t.why = "the same parameters set in several places with different values: the code \
                 that runs does not use the values that were tuned (or the ones the \
                 configuration says), and nobody can tell which is meant without asking"
            .to_string();
        t.estimate_basis = format!(
            "design change: {} h to decide which values are meant (ask who tuned them) and \
             where they live (the configuration file, or one settings module), then {} h \
             per place moved to it ({n} places){}",
            h(model.base),
            h(model.per_file),
            capped(model, n, n)
        );
        t.verify = super::guidance::verify(&t);
        let listed = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        t.verify.insert(
            0,
            match config {
                Some(c) => format!(
                    "{} read{} {listed} from {} of `{}`: no literal value is left in {}",
                    quoted.join(", "),
                    if quoted.len() == 1 { "s" } else { "" },
                    c.label,
                    c.path,
                    if quoted.len() == 1 { "it" } else { "them" }
                ),
                None => format!(
                    "{listed} {} set once, and the {} modules read {} from there",
                    if names.len() == 1 { "is" } else { "are" },
                    t.files.len(),
                    if names.len() == 1 { "it" } else { "them" }
                ),
            },
        );
        tasks.push(t);
    }
}

/// The design rule of a CI gap's task, by its control.
fn ci_rule(control: &str) -> Option<&'static str> {
    match control {
        "image-scan" => Some(IMAGE_SCAN),
        "sbom" => Some(SBOM),
        "sast" => Some(CODE_SCANNING),
        _ => None,
    }
}

/// "`a`, `b` and 2 more" for a list of names.
fn listed(names: &[&str], n: usize) -> String {
    let mut v: Vec<String> = names.iter().take(n).map(|x| format!("`{x}`")).collect();
    if names.len() > n {
        v.push(format!("{} more", names.len() - n));
    }
    v.join(", ")
}

/// The CI work a shipping repository lacks, one task per `harden status` control that
/// is missing while CI publishes artefacts or production images are built: scan the
/// images, generate an SBOM, run code scanning. Each goes where the artefacts are
/// published (a new workflow when nothing in CI publishes them), done when the control
/// is.
fn add_ci_tasks(tasks: &mut Vec<Task>, p: &Patterns, ov: &Overrides) {
    for gap in &p.ci_gaps {
        let Some(rule) = ci_rule(&gap.control) else {
            continue;
        };
        if tasks.iter().any(|t| t.rules.iter().any(|r| r == rule)) {
            continue;
        }
        let (mut t, model) = design_task(rule, None, ov);
        if rule == IMAGE_SCAN && gap.report_only() {
            blocking_scan_task(&mut t, gap);
            tasks.push(t);
            continue;
        }
        let workflows = gap.workflows();
        let images = gap.images();
        t.files = if rule == CODE_SCANNING {
            // Code scanning is for the code, not beside a publishing step.
            vec![CODEQL_WORKFLOW.to_string()]
        } else if workflows.is_empty() {
            vec![NEW_WORKFLOW.to_string()]
        } else {
            workflows.clone()
        };
        let wf: Vec<&str> = workflows.iter().map(String::as_str).collect();
        let where_ = if wf.is_empty() {
            format!("a new workflow, `{NEW_WORKFLOW}`")
        } else {
            listed(&wf, 2)
        };
        let places = t.files.len();
        let hours = super::effort::estimate(model, places, places);
        let (title, why, basis, checks): (String, &str, String, Vec<String>) = match rule {
            IMAGE_SCAN => {
                let what = if images.is_empty() {
                    "the images CI publishes".to_string()
                } else {
                    match images.as_slice() {
                        [one] => format!("the image built from `{one}`"),
                        _ => format!(
                            "the {} images built from {}",
                            images.len(),
                            listed(&images, 2)
                        ),
                    }
                };
                (
                    format!("Scan {what} for known vulnerabilities in CI (Trivy or Grype), in {where_}"),
                    "nothing checks the base images' OS packages and runtimes, which a dependency audit of the manifests never sees: an image ships with every CVE its base had the day it was built, and nobody hears of a new one",
                    format!(
                        "{} h for the first workflow (a scan step after the build and before the push, the severity gate chosen, the first results triaged or ignored with a reason), {} h per further workflow ({places} workflow{})",
                        h(model.base),
                        h(model.per_file),
                        if places == 1 { "" } else { "s" }
                    ),
                    vec![
                        "the scan step fails the job on a fixable CRITICAL or HIGH finding (trivy-action `exit-code: 1`, `ignore-unfixed: true`; `grype --fail-on high`) and runs before the image is pushed".to_string(),
                        "its SARIF is uploaded (`github/codeql-action/upload-sarif`, job `permissions: security-events: write`) and shows under Security → Code scanning".to_string(),
                    ],
                )
            }
            SBOM => (
                format!("Generate an SBOM (CycloneDX or SPDX) for each release and publish it with the artefacts, in {where_}"),
                "without a bill of materials nobody can answer “do we ship the vulnerable version?” for a released artefact without rebuilding it; users and auditors ask for one (OpenSSF Scorecard, SLSA, the US and EU software-supply-chain rules)",
                format!(
                    "{} h for the first workflow (`docker/build-push-action` with `sbom: true`, `anchore/sbom-action`, or `harden sbom`, attached to the release), {} h per further workflow ({places} workflow{})",
                    h(model.base),
                    h(model.per_file),
                    if places == 1 { "" } else { "s" }
                ),
                vec![
                    "the release (or the image's attestations: `docker buildx imagetools inspect IMAGE --format '{{json .SBOM}}'`) carries a CycloneDX or SPDX document listing the shipped packages".to_string(),
                ],
            ),
            _ => (
                format!(
                    "Run code scanning (CodeQL) on every push and pull request, in a new workflow, `{CODEQL_WORKFLOW}`"
                ),
                "no static analysis runs on the code that is shipped: injection, unsafe deserialisation and path traversal reach a release unless a reviewer spots them",
                format!(
                    "{} h: GitHub's CodeQL default setup or a `github/codeql-action` workflow for the repository's languages, and the first results triaged (Semgrep or Bandit do as well)",
                    h(model.base)
                ),
                vec![
                    "the CodeQL run is green on a pull request and its alerts show under Security → Code scanning".to_string(),
                ],
            ),
        };
        t.title = title;
        t.why = why.to_string();
        t.estimate_basis = basis;
        t.effort = Effort::from_hours(hours);
        t.hours = hours;
        let mut verify = vec![format!("`harden status` shows `{}` as done", gap.control)];
        verify.extend(checks);
        verify.extend(super::guidance::verify(&t));
        t.verify = verify;
        tasks.push(t);
    }
}

/// "Make the image scan blocking": the scan steps exist (Trivy with `exit-code:
/// 0`, a step with `continue-on-error`) but a fixable critical finding never stops
/// the image; each step's gate set and its current findings triaged.
fn blocking_scan_task(t: &mut Task, gap: &CiGap) {
    let mut files: Vec<String> = gap.evidence.iter().map(|e| e.0.clone()).collect();
    files.sort();
    files.dedup();
    let steps = gap.evidence.len();
    let hours = (1.0 + 0.5 * (steps.saturating_sub(1)) as f64).min(3.0);
    let where_: Vec<String> = gap
        .evidence
        .iter()
        .map(|e| format!("`{}:{}`", e.0, e.1))
        .collect();
    t.files = files;
    t.title = format!(
        "Make the image scan blocking: the scan step{} at {} report{} but never fail{} the job",
        if steps == 1 { "" } else { "s" },
        listed_owned(&where_, 3),
        if steps == 1 { "s" } else { "" },
        if steps == 1 { "s" } else { "" },
    );
    t.why = "a scan whose failures are ignored finds a fixable critical vulnerability and \
             lets the image ship anyway: its report is read, if ever, after the push"
        .to_string();
    t.estimate_basis = format!(
        "1 h for the first step (the gate set: fail on fixable CRITICAL and HIGH, the \
         current findings fixed or ignored with a reason in `.trivyignore`), 0.5 h per \
         further step ({steps} step{}), at most 3 h",
        if steps == 1 { "" } else { "s" }
    );
    t.effort = Effort::from_hours(hours);
    t.hours = hours;
    let mut verify = vec![
        format!("`harden status` shows `{}` as done", gap.control),
        "the scan step fails the job on a fixable CRITICAL or HIGH finding (trivy-action \
         `exit-code: 1`, `ignore-unfixed: true`, `severity: CRITICAL,HIGH`; no \
         `continue-on-error`) and runs before the image is pushed"
            .to_string(),
    ];
    verify.extend(super::guidance::verify(t));
    t.verify = verify;
}

/// "`a`, `b` and 2 more" for owned strings.
fn listed_owned(items: &[String], max: usize) -> String {
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    if refs.len() <= max {
        match refs.as_slice() {
            [] => String::new(),
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    } else {
        format!("{} and {} more", refs[..max].join(", "), refs.len() - max)
    }
}

/// The places behind a design task, for renderers (`path:line` and what is there).
pub fn evidence(p: &Patterns, t: &Task) -> Vec<String> {
    let mine = |path: &str| t.files.binary_search_by(|f| f.as_str().cmp(path)).is_ok();
    if t.rules.iter().any(|r| r == CONNECTION_POOL) {
        return p
            .connecting_modules
            .iter()
            .filter(|m| mine(&m.0))
            .map(|(path, line, call, n)| {
                if *n > 1 {
                    format!("`{path}:{line}` calls `{call}` ({n} calls in the module)")
                } else {
                    format!("`{path}:{line}` calls `{call}`")
                }
            })
            .collect();
    }
    if t.rules.iter().any(|r| r == ADOPT_LOGGING) {
        return p
            .printing_modules
            .iter()
            .filter(|m| mine(&m.path))
            .map(|m| {
                let line = m.lines.first().copied().unwrap_or(1);
                let n = m.lines.len();
                let calls = if n == 1 {
                    "`print()`".to_string()
                } else {
                    format!("{n} `print()` calls")
                };
                if m.logger {
                    format!(
                        "`{}:{line}` {calls}; the module already has a logger",
                        m.path
                    )
                } else {
                    format!("`{}:{line}` {calls}", m.path)
                }
            })
            .collect();
    }
    if t.rules.iter().any(|r| r == DUPLICATED_PARAMETERS) {
        let Some(block) = p
            .shared_constants
            .iter()
            .find(|b| b.modules.len() == t.files.len() && b.modules.iter().all(|m| mine(&m.0)))
        else {
            return Vec::new();
        };
        let mut out: Vec<String> = block
            .modules
            .iter()
            .map(|(path, line)| {
                format!(
                    "`{path}:{line}` assigns the same {} parameters",
                    block.constants.len()
                )
            })
            .collect();
        let values: Vec<String> = block.constants.iter().map(|c| format!("`{c}`")).collect();
        out.push(format!("the block: {}", values.join(", ")));
        return out;
    }
    if t.rules.iter().any(|r| r == PARAMETER_DRIFT) {
        let Some(group) = p.parameter_drifts.iter().find(|g| {
            let places = drift_places(g);
            places.iter().all(|b| mine(&b.path))
                && t.files.iter().all(|f| places.iter().any(|b| &b.path == f))
        }) else {
            return Vec::new();
        };
        let names = drift_names(group);
        return drift_places(group)
            .into_iter()
            .map(|b| {
                // A module's `.get(key, default)` fallbacks: only the defaults that
                // disagree are its part of the drift.
                let own_differ: Vec<String> = group
                    .iter()
                    .filter(|d| d.here.path == b.path && d.here.line == b.line)
                    .flat_map(|d| d.differ.iter().map(|(n, _, _)| n.to_ascii_lowercase()))
                    .collect();
                let values: Vec<String> = names
                    .iter()
                    .filter(|n| !b.fallback || own_differ.contains(&n.to_ascii_lowercase()))
                    .filter_map(|n| {
                        b.params
                            .iter()
                            .find(|x| x.name.eq_ignore_ascii_case(n))
                            .map(|x| format!("`{}` = {} (line {})", x.name, x.text, x.line))
                    })
                    .collect();
                let same: Vec<String> = group
                    .iter()
                    .find(|d| d.here.path == b.path && d.here.line == b.line)
                    .map(|d| d.same.iter().map(|s| format!("`{s}`")).collect())
                    .unwrap_or_default();
                let agree = match same.len() {
                    0 => String::new(),
                    1..=4 => format!("; agrees on {}", same.join(", ")),
                    n => format!("; agrees on {} and {} more", same[..3].join(", "), n - 3),
                };
                format!(
                    "`{}:{}` {} {} {}{agree}",
                    b.path,
                    b.line,
                    b.label,
                    if b.fallback { "falls back to" } else { "sets" },
                    values.join(", ")
                )
            })
            .collect();
    }
    if let Some(gap) = p
        .ci_gaps
        .iter()
        .find(|g| ci_rule(&g.control).is_some_and(|r| t.rules.iter().any(|x| x == r)))
    {
        return gap
            .evidence
            .iter()
            .map(|(path, line, note)| format!("`{path}:{line}` {note}"))
            .collect();
    }
    if t.rules.iter().any(|r| r == HEALTH_ROUTE) {
        let mut out = Vec::new();
        for (without, with) in &p.health_gaps {
            for s in without {
                let at = s
                    .listens
                    .as_ref()
                    .map(|(f, l)| format!("; it listens at `{f}:{l}`"))
                    .unwrap_or_default();
                out.push(format!(
                    "`{}:{}` service `{}` registers no health route{at}",
                    s.file, s.line, s.name
                ));
            }
            if let Some((f, l, route)) = with.iter().find_map(|s| s.health.as_ref()) {
                let names: Vec<&str> = with.iter().map(|s| s.name.as_str()).collect();
                out.push(format!(
                    "model to copy: `{f}:{l}` registers `{route}` (services with one: {})",
                    names.join(", ")
                ));
            }
        }
        return out;
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(n: usize) -> Patterns {
        Patterns {
            connecting_modules: (0..n)
                .map(|i| {
                    (
                        format!("collectors/c{i}.py"),
                        3,
                        "psycopg2.connect".to_string(),
                        1,
                    )
                })
                .collect(),
            ..Patterns::default()
        }
    }

    #[test]
    fn many_modules_connecting_on_their_own_make_a_design_task() {
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &patterns(4), &[], &Overrides::default());
        assert!(
            tasks.is_empty(),
            "four modules are not a pattern worth a design task"
        );
        add_tasks(&mut tasks, &patterns(24), &[], &Overrides::default());
        assert_eq!(tasks.len(), 1);
        let t = &tasks[0];
        assert_eq!(t.id, "T-design-connection-pool");
        assert!(t.title.contains("24 modules"), "{}", t.title);
        assert_eq!(t.files.len(), 24);
        assert!(t.estimate_basis.starts_with("design change"));
        // A design change: a module to write, then each caller moved; more than a day.
        assert!(t.hours >= 6.0, "{}", t.hours);
        assert!(
            !t.verify.iter().any(|v| v.contains("--rule")),
            "{:?}",
            t.verify
        );
        assert_eq!(evidence(&patterns(24), t).len(), 24);
    }

    #[test]
    fn a_monorepo_gets_one_connection_task_per_package_that_has_several() {
        let mut p = patterns(0);
        p.packages = vec!["packages/engine".into(), "packages/model".into()];
        for (path, call) in [
            ("packages/engine/src/api.py", "create_engine"),
            ("packages/engine/src/loader.py", "create_engine"),
            ("packages/model/collectors/a.py", "psycopg2.connect"),
            ("packages/model/collectors/b.py", "psycopg2.connect"),
            ("packages/model/collectors/c.py", "psycopg2.connect"),
            ("packages/web/api/db.py", "psycopg2.connect"),
        ] {
            p.connecting_modules
                .push((path.to_string(), 4, call.to_string(), 1));
        }
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &p, &[], &Overrides::default());
        let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        // The lone module outside both packages has nothing to consolidate with.
        assert_eq!(
            ids,
            [
                "T-design-connection-pool-packages-engine",
                "T-design-connection-pool-packages-model"
            ]
        );
        let model = &tasks[1];
        assert!(
            model.title.contains("3 modules of `packages/model`"),
            "{}",
            model.title
        );
        assert_eq!(evidence(&p, model).len(), 3);
        assert!(tasks[0].title.contains("`create_engine`") && !tasks[0].title.contains("psycopg2"));
    }

    /// redash's query runners: each adapter connects to its own kind of data source
    /// with its own driver, one connection per source by design; a pool across
    /// drivers is nothing a lead would hand out. Next to them, the application's own
    /// modules that each open a psycopg2 connection still make one task.
    #[test]
    fn a_connection_task_groups_one_driver_and_leaves_adapter_layers_alone() {
        let mut p = patterns(0);
        for (path, call) in [
            ("redash/query_runner/databricks.py", "pyodbc.connect"),
            ("redash/query_runner/mssql_odbc.py", "pyodbc.connect"),
            ("redash/query_runner/mongodb.py", "pymongo.MongoClient"),
            ("redash/query_runner/mysql.py", "MySQLdb.connect"),
            ("redash/query_runner/oracle.py", "oracledb.connect"),
            ("redash/query_runner/pg.py", "psycopg2.connect"),
        ] {
            p.connecting_modules
                .push((path.to_string(), 9, call.to_string(), 1));
        }
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &p, &[], &Overrides::default());
        assert!(
            tasks.is_empty(),
            "{:?}",
            tasks.iter().map(|t| &t.title).collect::<Vec<_>>()
        );
        for (path, call) in [
            ("redash/tasks/refresh.py", "psycopg2.connect"),
            ("redash/tasks/cleanup.py", "psycopg2.connect"),
            ("redash/cli/database.py", "psycopg2.connect"),
            ("redash/cache/store.py", "redis.Redis"),
        ] {
            p.connecting_modules
                .push((path.to_string(), 3, call.to_string(), 1));
        }
        add_tasks(&mut tasks, &p, &[], &Overrides::default());
        let titles: Vec<&str> = tasks.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(tasks.len(), 1, "{titles:?}");
        assert!(
            titles[0].contains("3 modules") && titles[0].contains("`psycopg2.connect`"),
            "{titles:?}"
        );
        assert!(!titles[0].contains("redis") && !titles[0].contains("pyodbc"));
    }

    #[test]
    fn printing_modules_make_a_logging_task_that_takes_the_print_rules_findings() {
        let mut p = patterns(0);
        for (path, n, logger) in [
            ("src/trainer.py", 12, false),
            ("src/validator.py", 4, true),
            ("src/predictor.py", 2, false),
        ] {
            p.printing_modules.push(PrintingModule {
                path: path.into(),
                lines: (1..=n).collect(),
                logger,
            });
        }
        let mut print = crate::plan::tasks::tests::item(PRINT_RULE, "src/trainer.py", 1);
        print.severity = Severity::Low;
        // A print the pattern left out, in the same application (ctfd's
        // `CTFd/config.py` beside 25 modules), joins the one logging task.
        let other = crate::plan::tasks::tests::item(PRINT_RULE, "app/views.py", 7);
        let (left, claimed) = claim(&[print.clone(), other.clone()], &p);
        assert!(left.is_empty());
        assert_eq!(claimed, [print.clone(), other]);
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &p, &claimed, &Overrides::default());
        assert_eq!(tasks.len(), 1);
        let t = &tasks[0];
        assert_eq!(t.id, "T-design-adopt-logging");
        assert_eq!(t.rules, [ADOPT_LOGGING, PRINT_RULE]);
        assert_eq!(t.findings.len(), 2);
        assert!(t.files.iter().any(|f| f == "app/views.py"), "{:?}", t.files);
        assert!(
            t.title.contains("4 modules") && t.title.contains("19 `print()` calls"),
            "{}",
            t.title
        );
        // Without the outsider: the pattern's three modules.
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &p, &[print], &Overrides::default());
        let t = &tasks[0];
        assert!(
            t.title.contains("3 modules") && t.title.contains("18 `print()` calls"),
            "{}",
            t.title
        );
        assert!(
            t.why.contains("1 of these modules already log"),
            "{}",
            t.why
        );
        // Setup, then a quarter hour a module and a minute or so a call: 1.5 + 0.5 + 0.3.
        assert_eq!(t.hours, 2.5);
        assert!(evidence(&p, t)[1].contains("already has a logger"));
        // Two modules are the print rule's business, not a design change.
        p.printing_modules.truncate(2);
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &p, &[], &Overrides::default());
        assert!(tasks.is_empty());
    }

    #[test]
    fn services_without_the_health_route_their_siblings_have_make_one_task() {
        let svc = |name: &str, health: bool| ServiceHealth {
            file: "collectors/docker-compose.yml".into(),
            name: name.into(),
            line: 3,
            entry: Some(format!("collectors/{name}.py")),
            health: health.then(|| (format!("collectors/{name}.py"), 16, "/health".to_string())),
            listens: Some((format!("collectors/{name}.py"), 8)),
        };
        let mut p = patterns(0);
        p.health_gaps = vec![(
            vec![svc("news", false)],
            vec![svc("prices", true), svc("volumes", true)],
        )];
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &p, &[], &Overrides::default());
        assert_eq!(tasks.len(), 1);
        let t = &tasks[0];
        assert_eq!(t.id, "T-design-health-route");
        assert!(t.title.contains("(`news`): 2 of 3 have it"), "{}", t.title);
        assert_eq!(t.files, ["collectors/news.py"]);
        let ev = evidence(&p, t);
        assert!(
            ev[1].starts_with("model to copy: `collectors/prices.py:16`"),
            "{ev:?}"
        );
    }

    /// projectmeats and mealie: Trivy runs on the image with `exit-code: '0'`, so
    /// `image-scan` is partial and the lead's task is the gate, not a new scan.
    #[test]
    fn a_report_only_image_scan_makes_a_task_to_make_it_blocking() {
        let mut p = patterns(0);
        p.ci_gaps = vec![CiGap {
            control: "image-scan".into(),
            evidence: vec![(
                ".github/workflows/deploy.yml".into(),
                88,
                format!(
                    "aquasecurity/trivy-action{}",
                    crate::status::ci::NON_BLOCKING
                ),
            )],
        }];
        let mut tasks = Vec::new();
        add_tasks(&mut tasks, &p, &[], &Overrides::default());
        assert_eq!(tasks.len(), 1);
        let t = &tasks[0];
        assert_eq!(t.id, "T-design-image-scan");
        assert_eq!(
            t.title,
            "Make the image scan blocking: the scan step at `.github/workflows/deploy.yml:88` reports but never fails the job"
        );
        assert_eq!(t.files, [".github/workflows/deploy.yml"]);
        assert_eq!(t.hours, 1.0);
        assert!(t.verify[1].contains("`exit-code: 1`"), "{:?}", t.verify);
    }
}
