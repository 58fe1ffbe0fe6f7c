//! `actions/overprovisioned-secrets`: the whole `secrets` context handed to a step.

use crate::finding::Severity;
use crate::parse::gha_expr::ExprKind;
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct OverprovisionedSecrets;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/overprovisioned-secrets",
    summary:
        "`toJSON(secrets)` or `secrets[<computed>]` gives a step every secret of the repository",
    severity: Severity::Medium,
    docs: r#"
## Why
A step normally receives the secrets it names (`${{ secrets.DEPLOY_KEY }}`),
and only those are loaded into the runner. `${{ toJSON(secrets) }}` serialises
the whole `secrets` context — every repository, environment and organisation
secret the workflow can see — into the step, and `secrets[format(…)]` with a
computed name makes the runner load all of them so that any one can be
picked. One compromised action or one printed variable then leaks everything,
not one credential.

Reported at medium: nothing leaks until something in the step misbehaves, but
the blast radius is the whole secret store. zizmor's `overprovisioned-secrets`
reports the same two forms, at medium.

## Example
```yaml
- run: ./deploy.sh
  env:
    ALL_SECRETS: ${{ toJSON(secrets) }}
```

## Fix
Pass each secret the step needs by name:
```yaml
  env:
    DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
```
"#,
};

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for node in wf::scalars(root) {
        let Some(scalar) = node.as_scalar() else {
            continue;
        };
        for e in wf::expressions(&scalar.mapped) {
            let Some(parsed) = e.parsed() else { continue };
            let mut hits = Vec::new();
            parsed.walk(&mut |n| match &n.kind {
                ExprKind::Call(name, args)
                    if name.eq_ignore_ascii_case("tojson")
                        && args.first().and_then(|a| a.context_path()).as_deref()
                            == Some("secrets") =>
                {
                    hits.push("`toJSON(secrets)` serialises every secret");
                }
                ExprKind::Index(base, idx)
                    if base.context_path().as_deref() == Some("secrets")
                        && !matches!(idx.kind, ExprKind::Str(_)) =>
                {
                    hits.push("`secrets[…]` with a computed name loads every secret");
                }
                _ => {}
            });
            if let Some(what) = hits.first() {
                out.report(
                    e.host.clone(),
                    format!("{what} into this step: one leak exposes the whole secret store; pass the secrets it needs by name"),
                );
            }
        }
    }
}

workflow_and_action_rule!(OverprovisionedSecrets);
