//! Repository-relative paths: forward slashes, no leading `./`, `..` resolved.

/// File name of a relative path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Directory of a relative path (`""` at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// `rel` taken from directory `dir`, normalised (`a/b` + `../c/./d` → `a/c/d`).
/// `None` when it climbs out of the repository or is absolute.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.trim();
    if rel.starts_with('/') || rel.contains("://") || rel.contains('$') || rel.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        assert_eq!(join("a/b", "../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(join("", "./Dockerfile").as_deref(), Some("Dockerfile"));
        assert_eq!(join("a", ".").as_deref(), Some("a"));
        assert_eq!(join("", "..").as_deref(), None);
        assert_eq!(join("a", "/etc/x").as_deref(), None);
        assert_eq!(join("a", "${DIR}/x").as_deref(), None);
        assert_eq!(dir_of("a/b/c.txt"), "a/b");
        assert_eq!(file_name("a/b/c.txt"), "c.txt");
    }
}
