//! `python/flag-gated-fallback`: security code that fails closed only when a flag
//! (`PRODUCTION_MODE`, `STRICT_SECURITY`) is set, and otherwise carries on with a stub.

use std::collections::BTreeMap;
use std::sync::Mutex;

use tree_sitter::Node;

use crate::finding::{Related, Severity};
use crate::parse::python::PythonFile;
use crate::rules::python::insecure_import_fallback::is_security_module;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct FlagGatedFallback {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Fallbacks found, waiting for their flag's definition.
    pending: Vec<Pending>,
    /// Where flag-like names are assigned from the environment or a literal, by name.
    defs: BTreeMap<String, Vec<FlagDef>>,
}

/// One gated fallback.
struct Pending {
    at: Related,
    snippet: String,
    /// What is missing (`liboqs`, `SECRET_KEY`).
    what: String,
    /// The flag as written in the condition (`PRODUCTION_MODE`, `settings.STRICT`).
    flag_text: String,
    /// The flag's name (last part), for finding its definition.
    flag_name: String,
    /// Whether the gate raises when the flag is truthy (`if PRODUCTION_MODE:`), or
    /// when it is falsy (`if not ALLOW_INSECURE:`).
    raises_when_set: bool,
    /// The stub, as a related location.
    stub: Related,
    /// Its short description (`kex = StubKex`).
    stub_text: String,
    /// A definition in the same module, found right away.
    local: Option<FlagDef>,
    /// A default read in the condition itself (`os.getenv("PRODUCTION", "false")`).
    inline_default: Option<Default>,
}

/// Where a flag is read and what it is when the environment does not set it.
#[derive(Clone)]
struct FlagDef {
    at: Related,
    default: Default,
}

/// A flag's value when nothing sets it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Default {
    Off,
    On,
    Unknown,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/flag-gated-fallback",
    summary:
        "security fallback that fails closed only when a flag is set, and otherwise runs a stub",
    severity: Severity::Medium,
    docs: r#"
## Why
```python
try:
    from liboqs import kex
except ImportError:
    if PRODUCTION_MODE:
        raise
    logger.error("Using PQC STUB - SYSTEM IS INSECURE!")
    kex = StubKex()
```
The author knew the stub is unsafe and made production fail closed, but only when
`PRODUCTION_MODE` is set. A deployment that forgets the variable, spells it
differently, or sets it in one manifest and not another starts with the stub and
encrypts, signs or authenticates with nothing. A flag that defaults to off is the
real risk: the safe behaviour needs an action, the unsafe one needs none.

Reported (medium) in production Python:
- an `except` handler of a `try` that imports a security module (the list of
  `python/insecure-import-fallback`) or loads a key, secret, certificate or
  token, whose handler raises or exits only inside an `if` on a flag, and
  otherwise carries on with a stub (an assignment, a stub class or function, or a
  log line);
- the same shape for a missing secret: `if not SECRET_KEY:` whose body raises only
  under a flag and otherwise assigns a development value.

The message names the flag, the stub, and where the flag is read with its default
(found in the same module or, by name, in another module of the repository).

Not reported when the flag fails closed by default (`os.getenv("PRODUCTION_MODE",
"true")`, `if not ALLOW_INSECURE: raise` with `ALLOW_INSECURE` off unless set): the
stub then needs an explicit opt-in, which is the fix.

Not reported: a handler that always raises; a flag that turns a feature on
(`except ImportError: if settings.LDAP_LOGIN_ENABLED: sys.exit(…)` with nothing
after it: the feature is off, nothing runs insecure); conditions on the exception
itself (`if e.name == "oqs": raise`); tests, examples and vendored code. A handler
that carries on with no flag at all is `python/insecure-import-fallback`.

## Example
```python
PRODUCTION_MODE = os.getenv("PRODUCTION_MODE", "false").lower() == "true"

SECRET_KEY = os.getenv("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION_MODE:
        raise RuntimeError("SECRET_KEY must be set")
    SECRET_KEY = "dev-secret-key"
```

## Fix
Fail closed by default and make the stub the opt-in: raise unless an explicit,
loud `ALLOW_INSECURE_STUBS=1` is set (and refuse it when the environment says
production), or drop the stub and let the import error stop start-up. No automatic
fix.
"#,
};

/// Words that make a name a mode or enforcement flag.
const FLAG_WORDS: &[&str] = &[
    "prod", "strict", "secure", "enforce", "require", "mode", "env", "debug", "dev", "allow",
    "stub", "fallback", "fail", "safe", "harden", "deploy", "staging", "test", "local",
];

/// Words that make a name a secret or key (the `if not SECRET_KEY:` shape).
const SECRET_WORDS: &[&str] = &[
    "secret",
    "private_key",
    "signing_key",
    "api_key",
    "jwt",
    "token",
    "password",
    "cert",
    "encryption_key",
    "fernet",
];

fn has_word(name: &str, words: &[&str]) -> bool {
    let lower = name.to_ascii_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// Whether a `try` body reads a key, secret, certificate or token: a call or subscript
/// whose text names one (`load_private_key(…)`, `os.environ["SECRET_KEY"]`,
/// `open(KEY_FILE)`), `key` only as a whole word part (`monkey` is not a key).
fn loads_secret(body: Node<'_>, m: &Module<'_>) -> bool {
    util::descendants(body)
        .filter(|n| matches!(n.kind(), "call" | "subscript"))
        .any(|n| {
            let t = m.text(n).to_ascii_lowercase();
            has_word(&t, SECRET_WORDS)
                || t.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| matches!(w, "key" | "keyfile" | "pem" | "credentials"))
        })
}

/// The security module a `try` body imports, if any.
fn imported_security_module(body: Node<'_>, m: &Module<'_>) -> Option<String> {
    for s in util::descendants(body) {
        let module = match s.kind() {
            "import_from_statement" => s.child_by_field_name("module_name"),
            "import_statement" => s.child_by_field_name("name").map(|n| {
                if n.kind() == "aliased_import" {
                    n.child_by_field_name("name").unwrap_or(n)
                } else {
                    n
                }
            }),
            _ => None,
        };
        if let Some(mn) = module {
            let t = util::norm(m.text(mn));
            if is_security_module(&t) {
                return Some(t);
            }
        }
    }
    None
}

/// A flag in a condition: the flag's text and name, and whether the gate raises when it
/// is truthy. `None` when the condition is not about a mode flag.
fn flag_of(
    cond: Node<'_>,
    m: &Module<'_>,
    exc_var: Option<&str>,
) -> Option<(String, String, bool)> {
    let mut node = cond;
    let mut when_set = true;
    while node.kind() == "not_operator" || node.kind() == "parenthesized_expression" {
        if node.kind() == "not_operator" {
            when_set = !when_set;
            node = node.child_by_field_name("argument")?;
        } else {
            node = node.named_child(0)?;
        }
    }
    // The condition must not be about the exception itself.
    if let Some(e) = exc_var {
        if util::descendants(cond).any(|i| i.kind() == "identifier" && m.text(i) == e) {
            return None;
        }
    }
    let text = m.text(node).to_string();
    let name = match node.kind() {
        "identifier" => text.clone(),
        "attribute" => m.text(node.child_by_field_name("attribute")?).to_string(),
        // `os.getenv("PRODUCTION") == "true"`, `ENV == "production"`, `os.environ.get(…)`.
        "comparison_operator" | "call" | "subscript" => {
            let t = text.to_ascii_lowercase();
            if !(t.contains("getenv") || t.contains("environ") || has_word(&t, FLAG_WORDS)) {
                return None;
            }
            let quoted = util::descendants(node)
                .find(|n| n.kind() == "string")
                .map(|s| m.text(s).trim_matches(['"', '\'']).to_string());
            let ident = util::descendants(node)
                .find(|n| {
                    n.kind() == "identifier" && m.text(*n).chars().any(|c| c.is_ascii_uppercase())
                })
                .map(|n| m.text(n).to_string());
            quoted.or(ident).unwrap_or_else(|| text.clone())
        }
        _ => return None,
    };
    if !has_word(&name, FLAG_WORDS) && node.kind() != "call" && node.kind() != "comparison_operator"
    {
        return None;
    }
    Some((text, name, when_set))
}

/// The default of a flag read from the environment in `value`'s text: `getenv("X",
/// "false")` is off, `environ.get("X")` is off (None), `"true"` is on.
fn default_of(value: &str) -> Default {
    let t = util::norm(value).to_ascii_lowercase();
    let word = |s: &str| {
        let s = s.trim_matches(['"', '\'', ')', '(']).to_string();
        match s.as_str() {
            "" | "0" | "false" | "no" | "off" | "none" | "n" | "f" | "development" | "dev"
            | "local" | "debug" => Default::Off,
            "1" | "true" | "yes" | "on" | "y" | "t" | "production" | "prod" => Default::On,
            _ => Default::Unknown,
        }
    };
    for call in ["getenv(", "environ.get(", "default="] {
        if let Some(i) = t.find(call) {
            let args = &t[i + call.len()..];
            let args = args.split(')').next().unwrap_or("");
            if call == "default=" {
                return word(args.split(',').next().unwrap_or(""));
            }
            return match args.split_once(',') {
                Some((_, d)) => word(d.split(',').next().unwrap_or("")),
                None => Default::Off,
            };
        }
    }
    if t.contains("environ[") {
        return Default::Unknown;
    }
    word(&t)
}

/// The first statement of a block that carries on with a stub: an assignment, a stub
/// class/function, or a log/print/warn call. Statements inside `skip` do not count.
fn stub_after<'t>(stmts: &[Node<'t>], skip: Node<'t>, m: &Module<'t>) -> Option<Node<'t>> {
    // Only what runs after the gate (or in its `else`): a log line before it runs in
    // both cases and carries nothing on.
    let others = || {
        stmts
            .iter()
            .copied()
            .filter(move |s| s.id() != skip.id() && s.start_byte() >= skip.start_byte())
    };
    // A stub definition or assignment says more than the log line before it.
    let defines = others().find(|s| match s.kind() {
        "function_definition" | "class_definition" | "decorated_definition" => true,
        "expression_statement" => util::descendants(*s).any(|n| n.kind() == "assignment"),
        _ => false,
    });
    defines.or_else(|| {
        others().find(|s| {
            s.kind() == "expression_statement"
                && util::descendants(*s).any(|n| {
                    n.kind() == "call"
                        && (util::logging_call(n, m).is_some()
                            || matches!(m.callee(n).as_deref(), Some("print" | "warnings.warn")))
                })
        })
    })
}

/// The default of `ENV == "production"` when `ENV` is read from the environment in
/// the same module with a default string: on when the default is the compared value.
fn default_via_comparison(value: Node<'_>, m: &Module<'_>) -> Option<Default> {
    if value.kind() != "comparison_operator" {
        return None;
    }
    let parts = util::named_children(value);
    let ident = parts.iter().find(|n| n.kind() == "identifier")?;
    let lit = parts.iter().find(|n| n.kind() == "string")?;
    let compared = m.text(*lit).trim_matches(['"', '\'']).to_ascii_lowercase();
    let src = util::last_assignment(m.root, m.text(*ident), value.start_byte(), m.text(m.root))?;
    let t = util::norm(m.text(src)).to_ascii_lowercase();
    let i = t
        .find("getenv(")
        .map(|i| i + 7)
        .or_else(|| t.find("environ.get(").map(|i| i + 12))?;
    let args = t[i..].split(')').next().unwrap_or("");
    let (_, d) = args.split_once(',')?;
    let d = d.trim_matches(['"', '\'']);
    let eq = m.text(value).contains("==");
    Some(if (d == compared) == eq {
        Default::On
    } else {
        Default::Off
    })
}

/// A gate among a block's statements: an `if` on a flag whose branch raises, with no
/// `else` that raises too. Returns the `if`, the flag and the stub that runs otherwise.
fn gate<'t>(
    block: Node<'t>,
    m: &Module<'t>,
    exc_var: Option<&str>,
) -> Option<(Node<'t>, (String, String, bool), Node<'t>)> {
    let stmts = util::statements(block);
    // A handler that raises unconditionally fails closed.
    if stmts.iter().any(|s| {
        s.kind() == "raise_statement"
            || (s.kind() != "if_statement" && util::raises_or_exits(*s, m))
    }) {
        return None;
    }
    for s in &stmts {
        if s.kind() != "if_statement" {
            continue;
        }
        let Some(cond) = s.child_by_field_name("condition") else {
            continue;
        };
        let Some(cons) = s.child_by_field_name("consequence") else {
            continue;
        };
        if !util::raises_or_exits(cons, m) {
            continue;
        }
        let Some(flag) = flag_of(cond, m, exc_var) else {
            continue;
        };
        let else_body = util::named_children(*s)
            .into_iter()
            .find(|c| c.kind() == "else_clause")
            .and_then(|e| e.child_by_field_name("body"));
        if let Some(e) = else_body {
            if util::raises_or_exits(e, m) {
                continue;
            }
            if let Some(stub) = stub_after(&util::statements(e), e, m) {
                return Some((*s, flag, stub));
            }
        }
        if let Some(stub) = stub_after(&stmts, *s, m) {
            return Some((*s, flag, stub));
        }
    }
    None
}

fn line_text(cx: &FileCx<'_>, offset: usize) -> String {
    let l = cx.file.lines.line_of(offset);
    cx.file.lines.line_text(&cx.file.text, l).to_string()
}

/// How the stub is named in the message: its first line without a trailing comment,
/// and never a string it assigns (a development secret stays out of the message).
fn stub_text(stub: Node<'_>, m: &Module<'_>) -> String {
    if let Some(a) = util::descendants(stub).find(|n| n.kind() == "assignment") {
        if let (Some(l), Some(r)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) {
            if matches!(r.kind(), "string" | "concatenated_string") {
                return format!("{} = \"…\"", m.text(l));
            }
        }
    }
    let first = m.text(stub).lines().next().unwrap_or("");
    let first = first.split("  #").next().unwrap_or(first).trim();
    if first.chars().count() > 60 {
        let cut: String = first.chars().take(57).collect();
        format!("{cut}…")
    } else {
        first.to_string()
    }
}

impl FlagGatedFallback {
    /// Module-level assignments of flag-like names: where a flag is read, with its default.
    fn record_defs(&self, m: &Module<'_>, cx: &FileCx<'_>) {
        let mut defs = Vec::new();
        // Module-level assignments only (where settings modules read their flags); a
        // whole-tree walk of every module would cost more than the rule is worth.
        let top = util::statements(m.root)
            .into_iter()
            .filter(|s| s.kind() == "expression_statement")
            .filter_map(|s| s.named_child(0))
            .filter(|n| n.kind() == "assignment");
        for n in top {
            let Some(left) = n.child_by_field_name("left") else {
                continue;
            };
            if left.kind() != "identifier" {
                continue;
            }
            let name = m.text(left);
            if !has_word(name, FLAG_WORDS) {
                continue;
            }
            // `PRODUCTION_MODE: bool = Field(default=False)` keeps its value in `right`
            // too; an annotation alone has no default to read.
            let Some(value) = n.child_by_field_name("right").map(|r| m.text(r)) else {
                continue;
            };
            let default = default_of(value);
            defs.push((
                name.to_string(),
                FlagDef {
                    at: cx.locate(n.byte_range(), format!("`{name}` is read here")),
                    default,
                },
            ));
        }
        if defs.is_empty() {
            return;
        }
        if let Ok(mut st) = self.state.lock() {
            for (name, d) in defs {
                st.defs.entry(name).or_default().push(d);
            }
        }
    }
}

impl Rule for FlagGatedFallback {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        // The words decide whether the tree is needed at all: a module with neither
        // flag definitions nor a gated fallback is never parsed for this rule.
        let defines_flags =
            text.contains("getenv") || text.contains("environ") || text.contains("Field(");
        let raises = text.contains("raise") || text.contains("exit");
        let shape1 = raises && text.contains("except");
        let shape2 = raises && has_word(text, SECRET_WORDS);
        if !(defines_flags || shape1 || shape2) {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        if defines_flags {
            self.record_defs(&m, cx);
        }
        if !(shape1 || shape2) {
            return;
        }
        // One walk for both shapes.
        let k = crate::parse::python::kinds();
        let (tries, ifs): (Vec<_>, Vec<_>) = m
            .descendants(m.root)
            .filter(|n| {
                (shape1 && n.kind_id() == k.try_statement)
                    || (shape2 && n.kind_id() == k.if_statement)
            })
            .partition(|n| n.kind_id() == k.try_statement);
        let mut found = Vec::new();
        // Shape 1: `except ImportError: if FLAG: raise … <stub>`.
        for try_stmt in tries {
            let Some(body) = try_stmt.child_by_field_name("body") else {
                continue;
            };
            let what = match imported_security_module(body, &m) {
                Some(module) => format!("`{module}` fails to import"),
                None if loads_secret(body, &m) => "the key or secret cannot be loaded".to_string(),
                None => continue,
            };
            for clause in util::named_children(try_stmt)
                .into_iter()
                .filter(|n| n.kind() == "except_clause")
            {
                let Some(handler) = util::except_body(clause) else {
                    continue;
                };
                let exc_var = util::named_children(clause)
                    .into_iter()
                    .find(|n| n.kind() == "as_pattern")
                    .and_then(|p| p.child_by_field_name("alias"))
                    .map(|a| m.text(a).trim().to_string());
                let Some((gate_if, flag, stub)) = gate(handler, &m, exc_var.as_deref()) else {
                    continue;
                };
                let header = util::except_header(clause);
                found.push((header.start..gate_if.end_byte(), what.clone(), flag, stub));
                break;
            }
        }
        // Shape 2: `if not SECRET_KEY: if FLAG: raise … SECRET_KEY = "dev"`.
        for if_stmt in ifs {
            let Some(cond) = if_stmt.child_by_field_name("condition") else {
                continue;
            };
            let ctext = m.text(cond);
            let missing = cond.kind() == "not_operator"
                || ctext.ends_with("is None")
                || ctext.contains("== \"\"")
                || ctext.contains("== ''");
            if !missing {
                continue;
            }
            let Some(secret) = util::descendants(cond)
                .filter(|n| matches!(n.kind(), "identifier" | "attribute"))
                .map(|n| m.text(n))
                .find(|t| has_word(t, SECRET_WORDS))
            else {
                continue;
            };
            let Some(cons) = if_stmt.child_by_field_name("consequence") else {
                continue;
            };
            let Some((gate_if, flag, stub)) = gate(cons, &m, None) else {
                continue;
            };
            // The stub must give the secret a value.
            let assigns_secret = util::descendants(stub).any(|n| {
                n.kind() == "assignment"
                    && n.child_by_field_name("left")
                        .is_some_and(|l| m.text(l) == secret)
            });
            if !assigns_secret {
                continue;
            }
            found.push((
                if_stmt.start_byte()..gate_if.end_byte(),
                format!("`{secret}` is not set"),
                flag,
                stub,
            ));
        }
        if found.is_empty() {
            return;
        }
        let mut pending = Vec::new();
        for (span, what, (flag_text, flag_name, raises_when_set), stub) in found {
            let local = util::last_assignment(m.root, &flag_name, usize::MAX, text).map(|v| {
                let assign = v.parent().unwrap_or(v);
                FlagDef {
                    at: cx.locate(assign.byte_range(), format!("`{flag_name}` is read here")),
                    default: default_via_comparison(v, &m).unwrap_or_else(|| default_of(m.text(v))),
                }
            });
            let inline_default = {
                let t = flag_text.to_ascii_lowercase();
                (t.contains("getenv") || t.contains("environ")).then(|| default_of(&flag_text))
            };
            let stub_text = stub_text(stub, &m);
            pending.push(Pending {
                snippet: line_text(cx, span.start),
                at: cx.locate(span, "fails closed only under a flag"),
                what,
                flag_text,
                flag_name,
                raises_when_set,
                stub: cx.locate(stub.byte_range(), "the stub that runs otherwise"),
                stub_text,
                local,
                inline_default,
            });
        }
        if let Ok(mut st) = self.state.lock() {
            st.pending.extend(pending);
        }
    }

    fn finish(&self, _repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let pending = std::mem::take(&mut st.pending);
        for p in pending {
            // The definition: in the module, else the only module-level read elsewhere
            // (several candidates: the nearest in path wins).
            let def = p.local.clone().or_else(|| {
                let cands = st.defs.get(&p.flag_name)?;
                let dir = p.at.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                cands
                    .iter()
                    .max_by_key(|d| {
                        let common =
                            d.at.path
                                .chars()
                                .zip(dir.chars())
                                .take_while(|(a, b)| a == b)
                                .count();
                        (common, std::cmp::Reverse(d.at.path.len()))
                    })
                    .cloned()
            });
            let default = p
                .inline_default
                .or(def.as_ref().map(|d| d.default))
                .unwrap_or(Default::Unknown);
            // Fails closed by default when the gate raises in the default state.
            let closed_by_default = match default {
                Default::Off => !p.raises_when_set,
                Default::On => p.raises_when_set,
                Default::Unknown => false,
            };
            let polarity = if p.raises_when_set {
                "is set"
            } else {
                "is not set"
            };
            let where_read = match &def {
                Some(d) => format!(
                    "; `{}` is read at {}:{}",
                    p.flag_name, d.at.path, d.at.region.start.line
                ),
                None => String::new(),
            };
            let default_note = match default {
                Default::Unknown => {
                    " and its default could not be read, so a deployment that does not set it may run the stub".to_string()
                }
                _ => " and defaults to the stub, so a deployment that does not set it runs insecure".to_string(),
            };
            let message = format!(
                "when {}, this raises only if `{}` {polarity} and otherwise carries on with a stub (`{}`){where_read}{default_note}: fail closed unless an explicit insecure opt-in is set",
                p.what, p.flag_text, p.stub_text
            );
            if closed_by_default {
                continue;
            }
            let f = out.report(p.at, p.snippet, message);
            f.related.push(p.stub);
            if let Some(d) = def {
                f.related.push(d.at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{default_of, Default};

    #[test]
    fn defaults_read_from_the_environment() {
        assert_eq!(
            default_of(r#"os.getenv("PRODUCTION_MODE", "false").lower() == "true""#),
            Default::Off
        );
        assert_eq!(default_of(r#"os.environ.get("STRICT")"#), Default::Off);
        assert_eq!(
            default_of(r#"os.getenv("PRODUCTION", "1") == "1""#),
            Default::On
        );
        assert_eq!(default_of("False"), Default::Off);
        assert_eq!(default_of("Field(default=True)"), Default::On);
        assert_eq!(default_of(r#"os.environ["MODE"]"#), Default::Unknown);
    }
}
