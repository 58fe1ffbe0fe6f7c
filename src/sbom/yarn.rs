//! `yarn.lock`: the classic v1 format and Berry (v2+, YAML).
//!
//! Both are read line by line: an unindented key line lists the descriptors an
//! entry satisfies (`"a@^1", a@~1.2:` / `"a@npm:^1":`), indented lines carry
//! `version`, `integrity`/`checksum` and a `dependencies:` block.

use std::collections::HashMap;

use super::model::{Digest, Ecosystem, Lockfile, Package};

struct Entry {
    descriptors: Vec<String>,
    span: std::ops::Range<usize>,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    deps: Vec<(String, String)>,
    workspace: bool,
}

/// Parses yarn.lock text; `manifest` is the sibling `package.json`, if any.
pub fn parse(path: &str, text: &str, manifest: Option<&str>) -> Lockfile {
    let mut lf = Lockfile::new(path, "yarn.lock", Ecosystem::Npm);
    let mut entries: Vec<Entry> = Vec::new();
    let mut in_deps = false;
    let mut off = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = off;
        off += raw.len();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        if indent == 0 {
            in_deps = false;
            let key = line.trim_end().trim_end_matches(':');
            if key == "__metadata" {
                entries.push(Entry {
                    descriptors: Vec::new(),
                    span: start..start,
                    version: None,
                    resolved: None,
                    integrity: None,
                    deps: Vec::new(),
                    workspace: true,
                });
                continue;
            }
            // Classic quotes each descriptor (`"a@^1", "a@^2":`); Berry quotes the
            // whole list (`"a@npm:^1, a@npm:^2":`).
            let descriptors = key
                .split(',')
                .map(|d| d.trim().trim_matches('"').trim().to_string())
                .filter(|d| !d.is_empty())
                .collect::<Vec<_>>();
            let workspace = descriptors.iter().any(|d| d.contains("@workspace:"));
            entries.push(Entry {
                descriptors,
                span: start..start + line.trim_end().len(),
                version: None,
                resolved: None,
                integrity: None,
                deps: Vec::new(),
                workspace,
            });
            continue;
        }
        let Some(e) = entries.last_mut() else {
            continue;
        };
        let body = line.trim();
        if indent <= 2 {
            in_deps = matches!(body, "dependencies:" | "optionalDependencies:");
            let (k, v) = split_kv(body);
            match k {
                "version" => e.version = Some(unquote(v).to_string()),
                "integrity" => e.integrity = Some(unquote(v).to_string()),
                "resolved" => e.resolved = Some(unquote(v).to_string()),
                _ => {}
            }
        } else if in_deps {
            let (k, v) = split_kv(body);
            if !k.is_empty() && !v.is_empty() {
                e.deps
                    .push((unquote(k).to_string(), unquote(v).to_string()));
            }
        }
    }
    // descriptor -> package index
    let mut by_desc: HashMap<String, usize> = HashMap::new();
    let mut keep: Vec<(usize, usize)> = Vec::new(); // (entry, package)
    for (n, e) in entries.iter().enumerate() {
        if e.workspace {
            continue;
        }
        let (Some(version), Some(first)) = (&e.version, e.descriptors.first()) else {
            continue;
        };
        let name = descriptor_name(first);
        let version = e
            .resolved
            .as_deref()
            .and_then(|r| tarball_version(name, r))
            .unwrap_or(version);
        let mut p = Package::new(Ecosystem::Npm, name, version, e.span.clone());
        p.hashes
            .extend(e.integrity.as_deref().and_then(Digest::sri));
        for d in &e.descriptors {
            by_desc.insert(d.clone(), lf.packages.len());
        }
        keep.push((n, lf.packages.len()));
        lf.packages.push(p);
    }
    let resolve = |name: &str, range: &str| -> Option<usize> {
        by_desc
            .get(&format!("{name}@{range}"))
            .or_else(|| by_desc.get(&format!("{name}@npm:{range}")))
            .copied()
    };
    for (n, i) in keep {
        let deps = entries[n]
            .deps
            .iter()
            .filter_map(|(k, v)| resolve(k, v))
            .collect();
        lf.packages[i].deps = deps;
    }
    // Direct dependencies: the workspace entry (Berry) or package.json.
    let mut direct: Option<Vec<usize>> = None;
    if let Some(ws) = entries
        .iter()
        .find(|e| e.descriptors.iter().any(|d| d.ends_with("@workspace:.")))
    {
        direct = Some(ws.deps.iter().filter_map(|(k, v)| resolve(k, v)).collect());
        if let Some(d) = ws.descriptors.first() {
            lf.root.name = Some(descriptor_name(d).to_string());
        }
    }
    if let Some(m) = manifest.and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok()) {
        lf.root.name = m.get("name").and_then(|v| v.as_str()).map(str::to_string);
        lf.root.version = m
            .get("version")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        lf.root.license = super::npm::license_of(&m);
        if direct.is_none() {
            let mut d = Vec::new();
            for field in ["dependencies", "devDependencies", "optionalDependencies"] {
                for (k, v) in m
                    .get(field)
                    .and_then(|x| x.as_object())
                    .into_iter()
                    .flatten()
                {
                    if let Some(i) = v.as_str().and_then(|r| resolve(k, r)) {
                        d.push(i);
                    }
                }
            }
            direct = Some(d);
        }
    }
    lf.direct = direct;
    lf.finalize(text);
    lf
}

fn split_kv(body: &str) -> (&str, &str) {
    // Berry: `key: value`; classic: `key "value"` / `key value`.
    if let Some((k, v)) = body.split_once(": ") {
        return (k.trim(), v.trim());
    }
    if let Some(k) = body.strip_suffix(':') {
        return (k.trim(), "");
    }
    match body.split_once(' ') {
        Some((k, v)) => (k.trim(), v.trim()),
        None => (body, ""),
    }
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

/// `@scope/name@npm:^1` -> `@scope/name`; `name@^1` -> `name`.
pub fn descriptor_name(d: &str) -> &str {
    let from = usize::from(d.starts_with('@'));
    match d[from..].find('@') {
        Some(i) => &d[..from + i],
        None => d,
    }
}

/// The version in a registry tarball URL (`…/jimp-compact/-/jimp-compact-0.16.2.tgz#…`):
/// yarn installs what `resolved` names, so when a hand-edited entry's `version` says
/// otherwise, the tarball's is the one in `node_modules`.
fn tarball_version<'a>(name: &str, resolved: &'a str) -> Option<&'a str> {
    let path = resolved.split(['#', '?']).next()?;
    let file = path.rsplit_once("/-/")?.1;
    let base = name.rsplit('/').next()?;
    let version = file
        .strip_prefix(base)?
        .strip_prefix('-')?
        .strip_suffix(".tgz")?;
    let semverish = version.starts_with(|c: char| c.is_ascii_digit())
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c));
    semverish.then_some(version)
}

#[cfg(test)]
mod tests {

    #[test]
    fn resolved_tarball_decides_the_version() {
        let text = "# yarn lockfile v1\n\n\njimp-compact@^0.16.1:\n  version \"0.16.1\"\n  resolved \"https://registry.yarnpkg.com/jimp-compact/-/jimp-compact-0.16.2.tgz#650bf90698eb7af797e20bf5f5cdccd137e7d08a\"\n\n\"@babel/core@^7.0.0\":\n  version \"7.22.5\"\n  resolved \"https://registry.yarnpkg.com/@babel/core/-/core-7.22.5.tgz#abc\"\n\nlocal@file:./x:\n  version \"1.0.0\"\n  resolved \"file:./x\"\n";
        let lf = super::parse("yarn.lock", text, None);
        let got: Vec<(&str, &str)> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("jimp-compact", "0.16.2"),
                ("@babel/core", "7.22.5"),
                ("local", "1.0.0")
            ]
        );
    }
    use super::*;

    fn data(name: &str) -> String {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/lockfiles")
                .join(name),
        )
        .unwrap()
    }

    fn check(lf: &Lockfile, text: &str, hashes: bool) {
        assert_eq!(lf.root.name.as_deref(), Some("demo-api"));
        let ex = lf
            .packages
            .iter()
            .position(|p| p.name == "express")
            .unwrap();
        assert!(lf.packages[ex].version.starts_with("4."));
        assert_eq!(!lf.packages[ex].hashes.is_empty(), hashes);
        assert!(text
            .lines()
            .nth(lf.packages[ex].line - 1)
            .unwrap()
            .contains("express@"));
        let types = lf
            .packages
            .iter()
            .position(|p| p.name == "@types/node")
            .unwrap();
        let direct = lf.direct.clone().unwrap();
        assert!(direct.contains(&ex) && direct.contains(&types));
        let bp = lf
            .packages
            .iter()
            .position(|p| p.name == "body-parser")
            .unwrap();
        assert_eq!(lf.path_to(bp).unwrap()[0], ex);
        let undici = lf
            .packages
            .iter()
            .position(|p| p.name == "undici-types")
            .unwrap();
        assert_eq!(lf.path_to(undici).unwrap(), vec![types, undici]);
    }

    #[test]
    fn classic_real_lockfile() {
        let text = data("yarn-classic/yarn.lock");
        let lf = parse("yarn.lock", &text, Some(&data("yarn-classic/package.json")));
        check(&lf, &text, true);
    }

    #[test]
    fn berry_real_lockfile() {
        let text = data("yarn-berry/yarn.lock");
        let lf = parse("yarn.lock", &text, Some(&data("yarn-berry/package.json")));
        check(&lf, &text, false);
        assert!(!lf.packages.iter().any(|p| p.name == "__metadata"));
        // A key listing several descriptors in one quoted string.
        let cb = lf
            .packages
            .iter()
            .position(|p| p.name == "call-bind-apply-helpers")
            .unwrap();
        assert!(lf.packages.iter().all(|p| !p.name.starts_with('"')));
        assert!(lf.packages.iter().any(|p| p.deps.contains(&cb)));
    }

    #[test]
    fn descriptor_names() {
        assert_eq!(descriptor_name("@babel/core@npm:^7.0.0"), "@babel/core");
        assert_eq!(descriptor_name("lodash@^4"), "lodash");
        assert_eq!(descriptor_name("weird"), "weird");
        let _ = parse("yarn.lock", "  orphan: 1\n:\n\"\n", None);
    }
}
