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

/// A section of a rule's docs (`## Why`, `## Fix`), split into paragraphs.
fn doc_section(rule: &str, heading: &str) -> Vec<String> {
    let Some(meta) = crate::rules::find_meta(rule) else {
        return Vec::new();
    };
    let docs = meta.docs;
    let Some(start) = docs.find(&format!("## {heading}\n")) else {
        return Vec::new();
    };
    let body = &docs[start + heading.len() + 4..];
    let end = body.find("\n## ").unwrap_or(body.len());
    let mut paras: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_code = false;
    for line in body[..end].lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if line.trim().is_empty() && !in_code {
            if !cur.trim().is_empty() {
                paras.push(cur.trim_end().to_string());
            }
            cur.clear();
        } else {
            cur.push_str(line);
            cur.push('\n');
        }
    }
    if !cur.trim().is_empty() {
        paras.push(cur.trim_end().to_string());
    }
    paras
}

/// Why the problem matters, for the person fixing it: the opening paragraph of the
/// rule's `## Why` (what follows it is how the rule detects, which is for reviewers
/// of the rule, not for the issue), else `fallback`.
pub fn why_of(rule: &str, fallback: &str) -> String {
    doc_section(rule, "Why")
        .into_iter()
        .next()
        .unwrap_or_else(|| fallback.to_string())
}

/// The steps to fix: the opening paragraph of the rule's `## Fix`, with the code
/// examples and `harden fix` notes that follow it; the comparisons with peer tools
/// are left out.
pub fn fix_of(rule: &str) -> Vec<String> {
    let paras = doc_section(rule, "Fix");
    let mut out = Vec::new();
    for (n, p) in paras.into_iter().enumerate() {
        if n == 0 || p.starts_with("```") || p.starts_with("`harden fix") {
            out.push(p);
        } else {
            break;
        }
    }
    out
}

/// The Markdown body of a task's issue: what is wrong, why it matters, the steps to
/// fix it, how to check it is done, and what it waits for.
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
    s.push_str("## What is wrong\n\n");
    let evidence = super::design::evidence(&plan.patterns, t);
    // A design task's evidence lists its places; its findings are among them.
    let listed = if evidence.is_empty() {
        t.findings.len()
    } else {
        0
    };
    for f in t.findings.iter().take(listed) {
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
    for e in evidence {
        s.push_str(&format!("- [ ] {e}\n"));
    }
    s.push_str("\n## Why it matters\n\n");
    for r in &t.rules {
        let fallback = if t.why.is_empty() { &t.title } else { &t.why };
        s.push_str(&why_of(r, fallback));
        s.push_str("\n\n");
    }
    s.push_str("## Steps to fix\n\n");
    let mut step = 1;
    if t.rules.iter().any(|r| super::phases::is_leaked_secret(r)) {
        s.push_str(&format!(
            "{step}. Rotate the secret first: revoke or change it where it is issued (database, \
             provider console). It is in the git history and every clone, so removing it from the \
             file does not make it secret again.\n"
        ));
        step += 1;
    }
    for r in &t.rules {
        for (n, p) in fix_of(r).into_iter().enumerate() {
            if n == 0 {
                s.push_str(&format!("{step}. {}\n", p.replace('\n', "\n   ")));
                step += 1;
            } else {
                s.push_str(&format!("\n{p}\n\n"));
            }
        }
        s.push_str(&format!(
            "{step}. Apply the same change at every place listed above (`harden explain {r}` has examples).\n"
        ));
        step += 1;
    }
    if !t.estimate_basis.is_empty() {
        s.push_str(&format!(
            "\nEstimate {} h: {}.\n",
            fmt_hours(t.hours),
            t.estimate_basis
        ));
    }
    s.push_str("\n## Acceptance criteria\n\n");
    for v in &t.verify {
        s.push_str(&format!("- [ ] {v}\n"));
    }
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
