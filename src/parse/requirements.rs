//! Python dependency declarations with positions: pip requirements files
//! (`requirements*.txt`, constraints files, `.in` inputs) and `pyproject.toml`
//! (`[project] dependencies`, `[project.optional-dependencies]`,
//! `[tool.poetry.*dependencies]`, `[dependency-groups]`).
//!
//! The parsers never fail: a line they cannot read becomes [`Line::Other`] and the
//! rest of the file is still returned. Names are normalised per PEP 503
//! (`Foo_Bar.baz` → `foo-bar-baz`). Version semantics (a useful PEP 440 subset)
//! live in [`Version`] and [`SpecifierSet`], enough to tell whether two sets of
//! specifiers can be satisfied by one version.
//!
//! The SBOM command reuses this module: [`parse_requirements`] and
//! [`parse_pyproject`] return [`Requirement`]s with byte spans into the file.

use std::cmp::Ordering;
use std::ops::Range;

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// Name as written (`Django`).
    pub raw_name: String,
    /// PEP 503 normalised name (`django`).
    pub name: String,
    /// Extras (`requests[socks]` → `["socks"]`).
    pub extras: Vec<String>,
    /// Specifiers as written (`>=2.0,<3`), without spaces; empty when unpinned.
    pub specifier: String,
    /// Environment marker after `;`, trimmed; empty when none.
    pub marker: String,
    /// Direct reference (`name @ https://…`, `git+https://…#egg=name`), if any.
    pub url: Option<String>,
    /// `--hash=sha256:…` options on the line.
    pub hashes: Vec<String>,
    /// Byte span of the whole requirement in the file (first line of a continued one).
    pub span: Range<usize>,
    /// Byte span of the name.
    pub name_span: Range<usize>,
    /// Where it comes from in a pyproject (`project.dependencies`,
    /// `project.optional-dependencies.dev`, `tool.poetry.dependencies`…); empty in
    /// requirements files.
    pub group: String,
}

impl Requirement {
    /// Parsed specifier set (empty set = any version).
    pub fn specifiers(&self) -> SpecifierSet {
        SpecifierSet::parse(&self.specifier)
    }

    /// Pinned to exactly one version (`==1.2.3` without wildcard, or `===`).
    pub fn exact_pin(&self) -> Option<&str> {
        let s = self.specifier.as_str();
        if s.contains(',') {
            return None;
        }
        let v = s.strip_prefix("===").or_else(|| s.strip_prefix("=="))?;
        (!v.ends_with(".*")).then_some(v)
    }
}

/// One logical line of a requirements file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// A requirement.
    Requirement(Requirement),
    /// `-r other.txt` / `--requirement other.txt`.
    Include {
        /// The referenced path as written.
        path: String,
        /// Span of the line.
        span: Range<usize>,
    },
    /// `-c constraints.txt` / `--constraint constraints.txt`.
    Constraint {
        /// The referenced path as written.
        path: String,
        /// Span of the line.
        span: Range<usize>,
    },
    /// `-e path-or-url` (editable install).
    Editable {
        /// What follows `-e`.
        target: String,
        /// Span of the line.
        span: Range<usize>,
    },
    /// Any other option (`--index-url`, `--find-links`…) or an unreadable line.
    Other {
        /// Span of the line.
        span: Range<usize>,
    },
}

/// A parsed requirements file.
#[derive(Debug, Clone, Default)]
pub struct RequirementsFile {
    /// Logical lines, in order (comments and blank lines dropped).
    pub lines: Vec<Line>,
}

impl RequirementsFile {
    /// The requirements only.
    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        self.lines.iter().filter_map(|l| match l {
            Line::Requirement(r) => Some(r),
            _ => None,
        })
    }

    /// Paths included with `-r`.
    pub fn includes(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().filter_map(|l| match l {
            Line::Include { path, .. } => Some(path.as_str()),
            _ => None,
        })
    }

    /// Paths referenced with `-c`.
    pub fn constraints(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().filter_map(|l| match l {
            Line::Constraint { path, .. } => Some(path.as_str()),
            _ => None,
        })
    }
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Parses a pip requirements file. Comments (`#` at line start or after
/// whitespace) are dropped, `\` continuations joined (the span starts on the
/// first physical line).
pub fn parse_requirements(text: &str) -> RequirementsFile {
    let mut lines = Vec::new();
    let mut offset = 0;
    let mut logical = String::new();
    let mut logical_start: Option<usize> = None;
    // Map from logical-line byte offsets to file offsets: one segment per physical line.
    let mut segments: Vec<(usize, usize)> = Vec::new();
    for phys in text.split_inclusive('\n') {
        let start = offset;
        offset += phys.len();
        let body = phys.trim_end_matches(['\n', '\r']);
        let body = strip_comment(body);
        if logical_start.is_none() {
            logical_start = Some(start);
        }
        let (piece, cont) = match body.trim_end().strip_suffix('\\') {
            Some(p) => (p, true),
            None => (body, false),
        };
        segments.push((logical.len(), start));
        logical.push_str(piece);
        if cont {
            logical.push(' ');
            continue;
        }
        let ls = logical_start.take().unwrap_or(start);
        if let Some(l) = parse_line(&logical, ls, &segments) {
            lines.push(l);
        }
        logical.clear();
        segments.clear();
    }
    if let Some(ls) = logical_start {
        if let Some(l) = parse_line(&logical, ls, &segments) {
            lines.push(l);
        }
    }
    RequirementsFile { lines }
}

fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return &line[..i];
        }
    }
    line
}

fn to_file(segments: &[(usize, usize)], logical_off: usize) -> usize {
    let i = segments.partition_point(|(l, _)| *l <= logical_off);
    match i.checked_sub(1).and_then(|i| segments.get(i)) {
        Some((l, f)) => f + (logical_off - l),
        None => logical_off,
    }
}

fn parse_line(logical: &str, start: usize, segments: &[(usize, usize)]) -> Option<Line> {
    let lead = logical.len() - logical.trim_start().len();
    let t = logical.trim();
    if t.is_empty() {
        return None;
    }
    let span = to_file(segments, lead)..to_file(segments, lead + t.len()).max(start);
    let opt_value = |t: &str, short: &str, long: &str| -> Option<String> {
        for p in [short, long] {
            if let Some(rest) = t.strip_prefix(p) {
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                if rest.is_empty() || rest.starts_with([' ', '\t']) || p.len() == 2 {
                    return Some(rest.trim().to_string());
                }
            }
        }
        None
    };
    if t.starts_with('-') {
        if let Some(p) = opt_value(t, "-r", "--requirement") {
            return Some(Line::Include { path: p, span });
        }
        if let Some(p) = opt_value(t, "-c", "--constraint") {
            return Some(Line::Constraint { path: p, span });
        }
        if let Some(p) = opt_value(t, "-e", "--editable") {
            return Some(Line::Editable { target: p, span });
        }
        return Some(Line::Other { span });
    }
    match parse_requirement_str(t) {
        Some(mut r) => {
            r.span = span.clone();
            let ns = to_file(segments, lead + r.name_span.start);
            r.name_span = ns..ns + r.raw_name.len();
            Some(Line::Requirement(r))
        }
        None => Some(Line::Other { span }),
    }
}

/// Parses one PEP 508 requirement (`name[extra]>=1,<2; marker`), with pip's
/// per-line `--hash` options and `#egg=` URLs. Spans are relative to `s`.
pub fn parse_requirement_str(s: &str) -> Option<Requirement> {
    let mut body = s.trim();
    let lead = s.len() - s.trim_start().len();
    let mut hashes = Vec::new();
    // Per-requirement options (`--hash=sha256:…`, `--hash sha256:…`).
    if let Some(i) = body.find(" --") {
        let mut parts = body[i..].split_whitespace();
        while let Some(part) = parts.next() {
            if let Some(h) = part.strip_prefix("--hash=") {
                hashes.push(h.to_string());
            } else if part == "--hash" {
                if let Some(h) = parts.next() {
                    hashes.push(h.to_string());
                }
            }
        }
        body = body[..i].trim_end();
    }
    // URL-only form: git+https://…#egg=name
    if is_bare_url(body) {
        let egg = body.split("#egg=").nth(1)?;
        let name: String = egg
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if name.is_empty() {
            return None;
        }
        return Some(Requirement {
            name: normalize_name(&name),
            raw_name: name.clone(),
            extras: Vec::new(),
            specifier: String::new(),
            marker: String::new(),
            url: Some(body.to_string()),
            hashes,
            span: lead..lead + body.len(),
            name_span: lead..lead + name.len(),
            group: String::new(),
        });
    }
    let (main, marker) = match body.split_once(';') {
        Some((m, k)) => (m.trim_end(), k.trim().to_string()),
        None => (body, String::new()),
    };
    let name_len = main
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        .count();
    if name_len == 0 || !main.as_bytes()[0].is_ascii_alphanumeric() {
        return None;
    }
    let raw_name = main[..name_len].to_string();
    let mut rest = main[name_len..].trim_start();
    let mut extras = Vec::new();
    if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']')?;
        extras = r[..close]
            .split(',')
            .map(normalize_name)
            .filter(|e| !e.is_empty())
            .collect();
        rest = r[close + 1..].trim_start();
    }
    let mut url = None;
    let mut specifier = String::new();
    if let Some(u) = rest.strip_prefix('@') {
        url = Some(u.trim().to_string());
    } else {
        let spec = rest.trim_start_matches('(').trim_end_matches(')');
        if !spec.is_empty() {
            if !spec.starts_with(['=', '<', '>', '!', '~']) {
                return None;
            }
            specifier = spec.chars().filter(|c| !c.is_whitespace()).collect();
        }
    }
    Some(Requirement {
        name: normalize_name(&raw_name),
        raw_name,
        extras,
        specifier,
        marker,
        url,
        hashes,
        span: lead..lead + body.len(),
        name_span: lead..lead + name_len,
        group: String::new(),
    })
}

fn is_bare_url(s: &str) -> bool {
    [
        "git+", "hg+", "svn+", "bzr+", "http://", "https://", "file:",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

/// Dependencies declared in a `pyproject.toml`, with spans found in the text.
/// Returns an empty list when the file is not valid TOML.
pub fn parse_pyproject(text: &str) -> Vec<Requirement> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cursor = Cursor { text, from: 0 };
    let project = doc.get("project").and_then(|v| v.as_table());
    if let Some(p) = project {
        if let Some(deps) = p.get("dependencies").and_then(|d| d.as_array()) {
            cursor.seek_table("project");
            pep508_list(deps, "project.dependencies", &mut cursor, &mut out);
        }
        if let Some(opt) = p.get("optional-dependencies").and_then(|d| d.as_table()) {
            // The TOML table iterates groups by name, not in document order: find each
            // group's own key before its strings, or a dependency is placed in another group.
            for (group, deps) in opt {
                if let Some(deps) = deps.as_array() {
                    cursor.seek_group("project.optional-dependencies", group);
                    let g = format!("project.optional-dependencies.{group}");
                    pep508_list(deps, &g, &mut cursor, &mut out);
                }
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(|d| d.as_table()) {
        for (group, deps) in groups {
            if let Some(deps) = deps.as_array() {
                cursor.seek_group("dependency-groups", group);
                let g = format!("dependency-groups.{group}");
                pep508_list(deps, &g, &mut cursor, &mut out);
            }
        }
    }
    let poetry = doc
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(|p| p.as_table());
    if let Some(poetry) = poetry {
        let mut tables: Vec<(String, &toml::Table)> = Vec::new();
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(t) = poetry.get(key).and_then(|d| d.as_table()) {
                tables.push((format!("tool.poetry.{key}"), t));
            }
        }
        if let Some(groups) = poetry.get("group").and_then(|g| g.as_table()) {
            for (g, v) in groups {
                if let Some(t) = v.get("dependencies").and_then(|d| d.as_table()) {
                    tables.push((format!("tool.poetry.group.{g}.dependencies"), t));
                }
            }
        }
        for (group, table) in tables {
            cursor.from = 0;
            cursor.seek_table(&group);
            for (name, val) in table {
                if normalize_name(name) == "python" {
                    continue;
                }
                let (spec, url) = match val {
                    toml::Value::String(s) => (poetry_spec(s), None),
                    toml::Value::Table(t) => {
                        let v = t.get("version").and_then(|v| v.as_str()).unwrap_or("");
                        let url = t
                            .get("git")
                            .or_else(|| t.get("url"))
                            .or_else(|| t.get("path"))
                            .and_then(|v| v.as_str())
                            .map(str::to_string);
                        (poetry_spec(v), url)
                    }
                    _ => (String::new(), None),
                };
                let span = cursor.find_key(name);
                out.push(Requirement {
                    raw_name: name.clone(),
                    name: normalize_name(name),
                    extras: Vec::new(),
                    specifier: spec,
                    marker: String::new(),
                    url,
                    hashes: Vec::new(),
                    name_span: span.clone(),
                    span,
                    group: group.clone(),
                });
            }
        }
    }
    out
}

struct Cursor<'t> {
    text: &'t str,
    from: usize,
}

impl Cursor<'_> {
    fn seek_table(&mut self, dotted: &str) {
        let header = format!("[{dotted}]");
        if let Some(i) = self.text.find(&header) {
            self.from = i + header.len();
        }
    }

    /// Moves to the `group =` key of the `[table]` header (from the file start).
    fn seek_group(&mut self, table: &str, group: &str) {
        self.from = 0;
        self.seek_table(table);
        let key = self.find_key(group);
        if !key.is_empty() {
            self.from = key.end;
        }
    }

    /// Span of the next occurrence of a quoted string `s` after the cursor.
    fn find_string(&mut self, s: &str) -> Range<usize> {
        for q in ['"', '\''] {
            let needle = format!("{q}{s}{q}");
            if let Some(i) = self.text.get(self.from..).and_then(|t| t.find(&needle)) {
                let start = self.from + i + 1;
                self.from = start + s.len();
                return start..start + s.len();
            }
        }
        self.from..self.from
    }

    /// Span of a `key =` at a line start after the cursor.
    fn find_key(&mut self, key: &str) -> Range<usize> {
        let mut pos = self.from;
        for line in self
            .text
            .get(self.from..)
            .unwrap_or("")
            .split_inclusive('\n')
        {
            let t = line.trim_start();
            let lead = line.len() - t.len();
            let t2 = t.trim_start_matches(['"', '\'']);
            let q = t.len() - t2.len();
            if let Some(rest) = t2.strip_prefix(key) {
                let after = rest.trim_start_matches(['"', '\'']).trim_start();
                if after.starts_with('=') {
                    let s = pos + lead + q;
                    return s..s + key.len();
                }
            }
            pos += line.len();
        }
        self.from..self.from
    }
}

fn pep508_list(
    deps: &[toml::Value],
    group: &str,
    cursor: &mut Cursor<'_>,
    out: &mut Vec<Requirement>,
) {
    for d in deps {
        let Some(s) = d.as_str() else { continue };
        let span = cursor.find_string(s);
        if let Some(mut r) = parse_requirement_str(s) {
            let base = span.start;
            r.name_span = base + r.name_span.start..base + r.name_span.end;
            r.span = span;
            r.group = group.to_string();
            out.push(r);
        }
    }
}

/// Poetry constraint syntax to PEP 440 (`^1.2` → `>=1.2,<2.0`, `~1.2` → `>=1.2,<1.3`,
/// `1.2` → `==1.2`, `*` → any).
pub fn poetry_spec(s: &str) -> String {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() || s == "*" {
        return String::new();
    }
    let mut parts = Vec::new();
    for c in s.split(',') {
        if let Some(v) = c.strip_prefix('^') {
            let rel = Version::parse(v).map(|x| x.release).unwrap_or_default();
            let idx = rel
                .iter()
                .position(|&n| n != 0)
                .unwrap_or(rel.len().saturating_sub(1));
            let mut upper: Vec<u64> = rel.iter().take(idx + 1).copied().collect();
            if let Some(last) = upper.last_mut() {
                *last += 1;
            }
            parts.push(format!(">={v},<{}", join(&upper)));
        } else if let Some(v) = c.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            let rel = Version::parse(v).map(|x| x.release).unwrap_or_default();
            let mut upper: Vec<u64> = rel.iter().take(2.min(rel.len())).copied().collect();
            if upper.len() == 1 {
                upper[0] += 1;
            } else if let Some(last) = upper.last_mut() {
                *last += 1;
            }
            parts.push(format!(">={v},<{}", join(&upper)));
        } else if c.starts_with(|ch: char| ch.is_ascii_digit()) {
            parts.push(format!("=={c}"));
        } else {
            parts.push(c.to_string());
        }
    }
    parts.join(",")
}

fn join(v: &[u64]) -> String {
    v.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// A PEP 440 version, reduced to what ordering needs: epoch, release numbers,
/// pre-release (`a`/`b`/`rc` + number), post and dev numbers. Local versions
/// (`+cpu`) are ignored for ordering; `1.0 == 1.0.0`.
#[derive(Debug, Clone)]
pub struct Version {
    /// Epoch (`1!2.0` → 1).
    pub epoch: u64,
    /// Release segments.
    pub release: Vec<u64>,
    /// Pre-release: (0 = a, 1 = b, 2 = rc, number).
    pub pre: Option<(u8, u64)>,
    /// Post-release number.
    pub post: Option<u64>,
    /// Dev-release number.
    pub dev: Option<u64>,
}

impl Version {
    /// Parses a version; `None` when it is not PEP 440-like.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().to_ascii_lowercase();
        let s = s.strip_prefix('v').unwrap_or(&s);
        let s = s.split('+').next().unwrap_or("");
        let (epoch, s) = match s.split_once('!') {
            Some((e, r)) => (e.parse().ok()?, r),
            None => (0, s),
        };
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut release = Vec::new();
        loop {
            let st = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if st == i {
                return None;
            }
            release.push(s[st..i].parse().ok()?);
            if i < bytes.len()
                && bytes[i] == b'.'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            {
                i += 1;
            } else {
                break;
            }
        }
        let mut v = Version {
            epoch,
            release,
            pre: None,
            post: None,
            dev: None,
        };
        let mut rest = &s[i..];
        let num = |r: &str| -> (u64, usize) {
            let r2 = r.trim_start_matches(['.', '-', '_']);
            let skip = r.len() - r2.len();
            let d: String = r2.chars().take_while(|c| c.is_ascii_digit()).collect();
            (d.parse().unwrap_or(0), skip + d.len())
        };
        while !rest.is_empty() {
            let r = rest.trim_start_matches(['.', '-', '_']);
            let mut matched = false;
            for (tag, kind) in [
                ("alpha", 0u8),
                ("beta", 1),
                ("preview", 2),
                ("pre", 2),
                ("rc", 2),
                ("c", 2),
                ("a", 0),
                ("b", 1),
            ] {
                if let Some(after) = r.strip_prefix(tag) {
                    let (n, used) = num(after);
                    v.pre = Some((kind, n));
                    rest = &after[used..];
                    matched = true;
                    break;
                }
            }
            if matched {
                continue;
            }
            for tag in ["post", "rev", "r"] {
                if let Some(after) = r.strip_prefix(tag) {
                    let (n, used) = num(after);
                    v.post = Some(n);
                    rest = &after[used..];
                    matched = true;
                    break;
                }
            }
            if matched {
                continue;
            }
            if let Some(after) = r.strip_prefix("dev") {
                let (n, used) = num(after);
                v.dev = Some(n);
                rest = &after[used..];
                continue;
            }
            if rest.starts_with('-') && r.starts_with(|c: char| c.is_ascii_digit()) {
                let (n, used) = num(r);
                v.post = Some(n);
                rest = &r[used..];
                continue;
            }
            return None;
        }
        Some(v)
    }

    fn key(&self) -> VersionKey {
        let mut rel = self.release.clone();
        while rel.len() > 1 && rel.last() == Some(&0) {
            rel.pop();
        }
        // dev-only releases sort before pre-releases of the same release.
        let pre = match (self.pre, self.post, self.dev) {
            (Some((k, n)), _, _) => (1, u64::from(k) << 32 | n.min(u32::MAX as u64)),
            (None, None, Some(_)) => (0, 0),
            _ => (2, 0),
        };
        let post = match self.post {
            Some(n) => (1, n),
            None => (0, 0),
        };
        let dev = match self.dev {
            Some(n) => (0, n),
            None => (1, 0),
        };
        (self.epoch, rel, pre, post, dev)
    }

    fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }
}

/// Sort key of a version: epoch, trimmed release, pre, post, dev.
type VersionKey = (u64, Vec<u64>, (u8, u64), (u8, u64), (u8, u64));

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// Comparison operators of PEP 440.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `==` (with `wildcard` for `==1.2.*`).
    Eq,
    /// `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
    /// `~=`.
    Compatible,
    /// `===` (string equality).
    Arbitrary,
}

/// One `op version` clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    /// Operator.
    pub op: Op,
    /// Version operand.
    pub version: Version,
    /// `==1.2.*` / `!=1.2.*`.
    pub wildcard: bool,
}

impl Specifier {
    /// Whether `v` satisfies this clause (pre-releases are allowed: we compare
    /// declarations, not resolve them).
    pub fn contains(&self, v: &Version) -> bool {
        let prefix_match = |v: &Version| {
            let n = self.version.release.len();
            let mut r = v.release.clone();
            r.resize(r.len().max(n), 0);
            v.epoch == self.version.epoch && r[..n] == self.version.release[..]
        };
        match self.op {
            Op::Eq | Op::Arbitrary if self.wildcard => prefix_match(v),
            Op::Eq | Op::Arbitrary => v == &self.version,
            Op::Ne if self.wildcard => !prefix_match(v),
            Op::Ne => v != &self.version,
            Op::Lt => v < &self.version,
            Op::Le => v <= &self.version,
            Op::Gt => v > &self.version,
            Op::Ge => v >= &self.version,
            Op::Compatible => {
                if v < &self.version {
                    return false;
                }
                let n = self.version.release.len().saturating_sub(1).max(1);
                let mut r = v.release.clone();
                r.resize(r.len().max(n), 0);
                r[..n] == self.version.release[..n.min(self.version.release.len())]
            }
        }
    }
}

/// A comma-separated set of specifiers (all must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecifierSet {
    /// The clauses; empty = any version.
    pub specs: Vec<Specifier>,
    /// Clauses that could not be parsed (they make [`SpecifierSet::intersects`] answer true).
    pub unparsed: usize,
}

impl SpecifierSet {
    /// Parses `>=1.0,<2`; clauses it cannot read are counted in `unparsed`.
    pub fn parse(s: &str) -> SpecifierSet {
        let mut set = SpecifierSet::default();
        for c in s.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let (op, rest) = if let Some(r) = c.strip_prefix("===") {
                (Op::Arbitrary, r)
            } else if let Some(r) = c.strip_prefix("==") {
                (Op::Eq, r)
            } else if let Some(r) = c.strip_prefix("!=") {
                (Op::Ne, r)
            } else if let Some(r) = c.strip_prefix("~=") {
                (Op::Compatible, r)
            } else if let Some(r) = c.strip_prefix("<=") {
                (Op::Le, r)
            } else if let Some(r) = c.strip_prefix(">=") {
                (Op::Ge, r)
            } else if let Some(r) = c.strip_prefix('<') {
                (Op::Lt, r)
            } else if let Some(r) = c.strip_prefix('>') {
                (Op::Gt, r)
            } else {
                set.unparsed += 1;
                continue;
            };
            let (vtext, wildcard) = match rest.trim().strip_suffix(".*") {
                Some(v) => (v, true),
                None => (rest.trim(), false),
            };
            match Version::parse(vtext) {
                Some(version) => set.specs.push(Specifier {
                    op,
                    version,
                    wildcard,
                }),
                None => set.unparsed += 1,
            }
        }
        set
    }

    /// Whether `v` satisfies every clause.
    pub fn contains(&self, v: &Version) -> bool {
        self.specs.iter().all(|s| s.contains(v))
    }

    /// Whether some version can satisfy both sets. Exact where it matters for
    /// declarations: candidates are every operand, a version just above each
    /// operand, and the successor prefixes of wildcard and `~=` clauses.
    pub fn intersects(&self, other: &SpecifierSet) -> bool {
        if self.unparsed > 0 || other.unparsed > 0 {
            return true;
        }
        let mut cands: Vec<Version> = vec![Version::parse("0").unwrap_or(Version {
            epoch: 0,
            release: vec![0],
            pre: None,
            post: None,
            dev: None,
        })];
        for s in self.specs.iter().chain(other.specs.iter()) {
            let v = &s.version;
            cands.push(v.clone());
            let mut up = v.clone();
            up.pre = None;
            up.dev = None;
            up.post = None;
            up.release.resize(12, 0);
            up.release.push(1);
            cands.push(up);
            if !v.is_prerelease() {
                let mut big = v.clone();
                if let Some(l) = big.release.last_mut() {
                    *l += 1;
                }
                cands.push(big);
            }
            let mut far = v.clone();
            far.release = vec![v.release.first().copied().unwrap_or(0) + 1000];
            cands.push(far);
        }
        cands.iter().any(|c| self.contains(c) && other.contains(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise() {
        assert_eq!(normalize_name("Foo_Bar.baz"), "foo-bar-baz");
        assert_eq!(normalize_name("PyYAML"), "pyyaml");
        assert_eq!(normalize_name("a--b"), "a-b");
    }

    #[test]
    fn requirements_lines() {
        let text = "# top\nrequests[socks]==2.31.0 ; python_version >= \"3.8\"  # pinned\n-r base.txt\n-c constraints.txt\n--index-url https://x\nnumpy>=1.24,<2 \\\n    --hash=sha256:abc\ngit+https://github.com/org/pkg.git@v1#egg=my_pkg\nflask @ https://example.com/flask.whl\n-e .\r\nDjango\n";
        let f = parse_requirements(text);
        let reqs: Vec<_> = f.requirements().collect();
        assert_eq!(reqs.len(), 5);
        assert_eq!(reqs[0].name, "requests");
        assert_eq!(reqs[0].extras, vec!["socks"]);
        assert_eq!(reqs[0].specifier, "==2.31.0");
        assert_eq!(reqs[0].marker, "python_version >= \"3.8\"");
        assert_eq!(&text[reqs[0].name_span.clone()], "requests");
        assert_eq!(reqs[1].name, "numpy");
        assert_eq!(reqs[1].specifier, ">=1.24,<2");
        assert_eq!(reqs[1].hashes, vec!["sha256:abc"]);
        assert_eq!(&text[reqs[1].name_span.clone()], "numpy");
        assert_eq!(reqs[2].name, "my-pkg");
        assert!(reqs[2].url.is_some());
        assert_eq!(reqs[3].name, "flask");
        assert!(reqs[3].url.is_some());
        assert_eq!(reqs[4].raw_name, "Django");
        assert_eq!(&text[reqs[4].name_span.clone()], "Django");
        assert_eq!(f.includes().collect::<Vec<_>>(), vec!["base.txt"]);
        assert_eq!(f.constraints().collect::<Vec<_>>(), vec!["constraints.txt"]);
        assert_eq!(reqs[0].exact_pin(), Some("2.31.0"));
        assert_eq!(reqs[1].exact_pin(), None);
    }

    #[test]
    fn pyproject_extras_are_placed_in_their_own_group() {
        // Groups out of alphabetical order: `bots` comes before `aws` in the file.
        let text = "[project]\nname = \"x\"\ndependencies = [\"requests>=2.31\"]\n\n[project.optional-dependencies]\nbots = [\n    \"requests>=2.28\",\n    \"slack-sdk>=3\",\n]\naws = [\n    \"boto3>=1.34\",\n    \"requests>=2.30\",\n]\n";
        let reqs = parse_pyproject(text);
        let line_of = |r: &Requirement| text[..r.name_span.start].matches('\n').count() + 1;
        let at: Vec<(String, String, usize)> = reqs
            .iter()
            .map(|r| (r.group.clone(), r.specifier.clone(), line_of(r)))
            .collect();
        assert!(
            at.contains(&(
                "project.optional-dependencies.aws".into(),
                ">=2.30".into(),
                12
            )),
            "{at:?}"
        );
        assert!(
            at.contains(&(
                "project.optional-dependencies.bots".into(),
                ">=2.28".into(),
                7
            )),
            "{at:?}"
        );
        assert!(
            at.contains(&("project.dependencies".into(), ">=2.31".into(), 3)),
            "{at:?}"
        );
    }

    #[test]
    fn no_final_newline_and_garbage() {
        let f = parse_requirements("pandas==2.0\n???\n\u{e9}t\u{e9}==1");
        let names: Vec<_> = f.requirements().map(|r| r.name.clone()).collect();
        assert_eq!(names, vec!["pandas"]);
        assert_eq!(f.lines.len(), 3);
    }

    #[test]
    fn pyproject_project_and_poetry() {
        let text = r#"
[project]
name = "x"
dependencies = ["requests>=2", 'pyyaml==6.0.1']

[project.optional-dependencies]
dev = ["pytest>=7"]

[tool.poetry.dependencies]
python = "^3.10"
numpy = "^1.24"
pandas = { version = "~2.1", extras = ["xls"] }
"#;
        let reqs = parse_pyproject(text);
        let names: Vec<_> = reqs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["requests", "pyyaml", "pytest", "numpy", "pandas"]
        );
        assert_eq!(&text[reqs[1].name_span.clone()], "pyyaml");
        assert_eq!(&text[reqs[3].name_span.clone()], "numpy");
        assert_eq!(reqs[3].specifier, ">=1.24,<2");
        assert_eq!(reqs[4].specifier, ">=2.1,<2.2");
        assert_eq!(reqs[2].group, "project.optional-dependencies.dev");
        assert!(parse_pyproject("not [ toml").is_empty());
    }

    #[test]
    fn versions_order() {
        let v = |s| Version::parse(s).unwrap();
        assert!(v("1.0") == v("1.0.0"));
        assert!(v("1.0a1") < v("1.0"));
        assert!(v("1.0.dev1") < v("1.0a1"));
        assert!(v("1.0") < v("1.0.post1"));
        assert!(v("1.10") > v("1.9"));
        assert!(v("1!0.1") > v("2.0"));
        assert!(Version::parse("abc").is_none());
    }

    #[test]
    fn specifier_intersections() {
        let s = SpecifierSet::parse;
        assert!(!s("==2.1").intersects(&s("==2.3")));
        assert!(!s(">=2.0").intersects(&s("<1.9")));
        assert!(!s("==1.2").intersects(&s(">=1.5")));
        assert!(s(">=1.0").intersects(&s("<2")));
        assert!(s("==2.1.0").intersects(&s("==2.1")));
        assert!(s("~=2.1").intersects(&s("==2.9")));
        assert!(!s("~=2.1").intersects(&s("==3.0")));
        assert!(s("==1.*").intersects(&s(">=1.5")));
        assert!(!s("==1.*").intersects(&s(">=2")));
        assert!(s(">1.0").intersects(&s("<1.0.1")));
        assert!(!s(">=1.0,<1.0").intersects(&s("")));
        assert!(s("weird").intersects(&s("==1")));
    }
}
