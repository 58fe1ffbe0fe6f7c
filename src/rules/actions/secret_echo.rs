//! `actions/secret-echo`: secrets written to the job log.

use std::collections::BTreeSet;

use crate::finding::Severity;
use crate::mapped::MappedText;
use crate::parse::shell::{ShellScript, WordPart};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf;

/// See [`META`].
pub struct SecretEcho;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/secret-echo",
    summary:
        "Secret printed to the job log (`echo ${{ secrets.X }}`, `echo $TOKEN`, `set -x`, `env`)",
    severity: Severity::High,
    docs: r#"
## Why
Workflow logs are readable by everyone with read access to the repository —
for a public repository, by everyone — and are kept for 90 days by default.
GitHub masks the exact value of each registered secret, but masking is
best-effort: a secret that is transformed (base64, URL-encoded, `jq`-extracted
from a JSON secret), multi-line (private keys, kubeconfigs), or shorter than
four characters is printed in clear. A printed secret is a leaked secret.

The rule reports, in `run:` steps:
- `echo`/`printf` writing `${{ secrets.X }}` to the log;
- `echo`/`printf` writing `$VAR` where `VAR` comes from `secrets.*` in the
  step, job or workflow `env:`;

  both high when the name says credential (`TOKEN`, `KEY`, `PASSWORD`,
  `SECRET`, `CREDENTIALS`, `WEBHOOK`, `DSN`…), low for configuration kept
  in secrets (`DEPLOY_HOST`, `BASTION_USER`: topology, masked by Actions
  anyway);
- `set -x` / `set -o xtrace` in a script that uses such a variable: every
  command is traced with its expanded arguments (medium);
- `env` / `printenv` with no arguments while such variables are set (medium).

Output that goes into a pipe (`echo "$TOKEN" | docker login --password-stdin`),
a file or `$GITHUB_ENV`, and `echo "::add-mask::$VALUE"` are fine.

## Example
```yaml
- env:
    DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}
  run: |
    set -x
    echo "using key $DEPLOY_KEY"
```

## Fix
Do not print secrets. Feed them to tools through stdin or files with `umask
077`; print a fingerprint if you need to check which secret is in use; register
derived values with `echo "::add-mask::$DERIVED"` before anything prints them;
turn `set -x` off around commands that use secrets. zizmor has no audit for
secrets printed by `run:` steps.
"#,
};

fn secret_vars(nodes: &[Option<&YamlNode>]) -> BTreeSet<String> {
    let mut s = BTreeSet::new();
    for env in nodes.iter().flatten() {
        for p in env.as_map().unwrap_or(&[]) {
            if p.value.as_str().is_some_and(|v| v.contains("secrets.")) {
                s.insert(p.key.clone());
            }
        }
    }
    s
}

/// The masked text of a `run:` with `${{ }}` replaced by same-length filler.
fn masked(m: &MappedText) -> MappedText {
    let mut code = m.clone();
    for e in wf::expressions(m) {
        code.overwrite_same_len(e.span, b'X');
    }
    code
}

fn redirected_away(script: &ShellScript, redirects: &[tree_sitter::Node<'_>]) -> bool {
    redirects.iter().any(|r| {
        let t = script.node_text(*r).replace(' ', "");
        let to_log = t.ends_with(">&2")
            || t.ends_with(">&1")
            || t.contains("/dev/stderr")
            || t.contains("/dev/stdout")
            || t.starts_with("2>");
        (t.starts_with('>') || t.starts_with("1>")) && !to_log
    })
}

fn piped(cmd: &tree_sitter::Node<'_>) -> bool {
    let mut node = *cmd;
    while let Some(p) = node.parent() {
        if p.kind() == "pipeline" {
            let last = p.named_child(p.named_child_count().saturating_sub(1) as u32);
            return last != Some(node);
        }
        if p.kind() != "redirected_statement" {
            return false;
        }
        node = p;
    }
    false
}

/// Whether a command's output is read by another command instead of reaching the log: it
/// runs inside `$(…)` or an input process substitution `<(…)` (round 9:
/// `gpg --dearmor --output keyring.gpg <(printf '%s' "$GPG_PRIVATE_KEY")`).
fn captured(script: &ShellScript, cmd: &tree_sitter::Node<'_>) -> bool {
    let mut node = *cmd;
    while let Some(p) = node.parent() {
        match p.kind() {
            "command_substitution" => return true,
            "process_substitution" => return script.node_text(p).starts_with("<("),
            _ => {}
        }
        node = p;
    }
    false
}

fn check_run(run: &YamlNode, vars: &BTreeSet<String>, out: &mut Sink<'_>) {
    let Some(scalar) = run.as_scalar() else {
        return;
    };
    let original = &scalar.mapped.text;
    if !original.contains("secrets.") && vars.is_empty() {
        return;
    }
    let Some(script) = crate::workflows::commands::parse_run(masked(&scalar.mapped)) else {
        return;
    };
    let mut tracing: Vec<std::ops::Range<usize>> = Vec::new();
    let mut dumps: Vec<std::ops::Range<usize>> = Vec::new();
    for cmd in script.commands() {
        let words: Vec<_> = cmd.args.iter().map(|a| script.word(*a)).collect();
        let var_hit = words.iter().flat_map(|w| &w.parts).find_map(|p| match p {
            WordPart::Var(v) if vars.contains(&v.name) => Some(v.name.clone()),
            _ => None,
        });
        match cmd.name.as_str() {
            "echo" | "printf" => {
                let args_text: String = cmd
                    .args
                    .iter()
                    .map(|a| original.get(a.byte_range()).unwrap_or(""))
                    .collect::<Vec<_>>()
                    .join(" ");
                if args_text.contains("::add-mask::") {
                    continue;
                }
                if piped(&cmd.node)
                    || redirected_away(&script, &cmd.redirects)
                    || captured(&script, &cmd.node)
                {
                    continue;
                }
                let direct = wf::expressions(&MappedText::verbatim(&args_text, 0))
                    .into_iter()
                    .find(|e| {
                        wf::context_refs(&e.inner)
                            .iter()
                            .any(|r| r.starts_with("secrets."))
                    })
                    .map(|e| e.inner);
                let (what, name) = match (direct, var_hit) {
                    (Some(r), _) => (format!("`${{{{ {r} }}}}`"), r),
                    (None, Some(v)) => (format!("`${v}` (set from a secret)"), v),
                    (None, None) => continue,
                };
                let f = out.report(
                    cmd.span(),
                    format!(
                        "`{}` prints {what} to the job log; masking is best-effort and logs are readable by anyone with read access",
                        cmd.name
                    ),
                );
                if !sensitive_name(&name) {
                    f.severity = Severity::Low;
                }
            }
            "set" => {
                let traced = cmd.arg_values(&script).iter().flatten().any(|a| {
                    (a.starts_with('-') && !a.starts_with("--") && a.contains('x')) || a == "xtrace"
                });
                if traced {
                    tracing.push(cmd.span());
                }
            }
            "env" | "printenv"
                if cmd.args.is_empty()
                    && !vars.is_empty()
                    && !piped(&cmd.node)
                    && !redirected_away(&script, &cmd.redirects) =>
            {
                dumps.push(cmd.span());
            }
            _ => {}
        }
    }
    let uses_secret_var = vars.iter().any(|v| mentions_var(script.text(), v));
    if uses_secret_var {
        for span in tracing {
            let f = out.report(
                span,
                "`set -x` traces every command with its expanded arguments, including the secret variables this script uses",
            );
            f.severity = Severity::Medium;
        }
    }
    for span in dumps {
        let f = out.report(
            span,
            "printing the whole environment writes the secret variables of this step to the log",
        );
        f.severity = Severity::Medium;
    }
}

/// Whether a secret's name says it is a credential (`DEPLOY_TOKEN`, `DB_PASSWORD`)
/// rather than configuration kept in secrets (`DEPLOY_HOST`, `SLACK_CHANNEL`).
fn sensitive_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "TOKEN",
        "KEY",
        "PASS",
        "SECRET",
        "CRED",
        "AUTH",
        "PRIVATE",
        "CERT",
        "PEM",
        "SESSION",
        "COOKIE",
        "SIGNING",
        "WEBHOOK",
        "DSN",
        "CONNECTION",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Whether `$NAME` or `${NAME` appears in the script.
fn mentions_var(text: &str, name: &str) -> bool {
    [format!("${name}"), format!("${{{name}")]
        .iter()
        .any(|pat| {
            text.match_indices(pat.as_str()).any(|(i, _)| {
                !text[i + pat.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        })
}

fn check_steps<'a>(
    steps: impl Iterator<Item = &'a YamlNode>,
    outer: &[Option<&YamlNode>],
    out: &mut Sink<'_>,
) {
    for step in steps {
        let Some(run) = step.get("run") else { continue };
        if let Some(shell) = step.get("shell").and_then(|s| s.as_str()) {
            if !matches!(shell.split_whitespace().next(), Some("bash" | "sh")) {
                continue;
            }
        }
        let mut envs: Vec<Option<&YamlNode>> = outer.to_vec();
        envs.push(step.get("env"));
        let vars = secret_vars(&envs);
        // The scalar's decoded text is parsed; spans map back through `run`'s text.
        check_run_mapped(run, &vars, out);
    }
}

fn check_run_mapped(run: &YamlNode, vars: &BTreeSet<String>, out: &mut Sink<'_>) {
    // Findings are reported in script coordinates: translate through the scalar's map.
    let Some(scalar) = run.as_scalar() else {
        return;
    };
    let mut local = Vec::new();
    let no_path = crate::finding::FilePath::default();
    {
        let mut sink = Sink::new(out_meta(), &no_path, Some(&scalar.mapped), &mut local);
        check_run(run, vars, &mut sink);
    }
    for f in local {
        let g = out.report(f.span.clone(), f.message);
        g.severity = f.severity;
    }
}

fn out_meta() -> &'static crate::rules::RuleMeta {
    &META
}

impl Rule for SecretEcho {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            for job in wf::jobs(root) {
                let outer = [root.get("env"), job.value.get("env")];
                check_steps(wf::steps(&job.value).into_iter(), &outer, out);
            }
        }
    }

    fn check_action(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            check_steps(wf::action_steps(root).into_iter(), &[], out);
        }
    }
}
