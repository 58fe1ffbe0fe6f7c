//! `Pipfile.lock` (pipenv).

use serde_json::Value;

use super::jsonpos::KeyPositions;
use super::model::{Digest, Ecosystem, Lockfile, Package};

/// Parses Pipfile.lock text. It records no dependency graph: every entry is taken as direct.
pub fn parse(path: &str, text: &str) -> Result<Lockfile, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let pos = KeyPositions::new(text);
    let mut lf = Lockfile::new(path, "Pipfile.lock", Ecosystem::PyPI);
    for (section, dev) in [("default", false), ("develop", true)] {
        for (name, e) in v
            .get(section)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some(version) = e
                .get("version")
                .and_then(Value::as_str)
                .and_then(|s| s.strip_prefix("===").or_else(|| s.strip_prefix("==")))
            else {
                continue; // git / path / editable entries
            };
            let span = pos.get_or(&[section, name], 0..0);
            let mut p = Package::new(Ecosystem::PyPI, name, version.trim(), span);
            p.dev = dev;
            p.hashes = e
                .get("hashes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter_map(Digest::prefixed)
                .collect();
            lf.packages.push(p);
        }
    }
    lf.direct = Some((0..lf.packages.len()).collect());
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
                .join("tests/data/lockfiles/pipenv/Pipfile.lock"),
        )
        .unwrap();
        let lf = parse("Pipfile.lock", &text).unwrap();
        let flask = lf.packages.iter().find(|p| p.name == "flask").unwrap();
        assert_eq!(flask.version, "2.3.3");
        assert!(!flask.dev && !flask.hashes.is_empty());
        assert!(text
            .lines()
            .nth(flask.line - 1)
            .unwrap()
            .contains("\"flask\""));
        assert!(lf.packages.iter().find(|p| p.name == "pytest").unwrap().dev);
        assert!(parse("Pipfile.lock", "[").is_err());
    }
}
