//! `go.mod`: the module's requirements (since Go 1.17 the full build list,
//! `// indirect` marking the transitive ones). Before Go 1.17 a go.mod lists only
//! what the module imports directly (and what it had to raise); the rest of the
//! build list is then read from `go.sum`: each module whose content hash it
//! records (not only its `/go.mod` hash), at the highest such version, which is
//! the one minimal version selection keeps. For Go 1.17 and later go.sum adds
//! nothing (it also lists versions MVS discarded), and its `h1:` digests hash a
//! module tree, not an artifact a CycloneDX `hashes` entry could describe.

use super::model::{Ecosystem, Lockfile, Package};

/// Parses go.mod text.
pub fn parse(path: &str, text: &str) -> Lockfile {
    let mut lf = Lockfile::new(path, "go.mod", Ecosystem::Go);
    let mut direct = Vec::new();
    let mut in_require = false;
    let mut replaced: Vec<(String, Option<String>, String, String)> = Vec::new();
    let mut in_replace = false;
    let mut off = 0;
    for raw in text.split_inclusive('\n') {
        let start = off;
        off += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let (code, comment) = match line.find("//") {
            Some(i) => (&line[..i], &line[i + 2..]),
            None => (line, ""),
        };
        let code = code.trim();
        let lead = line.len() - line.trim_start().len();
        let mut words: Vec<&str> = code.split_whitespace().collect();
        if in_require || in_replace {
            if code == ")" {
                in_require = false;
                in_replace = false;
                continue;
            }
        } else {
            match words.first().copied() {
                Some("module") => {
                    lf.root.name = words.get(1).map(|s| s.trim_matches('"').to_string());
                    continue;
                }
                Some("require") if words.get(1) == Some(&"(") => {
                    in_require = true;
                    continue;
                }
                Some("replace") if words.get(1) == Some(&"(") => {
                    in_replace = true;
                    continue;
                }
                Some("require") => {
                    words.remove(0);
                }
                Some("replace") => {
                    words.remove(0);
                    push_replace(&words, &mut replaced);
                    continue;
                }
                _ => continue,
            }
        }
        if in_replace {
            push_replace(&words, &mut replaced);
            continue;
        }
        if let [module, version] = words[..] {
            let module = module.trim_matches('"');
            let span = start + lead..start + line.trim_end().len();
            let mut p = Package::new(Ecosystem::Go, module, version, span);
            p.dev = false;
            if !comment.trim().starts_with("indirect") {
                direct.push(lf.packages.len());
            }
            lf.packages.push(p);
        }
    }
    // `replace old [v] => new v` swaps the module that is built; a replacement by a
    // local directory builds the repository's own code (a module of a monorepo), which
    // is the project, not a dependency at the version `require` names.
    let mut local = vec![false; lf.packages.len()];
    for (old, old_v, new, new_v) in replaced {
        let is_local = new.starts_with('.') || new.starts_with('/');
        for (i, p) in lf.packages.iter_mut().enumerate() {
            if p.name == old && old_v.as_ref().is_none_or(|v| *v == p.version) {
                if is_local {
                    local[i] = true;
                } else {
                    p.name = new.clone();
                    p.version = new_v.clone();
                }
            }
        }
    }
    if local.contains(&true) {
        let mut new_index = Vec::with_capacity(local.len());
        let mut kept = 0;
        for &l in &local {
            new_index.push((!l).then_some(kept));
            kept += usize::from(!l);
        }
        direct = direct.iter().filter_map(|&i| new_index[i]).collect();
        let mut i = 0;
        lf.packages.retain(|_| {
            i += 1;
            !local[i - 1]
        });
    }
    lf.direct = Some(direct);
    lf.finalize(text);
    lf
}

/// Whether a go.mod's `go` directive is older than 1.17 (or missing), so that its
/// requirements are not the whole build list.
pub fn needs_go_sum(go_mod: &str) -> bool {
    let version = go_mod.lines().find_map(|l| {
        let code = l.split("//").next().unwrap_or("");
        let mut w = code.split_whitespace();
        (w.next() == Some("go")).then(|| w.next()).flatten()
    });
    let Some(v) = version else {
        return true;
    };
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (major, minor) < (1, 17)
}

/// The modules of the build list that only `go.sum` names (for a go.mod older than
/// Go 1.17): `go_sum_path`'s packages, all indirect, minus what `go_mod` requires.
pub fn from_go_sum(go_sum_path: &str, text: &str, go_mod: &Lockfile) -> Lockfile {
    let mut lf = Lockfile::new(go_sum_path, "go.sum", Ecosystem::Go);
    lf.root = go_mod.root.clone();
    let required: std::collections::HashSet<&str> =
        go_mod.packages.iter().map(|p| p.name.as_str()).collect();
    // module -> (version, span of its line)
    let mut best: std::collections::BTreeMap<&str, (&str, std::ops::Range<usize>)> =
        std::collections::BTreeMap::new();
    let mut off = 0;
    for raw in text.split_inclusive('\n') {
        let start = off;
        off += raw.len();
        let mut w = raw.split_whitespace();
        let (Some(module), Some(version), Some(_hash)) = (w.next(), w.next(), w.next()) else {
            continue;
        };
        if version.ends_with("/go.mod") || required.contains(module) {
            continue;
        }
        let newer = best
            .get(module)
            .is_none_or(|(v, _)| go_version_cmp(version, v) == std::cmp::Ordering::Greater);
        if newer {
            best.insert(module, (version, start..start + raw.trim_end().len()));
        }
    }
    for (module, (version, span)) in best {
        lf.packages
            .push(Package::new(Ecosystem::Go, module, version, span));
    }
    lf.direct = Some(Vec::new());
    lf.finalize(text);
    lf
}

/// Go module version order (SemVer; pseudo-versions are SemVer pre-releases).
fn go_version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let parse = |v: &str| semver::Version::parse(v.trim_start_matches('v')).ok();
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp_precedence(&y),
        _ => a.cmp(b),
    }
}

fn push_replace(words: &[&str], out: &mut Vec<(String, Option<String>, String, String)>) {
    let Some(arrow) = words.iter().position(|w| *w == "=>") else {
        return;
    };
    let (lhs, rhs) = (&words[..arrow], &words[arrow + 1..]);
    if let (Some(old), Some(new)) = (lhs.first(), rhs.first()) {
        out.push((
            old.to_string(),
            lhs.get(1).map(|s| s.to_string()),
            new.to_string(),
            rhs.get(1).map(|s| s.to_string()).unwrap_or_default(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_and_indirect() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lockfiles/go/go.mod"),
        )
        .unwrap();
        let lf = parse("go.mod", &text);
        assert_eq!(
            lf.root.name.as_deref(),
            Some("github.com/acme/inventory-api")
        );
        let gin = lf
            .packages
            .iter()
            .position(|p| p.name == "github.com/gin-gonic/gin")
            .unwrap();
        assert_eq!(lf.packages[gin].version, "v1.9.1");
        assert!(text
            .lines()
            .nth(lf.packages[gin].line - 1)
            .unwrap()
            .contains("gin-gonic/gin v1.9.1"));
        let direct = lf.direct.clone().unwrap();
        assert!(direct.contains(&gin));
        let net = lf
            .packages
            .iter()
            .position(|p| p.name == "golang.org/x/net")
            .unwrap();
        assert!(!direct.contains(&net));
        // replace directive applied
        assert!(lf
            .packages
            .iter()
            .any(|p| p.name == "github.com/acme/yaml" && p.version == "v3.0.2"));
    }

    /// A monorepo's go.mod requires its sibling modules and replaces them by their
    /// directories (kubeflow/pipelines: `github.com/kubeflow/pipelines/api => ./api`).
    #[test]
    fn modules_replaced_by_a_local_directory_are_the_project() {
        let text = "module github.com/acme/platform\n\ngo 1.22\n\nrequire (\n\tgithub.com/acme/platform/api v0.0.0-20250102152816-873e9dedd766\n\tgithub.com/google/uuid v1.6.0\n\tgolang.org/x/net v0.25.0 // indirect\n)\n\nreplace (\n\tgithub.com/acme/platform/api => ./api\n\tgolang.org/x/net => golang.org/x/net v0.26.0\n)\n";
        let lf = parse("go.mod", text);
        let names: Vec<(&str, &str)> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("github.com/google/uuid", "v1.6.0"),
                ("golang.org/x/net", "v0.26.0")
            ]
        );
        assert_eq!(lf.direct, Some(vec![0]));
    }

    #[test]
    fn old_go_mod_completed_from_go_sum() {
        let go_mod =
            "module example.com/legacy\n\ngo 1.13\n\nrequire github.com/gin-gonic/gin v1.6.3\n";
        assert!(needs_go_sum(go_mod));
        assert!(!needs_go_sum("module x\n\ngo 1.21.4\n"));
        assert!(!needs_go_sum("module x\ngo 1.17 // pinned\n"));
        let go_sum = "github.com/gin-gonic/gin v1.6.3 h1:ahKqKTFpO5KTPHxWZjEdPScmYaGtLo8Y4DMHoEsnp14=\n\
github.com/gin-gonic/gin v1.6.3/go.mod h1:75u5sXoLsGZoRN5Sgbi1eraJ4GU3++wFwWzhwvtwp4M=\n\
github.com/go-playground/validator/v10 v10.2.0 h1:KgJ0snyC2R9VXYN2rneOtQcw5aHQB1Vv0sFl1UcHBOY=\n\
github.com/go-playground/validator/v10 v10.2.0/go.mod h1:uOYAAleCW8F/7oMFd6aG0GOhaH6EGOAJShg8Id5JGkI=\n\
github.com/golang/protobuf v1.3.2 h1:6nsPYzhq5kReh6QImI3k5qWzO4PEbvbIW2cwSfR/6xs=\n\
github.com/golang/protobuf v1.3.3 h1:gyjaxf+svBWX08ZjK86iN9geUJF0H6gp2IRKX6Nf6/I=\n\
github.com/golang/protobuf v1.4.0/go.mod h1:jodUvKwWbYaEsadDk5Fwe5c77LiNKVO9IDvqG2KuDX0=\n";
        let gm = parse("go.mod", go_mod);
        let extra = from_go_sum("go.sum", go_sum, &gm);
        let got: Vec<(&str, &str, usize)> = extra
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line))
            .collect();
        // gin is required already; protobuf's newest *content* hash wins (v1.4.0
        // only had its go.mod read, so it was not built).
        assert_eq!(
            got,
            vec![
                ("github.com/go-playground/validator/v10", "v10.2.0", 3),
                ("github.com/golang/protobuf", "v1.3.3", 6),
            ]
        );
        assert_eq!(extra.direct, Some(Vec::new()));
    }

    #[test]
    fn single_line_require() {
        let lf = parse(
            "go.mod",
            "module x\n\ngo 1.21\n\nrequire github.com/pkg/errors v0.9.1\n",
        );
        assert_eq!(lf.packages.len(), 1);
        assert_eq!(lf.packages[0].line, 5);
    }
}
