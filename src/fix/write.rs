//! Writing a fixed file without ever leaving it half-written, outside the root,
//! or behind a symlink.

use std::path::{Path, PathBuf};

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The path (or a directory on the way) is a symlink or not under the root.
    #[error("{0}: refusing to write through a symlink or outside the repository")]
    Unsafe(String),
    /// An I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
}

/// Resolves `rel` (a text path, escaped when the name is not UTF-8: see
/// [`crate::paths`]) under `root` and checks that no component is a symlink.
pub fn safe_path(root: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    if rel
        .split('/')
        .any(|c| c == ".." || c == "." || c.is_empty())
    {
        return Err(WriteError::Unsafe(rel.to_string()));
    }
    let mut p = root.to_path_buf();
    for comp in rel.split('/') {
        let Some(name) = crate::paths::to_path(Path::new(""), comp) else {
            return Err(WriteError::Unsafe(rel.to_string()));
        };
        p.push(name);
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => return Err(WriteError::Unsafe(rel.to_string())),
            Ok(_) => {}
            // A missing file (or directory) is one a fix may create.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(WriteError::Io {
                    path: rel.to_string(),
                    source: e,
                })
            }
        }
    }
    Ok(p)
}

/// Replaces the file at `path` with `content` ([`crate::files::replace_atomically`]:
/// temporary file in the same directory, same mode and owner, fsync, rename; the
/// original is untouched if anything fails). A file that does not exist yet is
/// created, with its directories, with default permissions. A read-only file or
/// anything but a regular file is refused: the user made it so on purpose.
pub fn write_atomic_keep_mode(path: &Path, content: &[u8]) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if !m.is_file() => {
            return Err(std::io::Error::other(format!(
                "not a regular file but a {}; left unchanged",
                crate::files::kind_name(&m)
            )))
        }
        Ok(m) if m.permissions().readonly() => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "read-only; left unchanged (make it writable to let harden fix it)",
            ))
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
        }
        Err(e) => return Err(e),
    }
    crate::files::replace_atomically(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_mode_and_refuses_symlinks() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("run.sh");
        std::fs::write(&f, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o751)).unwrap();
        }
        write_atomic_keep_mode(&f, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
                0o751
            );
            std::os::unix::fs::symlink(&f, d.path().join("link.sh")).unwrap();
            assert!(safe_path(d.path(), "link.sh").is_err());
        }
        assert!(safe_path(d.path(), "../etc/passwd").is_err());
        assert!(safe_path(d.path(), "run.sh").is_ok());
    }

    /// Issue 13 (11): a read-only file was rewritten silently.
    #[test]
    fn read_only_files_are_left_alone() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("deploy.sh");
        std::fs::write(&f, "old").unwrap();
        let mut perm = std::fs::metadata(&f).unwrap().permissions();
        perm.set_readonly(true);
        std::fs::set_permissions(&f, perm).unwrap();
        let err = write_atomic_keep_mode(&f, b"new").unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "old");
        let leftovers: Vec<_> = std::fs::read_dir(d.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
