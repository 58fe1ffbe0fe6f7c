//! `config/scattered-connection-settings`: database connection settings assembled in
//! many modules instead of one.

use std::collections::BTreeMap;
use std::sync::Mutex;

use tree_sitter::Node;

use crate::finding::{Related, Severity};
use crate::parse::python::PythonFile;
use crate::roles::FileRole;
use crate::rules::python::util::{self, Module};
use crate::rules::secrets::detect;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct ScatteredConnectionSettings {
    seen: Mutex<Vec<Site>>,
}

/// One place a module builds connection settings itself.
struct Site {
    family: &'static str,
    at: Related,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "config/scattered-connection-settings",
    summary: "database connection settings assembled in several modules instead of one",
    severity: Severity::Medium,
    docs: r#"
## Why
Fifteen collectors that each call `psycopg2.connect(host=DB_HOST, port=DB_PORT,
dbname=…, user=…, password=DB_PASS)` with values they read from the environment
themselves are fifteen copies of the connection settings. A new variable (TLS, a
timeout, a read replica), a renamed one or a pool is fifteen edits, and the copy that
is missed connects differently from the rest. No literal is repeated, so
`config/duplicated-credential` does not see it: the copied thing is code.

The rule finds, in production Python modules, the places that assemble connection
settings from the environment or from literals:
- a driver or ORM call given the settings: `psycopg2.connect`, `psycopg.connect`,
  their pools, `asyncpg.connect`/`create_pool`, `pymysql.connect`, `MySQLdb.connect`,
  `mysql.connector.connect`, `aiomysql`, SQLAlchemy `create_engine`/`create_async_engine`,
  `redis.Redis`/`StrictRedis`/`from_url`, `pymongo.MongoClient`, `motor`, with two or
  more of `host`, `port`, `user`, `password`, `dbname`/`database` read from
  `os.environ`/`os.getenv` (directly or through a name the module assigns from it) or
  written as literals, or a connection URL built the same way;
- a dictionary (`{'host': os.environ['DB_HOST'], …, 'password': …}`, `dict(host=…)`,
  the body of a `get_db_params()` helper) with a host and a password or user from the
  same sources, in a module that uses a driver.

One finding for the repository per database kind when three or more modules do it
("PostgreSQL connection settings are assembled in 9 modules"), every place attached as a
related location. Not reported: settings taken from an imported module or object
(`psycopg2.connect(**settings.DB)`, `Config.DB_HOST`): that is the fix; one `db.py`
that everything imports; tests, examples and vendored code; values from parameters
(a driver's configuration object, as in a query-runner plug-in per data source).

## Example
```python
# collectors/collect_prices.py (and 8 more like it)
DB_HOST = os.environ.get("DB_HOST", "localhost")
DB_PASS = os.environ["DB_PASS"]
conn = psycopg2.connect(host=DB_HOST, port=5432, dbname="osrs", user="osrs", password=DB_PASS)
```

## Fix
Create one module (`db.py`, or a `pydantic-settings` class) that reads the settings
once and exposes `get_connection()` or a pool; import it everywhere and delete the
copies. This comes before consolidating connection pools, which then is one change.
"#,
};

/// Connection calls by resolved name, with the database kind they open.
const CONNECTORS: &[(&str, &str)] = &[
    ("psycopg2.connect", "PostgreSQL"),
    ("psycopg2.pool.SimpleConnectionPool", "PostgreSQL"),
    ("psycopg2.pool.ThreadedConnectionPool", "PostgreSQL"),
    ("psycopg.connect", "PostgreSQL"),
    ("psycopg.AsyncConnection.connect", "PostgreSQL"),
    ("psycopg_pool.ConnectionPool", "PostgreSQL"),
    ("psycopg_pool.AsyncConnectionPool", "PostgreSQL"),
    ("asyncpg.connect", "PostgreSQL"),
    ("asyncpg.create_pool", "PostgreSQL"),
    ("pymysql.connect", "MySQL"),
    ("MySQLdb.connect", "MySQL"),
    ("mysql.connector.connect", "MySQL"),
    ("aiomysql.connect", "MySQL"),
    ("aiomysql.create_pool", "MySQL"),
    ("sqlalchemy.create_engine", "SQLAlchemy"),
    ("sqlalchemy.ext.asyncio.create_async_engine", "SQLAlchemy"),
    ("redis.Redis", "Redis"),
    ("redis.StrictRedis", "Redis"),
    ("redis.from_url", "Redis"),
    ("redis.Redis.from_url", "Redis"),
    ("redis.asyncio.Redis", "Redis"),
    ("redis.asyncio.from_url", "Redis"),
    ("pymongo.MongoClient", "MongoDB"),
    ("motor.motor_asyncio.AsyncIOMotorClient", "MongoDB"),
];

/// Keyword and dictionary keys that are connection settings.
const SETTING_KEYS: &[&str] = &[
    "host", "port", "user", "username", "password", "passwd", "dbname", "database", "db",
];

/// Keys that identify a connection (rather than, say, a port and a database index).
const IDENTIFYING_KEYS: &[&str] = &["host", "user", "username", "password", "passwd"];

/// Whether `text` reads the process environment.
fn reads_env(text: &str) -> bool {
    text.contains("environ") || text.contains("getenv")
}

/// Names the module assigns from the environment (`DB_HOST = os.environ["DB_HOST"]`,
/// `DB_PASS: str = os.getenv("DB_PASS")`), at any depth.
fn env_names(m: &Module<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for n in m.descendants(m.root) {
        if n.kind() != "assignment" {
            continue;
        }
        let (Some(left), Some(right)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            continue;
        };
        if left.kind() == "identifier" && reads_env(m.text(right)) {
            out.push(m.text(left).to_string());
        }
    }
    out
}

/// Whether a value is assembled here: an environment read, a name assigned from one, a
/// literal, or a string built from those (an f-string URL).
fn local_value(v: Node<'_>, m: &Module<'_>, env: &[String]) -> bool {
    let t = m.text(v);
    match v.kind() {
        "identifier" => env.iter().any(|e| e == t),
        "string" | "concatenated_string" | "integer" => {
            if !t.contains('{') {
                return true;
            }
            // An f-string: every interpolated name must be local.
            util::descendants(v)
                .filter(|n| n.kind() == "interpolation")
                .all(|i| {
                    i.named_child(0)
                        .is_some_and(|e| local_value(e, m, env) || reads_env(m.text(e)))
                })
        }
        "call" | "subscript" | "binary_operator" | "boolean_operator" => {
            reads_env(t)
                || (v.kind() == "call"
                    && m.callee(v).is_some_and(|c| c == "int" || c == "str")
                    && util::positional(v)
                        .first()
                        .is_some_and(|a| local_value(*a, m, env)))
        }
        _ => false,
    }
}

/// Whether (key, value) pairs assemble a connection: two or more settings sourced here,
/// one of them identifying.
fn assembles(pairs: &[(String, Node<'_>)], m: &Module<'_>, env: &[String]) -> bool {
    let local: Vec<&str> = pairs
        .iter()
        .filter(|(k, v)| SETTING_KEYS.contains(&k.as_str()) && local_value(*v, m, env))
        .map(|(k, _)| k.as_str())
        .collect();
    local.len() >= 2 && local.iter().any(|k| IDENTIFYING_KEYS.contains(k))
}

fn keyword_pairs<'t>(call: Node<'t>, m: &Module<'_>) -> Vec<(String, Node<'t>)> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    util::named_children(args)
        .into_iter()
        .filter(|a| a.kind() == "keyword_argument")
        .filter_map(|a| {
            let k = a.child_by_field_name("name")?;
            Some((m.text(k).to_string(), a.child_by_field_name("value")?))
        })
        .collect()
}

fn dict_pairs<'t>(dict: Node<'t>, m: &Module<'_>) -> Vec<(String, Node<'t>)> {
    util::named_children(dict)
        .into_iter()
        .filter(|p| p.kind() == "pair")
        .filter_map(|p| {
            let k = p.child_by_field_name("key")?;
            if k.kind() != "string" {
                return None;
            }
            let key = m.text(k).trim_matches(['"', '\'']).to_string();
            Some((key, p.child_by_field_name("value")?))
        })
        .collect()
}

/// Whether the pairs hold a host and a password or user (a connection, not any dict
/// with a `port`).
fn names_a_server(pairs: &[(String, Node<'_>)]) -> bool {
    pairs.iter().any(|(k, _)| k == "host")
        && pairs
            .iter()
            .any(|(k, _)| matches!(k.as_str(), "password" | "passwd" | "user" | "username"))
}

/// The database kind of a module that builds a bare dictionary: the driver it imports.
fn module_family(m: &Module<'_>) -> Option<&'static str> {
    [
        ("psycopg2", "PostgreSQL"),
        ("psycopg", "PostgreSQL"),
        ("asyncpg", "PostgreSQL"),
        ("pymysql", "MySQL"),
        ("MySQLdb", "MySQL"),
        ("mysql.connector", "MySQL"),
        ("aiomysql", "MySQL"),
        ("sqlalchemy", "SQLAlchemy"),
        ("redis", "Redis"),
        ("pymongo", "MongoDB"),
        ("motor", "MongoDB"),
    ]
    .iter()
    .find(|(module, _)| m.imports_module(module))
    .map(|(_, family)| *family)
}

/// The database a connection URL names (`create_engine("postgresql+psycopg2://…")` is
/// PostgreSQL settings, like `psycopg2.connect(host=…)` elsewhere).
fn url_family(call: Node<'_>, m: &Module<'_>) -> Option<&'static str> {
    let first = *util::positional(call).first()?;
    let t = m
        .text(first)
        .trim_start_matches(['f', 'r', 'b', 'F', 'R', 'B', '"', '\'']);
    let scheme = t.split("://").next().filter(|_| t.contains("://"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme.starts_with("postgres") {
        Some("PostgreSQL")
    } else if scheme.starts_with("mysql") || scheme.starts_with("mariadb") {
        Some("MySQL")
    } else if scheme.starts_with("redis") || scheme.starts_with("rediss") {
        Some("Redis")
    } else if scheme.starts_with("mongodb") {
        Some("MongoDB")
    } else {
        None
    }
}

impl ScatteredConnectionSettings {
    fn collect(&self, py: &PythonFile, cx: &FileCx<'_>) {
        if cx.role != FileRole::Production
            || detect::is_test_like(&cx.file.path)
            || !reads_env(&cx.file.text) && !cx.file.text.contains("connect")
        {
            return;
        }
        let Some(m) = Module::new(py, &cx.file.text) else {
            return;
        };
        let Some(driver_family) = module_family(&m) else {
            return;
        };
        let env = env_names(&m);
        let mut sites: Vec<Site> = Vec::new();
        let mut covered: Vec<std::ops::Range<usize>> = Vec::new();
        for n in m.descendants(m.root) {
            let (family, pairs) = match n.kind() {
                "call" => {
                    let Some(callee) = m.callee(n) else { continue };
                    if callee == "dict" {
                        (driver_family, keyword_pairs(n, &m))
                    } else if let Some((_, family)) =
                        CONNECTORS.iter().find(|(name, _)| callee == *name)
                    {
                        let pairs = keyword_pairs(n, &m);
                        // A URL built here (`create_engine(f"postgresql://{DB_USER}:…")`).
                        let url_here = util::positional(n).first().is_some_and(|a| {
                            let t = m.text(*a);
                            t.contains("://") && t.contains('{') && local_value(*a, &m, &env)
                        });
                        if url_here || assembles(&pairs, &m, &env) {
                            covered.push(n.byte_range());
                            sites.push(Site {
                                family: url_family(n, &m).unwrap_or(family),
                                at: cx.locate(n.byte_range(), "connection settings assembled here"),
                            });
                        }
                        continue;
                    } else {
                        continue;
                    }
                }
                "dictionary" => (driver_family, dict_pairs(n, &m)),
                _ => continue,
            };
            if covered.iter().any(|c| c.contains(&n.start_byte())) {
                continue;
            }
            if names_a_server(&pairs) && assembles(&pairs, &m, &env) {
                covered.push(n.byte_range());
                sites.push(Site {
                    family,
                    at: cx.locate(n.byte_range(), "connection settings assembled here"),
                });
            }
        }
        if let Ok(mut seen) = self.seen.lock() {
            seen.extend(sites);
        }
    }
}

impl Rule for ScatteredConnectionSettings {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.collect(py, cx);
    }

    fn finish(&self, _repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        let mut by_family: BTreeMap<&'static str, Vec<Related>> = BTreeMap::new();
        for s in seen.drain(..) {
            by_family.entry(s.family).or_default().push(s.at);
        }
        for (family, mut sites) in by_family {
            sites.sort_by(|a, b| {
                (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start))
            });
            let mut modules: Vec<&str> = sites.iter().map(|s| s.path.as_str()).collect();
            modules.dedup();
            let n = modules.len();
            if n < 3 {
                continue;
            }
            let f = out.report_repository(format!(
                "{family} connection settings are assembled in {n} modules: centralise them in one module and import it"
            ));
            f.related = sites.into();
        }
    }
}
