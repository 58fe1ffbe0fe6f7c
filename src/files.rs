//! The one place harden opens a file, to read it or to write it.
//!
//! A repository is hostile input: a FIFO named `package.json` blocks a plain
//! `open` forever, a symlink can point at `/dev/zero` or outside the tree, and a
//! file can be swapped between a check and an open. So every read of a
//! repository file checks the type first without following links, opens
//! non-blocking and without following links, checks the type again on the open
//! handle, and reads at most a size limit. Files the user names on the command
//! line (`--config`, `--baseline`, `--osv`) may be links or pipes (`<(…)`), but
//! their reads are bounded too.
//!
//! Writes replace only regular files, atomically (a temporary file beside the
//! target, fsync, rename), keeping the target's mode and owner; see
//! [`write_output`] for `-o FILE`, which also writes devices and pipes in place.
//!
//! A test (`tests/safety.rs`) fails if a file under `src/` opens files any other way.

use std::fs::{File, Metadata, OpenOptions};
use std::io::Read;
use std::path::Path;

/// Limit for files read beside the scan (lockfiles, manifests, OSV records): large
/// lockfiles are legitimate, endless ones are not.
pub const AUX_LIMIT: u64 = 256 << 20;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// Nothing at that path.
    #[error("not found")]
    NotFound,
    /// A symbolic link in the repository (never followed).
    #[error("a symbolic link (not followed)")]
    Symlink,
    /// A FIFO, socket, device or directory: reading it could block or never end.
    #[error("not a regular file but a {0}")]
    NotRegular(&'static str),
    /// Larger than the limit.
    #[error("{size} bytes is over the {limit} byte limit")]
    TooLarge {
        /// Size seen (or the limit + 1 when the file kept growing).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8 (text reads only).
    #[error("not valid UTF-8")]
    NotUtf8,
    /// Any other I/O error (permissions, vanished).
    #[error("{0}")]
    Io(std::io::Error),
}

impl ReadError {
    fn from_io(e: std::io::Error) -> ReadError {
        if e.kind() == std::io::ErrorKind::NotFound {
            ReadError::NotFound
        } else {
            ReadError::Io(e)
        }
    }
}

/// A name for the type of a file that is not a regular file.
pub fn kind_name(m: &Metadata) -> &'static str {
    let ft = m.file_type();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "FIFO";
        }
        if ft.is_socket() {
            return "socket";
        }
        if ft.is_char_device() {
            return "character device";
        }
        if ft.is_block_device() {
            return "block device";
        }
    }
    if ft.is_dir() {
        "directory"
    } else if ft.is_symlink() {
        "symbolic link"
    } else if ft.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

fn open_options(follow: bool) -> OpenOptions {
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking so a FIFO swapped in after the check cannot block the open;
        // no controlling terminal from a tty device.
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if !follow {
            flags |= libc::O_NOFOLLOW;
        }
        o.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = follow;
    o
}

fn read_bounded(mut f: File, size_hint: u64, limit: u64) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::with_capacity(size_hint.min(limit) as usize);
    let read = (&mut f)
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(ReadError::from_io)?;
    if read as u64 > limit {
        return Err(ReadError::TooLarge {
            size: read as u64,
            limit,
        });
    }
    Ok(buf)
}

/// Opens a regular file of the repository: never follows a symlink (checked before
/// opening, and `O_NOFOLLOW` for a link swapped in after the check), never opens a
/// FIFO, socket or device. `limit` rejects a file larger than it before opening.
fn open_repo_regular(path: &Path, limit: Option<u64>) -> Result<(File, u64), ReadError> {
    let meta = std::fs::symlink_metadata(path).map_err(ReadError::from_io)?;
    if meta.file_type().is_symlink() {
        return Err(ReadError::Symlink);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(&meta)));
    }
    if let Some(limit) = limit {
        if meta.len() > limit {
            return Err(ReadError::TooLarge {
                size: meta.len(),
                limit,
            });
        }
    }
    let f = open_options(false).open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc_eloop()) {
            ReadError::Symlink
        } else {
            ReadError::from_io(e)
        }
    })?;
    let meta = f.metadata().map_err(ReadError::from_io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(&meta)));
    }
    Ok((f, meta.len()))
}

/// Reads a regular file of the repository: never follows a symlink, never opens a
/// FIFO, socket or device, reads at most `limit` bytes.
pub fn read_repo(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (f, len) = open_repo_regular(path, Some(limit))?;
    read_bounded(f, len, limit)
}

#[cfg(unix)]
fn libc_eloop() -> i32 {
    libc::ELOOP
}

#[cfg(not(unix))]
fn libc_eloop() -> i32 {
    -1
}

/// The first `n` bytes (fewer when the file is shorter) of a regular file of the
/// repository, with the same guarantees as [`read_repo`]: to sniff what a file is
/// without reading all of it.
pub fn read_repo_head(path: &Path, n: u64) -> Result<Vec<u8>, ReadError> {
    let (f, len) = open_repo_regular(path, None)?;
    let mut buf = Vec::with_capacity(len.min(n) as usize);
    f.take(n)
        .read_to_end(&mut buf)
        .map_err(ReadError::from_io)?;
    Ok(buf)
}

/// [`read_repo`] as UTF-8 text, a leading byte-order mark removed.
pub fn read_repo_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_repo(path, limit)?;
    into_text(bytes)
}

/// Reads a repository file by its repository-relative path (no links, no FIFOs,
/// bounded by [`AUX_LIMIT`]): for code outside the walk that needs a file the walk
/// did not keep (the fix engine, edit builders), so they share one careful reader.
pub fn read_repo_file(root: &Path, rel: &str) -> Result<String, ReadError> {
    let path = crate::paths::to_path(root, rel).ok_or(ReadError::NotFound)?;
    read_repo_text(&path, AUX_LIMIT)
}

/// Reads a file the user named (it may be a link, a pipe such as `<(…)` or
/// `/dev/stdin`); a directory is refused and at most `limit` bytes are read.
pub fn read_user(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::from_io)?;
    if meta.is_dir() {
        return Err(ReadError::NotRegular("directory"));
    }
    let mut o = OpenOptions::new();
    o.read(true);
    let f = o.open(path).map_err(ReadError::from_io)?;
    read_bounded(f, meta.len(), limit)
}

/// Opens a regular file the user named, for formats that need to seek (a zip
/// archive): links are followed, anything but a regular file is refused without
/// blocking.
pub fn open_user_regular(path: &Path) -> Result<File, ReadError> {
    let f = open_options(true).open(path).map_err(ReadError::from_io)?;
    let meta = f.metadata().map_err(ReadError::from_io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(&meta)));
    }
    Ok(f)
}

/// Reads a regular file a setting names (which may come from the repository's own
/// harden.toml): links are followed, anything but a regular file is refused
/// without blocking, at most `limit` bytes are read.
pub fn read_named_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let f = open_user_regular(path)?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    into_text(read_bounded(f, len, limit)?)
}

/// [`read_user`] as UTF-8 text, a leading byte-order mark removed.
pub fn read_user_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    into_text(read_user(path, limit)?)
}

fn into_text(bytes: Vec<u8>) -> Result<String, ReadError> {
    let text = String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    })
}

/// Whether a regular file (not a link, not a special file) is at `path`.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// What every temporary file harden writes has in its name (`.NAME.harden-tmp-PID`),
/// so a later `harden fix` can find and remove those an interrupted run left.
pub const TEMP_MARK: &str = ".harden-tmp-";

/// The temporary file beside `path` that [`replace_atomically`] writes first.
pub fn temp_path(path: &Path) -> std::path::PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!("{TEMP_MARK}{}", std::process::id()));
    dir.join(name)
}

/// The process id in the name of a temporary file harden wrote (`.x.harden-tmp-123` → 123).
pub fn temp_file_pid(name: &str) -> Option<u32> {
    if !name.starts_with('.') {
        return None;
    }
    let (_, pid) = name.rsplit_once(TEMP_MARK)?;
    pid.parse().ok()
}

/// Replaces (or creates) the regular file at `path` with `content`: a temporary file
/// in the same directory with the old file's mode and owner, fsync, rename. The old
/// file is untouched if anything fails, and the temporary file is removed.
pub fn replace_atomically(path: &Path, content: &[u8]) -> std::io::Result<()> {
    replace_atomically_with(path, &mut |w| w.write_all(content))
}

/// [`replace_atomically`] with the content written by `render` straight into the
/// temporary file (a large report is never held in memory whole).
pub fn replace_atomically_with(
    path: &Path,
    render: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    let old = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => Some(m),
        Ok(m) => {
            return Err(std::io::Error::other(format!(
                "not a regular file but a {}; not replaced",
                kind_name(&m)
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let tmp = temp_path(path);
    let result = (|| {
        let f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        let mut buf = std::io::BufWriter::new(f);
        render(&mut buf)?;
        buf.flush()?;
        let f = buf.into_inner().map_err(|e| e.into_error())?;
        if let Some(m) = &old {
            f.set_permissions(m.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                let mine = f.metadata()?;
                if mine.uid() != m.uid() || mine.gid() != m.gid() {
                    // Best effort: only root may give a file away.
                    let _ = std::os::unix::fs::fchown(&f, Some(m.uid()), Some(m.gid()));
                }
            }
        }
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Paths that name one of this process's open files (`/dev/stdout`, `/dev/fd/3`,
/// `/proc/self/fd/1`): written in place, appending, never replaced.
fn is_fd_path(path: &Path) -> bool {
    let s = path.to_string_lossy();
    matches!(s.as_ref(), "/dev/stdout" | "/dev/stderr" | "/dev/tty")
        || s.starts_with("/dev/fd/")
        || (s.starts_with("/proc/") && s.contains("/fd/"))
}

/// Writes a report to `path` (`-o FILE`). A regular file is replaced atomically,
/// keeping its mode; a symlink is written through to its target; a character
/// device (`/dev/null`), a FIFO and `/dev/stdout` are written in place, never
/// replaced; a directory, socket or block device is refused.
pub fn write_output(path: &Path, content: &[u8]) -> std::io::Result<()> {
    write_output_with(path, &mut |w| w.write_all(content))
}

/// How [`write_output`] writes to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputMode {
    /// Open and write in place, appending: a character device, a FIFO, one of this
    /// process's descriptors (`/dev/stdout`). Never replaced.
    InPlace,
    /// Replace (or create) this regular file atomically: the path itself, or the file
    /// a symlink resolves to.
    Replace(std::path::PathBuf),
    /// Not written (a directory, a socket, a block device), with the reason.
    Refuse(String),
}

/// Decides how [`write_output`] treats `path`, without writing anything.
pub fn output_mode(path: &Path) -> std::io::Result<OutputMode> {
    if is_fd_path(path) {
        return Ok(OutputMode::InPlace);
    }
    match std::fs::metadata(path) {
        // Through any symlinks to the file itself, so the link stays a link.
        Ok(m) if m.is_file() => Ok(OutputMode::Replace(std::fs::canonicalize(path)?)),
        Ok(m) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::FileTypeExt;
                let ft = m.file_type();
                if ft.is_char_device() || ft.is_fifo() {
                    return Ok(OutputMode::InPlace);
                }
            }
            Ok(OutputMode::Refuse(format!(
                "is a {}; not written",
                kind_name(&m)
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink names the file to create.
            let mut target = path.to_path_buf();
            for _ in 0..40 {
                match std::fs::read_link(&target) {
                    Ok(next) => {
                        target = match target.parent() {
                            Some(dir) => dir.join(next),
                            None => next,
                        }
                    }
                    Err(_) => break,
                }
            }
            Ok(OutputMode::Replace(target))
        }
        Err(e) => Err(e),
    }
}

/// [`write_output`] with the content written by `render` as it is produced.
pub fn write_output_with(
    path: &Path,
    render: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write;
    match output_mode(path)? {
        OutputMode::InPlace => {
            let f = OpenOptions::new().append(true).open(path)?;
            let mut buf = std::io::BufWriter::new(f);
            render(&mut buf)?;
            buf.flush()
        }
        OutputMode::Replace(target) => replace_atomically_with(&target, render),
        OutputMode::Refuse(why) => Err(std::io::Error::other(why)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_read_and_limits_hold() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.txt");
        std::fs::write(&f, "\u{feff}hello").unwrap();
        assert_eq!(read_repo_text(&f, 100).unwrap(), "hello");
        assert!(matches!(
            read_repo(&f, 3),
            Err(ReadError::TooLarge { limit: 3, .. })
        ));
        assert!(matches!(
            read_repo(&d.path().join("missing"), 10),
            Err(ReadError::NotFound)
        ));
        assert!(matches!(
            read_repo(d.path(), 10),
            Err(ReadError::NotRegular("directory"))
        ));
    }

    /// Issue 13 (1): `-o /dev/null` replaced the device with a regular file. Decided
    /// without writing: the real /dev/null is never a rename target, not even in a test.
    #[cfg(unix)]
    #[test]
    fn devices_and_descriptors_are_written_in_place() {
        assert_eq!(
            output_mode(Path::new("/dev/null")).unwrap(),
            OutputMode::InPlace
        );
        assert_eq!(
            output_mode(Path::new("/dev/stdout")).unwrap(),
            OutputMode::InPlace
        );
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("report.json");
        std::fs::write(&f, "old").unwrap();
        let link = d.path().join("link.json");
        std::os::unix::fs::symlink(&f, &link).unwrap();
        let canonical = std::fs::canonicalize(&f).unwrap();
        assert_eq!(
            output_mode(&link).unwrap(),
            OutputMode::Replace(canonical.clone())
        );
        write_output(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert!(matches!(
            output_mode(d.path()).unwrap(),
            OutputMode::Refuse(_)
        ));
        let dangling = d.path().join("dangling");
        std::os::unix::fs::symlink("created.json", &dangling).unwrap();
        write_output(&dangling, b"x").unwrap();
        assert_eq!(
            std::fs::read_to_string(d.path().join("created.json")).unwrap(),
            "x"
        );
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_links_are_refused_without_blocking() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("package.json");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            read_repo(&fifo, 1 << 20),
            Err(ReadError::NotRegular("FIFO"))
        ));
        let link = d.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert!(matches!(read_repo(&link, 1 << 20), Err(ReadError::Symlink)));
        // A user-named endless file is bounded.
        assert!(matches!(
            read_user(&link, 1 << 10),
            Err(ReadError::TooLarge { .. })
        ));
    }
}
