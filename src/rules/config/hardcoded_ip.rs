//! `config/hardcoded-ip`: literal IP addresses of hosts in code and configuration.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;
use std::sync::{LazyLock, Mutex};

use regex::Regex;

use crate::classify::FileKind;
use crate::finding::{Related, Severity};
use crate::parse::python::{PythonFile, PythonTree};
use crate::roles::FileRole;
use crate::rules::secrets::detect;
use crate::rules::{FileCx, RepoCx, RepoSink, Rule, RuleMeta, Sink};

/// See [`META`].
#[derive(Default)]
pub struct HardcodedIp {
    /// (address, where, snippet, only named in a comment or docstring).
    seen: Mutex<Vec<(String, Related, String, bool)>>,
}

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "config/hardcoded-ip",
    summary: "a host IP address written into code or configuration",
    severity: Severity::Medium,
    docs: r#"
## Why
A server address pasted into fourteen scripts turns a server move, a failover or
a new environment (staging, a laptop) into a hunt through the code, and the copy
that is missed keeps talking to the old machine. Names (DNS, service discovery,
compose/Kubernetes service names) or one configuration value read from the
environment make the address a deployment decision instead of a code change.

One finding per address, at its first occurrence, with every other occurrence as
a related location (several addresses that each appear in one file only are one
finding for that file: "4 addresses hard-coded in settings/production.py") — comments and docstrings that name it too (they are never a
finding of their own, but a move is not complete until they change) and a count ("10.0.3.17 hard-coded in 14 places across 6
files"). Medium when the address is repeated across files (the drift risk), low
when it appears in a single file.

Not reported, to stay precise:
- loopback (`127.0.0.0/8`, `::1`), `0.0.0.0` and `::` (bind-all is a listening
  decision, not a host), broadcast and netmasks (`255.…`), network addresses
  ending in `.0`, link-local and the cloud metadata endpoints (`169.254.…`,
  `fe80::`, AWS's `fd00:ec2::254`), multicast and reserved ranges, the documentation ranges
  (`192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`),
  well-known public resolvers (`8.8.8.8`, `1.1.1.1`, `9.9.9.9`…) and
  placeholder-like addresses whose octets are all single digits (`1.2.3.4`),
  and addresses starting with `0.`, `1.` or `2.` (OIDs such as `2.5.4.52`
  look the same and are far more common in code than hosts in those blocks);
- IPv6 candidates with fewer than three groups or without both a digit and a
  hex letter (`dfa::dead` is a Rust path, `1001:1002:…:1008` a counter);
- CIDR ranges (`10.0.0.0/8`, `fd00:ec2::254/128`): firewall rules, deny lists and
  network policies name ranges on purpose;
- a network's own addressing: compose `ipv4_address:` / `ipv6_address:` of a service
  on a declared network and IPAM `subnet:` / `gateway:` / `ip_range:`;
- addresses the line says to replace (`# Replace with the collector's IP`),
  placeholder-like sequences (`10.1.2.3`), and Python sample data
  (`example_payload = {…}`, `MOCK_RESPONSE = …`, an integration's `tests = {"payload": …}`,
  the `default`/`example` of a field described with a `label`: `{"name": "ip", "label":
  "IP", "default": "192.168.1.1"}`), form placeholders
  (`placeholder="192.168.100.1"`), and expected values of test assertions
  (`is( '2001:41d0::1', resolv(…) )` in a tool's self-test, `assert`, `expect(…)`),
  anything in a shipped tool's own self-test code (a Perl `sub tests_…{`, a shell
  `test_…() {`, an `if [ "$1" == "-t" ]` / `--test` branch), and
  rows of an access table a script writes (`"49.12.4.251 permit"`: Postfix syntax);
- Django's `INTERNAL_IPS` (the clients that see the debug toolbar, not a host to reach;
  an address in `ALLOWED_HOSTS` stays reported);
- anything that is a version or an OID rather than an address (`v1.2.3.4`,
  `version="2.10.3.1"`, `1.3.6.1.4.1…`), and addresses after "example",
  "e.g." or "such as" on the same line (help texts);
- fake-data generators (`utils/generate_fake_data/`, `fake_data/`);
- tests (Helm chart-testing values in `charts/<chart>/ci/` too), examples,
  development environments, archives, vendored and generated code, Markdown and other prose,
  OpenAPI/Swagger descriptions (their addresses are examples),
  lockfiles, SVG/CSV data, minified files, Ansible-style inventories
  (`hosts`, `inventory/`) and address tables (a file whose lines mostly start with
  an address or a range: a Postfix `cidr:` access list, an allow or deny list),
  which are where addresses belong.

## Example
```python
# collectors/weather.py
API = "http://10.0.3.17:8080/api/v1"
# scripts/backup.sh
pg_dump -h 10.0.3.17 metrics > /backup/metrics.sql
```

## Fix
Give the host a name (DNS, `/etc/hosts` on the box, a compose service name) or
read it from one setting (`COLLECTOR_API_URL`) with a per-environment value, and
replace every copy.

gitleaks and trivy do not look for addresses; semgrep has a generic
`detected-ip` pattern without grouping, ranges or role filtering.
"#,
};

static V4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\b",
    )
    .expect("static regex")
});

static V6: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[0-9a-f]{3,4}:[0-9a-f:]{2,36}").expect("static regex"));

const PUBLIC_RESOLVERS: &[&str] = &[
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
    "149.112.112.112",
    "208.67.222.222",
    "208.67.220.220",
];

fn v4_is_host(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    if ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] <= 2
        || o[0] >= 224
        || o[0] == 255
        || o[3] == 0
        || o[3] == 255
        || o.iter().all(|x| *x < 10)
        || (o[1] < 10 && o[2] == o[1] + 1 && o[3] == o[2] + 1)
    {
        return false;
    }
    !PUBLIC_RESOLVERS.contains(&ip.to_string().as_str())
}

fn v6_is_host(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] == 0x2001 && s[1] == 0x0db8)
        || ip.to_ipv4_mapped().is_some()
        || s[0] == 0
        || matches!(
            ip.to_string().as_str(),
            "2001:4860:4860::8888" | "2001:4860:4860::8844" | "2606:4700:4700::1111"
            // The AWS instance metadata endpoint over IPv6, the twin of 169.254.169.254.
            | "fd00:ec2::254"
        ))
}

/// Whether the text just before an address says it is a version number.
fn version_context(line_before: &str) -> bool {
    let lower = line_before.to_ascii_lowercase();
    // camelCase keys split into words: `maxExclusive` is `max exclusive`.
    let mut words = String::with_capacity(line_before.len() + 8);
    let mut prev_lower = false;
    for c in line_before.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            words.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        words.push(c.to_ascii_lowercase());
    }
    let tail: String = words
        .chars()
        .rev()
        .take(32)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    tail.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| {
        matches!(
            w,
            "version"
                | "versions"
                | "ver"
                | "vers"
                | "release"
                | "build"
                | "rev"
                | "revision"
                | "min"
                | "max"
                | "minimum"
                | "maximum"
                | "tag"
                | "sdk"
                | "firmware"
                | "fw"
                | "oid"
                | "oids"
        )
    }) || ["example", "e.g.", "i.e.", "such as", "placeholder"]
        .iter()
        .any(|k| lower.contains(k))
        || ["==", ">=", "<=", "~=", "!="]
            .iter()
            .any(|k| tail.trim_end_matches(['"', '\'', ' ']).ends_with(k))
}

/// IPv4 addresses on lines that present them as examples or placeholders: a line that
/// says so ("e.g.", "such as"), or that also shows a documentation address of RFC 3849
/// (`2001:db8::`) or RFC 5737 (a help text listing accepted formats: `"192.168.10.1,
/// 192.168.1.0/24, 10.1.1.1-10.1.1.20, 2001:db8:2de::e13"`, its "Such as:" on the line above).
fn example_addresses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let lower = line.to_ascii_lowercase();
        let documentation = lower.contains("2001:db8:")
            || V4.find_iter(line).any(|m| {
                m.as_str()
                    .parse::<Ipv4Addr>()
                    .is_ok_and(|ip| ip.is_documentation())
            });
        if !documentation
            && !["placeholder", "example", "e.g.", "such as"]
                .iter()
                .any(|k| lower.contains(k))
        {
            continue;
        }
        for m in V4.find_iter(line) {
            if let Ok(ip) = m.as_str().parse::<Ipv4Addr>() {
                out.push(ip.to_string());
            }
        }
    }
    out
}

/// Byte ranges of a shipped tool's own self-test code, whose addresses are test data
/// inside the tool: a function named `tests…`/`test_…` (Perl `sub tests_decompose_header{`,
/// shell `test_expand() {`) up to the `}` that closes it at its own indentation, and a
/// shell branch run for a self-test flag (`if [ "$1" == "-t" ]`, `--test`,
/// `--self-test`) up to its `fi`.
fn self_test_ranges(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        lines.push((at, l));
        at += l.len();
    }
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        let t = line.trim();
        let name = t
            .strip_prefix("sub ")
            .or_else(|| t.strip_prefix("function "))
            .unwrap_or(t)
            .trim_start();
        let is_function = (name.starts_with("tests") || name.starts_with("test_"))
            && (t.starts_with("sub ") || name.contains("()"))
            && name
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .is_some_and(|n| !n.is_empty());
        let flag_branch = t.starts_with("if ")
            && t.contains("$1")
            && [
                "\"-t\"",
                "'-t'",
                "== -t ",
                "= -t ",
                "--test",
                "--self-test",
                "--selftest",
            ]
            .iter()
            .any(|f| t.contains(f));
        if !(is_function || flag_branch) {
            i += 1;
            continue;
        }
        let indent = indent_of(line);
        let closes = |l: &str| {
            let lt = l.trim_start();
            indent_of(l) == indent
                && if is_function {
                    lt.starts_with('}')
                } else {
                    lt.starts_with("fi") && !lt[2..].starts_with(|c: char| c.is_alphanumeric())
                }
        };
        let end = lines
            .iter()
            .skip(i + 1)
            .find(|(_, l)| closes(l))
            .map(|(o, l)| o + l.len());
        match end {
            Some(end) => {
                out.push(start..end);
                i = lines.partition_point(|(o, _)| *o < end);
            }
            None => i += 1,
        }
    }
    out
}

/// Whether the line is a test assertion (`is( '2001:41d0::1', resolv(…) )` in a Perl
/// self-test, `assert ip == "10.1.4.7"`, `self.assertEqual(…)`, `expect(…)`): the address
/// is an expected value, test data inside the tool.
fn assertion_context(line_before: &str) -> bool {
    let t = line_before.trim_start();
    let call = t.trim_start_matches("self.").trim_start_matches("this.");
    t.starts_with("assert")
        || call.starts_with("assert")
        || [
            "is(",
            "is (",
            "ok(",
            "ok (",
            "is_deeply(",
            "cmp_ok(",
            "expect(",
        ]
        .iter()
        .any(|k| call.starts_with(k))
}

/// Whether the address is the value of a key that declares a network's own addressing:
/// compose `ipv4_address:` / `ipv6_address:` of a service on a declared network, IPAM
/// `subnet:` / `gateway:` / `ip_range:`. That is the network's configuration, not a host
/// copied into code.
fn network_config_key(line_before: &str) -> bool {
    let t = line_before.trim().trim_end_matches(['"', '\'', ' ']);
    let t = t.trim_start_matches("- ");
    [
        "ipv4_address:",
        "ipv6_address:",
        "subnet:",
        "gateway:",
        "ip_range:",
    ]
    .iter()
    .any(|k| t.ends_with(k))
}

/// Whether the address is the key of an access-table row (`49.12.4.251 permit`, Postfix
/// `check_client_access`/postscreen syntax), also when a script writes the row: data.
fn access_table_row(text: &str, end: usize) -> bool {
    let rest = text[end..].trim_start_matches([' ', '\t']);
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    rest.len() < text.len() - end
        && matches!(
            word.as_str(),
            "permit" | "reject" | "dunno" | "ok" | "accept" | "deny"
        )
}

/// Whether the rest of the line says the address is to be replaced (`# Replace with the
/// collector's IP`, `# e.g.`): a placeholder in a sample config.
fn hint_after(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let lower = line.to_ascii_lowercase();
    [
        "replace",
        "example",
        "e.g.",
        "placeholder",
        "change this",
        "your own",
    ]
    .iter()
    .any(|k| lower.contains(k))
}

/// Byte ranges of Python assignments of sample data (`example_payload = {…}`,
/// `MOCK_RESPONSE = …`) and of `if __name__ == "__main__":` blocks (a tool module's demo
/// calls, `verbose_ping("192.168.4.1")`, which the service never runs): addresses there
/// are data, not configuration. Sorted.
fn sample_data_ranges(py: &PythonTree, text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    crate::parse::shell::preorder(py.root(), |n| {
        if n.kind() == "if_statement" && crate::rules::python::util::is_main_guard(n, text) {
            if let Some(body) = n.child_by_field_name("consequence") {
                out.push(body.start_byte()..body.end_byte());
                return false;
            }
        }
        // A field described for a form or a template preview (`{"name": "ip", "label":
        // "IP", "default": "192.168.1.1"}`): the value shown as a sample, not one the
        // code connects to.
        if n.kind() == "dictionary" {
            out.extend(described_field_samples(n, text));
            return true;
        }
        if n.kind() != "assignment" {
            return true;
        }
        let target = n
            .child_by_field_name("left")
            .and_then(|l| text.get(l.start_byte()..l.end_byte()))
            .unwrap_or("")
            .to_ascii_lowercase();
        let sample = [
            "example", "sample", "mock", "fake", "dummy", "demo", "fixture",
        ]
        .iter()
        .any(|w| target.contains(w))
            // Django's `INTERNAL_IPS`: the clients that may see the debug toolbar, not a
            // host the service reaches (a pod IP in `ALLOWED_HOSTS` stays reported).
            || target == "internal_ips"
            || target.ends_with(".internal_ips")
            // `tests = {"payload": …}`: an integration's test payloads, data for its tests.
            || {
                let words: Vec<&str> = target.split(|c: char| !c.is_ascii_alphanumeric()).collect();
                words.contains(&"tests")
                    || (words.contains(&"test")
                        && ["data", "payload", "payloads", "cases", "vectors", "input"]
                            .iter()
                            .any(|w| words.contains(w)))
            };
        if sample {
            out.push(n.start_byte()..n.end_byte());
        }
        // Nested assignments are inside this range already.
        !sample
    });
    out
}

/// In a Python dict that describes a field for people (it has a `label`, `help_text`,
/// `description` or `title` key), the ranges of its sample values: `default`,
/// `example`, `sample`, `placeholder` (a notification template's preview context,
/// round 9).
fn described_field_samples(dict: tree_sitter::Node<'_>, text: &str) -> Vec<Range<usize>> {
    let key_of = |pair: tree_sitter::Node<'_>| {
        pair.child_by_field_name("key")
            .filter(|k| k.kind() == "string")
            .and_then(|k| text.get(k.start_byte()..k.end_byte()))
            .map(|k| k.trim_matches(['"', '\'']).to_ascii_lowercase())
    };
    let mut cursor = dict.walk();
    let pairs: Vec<tree_sitter::Node<'_>> = dict
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "pair")
        .collect();
    let described = pairs.iter().any(|p| {
        key_of(*p)
            .is_some_and(|k| matches!(k.as_str(), "label" | "help_text" | "description" | "title"))
    });
    if !described {
        return Vec::new();
    }
    pairs
        .iter()
        .filter(|p| {
            key_of(**p).is_some_and(|k| {
                matches!(k.as_str(), "default" | "example" | "sample" | "placeholder")
            })
        })
        .filter_map(|p| p.child_by_field_name("value"))
        .map(|v| v.start_byte()..v.end_byte())
        .collect()
}

/// Host addresses in `text`: (address, span).
pub fn addresses(text: &str) -> Vec<(String, Range<usize>)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let line_start = |at: usize| text[..at].rfind('\n').map_or(0, |i| i + 1);
    if memchr::memchr(b'.', b).is_some() {
        for m in V4.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            if s > 0 && matches!(b[s - 1], b'.' | b'-' | b'_' | b'\\' | b'$' | b'#') {
                continue;
            }
            // A path segment (`/srv/10.0.3.17`) but not a URL (`http://10.0.3.17`).
            if s > 1 && b[s - 1] == b'/' && b[s - 2] != b'/' {
                continue;
            }
            if b.get(e) == Some(&b'.') && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
                continue;
            }
            if b.get(e) == Some(&b'/') && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
                continue;
            }
            if matches!(b.get(e), Some(b'-' | b'_'))
                && b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                continue;
            }
            let Ok(ip) = m.as_str().parse::<Ipv4Addr>() else {
                continue;
            };
            if !v4_is_host(ip)
                || version_context(&text[line_start(s)..s])
                || network_config_key(&text[line_start(s)..s])
                || assertion_context(&text[line_start(s)..s])
                || hint_after(text, e)
                || access_table_row(text, e)
            {
                continue;
            }
            out.push((ip.to_string(), s..e));
        }
    }
    if memchr::memmem::find(b, b":").is_some() {
        for m in V6.find_iter(text) {
            let (s, mut e) = (m.start(), m.end());
            let mut cand = m.as_str();
            // Trailing `:` of a port or a YAML key.
            while cand.ends_with(':') && !cand.ends_with("::") {
                cand = &cand[..cand.len() - 1];
                e -= 1;
            }
            if s > 0 && matches!(b[s - 1], b':' | b'.' | b'-' | b'_') {
                continue;
            }
            if b.get(e)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'.')
            {
                continue;
            }
            // A range (`fd00:ec2::254/128`), named on purpose like a v4 CIDR.
            if b.get(e) == Some(&b'/') && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
                continue;
            }
            if network_config_key(&text[line_start(s)..s])
                || assertion_context(&text[line_start(s)..s])
                || hint_after(text, e)
                || access_table_row(text, e)
            {
                continue;
            }
            let colons = cand.matches(':').count();
            if !(cand.contains("::") || colons == 7) {
                continue;
            }
            // Rust/C++ paths (`dfa::dead`, `add::add`) and counters (`1001:1002:…`) are not
            // addresses: an address has three groups or more, a digit, and a hex letter.
            let groups = cand.split(':').filter(|g| !g.is_empty()).count();
            if groups < 3
                || !cand.bytes().any(|c| c.is_ascii_digit())
                || !cand.bytes().any(|c| c.is_ascii_alphabetic())
            {
                continue;
            }
            let Ok(ip) = cand.parse::<Ipv6Addr>() else {
                continue;
            };
            if !v6_is_host(ip) {
                continue;
            }
            out.push((ip.to_string(), s..e));
        }
    }
    out
}

/// Whether the file is a table of addresses: most of its content lines start with an
/// address or a range (a Postfix `cidr:` access table, an allow or deny list, an ipset
/// dump, an nginx `set_real_ip_from` include has a keyword first and is not one). Such a
/// file is the data an address belongs in, like an inventory, not code that hard-codes one.
fn address_table(text: &str) -> bool {
    let (mut lines, mut rows) = (0usize, 0usize);
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with("//") || t.starts_with(';') {
            continue;
        }
        lines += 1;
        let first = t
            .split(|c: char| c.is_whitespace() || c == ',')
            .next()
            .unwrap_or("");
        let addr = first.split('/').next().unwrap_or("");
        if addr.parse::<std::net::IpAddr>().is_ok() {
            rows += 1;
        }
    }
    rows >= 10 && rows * 10 >= lines * 8
}

fn skip_file(cx: &FileCx<'_>) -> bool {
    if cx.role != FileRole::Production || cx.kind == FileKind::Manifest {
        return true;
    }
    if detect::is_prose_or_data(cx) {
        return true;
    }
    let lower = cx.file.path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or("");
    let ext = detect::ext_of(&lower);
    matches!(
        name,
        "hosts" | "hosts.ini" | "hosts.yml" | "hosts.yaml" | "inventory" | "known_hosts"
    ) || lower.starts_with("inventory/")
        || lower.contains("/inventory/")
        || lower.starts_with("inventories/")
        || lower.contains("/inventories/")
        // A fake-data generator (`utils/generate_fake_data/`, `fake_data/`): its
        // addresses are made-up rows for a demo database, nothing connects to them.
        || lower
            .split('/')
            .rev()
            .skip(1)
            .any(|d| ["fake_data", "fake-data", "fakedata"].iter().any(|w| d.contains(w)))
        || matches!(
            ext.as_str(),
            "log" | "pem" | "crt" | "cer" | "key" | "pub" | "map"
        )
}

impl HardcodedIp {
    fn collect(&self, cx: &FileCx<'_>, py: Option<&PythonFile>) {
        if skip_file(cx) {
            return;
        }
        let text = &cx.file.text;
        if address_table(text) {
            return;
        }
        let mut found = addresses(text);
        if found.is_empty() {
            return;
        }
        // Parsed only now that the text holds an address.
        let py = py.and_then(PythonFile::tree);
        let prose = detect::code_prose(cx, py, false);
        let samples = py
            .map(|py| sample_data_ranges(py, text))
            .unwrap_or_default();
        found.retain(|(_, s)| !detect::in_ranges(&samples, s.start));
        let self_test = self_test_ranges(text);
        found.retain(|(_, s)| !detect::in_ranges(&self_test, s.start));
        // An address the file gives as an example or a placeholder somewhere (a form's
        // `placeholder="192.168.100.1"`, "e.g. 10.0.0.5") is that example wherever the
        // file shows it again (the help text under the field).
        let examples = example_addresses(text);
        found.retain(|(ip, _)| !examples.contains(ip));
        if found.is_empty() {
            return;
        }
        // Comments and docstrings that name the address are no finding of their own, but
        // the fix is not complete until they change too: they ride along as related places.
        // Held until the walk ends, so a place's note is written when it is read (it
        // follows from the address and `mentioned`), and a mention, never reported at,
        // keeps no snippet.
        let local: Vec<(String, Related, String, bool)> = found
            .into_iter()
            .map(|(ip, span)| {
                let mentioned = detect::in_ranges(&prose, span.start)
                    || detect::on_comment_line(text, span.start);
                let snippet = if mentioned {
                    String::new()
                } else {
                    let line = cx.file.lines.line_of(span.start);
                    crate::source::snippet_of(cx.file, line + 1)
                };
                let at = cx.locate(span, String::new());
                (ip, at, snippet, mentioned)
            })
            .collect();
        if let Ok(mut seen) = self.seen.lock() {
            seen.extend(local);
        }
    }
}

impl Rule for HardcodedIp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        if cx.kind != FileKind::Python {
            self.collect(cx, None);
        }
    }

    fn check_python(&self, py: &PythonFile, cx: &FileCx<'_>, _out: &mut Sink<'_>) {
        self.collect(cx, Some(py));
    }

    fn finish(&self, _repo: &RepoCx<'_>, out: &mut RepoSink<'_>) {
        // Taken, not borrowed: what was seen is released once read.
        let Ok(mut seen) = self.seen.lock().map(|mut s| std::mem::take(&mut *s)) else {
            return;
        };
        let mut by_ip: BTreeMap<String, Vec<(Related, String)>> = BTreeMap::new();
        let mut mentions: BTreeMap<String, Vec<Related>> = BTreeMap::new();
        for (ip, mut at, snip, mentioned) in seen.drain(..) {
            at.message = if mentioned {
                format!("{ip} named in a comment or docstring")
            } else {
                format!("{ip} again")
            };
            if mentioned {
                mentions.entry(ip).or_default().push(at);
            } else {
                by_ip.entry(ip).or_default().push((at, snip));
            }
        }
        // Addresses seen in one file only: several of them in one file are one change
        // (move that file's hosts to settings), so one finding, at the first.
        let mut single_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (ip, locs) in &by_ip {
            let mut files = locs.iter().map(|l| l.0.path.as_str());
            if let Some(first) = files.next() {
                if files.all(|p| p == first) {
                    single_file
                        .entry(first.to_string())
                        .or_default()
                        .push(ip.clone());
                }
            }
        }
        for (path, ips) in single_file.into_iter().filter(|(_, ips)| ips.len() > 1) {
            let mut locs: Vec<(Related, String)> = Vec::new();
            let mut named: Vec<Related> = Vec::new();
            for ip in &ips {
                let mut these = by_ip.remove(ip).unwrap_or_default();
                if let Some(first) = these.first_mut() {
                    first.0.message = format!("{ip} hard-coded here too");
                }
                locs.extend(these);
                named.extend(mentions.remove(ip).unwrap_or_default());
            }
            locs.sort_by_key(|l| l.0.span.start);
            named.sort_by(|a, b| {
                (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start))
            });
            let mut iter = locs.into_iter();
            let Some((first, snippet)) = iter.next() else {
                continue;
            };
            let shown: Vec<&str> = ips.iter().take(4).map(String::as_str).collect();
            let more = if ips.len() > shown.len() { ", …" } else { "" };
            let msg = format!(
                "{} addresses hard-coded in {path} ({}{more}): use host names or settings read from the environment",
                ips.len(),
                shown.join(", ")
            );
            let f = out.report(first, snippet, msg);
            f.related = iter.map(|l| l.0).chain(named).collect();
            f.severity = Severity::Low;
        }
        for (ip, mut locs) in by_ip {
            locs.sort_by(|a, b| {
                (a.0.path.as_str(), a.0.span.start).cmp(&(b.0.path.as_str(), b.0.span.start))
            });
            let mut files: Vec<&str> = locs.iter().map(|l| l.0.path.as_str()).collect();
            files.dedup();
            let n_files = files.len();
            let n = locs.len();
            let msg = match (n, n_files) {
                (1, _) => format!("{ip} hard-coded: use a host name or a setting read from the environment"),
                (_, 1) => format!("{ip} hard-coded in {n} places: use a host name or one setting read from the environment"),
                _ => format!("{ip} hard-coded in {n} places across {n_files} files: use a host name or one setting read from the environment"),
            };
            let mut iter = locs.into_iter();
            let Some((first, snippet)) = iter.next() else {
                continue;
            };
            let mut named = mentions.remove(&ip).unwrap_or_default();
            named.sort_by(|a, b| {
                (a.path.as_str(), a.span.start).cmp(&(b.path.as_str(), b.span.start))
            });
            // The message stays the same when a comment is added or removed: it is part of
            // the finding's identity in baselines.
            let f = out.report(first, snippet, msg);
            f.related = iter.map(|l| l.0).chain(named).collect();
            if n_files < 2 {
                f.severity = Severity::Low;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(t: &str) -> Vec<String> {
        addresses(t).into_iter().map(|x| x.0).collect()
    }

    #[test]
    fn v4() {
        assert_eq!(ips("host = \"10.0.3.17\"\n"), vec!["10.0.3.17"]);
        assert_eq!(ips("url: http://192.168.1.20:8080/x"), vec!["192.168.1.20"]);
        for t in [
            "127.0.0.1",
            "0.0.0.0",
            "10.0.0.0/8",
            "192.0.2.10",
            "version=\"2.10.3.1\"",
            "v1.22.3.4",
            "1.3.6.1.4.1.2021",
            "255.255.255.0",
            "1.2.3.4",
            "8.8.8.8",
            "169.254.169.254",
            "10.0.3.256",
            "pkg==10.20.30.40",
            "      { minInclusive: \"26.5.1.651\", maxExclusive: \"26.5.6.70\" },",
            "      { minInclusive: \"26.6.0.0\", maxExclusive: \"26.6.2.108\" },",
            "      - \"10.1.2.3:502\"",
            "      - targets: ['172.17.0.1:8888'] # Replace with the Collector's IP and port",
            "        ipv4_address: 172.28.0.10",
            "        - subnet: 172.28.0.0/16\n          gateway: 172.28.0.1",
        ] {
            assert!(ips(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn self_test_code_of_a_tool_is_test_data() {
        let sh = "expand() { echo $1; }\nif [ \"$1\" == \"-t\" ]; then\n  expand fd11::1d70\n  exit 1\nfi\nping 10.4.7.9\n";
        let r = self_test_ranges(sh);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(sh[r[0].clone()].contains("fd11::1d70") && !sh[r[0].clone()].contains("10.4.7.9"));
        let pl = "sub tests_decompose_header{\n        ok( 1 ) ;\nReceived: from plume [192.168.68.7]\n}\nsub run {\n  connect('10.4.7.9');\n}\n";
        let r = self_test_ranges(pl);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(
            pl[r[0].clone()].contains("192.168.68.7") && !pl[r[0].clone()].contains("10.4.7.9")
        );
        assert!(self_test_ranges("if [ -n \"$1\" ]; then\n  ssh 10.4.7.9\nfi\n").is_empty());
    }

    #[test]
    fn access_table_rows_written_by_a_script_are_data() {
        assert!(ips("STATIC_HOSTS=(\n  \"49.12.4.251 permit # checks\"\n  \"2a01:4f8:c17:7906::10 permit\"\n)\n").is_empty());
        assert_eq!(ips("RELAY=49.12.4.251 # the relay\n"), vec!["49.12.4.251"]);
        assert_eq!(ips("ping 10.3.4.51; ok\n"), vec!["10.3.4.51"]);
    }

    #[test]
    fn address_tables() {
        let mut table = String::from("# allowlist, regenerated by a script\n");
        for i in 10..30 {
            table.push_str(&format!("35.{i}.93.243\tpermit\n"));
        }
        table.push_str("2a01:4f8:c17:7906::10 permit # checks\n50.31.32.0/19\tpermit\n");
        assert!(address_table(&table));
        let conf = "upstream app {\n  server 10.0.3.17:8080;\n  server 10.0.3.18:8080;\n}\n";
        assert!(!address_table(conf));
        let mut mostly_code = String::new();
        for i in 10..20 {
            mostly_code.push_str(&format!("10.0.{i}.5 host\nconnect {i}\n"));
        }
        assert!(!address_table(&mostly_code));
    }

    #[test]
    fn v6() {
        assert_eq!(
            ips("addr = \"2a01:4f8:c17:1a2b::1\""),
            vec!["2a01:4f8:c17:1a2b::1"]
        );
        for t in [
            "::1",
            "::",
            "fe80::1",
            "2001:db8::5",
            "time 12:30:45",
            "mac 00:1a:2b:3c:4d:5e",
            "std::map",
            "dfa::dead",
            "add::add",
            "\"1001:1002:1003:1004:1005:1006:1007:1008\"",
            "s!(\"2.5.4.52\")",
            "help = \"Examples: 'mlflow.company.com,10.0.0.100:5000'\"",
            "OID: \"3.6.1.4.1\"",
            "\"fd00:ec2::254/128\",",
            "    \"fd00:ec2::254\",",
            "    \"[fd00:ec2::254]\",",
            "        ipv6_address: 2a01:4f8:c17:1a2b::10",
        ] {
            assert!(ips(t).is_empty(), "{t}");
        }
    }
}
