//! Shared reading of workflows and composite actions: triggers, jobs, steps,
//! `uses:` references, `${{ }}` expressions and effective permissions.

use std::ops::Range;

use crate::mapped::MappedText;
use crate::parse::gha_expr;
use crate::parse::yaml::{YamlFile, YamlNode, YamlPair};

/// What a `uses:` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsesRef {
    /// `./path` (an action in the checked-out workspace) or `$/path` (the same
    /// repository at the workflow's own commit).
    Local,
    /// `docker://image[:tag|@digest]`.
    Docker {
        /// Whether it is pinned by `@sha256:` digest.
        digest: bool,
    },
    /// `owner/repo[/path]@ref`.
    Repo {
        /// `owner/repo[/path]`.
        action: String,
        /// The ref after `@` (empty when missing).
        git_ref: String,
    },
}

/// Parses a `uses:` value.
pub fn parse_uses(s: &str) -> UsesRef {
    let s = s.trim();
    if s.starts_with("./") || s.starts_with(".\\") || s.starts_with("$/") {
        return UsesRef::Local;
    }
    if let Some(img) = s.strip_prefix("docker://") {
        return UsesRef::Docker {
            digest: img.contains("@sha256:"),
        };
    }
    match s.rsplit_once('@') {
        Some((a, r)) => UsesRef::Repo {
            action: a.to_string(),
            git_ref: r.to_string(),
        },
        None => UsesRef::Repo {
            action: s.to_string(),
            git_ref: String::new(),
        },
    }
}

/// Whether `r` is a full commit SHA (40 hex digits, or 64 for SHA-256 repositories).
pub fn is_full_sha(r: &str) -> bool {
    (r.len() == 40 || r.len() == 64) && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The repository part, lower-cased (`actions/checkout` for `actions/checkout@v4`).
pub fn action_name(uses: &str) -> String {
    match parse_uses(uses) {
        UsesRef::Repo { action, .. } => action.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Whether a step `uses:` this action (`owner/repo` or `owner/repo/path`, case-insensitive).
pub fn step_uses(step: &YamlNode, action: &str) -> bool {
    step.get("uses")
        .and_then(|u| u.as_str())
        .is_some_and(|u| action_name(u) == action)
}

/// The text of the `# comment` after `end` on the same line, if any, with its span.
pub fn trailing_comment(text: &str, end: usize) -> Option<(&str, Range<usize>)> {
    let rest = text.get(end..)?;
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..line_end];
    let hash = line.find('#')?;
    if !line[..hash].trim().is_empty() {
        return None;
    }
    let body = line[hash + 1..].trim_end_matches('\r');
    let start = end + hash;
    Some((body.trim(), start..start + 1 + body.len()))
}

/// The events a workflow runs on (`on:` as a string, a list or a map).
pub fn triggers(root: &YamlNode) -> Vec<String> {
    let Some(on) = root.get("on").or_else(|| root.get("true")) else {
        return Vec::new();
    };
    if let Some(map) = on.as_map() {
        return map.iter().map(|p| p.key.clone()).collect();
    }
    on.strings().iter().map(|s| s.to_string()).collect()
}

/// The workflows named by `on.workflow_run.workflows`: their runs start this one.
pub fn workflow_run_sources(root: &YamlNode) -> Vec<String> {
    root.get("on")
        .or_else(|| root.get("true"))
        .and_then(|on| on.get("workflow_run"))
        .and_then(|w| w.get("workflows"))
        .map(|w| w.strings().iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

/// Events through which someone without write access can start a run that has
/// the base repository's secrets and a token that may write (and control parts of
/// its `github.event`). `pull_request_review*` from a fork run like `pull_request`:
/// no secrets, read-only token.
pub fn external_trigger(t: &str) -> bool {
    matches!(
        t,
        "pull_request_target"
            | "issue_comment"
            | "issues"
            | "discussion"
            | "discussion_comment"
            | "workflow_run"
            | "fork"
            | "watch"
    )
}

/// Events that run with no secrets and a read-only token when the change comes
/// from a fork: whoever triggers them gains nothing they did not have.
pub fn unprivileged_trigger(t: &str) -> bool {
    matches!(
        t,
        "pull_request" | "merge_group" | "pull_request_review" | "pull_request_review_comment"
    )
}

/// A workflow's triggers, and what they say about who can start it with what.
#[derive(Debug, Clone, Default)]
pub struct Triggers {
    /// Event names as written (`push`, `pull_request_target`…).
    pub events: Vec<String>,
}

impl Triggers {
    /// The triggers of a workflow root.
    pub fn of(root: &YamlNode) -> Self {
        Triggers {
            events: triggers(root),
        }
    }

    /// The first event through which an outsider starts a privileged run, if any.
    pub fn external(&self) -> Option<&str> {
        self.events
            .iter()
            .find(|t| external_trigger(t))
            .map(String::as_str)
    }

    /// Whether every trigger runs fork changes unprivileged (`pull_request`, `merge_group`).
    pub fn only_unprivileged(&self) -> bool {
        !self.events.is_empty() && self.events.iter().all(|t| unprivileged_trigger(t))
    }

    /// Whether the workflow has this trigger.
    pub fn has(&self, event: &str) -> bool {
        self.events.iter().any(|t| t == event)
    }

    /// Whether a run of this workflow can hold a value at `context`: false for an
    /// event payload field (`github.event.workflow_run.head_branch`,
    /// `github.event.issue.title`…) that none of the workflow's events carry, so it is
    /// always empty (a trigger commented out, a copied step). Unknown when the workflow
    /// has no triggers or is reusable (`workflow_call` runs with its caller's event).
    pub fn may_carry(&self, context: &str) -> bool {
        let Some(rest) = context.strip_prefix("github.event.") else {
            return true;
        };
        let key = rest.split(['.', '[']).next().unwrap_or("");
        let carriers: &[&str] = match key {
            "workflow_run" => &["workflow_run"],
            "pull_request" => &[
                "pull_request",
                "pull_request_target",
                "pull_request_review",
                "pull_request_review_comment",
            ],
            "issue" => &["issues", "issue_comment"],
            "comment" => &[
                "issue_comment",
                "pull_request_review_comment",
                "commit_comment",
                "discussion_comment",
            ],
            "review" => &["pull_request_review"],
            "discussion" => &["discussion", "discussion_comment"],
            "pages" => &["gollum"],
            "head_commit" | "commits" => &["push"],
            _ => return true,
        };
        self.events.is_empty() || self.has("workflow_call") || carriers.iter().any(|e| self.has(e))
    }
}

/// Whether a job or step runs only when a maintainer has applied a label (an `if:`
/// that tests `github.event.label.name` or the pull request's labels), which puts a
/// person between a stranger's pull request and the privileged run.
pub fn label_gated(nodes: &[Option<&YamlNode>]) -> bool {
    nodes.iter().flatten().any(|n| {
        n.get("if").and_then(|c| c.as_str()).is_some_and(|c| {
            let l = c.to_ascii_lowercase();
            l.contains("github.event.label.name") || l.contains(".labels.")
        })
    })
}

/// The root mapping of each document.
pub fn roots(yaml: &YamlFile) -> impl Iterator<Item = &YamlNode> {
    yaml.documents.iter().filter_map(|d| d.root.as_ref())
}

/// Jobs as `(id pair, job node)`.
pub fn jobs(root: &YamlNode) -> &[YamlPair] {
    root.get("jobs").and_then(|j| j.as_map()).unwrap_or(&[])
}

pub use crate::parse::gha_steps::{action_steps, steps};

/// The local path a `./x` or `$/x` reference names, relative to the repository root
/// (`.github/actions/setup`), without a trailing slash.
pub fn local_path(uses: &str) -> Option<String> {
    let s = uses.trim();
    let rest = s
        .strip_prefix("./")
        .or_else(|| s.strip_prefix("$/"))
        .or_else(|| s.strip_prefix(".\\"))?;
    let rest = rest.split('@').next().unwrap_or(rest);
    let mut parts: Vec<&str> = Vec::new();
    for part in rest.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// One `${{ … }}` expression inside a scalar.
#[derive(Debug, Clone)]
pub struct Expr {
    /// Inner text, trimmed (`github.event.issue.title`).
    pub inner: String,
    /// Host-file span of the whole `${{ … }}`.
    pub host: Range<usize>,
    /// Decoded-text span of the whole `${{ … }}`.
    pub span: Range<usize>,
    /// Decoded-text offset where [`Expr::inner`] starts.
    pub inner_start: usize,
}

/// The expression sources of a scalar, each with its offset in the decoded text: every
/// `${{ … }}` in it, or, when there is none and `bare` (an `if:`, which GitHub reads as
/// an expression without the braces), the whole text.
pub fn expression_sources(
    scalar: &crate::parse::yaml::YamlScalar,
    bare: bool,
) -> Vec<(String, usize)> {
    let fenced = expressions(&scalar.mapped);
    if fenced.is_empty() && bare {
        vec![(scalar.as_str().to_string(), 0)]
    } else {
        fenced
            .iter()
            .map(|e| (e.inner.clone(), e.inner_start))
            .collect()
    }
}

/// Every `${{ … }}` in a decoded scalar.
pub fn expressions(m: &MappedText) -> Vec<Expr> {
    gha_expr::fenced(&m.text)
        .into_iter()
        .map(|f| {
            let raw = &m.text[f.inner.clone()];
            let lead = raw.len() - raw.trim_start().len();
            Expr {
                inner: raw.trim().to_string(),
                inner_start: f.inner.start + lead,
                host: m.range_to_host(&f.outer),
                span: f.outer,
            }
        })
        .collect()
}

impl Expr {
    /// The parsed expression, `None` when GitHub would reject its syntax.
    pub fn parsed(&self) -> Option<gha_expr::Expr> {
        gha_expr::parse(&self.inner).ok()
    }

    /// Decoded-text span of a range given relative to [`Expr::inner`].
    pub fn inner_span(&self, r: &Range<usize>) -> Range<usize> {
        self.inner_start + r.start..self.inner_start + r.end
    }
}

/// Context paths referenced by an expression (`github.event.issue.title`,
/// `inputs.name`), lower-cased, with `['x']` index syntax normalised to `.x`.
pub fn context_refs(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            // Skip string literals.
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            let mut s = String::new();
            while i < b.len() {
                let c = b[i];
                if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'*') {
                    s.push(c.to_ascii_lowercase() as char);
                    i += 1;
                } else if c == b'[' {
                    // ['name'] or [0] or [*]
                    let Some(close) = expr[i..].find(']') else {
                        break;
                    };
                    let idx = expr[i + 1..i + close].trim().trim_matches(['\'', '"']);
                    s.push('.');
                    s.push_str(&idx.to_ascii_lowercase());
                    i += close + 1;
                } else {
                    break;
                }
            }
            // A function call (`contains(`) is not a context.
            if b.get(i) == Some(&b'(') || start > 0 && b[start - 1] == b'.' {
                continue;
            }
            if s.contains('.') {
                out.push(s);
            }
            continue;
        }
        i += 1;
    }
    out
}

/// A permissions block as written: `write-all`, `read-all`, `{}` or a map of scopes.
#[derive(Debug, Clone)]
pub enum Perms<'a> {
    /// `permissions: write-all`.
    WriteAll(&'a YamlNode),
    /// `permissions: read-all`.
    ReadAll(&'a YamlNode),
    /// `permissions: {}` or a map of scopes.
    Scopes(&'a [YamlPair]),
}

impl<'a> Perms<'a> {
    /// Reads a `permissions:` value.
    pub fn of(node: &'a YamlNode) -> Option<Perms<'a>> {
        if let Some(s) = node.as_str() {
            return match s {
                "write-all" => Some(Perms::WriteAll(node)),
                "read-all" => Some(Perms::ReadAll(node)),
                _ => None,
            };
        }
        if let Some(m) = node.as_map() {
            return Some(Perms::Scopes(m));
        }
        if node.is_null() {
            return Some(Perms::Scopes(&[]));
        }
        None
    }

    /// Whether the token may write `scope`.
    pub fn can_write(&self, scope: &str) -> bool {
        match self {
            Perms::WriteAll(_) => true,
            Perms::ReadAll(_) => false,
            Perms::Scopes(m) => m
                .iter()
                .any(|p| p.key == scope && p.value.as_str() == Some("write")),
        }
    }
}

/// Whether the text refers to a secret other than `GITHUB_TOKEN` (`secrets.NAME`,
/// `secrets['NAME']`, or the whole `secrets` context): expression contexts are
/// case-insensitive, so is this.
pub fn names_a_secret(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(i) = rest.find("secrets") {
        let before = rest[..i].chars().next_back();
        let after = &rest[i + "secrets".len()..];
        rest = after;
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.') {
            continue;
        }
        let name = if let Some(n) = after.strip_prefix('.') {
            n
        } else if let Some(n) = after.strip_prefix('[') {
            n.trim_start_matches(['\'', '"'])
        } else if after.trim_start().starts_with(')') || after.trim_start().starts_with('}') {
            // `toJSON(secrets)`: every secret at once.
            ""
        } else {
            // `secrets:` keys and prose are handled by the job check or are not expressions.
            continue;
        };
        if !name.starts_with("github_token") {
            return true;
        }
    }
    false
}

/// The permissions that apply to a job: its own block, else the workflow's, else `None`
/// (the repository default, unknown from the file).
pub fn effective_perms<'a>(root: &'a YamlNode, job: &'a YamlNode) -> Option<Perms<'a>> {
    job.get("permissions")
        .or_else(|| root.get("permissions"))
        .and_then(Perms::of)
}

/// A `with:` input of a step, as a string.
pub fn with_str<'a>(step: &'a YamlNode, key: &str) -> Option<&'a str> {
    step.get("with")
        .and_then(|w| w.get(key))
        .and_then(|v| v.as_str())
}

/// The job that calls a reusable workflow (`uses:` at job level) has no steps.
pub fn is_reusable_call(job: &YamlNode) -> bool {
    job.get("uses").is_some()
}

/// The file's line ending (`\r\n` when its first line ends so), for inserted lines.
pub fn eol(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Every `uses:` value of a workflow (job-level reusable workflows and steps) or,
/// for a composite action, of its steps.
pub fn all_uses(root: &YamlNode) -> Vec<&YamlNode> {
    let mut out = Vec::new();
    for job in jobs(root) {
        if let Some(u) = job.value.get("uses") {
            out.push(u);
        }
        for step in steps(&job.value) {
            if let Some(u) = step.get("uses") {
                out.push(u);
            }
        }
    }
    for step in action_steps(root) {
        if let Some(u) = step.get("uses") {
            out.push(u);
        }
    }
    out
}

/// Every `uses:` that names an action in another repository, with its node and the
/// `owner/repo[/path]` it names: what the rules judging the action itself (archived,
/// look-alike owners) walk.
pub fn repo_uses(root: &YamlNode) -> Vec<(&YamlNode, String)> {
    all_uses(root)
        .into_iter()
        .filter_map(|node| match parse_uses(node.as_str()?) {
            UsesRef::Repo { action, .. } => Some((node, action)),
            _ => None,
        })
        .collect()
}

/// One step with the job it belongs to (none in a composite action).
#[derive(Clone, Copy)]
pub struct StepRef<'a> {
    /// The job id, as written.
    pub job_id: Option<&'a str>,
    /// The job.
    pub job: Option<&'a YamlNode>,
    /// The step.
    pub step: &'a YamlNode,
}

/// Every step of a workflow's jobs, or of a composite action, in order.
pub fn all_steps(root: &YamlNode) -> Vec<StepRef<'_>> {
    let mut out = Vec::new();
    for job in jobs(root) {
        for step in steps(&job.value) {
            out.push(StepRef {
                job_id: Some(job.key.as_str()),
                job: Some(&job.value),
                step,
            });
        }
    }
    for step in action_steps(root) {
        out.push(StepRef {
            job_id: None,
            job: None,
            step,
        });
    }
    out
}

/// The language a `run:` step is run with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellKind {
    /// bash, sh, zsh… (the default on Linux and macOS runners).
    Posix,
    /// `pwsh` / `powershell` (the default on Windows runners).
    PowerShell,
    /// `cmd`.
    Cmd,
    /// `python`, or a custom shell harden does not read.
    Other,
}

/// The shell of a `run:` step: its `shell:`, else the job's and the workflow's
/// `defaults.run.shell`, else the runner's default (PowerShell on Windows).
pub fn run_shell(root: &YamlNode, s: StepRef<'_>) -> ShellKind {
    let shell = s
        .step
        .get("shell")
        .or_else(|| s.job.and_then(|j| j.at(&["defaults", "run", "shell"])))
        .or_else(|| root.at(&["defaults", "run", "shell"]))
        .and_then(|v| v.as_str());
    let windows = s.job.and_then(|j| j.get("runs-on")).is_some_and(|r| {
        r.strings()
            .iter()
            .any(|x| x.to_ascii_lowercase().contains("windows"))
    });
    match shell {
        Some(sh) => {
            let first = sh.split_whitespace().next().unwrap_or("");
            let base = first.rsplit('/').next().unwrap_or(first);
            match base {
                "bash" | "sh" | "zsh" | "dash" | "ksh" => ShellKind::Posix,
                "pwsh" | "powershell" => ShellKind::PowerShell,
                "cmd" => ShellKind::Cmd,
                _ => ShellKind::Other,
            }
        }
        None if windows => ShellKind::PowerShell,
        None => ShellKind::Posix,
    }
}

/// A `run:` script with every `${{ … }}` overwritten by same-length filler, so a
/// shell parser sees one word where the runner will paste a value.
pub fn masked(m: &MappedText) -> MappedText {
    let mut code = m.clone();
    for e in expressions(m) {
        code.overwrite_same_len(e.span, b'X');
    }
    code
}

/// Every scalar under a node, in document order (for rules that look at every expression).
pub fn scalars(node: &YamlNode) -> Vec<&YamlNode> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.value {
            crate::parse::yaml::YamlValue::Scalar(_) => out.push(n),
            crate::parse::yaml::YamlValue::Seq(items) => stack.extend(items.iter().rev()),
            crate::parse::yaml::YamlValue::Map(pairs) => {
                stack.extend(pairs.iter().rev().map(|p| &p.value))
            }
            crate::parse::yaml::YamlValue::Null => {}
        }
    }
    out
}

/// A `with:` input as a boolean: YAML booleans and the strings `true`/`false`.
pub fn with_bool(step: &YamlNode, key: &str) -> Option<bool> {
    let v = step.get("with")?.get(key)?;
    v.as_bool().or_else(|| match v.as_str()?.trim() {
        s if s.eq_ignore_ascii_case("true") => Some(true),
        s if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    })
}

/// The major version a `uses:` ref names (`v4.1.7` → 4), or for a SHA the tag the
/// pin table knows, or the version in the `# v4.1.7` comment after the value.
pub fn uses_major(uses: &YamlNode, text: &str) -> Option<u64> {
    let value = uses.as_str()?;
    let UsesRef::Repo { action, git_ref } = parse_uses(value) else {
        return None;
    };
    let version = if is_full_sha(&git_ref) {
        crate::actions_pins::tag_for(&action, &git_ref)
            .map(str::to_string)
            .or_else(|| {
                trailing_comment(text, uses.span.end).map(|(c, _)| {
                    c.trim_start_matches("tag=")
                        .trim_start_matches("pin @")
                        .trim()
                        .to_string()
                })
            })?
    } else {
        git_ref
    };
    let t = version.trim_start_matches(['v', 'V']);
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// Refs that name a pull request's head: code its author controls.
const UNTRUSTED_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_commit.id",
    "refs/pull/",
];

fn mentions_untrusted(s: &str) -> Option<&'static str> {
    let l = s.to_ascii_lowercase();
    UNTRUSTED_REFS.iter().copied().find(|r| l.contains(r))
}

/// [`untrusted_checkout`], or an `actions/checkout` whose `ref:` an earlier step
/// looked up (`${{ steps.pr.outputs.head_sha }}` after a `github-script` or `gh api`
/// call): how comment-triggered workflows find a pull request's head, which their
/// event does not carry. Under `workflow_run` the event names the head itself, and
/// a looked-up head there is the careful pattern (checked out beside trusted code,
/// applied as data), so only `actions/unsafe-checkout` asks for this.
pub fn untrusted_or_looked_up_checkout(step: &YamlNode, text: &str) -> Option<&'static str> {
    untrusted_checkout(step, text).or_else(|| {
        if !step_uses(step, "actions/checkout") {
            return None;
        }
        let r = step.get("with")?.get("ref")?;
        head_from_step(text.get(r.span.clone())?)
    })
}

/// A `ref:` read from an earlier step's output named for the pull request's head.
fn head_from_step(r: &str) -> Option<&'static str> {
    let l = r.to_ascii_lowercase();
    let mut rest = l.as_str();
    while let Some(at) = rest.find("steps.") {
        let expr = &rest[at..];
        let end = expr
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
            .unwrap_or(expr.len());
        let path = &expr[..end];
        if let Some((_, output)) = path.split_once(".outputs.") {
            if output.contains("head") {
                return Some("the head SHA a step looked up");
            }
        }
        rest = &expr[end..];
    }
    None
}

/// The step checks out untrusted code: an `actions/checkout` with such a `ref`
/// (or `repository:` of the fork), or a `git`/`gh` command that fetches it.
pub fn untrusted_checkout(step: &YamlNode, text: &str) -> Option<&'static str> {
    if step_uses(step, "actions/checkout") {
        let with = step.get("with")?;
        let r = with.get("ref").map(|r| &text[r.span.clone()]).unwrap_or("");
        let repo = with
            .get("repository")
            .map(|r| &text[r.span.clone()])
            .unwrap_or("");
        return mentions_untrusted(r).or_else(|| {
            repo.contains("head.repo.full_name")
                .then_some("github.event.pull_request.head.repo.full_name")
        });
    }
    let run = step.get("run")?.as_str()?;
    let l = run.to_ascii_lowercase();
    if l.contains("gh pr checkout") {
        return Some("gh pr checkout");
    }
    if l.contains("git fetch") || l.contains("git checkout") || l.contains("git switch") {
        if l.contains("pull/") {
            return Some("refs/pull/");
        }
        return mentions_untrusted(&text[step.span.clone()]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_read_into_a_step_output() {
        assert!(head_from_step("${{ steps.pr.outputs.head_sha }}").is_some());
        assert!(head_from_step("${{ steps.get-pr.outputs.head-ref }}").is_some());
        assert!(head_from_step("${{ steps.meta.outputs.version }}").is_none());
        assert!(head_from_step("${{ github.event.pull_request.head.sha }}").is_none());
    }

    #[test]
    fn uses_refs() {
        assert_eq!(parse_uses("./.github/actions/setup"), UsesRef::Local);
        assert_eq!(
            parse_uses("docker://alpine@sha256:abc"),
            UsesRef::Docker { digest: true }
        );
        assert_eq!(
            parse_uses("github/codeql-action/upload-sarif@v3"),
            UsesRef::Repo {
                action: "github/codeql-action/upload-sarif".into(),
                git_ref: "v3".into()
            }
        );
        assert!(is_full_sha("692973e3d937129bcbf40652eb9f2f61becf3332"));
        assert!(!is_full_sha("692973e"));
    }

    #[test]
    fn local_references() {
        assert_eq!(parse_uses("$/.github/workflows/reuse.yml"), UsesRef::Local);
        assert_eq!(
            local_path("./.github/actions/setup/").as_deref(),
            Some(".github/actions/setup")
        );
        assert_eq!(
            local_path("$/.github/workflows/reuse.yml").as_deref(),
            Some(".github/workflows/reuse.yml")
        );
        assert_eq!(local_path("./a/../b").as_deref(), Some("b"));
        assert_eq!(local_path("./../../etc"), None);
        assert_eq!(local_path("actions/checkout@v4"), None);
    }

    #[test]
    fn parallel_groups_are_flattened() {
        let y = crate::parse::yaml::parse(
            "steps:\n  - run: a\n  - parallel:\n      - run: b\n      - run: c\n  - run: d\n",
        );
        let root = y.documents[0].root.as_ref().unwrap();
        let runs: Vec<&str> = steps(root)
            .iter()
            .filter_map(|s| s.get("run").and_then(|r| r.as_str()))
            .collect();
        assert_eq!(runs, ["a", "b", "c", "d"]);
    }

    #[test]
    fn comments_after_values() {
        let t = "uses: a/b@0123 # v4.1.7\n";
        let end = t.find(" #").unwrap();
        let (c, span) = trailing_comment(t, end).unwrap();
        assert_eq!(c, "v4.1.7");
        assert_eq!(&t[span], "# v4.1.7");
        assert!(trailing_comment("a: b\n", 4).is_none());
    }

    #[test]
    fn context_references() {
        assert_eq!(
            context_refs("github.event.issue.title"),
            vec!["github.event.issue.title"]
        );
        assert_eq!(
            context_refs("contains(github.event.pull_request.labels.*.name, 'x') && inputs['tag']"),
            vec!["github.event.pull_request.labels.*.name", "inputs.tag"]
        );
        assert_eq!(
            context_refs("'github.event.x' == 'y'"),
            Vec::<String>::new()
        );
        assert_eq!(
            context_refs("toJSON(github.event.head_commit.message)"),
            vec!["github.event.head_commit.message"]
        );
    }
}
