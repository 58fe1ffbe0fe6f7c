//! `actions/secrets-inherit`: a reusable workflow called with `secrets: inherit`.

use crate::finding::Severity;
use crate::parse::yaml::YamlFile;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, UsesRef};

/// See [`META`].
pub struct SecretsInherit;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/secrets-inherit",
    summary: "Reusable workflow called with `secrets: inherit`: it receives every secret of the repository",
    severity: Severity::Low,
    docs: r#"
## Why
`secrets: inherit` hands the called workflow every secret the caller can see:
repository, environment and organisation secrets, including ones it has no use
for (production deploy keys passed to a lint workflow). If the called workflow
— or any action it uses — is compromised, or it lives in another repository
whose maintainers change it, all of them leak at once. Passing secrets by name
documents what the workflow needs and limits the blast radius.

Reported at medium when the called workflow lives in another owner's repository
and is not pinned to a commit SHA (someone else can change what receives the
secrets); low otherwise, including workflows of this repository's own owner
(one trust domain; see `actions/unpinned-uses` for how the owner is learned).

## Example
```yaml
jobs:
  deploy:
    uses: acme/platform-workflows/.github/workflows/deploy.yml@main
    secrets: inherit
```

## Fix
```yaml
    secrets:
      DEPLOY_SSH_KEY: ${{ secrets.DEPLOY_SSH_KEY }}
```
zizmor's `secrets-inherit` reports the same pattern.
"#,
};

impl Rule for SecretsInherit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            for job in wf::jobs(root) {
                let Some(secrets) = job.value.get("secrets") else {
                    continue;
                };
                if secrets.as_str() != Some("inherit") {
                    continue;
                }
                let uses_node = job.value.get("uses");
                let uses = uses_node.and_then(|u| u.as_str()).unwrap_or("");
                // A moving ref into someone else's repository: they can change what
                // receives the secrets. The repository owner's own workflows are one
                // trust domain.
                let own = |action: &str| {
                    cx.config
                        .repository
                        .as_ref()
                        .is_some_and(|id| id.owns(action.split('/').next().unwrap_or("")))
                };
                let remote_moving = matches!(
                    wf::parse_uses(uses),
                    UsesRef::Repo { ref git_ref, ref action } if !wf::is_full_sha(git_ref) && !own(action)
                );
                let f = out.report(
                    secrets.span.clone(),
                    format!(
                        "job `{}` passes every secret to `{uses}`; pass only the secrets it needs by name",
                        job.key
                    ),
                );
                if remote_moving {
                    f.severity = Severity::Medium;
                }
                if let Some(u) = uses_node {
                    f.related
                        .push(cx.locate(u.span.clone(), "the workflow that receives them"));
                }
            }
        }
    }
}
