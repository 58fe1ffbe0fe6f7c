//! `package-lock.json` / `npm-shrinkwrap.json`, lockfile versions 1 to 3.
//!
//! v2/v3 list every installed copy under `packages` keyed by its `node_modules`
//! path; v1 nests `dependencies` trees with `requires`. Both are flattened to
//! install paths and dependency edges are resolved the way Node resolves
//! `require`: the nearest `node_modules/<name>` up the tree.

use std::collections::HashMap;

use serde_json::Value;

use super::jsonpos::KeyPositions;
use super::model::{Digest, Ecosystem, Lockfile, Package};

/// Parses npm lock text; `manifest` is the sibling `package.json`, if any.
pub fn parse(path: &str, text: &str, manifest: Option<&str>) -> Result<Lockfile, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let pos = KeyPositions::new(text);
    let format = if path.ends_with("npm-shrinkwrap.json") {
        "npm-shrinkwrap.json"
    } else {
        "package-lock.json"
    };
    let mut lf = Lockfile::new(path, format, Ecosystem::Npm);
    lf.root.name = v.get("name").and_then(Value::as_str).map(str::to_string);
    lf.root.version = v.get("version").and_then(Value::as_str).map(str::to_string);

    // install path -> (package index, declared dependency names)
    let mut installs: HashMap<String, usize> = HashMap::new();
    let mut wanted: Vec<(String, Vec<String>)> = Vec::new();
    let mut root_deps: Option<Vec<String>> = None;
    let mut links: HashMap<String, String> = HashMap::new();

    if let Some(pkgs) = v.get("packages").and_then(Value::as_object) {
        for (key, entry) in pkgs {
            let names = dep_names(entry, &["dependencies", "optionalDependencies"]);
            if key.is_empty() {
                let mut all = names;
                all.extend(dep_names(entry, &["devDependencies"]));
                root_deps = Some(all);
                if let Some(n) = entry.get("name").and_then(Value::as_str) {
                    lf.root.name = Some(n.to_string());
                }
                if let Some(n) = entry.get("version").and_then(Value::as_str) {
                    lf.root.version = Some(n.to_string());
                }
                lf.root.license = license_of(entry);
                continue;
            }
            if entry.get("link").and_then(Value::as_bool) == Some(true) {
                if let Some(target) = entry.get("resolved").and_then(Value::as_str) {
                    links.insert(key.clone(), target.to_string());
                }
                continue;
            }
            // Workspace members (`packages/app`) are the repository's own code.
            // An alias (`"x": "npm:real@1"`) is installed under its alias; the
            // entry's `name` is the real package.
            let Some(name) = entry
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| name_from_install_path(key))
            else {
                continue;
            };
            if !key.contains("node_modules/") {
                continue;
            }
            let Some(version) = entry.get("version").and_then(Value::as_str) else {
                continue;
            };
            let span = pos.get_or(&["packages", key], 0..0);
            let mut p = Package::new(Ecosystem::Npm, &name, version, span);
            p.hashes = entry
                .get("integrity")
                .and_then(Value::as_str)
                .and_then(Digest::sri)
                .into_iter()
                .collect();
            p.license = license_of(entry);
            p.dev = entry.get("dev").and_then(Value::as_bool) == Some(true)
                || entry.get("devOptional").and_then(Value::as_bool) == Some(true);
            installs.insert(key.clone(), lf.packages.len());
            wanted.push((key.clone(), names));
            lf.packages.push(p);
        }
    } else if let Some(deps) = v.get("dependencies").and_then(Value::as_object) {
        // Lockfile v1: nested trees.
        let mut stack: Vec<(String, Vec<String>, &serde_json::Map<String, Value>)> =
            vec![(String::new(), vec!["dependencies".to_string()], deps)];
        while let Some((prefix, jpath, map)) = stack.pop() {
            for (name, entry) in map {
                let key = format!("{prefix}node_modules/{name}");
                let mut here = jpath.clone();
                here.push(name.clone());
                let Some(version) = entry.get("version").and_then(Value::as_str) else {
                    continue;
                };
                let segs: Vec<&str> = here.iter().map(String::as_str).collect();
                let span = pos.get_or(&segs, 0..0);
                let mut p = Package::new(Ecosystem::Npm, name, version, span);
                p.hashes = entry
                    .get("integrity")
                    .and_then(Value::as_str)
                    .and_then(Digest::sri)
                    .into_iter()
                    .collect();
                p.dev = entry.get("dev").and_then(Value::as_bool) == Some(true);
                let names = entry
                    .get("requires")
                    .and_then(Value::as_object)
                    .map(|m| m.keys().cloned().collect())
                    .unwrap_or_default();
                installs.insert(key.clone(), lf.packages.len());
                wanted.push((key.clone(), names));
                lf.packages.push(p);
                if let Some(sub) = entry.get("dependencies").and_then(Value::as_object) {
                    let mut sub_path = here.clone();
                    sub_path.push("dependencies".to_string());
                    stack.push((format!("{key}/"), sub_path, sub));
                }
            }
        }
    }

    // Resolve edges.
    for (key, names) in &wanted {
        let Some(&from) = installs.get(key) else {
            continue;
        };
        let mut deps = Vec::new();
        for n in names {
            if let Some(i) = resolve(&installs, &links, key, n) {
                deps.push(i);
            }
        }
        lf.packages[from].deps = deps;
    }
    let root_deps = root_deps.or_else(|| manifest.and_then(manifest_deps));
    if let Some(names) = root_deps {
        lf.direct = Some(
            names
                .iter()
                .filter_map(|n| resolve(&installs, &links, "", n))
                .collect(),
        );
    }
    if let Some(m) = manifest.and_then(|m| serde_json::from_str::<Value>(m).ok()) {
        if lf.root.name.is_none() {
            lf.root.name = m.get("name").and_then(Value::as_str).map(str::to_string);
        }
        if lf.root.license.is_none() {
            lf.root.license = license_of(&m);
        }
    }
    lf.finalize(text);
    Ok(lf)
}

/// `node_modules/a/node_modules/@s/b` -> `@s/b`.
fn name_from_install_path(key: &str) -> Option<String> {
    let (_, last) = key.rsplit_once("node_modules/")?;
    (!last.is_empty()).then(|| last.to_string())
}

fn dep_names(entry: &Value, fields: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for f in fields {
        if let Some(m) = entry.get(*f).and_then(Value::as_object) {
            out.extend(m.keys().cloned());
        }
    }
    out
}

fn manifest_deps(text: &str) -> Option<Vec<String>> {
    let m: Value = serde_json::from_str(text).ok()?;
    Some(dep_names(
        &m,
        &["dependencies", "devDependencies", "optionalDependencies"],
    ))
}

/// `"license": "MIT"`, or the legacy `{"type": "MIT"}` / `licenses: [...]` forms.
pub fn license_of(entry: &Value) -> Option<String> {
    match entry.get("license") {
        Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.trim().to_string()),
        Some(Value::Object(o)) => {
            return o.get("type").and_then(Value::as_str).map(str::to_string);
        }
        _ => {}
    }
    let list = entry.get("licenses")?.as_array()?;
    let ids: Vec<String> = list
        .iter()
        .filter_map(|l| match l {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("type").and_then(Value::as_str).map(str::to_string),
            _ => None,
        })
        .collect();
    match ids.len() {
        0 => None,
        1 => ids.into_iter().next(),
        _ => Some(format!("({})", ids.join(" OR "))),
    }
}

/// Node's lookup: `<from>/node_modules/<name>`, then each ancestor's `node_modules`.
fn resolve(
    installs: &HashMap<String, usize>,
    links: &HashMap<String, String>,
    from: &str,
    name: &str,
) -> Option<usize> {
    let mut base = from.to_string();
    loop {
        let cand = if base.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{base}/node_modules/{name}")
        };
        if let Some(&i) = installs.get(&cand) {
            return Some(i);
        }
        if links.contains_key(&cand) {
            return None; // a workspace package: the repository's own code
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(i) => base[..i].to_string(),
            None => String::new(),
        };
    }
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
    fn v3_real_lockfile() {
        let text = data("npm-v3/package-lock.json");
        let lf = parse("package-lock.json", &text, None).unwrap();
        assert_eq!(lf.root.name.as_deref(), Some("demo-api"));
        let express = lf
            .packages
            .iter()
            .position(|p| p.name == "express")
            .unwrap();
        let e = &lf.packages[express];
        assert!(e.version.starts_with("4."));
        assert_eq!(e.license.as_deref(), Some("MIT"));
        assert_eq!(e.hashes[0].hex.len(), 128);
        assert!(text
            .lines()
            .nth(e.line - 1)
            .unwrap()
            .contains("node_modules/express"));
        let types = lf
            .packages
            .iter()
            .position(|p| p.name == "@types/node")
            .unwrap();
        let direct = lf.direct.clone().unwrap();
        assert!(direct.contains(&express) && direct.contains(&types));
        // body-parser is transitive, through express.
        let bp = lf
            .packages
            .iter()
            .position(|p| p.name == "body-parser")
            .unwrap();
        assert!(!direct.contains(&bp));
        let path = lf.path_to(bp).unwrap();
        assert_eq!(path.first(), Some(&express));
    }

    #[test]
    fn v1_and_v2_real_lockfiles_agree_with_v3() {
        let summary = |dir: &str| {
            let text = data(&format!("{dir}/package-lock.json"));
            let lf = parse(
                "package-lock.json",
                &text,
                Some(&data(&format!("{dir}/package.json"))),
            )
            .unwrap();
            assert_eq!(lf.root.name.as_deref(), Some("demo-api"));
            for p in &lf.packages {
                assert!(text
                    .lines()
                    .nth(p.line - 1)
                    .unwrap()
                    .contains(&format!("{}\"", p.name)));
            }
            let ms = lf
                .packages
                .iter()
                .position(|p| p.name == "ms" && p.version == "2.0.0")
                .unwrap();
            let path: Vec<String> = lf
                .path_to(ms)
                .unwrap()
                .iter()
                .map(|&i| lf.packages[i].name.clone())
                .collect();
            assert_eq!(path, vec!["express", "debug", "ms"]);
            let mut pkgs: Vec<(String, String, bool)> = lf
                .packages
                .iter()
                .map(|p| (p.name.clone(), p.version.clone(), !p.hashes.is_empty()))
                .collect();
            pkgs.sort();
            pkgs
        };
        let v1 = summary("npm-v1");
        let v2 = summary("npm-v2");
        let v3 = summary("npm-v3");
        assert_eq!(v1, v2);
        assert_eq!(v2, v3);
    }

    #[test]
    fn v1_nested_and_requires() {
        let text = r#"{
  "name": "old-app",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "debug": {
      "version": "2.6.9",
      "resolved": "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
      "integrity": "sha512-bC7ElrdJaJnPbAP+1EotYvqZsb3ecl5wi6Bfi6BJTUcNowp6cvspg0jXznRTKDjm/E7AdgFBVeAPVMNcKGsHMA==",
      "requires": { "ms": "2.0.0" }
    },
    "express": {
      "version": "4.16.0",
      "requires": { "debug": "2.6.9", "ms": "2.1.1" },
      "dependencies": {
        "ms": { "version": "2.1.1" }
      }
    },
    "ms": { "version": "2.0.0", "dev": true }
  }
}"#;
        let lf = parse(
            "package-lock.json",
            text,
            Some(r#"{"dependencies":{"express":"^4"}}"#),
        )
        .unwrap();
        assert_eq!(lf.packages.len(), 4);
        assert_eq!(lf.packages[0].name, "debug");
        assert_eq!(lf.packages[0].line, 7);
        let ex = lf
            .packages
            .iter()
            .position(|p| p.name == "express")
            .unwrap();
        let deps: Vec<(&str, &str)> = lf.packages[ex]
            .deps
            .iter()
            .map(|&d| {
                (
                    lf.packages[d].name.as_str(),
                    lf.packages[d].version.as_str(),
                )
            })
            .collect();
        assert!(deps.contains(&("ms", "2.1.1")) && deps.contains(&("debug", "2.6.9")));
        assert_eq!(lf.direct, Some(vec![ex]));
        let top_ms = lf
            .packages
            .iter()
            .position(|p| p.name == "ms" && p.version == "2.0.0")
            .unwrap();
        assert!(lf.packages[top_ms].dev);
        assert_eq!(lf.path_to(top_ms).unwrap().len(), 3);
    }

    #[test]
    fn aliases_use_the_real_name() {
        let text = r#"{"name": "a", "lockfileVersion": 3, "packages": {
  "": {"name": "a", "dependencies": {"legacy-lodash": "npm:lodash@4.17.20"}},
  "node_modules/legacy-lodash": {"name": "lodash", "version": "4.17.20"}
}}"#;
        let lf = parse("package-lock.json", text, None).unwrap();
        assert_eq!(lf.packages[0].name, "lodash");
        assert_eq!(lf.direct, Some(vec![0]));
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(parse("package-lock.json", "{", None).is_err());
        let lf = parse("package-lock.json", "{\"packages\": []}", None).unwrap();
        assert!(lf.packages.is_empty());
    }
}
