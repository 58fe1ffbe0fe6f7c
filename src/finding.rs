//! What a rule reports: findings, their severity, related locations and fixes.

use std::borrow::Borrow;
use std::fmt;
use std::ops::{Deref, Range};
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::Region;

/// How bad a finding is. Ordered so that `Critical > High > … > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a build by default.
    Info,
    /// Hygiene: fix when touching the file.
    Low,
    /// A real weakness that should be planned.
    Medium,
    /// Fix before release.
    High,
    /// Fix before anything else: exploitable or destroys data.
    Critical,
}

impl Severity {
    /// All severities from most to least severe, for summaries.
    pub const ALL_DESC: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Lower-case name used in config, JSON and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// Whether applying a fix can change what the program does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Keeps behaviour; `harden fix` applies it by default.
    Safe,
    /// May change behaviour; applied only with `--unsafe`, with the reason shown.
    Unsafe,
}

/// One replacement of a byte range in the finding's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the host file to replace (empty for an insertion).
    pub range: Range<usize>,
    /// Replacement text.
    pub replacement: String,
}

/// A fix is data: non-overlapping edits of one file, a title and a safety level
/// ([`FixParts`], read through the fix: `fix.title`, `fix.edits`). The parts are boxed:
/// most findings carry no fix, and a large scan holds every finding at once (inline,
/// a fix made each finding about 100 bytes larger).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix(Box<FixParts>);

impl std::ops::Deref for Fix {
    type Target = FixParts;
    fn deref(&self) -> &FixParts {
        &self.0
    }
}

impl std::ops::DerefMut for Fix {
    fn deref_mut(&mut self) -> &mut FixParts {
        &mut self.0
    }
}

/// What a [`Fix`] says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixParts {
    /// Imperative one-line description ("Add --no-install-recommends"); shared, as the
    /// finding's strings are (most fixes of a rule say the same).
    pub title: SharedStr,
    /// Safe fixes apply by default, unsafe ones need `--unsafe`.
    pub safety: Safety,
    /// Why an unsafe fix is unsafe (shown to the user); empty for safe fixes.
    pub caveat: SharedStr,
    /// Edits sorted by start and non-overlapping.
    pub edits: Vec<Edit>,
    /// The file the edits apply to when it is not the finding's own (a repository-level
    /// finding whose fix creates `SECURITY.md`); `None`: the finding's file.
    pub target: Option<String>,
}

impl Fix {
    /// A fix that keeps behaviour.
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Fix(Box::new(FixParts {
            title: SharedStr::from(title.into()),
            safety: Safety::Safe,
            caveat: SharedStr::default(),
            edits: normalize_edits(edits),
            target: None,
        }))
    }

    /// A fix that may change behaviour, with the reason.
    pub fn unsafe_because(
        title: impl Into<String>,
        caveat: impl Into<String>,
        edits: Vec<Edit>,
    ) -> Self {
        Fix(Box::new(FixParts {
            title: SharedStr::from(title.into()),
            safety: Safety::Unsafe,
            caveat: SharedStr::from(caveat.into()),
            edits: normalize_edits(edits),
            target: None,
        }))
    }

    /// The same fix applied to `path` instead of the finding's file (the file a
    /// repository-level finding's fix creates).
    pub fn in_file(mut self, path: impl Into<String>) -> Self {
        self.target = Some(path.into());
        self
    }
}

fn normalize_edits(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    edits.dedup();
    edits
}

/// A shared, immutable string: a finding's path, message and snippet. A large scan holds
/// every finding at once, and most of those strings repeat (93k findings on the 50k-file
/// benchmark tree have 39k distinct paths, 39k distinct messages and 26k distinct
/// snippets): one copy of each is kept ([`Interner`]), in a 16-byte field instead of a
/// 24-byte `String`. Reads like a `&str`; the rare edit ([`SharedStr::push_str`]) makes
/// a new copy.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SharedStr(Arc<str>);

/// The path of a finding or related location, relative to the scanned root.
pub type FilePath = SharedStr;

impl SharedStr {
    /// The path as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `other` is the same allocation (shared, not just equal).
    pub fn ptr_eq(&self, other: &SharedStr) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Appends `s` (a new copy of the whole string: edits are rare, reads are many).
    pub fn push_str(&mut self, s: &str) {
        let mut text = String::with_capacity(self.0.len() + s.len());
        text.push_str(&self.0);
        text.push_str(s);
        self.0 = Arc::from(text);
    }

    /// Shortens to `len` bytes (a new copy), as `String::truncate`; panics if `len` is
    /// not on a character boundary, as it does.
    pub fn truncate(&mut self, len: usize) {
        if len < self.0.len() {
            self.0 = Arc::from(&self.0[..len]);
        }
    }
}

/// One copy of each distinct string: a scan passes every finding's path, message and
/// snippet through it as the finding is filed, so equal strings share one allocation.
#[derive(Default)]
pub struct Interner(std::collections::HashSet<SharedStr>);

impl Interner {
    /// The shared copy equal to `s`, kept if it is the first.
    pub fn intern(&mut self, s: &mut SharedStr) {
        match self.0.get(s.as_str()) {
            Some(kept) => {
                if !kept.ptr_eq(s) {
                    *s = kept.clone();
                }
            }
            None => {
                self.0.insert(s.clone());
            }
        }
    }

    /// Shares the strings of `f` and of its related locations.
    pub fn intern_finding(&mut self, f: &mut Finding) {
        self.intern(&mut f.path);
        self.intern(&mut f.message);
        self.intern(&mut f.snippet);
        for r in &mut f.related {
            self.intern(&mut r.path);
        }
        if let Some(fix) = &mut f.fix {
            self.intern(&mut fix.title);
            self.intern(&mut fix.caveat);
        }
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::path::Path> for SharedStr {
    fn as_ref(&self) -> &std::path::Path {
        std::path::Path::new(&*self.0)
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr(Arc::from(s.as_str()))
    }
}

impl From<&SharedStr> for String {
    fn from(p: &SharedStr) -> Self {
        p.0.to_string()
    }
}

impl From<SharedStr> for String {
    fn from(p: SharedStr) -> Self {
        p.0.to_string()
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A secondary location that supports a finding (another copy of a credential, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Path relative to the scanned root.
    pub path: FilePath,
    /// Byte range in that file.
    pub span: Range<usize>,
    /// Resolved position, filled in by the engine.
    pub region: Region,
    /// What this location shows.
    pub message: String,
}

/// A finding's related locations. Most findings have none (86% of the 93k findings of
/// the 50k-file benchmark tree), and a scan holds every finding at once: an empty list
/// is one null pointer (8 bytes) instead of an empty `Vec`'s 24. Reads and edits like a
/// `Vec<Related>` (it derefs to a slice; `push`, `extend`, `retain`, `collect`).
#[derive(Clone, Default, PartialEq, Eq)]
#[allow(clippy::box_collection)] // the box is the point: 8 bytes when empty, not 24
pub struct RelatedList(Option<Box<Vec<Related>>>);

impl RelatedList {
    /// An empty list (allocates nothing).
    pub const fn new() -> Self {
        RelatedList(None)
    }

    /// Appends a location.
    pub fn push(&mut self, r: Related) {
        self.0.get_or_insert_with(Box::default).push(r);
    }

    /// Keeps the locations `keep` accepts, as `Vec::retain`.
    pub fn retain(&mut self, keep: impl FnMut(&Related) -> bool) {
        if let Some(v) = &mut self.0 {
            v.retain(keep);
            if v.is_empty() {
                self.0 = None;
            }
        }
    }

    /// Shortens to `len` locations, as `Vec::truncate`.
    pub fn truncate(&mut self, len: usize) {
        if let Some(v) = &mut self.0 {
            v.truncate(len);
            if v.is_empty() {
                self.0 = None;
            }
        }
    }

    /// Removes every location.
    pub fn clear(&mut self) {
        self.0 = None;
    }

    /// The locations as a `Vec` (moved out, the list left empty).
    pub fn take(&mut self) -> Vec<Related> {
        self.0.take().map(|b| *b).unwrap_or_default()
    }
}

impl fmt::Debug for RelatedList {
    /// As the `Vec` it stands for: `[..]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl Deref for RelatedList {
    type Target = [Related];
    fn deref(&self) -> &[Related] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl std::ops::DerefMut for RelatedList {
    fn deref_mut(&mut self) -> &mut [Related] {
        match &mut self.0 {
            Some(v) => v.as_mut_slice(),
            None => &mut [],
        }
    }
}

impl From<Vec<Related>> for RelatedList {
    fn from(v: Vec<Related>) -> Self {
        if v.is_empty() {
            RelatedList(None)
        } else {
            RelatedList(Some(Box::new(v)))
        }
    }
}

impl From<RelatedList> for Vec<Related> {
    fn from(mut l: RelatedList) -> Self {
        l.take()
    }
}

impl FromIterator<Related> for RelatedList {
    fn from_iter<I: IntoIterator<Item = Related>>(iter: I) -> Self {
        RelatedList::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl Extend<Related> for RelatedList {
    fn extend<I: IntoIterator<Item = Related>>(&mut self, iter: I) {
        let mut iter = iter.into_iter().peekable();
        if iter.peek().is_some() {
            self.0.get_or_insert_with(Box::default).extend(iter);
        }
    }
}

impl IntoIterator for RelatedList {
    type Item = Related;
    type IntoIter = std::vec::IntoIter<Related>;
    fn into_iter(mut self) -> Self::IntoIter {
        self.take().into_iter()
    }
}

impl<'a> IntoIterator for &'a RelatedList {
    type Item = &'a Related;
    type IntoIter = std::slice::Iter<'a, Related>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut RelatedList {
    type Item = &'a mut Related;
    type IntoIter = std::slice::IterMut<'a, Related>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl PartialEq<Vec<Related>> for RelatedList {
    fn eq(&self, other: &Vec<Related>) -> bool {
        **self == **other
    }
}

/// One problem, with evidence.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Stable rule id, `family/name`.
    pub rule: &'static str,
    /// Severity after config overrides.
    pub severity: Severity,
    /// One line saying what is wrong here and why it matters.
    pub message: SharedStr,
    /// Path relative to the scanned root, forward slashes.
    pub path: FilePath,
    /// Byte range in the file; `0..0` for file-level findings.
    pub span: Range<usize>,
    /// Line/column of `span`, resolved by the engine before output.
    pub region: Region,
    /// The offending source line(s); rules that handle secrets set it redacted.
    pub snippet: SharedStr,
    /// Other locations that belong to the same problem.
    pub related: RelatedList,
    /// The finding stands for a group of places, one per instance (the services of one
    /// compose file, the unpinned `uses:` of one workflow, the broken links of one
    /// document): its related locations are further instances, not context. The plan
    /// estimates it by its places, and its fingerprint leaves the member list out so
    /// fixing one member does not make the group look new. Set on every finding of a
    /// grouping rule, a group of one included.
    pub grouped: bool,
    /// An automated fix, when one is safe to express.
    pub fix: Option<Fix>,
}

/// The path of a finding about the repository as a whole (no security policy, no
/// dependency updates): the scanned root itself. Such a finding has no line (0) and no
/// snippet; every output shows it in a "repository" place instead of claiming a line of
/// a file that does not exist (docs/json-output.md, SARIF in `output/sarif.rs`).
pub const REPOSITORY_PATH: &str = ".";

impl Finding {
    /// Whether the finding is about the repository as a whole, not a place in a file.
    pub fn is_repository_level(&self) -> bool {
        self.path == REPOSITORY_PATH
    }

    /// How many places the finding stands for: 1, or 1 + its related locations when
    /// it is [`grouped`](Finding::grouped).
    pub fn places(&self) -> usize {
        if self.grouped {
            1 + self.related.len()
        } else {
            1
        }
    }

    /// The file a fix of this finding edits or creates.
    pub fn fix_path(&self) -> &str {
        self.fix
            .as_ref()
            .and_then(|f| f.target.as_deref())
            .unwrap_or(&self.path)
    }

    /// Compares for deterministic output: path, line, column, rule, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.path,
            self.region.start.line,
            self.region.start.column,
            self.rule,
            &self.message,
        )
    }

    /// Fingerprint that survives line shifts: rule, path, the whitespace-normalised
    /// snippet and the message with digit runs masked (so "in 9 files" → "in 10 files"
    /// or a quoted line number does not make an old finding look new). A grouped
    /// finding hashes only its rule, path and severity: its snippet is the first
    /// member's line and its message lists the members, so either changes when one
    /// member is fixed while the group (one per file and severity) is still there.
    /// Used by baselines and SARIF `partialFingerprints`.
    pub fn fingerprint(&self) -> String {
        if self.grouped {
            let mut h = Fnv64::default();
            for part in [
                "group",
                self.rule,
                self.path.as_str(),
                self.severity.as_str(),
            ] {
                h.write(part.as_bytes());
                h.write(b"\0");
            }
            return format!("{:016x}", h.finish());
        }
        let snippet: Vec<&str> = self.snippet.split_whitespace().collect();
        let mut message = String::with_capacity(self.message.len());
        let mut in_digits = false;
        for c in self.message.chars() {
            if c.is_ascii_digit() {
                if !in_digits {
                    message.push('#');
                }
                in_digits = true;
            } else {
                message.push(c);
                in_digits = false;
            }
        }
        let mut h = Fnv64::default();
        for part in [self.rule, self.path.as_str(), &snippet.join(" "), &message] {
            h.write(part.as_bytes());
            h.write(b"\0");
        }
        format!("{:016x}", h.finish())
    }
}

/// FNV-1a, 64 bit: a tiny stable hash for fingerprints (std's hasher is not stable across releases).
#[derive(Debug)]
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The hash so far.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("severe".parse::<Severity>().is_err());
    }

    fn finding(message: &str, snippet: &str, grouped: bool) -> Finding {
        Finding {
            rule: "compose/missing-healthcheck",
            severity: Severity::Low,
            message: message.to_string().into(),
            path: "docker-compose.yml".into(),
            span: 0..0,
            region: Region::default(),
            snippet: snippet.to_string().into(),
            related: RelatedList::new(),
            grouped,
            fix: None,
        }
    }

    #[test]
    fn a_grouped_finding_keeps_its_fingerprint_when_a_member_is_fixed() {
        let three = finding("3 services (`db`, `api`, `worker`)", "db:", true);
        let two = finding("2 services (`api`, `worker`)", "api:", true);
        assert_eq!(three.fingerprint(), two.fingerprint());
        let mut high = two.clone();
        high.severity = Severity::High;
        assert_ne!(two.fingerprint(), high.fingerprint());
        // A plain finding still changes with its line and message.
        let a = finding("service `db`", "db:", false);
        let b = finding("service `api`", "api:", false);
        assert_ne!(a.fingerprint(), b.fingerprint());
    }
}
