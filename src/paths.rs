//! Repository-relative paths as text, faithful for names that are not UTF-8.
//!
//! Findings, the inventory and every output carry paths as `String`s with forward
//! slashes. A file name that is not valid UTF-8 (a Latin-1 `café.txt` from an old
//! archive) cannot be a Rust string as is; replacing its bad bytes with U+FFFD
//! would name a file that does not exist, so fixes would miss it and a reader could
//! not find it. Such a name is written in an escaped form instead: each byte that
//! is not part of valid UTF-8 becomes `\xHH` (two upper-case hex digits) and a
//! backslash becomes `\\`. A name that is valid UTF-8 and has no backslash is left
//! as it is, so a path is in escaped form exactly when it contains a backslash, and
//! [`to_path`] turns it back into the real name. docs/json-output.md documents it.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// Appends the text form of one path component to `out`.
pub fn push_component(out: &mut String, name: &OsStr) {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        name.as_bytes()
    };
    #[cfg(not(unix))]
    let lossy = name.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.contains('\\') => out.push_str(s),
        _ => escape_bytes(out, bytes),
    }
}

fn escape_bytes(out: &mut String, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let (valid, rest) = match std::str::from_utf8(bytes) {
            Ok(s) => (s, &[][..]),
            Err(e) => {
                let (v, r) = bytes.split_at(e.valid_up_to());
                // Safe: `valid_up_to` bytes are valid UTF-8.
                (std::str::from_utf8(v).unwrap_or(""), r)
            }
        };
        for c in valid.chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        if let Some((&bad, tail)) = rest.split_first() {
            out.push_str(&format!("\\x{bad:02X}"));
            bytes = tail;
        } else {
            bytes = rest;
        }
    }
}

/// The text form of `path` relative to `root` (forward slashes), or `None` when
/// `path` is not under `root`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut out = String::new();
    for c in rel.components() {
        if let Component::Normal(name) = c {
            if !out.is_empty() {
                out.push('/');
            }
            push_component(&mut out, name);
        }
    }
    Some(out)
}

/// Whether a text path is in the escaped form (it names a file whose name is not
/// UTF-8 or contains a backslash).
pub fn is_escaped(rel: &str) -> bool {
    rel.contains('\\')
}

/// The raw bytes a text path stands for (the inverse of [`relative`]); `None` for a
/// malformed escape.
pub fn unescape(rel: &str) -> Option<Vec<u8>> {
    if !is_escaped(rel) {
        return Some(rel.as_bytes().to_vec());
    }
    let b = rel.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'\\') => {
                out.push(b'\\');
                i += 2;
            }
            Some(b'x') => {
                let hex = rel.get(i + 2..i + 4)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 4;
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The file a text path names under `root`; `None` for a malformed escape.
pub fn to_path(root: &Path, rel: &str) -> Option<PathBuf> {
    if !is_escaped(rel) {
        return Some(root.join(rel));
    }
    let bytes = unescape(rel)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Some(root.join(OsStr::from_bytes(&bytes)))
    }
    #[cfg(not(unix))]
    {
        Some(root.join(String::from_utf8_lossy(&bytes).as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_paths_are_unchanged() {
        let root = Path::new("/r");
        assert_eq!(
            relative(root, Path::new("/r/a/caf\u{e9}.txt")).as_deref(),
            Some("a/caf\u{e9}.txt")
        );
        assert_eq!(
            to_path(root, "a/caf\u{e9}.txt"),
            Some(PathBuf::from("/r/a/caf\u{e9}.txt"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_and_backslashes_round_trip() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/r");
        let raw = OsStr::from_bytes(b"d\\ir/caf\xe9 \xff.txt");
        let path = root.join(raw);
        let text = relative(root, &path).unwrap();
        assert_eq!(text, "d\\\\ir/caf\\xE9 \\xFF.txt");
        assert!(is_escaped(&text));
        assert_eq!(to_path(root, &text), Some(path));
        assert_eq!(unescape("bad\\q"), None);
    }
}
