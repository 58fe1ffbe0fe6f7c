//! The repository walk every command shares: `.gitignore` / `.ignore` /
//! `info/exclude` honoured (also outside a git repository, read FIFO- and
//! link-safely by [`crate::gitignore`]), `exclude` of harden.toml applied, VCS
//! directories never entered, symbolic links never followed, in parallel.
//!
//! In a git work tree, what git tracks is in scope even when an ignore rule
//! matches it: a committed `package-lock.json` under a `**/package-lock.json`
//! ignore line is part of what ships. Those files come from the index
//! ([`crate::parse::git_index`], read without running git) and are visited after
//! the walk. The walk counts what the ignore rules left out: each ignored entry
//! once (an ignored directory is never entered), minus those that hold a tracked
//! file.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::Config;
use crate::parse::git_index::WorkTree;

/// One file (or symbolic link, FIFO…) the walk reached.
pub struct WalkEntry<'a> {
    /// Absolute path on disk.
    pub abs: &'a Path,
    /// Path relative to the root, `/`-separated (escaped as [`crate::paths`] says).
    pub rel: String,
    /// Its type (not followed).
    pub file_type: std::fs::FileType,
    /// Git tracks it although an ignore rule matches it.
    pub tracked_despite_ignore: bool,
}

/// What the walk hands its visitor: a non-directory entry, or an entry it could
/// not read (a directory it could not list: nothing below it was visited).
pub enum Visit<'a> {
    /// A file, symbolic link, FIFO, socket or device.
    Entry(WalkEntry<'a>),
    /// An error of the walker.
    Error(&'a ignore::Error),
}

/// What the ignore rules did during a walk.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct IgnoreCounts {
    /// Entries (files, or whole directories counted once) that `.gitignore` /
    /// `.ignore` rules left out and that hold nothing git tracks.
    pub ignored: usize,
    /// Files git tracks that an ignore rule matches, read anyway.
    pub tracked_despite_ignore: usize,
    /// Why the git index could not be read, when the root is in a work tree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_error: Option<String>,
}

/// Directory names never entered: version-control metadata.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

/// Walks `root` and calls `visit` for every non-directory entry and every walk
/// error, from several threads (`threads` 0 = one per CPU). `prune_dir` leaves out
/// more directories by name (`node_modules` for the SBOM).
pub fn walk(
    root: &Path,
    config: &Config,
    threads: usize,
    prune_dir: &(dyn Fn(&str) -> bool + Sync),
    visit: &(dyn Fn(Visit<'_>) + Sync),
) -> IgnoreCounts {
    let ignored: Arc<Mutex<HashSet<String>>> = Arc::default();
    let mut builder = ignore::WalkBuilder::new(root);
    // Ignore files are read by `gitignore::IgnoreRules` (through `files`), never by
    // the walker itself: a FIFO named `.gitignore` would block it.
    builder
        .hidden(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .ignore(false)
        .parents(false)
        .follow_links(false)
        .threads(threads);
    {
        let root = root.to_path_buf();
        let cfg = config.clone();
        let ignores = crate::gitignore::IgnoreRules::new(&root);
        let ignored = Arc::clone(&ignored);
        builder.filter_entry(move |e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir && VCS_DIRS.iter().any(|v| e.file_name() == *v) {
                return false;
            }
            if e.depth() == 0 {
                return true;
            }
            let Some(rel) = crate::paths::relative(&root, e.path()) else {
                return true;
            };
            if cfg.is_excluded(&rel) {
                return false;
            }
            if ignores.is_ignored(e.path(), is_dir) {
                if let Ok(mut set) = ignored.lock() {
                    set.insert(rel);
                }
                return false;
            }
            true
        });
    }
    builder.build_parallel().run(|| {
        Box::new(move |result| {
            let entry = match result {
                Ok(entry) => entry,
                Err(err) => {
                    visit(Visit::Error(&err));
                    return ignore::WalkState::Continue;
                }
            };
            let Some(ft) = entry.file_type() else {
                return ignore::WalkState::Continue;
            };
            if ft.is_dir() {
                if entry.depth() > 0 && prune_dir(&entry.file_name().to_string_lossy()) {
                    return ignore::WalkState::Skip;
                }
                return ignore::WalkState::Continue;
            }
            let Some(rel) = crate::paths::relative(root, entry.path()) else {
                return ignore::WalkState::Continue;
            };
            visit(Visit::Entry(WalkEntry {
                abs: entry.path(),
                rel,
                file_type: ft,
                tracked_despite_ignore: false,
            }));
            ignore::WalkState::Continue
        })
    });
    // The walker (and the filter's clone) are gone: this is the only handle left.
    drop(builder);
    let ignored: HashSet<String> = match Arc::try_unwrap(ignored) {
        Ok(m) => m.into_inner().unwrap_or_default(),
        Err(shared) => shared.lock().map(|s| s.clone()).unwrap_or_default(),
    };
    let mut counts = IgnoreCounts {
        ignored: ignored.len(),
        ..IgnoreCounts::default()
    };
    if ignored.is_empty() {
        return counts;
    }
    let Some(wt) = WorkTree::find(root) else {
        return counts;
    };
    let tracked = match tracked_under(&wt, root) {
        Ok(t) => t,
        Err(e) => {
            counts.index_error = Some(e);
            return counts;
        }
    };
    // A tracked file the walk did not reach sits in (or is) an ignored entry.
    let mut reached: HashSet<&str> = HashSet::new();
    let extra: Vec<(String, PathBuf, std::fs::FileType)> = tracked
        .iter()
        .filter(|rel| in_scope(rel, config, prune_dir))
        .filter_map(|rel| {
            let top = ignored_ancestor(rel, &ignored)?;
            let abs = crate::paths::to_path(root, rel)?;
            // Only what is on disk, as it is (a symbolic link is not followed).
            let ft = std::fs::symlink_metadata(&abs).ok()?.file_type();
            if ft.is_dir() {
                return None;
            }
            reached.insert(top);
            Some((rel.clone(), abs, ft))
        })
        .collect();
    counts.tracked_despite_ignore = extra.len();
    counts.ignored = counts.ignored.saturating_sub(reached.len());
    use rayon::prelude::*;
    let run = || {
        extra.par_iter().for_each(|(rel, abs, ft)| {
            visit(Visit::Entry(WalkEntry {
                abs,
                rel: rel.clone(),
                file_type: *ft,
                tracked_despite_ignore: true,
            }))
        })
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
    counts
}

/// The ignored entry `rel` is or lies in (its shortest such prefix), if any.
fn ignored_ancestor<'s>(rel: &str, ignored: &'s HashSet<String>) -> Option<&'s str> {
    rel.match_indices('/')
        .map(|(i, _)| &rel[..i])
        .chain(std::iter::once(rel))
        .find_map(|prefix| ignored.get(prefix).map(String::as_str))
}

/// Tracked paths under `root`, relative to it.
fn tracked_under(wt: &WorkTree, root: &Path) -> Result<Vec<String>, String> {
    let all = wt.tracked().map_err(|e| e.to_string())?;
    let canon = std::fs::canonicalize(root).map_err(|e| e.to_string())?;
    let prefix = match crate::paths::relative(&wt.top, &canon) {
        Some(p) if p.is_empty() => String::new(),
        Some(p) => format!("{p}/"),
        None => return Ok(Vec::new()),
    };
    Ok(all
        .into_iter()
        .filter_map(|p| p.strip_prefix(&prefix).map(str::to_string))
        .collect())
}

/// Whether a tracked or named path is in scope: not in a VCS directory, not excluded by
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

/// Visits the files named on the command line (absolute paths under `root`), as a
/// pre-commit hook passes them, the way [`walk`] visits what it reaches. A file
/// named is a file to check, as ShellCheck and ruff take it: ignore rules do not
/// apply to it; `exclude` of harden.toml does (a hook passes every staged file, and
/// what the configuration leaves out stays out); a file inside a VCS directory is
/// left out. Each file is visited once, whatever the spelling it was named by.
pub fn visit_files(
    root: &Path,
    files: &[PathBuf],
    config: &Config,
    threads: usize,
    visit: &(dyn Fn(Visit<'_>) + Sync),
) {
    let mut seen = HashSet::new();
    let entries: Vec<(String, &PathBuf, std::fs::FileType)> = files
        .iter()
        .filter_map(|abs| {
            let rel = crate::paths::relative(root, abs)?;
            if rel.is_empty() || !in_scope(&rel, config, &|_| false) || !seen.insert(rel.clone()) {
                return None;
            }
            // As it is on disk: a symbolic link is not followed.
            let ft = std::fs::symlink_metadata(abs).ok()?.file_type();
            (!ft.is_dir()).then_some((rel, abs, ft))
        })
        .collect();
    use rayon::prelude::*;
    let run = || {
        entries.par_iter().for_each(|(rel, abs, ft)| {
            visit(Visit::Entry(WalkEntry {
                abs,
                rel: rel.clone(),
                file_type: *ft,
                tracked_despite_ignore: false,
            }))
        })
    };
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}
