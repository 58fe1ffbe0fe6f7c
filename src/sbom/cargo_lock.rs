//! `Cargo.lock` (format versions 1 to 4).

use toml::Value;

use super::model::{Digest, Ecosystem, HashAlg, Lockfile, NameIndex, Package};

/// One range per `[[package]]` table, in order (the n-th is the n-th element of
/// the `package` array): its `name = "…"` line, or the header when it has none.
pub fn package_headers(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let mut named = true;
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        let lead = line.len() - line.trim_start().len();
        if trimmed == "[[package]]" {
            out.push(off + lead..off + lead + "[[package]]".len());
            named = false;
        } else if trimmed.starts_with('[') {
            named = true; // a sub-table: the name line is behind us
        } else if !named
            && trimmed.starts_with("name")
            && trimmed[4..].trim_start().starts_with('=')
        {
            if let Some(last) = out.last_mut() {
                *last = off + lead..off + lead + trimmed.len();
            }
            named = true;
        }
        off += line.len();
    }
    out
}

/// Parses Cargo.lock text; `manifest` is the sibling `Cargo.toml`, if any.
pub fn parse(path: &str, text: &str, manifest: Option<&str>) -> Result<Lockfile, String> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let headers = package_headers(text);
    let mut lf = Lockfile::new(path, "Cargo.lock", Ecosystem::Cargo);
    let entries = doc
        .get("package")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // Workspace members have no `source`: they are the repository's own crates.
    let mut members: Vec<(String, Vec<String>)> = Vec::new();
    let mut wanted: Vec<(usize, Vec<String>)> = Vec::new();
    for (n, e) in entries.iter().enumerate() {
        let name = e.get("name").and_then(Value::as_str).unwrap_or("");
        let version = e.get("version").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || version.is_empty() {
            continue;
        }
        let deps: Vec<String> = e
            .get("dependencies")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if e.get("source").is_none() {
            if lf.root.name.is_none() {
                lf.root.name = Some(name.to_string());
                lf.root.version = Some(version.to_string());
            }
            members.push((name.to_string(), deps));
            continue;
        }
        let span = headers.get(n).cloned().unwrap_or(0..0);
        let mut p = Package::new(Ecosystem::Cargo, name, version, span);
        if let Some(sum) = e.get("checksum").and_then(Value::as_str) {
            p.hashes.extend(Digest::hex(HashAlg::Sha256, sum));
        }
        wanted.push((lf.packages.len(), deps));
        lf.packages.push(p);
    }
    // v1 lockfiles keep checksums in [metadata]: "checksum name version (source)" = "hex".
    if let Some(meta) = doc.get("metadata").and_then(Value::as_table) {
        for (k, v) in meta {
            let mut it = k.split_whitespace();
            if it.next() != Some("checksum") {
                continue;
            }
            let (Some(name), Some(ver), Some(sum)) = (it.next(), it.next(), v.as_str()) else {
                continue;
            };
            if let Some(p) = lf
                .packages
                .iter_mut()
                .find(|p| p.name == name && p.version == ver)
            {
                p.hashes.extend(Digest::hex(HashAlg::Sha256, sum));
            }
        }
    }
    let index = NameIndex::new(&lf.packages, str::to_string);
    let resolve = |spec: &str| {
        // "name", "name version" or "name version (source)".
        let mut it = spec.split_whitespace();
        let name = it.next()?;
        index.find(&lf.packages, name, it.next())
    };
    let resolved: Vec<(usize, Vec<usize>)> = wanted
        .iter()
        .map(|(i, specs)| (*i, specs.iter().filter_map(|s| resolve(s)).collect()))
        .collect();
    let direct: Vec<usize> = members
        .iter()
        .flat_map(|(_, d)| d.iter().filter_map(|s| resolve(s)))
        .collect();
    for (i, deps) in resolved {
        lf.packages[i].deps = deps;
    }
    if !members.is_empty() {
        lf.direct = Some(direct);
    }
    if let Some(m) = manifest.and_then(|m| toml::from_str::<toml::Table>(m).ok()) {
        if let Some(pkg) = m.get("package").and_then(Value::as_table) {
            if let Some(n) = pkg.get("name").and_then(Value::as_str) {
                lf.root.name = Some(n.to_string());
            }
            if let Some(v) = pkg.get("version").and_then(Value::as_str) {
                lf.root.version = Some(v.to_string());
            }
            lf.root.license = pkg
                .get("license")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
    }
    lf.finalize(text);
    Ok(lf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> String {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/lockfiles")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn real_lockfile() {
        let text = data("cargo/Cargo.lock");
        let lf = parse("Cargo.lock", &text, Some(&data("cargo/Cargo.toml"))).unwrap();
        assert_eq!(lf.root.name.as_deref(), Some("demo-svc"));
        assert_eq!(lf.root.license.as_deref(), Some("MIT"));
        let regex = lf.packages.iter().position(|p| p.name == "regex").unwrap();
        assert_eq!(lf.packages[regex].hashes[0].alg, HashAlg::Sha256);
        let line = text.lines().nth(lf.packages[regex].line - 1).unwrap();
        assert_eq!(line, "name = \"regex\"");
        let memchr = lf.packages.iter().position(|p| p.name == "memchr").unwrap();
        let path = lf.path_to(memchr).unwrap();
        assert!(lf.direct.as_ref().unwrap().contains(&path[0]));
        assert!(path.len() >= 2);
        assert!(!lf.packages.iter().any(|p| p.name == "demo-svc"));
    }

    #[test]
    fn duplicate_names_resolve_by_version() {
        let text = r#"
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["rand 0.8.5", "rand 0.7.3 (registry+https://github.com/rust-lang/crates.io-index)"]

[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "rand"
version = "0.8.5"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        let lf = parse("Cargo.lock", text, None).unwrap();
        assert_eq!(lf.packages.len(), 2);
        assert_eq!(lf.direct, Some(vec![0, 1]));
        assert_eq!(lf.packages[0].line, 8);
        assert!(parse("Cargo.lock", "[[package]\n", None).is_err());
    }
}
