//! `python/subprocess-shell`: a shell command line built from variables.

use tree_sitter::Node;

use crate::finding::Severity;
use crate::parse::python::PythonFile;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct SubprocessShell;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/subprocess-shell",
    summary: "shell command built with an f-string, `%`, `.format` or `+` and run through a shell",
    severity: Severity::Medium,
    docs: r#"
## Why
`subprocess.run(f"tar czf {dest} {path}", shell=True)` hands the string to
`/bin/sh`. If `path` ever contains `;`, `$( )`, a backtick, a space or a quote —
a file name from an upload, a branch name, a value from a config or an API — the
shell runs it. That is command injection, and even without an attacker, a
space in a path silently runs the wrong command.

Reported: `subprocess.run/call/check_call/check_output/Popen(..., shell=True)`,
`os.system`, `os.popen`, `subprocess.getoutput/getstatusoutput`,
`asyncio.create_subprocess_shell` and `commands.getoutput` when the command is
built at run time: an f-string with `{…}`, `"…" % x`, `"…".format(x)`,
`" ".join(parts)`, or `+` joining a variable — written inline or assigned to a variable in the same
function just before. Not reported: a constant string (`shell=True` with a fixed
pipeline) or one joined from module constants (`CMD = "tool serve"` assigned
once at the top of the file, then `CMD + " " + "--preload-only"`), a list of arguments without a shell, or a command whose
interpolations go through `shlex.quote`. Production code and examples are
checked, tests are not.

Severity follows where the spliced values come from: **high** when one is read from
the HTTP request being served (`request.form[…]`, `self.request.GET`), which is
command injection now; **medium** when one is a parameter or data read at run time
(a file's lines, an API's answer); **low** when every value is the deployment's own
configuration — module constants (`DATA_DIR`, `ARCHIVEBOX_USER`), settings objects,
environment variables — where a metacharacter breaks the command rather than handing a
shell to an outsider. Not reported when every value is a literal, a loop variable over
literals (`for policy in ['tls_policy', 'transport']`) or a number (`int(…)`,
`os.getpid()`, `len(…)`).

In a command-line program (argparse/click/typer, a shebang script, `scripts/`,
`tools/`, `hacking/`-style tooling, a Django management command) the finding is
low: the values come from the person running it, so a metacharacter breaks the
command rather than handing a shell to someone else.

## Example
```python
def backup(db, dest):
    cmd = f"pg_dump {db} | gzip > {dest}"
    subprocess.run(cmd, shell=True, check=True)
    os.system("rm -rf " + tmpdir)
```
Fine:
```python
dump = subprocess.run(["pg_dump", db], check=True, capture_output=True)
subprocess.run(f"pg_dump {shlex.quote(db)} | gzip", shell=True, check=True)
subprocess.run("systemctl restart nginx", shell=True)
```

## Fix
Pass a list of arguments without `shell=True` (`["tar", "czf", dest, path]`);
if you need a pipeline, connect two `Popen`s, or quote each value with
`shlex.quote`. No automatic fix: splitting a command line needs a human.

Bandit reports every `shell=True` (B602, B605) with varying confidence; semgrep's
`subprocess-shell-true` similarly. We only report commands built from variables,
which is where the injection is.
"#,
};

const SHELL_KW: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
];
const ALWAYS_SHELL: &[&str] = &[
    "os.system",
    "os.popen",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "asyncio.create_subprocess_shell",
    "commands.getoutput",
    "commands.getstatusoutput",
];

impl Rule for SubprocessShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_shipped_or_example(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        if !(text.contains("subprocess")
            || text.contains("system")
            || text.contains("popen")
            || text.contains("create_subprocess_shell")
            || text.contains("commands"))
        {
            return;
        }
        // A finding needs `shell=True` or a call that always runs a shell; every name
        // of [`ALWAYS_SHELL`] ends with one of these words.
        if !["shell", "system", "popen", "getoutput", "getstatusoutput"]
            .iter()
            .any(|w| text.contains(w))
        {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        // In a developer's command-line tool the values come from the person running
        // it, who could run the shell themselves: a robustness bug, not an injection.
        let cli = crate::rules::python::print_in_library::is_cli_file(&m, &cx.file.path);
        for call in m.calls() {
            let Some(name) = m.callee(call) else { continue };
            let shell = if ALWAYS_SHELL.contains(&name.as_str()) {
                true
            } else if SHELL_KW.contains(&name.as_str()) {
                util::kwarg(call, "shell", text).is_some_and(|v| v.kind() == "true")
            } else {
                false
            };
            if !shell {
                continue;
            }
            let cmd = util::positional(call)
                .first()
                .copied()
                .or_else(|| util::kwarg(call, "args", text))
                .or_else(|| util::kwarg(call, "cmd", text))
                .or_else(|| util::kwarg(call, "command", text));
            let Some(cmd) = cmd else { continue };
            let Some(built) = dynamic_command(cmd, &m) else {
                continue;
            };
            if m.text(built).contains("quote(") {
                continue;
            }
            let how = if cmd.id() == built.id() {
                "is built from variables".to_string()
            } else {
                format!("`{}` is built from variables", m.text(cmd))
            };
            let origin = interpolated(built, &m)
                .into_iter()
                .map(|v| origin_of(v, &m, 0))
                .max()
                .unwrap_or(Origin::Unknown);
            let (severity, whose) = match origin {
                // Every value is a literal, a loop over literals or a number: nothing
                // a metacharacter can come through.
                Origin::Fixed => continue,
                Origin::Operator => (
                    Severity::Low,
                    " (the values are the deployment's own constants and settings, not outside input)",
                ),
                Origin::Unknown => (Severity::Medium, ""),
                Origin::Request => (Severity::High, " (a value comes from the HTTP request)"),
            };
            let f = out.report(
                cmd.byte_range(),
                format!(
                    "the command passed to `{name}` runs through a shell and {how}{whose}: shell metacharacters in them are executed; pass a list of arguments without `shell=True`, or `shlex.quote` each value"
                ),
            );
            f.severity = if cli { Severity::Low } else { severity };
        }
    }
}

/// Where the values spliced into a command come from, least to most dangerous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    /// A literal, a loop variable over literals, a number (`int(…)`, `os.getuid()`).
    Fixed,
    /// The deployment's own configuration: module constants (`DATA_DIR`,
    /// `CONSTANTS.TMP_DIR`), settings objects, environment variables.
    Operator,
    /// Anything else: a parameter, a value read at run time.
    Unknown,
    /// The HTTP request being served (`request.args[…]`, `self.request.GET`).
    Request,
}

/// The values a command string splices in: f-string `{…}` expressions, the right of
/// `%`, `.format(…)` and `.join(…)` arguments, the non-string operands of `+`.
fn interpolated<'t>(n: Node<'t>, m: &Module<'t>) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    match n.kind() {
        "string" => {
            for c in util::named_children(n) {
                if c.kind() == "interpolation" {
                    out.extend(c.named_child(0));
                }
            }
        }
        "concatenated_string" | "parenthesized_expression" => {
            for c in util::named_children(n) {
                out.extend(interpolated(c, m));
            }
        }
        "binary_operator" => {
            let op = n.child_by_field_name("operator").map(|o| m.text(o));
            let (Some(l), Some(r)) = (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ) else {
                return out;
            };
            match op {
                Some("%") => {
                    out.extend(interpolated(l, m));
                    if matches!(r.kind(), "tuple" | "parenthesized_expression") {
                        out.extend(util::named_children(r));
                    } else {
                        out.push(r);
                    }
                }
                _ => {
                    for side in [l, r] {
                        if matches!(
                            side.kind(),
                            "string"
                                | "concatenated_string"
                                | "binary_operator"
                                | "parenthesized_expression"
                        ) {
                            out.extend(interpolated(side, m));
                        } else {
                            out.push(side);
                        }
                    }
                }
            }
        }
        "call" => {
            if let Some(args) = n.child_by_field_name("arguments") {
                for a in util::named_children(args) {
                    let v = if a.kind() == "keyword_argument" {
                        a.child_by_field_name("value")
                    } else {
                        Some(a)
                    };
                    match v {
                        Some(v) if matches!(v.kind(), "list" | "tuple") => {
                            out.extend(util::named_children(v));
                        }
                        Some(v) if v.kind() != "comment" => out.push(v),
                        _ => {}
                    }
                }
            }
            if let Some(obj) = n
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("object"))
            {
                out.extend(interpolated(obj, m));
            }
        }
        _ => {}
    }
    out
}

/// A name written like a constant (`DATA_DIR`, `ARCHIVEBOX_USER`): module constants
/// and settings, set by whoever deploys the program.
fn constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Objects that hold the deployment's configuration.
const SETTINGS_OBJECTS: &[&str] = &["settings", "config", "conf", "cfg", "environ", "os"];

/// Calls whose result carries no shell metacharacter (numbers) or the deployment's
/// own identity.
const NUMERIC_CALLS: &[&str] = &[
    "int",
    "len",
    "float",
    "os.getuid",
    "os.getgid",
    "os.geteuid",
    "os.getegid",
    "os.getpid",
    "os.getppid",
    "os.cpu_count",
];

/// Functions whose result is made of their arguments (a path or string of them).
const PURE_FUNCTIONS: &[&str] = &[
    "str",
    "Path",
    "pathlib.Path",
    "os.path.join",
    "os.path.basename",
    "os.path.dirname",
    "os.path.abspath",
    "os.path.realpath",
    "os.path.expanduser",
    "os.fspath",
];

/// String and path methods whose result is made of their object and arguments.
const PURE_METHODS: &[&str] = &[
    "strip",
    "lstrip",
    "rstrip",
    "lower",
    "upper",
    "replace",
    "format",
    "join",
    "joinpath",
    "resolve",
    "absolute",
    "with_suffix",
    "with_name",
    "as_posix",
];

/// Where one spliced value comes from, following a local name to what it was last
/// assigned in its scope, a loop variable to what it iterates (a few steps deep).
fn origin_of(v: Node<'_>, m: &Module<'_>, depth: usize) -> Origin {
    if depth > 4 {
        return Origin::Unknown;
    }
    let worst = |nodes: Vec<Node<'_>>| {
        nodes
            .into_iter()
            .filter(|c| c.kind() != "comment")
            .map(|c| origin_of(c, m, depth + 1))
            .max()
            .unwrap_or(Origin::Fixed)
    };
    match v.kind() {
        "integer" | "float" | "true" | "false" | "none" => Origin::Fixed,
        "string" | "concatenated_string" => {
            if util::is_constant_string(v) {
                Origin::Fixed
            } else {
                worst(interpolated(v, m))
            }
        }
        "parenthesized_expression"
        | "binary_operator"
        | "list"
        | "tuple"
        | "conditional_expression" => worst(util::named_children(v)),
        "format_specifier" | "type_conversion" => Origin::Fixed,
        "identifier" => {
            let name = m.text(v);
            // A constant a function rebinds (`global CMD; CMD = CMD + extra`) is not one.
            if constant_name(name) && !rebound_global(name, m) {
                return Origin::Operator;
            }
            if let Some(iterated) = loop_source(v, name, m) {
                return origin_of(iterated, m, depth + 1);
            }
            let scope = util::scope_of(v, m.root);
            let Some(value) = util::last_assignment(scope, name, v.start_byte(), m.text) else {
                return Origin::Unknown;
            };
            // A list built up later (`cmd.append(x)`, `cmd += [x]`) has those values too.
            let mut parts = vec![value];
            for n in m.descendants(scope) {
                if n.start_byte() >= v.start_byte() {
                    continue;
                }
                match n.kind() {
                    "call" => {
                        let f = n.child_by_field_name("function");
                        let on_name = f
                            .filter(|f| f.kind() == "attribute")
                            .and_then(|f| f.child_by_field_name("object"))
                            .is_some_and(|o| m.text(o) == name);
                        let adds = f
                            .and_then(|f| f.child_by_field_name("attribute"))
                            .is_some_and(|a| matches!(m.text(a), "append" | "extend" | "insert"));
                        if on_name && adds {
                            parts.extend(
                                n.child_by_field_name("arguments")
                                    .map(util::named_children)
                                    .unwrap_or_default(),
                            );
                        }
                    }
                    "augmented_assignment"
                        if n.child_by_field_name("left")
                            .is_some_and(|l| m.text(l) == name) =>
                    {
                        parts.extend(n.child_by_field_name("right"));
                    }
                    _ => {}
                }
            }
            worst(parts)
        }
        "attribute" | "subscript" => {
            let root = root_object(v);
            let root_name = m.text(root);
            if root_name == "request"
                || root_name.ends_with("_request")
                || m.text(v).starts_with("self.request")
            {
                Origin::Request
            } else if constant_name(root_name)
                || SETTINGS_OBJECTS.contains(&root_name)
                || (v.kind() == "attribute"
                    && v.child_by_field_name("attribute")
                        .is_some_and(|a| constant_name(m.text(a))))
            {
                Origin::Operator
            } else if root.kind() == "identifier" && root.id() != v.id() {
                // `path.name`, `opts["dir"]`: as the object they are read from.
                origin_of(root, m, depth + 1)
            } else {
                Origin::Unknown
            }
        }
        "call" => {
            let callee = m.callee(v).unwrap_or_default();
            if NUMERIC_CALLS.contains(&callee.as_str()) {
                return Origin::Fixed;
            }
            if matches!(callee.as_str(), "os.environ.get" | "os.getenv" | "getenv") {
                return Origin::Operator;
            }
            let f = v.child_by_field_name("function");
            let method = f
                .filter(|f| f.kind() == "attribute")
                .and_then(|f| f.child_by_field_name("attribute"))
                .map(|a| m.text(a));
            if let Some(method) = method {
                // `DATA_DIR.joinpath(x)`, `str(path).strip()`: a string or path method
                // keeps its object's and arguments' origin; any other method
                // (`.read()`, `.json()`) returns data.
                if !PURE_METHODS.contains(&method) {
                    return Origin::Unknown;
                }
                let mut parts = interpolated(v, m);
                parts.extend(f.and_then(|f| f.child_by_field_name("object")));
                return worst(parts);
            }
            // `str(x)`, `Path(x)`, `os.path.join(a, b)`: the arguments.
            if !PURE_FUNCTIONS.contains(&callee.as_str()) {
                return Origin::Unknown;
            }
            worst(
                v.child_by_field_name("arguments")
                    .map(util::named_children)
                    .unwrap_or_default(),
            )
        }
        _ => Origin::Unknown,
    }
}

/// Whether some function declares `global name` (and so may rebind it).
fn rebound_global(name: &str, m: &Module<'_>) -> bool {
    m.text.contains("global")
        && m.descendants(m.root).any(|n| {
            n.kind() == "global_statement"
                && util::named_children(n).iter().any(|c| m.text(*c) == name)
        })
}

/// The innermost object of `a.b.c` / `a[b].c`.
fn root_object(mut n: Node<'_>) -> Node<'_> {
    loop {
        let next = match n.kind() {
            "attribute" => n.child_by_field_name("object"),
            "subscript" => n.child_by_field_name("value"),
            "call" => n.child_by_field_name("function"),
            _ => None,
        };
        match next {
            Some(x) => n = x,
            None => return n,
        }
    }
}

/// What an enclosing `for name in …:` iterates, when `name` is its loop variable.
fn loop_source<'t>(v: Node<'t>, name: &str, m: &Module<'t>) -> Option<Node<'t>> {
    let mut p = v.parent();
    while let Some(n) = p {
        if matches!(n.kind(), "function_definition" | "class_definition") {
            return None;
        }
        if n.kind() == "for_statement"
            && n.child_by_field_name("left")
                .is_some_and(|l| m.text(l) == name)
        {
            return n.child_by_field_name("right");
        }
        p = n.parent();
    }
    None
}

/// The expression that builds the command at run time: the argument itself, or the
/// value last assigned to it in the same scope.
fn dynamic_command<'t>(cmd: Node<'t>, m: &Module<'t>) -> Option<Node<'t>> {
    if util::is_dynamic_string(cmd, m) {
        return Some(cmd);
    }
    if cmd.kind() == "identifier" {
        let scope = util::scope_of(cmd, m.root);
        let value = util::last_assignment(scope, m.text(cmd), cmd.start_byte(), m.text)?;
        if util::is_dynamic_string(value, m) {
            return Some(value);
        }
    }
    None
}
