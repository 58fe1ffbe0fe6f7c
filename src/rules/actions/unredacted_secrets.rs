//! `actions/unredacted-secrets`: fields of a JSON secret, which the runner never masks.

use crate::finding::Severity;
use crate::parse::gha_expr::{Expr, ExprKind};
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct UnredactedSecrets;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/unredacted-secrets",
    summary: "`fromJSON(secrets.X)` extracts values the runner does not mask in logs",
    severity: Severity::Medium,
    docs: r#"
## Why
The runner masks the exact text of each secret in the job log. A secret that
holds JSON (`{"user": "ci", "password": "hunter2"}`) is masked as a whole
string, but `${{ fromJSON(secrets.DB).password }}` hands the step just
`hunter2`, which was never registered: any log line that prints it — a
failing command echoing its arguments, `set -x`, a debug message — shows the
password in clear to everyone who can read the logs.

Reported at medium (a leak waiting for the first print). zizmor's
`unredacted-secrets` reports the same expressions, at medium.

## Example
```yaml
- run: ./connect.sh
  env:
    DB_PASSWORD: ${{ fromJSON(secrets.DATABASE).password }}
```

## Fix
Store each value as its own secret (`secrets.DATABASE_PASSWORD`), or register
the extracted value with the runner before anything prints it:
`echo "::add-mask::$DB_PASSWORD"`.
"#,
};

fn secret_in_fromjson(e: &Expr) -> Option<String> {
    if let ExprKind::Call(name, args) = &e.kind {
        if name.eq_ignore_ascii_case("fromjson") {
            let p = args.first()?.context_path()?;
            if p.starts_with("secrets.") {
                return Some(p);
            }
        }
    }
    None
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for node in wf::scalars(root) {
        let Some(scalar) = node.as_scalar() else {
            continue;
        };
        for e in wf::expressions(&scalar.mapped) {
            let Some(parsed) = e.parsed() else { continue };
            let mut hit = None;
            parsed.walk(&mut |n| {
                if hit.is_none() {
                    hit = secret_in_fromjson(n);
                }
            });
            if let Some(secret) = hit {
                out.report(
                    e.host.clone(),
                    format!("`fromJSON({secret})` extracts values the runner never masks: a log line that prints them shows the secret in clear; store each value as its own secret or `::add-mask::` it first"),
                );
            }
        }
    }
}

workflow_and_action_rule!(UnredactedSecrets);
