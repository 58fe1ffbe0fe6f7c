//! `Gemfile.lock` (Bundler): `GEM`/`GIT`/`PATH` sections with `specs:` (4-space
//! gems, 6-space dependencies) and the `DEPENDENCIES` section (direct gems).

use std::collections::HashMap;

use super::model::{Ecosystem, Lockfile, Package};

/// Parses Gemfile.lock text.
pub fn parse(path: &str, text: &str) -> Lockfile {
    let mut lf = Lockfile::new(path, "Gemfile.lock", Ecosystem::RubyGems);
    let mut section = "";
    let mut in_specs = false;
    let mut wanted: Vec<(usize, Vec<String>)> = Vec::new();
    let mut direct_names: Vec<String> = Vec::new();
    let mut local: Vec<String> = Vec::new();
    let mut current: Option<usize> = None;
    let mut off = 0;
    for raw in text.split_inclusive('\n') {
        let start = off;
        off += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if indent == 0 {
            section = body;
            in_specs = false;
            continue;
        }
        match section {
            "GEM" | "GIT" | "PATH" => {
                if indent == 2 {
                    in_specs = body == "specs:";
                    continue;
                }
                if !in_specs {
                    continue;
                }
                let name = body.split(" (").next().unwrap_or(body).trim();
                if indent == 4 {
                    let Some(version) = paren(body) else {
                        continue;
                    };
                    current = None;
                    if section == "PATH" {
                        // The repository's own gem.
                        local.push(name.to_string());
                        if lf.root.name.is_none() {
                            lf.root.name = Some(name.to_string());
                            lf.root.version = Some(version.to_string());
                        }
                        continue;
                    }
                    // `nokogiri (1.15.4-x86_64-linux)`: the platform is not part of the version.
                    let version = version.split('-').next().unwrap_or(version);
                    let span = start + indent..start + line.len();
                    current = Some(wanted.len());
                    wanted.push((lf.packages.len(), Vec::new()));
                    lf.packages
                        .push(Package::new(Ecosystem::RubyGems, name, version, span));
                } else if indent == 6 {
                    if let Some((_, deps)) = current.and_then(|c| wanted.get_mut(c)) {
                        deps.push(name.to_string());
                    }
                }
            }
            "DEPENDENCIES" if indent == 2 => {
                let name = body.split([' ', '!']).next().unwrap_or(body);
                direct_names.push(name.to_string());
            }
            _ => {}
        }
    }
    // Platform variants of one gem share a name: the first wins for edges.
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (i, p) in lf.packages.iter().enumerate() {
        by_name.entry(p.name.as_str()).or_insert(i);
    }
    let resolved: Vec<(usize, Vec<usize>)> = wanted
        .iter()
        .map(|(i, d)| {
            (
                *i,
                d.iter()
                    .filter_map(|n| by_name.get(n.as_str()).copied())
                    .collect(),
            )
        })
        .collect();
    let direct: Vec<usize> = direct_names
        .iter()
        .filter(|n| !local.contains(n))
        .filter_map(|n| by_name.get(n.as_str()).copied())
        .collect();
    for (i, d) in resolved {
        lf.packages[i].deps = d;
    }
    lf.direct = Some(direct);
    lf.finalize(text);
    lf
}

fn paren(body: &str) -> Option<&str> {
    let open = body.find('(')?;
    let close = body[open..].find(')')? + open;
    Some(body[open + 1..close].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gems_edges_and_direct() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/lockfiles/ruby/Gemfile.lock"),
        )
        .unwrap();
        let lf = parse("Gemfile.lock", &text);
        let rack = lf.packages.iter().position(|p| p.name == "rack").unwrap();
        let sinatra = lf
            .packages
            .iter()
            .position(|p| p.name == "sinatra")
            .unwrap();
        let noko = lf
            .packages
            .iter()
            .position(|p| p.name == "nokogiri")
            .unwrap();
        assert_eq!(lf.packages[noko].version, "1.15.4");
        assert!(text
            .lines()
            .nth(lf.packages[rack].line - 1)
            .unwrap()
            .contains("rack ("));
        assert!(lf.packages[sinatra].deps.contains(&rack));
        assert!(lf.direct.as_ref().unwrap().contains(&sinatra));
        assert_eq!(lf.path_to(rack).unwrap().first(), Some(&sinatra));
    }
}
