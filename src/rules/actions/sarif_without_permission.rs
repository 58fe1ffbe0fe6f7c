//! `actions/sarif-without-permission`: SARIF upload in a job whose token lacks
//! `security-events: write`.

use crate::finding::Severity;
use crate::parse::yaml::YamlFile;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct SarifWithoutPermission;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/sarif-without-permission",
    summary: "CodeQL/SARIF upload in a job whose permissions lack `security-events: write`",
    severity: Severity::Medium,
    docs: r#"
## Why
`github/codeql-action/upload-sarif` (and `codeql-action/analyze`, which
uploads by default) needs `security-events: write`. When the workflow declares
permissions (at the top or in the job) and that scope is missing, the upload
fails with "Resource not accessible by integration" — or, worse, the step is
marked `continue-on-error` and the scanner runs for months while nothing
reaches code scanning. The security control exists on paper only.

The rule uses the job's effective permissions: the job's own block if it has
one (it replaces the top-level block entirely), else the top-level block.
Workflows without any permissions block are left to
`actions/missing-permissions`.

## Example
```yaml
permissions:
  contents: read
jobs:
  trivy:
    steps:
      - uses: aquasecurity/trivy-action@…
        with: { format: sarif, output: trivy.sarif }
      - uses: github/codeql-action/upload-sarif@…   # fails: no security-events: write
```

## Fix
Grant it in the scanning job only:
```yaml
  trivy:
    permissions:
      contents: read
      security-events: write
```
zizmor has no equivalent audit (it checks that permissions are not too broad,
not that they suffice).
"#,
};

impl Rule for SarifWithoutPermission {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            for job in wf::jobs(root) {
                let Some(perms) = wf::effective_perms(root, &job.value) else {
                    continue;
                };
                if perms.can_write("security-events") {
                    continue;
                }
                let where_ = if job.value.get("permissions").is_some() {
                    "the job's `permissions:`"
                } else {
                    "the workflow's `permissions:`"
                };
                for step in wf::steps(&job.value) {
                    let uploads = wf::step_uses(step, "github/codeql-action/upload-sarif")
                        || (wf::step_uses(step, "github/codeql-action/analyze")
                            && wf::with_str(step, "upload")
                                .is_none_or(|u| !matches!(u, "false" | "never")));
                    if !uploads {
                        continue;
                    }
                    let Some(uses) = step.get("uses") else {
                        continue;
                    };
                    out.report(
                        uses.span.clone(),
                        format!(
                            "SARIF upload in job `{}`, but {where_} lack `security-events: write`: the upload fails and findings never reach code scanning",
                            job.key
                        ),
                    );
                }
            }
        }
    }
}
