//! Offline vulnerability matching against OSV records (a directory of JSON
//! files, a single JSON file, or a zip such as osv.dev's per-ecosystem
//! `all.zip`). Never touches the network.
//!
//! Matching follows the OSV schema: `affected[].package` (ecosystem + name,
//! normalised per ecosystem), explicit `versions`, and `ranges` of type
//! `ECOSYSTEM` or `SEMVER` evaluated over their sorted `introduced` / `fixed` /
//! `last_affected` / `limit` events. `GIT` ranges name commits, which a
//! lockfile version cannot be compared with, so they are skipped; `withdrawn`
//! records are ignored.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::finding::Severity;
use crate::sbom::model::{Ecosystem, Lockfile};

pub mod cvss;
pub mod version;

/// Why OSV data could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OsvError {
    /// The source does not exist or cannot be read.
    #[error("{path}: {message}")]
    Io {
        /// The source.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// One event of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// First affected version (`"0"`: from the beginning).
    Introduced(String),
    /// First fixed version.
    Fixed(String),
    /// Last affected version (inclusive).
    LastAffected(String),
    /// Versions at or above are outside the range.
    Limit(String),
}

impl Event {
    fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// How a range's versions are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeKind {
    /// SemVer 2.0.
    Semver,
    /// The ecosystem's own ordering.
    Ecosystem,
}

/// A range of affected versions.
#[derive(Debug, Clone)]
pub struct AffectedRange {
    /// Ordering.
    pub kind: RangeKind,
    /// Events as written.
    pub events: Vec<Event>,
}

/// One `affected[]` entry we can match.
#[derive(Debug, Clone)]
pub struct Affected {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name, normalised for the ecosystem.
    pub name: String,
    /// Ranges (GIT ranges dropped).
    pub ranges: Vec<AffectedRange>,
    /// Explicitly listed versions.
    pub versions: Vec<String>,
}

/// An advisory.
#[derive(Debug, Clone)]
pub struct Advisory {
    /// OSV id (`GHSA-…`, `PYSEC-…`, `RUSTSEC-…`).
    pub id: String,
    /// Aliases (CVE ids…).
    pub aliases: Vec<String>,
    /// One-line summary (or the start of `details`).
    pub summary: String,
    /// Severity from the CVSS v3 vector, else `database_specific.severity`, else medium.
    pub severity: Severity,
    /// CVSS v3 base score, when a vector was given.
    pub score: Option<f64>,
    /// Packages it affects.
    pub affected: Vec<Affected>,
}

/// Parses one OSV record; `None` when withdrawn or not about an ecosystem we read.
pub fn parse_record(v: &Value) -> Option<Advisory> {
    if v.get("withdrawn")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty())
    {
        return None;
    }
    let id = v.get("id")?.as_str()?.to_string();
    let mut affected = Vec::new();
    let mut vectors: Vec<String> = Vec::new();
    let collect_vectors = |sev: Option<&Value>, out: &mut Vec<String>| {
        for s in sev.and_then(Value::as_array).into_iter().flatten() {
            if let Some(score) = s.get("score").and_then(Value::as_str) {
                out.push(score.to_string());
            }
        }
    };
    collect_vectors(v.get("severity"), &mut vectors);
    for a in v
        .get("affected")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect_vectors(a.get("severity"), &mut vectors);
        let Some(pkg) = a.get("package") else {
            continue;
        };
        let Some(eco) = pkg
            .get("ecosystem")
            .and_then(Value::as_str)
            .and_then(Ecosystem::from_osv)
        else {
            continue;
        };
        let Some(name) = pkg.get("name").and_then(Value::as_str) else {
            continue;
        };
        let mut ranges = Vec::new();
        for r in a
            .get("ranges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let kind = match r.get("type").and_then(Value::as_str) {
                Some("SEMVER") => RangeKind::Semver,
                Some("ECOSYSTEM") => RangeKind::Ecosystem,
                _ => continue, // GIT: commit hashes, not comparable with a locked version
            };
            let mut events = Vec::new();
            for e in r
                .get("events")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let get = |k: &str| e.get(k).and_then(Value::as_str).map(str::to_string);
                if let Some(x) = get("introduced") {
                    events.push(Event::Introduced(x));
                } else if let Some(x) = get("fixed") {
                    events.push(Event::Fixed(x));
                } else if let Some(x) = get("last_affected") {
                    events.push(Event::LastAffected(x));
                } else if let Some(x) = get("limit") {
                    events.push(Event::Limit(x));
                }
            }
            ranges.push(AffectedRange { kind, events });
        }
        let versions = a
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        affected.push(Affected {
            ecosystem: eco,
            name: eco.normalize_name(name),
            ranges,
            versions,
        });
    }
    if affected.is_empty() {
        return None;
    }
    let score = vectors
        .iter()
        .filter_map(|s| cvss::base_score_v3(s))
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    let severity = match score {
        Some(s) if s >= 9.0 => Severity::Critical,
        Some(s) if s >= 7.0 => Severity::High,
        Some(s) if s >= 4.0 => Severity::Medium,
        Some(_) => Severity::Low,
        None => v
            .get("database_specific")
            .and_then(|d| d.get("severity"))
            .and_then(Value::as_str)
            .and_then(|s| match s.to_ascii_uppercase().as_str() {
                "CRITICAL" => Some(Severity::Critical),
                "HIGH" => Some(Severity::High),
                "MODERATE" | "MEDIUM" => Some(Severity::Medium),
                "LOW" => Some(Severity::Low),
                _ => None,
            })
            .unwrap_or(Severity::Medium),
    };
    let summary = v
        .get("summary")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| v.get("details").and_then(Value::as_str))
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .trim();
    let summary: String = summary.chars().take(160).collect();
    Some(Advisory {
        id,
        aliases: v
            .get("aliases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        summary,
        severity,
        score,
        affected,
    })
}

fn cmp(kind: RangeKind, eco: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    match kind {
        RangeKind::Semver => version::semver_cmp(a, b),
        RangeKind::Ecosystem => version::compare(eco, a, b),
    }
}

/// What a match found: the first fixed version above the locked one, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Smallest `fixed` event above the version.
    pub fixed: Option<String>,
}

/// Whether `version` of `eco` falls in `range` (OSV's evaluation over sorted events).
pub fn in_range(range: &AffectedRange, eco: Ecosystem, version: &str) -> Option<Hit> {
    let k = range.kind;
    // Sort events by version; `introduced: "0"` is below everything.
    let mut events: Vec<&Event> = range.events.iter().collect();
    let mut comparable = true;
    events.sort_by(|a, b| {
        let (va, vb) = (a.version(), b.version());
        // "0" sorts first and a `limit: "*"` last.
        let rank = |v: &str| match v {
            "0" => 0,
            "*" => 2,
            _ => 1,
        };
        match (rank(va), rank(vb)) {
            (x, y) if x != 1 || y != 1 => x.cmp(&y),
            _ => cmp(k, eco, va, vb).unwrap_or_else(|| {
                comparable = false;
                Ordering::Equal
            }),
        }
    });
    if !comparable {
        return None;
    }
    let ge = |x: &str| cmp(k, eco, version, x).map(|o| o != Ordering::Less);
    let mut affected = false;
    for e in &events {
        match e {
            Event::Introduced(x) => {
                if x == "0" || ge(x)? {
                    affected = true;
                }
            }
            Event::Fixed(x) => {
                if ge(x)? {
                    affected = false;
                }
            }
            Event::LastAffected(x) => {
                if cmp(k, eco, version, x)? == Ordering::Greater {
                    affected = false;
                }
            }
            Event::Limit(x) => {
                if x != "*" && ge(x)? {
                    affected = false;
                }
            }
        }
    }
    if !affected {
        return None;
    }
    let fixed = events
        .iter()
        .filter_map(|e| match e {
            Event::Fixed(x) if cmp(k, eco, x, version) == Some(Ordering::Greater) => Some(x),
            _ => None,
        })
        .next()
        .cloned();
    Some(Hit { fixed })
}

/// Whether `version` is affected according to one `affected[]` entry.
pub fn affects(a: &Affected, version: &str) -> Option<Hit> {
    let listed = a.versions.iter().any(|v| {
        v == version || version::compare(a.ecosystem, v, version) == Some(Ordering::Equal)
    });
    let mut best: Option<Hit> = None;
    for r in &a.ranges {
        if let Some(h) = in_range(r, a.ecosystem, version) {
            if best.as_ref().is_none_or(|b| b.fixed.is_none()) {
                best = Some(h);
            }
        }
    }
    best.or_else(|| listed.then_some(Hit { fixed: None }))
}

#[derive(serde::Deserialize)]
struct PreRecord {
    #[serde(default)]
    affected: Vec<PreAffected>,
}

#[derive(serde::Deserialize)]
struct PreAffected {
    package: Option<PrePackage>,
}

#[derive(serde::Deserialize)]
struct PrePackage {
    #[serde(default)]
    ecosystem: String,
    #[serde(default)]
    name: String,
}

/// Advisories indexed by (ecosystem, normalised name).
#[derive(Debug, Default)]
pub struct Database {
    by_pkg: HashMap<(Ecosystem, String), Vec<Arc<Advisory>>>,
    /// Records read.
    pub records: usize,
}

impl Database {
    /// Adds one record.
    pub fn add(&mut self, adv: Advisory) {
        self.records += 1;
        let adv = Arc::new(adv);
        let mut keys: Vec<(Ecosystem, String)> = adv
            .affected
            .iter()
            .map(|a| (a.ecosystem, a.name.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            self.by_pkg.entry(k).or_default().push(adv.clone());
        }
    }

    /// Advisories that mention a package.
    pub fn for_package(&self, eco: Ecosystem, name: &str) -> &[Arc<Advisory>] {
        self.by_pkg
            .get(&(eco, eco.normalize_name(name)))
            .map_or(&[], Vec::as_slice)
    }

    /// Loads a directory (recursively), a `.json` file or a `.zip` of records.
    /// With `wanted`, records about no wanted package are dropped as they are read.
    pub fn load(
        source: &Path,
        wanted: Option<&HashSet<(Ecosystem, String)>>,
    ) -> Result<Database, OsvError> {
        let io = |m: String| OsvError::Io {
            path: source.display().to_string(),
            message: m,
        };
        let mut db = Database::default();
        let add_text = |db: &mut Database, text: &str| {
            // A cheap typed pass first: most records of an all.zip are about
            // packages the repository does not lock.
            if let Some(w) = wanted {
                if let Ok(pre) = serde_json::from_str::<PreRecord>(text) {
                    let relevant = pre.affected.iter().any(|a| {
                        a.package.as_ref().is_some_and(|p| {
                            Ecosystem::from_osv(&p.ecosystem)
                                .is_some_and(|e| w.contains(&(e, e.normalize_name(&p.name))))
                        })
                    });
                    if !relevant {
                        return;
                    }
                }
            }
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                return;
            };
            let records: Vec<&Value> = match &v {
                Value::Array(a) => a.iter().collect(),
                other => vec![other],
            };
            for r in records {
                if let Some(adv) = parse_record(r) {
                    if wanted.is_none_or(|w| {
                        adv.affected
                            .iter()
                            .any(|a| w.contains(&(a.ecosystem, a.name.clone())))
                    }) {
                        db.add(adv);
                    }
                }
            }
        };
        let meta = std::fs::metadata(source).map_err(|e| io(e.to_string()))?;
        if meta.is_dir() {
            let mut stack: Vec<PathBuf> = vec![source.to_path_buf()];
            while let Some(dir) = stack.pop() {
                let rd = std::fs::read_dir(&dir).map_err(|e| io(e.to_string()))?;
                let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
                entries.sort_by_key(|e| e.path());
                for e in entries {
                    let Ok(ft) = e.file_type() else { continue };
                    let p = e.path();
                    if ft.is_dir() {
                        stack.push(p);
                    } else if ft.is_file() && p.extension().is_some_and(|x| x == "json") {
                        if let Ok(t) = crate::files::read_repo_text(&p, 64 << 20) {
                            add_text(&mut db, &t);
                        }
                    } else if ft.is_file() && p.extension().is_some_and(|x| x == "zip") {
                        let sub = Database::load(&p, wanted)?;
                        db.merge(sub);
                    }
                }
            }
        } else if source.extension().is_some_and(|x| x == "zip") {
            let f = crate::files::open_user_regular(source).map_err(|e| io(e.to_string()))?;
            let mut zip = zip::ZipArchive::new(f).map_err(|e| io(e.to_string()))?;
            for i in 0..zip.len() {
                let Ok(mut entry) = zip.by_index(i) else {
                    continue;
                };
                if !entry.is_file() || !entry.name().ends_with(".json") {
                    continue;
                }
                let mut text = String::new();
                // Records are small; a 16 MiB cap keeps a hostile archive from exhausting memory.
                if (&mut entry)
                    .take(16 << 20)
                    .read_to_string(&mut text)
                    .is_ok()
                {
                    add_text(&mut db, &text);
                }
            }
        } else {
            let t = crate::files::read_named_regular_text(source, crate::files::AUX_LIMIT)
                .map_err(|e| io(e.to_string()))?;
            add_text(&mut db, &t);
        }
        Ok(db)
    }

    fn merge(&mut self, other: Database) {
        self.records += other.records;
        for (k, v) in other.by_pkg {
            self.by_pkg.entry(k).or_default().extend(v);
        }
    }
}

/// A locked package affected by an advisory.
#[derive(Debug, Clone)]
pub struct VulnMatch {
    /// Lockfile path relative to the root.
    pub lockfile: String,
    /// Byte range of the package's entry in the lockfile.
    pub span: std::ops::Range<usize>,
    /// 1-based line of the entry.
    pub line: usize,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package name.
    pub package: String,
    /// Locked version.
    pub version: String,
    /// The advisory.
    pub advisory: Arc<Advisory>,
    /// First fixed version above the locked one, if the advisory names one.
    pub fixed: Option<String>,
    /// `name@version` from a direct dependency down to this package (empty when
    /// it is direct or the lockfile records no graph).
    pub via: Vec<String>,
    /// Byte ranges of the entries along `via` (same lockfile, same order).
    pub via_spans: Vec<std::ops::Range<usize>>,
}

impl VulnMatch {
    /// One-line description for a finding.
    pub fn message(&self) -> String {
        let mut ids = vec![self.advisory.id.clone()];
        ids.extend(self.advisory.aliases.iter().take(3).cloned());
        let mut m = format!(
            "{}@{} is affected by {}",
            self.package,
            self.version,
            ids.join(" / ")
        );
        if !self.advisory.summary.is_empty() {
            m.push_str(&format!(": {}", self.advisory.summary));
        }
        if let Some(s) = self.advisory.score {
            m.push_str(&format!(" (CVSS {s:.1})"));
        }
        match &self.fixed {
            Some(f) => m.push_str(&format!("; fixed in {f}")),
            None => m.push_str("; no fixed version published"),
        }
        if self.via.len() > 1 {
            m.push_str(&format!("; via {}", self.via.join(" > ")));
        }
        m
    }
}

/// What [`VulnMatch::message`] says, read back (for `harden plan`, which
/// groups `deps/known-vulnerability` findings per package, also from a
/// baseline file that keeps only the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageParts {
    /// Package name (`lodash`, `@babel/traverse`).
    pub package: String,
    /// Locked version.
    pub version: String,
    /// OSV id of the advisory.
    pub advisory: String,
    /// First fixed version, when one is published.
    pub fixed: Option<String>,
}

/// Parses a message written by [`VulnMatch::message`]; `None` for anything else.
pub fn parse_message(msg: &str) -> Option<MessageParts> {
    let (subject, rest) = msg.split_once(" is affected by ")?;
    let (package, version) = subject.rsplit_once('@')?;
    if package.is_empty() || version.is_empty() || package.contains(' ') {
        return None;
    }
    let advisory: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ':' && *c != ';')
        .collect();
    if advisory.is_empty() {
        return None;
    }
    // The fix clause is the last one before an optional "; via …".
    let tail = match rest.rfind("; via ") {
        Some(i) => &rest[..i],
        None => rest,
    };
    let fixed = tail
        .rsplit_once("; fixed in ")
        .map(|(_, f)| f.trim().to_string())
        .filter(|f| !f.is_empty() && !tail.ends_with("; no fixed version published"));
    Some(MessageParts {
        package: package.to_string(),
        version: version.to_string(),
        advisory,
        fixed,
    })
}

/// The (ecosystem, normalised name) pairs of every package in `lockfiles`.
pub fn wanted(lockfiles: &[Lockfile]) -> HashSet<(Ecosystem, String)> {
    lockfiles
        .iter()
        .flat_map(|l| l.packages.iter())
        .map(|p| (p.ecosystem, p.ecosystem.normalize_name(&p.name)))
        .collect()
}

/// A line's top: `v4` stands for every 4.x.y, and points to the newest.
const TOP_OF_LINE: &str = "999999999";

/// The version to match a package at: as locked, except for actions, whose ref is
/// a tag (a moving major or minor tag is the newest release of its line) or a
/// commit (matched at the tag its pin comment names, unknown without one).
pub fn matchable_version(p: &crate::sbom::model::Package) -> Option<String> {
    if p.ecosystem != Ecosystem::GitHubActions {
        return Some(p.version.clone());
    }
    let tag = if crate::workflows::wf::is_full_sha(&p.version) {
        p.properties
            .iter()
            .find(|(k, _)| *k == "harden:tag")
            .map(|(_, v)| v.as_str())?
    } else {
        p.version.as_str()
    };
    let bare = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
    let numeric: Vec<&str> = bare.split('.').collect();
    if numeric.is_empty()
        || !numeric
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        // `main`, `v1.2.3-beta`: a branch or a pre-release tag; SemVer decides.
        return version::semver_cmp(bare, "0").map(|_| bare.to_string());
    }
    let mut parts: Vec<&str> = numeric;
    while parts.len() < 3 {
        parts.push(TOP_OF_LINE);
    }
    Some(parts.join("."))
}

/// Matches every package of `lockfiles` against `db`.
pub fn match_lockfiles(lockfiles: &[Lockfile], db: &Database) -> Vec<VulnMatch> {
    let mut out = Vec::new();
    for lf in lockfiles {
        for (i, p) in lf.packages.iter().enumerate() {
            let Some(at) = matchable_version(p) else {
                continue;
            };
            let norm = p.ecosystem.normalize_name(&p.name);
            for adv in db.for_package(p.ecosystem, &p.name) {
                let mut hit: Option<Hit> = None;
                for a in &adv.affected {
                    if a.ecosystem != p.ecosystem || a.name != norm {
                        continue;
                    }
                    if let Some(h) = affects(a, &at) {
                        if hit.as_ref().is_none_or(|x| x.fixed.is_none()) {
                            hit = Some(h);
                        }
                    }
                }
                let Some(hit) = hit else { continue };
                let chain = lf.path_to(i).unwrap_or_default();
                let via = chain
                    .iter()
                    .map(|&j| format!("{}@{}", lf.packages[j].name, lf.packages[j].version))
                    .collect();
                let via_spans = chain.iter().map(|&j| lf.packages[j].span.clone()).collect();
                out.push(VulnMatch {
                    lockfile: lf.path.clone(),
                    span: p.span.clone(),
                    line: p.line,
                    ecosystem: p.ecosystem,
                    package: p.name.clone(),
                    version: p.version.clone(),
                    advisory: adv.clone(),
                    fixed: hit.fixed,
                    via,
                    via_spans,
                });
            }
        }
    }
    out
}

/// Matches the lockfiles of the repository at `root` (its `harden.toml`
/// excludes honoured) against the OSV records at `source`.
///
/// For a readiness control: an `Err` or no source is "unknown", `Ok(empty)` is
/// "done", any match is "missing".
pub fn match_repository(root: &Path, source: &Path) -> Result<Vec<VulnMatch>, OsvError> {
    let config = crate::config::Config::load(root, None).unwrap_or_default();
    let (lockfiles, _errors) = crate::sbom::collect(root, &config);
    let db = Database::load(source, Some(&wanted(&lockfiles)))?;
    Ok(match_lockfiles(&lockfiles, &db))
}

/// The OSV source configured in `[osv] source = "…"` (relative to `root`).
pub fn configured_source(config: &crate::config::Config, root: &Path) -> Option<PathBuf> {
    let s = config.extra.get("osv")?.get("source")?.as_str()?;
    let p = Path::new(s);
    Some(if p.is_absolute() {
        p.to_path_buf()
    } else {
        root.join(p)
    })
}

/// Points `[osv] source` at `src` (made absolute, checked to exist), for `--osv`.
pub fn set_source(config: &mut crate::config::Config, src: &Path) -> Result<(), String> {
    let abs = std::fs::canonicalize(src).map_err(|e| format!("--osv {}: {e}", src.display()))?;
    let mut table = toml::Table::new();
    table.insert(
        "source".to_string(),
        toml::Value::String(abs.to_string_lossy().to_string()),
    );
    config
        .extra
        .insert("osv".to_string(), toml::Value::Table(table));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn adv(v: Value) -> Advisory {
        parse_record(&v).expect("record parses")
    }

    fn one(eco: &str, name: &str, ranges: Value, versions: Value) -> Advisory {
        adv(json!({"id": "T-1", "affected": [{
            "package": {"ecosystem": eco, "name": name},
            "ranges": ranges, "versions": versions}]}))
    }

    fn hit(a: &Advisory, v: &str) -> Option<Option<String>> {
        affects(&a.affected[0], v).map(|h| h.fixed)
    }

    #[test]
    fn introduced_fixed() {
        let a = one(
            "npm",
            "lodash",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]),
            json!([]),
        );
        assert_eq!(hit(&a, "4.17.20"), Some(Some("4.17.21".into())));
        assert_eq!(hit(&a, "0.0.1"), Some(Some("4.17.21".into())));
        assert_eq!(hit(&a, "4.17.21"), None);
        assert_eq!(hit(&a, "5.0.0"), None);
        assert_eq!(hit(&a, "4.17.21-rc.1"), Some(Some("4.17.21".into())));
    }

    #[test]
    fn several_intervals_unsorted_events() {
        // Events out of order, two intervals: [1.0, 1.5) and [2.0, 2.3).
        let a = one(
            "PyPI",
            "django",
            json!([{"type": "ECOSYSTEM", "events": [
                {"fixed": "2.3"}, {"introduced": "2.0"}, {"fixed": "1.5"}, {"introduced": "1.0"}]}]),
            json!([]),
        );
        assert_eq!(hit(&a, "0.9"), None);
        assert_eq!(hit(&a, "1.0"), Some(Some("1.5".into())));
        assert_eq!(hit(&a, "1.5rc1"), Some(Some("1.5".into())));
        assert_eq!(hit(&a, "1.5"), None);
        assert_eq!(hit(&a, "1.7"), None);
        assert_eq!(hit(&a, "2.2.post1"), Some(Some("2.3".into())));
        assert_eq!(hit(&a, "2.3"), None);
        assert_eq!(hit(&a, "2.3.0"), None);
    }

    #[test]
    fn last_affected_and_limit() {
        let a = one(
            "crates.io",
            "smallvec",
            json!([{"type": "SEMVER", "events": [{"introduced": "0.6.3"}, {"last_affected": "1.6.0"}]}]),
            json!([]),
        );
        assert_eq!(hit(&a, "0.6.2"), None);
        assert_eq!(hit(&a, "1.6.0"), Some(None));
        assert_eq!(hit(&a, "1.6.1"), None);
        let l = one(
            "Go",
            "github.com/x/y",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"limit": "1.4.0"}]}]),
            json!([]),
        );
        assert_eq!(hit(&l, "v1.3.9"), Some(None));
        assert_eq!(hit(&l, "v1.4.0"), None);
        let star = one(
            "Go",
            "github.com/x/y",
            json!([{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "*"}]}]),
            json!([]),
        );
        assert_eq!(hit(&star, "v9.0.0"), Some(None));
    }

    #[test]
    fn explicit_versions_and_git_ranges() {
        let a = one(
            "RubyGems",
            "rack",
            json!([{"type": "GIT", "repo": "https://github.com/rack/rack",
                    "events": [{"introduced": "0"}, {"fixed": "abc123"}]}]),
            json!(["2.2.8", "3.0.0.beta1"]),
        );
        assert_eq!(a.affected[0].ranges.len(), 0);
        assert_eq!(hit(&a, "2.2.8"), Some(None));
        assert_eq!(hit(&a, "2.2.8.0"), Some(None)); // RubyGems: equal versions
        assert_eq!(hit(&a, "2.2.9"), None);
        let p = one("PyPI", "x", json!([]), json!(["1.0"]));
        assert_eq!(hit(&p, "1.0.0"), Some(None));
    }

    #[test]
    fn go_pseudo_versions() {
        let a = one(
            "Go",
            "golang.org/x/net",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.17.0"}]}]),
            json!([]),
        );
        assert!(hit(&a, "v0.0.0-20220722155237-a158d28d115b").is_some());
        assert!(hit(&a, "v0.16.0").is_some());
        assert!(hit(&a, "v0.17.0").is_none());
    }

    #[test]
    fn packagist_and_rubygems_ecosystem_ranges() {
        let a = one(
            "Packagist",
            "GuzzleHttp/Psr7",
            json!([{"type": "ECOSYSTEM", "events": [{"introduced": "2.0.0"}, {"fixed": "2.4.5"}]}]),
            json!([]),
        );
        assert_eq!(a.affected[0].name, "guzzlehttp/psr7");
        assert!(hit(&a, "v2.4.4").is_some());
        assert!(hit(&a, "2.4.5").is_none());
        assert!(hit(&a, "2.4.5-RC1").is_some());
        let r = one(
            "RubyGems",
            "nokogiri",
            json!([{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.16.0.rc1"}]}]),
            json!([]),
        );
        assert!(hit(&r, "1.15.4").is_some());
        assert!(hit(&r, "1.16.0").is_none());
        assert!(hit(&r, "1.16.0.rc1").is_none());
    }

    #[test]
    fn unparsable_versions_do_not_match() {
        let a = one(
            "npm",
            "x",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]),
            json!([]),
        );
        assert_eq!(hit(&a, "github:user/repo#abc"), None);
    }

    #[test]
    fn withdrawn_and_unknown_ecosystems_dropped() {
        assert!(
            parse_record(&json!({"id": "W", "withdrawn": "2023-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}))
            .is_none()
        );
        assert!(parse_record(&json!({"id": "D", "affected": [
            {"package": {"ecosystem": "Debian:12", "name": "openssl"}}]}))
        .is_none());
    }

    #[test]
    fn severity_sources() {
        let crit = adv(json!({"id": "C", "severity": [{"type": "CVSS_V3",
            "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "database_specific": {"severity": "LOW"},
            "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}));
        assert_eq!(crit.severity, Severity::Critical);
        let db = adv(json!({"id": "D", "database_specific": {"severity": "HIGH"},
            "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}));
        assert_eq!(db.severity, Severity::High);
        let none = adv(json!({"id": "N", "severity": [{"type": "CVSS_V4",
            "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
            "affected": [{"package": {"ecosystem": "npm", "name": "a"}}]}));
        assert_eq!(none.severity, Severity::Medium);
        let low = adv(
            json!({"id": "L", "affected": [{"package": {"ecosystem": "npm", "name": "a"},
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"}]}]}),
        );
        assert_eq!(low.severity, Severity::Low);
    }

    fn data() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
    }

    #[test]
    fn repository_match_from_directory_and_zip() {
        let root = data().join("lockfiles");
        let osv = data().join("osv");
        let m = match_repository(&root, &osv).unwrap();
        let mut got: Vec<String> = m
            .iter()
            .map(|v| {
                format!(
                    "{} {}@{} {}",
                    v.lockfile, v.package, v.version, v.advisory.id
                )
            })
            .collect();
        got.sort();
        // express 4.22.3 is past the fix (4.20.0): not reported.
        assert!(!got.iter().any(|g| g.contains("express@")), "{got:?}");
        assert!(
            got.iter()
                .any(|g| g.starts_with("npm-v3/package-lock.json ms@2.0.0")),
            "{got:?}"
        );
        assert!(got
            .iter()
            .any(|g| g.starts_with("uv/uv.lock requests@2.31.0 GHSA-9wx4")));
        assert!(got.iter().any(|g| g.starts_with("cargo/Cargo.lock regex@")));
        assert!(!got
            .iter()
            .any(|g| g.contains("withdrawn") || g.contains("OSV-2099-git")));
        let ms = m
            .iter()
            .find(|v| v.package == "ms" && v.lockfile.starts_with("npm-v3"))
            .unwrap();
        assert_eq!(ms.fixed, None);
        assert_eq!(ms.advisory.severity, Severity::Medium);
        assert_eq!(ms.via, vec!["express@4.22.3", "debug@2.6.9", "ms@2.0.0"]);
        assert!(ms.message().contains("CVE-2017-20162"), "{}", ms.message());
        assert!(ms
            .message()
            .contains("via express@4.22.3 > debug@2.6.9 > ms@2.0.0"));
        // A transitive package shows its path.
        let rx = m.iter().find(|v| v.package == "regex").unwrap();
        assert_eq!(rx.advisory.severity, Severity::High);
        assert!(rx.message().contains("no fixed version"));

        // Same records zipped, as osv.dev's all.zip ships them.
        let tmp = tempfile::tempdir().unwrap();
        let zpath = tmp.path().join("all.zip");
        {
            let f = std::fs::File::create(&zpath).unwrap();
            let mut z = zip::ZipWriter::new(f);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for e in std::fs::read_dir(&osv).unwrap() {
                let p = e.unwrap().path();
                z.start_file(p.file_name().unwrap().to_string_lossy(), opts)
                    .unwrap();
                std::io::Write::write_all(&mut z, &std::fs::read(&p).unwrap()).unwrap();
            }
            z.finish().unwrap();
        }
        let mz = match_repository(&root, &zpath).unwrap();
        assert_eq!(mz.len(), m.len());
        assert!(match_repository(&root, &tmp.path().join("missing.zip")).is_err());
    }

    #[test]
    fn message_round_trips() {
        let a = Arc::new(one(
            "npm",
            "@babel/traverse",
            json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "7.23.2"}]}]),
            json!([]),
        ));
        let mut m = VulnMatch {
            lockfile: "package-lock.json".into(),
            span: 0..0,
            line: 3,
            ecosystem: Ecosystem::Npm,
            package: "@babel/traverse".into(),
            version: "7.22.5".into(),
            advisory: a,
            fixed: Some("7.23.2".into()),
            via: vec!["a@1.0.0".into(), "@babel/traverse@7.22.5".into()],
            via_spans: Vec::new(),
        };
        let p = parse_message(&m.message()).expect("parses");
        assert_eq!(p.package, "@babel/traverse");
        assert_eq!(p.version, "7.22.5");
        assert_eq!(p.advisory, "T-1");
        assert_eq!(p.fixed.as_deref(), Some("7.23.2"));
        m.fixed = None;
        m.via.clear();
        let p = parse_message(&m.message()).expect("parses");
        assert_eq!(p.fixed, None);
        assert_eq!(parse_message("cannot read the OSV source (x): y"), None);
    }
}
