//! The plan as the Markdown document a senior engineer would hand to the team:
//! summary, phases with task tables and evidence, tracks, schedule, the tasks with
//! no blockers, what blocks what, a Mermaid graph and the success criteria.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::model::{fmt_hours, Criterion, Phase, Plan, Task};
use super::schedule;

/// Findings listed under a task before "… and N more".
pub const MAX_LISTED: usize = 10;

/// Writes the plan.
pub fn render(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    header(plan, w)?;
    live_section(&plan.live, w)?;
    if plan.tasks.is_empty() {
        writeln!(w, "No findings: nothing to plan.")?;
        return Ok(());
    }
    summary(plan, w)?;
    for phase in Phase::ALL {
        phase_section(plan, phase, w)?;
    }
    tracks(plan, w)?;
    schedule_section(plan, w)?;
    no_blockers(plan, w)?;
    blocks_table(plan, w)?;
    mermaid(plan, w)?;
    criteria(plan, w)?;
    Ok(())
}

fn header(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    let name = if plan.project.is_empty() {
        "repository"
    } else {
        &plan.project
    };
    writeln!(w, "# Hardening plan: {name}\n")?;
    if plan.tasks.is_empty() {
        return Ok(());
    }
    writeln!(w, "{}\n", summary_sentence(plan))
}

/// The plan in one sentence: findings, tasks, effort with and without review, the
/// schedule's working days and the critical path. The Markdown plan opens with it and
/// the HTML and Markdown reports show it, so every report gives the same figures.
pub fn summary_sentence(plan: &Plan) -> String {
    let s = &plan.schedule;
    let scheduled: f64 = plan
        .tasks
        .iter()
        .map(|t| plan.options.schedule().scheduled_hours(t.hours))
        .sum();
    let dates = match (&s.start_date, &s.end_date) {
        (Some(a), Some(b)) => format!(", {a} to {b}"),
        _ => String::new(),
    };
    format!(
        "{} grouped into {} in {}, about {} hours of work ({} h with review) in {}. \
         With {} at {} h/day ({} h of it on plan tasks) the schedule takes {}{dates}; \
         the critical path is {} h.",
        plural(plan.findings, "finding"),
        plural(plan.tasks.len(), "task"),
        plural(
            Phase::ALL
                .iter()
                .filter(|p| plan.phase_tasks(**p).next().is_some())
                .count(),
            "phase"
        ),
        fmt_hours(plan.total_hours()),
        fmt_hours(scheduled),
        plural(plan.tracks.len(), "track"),
        plural(s.devs, "developer"),
        fmt_hours(s.hours_per_day),
        fmt_hours(s.focus_hours_per_day),
        plural(s.days(), "working day"),
        fmt_hours(plan.critical_path_hours),
    )
}

/// "Live evidence": what the running service answered for the controls a probe
/// proves (`--probe URL`); nothing without a probe.
pub fn live_section(live: &[super::model::LiveEvidence], w: &mut dyn Write) -> io::Result<()> {
    if live.is_empty() {
        return Ok(());
    }
    writeln!(w, "## Live evidence\n")?;
    writeln!(w, "| Control | State | What the service answered |")?;
    writeln!(w, "|---|---|---|")?;
    for e in live {
        writeln!(
            w,
            "| `{}` | {} | {} |",
            e.control,
            e.state,
            cell(&e.summary)
        )?;
    }
    writeln!(w)
}

/// Text safe inside a Markdown table cell (pipes escaped, newlines folded).
pub fn cell(s: &str) -> String {
    let s = s.replace('|', "\\|").replace(['\n', '\r'], " ");
    crate::text::term_safe(&s).into_owned()
}

/// "1 task", "2 tasks".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "Yes (2 tracks)", "Partially (2 tracks)", "No (1 track)".
pub fn parallelizable(plan: &Plan, phase: Phase) -> String {
    let tasks: Vec<&Task> = plan.phase_tasks(phase).collect();
    let mut tracks: Vec<&str> = tasks.iter().map(|t| t.track.as_str()).collect();
    tracks.sort();
    tracks.dedup();
    let chained = tasks.iter().any(|t| {
        t.blocked_by
            .iter()
            .any(|b| plan.task(b).is_some_and(|bt| bt.phase == phase))
    });
    match (tasks.len(), tracks.len()) {
        (0 | 1, _) => "—".to_string(),
        (_, 1) => "No (one track)".to_string(),
        (_, k) if chained => format!("Partially ({k} tracks)"),
        (_, k) => format!("Yes ({k} tracks)"),
    }
}

fn summary(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "## Executive summary\n")?;
    writeln!(w, "| Phase | Tasks | Findings | Effort | Parallelizable |")?;
    writeln!(w, "|---|---|---|---|---|")?;
    for phase in Phase::ALL {
        let tasks: Vec<&Task> = plan.phase_tasks(phase).collect();
        if tasks.is_empty() {
            continue;
        }
        let hours: f64 = tasks.iter().map(|t| t.hours).sum();
        let findings: usize = tasks.iter().map(|t| t.findings.len()).sum();
        writeln!(
            w,
            "| {phase} | {} | {findings} | ~{} h | {} |",
            tasks.len(),
            fmt_hours(hours),
            parallelizable(plan, phase)
        )?;
    }
    writeln!(
        w,
        "| **Total** | **{}** | **{}** | **~{} h** | {} |\n",
        plan.tasks.len(),
        plan.findings,
        fmt_hours(plan.total_hours()),
        plural(plan.tracks.len(), "track")
    )
}

fn blocked_cell(t: &Task) -> String {
    if t.blocked_by.is_empty() {
        "—".to_string()
    } else {
        t.blocked_by.join(", ")
    }
}

fn phase_section(plan: &Plan, phase: Phase, w: &mut dyn Write) -> io::Result<()> {
    let tasks: Vec<&Task> = plan.phase_tasks(phase).collect();
    if tasks.is_empty() {
        return Ok(());
    }
    writeln!(w, "## {phase}\n")?;
    writeln!(w, "{}\n", phase.intent())?;
    writeln!(w, "| Task | Title | Effort | Track | Blocked by |")?;
    writeln!(w, "|---|---|---|---|---|")?;
    for t in &tasks {
        writeln!(
            w,
            "| {} | {} | {} ({} h) | {} | {} |",
            t.id,
            cell(&t.title),
            t.effort.as_str(),
            fmt_hours(t.hours),
            t.track,
            blocked_cell(t)
        )?;
    }
    writeln!(w)?;
    let wins = super::guidance::quick_wins(tasks.iter().copied());
    if !wins.is_empty() {
        let names: Vec<String> = wins
            .iter()
            .map(|t| format!("{} ({} h)", t.id, fmt_hours(t.hours)))
            .collect();
        writeln!(
            w,
            "**Quick wins** (an hour or less, nothing blocks them): {}.\n",
            names.join(", ")
        )?;
    }
    let risks = super::guidance::risks(tasks.iter().copied());
    if !risks.is_empty() {
        writeln!(w, "**Risks:**\n")?;
        for r in &risks {
            writeln!(w, "- {r}")?;
        }
        writeln!(w)?;
    }
    for t in &tasks {
        writeln!(w, "### {}: {}\n", t.id, cell(&t.title))?;
        if !t.why.is_empty() {
            writeln!(w, "{}\n", t.why)?;
        }
        let evidence = super::design::evidence(&plan.patterns, t);
        // A design task's evidence lists its places; its findings are among them.
        let listed = if evidence.is_empty() {
            t.findings.len()
        } else {
            0
        };
        for f in t.findings.iter().take(listed.min(MAX_LISTED)) {
            if f.path.is_empty() {
                writeln!(w, "- {} ({})", f.message, f.severity)?;
            } else {
                writeln!(w, "- `{}` {} ({})", f.location(), f.message, f.severity)?;
            }
        }
        if listed > MAX_LISTED {
            writeln!(w, "- … and {} more", listed - MAX_LISTED)?;
        }
        for e in evidence.iter().take(MAX_LISTED) {
            writeln!(w, "- {e}")?;
        }
        if evidence.len() > MAX_LISTED {
            writeln!(w, "- … and {} more", evidence.len() - MAX_LISTED)?;
        }
        writeln!(w)?;
        if !t.estimate_basis.is_empty() {
            writeln!(
                w,
                "*Estimate {} h:* {}.\n",
                fmt_hours(t.hours),
                t.estimate_basis
            )?;
        }
        if !t.verify.is_empty() {
            writeln!(w, "**Done when:**\n")?;
            for v in &t.verify {
                writeln!(w, "- [ ] {v}")?;
            }
            writeln!(w)?;
        }
    }
    Ok(())
}

fn tracks(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "## Tracks and who takes them\n")?;
    writeln!(
        w,
        "The work is cut by domain. Each track has a developer: hours are balanced, and a track \
         that edits files of another goes to the same person where the load allows. A task waits \
         up to {} h for its track's developer; when that developer would start it later, a free \
         developer takes it and the table says so (`--owner-wait`). Tasks that edit a common file \
         never run at the same time; sharing a file orders nothing.\n",
        fmt_hours(plan.options.owner_wait_hours)
    )?;
    writeln!(
        w,
        "| Track | Developer | Tasks | Effort | Shares files with |"
    )?;
    writeln!(w, "|---|---|---|---|---|")?;
    for tr in &plan.tracks {
        let shares = if tr.shares_files_with.is_empty() {
            "—".to_string()
        } else {
            tr.shares_files_with.join(", ")
        };
        let who = if tr.handed_over.is_empty() {
            format!("Dev {}", tr.developer)
        } else {
            let others: Vec<String> = tr
                .handed_over
                .iter()
                .map(|(t, d)| format!("{t}: Dev {d}"))
                .collect();
            format!("Dev {} ({})", tr.developer, others.join(", "))
        };
        writeln!(
            w,
            "| {} (`{}`) | {} | {} | {} h | {} |",
            tr.name,
            tr.id,
            who,
            tr.tasks.join(", "),
            fmt_hours(tr.hours),
            shares
        )?;
    }
    writeln!(w)
}

fn schedule_section(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    let s = &plan.schedule;
    writeln!(
        w,
        "## Schedule ({} developers, {} h/day)\n",
        s.devs,
        fmt_hours(s.hours_per_day)
    )?;
    writeln!(
        w,
        "Assumes each developer spends {} of {} h a day on plan tasks ({}% buffer for meetings, \
         support and the unplanned: nobody is planned at 100%), and adds {}% to each estimate for \
         review and the fixes it asks for (`--buffer-percent`, `--review-percent`). Phases are \
         worked in order; a later phase starts early only when nothing of an earlier one can start.\n",
        fmt_hours(s.focus_hours_per_day),
        fmt_hours(s.hours_per_day),
        fmt_hours(s.buffer_percent),
        fmt_hours(s.review_percent),
    )?;
    let dated = s.start_date.is_some();
    write!(w, "| Day |")?;
    if dated {
        write!(w, " Date |")?;
    }
    for d in 1..=s.devs {
        write!(w, " Dev {d} |")?;
    }
    writeln!(w)?;
    write!(w, "|---|")?;
    if dated {
        write!(w, "---|")?;
    }
    for _ in 0..s.devs {
        write!(w, "---|")?;
    }
    writeln!(w)?;
    let day_start = |d: usize| d as f64 * s.focus_hours_per_day;
    let start = s
        .start_date
        .as_deref()
        .and_then(|d| schedule::parse_date(d).ok());
    for (d, row) in schedule::by_day(s).iter().enumerate() {
        write!(w, "| {} |", d + 1)?;
        if let Some(day0) = start {
            let date = schedule::working_day(day0, d);
            write!(w, " {} {} |", &format!("{:?}", date.weekday())[..3], date)?;
        }
        for cell in row {
            let items: Vec<String> = cell
                .iter()
                .map(|slot| {
                    if slot.start_hour < day_start(d) {
                        format!("{} (cont.)", slot.task)
                    } else if slot.early {
                        // Ahead of its phase so the developer does not idle: said where it starts.
                        format!("{} (early)", slot.task)
                    } else {
                        slot.task.clone()
                    }
                })
                .collect();
            write!(w, " {} |", items.join(", "))?;
        }
        writeln!(w)?;
    }
    writeln!(w)?;
    let early: Vec<String> = s
        .slots
        .iter()
        .filter(|x| x.early)
        .filter_map(|x| {
            let t = plan.task(&x.task)?;
            Some(format!(
                "{} (phase {}, Dev {}, day {})",
                x.task,
                t.phase.index(),
                x.developer,
                (x.start_hour / s.focus_hours_per_day).floor() as usize + 1
            ))
        })
        .collect();
    if !early.is_empty() {
        let more = early.len().saturating_sub(MAX_LISTED);
        let mut listed = early[..early.len().min(MAX_LISTED)].join(", ");
        if more > 0 {
            listed.push_str(&format!(" and {more} more (the JSON marks them `early`)"));
        }
        writeln!(
            w,
            "Marked (early): started ahead of their phase, because no task of an earlier phase could start \
             (blocked, its files being edited, or kept for its busy developer) and the developer would otherwise idle: {listed}.\n"
        )?;
    }
    writeln!(
        w,
        "**Critical path** ({} h, review included): {}\n",
        fmt_hours(plan.critical_path_hours),
        plan.critical_path.join(" → ")
    )?;
    writeln!(w, "{}\n", critical_path_in_words(plan))
}

/// Why the critical path is what it is, in sentences a lead can repeat.
pub fn critical_path_in_words(plan: &Plan) -> String {
    let path = &plan.critical_path;
    let Some(first) = path.first().and_then(|id| plan.task(id)) else {
        return String::new();
    };
    if path.len() == 1 {
        return format!(
            "No chain of dependent tasks is longer than the single largest task, {} ({}): more \
             developers shorten the plan only down to that.",
            first.id,
            cell(&first.title)
        );
    }
    let mut out = format!(
        "This chain decides the earliest finish: each step needs the one before it. {} comes first",
        first.id
    );
    for pair in path.windows(2) {
        let reason = plan
            .dependencies
            .iter()
            .find(|d| d.before == pair[0] && d.after == pair[1])
            .map(|d| d.reason.as_str())
            .unwrap_or("it waits for it");
        out.push_str(&format!("; then {} ({reason})", pair[1]));
    }
    out.push_str(
        ". A delay on any of these moves the end date; adding developers does not shorten it.",
    );
    out
}

fn no_blockers(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    let free: Vec<&Task> = plan
        .tasks
        .iter()
        .filter(|t| t.blocked_by.is_empty())
        .collect();
    writeln!(w, "## Tasks with no blockers\n")?;
    writeln!(w, "These can start on day one:\n")?;
    for t in &free {
        writeln!(w, "- {}: {}", t.id, cell(&t.title))?;
    }
    let pct = free.len() * 100 / plan.tasks.len().max(1);
    writeln!(
        w,
        "\n**{} of {} tasks ({pct}%) have no blockers.**\n",
        free.len(),
        plan.tasks.len()
    )
}

fn blocks_table(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "## What blocks what\n")?;
    if plan.dependencies.is_empty() {
        writeln!(w, "No task waits for another.\n")?;
        return Ok(());
    }
    writeln!(w, "| If working on… | Must complete first… | Why |")?;
    writeln!(w, "|---|---|---|")?;
    for d in &plan.dependencies {
        writeln!(w, "| {} | {} | {} |", d.after, d.before, cell(&d.reason))?;
    }
    writeln!(w)
}

/// A Mermaid node id: letters, digits and `_` only.
pub fn mermaid_id(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Text safe inside a quoted Mermaid label.
pub fn mermaid_text(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '"' | '`' | '|' | '<' | '>' | '{' | '}' | '[' | ']' | '#' | ';' => None,
            '\n' | '\r' | '\t' => Some(' '),
            c => Some(c),
        })
        .collect()
}

fn mermaid(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "## Dependency graph\n")?;
    writeln!(w, "```mermaid\ngraph TD")?;
    for phase in Phase::ALL {
        let tasks: Vec<&Task> = plan.phase_tasks(phase).collect();
        if tasks.is_empty() {
            continue;
        }
        writeln!(
            w,
            "  subgraph P{} [\"{}\"]",
            phase.index(),
            mermaid_text(&phase.to_string())
        )?;
        for t in tasks {
            writeln!(
                w,
                "    {}[\"{}<br/>{} · {} h · track {}\"]",
                mermaid_id(&t.id),
                mermaid_text(&t.id),
                t.effort.as_str(),
                fmt_hours(t.hours),
                mermaid_text(&t.track)
            )?;
        }
        writeln!(w, "  end")?;
    }
    for d in &plan.dependencies {
        writeln!(
            w,
            "  {} -->|\"{}\"| {}",
            mermaid_id(&d.before),
            mermaid_text(&d.reason),
            mermaid_id(&d.after)
        )?;
    }
    writeln!(w, "```\n")
}

/// Findings per rule, for "(3 today)".
pub fn rule_counts(plan: &Plan) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for t in &plan.tasks {
        for f in &t.findings {
            *m.entry(f.rule.as_str()).or_insert(0) += 1;
        }
    }
    m
}

/// One checklist line.
pub fn criterion_line(c: &Criterion, today: Option<usize>) -> String {
    let mark = if c.met { "x" } else { " " };
    match today {
        Some(n) if c.control.is_none() && c.rules.len() == 1 => {
            format!("- [{mark}] {} ({n} today)", c.text)
        }
        _ => format!("- [{mark}] {}", c.text),
    }
}

fn criteria(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    let counts = rule_counts(plan);
    writeln!(w, "## Success criteria\n")?;
    writeln!(
        w,
        "Each line is checked by a later run: `harden plan --since BASELINE` ticks it.\n"
    )?;
    for pc in &plan.criteria {
        writeln!(
            w,
            "### Phase {} complete: {}\n",
            pc.phase.index(),
            pc.phase.title()
        )?;
        for c in &pc.criteria {
            let today = match c.min_severity {
                // The phase-0 part of a split rule counts its release blockers only.
                Some(min) => Some(
                    plan.tasks
                        .iter()
                        .flat_map(|t| &t.findings)
                        .filter(|f| c.rules.contains(&f.rule) && f.severity >= min)
                        .count(),
                ),
                None => c
                    .rules
                    .first()
                    .and_then(|r| counts.get(r.as_str()))
                    .copied(),
            };
            writeln!(w, "{}", criterion_line(c, today))?;
        }
        writeln!(w)?;
    }
    writeln!(w, "### Full hardening complete\n")?;
    for c in &plan.final_criteria {
        writeln!(w, "{}", criterion_line(c, None))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_escape_pipes() {
        assert_eq!(cell("curl x | sh\nnow"), "curl x \\| sh now");
    }

    #[test]
    fn mermaid_sanitises() {
        assert_eq!(mermaid_id("T-shell-unsafe-rm"), "T_shell_unsafe_rm");
        assert_eq!(mermaid_text("a \"b\" | `c` <d>"), "a b  c d");
    }
}
