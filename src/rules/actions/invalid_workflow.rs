//! `actions/invalid-workflow`: workflows and actions GitHub would refuse to run.

use crate::finding::Severity;
use crate::parse::yaml::YamlFile;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::schema::{self, Kind};

/// See [`META`].
pub struct InvalidWorkflow;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/invalid-workflow",
    summary: "Workflow or action that GitHub rejects (schema violation, duplicate key, empty file): it never runs",
    severity: Severity::Medium,
    docs: r#"
## Why
A workflow GitHub cannot load does not fail a build: it shows a red
"Invalid workflow file" on the Actions tab and simply never runs. The test
suite, the security scan or the release it was meant to perform stops
happening without anyone being told, and every check that gates on it is
silently gone. The same goes for a local action whose `action.yml` is
invalid: every workflow that uses it fails.

The rule checks each workflow against the published workflow schema and each
`action.yml` with a `runs:` against the action schema (SchemaStore, bundled,
no network), and reports what GitHub rejects: unknown keys (`step:`,
`run-on:`), missing required parts (`runs-on`, `on`), values of the wrong
type or outside the allowed set, keys written twice in one mapping, and empty
files. Each problem is reported at the key to fix, one finding per problem.
YAML syntax errors are reported as diagnostics by the scan itself.

Reported at medium: nothing is exploitable, but the protection the file was
written for is not there. zizmor refuses such inputs with an error instead of
reporting them.

## Example
```yaml
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    step:                    # GitHub: unexpected value 'step'
      - run: make test
```

## Fix
Correct the key or value the message names; GitHub's workflow syntax
reference lists what each key accepts.

The published schemas are stricter than GitHub in a few places that real,
maintained repositories rely on; harden does not report these: `strategy:`
without `matrix` (only `fail-fast`), `needs: []`, an empty event filter
(`on.push.tags:` with no value), an empty reusable-workflow secret declaration
(`secrets: {TOKEN: }`, allowed by GitHub's own workflow parser), a job key whose
whole value is an expression the runner evaluates (`strategy: ${{
fromJson(needs.init.outputs.strategy) }}`, `timeout-minutes: ${{ inputs.timeout }}`),
and an action or action input without `description`.
"#,
};

impl InvalidWorkflow {
    fn check(&self, yaml: &YamlFile, kind: Kind, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let what = match kind {
            Kind::Workflow => "workflow",
            Kind::Action => "action",
        };
        for d in &yaml.duplicate_keys {
            let f = out.report(
                d.again.clone(),
                format!(
                    "`{}` is written twice in the same mapping: GitHub rejects the {what}",
                    d.key
                ),
            );
            f.related
                .push(cx.locate(d.first.clone(), "first occurrence"));
        }
        let roots: Vec<_> = yaml
            .documents
            .iter()
            .filter_map(|d| d.root.as_ref())
            .collect();
        if roots.is_empty() || roots.iter().all(|r| r.is_null()) {
            if kind == Kind::Workflow {
                out.report(
                    0..0,
                    "the workflow file is empty: GitHub rejects it (no `on:` and no `jobs:`); delete it or write the workflow",
                );
            }
            return;
        }
        if yaml.documents.len() > 1 && kind == Kind::Workflow {
            let second = &yaml.documents[1];
            out.report(
                second.span.start..second.span.start,
                "a workflow file holds one YAML document; GitHub rejects a file with several",
            );
        }
        let Some(root) = roots.first() else { return };
        if kind == Kind::Action && root.get("runs").is_none() {
            // An `action.yml` without `runs:` is another tool's file of the same name.
            return;
        }
        for v in schema::validate(root, kind) {
            let at = if v.path.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", v.path)
            };
            out.report(
                v.span,
                format!(
                    "{at}{}; GitHub rejects the {what}, so it never runs",
                    v.message
                ),
            );
        }
    }
}

impl Rule for InvalidWorkflow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        self.check(yaml, Kind::Workflow, cx, out);
    }

    fn check_action(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        self.check(yaml, Kind::Action, cx, out);
    }
}
