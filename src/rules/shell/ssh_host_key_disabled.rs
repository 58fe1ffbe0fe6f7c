//! `shell/ssh-host-key-disabled`: SSH with host-key verification turned off.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::classify::FileKind;
use crate::finding::{Related, Severity};
use crate::parse::dockerfile::Dockerfile;
use crate::parse::shell::ShellScript;
use crate::rules::shell::util::{comment_ranges, in_comment, printed_heredoc_ranges};
use crate::rules::{FileCx, Rule, RuleMeta, Sink};

/// See [`META`].
pub struct SshHostKeyDisabled;

/// Metadata and docs.
pub static META: RuleMeta = RuleMeta {
    id: "shell/ssh-host-key-disabled",
    summary: "SSH host-key checking disabled (`StrictHostKeyChecking=no`, `UserKnownHostsFile=/dev/null`)",
    severity: Severity::High,
    docs: r#"
## Why
With `StrictHostKeyChecking=no` (or a `/dev/null` known-hosts file) `ssh`, `scp`,
`rsync` and `git` accept whatever key the server presents: anyone who can redirect
the connection (DNS, ARP, a compromised router, a re-used cloud IP) receives the
deploy key's session, the files being copied, and the commands being run. In
real repositories most of these lines live in deploy workflows and Dockerfiles,
not only in `.sh` files; this rule checks all of them.

It reports the option wherever it is set in shell code: `ssh -o …`, `-oStrictHostKeyChecking=no`,
`rsync -e "ssh -o …"`, `GIT_SSH_COMMAND`, `SSH_OPTS` variables, and ssh config
written by `echo`/`printf`/heredocs (`StrictHostKeyChecking no`), inside scripts,
Dockerfile `RUN`, workflow `run:` steps and container commands. It also checks
YAML and config files (Ansible `ansible_ssh_common_args`, `ssh_config` files).
Comments are ignored, and so is a usage banner a script prints to the terminal
(`cat <<EOF` … `Connect with: ssh -o StrictHostKeyChecking=no …` … `EOF`, not
redirected or piped anywhere): it shows the command, it does not run it. `StrictHostKeyChecking=accept-new` (trust on first use) is
reported at low.

One finding per script (per `run:` step of a workflow, per `RUN` of a Dockerfile):
the first place, with the other places as related locations, since they are one
problem fixed once (a pinned known_hosts).

## Example
```yaml
- run: ssh -o StrictHostKeyChecking=no deploy@${{ secrets.HOST }} ./deploy.sh
```

## Fix
Pin the server's key: store the output of `ssh-keyscan -t ed25519 host` (verified
once out of band) in a secret or in the repository, write it to
`~/.ssh/known_hosts`, and drop the option:
```sh
echo "$DEPLOY_KNOWN_HOSTS" >> ~/.ssh/known_hosts
ssh deploy@host ./deploy.sh
```
No automatic fix: the right key has to come from a person.
"#,
};

struct Patterns {
    strict: Regex,
    known_hosts: Regex,
    ansible: Regex,
}

fn patterns() -> Option<&'static Patterns> {
    static RE: OnceLock<Option<Patterns>> = OnceLock::new();
    RE.get_or_init(|| {
        Some(Patterns {
            strict: Regex::new(
                r#"(?i)StrictHostKeyChecking["']?\s*[= ]\s*["']?(no|off|false|accept-new)\b"#,
            )
            .ok()?,
            known_hosts: Regex::new(r#"(?i)UserKnownHostsFile["']?\s*[= ]\s*["']?/dev/null"#)
                .ok()?,
            ansible: Regex::new(r#"(?i)^\s*host_key_checking\s*[=:]\s*["']?(false|no|0)\b"#)
                .ok()?,
        })
    })
    .as_ref()
}

/// One place where host-key checking is turned off, in the coordinates of the checked code.
struct Hit {
    span: Range<usize>,
    /// The same place in the host file (a workflow around a `run:` script).
    host: Range<usize>,
    message: &'static str,
    /// `accept-new`: trust on first use, low.
    tofu: bool,
}

const DISABLED: &str = "SSH host-key checking disabled: the connection accepts any server key (man-in-the-middle); pin the key in known_hosts";
const TOFU: &str = "`StrictHostKeyChecking=accept-new` trusts whatever key a new host presents; pin known_hosts instead";
const DEV_NULL: &str = "`UserKnownHostsFile=/dev/null` discards host keys, so every server key is accepted; pin the key in known_hosts";

fn hits(text: &str, skip: impl Fn(usize) -> bool) -> Vec<Hit> {
    let Some(p) = patterns() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen_lines = Vec::new();
    for m in p.strict.find_iter(text) {
        if skip(m.start()) {
            continue;
        }
        let tofu = m.as_str().to_ascii_lowercase().ends_with("accept-new");
        seen_lines.push(text[..m.start()].matches('\n').count());
        out.push(Hit {
            span: m.range(),
            host: m.range(),
            message: if tofu { TOFU } else { DISABLED },
            tofu,
        });
    }
    for m in p.known_hosts.find_iter(text) {
        if skip(m.start()) || seen_lines.contains(&text[..m.start()].matches('\n').count()) {
            continue;
        }
        out.push(Hit {
            span: m.range(),
            host: m.range(),
            message: DEV_NULL,
            tofu: false,
        });
    }
    out.sort_by_key(|h| h.span.start);
    out
}

/// Reports the hits of one piece of code: one finding for the places that disable the
/// check (one problem, fixed once by pinning known_hosts), the first one with the others
/// as related locations, and one for the places that trust on first use.
fn report(hits: Vec<Hit>, cx: &FileCx<'_>, out: &mut Sink<'_>) {
    for tofu in [false, true] {
        let mut group = hits.iter().filter(|h| h.tofu == tofu);
        let Some(first) = group.next() else {
            continue;
        };
        let related: Vec<Related> = group
            .map(|h| cx.locate(h.host.clone(), "host-key checking turned off here too"))
            .collect();
        let message = if related.is_empty() {
            first.message.to_string()
        } else {
            format!(
                "{} ({} places in this file)",
                first.message,
                related.len() + 1
            )
        };
        let f = out.report(first.span.clone(), message);
        f.related = related.into();
        // The related places are further instances: the plan sizes the task by them,
        // and fixing the first does not make the rest look like a new finding.
        f.grouped = true;
        if tofu {
            f.severity = Severity::Low;
        }
    }
}

impl Rule for SshHostKeyDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_shell(&self, script: &ShellScript, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        let text = script.text();
        if !text.contains("nownHostsFile")
            && !text.contains("ostKeyChecking")
            && !text.contains("OSTKEYCHECKING")
        {
            return;
        }
        let comments = comment_ranges(script);
        // A usage banner printed with `cat <<EOF` shows the command to a reader; it is
        // not run.
        let printed = printed_heredoc_ranges(script);
        let found = hits(text, |off| {
            in_comment(&comments, off) || in_comment(&printed, off)
        })
        .into_iter()
        .map(|h| Hit {
            host: out.host(&h.span),
            ..h
        })
        .collect();
        report(found, cx, out);
    }

    fn check_dockerfile(&self, df: &Dockerfile, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        // `ENV GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=no"` is not shell, but configures every ssh in the image.
        let mut found = Vec::new();
        for ins in df
            .instructions
            .iter()
            .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
        {
            found.extend(hits(ins.args_text(), |_| false).into_iter().map(|h| {
                let host = ins.args.range_to_host(&h.span);
                Hit {
                    span: host.clone(),
                    host,
                    ..h
                }
            }));
        }
        report(found, cx, out);
    }

    fn wants_all_text(&self) -> bool {
        true
    }

    fn check_text(&self, cx: &FileCx<'_>, out: &mut Sink<'_>) {
        // Shell-bearing kinds are checked through their parsed shell; here only config-like files.
        let name = cx.file.path.rsplit('/').next().unwrap_or("");
        let config_like = matches!(cx.kind, FileKind::Yaml | FileKind::Text)
            && (cx.kind == FileKind::Yaml
                || name == "config"
                || name.ends_with("ssh_config")
                || name.ends_with(".cfg")
                || name.ends_with(".ini")
                || name.ends_with(".conf"));
        if !config_like {
            return;
        }
        let text = cx.file.text.as_str();
        if name == "ansible.cfg" || name.ends_with(".cfg") && text.contains("host_key_checking") {
            if let Some(p) = patterns() {
                for line_start in
                    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1))
                {
                    let line = text[line_start..].split('\n').next().unwrap_or("");
                    if let Some(m) = p.ansible.find(line) {
                        out.report(
                            line_start + m.start()..line_start + m.end(),
                            "Ansible `host_key_checking = False` accepts any server key (man-in-the-middle); keep it on and manage known_hosts",
                        );
                    }
                }
            }
        }
        if !text.contains("nownHostsFile") && !text.contains("ostKeyChecking") {
            return;
        }
        let found = hits(text, |off| {
            let line_start = text[..off].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..off].trim_start().starts_with('#')
        });
        report(found, cx, out);
    }
}
