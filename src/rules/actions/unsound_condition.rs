//! `actions/unsound-condition`: an `if:` that is a string around `${{ }}`, so always true.

use crate::finding::Severity;
use crate::parse::yaml::{ScalarStyle, YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct UnsoundCondition;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/unsound-condition",
    summary: "`if:` with text around its `${{ }}` (often a block scalar's newline) is a non-empty string: always true",
    severity: Severity::Medium,
    docs: r#"
## Why
When an `if:` value contains `${{ … }}`, GitHub evaluates the expressions and
treats the *whole value* as the result. If anything else is in the value — a
second expression joined by ` && ` written outside the braces, a word, a
space inside quotes, or the newline a `|` or `>` block keeps at its end — the
result is a non-empty string, which is truthy: the condition is always true,
and the job or step it guards (a deploy, a publish, a step that gets secrets)
runs on every event. Nothing warns about it; the workflow just stops being
guarded.

Reported at medium. zizmor's `unsound-condition` reports the same values
(high).

## Example
```yaml
- if: |
    ${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}
  run: ./deploy.sh              # runs on every event: the value ends in "\n"
- if: ${{ github.event_name == 'push' }} && ${{ !cancelled() }}
```

## Fix
Write the whole condition as one expression, without a block scalar or with
the strip indicator:
```yaml
- if: github.event_name == 'push' && github.ref == 'refs/heads/main'
- if: >-
    ${{ github.event_name == 'push'
        && github.ref == 'refs/heads/main' }}
```
"#,
};

fn check_if(cond: &YamlNode, whose: &str, out: &mut Sink<'_>) {
    let Some(scalar) = cond.as_scalar() else {
        return;
    };
    let text = scalar.as_str();
    let exprs = wf::expressions(&scalar.mapped);
    if exprs.is_empty() {
        return;
    }
    if exprs.len() == 1 && exprs[0].span == (0..text.len()) {
        return;
    }
    let extra = if matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded)
        && exprs.len() == 1
        && text.trim_end() == &text[exprs[0].span.clone()]
    {
        "the block scalar keeps a newline after the expression".to_string()
    } else {
        let mut rest = text.to_string();
        for e in exprs.iter().rev() {
            rest.replace_range(e.span.clone(), "");
        }
        let rest = rest.trim();
        if rest.is_empty() {
            "the value holds more than one `${{ }}` or spaces around it".to_string()
        } else {
            format!("`{rest}` is outside the `${{{{ }}}}`")
        }
    };
    out.report(
        cond.span.clone(),
        format!("the `if:` of {whose} is a non-empty string, so always true ({extra}): it never guards anything; write the whole condition as one expression"),
    );
}

impl Rule for UnsoundCondition {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            for job in wf::jobs(root) {
                if let Some(c) = job.value.get("if") {
                    check_if(c, &format!("job `{}`", job.key), out);
                }
            }
            for s in wf::all_steps(root) {
                if let Some(c) = s.step.get("if") {
                    check_if(c, "this step", out);
                }
            }
        }
    }

    fn check_action(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            for s in wf::all_steps(root) {
                if let Some(c) = s.step.get("if") {
                    check_if(c, "this step", out);
                }
            }
        }
    }
}
