//! `.gitignore`, `.ignore` and `.git/info/exclude` rules for the walk, read
//! through [`crate::files`].
//!
//! The `ignore` crate's walker opens ignore files itself with a plain `open`, so a
//! FIFO named `.gitignore` hangs it and a `.gitignore` linked to `/dev/zero` eats
//! memory. Its walker therefore runs with its own ignore files switched off and
//! this module decides, from the same `ignore::gitignore` matchers, what is
//! ignored: the same precedence (`.ignore` over `.gitignore` over
//! `info/exclude`, the deepest directory with a matching pattern deciding within
//! each), the same files of the directories above the root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// Ignore files are small; a larger one is not read (and reported by the scan as a file).
const IGNORE_FILE_LIMIT: u64 = 4 << 20;

/// The ignore rules of one directory and, through `parent`, of those above it.
#[derive(Debug)]
struct DirRules {
    /// `.ignore`, `.gitignore`, `.git/info/exclude` (absent files are `None`).
    matchers: [Option<Gitignore>; 3],
    parent: Option<Arc<DirRules>>,
    /// Whether this directory or one above it has any rule (skip the walk up otherwise).
    any: bool,
}

/// Ignore rules of a tree, built lazily as the walk enters directories.
#[derive(Debug)]
pub struct IgnoreRules {
    root: PathBuf,
    /// Rules of the directories above the root, matched with absolute paths.
    above: Option<Arc<DirRules>>,
    /// The canonical root, to form the absolute paths `above` matches.
    abs_root: Option<PathBuf>,
    dirs: RwLock<HashMap<PathBuf, Arc<DirRules>>>,
}

fn load(dir: &Path, names: &[&str]) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    let mut any = false;
    for name in names {
        let path = dir.join(name);
        let Ok(text) = crate::files::read_repo_text(&path, IGNORE_FILE_LIMIT) else {
            continue;
        };
        for line in text.lines() {
            // A bad glob is skipped, as git does.
            let _ = builder.add_line(Some(path.clone()), line);
            any = true;
        }
    }
    if !any {
        return None;
    }
    builder.build().ok().filter(|g| !g.is_empty())
}

/// `info/exclude` of the repository whose work tree is `dir`, if `dir` has a `.git`.
fn load_exclude(dir: &Path) -> Option<Gitignore> {
    let dot_git = dir.join(".git");
    let meta = std::fs::symlink_metadata(&dot_git).ok()?;
    let git_dir = if meta.is_dir() {
        dot_git
    } else if meta.is_file() {
        // A worktree or submodule: `gitdir: <path>`, and its `commondir` holds info/.
        let text = crate::files::read_repo_text(&dot_git, 4096).ok()?;
        let target = text.lines().next()?.strip_prefix("gitdir: ")?.trim();
        let gitdir = dir.join(target);
        match crate::files::read_repo_text(&gitdir.join("commondir"), 4096) {
            Ok(c) => gitdir.join(c.trim()),
            Err(_) => gitdir,
        }
    } else {
        return None;
    };
    let mut builder = GitignoreBuilder::new(dir);
    let path = git_dir.join("info").join("exclude");
    let text = crate::files::read_repo_text(&path, IGNORE_FILE_LIMIT).ok()?;
    for line in text.lines() {
        let _ = builder.add_line(Some(path.clone()), line);
    }
    builder.build().ok().filter(|g| !g.is_empty())
}

fn dir_rules(dir: &Path, parent: Option<Arc<DirRules>>) -> Arc<DirRules> {
    let matchers = [
        load(dir, &[".ignore"]),
        load(dir, &[".gitignore"]),
        load_exclude(dir),
    ];
    let any = matchers.iter().any(Option::is_some) || parent.as_ref().is_some_and(|p| p.any);
    Arc::new(DirRules {
        matchers,
        parent,
        any,
    })
}

/// Walks `rules` from the deepest directory up: per kind, the first decisive match wins;
/// kinds in precedence order. `Some(true)` ignored, `Some(false)` whitelisted.
fn decide(rules: &DirRules, path: &Path, is_dir: bool, found: &mut [Option<bool>; 3]) {
    let mut cur = Some(rules);
    while let Some(r) = cur {
        if !r.any {
            break;
        }
        for (slot, m) in found.iter_mut().zip(&r.matchers) {
            if slot.is_none() {
                if let Some(g) = m {
                    let hit = g.matched(path, is_dir);
                    if hit.is_ignore() {
                        *slot = Some(true);
                    } else if hit.is_whitelist() {
                        *slot = Some(false);
                    }
                }
            }
        }
        cur = r.parent.as_deref();
    }
}

impl IgnoreRules {
    /// Rules for a walk of `root` (its own ignore files and those of the directories above it).
    pub fn new(root: &Path) -> IgnoreRules {
        let abs_root = std::fs::canonicalize(root).ok();
        let mut above: Option<Arc<DirRules>> = None;
        if let Some(abs) = &abs_root {
            let mut ancestors: Vec<&Path> = abs.ancestors().skip(1).collect();
            ancestors.reverse();
            for a in ancestors {
                above = Some(dir_rules(a, above));
            }
        }
        let rules = IgnoreRules {
            root: root.to_path_buf(),
            above,
            abs_root,
            dirs: RwLock::new(HashMap::new()),
        };
        let own = dir_rules(root, None);
        if let Ok(mut d) = rules.dirs.write() {
            d.insert(root.to_path_buf(), own);
        }
        rules
    }

    fn rules_of(&self, dir: &Path) -> Option<Arc<DirRules>> {
        self.dirs.read().ok()?.get(dir).cloned()
    }

    /// Whether `path` (under the root, as the walker gives it) is ignored. Call it for a
    /// directory before the walk enters it: that is when the directory's own rules load.
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        let parent = path.parent().unwrap_or(&self.root);
        let rules = self.rules_of(parent);
        let mut found = [None; 3];
        if let Some(r) = &rules {
            decide(r, path, is_dir, &mut found);
        }
        if found.iter().any(Option::is_none) {
            if let (Some(above), Some(abs)) = (&self.above, &self.abs_root) {
                if let Ok(rel) = path.strip_prefix(&self.root) {
                    decide(above, &abs.join(rel), is_dir, &mut found);
                }
            }
        }
        let ignored = found.iter().flatten().next().copied().unwrap_or(false);
        if is_dir && !ignored {
            let own = dir_rules(path, rules);
            if let Ok(mut d) = self.dirs.write() {
                d.insert(path.to_path_buf(), own);
            }
        }
        ignored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_rules_and_negation() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::write(root.join(".gitignore"), "*.log\nbuild/\n").unwrap();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/.gitignore"), "!keep.log\n").unwrap();
        std::fs::write(root.join("sub/.ignore"), "secret.txt\n").unwrap();
        let rules = IgnoreRules::new(root);
        assert!(rules.is_ignored(&root.join("a.log"), false));
        assert!(rules.is_ignored(&root.join("build"), true));
        assert!(!rules.is_ignored(&root.join("build"), false));
        assert!(!rules.is_ignored(&root.join("sub"), true));
        assert!(!rules.is_ignored(&root.join("sub/keep.log"), false));
        assert!(rules.is_ignored(&root.join("sub/other.log"), false));
        assert!(rules.is_ignored(&root.join("sub/secret.txt"), false));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_named_gitignore_does_not_block() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("sub/.gitignore"))
            .status()
            .unwrap();
        assert!(status.success());
        std::os::unix::fs::symlink("/dev/zero", root.join(".gitignore")).unwrap();
        let rules = IgnoreRules::new(root);
        assert!(!rules.is_ignored(&root.join("sub"), true));
        assert!(!rules.is_ignored(&root.join("sub/x.txt"), false));
    }
}
