//! `harden plan --export-issues DIR`: one Markdown file per task and an `index.json`,
//! ready for `gh issue create --title "$title" --body-file "$file"`.

use std::io;
use std::path::Path;

use serde::Serialize;

use super::model::{fmt_hours, Plan, Task};

/// One entry of `index.json`.
#[derive(Serialize)]
pub struct IssueIndexEntry<'a> {
    /// Task id.
    pub id: &'a str,
    /// Issue title.
    pub title: String,
    /// File name of the body, relative to the directory.
    pub file: String,
    /// Suggested labels.
    pub labels: Vec<String>,
    /// Task ids (and their issue files) to close first.
    pub blocked_by: &'a [String],
}

/// The `## Why` section of a rule's docs, else its summary.
pub fn why_of(rule: &str, fallback: &str) -> String {
    let Some(meta) = crate::rules::find_meta(rule) else {
        return fallback.to_string();
    };
    let docs = meta.docs;
    match docs.find("## Why") {
        Some(start) => {
            let body = &docs[start + "## Why".len()..];
            let end = body.find("\n## ").unwrap_or(body.len());
            body[..end].trim().to_string()
        }
        None => meta.summary.to_string(),
    }
}

/// The Markdown body of a task's issue.
pub fn body(plan: &Plan, t: &Task) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "**Phase {}: {}** · effort {} (~{} h) · track {} · `{}`\n\n",
        t.phase.index(),
        t.phase.title(),
        t.effort.as_str(),
        fmt_hours(t.hours),
        t.track,
        t.id
    ));
    s.push_str("## Why\n\n");
    for r in &t.rules {
        let fallback = if t.why.is_empty() { &t.title } else { &t.why };
        s.push_str(&why_of(r, fallback));
        s.push_str(&format!(
            "\n\n(`harden explain {r}` has examples and the fix.)\n\n"
        ));
    }
    s.push_str("## Findings\n\n");
    for f in &t.findings {
        if f.path.is_empty() {
            s.push_str(&format!("- [ ] {} ({})\n", f.message, f.severity));
        } else {
            s.push_str(&format!(
                "- [ ] `{}` {} ({})\n",
                f.location(),
                f.message,
                f.severity
            ));
        }
    }
    s.push_str("\n## Acceptance criteria\n\n");
    for r in &t.rules {
        s.push_str(&format!(
            "- [ ] `harden scan` reports no `{r}` findings in the files above\n"
        ));
    }
    s.push_str("- [ ] The change is tested (the scripts run, the service starts)\n");
    s.push_str(&format!(
        "- [ ] `harden plan --since BASELINE` lists `{}` as done\n",
        t.id
    ));
    s.push_str("\n## Blocked by\n\n");
    if t.blocked_by.is_empty() {
        s.push_str("Nothing: this can start now.\n");
    } else {
        for b in &t.blocked_by {
            let title = plan.task(b).map(|x| x.title.as_str()).unwrap_or("");
            let reason = plan
                .dependencies
                .iter()
                .find(|d| d.before == *b && d.after == t.id)
                .map(|d| d.reason.as_str())
                .unwrap_or("");
            s.push_str(&format!("- `{b}` {title}: {reason}\n"));
        }
    }
    if !t.blocks.is_empty() {
        s.push_str("\n## Blocks\n\n");
        for b in &t.blocks {
            s.push_str(&format!("- `{b}`\n"));
        }
    }
    s
}

/// Writes the issue files and `index.json` into `dir` (created if missing), with
/// the scan's secret values masked.
pub fn export(plan: &Plan, dir: &Path, secrets: &crate::redact::SecretSet) -> io::Result<()> {
    let write = |path: &Path, bytes: &[u8]| -> io::Result<()> {
        let mut out = Vec::with_capacity(bytes.len());
        {
            let mut w = secrets.writer(&mut out);
            io::Write::write_all(&mut w, bytes)?;
            io::Write::flush(&mut w)?;
        }
        crate::files::write_output(path, &out)
    };
    std::fs::create_dir_all(dir)?;
    let mut index = Vec::new();
    for t in &plan.tasks {
        let file = format!("{}.md", t.id);
        let title = t.title.replace('`', "");
        let text = format!("# {title}\n\n{}", body(plan, t));
        write(&dir.join(&file), text.as_bytes())?;
        index.push(IssueIndexEntry {
            id: &t.id,
            title,
            file,
            labels: vec![
                format!("phase-{}", t.phase.index()),
                format!("effort-{}", t.effort.as_str()),
                format!("track-{}", t.track),
                "hardening".to_string(),
            ],
            blocked_by: &t.blocked_by,
        });
    }
    let json = serde_json::to_vec_pretty(&index).map_err(io::Error::other)?;
    write(&dir.join("index.json"), &json)
}
