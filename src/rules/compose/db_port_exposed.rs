//! `compose/db-port-exposed`: a database or cache port published on every interface.

use crate::finding::{Edit, Finding, Fix, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::compose::{is_dev_compose, not_production, services};
use crate::rules::{FileCx, RepoCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct DbPortExposed;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "compose/db-port-exposed",
    summary: "Database or cache port published on all host interfaces",
    severity: Severity::High,
    docs: r#"
## Why
`ports: ["5432:5432"]` publishes PostgreSQL on `0.0.0.0` of the host, and Docker's iptables
rules put it in front of `ufw`/firewalld: the database is reachable from the internet on a
cloud VM. Redis, Elasticsearch, MongoDB and memcached ship without authentication by default;
ransomware bots scan for exactly these ports. Other containers on the compose network reach
the database by service name without any published port.

Reported: a published port (short syntax `"5432:5432"`, `"15432:5432"`, `- 6379`, or long
syntax `{target: 5432, published: 5432}`) whose **container** port is one of PostgreSQL 5432,
MySQL 3306/33060, MongoDB 27017-27019, Redis 6379, Elasticsearch/OpenSearch 9200/9300,
memcached 11211, RabbitMQ 5672, SQL Server 1433, Oracle 1521, CouchDB 5984, Cassandra 9042,
InfluxDB 8086, etcd 2379, CockroachDB 26257, Neo4j 7687, with no host IP or `0.0.0.0`/`::`.

Fine: `"127.0.0.1:5432:5432"`, `host_ip: 127.0.0.1`, `${BIND:-127.0.0.1}:5432:5432`,
`${SQL_PORT:-127.0.0.1:13306}:3306` (one variable with a loopback default for both),
and `expose:` (network-internal only). Files for development or CI
(`docker-compose.dev.yml`, `compose.override.yml`, examples) are reported at low: publishing
the database to a laptop is common, but bind it to 127.0.0.1 there too.

A stack people start by hand is low too: the database service does not restart on its
own (no `restart:`, no `deploy:`) and every `docker compose up` of the file that the
repository shows (its docs, scripts, Makefiles, workflows) runs attached to the terminal,
without `-d`. That is a quickstart or a one-off data import whose host-side tools reach
the database on the published port, not a deployment; a deployment is left running
(`up -d`) and restarts its services. `compose/secret-literal` lowers a published
database's password the same way.

An alternative compose file that nothing in the repository starts or names (not a
default name, no `prod` in it, reached at most through another such file's `extends:`),
in a repository whose documented stack is another file, is a sample (a vendor's
high-availability layout copied in): medium, not a release blocker.

## Example
```yaml
services:
  postgres:
    image: postgres:16.2
    ports:
      - "5432:5432"
  redis:
    image: redis:7.2-alpine
    ports: ["6379:6379"]
```

## Fix
`harden fix --unsafe` rewrites `"5432:5432"` to `"127.0.0.1:5432:5432"` (unsafe: clients
outside the host lose access). Otherwise remove the `ports:` entry (services talk over the compose network), or bind it to loopback:
`"127.0.0.1:5432:5432"`. Reach it from outside through an SSH tunnel or a bastion.

Checkov and Trivy have no equivalent compose check.
"#,
};

/// Well-known database, cache and broker ports and what listens there.
fn db_port(port: u32) -> Option<&'static str> {
    Some(match port {
        5432 => "PostgreSQL",
        3306 | 33060 => "MySQL",
        27017..=27019 => "MongoDB",
        6379 => "Redis",
        9200 | 9300 => "Elasticsearch",
        11211 => "memcached",
        5672 => "RabbitMQ",
        1433 => "SQL Server",
        1521 => "Oracle",
        5984 => "CouchDB",
        9042 => "Cassandra",
        8086 => "InfluxDB",
        2379 => "etcd",
        26257 => "CockroachDB",
        7687 => "Neo4j",
        _ => return None,
    })
}

/// Whether a service publishes a database, cache or broker port on all host interfaces:
/// its own credentials are then reachable from outside the host (a weak password there is
/// exploitable, docs/severity.md).
pub(crate) fn publishes_datastore(svc: &YamlNode) -> bool {
    svc.get("ports")
        .and_then(|p| p.as_seq())
        .unwrap_or(&[])
        .iter()
        .filter_map(port_entry)
        .any(|(ip, port)| db_port(port).is_some() && !is_bound_ip(&ip))
}

/// (host ip, container port) of a `ports:` entry in short or long syntax.
fn port_entry(p: &YamlNode) -> Option<(String, u32)> {
    if let Some(s) = p.as_str() {
        return short_syntax(s);
    }
    p.as_map()?;
    let target = p
        .get("target")
        .and_then(|t| t.as_str())
        .and_then(parse_port)?;
    let ip = p
        .get("host_ip")
        .and_then(|t| t.as_str())
        .unwrap_or("")
        .to_string();
    Some((ip, target))
}

/// A host IP that is loopback (or decided by a variable we cannot see → treated as bound).
fn is_bound_ip(ip: &str) -> bool {
    let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
    if let Some(inner) = ip.strip_prefix("${").and_then(|i| i.strip_suffix('}')) {
        return match crate::rules::compose::default_of(inner) {
            Some(d) => is_bound_ip(d),
            None => true,
        };
    }
    !(ip.is_empty() || ip == "0.0.0.0" || ip == "::" || ip == "*")
}

/// First port of `5432`, `5432-5433`, `5432/tcp`, `${PORT:-5432}`.
fn parse_port(s: &str) -> Option<u32> {
    let s = s.trim();
    let s = s.split('/').next().unwrap_or(s);
    let s = match s
        .strip_prefix("${")
        .and_then(|i| i.strip_suffix('}'))
        .and_then(crate::rules::compose::default_of)
    {
        Some(d) => d,
        None => s,
    };
    s.split('-').next()?.trim().parse().ok()
}

/// (host ip, container port) of a short-syntax entry: `[IP:][HOST:]CONTAINER[/proto]`.
fn short_syntax(s: &str) -> Option<(String, u32)> {
    // Split on ':' outside `${…}` and `[…]`.
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for ch in s.trim().chars() {
        match ch {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ => {}
        }
        if ch == ':' && depth <= 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(ch);
        }
    }
    parts.push(cur);
    let container = parse_port(parts.last()?)?;
    let ip = if parts.len() >= 3 {
        parts[..parts.len() - 2].join(":")
    } else if parts.len() == 2 {
        // `${SQL_PORT:-127.0.0.1:13306}:3306`: one variable holds `[IP:]PORT`, and its
        // default says which interface the port is published on.
        parts[0]
            .trim()
            .strip_prefix("${")
            .and_then(|i| i.strip_suffix('}'))
            .and_then(crate::rules::compose::default_of)
            .and_then(|d| d.rsplit_once(':'))
            .map(|(ip, _)| ip.to_string())
            .unwrap_or_default()
    } else {
        String::new()
    };
    Some((ip, container))
}

impl Rule for DbPortExposed {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// A stack started by hand publishes its database for host-side tools: low; a
    /// sample compose file nobody is shown starting: medium.
    fn settle(&self, repo: &RepoCx<'_>, own: &mut Vec<Finding>) {
        crate::rules::compose::lower_on_hand_run_stacks(repo, own, |_| true);
        crate::rules::compose::lower_on_undocumented_variants(repo, own);
    }

    fn settles(&self) -> bool {
        true
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if not_production(cx.role) {
            return;
        }
        let relaxed = is_dev_compose(cx, yaml);
        for svc in services(yaml) {
            let Some(ports) = svc.value.get("ports").and_then(|p| p.as_seq()) else {
                continue;
            };
            for p in ports {
                let Some((ip, port)) = port_entry(p) else {
                    continue;
                };
                let Some(what) = db_port(port) else { continue };
                if is_bound_ip(&ip) {
                    continue;
                }
                // `"5432:5432"` → `"127.0.0.1:5432:5432"` (short syntax with a host port only).
                let edit = p.as_scalar().and_then(|sc| {
                    let text = sc.as_str();
                    let two_parts = text.matches(':').count() == 1 && !text.contains('$');
                    if !two_parts || !sc.mapped.is_verbatim(&(0..text.len())) {
                        return None;
                    }
                    let at = sc.mapped.to_host(0);
                    Some(Edit {
                        range: at..at,
                        replacement: "127.0.0.1:".to_string(),
                    })
                });
                let f = out.report(
                    p.span.clone(),
                    format!(
                        "service `{}` publishes {what} port {port} on all host interfaces; bind it to 127.0.0.1 or drop it",
                        svc.key
                    ),
                );
                if relaxed {
                    f.severity = Severity::Low;
                }
                if let Some(e) = edit {
                    f.fix = Some(Fix::unsafe_because(
                        "Publish the port on 127.0.0.1 only",
                        "clients outside this host can no longer connect to it",
                        vec![e],
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_binds_to_loopback() {
        let text = "services:\n  db:\n    image: postgres:16\n    ports:\n      - \"5432:5432\"\n      - 6379:6379\n      - 3306\n";
        let (findings, fixed) = crate::rules::compose::scan_and_fix(
            "docker-compose.yml",
            text,
            Box::new(DbPortExposed),
        );
        assert_eq!(findings.len(), 3);
        assert!(fixed
            .contains("- \"127.0.0.1:5432:5432\"\n      - 127.0.0.1:6379:6379\n      - 3306\n"));
        let (again, _) = crate::rules::compose::scan_and_fix(
            "docker-compose.yml",
            &fixed,
            Box::new(DbPortExposed),
        );
        assert_eq!(again.len(), 1);
    }

    #[test]
    fn short_forms() {
        assert_eq!(short_syntax("5432:5432"), Some((String::new(), 5432)));
        assert_eq!(short_syntax("5432"), Some((String::new(), 5432)));
        assert_eq!(short_syntax("15432:5432/tcp"), Some((String::new(), 5432)));
        assert_eq!(
            short_syntax("127.0.0.1:5432:5432"),
            Some(("127.0.0.1".into(), 5432))
        );
        assert_eq!(
            short_syntax("${BIND:-127.0.0.1}:6379:6379"),
            Some(("${BIND:-127.0.0.1}".into(), 6379))
        );
        assert_eq!(
            short_syntax("[::1]:6379:6379"),
            Some(("[::1]".into(), 6379))
        );
        assert_eq!(
            short_syntax("${PG_PORT:-5432}:5432"),
            Some((String::new(), 5432))
        );
        assert_eq!(
            short_syntax("${SQL_PORT:-127.0.0.1:13306}:3306"),
            Some(("127.0.0.1".into(), 3306))
        );
        assert_eq!(
            short_syntax("${SQL_PORT:-13306}:3306"),
            Some((String::new(), 3306))
        );
        assert_eq!(
            short_syntax("${SQL_PORT:-0.0.0.0:13306}:3306"),
            Some(("0.0.0.0".into(), 3306))
        );
        assert!(is_bound_ip("127.0.0.1"));
        assert!(is_bound_ip("${BIND:-127.0.0.1}"));
        assert!(!is_bound_ip("0.0.0.0"));
        assert!(!is_bound_ip(""));
    }
}
