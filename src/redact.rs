//! Secrets never leave harden in clear text, whatever rule reported the line and
//! whatever the format.
//!
//! Redaction is a property of the output, not of a rule: a password on a line that
//! `shell/ssh-host-key-disabled` reports is as secret as one `secrets/*` reports.
//! So the engine collects, for every file it reads, every span any secret detector
//! recognises — the same detectors the `secrets/*` rules use, without their
//! precision filters (test files, prose, placeholders that look real), plus
//! command-line passwords (`sshpass -p`, `--password=`, `mysql -pX`, `curl -u
//! user:pw`) and the spans secret rules report — and masks them in three places:
//!
//! 1. each finding of that file (snippet built from the line with the spans masked,
//!    message, related locations, fix title);
//! 2. every finding and diagnostic of the report, once the scan is done, by value
//!    (a credential repeated in another file, a cross-file rule's message);
//! 3. the bytes every command writes ([`RedactingWriter`] in `cli::emit`), in the
//!    raw, JSON, HTML and Markdown spellings of each value, so a renderer, a diff
//!    (`fix --dry-run`) or a status/plan view that quotes a file cannot leak one.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::Write;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::rules::secrets::detect;
use crate::source::SourceFile;

/// Values shorter than this are masked only in their own file's findings (span by
/// span), not by value across the whole output, where they would mangle ordinary words.
pub const MIN_GLOBAL_LEN: usize = 6;

/// Rules whose finding spans are secret values (their own detectors see things the
/// shared ones do not: `POSTGRES_PASSWORD: hunter2` in compose, `ENV` in Dockerfiles).
pub fn is_secret_rule(rule: &str) -> bool {
    rule.starts_with("secrets/")
        || matches!(
            rule,
            "compose/secret-literal"
                | "k8s/secret-literal"
                | "docker/secret-in-env"
                | "config/duplicated-credential"
        )
}

static CLI_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?xm)
        (?:
            \bsshpass[\x20\t]+-p[\x20\t]*                               # sshpass -p VALUE / -pVALUE
          | (?:^|[\x20\t;|&(])--?[A-Za-z0-9]*[-_]?(?:password|passwd|passphrase|token|secret|api[-_]?key|access[-_]?key)(?:=|[\x20\t]+)   # --password=V, --db-password V
          | \b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport)\b[^\n;|&]*?[\x20\t]-p   # mysql -pVALUE
          | \bredis-cli\b[^\n;|&]*?[\x20\t]-a[\x20\t]+                  # redis-cli -a VALUE
          | \bdocker[\x20\t]+login\b[^\n;|&]*?[\x20\t]-p[\x20\t]+           # docker login -p VALUE
          | \bcurl\b[^\n;|&]*?[\x20\t](?:-u|--user)[\x20\t]*['"]?[^\s:'"]+:   # curl -u user:VALUE
          | \bhtpasswd\b[^\n;|&]*?[\x20\t]-b\S*[\x20\t]+\S+[\x20\t]+\S+[\x20\t]+      # htpasswd -b file user VALUE
        )
        (?P<v>'[^'\n]+'|"[^"\n]+"|[^\s'";|&)]+)
        "#,
    )
    .expect("static regex")
});

/// The words one of which every match of `CLI_SECRET` contains, as written there
/// (the pattern is case-sensitive): `sshpass`, `password`, `passwd`, `passphrase` and
/// `htpasswd` share `pass`, every `…key` shares `key`.
static CLI_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("pass|token|secret|key|mysql|mariadb|redis-cli|docker|curl").expect("static regex")
});

/// Passwords and tokens given on a command line, in any file (scripts, Dockerfiles,
/// workflow `run:` blocks, docs): the value spans, without quotes. References
/// (`$PW`, `${PW}`, `$(cat f)`) are not values.
pub fn cli_secret_spans(text: &str) -> Vec<Range<usize>> {
    if !text.contains('-') {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Every match holds one of `CLI_WORDS` and no line break: only those lines are
    // searched (the pattern's `-` after a blank fired its prefilter on every YAML list
    // item and subtraction, each a search of the automaton).
    let matches = detect::keyword_lines(text, &CLI_WORDS).flat_map(|line| {
        CLI_SECRET
            .captures_iter(&text[line.clone()])
            .filter_map(|c| c.name("v").map(|m| m.range()))
            .map(move |r| line.start + r.start..line.start + r.end)
    });
    for mut r in matches {
        let v = &text[r.clone()];
        if (v.starts_with('\'') || v.starts_with('"')) && v.len() >= 2 {
            r = r.start + 1..r.end - 1;
        }
        let inner = &text[r.clone()];
        if inner.len() < 3
            || inner.starts_with('$')
            || inner.starts_with('-')
            || inner.starts_with('<')
            || inner.starts_with('%')
            || inner.starts_with('{')
            || inner.contains("${")
            || inner.contains("$(")
            || inner.contains("{{")
        {
            continue;
        }
        out.push(r);
    }
    out
}

/// A private key block: from its header to its END line (or 8 KiB on).
fn private_key_blocks(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|t| t.find("-----BEGIN")) {
        let start = from + i;
        let head_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        if !text[start..head_end].contains("PRIVATE KEY") {
            from = head_end;
            continue;
        }
        let end = text[head_end..]
            .find("-----END")
            .map(|n| head_end + n)
            .unwrap_or_else(|| crate::source::floor_char_boundary(text, head_end + 8192));
        let end = text[end..].find('\n').map_or(text.len(), |n| end + n);
        // The body only: the BEGIN/END lines say what the file holds and are not secret.
        let body_end = text[..end]
            .rfind('\n')
            .filter(|&n| n > head_end)
            .unwrap_or(end);
        out.push(head_end..body_end);
        from = end;
    }
    out
}

/// Every secret span in `text`, sorted and merged: provider tokens, URL passwords,
/// credential assignments in code and config styles, private key blocks and
/// command-line passwords. Broader than the `secrets/*` rules (nothing here is
/// filtered by role or prose), because masking too much costs little.
pub fn secret_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    for (what, span, _) in crate::rules::secrets::provider_credential::provider_hits(text) {
        if what != "private key" && what != "Google service-account key" {
            spans.push(span);
        }
    }
    spans.extend(private_key_blocks(text));
    // Config style reads quoted values as code style does, and unquoted ones too.
    spans.extend(
        detect::assignments(text, detect::Style::Config)
            .into_iter()
            .map(|a| a.value_span),
    );
    spans.extend(cli_secret_spans(text));
    merge(spans)
}

/// Sorts spans and merges the ones that overlap or touch.
pub fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.retain(|s| s.start < s.end);
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// The secret values of one file: the text of each span, one value per line of a
/// multi-line span (private keys), so each can be found again in a one-line snippet.
pub fn values_of(text: &str, spans: &[Range<usize>]) -> Vec<String> {
    let mut out = Vec::new();
    for s in spans {
        let Some(v) = text.get(s.clone()) else {
            continue;
        };
        for part in v.split('\n') {
            let part = part.trim_matches(['\r', ' ', '\t', '"', '\'', ',']);
            if part.chars().count() >= 3 {
                out.push(part.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `text` with every occurrence of every value masked ([`detect::mask`]); a value
/// cut short by a trailing `…` (a shortened snippet) is masked too.
pub fn mask_values<'t>(text: &'t str, values: &[String]) -> Cow<'t, str> {
    let mut out: Cow<'t, str> = Cow::Borrowed(text);
    // Longest first, so a value that contains another is masked whole.
    let mut sorted: Vec<&String> = values.iter().collect();
    sorted.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for v in sorted {
        if v.is_empty() {
            continue;
        }
        if out.contains(v.as_str()) {
            out = Cow::Owned(out.replace(v.as_str(), &detect::mask(v)));
        }
        if let Some(head) = out.strip_suffix('…') {
            // The longest suffix of `head` that is a prefix of `v` (4 characters or more).
            let cut = (4..v.len())
                .rev()
                .filter(|&n| v.is_char_boundary(n))
                .find(|&n| head.ends_with(&v[..n]));
            if let Some(n) = cut {
                let keep = head.len() - n;
                out = Cow::Owned(format!("{}{}…", &head[..keep], detect::mask(v)));
            }
        }
    }
    out
}

/// The 1-based `line` of `file` with `spans` masked, trimmed and cut to 240
/// characters (the engine's default snippet).
pub fn masked_line(file: &SourceFile, line: usize, spans: &[Range<usize>]) -> String {
    if line == 0 {
        return String::new();
    }
    let lr = file.lines.line_range(&file.text, line - 1);
    let mut out = String::new();
    let mut pos = lr.start;
    let first = spans.partition_point(|s| s.end <= lr.start);
    for s in &spans[first..] {
        if s.start >= lr.end {
            break;
        }
        let st = s.start.max(pos);
        let en = s.end.min(lr.end);
        if st >= en {
            continue;
        }
        out.push_str(file.text.get(pos..st).unwrap_or(""));
        out.push_str(&detect::mask(file.text.get(st..en).unwrap_or("")));
        pos = en;
    }
    out.push_str(file.text.get(pos..lr.end).unwrap_or(""));
    let t = out.trim_end();
    if t.chars().count() > 240 {
        let cut: String = t.chars().take(240).collect();
        format!("{cut}…")
    } else {
        t.to_string()
    }
}

/// Masks `values` in everything a finding shows: snippet, message, related
/// locations' messages, fix title and caveat.
pub fn mask_finding(f: &mut crate::finding::Finding, values: &[String]) {
    if values.is_empty() {
        return;
    }
    let mask = |s: &mut String| {
        if let Cow::Owned(m) = mask_values(s, values) {
            *s = m;
        }
    };
    let mask_shared = |s: &mut crate::finding::SharedStr| {
        if let Cow::Owned(m) = mask_values(s, values) {
            *s = m.into();
        }
    };
    mask_shared(&mut f.snippet);
    mask_shared(&mut f.message);
    for r in &mut f.related {
        mask(&mut r.message);
    }
    if let Some(fix) = &mut f.fix {
        mask_shared(&mut fix.title);
        mask_shared(&mut fix.caveat);
    }
}

/// Whether a secret value is masked wherever its text appears, not only where a
/// detector found it: long enough, not a plain word (`postgres`, `oncall`, `sentry`
/// name images, services and directories too, `Critical` is a severity, and masking
/// them there would garble the report), and one token. A value with spaces is what the
/// broad config-style reading takes from code (`note: "(in a test/example file: …)"`,
/// `.filter(|h| {`) far more often than a passphrase; masked everywhere it turned
/// harden's own messages into `(in ****`. It stays masked where it was found.
pub fn worth_masking_by_value(v: &str) -> bool {
    v.chars().count() >= MIN_GLOBAL_LEN && !is_plain_word(v) && !v.chars().any(char::is_whitespace)
}

/// Letters only, lower-case after the first (`postgres`, `Critical`).
fn is_plain_word(v: &str) -> bool {
    let mut bytes = v.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic()) && bytes.all(|b| b.is_ascii_lowercase())
}

/// Every secret value a scan saw, for the final masking passes.
#[derive(Debug, Clone, Default)]
pub struct SecretSet {
    values: BTreeSet<String>,
}

impl SecretSet {
    /// Adds the values of one file that are worth masking across the whole output:
    /// long enough, one token, and not a plain word (`postgres`, `oncall`, `sentry`:
    /// masked where a detector found them, but elsewhere they name images, services
    /// and directories, and masking them there would garble the report).
    pub fn extend(&mut self, values: impl IntoIterator<Item = String>) {
        self.values
            .extend(values.into_iter().filter(|v| worth_masking_by_value(v)));
    }

    /// Drops every value that occurs in one of `paths` (the scanned root, the files
    /// the walk saw): a path in a report must name the real file, so a password that
    /// is also a directory or file name is masked only where a detector found it.
    pub fn forget_values_in_paths<'p>(&mut self, paths: impl IntoIterator<Item = &'p str>) {
        if self.values.is_empty() {
            return;
        }
        let values: Vec<&String> = self.values.iter().collect();
        let Ok(matcher) = aho_corasick::AhoCorasick::new(&values) else {
            return;
        };
        let mut in_paths = vec![false; values.len()];
        for p in paths {
            for hit in matcher.find_overlapping_iter(p) {
                in_paths[hit.pattern().as_usize()] = true;
            }
        }
        let drop: Vec<String> = values
            .iter()
            .zip(&in_paths)
            .filter(|(_, &hit)| hit)
            .map(|(v, _)| (*v).clone())
            .collect();
        for v in drop {
            self.values.remove(&v);
        }
    }

    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values, for [`mask_values`].
    pub fn values(&self) -> Vec<String> {
        self.values.iter().cloned().collect()
    }

    /// Whether `text` contains a known value (tests).
    pub fn leaks_in(&self, text: &str) -> Option<String> {
        self.values
            .iter()
            .find(|v| text.contains(v.as_str()))
            .cloned()
    }

    /// A writer that masks these values (in raw, JSON, HTML and Markdown spelling)
    /// in everything written through it.
    pub fn writer<'w>(&self, inner: &'w mut dyn Write) -> RedactingWriter<'w> {
        RedactingWriter::new(self, inner)
    }
}

fn json_spelling(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap_or_default();
    q.get(1..q.len().saturating_sub(1))
        .unwrap_or("")
        .to_string()
}

/// Masks secret values in a byte stream, keeping back just enough of the tail
/// between writes that a value split across two writes is still found.
pub struct RedactingWriter<'w> {
    inner: &'w mut dyn Write,
    matcher: Option<aho_corasick::AhoCorasick>,
    replacements: Vec<Vec<u8>>,
    longest: usize,
    pending: Vec<u8>,
}

impl<'w> RedactingWriter<'w> {
    fn new(set: &SecretSet, inner: &'w mut dyn Write) -> Self {
        let mut patterns: Vec<String> = Vec::new();
        let mut replacements: Vec<Vec<u8>> = Vec::new();
        for v in &set.values {
            let masked = detect::mask(v);
            let spellings = [
                (v.clone(), masked.clone()),
                (json_spelling(v), json_spelling(&masked)),
                (
                    crate::output::html::esc(v),
                    crate::output::html::esc(&masked),
                ),
                (
                    crate::output::markdown::escape(v),
                    crate::output::markdown::escape(&masked),
                ),
            ];
            for (p, r) in spellings {
                if !p.is_empty() && !patterns.contains(&p) {
                    patterns.push(p);
                    replacements.push(r.into_bytes());
                }
            }
        }
        let longest = patterns.iter().map(String::len).max().unwrap_or(0);
        let matcher = (!patterns.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        RedactingWriter {
            inner,
            matcher,
            replacements,
            longest,
            pending: Vec::new(),
        }
    }

    /// Writes out `pending` up to where no value can still be completing, or all of it.
    fn drain(&mut self, all: bool) -> std::io::Result<()> {
        let Some(m) = &self.matcher else {
            self.inner.write_all(&self.pending)?;
            self.pending.clear();
            return Ok(());
        };
        let safe = if all {
            self.pending.len()
        } else {
            self.pending
                .len()
                .saturating_sub(self.longest.saturating_sub(1))
        };
        let mut out = Vec::with_capacity(self.pending.len());
        let mut pos = 0;
        for hit in m.find_iter(&self.pending) {
            if hit.start() >= safe {
                break;
            }
            out.extend_from_slice(&self.pending[pos..hit.start()]);
            out.extend_from_slice(&self.replacements[hit.pattern().as_usize()]);
            pos = hit.end();
        }
        let keep_from = pos.max(safe);
        out.extend_from_slice(&self.pending[pos..keep_from]);
        self.inner.write_all(&out)?;
        self.pending.drain(..keep_from);
        Ok(())
    }
}

impl Write for RedactingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= 64 * 1024 || self.matcher.is_none() {
            self.drain(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain(true)?;
        self.inner.flush()
    }
}

impl Drop for RedactingWriter<'_> {
    fn drop(&mut self) {
        let _ = self.drain(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_secrets_searched_by_line_match_a_whole_text_search() {
        for t in &crate::rules::secrets::detect::tests::sample_texts() {
            let whole: Vec<Range<usize>> = CLI_SECRET
                .captures_iter(t)
                .filter_map(|c| c.name("v").map(|m| m.range()))
                .collect();
            let by_line: Vec<Range<usize>> = detect::keyword_lines(t, &CLI_WORDS)
                .flat_map(|l| {
                    CLI_SECRET
                        .captures_iter(&t[l.clone()])
                        .filter_map(|c| c.name("v").map(|m| m.range()))
                        .map(move |r| l.start + r.start..l.start + r.end)
                })
                .collect();
            assert_eq!(whole, by_line, "{t:?}");
        }
    }

    #[test]
    fn command_line_passwords() {
        let t = "sshpass -p 'Tr0ub4dor&3' ssh -o StrictHostKeyChecking=no root@h\nmysql -u root -pS3cretPw db\nmkdir -p /srv/app\ncurl -u admin:Adm1nPw! https://x\nlogin --password=$PW\ndocker login -p \"dckr_pat_x9\" r.io\napp --db-password hunter2x\n";
        let got: Vec<&str> = cli_secret_spans(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            got,
            vec![
                "Tr0ub4dor&3",
                "S3cretPw",
                "Adm1nPw!",
                "dckr_pat_x9",
                "hunter2x"
            ]
        );
    }

    #[test]
    fn masks_values_including_cut_ones() {
        let values = vec!["Tr0ub4dor&3".to_string()];
        assert_eq!(
            mask_values("sshpass -p 'Tr0ub4dor&3' ssh", &values),
            "sshpass -p 'Tr****' ssh"
        );
        assert_eq!(mask_values("x = Tr0ub4…", &values), "x = Tr****…");
        assert_eq!(mask_values("nothing here", &values), "nothing here");
    }

    #[test]
    fn writer_masks_across_writes_and_spellings() {
        let mut set = SecretSet::default();
        set.extend(["pa\"ss<w0rd".to_string(), "Zq81xkP3w".to_string()]);
        let mut out = Vec::new();
        {
            let mut w = set.writer(&mut out);
            w.write_all(b"{\"v\": \"pa\\\"ss<w0rd\", \"h\": \"pa&quot;ss&lt;w0rd\", \"u\": \"Zq81")
                .unwrap();
            w.write_all(b"xkP3w\"}").unwrap();
            w.flush().unwrap();
        }
        let s = String::from_utf8(out).unwrap();
        assert!(!s.contains("w0rd"), "{s}");
        assert!(!s.contains("Zq81xkP3w"), "{s}");
        assert!(s.contains("Zq****"), "{s}");
        assert!(serde_json::from_str::<serde_json::Value>(&s).is_ok(), "{s}");
    }

    /// Corpus (grafana-oncall, sentry-self-hosted): a dev password that is also a
    /// directory or a plain word masked paths and service names in every output.
    #[test]
    fn words_and_path_parts_are_not_masked_across_the_output() {
        let mut set = SecretSet::default();
        set.extend([
            "oncall".to_string(),
            "rabbitmq-dev-pw".to_string(),
            "Zq81xkP3w".to_string(),
        ]);
        assert!(set.leaks_in("helm/oncall/templates/x.yaml").is_none());
        set.forget_values_in_paths(["/repos/x", "docker-compose-rabbitmq-dev-pw.yml"]);
        assert!(set.leaks_in("docker-compose-rabbitmq-dev-pw.yml").is_none());
        assert_eq!(set.leaks_in("pw=Zq81xkP3w").as_deref(), Some("Zq81xkP3w"));
    }

    /// Corpus (alertmanager's test certificates): the BEGIN line says what the file
    /// is; only the key body is secret.
    #[test]
    fn private_key_header_stays_readable() {
        let t = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx9Zq81xkP3\n-----END RSA PRIVATE KEY-----\n";
        let spans = secret_spans(t);
        assert_eq!(spans.len(), 1);
        assert_eq!(t[spans[0].clone()].trim(), "MIIEowIBAAKCAQEAx9Zq81xkP3");
    }

    #[test]
    fn words_and_phrases_are_masked_only_where_found() {
        for plain in [
            "postgres",
            "Critical",
            "(in a test/example file: check it)",
            "correct horse battery",
        ] {
            assert!(!worth_masking_by_value(plain), "{plain}");
        }
        for secret in [
            "Zq81xkP3abc",
            "ghp_4Hk2sLq9ZxW8vRt1mNp6Yb3Cd7Fg0JhKe5Ui",
            "S3cr3tPw!",
            "hunter2hunter2",
        ] {
            assert!(worth_masking_by_value(secret), "{secret}");
        }
    }

    #[test]
    fn spans_cover_every_detector() {
        let t = "token = \"ghp_4Hk2sLq9ZxW8vRt1mNp6Yb3Cd7Fg0JhKe5Ui\"\nDB=postgres://app:Zq81xkP3@db/app\npassword: S3cr3tPw!\nsshpass -p 'Tr0ub4dor&3' ssh h\n";
        let spans = secret_spans(t);
        let vals = values_of(t, &spans);
        for v in [
            "ghp_4Hk2sLq9ZxW8vRt1mNp6Yb3Cd7Fg0JhKe5Ui",
            "Zq81xkP3",
            "S3cr3tPw!",
            "Tr0ub4dor&3",
        ] {
            assert!(vals.iter().any(|x| x == v), "{v} in {vals:?}");
        }
    }
}
