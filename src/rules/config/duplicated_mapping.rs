//! `config/duplicated-mapping`: the same dict literal (model parameters,
//! settings) copied into several Python files.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use tree_sitter::Node;

use crate::finding::{Related, Severity};
use crate::parse::python::PythonFile;
use crate::roles::FileRole;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// Fewest keys a mapping needs to count as a parameter block.
const MIN_KEYS: usize = 4;

/// Fewest scalar values (numbers, non-empty strings, booleans) it needs.
const MIN_SCALARS: usize = 3;

/// See [`META`].
#[derive(Default)]
pub struct DuplicatedMapping {
    seen: Mutex<Vec<Copy>>,
}

struct Copy {
    hash: u64,
    keys: usize,
    at: Related,
    snippet: String,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "config/duplicated-mapping",
    summary: "the same dict literal (parameters, settings) copied into several files",
    severity: Severity::Low,
    docs: r#"
## Why
When the same CatBoost parameters, retry settings or column mapping are pasted
into four training and scoring scripts, a change to one copy silently makes the
model trained in one place differ from the model served in another. One
definition imported everywhere (or one config file) keeps them in step.

The rule reads Python dict literals (`{...}` and `dict(a=..., ...)`) with at
least four keys, all string keys (or keyword arguments), at least half of the
values literals (numbers, strings, booleans, `None`, lists of literals) and at
least three of them numbers, non-empty strings or booleans: that is a parameter
block rather than a mapping of local variables or an empty record template. Keys are compared
in any order, quotes and whitespace ignored. One finding per duplicated mapping,
at its first copy, with every other copy as a related location. Low for two
files, medium from three files on. Nested dicts inside a reported one are not
reported again. Test, example, vendored and generated files are ignored.
YAML/JSON mappings are not compared (configuration files are meant to hold
such blocks).

## Example
```python
# train.py
params = {"iterations": 800, "depth": 6, "learning_rate": 0.05, "loss_function": "RMSE"}
# predict_daily.py
params = {"depth": 6, "iterations": 800, "learning_rate": 0.05, "loss_function": "RMSE"}
```

## Fix
Move the mapping to one module (`model_config.py: CATBOOST_PARAMS = {...}`) or
one config file, import it everywhere, and delete the copies. If a copy really
must differ, derive it: `{**CATBOOST_PARAMS, "depth": 8}`.

Peers: pylint's `duplicate-code` compares line windows, not mappings, and misses
reordered keys; jscpd/PMD CPD likewise.
"#,
};

fn is_literal(n: Node<'_>) -> bool {
    match n.kind() {
        "integer" | "float" | "string" | "true" | "false" | "none" | "concatenated_string" => true,
        "unary_operator" => n.named_child(0).is_some_and(is_literal),
        "list" | "tuple" | "set" => {
            let mut c = n.walk();
            let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
            kids.iter().all(|k| is_literal(*k))
        }
        _ => false,
    }
}

/// A number, a non-empty string or a boolean: the values that make a parameter block.
fn is_scalar(n: Node<'_>, src: &[u8]) -> bool {
    match n.kind() {
        "integer" | "float" | "true" | "false" => true,
        "unary_operator" => n.named_child(0).is_some_and(|c| is_scalar(c, src)),
        "string" => n
            .utf8_text(src)
            .is_ok_and(|t| !t.trim_matches(['"', '\'']).is_empty()),
        _ => false,
    }
}

fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '\'' { '"' } else { c })
        .collect::<String>()
        .trim_end_matches(',')
        .to_string()
}

/// Normalised `key=value` entries of a qualifying mapping, or `None`.
fn entries(n: Node<'_>, src: &[u8]) -> Option<Vec<String>> {
    let text = |n: Node<'_>| n.utf8_text(src).unwrap_or("");
    let mut out = Vec::new();
    let mut literals = 0;
    let mut scalars = 0;
    let mut c = n.walk();
    match n.kind() {
        "dictionary" => {
            for child in n.named_children(&mut c) {
                match child.kind() {
                    "pair" => {
                        let k = child.child_by_field_name("key")?;
                        let v = child.child_by_field_name("value")?;
                        if k.kind() != "string" {
                            return None;
                        }
                        if is_literal(v) {
                            literals += 1;
                        }
                        if is_scalar(v, src) {
                            scalars += 1;
                        }
                        let key = normalise(text(k));
                        out.push(format!("{}={}", key.trim_matches('"'), normalise(text(v))));
                    }
                    "comment" => {}
                    _ => return None,
                }
            }
        }
        "call" => {
            let f = n.child_by_field_name("function")?;
            if text(f) != "dict" {
                return None;
            }
            let args = n.child_by_field_name("arguments")?;
            let mut c2 = args.walk();
            for a in args.named_children(&mut c2) {
                match a.kind() {
                    "keyword_argument" => {
                        let k = a.child_by_field_name("name")?;
                        let v = a.child_by_field_name("value")?;
                        if is_literal(v) {
                            literals += 1;
                        }
                        if is_scalar(v, src) {
                            scalars += 1;
                        }
                        out.push(format!("{}={}", text(k), normalise(text(v))));
                    }
                    "comment" => {}
                    _ => return None,
                }
            }
        }
        _ => return None,
    }
    if out.len() < MIN_KEYS || literals * 2 < out.len() || scalars < MIN_SCALARS {
        return None;
    }
    out.sort();
    Some(out)
}

impl Rule for DuplicatedMapping {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if cx.role != FileRole::Production {
            return;
        }
        let src = cx.file.text.as_bytes();
        let mut local = Vec::new();
        let mut cursor = py.root().walk();
        'walk: loop {
            let n = cursor.node();
            let mut descend = true;
            if matches!(n.kind(), "dictionary" | "call") {
                if let Some(e) = entries(n, src) {
                    let mut h = DefaultHasher::new();
                    e.hash(&mut h);
                    let span = n.start_byte()..n.end_byte();
                    let line = n.start_position().row + 1;
                    local.push(Copy {
                        hash: h.finish(),
                        keys: e.len(),
                        at: cx.locate(span, "another copy"),
                        snippet: crate::engine::snippet_of(cx.file, line),
                    });
                    descend = false;
                }
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    continue 'walk;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        if local.is_empty() {
            return;
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.extend(local);
        }
    }

    fn finish(&self, _repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let mut groups: BTreeMap<u64, Vec<Copy>> = BTreeMap::new();
        for c in seen.drain(..) {
            groups.entry(c.hash).or_default().push(c);
        }
        let mut reports: Vec<Vec<Copy>> = Vec::new();
        for mut g in groups.into_values() {
            g.sort_by(|a, b| {
                (a.at.path.as_str(), a.at.span.start).cmp(&(b.at.path.as_str(), b.at.span.start))
            });
            let mut files: Vec<&str> = g.iter().map(|c| c.at.path.as_str()).collect();
            files.dedup();
            if files.len() >= 2 {
                reports.push(g);
            }
        }
        reports.sort_by(|a, b| {
            (a[0].at.path.as_str(), a[0].at.span.start)
                .cmp(&(b[0].at.path.as_str(), b[0].at.span.start))
        });
        for g in reports {
            let mut files: Vec<&str> = g.iter().map(|c| c.at.path.as_str()).collect();
            files.dedup();
            let n_files = files.len();
            let keys = g[0].keys;
            let mut iter = g.into_iter();
            let Some(first) = iter.next() else { continue };
            let f = out.report(
                first.at,
                first.snippet,
                format!("the same {keys}-key mapping is copied into {n_files} files: define it once and import it"),
            );
            f.related = iter.map(|c| c.at).collect();
            if n_files >= 3 {
                f.severity = Severity::Medium;
            }
        }
    }
}
