//! `python/swallowed-exception`: a broad handler that silently drops the error.

use tree_sitter::Node;

use crate::finding::Severity;
use crate::parse::python::PythonFile;
use crate::rules::python::print_in_library;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct SwallowedException;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/swallowed-exception",
    summary: "`except Exception` whose handler drops the error silently (pass, continue, return None, or only a print)",
    severity: Severity::Low,
    docs: r#"
## Why
`except Exception: pass` turns every failure — a timeout, a schema change, a typo
that raises `AttributeError` — into silence. The collector "runs fine" and writes
nothing; the API returns `None` and the caller fails three frames later with a
confusing error. A `print(e)` is not much better: it goes to stdout, has no
traceback, no level, and nobody alerts on it.

The rule reports `except Exception` / `except BaseException` (alone or in a
tuple) whose handler only does nothing (`pass`, `...`, `continue`, `break`,
`return`, `return None`), optionally after a `print(...)`. It does not report:

- bare `except:` (that is `python/bare-except`, one finding per handler);
- specific exceptions (`except ValueError:`) — naming the error is a decision;
- handlers that re-raise, exit, log (at any level, with or without a traceback:
  a log line is how an operator learns of the failure; whether it should carry
  the traceback is a style question, not a lost error), call anything else, or
  return an explicit value (`return False`, `return []`: an error value the
  caller can test — numeric fallbacks are `python/silent-numeric-fallback`);
- a handler that passes when the code right after the `try` tells failure from
  success: it tests a name the `try` assigned (`fv = lookup(); … if fv is None:
  return 404`), or the `try` returns on success and the function then returns an
  explicit value (`return True` in the `try`, `return False` after it);
- a chain of candidates: the `try` returns on success, the handler passes on to
  the next candidate (further `try`s or `if`s) and the chain ends in an explicit
  outcome (`raise ValueError("unknown format")`, `return False`): decoding hex, then
  base64, then raising; sniffing formats, then answering `False`;
- `return None` where `None` is a designed answer: the function's docstring says
  so (`"""Returns None when the CN cannot be extracted."""`), it is annotated
  `-> Optional[...]` / `-> X | None`, or named `try_*`, `maybe_*`, `find_*`,
  `is_*`, `has_*`, `can_*`, `detect_*`, `*_or_none`;
- a print-only handler in an interactive command-line tool (argparse, click,
  typer, fire, docopt): there the print is the error report to the user; nor in a
  class that is itself a logger (`class Logger:`), where printing is the logging. A
  cron-run collector script that prints and carries on is still reported;
- best-effort clean-up: a `try` whose body only closes, removes, clears or stops
  something (`conn.close()`, `os.remove(tmp)`, `cache.clear()`), only awaits a
  task being torn down (`await task`: reaping it), or only prints (`print(prefix,
  end="")`, `sys.stderr.write(...)`: output to a closed pipe is not a lost error), and handlers inside `__del__`,
  `__exit__`, `close`, `cleanup`, `shutdown` and friends;
- a `try` that imports something (an optional-dependency probe; see
  `python/insecure-import-fallback`);
- probing, where failure is an expected answer: a `try` with an `else:` branch
  (do this only if that worked), a `try` in a loop that `return`s/`break`s on
  success while the handler moves on to the next candidate, or one that
  `continue`s on success while the handler passes to the fallback right after it
  (`try: v = store[f"{key}-{i}"]; continue` / `except Exception: pass` /
  `v = store[key]`);
- a `try` that only stores an already computed value (`x = y`,
  `setattr(obj, "_cache", views)`): nothing worth reporting can fail there;
- a `pass` after a `try` that only copies optional fields of a parsed document
  into the result being built (`recipe.working_time = to_minutes(doc['prepTime'])`,
  `if data.get("keywords"): keywords += listify(data.get("keywords"))`): in an
  importer or a scraper, a field missing or malformed in the input leaves the
  default, by design (unless a `TODO`/`FIXME` says the handling is unfinished).

Severity: low. Reviewed on real services (bench/precision), most handlers that
remain after the exclusions above are best-effort lookups and optional extras
whose loss is harmless; the few that hide a real failure (a store left
half-initialised, an endpoint dropping a data source) look the same to a syntax
check, so the rule does not claim medium for any of them. A handler with a
comment explaining itself (`pass  # best effort`, `# log but continue`, or on the
lines right above the `except`) is a
decision written down and is not reported; one that says the handling is
unfinished (`# TODO: warn`, `FIXME`) or only restates the code (`# silently
fail`) stays low. A linter suppression on the clause (`# pylint:
disable=broad-except`, `# noqa: BLE001`) counts as the decision written down. Tests, examples,
vendored and generated code are not checked.

## Example
```python
def load_prices(symbol):
    try:
        return api.prices(symbol)
    except Exception:
        pass                       # caller gets None, nobody knows why
```
Fine:
```python
    except Exception:
        log.exception("price fetch failed for %s", symbol)
        raise
```

## Fix
Catch the exceptions you expect; log with `logger.exception(...)` (traceback
included) and re-raise, or return an explicit error the caller handles. There is
no automatic fix: what to do on failure is a design decision.

Bandit reports `try/except/pass` (B110) and `try/except/continue` (B112) for any
exception type; ruff `BLE001`/`S110` are similar. We limit ourselves to broad
handlers, count print-only handlers as swallowing, and skip clean-up code.
"#,
};

/// Names of functions whose body is clean-up, where swallowing is the point.
const CLEANUP_FUNCS: &[&str] = &[
    "__del__",
    "__exit__",
    "__aexit__",
    "close",
    "aclose",
    "cleanup",
    "clean_up",
    "_cleanup",
    "shutdown",
    "_shutdown",
    "teardown",
    "tearDown",
    "stop",
    "dispose",
    "release",
    "disconnect",
    "terminate",
];

/// Method names that release something: a `try` containing only these is clean-up.
const CLEANUP_CALLS: &[&str] = &[
    "close",
    "aclose",
    "shutdown",
    "unlink",
    "remove",
    "rmtree",
    "rmdir",
    "kill",
    "terminate",
    "cancel",
    "release",
    "disconnect",
    "stop",
    "rollback",
    "flush",
    "join",
    "wait",
    "dispose",
    "quit",
    "logout",
    "cleanup",
    "unregister",
    "delete",
    "close_all",
    "removeHandler",
    "clear",
];

impl Rule for SwallowedException {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        if !cx.file.text.contains("Exception") {
            return;
        }
        let Some(m) = Module::new(py, &cx.file.text) else {
            return;
        };
        for clause in m
            .descendants(m.root)
            .filter(|n| n.kind_id() == crate::parse::python::kinds().except_clause)
        {
            let types = util::except_types(clause);
            let Some(broad) = types.iter().find_map(|t| {
                let r = m.resolve(*t)?;
                let name = r.strip_prefix("builtins.").unwrap_or(&r).to_string();
                matches!(name.as_str(), "Exception" | "BaseException").then_some(name)
            }) else {
                continue;
            };
            let Some(body) = util::except_body(clause) else {
                continue;
            };
            let Some(how) = swallows(body, &m) else {
                continue;
            };
            // In a command-line tool the print is the error report to the user; in a
            // logger class it is the logging itself (its Redis or file sink failed).
            if how == PRINTS
                && (print_in_library::is_interactive_cli(&m)
                    || print_in_library::in_logger_class(clause, m.text))
            {
                continue;
            }
            if how == RETURNS_NONE && none_is_designed(clause, &m) {
                continue;
            }
            if is_cleanup(clause, &m)
                || is_probe(clause, how)
                || failure_is_checked_after(clause, &m)
            {
                continue;
            }
            // A comment saying why the error is dropped is a decision made and written
            // down; a TODO/FIXME says the handling is still missing.
            let mut comments = util::clause_comments(clause, m.text);
            comments.extend(comments_above(clause, m.text));
            let unfinished = comments.iter().any(|c| {
                let up = c.to_ascii_uppercase();
                ["TODO", "FIXME", "XXX", "HACK"]
                    .iter()
                    .any(|w| up.contains(w))
            });
            if !unfinished
                && (comments.iter().any(|c| gives_a_reason(c))
                    || how == PASSES
                        && (reads_optional_fields(clause, &m) || sets_detection_flags(clause, &m)))
            {
                continue;
            }
            out.report(
                util::except_header(clause),
                format!("`except {broad}` {how}: the error is lost; catch what you expect, log with `logger.exception` and re-raise or return an explicit error"),
            );
        }
    }
}

/// Whether a comment says why dropping the error is fine ("best effort", "not
/// required", "we'll use the default", "continue if we can't fetch…") or acknowledges
/// the broad catch (a pylint/noqa suppression), not just what the code does
/// ("silently fail").
fn gives_a_reason(comment: &str) -> bool {
    let c = comment.to_ascii_lowercase();
    let words: Vec<&str> = c
        .split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    const CUES: &[&str] = &[
        "because",
        "since",
        "optional",
        "harmless",
        "expected",
        "default",
        "fallback",
        "continue",
        "if",
        "when",
        "unless",
        "may",
        "might",
        "can't",
        "cannot",
        "ok",
        "fine",
        "intended",
        "intentionally",
        "deliberately",
        "purpose",
        "ignore",
        "ignored",
        "best",
        "required",
        "needed",
        "critical",
        "matter",
        "safe",
        "not",
        "such",
        "defensive",
    ];
    // `# pylint: disable=broad-except`, `# noqa: BLE001`: the broad catch was chosen
    // and acknowledged.
    let acknowledged = (c.contains("pylint") && c.contains("disable"))
        || c.contains("noqa")
        || c.contains("nosec");
    acknowledged || words.iter().any(|w| CUES.contains(w))
}

/// The comment lines right above the `except` header (`# Logging must never replace
/// the original exception.`, `# pylint: disable-next=broad-exception-caught`): they
/// speak for the handler below them as much as a comment inside it.
fn comments_above<'t>(clause: Node<'_>, text: &'t str) -> Vec<&'t str> {
    let start = clause.start_byte().min(text.len());
    let before = text.get(..start).unwrap_or("");
    // The header's own line up to `except` must be indentation only.
    let (head, indent) = before.rsplit_once('\n').unwrap_or(("", before));
    if !indent.trim().is_empty() {
        return Vec::new();
    }
    head.lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with('#'))
        .collect()
}

const PRINTS: &str = "only prints the error";
const RETURNS_NONE: &str = "silently returns None";

/// `None` is a designed answer of the function: its return annotation is
/// `Optional[...]`/`... | None`, or its name says it may not find anything
/// (`try_*`, `maybe_*`, `find_*`, `is_*`, `has_*`, `*_or_none`, `*_if_*`).
fn none_is_designed(clause: Node<'_>, m: &Module<'_>) -> bool {
    let Some(func) = util::enclosing_function(clause) else {
        return false;
    };
    if let Some(ret) = func.child_by_field_name("return_type") {
        let t = m.text(ret);
        if t.contains("Optional") || t.contains("None") {
            return true;
        }
    }
    // The docstring promises `None` on failure ("returns None when the CN cannot be
    // extracted", "失败时返回 None").
    if function_docstring(func, m).is_some_and(|d| d.contains("None")) {
        return true;
    }
    let name = util::function_name(func, m.text).trim_start_matches('_');
    [
        "try_", "maybe_", "find_", "is_", "has_", "can_", "detect_", "guess_", "probe_",
    ]
    .iter()
    .any(|p| name.starts_with(p))
        || name.ends_with("_or_none")
        || name.contains("_if_")
}

/// How the handler swallows the error, or `None` if it handles it.
fn swallows(body: Node<'_>, m: &Module<'_>) -> Option<&'static str> {
    let stmts = util::statements(body);
    if stmts.is_empty() {
        return None;
    }
    let mut printed = false;
    let mut last_kind = "pass";
    for s in &stmts {
        match s.kind() {
            "pass_statement" => {}
            "continue_statement" => last_kind = "continue",
            "break_statement" => last_kind = "break",
            "return_statement" => {
                let v = util::statements(*s);
                if let Some(v) = v.first() {
                    if m.text(*v) != "None" {
                        return None;
                    }
                }
                last_kind = "return";
            }
            "expression_statement" => {
                let e = util::expr_of(*s)?;
                match e.kind() {
                    "ellipsis" => {}
                    "string" => {} // a docstring-like note
                    "call" if m.callee(e).as_deref() == Some("print") => printed = true,
                    // Any other call, a logging call included: the handler does
                    // something with the error (a log line, even without traceback,
                    // is how an operator learns of it).
                    "call" => return None,
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    Some(match (printed, last_kind) {
        (true, _) => PRINTS,
        (_, "continue") => "silently continues",
        (_, "break") => "silently breaks out of the loop",
        (_, "return") => RETURNS_NONE,
        _ => PASSES,
    })
}

/// How a handler that only passes is described.
const PASSES: &str = "silently passes";

/// Whether the `try` only copies optional fields out of a parsed document into the
/// result being built: every statement assigns (or `+=`) a value read from a named
/// field (`recipe_json['prepTime']`, `data.get("keywords")`), optionally under an
/// `if` that tests such a field. A field that is missing or malformed in a scraped
/// page or an imported file leaves the target at its default, which is the
/// importer's design: the error is the absence of an optional field, not a failure.
fn reads_optional_fields(clause: Node<'_>, m: &Module<'_>) -> bool {
    let Some(body) = clause.parent().and_then(|t| t.child_by_field_name("body")) else {
        return false;
    };
    fn assigns_a_field(s: Node<'_>, m: &Module<'_>) -> bool {
        util::expr_of(s).is_some_and(|e| {
            matches!(e.kind(), "assignment" | "augmented_assignment")
                && e.child_by_field_name("right")
                    .is_some_and(|r| reads_named_field(r, m))
        })
    }
    let stmts = util::statements(body);
    !stmts.is_empty()
        && stmts.iter().all(|s| match s.kind() {
            "if_statement" => {
                s.child_by_field_name("alternative").is_none()
                    && s.child_by_field_name("condition")
                        .is_some_and(|c| reads_named_field(c, m))
                    && s.child_by_field_name("consequence").is_some_and(|b| {
                        let inner = util::statements(b);
                        !inner.is_empty() && inner.iter().all(|x| assigns_a_field(*x, m))
                    })
            }
            _ => assigns_a_field(*s, m),
        })
}

/// Whether an expression reads a field by name: a subscript with a string key
/// (`doc['prepTime']`) or a `.get("key")` call, anywhere inside it.
fn reads_named_field(e: Node<'_>, m: &Module<'_>) -> bool {
    let string_first = |n: Option<Node<'_>>| n.is_some_and(|n| n.kind() == "string");
    let here = match e.kind() {
        "subscript" => string_first(e.child_by_field_name("subscript")),
        "call" => {
            e.child_by_field_name("function").is_some_and(|f| {
                f.kind() == "attribute"
                    && f.child_by_field_name("attribute")
                        .is_some_and(|a| m.text(a) == "get")
            }) && string_first(
                e.child_by_field_name("arguments")
                    .and_then(|a| util::named_children(a).into_iter().next()),
            )
        }
        _ => false,
    };
    here || util::named_children(e)
        .into_iter()
        .any(|c| reads_named_field(c, m))
}

/// A detection probe: the `try` only raises flags (`hw_in_docker = True` when
/// `/proc/self/cgroup` names docker, `in_vm = True` when `pmap 1` shows qemu), and any
/// other name it assigns is a temporary nobody reads after it. Failing to look is the
/// answer "not detected", which the flag's value before the `try` already says.
fn sets_detection_flags(clause: Node<'_>, m: &Module<'_>) -> bool {
    let Some(try_stmt) = clause.parent() else {
        return false;
    };
    let Some(body) = try_stmt.child_by_field_name("body") else {
        return false;
    };
    let scope = util::scope_of(try_stmt, m.root);
    let read_after = |name: &str| {
        util::in_scope(scope).any(|n| {
            n.kind() == "identifier" && n.start_byte() >= try_stmt.end_byte() && m.text(n) == name
        })
    };
    let mut flags = 0;
    for a in util::in_scope(body).filter(|n| n.kind() == "assignment") {
        let (Some(left), Some(right)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) else {
            continue;
        };
        if matches!(right.kind(), "true" | "false") && left.kind() == "identifier" {
            flags += 1;
        } else if left.kind() != "identifier" || read_after(m.text(left)) {
            return false;
        }
    }
    // Names bound by `with … as f` / `for line in f` inside are temporaries too.
    flags > 0
        && !util::in_scope(body)
            .any(|n| matches!(n.kind(), "return_statement" | "augmented_assignment"))
}

/// The variable of the `for` loop the `try` sits in (directly, in the same function).
fn enclosing_loop_variable<'t>(try_stmt: Node<'_>, m: &Module<'t>) -> Option<&'t str> {
    let mut cur = try_stmt.parent();
    while let Some(p) = cur {
        match p.kind() {
            "for_statement" => {
                let left = p.child_by_field_name("left")?;
                return (left.kind() == "identifier").then(|| m.text(left));
            }
            "function_definition" | "class_definition" | "while_statement" => return None,
            _ => cur = p.parent(),
        }
    }
    None
}

/// The code right after the `try` tells failure from success: it tests a name the `try`
/// body assigns (`if fv is None: return 404`), or the `try` body returns on success and
/// the function then returns an explicit value (`return False`, `return []`).
fn failure_is_checked_after(clause: Node<'_>, m: &Module<'_>) -> bool {
    if !matches!(
        util::statements(util::except_body(clause).unwrap_or(clause))
            .last()
            .map(|s| s.kind()),
        Some("pass_statement" | "expression_statement")
    ) {
        return false;
    }
    let Some(try_stmt) = clause.parent() else {
        return false;
    };
    let Some(body) = try_stmt.child_by_field_name("body") else {
        return false;
    };
    if candidates_end_explicitly(try_stmt, body, m) {
        return true;
    }
    let Some(next) = statement_after(try_stmt) else {
        return false;
    };
    match next.kind() {
        "if_statement" => {
            let assigned: Vec<&str> = m
                .in_scope(body)
                .filter(|n| n.kind() == "assignment")
                .filter_map(|a| a.child_by_field_name("left"))
                .filter(|l| l.kind() == "identifier")
                .map(|l| m.text(l))
                .collect();
            // `for candidate in CANDIDATES: try: prepare(candidate) / except: pass /
            // if usable(candidate): …`: the check on the same candidate is the answer.
            let candidate = enclosing_loop_variable(try_stmt, m).filter(|v| {
                util::descendants(body).any(|n| n.kind() == "identifier" && m.text(n) == *v)
            });
            next.child_by_field_name("condition").is_some_and(|c| {
                util::descendants(c)
                    .any(|n| n.kind() == "identifier" && assigned.contains(&m.text(n)))
                    || candidate.is_some_and(|v| {
                        util::descendants(c).any(|n| {
                            n.kind() == "call"
                                && n.child_by_field_name("arguments").is_some_and(|a| {
                                    util::named_children(a)
                                        .iter()
                                        .any(|x| x.kind() == "identifier" && m.text(*x) == v)
                                })
                        })
                    })
            })
        }
        "return_statement" => {
            let returns_in_try = m.in_scope(body).any(|n| n.kind() == "return_statement");
            let explicit = util::statements(next)
                .first()
                .is_some_and(|v| m.text(*v) != "None");
            returns_in_try && explicit
        }
        _ => false,
    }
}

/// A chain of candidates: the `try` returns on success, the handler passes on to the
/// next candidate (more `try`s or `if`s that return on success), and the chain ends in
/// an explicit outcome: `raise ValueError("unknown format")` or `return False`
/// (`_decode_signature` trying hex, then base64, then raising; `is_encrypted_data`
/// sniffing formats, then answering `False`). The failure is not lost: it is the
/// answer "not this candidate", and the caller gets an error or a value when none fits.
fn candidates_end_explicitly(try_stmt: Node<'_>, body: Node<'_>, m: &Module<'_>) -> bool {
    if !m.in_scope(body).any(|n| n.kind() == "return_statement") {
        return false;
    }
    let mut cur = try_stmt;
    for _ in 0..32 {
        let Some(next) = statement_after_chain(cur) else {
            return false;
        };
        match next.kind() {
            "raise_statement" => return true,
            "return_statement" => {
                return util::statements(next)
                    .first()
                    .is_some_and(|v| m.text(*v) != "None");
            }
            "try_statement" | "if_statement" => cur = next,
            _ => return false,
        }
    }
    false
}

/// Like [`statement_after`], also leaving the body of an enclosing `try` (a candidate
/// nested in a wider `try`), whose next statement runs when the body completes.
fn statement_after_chain(stmt: Node<'_>) -> Option<Node<'_>> {
    let mut cur = stmt;
    loop {
        if let Some(n) = cur.next_named_sibling() {
            return (n.kind() != "comment")
                .then_some(n)
                .or_else(|| statement_after_chain(n));
        }
        let mut up = cur.parent()?;
        while matches!(up.kind(), "block" | "else_clause" | "elif_clause") {
            up = up.parent()?;
        }
        if !matches!(
            up.kind(),
            "if_statement" | "with_statement" | "try_statement"
        ) {
            return None;
        }
        cur = up;
    }
}

/// The docstring of a function: its first statement, when that is a string.
fn function_docstring<'t>(func: Node<'_>, m: &Module<'t>) -> Option<&'t str> {
    let body = func.child_by_field_name("body")?;
    let first = util::statements(body).into_iter().next()?;
    let e = util::expr_of(first)?;
    (e.kind() == "string").then(|| m.text(e))
}

/// The statement that runs after `stmt`, leaving enclosing `if`/`with` blocks when
/// `stmt` is the last of one (not loops: their next statement is another iteration).
fn statement_after(stmt: Node<'_>) -> Option<Node<'_>> {
    let mut cur = stmt;
    loop {
        if let Some(n) = cur.next_named_sibling() {
            return (n.kind() != "comment")
                .then_some(n)
                .or_else(|| statement_after(n));
        }
        let mut up = cur.parent()?;
        while matches!(up.kind(), "block" | "else_clause" | "elif_clause") {
            up = up.parent()?;
        }
        if !matches!(up.kind(), "if_statement" | "with_statement") {
            return None;
        }
        cur = up;
    }
}

/// Feature or candidate probing, where failure is an expected answer: the `try` has an
/// `else:` (do X only if it worked), or it sits in a loop, leaves it on success
/// (`return`/`break`) and the handler just moves on to the next candidate.
fn is_probe(clause: Node<'_>, how: &str) -> bool {
    let Some(try_stmt) = clause.parent() else {
        return false;
    };
    if util::named_children(try_stmt)
        .iter()
        .any(|n| n.kind() == "else_clause")
    {
        return true;
    }
    if !matches!(how, "silently passes" | "silently continues") {
        return false;
    }
    let in_loop = {
        let mut cur = try_stmt.parent();
        let mut found = false;
        while let Some(p) = cur {
            match p.kind() {
                "for_statement" | "while_statement" => {
                    found = true;
                    break;
                }
                "function_definition" | "class_definition" => break,
                _ => cur = p.parent(),
            }
        }
        found
    };
    // On success the `try` leaves the loop, or (`continue`) skips the fallback that
    // follows it, which is what runs when the handler passes.
    let fallback_follows = how == "silently passes" && statement_after(try_stmt).is_some();
    in_loop
        && try_stmt.child_by_field_name("body").is_some_and(|b| {
            util::in_scope(b).any(|n| match n.kind() {
                "return_statement" | "break_statement" => true,
                "continue_statement" => fallback_follows,
                _ => false,
            })
        })
}

/// Best-effort clean-up: inside a clean-up function, or the `try` only releases things
/// or only imports.
fn is_cleanup(clause: Node<'_>, m: &Module<'_>) -> bool {
    if let Some(func) = util::enclosing_function(clause) {
        let name = util::function_name(func, m.text);
        if CLEANUP_FUNCS.contains(&name) {
            return true;
        }
    }
    let Some(try_stmt) = clause.parent() else {
        return false;
    };
    let Some(try_body) = try_stmt.child_by_field_name("body") else {
        return false;
    };
    let stmts = util::statements(try_body);
    if m.in_scope(try_body)
        .any(|s| matches!(s.kind(), "import_statement" | "import_from_statement"))
    {
        return true;
    }
    // `x = y` / `x = "literal"` / `setattr(obj, "cache", y)` cannot raise anything
    // worth reporting: at most a read-only or slotted object refuses a cached value.
    let plain = |r: Node<'_>| {
        matches!(
            r.kind(),
            "identifier" | "string" | "integer" | "float" | "true" | "false" | "none"
        )
    };
    if !stmts.is_empty()
        && stmts.iter().all(|s| {
            util::expr_of(*s).is_some_and(|e| {
                (e.kind() == "assignment" && e.child_by_field_name("right").is_some_and(plain))
                    || (e.kind() == "call"
                        && m.callee(e)
                            .is_some_and(|c| c == "setattr" || c == "builtins.setattr")
                        && e.child_by_field_name("arguments").is_some_and(|a| {
                            let args = util::named_children(a);
                            args.len() == 3 && args.iter().all(|x| plain(*x))
                        }))
            })
        })
    {
        return true;
    }
    !stmts.is_empty()
        && stmts.iter().all(|s| {
            let Some(e) = util::expr_of(*s) else {
                return false;
            };
            let awaited = e.kind() == "await";
            let e = if awaited {
                match e.named_child(0) {
                    Some(x) => x,
                    None => return false,
                }
            } else {
                e
            };
            // `await task` after the task was stopped or failed: reaping it, whatever
            // it raises on the way out (its error is already in hand or moot).
            if awaited && matches!(e.kind(), "identifier" | "attribute") {
                return true;
            }
            if e.kind() != "call" {
                return false;
            }
            let name = m.callee(e).unwrap_or_default();
            let last = name.rsplit('.').next().unwrap_or(&name);
            // Best-effort output: a print to a closed pipe or a detached terminal is
            // not a failure of the work.
            let prints =
                name == "print" || name.ends_with("stdout.write") || name.ends_with("stderr.write");
            CLEANUP_CALLS.contains(&last) || prints
        })
}
