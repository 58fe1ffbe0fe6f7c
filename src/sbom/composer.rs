//! `composer.lock`: `packages` and `packages-dev` arrays.

use serde_json::Value;

use super::jsonpos::KeyPositions;
use super::model::{Digest, Ecosystem, HashAlg, Lockfile, NameIndex, Package};

/// Parses composer.lock text; `manifest` is the sibling `composer.json`, if any.
pub fn parse(path: &str, text: &str, manifest: Option<&str>) -> Result<Lockfile, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let pos = KeyPositions::new(text);
    let mut lf = Lockfile::new(path, "composer.lock", Ecosystem::Packagist);
    let mut wanted: Vec<(usize, Vec<String>)> = Vec::new();
    for (section, dev) in [("packages", false), ("packages-dev", true)] {
        for (n, e) in v
            .get(section)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let (Some(name), Some(version)) = (
                e.get("name").and_then(Value::as_str),
                e.get("version").and_then(Value::as_str),
            ) else {
                continue;
            };
            let idx = n.to_string();
            let span = pos
                .get(&[section, &idx, "name"])
                .or_else(|| pos.get(&[section, &idx]))
                .unwrap_or(0..0);
            let mut p = Package::new(Ecosystem::Packagist, name, version, span);
            p.dev = dev;
            if let Some(sum) = e
                .get("dist")
                .and_then(|d| d.get("shasum"))
                .and_then(Value::as_str)
            {
                p.hashes.extend(Digest::hex(HashAlg::Sha1, sum));
            }
            let licenses: Vec<&str> = e
                .get("license")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            p.license = match licenses.len() {
                0 => None,
                1 => Some(licenses[0].to_string()),
                _ => Some(format!("({})", licenses.join(" OR "))),
            };
            wanted.push((lf.packages.len(), require_names(e)));
            lf.packages.push(p);
        }
    }
    let index = NameIndex::new(&lf.packages, str::to_ascii_lowercase);
    for (i, names) in wanted {
        lf.packages[i].deps = names
            .iter()
            .filter_map(|n| index.find(&lf.packages, &n.to_ascii_lowercase(), None))
            .collect();
    }
    if let Some(m) = manifest.and_then(|m| serde_json::from_str::<Value>(m).ok()) {
        lf.root.name = m.get("name").and_then(Value::as_str).map(str::to_string);
        lf.root.version = m.get("version").and_then(Value::as_str).map(str::to_string);
        lf.root.license = m.get("license").and_then(|l| match l {
            Value::String(s) => Some(s.clone()),
            Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_string),
            _ => None,
        });
        let mut direct = require_names(&m);
        if let Some(dev) = m.get("require-dev").and_then(Value::as_object) {
            direct.extend(dev.keys().cloned());
        }
        lf.direct = Some(
            direct
                .iter()
                .filter_map(|n| index.find(&lf.packages, &n.to_ascii_lowercase(), None))
                .collect(),
        );
    }
    lf.finalize(text);
    Ok(lf)
}

/// Package names in `require`, platform requirements (`php`, `ext-*`) left out.
fn require_names(e: &Value) -> Vec<String> {
    e.get("require")
        .and_then(Value::as_object)
        .map(|m| m.keys().filter(|k| k.contains('/')).cloned().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_and_dev() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lockfiles/php");
        let text = std::fs::read_to_string(dir.join("composer.lock")).unwrap();
        let manifest = std::fs::read_to_string(dir.join("composer.json")).unwrap();
        let lf = parse("composer.lock", &text, Some(&manifest)).unwrap();
        let guzzle = lf
            .packages
            .iter()
            .position(|p| p.name == "guzzlehttp/guzzle")
            .unwrap();
        let psr7 = lf
            .packages
            .iter()
            .position(|p| p.name == "guzzlehttp/psr7")
            .unwrap();
        assert_eq!(lf.packages[guzzle].license.as_deref(), Some("MIT"));
        assert!(lf.packages[guzzle].deps.contains(&psr7));
        assert!(text
            .lines()
            .nth(lf.packages[guzzle].line - 1)
            .unwrap()
            .contains("guzzlehttp/guzzle"));
        assert!(lf.packages.iter().any(|p| p.dev));
        assert_eq!(lf.path_to(psr7).unwrap()[0], guzzle);
    }
}
