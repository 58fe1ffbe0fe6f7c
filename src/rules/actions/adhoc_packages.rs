//! `actions/adhoc-packages`: packages installed by name in CI, outside any lockfile.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::commands::{self, Command};
use crate::workflows::wf;

/// See [`META`].
pub struct AdhocPackages;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/adhoc-packages",
    summary: "`npm install <pkg>`, `yarn add`, `pnpm add`, `gem install`, `bundle add` in a workflow: a package outside the lockfile",
    severity: Severity::Low,
    docs: r#"
## Why
A package installed by name in a `run:` step bypasses the project's lockfile:
no recorded version, no integrity hash, resolved fresh from the registry on
every run. A compromised or typo-squatted release lands in the job (with its
token and secrets) the minute it is published, and runs its install scripts
there; the next run may get a different version and nobody reviews the
change. Dependabot does not see these installs either.

Reported at low (hygiene), for the npm family (`npm install|i|add <pkg>`,
`yarn add`, `pnpm add`) and RubyGems (`gem install <gem>`, `bundle add`),
versioned or not: a version without a lockfile has no hash. `npm ci`,
`npm install` without package names, and installs driven by a manifest are
fine. zizmor's `adhoc-packages` reports the same commands. `pip install <pkg>`
is left out for now: installing pinned tools that way is near-universal in
Python CI and would drown the report; pinning those is the job of a
constraints file the deps rules can check.

## Example
```yaml
- run: npm install -g semantic-release@24
- run: gem install bundler-audit
```

## Fix
Declare the tool in the project's manifest and lockfile (`devDependencies`,
`Gemfile`) and install from it (`npm ci`, `bundle install`), or run it through
a pinned, hashed action.
"#,
};

/// Why a command installs a package outside a lockfile, if it does: what it installs
/// and what is missing (a version and a hash, or only the hash of an exact version).
fn adhoc(cmd: &Command) -> Option<String> {
    let w = cmd.effective();
    let (prog, rest) = w.split_first()?;
    let args: Vec<&str> = rest
        .iter()
        .copied()
        .skip_while(|a| a.starts_with('-'))
        .collect();
    let (sub, tail) = args.split_first()?;
    let pkgs: Vec<&str> = tail
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let hit = match *prog {
        "npm" => matches!(
            *sub,
            "install"
                | "i"
                | "in"
                | "ins"
                | "inst"
                | "insta"
                | "instal"
                | "isnt"
                | "isntall"
                | "add"
        ),
        "yarn" | "pnpm" | "bun" => *sub == "add",
        "gem" => matches!(*sub, "install" | "i"),
        "bundle" => *sub == "add",
        _ => false,
    };
    if !hit || pkgs.is_empty() {
        return None;
    }
    // `npm install ./local-dir` or a tarball of the repository is not a registry package.
    if pkgs.iter().all(|p| {
        p.starts_with('.') || p.starts_with('/') || p.ends_with(".tgz") || p.ends_with(".gem")
    }) {
        return None;
    }
    let what = format!("`{prog} {sub} {}`", pkgs.join(" "));
    let exact = matches!(*prog, "npm" | "yarn" | "pnpm" | "bun")
        && pkgs.iter().all(|p| exact_npm_version(p));
    Some(if exact {
        format!("{what} installs from the registry outside any lockfile: the version is fixed but not its integrity hash, and install scripts run with the job's token")
    } else {
        format!("{what} installs from the registry outside any lockfile: no pinned version or hash, and install scripts run with the job's token")
    })
}

/// `name@1.2.3` or `@scope/name@1.2.3-rc.1`: one exact release, not a range or a tag.
fn exact_npm_version(spec: &str) -> bool {
    let unscoped = spec.strip_prefix('@').unwrap_or(spec);
    let Some((_, version)) = unscoped.split_once('@') else {
        return false;
    };
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    for s in wf::all_steps(root) {
        let Some(run) = s.step.get("run") else {
            continue;
        };
        for cmd in commands::run_commands(run, wf::run_shell(root, s)) {
            if let Some(why) = adhoc(&cmd) {
                out.report(
                    cmd.span.clone(),
                    format!("{why}; declare it in the manifest and install from the lockfile"),
                );
            }
        }
    }
}

workflow_and_action_rule!(AdhocPackages);

#[cfg(test)]
mod tests {
    use super::exact_npm_version;

    #[test]
    fn exact_versions_are_told_from_ranges_and_tags() {
        assert!(exact_npm_version("@anthropic-ai/claude-code@2.1.227"));
        assert!(exact_npm_version("semantic-release@24.2.0-beta.1"));
        assert!(!exact_npm_version("semantic-release@24"));
        assert!(!exact_npm_version("semantic-release@^24.2.0"));
        assert!(!exact_npm_version("prettier@latest"));
        assert!(!exact_npm_version("@scope/tool"));
        assert!(!exact_npm_version("tool"));
    }
}
