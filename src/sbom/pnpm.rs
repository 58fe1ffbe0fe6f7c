//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x.
//!
//! v9 keeps metadata in `packages` (`name@1.0.0`) and edges in `snapshots`
//! (`name@1.0.0(peer@2)`); v6 keys are `/name@1.0.0`, v5 `/name/1.0.0`. Direct
//! dependencies come from `importers` (or top-level `dependencies` before v6).

use std::collections::HashMap;

use crate::parse::yaml::{self, YamlNode};

use super::model::{Digest, Ecosystem, Lockfile, Package};

/// Splits a package key into name and version, peer suffixes dropped.
fn split_key(key: &str) -> Option<(String, String)> {
    let k = key.strip_prefix('/').unwrap_or(key);
    let k = k.split('(').next().unwrap_or(k);
    let from = usize::from(k.starts_with('@'));
    if let Some(i) = k[from..].find('@') {
        let (n, v) = k.split_at(from + i);
        // v5 keys have a `/version` path segment before any `@` of a peer suffix.
        if n.matches('/').count() <= from {
            return Some((n.to_string(), v[1..].to_string()));
        }
    }
    // v5: /name/1.0.0 or /@scope/name/1.0.0_peer@1
    let (n, v) = k.rsplit_once('/')?;
    let v = v.split('_').next().unwrap_or(v);
    Some((n.to_string(), v.to_string()))
}

/// A dependency reference (`1.2.3`, `1.2.3(peer@1)`, `/other/1.0.0`, `link:../x`)
/// as a package key lookup `(name, version)`.
fn dep_ref(name: &str, v: &str) -> Option<(String, String)> {
    if v.starts_with("link:") || v.starts_with("file:") || v.starts_with("workspace:") {
        return None;
    }
    if v.starts_with('/') || (v.contains('@') && !v.starts_with(|c: char| c.is_ascii_digit())) {
        return split_key(v);
    }
    let ver = v.split('(').next().unwrap_or(v);
    let ver = ver.split('_').next().unwrap_or(ver);
    Some((name.to_string(), ver.to_string()))
}

fn map_of(node: Option<&YamlNode>) -> &[crate::parse::yaml::YamlPair] {
    node.and_then(YamlNode::as_map).unwrap_or(&[])
}

/// Parses pnpm-lock.yaml text.
pub fn parse(path: &str, text: &str) -> Result<Lockfile, String> {
    let file = yaml::parse(text);
    if file.error.is_some() {
        return Err("YAML syntax error".to_string());
    }
    let root = file
        .documents
        .first()
        .and_then(|d| d.root.as_ref())
        .ok_or("empty document")?;
    let mut lf = Lockfile::new(path, "pnpm-lock.yaml", Ecosystem::Npm);
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut edges: Vec<(usize, Vec<(String, String)>)> = Vec::new();
    let deps_of = |node: &YamlNode| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for f in ["dependencies", "optionalDependencies"] {
            for pair in map_of(node.get(f)) {
                if let Some(r) = pair.value.as_str().and_then(|v| dep_ref(&pair.key, v)) {
                    out.push(r);
                }
            }
        }
        out
    };
    for pair in map_of(root.get("packages")) {
        let Some((name, version)) = split_key(&pair.key) else {
            continue;
        };
        let key = (name.clone(), version.clone());
        if index.contains_key(&key) {
            continue; // v6 lists one entry per peer variant
        }
        let mut p = Package::new(Ecosystem::Npm, &name, &version, pair.key_span.clone());
        if let Some(i) = pair
            .value
            .at(&["resolution", "integrity"])
            .and_then(YamlNode::as_str)
        {
            p.hashes.extend(Digest::sri(i));
        }
        p.dev = pair.value.get("dev").and_then(YamlNode::as_bool) == Some(true);
        index.insert(key, lf.packages.len());
        edges.push((lf.packages.len(), deps_of(&pair.value)));
        lf.packages.push(p);
    }
    // v9: edges live in `snapshots`.
    for pair in map_of(root.get("snapshots")) {
        let Some(key) = split_key(&pair.key) else {
            continue;
        };
        if let Some(&i) = index.get(&key) {
            edges.push((i, deps_of(&pair.value)));
        }
    }
    for (i, refs) in edges {
        let mut deps: Vec<usize> = refs.iter().filter_map(|r| index.get(r).copied()).collect();
        lf.packages[i].deps.append(&mut deps);
    }
    // Direct dependencies.
    let mut direct = Vec::new();
    let mut seen_direct = false;
    let mut importer_roots: Vec<&YamlNode> = Vec::new();
    if let Some(dot) = root.at(&["importers", "."]) {
        importer_roots.push(dot);
    } else if root.get("importers").is_none() {
        importer_roots.push(root);
    }
    for imp in importer_roots {
        for f in ["dependencies", "devDependencies", "optionalDependencies"] {
            for pair in map_of(imp.get(f)) {
                seen_direct = true;
                // v6+: {specifier, version}; v5: a version string.
                let v = pair
                    .value
                    .get("version")
                    .and_then(YamlNode::as_str)
                    .or_else(|| pair.value.as_str());
                if let Some(i) = v
                    .and_then(|v| dep_ref(&pair.key, v))
                    .and_then(|r| index.get(&r).copied())
                {
                    direct.push(i);
                }
            }
        }
    }
    if seen_direct {
        lf.direct = Some(direct);
    }
    lf.finalize(text);
    Ok(lf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v9_real_lockfile() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/lockfiles/pnpm/pnpm-lock.yaml"),
        )
        .unwrap();
        let lf = parse("pnpm-lock.yaml", &text).unwrap();
        let ex = lf
            .packages
            .iter()
            .position(|p| p.name == "express")
            .unwrap();
        assert!(!lf.packages[ex].hashes.is_empty());
        assert!(text
            .lines()
            .nth(lf.packages[ex].line - 1)
            .unwrap()
            .contains("express@4"));
        let types = lf
            .packages
            .iter()
            .position(|p| p.name == "@types/node")
            .unwrap();
        assert_eq!(lf.direct.clone().unwrap(), vec![types, ex]);
        let bp = lf
            .packages
            .iter()
            .position(|p| p.name == "body-parser")
            .unwrap();
        assert_eq!(lf.path_to(bp).unwrap(), vec![ex, bp]);
    }

    #[test]
    fn v6_and_v5_keys() {
        let v6 = "lockfileVersion: '6.0'\n\ndependencies:\n  react-dom:\n    specifier: ^18\n    version: 18.2.0(react@18.2.0)\n\npackages:\n\n  /react-dom@18.2.0(react@18.2.0):\n    resolution: {integrity: sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==}\n    dependencies:\n      react: 18.2.0\n    dev: false\n\n  /react@18.2.0:\n    resolution: {integrity: sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==}\n    dev: false\n";
        let lf = parse("pnpm-lock.yaml", v6).unwrap();
        assert_eq!(lf.packages.len(), 2);
        assert_eq!(lf.packages[0].name, "react-dom");
        assert_eq!(lf.packages[0].line, 10);
        assert_eq!(lf.packages[0].deps, vec![1]);
        assert_eq!(lf.direct, Some(vec![0]));
        let v5 = "lockfileVersion: 5.4\n\nspecifiers:\n  '@scope/a': ^1.0.0\n\ndependencies:\n  '@scope/a': 1.0.0_b@2.0.0\n\npackages:\n\n  /@scope/a/1.0.0_b@2.0.0:\n    resolution: {integrity: sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==}\n    dependencies:\n      b: 2.0.0\n\n  /b/2.0.0:\n    dev: false\n";
        let lf = parse("pnpm-lock.yaml", v5).unwrap();
        let names: Vec<(&str, &str)> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(names, vec![("@scope/a", "1.0.0"), ("b", "2.0.0")]);
        assert_eq!(lf.packages[0].deps, vec![1]);
        assert_eq!(lf.direct, Some(vec![0]));
    }
}
