//! `repo/dependabot-insecure-execution`: Dependabot allowed to run dependencies' code.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::repo::dependabot::entries;
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct DependabotInsecureExecution;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "repo/dependabot-insecure-execution",
    summary: "`insecure-external-code-execution: allow`: Dependabot runs code from the packages it updates",
    severity: Severity::Medium,
    docs: r#"
## Why
To resolve some manifests (`setup.py`, a `.gemspec` evaluated by a `Gemfile`,
Gradle scripts) Dependabot would have to execute code that comes with the
dependencies. It refuses by default; `insecure-external-code-execution: allow`
lets it. A malicious or hijacked package then runs inside Dependabot's update
job, which holds a token that pushes branches to the repository and the
credentials of every private registry configured for the entry.

Severity: medium; high when the entry also names `registries:` (their
credentials are exposed to that code). zizmor's `dependabot-execution`
reports the same setting (high).

## Example
```yaml
updates:
  - package-ecosystem: pip
    directory: /
    insecure-external-code-execution: allow
    registries: [internal-pypi]
```

## Fix
Remove the setting (the default is `deny`). If an ecosystem cannot be updated
without executing code, declare the dependencies statically (`pyproject.toml`
instead of `setup.py`), or update that manifest by hand.
"#,
};

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for e in entries(root) {
        let Some(p) = e.node.pair("insecure-external-code-execution") else {
            continue;
        };
        if p.value.as_str().map(str::trim) != Some("allow") {
            continue;
        }
        let registries = e.node.get("registries").is_some();
        let eco = e.ecosystem.unwrap_or("this ecosystem");
        let f = out.report(
            p.key_span.start..p.value.span.end,
            format!(
                "Dependabot may run code shipped with `{eco}` dependencies while updating them, with a token that pushes to this repository{}; remove `insecure-external-code-execution: allow`",
                if registries { " and the credentials of the registries this entry uses" } else { "" }
            ),
        );
        if registries {
            f.severity = Severity::High;
        }
    }
}

impl Rule for DependabotInsecureExecution {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_dependabot(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check(root, out);
        }
    }
}
