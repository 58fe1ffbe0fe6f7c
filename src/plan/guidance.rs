//! What a hand-written plan says beside the task list: how to check a task is done,
//! what the estimate assumes, and the risks of each phase. Data tables keyed by rule
//! id patterns and by the kinds of files a task edits, so a rule added later gets
//! sensible text without code.

use super::deps::pattern_matches;
use super::effort::EffortModel;
use super::model::Task;

/// Rules whose fix is a design change (one shared module or source of truth, then the
/// callers move to it), not the same edit repeated.
pub const DESIGN_RULES: &[&str] = &[
    "config/duplicated-credential",
    "config/scattered-connection-settings",
    "config/duplicated-mapping",
    "config/hardcoded-ip",
    "deps/many-requirements-files",
    "python/print-in-library",
    "*pool*",
    "*circuit-breaker*",
    "design/*",
];

/// Whether fixing `rule` is a design change.
pub fn is_design(rule: &str) -> bool {
    DESIGN_RULES.iter().any(|p| pattern_matches(p, rule))
}

/// What an estimate assumes, in one sentence.
pub fn estimate_basis(rule: &str, model: EffortModel, findings: usize, files: usize) -> String {
    let files = files.max(1);
    // Every file a task edits is at least one place (the copies of a credential in
    // other files), as the estimate counts them.
    let findings = findings.max(files);
    let capped = super::effort::raw_hours(model, findings, files) > model.cap;
    let cap = if capped {
        format!(
            "; capped at {} h because by then the change is routine",
            h2(model.cap)
        )
    } else {
        String::new()
    };
    if is_design(rule) {
        format!(
            "design change: {} h to design and write the shared module, then {} h per file moved to it ({} files){cap}",
            h2(model.base),
            h2(model.per_file),
            files
        )
    } else if findings <= 1 {
        format!(
            "a single change: {} h to read, fix and test it",
            h2(model.base)
        )
    } else {
        // Only the increments that apply and cost something: "0.5 h per further file"
        // on a one-file task, or "0 h per further place", explains nothing.
        let mut steps = vec![format!(
            "{} h for the first (read, fix, test)",
            h2(model.base)
        )];
        if files > 1 && model.per_file > 0.0 {
            steps.push(format!("{} h per further file", h2(model.per_file)));
        }
        if findings > files && model.per_hit > 0.0 {
            steps.push(format!(
                "{} h per further place in a file",
                h2(model.per_hit)
            ));
        }
        if steps.len() == 1 {
            steps[0] = format!("{} h in all (the same edit at every place)", h2(model.base));
        }
        format!(
            "mechanical edit repeated at {findings} place{} in {files} file{}: {}{cap}",
            if findings == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" },
            steps.join(", ")
        )
    }
}

/// What a repeated-edit estimate assumes: one literal edit, the same at every place.
pub fn repeated_basis(
    kind: &super::effort::RepeatedEdit,
    model: EffortModel,
    findings: usize,
    files: usize,
) -> String {
    let files = files.max(1);
    let findings = findings.max(files);
    let capped = super::effort::raw_hours(model, findings, files) > model.cap;
    if findings <= 1 {
        return format!(
            "a single change ({}): {} h to read, fix and test it",
            kind.edit,
            h2(model.base)
        );
    }
    let mut out = format!(
        "the same edit ({}) at {findings} place{} in {files} file{}, no decision per place: {} h for the first (read, fix, test)",
        kind.edit,
        if findings == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
        h2(model.base)
    );
    if findings > 1 {
        out.push_str(&format!(", {} h per further place", h2(model.per_hit)));
    }
    if capped {
        out.push_str(&format!("; capped at {} h", h2(model.cap)));
    }
    if !kind.note.is_empty() {
        out.push_str("; ");
        out.push_str(kind.note);
    }
    out
}

/// Hours with up to two decimals and no trailing zeros ("0.25", "0.5", "3").
fn h2(h: f64) -> String {
    let s = format!("{h:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The "done when" line that builds the Dockerfile `f` as it is released.
fn docker_build_check(f: &str) -> String {
    format!("`docker build -f {f} .` succeeds")
}

/// Rewrites the `docker build` checks of tasks whose Dockerfile is released as named
/// targets: `docker build --target release -f docker/dockerfile .` builds the image
/// people run; without `--target` docker builds the last stage, which may be a CI
/// helper or a test stage.
pub fn name_build_targets(tasks: &mut [Task], targets: &[(String, Vec<Option<String>>)]) {
    if targets.is_empty() {
        return;
    }
    for t in tasks.iter_mut() {
        let mut out = Vec::with_capacity(t.verify.len());
        for line in std::mem::take(&mut t.verify) {
            let hit = targets.iter().find(|(f, _)| line == docker_build_check(f));
            match hit {
                Some((f, names)) => {
                    for n in names.iter().take(3) {
                        out.push(match n {
                            Some(n) => format!("`docker build --target {n} -f {f} .` succeeds"),
                            None => docker_build_check(f),
                        });
                    }
                }
                None => out.push(line),
            }
        }
        t.verify = out;
    }
}

/// How to check a task is done: the harden check, the readiness control, and the
/// domain checks for the kinds of files it edits.
pub fn verify(t: &Task) -> Vec<String> {
    let mut out = Vec::new();
    let scope = match t.scope.as_deref() {
        Some(s) if !t.rules.iter().any(|r| r == super::tasks::VULN_RULE) => {
            format!(" under `{s}/`")
        }
        _ => String::new(),
    };
    for r in t.rules.iter().filter(|r| !r.starts_with("design/")) {
        // A repeated-edit task is one kind of the rule's findings: the rule's other
        // kinds (a `privileged: true` container) are another task's.
        let kind = t
            .findings
            .first()
            .and_then(|f| super::effort::repeated_edit(r, &f.message))
            .filter(|k| {
                t.findings
                    .iter()
                    .all(|f| super::effort::repeated_edit(r, &f.message) == Some(*k))
            });
        match kind {
            Some(k) => out.push(format!(
                "`harden scan --repository --rule {r} --fail-on info` reports no finding with \"{}\"{scope}",
                k.marker
            )),
            None => out.push(format!(
                "`harden scan --repository --rule {r} --fail-on info` reports nothing{scope}"
            )),
        }
        for (id, control) in super::phases::RULE_CONTROL {
            if id == r {
                out.push(format!("`harden status` shows `{control}` as done"));
            }
        }
    }
    if t.rules.iter().any(|r| super::phases::is_leaked_secret(r)) {
        out.push("the old secret is rejected where it was valid (try it once)".to_string());
    }
    let list = |files: &[&String]| -> String {
        let mut v: Vec<String> = files.iter().take(3).map(|f| format!("`{f}`")).collect();
        if files.len() > 3 {
            v.push(format!("{} more", files.len() - 3));
        }
        v.join(", ")
    };
    let name = |f: &str| f.rsplit('/').next().unwrap_or(f).to_ascii_lowercase();
    let compose: Vec<&String> = t
        .files
        .iter()
        .filter(|f| {
            let n = name(f);
            n.contains("compose") && (n.ends_with(".yml") || n.ends_with(".yaml"))
        })
        .collect();
    for f in compose.iter().take(3) {
        out.push(format!("`docker compose -f {f} config -q` succeeds"));
    }
    let dockerfiles: Vec<&String> = t
        .files
        .iter()
        .filter(|f| {
            let n = name(f);
            n.starts_with("dockerfile") || n.ends_with(".dockerfile")
        })
        .collect();
    for f in dockerfiles.iter().take(3) {
        out.push(docker_build_check(f));
    }
    if t.rules
        .iter()
        .any(|r| r.contains("health") || r.contains("probe"))
    {
        out.push(
            "`curl -f http://localhost:<port>/health` returns 200 with the service up (and fails with its database or queue stopped, if it has one)"
                .to_string(),
        );
    }
    let scripts: Vec<&String> = t
        .files
        .iter()
        .filter(|f| f.ends_with(".sh") || f.ends_with(".bash"))
        .collect();
    if !scripts.is_empty() {
        out.push(format!(
            "`bash -n` and `shellcheck` pass on {}, and each script runs once in staging",
            list(&scripts)
        ));
    }
    let workflows: Vec<&String> = t
        .files
        .iter()
        .filter(|f| f.contains(".github/workflows/"))
        .collect();
    if !workflows.is_empty() {
        out.push(format!(
            "{} run green on a pull request (`actionlint` passes)",
            list(&workflows)
        ));
    }
    if t.files.iter().any(|f| f.ends_with("dependabot.yml")) {
        out.push(
            "`harden scan --rule repo/dependabot-invalid` reports nothing, and GitHub lists every ecosystem under Insights → Dependency graph → Dependabot with no error"
                .to_string(),
        );
    }
    if t.files.iter().any(|f| f == "SECURITY.md") {
        out.push(
            "SECURITY.md names a private channel (an address or GitHub private vulnerability reporting), and GitHub shows it under Security → Policy"
                .to_string(),
        );
    }
    let python: Vec<&String> = t.files.iter().filter(|f| f.ends_with(".py")).collect();
    if !python.is_empty() {
        out.push(format!(
            "`python -m py_compile` passes on {}, and the test suite (`pytest`) passes",
            list(&python)
        ));
    }
    let reqs: Vec<&String> = t
        .files
        .iter()
        .filter(|f| {
            let n = name(f);
            (n.starts_with("requirements") && n.ends_with(".txt")) || n == "pyproject.toml"
        })
        .collect();
    if !reqs.is_empty() {
        out.push(format!(
            "a clean virtualenv installs {} (`pip install -r …`) and the services start",
            list(&reqs)
        ));
    }
    out
}

/// Risks of the changes, by rule id pattern: what can break, and how to avoid it.
pub const RULE_RISK: &[(&str, &str)] = &[
    ("secrets/*", "rotating a credential breaks every consumer still holding the old value: list them first and rotate in a planned window"),
    ("config/duplicated-credential", "rotating a credential breaks every consumer still holding the old value: list them first and rotate in a planned window"),
    ("shell/ssh-host-key-disabled", "deploys fail until the servers' host keys are in `known_hosts`: add them (a repository secret) before merging"),
    ("shell/missing-strict-mode", "`set -u` stops scripts that relied on unset variables: run each script once in staging"),
    ("shell/unsafe-rm", "a guard that aborts may leave a half-cleaned directory: test the failure path"),
    ("docker/runs-as-root", "a non-root user may lose write access to mounted volumes: check ownership of what the container writes"),
    ("compose/privileged", "the service may need part of what the socket or privilege gave it: find what it uses and grant only that"),
    ("*resource-limits*", "limits set too low get containers OOM-killed: start from observed usage"),
    ("*health*", "a health check that is too strict restarts healthy services: tune interval, timeout and retries"),
    ("*probe*", "a liveness probe that checks dependencies restarts pods during a database blip: keep dependency checks in readiness"),
    ("python/bare-except", "errors that were hidden will surface: expect new alerts after the deploy"),
    ("python/swallowed-exception", "errors that were hidden will surface: expect new alerts after the deploy"),
    ("python/requests-no-timeout", "a timeout too short turns slow answers into failures: use the upstream's observed latency"),
    ("config/scattered-connection-settings", "touches many modules at once: land the settings module first, then move callers in small pull requests"),
    ("deps/*", "upgrades and new pins can change behaviour: run the test suite against the new lock"),
    ("actions/unpinned-uses", "SHA pins stop silent updates and then go stale: keep Dependabot on the `github-actions` ecosystem"),
    ("*unpinned-digest*", "digests must be bumped deliberately: let Dependabot propose them"),
    ("python/print-in-library", "log lines change format: update anything that parses the output"),
];

/// The risks of a set of tasks (one line per distinct risk, in table order).
pub fn risks<'a>(tasks: impl IntoIterator<Item = &'a Task>) -> Vec<String> {
    let tasks: Vec<&Task> = tasks.into_iter().collect();
    let mut out: Vec<String> = Vec::new();
    for (pat, risk) in RULE_RISK {
        let hit: Vec<&str> = tasks
            .iter()
            .filter(|t| t.rules.iter().any(|r| pattern_matches(pat, r)))
            .map(|t| t.id.as_str())
            .collect();
        if hit.is_empty() || out.iter().any(|o| o.starts_with(&capitalise(risk))) {
            continue;
        }
        out.push(format!("{} ({})", capitalise(risk), hit.join(", ")));
    }
    out
}

/// Quick wins: small tasks (≤ 1 h) nothing blocks.
pub fn quick_wins<'a>(tasks: impl IntoIterator<Item = &'a Task>) -> Vec<&'a Task> {
    tasks
        .into_iter()
        .filter(|t| t.hours <= 1.0 && t.blocked_by.is_empty())
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::tasks::{group, tests::item};

    #[test]
    fn verification_names_the_harden_check_and_the_domain_checks() {
        let items = vec![
            item("docker/runs-as-root", "collectors/Dockerfile", 1),
            item("docker/runs-as-root", "deploy/docker-compose.yml", 4),
        ];
        let t = &group(&items)[0];
        let v = verify(t);
        assert!(v.contains(
            &"`harden scan --repository --rule docker/runs-as-root --fail-on info` reports nothing"
                .to_string()
        ));
        assert!(v.contains(&"`harden status` shows `container-non-root` as done".to_string()));
        assert!(v
            .iter()
            .any(|l| l.contains("docker compose -f deploy/docker-compose.yml config")));
        assert!(v
            .iter()
            .any(|l| l.contains("docker build -f collectors/Dockerfile")));
        let sh = &group(&[item("shell/missing-strict-mode", "scripts/a.sh", 1)])[0];
        assert!(verify(sh).iter().any(|l| l.contains("`bash -n`")));
    }

    #[test]
    fn estimates_say_what_they_assume() {
        let m = crate::plan::effort::model_for("config/duplicated-credential");
        assert!(
            estimate_basis("config/duplicated-credential", m, 9, 9).starts_with("design change")
        );
        let m = crate::plan::effort::model_for("shell/unsafe-rm");
        let b = estimate_basis("shell/unsafe-rm", m, 400, 100);
        assert!(
            b.starts_with("mechanical edit repeated at 400 places in 100 files"),
            "{b}"
        );
        assert!(b.contains("capped at 4 h"), "{b}");
    }

    #[test]
    fn risks_are_listed_once_with_their_tasks() {
        let items = vec![
            item("python/bare-except", "a.py", 1),
            item("python/swallowed-exception", "b.py", 1),
        ];
        let tasks = group(&items);
        let r = risks(&tasks);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(r[0].contains("T-python-bare-except"));
    }
}
