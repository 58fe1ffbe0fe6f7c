//! `actions/unsound-contains`: `contains('main,develop', github.ref_name)` is a substring test.

use crate::finding::Severity;
use crate::parse::gha_expr::{self, ExprKind};
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct UnsoundContains;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/unsound-contains",
    summary: "`contains('a b c', ctx)` tests for a substring, not membership: `ctx = 'a b'` or `'in'` passes",
    severity: Severity::Medium,
    docs: r#"
## Why
`contains(search, item)` with a *string* as `search` is a substring test. A
guard written as `contains('refs/heads/main refs/heads/release', github.ref)`
to mean "main or release" also passes for `refs/heads/mai`, `heads/rel` or any
other piece of the string. Whoever can choose the value — push a branch, name
a tag, set an input or an environment variable — passes the guard, and the
deploy or publish behind it runs on their branch.

Severity: medium when the tested value is a branch, tag, actor, input,
environment variable or event field; low for other contexts (runner names,
job status). zizmor's `unsound-contains` reports the same calls (high, and
informational for contexts nobody controls).

## Example
```yaml
- if: contains('main,production', github.ref_name)
  run: ./deploy.sh
```

## Fix
Test membership in a list:
```yaml
- if: contains(fromJSON('["main", "production"]'), github.ref_name)
```
or compare exactly: `github.ref_name == 'main' || github.ref_name == 'production'`.
"#,
};

fn controllable(path: &str) -> bool {
    path.starts_with("github.")
        || path.starts_with("inputs.")
        || path.starts_with("env.")
        || path.starts_with("vars.")
        || path.starts_with("matrix.")
        || path.starts_with("steps.")
        || path.starts_with("needs.")
}

fn check_text(node: &YamlNode, bare: bool, out: &mut Sink<'_>) {
    let Some(scalar) = node.as_scalar() else {
        return;
    };
    let sources = wf::expression_sources(scalar, bare);
    for (src, base) in sources {
        let Ok(parsed) = gha_expr::parse(&src) else {
            continue;
        };
        let mut hits = Vec::new();
        parsed.walk(&mut |n| {
            if let ExprKind::Call(name, args) = &n.kind {
                if !name.eq_ignore_ascii_case("contains") || args.len() != 2 {
                    return;
                }
                let (ExprKind::Str(hay), Some(path)) = (&args[0].kind, args[1].context_path())
                else {
                    return;
                };
                hits.push((n.span.clone(), hay.clone(), path));
            }
        });
        for (span, hay, path) in hits {
            let host = scalar
                .mapped
                .range_to_host(&(base + span.start..base + span.end));
            let f = out.report(
                host,
                format!("`contains('{hay}', {path})` is a substring test: any `{path}` that is a piece of '{hay}' passes; use `contains(fromJSON('[…]'), {path})` or `==`"),
            );
            if !controllable(&path) {
                f.severity = Severity::Low;
            }
        }
    }
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for job in wf::jobs(root) {
        if let Some(c) = job.value.get("if") {
            check_text(c, true, out);
        }
    }
    for s in wf::all_steps(root) {
        if let Some(c) = s.step.get("if") {
            check_text(c, true, out);
        }
    }
}

workflow_and_action_rule!(UnsoundContains);
