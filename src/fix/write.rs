//! Writing a fixed file without ever leaving it half-written, outside the root,
//! or behind a symlink.

use std::io::Write;
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

/// Resolves `rel` under `root` and checks that no component is a symlink.
pub fn safe_path(root: &Path, rel: &str) -> Result<PathBuf, WriteError> {
    if rel.split('/').any(|c| c == ".." || c.is_empty()) {
        return Err(WriteError::Unsafe(rel.to_string()));
    }
    let mut p = root.to_path_buf();
    for comp in rel.split('/') {
        p.push(comp);
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

/// Replaces the file at `path` with `content`: temp file in the same directory, same
/// permissions, fsync, rename. The original is untouched if anything fails. A file
/// that does not exist yet is created (with its directories) with default permissions.
pub fn write_atomic_keep_mode(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let permissions = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            None
        }
        Err(e) => return Err(e),
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.harden-fix-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        if let Some(p) = &permissions {
            std::fs::set_permissions(&tmp, p.clone())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
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
}
