//! The repository walk every command shares: `.gitignore` / `.ignore` honoured
//! (also outside a git repository), `exclude` of harden.toml applied, VCS
//! directories never entered, symbolic links never followed, in parallel.
//!
//! In a git work tree, what git tracks is in scope even when an ignore rule
//! matches it: a committed `package-lock.json` under a `**/package-lock.json`
//! ignore line is part of what ships. Those files come from the index
//! ([`crate::parse::git_index`], read without running git) and are visited after
//! the walk. The walk also counts what the ignore rules left out: the entries of
//! each visited directory that the walker did not yield (an ignored directory
//! counts once; its contents are never read).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::Config;
use crate::parse::git_index::WorkTree;

/// One file (or symbolic link, FIFO…) the walk reached.
pub struct WalkEntry<'a> {
    /// Absolute path on disk.
    pub abs: &'a Path,
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Its type (not followed).
    pub file_type: std::fs::FileType,
    /// Git tracks it although an ignore rule matches it.
    pub tracked_despite_ignore: bool,
}

/// What the ignore rules did during a walk.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IgnoreCounts {
    /// Entries (files, or whole directories counted once) that `.gitignore` /
    /// `.ignore` rules left out and git does not track.
    pub ignored: usize,
    /// Files git tracks that an ignore rule matches, read anyway.
    pub tracked_despite_ignore: usize,
    /// Why the git index could not be read, when the root is in a work tree.
    pub index_error: Option<String>,
}

/// Directory names never entered: version-control metadata.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

/// Walks `root` and calls `visit` for every non-directory entry, from several
/// threads (`threads` 0 = one per CPU). `prune_dir` may leave out more
/// directories by name (`node_modules` for the SBOM).
pub fn walk(
    root: &Path,
    config: &Config,
    threads: usize,
    prune_dir: &(dyn Fn(&str) -> bool + Sync),
    visit: &(dyn Fn(WalkEntry<'_>) + Sync),
) -> IgnoreCounts {
    let children = AtomicUsize::new(0);
    let yielded = AtomicUsize::new(0);
    let pruned = AtomicUsize::new(0);
    let seen = std::sync::Mutex::new(std::collections::HashSet::<String>::new());
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .ignore(true)
        .parents(true)
        .follow_links(false)
        .threads(threads);
    {
        let root = root.to_path_buf();
        let cfg = config.clone();
        builder.filter_entry(move |e| {
            let name = e.file_name().to_string_lossy();
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && VCS_DIRS.contains(&name.as_ref()) {
                return false;
            }
            match rel_path(&root, e.path()) {
                Some(rel) if !rel.is_empty() => !cfg.is_excluded(&rel),
                _ => true,
            }
        });
    }
    let in_git = WorkTree::find(root);
    builder.build_parallel().run(|| {
        let children = &children;
        let yielded = &yielded;
        let pruned = &pruned;
        let seen = &seen;
        let track = in_git.is_some();
        Box::new(move |result| {
            let Ok(entry) = result else {
                return ignore::WalkState::Continue;
            };
            let Some(ft) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            let Some(rel) = rel_path(root, entry.path()) else {
                return ignore::WalkState::Continue;
            };
            if !rel.is_empty() {
                yielded.fetch_add(1, Ordering::Relaxed);
                if track {
                    if let Ok(mut s) = seen.lock() {
                        s.insert(rel.clone());
                    }
                }
            }
            if ft.is_dir() {
                let name = entry.file_name().to_string_lossy();
                if !rel.is_empty() && prune_dir(&name) {
                    return ignore::WalkState::Skip;
                }
                // What the walker will not yield below: excluded, VCS, ignored.
                if let Ok(rd) = std::fs::read_dir(entry.path()) {
                    for child in rd.flatten() {
                        children.fetch_add(1, Ordering::Relaxed);
                        let cname = child.file_name();
                        let cname = cname.to_string_lossy();
                        let crel = if rel.is_empty() {
                            cname.to_string()
                        } else {
                            format!("{rel}/{cname}")
                        };
                        let is_dir = child.file_type().is_ok_and(|t| t.is_dir());
                        if (is_dir && VCS_DIRS.contains(&cname.as_ref()))
                            || config.is_excluded(&crel)
                        {
                            pruned.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                return ignore::WalkState::Continue;
            }
            visit(WalkEntry {
                abs: entry.path(),
                rel,
                file_type: ft,
                tracked_despite_ignore: false,
            });
            ignore::WalkState::Continue
        })
    });
    let left_out = children
        .load(Ordering::Relaxed)
        .saturating_sub(yielded.load(Ordering::Relaxed))
        .saturating_sub(pruned.load(Ordering::Relaxed));
    let mut counts = IgnoreCounts {
        ignored: left_out,
        ..IgnoreCounts::default()
    };
    let Some(wt) = in_git else {
        return counts;
    };
    let seen = seen.into_inner().unwrap_or_default();
    match tracked_under(&wt, root) {
        Ok(tracked) => {
            let extra: Vec<(String, PathBuf, std::fs::FileType)> = tracked
                .into_iter()
                .filter(|rel| !seen.contains(rel))
                .filter(|rel| in_scope(rel, config, prune_dir))
                .filter_map(|rel| {
                    let abs = root.join(&rel);
                    // Only what is on disk, as it is (a symbolic link is not followed).
                    let ft = std::fs::symlink_metadata(&abs).ok()?.file_type();
                    (!ft.is_dir()).then_some((rel, abs, ft))
                })
                .collect();
            counts.tracked_despite_ignore = extra.len();
            // An ignored entry that holds (or is) a tracked file was not skipped.
            let mut reached: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for (rel, _, _) in &extra {
                let top = rel
                    .match_indices('/')
                    .map(|(i, _)| &rel[..i])
                    .find(|dir| !seen.contains(*dir))
                    .unwrap_or(rel);
                reached.insert(top);
            }
            counts.ignored = counts.ignored.saturating_sub(reached.len());
            use rayon::prelude::*;
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
            let run = || {
                extra.par_iter().for_each(|(rel, abs, ft)| {
                    visit(WalkEntry {
                        abs,
                        rel: rel.clone(),
                        file_type: *ft,
                        tracked_despite_ignore: true,
                    })
                })
            };
            match pool {
                Ok(p) => p.install(run),
                Err(_) => run(),
            }
        }
        Err(e) => counts.index_error = Some(e.to_string()),
    }
    counts
}

/// Tracked paths under `root`, relative to it.
fn tracked_under(wt: &WorkTree, root: &Path) -> Result<Vec<String>, String> {
    let all = wt.tracked().map_err(|e| e.to_string())?;
    let canon = std::fs::canonicalize(root).map_err(|e| e.to_string())?;
    let prefix = match rel_path(&wt.top, &canon) {
        Some(p) if p.is_empty() => String::new(),
        Some(p) => format!("{p}/"),
        None => return Ok(Vec::new()),
    };
    Ok(all
        .into_iter()
        .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string))
        .collect())
}

/// Whether a tracked path is in scope: not in a VCS directory, not excluded by
/// harden.toml (itself or a parent directory), not under a pruned directory.
fn in_scope(rel: &str, config: &Config, prune_dir: &(dyn Fn(&str) -> bool + Sync)) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let mut prefix = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            prefix.push('/');
        }
        prefix.push_str(part);
        let is_dir = i + 1 < parts.len();
        if is_dir && (VCS_DIRS.contains(part) || prune_dir(part)) {
            return false;
        }
        if config.is_excluded(&prefix) {
            return false;
        }
    }
    true
}

/// `path` relative to `root`, `/`-separated (`""` for the root itself).
pub fn rel_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    Some(out)
}
