//! Makefile rules, as far as telling which recipe lines `make TARGET` runs:
//! target names, their prerequisites and the lines of their recipes. Variables,
//! pattern rules, conditionals and includes are not evaluated; a target whose
//! name is not literal is skipped.

/// One rule of a Makefile (`release: build test` and its tab-indented recipe).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeTarget {
    /// The target name as written.
    pub name: String,
    /// 1-based line of the rule.
    pub line: usize,
    /// Prerequisite names as written (order-only ones included).
    pub prerequisites: Vec<String>,
    /// 1-based lines of the recipe (continuation lines included).
    pub recipe: Vec<usize>,
    /// The text of those lines, in the same order (the leading tab and `@`/`-`/`+`
    /// prefixes removed): what CI runs when it calls `make` with this goal.
    pub recipe_text: Vec<String>,
}

/// Whether a Makefile word is a literal target name (no variable, no pattern).
fn literal(w: &str) -> bool {
    !w.is_empty() && !w.contains(['$', '%', '(', ')'])
}

/// The rules of a Makefile, in order. `.PHONY`-style special targets are kept
/// (they are harmless to look up); a line with `=` before its `:` is an
/// assignment, not a rule.
pub fn targets(text: &str) -> Vec<MakeTarget> {
    let mut out: Vec<MakeTarget> = Vec::new();
    // Indices in `out` of the rule the recipe lines below belong to.
    let mut current: Vec<usize> = Vec::new();
    let mut continued = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let was_continued = continued;
        continued = raw.ends_with('\\');
        if raw.starts_with('\t') || (was_continued && !current.is_empty()) {
            let text = raw
                .strip_prefix('\t')
                .unwrap_or(raw)
                .trim()
                .trim_start_matches(['@', '-', '+'])
                .to_string();
            for &t in &current {
                if let Some(t) = out.get_mut(t) {
                    t.recipe.push(line_no);
                    t.recipe_text.push(text.clone());
                }
            }
            continue;
        }
        if was_continued {
            continue;
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some(colon) = raw.find(':') else {
            current.clear();
            continue;
        };
        let head = &raw[..colon];
        let rest = &raw[colon + 1..];
        // `X := v`, `X ?= v`, `X = a:b`: assignments.
        if head.contains('=') || rest.starts_with('=') || rest.starts_with(":=") {
            current.clear();
            continue;
        }
        let rest = rest.trim_start_matches(':');
        let (deps, inline) = match rest.split_once(';') {
            Some((d, r)) => (d, Some(r)),
            None => (rest, None),
        };
        let deps = deps.split('#').next().unwrap_or("");
        // Target-specific variables (`release: VERSION = 1`) are not rules.
        if deps.contains('=') {
            current.clear();
            continue;
        }
        let prerequisites: Vec<String> = deps
            .split_whitespace()
            .filter(|w| *w != "|" && literal(w))
            .map(str::to_string)
            .collect();
        current.clear();
        for name in head.split_whitespace().filter(|w| literal(w)) {
            current.push(out.len());
            out.push(MakeTarget {
                name: name.to_string(),
                line: line_no,
                prerequisites: prerequisites.clone(),
                recipe: if inline.is_some_and(|r| !r.trim().is_empty()) {
                    vec![line_no]
                } else {
                    Vec::new()
                },
                recipe_text: inline
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(|r| vec![r.to_string()])
                    .unwrap_or_default(),
            });
        }
    }
    out
}

/// The target `make` builds without an argument: the first one whose name does not
/// start with `.` (special targets such as `.PHONY` are not goals).
pub fn default_goal(targets: &[MakeTarget]) -> Option<&MakeTarget> {
    targets.iter().find(|t| !t.name.starts_with('.'))
}

/// The recipe lines `make goal` may run: the goal's and, transitively, its
/// prerequisites' (a rule named twice contributes both recipes). Empty when the
/// goal is not a rule of this Makefile.
pub fn recipe_lines(targets: &[MakeTarget], goal: &str) -> Vec<usize> {
    let mut seen: Vec<&str> = Vec::new();
    let mut todo: Vec<&str> = vec![goal];
    let mut lines: Vec<usize> = Vec::new();
    while let Some(name) = todo.pop() {
        if seen.contains(&name) || seen.len() > 500 {
            continue;
        }
        seen.push(name);
        for t in targets.iter().filter(|t| t.name == name) {
            lines.extend(&t.recipe);
            todo.extend(t.prerequisites.iter().map(String::as_str));
        }
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const MK: &str = "\
VERSION := $(shell git describe)
.PHONY: build release
# build the wheel
build: deps
\tpython -m build
deps:
\tpip install -r requirements.txt
release: build | dist
\t./scripts/publish.sh \\
\t  --version $(VERSION)
\tcurl -fsSL https://example.com/x | sh
lint: ; ruff check .
%.o: %.c
\tcc -c $<
";

    #[test]
    fn rules_recipes_and_prerequisites() {
        let t = targets(MK);
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, vec![".PHONY", "build", "deps", "release", "lint"]);
        assert_eq!(default_goal(&t).map(|t| t.name.as_str()), Some("build"));
        let release = &t[3];
        assert_eq!(release.prerequisites, vec!["build", "dist"]);
        assert_eq!(release.recipe, vec![9, 10, 11]);
        assert_eq!(recipe_lines(&t, "release"), vec![5, 7, 9, 10, 11]);
        assert_eq!(recipe_lines(&t, "deps"), vec![7]);
        assert_eq!(recipe_lines(&t, "lint"), vec![12]);
        assert!(recipe_lines(&t, "missing").is_empty());
    }

    #[test]
    fn assignments_are_not_rules() {
        let t = targets("URL = http://x:80\nA ?= b:c\nrun: PORT = 8\nrun:\n\techo hi\n");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].recipe, vec![5]);
    }
}
