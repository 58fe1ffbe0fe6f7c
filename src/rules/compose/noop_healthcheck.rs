//! `compose/noop-healthcheck`: a healthcheck that cannot fail.

use crate::finding::Severity;
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::compose::{not_production, services};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct NoopHealthcheck;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "compose/noop-healthcheck",
    summary: "Compose healthcheck that always succeeds (checks nothing)",
    severity: Severity::Medium,
    docs: r#"
## Why
A health check that cannot fail is worse than none: the service is reported "healthy",
`depends_on: condition: service_healthy` lets dependants start against a dead service, and
nobody looks further because the dashboard is green. Hardening reviews call these "health
checks that check nothing".

Reported: `test:` that is `true`, `/bin/true`, `:`, `exit 0`, an `echo`/`printf` alone, in
`CMD`, `CMD-SHELL` or string form; and a real probe whose failure is swallowed
(`curl -f http://localhost:8000/health || exit 0`, `… || true`, `…; exit 0`).

## Example
```yaml
    healthcheck:
      test: ["CMD", "true"]
    healthcheck:
      test: ["CMD-SHELL", "curl -f http://localhost:8000/healthz || exit 0"]
```

## Fix
Probe what breaks: `pg_isready`, `redis-cli ping`, an HTTP endpoint that touches the
dependencies (`curl -fsS http://localhost:8000/healthz || exit 1`), or, for a worker, a
heartbeat file the work loop touches (`find /tmp/heartbeat -mmin -2 | grep -q .`).
To opt out on purpose, write `healthcheck: {disable: true}`.

No peer tool checks the content of compose health checks.
"#,
};

/// Why a shell health command cannot fail, if it cannot.
pub(crate) fn noop_shell(cmd: &str) -> Option<&'static str> {
    let t = cmd.trim().trim_end_matches(';').trim();
    let first = t.split_whitespace().next().unwrap_or("");
    let base = first.rsplit('/').next().unwrap_or(first);
    let simple = !t.contains(['|', '&', ';', '$', '`', '>', '<']);
    if matches!(
        t,
        "true" | ":" | "/bin/true" | "/usr/bin/true" | "exit 0" | "exit"
    ) {
        return Some("always succeeds");
    }
    if simple && matches!(base, "echo" | "printf" | "true") {
        return Some("only prints text");
    }
    let compact: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
    for tail in ["|| true", "|| exit 0", "|| :", "; exit 0", "; true"] {
        if compact.ends_with(tail) {
            return Some("swallows the probe's failure");
        }
    }
    if let Some(pos) = compact.rfind("|| echo") {
        if !compact[pos..].contains("exit 1") && !compact[pos..].contains("&& exit") {
            return Some("swallows the probe's failure");
        }
    }
    None
}

/// Why an exec-form health command cannot fail, if it cannot.
pub(crate) fn noop_argv(argv: &[&str]) -> Option<&'static str> {
    let first = argv.first()?;
    let base = first.rsplit('/').next().unwrap_or(first);
    if matches!(base, "sh" | "bash" | "ash" | "dash") {
        let c = argv
            .iter()
            .position(|a| a.starts_with('-') && a.contains('c'))?;
        return noop_shell(argv.get(c + 1)?);
    }
    match base {
        "true" => Some("always succeeds"),
        "echo" | "printf" => Some("only prints text"),
        "exit" if argv.get(1).is_none_or(|a| *a == "0") => Some("always succeeds"),
        _ => None,
    }
}

fn noop_test(test: &YamlNode) -> Option<&'static str> {
    match test.as_seq() {
        Some(_) => {
            let items = test.strings();
            match items.first().copied() {
                Some("CMD") => noop_argv(&items[1..]),
                Some("CMD-SHELL") => noop_shell(&items.get(1..)?.join(" ")),
                _ => None,
            }
        }
        None => noop_shell(test.as_str()?),
    }
}

impl Rule for NoopHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if not_production(cx.role) {
            return;
        }
        for svc in services(yaml) {
            let Some(test) = svc.value.at(&["healthcheck", "test"]) else {
                continue;
            };
            if let Some(why) = noop_test(test) {
                out.report(
                    test.span.clone(),
                    format!(
                        "healthcheck of service `{}` {why}: it reports healthy whatever the service's state",
                        svc.key
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_forms() {
        assert!(noop_shell("exit 0").is_some());
        assert!(noop_shell("echo ok").is_some());
        assert!(noop_shell("curl -f http://localhost/ || exit 0").is_some());
        assert!(noop_shell("curl -f http://localhost/ || true").is_some());
        assert!(noop_shell("curl -f http://localhost/ || exit 1").is_none());
        assert!(noop_shell("pg_isready -U app").is_none());
        assert!(noop_shell("redis-cli ping | grep PONG").is_none());
        assert!(noop_argv(&["true"]).is_some());
        assert!(noop_argv(&["/bin/sh", "-c", "exit 0"]).is_some());
        assert!(noop_argv(&["curl", "-f", "http://localhost"]).is_none());
    }
}
