//! `poetry.lock` (1.x and 2.x).

use toml::Value;

use super::cargo_lock::package_headers;
use super::model::{pep503, Digest, Ecosystem, Lockfile, NameIndex, Package};

/// Parses poetry.lock text; `manifest` is the sibling `pyproject.toml`, if any.
pub fn parse(path: &str, text: &str, manifest: Option<&str>) -> Result<Lockfile, String> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let headers = package_headers(text);
    let mut lf = Lockfile::new(path, "poetry.lock", Ecosystem::PyPI);
    let mut wanted: Vec<(usize, Vec<String>)> = Vec::new();
    let entries = doc
        .get("package")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (n, e) in entries.iter().enumerate() {
        let name = e.get("name").and_then(Value::as_str).unwrap_or("");
        let version = e.get("version").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() || version.is_empty() {
            continue;
        }
        let span = headers.get(n).cloned().unwrap_or(0..0);
        let mut p = Package::new(Ecosystem::PyPI, name, version, span);
        for f in e
            .get("files")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(h) = f
                .get("hash")
                .and_then(Value::as_str)
                .and_then(Digest::prefixed)
            {
                p.hashes.push(h);
            }
        }
        // Poetry 1.x: category = "dev"; 2.x: groups = ["dev"].
        p.dev = e.get("category").and_then(Value::as_str) == Some("dev")
            || e.get("groups")
                .and_then(Value::as_array)
                .is_some_and(|g| !g.is_empty() && g.iter().all(|x| x.as_str() != Some("main")));
        let deps = e
            .get("dependencies")
            .and_then(Value::as_table)
            .map(|t| t.keys().map(|k| pep503(k)).collect())
            .unwrap_or_default();
        wanted.push((lf.packages.len(), deps));
        lf.packages.push(p);
    }
    let index = NameIndex::new(&lf.packages, pep503);
    for (i, deps) in wanted {
        lf.packages[i].deps = deps
            .iter()
            .filter_map(|d| index.find(&lf.packages, d, None))
            .collect();
    }
    if let Some(m) = manifest.and_then(|m| toml::from_str::<toml::Table>(m).ok()) {
        let (root, direct) = super::requirements::pyproject_root(&m);
        lf.root = root;
        if let Some(names) = direct {
            lf.direct = Some(
                names
                    .iter()
                    .filter_map(|d| index.find(&lf.packages, &pep503(d), None))
                    .collect(),
            );
        }
    }
    lf.finalize(text);
    Ok(lf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_lockfile() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lockfiles/poetry");
        let text = std::fs::read_to_string(dir.join("poetry.lock")).unwrap();
        let manifest = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap();
        let lf = parse("poetry.lock", &text, Some(&manifest)).unwrap();
        assert_eq!(lf.root.name.as_deref(), Some("demo-poetry"));
        let req = lf
            .packages
            .iter()
            .position(|p| p.name == "requests")
            .unwrap();
        assert!(!lf.packages[req].hashes.is_empty());
        assert!(text
            .lines()
            .nth(lf.packages[req].line - 1)
            .unwrap()
            .contains("requests"));
        assert!(lf.direct.as_ref().unwrap().contains(&req));
        let idna = lf.packages.iter().position(|p| p.name == "idna").unwrap();
        assert_eq!(lf.path_to(idna).unwrap(), vec![req, idna]);
    }
}
