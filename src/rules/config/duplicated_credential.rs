//! `config/duplicated-credential`: the same credential literal in several files.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use crate::classify::FileKind;
use crate::finding::{Related, Severity};
use crate::parse::python::PythonFile;
use crate::roles::FileRole;
use crate::rules::secrets::detect;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta};

/// See [`META`].
#[derive(Default)]
pub struct DuplicatedCredential {
    seen: Mutex<Vec<Copy>>,
}

struct Copy {
    hash: u64,
    at: Related,
    snippet: String,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "config/duplicated-credential",
    summary: "the same credential literal copied into several files",
    severity: Severity::Medium,
    docs: r#"
## Why
A database password pasted into nine collector scripts has to be rotated in
nine places, and one of them is always forgotten; it also shows that there is
no single configuration module, so every later change (a new host, TLS, a
connection pool) is again nine edits. This is a different task from removing the
secret (`secrets/hardcoded-credential`): it is about centralising configuration,
which usually comes first ("centralise credentials before consolidating
connection pools").

The rule collects every credential literal that `secrets/hardcoded-credential`
would report (passwords embedded in connection URLs and on command lines, and the
literal fallbacks of secret-named variables, `os.environ.get("DB_PASS", "…")`, included)
in production files,
and reports one finding per value that appears in two or more files, at its first
location, with every other copy attached as a related location. The value is
never shown: the snippet keeps its first characters and `****`. Test, example,
vendored and generated files are ignored, like placeholders and references.

One problem is one finding: when a secret rule (`secrets/hardcoded-credential`,
`secrets/provider-credential`, `compose/secret-literal`, `k8s/secret-literal`,
`docker/secret-in-env`) reports the value itself, its finding carries every copy as
a related location and this rule's finding is folded into it. Alone (the value is
no leak by itself, but it is repeated), it is medium: the copies drift and rotation
needs every one of them (docs/severity.md).

## Example
```python
# collectors/weather.py
DB_CONFIG = {"host": "db.internal", "user": "collector", "password": "Tr0ub4dor&3x"}
# collectors/traffic.py
conn = psycopg2.connect(host="db.internal", user="collector", password="Tr0ub4dor&3x")
```

## Fix
Create one settings module (or use `pydantic-settings`, `dynaconf`, Django
settings) that reads the credential from the environment once, import it
everywhere, delete the copies, then rotate the credential.

gitleaks and trufflehog report each copy separately and never group them.
"#,
};

fn hash_of(value: &str) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

impl DuplicatedCredential {
    fn collect(&self, cx: &FileCx<'_>, py: Option<&PythonFile>) {
        if cx.role != FileRole::Production || detect::is_prose_or_data(cx) {
            return;
        }
        let text = &cx.file.text;
        let mut assigned = detect::assignments(text, detect::style_of(cx));
        let mut urls: Vec<std::ops::Range<usize>> = detect::url_passwords(text)
            .into_iter()
            .map(|u| u.span)
            .chain(
                detect::command_line_passwords(text)
                    .into_iter()
                    .map(|(_, span)| span),
            )
            .collect();
        if assigned.is_empty() && urls.is_empty() {
            return;
        }
        let py = py.and_then(PythonFile::tree);
        let snippets = detect::code_prose(cx, py, true);
        assigned.retain(|a| !detect::in_ranges(&snippets, a.name_span.start));
        let prose = detect::code_prose(cx, py, false);
        urls.retain(|s| !detect::in_ranges(&prose, s.start));
        let mut spans: Vec<std::ops::Range<usize>> =
            assigned.into_iter().map(|a| a.value_span).collect();
        spans.extend(urls);
        // `--password=…` at the end of a script line is both an assignment and a command line.
        spans.sort_by_key(|s| (s.start, s.end));
        spans.dedup_by(|a, b| a.start < b.end && b.start < a.end);
        if spans.is_empty() {
            return;
        }
        let mut local = Vec::new();
        for s in &spans {
            let value = &text[s.clone()];
            local.push(Copy {
                hash: hash_of(value),
                at: cx.locate(s.clone(), "another copy"),
                snippet: detect::redacted_line(cx.file, s, &spans),
            });
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.extend(local);
        }
    }
}

impl Rule for DuplicatedCredential {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, _out: &mut crate::rules::Sink<'_>) {
        if cx.kind != FileKind::Python {
            self.collect(cx, None);
        }
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, _out: &mut crate::rules::Sink<'_>) {
        self.collect(cx, Some(py));
    }

    fn finish(&self, _repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let mut groups: BTreeMap<u64, Vec<Copy>> = BTreeMap::new();
        for c in seen.drain(..) {
            groups.entry(c.hash).or_default().push(c);
        }
        let mut reports: Vec<Vec<Copy>> = groups
            .into_values()
            .filter_map(|mut g| {
                g.sort_by(|a, b| {
                    (a.at.path.as_str(), a.at.span.start)
                        .cmp(&(b.at.path.as_str(), b.at.span.start))
                });
                let mut files: Vec<&str> = g.iter().map(|c| c.at.path.as_str()).collect();
                files.dedup();
                (files.len() >= 2).then_some(g)
            })
            .collect();
        reports.sort_by(|a, b| {
            (a[0].at.path.as_str(), a[0].at.span.start)
                .cmp(&(b[0].at.path.as_str(), b[0].at.span.start))
        });
        for g in reports {
            let mut files: Vec<&str> = g.iter().map(|c| c.at.path.as_str()).collect();
            files.dedup();
            let n_files = files.len();
            let n = g.len();
            let mut iter = g.into_iter();
            let Some(first) = iter.next() else { continue };
            let msg = if n == n_files {
                format!("same credential value in {n_files} files: define it once in a settings module read from the environment")
            } else {
                format!("same credential value in {n_files} files ({n} places): define it once in a settings module read from the environment")
            };
            let f = out.report(first.at, first.snippet, msg);
            f.related = iter.map(|c| c.at).collect();
        }
    }
}
