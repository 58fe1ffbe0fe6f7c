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
    severity: Severity::High,
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
            let f = out.report(
                cmd.byte_range(),
                format!(
                    "the command passed to `{name}` runs through a shell and {how}: shell metacharacters in them are executed; pass a list of arguments without `shell=True`, or `shlex.quote` each value"
                ),
            );
            if cli {
                f.severity = Severity::Low;
            }
        }
    }
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
