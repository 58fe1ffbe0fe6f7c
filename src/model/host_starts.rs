//! The scripts a systemd unit (`ExecStart=`) or a Procfile starts: checked against
//! the repository's inventory once the walk is over (`docker/missing-entrypoint`),
//! so recorded here by the engine from the file's text rather than kept by the rule.

use std::ops::Range;

use crate::source::{Region, SourceFile};

use super::commands::split_line;
use super::containers::launch_target;
use super::paths::{dir_of, file_name, join};

/// A script a systemd unit or a Procfile starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostStart {
    /// The unit or Procfile.
    pub path: String,
    /// The line that starts it.
    pub span: Range<usize>,
    /// Where that line is, as users see it.
    pub region: Region,
    /// The line's text.
    pub snippet: String,
    /// The script as written.
    pub written: String,
    /// Repository-relative candidates, best first.
    pub candidates: Vec<String>,
    /// Whether the path is provably this repository's: relative to a Procfile, or
    /// under the unit's `WorkingDirectory`.
    pub anchored: bool,
    /// `systemd unit` or `Procfile`.
    pub kind: &'static str,
}

/// The scripts the file starts, when it is a systemd unit (`*.service`) or a
/// `Procfile`; empty for any other file.
pub fn host_starts(file: &SourceFile) -> Vec<HostStart> {
    let name = file_name(&file.path);
    let unit = name.ends_with(".service");
    if !(unit || name == "Procfile") {
        return Vec::new();
    }
    let text = file.text.as_str();
    let dir = dir_of(&file.path);
    let mut workdir: Option<String> = None;
    let mut found = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        let cmd = if unit {
            if let Some(w) = t.strip_prefix("WorkingDirectory=") {
                workdir = Some(w.trim_start_matches('-').trim_end_matches('/').to_string());
                continue;
            }
            match t.strip_prefix("ExecStart=") {
                Some(c) => c.trim_start_matches(['-', '@', ':', '+', '!']),
                None => continue,
            }
        } else {
            match t.split_once(':') {
                Some((k, c)) if !k.is_empty() && !k.starts_with('#') && !k.contains(' ') => c,
                _ => continue,
            }
        };
        let Some(argv) = split_line(cmd).into_iter().next() else {
            continue;
        };
        let words: Vec<String> = argv
            .into_iter()
            .map(|w| w.unwrap_or_else(|| "$".into()))
            .collect();
        let Some((written, false)) = launch_target(&words) else {
            continue;
        };
        found.push((i, written));
    }
    let mut starts = Vec::new();
    for (i, written) in found {
        let (candidates, anchored) = if !unit {
            (join(dir, &written).into_iter().collect(), true)
        } else if let Some(rel) = workdir
            .as_deref()
            .and_then(|w| written.strip_prefix(w))
            .and_then(|r| r.strip_prefix('/'))
        {
            (vec![rel.to_string()], true)
        } else if written.starts_with('/') {
            // The trailing components, longest first: `/opt/app/scripts/x.sh`
            // → `app/scripts/x.sh`, `scripts/x.sh`.
            let parts: Vec<&str> = written.trim_start_matches('/').split('/').collect();
            let c = (1..parts.len()).map(|k| parts[k..].join("/")).collect();
            (c, false)
        } else {
            continue;
        };
        let span = file.lines.line_range(text, i);
        starts.push(HostStart {
            path: file.path.to_string(),
            region: file.region(&span),
            span,
            snippet: file.lines.line_text(text, i).to_string(),
            written,
            candidates,
            anchored,
            kind: if unit { "systemd unit" } else { "Procfile" },
        });
    }
    starts
}
