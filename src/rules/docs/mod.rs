//! `docs/` rules: Markdown documentation (READMEs, runbooks).

use super::Rule;

pub mod broken_link;
pub mod md;
pub mod missing_path;

/// The rules of this family, in registry order.
pub fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(broken_link::BrokenLink::default()),
        Box::new(missing_path::MissingPath::default()),
    ]
}

/// Markdown kept by tools in hidden directories (`.swarm_contexts/`, `.claude/`,
/// `.changeset/`): agent context and tool state, not documentation a reader follows.
/// `.github/` and `.gitlab/` hold real documents (contributing guides, templates).
pub(crate) fn is_tool_state(path: &str) -> bool {
    let mut dirs: Vec<&str> = path.split('/').collect();
    dirs.pop();
    dirs.iter()
        .any(|d| d.starts_with('.') && !matches!(*d, ".github" | ".gitlab" | "." | ".."))
}

/// Documents that record history or intent rather than describe the repository as it is:
/// change logs and release notes, plans, specs, progress reports and summaries, decision
/// records, research notes weighing options, and Markdown templates. Paths named there
/// were true when written, or are still to be created.
pub(crate) fn is_history_or_plan(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or("");
    let stem = name.strip_suffix(".md").unwrap_or(name);
    const DIRS: &[&str] = &[
        "changelog",
        "changelogs",
        "changes",
        "releases",
        "release-notes",
        "adr",
        "adrs",
        "decisions",
        "rfc",
        "rfcs",
        "proposals",
        // Research notes weigh options ("Solution 5: add a barrel file
        // `frontend/src/copilot-exports.ts`"): the files are proposals.
        "research",
        "plans",
        "planning",
        "specs",
        "tracks",
        "reports",
        "retrospectives",
        "postmortems",
        "notes",
        "templates",
        "blog",
        "posts",
    ];
    const WORDS: &[&str] = &[
        "changelog",
        "history",
        "news",
        "releases",
        "changes",
        "plan",
        "plans",
        "spec",
        "specs",
        "summary",
        "report",
        "status",
        "progress",
        "log",
        "roadmap",
        "todo",
        "implementation",
        "complete",
        "completed",
        "completion",
        "fix",
        "fixes",
        "retro",
        "retrospective",
        "postmortem",
        "proposal",
        "rfc",
        "adr",
        "notes",
    ];
    parts.iter().any(|d| DIRS.contains(d))
        || stem
            .split(['_', '-', '.', ' '])
            .any(|w| WORDS.contains(&w) || w.starts_with("phase") && w.len() <= 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_kinds() {
        assert!(is_tool_state(".swarm_contexts/validator.md"));
        assert!(!is_tool_state(".github/CONTRIBUTING.md"));
        assert!(!is_tool_state("docs/runbook.md"));
        for p in [
            "docs/PHASE3_REFINEMENT_REPORT.md",
            "conductor/tracks/x_20260201/spec.md",
            "CALLLOG_IMPLEMENTATION_STATUS.md",
            "release-notes.md",
            "docs/CHANGELOG.pre-v11.0.0.md",
            "docs/changelogs/summary.md",
            "checklists/templates/checklists/_make_release_public.md",
            "docs/adr/0001-use-postgres.md",
            "SEARCHABLE_SELECT_AND_PRODUCTS_FIX.md",
        ] {
            assert!(is_history_or_plan(p), "{p}");
        }
        for p in [
            "README.md",
            "docs/runbook.md",
            "docs/deploy.md",
            "ops/restore-backup.md",
        ] {
            assert!(!is_history_or_plan(p), "{p}");
        }
    }
}
