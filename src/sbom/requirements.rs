//! Pinned `requirements*.txt` (`name==version`, `--hash=` options, continuation
//! lines) and the project table of `pyproject.toml`.

use toml::Value;

use super::model::{Digest, Ecosystem, Lockfile, Package, RootProject};

/// Parses requirements text: only exact pins (`==`, `===`) are locked packages.
pub fn parse(path: &str, text: &str) -> Lockfile {
    let mut lf = Lockfile::new(path, "requirements.txt", Ecosystem::PyPI);
    // Join continuation lines, remembering where each logical line starts.
    let mut logical: Vec<(usize, String)> = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    let mut off = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let (start, mut acc) = cur.take().unwrap_or((off, String::new()));
        let body = strip_comment(line);
        if let Some(stripped) = body.trim_end().strip_suffix('\\') {
            acc.push_str(stripped);
            acc.push(' ');
            cur = Some((start, acc));
        } else {
            acc.push_str(body);
            logical.push((start, acc));
        }
        off += raw.len();
    }
    if let Some(c) = cur {
        logical.push(c);
    }
    for (start, line) in logical {
        let line = line.trim();
        if line.is_empty() || line.starts_with('-') {
            continue; // -r, -c, -e, --index-url…
        }
        let mut words = line.split_whitespace().peekable();
        let mut spec = String::new();
        // The requirement runs until the first option.
        while let Some(w) = words.peek() {
            if w.starts_with("--") {
                break;
            }
            spec.push_str(w);
            words.next();
        }
        let hashes: Vec<Digest> = words
            .filter_map(|w| w.strip_prefix("--hash="))
            .filter_map(Digest::prefixed)
            .collect();
        let spec = spec.split(';').next().unwrap_or("").trim();
        let Some((name, version)) = spec.split_once("===").or_else(|| spec.split_once("==")) else {
            continue;
        };
        let name = name.split('[').next().unwrap_or("").trim();
        let version = version.trim();
        if name.is_empty()
            || version.is_empty()
            || version.contains(['*', ',', '<', '>', '!', '~'])
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            continue;
        }
        let len = line.len().min(text.len().saturating_sub(start));
        let mut p = Package::new(Ecosystem::PyPI, name, version, start..start + len);
        p.hashes = hashes;
        lf.packages.push(p);
    }
    // A requirements file lists what is installed: each pin is taken as direct
    // (pip-compile's `# via` comments are not a dependency graph we trust).
    lf.direct = Some((0..lf.packages.len()).collect());
    lf.finalize(text);
    lf
}

fn strip_comment(line: &str) -> &str {
    // `#` starts a comment at line start or after whitespace (not inside a URL fragment).
    let b = line.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'#' && (i == 0 || b[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// The project a `pyproject.toml` describes (PEP 621 `[project]` or
/// `[tool.poetry]`) and the names of its declared dependencies.
pub fn pyproject_root(m: &toml::Table) -> (RootProject, Option<Vec<String>>) {
    let mut root = RootProject::default();
    let mut deps: Option<Vec<String>> = None;
    let license_of = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Table(t)) => t.get("text").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    if let Some(p) = m.get("project").and_then(Value::as_table) {
        root.name = p.get("name").and_then(Value::as_str).map(str::to_string);
        root.version = p.get("version").and_then(Value::as_str).map(str::to_string);
        root.license = license_of(p.get("license"));
        let mut names = Vec::new();
        for d in p
            .get("dependencies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = d.as_str().and_then(pep508_name) {
                names.push(n);
            }
        }
        for (_, list) in p
            .get("optional-dependencies")
            .and_then(Value::as_table)
            .into_iter()
            .flatten()
        {
            for d in list.as_array().into_iter().flatten() {
                if let Some(n) = d.as_str().and_then(pep508_name) {
                    names.push(n);
                }
            }
        }
        deps = Some(names);
    }
    if let Some(p) = m
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(Value::as_table)
    {
        if root.name.is_none() {
            root.name = p.get("name").and_then(Value::as_str).map(str::to_string);
            root.version = p.get("version").and_then(Value::as_str).map(str::to_string);
            root.license = license_of(p.get("license"));
        }
        let names = deps.get_or_insert_with(Vec::new);
        let mut tables: Vec<&toml::Table> = Vec::new();
        for k in ["dependencies", "dev-dependencies"] {
            tables.extend(p.get(k).and_then(Value::as_table));
        }
        for (_, g) in p
            .get("group")
            .and_then(Value::as_table)
            .into_iter()
            .flatten()
        {
            tables.extend(g.get("dependencies").and_then(Value::as_table));
        }
        for t in tables {
            names.extend(t.keys().filter(|k| k.as_str() != "python").cloned());
        }
    }
    (root, deps)
}

/// The distribution name at the start of a PEP 508 requirement.
pub fn pep508_name(req: &str) -> Option<String> {
    let name: String = req
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_pip_compile_output() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/data/lockfiles/requirements/requirements.txt"),
        )
        .unwrap();
        let lf = parse("requirements.txt", &text);
        let req = lf.packages.iter().find(|p| p.name == "requests").unwrap();
        assert_eq!(req.version, "2.31.0");
        assert!(req.hashes.len() >= 2);
        assert!(text
            .lines()
            .nth(req.line - 1)
            .unwrap()
            .starts_with("requests=="));
        assert!(lf
            .packages
            .iter()
            .any(|p| p.name == "pyyaml" || p.name == "PyYAML"));
    }

    #[test]
    fn only_exact_pins() {
        let text = "# deps\n-r base.txt\nDjango==4.2.7 ; python_version >= \"3.8\"  # LTS\nrequests>=2\nuvicorn[standard]==0.24.0 \\\n    --hash=sha256:368d5d81520a51be96431845169c225d6e2bf3e1b1327ba5fd2b0bf83ee0a4da\n-e .\nfoo==1.*\ngit+https://x/y.git#egg=y\n";
        let lf = parse("requirements.txt", text);
        let got: Vec<(&str, &str, usize, usize)> = lf
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.line, p.hashes.len()))
            .collect();
        assert_eq!(
            got,
            vec![("Django", "4.2.7", 3, 0), ("uvicorn", "0.24.0", 5, 1)]
        );
    }

    #[test]
    fn pyproject_names() {
        let m: toml::Table = toml::from_str(
            "[project]\nname='x'\nversion='1'\nlicense={text='MIT'}\ndependencies=['Flask>=2', 'requests[socks]~=2.31']\n",
        )
        .unwrap();
        let (root, deps) = pyproject_root(&m);
        assert_eq!(root.license.as_deref(), Some("MIT"));
        assert_eq!(deps.unwrap(), vec!["Flask", "requests"]);
    }
}
