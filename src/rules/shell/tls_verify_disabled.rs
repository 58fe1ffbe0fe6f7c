//! `shell/tls-verify-disabled`: downloads and API calls with certificate checks off.

use crate::finding::Severity;
use crate::parse::dockerfile::Dockerfile;
use std::collections::HashMap;

use crate::parse::shell::{ShellScript, WordPart};
use crate::rules::shell::util::{
    descendants_of_kind, for_ci_context, is_local_host, short_flags, url_host,
};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct TlsVerifyDisabled;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/tls-verify-disabled",
    summary: "TLS certificate verification disabled (`curl -k`, `wget --no-check-certificate`, `GIT_SSL_NO_VERIFY`…)",
    severity: Severity::Medium,
    docs: r#"
## Why
Turning certificate verification off makes HTTPS as trustworthy as plain HTTP:
anyone on the path can serve a modified binary, script or API response, or read
the credentials sent with the request. It usually starts as a workaround for a
self-signed or expired certificate and stays forever.

Reported: `curl -k`/`--insecure` (also inside clustered flags such as `-fsSLk`),
`wget --no-check-certificate`, `git -c http.sslVerify=false`,
`git config http.sslVerify false`, `GIT_SSL_NO_VERIFY=1`,
`NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `npm config set strict-ssl false`,
`pip --trusted-host`, `kubectl`/`helm --insecure-skip-tls-verify`, and the environment switches in
Dockerfile `ENV`/`ARG`. A command whose target is `localhost`/`127.0.0.1` (a
health check against a local self-signed endpoint) is not reported: nothing
crosses a network there, also when the URL is built from variables the script
sets (`${SCHEME}://${HOST}:${PORT}/api/health` after `HOST=localhost`, or
`https://localhost:9091${PREFIX:-}/health`); nor is `curl -k http://…` (plain HTTP already gives anyone on
the path the answer; the flag adds nothing). A call to a service of the container
network (a one-label name, a compose network alias with `_`, a Kubernetes `*.svc`
name) that serves a self-signed certificate is low: reaching it takes a foothold on
that network first. Nor is a reachability probe (`until curl -sk "$HOST"
>/dev/null; do sleep 1; done`): its output is thrown away and it sends no data,
header or credential, so a spoofed server learns and changes nothing; the same holds
for a health-check script (`healthcheck.sh`) whose `curl --insecure --fail` sends
nothing and only reports an exit status. In a CI-only file (a workflow `run:` step,
`.github/scripts/`) it is low: the runner is throwaway and what it fetches there
does not ship as such.

## Example
```sh
curl -fsSLk https://artifacts.internal/collector.tar.gz -o /tmp/c.tgz
wget --no-check-certificate https://example.com/tool.deb
```

## Fix
Trust the right CA instead of none: `curl --cacert /etc/ssl/internal-ca.pem`,
`export SSL_CERT_FILE=…`, `git config http.sslCAInfo …`, or fix the server's
certificate. Remove the flag.
"#,
};

/// Variables the script assigns, with their value when every assignment is the same
/// literal: `HOST=localhost` in `if [ -z "$HOST" ]; then HOST=localhost; fi`.
fn literal_assignments(script: &ShellScript) -> HashMap<String, Option<String>> {
    let mut out: HashMap<String, Option<String>> = HashMap::new();
    for node in descendants_of_kind(script.root(), "variable_assignment") {
        let Some(name) = node.child_by_field_name("name") else {
            continue;
        };
        let name = script.node_text(name).to_string();
        let value = node
            .child_by_field_name("value")
            .and_then(|v| script.word(v).static_value());
        let e = out.entry(name).or_insert_with(|| value.clone());
        if *e != value {
            *e = None;
        }
    }
    out
}

/// The URL an argument names with its variables read from the script: a literal
/// part as it is, `${V:-x}` as `x` unless the script assigns `V`, and `$V` as the
/// literal value the script assigns it (a health check's `${SCHEME}://${HOST}:…`
/// whose host falls back to `localhost`). Only the scheme and host need to be
/// known; `None` when they are not.
fn resolved_url(
    script: &ShellScript,
    arg: tree_sitter::Node<'_>,
    literals: &HashMap<String, Option<String>>,
) -> Option<String> {
    let mut url = String::new();
    for part in script.word(arg).parts {
        let piece = match part {
            WordPart::Literal(t) => Some(t),
            WordPart::Var(e) => match literals.get(&e.name) {
                Some(v) => v.clone(),
                None if matches!(e.operator.as_deref(), Some(":-") | Some("-"))
                    && !e.operand.contains('$') =>
                {
                    Some(e.operand.clone())
                }
                None => None,
            },
            _ => None,
        };
        match piece {
            Some(p) => url.push_str(&p),
            // Once the host is read, the rest (a port, a path prefix) does not matter.
            None if url.contains("://") && url_host(&url).is_some_and(|h| !h.is_empty()) => {
                let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
                if rest.contains([':', '/']) {
                    return Some(url);
                }
                return None;
            }
            None => return None,
        }
    }
    Some(url)
}

/// curl short options that take a value (so letters after them are not flags).
const CURL_VALUE_FLAGS: &str = "oOHdXuAeEbcFTwxmrCYyzKQtDPUz";

impl Rule for TlsVerifyDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_shell(&self, script: &ShellScript, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        // A container health-check script: its verdict is the exit status.
        let health_script = {
            let name = crate::model::paths::file_name(&cx.file.path).to_ascii_lowercase();
            ["healthcheck", "health-check", "health_check"]
                .iter()
                .any(|w| name.contains(w))
        };
        let text = script.text();
        let cheap = [
            "curl",
            "insecure",
            "check-certificate",
            "sslVerify",
            "sslverify",
            "SSL_NO_VERIFY",
            "REJECT_UNAUTHORIZED",
            "HTTPSVERIFY",
            "strict-ssl",
            "trusted-host",
            "skip-tls-verify",
        ];
        if !cheap.iter().any(|c| text.contains(c)) {
            return;
        }
        let literals = literal_assignments(script);
        for cmd in script.commands() {
            let values = cmd.arg_values(script);
            let local = values
                .iter()
                .flatten()
                .any(|v| url_host(v).is_some_and(is_local_host))
                || cmd.args.iter().any(|a| {
                    resolved_url(script, *a, &literals)
                        .as_deref()
                        .and_then(url_host)
                        .is_some_and(is_local_host)
                })
                || values
                    .iter()
                    .flatten()
                    .any(|v| v.starts_with("localhost") || v.starts_with("127.0.0.1"));
            let mut hit: Option<(usize, String)> = None;
            match cmd.name.as_str() {
                "curl" if !is_reachability_probe(script, cmd, &values, health_script) => {
                    for (i, v) in values.iter().enumerate() {
                        let Some(v) = v else { continue };
                        if v == "--insecure"
                            || v == "--proxy-insecure"
                            || short_flags(v, CURL_VALUE_FLAGS).contains('k')
                        {
                            hit = Some((i, format!("`curl {v}` skips certificate verification")));
                            break;
                        }
                    }
                }
                "wget" => {
                    if let Some(i) = values
                        .iter()
                        .position(|v| v.as_deref() == Some("--no-check-certificate"))
                    {
                        hit = Some((
                            i,
                            "`wget --no-check-certificate` skips certificate verification".into(),
                        ));
                    }
                }
                "git" => {
                    for (i, v) in values.iter().enumerate() {
                        let Some(v) = v else { continue };
                        let lower = v.to_ascii_lowercase();
                        if lower.starts_with("http.sslverify=false")
                            || lower.contains(".sslverify=false")
                        {
                            hit = Some((
                                i,
                                "`git -c http.sslVerify=false` skips certificate verification"
                                    .into(),
                            ));
                        } else if lower == "http.sslverify"
                            && values
                                .get(i + 1)
                                .and_then(|x| x.as_deref())
                                .is_some_and(|n| n.eq_ignore_ascii_case("false"))
                        {
                            hit = Some((i, "`git config http.sslVerify false` turns certificate verification off".into()));
                        }
                    }
                }
                "npm" | "yarn" | "pnpm" => {
                    if let Some(i) = values
                        .iter()
                        .position(|v| v.as_deref() == Some("strict-ssl"))
                    {
                        if values.get(i + 1).and_then(|x| x.as_deref()) == Some("false") {
                            hit = Some((i, format!("`{} config set strict-ssl false` turns certificate verification off", cmd.name)));
                        }
                    }
                }
                "pip" | "pip3" => {
                    if let Some(i) = values.iter().position(|v| {
                        v.as_deref().is_some_and(|x| {
                            x == "--trusted-host" || x.starts_with("--trusted-host=")
                        })
                    }) {
                        hit = Some((
                            i,
                            "`pip --trusted-host` accepts that host without a valid certificate"
                                .into(),
                        ));
                    }
                }
                "kubectl" | "helm" | "oc" => {
                    if let Some(i) = values.iter().position(|v| {
                        v.as_deref().is_some_and(|x| {
                            x == "--insecure-skip-tls-verify"
                                || x == "--insecure-skip-tls-verify=true"
                        })
                    }) {
                        hit = Some((i, format!("`{} --insecure-skip-tls-verify` skips the API server's certificate check", cmd.name)));
                    }
                }
                _ => {}
            }
            if let Some((i, message)) = hit {
                let span = cmd.args.get(i).map_or(cmd.span(), |n| n.byte_range());
                let urls: Vec<String> = cmd
                    .args
                    .iter()
                    .map(|a| script.node_text(*a).trim_matches(['"', '\'']).to_string())
                    .filter(|t| t.contains("://"))
                    .collect();
                let scheme_is = |u: &String, p: &str| {
                    u.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
                };
                // `curl -k http://…`: the request is plain HTTP, whoever is on the path can
                // answer it already, so the flag gives nothing away (even after a redirect).
                let plain_http = !urls.is_empty() && urls.iter().all(|u| scheme_is(u, "http://"));
                let internal = !urls.is_empty()
                    && urls
                        .iter()
                        .all(|u| url_host(u).is_some_and(is_container_network_host));
                if !local && !plain_http {
                    let message = if internal {
                        format!(
                            "{message} on a service of the container network; trust its CA instead"
                        )
                    } else {
                        format!("{message}; trust the right CA instead")
                    };
                    let f = out.report(span, message);
                    f.severity = for_ci_context(cx, f.severity);
                    if internal {
                        f.severity = f.severity.min(Severity::Low);
                    }
                }
            }
        }
        // `GIT_SSL_NO_VERIFY=1 cmd`, `export NODE_TLS_REJECT_UNAUTHORIZED=0`, bare assignments.
        for node in descendants_of_kind(script.root(), "variable_assignment") {
            let t = script.node_text(node);
            if let Some(m) = env_switch(t) {
                let f = out.report(
                    node.byte_range(),
                    format!("`{m}` turns certificate verification off; trust the right CA instead"),
                );
                f.severity = for_ci_context(cx, f.severity);
            }
        }
    }

    fn check_dockerfile(&self, df: &Dockerfile, _cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for ins in df
            .instructions
            .iter()
            .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
        {
            let text = ins.args_text();
            for word in text.split_whitespace() {
                if let Some(m) = env_switch(word) {
                    let off = text.find(word).unwrap_or(0);
                    let span = ins.args.range_to_host(&(off..off + word.len()));
                    out.report(span, format!("`{m}` turns certificate verification off for everything in the image; trust the right CA instead"));
                }
            }
            // Legacy `ENV NAME value` form.
            let mut parts = text.split_whitespace();
            if let (Some(name), Some(value), None) = (parts.next(), parts.next(), parts.next()) {
                if !name.contains('=') {
                    let joined = format!("{name}={value}");
                    if env_switch(&joined).is_some() {
                        out.report(ins.args_span(), format!("`{joined}` turns certificate verification off for everything in the image; trust the right CA instead"));
                    }
                }
            }
        }
    }
}

/// A host name only a container network resolves: one label (`https://dockerapi/`), an
/// underscore, which DNS host names cannot hold (`dockerapi.${PROJECT}_app-network`, a
/// compose network alias), or a Kubernetes service name (`api.ns.svc`,
/// `….svc.cluster.local`). Reaching it means being on that network already, so a
/// self-signed certificate there is hygiene, not an open door.
fn is_container_network_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    !host.is_empty()
        && !host.starts_with('$')
        && (!host.contains('.')
            || host.contains('_')
            || host.ends_with(".svc")
            || host.ends_with(".svc.cluster.local"))
}

/// `curl -sk "$HOST" >/dev/null` in a wait loop, `curl -k -o /dev/null -w
/// '%{http_code}'`, or a health-check script's `curl -k --fail …/alive` (the verdict
/// is the exit status): the body is thrown away or unused and nothing is sent (no
/// data, header, credentials or upload), so a spoofed server learns and changes
/// nothing.
fn is_reachability_probe(
    script: &ShellScript,
    cmd: &crate::parse::shell::SimpleCommand<'_>,
    values: &[Option<String>],
    health_script: bool,
) -> bool {
    let to_null = |r: &str| {
        let r = r.replace(' ', "");
        r.starts_with(">/dev/null") || r.starts_with("1>/dev/null") || r.starts_with("&>/dev/null")
    };
    // `! curl … >/dev/null` parses as a redirected negation: look one level up too.
    let mut outer = cmd.node.parent();
    if outer.is_some_and(|n| n.kind() == "negated_command") {
        outer = outer.and_then(|n| n.parent());
    }
    let outer_redirects = outer
        .filter(|n| n.kind() == "redirected_statement")
        .map(|n| {
            let mut c = n.walk();
            let found = n
                .children_by_field_name("redirect", &mut c)
                .any(|r| to_null(script.node_text(r)));
            found
        })
        .unwrap_or(false);
    let discards_stdout = outer_redirects
        || cmd.redirects.iter().any(|r| to_null(script.node_text(*r)))
        || values.windows(2).any(|w| {
            matches!(w[0].as_deref(), Some("-o" | "--output"))
                && w[1].as_deref() == Some("/dev/null")
        });
    // `"${CURL_ARGS[@]}"`: a list of arguments harden cannot see may carry headers.
    let opaque_args = cmd.args.iter().any(|a| {
        let t = script.node_text(*a);
        t.contains("[@]") || t.contains("[*]") || t.contains("$@") || t.contains("$*")
    });
    let sends = opaque_args
        || values.iter().any(|v| {
            v.as_deref().is_some_and(|v| {
                v.starts_with("--data")
                    || v.starts_with("--form")
                    || v.starts_with("--upload")
                    || v.starts_with("--user")
                    || v.starts_with("--header")
                    || v.starts_with("--cookie")
                    || v.starts_with("--cert")
                    || (v.starts_with('-')
                        && !v.starts_with("--")
                        && v.chars().any(|c| "dFTuHbE".contains(c)))
            })
        });
    (discards_stdout || health_script) && !sends
}

fn env_switch(assignment: &str) -> Option<&str> {
    let (name, value) = assignment.split_once('=')?;
    let value = value.trim_matches(['"', '\'']);
    let off = match name {
        "GIT_SSL_NO_VERIFY" => matches!(value, "1" | "true" | "yes"),
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => value == "0",
        "CURL_SSL_NO_VERIFY" => value == "1",
        _ => false,
    };
    off.then_some(assignment)
}
