//! `compose/privileged`: a service that can take over its host.

use crate::finding::{Finding, Severity};
use crate::parse::yaml::{YamlFile, YamlNode};
use crate::rules::compose::{is_dev_compose, not_production, services};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct Privileged;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "compose/privileged",
    summary: "Compose service with host-level privileges (privileged, host namespaces, docker.sock, SYS_ADMIN)",
    severity: Severity::High,
    docs: r#"
## Why
Each of these settings removes the wall between a container and the machine it runs on; a
bug or a compromised dependency in that container becomes root on the host:

- `privileged: true`: every device, every capability, no seccomp/AppArmor;
- `network_mode: host`, `pid: host`, `ipc: host`: the host's network stack, processes
  (ptrace, `/proc/<pid>/environ` of every process) and shared memory;
- `cap_add: [ALL]`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `DAC_READ_SEARCH`: close to privileged;
- `security_opt: [seccomp:unconfined]` / `apparmor:unconfined`;
- `/var/run/docker.sock` (or containerd/podman sockets, or the whole `/var/run` / `/run`
  directory that holds them) mounted, in short or long volume syntax, read-only or not:
  whoever talks to the socket starts a privileged container.

One rule id covers them all (the message names the setting), because the remedy is the same
decision: does this service really need the host? Severity follows docs/severity.md:
settings that give the host away (privileged, capabilities, the runtime socket, `pid: host`)
are high; `network_mode`, `ipc` and `uts: host` weaken isolation without giving the host away
and are medium. An unconfined seccomp or AppArmor profile is medium on its own (more of the
kernel is reachable, but an escape still needs a bug) and high beside a capability close to
privileged or the runtime socket; a service's unconfined profiles are one finding (the others
are related locations), and a privileged service, which runs without them anyway, gets only
its `privileged` finding; in a development, CI or demo compose file everything is
low. Host agents whose job needs it by design
(cAdvisor, node-exporter, Traefik's Docker provider, Portainer, Watchtower, nginx-proxy,
promtail, Datadog, CI runners, Docker-in-Docker, socket proxies, the Ofelia job scheduler, image cleaners)
are reported at low with a note. Servers that jail each document or page in a mount
namespace of their own (Collabora Online, headless Chrome images such as browserless) need
`SYS_ADMIN` for that sandbox by their upstream's documentation: that capability is medium
with a note (everything else they take stays high). Firewall and VPN agents (fail2ban, a netfilter manager,
CrowdSec's firewall bouncer, WireGuard, OpenVPN, Tailscale, keepalived) need the host network
by design (low), but `privileged` gives them every capability and device where
`cap_add: [NET_ADMIN, NET_RAW]` is what the job needs: medium; suppress with a reason once confirmed
(`# harden: ignore[compose/privileged] cadvisor needs /dev/kmsg`). A setting several services take from one YAML anchor (`<<: *common`)
is one finding, on the anchor's line, saying how many services share it.

## Example
```yaml
services:
  worker:
    image: ghcr.io/acme/worker:2.3.1
    privileged: true
    network_mode: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
```

## Fix
Drop the setting; add only the capability the process needs (`cap_add: [NET_BIND_SERVICE]`),
publish ports instead of `network_mode: host`, and use a socket proxy
(`tecnativa/docker-socket-proxy` allowing only the API calls needed) instead of the raw socket.

Checkov 3 has no docker-compose framework (its CKV_DOCKER checks read Dockerfiles) and
Trivy's misconfiguration scanner does not read compose files; `k8s/privileged` is the
Kubernetes counterpart of this rule.
"#,
};

const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "DAC_READ_SEARCH",
    "SYS_RAWIO",
];

/// Whether a host path is a container runtime socket (or its directory).
pub(crate) fn is_runtime_socket(host: &str) -> bool {
    let h = host.trim_end_matches('/');
    h.ends_with("/docker.sock")
        || h.ends_with("/containerd.sock")
        || h.ends_with("/podman.sock")
        || h.ends_with("/crio.sock")
        || h == "/var/run/docker"
        || h == "/run/docker"
        // The whole runtime directory holds the runtime's socket too.
        || h == "/var/run"
        || h == "/run"
}

/// Images of host agents that need host access by design (monitoring, log shipping,
/// reverse proxies that read the Docker API, CNI/device plugins, CI runners).
const HOST_AGENTS: &[&str] = &[
    "cadvisor",
    "node-exporter",
    "node_exporter",
    "traefik",
    "portainer",
    "watchtower",
    "nginx-proxy",
    "docker-gen",
    // nginx-proxy's certificate agent reads the same Docker API to find its hosts.
    "acme-companion",
    "letsencrypt-nginx-proxy-companion",
    "gitlab-runner",
    "actions-runner",
    "netdata",
    "datadog",
    "dd-agent",
    "fluent-bit",
    "fluentd",
    "promtail",
    "grafana/agent",
    "grafana/alloy",
    "calico",
    "cilium",
    "flannel",
    "kube-proxy",
    "csi-",
    "device-plugin",
    "dcgm-exporter",
    // Exporters of the node's own metrics (systemd units, Windows host, conntrack table).
    "systemd-exporter",
    "windows-exporter",
    "conntrack-stats-exporter",
    "falco",
    "autoheal",
    // Job schedulers that run their jobs through the Docker API (`docker exec` on labels).
    "ofelia",
    // Node image garbage collectors delete images through the runtime's socket.
    "image-cleaner",
    "dind",
    "socket-proxy",
    "ingress-nginx/controller",
];

/// Whether an image is a host agent that needs host access by design.
pub(crate) fn is_host_agent_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let name = lower.split('@').next().unwrap_or(&lower);
    HOST_AGENTS.iter().any(|a| name.contains(a))
}

/// Images of host firewall and VPN agents (`fail2ban`, a netfilter manager, WireGuard):
/// their job is the host's network stack, so they need `NET_ADMIN`/`NET_RAW` and often
/// the host network by design — but not every capability and device `privileged` gives.
const NETWORK_AGENTS: &[&str] = &[
    "netfilter",
    "fail2ban",
    "firewall-bouncer",
    "iptables",
    "nftables",
    "wireguard",
    "wg-easy",
    "openvpn",
    "tailscale",
    "keepalived",
];

/// Whether an image is a host firewall or VPN agent.
fn is_network_agent_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let name = lower.split('@').next().unwrap_or(&lower);
    let name = name.rsplit('/').next().unwrap_or(name);
    NETWORK_AGENTS.iter().any(|a| name.contains(a))
}

/// Images of servers that jail each document or page they process in a mount
/// namespace of their own (Collabora Online's per-document chroot jails, headless
/// Chrome's sandbox): their upstream documents `cap_add: [SYS_ADMIN]` as what the
/// jail needs, so the capability is the price of a sandbox that is there, not a
/// forgotten escalation.
const SANDBOX_SERVERS: &[&str] = &[
    "collabora",
    "browserless",
    "alpine-chrome",
    "sockpuppetbrowser",
];

/// Whether an image is a server whose per-request sandbox needs `SYS_ADMIN`.
fn is_sandbox_server_image(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let name = lower.split('@').next().unwrap_or(&lower);
    // The repository path without the tag (`collabora/code`, `ghcr.io/acme/aio-collabora`).
    let name = match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => name,
    };
    SANDBOX_SERVERS.iter().any(|a| name.contains(a))
}

/// What a service is for, as far as host access goes.
#[derive(Clone, Copy, PartialEq)]
enum Agent {
    /// An application: host access is the finding at the rule's severity.
    None,
    /// A host agent whose job needs it by design (monitoring, log shipping, the Docker API).
    Host,
    /// A firewall or VPN agent: the host network by design; `privileged` is wider than
    /// the network capabilities it needs.
    Network,
}

/// Which host access a finding is about, as far as an agent's job explains it.
#[derive(Clone, Copy, PartialEq)]
enum Access {
    /// `privileged: true`.
    Privileged,
    /// `network_mode`/`pid`/`ipc`/`uts`/`userns_mode: host`.
    Namespace,
    /// A capability, an unconfined profile, the runtime socket.
    Other,
}

/// Host agents' findings are low: the access is expected, but worth confirming. A
/// firewall or VPN agent's host namespaces are expected too; its `privileged` is medium,
/// and anything else it takes (the runtime socket) is no part of its job.
fn demote(agent: Agent, access: Access, f: &mut Finding) {
    match (agent, access) {
        (Agent::None, _) | (Agent::Network, Access::Other) => {}
        (Agent::Host, _) => {
            f.severity = Severity::Low;
            f.message
                .push_str(" (expected for this host agent; confirm it is needed)");
        }
        (Agent::Network, Access::Privileged) => {
            f.severity = Severity::Medium;
            f.message.push_str(
                " (a firewall or VPN agent needs `cap_add: [NET_ADMIN, NET_RAW]`, not every capability and device)",
            );
        }
        (Agent::Network, Access::Namespace) => {
            f.severity = Severity::Low;
            f.message
                .push_str(" (expected for this firewall or VPN agent; confirm it is needed)");
        }
    }
}

impl Rule for Privileged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_compose(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        if not_production(cx.role) {
            return;
        }
        let first = out.reported();
        self.check_services(yaml, cx, out);
        out.merge_same_place_since(first, "services that share it");
        // A development, CI or demo compose file never runs on a production host.
        if is_dev_compose(cx, yaml) {
            out.cap_since(first, Severity::Low);
        }
    }
}

impl Privileged {
    fn check_services(&self, yaml: &YamlFile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        for svc in services(yaml) {
            let name = &svc.key;
            let s = &svc.value;
            let sandbox = s
                .get("image")
                .and_then(|i| i.as_str())
                .is_some_and(is_sandbox_server_image);
            let agent = match s.get("image").and_then(|i| i.as_str()) {
                Some(image) if is_host_agent_image(image) => Agent::Host,
                Some(image) if is_network_agent_image(image) => Agent::Network,
                _ => Agent::None,
            };
            let privileged = s.get("privileged").and_then(|v| v.as_bool()) == Some(true);
            let escape_ready = has_dangerous_cap(s)
                || s.get("volumes")
                    .and_then(|v| v.as_seq())
                    .into_iter()
                    .flatten()
                    .filter_map(volume_source)
                    .any(is_runtime_socket);
            if let Some(v) = s.get("privileged") {
                if v.as_bool() == Some(true) {
                    demote(
                        agent,
                        Access::Privileged,
                        out.report(
                            v.span.clone(),
                            format!(
                                "service `{name}` runs privileged: root on the host if compromised"
                            ),
                        ),
                    );
                }
            }
            for key in ["network_mode", "pid", "ipc", "uts", "userns_mode"] {
                if let Some(v) = s.get(key) {
                    if v.as_str() == Some("host") {
                        let f = out.report(
                            v.span.clone(),
                            format!("service `{name}` shares the host's namespace (`{key}: host`)"),
                        );
                        // The host's PID namespace or user mapping gives the host away; the
                        // network, IPC and UTS ones weaken isolation without it (medium).
                        if !matches!(key, "pid" | "userns_mode") {
                            f.severity = Severity::Medium;
                            f.message
                                .push_str(": it loses network/IPC isolation from the host");
                        }
                        demote(agent, Access::Namespace, f);
                    }
                }
            }
            if let Some(caps) = s.get("cap_add").and_then(|c| c.as_seq()) {
                for c in caps {
                    let Some(cap) = c.as_str() else { continue };
                    if is_dangerous_cap(cap) {
                        let norm = cap_name(cap);
                        let f = out.report(
                            c.span.clone(),
                            format!(
                                "service `{name}` adds capability `{cap}`, close to privileged"
                            ),
                        );
                        if sandbox && norm == "SYS_ADMIN" && agent == Agent::None {
                            f.severity = Severity::Medium;
                            f.message.push_str(
                                " (this server builds a sandbox per document or page, which its upstream documents as needing `SYS_ADMIN`; keep it off a host shared with other workloads)",
                            );
                        } else {
                            demote(agent, Access::Other, f);
                        }
                    }
                }
            }
            let unconfined: Vec<(&YamlNode, &str)> = s
                .get("security_opt")
                .and_then(|c| c.as_seq())
                .into_iter()
                .flatten()
                .filter_map(|o| Some((o, o.as_str()?)))
                .filter(|(_, opt)| is_unconfined_profile(opt))
                .collect();
            // `privileged: true` already runs without seccomp and AppArmor: its finding
            // says so, and the profiles are the same decision.
            if let (Some(((first, _), rest)), false) = (unconfined.split_first(), privileged) {
                let all: Vec<String> = unconfined.iter().map(|(_, o)| format!("`{o}`")).collect();
                let f = out.report(
                    first.span.clone(),
                    format!(
                        "service `{name}` disables its security profile{} ({})",
                        if all.len() > 1 { "s" } else { "" },
                        all.join(", ")
                    ),
                );
                for (o, other) in rest {
                    f.related
                        .push(cx.locate(o.span.clone(), format!("`{other}`")));
                }
                // Without a capability close to privileged or the runtime socket, an
                // unconfined profile widens the kernel surface an escape needs but does
                // not hand the host over (medium).
                if !escape_ready {
                    f.severity = Severity::Medium;
                    f.message.push_str(
                        ": more of the kernel is reachable, though nothing here gives the host away",
                    );
                }
                demote(agent, Access::Other, f);
            }
            if let Some(vols) = s.get("volumes").and_then(|v| v.as_seq()) {
                for v in vols {
                    if let Some(host) = volume_source(v) {
                        if is_runtime_socket(host) {
                            demote(
                                agent,
                                Access::Other,
                                out.report(
                                v.span.clone(),
                                if host.ends_with(".sock") {
                                    format!(
                                        "service `{name}` mounts the container runtime socket `{host}`: full control of the host"
                                    )
                                } else {
                                    format!(
                                        "service `{name}` mounts `{host}`, which holds the container runtime socket: full control of the host"
                                    )
                                },
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

/// `seccomp:unconfined` / `apparmor=unconfined` (any spacing): the profile is off.
fn is_unconfined_profile(opt: &str) -> bool {
    let compact: String = opt.chars().filter(|c| !c.is_whitespace()).collect();
    compact.ends_with("unconfined")
        && (compact.starts_with("seccomp") || compact.starts_with("apparmor"))
}

/// Whether the service adds a capability close to privileged (`SYS_ADMIN`, `ALL`, …).
fn has_dangerous_cap(service: &YamlNode) -> bool {
    service
        .get("cap_add")
        .and_then(|c| c.as_seq())
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str())
        .any(is_dangerous_cap)
}

/// A capability's name as the kernel spells it, without `CAP_` (`cap_sys_admin` → `SYS_ADMIN`).
fn cap_name(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_string()
}

/// Whether a capability is close to privileged ([`DANGEROUS_CAPS`]).
fn is_dangerous_cap(cap: &str) -> bool {
    DANGEROUS_CAPS.contains(&cap_name(cap).as_str())
}

/// The host side of a volume entry (`/a:/b:ro` or `{type: bind, source: /a}`).
fn volume_source(v: &YamlNode) -> Option<&str> {
    if let Some(s) = v.as_str() {
        let mut parts = s.splitn(2, ':');
        let first = parts.next()?;
        parts.next()?;
        return Some(first);
    }
    v.get("source").and_then(|s| s.as_str())
}
