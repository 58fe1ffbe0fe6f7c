//! `actions/insecure-commands`: `ACTIONS_ALLOW_UNSECURE_COMMANDS` turns the removed
//! `set-env` / `add-path` workflow commands back on.

use crate::finding::Severity;
use crate::parse::yaml::YamlNode;
use crate::rules::{RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct InsecureCommands;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/insecure-commands",
    summary: "`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables `::set-env::` and `::add-path::`, which let any log line set variables",
    severity: Severity::High,
    docs: r#"
## Why
Until 2020 a step could print `::set-env name=X::value` or `::add-path::dir`
and the runner would apply it to the following steps. GitHub removed both
commands (CVE-2020-15228) because anything that reaches the log can print
them: a test name, a pull request title echoed by a script, a dependency's
install output. Setting `LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV` or `PATH`
that way runs code in every later step, with the job's token and secrets.
`ACTIONS_ALLOW_UNSECURE_COMMANDS: true` in an `env:` block turns the commands
back on for that scope.

Reported at high wherever it is set (workflow, job or step `env:`, composite
action steps). zizmor's `insecure-commands` reports the same setting, also at
high.

## Example
```yaml
jobs:
  build:
    env:
      ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    steps:
      - uses: some/old-action@v1   # still prints ::set-env::
```

## Fix
Remove the variable and write to the environment files instead:
`echo "NAME=value" >> "$GITHUB_ENV"` and `echo "$DIR" >> "$GITHUB_PATH"`. If an
old action still needs it, upgrade or replace the action.
"#,
};

fn enabled(v: &YamlNode) -> bool {
    v.as_bool() == Some(true)
        || v.as_str()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("true"))
}

fn check_env(env: Option<&YamlNode>, scope: &str, out: &mut Sink<'_>) {
    for p in env.and_then(|e| e.as_map()).unwrap_or(&[]) {
        if p.key
            .eq_ignore_ascii_case("ACTIONS_ALLOW_UNSECURE_COMMANDS")
            && enabled(&p.value)
        {
            out.report(
                p.key_span.start..p.value.span.end,
                format!("`ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables `::set-env::` and `::add-path::` for {scope}: any text that reaches the log can set `LD_PRELOAD`, `NODE_OPTIONS` or `PATH` for the steps after it"),
            );
        }
    }
}

fn check(root: &YamlNode, out: &mut Sink<'_>) {
    check_env(root.get("env"), "the whole workflow", out);
    for job in wf::jobs(root) {
        check_env(job.value.get("env"), &format!("job `{}`", job.key), out);
    }
    for s in wf::all_steps(root) {
        check_env(s.step.get("env"), "this step", out);
    }
}

workflow_and_action_rule!(InsecureCommands);
