//! `go.mod`: the module's requirements (since Go 1.17 the full build list,
//! `// indirect` marking the transitive ones). `go.sum` is not read for
//! packages: it also lists versions MVS discarded, and its `h1:` digests hash a
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
    // `replace old [v] => new v` swaps the module that is built.
    for (old, old_v, new, new_v) in replaced {
        if new.starts_with('.') || new.starts_with('/') {
            continue; // a local directory: the repository's own code
        }
        for p in lf.packages.iter_mut() {
            if p.name == old && old_v.as_ref().is_none_or(|v| *v == p.version) {
                p.name = new.clone();
                p.version = new_v.clone();
            }
        }
    }
    lf.direct = Some(direct);
    lf.finalize(text);
    lf
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
