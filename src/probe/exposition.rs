//! A parser of the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0
//! text, written against both specifications because what the probe needs is what
//! the scraper sees: every line that would fail a scrape, with its line number,
//! plus the families, their declared types, HELP, and samples.
//!
//! It never stops at the first error: a bad line is recorded and skipped so one
//! report lists every problem (up to [`MAX_ERRORS`]). Prometheus 3's quoted UTF-8
//! names (`{"my.metric",label="v"}`) are accepted.

use std::collections::HashMap;

/// Errors kept per document; past this the rest are counted, not stored.
pub const MAX_ERRORS: usize = 50;

/// Which text format a document is in (decided by the response content type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `text/plain; version=0.0.4`, what most client libraries serve by default.
    Prometheus,
    /// `application/openmetrics-text`: `# EOF`, `_total` counters, `# UNIT`, exemplars.
    OpenMetrics,
}

/// A metric family's declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetricType {
    /// Monotonic total.
    Counter,
    /// Value that goes up and down.
    Gauge,
    /// Buckets, `_sum`, `_count`.
    Histogram,
    /// OpenMetrics gauge histogram (`_gcount`, `_gsum`).
    GaugeHistogram,
    /// Quantiles, `_sum`, `_count`.
    Summary,
    /// OpenMetrics info (`_info`).
    Info,
    /// OpenMetrics state set.
    StateSet,
    /// No `# TYPE` line, or `untyped` / `unknown`.
    Unknown,
}

impl MetricType {
    fn parse(s: &str, dialect: Dialect) -> Option<MetricType> {
        Some(match (s, dialect) {
            ("counter", _) => MetricType::Counter,
            ("gauge", _) => MetricType::Gauge,
            ("histogram", _) => MetricType::Histogram,
            ("summary", _) => MetricType::Summary,
            ("untyped", Dialect::Prometheus) | ("unknown", Dialect::OpenMetrics) => {
                MetricType::Unknown
            }
            ("gaugehistogram", Dialect::OpenMetrics) => MetricType::GaugeHistogram,
            ("info", Dialect::OpenMetrics) => MetricType::Info,
            ("stateset", Dialect::OpenMetrics) => MetricType::StateSet,
            _ => return None,
        })
    }

    /// Lower-case name as written in `# TYPE`.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::GaugeHistogram => "gaugehistogram",
            MetricType::Summary => "summary",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
            MetricType::Unknown => "untyped",
        }
    }

    /// Sample-name suffixes a family of this type may use besides its own name.
    fn suffixes(self, dialect: Dialect) -> &'static [&'static str] {
        match (self, dialect) {
            (MetricType::Counter, Dialect::OpenMetrics) => &["_total", "_created"],
            (MetricType::Counter, Dialect::Prometheus) => &[],
            (MetricType::Histogram, _) => &["_bucket", "_count", "_sum", "_created"],
            (MetricType::GaugeHistogram, _) => &["_bucket", "_gcount", "_gsum"],
            (MetricType::Summary, _) => &["_count", "_sum", "_created"],
            (MetricType::Info, _) => &["_info"],
            _ => &[],
        }
    }
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Full sample name (`http_requests_total`, `latency_bucket`).
    pub name: String,
    /// Labels in the order written.
    pub labels: Vec<(String, String)>,
    /// The value (NaN and ±Inf allowed).
    pub value: f64,
    /// 1-based line.
    pub line: usize,
}

/// A metric family: metadata and the samples grouped under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Family name (OpenMetrics: without `_total`/`_info`; Prometheus text: as in `# TYPE`).
    pub name: String,
    /// Declared type; [`MetricType::Unknown`] when there was no `# TYPE`.
    pub kind: MetricType,
    /// Whether a `# TYPE` line declared it.
    pub typed: bool,
    /// `# HELP` text, unescaped.
    pub help: Option<String>,
    /// `# UNIT` (OpenMetrics).
    pub unit: Option<String>,
    /// Samples in document order.
    pub samples: Vec<Sample>,
    /// 1-based line of the first line of the family.
    pub line: usize,
}

/// A problem with a line: a scrape error (the scraper rejects the document) or a
/// lint (accepted, but wrong by the specification or the conventions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A parsed document.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    /// Families in order of first appearance.
    pub families: Vec<Family>,
    /// Lines a scraper would reject (the whole scrape fails on them).
    pub errors: Vec<Problem>,
    /// Errors beyond [`MAX_ERRORS`], counted only.
    pub errors_dropped: usize,
    /// Accepted but wrong: duplicate series, histograms without `+Inf`, interleaved families.
    pub lints: Vec<Problem>,
    /// Number of sample lines parsed.
    pub sample_count: usize,
}

impl Exposition {
    fn error(&mut self, line: usize, message: impl Into<String>) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(Problem {
                line,
                message: message.into(),
            });
        } else {
            self.errors_dropped += 1;
        }
    }

    fn lint(&mut self, line: usize, message: impl Into<String>) {
        if self.lints.len() < MAX_ERRORS {
            self.lints.push(Problem {
                line,
                message: message.into(),
            });
        }
    }
}

/// Parses `text` as `dialect`.
pub fn parse(text: &str, dialect: Dialect) -> Exposition {
    let mut p = Parser {
        dialect,
        out: Exposition::default(),
        by_name: HashMap::new(),
        current: None,
        series: HashMap::new(),
        closed: Vec::new(),
    };
    let lines: Vec<&str> = text.split('\n').collect();
    // A final newline ends the last line; it does not open an empty one.
    let count = if text.ends_with('\n') {
        lines.len() - 1
    } else {
        lines.len()
    };
    let mut saw_eof = false;
    for (i, raw) in lines.iter().take(count).enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if saw_eof {
            p.out.error(n, "content after `# EOF`");
            break;
        }
        if dialect == Dialect::OpenMetrics && line == "# EOF" {
            saw_eof = true;
            continue;
        }
        p.line(n, line);
    }
    p.finish();
    if dialect == Dialect::OpenMetrics && !saw_eof {
        p.out.error(
            count.max(1),
            "OpenMetrics document does not end with `# EOF`",
        );
    }
    p.out
}

struct Parser {
    dialect: Dialect,
    out: Exposition,
    /// Family name → index in `out.families`.
    by_name: HashMap<String, usize>,
    /// Index of the family the last line belonged to.
    current: Option<usize>,
    /// (sample name, sorted labels) → first line, to find duplicate series.
    series: HashMap<(String, Vec<(String, String)>), usize>,
    /// Families that had samples and were then left (for interleaving checks).
    closed: Vec<bool>,
}

impl Parser {
    fn line(&mut self, n: usize, line: &str) {
        let trimmed = if self.dialect == Dialect::Prometheus {
            line.trim_matches([' ', '\t'])
        } else {
            line
        };
        if trimmed.is_empty() {
            if self.dialect == Dialect::OpenMetrics {
                self.out.error(n, "empty line (OpenMetrics allows none)");
            }
            return;
        }
        if let Some(rest) = trimmed.strip_prefix('#') {
            self.comment(n, rest);
        } else {
            self.sample(n, trimmed);
        }
    }

    fn comment(&mut self, n: usize, rest: &str) {
        let rest = rest.trim_start_matches([' ', '\t']);
        let (keyword, after) = split_token(rest);
        if !matches!(keyword, "HELP" | "TYPE" | "UNIT") {
            if self.dialect == Dialect::OpenMetrics {
                self.out.error(
                    n,
                    format!(
                        "unknown comment `# {keyword}` (OpenMetrics allows HELP, TYPE, UNIT, EOF)"
                    ),
                );
            }
            return;
        }
        if keyword == "UNIT" && self.dialect == Dialect::Prometheus {
            return; // a plain comment in the 0.0.4 format
        }
        let after = after.trim_start_matches([' ', '\t']);
        let (name, value) = match read_name(after) {
            Some((name, used)) => (name, after[used..].trim_start_matches([' ', '\t'])),
            None => {
                self.out
                    .error(n, format!("`# {keyword}` without a valid metric name"));
                return;
            }
        };
        let idx = match self.by_name.get(&name) {
            Some(&i) => {
                if !self.out.families[i].samples.is_empty() && keyword == "TYPE" {
                    self.out.error(
                        n,
                        format!("`# TYPE {name}` after samples of `{name}` (must come first)"),
                    );
                    return;
                }
                i
            }
            None => self.new_family(&name, n),
        };
        self.enter(idx, n);
        let fam = &mut self.out.families[idx];
        match keyword {
            "HELP" => {
                if fam.help.is_some() {
                    self.out
                        .error(n, format!("second `# HELP` line for `{name}`"));
                    return;
                }
                fam.help = Some(unescape_help(value));
            }
            "TYPE" => {
                if fam.typed {
                    self.out
                        .error(n, format!("second `# TYPE` line for `{name}`"));
                    return;
                }
                let word = value.trim_end_matches([' ', '\t']);
                match MetricType::parse(word, self.dialect) {
                    Some(t) => {
                        fam.kind = t;
                        fam.typed = true;
                    }
                    None => self
                        .out
                        .error(n, format!("unknown metric type `{word}` for `{name}`")),
                }
            }
            _ => {
                if fam.unit.is_some() {
                    self.out
                        .error(n, format!("second `# UNIT` line for `{name}`"));
                    return;
                }
                fam.unit = Some(value.to_string());
            }
        }
    }

    fn new_family(&mut self, name: &str, line: usize) -> usize {
        let idx = self.out.families.len();
        self.out.families.push(Family {
            name: name.to_string(),
            kind: MetricType::Unknown,
            typed: false,
            help: None,
            unit: None,
            samples: Vec::new(),
            line,
        });
        self.closed.push(false);
        self.by_name.insert(name.to_string(), idx);
        idx
    }

    /// Marks `idx` as the family being read; notes interleaving.
    fn enter(&mut self, idx: usize, n: usize) {
        if self.current == Some(idx) {
            return;
        }
        if let Some(prev) = self.current {
            if !self.out.families[prev].samples.is_empty() {
                self.closed[prev] = true;
            }
        }
        if self.closed[idx] {
            let name = self.out.families[idx].name.clone();
            let msg = format!("lines of `{name}` are not grouped together");
            if self.dialect == Dialect::OpenMetrics {
                self.out.error(n, msg);
            } else {
                self.out.lint(n, msg);
            }
            self.closed[idx] = false;
        }
        self.current = Some(idx);
    }

    /// The family a sample name belongs to: the current family if the name fits
    /// it, else a family declared by metadata whose name plus a suffix of its
    /// type gives the name, else a new untyped family.
    fn family_for(&mut self, name: &str, n: usize) -> usize {
        if let Some(i) = self.current {
            if self.fits(i, name) {
                return i;
            }
        }
        if let Some(&i) = self.by_name.get(name) {
            if self.fits(i, name) {
                return i;
            }
        }
        for suffix in [
            "_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info",
        ] {
            if let Some(base) = name.strip_suffix(suffix) {
                if let Some(&i) = self.by_name.get(base) {
                    if self.fits(i, name) {
                        return i;
                    }
                }
            }
        }
        self.new_family(name, n)
    }

    fn fits(&self, i: usize, name: &str) -> bool {
        let fam = &self.out.families[i];
        if fam.name == name {
            return true;
        }
        name.strip_prefix(fam.name.as_str())
            .is_some_and(|rest| fam.kind.suffixes(self.dialect).contains(&rest))
    }

    fn sample(&mut self, n: usize, line: &str) {
        let parsed = match parse_sample(line, self.dialect) {
            Ok(s) => s,
            Err(e) => {
                self.out.error(n, e);
                return;
            }
        };
        self.out.sample_count += 1;
        let idx = self.family_for(&parsed.name, n);
        self.enter(idx, n);
        let fam = &self.out.families[idx];
        if self.dialect == Dialect::OpenMetrics
            && fam.name == parsed.name
            && matches!(fam.kind, MetricType::Counter | MetricType::Info)
        {
            let suffix = if fam.kind == MetricType::Counter {
                "_total"
            } else {
                "_info"
            };
            self.out.error(
                n,
                format!(
                    "OpenMetrics {} `{}` needs its samples named `{}{suffix}`",
                    fam.kind.as_str(),
                    fam.name,
                    fam.name
                ),
            );
            return;
        }
        let mut key_labels = parsed.labels.clone();
        key_labels.sort();
        for w in key_labels.windows(2) {
            if w[0].0 == w[1].0 {
                self.out
                    .error(n, format!("label `{}` given twice in one sample", w[0].0));
                return;
            }
        }
        let key = (parsed.name.clone(), key_labels);
        if let Some(first) = self.series.get(&key) {
            let msg = format!(
                "duplicate series `{}` (first on line {first})",
                series_text(&parsed.name, &parsed.labels)
            );
            if self.dialect == Dialect::OpenMetrics {
                self.out.error(n, msg);
            } else {
                self.out.lint(n, msg);
            }
        } else {
            self.series.insert(key, n);
        }
        self.out.families[idx].samples.push(Sample {
            name: parsed.name,
            labels: parsed.labels,
            value: parsed.value,
            line: n,
        });
    }

    /// Checks that need a whole family: histogram buckets.
    fn finish(&mut self) {
        let mut lints = Vec::new();
        let mut errors = Vec::new();
        for fam in &self.out.families {
            if !matches!(fam.kind, MetricType::Histogram | MetricType::GaugeHistogram) {
                continue;
            }
            // Per label set without `le`: has a +Inf bucket?
            let mut groups: HashMap<Vec<(String, String)>, (bool, usize)> = HashMap::new();
            let bucket = format!("{}_bucket", fam.name);
            for s in fam.samples.iter().filter(|s| s.name == bucket) {
                let mut rest: Vec<(String, String)> = s
                    .labels
                    .iter()
                    .filter(|(k, _)| k != "le")
                    .cloned()
                    .collect();
                rest.sort();
                let le = s.labels.iter().find(|(k, _)| k == "le").map(|(_, v)| v);
                if le.is_none() {
                    errors.push(Problem {
                        line: s.line,
                        message: format!("`{bucket}` sample without an `le` label"),
                    });
                }
                let inf = le.is_some_and(|v| matches!(v.as_str(), "+Inf" | "Inf" | "inf"));
                let g = groups.entry(rest).or_insert((false, s.line));
                g.0 |= inf;
            }
            let mut missing: Vec<usize> = groups
                .values()
                .filter(|(inf, _)| !inf)
                .map(|(_, l)| *l)
                .collect();
            missing.sort_unstable();
            for line in missing {
                let p = Problem {
                    line,
                    message: format!("histogram `{}` has no `le=\"+Inf\"` bucket", fam.name),
                };
                if self.dialect == Dialect::OpenMetrics {
                    errors.push(p);
                } else {
                    lints.push(p);
                }
            }
        }
        for e in errors {
            self.out.error(e.line, e.message);
        }
        for l in lints {
            self.out.lint(l.line, l.message);
        }
    }
}

/// `name{a="b"}` for messages.
pub fn series_text(name: &str, labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return name.to_string();
    }
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{name}{{{}}}", inner.join(","))
}

struct ParsedSample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

fn parse_sample(line: &str, dialect: Dialect) -> Result<ParsedSample, String> {
    let mut rest = line;
    let mut name = match read_name(rest) {
        Some((name, used)) => {
            rest = &rest[used..];
            Some(name)
        }
        None if rest.starts_with('{') => None,
        None => return Err(format!("invalid metric name at `{}`", clip(rest))),
    };
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let (ls, quoted_name, used) = parse_labels(after)?;
        if let Some(q) = quoted_name {
            if name.is_some() {
                return Err("metric name given both before and inside `{}`".to_string());
            }
            name = Some(q);
        }
        labels = ls;
        rest = &after[used..];
    }
    let Some(name) = name else {
        return Err("sample without a metric name".to_string());
    };
    // Value, then optional timestamp, then (OpenMetrics) an exemplar.
    let (body, exemplar) = match rest.find(" # ") {
        Some(i) if dialect == Dialect::OpenMetrics => (&rest[..i], Some(&rest[i + 3..])),
        _ => (rest, None),
    };
    if dialect == Dialect::OpenMetrics && !body.starts_with(' ') {
        return Err(format!("expected one space before the value of `{name}`"));
    }
    let mut tokens = body.split([' ', '\t']).filter(|t| !t.is_empty());
    let Some(value_text) = tokens.next() else {
        return Err(format!("sample `{name}` has no value"));
    };
    let value = parse_float(value_text)
        .ok_or_else(|| format!("invalid value `{}` for `{name}`", clip(value_text)))?;
    if let Some(ts) = tokens.next() {
        let ok = match dialect {
            Dialect::Prometheus => ts.parse::<i64>().is_ok(),
            Dialect::OpenMetrics => parse_float(ts).is_some_and(f64::is_finite),
        };
        if !ok {
            return Err(format!("invalid timestamp `{}` for `{name}`", clip(ts)));
        }
    }
    if let Some(extra) = tokens.next() {
        return Err(format!(
            "unexpected `{}` after the value of `{name}`",
            clip(extra)
        ));
    }
    if let Some(ex) = exemplar {
        let ex = ex.trim_end();
        let Some(after) = ex.strip_prefix('{') else {
            return Err(format!("exemplar of `{name}` does not start with `{{`"));
        };
        let (_, _, used) = parse_labels(after)?;
        let mut t = after[used..].split(' ').filter(|t| !t.is_empty());
        if t.next().and_then(parse_float).is_none() {
            return Err(format!("exemplar of `{name}` has no valid value"));
        }
    }
    Ok(ParsedSample {
        name,
        labels,
        value,
    })
}

/// Labels after `{` up to and including `}`: the labels, a quoted metric name
/// given inside the braces (UTF-8 names), and bytes consumed.
#[allow(clippy::type_complexity)]
fn parse_labels(s: &str) -> Result<(Vec<(String, String)>, Option<String>, usize), String> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut labels = Vec::new();
    let mut quoted_name = None;
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && matches!(bytes[*i], b' ' | b'\t') {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= bytes.len() {
            return Err("unterminated label set (missing `}`)".to_string());
        }
        if bytes[i] == b'}' {
            return Ok((labels, quoted_name, i + 1));
        }
        // A label name, bare or quoted.
        let key = if bytes[i] == b'"' {
            let (text, used) = read_quoted(&s[i..])?;
            i += used;
            skip_ws(&mut i);
            if i < bytes.len() && matches!(bytes[i], b',' | b'}') {
                // `{"metric.name", ...}`: the metric name itself.
                if quoted_name.is_some() || !labels.is_empty() {
                    return Err("quoted metric name must come first inside `{}`".to_string());
                }
                quoted_name = Some(text);
                if bytes[i] == b',' {
                    i += 1;
                }
                continue;
            }
            text
        } else {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            if i == start || bytes[start].is_ascii_digit() {
                return Err(format!("invalid label name at `{}`", clip(&s[start..])));
            }
            s[start..i].to_string()
        };
        skip_ws(&mut i);
        if i >= bytes.len() || bytes[i] != b'=' {
            return Err(format!("expected `=` after label `{key}`"));
        }
        i += 1;
        skip_ws(&mut i);
        if i >= bytes.len() || bytes[i] != b'"' {
            return Err(format!("label `{key}` value is not quoted"));
        }
        let (value, used) = read_quoted(&s[i..])?;
        i += used;
        labels.push((key, value));
        skip_ws(&mut i);
        if i < bytes.len() && bytes[i] == b',' {
            i += 1;
        } else if i >= bytes.len() || bytes[i] != b'}' {
            return Err("expected `,` or `}` after a label value".to_string());
        }
    }
}

/// A double-quoted string with `\\`, `\"`, `\n` escapes; returns text and bytes used.
fn read_quoted(s: &str) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    if chars.next().map(|(_, c)| c) != Some('"') {
        return Err("expected `\"`".to_string());
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, i + 1)),
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some(other) => return Err(format!("invalid escape `\\{other}` in a label value")),
                None => break,
            },
            '\n' => break,
            c => out.push(c),
        }
    }
    Err("unterminated quoted string".to_string())
}

/// A metric name (bare `[a-zA-Z_:][a-zA-Z0-9_:]*` or quoted) at the start of `s`,
/// and the bytes it used.
fn read_name(s: &str) -> Option<(String, usize)> {
    if s.starts_with('"') {
        return read_quoted(s).ok().filter(|(n, _)| !n.is_empty());
    }
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_' || first == b':') {
        return None;
    }
    let end = bytes
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b':'))
        .unwrap_or(bytes.len());
    Some((s[..end].to_string(), end))
}

fn split_token(s: &str) -> (&str, &str) {
    match s.find([' ', '\t']) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    }
}

/// Go's ParseFloat as the scrapers use it: decimal or exponent, NaN, ±Inf.
fn parse_float(s: &str) -> Option<f64> {
    match s {
        "NaN" | "nan" => return Some(f64::NAN),
        "+Inf" | "Inf" | "+inf" | "inf" => return Some(f64::INFINITY),
        "-Inf" | "-inf" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    // Rust accepts "infinity" and "nan" spellings Go and the spec do not.
    if s.bytes()
        .any(|b| b.is_ascii_alphabetic() && !matches!(b, b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

fn unescape_help(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some(o) => {
                    out.push('\\');
                    out.push(o);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn clip(s: &str) -> String {
    let t: String = s.chars().take(40).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fam<'a>(e: &'a Exposition, name: &str) -> &'a Family {
        e.families
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no family {name}: {:?}", e.families))
    }

    #[test]
    fn python_client_text_format() {
        let text = include_str!("../../tests/fixtures/probe/exposition/python-service.prom");
        let e = parse(text, Dialect::Prometheus);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert!(e.lints.is_empty(), "{:?}", e.lints);
        let reqs = fam(&e, "http_requests_total");
        assert_eq!(reqs.kind, MetricType::Counter);
        assert_eq!(reqs.samples.len(), 4);
        assert_eq!(reqs.help.as_deref(), Some("HTTP requests handled."));
        let h = fam(&e, "http_request_duration_seconds");
        assert_eq!(h.kind, MetricType::Histogram);
        assert_eq!(h.samples.len(), 8, "6 buckets, count, sum");
        assert_eq!(fam(&e, "job_duration_seconds").kind, MetricType::Summary);
        assert_eq!(fam(&e, "app_build_info").kind, MetricType::Gauge);
        assert_eq!(fam(&e, "python_info").samples[0].labels.len(), 5);
    }

    #[test]
    fn python_client_openmetrics() {
        let text = include_str!("../../tests/fixtures/probe/exposition/python-service.openmetrics");
        let e = parse(text, Dialect::OpenMetrics);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        let reqs = fam(&e, "http_requests");
        assert_eq!(reqs.kind, MetricType::Counter);
        // _total and _created samples of each series.
        assert_eq!(reqs.samples.len(), 8);
        assert_eq!(fam(&e, "app_build").kind, MetricType::Info);
        assert_eq!(fam(&e, "app_state").kind, MetricType::StateSet);
        assert_eq!(fam(&e, "http_request_duration_seconds").samples.len(), 9);
    }

    #[test]
    fn openmetrics_needs_eof_and_no_blank_lines() {
        let e = parse(
            "# TYPE a counter\na_total 1\n\na_created 2\n",
            Dialect::OpenMetrics,
        );
        let msgs: Vec<&str> = e.errors.iter().map(|p| p.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("empty line")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("# EOF")), "{msgs:?}");
        let e = parse("a_total 1\n# EOF\nb 2\n", Dialect::OpenMetrics);
        assert!(e.errors.iter().any(|p| p.message.contains("after `# EOF`")));
    }

    #[test]
    fn escapes_timestamps_and_special_values() {
        let text = "# HELP msg A \\\\ backslash and a\\nnewline.\n\
                    # TYPE msg untyped\n\
                    msg{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",} 1.5e3 1395066363000\n\
                    \tmsg{path=\"x\"}   NaN\n\
                    up +Inf\n\
                    down -Inf\n";
        let e = parse(text, Dialect::Prometheus);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        let m = fam(&e, "msg");
        assert_eq!(m.help.as_deref(), Some("A \\ backslash and a\nnewline."));
        assert_eq!(m.samples[0].value, 1500.0);
        assert_eq!(
            m.samples[0].labels,
            vec![
                ("path".to_string(), "C:\\dir".to_string()),
                ("quote".to_string(), "say \"hi\"".to_string()),
                ("nl".to_string(), "a\nb".to_string()),
            ]
        );
        assert!(m.samples[1].value.is_nan());
        assert_eq!(fam(&e, "up").samples[0].value, f64::INFINITY);
    }

    #[test]
    fn errors_carry_lines_and_parsing_goes_on() {
        let text = "# TYPE ok gauge\nok 1\nbroken{le=0.5} 3\n9lives 1\nvalue_missing\nbad_value abc\nbad_ts 1 12.5\n# TYPE ok counter\nfine 2\n";
        let e = parse(text, Dialect::Prometheus);
        let lines: Vec<usize> = e.errors.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7, 8], "{:?}", e.errors);
        assert!(e.errors[0].message.contains("not quoted"));
        assert!(e.errors[5].message.contains("after samples"));
        assert_eq!(fam(&e, "fine").samples.len(), 1);
    }

    #[test]
    fn duplicate_series_interleaving_and_missing_inf() {
        let text = "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\nother 1\nh_bucket{le=\"1\"} 2\n";
        let e = parse(text, Dialect::Prometheus);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        let msgs: Vec<&str> = e.lints.iter().map(|p| p.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("not grouped")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.contains("duplicate series")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("+Inf")), "{msgs:?}");
    }

    #[test]
    fn utf8_quoted_names_and_exemplars() {
        let text = "# TYPE \"my.requests\" counter\n{\"my.requests\",\"http.method\"=\"GET\"} 3\n";
        let e = parse(text, Dialect::Prometheus);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
        assert_eq!(fam(&e, "my.requests").samples[0].labels[0].0, "http.method");
        let om = "# TYPE rpc histogram\nrpc_bucket{le=\"+Inf\"} 2 # {trace_id=\"abc\"} 0.4 1.6e9\nrpc_count 2\nrpc_sum 0.5\n# EOF\n";
        let e = parse(om, Dialect::OpenMetrics);
        assert!(e.errors.is_empty(), "{:?}", e.errors);
    }

    #[test]
    fn second_help_and_unknown_type() {
        let e = parse(
            "# HELP a x\n# HELP a y\n# TYPE a thing\na 1\n",
            Dialect::Prometheus,
        );
        let msgs: Vec<&str> = e.errors.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[1].contains("unknown metric type"));
    }

    #[test]
    fn never_panics_on_junk() {
        for junk in [
            "{",
            "}",
            "a{",
            "a{b",
            "a{b=",
            "a{b=\"",
            "a{b=\"\\",
            "# TYPE",
            "# HELP \"",
            "\"",
            "a{\"x\"",
            "a 1 2 3",
            "a{,} 1",
            "# TYPE a\n",
            "\u{feff}a 1",
            "a{é=\"1\"} 1",
        ] {
            let _ = parse(junk, Dialect::Prometheus);
            let _ = parse(junk, Dialect::OpenMetrics);
        }
    }
}
