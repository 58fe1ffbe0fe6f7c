//! Helpers shared by the `python/` rules: name resolution through imports,
//! keyword arguments, enclosing scopes, `__main__` guards, handler shapes.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use crate::parse::python::{PythonFile, PythonTree};
use crate::roles::FileRole;
use crate::rules::FileCx;

/// Code that ships, and development tooling people run by hand (`hack/`, `dev/`,
/// `hacking/`): quality rules check both; the engine caps the tooling's findings at
/// low. Tests, examples, vendored and generated code are left out.
pub fn is_production(cx: &FileCx<'_>) -> bool {
    matches!(cx.role, FileRole::Production | FileRole::Development)
}

/// Production code, examples people copy, and development tooling (security rules):
/// an unsafe call in a maintainer script (`hack/`, `dev/`) is still worth a low
/// finding (the engine caps non-production roles at low); quality rules skip it.
pub fn is_shipped_or_example(cx: &FileCx<'_>) -> bool {
    matches!(
        cx.role,
        FileRole::Production | FileRole::Example | FileRole::Development
    )
}

/// A parsed module with its text and import table.
pub struct Module<'a> {
    /// Source text.
    pub text: &'a str,
    /// The module node.
    pub root: Node<'a>,
    /// The parsed file, for its node table.
    py: &'a PythonTree,
    /// Local name → dotted path it stands for (`rq` → `requests`, `get` → `requests.get`),
    /// built on first use (rules that never resolve a name skip the walk) and shared by
    /// every rule through the parsed file.
    imports: &'a std::sync::OnceLock<HashMap<String, String>>,
}

impl<'a> Module<'a> {
    /// Wraps `py` over `text`, parsing it if no rule did before; `None` when the
    /// parser refuses the file. The import table is built lazily.
    pub fn new(py: &'a PythonFile<'_>, text: &'a str) -> Option<Module<'a>> {
        let tree = py.tree()?;
        Some(Module {
            text,
            root: tree.root(),
            py: tree,
            imports: &tree.imports,
        })
    }

    fn imports(&self) -> &HashMap<String, String> {
        self.imports.get_or_init(|| self.build_imports())
    }

    fn build_imports(&self) -> HashMap<String, String> {
        let m = self;
        let mut imports = HashMap::new();
        if !(m.text.contains("import")) {
            return imports;
        }
        // Imports are statements: only statement containers need visiting, never expressions.
        let containers = |n: Node<'_>| crate::parse::python::node_holds_statements(n);
        for n in m.py.descendants_pruned(m.root, containers) {
            match n.kind() {
                "import_statement" => {
                    let mut c = n.walk();
                    for name in n.children_by_field_name("name", &mut c) {
                        match name.kind() {
                            "dotted_name" => {
                                let full = m.text(name);
                                let head = full.split('.').next().unwrap_or(full).trim();
                                imports.insert(head.to_string(), head.to_string());
                            }
                            "aliased_import" => {
                                if let (Some(target), Some(alias)) = (
                                    name.child_by_field_name("name"),
                                    name.child_by_field_name("alias"),
                                ) {
                                    imports
                                        .insert(m.text(alias).to_string(), compact(m.text(target)));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "import_from_statement" => {
                    let Some(module) = n.child_by_field_name("module_name") else {
                        continue;
                    };
                    let module = compact(m.text(module));
                    let mut c = n.walk();
                    for name in n.children_by_field_name("name", &mut c) {
                        match name.kind() {
                            "dotted_name" => {
                                let t = compact(m.text(name));
                                imports.insert(t.clone(), format!("{module}.{t}"));
                            }
                            "aliased_import" => {
                                if let (Some(target), Some(alias)) = (
                                    name.child_by_field_name("name"),
                                    name.child_by_field_name("alias"),
                                ) {
                                    imports.insert(
                                        m.text(alias).to_string(),
                                        format!("{module}.{}", compact(m.text(target))),
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        imports
    }

    /// Text of a node (empty if the range is not on char boundaries, which tree-sitter guarantees).
    pub fn text(&self, n: Node<'_>) -> &'a str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    /// Whether `module` (or a submodule of it) is imported anywhere in the file.
    pub fn imports_module(&self, module: &str) -> bool {
        self.imports().values().any(|v| {
            v == module
                || v.strip_prefix(module)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }

    /// What a local name was imported as, if it was.
    pub fn imported(&self, name: &str) -> Option<&str> {
        self.imports().get(name).map(String::as_str)
    }

    /// Dotted name of an expression, with its head resolved through the imports:
    /// `rq.get` → `requests.get`, `get` → `requests.get`, `requests.Session().get` →
    /// `requests.Session().get`. Names not imported are returned as written
    /// (`print`, `session.get`). `None` for anything that is not a name chain.
    pub fn resolve(&self, n: Node<'_>) -> Option<String> {
        match n.kind() {
            "identifier" => {
                let t = self.text(n);
                Some(
                    self.imports()
                        .get(t)
                        .cloned()
                        .unwrap_or_else(|| t.to_string()),
                )
            }
            "attribute" => {
                let obj = n.child_by_field_name("object")?;
                let attr = n.child_by_field_name("attribute")?;
                Some(format!("{}.{}", self.resolve(obj)?, self.text(attr)))
            }
            "call" => {
                let f = n.child_by_field_name("function")?;
                Some(format!("{}()", self.resolve(f)?))
            }
            "parenthesized_expression" => self.resolve(n.named_child(0)?),
            _ => None,
        }
    }

    /// Resolved name of the function a `call` node calls.
    pub fn callee(&self, call: Node<'_>) -> Option<String> {
        self.resolve(call.child_by_field_name("function")?)
    }

    /// Every `call` node in the module, in source order.
    pub fn calls(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        self.py
            .descendants(self.root)
            .filter(|n| n.kind_id() == crate::parse::python::kinds().call)
    }

    /// Nodes under `scope` that are not inside a nested function, class or lambda (the
    /// nested definition node itself is yielded), from the node table: see [`in_scope`].
    pub fn in_scope(&self, scope: Node<'a>) -> crate::parse::python::Nodes<'a> {
        self.py.descendants_pruned(scope, |n| !is_nested_scope(n))
    }

    /// `n` and every node under it, in pre-order (from the file's node table: no walk).
    pub fn descendants(&self, n: Node<'a>) -> crate::parse::python::Nodes<'a> {
        self.py.descendants(n)
    }
}

/// Whether the text has a bare `except:` (a cheap prefilter).
pub fn has_bare_except_text(text: &str) -> bool {
    text.match_indices("except").any(|(i, _)| {
        text[i + "except".len()..]
            .trim_start_matches([' ', '\t'])
            .starts_with(':')
    })
}

/// Whether the text may hold a float constant as tree-sitter reads one: a float
/// literal (a `.` next to a digit, or a digit before an exponent `e`/`E`), or a
/// word `nan`/`inf`/`infinity` in any case (`np.nan`, `math.inf`, `float("NaN")`).
/// A cheap prefilter for rules that only report non-integer numbers: a module
/// without one is not parsed for them. A superset: it may say yes on a string.
pub fn has_float_text(text: &str) -> bool {
    let b = text.as_bytes();
    let literal = b.iter().enumerate().any(|(i, &c)| match c {
        b'.' => {
            (i > 0 && b[i - 1].is_ascii_digit()) || b.get(i + 1).is_some_and(u8::is_ascii_digit)
        }
        b'e' | b'E' => i > 0 && b[i - 1].is_ascii_digit(),
        _ => false,
    });
    literal
        || words(text).any(|w| {
            w.eq_ignore_ascii_case("nan")
                || w.eq_ignore_ascii_case("inf")
                || w.eq_ignore_ascii_case("infinity")
        })
}

/// Whether the text may call `name` as a bare name: the word `name` followed by
/// optional whitespace (or line continuations) and `(`, or `)` for `(name)(…)`.
/// A cheap prefilter; `name` must be an identifier.
pub fn has_call_text(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].bytes().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80) {
            return false;
        }
        let rest = text[i + name.len()..].trim_start_matches([' ', '\t', '\r', '\n', '\\', '\x0c']);
        rest.starts_with('(') || rest.starts_with(')')
    })
}

/// The identifier-like words of a text (ASCII letters, digits, `_`).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Removes whitespace inside a dotted name (`a . b` → `a.b`).
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// All nodes under `root` (itself included), pre-order (a tree cursor: linear time).
pub fn descendants<'t>(root: Node<'t>) -> impl Iterator<Item = Node<'t>> + 't {
    walk(root, |_| true)
}

/// Pre-order walk of `root` that does not descend below nodes for which `descend` is
/// false (those nodes themselves are still yielded).
fn walk<'t>(
    root: Node<'t>,
    descend: impl Fn(Node<'t>) -> bool + 't,
) -> impl Iterator<Item = Node<'t>> + 't {
    let mut cursor = root.walk();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let node = cursor.node();
        let go_down = node.id() == root.id() || descend(node);
        if go_down && cursor.goto_first_child() {
            return Some(node);
        }
        loop {
            if cursor.node().id() == root.id() {
                done = true;
                return Some(node);
            }
            if cursor.goto_next_sibling() {
                return Some(node);
            }
            if !cursor.goto_parent() {
                done = true;
                return Some(node);
            }
        }
    })
}

/// Named children of a node (comments included: they are named "extras").
pub fn named_children<'t>(n: Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c).collect()
}

/// The value node of keyword argument `name` in a call, if present.
pub fn kwarg<'t>(call: Node<'t>, name: &str, text: &str) -> Option<Node<'t>> {
    let args = call.child_by_field_name("arguments")?;
    named_children(args).into_iter().find_map(|a| {
        if a.kind() != "keyword_argument" {
            return None;
        }
        let k = a.child_by_field_name("name")?;
        (text.get(k.byte_range()) == Some(name))
            .then(|| a.child_by_field_name("value"))
            .flatten()
    })
}

/// Positional arguments of a call (no keywords, no `*args`/`**kwargs`, no comments).
pub fn positional(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    named_children(args)
        .into_iter()
        .filter(|a| {
            !matches!(
                a.kind(),
                "keyword_argument"
                    | "list_splat"
                    | "dictionary_splat"
                    | "comment"
                    | "parenthesized_list_splat"
            )
        })
        .collect()
}

/// Whether a call passes `**kwargs` (so any keyword may be set at run time).
pub fn has_kwargs_splat(call: Node<'_>) -> bool {
    call.child_by_field_name("arguments")
        .map(|a| {
            named_children(a)
                .iter()
                .any(|c| c.kind() == "dictionary_splat")
        })
        .unwrap_or(false)
}

/// Innermost enclosing function definition.
pub fn enclosing_function(n: Node<'_>) -> Option<Node<'_>> {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if p.kind() == "function_definition" {
            return Some(p);
        }
        cur = p.parent();
    }
    None
}

/// Name of a function definition.
pub fn function_name<'t>(func: Node<'_>, text: &'t str) -> &'t str {
    func.child_by_field_name("name")
        .and_then(|n| text.get(n.byte_range()))
        .unwrap_or("")
}

/// Whether an `if` condition is `__name__ == "__main__"` (either order, any quotes).
pub fn is_main_guard(if_stmt: Node<'_>, text: &str) -> bool {
    let Some(cond) = if_stmt.child_by_field_name("condition") else {
        return false;
    };
    if cond.kind() != "comparison_operator" {
        return false;
    }
    let t: String = text
        .get(cond.byte_range())
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let t = t.replace('\'', "\"");
    t == "__name__==\"__main__\"" || t == "\"__main__\"==__name__"
}

/// Whether `n` sits inside an `if __name__ == "__main__":` block.
pub fn in_main_guard(n: Node<'_>, text: &str) -> bool {
    let mut cur = n.parent();
    while let Some(p) = cur {
        if p.kind() == "if_statement" && is_main_guard(p, text) {
            // Only the consequence, not the condition itself.
            if let Some(body) = p.child_by_field_name("consequence") {
                return body.start_byte() <= n.start_byte() && n.end_byte() <= body.end_byte();
            }
        }
        cur = p.parent();
    }
    false
}

/// Whether `n` only runs on a path the user opted into: inside an `if`/`elif`/`else`
/// or conditional expression whose condition mentions verification (`if not
/// validate_certs:`, `verify=False if args.insecure else True`).
pub fn in_opt_out_branch(n: Node<'_>, text: &str) -> bool {
    const WORDS: &[&str] = &[
        "verify", "validate", "insecure", "ssl", "tls", "cert", "hostname",
    ];
    let mut cur = n.parent();
    while let Some(p) = cur {
        let cond = match p.kind() {
            "if_statement" | "elif_clause" | "while_statement" => {
                p.child_by_field_name("condition")
            }
            "conditional_expression" => p.named_child(1),
            "function_definition" | "class_definition" => break,
            _ => None,
        };
        if let Some(c) = cond {
            let inside_cond = c.start_byte() <= n.start_byte() && n.end_byte() <= c.end_byte();
            let t = text.get(c.byte_range()).unwrap_or("").to_ascii_lowercase();
            if !inside_cond && WORDS.iter().any(|w| t.contains(w)) {
                return true;
            }
        }
        cur = p.parent();
    }
    false
}

/// Whether the module has a top-level `if __name__ == "__main__":`.
pub fn has_main_guard(root: Node<'_>, text: &str) -> bool {
    named_children(root)
        .iter()
        .any(|n| n.kind() == "if_statement" && is_main_guard(*n, text))
}

/// The `except …:` header of an except clause: from `except` to the colon (inclusive).
pub fn except_header(clause: Node<'_>) -> Range<usize> {
    let mut end = clause.start_byte() + "except".len();
    let mut c = clause.walk();
    for child in clause.children(&mut c) {
        if child.kind() == ":" {
            end = child.end_byte();
            break;
        }
    }
    clause.start_byte()..end
}

/// The handler body (block) of an except clause.
pub fn except_body(clause: Node<'_>) -> Option<Node<'_>> {
    named_children(clause)
        .into_iter()
        .rev()
        .find(|n| n.kind() == "block")
}

/// The exception-type expressions of an except clause (`except (A, B) as e` → `[A, B]`);
/// empty for a bare `except:`.
pub fn except_types(clause: Node<'_>) -> Vec<Node<'_>> {
    let mut c = clause.walk();
    let values: Vec<Node<'_>> = clause.children_by_field_name("value", &mut c).collect();
    let mut out = Vec::new();
    for v in values {
        let v = if v.kind() == "as_pattern" {
            match v.named_child(0) {
                Some(x) => x,
                None => continue,
            }
        } else {
            v
        };
        match v.kind() {
            "tuple" | "parenthesized_expression" => {
                out.extend(
                    named_children(v)
                        .into_iter()
                        .filter(|x| x.kind() != "comment"),
                );
            }
            _ => out.push(v),
        }
    }
    out
}

/// Whether an except clause is `except*` (an exception group handler).
pub fn is_except_star(clause: Node<'_>, text: &str) -> bool {
    text.get(clause.byte_range())
        .map(|t| {
            t["except".len().min(t.len())..]
                .trim_start()
                .starts_with('*')
        })
        .unwrap_or(false)
}

/// Statements of a block without comments.
pub fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    named_children(block)
        .into_iter()
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// Whether an except clause carries a comment (an author's note that swallowing is
/// on purpose): inside the clause, or trailing its last line.
pub fn clause_has_comment(clause: Node<'_>, text: &str) -> bool {
    !clause_comments(clause, text).is_empty()
}

/// The comments inside a clause and the one trailing its last line, as written.
pub fn clause_comments<'t>(clause: Node<'_>, text: &'t str) -> Vec<&'t str> {
    let mut out: Vec<&str> = descendants(clause)
        .filter(|n| n.kind() == "comment")
        .filter_map(|n| text.get(n.byte_range()))
        .collect();
    let end = clause.end_byte().min(text.len());
    let rest = text.get(end..).unwrap_or("");
    let line = rest.split('\n').next().unwrap_or("").trim_start();
    if line.starts_with('#') {
        out.push(line);
    }
    out
}

/// Whether anything under `n` raises or exits (`raise`, `sys.exit`, `os._exit`, `exit()`, `abort`).
pub fn raises_or_exits(n: Node<'_>, m: &Module<'_>) -> bool {
    descendants(n).any(|d| match d.kind() {
        "raise_statement" => true,
        "call" if m.callee(d).is_some_and(|c| c.ends_with(".fail_json")) => true,
        "call" => matches!(
            m.callee(d).as_deref(),
            Some(
                "sys.exit"
                    | "os._exit"
                    | "exit"
                    | "quit"
                    | "os.abort"
                    | "pytest.fail"
                    | "pytest.skip"
                    | "abort"
                    | "flask.abort"
                    | "typer.Exit"
                    | "click.Abort"
            )
        ),
        _ => false,
    })
}

/// The single expression of an expression statement, if it is one.
pub fn expr_of(stmt: Node<'_>) -> Option<Node<'_>> {
    if stmt.kind() != "expression_statement" {
        return None;
    }
    let kids = statements(stmt);
    (kids.len() == 1).then(|| kids[0])
}

/// Logging method names and the level they log at.
pub fn log_level(method: &str) -> Option<&'static str> {
    Some(match method {
        "debug" => "debug",
        "info" => "info",
        "warning" | "warn" => "warning",
        "error" => "error",
        "exception" => "exception",
        "critical" | "fatal" => "critical",
        "log" => "log",
        _ => return None,
    })
}

/// If `call` looks like a logging call (`logger.info`, `logging.warning`, `self.log.debug`,
/// `log.error`), the level it logs at.
pub fn logging_call(call: Node<'_>, m: &Module<'_>) -> Option<&'static str> {
    let f = call.child_by_field_name("function")?;
    if f.kind() != "attribute" {
        return None;
    }
    let method = m.text(f.child_by_field_name("attribute")?);
    let level = log_level(method)?;
    let obj = m
        .text(f.child_by_field_name("object")?)
        .to_ascii_lowercase();
    let last = obj.rsplit('.').next().unwrap_or(&obj);
    if last.contains("log") || last == "_l" || last == "lg" {
        Some(level)
    } else {
        None
    }
}

/// Whether a node is a numeric constant: `0`, `0.0`, `-1.5`, `float("nan")`, `np.nan`, `math.inf`.
pub fn is_numeric_constant(n: Node<'_>, m: &Module<'_>) -> bool {
    match n.kind() {
        "integer" | "float" => true,
        "unary_operator" => n
            .child_by_field_name("argument")
            .is_some_and(|a| is_numeric_constant(a, m)),
        "call" => {
            m.callee(n).as_deref() == Some("float")
                && positional(n).first().is_some_and(|a| {
                    let t = m.text(*a).to_ascii_lowercase();
                    matches!(
                        t.trim_matches(|c| c == '"' || c == '\''),
                        "nan" | "inf" | "-inf" | "+inf" | "infinity" | "-infinity"
                    )
                })
        }
        "attribute" => {
            let r = m.resolve(n).unwrap_or_default();
            matches!(
                r.as_str(),
                "numpy.nan"
                    | "numpy.NaN"
                    | "numpy.NAN"
                    | "numpy.inf"
                    | "math.nan"
                    | "math.inf"
                    | "np.nan"
                    | "np.inf"
            )
        }
        _ => false,
    }
}

/// Whether a string-valued expression is built at run time from variables:
/// an f-string with `{…}`, `"…" % x`, `"…".format(x)`, `" ".join(parts)`, or `+`
/// joining a variable.
pub fn is_dynamic_string(n: Node<'_>, m: &Module<'_>) -> bool {
    match n.kind() {
        "string" => named_children(n)
            .iter()
            .any(|c| c.kind() == "interpolation"),
        "concatenated_string" => named_children(n).iter().any(|c| is_dynamic_string(*c, m)),
        "parenthesized_expression" => n.named_child(0).is_some_and(|c| is_dynamic_string(c, m)),
        "binary_operator" => {
            let op = n
                .child_by_field_name("operator")
                .map(|o| m.text(o))
                .unwrap_or("");
            let (Some(l), Some(r)) = (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ) else {
                return false;
            };
            match op {
                "%" => is_stringish(l),
                "+" => {
                    (is_stringish(l) || is_stringish(r) || is_dynamic_string(l, m))
                        && !(fixed_text(l, m) && fixed_text(r, m))
                }
                _ => false,
            }
        }
        "call" => {
            let Some(f) = n.child_by_field_name("function") else {
                return false;
            };
            f.kind() == "attribute"
                && f.child_by_field_name("attribute")
                    .is_some_and(|a| matches!(m.text(a), "format" | "join"))
                && f.child_by_field_name("object").is_some_and(is_stringish)
                && n.child_by_field_name("arguments")
                    .is_some_and(|a| named_children(a).iter().any(|k| k.kind() != "comment"))
        }
        _ => false,
    }
}

/// Text fixed when the module is written: a constant string, a module constant
/// (`CMD = "infinity_emb v2"`, assigned once in the whole file), or `+` of such.
fn fixed_text(n: Node<'_>, m: &Module<'_>) -> bool {
    match n.kind() {
        "string" | "concatenated_string" => is_constant_string(n),
        "parenthesized_expression" => n.named_child(0).is_some_and(|c| fixed_text(c, m)),
        "identifier" => module_constant(m, m.text(n)),
        "binary_operator" => {
            n.child_by_field_name("operator")
                .is_some_and(|o| m.text(o) == "+")
                && n.child_by_field_name("left")
                    .is_some_and(|l| fixed_text(l, m))
                && n.child_by_field_name("right")
                    .is_some_and(|r| fixed_text(r, m))
        }
        _ => false,
    }
}

/// `name` is bound once in the whole module, at its top level, to a constant string.
fn module_constant(m: &Module<'_>, name: &str) -> bool {
    let mut top_level_constant = false;
    let mut bindings = 0;
    for a in m.descendants(m.root) {
        let target = match a.kind() {
            "assignment" | "augmented_assignment" => a.child_by_field_name("left"),
            "global_statement" | "nonlocal_statement" => {
                if named_children(a).iter().any(|c| m.text(*c) == name) {
                    return false;
                }
                continue;
            }
            _ => continue,
        };
        if target.map(|t| m.text(t)) != Some(name) {
            continue;
        }
        bindings += 1;
        top_level_constant = a.kind() == "assignment"
            && a.parent()
                .and_then(|s| s.parent())
                .is_some_and(|p| p.id() == m.root.id())
            && a.child_by_field_name("right")
                .is_some_and(is_constant_string);
    }
    bindings == 1 && top_level_constant
}

/// A string literal (or concatenation of them), possibly an f-string.
fn is_stringish(n: Node<'_>) -> bool {
    matches!(n.kind(), "string" | "concatenated_string")
        || n.kind() == "binary_operator" && n.child_by_field_name("left").is_some_and(is_stringish)
}

/// A string literal with no interpolation.
pub fn is_constant_string(n: Node<'_>) -> bool {
    match n.kind() {
        "string" => !named_children(n)
            .iter()
            .any(|c| c.kind() == "interpolation"),
        "concatenated_string" => named_children(n).iter().all(|c| is_constant_string(*c)),
        _ => false,
    }
}

/// The innermost scope (function body or module) that contains `n`.
pub fn scope_of<'t>(n: Node<'t>, root: Node<'t>) -> Node<'t> {
    enclosing_function(n)
        .and_then(|f| f.child_by_field_name("body"))
        .unwrap_or(root)
}

/// Nodes under `scope` that are not inside a nested function or class definition
/// (the nested definition node itself is yielded).
pub fn in_scope<'t>(scope: Node<'t>) -> impl Iterator<Item = Node<'t>> + 't {
    walk(scope, |n| !is_nested_scope(n))
}

/// A definition that opens a scope of its own.
fn is_nested_scope(n: Node<'_>) -> bool {
    let k = crate::parse::python::kinds();
    let id = n.kind_id();
    id == k.function_definition
        || id == k.class_definition
        || id == k.lambda
        || id == k.lambda_keyword
}

/// The value assigned to identifier `name` in `scope` before `before`, when there is one
/// simple `name = value` assignment (the last one before that byte).
pub fn last_assignment<'t>(
    scope: Node<'t>,
    name: &str,
    before: usize,
    text: &str,
) -> Option<Node<'t>> {
    let mut found = None;
    for n in in_scope(scope) {
        if n.kind() != "assignment" || n.start_byte() >= before {
            continue;
        }
        let Some(left) = n.child_by_field_name("left") else {
            continue;
        };
        if left.kind() == "identifier" && text.get(left.byte_range()) == Some(name) {
            found = n.child_by_field_name("right");
        }
    }
    found
}

/// HTTP verbs and request methods of requests/httpx clients.
pub const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "request",
];

/// Which HTTP library a client object comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpLib {
    /// `requests.Session()`.
    Requests,
    /// `httpx.Client()` / `httpx.AsyncClient()`.
    Httpx,
}

/// A client object found in the file: the text it is referred to by
/// (`s`, `self.session`), its library, and whether an adapter is mounted on it.
#[derive(Debug, Clone)]
pub struct HttpClient {
    /// Normalised text of the expression naming the client.
    pub name: String,
    /// Library.
    pub lib: HttpLib,
    /// `.mount(...)` is called on it (a custom adapter may set a default timeout).
    pub mounted: bool,
}

fn client_lib(resolved: &str) -> Option<HttpLib> {
    match resolved {
        "requests.Session" | "requests.session" | "requests.sessions.Session" => {
            Some(HttpLib::Requests)
        }
        "httpx.Client" | "httpx.AsyncClient" => Some(HttpLib::Httpx),
        _ => None,
    }
}

/// Removes whitespace (for comparing expression texts).
pub fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Every requests/httpx client object of the file: `s = requests.Session()`,
/// `self.session = httpx.Client(...)`, `with requests.Session() as s:`.
pub fn http_clients(m: &Module<'_>) -> Vec<HttpClient> {
    let mut out: Vec<HttpClient> = Vec::new();
    for n in m.descendants(m.root) {
        let (target, value) = match n.kind() {
            "assignment" => (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ),
            "as_pattern" => (n.child_by_field_name("alias"), n.named_child(0)),
            _ => continue,
        };
        let (Some(target), Some(value)) = (target, value) else {
            continue;
        };
        let value = if value.kind() == "await" {
            match value.named_child(0) {
                Some(v) => v,
                None => continue,
            }
        } else {
            value
        };
        if value.kind() != "call" {
            continue;
        }
        let Some(lib) = m.callee(value).as_deref().and_then(client_lib) else {
            continue;
        };
        let name = norm(m.text(target));
        if !out.iter().any(|c| c.name == name) {
            out.push(HttpClient {
                name,
                lib,
                mounted: false,
            });
        }
    }
    if !out.is_empty() {
        for call in m.calls() {
            let Some(f) = call.child_by_field_name("function") else {
                continue;
            };
            if f.kind() != "attribute" {
                continue;
            }
            let (Some(obj), Some(attr)) = (
                f.child_by_field_name("object"),
                f.child_by_field_name("attribute"),
            ) else {
                continue;
            };
            if m.text(attr) == "mount" {
                let o = norm(m.text(obj));
                for c in out.iter_mut().filter(|c| c.name == o) {
                    c.mounted = true;
                }
            }
        }
    }
    out
}

/// Whether `value` is the constant `False`, directly or through a module-level
/// `NAME = False` that is never assigned anything else.
pub fn is_false(value: Node<'_>, m: &Module<'_>) -> bool {
    match value.kind() {
        "false" => true,
        "identifier" => {
            let name = m.text(value);
            let mut seen_false = false;
            for n in m.descendants(m.root).filter(|n| n.kind() == "assignment") {
                let Some(left) = n.child_by_field_name("left") else {
                    continue;
                };
                if left.kind() != "identifier" || m.text(left) != name {
                    continue;
                }
                match n.child_by_field_name("right") {
                    Some(r) if r.kind() == "false" => seen_false = true,
                    _ => return false,
                }
            }
            seen_false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn float_prefilter_says_yes_to_every_float_shape() {
        for yes in [
            "x = 1.0",
            "x = .5",
            "x = 1.",
            "x = 1e5",
            "x = 2E-3",
            "x = 1_000.5",
            "x = np.nan",
            "x = math.inf",
            "x = float('NaN')",
            "x = float(\"-Infinity\")",
            "x = numpy.NAN",
        ] {
            assert!(has_float_text(yes), "{yes}");
        }
        for no in [
            "x = 0",
            "x = -1",
            "logger.info('x')",
            "x = 0x1F",
            "x = nanny",
            "x = 3j",
        ] {
            assert!(!has_float_text(no), "{no}");
        }
    }

    #[test]
    fn call_prefilter_finds_spaced_and_parenthesised_calls() {
        for yes in [
            "print(1)",
            "print (1)",
            "x; print\\\n(1)",
            "(print)(1)",
            "f(print)",
        ] {
            assert!(has_call_text(yes, "print"), "{yes}");
        }
        for no in [
            "pprint(1)",
            "print_x(1)",
            "# no call to print here",
            "printer = 1",
        ] {
            assert!(!has_call_text(no, "print"), "{no}");
        }
    }

    use super::*;

    fn module(src: &str) -> (PythonFile<'_>, String) {
        (PythonFile::new(src), src.to_string())
    }

    #[test]
    fn walks_every_node_once_in_order() {
        let (py, src) = module("def f(x):\n    def g():\n        return 1\n    return g\ny = 2\n");
        let m = Module::new(&py, &src).unwrap();
        let mut expected = Vec::new();
        fn rec<'t>(n: Node<'t>, out: &mut Vec<usize>) {
            out.push(n.id());
            let mut c = n.walk();
            for k in n.children(&mut c) {
                rec(k, out);
            }
        }
        rec(m.root, &mut expected);
        let got: Vec<usize> = descendants(m.root).map(|n| n.id()).collect();
        assert_eq!(got, expected);
        let body = descendants(m.root)
            .find(|n| n.kind() == "function_definition")
            .and_then(|f| f.child_by_field_name("body"))
            .unwrap();
        let kinds: Vec<&str> = in_scope(body).map(|n| n.kind()).collect();
        assert!(kinds.contains(&"function_definition"));
        assert_eq!(
            kinds.iter().filter(|k| **k == "return_statement").count(),
            1
        );
        let leaf = descendants(m.root).find(|n| n.kind() == "integer").unwrap();
        assert_eq!(descendants(leaf).count(), 1);
    }

    #[test]
    fn resolves_aliases() {
        let (py, src) = module(
            "import requests as rq\nfrom requests import get as g, post\nimport os.path\nrq.get(u)\ng(u)\npost(u)\nos.path.join(a)\nrequests.Session().get(u)\nprint(1)\n",
        );
        let m = Module::new(&py, &src).unwrap();
        let names: Vec<String> = m.calls().filter_map(|c| m.callee(c)).collect();
        assert_eq!(
            names,
            vec![
                "requests.get",
                "requests.get",
                "requests.post",
                "os.path.join",
                "requests.Session().get",
                "requests.Session",
                "print"
            ]
        );
        assert!(m.imports_module("requests"));
        assert!(!m.imports_module("req"));
    }

    #[test]
    fn kwargs_and_positionals() {
        let (py, src) = module("f(a, b, timeout=3, **kw)\n");
        let m = Module::new(&py, &src).unwrap();
        let call = m.calls().next().unwrap();
        assert_eq!(m.text(kwarg(call, "timeout", &src).unwrap()), "3");
        assert!(kwarg(call, "verify", &src).is_none());
        assert_eq!(positional(call).len(), 2);
        assert!(has_kwargs_splat(call));
    }

    #[test]
    fn main_guard_and_except_shapes() {
        let src = "def main():\n    print(1)\n\nif __name__ == '__main__':\n    try:\n        main()\n    except (ValueError, KeyError) as e:\n        pass\n    except:\n        raise\n";
        let (py, src) = module(src);
        let m = Module::new(&py, &src).unwrap();
        assert!(has_main_guard(m.root, &src));
        let calls: Vec<_> = m.calls().collect();
        assert!(!in_main_guard(calls[0], &src));
        assert!(in_main_guard(calls[1], &src));
        let clauses: Vec<_> = descendants(m.root)
            .filter(|n| n.kind() == "except_clause")
            .collect();
        assert_eq!(except_types(clauses[0]).len(), 2);
        assert_eq!(
            &src[except_header(clauses[0])],
            "except (ValueError, KeyError) as e:"
        );
        assert!(except_types(clauses[1]).is_empty());
        assert_eq!(&src[except_header(clauses[1])], "except:");
        assert!(raises_or_exits(clauses[1], &m));
    }

    #[test]
    fn dynamic_strings() {
        let src = "a = f'rm {x}'\nb = 'ls %s' % d\nc = 'ls {}'.format(d)\nd = 'ls ' + d\nj = ' '.join(argv)\ne = 'ls' + ' -l'\nf = f'ls'\ng = 'a' 'b'\n";
        let (py, src) = module(src);
        let m = Module::new(&py, &src).unwrap();
        let rights: Vec<bool> = descendants(m.root)
            .filter(|n| n.kind() == "assignment")
            .map(|a| is_dynamic_string(a.child_by_field_name("right").unwrap(), &m))
            .collect();
        assert_eq!(
            rights,
            vec![true, true, true, true, true, false, false, false]
        );
    }

    #[test]
    fn numeric_constants() {
        let src = "import numpy as np\na = 0.0\nb = -1\nc = float('nan')\nd = np.nan\ne = 'x'\nf = float(x)\n";
        let (py, src) = module(src);
        let m = Module::new(&py, &src).unwrap();
        let rights: Vec<bool> = descendants(m.root)
            .filter(|n| n.kind() == "assignment")
            .map(|a| is_numeric_constant(a.child_by_field_name("right").unwrap(), &m))
            .collect();
        assert_eq!(rights, vec![true, true, true, true, false, false]);
    }
}
