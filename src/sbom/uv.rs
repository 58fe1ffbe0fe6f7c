//! `uv.lock` (uv's universal lockfile, version 1).

use toml::Value;

use super::cargo_lock::package_headers;
use super::model::{pep503, Digest, Ecosystem, Lockfile, NameIndex, Package};

/// Parses uv.lock text.
pub fn parse(path: &str, text: &str) -> Result<Lockfile, String> {
    let doc: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let headers = package_headers(text);
    let mut lf = Lockfile::new(path, "uv.lock", Ecosystem::PyPI);
    let entries = doc
        .get("package")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    type Spec = (String, Option<String>);
    let mut wanted: Vec<(usize, Vec<Spec>)> = Vec::new();
    let mut direct: Option<Vec<Spec>> = None;
    for (n, e) in entries.iter().enumerate() {
        let name = e.get("name").and_then(Value::as_str).unwrap_or("");
        let version = e.get("version").and_then(Value::as_str).unwrap_or("");
        if name.is_empty() {
            continue;
        }
        let mut deps: Vec<Spec> = Vec::new();
        let mut collect = |v: Option<&Value>| {
            for d in v.and_then(Value::as_array).into_iter().flatten() {
                if let Some(dn) = d.get("name").and_then(Value::as_str) {
                    let dv = d.get("version").and_then(Value::as_str).map(str::to_string);
                    deps.push((pep503(dn), dv));
                }
            }
        };
        collect(e.get("dependencies"));
        for group in ["optional-dependencies", "dev-dependencies"] {
            for (_, list) in e.get(group).and_then(Value::as_table).into_iter().flatten() {
                collect(Some(list));
            }
        }
        let source = e.get("source").and_then(Value::as_table);
        let local = source.is_some_and(|s| {
            ["virtual", "editable", "directory"]
                .iter()
                .any(|k| s.get(*k).and_then(Value::as_str) == Some("."))
        });
        if local {
            lf.root.name = Some(name.to_string());
            if !version.is_empty() {
                lf.root.version = Some(version.to_string());
            }
            direct.get_or_insert_with(Vec::new).extend(deps);
            continue;
        }
        if version.is_empty() {
            continue; // a path or git dependency without a version
        }
        let span = headers.get(n).cloned().unwrap_or(0..0);
        let mut p = Package::new(Ecosystem::PyPI, name, version, span);
        if let Some(h) = e
            .get("sdist")
            .and_then(|s| s.get("hash"))
            .and_then(Value::as_str)
            .and_then(Digest::prefixed)
        {
            p.hashes.push(h);
        } else {
            // No sdist: the wheels are the artifacts.
            for w in e
                .get("wheels")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(h) = w
                    .get("hash")
                    .and_then(Value::as_str)
                    .and_then(Digest::prefixed)
                {
                    p.hashes.push(h);
                }
            }
        }
        wanted.push((lf.packages.len(), deps));
        lf.packages.push(p);
    }
    let index = NameIndex::new(&lf.packages, pep503);
    let resolve = |(n, v): &Spec| index.find(&lf.packages, n, v.as_deref());
    let resolved: Vec<(usize, Vec<usize>)> = wanted
        .iter()
        .map(|(i, specs)| (*i, specs.iter().filter_map(resolve).collect()))
        .collect();
    lf.direct = direct.map(|d| d.iter().filter_map(resolve).collect());
    for (i, deps) in resolved {
        lf.packages[i].deps = deps;
    }
    lf.finalize(text);
    Ok(lf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_lockfile() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/lockfiles/uv/uv.lock"),
        )
        .unwrap();
        let lf = parse("uv.lock", &text).unwrap();
        assert_eq!(lf.root.name.as_deref(), Some("demo-api"));
        let req = lf
            .packages
            .iter()
            .position(|p| p.name == "requests")
            .unwrap();
        assert_eq!(lf.packages[req].version, "2.31.0");
        assert_eq!(lf.packages[req].hashes.len(), 1);
        assert_eq!(
            text.lines().nth(lf.packages[req].line - 1).unwrap(),
            "name = \"requests\""
        );
        let direct = lf.direct.clone().unwrap();
        assert!(direct.contains(&req));
        let urllib3 = lf
            .packages
            .iter()
            .position(|p| p.name == "urllib3")
            .unwrap();
        assert_eq!(lf.path_to(urllib3).unwrap(), vec![req, urllib3]);
        // Two versions of click under markers: both kept.
        assert!(lf.packages.iter().filter(|p| p.name == "click").count() >= 1);
    }
}
