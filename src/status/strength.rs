//! How much a file proves: evidence is ranked so the strongest place is cited
//! (the application's own code over a helper script, an operations document's
//! section over a passing mention, CI over docs), and some files never prove a
//! control on their own. Instructions written for AI assistants and coding
//! agents, notes about one incident or one fix, and debug or load-test scripts
//! and plans or to-do notes (`*NEXT_STEPS*`, `TODO*`, `ROADMAP*`)
//! describe what someone did or wants, not what the project runs: a control
//! that only they support is reported "weak" (partial), never done; and one that
//! only AI-assistant instructions support is missing (they tell an agent what
//! to do, they are not the team's procedure).

/// The weak reason of instructions for AI assistants and coding agents.
pub const AI_INSTRUCTIONS: &str = "AI-assistant instructions";

/// The weak reason of plans and to-do lists (`DEPLOYMENT_NEXT_STEPS.md`,
/// `TODO.md`, `ROADMAP.md`): what someone wants, not what is in place.
pub const PLAN_NOTES: &str = "to-do or plan notes";

/// Whether files of this weak reason prove nothing at all (AI-assistant
/// instructions: a rollback step written for an agent is not a rollback
/// procedure), rather than half a control.
pub fn proves_nothing(reason: &str) -> bool {
    reason == AI_INSTRUCTIONS
}

/// Why a file is weak evidence, or `None` when it is ordinary evidence.
pub fn weak_reason(path: &str) -> Option<&'static str> {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = name.split('.').next().unwrap_or(name);
    let dirs: Vec<&str> = lower.split('/').collect();
    let dirs = &dirs[..dirs.len().saturating_sub(1)];
    if is_ai_instructions(&lower, name, dirs) {
        return Some(AI_INSTRUCTIONS);
    }
    let words: Vec<&str> = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |ws: &[&str]| words.iter().any(|w| ws.contains(w));
    let procedure = has(&[
        "response",
        "runbook",
        "runbooks",
        "playbook",
        "procedure",
        "procedures",
        "process",
        "management",
        "guide",
    ]);
    if !procedure
        && (has(&[
            "incident",
            "incidents",
            "postmortem",
            "fix",
            "fixes",
            "bugfix",
            "hotfix",
            "summary",
            "session",
            "audit",
        ]) || dirs
            .iter()
            .any(|d| matches!(*d, "incidents" | "postmortems" | "post-mortems"))
            || stem.contains("postmortem")
            || stem.contains("post-mortem")
            || (has(&["status"]) && has(&["final", "old", "report", "update", "complete"])))
    {
        return Some("incident or change notes");
    }
    let prose = matches!(
        name.rsplit_once('.').map(|(_, e)| e),
        Some("md" | "rst" | "txt" | "adoc" | "markdown")
    );
    // Plans and to-do lists say what is wanted, not what is in place (documents
    // only: a to-do application's `todos.py` is code).
    if prose
        && (has(&["todo", "todos", "roadmap", "backlog", "wishlist"])
            || (has(&["next"]) && has(&["steps"]))
            || stem.contains("nextsteps"))
    {
        return Some(PLAN_NOTES);
    }
    let debug_dir = dirs.iter().any(|d| {
        matches!(
            *d,
            "debug" | "loadtest" | "loadtests" | "load-test" | "load-tests" | "load_tests" | "perf"
        )
    });
    let load_test = has(&[
        "loadtest",
        "locust",
        "locustfile",
        "k6",
        "stress",
        "benchmark",
    ]) || (has(&["load"]) && has(&["test", "tests"]));
    if !prose && (debug_dir || load_test || has(&["debug"])) {
        return Some("debug or load-test script");
    }
    None
}

fn is_ai_instructions(lower: &str, name: &str, dirs: &[&str]) -> bool {
    matches!(
        name,
        "claude.md"
            | "agents.md"
            | "agent.md"
            | "gemini.md"
            | "copilot-instructions.md"
            | ".cursorrules"
            | ".windsurfrules"
            | ".clinerules"
            | "conventions.md"
    ) && (name != "conventions.md" || dirs.iter().any(|d| d.starts_with(".aider")))
        || lower.starts_with(".github/instructions/")
        || lower.starts_with(".github/prompts/")
        || lower.starts_with(".github/chatmodes/")
        || dirs.iter().any(|d| {
            matches!(
                *d,
                ".cursor"
                    | ".zencoder"
                    | ".windsurf"
                    | ".clinerules"
                    | ".claude"
                    | ".roo"
                    | ".kiro"
                    | ".continue"
                    | ".amazonq"
                    | ".junie"
                    | ".gemini"
                    | ".codex"
            )
        })
}

/// Directories of helper scripts: code there runs beside the application (a
/// smoke test, a preflight check), not as it.
const SCRIPT_DIRS: &[&str] = &[
    "scripts", "script", "tools", "bin", "hack", "ops", "devtools",
];

/// How strongly a source file speaks for the application: 2 application code,
/// 1 a helper script (`scripts/`, `tools/`…), 0 a weak file.
pub fn code_rank(path: &str) -> u8 {
    if weak_reason(path).is_some() {
        return 0;
    }
    let lower = path.to_ascii_lowercase();
    let mut dirs: Vec<&str> = lower.split('/').collect();
    dirs.pop();
    if dirs.iter().any(|d| SCRIPT_DIRS.contains(d)) {
        1
    } else {
        2
    }
}

/// The note added to evidence from a weak file: `(weak: AI-assistant instructions)`.
pub fn weak_note(reason: &str) -> String {
    format!(" (weak: {reason})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn application_code_outranks_scripts() {
        assert_eq!(code_rank("src/app/routes.py"), 2);
        assert_eq!(code_rank("scripts/preflight_check.py"), 1);
        assert_eq!(code_rank("loadtest/locustfile.py"), 0);
    }

    #[test]
    fn assistant_files_notes_and_debug_scripts_are_weak() {
        for p in [
            ".github/copilot-instructions.md",
            "CLAUDE.md",
            "packages/api/AGENTS.md",
            ".cursor/rules/deploy.mdc",
            ".zencoder/rules/repo.md",
        ] {
            assert_eq!(weak_reason(p), Some("AI-assistant instructions"), "{p}");
        }
        for p in [
            "DEPLOYMENT_RACE_CONDITION_FIX.md",
            "docs/incidents/2025-01-04-db-outage.md",
            "SESSION_SUMMARY_2026-01-09.md",
            "DEPLOYMENT_STATUS_FINAL.md",
            "docs/postmortem-march.md",
        ] {
            assert_eq!(weak_reason(p), Some("incident or change notes"), "{p}");
        }
        for p in [
            "DEPLOYMENT_NEXT_STEPS.md",
            "TODO.md",
            "docs/ROADMAP.md",
            "docs/deploy-todo.md",
            "NextSteps.md",
        ] {
            assert_eq!(weak_reason(p), Some("to-do or plan notes"), "{p}");
        }
        for p in [
            "scripts/debug_backup.sh",
            "loadtest/locustfile.py",
            "perf/run.sh",
        ] {
            assert_eq!(weak_reason(p), Some("debug or load-test script"), "{p}");
        }
        for p in [
            "docs/runbook.md",
            "docs/incident-response.md",
            "scripts/backup_db.sh",
            "docs/debugging.md",
            "README.md",
            "docs/conventions.md",
            "scripts/rollback.sh",
            "app/routes/todos.py",
            "docs/deployment-steps.md",
            "docs/status.md",
        ] {
            assert_eq!(weak_reason(p), None, "{p}");
        }
    }
}
