//! `python/silent-numeric-fallback`: an exception turned into a plausible number.

use tree_sitter::Node;

use crate::finding::Severity;
use crate::parse::python::PythonFile;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct SilentNumericFallback;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/silent-numeric-fallback",
    summary: "exception handler that silently returns or assigns a float constant (`0.0`, NaN) instead of failing",
    severity: Severity::Medium,
    docs: r#"
## Why
```python
def get_price(symbol):
    try:
        return float(quotes[symbol]["close"])
    except (KeyError, ValueError):
        return 0.0
```
A missing or malformed value becomes a real-looking number. Averages, portfolio
values, model features and alerts are then computed on zeros: the pipeline
"works", the numbers are wrong, and nothing in the logs says so. Missing data
should be visible — `None`, an exception, or at least a counted, logged event.

Reported: an `except` handler whose statements are only an optional print or
`debug`/`info` log call, then `return <number>` or `<target> = <number>` (with
an optional `pass`/`continue`), where the number is a float literal (`0.0`,
`-1.0`, `1e-9`), `float("nan")`, `math.nan`/`np.nan` or infinity. Not reported:
- integers (`return 0`, `count = 0`): on real code these are overwhelmingly
  counters, indexes, versions and exit codes, not measurements;
- a handler that logs at `warning` or above (`error`, `exception`): not silent;
- `ZeroDivisionError` handlers (a defined result for a division by zero is a
  choice);
- helpers whose name announces the default (`safe_float`, `to_int`,
  `parse_*`, `try_*`, `*_or_zero`, `*_or_default`, `coerce*`), and `main()`;
- a handler that raises;
- a `return` of the number the function's docstring says it returns ("Returns 0.0
  for unknown models (local/Ollama/custom endpoints)"): a documented contract;
- tests, examples, vendored and generated code.

A fallback that is the very default the value gets when it is absent
(`float(getattr(cfg, "alpha", 1.0))` ... `except: alpha = 1.0`,
`request.args.get("t", 0.85)` then `except ValueError: t = 0.85`) is low: the
number is the documented one, only the warning that the setting was malformed is
missing.

## Example
```python
    except Exception:
        price = 0.0
```
Fine:
```python
    except KeyError:
        log.warning("no close price for %s", symbol)
        return None
```

## Fix
Return `None` (and make callers handle it), raise a domain error, or skip the
record and count it in a metric. No automatic fix.

No common linter has this check; it is a recurring finding of data-pipeline
reviews.
"#,
};

impl Rule for SilentNumericFallback {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        // Only a non-integer number is reported: a module with `except` but no float
        // constant anywhere is not parsed for this rule.
        if !cx.file.text.contains("except") || !util::has_float_text(&cx.file.text) {
            return;
        }
        let Some(m) = Module::new(py, &cx.file.text) else {
            return;
        };
        for clause in m
            .descendants(m.root)
            .filter(|n| n.kind_id() == crate::parse::python::kinds().except_clause)
        {
            if util::except_types(clause).iter().any(|t| {
                m.text(*t).contains("ZeroDivisionError")
                    || m.text(*t).contains("FloatingPointError")
            }) {
                continue;
            }
            if let Some(func) = util::enclosing_function(clause) {
                if is_default_helper(util::function_name(func, m.text)) {
                    continue;
                }
            }
            let Some(body) = util::except_body(clause) else {
                continue;
            };
            let Some((node, value, logged)) = numeric_fallback(body, &m) else {
                continue;
            };
            // An integer 0 is mostly a counter, index or version default; a logged
            // fallback is not silent.
            if value.kind() == "integer" || logged {
                continue;
            }
            let shown = m.text(value);
            // The function's docstring promises this number ("Returns 0.0 for unknown
            // models"): the fallback is its documented contract, callers know it.
            if node.kind() == "return_statement"
                && util::enclosing_function(clause)
                    .and_then(|f| docstring(f, &m))
                    .is_some_and(|d| documents_return(&d, shown))
            {
                continue;
            }
            if clause
                .parent()
                .is_some_and(|t| same_default_as_absent(t, value, &m))
            {
                // `float(cfg.get("alpha", 1.0))` ... `except: alpha = 1.0`: a bad value
                // gets the default an absent one gets; only the warning is missing.
                out.report(
                    node.byte_range(),
                    format!("a value that fails to parse silently gets `{shown}`, the default used when it is absent: log a warning so a typo in the setting is seen"),
                )
                .severity = Severity::Low;
                continue;
            }
            out.report(
                node.byte_range(),
                format!("the error is replaced by `{shown}`: missing or bad data becomes a plausible number downstream; return None, raise, or skip and count the record"),
            );
        }
    }
}

/// Whether the `try` (or the statement just before it) reads the value with the same
/// number as its default (`.get(k, 1.0)`, `getattr(o, k, 1.0)`, `os.getenv(k, "1.0")`):
/// the fallback is then the documented default, not a made-up number.
fn same_default_as_absent(try_stmt: Node<'_>, value: Node<'_>, m: &Module<'_>) -> bool {
    let Ok(fallback) = m.text(value).trim().parse::<f64>() else {
        return false;
    };
    let mut scopes = vec![try_stmt];
    if let Some(prev) = try_stmt.prev_named_sibling() {
        scopes.push(prev);
    }
    scopes.into_iter().any(|scope| {
        util::descendants(scope)
            .filter(|n| n.kind() == "call")
            .any(|call| {
                let Some(name) = m.callee(call) else {
                    return false;
                };
                let reads = name.ends_with(".get") || name == "getattr" || name.ends_with("getenv");
                let args = util::positional(call);
                reads
                    && args.len() >= 2
                    && args.last().is_some_and(|d| {
                        m.text(*d)
                            .trim()
                            .trim_matches(['"', '\''])
                            .parse::<f64>()
                            .is_ok_and(|v| v == fallback)
                    })
            })
    })
}

/// The docstring of a function definition: the string that is its body's first statement.
fn docstring(func: Node<'_>, m: &Module<'_>) -> Option<String> {
    let body = func.child_by_field_name("body")?;
    let first = body.named_child(0)?;
    if first.kind() != "expression_statement" {
        return None;
    }
    let s = first.named_child(0)?;
    (s.kind() == "string").then(|| m.text(s).to_string())
}

/// Whether a docstring says the function returns `number` (`Returns 0.0 for unknown
/// models`, `:return: … or -1.0`).
fn documents_return(doc: &str, number: &str) -> bool {
    let number = number.trim();
    doc.to_ascii_lowercase().contains("return")
        && doc
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .any(|w| w.trim_end_matches('.') == number.trim_end_matches('.') && !w.is_empty())
}

fn is_default_helper(name: &str) -> bool {
    let n = name.trim_start_matches('_').to_ascii_lowercase();
    n == "main"
        || [
            "safe",
            "to_",
            "parse",
            "try_",
            "coerce",
            "as_",
            "convert",
            "get_int",
            "get_float",
            "_or_",
        ]
        .iter()
        .any(|p| n.starts_with(p))
        || n.ends_with("_or_zero")
        || n.ends_with("_or_default")
        || n.ends_with("_or_none")
}

/// The statement that substitutes a number, the number, and whether the handler logs.
fn numeric_fallback<'t>(body: Node<'t>, m: &Module<'_>) -> Option<(Node<'t>, Node<'t>, bool)> {
    let mut found = None;
    let mut logged = false;
    for s in util::statements(body) {
        match s.kind() {
            "pass_statement" | "continue_statement" => {}
            "return_statement" => {
                let v = util::statements(s).into_iter().next()?;
                if !numeric_ok(v, m) || found.is_some() {
                    return None;
                }
                found = Some((s, v));
            }
            "expression_statement" => {
                let e = util::expr_of(s)?;
                match e.kind() {
                    "assignment" => {
                        let v = e.child_by_field_name("right")?;
                        if !numeric_ok(v, m) || found.is_some() {
                            return None;
                        }
                        found = Some((s, v));
                    }
                    "call" => {
                        let is_print = m.callee(e).as_deref() == Some("print");
                        match util::logging_call(e, m) {
                            Some(level) => {
                                if !matches!(level, "debug" | "info") {
                                    logged = true;
                                }
                            }
                            None if is_print => {}
                            None => return None,
                        }
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    found.map(|(s, v)| (s, v, logged))
}

/// A numeric constant that is a plausible value rather than an error code.
fn numeric_ok(v: Node<'_>, m: &Module<'_>) -> bool {
    if !util::is_numeric_constant(v, m) {
        return false;
    }
    match v.kind() {
        "integer" => false,
        "unary_operator" => v
            .child_by_field_name("argument")
            .is_some_and(|a| a.kind() == "float"),
        _ => true,
    }
}
