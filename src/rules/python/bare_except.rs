//! `python/bare-except`: `except:` catches everything, `KeyboardInterrupt` and `SystemExit` included.

use crate::finding::{Fix, Severity};
use crate::parse::python::PythonFile;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct BareExcept;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/bare-except",
    summary: "bare `except:` also catches KeyboardInterrupt, SystemExit and GeneratorExit",
    severity: Severity::Low,
    docs: r#"
## Why
A bare `except:` catches `BaseException`: besides real errors it swallows
`KeyboardInterrupt` (Ctrl-C no longer stops a collector loop), `SystemExit`
(`sys.exit()` inside the `try` is ignored) and `GeneratorExit`. It also hides
programming errors such as a `NameError` from a typo, so a service keeps running
in a broken state instead of failing loudly.

The rule reports every `except:` in production code, except a handler that ends
by re-raising with a bare `raise` (clean-up then re-raise is a legitimate
pattern, although `finally:` says it better). Tests, examples, vendored and
generated code are not checked. Severity: low (reviewed on real code, the bare
excepts that remain are get-or-create helpers, clean-up and type probes: hygiene
with a one-word safe fix, not a release blocker), with or without a comment
explaining the handler: a comment does not stop it catching Ctrl-C. A linter
suppression of this same check on the `except:` line (`# noqa: E722`, a bare
`# noqa`, `# pylint: disable=bare-except`, or that pylint comment on its own line
just above) is the decision already made by
someone who ran that linter, and is not reported again; code generators such as
openapi-python-client write their union-type parsing that way. `python/swallowed-exception` does not report
bare excepts again, so one handler is one finding.

## Example
```python
for url in urls:
    try:
        rows.extend(fetch(url))
    except:                 # Ctrl-C is swallowed too
        continue
```
Fine:
```python
    except requests.RequestException as exc:
        log.warning("fetch %s failed: %s", url, exc)
        continue
```

## Fix
Name the exceptions you expect (`except (requests.Timeout, ValueError):`); at
least write `except Exception:`. `harden fix` rewrites `except:` to
`except Exception:` (safe: only `KeyboardInterrupt`, `SystemExit` and
`GeneratorExit` stop being caught, which is what they are for).

Same check as pycodestyle E722 / ruff `E722` and bandit B001-style checks; we do
not report handlers that re-raise, and offer the rewrite as a fix.
"#,
};

impl Rule for BareExcept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        if !util::has_bare_except_text(&cx.file.text) {
            return;
        }
        let Some(m) = Module::new(py, &cx.file.text) else {
            return;
        };
        for clause in m
            .descendants(m.root)
            .filter(|n| n.kind_id() == crate::parse::python::kinds().except_clause)
        {
            if !util::except_types(clause).is_empty() || util::is_except_star(clause, m.text) {
                continue;
            }
            let Some(body) = util::except_body(clause) else {
                continue;
            };
            if ends_with_reraise(body, &m) || suppressed_by_linter(clause, m.text) {
                continue;
            }
            let header = util::except_header(clause);
            let kw = clause.start_byte()..clause.start_byte() + "except".len();
            let edit = out.edit(kw, "except Exception");
            let f = out.report(
                header,
                "bare `except:` also catches KeyboardInterrupt and SystemExit and hides bugs; catch the exceptions you expect (at least `Exception`)",
            );
            if let Some(edit) = edit {
                f.fix = Some(Fix::safe(
                    "Catch `Exception` instead of everything",
                    vec![edit],
                ));
            }
        }
    }
}

/// The `except:` line carries the project's own suppression of this same check
/// (`# noqa: E722`, a bare `# noqa`, `# pylint: disable=bare-except` or `W0702`):
/// someone ran a linter that reports bare excepts and kept this one on purpose —
/// code generators such as openapi-python-client write it that way.
/// A pylint `disable` comment on its own line just above the `except:` counts too: pylint
/// applies it from that line to the end of the block (`# pylint: disable=bare-except`
/// written over the handler).
fn suppressed_by_linter(clause: tree_sitter::Node<'_>, text: &str) -> bool {
    let start = clause.start_byte().min(text.len());
    let line = text
        .get(start..)
        .and_then(|rest| rest.split('\n').next())
        .unwrap_or("");
    if let Some(hash) = line.find('#') {
        let comment = line[hash + 1..].to_ascii_lowercase();
        let comment = comment.trim();
        if let Some(noqa) = comment.strip_prefix("noqa") {
            let codes = noqa.trim_start();
            // `# noqa` alone silences every check on the line; `# noqa: E722, B001` names it.
            return codes.is_empty() || (codes.starts_with(':') && codes.contains("e722"));
        }
        if pylint_disables_bare_except(comment) {
            return true;
        }
    }
    let line_start = text.get(..start).and_then(|b| b.rfind('\n')).unwrap_or(0);
    let above = text
        .get(..line_start)
        .and_then(|b| b.rsplit('\n').next())
        .unwrap_or("")
        .trim();
    above
        .strip_prefix('#')
        .is_some_and(|c| pylint_disables_bare_except(&c.to_ascii_lowercase()))
}

/// `pylint: disable=bare-except` (or its code `W0702`) in a comment's text.
fn pylint_disables_bare_except(comment: &str) -> bool {
    comment.contains("pylint:")
        && comment.contains("disable")
        && (comment.contains("bare-except") || comment.contains("w0702"))
}

/// The last statement of the handler is a bare `raise` (clean-up, then re-raise).
fn ends_with_reraise(body: tree_sitter::Node<'_>, m: &Module<'_>) -> bool {
    util::statements(body)
        .last()
        .is_some_and(|s| s.kind() == "raise_statement" && m.text(*s).trim() == "raise")
}
