//! CI definitions as the readiness controls of `status` read them, found during
//! the walk: every step of every GitHub workflow and local action (`uses:`, its
//! inputs, each non-comment line of its `run:` with its host line), the lines of
//! other CI systems' files, release triggers, a workflow's token permissions, and
//! backup/restore lines. A commented-out step or one disabled with `if: false`
//! is not a step. `status` detects tools on these; it reads no CI file itself.

use crate::parse::yaml::{YamlFile, YamlNode};
use crate::source::SourceFile;

use super::operations::{backup_lines, BackupLines};
use super::Evidence;

/// One step (or a job calling a reusable workflow).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    /// File.
    pub path: String,
    /// Line of the `uses:` (or of the step).
    pub line: usize,
    /// `uses:` as written.
    pub uses: Option<String>,
    /// `with:` inputs (key, value as text).
    pub with: Vec<(String, String)>,
    /// Shell lines: (host line, text), comments dropped.
    pub run: Vec<(usize, String)>,
    /// Job id it belongs to.
    pub job: String,
    /// `name:` of the step.
    pub name: String,
    /// `continue-on-error: true`: a failure does not fail the job.
    pub soft: bool,
}

impl Step {
    /// The action name without its ref, lower-cased (`actions/checkout`).
    pub fn action(&self) -> Option<String> {
        self.uses.as_ref().map(|u| {
            u.split('@')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// A `with:` input, lower-cased.
    pub fn input(&self, key: &str) -> Option<String> {
        self.with
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.to_ascii_lowercase())
    }
}

/// One CI file as the readiness controls see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CiFile {
    /// Repository-relative path.
    pub path: String,
    /// Its steps, in file order (a workflow with a YAML error also as plain lines).
    pub steps: Vec<Step>,
    /// Workflow triggers on releases or tags, with their place.
    pub release_triggers: Vec<Evidence>,
    /// A workflow's token permissions: 1 read-only (or every job scoped), 0.5
    /// declared but broad, 0 none, with the line that shows it; `None` without a
    /// first document.
    pub permissions: Option<(f64, Evidence)>,
    /// Where it backs data up or restores it.
    pub backups: BackupLines,
}

/// CI definitions of systems other than GitHub Actions, read as lines.
const OTHER_CI: &[&str] = &[
    ".gitlab-ci.yml",
    ".gitlab-ci.yaml",
    ".circleci/config.yml",
    ".circleci/config.yaml",
    "Jenkinsfile",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    ".travis.yml",
    "bitbucket-pipelines.yml",
    ".drone.yml",
    ".buildkite/pipeline.yml",
    ".woodpecker.yml",
    "cloudbuild.yaml",
    "cloudbuild.yml",
    "buildspec.yml",
];

/// Whether `path` is another CI system's definition (`.gitlab-ci.yml`, `Jenkinsfile`…).
pub fn is_other_ci(path: &str) -> bool {
    OTHER_CI.contains(&path)
}

/// A GitHub workflow's facts from its parse (whatever the parse recovered).
pub fn workflow(file: &SourceFile, yaml: &YamlFile) -> CiFile {
    let mut out = CiFile {
        path: file.path.to_string(),
        backups: backup_lines(&file.text),
        permissions: yaml
            .documents
            .first()
            .and_then(|d| d.root.as_ref())
            .map(|root| workflow_permissions(file, root)),
        ..CiFile::default()
    };
    workflow_steps(file, yaml, &mut out);
    if yaml.error.is_some() {
        // Broken YAML: fall back to its lines so a tool is still seen.
        text_steps(&file.path, &file.text, &mut out);
    }
    out
}

/// A local action's facts from its parse.
pub fn action(file: &SourceFile, yaml: &YamlFile) -> CiFile {
    let mut out = CiFile {
        path: file.path.to_string(),
        backups: backup_lines(&file.text),
        ..CiFile::default()
    };
    action_steps(file, yaml, &mut out);
    out
}

/// Another CI system's file, as lines.
pub fn other_ci(path: &str, text: &str) -> CiFile {
    let mut out = CiFile {
        path: path.to_string(),
        backups: backup_lines(text),
        ..CiFile::default()
    };
    text_steps(path, text, &mut out);
    let name = path.rsplit('/').next().unwrap_or(path);
    if matches!(name, "cloudbuild.yaml" | "cloudbuild.yml") {
        cloudbuild_steps(path, text, &mut out);
    }
    out
}

/// Google Cloud Build steps as the commands they run: a step is a builder image, an
/// optional `entrypoint` and its `args` on separate lines, which the plain line
/// reading never joins (`entrypoint: make` + `args: [release.staging]` is `make
/// release.staging`). Without an entrypoint the builder's own command runs (the
/// image name's last part: `gcr.io/cloud-builders/docker` runs `docker`); `bash -c
/// SCRIPT` runs the script's lines.
fn cloudbuild_steps(path: &str, text: &str, out: &mut CiFile) {
    struct Cur {
        line: usize,
        image: String,
        entry: Option<(usize, String)>,
        args: Vec<String>,
        args_indent: Option<usize>,
    }
    fn unquote(v: &str) -> String {
        let v = v.trim();
        v.strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .or_else(|| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
            .unwrap_or(v)
            .to_string()
    }
    fn flush(path: &str, cur: Option<Cur>, out: &mut CiFile) {
        let Some(c) = cur else { return };
        let (line, cmd) = match c.entry {
            Some((n, e)) => (n, e),
            None => {
                let base = c.image.rsplit('/').next().unwrap_or("");
                let base = base.split([':', '@']).next().unwrap_or("");
                (c.line, base.to_string())
            }
        };
        if cmd.is_empty() {
            return;
        }
        let mut step = Step {
            path: path.to_string(),
            line,
            name: c.image.clone(),
            ..Step::default()
        };
        let shell = matches!(cmd.as_str(), "bash" | "sh" | "/bin/bash" | "/bin/sh");
        if shell && c.args.first().map(String::as_str) == Some("-c") {
            for l in c.args.iter().skip(1).flat_map(|a| a.lines()) {
                let l = l.trim();
                if !l.is_empty() && !l.starts_with('#') {
                    step.run.push((line, l.to_string()));
                }
            }
        } else {
            let words: Vec<String> = std::iter::once(cmd)
                .chain(c.args.iter().map(|a| {
                    if a.contains(char::is_whitespace) {
                        format!("'{}'", a.replace('\'', ""))
                    } else {
                        a.clone()
                    }
                }))
                .collect();
            step.run.push((line, words.join(" ")));
        }
        out.steps.push(step);
    }
    let mut cur: Option<Cur> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let indent = raw.len() - raw.trim_start().len();
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(v) = t.strip_prefix("- name:") {
            flush(path, cur.take(), out);
            cur = Some(Cur {
                line: n,
                image: unquote(v),
                entry: None,
                args: Vec::new(),
                args_indent: None,
            });
            continue;
        }
        let Some(c) = cur.as_mut() else { continue };
        if let Some(ai) = c.args_indent {
            if let Some(item) = t.strip_prefix("- ") {
                if indent >= ai {
                    c.args.push(unquote(item));
                    continue;
                }
            }
            if indent > ai && !t.contains(": ") {
                // A block scalar's lines (`- |` then the script).
                if let Some(last) = c.args.last_mut() {
                    if last == "|" || last == ">" || last.contains('\n') || last.is_empty() {
                        if last == "|" || last == ">" {
                            last.clear();
                        }
                        last.push_str(t);
                        last.push('\n');
                        continue;
                    }
                }
            }
            c.args_indent = None;
        }
        if let Some(v) = t.strip_prefix("entrypoint:") {
            c.entry = Some((n, unquote(v)));
        } else if let Some(v) = t.strip_prefix("args:") {
            let v = v.trim();
            if let Some(list) = v.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                c.args
                    .extend(list.split(',').map(unquote).filter(|a| !a.is_empty()));
            } else {
                c.args_indent = Some(indent);
            }
        } else if indent == 0 {
            // A top-level key after the steps (`substitutions:`, `images:`).
            flush(path, cur.take(), out);
        }
    }
    flush(path, cur.take(), out);
}

/// A step or job switched off with `if: false`.
fn is_disabled(node: &YamlNode) -> bool {
    match node.get("if") {
        Some(v) => {
            v.as_bool() == Some(false)
                || v.as_str()
                    .is_some_and(|s| matches!(s.trim(), "false" | "${{ false }}" | "${{false}}"))
        }
        None => false,
    }
}

fn scalar_text(node: &YamlNode) -> String {
    match node.as_str() {
        Some(s) => s.to_string(),
        None => node.strings().join(","),
    }
}

/// Actions that report findings but exit 0 unless told otherwise: a step
/// using one without a failing `exit-code` can never fail the job.
fn never_fails(step: &Step) -> bool {
    let Some(action) = step.action() else {
        return false;
    };
    let exit_code = step.input("exit-code");
    (action == "aquasecurity/trivy-action" || action == "anchore/scan-action")
        && match (action.as_str(), exit_code.as_deref()) {
            ("anchore/scan-action", _) => step.input("fail-build").as_deref() == Some("false"),
            (_, None) => true,
            (_, Some(code)) => code.trim_matches(['"', '\'', ' ']) == "0",
        }
}

fn push_step(
    file: &SourceFile,
    job: &YamlNode,
    job_id: &str,
    step: &YamlNode,
    out: &mut Vec<Step>,
) {
    let line_of = |off: usize| file.lines.line_of(off) + 1;
    if is_disabled(step) {
        return;
    }
    let mut s = Step {
        path: file.path.to_string(),
        line: line_of(step.span.start),
        job: job_id.to_string(),
        ..Step::default()
    };
    let soft = |n: &YamlNode| {
        n.get("continue-on-error")
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    };
    // `continue-on-error` on the job or the step: a failure does not fail the run.
    s.soft = soft(step) || soft(job);
    s.name = step
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_string();
    if let Some(u) = step.get("uses") {
        s.line = line_of(u.span.start);
        s.uses = u.as_str().map(str::to_string);
    }
    if let Some(with) = step.get("with").and_then(|w| w.as_map()) {
        s.with = with
            .iter()
            .map(|p| (p.key.clone(), scalar_text(&p.value)))
            .collect();
    }
    s.soft = s.soft || never_fails(&s);
    if let Some(run) = step.get("run").and_then(|r| r.as_scalar()) {
        let text = &run.mapped.text;
        let mut off = 0;
        // A command continued with `\` is one command, at its first line.
        let mut pending: Option<(usize, String)> = None;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                let host = run
                    .mapped
                    .to_host(off + (line.len() - line.trim_start().len()));
                let (at, mut joined) = pending
                    .take()
                    .unwrap_or_else(|| (line_of(host), String::new()));
                if !joined.is_empty() {
                    joined.push(' ');
                }
                match trimmed.strip_suffix('\\') {
                    Some(head) => {
                        joined.push_str(head.trim_end());
                        pending = Some((at, joined));
                    }
                    None => {
                        joined.push_str(trimmed);
                        s.run.push((at, joined));
                    }
                }
            }
            off += line.len();
        }
        if let Some(last) = pending {
            s.run.push(last);
        }
    }
    out.push(s);
}

fn workflow_steps(file: &SourceFile, yaml: &YamlFile, out: &mut CiFile) {
    let line = |off: usize| file.lines.line_of(off) + 1;
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        if let Some(on) = root.pair("on").or_else(|| root.pair("true")) {
            let release = on.value.get("release").is_some()
                || on.value.strings().contains(&"release")
                || on.value.at(&["push", "tags"]).is_some();
            if release {
                out.release_triggers.push(Evidence::new(
                    file.path.clone(),
                    line(on.key_span.start),
                    "runs on releases/tags",
                ));
            }
        }
        let Some(jobs) = root.get("jobs").and_then(|j| j.as_map()) else {
            continue;
        };
        for job in jobs {
            if is_disabled(&job.value) {
                continue;
            }
            if job.value.get("uses").is_some() {
                push_step(file, &job.value, &job.key, &job.value, &mut out.steps);
            }
            for step in job
                .value
                .get("steps")
                .and_then(|s| s.as_seq())
                .unwrap_or(&[])
            {
                push_step(file, &job.value, &job.key, step, &mut out.steps);
            }
        }
    }
}

fn action_steps(file: &SourceFile, yaml: &YamlFile, out: &mut CiFile) {
    for doc in &yaml.documents {
        let Some(root) = &doc.root else { continue };
        for step in root
            .at(&["runs", "steps"])
            .and_then(|s| s.as_seq())
            .unwrap_or(&[])
        {
            push_step(file, step, "", step, &mut out.steps);
        }
    }
}

fn text_steps(path: &str, text: &str, out: &mut CiFile) {
    let mut s = Step {
        path: path.to_string(),
        line: 1,
        ..Step::default()
    };
    let numbered = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    for (n, line) in numbered {
        let t = line.trim().trim_start_matches("- ").trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        s.run.push((n, t.to_string()));
    }
    out.steps.push(s);
}

/// Whether a `permissions:` value grants write access.
fn grants_write(node: &YamlNode) -> bool {
    match node.as_str() {
        Some(s) => s == "write-all",
        None => node
            .as_map()
            .is_some_and(|m| m.iter().any(|p| p.value.as_str() == Some("write"))),
    }
}

/// 1 = top-level read-only (or every job scoped), 0.5 = declared but broad, 0 = none.
fn workflow_permissions(file: &SourceFile, root: &YamlNode) -> (f64, Evidence) {
    let path = &file.path;
    let line_of = |off: usize| file.lines.line_of(off) + 1;
    if let Some(p) = root.pair("permissions") {
        let line = line_of(p.key_span.start);
        if grants_write(&p.value) {
            return (
                0.5,
                Evidence::new(path, line, "top-level permissions grant write"),
            );
        }
        return (1.0, Evidence::new(path, line, "top-level permissions"));
    }
    let jobs = root.get("jobs").and_then(|j| j.as_map()).unwrap_or(&[]);
    let scoped = jobs
        .iter()
        .filter(|j| j.value.get("permissions").is_some())
        .count();
    if !jobs.is_empty() && scoped == jobs.len() {
        let line = jobs
            .first()
            .and_then(|j| j.value.pair("permissions"))
            .map_or(1, |p| line_of(p.key_span.start));
        return (
            1.0,
            Evidence::new(path, line, "every job declares permissions"),
        );
    }
    if scoped > 0 {
        return (
            0.5,
            Evidence::new(
                path,
                1,
                format!("{scoped} of {} jobs declare permissions", jobs.len()),
            ),
        );
    }
    (
        0.0,
        Evidence::new(path, 1, "no permissions: block (default token scope)"),
    )
}

/// The directories a line splits off into another repository: `git subtree push
/// --prefix=DIR …`, `git subtree split -P DIR`, `splitsh-lite --prefix=DIR`. Their
/// `.github/workflows/` run in that repository.
pub fn mirrored_prefixes(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if !(line.contains("git subtree") || line.contains("splitsh")) {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let value = if let Some(v) = w.strip_prefix("--prefix=") {
                Some(v)
            } else if matches!(*w, "--prefix" | "-P") {
                words.get(i + 1).copied()
            } else {
                None
            };
            let Some(v) = value else { continue };
            let v = v.trim_matches(['"', '\'']).trim_end_matches('/');
            let v = v.strip_prefix("./").unwrap_or(v);
            if !v.is_empty() && !v.contains('$') {
                out.push(v.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(t: &str) -> CiFile {
        let f = SourceFile::new(".github/workflows/x.yml".to_string(), t.to_string());
        workflow(&f, &crate::parse::yaml::parse(t))
    }

    #[test]
    fn permissions_levels() {
        let score = |t: &str| file(t).permissions.map(|p| p.0);
        assert_eq!(
            score("on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: x\n"),
            Some(1.0)
        );
        assert_eq!(
            score("on: push\npermissions: write-all\njobs: {}\n"),
            Some(0.5)
        );
        assert_eq!(
            score("on: push\njobs:\n  a:\n    permissions:\n      contents: read\n  b:\n    runs-on: x\n"),
            Some(0.5)
        );
        assert_eq!(score("on: push\njobs:\n  a:\n    runs-on: x\n"), Some(0.0));
    }

    #[test]
    fn steps_and_fallbacks() {
        let w = file("on:\n  release: {}\njobs:\n  a:\n    steps:\n      - run: |\n          pytest \\\n            -q\n      - if: false\n        run: bandit -r .\n");
        assert_eq!(w.release_triggers.len(), 1);
        assert_eq!(w.steps.len(), 1);
        assert_eq!(w.steps[0].run, vec![(7, "pytest -q".to_string())]);
        // Broken YAML: its lines still count.
        let b = file("jobs:\n  a:\n    steps: [\n      - run: gitleaks detect\n");
        assert!(b
            .steps
            .iter()
            .any(|s| s.run.iter().any(|(_, t)| t.contains("gitleaks"))));
        let o = other_ci("Jenkinsfile", "// sh 'x'\nsh 'npm test'\n");
        assert_eq!(o.steps[0].run, vec![(2, "sh 'npm test'".to_string())]);
    }

    #[test]
    fn subtree_prefixes() {
        assert_eq!(
            super::mirrored_prefixes(
                "  git subtree push --prefix=\"CTFd/themes/core\" \"git@github.com:CTFd/core-theme.git\" main\n"
            ),
            vec!["CTFd/themes/core"]
        );
        assert_eq!(
            super::mirrored_prefixes("git subtree split -P packages/ui -b ui-split"),
            vec!["packages/ui"]
        );
        assert!(super::mirrored_prefixes("cp --prefix=x a b").is_empty());
    }
}
