//! Facts about workflows and local actions that span files, extracted once per
//! file during the walk and joined after it: which workflow calls which local
//! reusable workflow or composite action with what data, where a callee expands
//! its inputs into code, which workflows publish, where an outsider's code runs
//! with the base repository's privileges, and which repository scripts a
//! privileged step runs.
//!
//! Cross-file rules (`actions/template-injection`, `actions/cache-poisoning`)
//! and the privileged-script pass read the joined [`WorkflowModel`]; nothing
//! here reports a finding. It is meant to move into the repository model as one
//! piece (issue 12).

use std::collections::{BTreeMap, BTreeSet};

use crate::finding::Related;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::source::SourceFile;
use crate::workflows::commands;
use crate::workflows::sinks;
use crate::workflows::taint::{Origin, Scope, Taint};
use crate::workflows::wf::{self, StepRef, Triggers};

/// What the triggers of the calling workflow make of outsider data it passes on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exposure {
    /// An event through which an outsider starts a privileged run, if any.
    pub external: Option<String>,
    /// The calling job or step runs only after a maintainer applies a label.
    pub gated: bool,
    /// Only `pull_request`/`merge_group`: a fork's run has no secrets.
    pub unprivileged: bool,
}

/// One `with:` value passed to a local callee.
#[derive(Debug, Clone)]
pub struct CallArg {
    /// The callee's input name, lower-case.
    pub input: String,
    /// Where the value is written.
    pub at: Related,
    /// Who controls the value, at the caller.
    pub origin: Option<Origin>,
    /// The source line of the value, for output.
    pub snippet: String,
}

/// A `uses: ./…` (or `$/…`) of a local composite action or reusable workflow.
#[derive(Debug, Clone)]
pub struct LocalCall {
    /// The callee, relative to the root: an action directory or a workflow file.
    pub target: String,
    /// The `uses:` value.
    pub at: Related,
    /// The values passed.
    pub args: Vec<CallArg>,
    /// The caller's exposure.
    pub exposure: Exposure,
}

/// An input a callee expands into code, or passes on to another local callee.
#[derive(Debug, Clone)]
pub struct InputUse {
    /// The input name, lower-case.
    pub input: String,
    /// Where it is expanded.
    pub at: Related,
    /// "the `run:` script" or the action input it reaches.
    pub what: String,
    /// When the input is passed on: the local callee and its input.
    pub passed_to: Option<(String, String)>,
}

/// A repository script a step runs, and what the step can do.
#[derive(Debug, Clone)]
pub struct ScriptRun {
    /// The script, relative to the root (`scripts/deploy.sh`, `Makefile`).
    /// A Makefile is read with [`ScriptRun::goal`].
    pub script: String,
    /// The command that runs it.
    pub at: Related,
    /// What makes the step privileged ("secrets DEPLOY_KEY", "on `pull_request_target`").
    pub privileges: Vec<String>,
    /// For `make`: the goal named (`None`: the Makefile's default goal); `None`
    /// for a script.
    pub goal: Option<String>,
}

/// A step of a job that restores or saves an Actions cache.
#[derive(Debug, Clone)]
pub struct CacheUse {
    /// The step's `uses:`, with why it touches the cache as the message.
    pub at: Related,
    /// The source line, for output.
    pub snippet: String,
    /// Restores, saves or both.
    pub access: crate::workflows::caches::CacheAccess,
    /// `setup-node` v5+ by default: it caches only if the root `package.json` names a
    /// `packageManager` (`Some(npm_only)`), which [`WorkflowModel::new`] checks.
    pub needs_package_manager: Option<bool>,
}

/// One job's facts about what it builds and the caches it touches. An action file's
/// composite steps are one job with an empty id.
#[derive(Debug, Clone, Default)]
pub struct JobFacts {
    /// The job id (empty for an action's steps).
    pub id: String,
    /// The workflow has a release trigger and this job is one harden sees publishing
    /// (or one they need), or harden sees no publishing job at all.
    pub release: bool,
    /// This job publishes, or a publishing job of the workflow needs it.
    pub publishes: bool,
    /// Its own steps that touch the cache.
    pub caches: Vec<CacheUse>,
    /// Its steps that run a local action (`uses: ./…`).
    pub local_actions: Vec<LocalAction>,
    /// One of its steps publishes ([`step_publishes`]).
    pub publishes_itself: bool,
    /// The jobs it `needs:`.
    pub needs: Vec<String>,
    /// It hands something to the jobs that need it: `outputs:`, or an uploaded
    /// artifact (`actions/upload-artifact`, `actions/upload-pages-artifact`).
    pub hands_over: bool,
    /// The local reusable workflow the job calls (`uses: ./.github/workflows/x.yml`).
    pub calls: Option<String>,
    /// It downloads an artifact of the run (`actions/download-artifact`).
    pub downloads: bool,
    /// Its token is set explicitly: `permissions:` on the job or at the workflow's top.
    pub declares_permissions: bool,
}

/// A step that runs a local action (`uses: ./.github/actions/x`).
#[derive(Debug, Clone)]
pub struct LocalAction {
    /// The action's directory, relative to the root.
    pub target: String,
    /// The `uses:`.
    pub at: Related,
    /// The source line, for output.
    pub snippet: String,
}

/// A cache restored by a job that builds what the repository publishes.
#[derive(Debug, Clone)]
pub struct PublishingRestore<'m> {
    /// The workflow.
    pub file: &'m FileFacts,
    /// The job.
    pub job: &'m JobFacts,
    /// The cache step, and the local action it runs in, if any.
    pub cache: JobCache<'m>,
    /// Why the workflow publishes (see [`WorkflowModel::publishing`]).
    pub why: Related,
    /// The workflow publishes because a publishing workflow calls it.
    pub inherited: bool,
}

/// A cache step a job runs, itself or inside a local composite action it runs.
#[derive(Debug, Clone, Copy)]
pub struct JobCache<'m> {
    /// The cache step (in the workflow, or in the action's `action.yml`).
    pub cache: &'m CacheUse,
    /// When the step is inside a local action: the job's `uses: ./…` step that
    /// runs it (the outermost one, for nested actions).
    pub through: Option<&'m LocalAction>,
}

/// The facts of one workflow or action file.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    /// Path relative to the root.
    pub path: String,
    /// An `action.yml` (its directory is what `uses: ./dir` names).
    pub action: bool,
    /// The workflow's events.
    pub triggers: Vec<String>,
    /// Why this workflow publishes (a release trigger, a publishing step).
    pub publishes: Option<Related>,
    /// A place where an outsider's code or text runs with the base repository's
    /// privileges (an untrusted checkout that is then run, an injection).
    pub outsider_code: Option<Related>,
    /// Whether that place only runs once a maintainer applies a label.
    pub outsider_gated: bool,
    /// Local callees.
    pub calls: Vec<LocalCall>,
    /// Inputs expanded into code here.
    pub input_uses: Vec<InputUse>,
    /// Repository scripts run by privileged steps.
    pub scripts: Vec<ScriptRun>,
    /// The workflow's `name:` (what another workflow's `workflow_run.workflows` names).
    pub name: Option<String>,
    /// The workflows whose runs start this one (`on.workflow_run.workflows`).
    pub run_after: Vec<String>,
    /// Per job: publishing and the caches it touches.
    pub jobs: Vec<JobFacts>,
    /// The workflow has a release trigger ([`release_trigger`]).
    pub release: bool,
}

/// Actions whose use means the job publishes something others consume.
pub const PUBLISHER_ACTIONS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "rubygems/release-gem",
    "jreleaser/release-action",
    "goreleaser/goreleaser-action",
    "softprops/action-gh-release",
    "ncipollo/release-action",
    "googleapis/release-please-action",
    "redhat-actions/push-to-registry",
    "aws-actions/amazon-ecs-deploy-task-definition",
    "cloudflare/wrangler-action",
    "google-github-actions/deploy-cloudrun",
    "azure/webapps-deploy",
    "helm/chart-releaser-action",
    "actions/deploy-pages",
];

/// The step publishes (a publisher action, `docker/build-push-action` with `push: true`,
/// or a publishing command); the reason.
pub fn step_publishes(root: &YamlNode, s: StepRef<'_>) -> Option<String> {
    if let Some(uses) = s.step.get("uses").and_then(|u| u.as_str()) {
        let name = wf::action_name(uses);
        if PUBLISHER_ACTIONS.contains(&name.as_str()) {
            return Some(format!("uses `{name}`"));
        }
        if matches!(
            name.as_str(),
            "docker/build-push-action" | "docker/bake-action"
        ) && wf::with_bool(s.step, "push") == Some(true)
        {
            return Some(format!("pushes an image with `{name}`"));
        }
        // `outputs: type=image,name=…,push=true` (push by digest, the multi-platform
        // recipe) or `type=registry` pushes as `push: true` does.
        if name == "docker/build-push-action"
            && wf::with_str(s.step, "outputs").is_some_and(|o| {
                o.split([',', '\n']).any(|kv| {
                    let kv = kv.trim().to_ascii_lowercase();
                    kv == "push=true" || kv == "type=registry"
                })
            })
        {
            return Some(
                "pushes an image with `docker/build-push-action` (`outputs: …push=true`)"
                    .to_string(),
            );
        }
        return None;
    }
    let run = s.step.get("run")?;
    for cmd in commands::run_commands(run, wf::run_shell(root, s)) {
        let w = cmd.effective();
        let hit = match (w.first().copied(), w.get(1).copied()) {
            (Some("twine"), Some("upload")) => true,
            (Some("npm" | "pnpm" | "yarn" | "cargo" | "uv" | "poetry"), Some("publish")) => {
                !w.contains(&"--dry-run")
            }
            (Some("docker" | "podman"), Some("push")) => true,
            (Some("gem"), Some("push")) => true,
            (Some("gh"), Some("release")) => w.get(2) == Some(&"create"),
            (Some("goreleaser"), Some("release")) => true,
            _ => false,
        };
        if hit {
            return Some(format!(
                "runs `{}`",
                w.iter().take(3).copied().collect::<Vec<_>>().join(" ")
            ));
        }
    }
    None
}

/// The workflow's release triggers: `release`, a `push` of tags, a `push` to a release branch.
pub fn release_trigger(root: &YamlNode) -> Option<(&YamlNode, String)> {
    let on = root.get("on").or_else(|| root.get("true"))?;
    if let Some(r) = on.pair("release") {
        return Some((&r.value, "runs on `release`".to_string()));
    }
    if on.strings().contains(&"release") {
        return Some((on, "runs on `release`".to_string()));
    }
    let push = on.get("push")?;
    if let Some(tags) = push.get("tags") {
        if tags.strings().iter().any(|t| !t.starts_with('!')) {
            return Some((tags, "runs on tag pushes".to_string()));
        }
    }
    if let Some(branches) = push.get("branches") {
        if branches.strings().iter().any(|b| {
            let b = b.to_ascii_lowercase();
            !b.starts_with('!')
                && (b.starts_with("release") || b.starts_with("v*") || b.contains("/release"))
        }) {
            return Some((branches, "runs on pushes to release branches".to_string()));
        }
    }
    None
}

/// Captures locations in the file being read (positions resolved while its text is at hand).
struct Locator<'f>(&'f SourceFile);

impl Locator<'_> {
    fn locate(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Related {
        Related {
            path: self.0.path.as_str().into(),
            region: self.0.region(&span),
            span,
            message: message.into(),
        }
    }
}

fn exposure(triggers: &Triggers, gated: bool) -> Exposure {
    Exposure {
        external: triggers.external().map(str::to_string),
        gated,
        unprivileged: triggers.only_unprivileged(),
    }
}

/// The secrets a step can read (step, job and workflow `env:`, the step's `with:`).
fn secrets_of(root: &YamlNode, s: StepRef<'_>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let nodes = [
        root.get("env"),
        s.job.and_then(|j| j.get("env")),
        s.step.get("env"),
        s.step.get("with"),
    ];
    for n in nodes.into_iter().flatten() {
        for sc in wf::scalars(n) {
            let Some(m) = sc.as_scalar() else { continue };
            for e in wf::expressions(&m.mapped) {
                let Some(p) = e.parsed() else { continue };
                for (c, _) in p.contexts() {
                    if let Some(name) = c.strip_prefix("secrets.") {
                        if name != "github_token" {
                            out.insert(name.to_ascii_uppercase());
                        }
                    }
                }
            }
        }
    }
    out
}

/// The repository path a command runs as a script, if any (`./x.sh`, `bash x.sh`,
/// `python tools/x.py`, `make release` → `Makefile`), before the working directory.
fn script_of(cmd: &commands::Command) -> Option<(String, String, Option<String>)> {
    let w = cmd.effective();
    let first = *w.first()?;
    let looks_path = |p: &str| {
        !p.contains('$')
            && !p.contains("XXX")
            && !p.starts_with('/')
            && !p.starts_with('-')
            && !p.starts_with('~')
            && (p.contains('/') || p.ends_with(".sh") || p.ends_with(".py"))
    };
    // `effective()` keeps only the program's file name; the word as written
    // (launchers such as `sudo` or `env A=b` skipped) tells `./x.sh` apart.
    let skipped = cmd.words.len().saturating_sub(w.len());
    let written = cmd.words.get(skipped).map_or(first, String::as_str);
    if written.starts_with("./") && looks_path(written) {
        return Some((written.to_string(), written.to_string(), None));
    }
    let is_interp = matches!(
        first,
        "bash" | "sh" | "zsh" | "python" | "python3" | "node" | "ruby" | "perl" | "pwsh"
    );
    if is_interp {
        let rest = cmd.words.get(skipped + 1..)?;
        // `bash -c "…"`, `python -c "…"`: inline code, not a file.
        if rest
            .iter()
            .take_while(|a| a.starts_with('-'))
            .any(|a| a == "-c")
        {
            return None;
        }
        let arg = rest.iter().find(|a| !a.starts_with('-'))?;
        if looks_path(arg) {
            return Some((arg.to_string(), format!("{first} {arg}"), None));
        }
    }
    if first == "make" || first == "gmake" {
        return make_run(&w[1..]);
    }
    None
}

/// `make [-C dir] [-f file] [VAR=v] [goal]`: the Makefile it reads, the command
/// as shown, and the goal (`None`: the Makefile's default goal).
fn make_run(args: &[&str]) -> Option<(String, String, Option<String>)> {
    let (mut dir, mut file, mut goal) = (None::<&str>, None::<&str>, None::<&str>);
    let mut i = 0;
    while let Some(&a) = args.get(i) {
        i += 1;
        match a {
            "-C" | "--directory" => {
                dir = Some(*args.get(i)?);
                i += 1;
            }
            "-f" | "--file" | "--makefile" => {
                file = Some(*args.get(i)?);
                i += 1;
            }
            // Options with a separate value (`-j 4`, `-I dir`): the value is not a goal.
            "-j" | "--jobs" | "-l" | "--load-average" => {
                if args
                    .get(i)
                    .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
                {
                    i += 1;
                }
            }
            "-o" | "-W" | "-I" => i += 1,
            _ => {
                if let Some(d) = a.strip_prefix("--directory=") {
                    dir = Some(d);
                } else if let Some(f) = a
                    .strip_prefix("--file=")
                    .or_else(|| a.strip_prefix("--makefile="))
                {
                    file = Some(f);
                } else if let Some(d) = a.strip_prefix("-C").filter(|d| !d.is_empty()) {
                    dir = Some(d);
                } else if !a.starts_with('-') && !a.contains('=') && goal.is_none() {
                    goal = Some(a);
                }
            }
        }
    }
    if [dir, file, goal].iter().flatten().any(|w| w.contains('$')) {
        return None;
    }
    let path = match (dir, file) {
        (Some(d), f) => format!("{}/{}", d.trim_end_matches('/'), f.unwrap_or("Makefile")),
        (None, f) => f.unwrap_or("Makefile").to_string(),
    };
    let shown = match goal {
        Some(g) => format!("make {g}"),
        None => "make".to_string(),
    };
    Some((path, shown, goal.map(str::to_string)))
}

fn join_path(dir: Option<&str>, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in dir.unwrap_or("").split('/').chain(rel.split('/')) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p if p.contains('$') => return None,
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The cache steps and local action calls of one job's steps.
fn job_facts(id: &str, steps: &[&YamlNode], text: &str, cx: &Locator<'_>) -> JobFacts {
    let mut job = JobFacts {
        id: id.to_string(),
        ..JobFacts::default()
    };
    for step in steps {
        let Some(uses) = step.get("uses") else {
            continue;
        };
        if let Some((access, why)) = crate::workflows::caches::access(step, text) {
            let at = cx.locate(uses.span.clone(), why);
            job.caches.push(CacheUse {
                snippet: cx.0.line_text(at.region.start.line).trim_end().to_string(),
                at,
                access,
                needs_package_manager: crate::workflows::caches::auto_cache_needs_package_manager(
                    step, text,
                ),
            });
        }
        if let Some(target) = uses.as_str().and_then(wf::local_path) {
            let at = cx.locate(uses.span.clone(), "this step runs the local action");
            job.local_actions.push(LocalAction {
                target,
                snippet: cx.0.line_text(at.region.start.line).trim_end().to_string(),
                at,
            });
        }
    }
    job
}

/// Extracts the facts of one workflow or action file.
pub fn extract(yaml: &YamlFile, file: &SourceFile, action: bool) -> FileFacts {
    let cx = Locator(file);
    let cx = &cx;
    let mut facts = FileFacts {
        path: file.path.to_string(),
        action,
        ..FileFacts::default()
    };
    let text = &file.text;
    for root in wf::roots(yaml) {
        let triggers = Triggers::of(root);
        facts.triggers.extend(triggers.events.iter().cloned());
        if facts.name.is_none() {
            facts.name = root
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_string);
        }
        facts.run_after.extend(wf::workflow_run_sources(root));
        if action {
            facts
                .jobs
                .push(job_facts("", &wf::action_steps(root), text, cx));
        } else {
            facts.release |= release_trigger(root).is_some();
            for job in wf::jobs(root) {
                let steps = wf::steps(&job.value);
                let mut jf = job_facts(&job.key, &steps, text, cx);
                jf.publishes_itself = steps.iter().any(|step| {
                    let s = StepRef {
                        job_id: Some(&job.key),
                        job: Some(&job.value),
                        step,
                    };
                    step_publishes(root, s).is_some()
                });
                jf.needs = job
                    .value
                    .get("needs")
                    .map(|n| n.strings().iter().map(|s| s.to_string()).collect())
                    .unwrap_or_default();
                jf.hands_over = job.value.get("outputs").is_some()
                    || steps.iter().any(|s| {
                        wf::step_uses(s, "actions/upload-artifact")
                            || wf::step_uses(s, "actions/upload-pages-artifact")
                    });
                jf.downloads = steps
                    .iter()
                    .any(|s| wf::step_uses(s, "actions/download-artifact"));
                jf.calls = job
                    .value
                    .get("uses")
                    .and_then(|u| u.as_str())
                    .and_then(wf::local_path);
                jf.declares_permissions =
                    job.value.get("permissions").is_some() || root.get("permissions").is_some();
                facts.jobs.push(jf);
            }
        }
        let scope = if action {
            Scope::action(root)
        } else {
            Scope::workflow(root)
        };
        // A release trigger makes a workflow a publisher, unless it is the CI
        // workflow that also runs on pull requests: then only a step that publishes
        // (below) or a publishing callee does.
        let ci_too = triggers.has("pull_request") || triggers.has("merge_group");
        if facts.publishes.is_none() && !ci_too {
            if let Some((node, why)) = release_trigger(root) {
                facts.publishes = Some(cx.locate(node.span.clone(), why));
            }
        }
        // Job-level reusable workflow calls.
        for job in wf::jobs(root) {
            let Some(uses) = job.value.get("uses") else {
                continue;
            };
            let Some(target) = uses.as_str().and_then(wf::local_path) else {
                continue;
            };
            let js = scope.job(&job.value);
            let ex = exposure(&triggers, wf::label_gated(&[Some(&job.value)]));
            facts.calls.push(LocalCall {
                target,
                at: cx.locate(
                    uses.span.clone(),
                    format!("job `{}` calls this workflow", job.key),
                ),
                args: call_args(job.value.get("with"), &js, cx),
                exposure: ex,
            });
        }
        let reusable = triggers.has("workflow_call");
        for s in wf::all_steps(root) {
            let step_scope = match s.job {
                Some(j) => scope.job(j).step(s.step),
                None => scope.step(s.step),
            };
            let gated = wf::label_gated(&[s.job, Some(s.step)]);
            if facts.publishes.is_none() {
                if let Some(why) = step_publishes(root, s) {
                    facts.publishes = Some(cx.locate(s.step.span.clone(), why));
                }
            }
            // Step-level local action calls.
            if let Some(uses) = s.step.get("uses") {
                if let Some(target) = uses.as_str().and_then(wf::local_path) {
                    facts.calls.push(LocalCall {
                        target: target.clone(),
                        at: cx.locate(uses.span.clone(), "this step runs the local action"),
                        args: call_args(s.step.get("with"), &step_scope, cx),
                        exposure: exposure(&triggers, gated),
                    });
                    if action || reusable {
                        for arg in s.step.get("with").and_then(|w| w.as_map()).unwrap_or(&[]) {
                            let Some(v) = arg.value.as_scalar() else {
                                continue;
                            };
                            for e in wf::expressions(&v.mapped) {
                                let Some(p) = e.parsed() else { continue };
                                for f in p.flows() {
                                    if let Some(input) =
                                        f.path.as_deref().and_then(|p| p.strip_prefix("inputs."))
                                    {
                                        facts.input_uses.push(InputUse {
                                            input: input.to_string(),
                                            at: cx.locate(
                                                e.host.clone(),
                                                format!("passed on as `{}` of `{target}`", arg.key),
                                            ),
                                            what: format!("input `{}` of `./{target}`", arg.key),
                                            passed_to: Some((
                                                target.clone(),
                                                arg.key.to_ascii_lowercase(),
                                            )),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // Inputs expanded into code (callees).
            if action || reusable {
                for sink in sinks::code_sinks(s.step) {
                    let Some(m) = sink.script.as_scalar() else {
                        continue;
                    };
                    for e in wf::expressions(&m.mapped) {
                        let Some(p) = e.parsed() else { continue };
                        for (f, o) in step_scope.origins(&p) {
                            let _ = f;
                            if let Some(input) = o.source.strip_prefix("inputs.") {
                                facts.input_uses.push(InputUse {
                                    input: input.to_string(),
                                    at: cx.locate(
                                        e.host.clone(),
                                        format!("`inputs.{input}` is expanded into {}", sink.what),
                                    ),
                                    what: sink.what.clone(),
                                    passed_to: None,
                                });
                            }
                        }
                    }
                }
            }
            // Where outsiders' code or text runs with privileges (an ungated place
            // replaces a label-gated one found earlier).
            if !action && (facts.outsider_code.is_none() || (facts.outsider_gated && !gated)) {
                if let Some(found) = outsider_place(&triggers, s.step, &step_scope, text, cx) {
                    facts.outsider_code = Some(found);
                    facts.outsider_gated = gated;
                }
            }
            // Repository scripts run by privileged steps.
            if !action {
                if let Some(run) = s.step.get("run") {
                    let secrets = secrets_of(root, s);
                    let mut privileges: Vec<String> = Vec::new();
                    if !secrets.is_empty() {
                        let names: Vec<&str> = secrets.iter().map(String::as_str).take(4).collect();
                        privileges.push(format!("secrets {}", names.join(", ")));
                    }
                    if let Some(t) = triggers.external() {
                        privileges.push(format!("on `{t}`"));
                    }
                    if let Some(job) = s.job {
                        match wf::effective_perms(root, job) {
                            Some(wf::Perms::WriteAll(_)) => {
                                privileges.push("a `write-all` token".to_string())
                            }
                            Some(wf::Perms::Scopes(m)) => {
                                let w: Vec<&str> = m
                                    .iter()
                                    .filter(|p| p.value.as_str() == Some("write"))
                                    .map(|p| p.key.as_str())
                                    .collect();
                                if !w.is_empty() {
                                    privileges
                                        .push(format!("a token that writes {}", w.join(", ")));
                                }
                            }
                            _ => {}
                        }
                    }
                    if privileges.is_empty() {
                        continue;
                    }
                    let wd = s
                        .step
                        .get("working-directory")
                        .or_else(|| {
                            s.job
                                .and_then(|j| j.at(&["defaults", "run", "working-directory"]))
                        })
                        .or_else(|| root.at(&["defaults", "run", "working-directory"]))
                        .and_then(|w| w.as_str());
                    for cmd in commands::run_commands(run, wf::run_shell(root, s)) {
                        let Some((rel, shown, goal)) = script_of(&cmd) else {
                            continue;
                        };
                        let Some(script) = join_path(wd, &rel) else {
                            continue;
                        };
                        facts.scripts.push(ScriptRun {
                            script,
                            at: cx.locate(
                                cmd.span.clone(),
                                format!("`{shown}` runs this with {}", privileges.join(" and ")),
                            ),
                            privileges: privileges.clone(),
                            goal,
                        });
                    }
                }
            }
        }
    }
    facts
}

fn call_args(with: Option<&YamlNode>, scope: &Scope<'_>, cx: &Locator<'_>) -> Vec<CallArg> {
    let mut out = Vec::new();
    for p in with.and_then(|w| w.as_map()).unwrap_or(&[]) {
        let Some(v) = p.value.as_str() else { continue };
        let origin = scope.origins_in_text(v).into_iter().max_by_key(|o| o.taint);
        let at = cx.locate(p.value.span.clone(), format!("`{}` is passed here", p.key));
        out.push(CallArg {
            input: p.key.to_ascii_lowercase(),
            snippet: cx.0.line_text(at.region.start.line).trim_end().to_string(),
            at,
            origin,
        });
    }
    out
}

/// A caller's data reaching code in a local callee: the caller's argument, the
/// callee's expansion, and the chain of local calls in between.
#[derive(Debug, Clone)]
pub struct Reach<'m> {
    /// The call at the caller.
    pub call: &'m LocalCall,
    /// The argument carrying the data.
    pub arg: &'m CallArg,
    /// Where the data is expanded into code, in the last callee.
    pub sink: &'m InputUse,
    /// Local callees passed through on the way (first is the direct callee).
    pub chain: Vec<String>,
}

/// Whether `f`'s only trigger an outsider could pull is `workflow_run`, and every workflow
/// it runs after is one of this repository's, started only by events that need write
/// access (push, tags, schedule, dispatch, release…).
fn started_by_insiders(f: &FileFacts, files: &BTreeMap<String, FileFacts>) -> bool {
    let external: Vec<&String> = f
        .triggers
        .iter()
        .filter(|t| wf::external_trigger(t))
        .collect();
    if external.is_empty() || external.iter().any(|t| *t != "workflow_run") {
        return false;
    }
    !f.run_after.is_empty()
        && f.run_after.iter().all(|name| {
            let upstream: Vec<&FileFacts> = files
                .values()
                .filter(|u| !u.action && u.name.as_deref() == Some(name.as_str()))
                .collect();
            !upstream.is_empty()
                && upstream.iter().all(|u| {
                    u.triggers
                        .iter()
                        .all(|t| !wf::external_trigger(t) && !wf::unprivileged_trigger(t))
                })
        })
}

/// Where a step runs an outsider's code or text with the base repository's
/// privileges: an untrusted checkout, or outsider text expanded into code.
fn outsider_place(
    triggers: &Triggers,
    step: &YamlNode,
    step_scope: &Scope<'_>,
    text: &str,
    cx: &Locator<'_>,
) -> Option<Related> {
    let t = triggers.external()?;
    if let Some(what) = wf::untrusted_checkout(step, text) {
        return Some(cx.locate(
            step.span.clone(),
            format!("on `{t}`, checks out `{what}` (code from a fork's pull request)"),
        ));
    }
    for sink in sinks::code_sinks(step) {
        let Some(m) = sink.script.as_scalar() else {
            continue;
        };
        let hit = wf::expressions(&m.mapped).into_iter().find(|e| {
            e.parsed().is_some_and(|p| {
                step_scope
                    .origins(&p)
                    .iter()
                    .any(|(_, o)| o.taint == Taint::Outsider)
            })
        });
        if let Some(e) = hit {
            return Some(cx.locate(
                e.host.clone(),
                format!("on `{t}`, outsider text is expanded into {}", sink.what),
            ));
        }
    }
    None
}

/// The file a local `uses:` target names, among `files`.
fn resolve_in<'f>(files: &'f BTreeMap<String, FileFacts>, target: &str) -> Option<&'f FileFacts> {
    if let Some(f) = files.get(target) {
        return Some(f);
    }
    ["action.yml", "action.yaml"]
        .iter()
        .find_map(|n| files.get(&format!("{target}/{n}")))
        .filter(|f| f.action)
}

/// The jobs of a workflow that build what it publishes: the jobs that publish, and
/// the jobs they need (directly or through other needed jobs) that hand them
/// something (outputs, an uploaded artifact; for a job calling a local reusable
/// workflow, a job of that workflow that does). When a publishing job downloads the
/// run's artifacts, every job it needs counts: they share the run's artifact store.
/// A job needed only as a gate by a publish job that builds for itself (the test
/// suite it waits for) builds nothing that ships.
fn builders_of(f: &FileFacts, files: &BTreeMap<String, FileFacts>) -> Vec<String> {
    let publishers: Vec<&JobFacts> = f.jobs.iter().filter(|j| j.publishes_itself).collect();
    let shared_store = publishers.iter().any(|j| j.downloads);
    let mut out: Vec<String> = publishers.iter().map(|j| j.id.clone()).collect();
    let hands_over = |j: &JobFacts| {
        shared_store
            || j.hands_over
            || j.calls
                .as_deref()
                .and_then(|t| resolve_in(files, t))
                .is_some_and(|callee| callee.jobs.iter().any(|cj| cj.hands_over))
    };
    let mut walk: Vec<String> = out.clone();
    let mut i = 0;
    while i < walk.len() {
        let needs = f
            .jobs
            .iter()
            .find(|j| j.id == walk[i])
            .map(|j| j.needs.clone())
            .unwrap_or_default();
        for n in needs {
            if walk.contains(&n) {
                continue;
            }
            if f.jobs.iter().any(|j| j.id == n && hands_over(j)) {
                out.push(n.clone());
            }
            walk.push(n);
        }
        i += 1;
    }
    out
}

/// Every workflow and action file's facts, joined.
#[derive(Debug, Default)]
pub struct WorkflowModel {
    files: BTreeMap<String, FileFacts>,
    /// Workflows whose only outsider trigger is `workflow_run` after this repository's
    /// own push/dispatch-only workflows: nobody outside chooses what they run on.
    insider_started: std::collections::BTreeSet<String>,
}

impl WorkflowModel {
    /// Joins the facts of every file. `package_manager` is the root `package.json`'s
    /// `packageManager` (or `devEngines.packageManager`), which decides whether
    /// `setup-node` v5+ caches anything by default.
    pub fn new(facts: Vec<FileFacts>, package_manager: Option<&str>) -> Self {
        let mut facts = facts;
        for f in &mut facts {
            for job in &mut f.jobs {
                job.caches.retain(|c| {
                    c.needs_package_manager.is_none_or(|npm_only| {
                        crate::workflows::caches::package_manager_enables_auto_cache(
                            package_manager,
                            npm_only,
                        )
                    })
                });
            }
        }
        let mut files: BTreeMap<String, FileFacts> =
            facts.into_iter().map(|f| (f.path.clone(), f)).collect();
        // A `workflow_run` workflow is started by the runs of the workflows it names: when
        // every one of them is a workflow of this repository that only pushes, schedules
        // or dispatches start, no outsider chooses what it runs on.
        let insider_started: std::collections::BTreeSet<String> = files
            .values()
            .filter(|f| !f.action && started_by_insiders(f, &files))
            .map(|f| f.path.clone())
            .collect();
        for path in &insider_started {
            if let Some(f) = files.get_mut(path) {
                f.outsider_code = None;
            }
        }
        // Which jobs build what each workflow publishes (a callee's jobs are read to
        // know whether a reusable-workflow job hands anything over).
        let builders: Vec<(String, Vec<String>)> = files
            .values()
            .filter(|f| !f.action)
            .map(|f| (f.path.clone(), builders_of(f, &files)))
            .collect();
        for (path, set) in builders {
            if let Some(f) = files.get_mut(&path) {
                let release = f.release;
                for j in &mut f.jobs {
                    j.publishes = set.contains(&j.id);
                    // A release workflow whose publishing jobs harden can see: only
                    // those and the jobs that build for them ship; a test job beside
                    // them does not. Without a visible publisher (it publishes some
                    // other way), every job counts.
                    j.release = release && (set.is_empty() || j.publishes);
                }
            }
        }
        WorkflowModel {
            files,
            insider_started,
        }
    }

    /// Whether a local `uses:` of any workflow or action names the action whose
    /// `action.yml` is at `path`.
    pub fn is_used_locally(&self, path: &str) -> bool {
        self.files.values().flat_map(|f| &f.calls).any(|c| {
            self.resolve(&c.target)
                .is_some_and(|callee| callee.path == path)
        })
    }

    /// Whether the workflow at `path` looks outsider-started by its triggers
    /// (`workflow_run`) but only ever runs after this repository's own push-, schedule-
    /// or dispatch-only workflows, so the event's branch and commit are a writer's.
    pub fn started_by_insiders(&self, path: &str) -> bool {
        self.insider_started.contains(path)
    }

    /// All files, by path.
    pub fn files(&self) -> impl Iterator<Item = &FileFacts> {
        self.files.values()
    }

    /// The file a local `uses:` target names: a workflow file, or `DIR/action.yml|yaml`.
    pub fn resolve(&self, target: &str) -> Option<&FileFacts> {
        if let Some(f) = self.files.get(target) {
            return Some(f);
        }
        ["action.yml", "action.yaml"]
            .iter()
            .find_map(|n| self.files.get(&format!("{target}/{n}")))
            .filter(|f| f.action)
    }

    /// Where a caller's outsider data reaches code through local callees (up to
    /// four calls deep).
    pub fn reaches(&self) -> Vec<Reach<'_>> {
        let mut out = Vec::new();
        for caller in self.files.values() {
            for call in &caller.calls {
                for arg in &call.args {
                    if arg.origin.as_ref().map(|o| o.taint) != Some(Taint::Outsider) {
                        continue;
                    }
                    let mut chain = vec![call.target.clone()];
                    self.follow(&call.target, &arg.input, &mut chain, &mut |sink, chain| {
                        out.push(Reach {
                            call,
                            arg,
                            sink,
                            chain: chain.to_vec(),
                        })
                    });
                }
            }
        }
        out
    }

    fn follow<'m>(
        &'m self,
        target: &str,
        input: &str,
        chain: &mut Vec<String>,
        emit: &mut dyn FnMut(&'m InputUse, &[String]),
    ) {
        if chain.len() > 4 {
            return;
        }
        let Some(callee) = self.resolve(target) else {
            return;
        };
        for u in callee.input_uses.iter().filter(|u| u.input == input) {
            match &u.passed_to {
                None => emit(u, chain),
                Some((next, next_input)) => {
                    if chain.contains(next) {
                        continue;
                    }
                    chain.push(next.clone());
                    self.follow(next, next_input, chain, emit);
                    chain.pop();
                }
            }
        }
    }

    /// Workflows that publish, directly or by calling a local reusable workflow
    /// that does, and the local reusable workflows such workflows call (which then
    /// run in a publishing context): path → why.
    pub fn publishing(&self) -> BTreeMap<String, Related> {
        let mut out: BTreeMap<String, Related> = BTreeMap::new();
        for f in self.files.values() {
            if let Some(r) = &f.publishes {
                out.insert(f.path.clone(), r.clone());
            }
        }
        // A caller of a publishing callee publishes (upward, from what callees do
        // themselves); then a callee of a publishing caller runs in it (downward). A
        // test workflow that a release also calls does not make every other caller
        // of it a publisher.
        for _ in 0..4 {
            let mut changed = false;
            for f in self.files.values() {
                if out.contains_key(&f.path) {
                    continue;
                }
                let publishing_callee = f.calls.iter().find_map(|call| {
                    let callee = self.resolve(&call.target)?;
                    out.contains_key(&callee.path).then(|| {
                        let mut r = call.at.clone();
                        r.message = format!("calls `{}`, which publishes", callee.path);
                        r
                    })
                });
                if let Some(r) = publishing_callee {
                    out.insert(f.path.clone(), r);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for _ in 0..4 {
            let mut changed = false;
            for f in self.files.values() {
                if !out.contains_key(&f.path) {
                    continue;
                }
                for call in &f.calls {
                    let Some(callee) = self.resolve(&call.target) else {
                        continue;
                    };
                    if !out.contains_key(&callee.path) {
                        let mut r = call.at.clone();
                        r.message = format!("called by `{}`, which publishes", f.path);
                        out.insert(callee.path.clone(), r);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        out
    }

    /// The first place in the repository where an outsider's code or text runs with
    /// the base repository's privileges (and so can write its caches), a place no
    /// label gates first; the flag says whether the place found is label-gated.
    pub fn outsider_code(&self) -> Option<(&Related, bool)> {
        let places = || {
            self.files
                .values()
                .filter_map(|f| f.outsider_code.as_ref().map(|r| (r, f.outsider_gated)))
        };
        places()
            .find(|(_, gated)| !gated)
            .or_else(|| places().next())
    }

    /// The cache steps a job runs: its own, and those of the local composite actions
    /// it runs (followed up to four actions deep).
    pub fn job_caches<'m>(&'m self, job: &'m JobFacts) -> Vec<JobCache<'m>> {
        let mut out = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        self.collect_caches(job, None, &mut seen, &mut out);
        out
    }

    fn collect_caches<'m>(
        &'m self,
        job: &'m JobFacts,
        through: Option<&'m LocalAction>,
        seen: &mut Vec<&'m str>,
        out: &mut Vec<JobCache<'m>>,
    ) {
        out.extend(job.caches.iter().map(|cache| JobCache { cache, through }));
        for call in &job.local_actions {
            let Some(callee) = self.resolve(&call.target).filter(|f| f.action) else {
                continue;
            };
            if seen.len() >= 4 || seen.contains(&callee.path.as_str()) {
                continue;
            }
            seen.push(&callee.path);
            for j in &callee.jobs {
                self.collect_caches(j, through.or(Some(call)), seen, out);
            }
        }
    }

    /// Caches restored by jobs that build what the repository publishes: jobs of a
    /// release workflow (those harden sees publishing and the jobs they need, or every
    /// job when it sees none), publishing jobs of any workflow and the jobs they need,
    /// and every job of a local reusable workflow that a publishing workflow calls;
    /// through the local composite actions they run too. A release-triggered CI
    /// workflow that also runs on pull requests counts only through its publishing
    /// jobs ([`WorkflowModel::publishing`]).
    pub fn publishing_restores(&self) -> Vec<PublishingRestore<'_>> {
        let publishing = self.publishing();
        let mut out = Vec::new();
        for file in self.files.values().filter(|f| !f.action) {
            let Some(why) = publishing.get(&file.path) else {
                continue;
            };
            let inherited = why.path != file.path;
            for job in self.counted_jobs(file, &publishing, 0) {
                for cache in self.job_caches(job) {
                    if cache.cache.access.restores {
                        out.push(PublishingRestore {
                            file,
                            job,
                            cache,
                            why: why.clone(),
                            inherited,
                        });
                    }
                }
            }
        }
        out
    }

    /// The jobs of a publishing workflow that build what ships: in a workflow that
    /// publishes itself, its release-triggered or publishing jobs and the jobs that
    /// build for them; in a local reusable workflow a publishing workflow calls, every
    /// job, when a job that builds what ships calls it (a test workflow that a
    /// publish job only waits for builds nothing that ships).
    fn counted_jobs<'m>(
        &'m self,
        file: &'m FileFacts,
        publishing: &BTreeMap<String, Related>,
        depth: usize,
    ) -> Vec<&'m JobFacts> {
        let Some(why) = publishing.get(&file.path) else {
            return Vec::new();
        };
        if why.path == file.path {
            return file
                .jobs
                .iter()
                .filter(|j| j.release || j.publishes)
                .collect();
        }
        if depth >= 4 {
            return Vec::new();
        }
        let reached = self.files.values().filter(|c| !c.action).any(|caller| {
            caller.jobs.iter().any(|j| {
                j.calls
                    .as_deref()
                    .and_then(|t| self.resolve(t))
                    .is_some_and(|callee| callee.path == file.path)
            }) && self
                .counted_jobs(caller, publishing, depth + 1)
                .iter()
                .any(|j| {
                    j.calls
                        .as_deref()
                        .and_then(|t| self.resolve(t))
                        .is_some_and(|callee| callee.path == file.path)
                })
        });
        if reached {
            file.jobs.iter().collect()
        } else {
            Vec::new()
        }
    }

    /// Repository scripts run by privileged steps: script path → the runs.
    pub fn privileged_scripts(&self) -> BTreeMap<&str, Vec<&ScriptRun>> {
        let mut out: BTreeMap<&str, Vec<&ScriptRun>> = BTreeMap::new();
        for f in self.files.values() {
            for s in &f.scripts {
                out.entry(s.script.as_str()).or_default().push(s);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_commands_name_their_makefile_and_goal() {
        let run = |a: &[&str]| make_run(a);
        assert_eq!(
            run(&["release"]),
            Some((
                "Makefile".into(),
                "make release".into(),
                Some("release".into())
            ))
        );
        assert_eq!(
            run(&["-j", "4", "-C", "deploy", "VERSION=1", "push"]),
            Some((
                "deploy/Makefile".into(),
                "make push".into(),
                Some("push".into())
            ))
        );
        assert_eq!(
            run(&["-f", "release.mk"]),
            Some(("release.mk".into(), "make".into(), None))
        );
        assert_eq!(run(&["-C", "$DIR", "all"]), None);
    }

    #[test]
    fn paths_join_working_directories() {
        assert_eq!(
            join_path(Some("./backend"), "./scripts/a.sh").as_deref(),
            Some("backend/scripts/a.sh")
        );
        assert_eq!(join_path(None, "./deploy.sh").as_deref(), Some("deploy.sh"));
        assert_eq!(join_path(Some("a"), "../b.sh").as_deref(), Some("b.sh"));
        assert_eq!(join_path(None, "../../x.sh"), None);
        assert_eq!(join_path(Some("$DIR"), "x.sh"), None);
    }
}
