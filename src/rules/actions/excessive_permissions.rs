//! `actions/excessive-permissions`: `write-all`, and write scopes granted to jobs
//! that provably do not use them.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode, YamlPair};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, Perms, Triggers};

/// See [`META`].
pub struct ExcessivePermissions;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/excessive-permissions",
    summary: "`permissions: write-all`, or write scopes granted to jobs that do not use the token",
    severity: Severity::Medium,
    docs: r#"
## Why
The `GITHUB_TOKEN` is handed to every action in a job and can be read by any
code that runs there (a compromised action, a malicious dependency's install
script, an injected command). Whatever it may write, an attacker may write:
`contents: write` pushes to branches and tags, `packages: write` replaces
published images, `id-token: write` mints cloud credentials,
`actions: write` re-runs and edits workflows.

The rule reports:
- `permissions: write-all` at workflow or job level: high when someone without
  write access can start a run (`pull_request_target`, `issue_comment`,
  `workflow_run`…) or the workflow is reusable (its callers' events are not
  known here); medium when only writers start it (pushes, tags, dispatch,
  schedule, `pull_request`, whose fork runs get a read-only token): the job
  usually needs some of those writes anyway, and what `write-all` adds is
  hygiene, not a door for outsiders;
- `permissions: read-all` at workflow or job level (low: nothing can be
  written, but every job can read private packages, security alerts,
  deployments and other scopes it has no use for, which a compromised step
  can exfiltrate); not at workflow level when every job declares its own
  `permissions:`, which replace it (the OpenSSF Scorecard template): it reaches
  no job;
- a write scope in a job whose steps provably do not use the token: every step
  is a `run:` that mentions no token, `gh`, `git push`, publish or API call,
  or a well-known action that needs no write access (checkout, setup-*,
  cache, upload/download-artifact, codecov…). Medium for `contents`,
  `packages`, `actions`, `id-token`, `deployments`; low for the others. A
  top-level grant is reported when every job that inherits it is such a job.

Jobs that call unknown actions or use the token are not judged: we cannot
know what they need, and a noisy permissions rule gets switched off.

## Example
```yaml
permissions: write-all          # high
jobs:
  test:
    permissions:
      contents: write           # medium: this job only runs the tests
    steps:
      - uses: actions/checkout@692973e3d937129bcbf40652eb9f2f61becf3332 # v4.1.7
      - run: pytest -q
```

## Fix
Grant `contents: read` at the top (instead of `read-all`) and the writes a job needs in that job only
(`contents: write` in the release job, `packages: write` in the image push job,
`security-events: write` where SARIF is uploaded). zizmor's
`excessive-permissions` reports `write-all` and workflow-level writes; it does
not try to prove a job unused a scope.
"#,
};

const READ_ONLY_ACTIONS: &[&str] = &[
    "actions/checkout",
    "actions/setup-python",
    "actions/setup-node",
    "actions/setup-go",
    "actions/setup-java",
    "actions/setup-dotnet",
    "actions/cache",
    "actions/cache/restore",
    "actions/cache/save",
    "actions/upload-artifact",
    "actions/download-artifact",
    "codecov/codecov-action",
    "docker/setup-buildx-action",
    "docker/setup-qemu-action",
    "docker/metadata-action",
    "swatinem/rust-cache",
    "dtolnay/rust-toolchain",
    "astral-sh/setup-uv",
    "pnpm/action-setup",
    "hashicorp/setup-terraform",
    "azure/setup-helm",
    "pre-commit/action",
    "actions-rs/toolchain",
    "ruby/setup-ruby",
    "shivammathur/setup-php",
];

/// Words in a `run:` or `env:` that mean the job may use the token or publish.
const TOKEN_SIGNS: &[&str] = &[
    "github_token",
    "github.token",
    "gh_token",
    "secrets.",
    "gh ",
    "git push",
    "git tag",
    "api.github.com",
    "publish",
    "upload",
    "release",
    "docker push",
    "actions_id_token",
    "actions_runtime",
    "twine",
    "deploy",
];

/// Whether the job's steps provably do not use the token for writing.
fn job_is_token_free(job: &YamlNode, text: &str) -> bool {
    if wf::is_reusable_call(job) {
        return false;
    }
    if let Some(env) = job.get("env") {
        if mentions_token(&text[env.span.clone()]) {
            return false;
        }
    }
    let steps = wf::steps(job);
    if steps.is_empty() {
        return false;
    }
    steps.iter().all(|step| {
        if let Some(u) = step.get("uses").and_then(|u| u.as_str()) {
            let name = wf::action_name(u);
            if !READ_ONLY_ACTIONS.contains(&name.as_str()) {
                return false;
            }
            let with_env: String = ["with", "env"]
                .iter()
                .filter_map(|k| step.get(k))
                .map(|n| text.get(n.span.clone()).unwrap_or(""))
                .collect();
            return !mentions_token(&with_env) || name == "codecov/codecov-action";
        }
        if step.get("run").is_some() {
            return !mentions_token(text.get(step.span.clone()).unwrap_or(""));
        }
        false
    })
}

fn mentions_token(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    TOKEN_SIGNS.iter().any(|w| l.contains(w))
}

/// How much `write-all` weighs in a workflow with these triggers: high when an
/// outsider can start a run (the token then serves whatever the outsider's input
/// reaches) or when the workflow is reusable or its triggers unknown (its callers
/// decide); medium when only people with write access start it, who could push
/// with their own credentials anyway.
fn write_all_severity(triggers: &Triggers) -> Severity {
    let writers_only = !triggers.events.is_empty()
        && triggers.external().is_none()
        && !triggers.has("workflow_call");
    if writers_only {
        Severity::Medium
    } else {
        Severity::High
    }
}

/// The message of a `write-all` finding, saying why it is not high when it is not.
fn write_all_message(base: &str, severity: Severity) -> String {
    if severity == Severity::High {
        base.to_string()
    } else {
        format!("{base} (only people with write access start this workflow: a compromised step, not an outsider, would hold it)")
    }
}

fn scope_severity(scope: &str) -> Severity {
    match scope {
        "contents" | "packages" | "actions" | "id-token" | "deployments" => Severity::Medium,
        _ => Severity::Low,
    }
}

fn write_scopes(pairs: &[YamlPair]) -> impl Iterator<Item = &YamlPair> {
    pairs.iter().filter(|p| p.value.as_str() == Some("write"))
}

impl Rule for ExcessivePermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = &cx.file.text;
        for root in wf::roots(yaml) {
            let write_all = write_all_severity(&Triggers::of(root));
            let top = root.get("permissions");
            match top.and_then(Perms::of) {
                Some(Perms::WriteAll(node)) => {
                    let f = out.report(
                        node.span.clone(),
                        write_all_message(
                            "`permissions: write-all` gives every job a token that can push code, publish packages and edit workflows",
                            write_all,
                        ),
                    );
                    f.severity = write_all;
                }
                // Every job naming its own permissions replaces the top-level grant:
                // `read-all` there reaches no job (the OpenSSF Scorecard template).
                Some(Perms::ReadAll(_))
                    if {
                        let jobs = wf::jobs(root);
                        !jobs.is_empty()
                            && jobs.iter().all(|j| j.value.get("permissions").is_some())
                    } => {}
                Some(Perms::ReadAll(node)) => {
                    let f = out.report(
                        node.span.clone(),
                        "`permissions: read-all` gives every job read access to every scope (security events, packages, actions, deployments…); grant `contents: read` and what each job reads",
                    );
                    f.severity = Severity::Low;
                }
                _ => {}
            }
            let jobs = wf::jobs(root);
            for job in jobs {
                let Some(perms) = job.value.get("permissions") else {
                    continue;
                };
                match Perms::of(perms) {
                    Some(Perms::WriteAll(node)) => {
                        let f = out.report(
                            node.span.clone(),
                            write_all_message(
                                &format!("job `{}` has `permissions: write-all`; grant only the scopes it uses", job.key),
                                write_all,
                            ),
                        );
                        f.severity = write_all;
                    }
                    Some(Perms::ReadAll(node)) => {
                        let f = out.report(
                            node.span.clone(),
                            format!("job `{}` has `permissions: read-all`, read access to every scope; grant only the scopes it reads", job.key),
                        );
                        f.severity = Severity::Low;
                    }
                    Some(Perms::Scopes(pairs)) => {
                        if !job_is_token_free(&job.value, text) {
                            continue;
                        }
                        for p in write_scopes(pairs) {
                            let f = out.report(
                                p.key_span.start..p.value.span.end,
                                format!(
                                    "job `{}` is granted `{}: write` but none of its steps uses the token; use `read` or drop it",
                                    job.key, p.key
                                ),
                            );
                            f.severity = scope_severity(&p.key);
                        }
                    }
                    _ => {}
                }
            }
            // Top-level writes inherited only by jobs that do not use them.
            let Some(Perms::Scopes(pairs)) = top.and_then(Perms::of) else {
                continue;
            };
            let heirs: Vec<&YamlPair> = jobs
                .iter()
                .filter(|j| j.value.get("permissions").is_none())
                .collect();
            if heirs.is_empty() || !heirs.iter().all(|j| job_is_token_free(&j.value, text)) {
                continue;
            }
            for p in write_scopes(pairs) {
                let f = out.report(
                    p.key_span.start..p.value.span.end,
                    format!(
                        "`{}: write` at the top applies to jobs that never use the token; grant it in the job that needs it",
                        p.key
                    ),
                );
                f.severity = scope_severity(&p.key);
            }
        }
    }
}
