//! `python/unclosed-resource`: a connection, cursor or file opened in a function and never closed.

use tree_sitter::Node;

use crate::finding::Severity;
use crate::parse::python::PythonFile;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct UnclosedResource;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/unclosed-resource",
    summary: "database connection, cursor or file opened in a function and never closed",
    severity: Severity::Medium,
    docs: r#"
## Why
A connection opened in a function and not closed stays open until the garbage
collector gets to it — on PyPy, or when a traceback holds a reference, that can
be never. Under load this exhausts the database's `max_connections` or the
pool, leaves transactions open (holding locks) and leaks file descriptors; an
exception between `connect()` and a trailing `close()` leaks it as well.

Reported, inside a function: `name = <open call>` where the call is a DB
driver's `connect(...)` (`psycopg2`, `psycopg`, `sqlite3`, `pymysql`,
`MySQLdb`, `mysql.connector`, `cx_Oracle`/`oracledb`, `pyodbc`, `pymssql`,
`snowflake.connector`, `duckdb`), a function of the same file that returns one
(`def get_conn(): return psycopg2.connect(DSN)`), `engine.connect()` /
`raw_connection()`, a helper imported from elsewhere whose name says it opens a
connection (`get_db_connection()`, `connect_db()`; low, since we cannot see it),
`x.cursor()` or the builtin `open(...)`, when the function never:
- uses it in `with` (or `contextlib.closing`, `ExitStack.enter_context`);
- calls or references `name.close()` (also `.dispose()`, `.release()`, `.shutdown()`,
  `.quit()`), anywhere in the function, `finally:` included;
- returns or yields it, stores it (`self.conn = conn`, `cache[k] = conn`,
  `pool.append(conn)`, `source.setByteStream(f)`), copies its descriptor onto stdio
(`os.dup2(f.fileno(), 1)` in a daemonising process), hands it to a constructor
(`Repo(conn)`), or returns a wrapper around it (`return Wrapper(fp)`).
A cursor counts as closed when its connection is closed in the same function, or when
the function opens that connection in a `with` (`with sqlite3.connect(path) as conn:`):
the cursor lives as long as the connection the block manages.
Module-level connections (long-lived on purpose) and `open()` used inline
(`json.load(open(p))`) are not reported. Only production code is checked.

Severity: medium for a database connection (it holds a server slot and maybe an open
transaction until the collector runs); low for a cursor, a file, or a connection from a
helper we cannot see — CPython releases a dropped local when the function returns, so
these are leaks only under PyPy, in reference cycles, or when a traceback keeps the frame.
Low as well for anything a command-line command leaves open (a function decorated
`@group.command(...)` in a click/typer module, a Django management command's `handle`):
the command runs once and the process exit releases it.

## Example
```python
def load_prices(day):
    conn = psycopg2.connect(DSN)
    cur = conn.cursor()
    cur.execute("SELECT * FROM prices WHERE day = %s", (day,))
    return cur.fetchall()          # conn and cur are never closed
```
Fine:
```python
def load_prices(day):
    with psycopg2.connect(DSN) as conn, conn.cursor() as cur:
        cur.execute(...)
        rows = cur.fetchall()
    conn.close()                   # psycopg2's `with conn` ends the transaction only
    return rows
```

## Fix
Use `with` (for psycopg2 wrap the connection in `contextlib.closing(...)`:
its context manager commits, it does not close), or `try: … finally:
conn.close()`; better, take connections from one pool. No automatic fix.

ruff `SIM115` reports `open()` outside `with`; pylint `R1732`
(consider-using-with) covers a few constructors. Neither follows DB connections
and cursors or credits a `finally: close()`.
"#,
};

const CONNECT_FUNCS: &[&str] = &[
    "psycopg2.connect",
    "psycopg.connect",
    "sqlite3.connect",
    "pymysql.connect",
    "MySQLdb.connect",
    "mysql.connector.connect",
    "cx_Oracle.connect",
    "oracledb.connect",
    "pyodbc.connect",
    "pymssql.connect",
    "snowflake.connector.connect",
    "duckdb.connect",
    "psycopg2.extras.connect",
];
const CLOSERS: &[&str] = &["close", "dispose", "release", "shutdown", "quit", "aclose"];
const STORERS: &[&str] = &[
    "append",
    "add",
    "put",
    "put_nowait",
    "extend",
    "enter_context",
    "enter_async_context",
    "push",
    "callback",
    "register",
    "closing",
    "setdefault",
    "insert",
    "appendleft",
];

#[derive(Clone, Copy, PartialEq)]
enum What {
    Connection,
    /// From a helper whose name says it opens a connection (`get_db_connection()`),
    /// defined elsewhere: reported at low.
    HelperConnection,
    Cursor,
    File,
}

impl Rule for UnclosedResource {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        if !(text.contains("connect") || text.contains("cursor") || text.contains("open(")) {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        let helpers = connection_helpers(&m);
        for func in m
            .descendants(m.root)
            .filter(|n| n.kind_id() == crate::parse::python::kinds().function_definition)
        {
            let Some(body) = func.child_by_field_name("body") else {
                continue;
            };
            let one_shot = is_command(func, &m, &cx.file.path);
            check_function(body, &m, &helpers, one_shot, out);
        }
    }
}

/// Whether the function is a command-line command, which runs once per process: a
/// function decorated as a click/typer command (`@group.command(...)`,
/// `@click.command()`, `@app.command()`), or the `handle` method of a Django
/// management command. What it leaves open is released when the process exits a
/// moment later: hygiene, not a leak that grows under load.
fn is_command(func: Node<'_>, m: &Module<'_>, path: &str) -> bool {
    if util::function_name(func, m.text) == "handle" && path.contains("management/commands/") {
        return true;
    }
    let Some(decorated) = func.parent().filter(|p| p.kind() == "decorated_definition") else {
        return false;
    };
    util::named_children(decorated)
        .into_iter()
        .filter(|d| d.kind() == "decorator")
        .any(|d| {
            let t = m.text(d).trim_start_matches('@').trim();
            let head = t.split('(').next().unwrap_or("").trim();
            head == "command" || head.ends_with(".command")
        })
        && crate::rules::python::print_in_library::is_interactive_cli(m)
}

/// Functions of this file that return a fresh DB connection
/// (`def get_conn(): return psycopg2.connect(DSN)`).
fn connection_helpers(m: &Module<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for func in m
        .descendants(m.root)
        .filter(|n| n.kind_id() == crate::parse::python::kinds().function_definition)
    {
        let Some(body) = func.child_by_field_name("body") else {
            continue;
        };
        let returns_conn = m.in_scope(body).any(|n| {
            if n.kind() != "return_statement" {
                return false;
            }
            let Some(v) = util::statements(n).into_iter().next() else {
                return false;
            };
            let v = if v.kind() == "identifier" {
                match util::last_assignment(body, m.text(v), n.start_byte(), m.text) {
                    Some(x) => x,
                    None => return false,
                }
            } else {
                v
            };
            v.kind() == "call"
                && m.callee(v)
                    .is_some_and(|c| CONNECT_FUNCS.contains(&c.as_str()))
        });
        if returns_conn {
            out.push(util::function_name(func, m.text).to_string());
        }
    }
    out
}

/// Names of helpers, defined in another module, that by convention open a new connection.
const HELPER_NAMES: &[&str] = &[
    "get_db_connection",
    "get_database_connection",
    "create_connection",
    "create_db_connection",
    "connect_db",
    "db_connect",
    "connect_to_db",
    "connect_to_database",
    "get_db_conn",
    "new_connection",
];

fn check_function(
    body: Node<'_>,
    m: &Module<'_>,
    helpers: &[String],
    one_shot: bool,
    out: &mut Sink<'_>,
) {
    let nodes: Vec<Node<'_>> = m.in_scope(body).collect();
    // `global conn` / `nonlocal conn`: assigning the name stores the resource outside
    // the function (a module-level connection an engine's `init()` opens for `search()`).
    let outer: Vec<&str> = nodes
        .iter()
        .filter(|n| matches!(n.kind(), "global_statement" | "nonlocal_statement"))
        .flat_map(|n| {
            let mut c = n.walk();
            n.named_children(&mut c)
                .filter(|i| i.kind() == "identifier")
                .map(|i| m.text(i))
                .collect::<Vec<_>>()
        })
        .collect();
    // (variable, call, what, connection variable for cursors)
    let mut opened: Vec<(String, Node<'_>, What, Option<String>)> = Vec::new();
    for n in &nodes {
        if n.kind() != "assignment" {
            continue;
        }
        let (Some(left), Some(right)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            continue;
        };
        if left.kind() != "identifier" {
            continue;
        }
        let call = if right.kind() == "await" {
            match right.named_child(0) {
                Some(c) => c,
                None => continue,
            }
        } else {
            right
        };
        if call.kind() != "call" {
            continue;
        }
        let Some(what) = resource_kind(call, m, helpers) else {
            continue;
        };
        let conn_var = (what == What::Cursor)
            .then(|| {
                call.child_by_field_name("function")
                    .and_then(|f| f.child_by_field_name("object"))
                    .filter(|o| o.kind() == "identifier")
                    .map(|o| m.text(o).to_string())
            })
            .flatten();
        let name = m.text(left).to_string();
        if outer.contains(&name.as_str()) || opened.iter().any(|(v, ..)| *v == name) {
            continue;
        }
        opened.push((name, call, what, conn_var));
    }
    for (name, call, what, conn_var) in &opened {
        // psycopg2's and sqlite3's `with conn:` ends a transaction, it does not close.
        let with_closes = !matches!(
            m.callee(*call).as_deref(),
            Some("psycopg2.connect" | "sqlite3.connect")
        );
        if handled(name, *call, &nodes, m, with_closes) {
            continue;
        }
        if let Some(c) = conn_var {
            if closed(c, &nodes, m) {
                continue;
            }
            // A cursor of a connection opened here is covered by that connection's finding.
            if opened.iter().any(|(v, ..)| v == c) {
                continue;
            }
            // `with sqlite3.connect(path) as conn: cur = conn.cursor()`: the cursor lives
            // as long as the connection the function manages in its `with`; what the
            // block leaves open (sqlite3's and psycopg2's `with` only end the
            // transaction) is the connection, not the cursor (round 11: khoj telemetry).
            if with_connection(c, &nodes, m) {
                continue;
            }
        }
        let (label, advice) = match what {
            What::Connection | What::HelperConnection => (
                "database connection",
                "use `with` / `contextlib.closing(...)` or close it in `finally:`",
            ),
            What::Cursor => (
                "cursor",
                "use `with conn.cursor() as cur:` or close it in `finally:`",
            ),
            What::File => ("file", "open it with `with open(...) as f:`"),
        };
        let f = out.report(
            call.byte_range(),
            format!("{label} `{name}` is opened here and never closed in this function (nor returned or stored); {advice}"),
        );
        // A file or cursor the function drops is closed when CPython frees the local at
        // return: hygiene. A connection holds a server slot and possibly a transaction.
        // In a command-line command the process ends with the command: low.
        if one_shot || matches!(what, What::Cursor | What::HelperConnection | What::File) {
            f.severity = Severity::Low;
        }
    }
}

/// Whether `name` is bound by a `with CONNECT(...) as name:` of the function, a driver's
/// connect call.
fn with_connection(name: &str, nodes: &[Node<'_>], m: &Module<'_>) -> bool {
    nodes.iter().any(|n| {
        n.kind() == "as_pattern"
            && n.parent().is_some_and(|p| p.kind() == "with_item")
            && n.child_by_field_name("alias")
                .is_some_and(|a| m.text(a).trim() == name)
            && n.named_child(0)
                .filter(|v| v.kind() == "call")
                .and_then(|v| m.callee(v))
                .is_some_and(|callee| CONNECT_FUNCS.contains(&callee.as_str()))
    })
}

fn resource_kind(call: Node<'_>, m: &Module<'_>, helpers: &[String]) -> Option<What> {
    let name = m.callee(call)?;
    if CONNECT_FUNCS.contains(&name.as_str()) {
        return Some(What::Connection);
    }
    let last = name.rsplit('.').next().unwrap_or(&name);
    let local = !name.contains('.') || name.starts_with("self.") || name.starts_with("cls.");
    if local && helpers.iter().any(|h| h == last) {
        return Some(What::Connection);
    }
    if HELPER_NAMES.contains(&last) {
        return Some(What::HelperConnection);
    }
    if name == "open" || name == "io.open" || name == "codecs.open" {
        return Some(What::File);
    }
    let f = call.child_by_field_name("function")?;
    if f.kind() != "attribute" {
        return None;
    }
    let method = m.text(f.child_by_field_name("attribute")?);
    let no_args = util::positional(call).is_empty()
        && call.child_by_field_name("arguments").is_some_and(|a| {
            util::named_children(a)
                .iter()
                .all(|c| c.kind() == "comment")
        });
    match method {
        "cursor" => Some(What::Cursor),
        "raw_connection" => Some(What::Connection),
        "connect" if no_args && name.to_ascii_lowercase().contains("engine") => {
            Some(What::Connection)
        }
        _ => None,
    }
}

/// Whether `name.close()` (or another closer) is called or referenced in the function.
fn closed(name: &str, nodes: &[Node<'_>], m: &Module<'_>) -> bool {
    nodes.iter().any(|n| {
        n.kind() == "attribute"
            && n.child_by_field_name("object")
                .is_some_and(|o| o.kind() == "identifier" && m.text(o) == name)
            && n.child_by_field_name("attribute")
                .is_some_and(|a| CLOSERS.contains(&m.text(a)))
    })
}

/// `os.dup2(f.fileno(), 1)`: the descriptor is copied onto stdio on purpose (a
/// daemonising process keeps `/dev/null` open as its stdin/stdout): handed over.
fn dup2_of(ident: Node<'_>, m: &Module<'_>) -> bool {
    let fileno = ident.parent().filter(|a| {
        a.kind() == "attribute"
            && a.child_by_field_name("attribute")
                .is_some_and(|x| m.text(x) == "fileno")
    });
    let outer = fileno
        .and_then(|a| a.parent())
        .filter(|c| c.kind() == "call")
        .and_then(|c| c.parent())
        .filter(|l| l.kind() == "argument_list")
        .and_then(|l| l.parent())
        .filter(|c| c.kind() == "call");
    outer.is_some_and(|c| {
        m.callee(c)
            .is_some_and(|name| name == "dup2" || name.ends_with(".dup2"))
    })
}

fn handled(
    name: &str,
    call: Node<'_>,
    nodes: &[Node<'_>],
    m: &Module<'_>,
    with_closes: bool,
) -> bool {
    if closed(name, nodes, m) {
        return true;
    }
    for n in nodes {
        if n.kind() != "identifier" || m.text(*n) != name || n.start_byte() <= call.start_byte() {
            continue;
        }
        if escapes(*n, m, with_closes) {
            return true;
        }
    }
    false
}

/// Whether this use of the variable hands the resource to someone who will close it.
fn escapes(ident: Node<'_>, m: &Module<'_>, with_closes: bool) -> bool {
    if dup2_of(ident, m) {
        return true;
    }
    let mut child = ident;
    let mut cur = ident.parent();
    while let Some(p) = cur {
        match p.kind() {
            "return_statement" | "yield" => return true,
            "with_item" | "with_clause" => return with_closes,
            "assignment" | "augmented_assignment" => {
                // Used on the right of `self.x = conn` / `d[k] = conn` / `a = b = conn`.
                let right = p.child_by_field_name("right");
                if right.is_some_and(|r| r.id() == child.id()) {
                    return p
                        .child_by_field_name("left")
                        .is_some_and(|l| l.kind() != "identifier");
                }
                return false;
            }
            "argument_list" => {
                let _ = child;
                let Some(call) = p.parent() else { return false };
                let name = m.callee(call).unwrap_or_default();
                let last = name.rsplit('.').next().unwrap_or(&name);
                // Wrapped into something that is returned (`return addinfourl(fp, …)`).
                let wrapped_out = call
                    .parent()
                    .is_some_and(|g| matches!(g.kind(), "return_statement" | "yield"));
                return wrapped_out
                    || STORERS.contains(&last)
                    || last.starts_with("set")
                    || last.starts_with("attach")
                    || last
                        .trim_start_matches('_')
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_uppercase());
            }
            "keyword_argument" => {
                child = p;
                cur = p.parent();
                continue;
            }
            "expression_list" | "tuple" | "list" | "parenthesized_expression" | "as_pattern" => {
                child = p;
                cur = p.parent();
                continue;
            }
            "pair" | "dictionary" => {
                child = p;
                cur = p.parent();
                continue;
            }
            // `return cur.execute(…)`: psycopg 3's and sqlite3's `execute()` return the
            // cursor itself, and returning the call's value says the caller takes it
            // (round 9: `return server_cursor.execute(…)`, used by callers in `with`).
            "attribute"
                if p.child_by_field_name("object")
                    .is_some_and(|o| o.id() == child.id()) =>
            {
                let method = p
                    .child_by_field_name("attribute")
                    .map(|a| m.text(a))
                    .unwrap_or_default();
                let returned = p.parent().is_some_and(|call| {
                    call.kind() == "call"
                        && call
                            .parent()
                            .is_some_and(|g| matches!(g.kind(), "return_statement" | "yield"))
                });
                return returned && matches!(method, "execute" | "executemany");
            }
            _ => return false,
        }
    }
    false
}
