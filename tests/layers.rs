//! The layout's arrows (README.md, "Layout") hold in the code: no lower layer
//! imports a higher one. Reads `src/` as text: every `crate::NAME` outside a
//! comment and before the file's first `#[cfg(test)]` is an import of `NAME`
//! (tests may drive the whole scan). An arrow that still points the wrong way is
//! listed in `KNOWN` with why, so removing one is noticed (the list must shrink,
//! never silently grow) and adding one fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// (layer, modules it must never import). A layer is a top-level module of
/// `src/` (`src/NAME.rs` or `src/NAME/`).
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "parse",
        &[
            "model",
            "workflows",
            "rules",
            "edits",
            "engine",
            "status",
            "plan",
            "fix",
            "output",
            "cli",
        ],
    ),
    (
        "embed",
        &[
            "model",
            "workflows",
            "rules",
            "edits",
            "engine",
            "status",
            "plan",
            "fix",
            "output",
            "cli",
        ],
    ),
    (
        "text",
        &[
            "parse",
            "embed",
            "model",
            "workflows",
            "rules",
            "edits",
            "engine",
            "status",
            "plan",
            "fix",
            "output",
            "cli",
        ],
    ),
    (
        "model",
        &[
            "rules", "edits", "engine", "status", "plan", "fix", "output", "cli",
        ],
    ),
    (
        "workflows",
        &[
            "rules", "edits", "engine", "status", "plan", "fix", "output", "cli",
        ],
    ),
    (
        "edits",
        &["rules", "engine", "status", "plan", "fix", "output", "cli"],
    ),
    (
        "rules",
        &["engine", "status", "plan", "fix", "output", "cli"],
    ),
    ("engine", &["status", "plan", "fix", "output", "cli"]),
    (
        "status",
        &["rules", "plan", "fix", "output", "cli", "probe"],
    ),
    ("plan", &["fix", "output", "cli"]),
    (
        "fix",
        &["rules", "edits", "status", "plan", "output", "cli"],
    ),
    ("output", &["cli"]),
];

/// Wrong-way arrows still in the code: (from, to, why it is still there).
const KNOWN: &[(&str, &str, &str)] = &[];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The modules a file's non-test code names as `crate::NAME` (or `crate::{NAME…`).
fn imports(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = BTreeSet::new();
    for line in code.lines() {
        let l = line.trim_start();
        if l.starts_with("//") {
            continue;
        }
        let mut rest = l;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let names: Vec<&str> = match rest.strip_prefix('{') {
                Some(group) => group
                    .split('}')
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .map(|p| p.trim().split("::").next().unwrap_or(""))
                    .collect(),
                None => vec![rest],
            };
            for n in names {
                let name: String = n
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        }
    }
    out
}

#[test]
fn no_layer_imports_a_higher_one() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    files.sort();
    assert!(files.len() > 50, "src/ not found at {}", src.display());
    let mut wrong = Vec::new();
    let mut seen_known = BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap_or(f).to_string_lossy();
        let layer = rel
            .split(['/', '\\'])
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        let Some((_, forbidden)) = FORBIDDEN.iter().find(|(l, _)| *l == layer) else {
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for target in imports(&text) {
            if !forbidden.contains(&target.as_str()) {
                continue;
            }
            if KNOWN.iter().any(|(a, b, _)| *a == layer && *b == target) {
                seen_known.insert((layer.clone(), target));
                continue;
            }
            wrong.push(format!("src/{rel}: {layer} imports {target}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "wrong-way imports (README.md, Layout):\n{}",
        wrong.join("\n")
    );
    let stale: Vec<String> = KNOWN
        .iter()
        .filter(|(a, b, _)| !seen_known.contains(&(a.to_string(), b.to_string())))
        .map(|(a, b, why)| format!("{a} -> {b} ({why})"))
        .collect();
    assert!(
        stale.is_empty(),
        "these known wrong-way arrows are gone: remove them from KNOWN and the README:\n{}",
        stale.join("\n")
    );
}

#[test]
fn imports_are_read_from_paths_and_groups() {
    let t = "use crate::model::Repository;\nuse crate::{engine, rules::Rule};\n// crate::cli in a comment\nlet x = crate::output::util::wrap(s);\n#[cfg(test)]\nmod tests { use crate::plan; }\n";
    let got: Vec<String> = imports(t).into_iter().collect();
    assert_eq!(got, vec!["engine", "model", "output", "rules"]);
}
