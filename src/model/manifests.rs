//! Dependency manifests and lockfiles (`package.json`, `pyproject.toml`, `go.mod`,
//! requirements files, `Cargo.lock`…) reduced during the walk to what the readiness
//! controls of `status` ask of them: is it a package or an application, does it
//! declare a workspace, is it locked or pinned, does it declare a licence, a
//! metrics client, a database driver, Renovate or towncrier. Kept here so that
//! `status` reads no manifest itself.

use super::paths::file_name;

/// Metrics client libraries a manifest may declare (lower case).
pub const METRICS_DEPS: &[&str] = &[
    "prometheus-client",
    "prometheus_client",
    "prom-client",
    "client_golang",
    "prometheus-fastapi-instrumentator",
    "django-prometheus",
    "opentelemetry-sdk",
    "micrometer",
    "metrics-exporter-prometheus",
];

/// Database drivers and ORMs a manifest may declare (lower case).
pub const DB_DEPS: &[&str] = &[
    "psycopg",
    "asyncpg",
    "sqlalchemy",
    "pymongo",
    "mysqlclient",
    "pymysql",
    "django",
    "\"pg\"",
    "mongoose",
    "@prisma/client",
    "sequelize",
    "typeorm",
    "jackc/pgx",
    "lib/pq",
    "gorm.io",
    "go-sql-driver",
    "sqlx",
    "diesel",
    "sea-orm",
    "spring-boot-starter-data",
    "activerecord",
];

/// One dependency manifest or lockfile, as the readiness controls read it. Facts
/// that only make sense for one kind of manifest are computed for that kind alone
/// (named in each field's comment) and are `false`/`None` for the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyManifest {
    /// Repository-relative path.
    pub path: String,
    /// `pyproject.toml`: a `[project]` or `[tool.poetry]` table (a package is built from it).
    pub declares_package: bool,
    /// `package.json`: `"private": true`.
    pub npm_private: bool,
    /// `package.json`: a `"start"` script (an application someone runs).
    pub npm_start: bool,
    /// `package.json`: the line of its `"renovate"` configuration.
    pub renovate_line: Option<usize>,
    /// Declares a workspace: `"workspaces"` in `package.json`, `[workspace]` in
    /// `Cargo.toml`, `[tool.uv.workspace]` in `pyproject.toml`.
    pub workspace: bool,
    /// Lists dependencies: `…Dependencies"` in `package.json`, `dependencies` in
    /// `pyproject.toml`, `require` in `go.mod`; true for every other kind.
    pub has_dependencies: bool,
    /// Requirements `.txt` files: (lines pinned with `==`, a URL or a hash, requirement lines).
    pub pins: (usize, usize),
    /// `pyproject.toml`: the line of a `[tool.towncrier]` table.
    pub towncrier_line: Option<usize>,
    /// `pyproject.toml`, `Cargo.toml`, `package.json`, `setup.cfg`, `setup.py`: the
    /// first line declaring a licence (not `UNLICENSED`), and its first 50 characters.
    pub license: Option<(usize, String)>,
    /// First line naming Spring Boot Actuator (health and readiness endpoints).
    pub actuator_line: Option<usize>,
    /// First line naming a metrics client ([`METRICS_DEPS`]).
    pub metrics_line: Option<usize>,
    /// Names a database driver or ORM ([`DB_DEPS`]) anywhere.
    pub db_dependency: bool,
}

/// Lines with their 1-based numbers, without a trailing `\r`.
fn numbered(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
}

fn first_line(text: &str, pred: impl Fn(&str) -> bool) -> Option<usize> {
    numbered(text).find(|(_, l)| pred(l)).map(|(n, _)| n)
}

/// A manifest's facts from its text (BOM already stripped).
pub fn dependency_manifest(path: &str, text: &str) -> DependencyManifest {
    let name = file_name(path);
    let lower = name.to_ascii_lowercase();
    let npm = name == "package.json";
    let pyproject = name == "pyproject.toml";
    let lower_text = text.to_ascii_lowercase();
    let compact = if npm {
        text.replace(' ', "")
    } else {
        String::new()
    };
    let license = matches!(
        name,
        "pyproject.toml" | "Cargo.toml" | "package.json" | "setup.cfg" | "setup.py"
    )
    .then(|| {
        numbered(text).find(|(_, l)| {
            let t = l.trim_start().trim_start_matches('"');
            (t.starts_with("license") || t.starts_with("license-file")) && !l.contains("UNLICENSED")
        })
    })
    .flatten()
    .map(|(n, l)| (n, l.trim().chars().take(50).collect()));
    DependencyManifest {
        path: path.to_string(),
        declares_package: pyproject
            && (text.contains("[project]") || text.contains("[tool.poetry]")),
        npm_private: npm && compact.contains("\"private\":true"),
        npm_start: npm && compact.contains("\"start\":"),
        renovate_line: (npm && text.contains("\"renovate\""))
            .then(|| first_line(text, |l| l.contains("\"renovate\"")).unwrap_or(1)),
        workspace: match name {
            "package.json" => text.contains("\"workspaces\""),
            "Cargo.toml" => text.contains("[workspace]"),
            "pyproject.toml" => text.contains("[tool.uv.workspace]"),
            _ => false,
        },
        has_dependencies: match name {
            "package.json" => text.contains("ependencies\""),
            "pyproject.toml" => text.contains("dependencies"),
            "go.mod" => text.contains("require"),
            _ => true,
        },
        pins: if crate::classify::is_requirements_name(&lower) && lower.ends_with(".txt") {
            requirements_pinned(text)
        } else {
            (0, 0)
        },
        towncrier_line: pyproject
            .then(|| first_line(text, |l| l.trim() == "[tool.towncrier]"))
            .flatten(),
        license,
        actuator_line: first_line(text, |l| l.contains("spring-boot-starter-actuator")),
        // Lower-casing ASCII keeps every byte where it is: the same lines.
        metrics_line: first_line(&lower_text, |l| METRICS_DEPS.iter().any(|d| l.contains(d))),
        db_dependency: DB_DEPS.iter().any(|d| lower_text.contains(d)),
    }
}

/// Requirement lines pinned with `==`/`===`, a URL or a hash, and all requirement lines.
fn requirements_pinned(text: &str) -> (usize, usize) {
    let mut pinned = 0;
    let mut total = 0;
    for (_, l) in numbered(text) {
        let l = l.split(" #").next().unwrap_or("").trim();
        if l.is_empty() || l.starts_with('#') || l.starts_with('-') {
            continue;
        }
        total += 1;
        if l.contains("==") || l.contains(" @ ") || l.contains("--hash") {
            pinned += 1;
        }
    }
    (pinned, total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json_facts() {
        let m = dependency_manifest(
            "package.json",
            "{\n  \"private\": true,\n  \"workspaces\": [\"a\"],\n  \"scripts\": {\"start\": \"node .\"},\n  \"dependencies\": {\"pg\": \"8\", \"prom-client\": \"15\"},\n  \"license\": \"MIT\",\n  \"renovate\": {}\n}\n",
        );
        assert!(m.npm_private && m.npm_start && m.workspace && m.has_dependencies);
        assert!(m.db_dependency);
        assert_eq!(m.metrics_line, Some(5));
        assert_eq!(m.renovate_line, Some(7));
        assert_eq!(m.license, Some((6, "\"license\": \"MIT\",".to_string())));
        assert!(!m.declares_package);
    }

    #[test]
    fn pyproject_and_requirements_facts() {
        let m = dependency_manifest(
            "svc/pyproject.toml",
            "[project]\nname = \"x\"\ndependencies = []\n\n[tool.towncrier]\n",
        );
        assert!(m.declares_package && m.has_dependencies && !m.workspace);
        assert_eq!(m.towncrier_line, Some(5));
        assert_eq!(m.license, None);
        let r = dependency_manifest(
            "requirements.txt",
            "# pinned\nflask==3.0\nrequests\n-r base.txt\nx @ https://e/x.whl\n",
        );
        assert_eq!(r.pins, (2, 3));
        let lock = dependency_manifest("go.mod", "module x\n");
        assert!(!lock.has_dependencies);
        assert_eq!(lock.pins, (0, 0));
    }
}
