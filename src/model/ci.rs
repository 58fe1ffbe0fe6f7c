//! GitHub Actions workflows and local actions as data: jobs, steps, what each
//! step uses, runs, builds and installs, and whether GitHub runs the file at all.

use crate::parse::yaml::YamlNode;

use super::paths::join;
use super::{ModelFile, RefKind};

/// One step (or a job that calls a reusable workflow).
#[derive(Debug, Clone, Default)]
pub struct Step {
    /// Line of the `uses:` (or of the step).
    pub line: usize,
    /// `name:`.
    pub name: String,
    /// `uses:` as written.
    pub uses: Option<String>,
    /// `with:` inputs (key, value as text).
    pub with: Vec<(String, String)>,
    /// Shell lines of `run:`: (host line, text), comment lines dropped.
    pub run: Vec<(usize, String)>,
    /// `continue-on-error: true`: a failure does not fail the job.
    pub soft: bool,
    /// `if: false`: never runs.
    pub disabled: bool,
    /// `working-directory` (repository-relative).
    pub working_directory: String,
    /// Files the step points at: built, run, installed, used as compose files.
    pub targets: Vec<(RefKind, String)>,
}

impl Step {
    /// The action without its ref, lower-cased (`actions/checkout`).
    pub fn action(&self) -> Option<String> {
        self.uses.as_ref().map(|u| {
            u.split('@')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }

    /// A `with:` input as written.
    pub fn input(&self, key: &str) -> Option<&str> {
        self.with
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One job.
#[derive(Debug, Clone, Default)]
pub struct Job {
    /// Job id.
    pub id: String,
    /// Line of the job key.
    pub line: usize,
    /// `if: false`.
    pub disabled: bool,
    /// Steps in order (a reusable-workflow call is one step with `uses`).
    pub steps: Vec<Step>,
}

/// A workflow file or a local action.
#[derive(Debug, Clone, Default)]
pub struct Workflow {
    /// The file.
    pub path: String,
    /// A local `action.yml` rather than a workflow.
    pub action: bool,
    /// GitHub runs it: a workflow directly under the root `.github/workflows/`
    /// (a `packages/x/.github/workflows/` file never runs), or any local action.
    pub live: bool,
    /// Event names under `on:`.
    pub triggers: Vec<String>,
    /// Jobs (an action has one, with an empty id).
    pub jobs: Vec<Job>,
}

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

fn step_of(
    m: &ModelFile,
    node: &YamlNode,
    default_wd: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Step {
    let mut s = Step {
        line: m.line(node.span.start),
        disabled: is_disabled(node),
        soft: node
            .get("continue-on-error")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        name: node
            .get("name")
            .and_then(|n| n.as_str())
            .unwrap_or("")
            .to_string(),
        working_directory: node
            .get("working-directory")
            .and_then(|w| w.as_str())
            .and_then(|w| join("", w))
            .unwrap_or_else(|| default_wd.to_string()),
        ..Step::default()
    };
    if let Some(u) = node.get("uses") {
        s.line = m.line(u.span.start);
        s.uses = u.as_str().map(str::to_string);
    }
    if let Some(with) = node.get("with").and_then(|w| w.as_map()) {
        s.with = with
            .iter()
            .map(|p| (p.key.clone(), scalar_text(&p.value)))
            .collect();
    }
    if let Some(run) = node.get("run").and_then(|r| r.as_scalar()) {
        let text = &run.mapped.text;
        let mut off = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                let host = run
                    .mapped
                    .to_host(off + (line.len() - line.trim_start().len()));
                s.run.push((m.line(host), trimmed.to_string()));
            }
            off += line.len();
        }
        // What the commands point at, from the parsed shell of this step.
        let run_span = node.get("run").map(|r| r.span.clone()).unwrap_or(0..0);
        for script in m
            .shells
            .iter()
            .filter(|sc| run_span.contains(&sc.code.to_host(0)))
        {
            let argvs: Vec<Vec<Option<String>>> = super::commands::argvs(script)
                .into_iter()
                .map(|(_, a)| a)
                .collect();
            s.targets.extend(super::commands::targets_of_sequence(
                argvs.iter().map(Vec::as_slice),
                &s.working_directory,
                exists,
            ));
        }
    }
    if let Some(action) = s.action() {
        // Image builds by action: docker/build-push-action and its kin.
        if action.ends_with("/build-push-action") || action.contains("buildah-build") {
            let context = s
                .input("context")
                .filter(|c| !c.contains("${{") && !c.contains("://"))
                .unwrap_or(".");
            let file = match s.input("file").or_else(|| s.input("dockerfile")) {
                Some(f) if !f.contains("${{") => join("", f),
                Some(_) => None,
                None => join(context, "Dockerfile"),
            };
            s.targets.extend(file.map(|f| (RefKind::Builds, f)));
        }
    }
    s
}

/// The workflow (or local action) of a parsed file.
pub fn workflow_of(m: &ModelFile, root: &YamlNode, action: bool, exists: &dyn Fn(&str) -> bool) -> Workflow {
    let path = m.path();
    let mut wf = Workflow {
        path: path.to_string(),
        action,
        live: action
            || (path.starts_with(".github/workflows/")
                && !path[".github/workflows/".len()..].contains('/')),
        ..Workflow::default()
    };
    if action {
        let mut job = Job::default();
        for step in root
            .at(&["runs", "steps"])
            .and_then(|s| s.as_seq())
            .unwrap_or(&[])
        {
            job.steps.push(step_of(m, step, "", exists));
        }
        wf.jobs.push(job);
        return wf;
    }
    if let Some(on) = root.get("on").or_else(|| root.get("true")) {
        wf.triggers = match on.as_map() {
            Some(map) => map.iter().map(|p| p.key.clone()).collect(),
            None => on.strings().iter().map(|s| s.to_string()).collect(),
        };
    }
    let file_wd = root
        .at(&["defaults", "run", "working-directory"])
        .and_then(|w| w.as_str())
        .and_then(|w| join("", w))
        .unwrap_or_default();
    for j in root.get("jobs").and_then(|j| j.as_map()).unwrap_or(&[]) {
        let wd = j
            .value
            .at(&["defaults", "run", "working-directory"])
            .and_then(|w| w.as_str())
            .and_then(|w| join("", w))
            .unwrap_or_else(|| file_wd.clone());
        let mut job = Job {
            id: j.key.clone(),
            line: m.line(j.key_span.start),
            disabled: is_disabled(&j.value),
            steps: Vec::new(),
        };
        if j.value.get("uses").is_some() {
            job.steps.push(step_of(m, &j.value, &wd, exists));
        }
        for step in j
            .value
            .get("steps")
            .and_then(|s| s.as_seq())
            .unwrap_or(&[])
        {
            job.steps.push(step_of(m, step, &wd, exists));
        }
        wf.jobs.push(job);
    }
    wf
}
