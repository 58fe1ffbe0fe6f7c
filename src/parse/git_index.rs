//! The paths git tracks, read from the index file (`.git/index`) without running
//! git: running `git ls-files` would load the repository's configuration, and a
//! configuration can name programs (`core.fsmonitor`, hooks) that git then runs.
//!
//! Only what decides scope is read: each entry's path, mode and stage. The format
//! (gitformat-index(5)): a `DIRC` header with version 2, 3 or 4 and the entry
//! count; entries of 40 bytes of stat data, the object id (20 bytes for SHA-1,
//! 32 for SHA-256 repositories), 16-bit flags, in version 3+ optional extended
//! flags, and the path, NUL-padded to a multiple of 8 (versions 2 and 3) or
//! prefix-compressed against the previous path (version 4). Extensions and the
//! trailing checksum are not needed. A split index (`link` extension) keeps most
//! entries in a `sharedindex.<id>` file beside it: both are read and their paths
//! merged (a path the split part deletes may then still be listed; a listed path
//! only matters when it is on disk, so this errs on the side of scanning it).
//!
//! Every length is checked: a truncated or hostile index is an error, never a
//! panic or an allocation the file's header asks for.

use std::path::{Path, PathBuf};

/// Why an index could not be read.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The index file.
        path: String,
        /// The OS error.
        message: String,
    },
    /// The content is not an index we read.
    #[error("{path}: {message}")]
    Format {
        /// The index file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// The largest index read (a repository of a million files has an index of about 100 MB).
const MAX_INDEX_BYTES: u64 = 512 << 20;

/// A git work tree: its top directory and the index that lists what it tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkTree {
    /// The directory that holds `.git`.
    pub top: PathBuf,
    /// The git directory (`.git`, or the directory a `.git` file points to).
    pub git_dir: PathBuf,
}

impl WorkTree {
    /// The work tree `dir` is in: `dir` or the nearest parent with a `.git`
    /// directory or `.git` file (`gitdir: …`, as worktrees and submodules have).
    pub fn find(dir: &Path) -> Option<WorkTree> {
        let start = std::fs::canonicalize(dir).ok()?;
        for d in start.ancestors() {
            let dot_git = d.join(".git");
            let Ok(meta) = std::fs::symlink_metadata(&dot_git) else {
                continue;
            };
            if meta.is_dir() {
                return Some(WorkTree {
                    top: d.to_path_buf(),
                    git_dir: dot_git,
                });
            }
            if meta.is_file() {
                let text = crate::files::read_repo_text(&dot_git, 4096).ok()?;
                let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
                let git_dir = d.join(target);
                return git_dir.is_dir().then(|| WorkTree {
                    top: d.to_path_buf(),
                    git_dir,
                });
            }
        }
        None
    }

    /// Paths (relative to [`WorkTree::top`], `/`-separated) of the regular files
    /// and symbolic links the index lists; an absent index (a fresh `git init`)
    /// lists nothing.
    pub fn tracked(&self) -> Result<Vec<String>, IndexError> {
        let path = self.git_dir.join("index");
        if !path.exists() {
            return Ok(Vec::new());
        }
        let bytes = read_bounded(&path)?;
        let parsed = parse(&bytes).map_err(|m| format_error(&path, m))?;
        let mut paths = parsed.paths;
        if let Some(shared) = parsed.shared_index {
            let spath = self.git_dir.join(format!("sharedindex.{shared}"));
            let sbytes = read_bounded(&spath)?;
            paths.extend(parse(&sbytes).map_err(|m| format_error(&spath, m))?.paths);
        }
        paths.sort();
        paths.dedup();
        Ok(paths)
    }
}

fn format_error(path: &Path, message: String) -> IndexError {
    IndexError::Format {
        path: path.display().to_string(),
        message,
    }
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, IndexError> {
    crate::files::read_repo(path, MAX_INDEX_BYTES).map_err(|e| IndexError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

/// What one index file lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ParsedIndex {
    /// Paths of regular files and symbolic links (stage 0, or each conflicted path once).
    pub paths: Vec<String>,
    /// Hex id of the shared index a split index points to.
    pub shared_index: Option<String>,
}

/// Parses index bytes (tries SHA-1 object ids, then SHA-256).
pub fn parse(bytes: &[u8]) -> Result<ParsedIndex, String> {
    match parse_with(bytes, 20) {
        Ok(p) => Ok(p),
        Err(first) => parse_with(bytes, 32).map_err(|_| first),
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| format!("truncated at byte {}", self.pos))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, String> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The path up to the next NUL (the NUL consumed).
    fn c_str(&mut self) -> Result<&'a [u8], String> {
        let rest = &self.bytes[self.pos.min(self.bytes.len())..];
        let n = memchr::memchr(0, rest).ok_or("unterminated path")?;
        let s = self.take(n)?;
        self.pos += 1;
        Ok(s)
    }

    /// Version 4's prefix length: git's offset varint.
    fn varint(&mut self) -> Result<usize, String> {
        let mut c = self.take(1)?[0];
        let mut value = usize::from(c & 0x7f);
        while c & 0x80 != 0 {
            c = self.take(1)?[0];
            value = value
                .checked_add(1)
                .and_then(|v| v.checked_mul(128))
                .and_then(|v| v.checked_add(usize::from(c & 0x7f)))
                .ok_or("prefix length overflows")?;
        }
        Ok(value)
    }
}

/// The text form of an index path ([`crate::paths`]: a name that is not UTF-8 is
/// escaped, as the walk writes it, so both name the same file).
fn path_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        crate::paths::push_component(&mut out, std::ffi::OsStr::from_bytes(bytes));
    }
    #[cfg(not(unix))]
    out.push_str(&String::from_utf8_lossy(bytes));
    out
}

const MODE_TYPE_MASK: u32 = 0o170000;
const MODE_REGULAR: u32 = 0o100000;
const MODE_SYMLINK: u32 = 0o120000;
const FLAG_EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;

fn parse_with(bytes: &[u8], id_len: usize) -> Result<ParsedIndex, String> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4)? != b"DIRC" {
        return Err("not a git index (no DIRC signature)".to_string());
    }
    let version = r.u32()?;
    if !(2..=4).contains(&version) {
        return Err(format!("index version {version} is not one harden reads"));
    }
    let count = r.u32()? as usize;
    // Every entry takes at least 40 + id + 2 + 1 bytes: a larger count is a lie.
    if count > bytes.len() / (40 + id_len + 3) {
        return Err(format!(
            "{count} entries cannot fit in {} bytes",
            bytes.len()
        ));
    }
    let mut out = ParsedIndex::default();
    let mut prev: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = r.pos;
        let stat = r.take(40)?;
        let mode = u32::from_be_bytes([stat[24], stat[25], stat[26], stat[27]]);
        r.take(id_len)?;
        let flags = r.u16()?;
        if flags & FLAG_EXTENDED != 0 {
            if version < 3 {
                return Err("extended flags in a version 2 index".to_string());
            }
            r.u16()?;
        }
        let name_len = usize::from(flags & NAME_MASK);
        let path: Vec<u8> = if version == 4 {
            let strip = r.varint()?;
            let keep = prev
                .len()
                .checked_sub(strip)
                .ok_or("prefix longer than the previous path")?;
            let mut p = prev[..keep].to_vec();
            p.extend_from_slice(r.c_str()?);
            p
        } else {
            let p = r.c_str()?.to_vec();
            // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
            let len = r.pos - start;
            let padded = len.div_ceil(8) * 8;
            r.take(padded - len)?;
            p
        };
        if name_len < NAME_MASK as usize && name_len != path.len() {
            return Err(format!(
                "entry at byte {start}: name length {name_len} but path of {} bytes",
                path.len()
            ));
        }
        let kind = mode & MODE_TYPE_MASK;
        // A split index's entries that replace a shared entry have an empty path.
        if (kind == MODE_REGULAR || kind == MODE_SYMLINK) && !path.is_empty() {
            let text = path_text(&path);
            if out.paths.last() != Some(&text) {
                out.paths.push(text);
            }
        }
        prev = path;
    }
    // Extensions: 4-byte signature, 4-byte size, data; the checksum follows.
    while bytes.len().saturating_sub(r.pos) > id_len {
        let sig = r.take(4)?;
        let size = r.u32()? as usize;
        let data = r.take(size)?;
        if sig == b"link" && data.len() >= id_len {
            let hex: String = data[..id_len].iter().map(|b| format!("{b:02x}")).collect();
            if hex.bytes().any(|b| b != b'0') {
                out.shared_index = Some(hex);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index as git writes it (entries sorted, v2/v3 padding, v4 prefix compression).
    pub(crate) fn build(version: u32, id_len: usize, entries: &[(&str, u32)]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"DIRC");
        b.extend_from_slice(&version.to_be_bytes());
        b.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        let mut prev = "";
        for (path, mode) in entries {
            let start = b.len();
            let mut stat = [0u8; 40];
            stat[24..28].copy_from_slice(&mode.to_be_bytes());
            b.extend_from_slice(&stat);
            b.extend(std::iter::repeat_n(0xab, id_len));
            let flags = (path.len().min(0xfff)) as u16;
            b.extend_from_slice(&flags.to_be_bytes());
            if version == 4 {
                let common = prev
                    .bytes()
                    .zip(path.bytes())
                    .take_while(|(a, c)| a == c)
                    .count();
                let strip = prev.len() - common;
                assert!(strip < 128, "test helper writes one-byte varints");
                b.push(strip as u8);
                b.extend_from_slice(&path.as_bytes()[common..]);
                b.push(0);
            } else {
                b.extend_from_slice(path.as_bytes());
                b.push(0);
                while (b.len() - start) % 8 != 0 {
                    b.push(0);
                }
            }
            prev = path;
        }
        b.extend(std::iter::repeat_n(0x11, id_len));
        b
    }

    const FILE: u32 = 0o100644;

    #[test]
    fn versions_2_3_4_and_sha256() {
        let entries = [
            ("a/package-lock.json", FILE),
            ("a/src/index.js", 0o100755),
            ("link", 0o120000),
            ("sub", 0o160000),
            ("z.txt", FILE),
        ];
        for (v, id) in [(2, 20), (3, 20), (4, 20), (2, 32), (4, 32)] {
            let got = parse(&build(v, id, &entries)).unwrap();
            assert_eq!(
                got.paths,
                vec!["a/package-lock.json", "a/src/index.js", "link", "z.txt"],
                "v{v} id{id}"
            );
        }
    }

    /// Runs the real git (only in tests, on a repository the test made), isolated
    /// from the user's and the system's configuration.
    fn git(dir: &Path, args: &[&str]) {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .expect("git is installed");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn indexes_written_by_git() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        git(root, &["init", "-q"]);
        for f in [
            "a b.txt",
            "web/package-lock.json",
            "web/src/very/deep/name.js",
            "web/src/x.js",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x\n").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "package-lock.json\n").unwrap();
        git(root, &["add", "-f", "."]);
        let want = vec![
            ".gitignore",
            "a b.txt",
            "web/package-lock.json",
            "web/src/very/deep/name.js",
            "web/src/x.js",
        ];
        let wt = WorkTree::find(&root.join("web")).unwrap();
        for version in ["2", "3", "4"] {
            git(root, &["update-index", "--index-version", version]);
            assert_eq!(wt.tracked().unwrap(), want, "index version {version}");
        }
        // A split index keeps entries in a shared file.
        git(root, &["update-index", "--split-index"]);
        std::fs::write(root.join("late.txt"), "y\n").unwrap();
        git(root, &["add", "late.txt"]);
        let mut with_late = want.clone();
        with_late.insert(2, "late.txt");
        assert_eq!(wt.tracked().unwrap(), with_late);
    }

    /// A Latin-1 name from an old archive is tracked too: listed in the escaped form
    /// the walk uses, which names the real file again.
    #[test]
    fn non_utf8_paths_in_the_walks_text_form() {
        let mut b = build(2, 20, &[("caf\u{e9}.txt", FILE)]);
        // Replace the UTF-8 é (2 bytes) by Latin-1 0xE9 and the flags' length with it.
        let at = b.windows(2).position(|w| w == [0xc3, 0xa9]).unwrap();
        b.splice(at..at + 2, [0xe9]);
        b[12 + 40 + 20 + 1] = 8;
        let p = parse(&b).unwrap();
        assert_eq!(p.paths, vec!["caf\\xE9.txt"]);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let real = crate::paths::to_path(Path::new("/r"), &p.paths[0]).unwrap();
            assert_eq!(real.file_name().unwrap().as_bytes(), b"caf\xe9.txt");
        }
    }

    #[test]
    fn conflicted_paths_listed_once() {
        let p = parse(&build(
            2,
            20,
            &[("x.py", FILE), ("x.py", FILE), ("y.py", FILE)],
        ))
        .unwrap();
        assert_eq!(p.paths, vec!["x.py", "y.py"]);
    }

    #[test]
    fn truncated_and_hostile_input_is_an_error() {
        let good = build(3, 20, &[("one", FILE), ("two/three", FILE)]);
        for cut in 0..good.len() - 20 {
            assert!(parse(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = good.clone();
        huge[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(parse(&huge).is_err());
        let mut version = good.clone();
        version[4..8].copy_from_slice(&9u32.to_be_bytes());
        assert!(parse(&version).is_err());
        assert!(parse(b"not an index at all").is_err());
        // A v4 prefix that strips more than the previous path had.
        let mut v4 = build(4, 20, &[("ab", FILE), ("ac", FILE)]);
        let second = 12 + 40 + 20 + 2 + 1 + 3;
        v4[second + 40 + 20 + 2] = 9;
        assert!(parse(&v4).is_err());
    }

    #[test]
    fn split_index_names_its_shared_part() {
        let mut b = build(2, 20, &[("new.txt", FILE)]);
        let checksum = b.split_off(b.len() - 20);
        b.extend_from_slice(b"link");
        b.extend_from_slice(&24u32.to_be_bytes());
        b.extend(std::iter::repeat_n(0xcd, 20));
        b.extend_from_slice(&[0, 0, 0, 0]);
        b.extend_from_slice(&checksum);
        let p = parse(&b).unwrap();
        assert_eq!(p.paths, vec!["new.txt"]);
        assert_eq!(p.shared_index.as_deref(), Some(&"cd".repeat(20)[..]));
    }

    #[test]
    fn work_tree_of_a_worktree_checkout() {
        let tmp = tempfile::tempdir().unwrap();
        let main_git = tmp.path().join("main/.git/worktrees/wt");
        std::fs::create_dir_all(&main_git).unwrap();
        std::fs::write(
            main_git.join("index"),
            build(2, 20, &[("Cargo.lock", FILE)]),
        )
        .unwrap();
        let wt = tmp.path().join("wt");
        std::fs::create_dir_all(wt.join("src")).unwrap();
        std::fs::write(wt.join(".git"), format!("gitdir: {}\n", main_git.display())).unwrap();
        let found = WorkTree::find(&wt.join("src")).unwrap();
        assert_eq!(found.top, std::fs::canonicalize(&wt).unwrap());
        assert_eq!(found.tracked().unwrap(), vec!["Cargo.lock"]);
        assert!(WorkTree::find(tmp.path()).is_none());
    }
}
