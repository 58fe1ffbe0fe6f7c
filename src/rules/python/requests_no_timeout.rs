//! `python/requests-no-timeout`: HTTP calls that can wait forever.

use tree_sitter::Node;

use crate::finding::{Edit, Fix, Severity};
use crate::parse::python::PythonFile;
use crate::rules::python::util::{self, HttpLib, Module};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct RequestsNoTimeout;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/requests-no-timeout",
    summary:
        "`requests` call (or `urlopen`) without a timeout, or an httpx call with `timeout=None`",
    severity: Severity::Medium,
    docs: r#"
## Why
`requests` has **no default timeout**: `requests.get(url)` waits forever on a
server that accepts the connection and never answers. One stuck upstream then
hangs a collector, a worker thread or a whole web request pool. The same holds
for `urllib.request.urlopen(url)` (it uses the global socket default, `None`).

`httpx` is different: every call and client has a default timeout of 5 seconds,
so a missing `timeout=` is fine there; only an explicit `timeout=None`
(waiting forever) is reported. `aiohttp` sessions default to a 5-minute total
timeout and are not checked.

Reported: `requests.get/post/put/patch/delete/head/options/request(...)`,
`requests.Session().get(...)`, and the same methods on a variable or attribute
assigned from `requests.Session()` (`self.session.get(...)`), without
`timeout=` or with `timeout=None`; `httpx.*` calls and `httpx.Client`/
`AsyncClient` with `timeout=None`; `urlopen` without a timeout. A call passing
`**kwargs` is skipped (the timeout may be in there), and so is a session on
which an adapter is `.mount()`ed (a timeout adapter is a common pattern).
Only production code is checked. Container health-probe scripts
(`healthcheck.py`, `health_check.py`, `liveness.py`…) are skipped: the runtime
that runs them (a Docker `HEALTHCHECK`, a Kubernetes exec probe) kills them after
its own timeout. In a command-line script or a tool run by hand (argparse/click
mains, `scripts/`, `tools/`, `bin/`, files with a shebang or a `main()` guard, PEP 723
scripts run with `uv run`) the
finding is low: a hung script is seen and stopped; a hung service worker is not.
A call to a loopback address (`http://localhost:8000`, `127.0.0.1`, `[::1]`, as written
or assigned to the variable passed in the same function) is low too: a process on the
same host that stops answering is an outage of its own.
A script that polls forever (`while True:` with no `break` of its own, or `while not
stop.is_set():`) is a service and stays medium; a `while True:` that breaks out once a paginated API has no `next`
page is a bounded loop.

## Example
```python
resp = requests.get(f"{API}/quotes/{symbol}")        # may hang forever
with requests.Session() as s:
    s.post(WEBHOOK, json=payload)
```
Fine:
```python
resp = requests.get(f"{API}/quotes/{symbol}", timeout=(3.05, 30))
httpx.get(url)                       # httpx: 5 s default
```

## Fix
Pass `timeout=` to every call (a `(connect, read)` tuple is best), or wrap the
session in an adapter that sets one. `harden fix --unsafe` appends `timeout=30`
(unsafe: a call that legitimately takes longer than 30 s will now fail).

Bandit reports the same for `requests` as B113 (request_without_timeout); it
also reports httpx calls, which have a default and are fine.
"#,
};

const DEFAULT_TIMEOUT: &str = "30";

impl Rule for RequestsNoTimeout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_production(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        if !(text.contains("requests") || text.contains("httpx") || text.contains("urlopen")) {
            return;
        }
        if is_health_probe(&cx.file.path) {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        // A script run by hand or by a scheduler hangs where someone sees it and
        // stops it; in a service a stuck call holds a worker for good.
        // A daemon loop (`while True:` polling) is a service even when started from a
        // script: nobody is watching it.
        // A `while True:` that `break`s out (paging through an API until `next` is
        // empty) ends with its data: a bounded loop, not a daemon.
        let script = crate::rules::python::print_in_library::is_cli_file(&m, &cx.file.path)
            && !m.descendants(m.root).any(|n| {
                n.kind_id() == crate::parse::python::kinds().while_statement
                    && n.child_by_field_name("condition")
                        .is_some_and(|c| forever(m.text(c)))
                    && !breaks_out(n, &m)
            });
        let clients = util::http_clients(&m);
        for call in m.calls() {
            let Some(kind) = classify(call, &m, &clients) else {
                continue;
            };
            if util::has_kwargs_splat(call) {
                continue;
            }
            // A process on the same host (a sidecar, the backend a proxy starts next
            // to itself) that stops answering is an outage already: the missing
            // bound is hygiene.
            let script = script || loopback_target(call, &m);
            let timeout = util::kwarg(call, "timeout", text);
            let shown = m
                .text(call.child_by_field_name("function").unwrap_or(call))
                .to_string();
            match (kind, timeout) {
                (Kind::Httpx, Some(t)) if t.kind() == "none" => {
                    let edit = out.edit(t.byte_range(), DEFAULT_TIMEOUT);
                    let f = out.report(
                        call.byte_range(),
                        format!("`{shown}(..., timeout=None)` disables httpx's default timeout: the call can hang forever"),
                    );
                    add_fix(f, edit);
                    if script {
                        f.severity = Severity::Low;
                    }
                }
                (Kind::Requests, Some(t)) if t.kind() == "none" => {
                    let edit = out.edit(t.byte_range(), DEFAULT_TIMEOUT);
                    let f = out.report(
                        call.byte_range(),
                        format!("`{shown}(..., timeout=None)` waits forever on a server that does not answer"),
                    );
                    add_fix(f, edit);
                    if script {
                        f.severity = Severity::Low;
                    }
                }
                (Kind::Requests, None) => {
                    let edit = insertion(call, &m).and_then(|(at, s)| out.edit(at..at, s));
                    let f = out.report(
                        call.byte_range(),
                        format!("`{shown}()` has no timeout: requests waits forever on a server that does not answer; pass `timeout=`"),
                    );
                    add_fix(f, edit);
                    if script {
                        f.severity = Severity::Low;
                    }
                }
                (Kind::Urlopen, None) if util::positional(call).len() < 3 => {
                    let edit = insertion(call, &m).and_then(|(at, s)| out.edit(at..at, s));
                    let f = out.report(
                        call.byte_range(),
                        format!("`{shown}()` has no timeout: it waits forever on a server that does not answer; pass `timeout=`"),
                    );
                    add_fix(f, edit);
                    if script {
                        f.severity = Severity::Low;
                    }
                }
                _ => {}
            }
        }
    }
}

/// The call's URL (first positional argument, `url=` or `base_url=`) is a literal
/// loopback address (`http://localhost:8000`, `http://127.0.0.1`, `http://[::1]`), as
/// written or as the last value the enclosing function assigned to the variable
/// passed (`proxy_url = f"http://localhost:{port}"`).
fn loopback_target(call: Node<'_>, m: &Module<'_>) -> bool {
    let Some(args) = call.child_by_field_name("arguments") else {
        return false;
    };
    let url = util::positional(call).into_iter().next().or_else(|| {
        util::named_children(args).into_iter().find_map(|a| {
            (a.kind() == "keyword_argument"
                && a.child_by_field_name("name")
                    .is_some_and(|k| matches!(m.text(k), "url" | "base_url")))
            .then(|| a.child_by_field_name("value"))
            .flatten()
        })
    });
    let Some(mut url) = url else {
        return false;
    };
    if url.kind() == "identifier" {
        let Some(body) = util::enclosing_function(call).and_then(|f| f.child_by_field_name("body"))
        else {
            return false;
        };
        match util::last_assignment(body, m.text(url), call.start_byte(), m.text) {
            Some(v) => url = v,
            None => return false,
        }
    }
    if url.kind() != "string" {
        return false;
    }
    let t = m.text(url);
    let body = t
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_start_matches(['"', '\''])
        .to_ascii_lowercase();
    let Some(rest) = body
        .strip_prefix("http://")
        .or_else(|| body.strip_prefix("https://"))
    else {
        return false;
    };
    let host = if rest.starts_with('[') {
        rest.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        rest.split([':', '/', '"', '\''])
            .next()
            .unwrap_or("")
            .to_string()
    };
    matches!(host.as_str(), "localhost" | "[::1]") || host.starts_with("127.")
}

/// A daemon loop's condition: `True`, `1`, or "until told to stop"
/// (`not app.config.exit.is_set()`, `not stop_event.is_set()`).
fn forever(cond: &str) -> bool {
    let c = cond.trim();
    matches!(c, "True" | "1")
        || c.strip_prefix("not ")
            .is_some_and(|rest| rest.trim_end().ends_with(".is_set()"))
}

/// Whether a loop has a `break` of its own (not one of a loop nested in it).
fn breaks_out(looped: Node<'_>, m: &Module<'_>) -> bool {
    m.descendants(looped).any(|n| {
        if n.kind() != "break_statement" {
            return false;
        }
        let mut cur = n.parent();
        while let Some(p) = cur {
            if matches!(p.kind(), "while_statement" | "for_statement") {
                return p.id() == looped.id();
            }
            if matches!(p.kind(), "function_definition" | "class_definition") {
                return false;
            }
            cur = p.parent();
        }
        false
    })
}

/// A container health-probe script (`HEALTHCHECK CMD python healthcheck.py`, a
/// Kubernetes exec probe): the runtime kills it after its own timeout.
fn is_health_probe(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = file.strip_suffix(".py").unwrap_or(&file);
    let squashed: String = stem.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    matches!(
        squashed.as_str(),
        "healthcheck"
            | "health"
            | "healthprobe"
            | "liveness"
            | "readiness"
            | "livenessprobe"
            | "readinessprobe"
            | "dockerhealthcheck"
            | "containerhealthcheck"
    )
}

fn add_fix(f: &mut crate::finding::Finding, edit: Option<Edit>) {
    if let Some(edit) = edit {
        f.fix = Some(Fix::unsafe_because(
            format!("Set timeout={DEFAULT_TIMEOUT}"),
            "a call that legitimately takes longer than 30 seconds will now raise a Timeout",
            vec![edit],
        ));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Requests,
    Httpx,
    Urlopen,
}

fn classify(call: Node<'_>, m: &Module<'_>, clients: &[util::HttpClient]) -> Option<Kind> {
    let name = m.callee(call)?;
    if matches!(
        name.as_str(),
        "urllib.request.urlopen" | "urllib2.urlopen" | "six.moves.urllib.request.urlopen"
    ) {
        return Some(Kind::Urlopen);
    }
    let (obj, method) = name.rsplit_once('.')?;
    if matches!(obj, "httpx") && (util::HTTP_METHODS.contains(&method) || method == "stream")
        || matches!(name.as_str(), "httpx.Client" | "httpx.AsyncClient")
    {
        return Some(Kind::Httpx);
    }
    if !util::HTTP_METHODS.contains(&method) {
        return None;
    }
    match obj {
        "requests" | "requests.api" | "requests.Session()" | "requests.session()" => {
            return Some(Kind::Requests)
        }
        "httpx.Client()" | "httpx.AsyncClient()" => return Some(Kind::Httpx),
        _ => {}
    }
    let f = call.child_by_field_name("function")?;
    let obj_node = f.child_by_field_name("object")?;
    let key = util::norm(m.text(obj_node));
    let client = clients.iter().find(|c| c.name == key)?;
    match client.lib {
        HttpLib::Requests if !client.mounted => Some(Kind::Requests),
        HttpLib::Httpx => Some(Kind::Httpx),
        _ => None,
    }
}

/// Where to add the keyword: after the last argument (`, timeout=30`), or inside
/// empty parentheses (`timeout=30`).
fn insertion(call: Node<'_>, m: &Module<'_>) -> Option<(usize, String)> {
    let args = call.child_by_field_name("arguments")?;
    if args.kind() != "argument_list" {
        return None;
    }
    let last = util::named_children(args)
        .into_iter()
        .rfind(|a| a.kind() != "comment");
    let _ = m;
    match last {
        Some(a) => Some((a.end_byte(), format!(", timeout={DEFAULT_TIMEOUT}"))),
        None => Some((
            args.end_byte().saturating_sub(1),
            format!("timeout={DEFAULT_TIMEOUT}"),
        )),
    }
}
