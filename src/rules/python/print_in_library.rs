//! `python/print-in-library`: `print()` used for diagnostics in service or library code.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use crate::finding::{Finding, Severity};
use crate::parse::python::PythonFile;
use crate::roles::FileRole;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct PrintInLibrary {
    /// For each reported file: the top-level functions its prints sit in, when
    /// every print sits in one.
    print_homes: Mutex<BTreeMap<String, BTreeSet<String>>>,
    /// Reported files that print terminal tables (`print(tabulate(...))`): a console
    /// program's output, when nothing imports the module.
    console_tables: Mutex<BTreeSet<String>>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/print-in-library",
    summary: "`print()` in service or library code instead of logging",
    severity: Severity::Low,
    docs: r#"
## Why
In a service, `print()` writes to stdout with no timestamp, level, logger name or
traceback; it cannot be filtered, routed or silenced, it is lost when stdout is
not captured, and under some process managers it is block-buffered and shows up
minutes late. Diagnostics belong in `logging`, which the deployment configures.

The rule reports **one finding per file**, at the first `print()`, with the
count and the other calls listed as related locations: replacing prints with a
logger is one task per module, and one line per call would bury everything else.

Not reported, because there `print` is the user interface:
- files that are command-line programs: they import `argparse`, `click`, `typer`,
  `fire`, `docopt` or `optparse`, read `sys.argv`, start with a `#!` line, are
  named `__main__.py`, `setup.py`, `manage.py`, `noxfile.py`, `fabfile.py`, sit
  under `scripts/`, `bin/`, `tools/`, `cli/`, `notebooks/`, `benchmarks/`,
  `experiments/`, `demos/`, `templates/`, `docs/` or a Django `management/commands/`,
  are the program's output module (`display.py`, `console.py`, `output.py`,
  `terminal.py`, `printer.py`, `*_output.py`, `*_cli.py`, `demos.py`), are a notebook
  export, a standalone script with PEP 723 inline metadata (`# /// script`, run with
  `uv run`) or a packaging build hook (hatchling's `BuildHookInterface`, `hatch_build.py`:
  its prints are the build's log), or a schema migration (an Alembic revision with
  `down_revision` and `upgrade()`, a Django `migrations.Migration`: its prints are
  addressed to the operator running the upgrade) (the same test as the plan's logging task:
  `model::modules::prints_by_design`), or have an
  `if __name__ == "__main__":` block and either a top-level `main()`/`cli()`/`run()`
  or no class at all (a script of functions, such as a training script), or have
  no class and run their work at import time (a top-level `for` loop, `with`
  block or `print`: a one-off backfill or data-preparation script; a top-level
  `while` loop is a daemon's main loop and stays reported) — and are not a web
  service module. A module of classes with a convenience main guard
  (a collector class, an API client) is library code and is reported;
- calls inside `if __name__ == "__main__":`, inside a `main()` function or a
  function only that block calls (`def example(): …` run by the guard), inside
  a function whose name says it prints (`print_results`, `show_table`,
  `display_summary`: the output of a command), inside the `emit` method of a
  logging handler class and in the methods of a class that is itself a logger
  (`class Logger:` whose `log()` prints timestamped lines): writing records out is
  their job;
- prints of text coloured for a terminal (an ANSI escape such as `"\033[91m"`,
  colorama's `Fore.`/`Style.`, termcolor's `colored(`, `click.style(`, or colour
  constants closed by a reset: `f"{YELLOW}Skip {path}{RESET}"`): a person watching a
  console reads them (a maintainers' translation tool, a job's live output); a log
  pipeline would store the escapes as noise, so they are not diagnostics;
- `print(..., file=f)` to something other than `sys.stdout`/`sys.stderr` (file output),
  and `print(json.dumps(...))` (machine-readable output: a plugin protocol, a hook);
- a module whose prints all sit in plugin hooks only a maintainer script drives: a
  function that five or more modules of its directory define (searxng's engines'
  `fetch_traits`) and that, outside that directory, is called (or looked up with
  `getattr(…, "fetch_traits")`) only from scripts (a `#!` line or a main guard) or
  from functions of the same name forwarding the call; its prints are the
  data-update script's output. A hook the service itself calls stays reported;
- a module whose prints all sit in top-level functions that only command-line
  programs use (every module that imports the function, or the module, and names it
  is a click/typer/argparse module, a script or a `cli/` module, directly or through
  helpers only those call, up to three calls deep): `search.check()` run by the
  `search-index check` command prints that command's report. One use anywhere
  else (a view, a task, a module's top level) keeps the finding;
- a console program that prints tables drawn for a terminal (`print(tabulate(…))`)
  and that no module of the repository imports (an interactive load-test client);
- notebook exports (`# In[ ]:` / `# %%` cells);
- tests, examples, vendored and generated code.

## Example
```python
# app/collectors/prices.py
def fetch(symbol):
    resp = session.get(URL, params={"s": symbol}, timeout=10)
    print(f"fetched {symbol}: {resp.status_code}")
```
Fine:
```python
log = logging.getLogger(__name__)

def fetch(symbol):
    ...
    log.info("fetched %s: %s", symbol, resp.status_code)
```

## Fix
Create a module logger (`log = logging.getLogger(__name__)`) and replace each
`print` with `log.debug/info/warning`; configure handlers once at start-up.
No automatic fix: the right level for each message is a judgement call.

ruff `T201` reports every `print` everywhere; we report once per file and only
where printing is not the program's interface.
"#,
};

const CLI_MODULES: &[&str] = &["argparse", "click", "typer", "fire", "docopt", "optparse"];
const WEB_MODULES: &[&str] = &[
    "flask",
    "fastapi",
    "django",
    "starlette",
    "aiohttp",
    "sanic",
    "tornado",
    "falcon",
    "bottle",
    "quart",
    "litestar",
];

impl Rule for PrintInLibrary {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        // Only calls whose callee is the bare name `print` are reported.
        if !util::has_call_text(text, "print") {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        if is_cli_file(&m, &cx.file.path) {
            return;
        }
        let calls: Vec<_> = m
            .calls()
            .filter(|c| m.callee(*c).as_deref() == Some("print"))
            .filter(|c| !util::in_main_guard(*c, text))
            .filter(|c| {
                // `main()` prints by design; a logging handler's `emit` is where log
                // records are written out, print or not.
                !util::enclosing_function(*c).is_some_and(|f| {
                    let name = util::function_name(f, text);
                    matches!(name, "main" | "_main" | "cli")
                        || name == "emit" && in_handler_class(f, text)
                        || in_logger_class(f, text)
                        || prints_by_name(name)
                        || main_guard_entry(f, &m)
                })
            })
            .filter(|c| !prints_json(*c, &m))
            .filter(|c| !prints_in_colour(*c, text))
            .filter(|c| match util::kwarg(*c, "file", text) {
                None => true,
                Some(v) => matches!(m.resolve(v).as_deref(), Some("sys.stdout" | "sys.stderr")),
            })
            .collect();
        let Some(first) = calls.first() else {
            return;
        };
        let related: Vec<_> = calls[1..]
            .iter()
            .take(50)
            .map(|c| cx.locate(c.byte_range(), "another print()"))
            .collect();
        let homes: Option<BTreeSet<String>> = calls
            .iter()
            .map(|c| top_level_function(*c, &m).map(|f| util::function_name(f, text).to_string()))
            .collect();
        if let Some(homes) = homes {
            if let Ok(mut all) = self.print_homes.lock() {
                all.insert(cx.file.path.to_string(), homes);
            }
        }
        if m.calls()
            .filter(|c| m.callee(*c).as_deref() == Some("print"))
            .any(|c| prints_table(c, &m))
        {
            if let Ok(mut all) = self.console_tables.lock() {
                all.insert(cx.file.path.to_string());
            }
        }
        let n = calls.len();
        let msg = if n == 1 {
            "`print()` in service/library code: use a logger (`logging.getLogger(__name__)`) so output has a level, a timestamp and a destination".to_string()
        } else {
            format!("{n} `print()` calls in service/library code: use a logger (`logging.getLogger(__name__)`) so output has a level, a timestamp and a destination")
        };
        let f = out.report(first.byte_range(), msg);
        f.related = related.into();
    }

    fn settles(&self) -> bool {
        true
    }

    /// A file whose prints all sit in plugin hooks that only a maintainer script
    /// drives, or in functions only command-line commands call, is not service code:
    /// drop its finding. So is a console program that prints terminal tables and that
    /// no module imports.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        // Taken, not borrowed: the hooks are released once read.
        let Ok(homes) = self.print_homes.lock().map(|mut h| std::mem::take(&mut *h)) else {
            return;
        };
        let tables = self
            .console_tables
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        if own.is_empty() {
            return;
        }
        // The cross-file questions read every Python source: only when a finding asks.
        if own
            .iter()
            .any(|f| homes.contains_key(f.path.as_str()) || tables.contains(f.path.as_str()))
        {
            let sources = Sources::of(repo);
            own.retain(|f| !tables.contains(f.path.as_str()) || sources.imported(&f.path));
            own.retain(|f| {
                homes.get(f.path.as_str()).is_none_or(|hooks| {
                    !hooks
                        .iter()
                        .all(|h| sources.only_commands_call(&f.path, h, CALLER_DEPTH))
                })
            });
        }
        // The modules this rule checks (plugin modules of one directory define the
        // same hooks).
        let defs = repo
            .model
            .module_defs(|m| matches!(m.role, FileRole::Production | FileRole::Development));
        let mut verdicts: BTreeMap<String, bool> = BTreeMap::new();
        own.retain(|f| {
            let Some(hooks) = homes.get(f.path.as_str()) else {
                return true;
            };
            let dir = parent_dir(&f.path);
            !hooks.iter().all(|h| {
                *verdicts
                    .entry(format!("{dir}\0{h}"))
                    .or_insert_with(|| script_driven_hook(h, dir, defs, repo))
            })
        });
    }
}

/// How many functions deep [`Sources::only_commands_call`] follows callers (a helper
/// of a helper of a command).
const CALLER_DEPTH: usize = 3;

/// The repository's non-test Python sources, read once for the cross-file questions
/// of [`PrintInLibrary::settle`].
struct Sources {
    /// Path and text of each production, example or development `.py` file.
    files: Vec<(String, String)>,
    /// Answers of [`Sources::only_commands_call`] by (path, function, depth): a
    /// helper many commands share is looked up once.
    answers: std::cell::RefCell<BTreeMap<(String, String, usize), bool>>,
}

impl Sources {
    fn of(repo: &RepoCx<'_>) -> Sources {
        let files = repo
            .inventory
            .iter()
            .map(|e| e.path.as_str())
            .filter(|p| p.ends_with(".py") && crate::roles::role_of(p) != FileRole::Test)
            .filter_map(|p| repo.read_text(p).map(|t| (p.to_string(), t)))
            .collect();
        Sources {
            files,
            answers: Default::default(),
        }
    }

    /// Whether another module imports the module at `path` (by its dotted name,
    /// relatively, or `from package import stem`).
    fn imported(&self, path: &str) -> bool {
        let target = dotted(path);
        let stem = target.rsplit('.').next().unwrap_or("");
        self.files.iter().any(|(p, text)| {
            p != path
                && text.contains(stem)
                && import_lines(text).iter().any(|imp| {
                    imported_modules(imp, p)
                        .iter()
                        .any(|m| names_module(m, &target))
                })
        })
    }

    /// Whether every use of the top-level function `func` of the module at `path`
    /// sits in a command-line program (a click/typer/argparse module, a script, a
    /// `cli/` or `management/commands/` module), directly or through helpers that only
    /// such programs call (`depth` levels deep), and there is at least one: the
    /// function's prints are that command's output (`ckan search-index check`,
    /// `chainlit lint-translations`). A use anywhere else (a view, a task, a module's
    /// top level, a function nothing imports) keeps the finding.
    fn only_commands_call(&self, path: &str, func: &str, depth: usize) -> bool {
        if depth == 0 || func.is_empty() {
            return false;
        }
        let key = (path.to_string(), func.to_string(), depth);
        if let Some(known) = self.answers.borrow().get(&key) {
            return *known;
        }
        let answer = self.callers_are_commands(path, func, depth);
        self.answers.borrow_mut().insert(key, answer);
        answer
    }

    /// [`Sources::only_commands_call`], uncached.
    fn callers_are_commands(&self, path: &str, func: &str, depth: usize) -> bool {
        let target = dotted(path);
        let mut used = false;
        for (p, text) in &self.files {
            if !text.contains(func) {
                continue;
            }
            let own = p == path;
            let (names, handles) = if own {
                (vec![func.to_string()], Vec::new())
            } else {
                bindings(text, p, &target, func)
            };
            if names.is_empty() && handles.is_empty() {
                continue;
            }
            let command = is_command_text(p, text);
            let mut in_doc = false;
            for (i, line) in text.lines().enumerate() {
                let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
                let was_doc = in_doc;
                in_doc ^= quotes % 2 == 1;
                let t = line.trim_start();
                if was_doc
                    || t.starts_with('#')
                    || t.starts_with("import ")
                    || t.starts_with("from ")
                    || !uses_name(line, &names, &handles, func)
                {
                    continue;
                }
                if own && is_def_of(t, func) {
                    continue;
                }
                used = true;
                if command {
                    continue;
                }
                match enclosing_def(text, i) {
                    Some(caller) if caller != func => {
                        if !self.only_commands_call(p, &caller, depth - 1) {
                            return false;
                        }
                    }
                    _ => return false,
                }
            }
        }
        used
    }
}

/// `def func(` / `async def func(`.
fn is_def_of(trimmed: &str, func: &str) -> bool {
    trimmed
        .strip_prefix("def ")
        .or_else(|| trimmed.strip_prefix("async def "))
        .is_some_and(|r| r.starts_with(func) && r[func.len()..].trim_start().starts_with('('))
}

/// Whether the line names `func` through one of the file's bindings: a bare name
/// (`check(`, passed as a value) or `handle.func`.
fn uses_name(line: &str, names: &[String], handles: &[String], func: &str) -> bool {
    let word = |s: &str, i: usize, len: usize, dot_ok: bool| {
        let before = s[..i].chars().next_back();
        let after = s[i + len..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || (!dot_ok && c == '.'))
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    names.iter().any(|n| {
        line.match_indices(n.as_str())
            .any(|(i, _)| word(line, i, n.len(), false))
    }) || handles.iter().any(|h| {
        let q = format!("{h}.{func}");
        line.match_indices(q.as_str())
            .any(|(i, _)| word(line, i, q.len(), true))
    })
}

/// The names a file binds to `func` of module `target` (`from target import func
/// as f`) and the names it binds to the module itself (`import target as t`,
/// `from package import stem`).
fn bindings(text: &str, path: &str, target: &str, func: &str) -> (Vec<String>, Vec<String>) {
    let (mut names, mut handles) = (Vec::new(), Vec::new());
    for imp in import_lines(text) {
        if let Some(rest) = imp.strip_prefix("from ") {
            let Some((module, items)) = rest.split_once(" import ") else {
                continue;
            };
            let module = module.trim();
            for item in import_items(items) {
                let (name, alias) = item
                    .split_once(" as ")
                    .map_or((item.as_str(), item.as_str()), |(n, a)| {
                        (n.trim(), a.trim())
                    });
                let full = absolute(module, path);
                if names_module(&full, target) && name == func {
                    names.push(alias.to_string());
                } else if names_module(&format!("{full}.{name}"), target) {
                    handles.push(alias.to_string());
                }
            }
        } else if let Some(items) = imp.strip_prefix("import ") {
            for item in import_items(items) {
                let (name, alias) = item
                    .split_once(" as ")
                    .map_or((item.as_str(), item.as_str()), |(n, a)| {
                        (n.trim(), a.trim())
                    });
                if names_module(name, target) {
                    handles.push(alias.to_string());
                }
            }
        }
    }
    (names, handles)
}

/// The modules an import line names: `from m import a, b` gives `m`, `m.a`, `m.b`
/// (either may be a module); `import a.b as c` gives `a.b`. Relative names are
/// made absolute from the importing file's path.
fn imported_modules(imp: &str, path: &str) -> Vec<String> {
    if let Some(rest) = imp.strip_prefix("from ") {
        let Some((module, items)) = rest.split_once(" import ") else {
            return Vec::new();
        };
        let full = absolute(module.trim(), path);
        let mut v: Vec<String> = import_items(items)
            .iter()
            .map(|i| format!("{full}.{}", i.split(" as ").next().unwrap_or("").trim()))
            .collect();
        v.push(full);
        v
    } else if let Some(items) = imp.strip_prefix("import ") {
        import_items(items)
            .iter()
            .map(|i| i.split(" as ").next().unwrap_or("").trim().to_string())
            .collect()
    } else {
        Vec::new()
    }
}

/// The comma-separated items of an import, parentheses and comments removed.
fn import_items(items: &str) -> Vec<String> {
    items
        .split(',')
        .map(|i| {
            i.split('#')
                .next()
                .unwrap_or("")
                .trim_matches(|c: char| c == '(' || c == ')' || c.is_whitespace())
                .to_string()
        })
        .filter(|i| !i.is_empty())
        .collect()
}

/// A module name of an import made absolute: `.translations` in
/// `backend/chainlit/config.py` is `backend.chainlit.translations`.
fn absolute(module: &str, path: &str) -> String {
    let dots = module.len() - module.trim_start_matches('.').len();
    if dots == 0 {
        return module.to_string();
    }
    let mut base: Vec<&str> = parent_dir(path)
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    for _ in 1..dots {
        base.pop();
    }
    let rest = &module[dots..];
    if !rest.is_empty() {
        base.push(rest);
    }
    base.join(".")
}

/// Whether an imported module name (absolute, as written) is the module whose dotted
/// path is `target`: equal, or a suffix at a segment boundary (`chainlit.translations`
/// names `backend/chainlit/translations.py`, whose source root is `backend/`).
fn names_module(imported: &str, target: &str) -> bool {
    !imported.is_empty()
        && (imported == target
            || target
                .strip_suffix(imported)
                .is_some_and(|head| head.ends_with('.')))
}

/// The dotted name of a module path: `ckan/lib/search/__init__.py` is `ckan.lib.search`.
fn dotted(path: &str) -> String {
    let p = path.strip_suffix(".py").unwrap_or(path);
    let p = p.strip_suffix("/__init__").unwrap_or(p);
    p.replace('/', ".")
}

/// The file's import statements as single lines (a parenthesised `from m import (a,\n
/// b)` joined), indentation removed: imports inside functions count too.
fn import_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    for line in text.lines() {
        let t = line.split('#').next().unwrap_or("").trim();
        if let Some(mut cur) = open.take() {
            cur.push(' ');
            cur.push_str(t);
            if t.contains(')') {
                out.push(cur);
            } else {
                open = Some(cur);
            }
            continue;
        }
        if t.starts_with("import ") || t.starts_with("from ") && t.contains(" import") {
            let t = t.trim_end_matches('\\').to_string();
            if t.contains('(') && !t.contains(')') {
                open = Some(t);
            } else {
                out.push(t);
            }
        }
    }
    out
}

/// A command-line program by its text: the test of [`is_cli_file`] that needs no
/// parse (a place that prints by design, a `#!` line, a CLI library import).
fn is_command_text(path: &str, text: &str) -> bool {
    crate::model::modules::prints_by_design(path, text)
        || text.starts_with("#!")
        || import_lines(text).iter().any(|imp| {
            imported_modules(imp, path).iter().any(|m| {
                let root = m.split('.').next().unwrap_or("");
                CLI_MODULES.contains(&root)
            })
        })
}

/// Fewest modules of a directory that must define a function for it to be a hook of
/// a plugin interface (search engines, exporters, providers).
const MIN_PLUGINS: usize = 5;

/// The directory part of a repository path (`""` at the root).
pub fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The top-level function (not a method, not nested) a node sits in.
pub fn top_level_function<'t>(
    node: tree_sitter::Node<'t>,
    m: &Module<'_>,
) -> Option<tree_sitter::Node<'t>> {
    let mut cur = node.parent();
    let mut found = None;
    while let Some(n) = cur {
        match n.kind() {
            "function_definition" => found = Some(n),
            "class_definition" => return None,
            _ => {}
        }
        cur = n.parent();
    }
    let f = found?;
    let p = f.parent()?;
    (p.id() == m.root.id()
        || p.kind() == "decorated_definition" && p.parent().is_some_and(|g| g.id() == m.root.id()))
    .then_some(f)
}

/// Whether `hook` is a function that at least [`MIN_PLUGINS`] modules of `dir` define
/// (a plugin interface's hook, such as searxng's engines' `fetch_traits`) and that
/// only a maintainer script drives: outside the plugin directory, every call of the
/// name (or `getattr(…, "hook")` lookup) sits in a function of the same name (a
/// dispatcher forwarding the call) or in a script (a `#!` line or an
/// `if __name__ == "__main__":` block), and at least one sits in a script. Such a
/// hook runs when a maintainer regenerates data, not in the service, and its
/// prints are that script's output.
pub fn script_driven_hook(
    hook: &str,
    dir: &str,
    defs: crate::model::modules::DefsView<'_>,
    repo: &RepoCx<'_>,
) -> bool {
    let implementers = defs
        .iter()
        .filter(|(p, names)| parent_dir(p) == dir && names.contains(hook))
        .count();
    if implementers < MIN_PLUGINS {
        return false;
    }
    let mut from_script = false;
    for e in repo.inventory {
        let p = e.path.as_str();
        if !p.ends_with(".py") || parent_dir(p) == dir {
            continue;
        }
        let Some(text) = repo.read_text(p) else {
            continue;
        };
        if !text.contains(hook) {
            continue;
        }
        let script = text.starts_with("#!") || has_main_guard_line(&text);
        let mut in_doc = false;
        for (i, line) in text.lines().enumerate() {
            // Docstrings name the hook in prose (``fetch_traits(..)``): not calls.
            let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
            let was_doc = in_doc;
            in_doc ^= quotes % 2 == 1;
            if was_doc || quotes > 0 || !calls_name(line, hook) {
                continue;
            }
            if script {
                from_script = true;
            } else if enclosing_def(&text, i).as_deref() != Some(hook) {
                return false;
            }
        }
    }
    from_script
}

/// An `if __name__ == "__main__":` line at the top level.
fn has_main_guard_line(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("if __name__") && l.contains("__main__"))
}

/// Whether the line calls `name` (`name(`, `.name(`) or looks it up by name
/// (`"name"`), other than defining it.
fn calls_name(line: &str, name: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with('#') || t.starts_with("def ") || t.starts_with("async def ") {
        return false;
    }
    let quoted = format!("\"{name}\"");
    let single = format!("'{name}'");
    if line.contains(&quoted) || line.contains(&single) {
        return true;
    }
    line.match_indices(name).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + name.len()..].chars().next();
        after == Some('(') && !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The name of the innermost `def` enclosing line `at` (0-based), by indentation.
fn enclosing_def(text: &str, at: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut limit = indent(lines.get(at)?);
    for l in lines[..at].iter().rev() {
        if l.trim().is_empty() {
            continue;
        }
        let ind = indent(l);
        if ind >= limit {
            continue;
        }
        limit = ind;
        let t = l.trim_start();
        if let Some(rest) = t
            .strip_prefix("def ")
            .or_else(|| t.strip_prefix("async def "))
        {
            return rest.split('(').next().map(|n| n.trim().to_string());
        }
        if ind == 0 {
            return None;
        }
    }
    None
}

/// A top-level function that only the `if __name__ == "__main__":` block calls
/// (`def example(): …` then `example()` under the guard): the script part of a
/// module, run by hand, like `main()`.
fn main_guard_entry(func: tree_sitter::Node<'_>, m: &Module<'_>) -> bool {
    if func.parent().is_none_or(|p| {
        p.id() != m.root.id()
            && !(p.kind() == "decorated_definition"
                && p.parent().is_some_and(|g| g.id() == m.root.id()))
    }) {
        return false;
    }
    let name = util::function_name(func, m.text);
    let mut callers = m
        .calls()
        .filter(|c| m.callee(*c).as_deref() == Some(name))
        .peekable();
    callers.peek().is_some() && callers.all(|c| util::in_main_guard(c, m.text))
}

/// `print_results`, `show_table`, `display_summary`, `echo_status`: a function whose
/// name says its job is writing to the terminal (the result table of a CLI command).
fn prints_by_name(name: &str) -> bool {
    let name = name.trim_start_matches('_');
    ["print_", "show_", "display_", "echo_", "pprint_"]
        .iter()
        .any(|p| name.starts_with(p))
        || matches!(name, "print" | "show" | "display" | "echo")
}

/// Whether the file is a program whose interface is the terminal (a CLI, a script,
/// a notebook export), where `print` is output rather than diagnostics.
pub fn is_cli_file(m: &Module<'_>, path: &str) -> bool {
    let text = m.text;
    if crate::model::modules::prints_by_design(path, text) || text.starts_with("#!") {
        return true;
    }
    if is_interactive_cli(m) || uses_sys_argv(m) {
        return true;
    }
    let web = WEB_MODULES.iter().any(|w| m.imports_module(w));
    if web {
        return false;
    }
    let top = util::named_children(m.root);
    // A file of statements that runs its work at import time (a loop, a `with`, a
    // `print` at the top level) and defines no class is a script someone runs,
    // not a module anything imports (a one-off backfill, a data-preparation step).
    // A top-level `while` loop is a daemon's main loop (a watcher run as a
    // container's CMD): its prints are a service's diagnostics.
    let daemon = top.iter().any(|n| n.kind() == "while_statement");
    let runs_at_import = !daemon
        && top.iter().any(|n| {
            matches!(n.kind(), "for_statement" | "with_statement")
                || (n.kind() == "expression_statement"
                    && n.named_child(0).is_some_and(|c| {
                        c.kind() == "call" && m.callee(c).as_deref() == Some("print")
                    }))
        });
    if !util::has_main_guard(m.root, text) && !runs_at_import {
        return false;
    }
    // A main guard makes a script when the file has a `main()` entry point or is
    // a plain script of functions; a module of classes with a convenience guard
    // (a collector class, a client) is still library code.
    let defines = |names: &[&str]| {
        top.iter().any(|n| {
            let f = if n.kind() == "decorated_definition" {
                n.child_by_field_name("definition").unwrap_or(*n)
            } else {
                *n
            };
            f.kind() == "function_definition" && names.contains(&util::function_name(f, text))
        })
    };
    let has_class = top.iter().any(|n| {
        n.kind() == "class_definition"
            || n.kind() == "decorated_definition"
                && n.child_by_field_name("definition")
                    .is_some_and(|d| d.kind() == "class_definition")
    });
    defines(&["main", "cli", "_main", "run", "app"]) || !has_class
}

/// Whether the file builds a command-line interface (argparse, click, typer, fire…).
pub fn is_interactive_cli(m: &Module<'_>) -> bool {
    CLI_MODULES.iter().any(|c| m.imports_module(c))
}

/// The method belongs to a class deriving from a logging handler (`logging.Handler`,
/// `StreamHandler`, `QueueHandler`…).
fn in_handler_class(func: tree_sitter::Node<'_>, text: &str) -> bool {
    let mut cur = func.parent();
    while let Some(n) = cur {
        if n.kind() == "class_definition" {
            return n
                .child_by_field_name("superclasses")
                .and_then(|b| text.get(b.byte_range()))
                .is_some_and(|b| b.contains("Handler"));
        }
        cur = n.parent();
    }
    false
}

/// The node is inside a class that is itself a logger (`class Logger:`, `class
/// AuditLogger:`, a name ending in `Logger`): writing lines to stdout for the container
/// log is that class's job, so its prints are the logging, not a bypass of it.
pub fn in_logger_class(node: tree_sitter::Node<'_>, text: &str) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n.kind() == "class_definition" {
            return n
                .child_by_field_name("name")
                .and_then(|b| text.get(b.byte_range()))
                .is_some_and(|name| name.to_ascii_lowercase().ends_with("logger"));
        }
        cur = n.parent();
    }
    false
}

/// `print(tabulate(...))`: a table drawn for a terminal, a console program's output.
fn prints_table(call: tree_sitter::Node<'_>, m: &Module<'_>) -> bool {
    util::positional(call).first().is_some_and(|a| {
        a.kind() == "call"
            && m.callee(*a)
                .is_some_and(|n| n == "tabulate" || n.ends_with(".tabulate"))
    })
}

/// `print(json.dumps(...))`: machine-readable output on stdout (a plugin protocol,
/// a hook's answer), not diagnostics.
fn prints_json(call: tree_sitter::Node<'_>, m: &Module<'_>) -> bool {
    util::positional(call).first().is_some_and(|a| {
        a.kind() == "call"
            && m.callee(*a)
                .is_some_and(|n| n.ends_with("json.dumps") || n.ends_with("model_dump_json"))
    })
}

/// Whether the call's arguments colour the text for a terminal: an ANSI escape
/// (`"\033[91m"`, `"\x1b[0m"`), colorama's `Fore.`/`Style.`, termcolor's `colored(`,
/// `click.style(`, or colour constants (`f"{YELLOW}Skip {path}{RESET}"`). Text
/// coloured for a human watching a terminal is a command's interface (a maintainers'
/// translation CLI, a job's live console), not a diagnostic meant for a log pipeline,
/// which would store the escapes as noise.
fn prints_in_colour(call: tree_sitter::Node<'_>, text: &str) -> bool {
    let Some(args) = call.child_by_field_name("arguments") else {
        return false;
    };
    let Some(a) = text.get(args.byte_range()) else {
        return false;
    };
    if ["\\033[", "\\x1b[", "\\x1B[", "\\u001b[", "\\u001B[", "\\e["]
        .iter()
        .any(|e| a.contains(e))
        || ["Fore.", "Style.", "colored(", "click.style(", "termcolor"]
            .iter()
            .any(|e| a.contains(e))
    {
        return true;
    }
    const COLOURS: &[&str] = &[
        "RED", "GREEN", "YELLOW", "BLUE", "CYAN", "MAGENTA", "RESET", "ENDC", "BOLD",
    ];
    a.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
        .any(|w| COLOURS.contains(&w))
        && a.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .any(|w| matches!(w, "RESET" | "ENDC" | "RESET_ALL"))
}

fn uses_sys_argv(m: &Module<'_>) -> bool {
    m.text.contains("argv")
        && m.descendants(m.root)
            .filter(|n| n.kind() == "attribute" || n.kind() == "identifier")
            .any(|n| matches!(m.resolve(n).as_deref(), Some("sys.argv")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_and_bindings() {
        assert_eq!(dotted("ckan/lib/search/__init__.py"), "ckan.lib.search");
        assert!(names_module(
            "chainlit.translations",
            "backend.chainlit.translations"
        ));
        assert!(!names_module(
            "translations",
            "backend.chainlit.mytranslations"
        ));
        assert_eq!(
            absolute("..lib.search", "ckan/cli/search_index.py"),
            "ckan.lib.search"
        );
        assert_eq!(
            absolute(".translations", "backend/chainlit/config.py"),
            "backend.chainlit.translations"
        );
        let text = "from ckan.lib.search import (\n    rebuild,\n    check as run_check,\n)\nimport ckan.lib.search as search\nfrom ckan.lib import search as s2\n";
        let (names, handles) = bindings(text, "ckan/cli/x.py", "ckan.lib.search", "check");
        assert_eq!(names, vec!["run_check".to_string()]);
        assert_eq!(handles, vec!["search".to_string(), "s2".to_string()]);
        assert!(uses_name("    search.check()", &names, &handles, "check"));
        assert!(uses_name("    run_check()", &names, &handles, "check"));
        assert!(!uses_name(
            "    search.check_solr()",
            &names,
            &handles,
            "check"
        ));
    }
}
