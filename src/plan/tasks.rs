//! Grouping findings into tasks: one task per problem, split only where a person would.
//!
//! A rule's findings form one task ("Shell scripts missing strict mode (6 files)"),
//! with two exceptions. Findings that block a release (high and critical in shipped
//! code, see [`phases::blocks_release`]) and the rest of the same rule are two tasks: the first is
//! phase 0, the second waits for its phase (`T-python-bare-except` and
//! `T-python-bare-except-followup`). And a problem too big for one person in
//! [`MAX_TASK_HOURS`] (by the uncapped estimate) is cut along top-level directories,
//! packed into as few tasks as fit that size, never one per directory for its own sake.
//! Ids derive from rule, part and scope, never from ordering.
//!
//! Known vulnerabilities (`deps/known-vulnerability`) are grouped per package
//! instead: one upgrade is one task ("Upgrade lodash to ≥4.17.21 (3 advisories)",
//! `T-deps-known-vulnerability-lodash`), whatever the number of advisories and
//! lockfiles; the package is read back from the finding's message
//! ([`crate::osv::parse_message`]), so a baseline file groups the same way.

use std::collections::{BTreeMap, BTreeSet};

use super::effort;
use super::model::{Item, Task};
use super::phases;
use super::settings::Overrides;
use crate::finding::Severity;
use crate::roles::TOOL_CONFIG_DIRS;

/// A rule's findings are split by top-level directory above this many files.
pub const SPLIT_MIN_FILES: usize = 8;

/// A task is at most about two working days of one person's time; a problem whose
/// uncapped estimate is larger is split by directory into tasks of up to this size.
pub const MAX_TASK_HOURS: f64 = 12.0;

/// Id suffix of the below-high part of a rule whose high findings are phase 0.
pub const FOLLOWUP: &str = "followup";

/// Rules whose findings are one change however many there are: a pinning tool
/// (`pinact`, `ratchet`, Dependabot's SHA mode) rewrites every `uses:` of every
/// workflow in one pass. They make one task with one estimate, in the phase of the
/// most urgent finding, never split by severity or directory.
pub const ONE_CHANGE: &[&str] = &["actions/unpinned-uses"];

/// Rules whose findings' related paths are what the fix covers, not what it edits:
/// a Dependabot entry missing for `/docker` is one edit of `.github/dependabot.yml`,
/// not a change to the Dockerfiles it will watch (no `docker build` to check, no
/// file shared with the containers work). Dependencies still see the covered files
/// (`deps.rs`: pin an image's tag before the entry that watches it).
pub const COVERS_RELATED: &[&str] = &["repo/dependabot-coverage"];

/// Rules whose repository-level finding is fixed by writing one file, and the file.
pub const WRITES: &[(&str, &str)] = &[
    ("repo/no-dependency-updates", ".github/dependabot.yml"),
    ("repo/missing-security-policy", "SECURITY.md"),
];

/// The path a repository-level finding carries (`.`).
const REPOSITORY_PATH: &str = crate::finding::REPOSITORY_PATH;

/// Scope name of files at the repository root.
pub const ROOT_SCOPE: &str = "(root)";

/// The rule whose findings are grouped per package.
pub const VULN_RULE: &str = "deps/known-vulnerability";

/// Top-level directory of a path (`scripts` for `scripts/a.sh`; [`ROOT_SCOPE`] for `a.sh`).
pub fn scope_of(path: &str) -> &str {
    match path.split_once('/') {
        Some((dir, _)) => dir,
        None => ROOT_SCOPE,
    }
}

/// Lower-case ASCII slug for ids (`.github` → `github`, `(root)` → `root`).
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

/// Task id for a rule and an optional scope.
pub fn task_id(rule: &str, scope: Option<&str>) -> String {
    let mut id = format!("T-{}", slug(rule));
    if let Some(s) = scope {
        id.push('-');
        id.push_str(&slug(s));
    }
    id
}

/// Places the items stand for: a grouped finding counts each of its members.
fn places_of<'a>(items: impl Iterator<Item = &'a Item>) -> usize {
    items.map(|i| i.places.max(1)).sum()
}

/// Files an item edits: its own path and its related paths.
fn item_files(i: &Item) -> impl Iterator<Item = &str> {
    std::iter::once(i.path.as_str())
        .chain(i.related.iter().map(String::as_str))
        .filter(|p| !p.is_empty())
}

/// Groups findings into tasks, sorted by phase then id. Dependencies and tracks are filled later.
pub fn group(items: &[Item]) -> Vec<Task> {
    group_with(items, &Overrides::default())
}

/// [`group`] with the `[plan]` overrides of `harden.toml`.
pub fn group_with(items: &[Item], ov: &Overrides) -> Vec<Task> {
    // Findings of one rule, apart by repeated-edit kind (a one-line setting and a
    // design question of the same rule are different work).
    let mut by_rule: BTreeMap<(&str, &str), Vec<&Item>> = BTreeMap::new();
    let mut archived: Vec<&Item> = Vec::new();
    let mut tooling: Vec<&Item> = Vec::new();
    for i in items {
        if is_archived(&i.path) {
            archived.push(i);
        } else if is_tooling_finding(&i.path, &i.rule) {
            tooling.push(i);
        } else {
            // A kind without a suffix stays with the rule's other findings (one id).
            let kind = effort::repeated_edit(&i.rule, &i.message)
                .map(|k| k.slug)
                .filter(|s| !s.is_empty())
                .unwrap_or("");
            by_rule.entry((i.rule.as_str(), kind)).or_default().push(i);
        }
    }
    let mut tasks = Vec::new();
    if !archived.is_empty() {
        tasks.push(archived_task(&archived));
    }
    if !tooling.is_empty() {
        tasks.push(tooling_task(&tooling));
    }
    for ((rule, _), list) in by_rule {
        if rule == VULN_RULE {
            tasks.extend(vuln_tasks(&list, ov));
            continue;
        }
        if ONE_CHANGE.contains(&rule) {
            tasks.push(make_task(rule, None, None, &list, ov));
            continue;
        }
        let (urgent, rest): (Vec<&Item>, Vec<&Item>) = list
            .into_iter()
            .partition(|i| phases::blocks_release(i.severity, &i.path));
        let followup = (!urgent.is_empty() && !rest.is_empty()).then_some(FOLLOWUP);
        let urgent_files: BTreeSet<&str> = urgent.iter().flat_map(|i| item_files(i)).collect();
        for (part, label) in [(urgent.clone(), None), (rest, followup)] {
            if part.is_empty() {
                continue;
            }
            let mut part_tasks = sized_tasks(rule, label, &part, ov);
            // The follow-up names its own files; only when it edits a file of the
            // urgent task does its title need to say it is what is left there.
            if label.is_some()
                && part
                    .iter()
                    .flat_map(|i| item_files(i))
                    .any(|f| urgent_files.contains(f))
            {
                for t in &mut part_tasks {
                    t.title
                        .push_str(" (the places left after the release blockers)");
                }
            }
            tasks.extend(part_tasks);
        }
    }
    tasks.sort_by(|a, b| (a.phase, &a.id).cmp(&(b.phase, &b.id)));
    for t in tasks.iter_mut().filter(|t| {
        t.rules
            .iter()
            .all(|r| r != ARCHIVED_CODE && r != TOOL_CONFIG)
    }) {
        t.verify = super::guidance::verify(t);
    }
    tasks
}

/// The rule id of the one task that takes every finding in archived code.
pub const ARCHIVED_CODE: &str = "design/archived-code";

/// Whether a finding's file is archived code (`archived/`, `old/`, `deprecated/`…,
/// [`crate::roles::FileRole::Archived`]): kept for reference, not built or run.
pub fn is_archived(path: &str) -> bool {
    !path.is_empty() && crate::roles::role_of(path) == crate::roles::FileRole::Archived
}

/// The archived directory a path sits in: the shortest leading directory that is
/// itself archived (`archived/docker` → `archived`).
fn archived_root(path: &str) -> String {
    leading_dir(path, |prefix, _| {
        crate::roles::role_of(&format!("{prefix}/f")) == crate::roles::FileRole::Archived
    })
}

/// The shortest leading directory of `path` that `is_root` accepts (given the
/// directory and its last name), or the path itself when none is.
fn leading_dir(path: &str, is_root: impl Fn(&str, &str) -> bool) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let mut prefix = String::new();
    for part in &parts[..parts.len().saturating_sub(1)] {
        if !prefix.is_empty() {
            prefix.push('/');
        }
        prefix.push_str(part);
        if is_root(&prefix, part) {
            return prefix;
        }
    }
    path.to_string()
}

/// The findings of a task that takes whole directories (archived code, tooling):
/// sorted, with their directories, those named for a title, the places they stand
/// for and the worst severity.
struct DirectoryFindings {
    findings: Vec<Item>,
    dirs: Vec<String>,
    names: String,
    places: usize,
    severity: Severity,
}

fn directory_findings(items: &[&Item], root: impl Fn(&str) -> String) -> DirectoryFindings {
    let mut findings: Vec<Item> = items.iter().map(|i| (*i).clone()).collect();
    findings.sort();
    let dirs: Vec<String> = findings
        .iter()
        .map(|i| root(&i.path))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let names = dirs
        .iter()
        .map(|d| format!("`{d}/`"))
        .collect::<Vec<_>>()
        .join(", ");
    let places = places_of(findings.iter());
    let severity = findings
        .iter()
        .map(|i| i.severity)
        .max()
        .unwrap_or(Severity::Info);
    DirectoryFindings {
        findings,
        dirs,
        names,
        places,
        severity,
    }
}

/// Archived files are not work for the team: their findings (a root image, a
/// missing health check in `archived/docker/Dockerfile.backend`) are not fixed one by
/// one but go away with the directory. One task says so: delete it, or move it to an
/// archive branch, after checking nothing builds or runs it.
fn archived_task(items: &[&Item]) -> Task {
    let DirectoryFindings {
        findings,
        dirs,
        names,
        places,
        severity,
    } = directory_findings(items, archived_root);
    let hours = 1.0 + 0.5 * (dirs.len() - 1) as f64;
    Task {
        id: task_id(ARCHIVED_CODE, None),
        title: format!(
            "Delete the archived code in {names} (or move it to an archive branch): its {places} finding{} go with it",
            if places == 1 { "" } else { "s" }
        ),
        phase: crate::plan::model::Phase::CodeQuality,
        rules: vec![ARCHIVED_CODE.to_string()],
        scope: None,
        severity,
        findings,
        files: dirs.iter().map(|d| format!("{d}/")).collect(),
        effort: crate::plan::model::Effort::from_hours(hours),
        hours,
        why: "archived files are kept for reference and not built, deployed or run: fixing them one by one is work for nobody, and a copy left in the tree gets copied back".to_string(),
        estimate_basis: format!(
            "one deletion per directory: 1 h to check nothing builds, deploys or reads it and delete it, 0.5 h per further directory ({})",
            dirs.len()
        ),
        verify: vec![
            format!("no workflow, compose file, Dockerfile or script names {names} (`git grep`)"),
            format!("{names} is gone from the default branch (or holds only notes), and `harden scan` reports nothing under it"),
        ],
        blocked_by: Vec::new(),
        blocks: Vec::new(),
        track: String::new(),
    }
}

/// The rule id of the one task that takes the findings in agent and editor tooling.
pub const TOOL_CONFIG: &str = "design/tool-config";

/// Whether a finding's file sits in agent or editor tooling ([`TOOL_CONFIG_DIRS`],
/// at any depth).
pub fn is_tool_config(path: &str) -> bool {
    let mut parts: Vec<&str> = path.split('/').collect();
    parts.pop();
    parts
        .iter()
        .any(|d| TOOL_CONFIG_DIRS.iter().any(|t| d.eq_ignore_ascii_case(t)))
}

/// Whether a finding goes to the tooling task: in agent or editor tooling, and not a
/// leaked secret (which keeps its rotation task wherever it is).
pub fn is_tooling_finding(path: &str, rule: &str) -> bool {
    is_tool_config(path) && !phases::is_leaked_secret(rule)
}

/// The tooling directory a path sits in (`.claude/helpers/a.sh` → `.claude`).
fn tool_config_root(path: &str) -> String {
    leading_dir(path, |_, name| {
        TOOL_CONFIG_DIRS
            .iter()
            .any(|t| name.eq_ignore_ascii_case(t))
    })
}

/// Agent and editor tooling is not production work: its findings (strict mode in
/// `.claude/helpers/*.sh`) would sit in the same task as the shipped scripts and
/// be scheduled like them. One deferrable task keeps them visible: decide which
/// helpers are still used, delete the rest, fix the others when next edited. A
/// leaked secret there is not taken: it stays in its rotation task.
fn tooling_task(items: &[&Item]) -> Task {
    let DirectoryFindings {
        findings,
        dirs,
        names,
        places,
        severity,
    } = directory_findings(items, tool_config_root);
    let files: BTreeSet<&str> = findings.iter().map(|i| i.path.as_str()).collect();
    let rules: BTreeSet<&str> = findings.iter().map(|i| i.rule.as_str()).collect();
    let hours = 0.5 * dirs.len() as f64;
    let checks: Vec<String> = rules
        .iter()
        .map(|r| format!("`harden scan --repository --rule {r}` reports nothing under {names}, or the team decided to leave it"))
        .collect();
    Task {
        id: task_id(TOOL_CONFIG, None),
        title: format!(
            "Triage the agent and editor tooling in {names} (not shipped): {places} finding{} in {} file{}",
            if places == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ),
        phase: crate::plan::model::Phase::CodeQuality,
        rules: vec![TOOL_CONFIG.to_string()],
        scope: None,
        severity,
        findings,
        files: dirs.iter().map(|d| format!("{d}/")).collect(),
        effort: crate::plan::model::Effort::from_hours(hours),
        hours,
        why: "coding-agent and editor configuration runs on developers' machines, not in production: its findings are not release work, but helpers nobody uses are better deleted than left to be copied".to_string(),
        estimate_basis: format!(
            "triage only: 0.5 h per tooling directory ({}) to delete unused helpers and note the rest; fixing what remains is left to whoever next edits the tooling",
            dirs.len()
        ),
        verify: checks,
        blocked_by: Vec::new(),
        blocks: Vec::new(),
        track: String::new(),
    }
}

/// One task for a rule's findings, or several when the work exceeds
/// [`MAX_TASK_HOURS`]: top-level directories packed in name order.
fn sized_tasks(rule: &str, label: Option<&str>, list: &[&Item], ov: &Overrides) -> Vec<Task> {
    let model = items_model(rule, list, ov);
    let raw = |items: &[&Item]| {
        let files: BTreeSet<&str> = items.iter().flat_map(|i| item_files(i)).collect();
        effort::raw_hours(model, places_of(items.iter().copied()), files.len())
    };
    let files: BTreeSet<&str> = list.iter().flat_map(|i| item_files(i)).collect();
    let mut by_scope: BTreeMap<&str, Vec<&Item>> = BTreeMap::new();
    for i in list {
        by_scope.entry(scope_of(&i.path)).or_default().push(i);
    }
    if files.len() <= SPLIT_MIN_FILES || by_scope.len() < 2 || raw(list) <= MAX_TASK_HOURS {
        return vec![make_task(rule, label, None, list, ov)];
    }
    let mut bins: Vec<(Vec<&str>, Vec<&Item>)> = Vec::new();
    for (scope, part) in by_scope {
        match bins.last_mut() {
            Some((scopes, items))
                if raw(&[items.as_slice(), part.as_slice()].concat()) <= MAX_TASK_HOURS =>
            {
                scopes.push(scope);
                items.extend(part);
            }
            _ => bins.push((vec![scope], part)),
        }
    }
    bins.into_iter()
        .map(|(scopes, items)| {
            let mut t = make_task(rule, label, Some(scopes[0]), &items, ov);
            if scopes.len() > 1 {
                let names: Vec<String> = scopes.iter().map(|s| scope_label(s)).collect();
                t.title = t.title.replacen(
                    &format!(" {}", where_of(scopes[0])),
                    &format!(" in {}", names.join(", ")),
                    1,
                );
            }
            t
        })
        .collect()
}

fn scope_label(scope: &str) -> String {
    if scope == ROOT_SCOPE {
        "the root".to_string()
    } else {
        format!("`{scope}/`")
    }
}

fn where_of(scope: &str) -> String {
    if scope == ROOT_SCOPE {
        "at the root".to_string()
    } else {
        format!("in `{scope}/`")
    }
}

/// The repeated-edit kind every item is, if they are all one.
fn kind_of_items(rule: &str, items: &[&Item]) -> Option<&'static effort::RepeatedEdit> {
    let first = effort::repeated_edit(rule, &items.first()?.message)?;
    items
        .iter()
        .all(|i| effort::repeated_edit(rule, &i.message) == Some(first))
        .then_some(first)
}

/// The effort model for these items: a configured override, else the repeated
/// edit's when they are all one kind, else the rule's.
fn items_model(rule: &str, items: &[&Item], ov: &Overrides) -> effort::EffortModel {
    if let Some(m) = ov.effort.get(rule) {
        return *m;
    }
    match kind_of_items(rule, items) {
        Some(_) => effort::repeated_model(rule),
        None => effort::model_for(rule),
    }
}

/// One task per vulnerable package; findings whose message does not name one
/// (an unreadable OSV source) keep a task of their own.
fn vuln_tasks(list: &[&Item], ov: &Overrides) -> Vec<Task> {
    let mut by_pkg: BTreeMap<String, Vec<&Item>> = BTreeMap::new();
    let mut other: Vec<&Item> = Vec::new();
    for i in list {
        match crate::osv::parse_message(&i.message) {
            Some(p) => by_pkg.entry(p.package).or_default().push(i),
            None => other.push(i),
        }
    }
    let mut tasks = Vec::new();
    let mut ids: BTreeSet<String> = BTreeSet::new();
    if !other.is_empty() {
        let t = make_task(VULN_RULE, None, None, &other, ov);
        ids.insert(t.id.clone());
        tasks.push(t);
    }
    for (pkg, part) in by_pkg {
        let mut t = make_task(VULN_RULE, None, Some(&pkg), &part, ov);
        // Names that slug alike (`foo.bar`, `foo-bar`) still get distinct ids.
        let mut n = 2;
        while ids.contains(&t.id) {
            t.id = format!("{}-{n}", task_id(VULN_RULE, Some(&pkg)));
            n += 1;
        }
        ids.insert(t.id.clone());
        t.title = upgrade_title(&pkg, &part);
        tasks.push(t);
    }
    tasks
}

/// "Upgrade lodash to ≥4.17.21 (3 advisories)"; the highest fixed version
/// clears every advisory. Advisories without a fix are counted apart.
fn upgrade_title(pkg: &str, items: &[&Item]) -> String {
    let mut advisories: BTreeSet<String> = BTreeSet::new();
    let mut unfixed: BTreeSet<String> = BTreeSet::new();
    let mut target: Option<String> = None;
    for p in items
        .iter()
        .filter_map(|i| crate::osv::parse_message(&i.message))
    {
        advisories.insert(p.advisory.clone());
        match p.fixed {
            Some(f) => {
                if target.as_deref().is_none_or(|t| version_lt(t, &f)) {
                    target = Some(f);
                }
            }
            None => {
                unfixed.insert(p.advisory);
            }
        }
    }
    let n = advisories.len();
    let count = format!("{n} advisor{}", if n == 1 { "y" } else { "ies" });
    match (target, unfixed.len()) {
        (Some(t), 0) => format!("Upgrade {pkg} to ≥{t} ({count})"),
        (Some(t), k) => format!("Upgrade {pkg} to ≥{t} ({count}, {k} without a fix)"),
        (None, _) => format!("Replace or mitigate {pkg} ({count}, no fixed version)"),
    }
}

/// Version order good enough to pick the highest fix: SemVer when both parse,
/// else dotted segments compared numerically (PEP 440 / RubyGems style).
fn version_lt(a: &str, b: &str) -> bool {
    crate::osv::version::semver_cmp(a, b)
        .unwrap_or_else(|| crate::osv::version::gem_cmp(a, b))
        .is_lt()
}

fn make_task(
    rule: &str,
    label: Option<&str>,
    scope: Option<&str>,
    items: &[&Item],
    ov: &Overrides,
) -> Task {
    let mut findings: Vec<Item> = items.iter().map(|i| (*i).clone()).collect();
    findings.sort();
    let files: BTreeSet<&str> = if COVERS_RELATED.contains(&rule) {
        findings
            .iter()
            .map(|i| i.path.as_str())
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        findings.iter().flat_map(item_files).collect()
    };
    let mut files: Vec<String> = files.into_iter().map(str::to_string).collect();
    // A repository-level gap is closed by writing one file: the manifests and
    // Dockerfiles its finding names are what that file covers, not what the task
    // edits (no `docker build` to check, no track sharing with the containers work).
    let mut writes = None;
    if let Some((_, written)) = WRITES.iter().find(|(r, _)| *r == rule) {
        if findings
            .iter()
            .all(|i| i.path.is_empty() || i.path == REPOSITORY_PATH)
        {
            files = vec![(*written).to_string()];
            writes = Some(*written);
        }
    }
    let severity = findings
        .iter()
        .map(|i| i.severity)
        .max()
        .unwrap_or(Severity::Info);
    let kind = kind_of_items(rule, items);
    let model = items_model(rule, items, ov);
    // A grouped finding (the services of one compose file) is as many changes as places.
    let places = places_of(findings.iter());
    let hours = effort::estimate(model, places, files.len());
    let estimate_basis = match kind {
        Some(k) if !ov.effort.contains_key(rule) => {
            super::guidance::repeated_basis(k, model, places, files.len())
        }
        _ => super::guidance::estimate_basis(rule, model, places, files.len()),
    };
    let size = crate::plan::model::Effort::from_hours(hours);
    let blocker = findings
        .iter()
        .any(|i| phases::blocks_release(i.severity, &i.path));
    // High findings that do not ship (a test's) wait for their rule's phase.
    let phase_severity = if blocker {
        severity
    } else {
        severity.min(Severity::Medium)
    };
    let phase = match ov.phase.get(rule) {
        Some(p) if !blocker => *p,
        _ => phases::phase_of(rule, phase_severity),
    };
    let mut base = kind.map_or_else(|| phases::title_of(rule), |k| k.action.to_string());
    if phases::is_leaked_secret(rule) && severity >= Severity::Medium {
        base = format!(
            "Rotate the secret, then take it out of the code: {}",
            lower_first(&base)
        );
    }
    let where_ = match scope {
        Some(s) => format!(" {}", where_of(s)),
        None => String::new(),
    };
    let extent = match files.len() {
        // "No SECURITY.md …" already names the file to add.
        _ if writes.is_some_and(|w| base.contains(w.rsplit('/').next().unwrap_or(w))) => {
            String::new()
        }
        _ if writes.is_some() => format!(": add `{}`", writes.unwrap_or_default()),
        0 => String::new(),
        1 if scope.is_none() => {
            if places > 1 {
                format!(" in `{}` ({places} places)", files[0])
            } else {
                format!(" in `{}`", files[0])
            }
        }
        n => format!(" ({n} files)"),
    };
    // One file under the scope: the file says where, better than its directory.
    let (where_, extent) = match (scope, files.as_slice()) {
        (Some(_), [only]) if writes.is_none() && places > 1 => {
            (String::new(), format!(" in `{only}` ({places} places)"))
        }
        (Some(_), [only]) if writes.is_none() => (String::new(), format!(" in `{only}`")),
        _ => (where_, extent),
    };
    let why = match kind {
        Some(k) => k.why.to_string(),
        None => crate::rules::find_meta(rule)
            .map(|m| m.summary.to_string())
            .unwrap_or_default(),
    };
    let mut id = task_id(rule, scope);
    if let Some(k) = kind.filter(|k| !k.slug.is_empty()) {
        id.push('-');
        id.push_str(k.slug);
    }
    let mut title = format!("{base}{where_}{extent}");
    if let Some(l) = label {
        id.push('-');
        id.push_str(l);
        // High findings that wait for their phase are in code that does not ship;
        // the title says so when all of the task is such code.
        if phases::is_blocker(severity)
            && findings
                .iter()
                .all(|i| crate::roles::role_of(&i.path) != crate::roles::FileRole::Production)
        {
            title.push_str(" in tests, examples and other code that does not ship");
        }
    }
    Task {
        id,
        title,
        phase,
        rules: vec![rule.to_string()],
        scope: scope.map(str::to_string),
        severity,
        findings,
        files,
        effort: size,
        hours,
        why,
        estimate_basis,
        verify: Vec::new(),
        blocked_by: Vec::new(),
        blocks: Vec::new(),
        track: String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if !s.starts_with("SSH") => f.to_lowercase().collect::<String>() + c.as_str(),
        Some(f) => f.to_string() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::model::Phase;

    pub fn item(rule: &str, path: &str, line: usize) -> Item {
        Item {
            rule: rule.to_string(),
            path: path.to_string(),
            line,
            severity: Severity::Medium,
            message: format!("{rule} at {path}:{line}"),
            related: Vec::new(),
            places: 1,
            fingerprint: format!("{rule}{path}{line}"),
        }
    }

    /// No Dependabot configuration: the finding names the manifests and Dockerfiles
    /// it would cover, but the task writes one file (so its checks are not `docker
    /// build` and it shares no files with the containers work).
    #[test]
    fn a_repository_gap_is_closed_by_the_file_it_writes() {
        let mut i = item("repo/no-dependency-updates", ".", 0);
        i.related = vec!["Dockerfile".into(), "requirements.txt".into()];
        let t = &group(&[i])[0];
        assert_eq!(t.files, [".github/dependabot.yml"]);
        assert_eq!(
            t.title,
            "No automated dependency updates: add `.github/dependabot.yml`"
        );
        assert!(
            !t.verify.iter().any(|v| v.contains("docker build")),
            "{:?}",
            t.verify
        );
        let policy = &group(&[item("repo/missing-security-policy", ".", 0)])[0];
        assert_eq!(policy.files, ["SECURITY.md"]);
        assert!(!policy.title.contains("add `"), "{}", policy.title);
    }

    /// A split task whose scope holds one file names the file ("in
    /// `frontend/README.md`"), not "in `frontend/` (1 files)".
    #[test]
    fn a_scoped_task_of_one_file_names_the_file() {
        let a = item("docs/broken-link", "frontend/README.md", 3);
        let b = item("docs/broken-link", "frontend/README.md", 9);
        let t = make_task(
            "docs/broken-link",
            None,
            Some("frontend"),
            &[&a, &b],
            &Overrides::default(),
        );
        assert!(
            t.title.ends_with(" in `frontend/README.md` (2 places)"),
            "{}",
            t.title
        );
        assert!(!t.title.contains("1 files"), "{}", t.title);
    }

    #[test]
    fn one_task_per_rule_with_extent_in_the_title() {
        let items = vec![
            item("shell/missing-strict-mode", "scripts/a.sh", 1),
            item("shell/missing-strict-mode", "scripts/b.sh", 1),
            item("shell/unsafe-rm", "scripts/a.sh", 9),
            item("shell/unsafe-rm", "scripts/a.sh", 12),
        ];
        let tasks = group(&items);
        assert_eq!(tasks.len(), 2);
        let rm = &tasks[0];
        assert_eq!(rm.id, "T-shell-unsafe-rm");
        assert_eq!(rm.phase, Phase::SecurityStability);
        assert_eq!(rm.findings.len(), 2);
        assert_eq!(rm.files, vec!["scripts/a.sh"]);
        assert!(
            rm.title.ends_with("in `scripts/a.sh` (2 places)"),
            "{}",
            rm.title
        );
        let sm = &tasks[1];
        assert_eq!(sm.id, "T-shell-missing-strict-mode");
        assert!(sm.title.ends_with("(2 files)"));
        assert_eq!(sm.phase, Phase::Operations);
    }

    #[test]
    fn related_files_count_as_touched() {
        let mut i = item("config/duplicated-credential", "db_utils.py", 3);
        i.related = (0..8).map(|n| format!("collectors/c{n}.py")).collect();
        let tasks = group(&[i]);
        assert_eq!(tasks[0].files.len(), 9);
        assert!(tasks[0].title.ends_with("(9 files)"));
        assert_eq!(tasks[0].effort, crate::plan::model::Effort::L);
    }

    #[test]
    fn one_problem_stays_one_task_across_directories() {
        // 13 bare excepts in 13 files of 3 directories: a morning's mechanical work, one task.
        let mut items = Vec::new();
        for n in 0..6 {
            items.push(item(
                "python/bare-except",
                &format!("collectors/c{n}.py"),
                4,
            ));
            items.push(item("python/bare-except", &format!("training/t{n}.py"), 8));
        }
        items.push(item("python/bare-except", "setup.py", 2));
        let tasks = group(&items);
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].id, "T-python-bare-except");
        assert!(tasks[0].title.ends_with("(13 files)"), "{}", tasks[0].title);
    }

    #[test]
    fn a_problem_bigger_than_a_task_is_packed_by_directory_with_stable_ids() {
        // 60 files of swallowed exceptions: 1 + 0.5 × 59 h uncapped, far above two days.
        let mut items = Vec::new();
        for dir in ["api", "collectors", "scripts", "training"] {
            for n in 0..15 {
                let mut i = item("python/swallowed-exception", &format!("{dir}/m{n}.py"), 3);
                i.severity = Severity::Medium;
                items.push(i);
            }
        }
        let tasks = group(&items);
        let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        assert!(ids.len() >= 2 && ids.len() <= 4, "{ids:?}");
        assert_eq!(ids[0], "T-python-swallowed-exception-api");
        for t in &tasks {
            let files: BTreeSet<&str> = t.findings.iter().map(|f| f.path.as_str()).collect();
            let raw = effort::raw_hours(
                effort::model_for(&t.rules[0]),
                t.findings.len(),
                files.len(),
            );
            assert!(raw <= MAX_TASK_HOURS, "{} is {raw} h", t.id);
        }
        let n: usize = tasks.iter().map(|t| t.findings.len()).sum();
        assert_eq!(n, 60);
        items.reverse();
        let again: Vec<String> = group(&items).into_iter().map(|t| t.id).collect();
        assert_eq!(again, ids);
    }

    #[test]
    fn blockers_and_the_rest_of_a_rule_are_two_tasks() {
        let mut low = item("actions/template-injection", ".github/workflows/a.yml", 9);
        low.severity = Severity::Low;
        let mut high = item("actions/template-injection", ".github/workflows/b.yml", 4);
        high.severity = Severity::High;
        let tasks = group(&[low, high]);
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].id, "T-actions-template-injection");
        assert_eq!(tasks[0].phase, Phase::CriticalBlockers);
        assert_eq!(tasks[1].id, "T-actions-template-injection-followup");
        assert_eq!(tasks[1].phase, Phase::SecurityStability);
        assert_eq!(tasks[1].findings.len(), 1);
        // Another file: the follow-up's title names it and needs no suffix.
        assert_eq!(
            tasks[1].title,
            "Untrusted input expanded in workflow `run:` in `.github/workflows/a.yml`"
        );
    }

    /// A follow-up that edits a file of the urgent task says it is what is left there.
    #[test]
    fn a_followup_in_the_blockers_file_says_it_is_the_rest() {
        let mut low = item("actions/template-injection", ".github/workflows/b.yml", 9);
        low.severity = Severity::Low;
        let mut high = item("actions/template-injection", ".github/workflows/b.yml", 4);
        high.severity = Severity::High;
        let tasks = group(&[low, high]);
        assert!(
            tasks[1]
                .title
                .ends_with("(the places left after the release blockers)"),
            "{}",
            tasks[1].title
        );
    }

    /// Archived files are not work: their findings make one task that deletes the
    /// directory, shaped like projectmeats' `archived/docker/` (a root image, a
    /// missing health check, compose files) beside a shipped Dockerfile.
    #[test]
    fn archived_findings_are_one_deletion_task() {
        let items = vec![
            item(
                "docker/runs-as-root",
                "archived/docker/Dockerfile.backend",
                2,
            ),
            item(
                "docker/missing-healthcheck",
                "archived/docker/Dockerfile.backend",
                20,
            ),
            item(
                "compose/latest-image",
                "archived/docker/docker-compose.prod.yml",
                5,
            ),
            item("shell/ssh-host-key-disabled", "deprecated/deploy.sh", 4),
            item("docker/runs-as-root", "frontend/Dockerfile", 8),
        ];
        let tasks = group(&items);
        let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T-docker-runs-as-root", "T-design-archived-code"]);
        let root = &tasks[0];
        assert_eq!(root.files, ["frontend/Dockerfile"]);
        assert!(!root.title.contains("archived"), "{}", root.title);
        let archived = &tasks[1];
        assert_eq!(archived.phase, Phase::CodeQuality);
        assert_eq!(archived.findings.len(), 4);
        assert_eq!(archived.files, ["archived/", "deprecated/"]);
        assert_eq!(
            archived.title,
            "Delete the archived code in `archived/`, `deprecated/` (or move it to an archive branch): its 4 findings go with it"
        );
        assert!((archived.hours - 1.5).abs() < 1e-9);
        assert_eq!(
            archived_root("docs/archive/legacy/NOTES.md"),
            "docs/archive"
        );
    }

    /// One literal setting missing from 16 containers in 15 manifests (podinfo's
    /// `allowPrivilegeEscalation`) is one repeated edit: titled by what a person
    /// does, sized by the copies (not 0.5 h per file, capped at 6 h), and apart from
    /// the rule's design question (a `privileged: true` container).
    #[test]
    fn one_setting_repeated_is_titled_by_the_edit_and_sized_by_copies() {
        let mut items = Vec::new();
        for n in 0..15 {
            let mut i = item(
                "k8s/privileged",
                &format!("deploy/bases/s{n}/deployment.yaml"),
                26,
            );
            i.severity = Severity::Low;
            i.message = format!(
                "container `c{n}` in Deployment `s{n}` does not set `allowPrivilegeEscalation: false`"
            );
            items.push(i);
        }
        let mut second = items[0].clone();
        second.line = 46;
        items.push(second);
        let mut privileged = item("k8s/privileged", "deploy/agent/daemonset.yaml", 30);
        privileged.severity = Severity::Medium;
        privileged.message =
            "container `agent` in DaemonSet `agent` runs `privileged: true`".into();
        items.push(privileged);
        let tasks = group(&items);
        let ids: Vec<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T-k8s-privileged", "T-k8s-privileged-no-escalation"]);
        let t = &tasks[1];
        assert_eq!(t.findings.len(), 16);
        assert!(
            t.title
                .starts_with("Set `allowPrivilegeEscalation: false` in each container"),
            "{}",
            t.title
        );
        assert!(t.title.ends_with("(15 files)"), "{}", t.title);
        // 1 h for the first, 0.1 h for each of the 15 further copies.
        assert!((t.hours - 2.5).abs() < 1e-9, "{}", t.hours);
        assert!(
            t.estimate_basis.starts_with(
                "the same edit (`allowPrivilegeEscalation: false`) at 16 places in 15 files"
            ),
            "{}",
            t.estimate_basis
        );
        assert!(
            t.estimate_basis.contains("kustomize"),
            "{}",
            t.estimate_basis
        );
        assert!(!t.why.contains("node-level"), "{}", t.why);
        assert!(
            t.verify[0].ends_with(
                "reports no finding with \"does not set `allowPrivilegeEscalation: false`\""
            ),
            "{:?}",
            t.verify
        );
        // The design question keeps the rule's title and model.
        assert_eq!(tasks[0].findings.len(), 1);
        assert!(
            tasks[0].title.contains("node-level privileges"),
            "{}",
            tasks[0].title
        );
    }

    /// Agent and editor tooling (`.claude/helpers/*.sh`) is not shipped: its
    /// findings leave the production task for one deferrable triage task, while a
    /// secret committed there stays in its rotation task.
    #[test]
    fn tooling_findings_are_one_triage_task() {
        let mut items = vec![
            item("shell/missing-strict-mode", "scripts/deploy.sh", 1),
            item(
                "shell/missing-strict-mode",
                ".claude/helpers/auto-commit.sh",
                5,
            ),
            item(
                "shell/missing-strict-mode",
                ".claude/helpers/daemon-manager.sh",
                1,
            ),
            item("docker/runs-as-root", "tools/.devcontainer/Dockerfile", 1),
        ];
        let mut secret = item(
            "secrets/hardcoded-credential",
            ".claude/settings.local.json",
            3,
        );
        secret.severity = Severity::Low;
        items.push(secret);
        let tasks = group(&items);
        let get = |id: &str| tasks.iter().find(|t| t.id == id);
        let strict = get("T-shell-missing-strict-mode").expect("strict-mode task");
        assert_eq!(strict.files, ["scripts/deploy.sh"]);
        let tooling = get("T-design-tool-config").expect("tooling task");
        assert_eq!(tooling.findings.len(), 2);
        assert_eq!(tooling.files, [".claude/"]);
        assert_eq!(tooling.phase, Phase::CodeQuality);
        assert!(
            tooling
                .title
                .starts_with("Triage the agent and editor tooling in `.claude/`"),
            "{}",
            tooling.title
        );
        assert!(!tooling.verify.is_empty());
        assert!(get("T-secrets-hardcoded-credential").is_some());
        // A dev container is a development environment, not editor configuration.
        assert!(get("T-docker-runs-as-root").is_some());
        assert!(is_tool_config("packages/web/.vscode/tasks.json"));
        assert!(!is_tool_config(".vscode"));
        assert!(!is_tool_config("src/claude/client.py"));
    }

    /// A missing Dependabot entry is one edit of the configuration; the Dockerfiles
    /// it names are what the entry covers (shaped like uptime-kuma's `/docker`).
    #[test]
    fn dependabot_coverage_edits_only_the_configuration() {
        let mut gap = item("repo/dependabot-coverage", ".github/dependabot.yml", 5);
        gap.related = vec![
            "docker/builder-go.dockerfile".to_string(),
            "extra/uptime-kuma-push/Dockerfile".to_string(),
        ];
        let tasks = group(&[gap]);
        assert_eq!(tasks[0].files, [".github/dependabot.yml"]);
        assert!(
            tasks[0].title.ends_with("in `.github/dependabot.yml`"),
            "{}",
            tasks[0].title
        );
        assert!(!tasks[0].verify.iter().any(|v| v.contains("docker build")));
    }

    /// Pinning actions is one pass of a pinning tool over every workflow: one task,
    /// one estimate, in the phase of its most urgent finding.
    #[test]
    fn unpinned_actions_are_one_task() {
        let mut high = item("actions/unpinned-uses", ".github/workflows/release.yml", 4);
        high.severity = Severity::High;
        let mut items = vec![high];
        for n in 0..12 {
            let mut low = item(
                "actions/unpinned-uses",
                &format!(".github/workflows/w{n}.yml"),
                3,
            );
            low.severity = Severity::Medium;
            items.push(low);
        }
        let tasks = group(&items);
        assert_eq!(
            tasks.len(),
            1,
            "{:?}",
            tasks.iter().map(|t| &t.id).collect::<Vec<_>>()
        );
        assert_eq!(tasks[0].id, "T-actions-unpinned-uses");
        assert_eq!(tasks[0].phase, Phase::CriticalBlockers);
        assert_eq!(tasks[0].findings.len(), 13);
        assert!(tasks[0].hours <= 3.0, "{}", tasks[0].hours);
    }

    #[test]
    fn only_shipped_high_findings_are_phase_0() {
        let mut shipped = item("shell/unsafe-rm", "scripts/deploy.sh", 3);
        shipped.severity = Severity::High;
        let mut test = item("shell/unsafe-rm", "tests/e2e/cleanup.sh", 7);
        test.severity = Severity::High;
        let tasks = group(&[shipped, test.clone()]);
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[0].phase, Phase::CriticalBlockers);
        assert_eq!(tasks[0].findings[0].path, "scripts/deploy.sh");
        assert_eq!(tasks[1].id, "T-shell-unsafe-rm-followup");
        assert!(
            tasks[1]
                .title
                .ends_with("in tests, examples and other code that does not ship"),
            "{}",
            tasks[1].title
        );
        assert_eq!(tasks[1].phase, Phase::SecurityStability);
        // Alone, a high finding in test code still waits for its rule's phase.
        assert_eq!(group(&[test])[0].phase, Phase::SecurityStability);
    }

    #[test]
    fn leaked_credentials_start_with_rotating_the_secret() {
        let mut leak = item("secrets/hardcoded-credential", "app/settings.py", 3);
        leak.severity = Severity::High;
        let tasks = group(&[leak]);
        assert!(
            tasks[0].title.starts_with("Rotate the secret"),
            "{}",
            tasks[0].title
        );
        assert_eq!(tasks[0].phase, Phase::CriticalBlockers);
        let mut low = item("secrets/hardcoded-credential", ".devcontainer/env", 1);
        low.severity = Severity::Low;
        assert!(!group(&[low])[0].title.starts_with("Rotate"));
    }

    fn vuln(path: &str, line: usize, sev: Severity, pkg: &str, adv: &str, fix: &str) -> Item {
        let mut i = item(VULN_RULE, path, line);
        i.severity = sev;
        i.message = if fix.is_empty() {
            format!("{pkg} is affected by {adv}: bad; no fixed version published")
        } else {
            format!("{pkg} is affected by {adv} / CVE-2021-1: bad (CVSS 7.5); fixed in {fix}; via app@1.0.0 > {pkg}")
        };
        i
    }

    #[test]
    fn known_vulnerabilities_become_one_task_per_package() {
        let items = vec![
            vuln(
                "package-lock.json",
                40,
                Severity::High,
                "lodash@4.17.15",
                "GHSA-a",
                "4.17.19",
            ),
            vuln(
                "package-lock.json",
                40,
                Severity::Critical,
                "lodash@4.17.15",
                "GHSA-b",
                "4.17.21",
            ),
            vuln(
                "web/package-lock.json",
                12,
                Severity::Medium,
                "lodash@4.17.20",
                "GHSA-c",
                "4.17.21",
            ),
            // The same advisory in a second lockfile counts once.
            vuln(
                "web/package-lock.json",
                12,
                Severity::Medium,
                "lodash@4.17.20",
                "GHSA-b",
                "4.17.21",
            ),
            vuln(
                "package-lock.json",
                77,
                Severity::High,
                "@babel/traverse@7.22.5",
                "GHSA-d",
                "7.23.2",
            ),
            vuln(
                "poetry.lock",
                9,
                Severity::Medium,
                "requests@2.19.0",
                "PYSEC-e",
                "2.20.0",
            ),
            vuln(
                "poetry.lock",
                9,
                Severity::Low,
                "requests@2.19.0",
                "PYSEC-f",
                "2.3.0",
            ),
            vuln(
                "Cargo.lock",
                5,
                Severity::High,
                "abandoned@0.1.0",
                "RUSTSEC-g",
                "",
            ),
            item("shell/unsafe-rm", "deploy.sh", 3),
        ];
        let tasks = group(&items);
        let get = |id: &str| {
            tasks.iter().find(|t| t.id == id).unwrap_or_else(|| {
                panic!(
                    "{id} in {:?}",
                    tasks.iter().map(|t| &t.id).collect::<Vec<_>>()
                )
            })
        };
        assert_eq!(tasks.len(), 5);
        let lodash = get("T-deps-known-vulnerability-lodash");
        assert_eq!(lodash.title, "Upgrade lodash to ≥4.17.21 (3 advisories)");
        assert_eq!(lodash.findings.len(), 4);
        assert_eq!(
            lodash.files,
            vec!["package-lock.json", "web/package-lock.json"]
        );
        assert_eq!(lodash.severity, Severity::Critical);
        assert_eq!(lodash.phase, Phase::CriticalBlockers);
        assert_eq!(lodash.scope.as_deref(), Some("lodash"));
        let babel = get("T-deps-known-vulnerability-babel-traverse");
        assert_eq!(
            babel.title,
            "Upgrade @babel/traverse to ≥7.23.2 (1 advisory)"
        );
        // A high advisory in a shipped lockfile blocks the release like any high finding.
        assert_eq!(babel.phase, Phase::CriticalBlockers);
        // 2.20.0 > 2.3.0 numerically, not as text.
        let requests = get("T-deps-known-vulnerability-requests");
        assert_eq!(requests.title, "Upgrade requests to ≥2.20.0 (2 advisories)");
        let abandoned = get("T-deps-known-vulnerability-abandoned");
        assert_eq!(
            abandoned.title,
            "Replace or mitigate abandoned (1 advisory, no fixed version)"
        );
        assert_eq!(abandoned.phase, Phase::CriticalBlockers);
        // Same ids whatever the input order.
        let ids: Vec<String> = tasks.iter().map(|t| t.id.clone()).collect();
        let mut rev = items.clone();
        rev.reverse();
        let again: Vec<String> = group(&rev).into_iter().map(|t| t.id).collect();
        assert_eq!(again, ids);
    }

    #[test]
    fn an_unreadable_osv_source_keeps_a_rule_task() {
        let mut i = item(VULN_RULE, "harden.toml", 2);
        i.message = "cannot read the OSV source (x): known vulnerabilities were not checked".into();
        i.severity = Severity::Info;
        let tasks = group(&[i]);
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].id, "T-deps-known-vulnerability");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug(".github"), "github");
        assert_eq!(slug("(root)"), "root");
        assert_eq!(task_id("shell/unsafe-rm", None), "T-shell-unsafe-rm");
    }
}
