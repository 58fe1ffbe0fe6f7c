//! `actions/bot-conditions`: `if: github.actor == 'dependabot[bot]'` as a trust check.

use crate::finding::Severity;
use crate::parse::gha_expr::{self, BinOp, Expr, ExprKind};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};
use crate::workflows::wf::{self, Triggers};

/// See [`META`].
pub struct BotConditions;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "actions/bot-conditions",
    summary: "`github.actor == '…[bot]'` used as a trust check: the actor is whoever caused the latest event, not the pull request's author",
    severity: Severity::High,
    docs: r#"
## Why
`github.actor` (and `github.actor_id`, `github.triggering_actor`) is the
account that caused the event that started *this* run. On a pull request that
is not necessarily the author: when Dependabot (or Renovate) pushes to a
branch, or a stranger's pull request is updated by a bot, or a maintainer
re-runs a job, the actor changes. Attackers use it: open a pull request from a
fork where Dependabot is enabled, let the bot push a commit, and a job gated
on `github.actor == 'dependabot[bot]'` — typically auto-merge, or a job that
gets secrets — runs on the attacker's code.

Severity: high in workflows an outsider can start with privileges
(`pull_request_target`, `workflow_run`, `issue_comment`…); medium on
`pull_request` and `pull_request_review` (the gate is just as wrong, but a
fork's run has no secrets); not reported on `push`, `schedule` and manual
triggers, where the actor is a collaborator. zizmor's `bot-conditions`
reports every such check at high, whatever the trigger.

## Example
```yaml
on: pull_request_target
jobs:
  automerge:
    if: github.actor == 'dependabot[bot]'
    steps:
      - run: gh pr merge --auto --squash "$PR_URL"
```

## Fix
Check who opened the pull request, which a later push cannot change:
```yaml
    if: github.event.pull_request.user.login == 'dependabot[bot]'
```
and, for Dependabot, use `dependabot/fetch-metadata` to verify the update.
"#,
};

const ACTOR_NAMES: &[&str] = &[
    "github.actor",
    "github.triggering_actor",
    "github.event.pull_request.sender.login",
    "github.event.sender.login",
];
const ACTOR_IDS: &[&str] = &["github.actor_id", "github.event.pull_request.sender.id"];
/// Numeric ids of the bots people gate on: dependabot[bot] (49699333, integration
/// 29110), dependabot-preview[bot] (27856297), renovate[bot] (29139614).
const BOT_IDS: &[&str] = &["49699333", "29110", "27856297", "29139614"];

fn literal(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Str(s) => Some(s.clone()),
        ExprKind::Number(n) => Some(format!("{n}")),
        _ => None,
    }
}

/// The first `actor == 'x[bot]'` comparison inside a condition, as (span, actor context, bot).
fn bot_check(e: &Expr) -> Option<(std::ops::Range<usize>, String, String)> {
    let mut found = None;
    e.walk(&mut |n| {
        if found.is_some() {
            return;
        }
        let ExprKind::Binary(BinOp::Eq, l, r) = &n.kind else {
            return;
        };
        for (ctx, lit) in [(l, r), (r, l)] {
            let (Some(path), Some(value)) = (ctx.context_path(), literal(lit)) else {
                continue;
            };
            let bot = if ACTOR_NAMES.contains(&path.as_str()) {
                value.to_ascii_lowercase().ends_with("[bot]")
            } else if ACTOR_IDS.contains(&path.as_str()) {
                BOT_IDS.contains(&value.trim_end_matches(".0").trim())
            } else {
                false
            };
            if bot {
                found = Some((n.span.clone(), path, value));
                return;
            }
        }
    });
    found
}

/// The pull request's author, which a later push by anyone else cannot change.
const AUTHOR_NAMES: &[&str] = &["github.event.pull_request.user.login"];
const AUTHOR_IDS: &[&str] = &["github.event.pull_request.user.id"];

/// Whether `e` compares the pull request's author with a bot (`… .user.login == 'x[bot]'`).
fn author_is_bot(e: &Expr) -> bool {
    let ExprKind::Binary(BinOp::Eq, l, r) = &e.kind else {
        return false;
    };
    [(l, r), (r, l)].into_iter().any(|(ctx, lit)| {
        let (Some(path), Some(value)) = (ctx.context_path(), literal(lit)) else {
            return false;
        };
        if AUTHOR_NAMES.contains(&path.as_str()) {
            value.to_ascii_lowercase().ends_with("[bot]")
        } else if AUTHOR_IDS.contains(&path.as_str()) {
            BOT_IDS.contains(&value.trim_end_matches(".0").trim())
        } else {
            false
        }
    })
}

/// Whether one of the top-level `&&` operands of a condition requires the pull request's
/// author to be a bot: the job then runs only on the bot's own pull requests, whatever the
/// actor check beside it says (round 9: `github.actor == 'dependabot[bot]' &&
/// github.event.pull_request.user.login == 'dependabot[bot]'` already has the fix).
fn requires_bot_author(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Binary(BinOp::And, l, r) => requires_bot_author(l) || requires_bot_author(r),
        _ => author_is_bot(e),
    }
}

fn check_if(cond: &YamlNode, severity: Severity, trigger: &str, out: &mut Sink<'_>) {
    let Some(scalar) = cond.as_scalar() else {
        return;
    };
    // `if:` may be written with or without `${{ }}`.
    let candidates = wf::expression_sources(scalar, true);
    for (src, base) in candidates {
        let Ok(parsed) = gha_expr::parse(&src) else {
            continue;
        };
        if let Some((span, actor, bot)) = bot_check(&parsed) {
            if requires_bot_author(&parsed) {
                return;
            }
            let host = scalar
                .mapped
                .range_to_host(&(base + span.start..base + span.end));
            let f = out.report(
                host,
                format!("`{actor}` is whoever caused the latest event, not the pull request's author: on `{trigger}` a pull request a bot has pushed to passes this `{bot}` check; test `github.event.pull_request.user.login` instead"),
            );
            f.severity = severity;
            return;
        }
    }
}

impl Rule for BotConditions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_workflow(&self, yaml: &YamlFile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for root in wf::roots(yaml) {
            let triggers = Triggers::of(root);
            let (severity, trigger) = if let Some(t) = triggers.external() {
                (Severity::High, t.to_string())
            } else if let Some(t) = triggers.events.iter().find(|t| {
                matches!(
                    t.as_str(),
                    "pull_request" | "pull_request_review" | "pull_request_review_comment"
                )
            }) {
                (Severity::Medium, t.clone())
            } else {
                continue;
            };
            for job in wf::jobs(root) {
                if let Some(c) = job.value.get("if") {
                    check_if(c, severity, &trigger, out);
                }
                for step in wf::steps(&job.value) {
                    if let Some(c) = step.get("if") {
                        check_if(c, severity, &trigger, out);
                    }
                }
            }
        }
    }
}
