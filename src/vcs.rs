//! What `harden fix` needs to know from git, read from `.git` without running git.
//!
//! Running `git status` in a repository executes what that repository configures:
//! `core.fsmonitor`, hooks (`post-index-change`), clean filters of
//! `.gitattributes` drivers. A repository under audit is untrusted, so harden
//! reads the index file itself: every tracked file whose type, size or modification
//! time differs from what the index recorded (or whose time is too close to the
//! index's to trust) is hashed and compared with the blob id in the index, which is
//! what `git status` does for unstaged changes, minus the filters.
//!
//! Not covered: changes already staged (index against `HEAD`, which needs the
//! object database) and files a clean filter or `core.autocrlf` rewrites (they look
//! modified once touched: the safe direction, since `--allow-dirty` overrides it).

use std::io::Read;
use std::path::{Path, PathBuf};

/// A git work tree and its git directory.
#[derive(Debug, Clone)]
pub struct GitRepo {
    /// The directory that holds `.git`.
    pub work_tree: PathBuf,
    /// The git directory (`.git`, or `.git/worktrees/NAME` for a linked work tree).
    pub git_dir: PathBuf,
}

/// Finds the repository that contains `start` (itself or a directory above it).
pub fn discover(start: &Path) -> Option<GitRepo> {
    let start = std::fs::canonicalize(start).ok()?;
    for dir in start.ancestors() {
        let dot_git = dir.join(".git");
        let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
            continue;
        };
        if meta.is_dir() {
            return Some(GitRepo {
                work_tree: dir.to_path_buf(),
                git_dir: dot_git,
            });
        }
        if meta.is_file() {
            let text = crate::files::read_repo_text(&dot_git, 4096).ok()?;
            let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
            return Some(GitRepo {
                work_tree: dir.to_path_buf(),
                git_dir: dir.join(target),
            });
        }
    }
    None
}

/// A `git` command for read-only queries (`git log`) with everything a repository
/// can configure to run a program switched off: no system or global config, no
/// hooks, no fsmonitor, no signature verification (`gpg.program`), no pager, no
/// external diff or textconv, no terminal prompts. `harden fix` does not run git.
pub fn readonly_git(dir: &Path) -> std::process::Command {
    let mut c = std::process::Command::new("git");
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(std::process::Stdio::null())
        .arg("--no-pager")
        .args(["-c", "core.fsmonitor=false"])
        .args(["-c", "core.hooksPath=/dev/null"])
        .args(["-c", "log.showSignature=false"])
        .args(["-c", "gpg.program=false"])
        .args(["-c", "diff.external="])
        .args(["-c", "core.pager=cat"])
        .arg("-C")
        .arg(dir);
    c
}

/// An index this large is not one harden should parse.
const INDEX_LIMIT: u64 = 1 << 30;

struct Entry {
    path: Vec<u8>,
    mtime: (u32, u32),
    size: u32,
    mode: u32,
    oid: Vec<u8>,
    stage: u16,
    skip_worktree: bool,
    intent_to_add: bool,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at + 2)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// Parses index versions 2, 3 and 4 (entries only; extensions are not needed).
fn parse_index(b: &[u8], oid_len: usize) -> Result<Vec<Entry>, String> {
    let bad = || "unreadable git index".to_string();
    if b.get(..4) != Some(b"DIRC") {
        return Err(bad());
    }
    let version = be32(b, 4).ok_or_else(bad)?;
    if !(2..=4).contains(&version) {
        return Err(format!("git index version {version} is not supported"));
    }
    let count = be32(b, 8).ok_or_else(bad)? as usize;
    let mut at = 12;
    let mut out = Vec::with_capacity(count.min(1 << 20));
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at;
        let mtime = (
            be32(b, at + 8).ok_or_else(bad)?,
            be32(b, at + 12).ok_or_else(bad)?,
        );
        let mode = be32(b, at + 24).ok_or_else(bad)?;
        let size = be32(b, at + 36).ok_or_else(bad)?;
        let oid = b.get(at + 40..at + 40 + oid_len).ok_or_else(bad)?.to_vec();
        at += 40 + oid_len;
        let flags = be16(b, at).ok_or_else(bad)?;
        at += 2;
        let mut extended = 0u16;
        if flags & 0x4000 != 0 && version >= 3 {
            extended = be16(b, at).ok_or_else(bad)?;
            at += 2;
        }
        let path = if version == 4 {
            // Varint: how many bytes of the previous path to drop, then the rest.
            let mut strip: usize = 0;
            loop {
                let c = *b.get(at).ok_or_else(bad)?;
                at += 1;
                strip = (strip << 7) | usize::from(c & 0x7f);
                if c & 0x80 == 0 {
                    break;
                }
                strip += 1;
            }
            let keep = prev.len().checked_sub(strip).ok_or_else(bad)?;
            let end = memchr::memchr(0, b.get(at..).ok_or_else(bad)?).ok_or_else(bad)?;
            let mut p = prev[..keep].to_vec();
            p.extend_from_slice(&b[at..at + end]);
            at += end + 1;
            p
        } else {
            let end = memchr::memchr(0, b.get(at..).ok_or_else(bad)?).ok_or_else(bad)?;
            let p = b[at..at + end].to_vec();
            // NUL padding to a multiple of 8 bytes from the entry's start (1 to 8 NULs).
            let len = at + end - start;
            at = start + (len + 8) / 8 * 8;
            p
        };
        prev.clone_from(&path);
        out.push(Entry {
            path,
            mtime,
            size,
            mode,
            oid,
            stage: (flags >> 12) & 0x3,
            skip_worktree: extended & 0x4000 != 0,
            intent_to_add: extended & 0x2000 != 0,
        });
    }
    Ok(out)
}

fn object_format_is_sha256(repo: &GitRepo) -> bool {
    let common = crate::files::read_repo_text(&repo.git_dir.join("commondir"), 4096)
        .map(|c| repo.git_dir.join(c.trim()))
        .unwrap_or_else(|_| repo.git_dir.clone());
    crate::files::read_repo_text(&common.join("config"), 1 << 20).is_ok_and(|t| {
        t.lines().any(|l| {
            let l = l.trim().to_ascii_lowercase().replace(' ', "");
            l == "objectformat=sha256"
        })
    })
}

/// Git's blob id of `content` (SHA-1 of `blob LEN\0` and the bytes).
fn blob_id_of(mut reader: impl Read, len: u64) -> std::io::Result<Vec<u8>> {
    let mut h = sha1_smol::Sha1::new();
    h.update(format!("blob {len}\0").as_bytes());
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        h.update(&buf[..n]);
    }
    if total != len {
        return Err(std::io::Error::other("file changed while reading"));
    }
    Ok(h.digest().bytes().to_vec())
}

#[cfg(unix)]
fn entry_path(work_tree: &Path, rel: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    work_tree.join(std::ffi::OsStr::from_bytes(rel))
}

#[cfg(not(unix))]
fn entry_path(work_tree: &Path, rel: &[u8]) -> PathBuf {
    work_tree.join(String::from_utf8_lossy(rel).as_ref())
}

/// Whether the work-tree file of `e` still has the content the index recorded.
fn unchanged(repo: &GitRepo, e: &Entry, index_mtime: (i64, i64), sha256: bool) -> bool {
    let path = entry_path(&repo.work_tree, &e.path);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return false;
    };
    let kind = e.mode >> 12;
    let ft = meta.file_type();
    let type_ok = match kind {
        0o10 => ft.is_file(),
        0o12 => ft.is_symlink(),
        _ => return true,
    };
    if !type_ok {
        return false;
    }
    #[cfg(unix)]
    let (mtime, exec) = {
        use std::os::unix::fs::MetadataExt;
        ((meta.mtime(), meta.mtime_nsec()), meta.mode() & 0o100 != 0)
    };
    #[cfg(not(unix))]
    let (mtime, exec) = ((0i64, 0i64), e.mode & 0o100 != 0);
    if kind == 0o10 && exec != (e.mode & 0o100 != 0) {
        return false;
    }
    let size_ok = meta.len() as u32 == e.size;
    let time_ok = mtime.0 == i64::from(e.mtime.0) && mtime.1 == i64::from(e.mtime.1);
    // Racily clean: written in the same instant as the index, so its time proves nothing.
    let racy = mtime >= index_mtime;
    if size_ok && time_ok && !racy {
        return true;
    }
    if !size_ok && kind == 0o10 {
        return false;
    }
    if sha256 {
        // No SHA-256 here: a file whose stat data changed counts as changed.
        return false;
    }
    let id = if kind == 0o12 {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::fs::read_link(&path).ok().and_then(|t| {
                let b = t.as_os_str().as_bytes().to_vec();
                blob_id_of(&b[..], b.len() as u64).ok()
            })
        }
        #[cfg(not(unix))]
        None
    } else {
        crate::files::read_repo(&path, 1 << 30)
            .ok()
            .and_then(|b| blob_id_of(&b[..], b.len() as u64).ok())
    };
    id.is_some_and(|id| id == e.oid)
}

/// Tracked files (paths relative to the work tree) whose work-tree content differs
/// from the index: what `git status --untracked-files=no` lists as unstaged.
pub fn unstaged_changes(repo: &GitRepo) -> Result<Vec<String>, String> {
    let index_path = repo.git_dir.join("index");
    let bytes = match crate::files::read_repo(&index_path, INDEX_LIMIT) {
        Ok(b) => b,
        // A repository with no commit and nothing added has no index.
        Err(crate::files::ReadError::NotFound) => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", index_path.display())),
    };
    let index_mtime = std::fs::metadata(&index_path)
        .map(|m| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                (m.mtime(), m.mtime_nsec())
            }
            #[cfg(not(unix))]
            {
                let _ = m;
                (i64::MAX, 0)
            }
        })
        .unwrap_or((i64::MAX, 0));
    let sha256 = object_format_is_sha256(repo);
    let entries = parse_index(&bytes, if sha256 { 32 } else { 20 })?;
    let mut changed = Vec::new();
    for e in &entries {
        if e.skip_worktree {
            continue;
        }
        if e.stage != 0 || e.intent_to_add || !unchanged(repo, e, index_mtime, sha256) {
            let p = String::from_utf8_lossy(&e.path).into_owned();
            if changed.last() != Some(&p) {
                changed.push(p);
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@e",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn detects_unstaged_changes_like_git_status() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.txt"), "one\n").unwrap();
        std::fs::write(root.join("sub/b.sh"), "echo hi\n").unwrap();
        git(root, &["add", "-A"]);
        git(root, &["commit", "-q", "-m", "init"]);
        let repo = discover(&root.join("sub")).unwrap();
        assert_eq!(unstaged_changes(&repo).unwrap(), Vec::<String>::new());
        // Same size, new content.
        std::fs::write(root.join("a.txt"), "two\n").unwrap();
        assert_eq!(unstaged_changes(&repo).unwrap(), vec!["a.txt".to_string()]);
        std::fs::write(root.join("a.txt"), "one\n").unwrap();
        assert_eq!(unstaged_changes(&repo).unwrap(), Vec::<String>::new());
        std::fs::remove_file(root.join("sub/b.sh")).unwrap();
        assert_eq!(
            unstaged_changes(&repo).unwrap(),
            vec!["sub/b.sh".to_string()]
        );
        // Untracked files do not count.
        std::fs::write(root.join("sub/b.sh"), "echo hi\n").unwrap();
        std::fs::write(root.join("new.txt"), "x").unwrap();
        assert_eq!(unstaged_changes(&repo).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn index_v4_paths() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        git(root, &["init", "-q"]);
        git(root, &["config", "index.version", "4"]);
        for n in ["dir/alpha.txt", "dir/alphabet.txt", "zeta.txt"] {
            std::fs::create_dir_all(root.join(n).parent().unwrap()).unwrap();
            std::fs::write(root.join(n), n).unwrap();
        }
        git(root, &["add", "-A"]);
        let repo = discover(root).unwrap();
        assert_eq!(unstaged_changes(&repo).unwrap(), Vec::<String>::new());
        std::fs::write(root.join("dir/alphabet.txt"), "changed!!!!!!!!!").unwrap();
        assert_eq!(
            unstaged_changes(&repo).unwrap(),
            vec!["dir/alphabet.txt".to_string()]
        );
    }
}
