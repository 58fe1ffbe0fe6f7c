//! `python/tls-verify-disabled`: certificate verification turned off.

use tree_sitter::Node;

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::finding::{Finding, Severity};
use crate::parse::python::PythonFile;
use crate::roles::FileRole;
use crate::rules::python::print_in_library;
use crate::rules::python::util::{self, Module};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// A top-level function's byte range and name.
type FunctionSpan = (std::ops::Range<usize>, String);

/// See [`META`].
#[derive(Default)]
pub struct TlsVerifyDisabled {
    /// Byte ranges and names of the top-level functions of files with a finding.
    homes: Mutex<BTreeMap<String, Vec<FunctionSpan>>>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "python/tls-verify-disabled",
    summary: "TLS certificate verification disabled (`verify=False`, `CERT_NONE`, unverified SSL context)",
    severity: Severity::High,
    docs: r#"
## Why
With verification off, anyone on the network path (a compromised router, a
hostile Wi-Fi, a misconfigured proxy, a pod in the same cluster doing ARP
spoofing) can impersonate the server: read the API token in the
`Authorization` header, the database password, or feed the service forged data.
It is usually added "temporarily" to get past a self-signed certificate and
never removed.

Reported:
- `verify=False` on `requests`, `httpx`, `boto3`/`botocore`, `hvac`,
  `aiohttp`, `urllib3` calls, clients, sessions and their request methods (also
  through a module constant `VERIFY = False`); `verify_ssl=False`,
  `verify_certs=False`, `ssl=False` on aiohttp;
- `cert_reqs` / `ssl_cert_reqs` set to `CERT_NONE` / `"none"`;
- `session.verify = False`, `ctx.check_hostname = False`,
  `ctx.verify_mode = ssl.CERT_NONE` (both on one context are one finding, the
  second line related); `check_hostname = False` alone on a context that trusts only
  a CA the code names itself (`create_default_context(cafile=…)`, an `SSLContext`
  given `load_verify_locations` and no `load_default_certs`: a node's self-signed
  certificate) is medium, since only what that CA signs passes. After
  `create_default_context()` every public CA is trusted too, so it stays high;
- `ssl._create_unverified_context()` and assigning it to
  `ssl._create_default_https_context`;
- `urllib3.disable_warnings()` alone, at info: it hides the warning that
  verification is off somewhere.

Production code and examples (which get copied) are checked; tests (a local
test server with a throw-away certificate) are not. A value computed at run
time (`verify=settings.CA_BUNDLE`) is not reported, nor `verify=False` on a
literal `http://` URL (there is no TLS to verify), nor `ssl=False` on a connector
built without a URL (`aiohttp.TCPConnector(ssl=False)`) in a function that assigns a
literal `http://` address (`self._addr = f"http://{netloc}"`), when no literal of its
class (or function) says `https`/`wss`: the connections it carries are plain HTTP.
Neither is code that only
runs when the user opted out (`if not validate_certs: ctx.verify_mode =
ssl.CERT_NONE`, an `if` or conditional expression whose condition names
verification, TLS, SSL, certificates, a hostname or "insecure"): that is a
feature, and the default is what matters (`if not server_hostname:
ctx.check_hostname = False` is correct: there is no name to check). In a
command-line script or maintainer tool (a release helper) the finding is medium,
and so it is in a plugin hook only a maintainer script drives (a function five or
more modules of its directory define, called outside that directory only from
scripts or same-named dispatchers: searxng's engines' `fetch_traits`, run by the
data-update script; see `python/print-in-library`).

## Example
```python
resp = requests.post(VAULT_URL + "/v1/auth/approle/login", json=creds, verify=False)
session.verify = False
```
Fine:
```python
resp = requests.post(url, json=creds, verify="/etc/ssl/certs/internal-ca.pem")
```

## Fix
Trust the right CA instead of none: `verify="/path/to/ca.pem"` (or
`REQUESTS_CA_BUNDLE`/`SSL_CERT_FILE`), `ssl.create_default_context(cafile=...)`.
No automatic fix: the CA bundle path is specific to your deployment.

Bandit B501 (request_with_no_cert_validation) and B323 (unverified context)
cover the main cases; we also follow sessions, module constants, aiohttp and
`check_hostname`.
"#,
};

const HTTP_ROOTS: &[&str] = &[
    "requests",
    "httpx",
    "boto3",
    "botocore",
    "hvac",
    "aiohttp",
    "urllib3",
    "elasticsearch",
    "opensearchpy",
    "docker",
    "kubernetes",
    "pymongo",
    "motor",
];
const CLIENT_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "request",
    "stream",
    "send",
    "Client",
    "AsyncClient",
    "Session",
    "ClientSession",
    "client",
    "resource",
    "PoolManager",
    "TCPConnector",
    "ws_connect",
];

impl Rule for TlsVerifyDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn settles(&self) -> bool {
        true
    }

    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        self.settle_hooks(repo, own);
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if !util::is_shipped_or_example(cx) {
            return;
        }
        let text = cx.file.text.as_str();
        if !(text.contains("verify")
            || text.contains("ssl")
            || text.contains("CERT_NONE")
            || text.contains("check_hostname")
            || text.contains("disable_warnings"))
        {
            return;
        }
        let Some(m) = Module::new(py, text) else {
            return;
        };
        // A maintainer's script (a release helper run by hand) is a real weakness, not a
        // hole in the shipped service: medium.
        let sev = if crate::rules::python::print_in_library::is_cli_file(&m, &cx.file.path) {
            Severity::Medium
        } else {
            META.severity
        };
        let mut reported = 0usize;
        let mut warnings_off: Option<Node<'_>> = None;
        let mut context_lines: Vec<(String, Node<'_>, &str)> = Vec::new();
        for n in m.descendants(m.root) {
            match n.kind() {
                "call" => {
                    let name = m.callee(n).unwrap_or_default();
                    if name == "ssl._create_unverified_context" {
                        out.report(
                            n.byte_range(),
                            "`ssl._create_unverified_context()` accepts any certificate: connections can be intercepted",
                        )
                        .severity = sev;
                        reported += 1;
                        continue;
                    }
                    if name.ends_with("disable_warnings") && name.contains("urllib3") {
                        warnings_off.get_or_insert(n);
                        continue;
                    }
                    if let Some((arg, msg)) =
                        disabled_kwarg(n, &name, &m).filter(|_| !util::in_opt_out_branch(n, text))
                    {
                        out.report(arg.byte_range(), msg).severity = sev;
                        reported += 1;
                    }
                }
                "assignment" => {
                    let (Some(left), Some(right)) = (
                        n.child_by_field_name("left"),
                        n.child_by_field_name("right"),
                    ) else {
                        continue;
                    };
                    if left.kind() != "attribute" {
                        continue;
                    }
                    let attr = left
                        .child_by_field_name("attribute")
                        .map(|a| m.text(a))
                        .unwrap_or("");
                    let rhs = m.resolve(right).unwrap_or_default();
                    let msg = match attr {
                        "verify" if util::is_false(right, &m) => Some(
                            "`.verify = False` turns off certificate checks for every request of this session",
                        ),
                        "check_hostname" if util::is_false(right, &m) => Some(
                            "`check_hostname = False`: any valid certificate for any host is accepted",
                        ),
                        "verify_mode" if rhs.ends_with("CERT_NONE") => Some(
                            "`verify_mode = CERT_NONE` accepts any certificate: connections can be intercepted",
                        ),
                        "_create_default_https_context"
                            if rhs.ends_with("_create_unverified_context") =>
                        {
                            Some("every HTTPS connection of the process stops verifying certificates")
                        }
                        _ => None,
                    };
                    if let Some(msg) = msg.filter(|_| !util::in_opt_out_branch(n, text)) {
                        // `ctx.check_hostname = False` and `ctx.verify_mode = CERT_NONE` on
                        // one context are one problem: one finding, the other line related.
                        if matches!(attr, "check_hostname" | "verify_mode") {
                            let object = left
                                .child_by_field_name("object")
                                .map(|o| m.text(o).to_string())
                                .unwrap_or_default();
                            context_lines.push((object, n, msg));
                            continue;
                        }
                        out.report(n.byte_range(), msg).severity = sev;
                        reported += 1;
                    }
                }
                _ => {}
            }
        }
        let mut done = vec![false; context_lines.len()];
        for i in 0..context_lines.len() {
            if done[i] {
                continue;
            }
            let (object, node, msg) = &context_lines[i];
            let related: Vec<_> = (i + 1..context_lines.len())
                .filter(|&j| !done[j] && context_lines[j].0 == *object)
                .collect();
            let rel = related
                .iter()
                .map(|&j| cx.locate(context_lines[j].1.byte_range(), context_lines[j].2))
                .collect();
            let hostname_only = std::iter::once(i)
                .chain(related.iter().copied())
                .all(|j| m.text(context_lines[j].1).contains("check_hostname"));
            for &j in &related {
                done[j] = true;
            }
            let private_ca = hostname_only && trusts_own_ca(text, object);
            let f = out.report(
                node.byte_range(),
                if private_ca {
                    "`check_hostname = False` on a context that trusts only its own CA: any certificate that CA signs is accepted for this host"
                } else {
                    *msg
                },
            );
            f.related = rel;
            // Verification still runs against only a CA the code names itself (a
            // node's self-signed certificate): only what that CA signs gets through. A
            // real weakness, not an open door (docs/severity.md).
            f.severity = if private_ca { Severity::Medium } else { sev };
            reported += 1;
        }
        if reported > 0 {
            let funcs: Vec<_> = util::named_children(m.root)
                .into_iter()
                .map(|n| {
                    if n.kind() == "decorated_definition" {
                        n.child_by_field_name("definition").unwrap_or(n)
                    } else {
                        n
                    }
                })
                .filter(|f| f.kind() == "function_definition")
                .map(|f| (f.byte_range(), util::function_name(f, text).to_string()))
                .collect();
            if let Ok(mut all) = self.homes.lock() {
                all.insert(cx.file.path.to_string(), funcs);
            }
        }
        if reported == 0 {
            if let Some(w) = warnings_off {
                let f = out.report(
                    w.byte_range(),
                    "`urllib3.disable_warnings()` hides the InsecureRequestWarning: check that no request runs with verification off",
                );
                f.severity = Severity::Info;
            }
        }
    }
}

/// Whether the context named `object` trusts only CAs the code names itself, not the
/// system's: `object = ssl.create_default_context(cafile=…)` (also `cadata=`, `capath=`:
/// given one, the default CAs are not loaded), or `object = ssl.SSLContext(…)` that never
/// calls `load_default_certs()`. `create_default_context()` followed by
/// `load_verify_locations(…)` trusts every public CA as well: any public certificate for
/// any host passes once the hostname is not checked.
fn trusts_own_ca(text: &str, object: &str) -> bool {
    if object.is_empty() {
        return false;
    }
    let Some(created) = text.lines().map(str::trim_start).find(|line| {
        line.strip_prefix(object)
            .map(str::trim_start)
            .is_some_and(|rest| rest.starts_with('=') && !rest.starts_with("=="))
    }) else {
        return false;
    };
    if created.contains("create_default_context(") {
        ["cafile=", "cadata=", "capath="]
            .iter()
            .any(|k| created.contains(k))
    } else if created.contains("SSLContext(") {
        text.contains(&format!("{object}.load_verify_locations("))
            && !text.contains(&format!("{object}.load_default_certs("))
    } else {
        false
    }
}

impl TlsVerifyDisabled {
    /// A high finding inside a plugin hook that only a maintainer script drives
    /// (searxng's engines' `fetch_traits`, run by the data-update script) is a
    /// maintainer tool's weakness, like a release helper's: medium.
    fn settle_hooks(&self, repo: &RepoCx<'_>, own: &mut [Finding]) {
        let Ok(homes) = self.homes.lock() else {
            return;
        };
        // The modules this rule checks.
        let defs = repo.model.module_defs(|m| {
            matches!(
                m.role,
                FileRole::Production | FileRole::Example | FileRole::Development
            )
        });
        let mut verdicts: BTreeMap<(String, String), bool> = BTreeMap::new();
        for f in own.iter_mut().filter(|f| f.severity == Severity::High) {
            let Some(hook) = homes.get(f.path.as_str()).and_then(|funcs| {
                funcs
                    .iter()
                    .find(|(r, _)| r.contains(&f.span.start))
                    .map(|(_, n)| n.clone())
            }) else {
                continue;
            };
            let dir = print_in_library::parent_dir(&f.path).to_string();
            let driven = *verdicts
                .entry((dir.clone(), hook.clone()))
                .or_insert_with(|| print_in_library::script_driven_hook(&hook, &dir, defs, repo));
            if driven {
                f.severity = Severity::Medium;
            }
        }
    }
}

/// The call's URL (first positional argument or `url=`) is a literal `http://…`:
/// there is no TLS to verify, so `verify=False` changes nothing.
fn plain_http_url(args: Node<'_>, m: &Module<'_>) -> bool {
    let url = util::named_children(args)
        .into_iter()
        .find(|a| a.kind() != "keyword_argument" && a.kind() != "comment")
        .or_else(|| {
            util::named_children(args).into_iter().find_map(|a| {
                (a.kind() == "keyword_argument"
                    && a.child_by_field_name("name").map(|k| m.text(k)) == Some("url"))
                .then(|| a.child_by_field_name("value"))
                .flatten()
            })
        });
    url.filter(|u| u.kind() == "string").is_some_and(|u| {
        let t = m.text(u);
        let body = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let body = body.trim_start_matches(['"', '\'']);
        body.to_ascii_lowercase().starts_with("http://")
    })
}

/// The call names the URL it connects to: a positional argument, `url=` or `base_url=`.
/// A connector or session built without one (`aiohttp.TCPConnector(ssl=False)`) gets its
/// URLs from the code around it.
fn names_a_url(args: Node<'_>, m: &Module<'_>) -> bool {
    util::named_children(args)
        .into_iter()
        .any(|a| match a.kind() {
            "keyword_argument" => a
                .child_by_field_name("name")
                .is_some_and(|k| matches!(m.text(k), "url" | "base_url")),
            "comment" => false,
            _ => true,
        })
}

/// The lower-cased body of a string literal (`f"http://{x}"` gives `http://{x}`).
fn literal_body(n: Node<'_>, m: &Module<'_>) -> Option<String> {
    (n.kind() == "string").then(|| {
        let t = m.text(n);
        let body = t.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        body.trim_start_matches(['"', '\'']).to_ascii_lowercase()
    })
}

/// A connector or session created without a URL (`aiohttp.TCPConnector(ssl=False)`) in
/// a function that assigns a literal `http://`/`ws://` address (`self._addr =
/// f"http://{netloc}"`), in a class (or, outside a class, a function) where no literal
/// says `https`/`wss`: the connections it makes carry no TLS, so no certificate check is
/// turned off. One `https://` literal (or a `"https"` scheme test) anywhere in the class
/// keeps the finding: a connector may then serve a TLS address.
fn only_plain_http_around(call: Node<'_>, m: &Module<'_>) -> bool {
    let Some(func) = util::enclosing_function(call) else {
        return false;
    };
    let mut scope = func;
    let mut cur = func.parent();
    while let Some(p) = cur {
        if p.kind() == "class_definition" {
            scope = p;
            break;
        }
        cur = p.parent();
    }
    let assigns_plain = util::descendants(func).any(|n| {
        n.kind() == "assignment"
            && n.child_by_field_name("right")
                .and_then(|r| literal_body(r, m))
                .is_some_and(|b| b.starts_with("http://") || b.starts_with("ws://"))
    });
    assigns_plain
        && !util::descendants(scope).any(|n| {
            literal_body(n, m).is_some_and(|b| {
                let b = b.trim_end_matches(['"', '\'']);
                b.contains("https://") || b.contains("wss://") || b == "https" || b == "wss"
            })
        })
}

/// A keyword argument that disables verification on an HTTP/TLS client call.
fn disabled_kwarg<'t>(call: Node<'t>, name: &str, m: &Module<'_>) -> Option<(Node<'t>, String)> {
    let args = call.child_by_field_name("arguments")?;
    let root = name.split('.').next().unwrap_or("");
    let method = name.rsplit('.').next().unwrap_or("");
    let http = HTTP_ROOTS.contains(&root) || CLIENT_METHODS.contains(&method);
    if plain_http_url(args, m) || (!names_a_url(args, m) && only_plain_http_around(call, m)) {
        return None;
    }
    for a in util::named_children(args) {
        if a.kind() != "keyword_argument" {
            continue;
        }
        let (Some(k), Some(v)) = (
            a.child_by_field_name("name"),
            a.child_by_field_name("value"),
        ) else {
            continue;
        };
        let key = m.text(k);
        let bad = match key {
            "verify" | "verify_ssl" | "verify_certs" => http && util::is_false(v, m),
            "ssl" => {
                (root == "aiohttp" || CLIENT_METHODS.contains(&method))
                    && util::is_false(v, m)
                    && (root == "aiohttp" || m.imports_module("aiohttp"))
            }
            "cert_reqs" | "ssl_cert_reqs" => {
                let t = m
                    .text(v)
                    .trim_matches(|c| c == '"' || c == '\'')
                    .to_ascii_lowercase();
                t == "none" || t == "cert_none" || t.ends_with(".cert_none")
            }
            _ => false,
        };
        if bad {
            return Some((
                a,
                format!(
                    "`{}` on `{name}(...)` turns off certificate verification: the connection can be intercepted",
                    m.text(a)
                ),
            ));
        }
    }
    None
}
