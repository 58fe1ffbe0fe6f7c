//! `actions/use-trusted-publishing`: publishing to a registry with a long-lived token
//! where the registry accepts the workflow's OIDC identity instead.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::commands::{self, Command};
use crate::workflows::wf::{self, StepRef};

/// See [`META`].
pub struct UseTrustedPublishing;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/use-trusted-publishing",
    summary: "Package published with a long-lived registry token where trusted publishing (OIDC) is available",
    severity: Severity::Low,
    docs: r#"
## Why
PyPI, npm, crates.io, RubyGems and NuGet accept *trusted publishing*: the
registry trusts a specific workflow of a specific repository through GitHub's
OIDC token and issues a short-lived credential for one upload. A long-lived
API token stored in secrets works everywhere, forever, for whoever reads it —
a compromised step, a leaked log, an old fork of the secret — and is the usual
way package takeovers start.

Reported at low (hardening) when:
- `pypa/gh-action-pypi-publish` gets a `password:` for PyPI or TestPyPI;
- `rubygems/release-gem` has `setup-trusted-publisher: false`, or
  `rubygems/configure-rubygems-credentials` an `api-token` for rubygems.org;
- `actions/setup-node` configures `https://registry.npmjs.org` with
  `always-auth: true`;
- a `run:` step publishes (`twine upload`, `npm|pnpm|bun publish`,
  `yarn npm publish`, `cargo publish`, `gem push`, `nuget push`, `uv publish`,
  `poetry publish`) in a job without `id-token: write` (a dry run is fine).

zizmor's `use-trusted-publishing` reports the same steps and commands (at
informational).

## Example
```yaml
- uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4
  with:
    password: ${{ secrets.PYPI_API_TOKEN }}
```

## Fix
Register the workflow as a trusted publisher on the registry, grant the
publishing job `id-token: write`, remove the token input (and delete the
secret):
```yaml
    permissions:
      id-token: write
    steps:
      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4
```
"#,
};

fn publishes(cmd: &Command) -> Option<String> {
    let w = cmd.effective();
    let dry = w
        .iter()
        .any(|a| matches!(*a, "--dry-run" | "-n" | "--dryrun"));
    let (prog, rest) = w.split_first()?;
    let sub = rest.first().copied().unwrap_or("");
    let registry = match (*prog, sub) {
        ("twine", "upload") => "PyPI",
        ("uv" | "poetry" | "flit" | "hatch", "publish") => "PyPI",
        ("npm" | "pnpm" | "bun", "publish") => "npm",
        ("yarn", "npm") if rest.get(1) == Some(&"publish") => "npm",
        ("yarn", "publish") => "npm",
        ("cargo", "publish") => "crates.io",
        ("gem", "push") => "RubyGems",
        ("nuget", "push") => "NuGet",
        ("dotnet", "nuget") if rest.get(1) == Some(&"push") => "NuGet",
        _ => return None,
    };
    if dry {
        return None;
    }
    Some(format!(
        "`{}` publishes to {registry}",
        w.join(" ").chars().take(60).collect::<String>()
    ))
}

fn trusted_registry(url: Option<&str>, known: &[&str]) -> bool {
    match url {
        None => true,
        Some(u) => {
            let u = u.trim().trim_end_matches('/');
            known.iter().any(|k| u.starts_with(k))
        }
    }
}

fn step_finding(step: &YamlNode) -> Option<(&YamlNode, String)> {
    let uses = step.get("uses")?;
    let name = wf::action_name(uses.as_str()?);
    let with = |k: &str| wf::with_str(step, k);
    match name.as_str() {
        "pypa/gh-action-pypi-publish" => {
            let pw = step.get("with").and_then(|w| w.get("password"))?;
            let url = with("repository-url").or_else(|| with("repository_url"));
            trusted_registry(url, &["https://upload.pypi.org", "https://test.pypi.org"])
                .then(|| (pw, "publishes to PyPI with a `password:` token".to_string()))
        }
        "rubygems/release-gem" => (wf::with_bool(step, "setup-trusted-publisher") == Some(false))
            .then(|| {
                (
                    uses,
                    "publishes to RubyGems with trusted publishing turned off".to_string(),
                )
            }),
        "rubygems/configure-rubygems-credentials" => {
            let token = step.get("with").and_then(|w| w.get("api-token"))?;
            trusted_registry(with("gem-server"), &["https://rubygems.org"])
                .then(|| (token, "configures a RubyGems API token".to_string()))
        }
        "actions/setup-node" => {
            let url = with("registry-url")?;
            (trusted_registry(Some(url), &["https://registry.npmjs.org"])
                && wf::with_bool(step, "always-auth") == Some(true))
            .then(|| {
                (
                    uses,
                    "authenticates to npm with a token (`always-auth`)".to_string(),
                )
            })
        }
        _ => None,
    }
}

fn has_oidc(root: &YamlNode, s: StepRef<'_>) -> bool {
    match s.job {
        Some(job) => wf::effective_perms(root, job).is_some_and(|p| p.can_write("id-token")),
        None => false,
    }
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for s in wf::all_steps(root) {
        if let Some((node, what)) = step_finding(s.step) {
            out.report(
                node.span.clone(),
                format!("{what}; the registry supports trusted publishing (OIDC), which needs no long-lived secret: grant `id-token: write` and drop the token"),
            );
            continue;
        }
        let Some(run) = s.step.get("run") else {
            continue;
        };
        if has_oidc(root, s) {
            continue;
        }
        for cmd in commands::run_commands(run, wf::run_shell(root, s)) {
            if let Some(what) = publishes(&cmd) {
                out.report(
                    cmd.span.clone(),
                    format!("{what} from a job without `id-token: write`, so with a long-lived token; the registry supports trusted publishing (OIDC): grant `id-token: write` and drop the token"),
                );
            }
        }
    }
}

workflow_and_action_rule!(UseTrustedPublishing);
