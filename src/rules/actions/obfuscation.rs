//! `actions/obfuscation`: references and expressions written so a reader cannot see
//! what they do (`actions/checkout/.@v4`, `${{ format('{0}', 'x') }}`).

use crate::finding::Severity;
use crate::parse::gha_expr::{Expr, ExprKind};
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::wf::{self, UsesRef};

/// See [`META`].
pub struct Obfuscation;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/obfuscation",
    summary:
        "`uses:` path with empty, `.` or `..` parts, or a `${{ }}` that only computes a constant",
    severity: Severity::Low,
    docs: r#"
## Why
Review is the control that catches a malicious workflow change, and it only
works when the text says what it does. `uses: actions/checkout/.@…` and
`uses: actions/cache/save/../save@…` resolve to ordinary actions but defeat
the eye, allow-lists and `grep`; `${{ format('{0}', 'curl') }}` or
`${{ true || false }}` compute a constant the reader has to evaluate by hand.
None is needed for anything: they are either leftovers or written to hide.

Reported at low (hygiene), one finding per reference or per constant
sub-expression. A bare literal as a whole value (`if: ${{ false }}`, a common
way to switch a job off) is left alone; one pasted into text (`echo ${{ 'a' }}`)
is reported. zizmor's `obfuscation` reports the same patterns; it also
reports `with: ${{ fromJSON(…) }}` at informational, which harden leaves out
(it is how matrix-driven steps pass inputs, not a disguise). Nor is
`fromJSON('["a", "b"]')` inside a larger expression reported (the fallback of
`matrix: ${{ cond && fromJSON(format(…)) || fromJSON('["a", "b"]') }}`): it is how an
expression writes an array or object literal, which has no plainer spelling there; as
the whole value it is reported, the YAML list being the plain way.

## Example
```yaml
- uses: github/codeql-action/./init@…      # is github/codeql-action/init
- run: echo ${{ format('{0} {1}', 'abc', 'def') }}
```

## Fix
Write the reference and the value plainly: `github/codeql-action/init@…`,
`echo abc def`.
"#,
};

fn uses_path_problem(uses: &str) -> Option<&'static str> {
    let UsesRef::Repo { action, .. } = wf::parse_uses(uses) else {
        return None;
    };
    let parts: Vec<&str> = action.split('/').collect();
    if parts.len() < 2 {
        return None;
    }
    if parts.contains(&"..") {
        Some("contains `..`")
    } else if parts.contains(&".") {
        Some("contains `.`")
    } else if parts.iter().any(|p| p.is_empty()) {
        Some("contains an empty path component")
    } else {
        None
    }
}

/// `fromJSON('[…]')` or `fromJSON('{…}')`: an array or object written as JSON text.
fn is_json_literal(e: &Expr) -> bool {
    let ExprKind::Call(name, args) = &e.kind else {
        return false;
    };
    name.eq_ignore_ascii_case("fromjson")
        && matches!(args.as_slice(), [a] if matches!(&a.kind, ExprKind::Str(s)
            if s.trim_start().starts_with(['[', '{'])))
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for uses in wf::all_uses(root) {
        let Some(v) = uses.as_str() else { continue };
        if let Some(why) = uses_path_problem(v) {
            out.report(
                uses.span.clone(),
                format!("`uses: {}` {why}: it names a different path than it reads as; write the action's plain path", v.trim()),
            );
        }
    }
    for node in wf::scalars(root) {
        let Some(scalar) = node.as_scalar() else {
            continue;
        };
        let text = scalar.as_str();
        let exprs = wf::expressions(&scalar.mapped);
        let whole = exprs.len() == 1 && exprs[0].span == (0..text.len());
        for e in &exprs {
            let Some(parsed) = e.parsed() else { continue };
            let bare_literal = matches!(
                parsed.kind,
                ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Str(_)
            );
            if bare_literal {
                if !whole {
                    out.report(
                        e.host.clone(),
                        format!(
                            "`${{{{ {} }}}}` is a constant pasted into text; write its value",
                            e.inner
                        ),
                    );
                }
                continue;
            }
            for sub in parsed.reducible() {
                // `fromJSON('["a", "b"]')` inside a larger expression (the fallback of a
                // matrix's `cond && … || fromJSON('[…]')`) is how an expression writes an
                // array or object literal: there is no plainer spelling of it there.
                if sub.span != parsed.span && is_json_literal(sub) {
                    continue;
                }
                let span = e.inner_span(&sub.span);
                let src = &text[span.clone()];
                out.report(
                    scalar.mapped.range_to_host(&span),
                    format!(
                        "`{src}` only computes a constant; write its value so a reader sees it"
                    ),
                );
            }
        }
    }
}

workflow_and_action_rule!(Obfuscation);
